"""Reading order from word boxes (ocr/layout.py)."""
from ocr.layout import reading_order
from ocr.words import Word, page_text


def _line(n: int, *pieces: tuple[int, str], conf: float = 0.95) -> list[Word]:
    words = []
    for x, text in pieces:
        for t in text.split():
            words.append(Word(t, conf, x, 100 * n, 30 * len(t), 50, 1, n))
            x += 30 * len(t) + 20
    return words


def test_two_column_header_read_column_by_column():
    words = (_line(0, (300, "ỦY BAN NHÂN DÂN"), (1200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA"))
             + _line(1, (330, "XÃ BÌNH MINH"), (1300, "Độc lập - Tự do"))
             + _line(2, (420, "Số: 72"))
             + _line(3, (800, "TRÍCH LỤC KHAI SINH"))
             + _line(4, (0, "Họ, chữ đệm, tên: NGUYỄN VĂN AN"), (1500, "x")))
    words[-1].left = 2200  # the page's right edge
    text = page_text(reading_order(words))
    assert text.splitlines()[:6] == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH MINH", "Số: 72", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA",
                                     "Độc lập - Tự do", "TRÍCH LỤC KHAI SINH"]


def test_rows_of_fields_stay_rows():
    words = (_line(0, (0, "Họ, chữ đệm, tên: AN"))
             + _line(1, (0, "Ông: NGUYỄN AN"), (900, "Năm sinh: 1960"), (1600, "CCCD số: 001060000001"))
             + _line(2, (0, "Bà: TRẦN BÌNH"), (900, "Năm sinh: 1962"), (1600, "CCCD số: 001162000002")))
    text = page_text(reading_order(words))
    assert text.splitlines()[1] == "Ông: NGUYỄN AN Năm sinh: 1960 CCCD số: 001060000001"


def test_signature_footer_after_the_block():
    words = (_line(0, (0, "h) Nguồn gốc sử dụng: Nhà nước giao đất có thu tiền sử dụng đất xx"))
             + _line(1, (1300, "Quảng Nam, ngày 14 tháng 02 năm 2010"))
             + _line(2, (0, "Số vào sổ cấp GCN: CH14374"), (1500, "PHÓ CHỦ TỊCH"))
             + _line(3, (1550, "Lê Đức Duy")))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[1:] == ["Quảng Nam, ngày 14 tháng 02 năm 2010", "PHÓ CHỦ TỊCH", "Lê Đức Duy",
                         "Số vào sổ cấp GCN: CH14374"]


def test_seal_strokes_dropped():
    words = _line(0, (0, "Nơi sinh: Hà Nội")) + [Word("“Áq§sS", 0.3, 900, 0, 100, 50, 1, 0),
                                                   Word("¬.", 0.2, 1100, 0, 40, 50, 1, 0)]
    assert page_text(reading_order(words)) == "Nơi sinh: Hà Nội"

"""Reading order from word boxes (ocr/layout.py)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr import layout
from ocr.layout import opens_recipients, reading_order
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
             + _line(2, (0, "Số vào sổ cấp GCN: CH14374"), (1625, "PHÓ CHỦ TỊCH"))  # the signer's lines centred
             + _line(3, (1665, "Lê Đức Duy")))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[1:] == ["Quảng Nam, ngày 14 tháng 02 năm 2010", "PHÓ CHỦ TỊCH", "Lê Đức Duy",
                         "Số vào sổ cấp GCN: CH14374"]


def test_seal_strokes_dropped():
    words = _line(0, (0, "Nơi sinh: Hà Nội")) + [Word("“Áq§sS", 0.3, 900, 0, 100, 50, 1, 0),
                                                   Word("¬.", 0.2, 1100, 0, 40, 50, 1, 0)]
    assert page_text(reading_order(words)) == "Nơi sinh: Hà Nội"


def test_a_recipients_bracketed_note_read_doubtfully_stays():
    """"- Bộ trưởng (để b/c);" of a ministry's "Nơi nhận:" list: "b/c);" read at 0.52 is two letters in five
    characters, which a seal's strokes read as "+ÌYố.," also are; within its brackets it is a word."""
    words = _line(0, (0, "- Bộ trưởng (để")) + [Word("b/c);", 0.52, 600, 0, 150, 50, 1, 0),
                                                 Word(".,);", 0.52, 800, 0, 120, 50, 1, 0)]
    assert page_text(reading_order(words)) == "- Bộ trưởng (để b/c);"


def test_a_word_stretched_by_specks_stays_and_one_beside_its_line_goes():
    line = _line(0, (0, "Nơi cư trú: huyện Bảo Lâm, tỉnh Lâm"))
    # "Đồng," with a speck above and one below in its box: 130 px on a 50 px line, read at 0.67.
    stretched = Word("Đồng,", 0.67, 1300, -40, 120, 130, 1, 0)
    out = reading_order([*line, stretched])
    assert page_text(out) == "Nơi cư trú: huyện Bảo Lâm, tỉnh Lâm Đồng,"
    assert (stretched.top, stretched.height) == (0, 50)
    # The same box above the line's band (a seal's stroke read as letters) is not a word of it, nor is one read
    # without confidence (a hand's strokes across a register's row).
    for box in (Word("Đồng,", 0.67, 1300, -140, 120, 130, 1, 0), Word("lamanss", 0.04, 1300, -40, 120, 130, 1, 0)):
        assert page_text(reading_order([*line, box])) == "Nơi cư trú: huyện Bảo Lâm, tỉnh Lâm"


def test_a_list_dash_read_without_confidence_stays_and_a_speck_goes():
    # "- Như trên;" of "Nơi nhận:": the dash a 16 × 6 px stroke at the letters' middle, read at 0.69.
    line = _line(0, (60, "Như trên;"))
    dash = Word("-", 0.69, 30, 25, 16, 6, 1, 0)
    assert page_text(reading_order([dash, *line])) == "- Như trên;"
    # A speck in the margin left of it, read on its line, does not take its place as the line's opening.
    speck = Word("`", 0.28, -5, 20, 6, 7, 1, 0)
    assert page_text(reading_order([speck, dash, *line])) == "- Như trên;"
    # A speck (as tall as wide), a stub under the letters (a rule's remains) and a stroke far from the word go.
    for box in (Word("-", 0.69, 30, 25, 8, 8, 1, 0), Word("-", 0.69, 30, 52, 16, 6, 1, 0),
                Word("-", 0.69, -100, 25, 16, 6, 1, 0)):
        assert page_text(reading_order([box, *line])) == "Như trên;"


def test_a_speck_read_surely_as_punctuation_inside_a_line_goes():
    """A dot left between "tháng" and "năm" of a date left blank, read as "-" or ":" at 0.9: smaller than a quarter
    of the words' height both ways, so a speck; a printed dash (10 × 4, "Độc lập - Tự do"; Tesseract's box of one
    may span the line) stays, however sure."""
    line = [Word(t, 0.95, 100 * k, 0, 80, 30, 1, 0) for k, t in enumerate("ngày tháng năm 2026".split())]
    for speck, kept in ((Word("-", 0.92, 185, 15, 6, 6, 1, 0), False), (Word("-", 0.92, 185, 20, 2, 2, 1, 0), False),
                        (Word(":", 0.92, 185, 20, 3, 2, 1, 0), False), (Word("'", 0.89, 185, 0, 2, 2, 1, 0), False),
                        (Word("-", 0.92, 185, 15, 10, 4, 1, 0), True), (Word("–", 0.98, 185, 15, 16, 5, 1, 0), True),
                        (Word("-", 0.93, 185, 0, 14, 30, 1, 0), True)):
        words = [*line[:2], speck, *line[2:]]
        assert page_text(reading_order(words)) == ("ngày tháng " + speck.text + " năm 2026" if kept
                                                   else "ngày tháng năm 2026"), speck


def test_a_stroke_read_surely_as_punctuation_taller_than_a_word_goes():
    """A photocopy's dark edge read as "|" at 0.96, three lines tall, beside a line's start: no printed mark stands
    taller than a word (a bracket ≈1.3 of one), and with its box the line it joined was read three lines down."""
    rows = ["1. Nhiều hãng xe tư nhân", "chính thức ở nhiều khu", "biên thùy, sức này đã", "chung; đồng chí Phó"]
    words = [Word(t, 0.95, 300 + 100 * k, 40 * n, 80, 30, 1, n) for n, row in enumerate(rows)
             for k, t in enumerate(row.split())]
    edge = Word("|", 0.96, 70, 10, 6, 110, 1, 0)
    assert page_text(reading_order([edge, *words])) == "\n".join(rows)
    tall = Word("(", 0.95, 280, 0, 12, 40, 1, 0)  # a bracket a little taller than the words stays
    assert page_text(reading_order([tall, *words])).startswith("( 1. Nhiều")


def _official_words() -> list[Word]:
    """Decree 30/2020's page as word boxes: two header blocks, title, body, "Nơi nhận" beside the signer."""
    return (_line(0, (260, "BỘ TÀI CHÍNH"), (1150, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
            + _line(1, (1300, "Độc lập - Tự do - Hạnh phúc"))
            + _line(2, (200, "Số: 123/QĐ-BTC"), (1250, "Hà Nội, ngày 12 tháng 3 năm 2026"))
            + _line(3, (950, "QUYẾT ĐỊNH"))
            + _line(4, (100, "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015 và các văn bản"))
            + _line(5, (100, "Điều 1. Phê duyệt kế hoạch năm 2026 của Bộ Tài chính."))
            + _line(6, (100, "Nơi nhận:"), (1500, "KT. BỘ TRƯỞNG"))
            + _line(7, (100, "- Như Điều 3;"), (1550, "THỨ TRƯỞNG"))
            + _line(8, (100, "- Lưu: VT, KHTC."))
            + _line(9, (1480, "Nguyễn Văn Bình")))


def test_official_header_and_footer_read_block_by_block():
    lines = page_text(reading_order(_official_words())).splitlines()
    assert lines == ["BỘ TÀI CHÍNH", "Số: 123/QĐ-BTC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 12 tháng 3 năm 2026", "QUYẾT ĐỊNH",
                     "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015 và các văn bản",
                     "Điều 1. Phê duyệt kế hoạch năm 2026 của Bộ Tài chính.",
                     "Nơi nhận:", "- Như Điều 3;", "- Lưu: VT, KHTC.", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG",
                     "Nguyễn Văn Bình"]


def test_a_signer_block_read_in_bits_beside_the_recipients_is_still_the_footer():
    """Under a seal on a black-and-white copy only bits of the signer's title read, off their centre (ocr.under_seal):
    no centred column to tell the footer by. The "Nơi nhận:" that opens its left column does (Decree 30/2020's
    words, read here with a toner speck before them), and the signer's column comes after the recipients."""
    words = (_line(0, (100, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng các cơ"))
             + _line(1, (100, "quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành"))
             + _line(2, (100, ".Nơi nhận:"), (1660, "NHÂN DÂN"))
             + _line(3, (100, "- Như Điều 3;"))
             + _line(4, (100, "- Sở Tư pháp;"), (1300, "HỘ CHỦ TỊCH"))
             + _line(5, (100, "- Lưu: VT, TP."), (1720, "TỊCH"))
             + _line(6, (1380, "Nguyễn Tuấn Trường")))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[2:] == [".Nơi nhận:", "- Như Điều 3;", "- Sở Tư pháp;", "- Lưu: VT, TP.", "NHÂN DÂN",
                         "HỘ CHỦ TỊCH", "TỊCH", "Nguyễn Tuấn Trường"]


def _centred(n: int, *blocks: tuple[int, str]) -> list[Word]:
    """Line ``n`` with each text centred on its x (as _line draws words: 30 px a letter, 20 between words)."""
    return _line(n, *[(cx - (30 * len(t.replace(" ", "")) + 20 * t.count(" ")) // 2, t) for cx, t in blocks])


def test_side_by_side_signature_blocks_read_block_by_block():
    """A marriage extract's "Vợ | Chồng | the signer": every line fills every column, yet they are blocks."""
    words = (_line(0, (100, "Ngày, tháng, năm đăng ký: 29/03/2000 tại Ủy ban nhân dân xã Bình Minh, huyện"))
             + _centred(1, (600, "Vợ"), (1350, "Chồng"), (2150, "Bình Minh, ngày 29 tháng 03"))
             + _centred(2, (600, "(Ký, ghi rõ họ tên)"), (1350, "(Ký, ghi rõ họ tên)"), (2150, "CHỦ TỊCH"))
             + _centred(3, (600, "Nguyễn Bảo Linh"), (1350, "Nguyễn Mạnh Huy"), (2150, "Lê Văn Tiếp")))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[1:] == ["Vợ", "(Ký, ghi rõ họ tên)", "Nguyễn Bảo Linh", "Chồng", "(Ký, ghi rõ họ tên)",
                         "Nguyễn Mạnh Huy", "Bình Minh, ngày 29 tháng 03", "CHỦ TỊCH", "Lê Văn Tiếp"]


def test_footer_under_a_paragraph_end_and_over_a_closing_line():
    """A land certificate: a paragraph's last word, the signer's block with its "Số vào sổ" note on a line of
    its own, and a centred serial number closing the page."""
    words = (_line(0, (100, "h) Nguồn gốc sử dụng: Nhà nước giao đất có thu tiền sử dụng đất và các"))
             + _line(1, (100, "đất"))
             + _line(2, (1300, "Quảng Nam, ngày 14 tháng 02 năm 2010"))
             + _line(3, (1625, "PHÓ CHỦ TỊCH"))
             + _line(4, (100, "Số vào sổ cấp GCN: CH14374"))
             + _line(5, (1665, "Lê Đức Duy"))
             + _centred(6, (1205, "Số phát hành: BE 595000")))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[1:] == ["đất", "Quảng Nam, ngày 14 tháng 02 năm 2010", "PHÓ CHỦ TỊCH", "Lê Đức Duy",
                         "Số vào sổ cấp GCN: CH14374", "Số phát hành: BE 595000"]


def _key(w: Word) -> tuple:
    return w.text, w.left, w.top, w.width


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 2400), st.sampled_from(["Số:", "ngày", "Hà", "BỘ", "- Lưu",
                                                                          "Điều 1.", "CỘNG HÒA XÃ HỘI"])),
                         min_size=1, max_size=4), min_size=1, max_size=14))
def test_no_line_is_ever_dropped(rows):
    """Reading order only reorders: every word of every line found comes out once (garbage aside)."""
    words = []
    for n, pieces in enumerate(rows):
        line = sorted(_line(n, *pieces), key=lambda w: w.left)
        for w in line:  # pieces drawn over each other are moved right, as on a page
            w.left = max([w.left] + [v.left + v.width + 5 for v in words if v.line == n])
            words.append(w)
    out = reading_order([Word(w.text, w.conf, w.left, w.top, w.width, w.height, w.block, w.line) for w in words])
    assert sorted(map(_key, out)) == sorted(map(_key, words))
    assert sorted({w.line for w in out}) == list(range(len({w.line for w in out})))


def _phrase(n: int, a: int, b: int, text: str) -> list[Word]:
    """``text``'s words spread over x = a..b on line ``n`` (10 px between words)."""
    parts = text.split()
    each = (b - a - 10 * (len(parts) - 1)) / len(parts)
    return [Word(t, 0.95, int(a + k * (each + 10)), 100 * n, int(each), 30, 1, n) for k, t in enumerate(parts)]


def test_header_rows_cut_by_blanks_stay_in_their_columns():
    """Decree 30's number and date rows, their handwritten values set aside: "Số:  …  /QĐ-UBND" on the left and
    "Đồng Nai, ngày … tháng … năm 2026" on the right are each in pieces; they still belong to the header's two
    centred columns (they came out after the right column, as one line, before)."""
    body = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025 và các văn bản hướng dẫn;"
    words = (_phrase(0, 340, 660, "ỦY BAN NHÂN DÂN") + _phrase(0, 772, 1487, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
             + _phrase(1, 319, 681, "PHƯỜNG LONG BÌNH") + _phrase(1, 902, 1357, "Độc lập - Tự do - Hạnh phúc")
             + _phrase(2, 309, 352, "Số:") + _phrase(2, 519, 692, "/QĐ-UBND")
             + _phrase(2, 829, 1067, "Đồng Nai, ngày") + _phrase(2, 1161, 1240, "tháng")
             + _phrase(2, 1330, 1430, "năm 2026") + _phrase(3, 764, 992, "QUYẾT ĐỊNH")
             + [w for n in range(4, 9) for w in _phrase(n, 248, 1500, body)])
    lines = page_text(reading_order(words)).splitlines()
    assert lines[:7] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG LONG BÌNH", "Số: /QĐ-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Đồng Nai, ngày tháng năm 2026", "QUYẾT ĐỊNH"]


def _row(n: int, *spans: tuple[int, int, str]) -> list[Word]:
    return [w for a, b, text in spans for w in _phrase(n, a, b, text)]


def test_a_letters_summary_under_its_number_stays_in_the_left_column():
    """An official letter's "V/v …" lines under its number are as wide as the left column: they end about where
    the national name above begins, beside nothing on their own lines (read after the right column before)."""
    row = _row
    body = "Đối với đường sá từ châu Ủng tới Thăng Long, thì sông Bạch Đằng không can hệ, vì đã có sông"
    words = (row(0, (328, 649, "ỦY BAN NHÂN DÂN"), (760, 1476, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
             + row(1, (374, 602, "XÃ MUỔI NỌI"), (891, 1345, "Độc lập - Tự do - Hạnh phúc"))
             + row(2, (329, 371, "Số:"), (537, 648, "/UBND"), (838, 1034, "Sơn La, ngày"),
                   (1130, 1398, "tháng 3 năm 2026"))
             + row(3, (248, 728, "V/v kiện toàn Tổ công tác triển khai"))
             + row(4, (256, 719, "Đề án 06 trên địa bàn xã Muổi Nọi"))
             + row(5, (592, 1140, "Kính gửi: Ủy ban nhân dân xã Long Hẹ"))
             + [w for n in range(6, 10) for w in row(n, (236, 1496, body))])
    for w in words:
        w.height = 25  # a 13-pt line at 200 dpi
    lines = page_text(reading_order(words)).splitlines()
    assert lines[:9] == ["ỦY BAN NHÂN DÂN", "XÃ MUỔI NỌI", "Số: /UBND", "V/v kiện toàn Tổ công tác triển khai",
                         "Đề án 06 trên địa bàn xã Muổi Nọi", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Sơn La, ngày tháng 3 năm 2026",
                         "Kính gửi: Ủy ban nhân dân xã Long Hẹ"]


def test_a_summary_reaching_into_the_gutters_margin_stays_in_the_left_column():
    """A summary line ending closer to the national name above than the gutter's margin (22 px short of "CỘNG",
    Chromium's layout at 200 dpi) is still beside nothing: it stays under its number."""
    body = "Hùng dặn ông Chương cứ ngồi trong quán khoảng một tiếng nữa rồi đi ra bình thường. Sau nhiều"
    words = (_row(0, (334, 685, "UBND TỈNH ĐẮK LẮK"), (801, 1518, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
             + _row(1, (349, 670, "SỞ CÔNG THƯƠNG"), (931, 1387, "Độc lập - Tự do - Hạnh phúc"))
             + _row(2, (352, 667, "Số: 1359/SCT-HCTP"), (885, 1432, "Đắk Lắk, ngày 06 tháng 3 năm 2025"))
             + _row(3, (239, 779, "V/v Tuy nhiên không thể bỏ con mồi quí"))
             + _row(4, (460, 559, "nên các"))
             + _row(5, (633, 1138, "Kính gửi: Công an Tỉnh Đắk Lắk."))
             + [w for n in range(6, 10) for w in _row(n, (237, 1535, body))])
    for w in words:
        w.height = 30
    lines = page_text(reading_order(words)).splitlines()
    assert lines[:6] == ["UBND TỈNH ĐẮK LẮK", "SỞ CÔNG THƯƠNG", "Số: 1359/SCT-HCTP",
                         "V/v Tuy nhiên không thể bỏ con mồi quí", "nên các", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]


def _at(words: list[Word], top: int) -> list[Word]:
    for w in words:
        w.top = top
    return words


def test_a_footer_column_is_read_top_to_bottom_whatever_order_tesseract_listed_it_in():
    """Tesseract read the signer's first title line, beside a seal, as a block of its own after the others."""
    words = (_line(0, (100, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng các cơ"))
             + _line(1, (100, "quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành"))
             + _line(2, (100, "Nơi nhận:"))
             + _line(3, (100, "- Như Điều 3;"), (1480, "KT. CHỦ TỊCH"))
             + _line(4, (100, "- Lưu: VT, TP."), (1480, "PHÓ CHỦ TỊCH"))
             + _line(5, (1420, "Nguyễn Tuấn Trường"))
             + _at(_line(6, (1300, "TM. ỦY BAN NHÂN DÂN")), 200))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[2:] == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT, TP.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                         "PHÓ CHỦ TỊCH", "Nguyễn Tuấn Trường"]


def test_a_speck_above_the_signer_does_not_put_the_signer_first():
    """A toner speck read as "-" right of the gutter, a line above "Nơi nhận:"; the title beside it, read again
    under a seal, stands four pixels higher on a line of its own."""
    words = (_line(0, (100, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng các cơ"))
             + _line(1, (100, "quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành"))
             + _line(2, (1700, "-"))
             + _line(3, (100, "Nơi nhận:")) + _at(_centred(3, (1650, "TL. CHỦ TỊCH")), 296)
             + _line(4, (100, "- Như trên;")) + _centred(4, (1650, "CHÁNH VĂN PHÒNG"))
             + _line(5, (100, "- Lưu: VT, VHXH."))
             + _centred(6, (1650, "Nguyễn Hoàng Tuấn")))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[2:] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VHXH.", "-", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG",
                         "Nguyễn Hoàng Tuấn"]


def test_lines_tesseract_read_after_the_page_are_put_back_where_they_are_printed():
    """Tesseract read a paragraph's first two lines as a block of its own, after the signer's name: they go back
    above the line printed below them, and side-by-side columns keep Tesseract's order."""
    body = "tại tỉnh Quảng Trị từ năm 2000 đến năm 2026, lập danh mục sổ còn thiếu trang"
    words = (_line(0, (100, "trận bời bời, Nặng lòng e ấp tính bài phân chia."))
             + _line(2, (100, body))
             + _line(3, (100, "Nơi nhận:"))
             + _line(4, (100, "- Như trên;"), (1480, "CHỦ TỊCH"))
             + _line(5, (1420, "Trần Ngọc Khánh")))
    late = _line(1, (160, "1. Chúng có thể được viết nguyên dạng hoặc bị viết tỉnh lược mất một phần"))
    for w in late:
        w.line = 9
    lines = page_text(reading_order(words + late)).splitlines()
    assert lines == ["trận bời bời, Nặng lòng e ấp tính bài phân chia.",
                     "1. Chúng có thể được viết nguyên dạng hoặc bị viết tỉnh lược mất một phần", body,
                     "Nơi nhận:", "- Như trên;", "CHỦ TỊCH", "Trần Ngọc Khánh"]


def test_the_footers_last_lines_read_first_go_back_to_the_foot():
    """Tesseract read the recipients' last item and the signer's name first, then the page from its head: they go
    back to the foot, and the body's lines at the left margin (under indented ones, sharing a column with that
    item only) stay between the lines printed above and below them, not before the header. Lines' boxes touch
    (a descender): the one above is still above."""
    printed = [(0, 300, "ỦY BAN NHÂN DÂN"), (1, 300, "Số: 524/QĐ-UBND"), (2, 700, "QUYẾT ĐỊNH"),
               (3, 260, "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 19 tháng 02 năm"), (4, 100, "2025;"),
               (5, 260, "Điều 1. Để đánh giá chính xác hơn, Hùng cần biết tường tận"),
               (6, 100, "trước chuyện ông Chương bị khủng bố, đe dọa."),
               (7, 100, "Nơi nhận:"), (8, 100, "- Thanh tra;"), (9, 100, "- Lưu: VT."), (10, 1300, "Trần Quốc Toàn")]
    lines = {n: _line(n, (x, text)) for n, x, text in printed}
    for w in lines[4] + lines[6]:
        w.top -= 10  # its box reaches into the line above's
    read = [lines[9], lines[10]] + [lines[n] for n in range(9)]
    for k, line in enumerate(read):  # Tesseract's order
        for w in line:
            w.line = k
    assert page_text(reading_order([w for line in read for w in line])).splitlines() == [t for *_, t in printed]


def test_two_lines_tesseract_took_for_one_come_apart():
    """A paragraph's short last line and the next one's first, read as one line (their words in one run left to
    right): the upper line, then the lower. A line's words of several heights (a capital, a speck-stretched word)
    stay one line."""
    upper = _line(0, (100, "H'Mông, tiếng Chăm, và tiếng Khmer."))
    lower = _line(1, (160, "1. Trong lịch sử Việt Nam, ông nổi bật với việc chinh phạt"))
    for w in upper + lower:
        w.top -= 55 * w.line  # the pitch of a line: 45 px, words 50 px tall
        w.line = 0
    words = sorted(upper + lower, key=lambda w: w.left)
    assert page_text(reading_order(words)).splitlines() == [
        "H'Mông, tiếng Chăm, và tiếng Khmer.", "1. Trong lịch sử Việt Nam, ông nổi bật với việc chinh phạt"]
    one = _line(0, (100, "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;"))
    one[2].top, one[2].height, one[5].top = 60, 110, 110  # a word stretched by specks, one set low
    assert page_text(reading_order(one)).splitlines() == ["Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;"]


def test_two_lines_read_as_one_come_apart_though_some_words_are_boxed_across_both():
    """A skewed copy: Tesseract read two printed lines as one and boxed some of their words across both (50 px
    where the rest stand 30). Their middles, between the lines', do not hide the gap; each word goes to its line."""
    upper = _line(0, (100, "của Thúy Kiều, nhân vật chính trong truyện"))
    lower = _line(1, (130, "được xem là chữ cái trong bảng chữ cái"))
    for w in upper + lower:
        w.top, w.height, w.line = 1370 + 40 * w.line, 30, 0
    for w in lower[0], lower[5]:  # "được", "trong": boxed from above the upper line's foot down
        w.top, w.height = 1382, 50
    words = sorted(upper + lower, key=lambda w: w.left)
    assert page_text(reading_order(words)).splitlines() == [
        "của Thúy Kiều, nhân vật chính trong truyện", "được xem là chữ cái trong bảng chữ cái"]


def test_two_header_lines_in_capitals_read_as_one_come_apart():
    """A skewed copy's header: its first two rows read as one line, the words in capitals with marks boxed 45 px
    tall where the rows stand 38 apart. The bands' middles are 30 px apart, each band's within 8: two rows."""
    upper = _line(0, (100, "UBND THÀNH PHỐ HỒ CHÍ MINH"))
    lower = _line(1, (200, "SỞ TƯ PHÁP BAN"))
    for k, w in enumerate(upper + lower):
        w.top, w.height, w.line = 200 + 38 * w.line + k % 3 * 4, 45, 0
    words = sorted(upper + lower, key=lambda w: w.left)
    assert page_text(reading_order(words)).splitlines() == ["UBND THÀNH PHỐ HỒ CHÍ MINH", "SỞ TƯ PHÁP BAN"]


def test_a_left_header_line_ending_near_where_the_national_name_begins_is_still_its_column():
    """A department's name as wide as its column ("SỞ VĂN HÓA, THỂ THAO VÀ DU") ends 25 px short of where
    "CỘNG HÒA…" begins on the line above: each line has a wide gap between its two sides, so the block is still
    two columns (read as body lines, the summary under its number after the right column, before)."""
    body = "Nghe lại băng ghi âm và qua mô tả của ông Chương thì Hùng thấy thái độ gia đình này rất bình"
    words = (_row(0, (308, 724, "UBND TỈNH QUẢNG NINH"), (808, 1525, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
             + _row(1, (251, 783, "SỞ VĂN HÓA, THỂ THAO VÀ DU"), (938, 1394, "Độc lập - Tự do - Hạnh phúc"))
             + _row(2, (473, 560, "LỊCH"), (866, 1468, "Quảng Ninh, ngày 18 tháng 8 năm 2026"))
             + _row(3, (379, 654, "Số: 1130/SVH-VP"))
             + _row(4, (269, 763, "V/v Đến nước này thì không thể chịu"))
             + _row(5, (387, 644, "đựng hơn được nữa"))
             + _row(6, (613, 1172, "Kính gửi: Công an Tỉnh Quảng Ninh."))
             + [w for n in range(7, 11) for w in _row(n, (244, 1543, body))])
    lines = page_text(reading_order(words)).splitlines()
    assert lines[:10] == ["UBND TỈNH QUẢNG NINH", "SỞ VĂN HÓA, THỂ THAO VÀ DU", "LỊCH", "Số: 1130/SVH-VP",
                          "V/v Đến nước này thì không thể chịu", "đựng hơn được nữa",
                          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                          "Quảng Ninh, ngày 18 tháng 8 năm 2026", "Kính gửi: Công an Tỉnh Quảng Ninh."]


def test_a_left_header_line_ending_a_letters_height_from_the_national_name_is_still_its_column():
    """The same department's name on a photocopy, its boxes as Tesseract gave them: "DU." ends 18 px short of where
    "CỘNG HÒA…" begins on the line above (the strip free on both lines is narrower than a letter). Each line's own
    gap between its sides is wide, so the block is still two columns; before, it was read as body lines and the
    name came after the right column's date."""
    body = "Cô bé lớn lên dưới mái lều tranh rách nát, trong một gia đình có bốn thế hệ phải"
    words = (_row(0, (342, 679, "UBND TỈNH HÀ TĨNH"), (802, 1518, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
             + _row(1, (244, 784, "SỞ VĂN HÓA, THỂ THAO VÀ DU"), (932, 1388, "Độc lập - Tự do - Hạnh phúc"))
             + _row(2, (467, 553, "LỊCH"), (889, 1432, "Hà Tĩnh, ngày 28 tháng 4 năm 2026"))
             + _row(3, (381, 639, "Số: 548/TB-SVH"))
             + _row(4, (759, 1004, "THÔNG BÁO"))
             + [w for n in range(5, 9) for w in _row(n, (238, 1535, body))])
    lines = page_text(reading_order(words)).splitlines()
    assert lines[:7] == ["UBND TỈNH HÀ TĨNH", "SỞ VĂN HÓA, THỂ THAO VÀ DU", "LỊCH", "Số: 548/TB-SVH",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Hà Tĩnh, ngày 28 tháng 4 năm 2026"]


def _boxes(n: int, top: int, *words: tuple[str, int, int]) -> list[Word]:
    return [Word(t, 0.95, left, top, width, 31, 1, n) for t, left, width in words]


_BODY = [(t, 250 + 110 * k, 95) for k, t in enumerate("Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014".split())]


def test_a_header_line_read_across_both_columns_is_cut_at_its_gutter():
    """A long issuing body's name ends 41 px from "CỘNG HÒA" (Tesseract's boxes on a generated page), the line's
    other gaps 8–13 px: read as one line, it is still the two columns' first lines."""
    words = (_boxes(0, 169, ("UBND", 271, 96), ("THÀNH", 377, 119), ("PHỐ", 508, 66), ("HẢI", 586, 58),
                    ("PHÒNG", 657, 116), ("CỘNG", 814, 101), ("HÒA", 926, 78), ("XÃ", 1012, 49), ("HỘI", 1071, 65),
                    ("CHỦ", 1148, 74), ("NGHĨA", 1233, 116), ("VIỆT", 1356, 84), ("NAM", 1449, 81))
             + _boxes(1, 213, ("SỞ", 302, 46), ("NÔNG", 356, 103), ("NGHIỆP", 469, 135), ("VÀ", 612, 49),
                      ("MÔI", 671, 71))
             + _boxes(2, 253, ("TRƯỜNG", 444, 154))
             + _boxes(3, 300, ("Số:", 380, 45), ("2454/QĐ-SNN", 436, 220))
             + _boxes(4, 220, ("Độc", 944, 61), ("lập", 1016, 47), ("-", 1075, 10), ("Tự", 1096, 47), ("do", 1154, 36),
                      ("-", 1202, 11), ("Hạnh", 1224, 88), ("phúc", 1323, 77))
             + _boxes(5, 280, ("Hải", 880, 50), ("Phòng,", 940, 110), ("ngày", 1060, 70), ("16", 1140, 35),
                      ("tháng", 1185, 80), ("1", 1275, 15), ("năm", 1300, 60), ("2025", 1370, 70))
             + _boxes(6, 400, ("QUYẾT", 760, 110), ("ĐỊNH", 880, 90))
             + [w for n in range(7, 10) for w in _boxes(n, 360 + 50 * n, *_BODY)])
    assert page_text(reading_order(words)).splitlines()[:8] == [
        "UBND THÀNH PHỐ HẢI PHÒNG", "SỞ NÔNG NGHIỆP VÀ MÔI", "TRƯỜNG", "Số: 2454/QĐ-SNN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hải Phòng, ngày 16 tháng 1 năm 2025",
        "QUYẾT ĐỊNH"]


def _spans(n: int, top: int, text: str, *spans: tuple[int, int]) -> list[Word]:
    """``_boxes`` from each word's left and right edges."""
    return _boxes(n, top, *[(t, a, b - a) for t, (a, b) in zip(text.split(), spans, strict=True)])


def test_a_ministrys_name_read_into_the_countrys_is_cut_where_the_countrys_begins():
    """A ministry's name ends 17 px from "CỘNG HÒA", the line's spaces 7–11 px (Tesseract's boxes on a ministry's
    page, ``bench accuracy --ministry``): no gap stands out, and the row was read as one line, the header as no
    block, the letter's summary after the date. The country's name begins the right column."""
    words = (_spans(0, 165, "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                    (232, 273), (282, 369), (379, 489), (496, 540), (549, 606), (615, 743), (760, 862), (872, 950),
                    (958, 1007), (1016, 1082), (1093, 1168), (1178, 1295), (1302, 1385), (1394, 1476))
             + _spans(1, 210, "CỤC QUẢN LÝ ĐẤT ĐAI Độc lập - Tự do - Hạnh phúc", (292, 362), (376, 475), (485, 532),
                      (542, 614), (623, 685), (891, 951), (962, 1010), (1022, 1032), (1042, 1089), (1100, 1136),
                      (1148, 1158), (1169, 1257), (1268, 1345))
             + _spans(2, 296, "Số: /QLĐĐ Hà Nội, ngày tháng năm 2026", (330, 373), (538, 647), (808, 852), (862, 923),
                      (937, 1008), (1103, 1185), (1281, 1342), (1353, 1427))
             + _spans(3, 344, "V/v ban hành Quy chế", (250, 300), (309, 356), (366, 430), (440, 500), (510, 560))
             + [w for n in range(4, 7) for w in _boxes(n, 400 + 50 * n, *_BODY)])
    assert page_text(reading_order(words)).splitlines()[:8] == [
        "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "CỤC QUẢN LÝ ĐẤT ĐAI", "Số: /QLĐĐ", "V/v ban hành Quy chế",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày tháng năm 2026",
        "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014"]


def test_a_wide_gap_in_a_forms_first_rows_leaves_them_rows():
    # a label and its value 40 px apart, under a centred title: no two-column block, rows as printed
    words = (_boxes(0, 100, ("TRÍCH", 700, 110), ("LỤC", 820, 80), ("KHAI", 910, 90), ("SINH", 1010, 90))
             + _boxes(1, 160, ("Họ,", 100, 50), ("chữ", 160, 60), ("đệm,", 230, 80), ("tên:", 320, 60),
                      ("NGUYỄN", 420, 140), ("VĂN", 570, 80), ("AN", 660, 50))
             + _boxes(2, 220, ("Ngày,", 100, 90), ("tháng,", 200, 100), ("năm", 310, 60), ("sinh:", 380, 70),
                      ("12/03/2001", 490, 200))
             + _boxes(3, 280, ("Nơi", 100, 50), ("sinh:", 160, 70), ("Trạm", 240, 80), ("Y", 330, 20),
                      ("tế", 360, 30), ("xã", 400, 30), ("Bình", 440, 70), ("Minh", 520, 80)))
    assert page_text(reading_order(words)).splitlines() == [
        "TRÍCH LỤC KHAI SINH", "Họ, chữ đệm, tên: NGUYỄN VĂN AN", "Ngày, tháng, năm sinh: 12/03/2001",
        "Nơi sinh: Trạm Y tế xã Bình Minh"]


def test_rows_a_stamp_cut_in_two_are_read_whole():
    """A receipt stamp over a paragraph's first lines: Tesseract read the words left of it, then those right of
    it (boxes from a generated photocopy); with the stamp's box the rows are read whole, left to right."""
    stamp = (410, 412, 479, 159)
    words = (_boxes(0, 414, ("mất,", 738, 49), ("ông", 800, 40), ("chủ", 887, 57), ("đã", 954, 39), ("cho", 1003, 55))
             + _boxes(1, 486, ("May", 339, 67), ("hiện,", 735, 72), ("bi", 820, 28))
             + _boxes(2, 534, ("tất", 244, 37), ("cả", 293, 32), ("sinh", 337, 62))
             + _boxes(3, 582, ("thức", 244, 65), ("vào", 319, 54), ("băng.", 382, 81))
             + _boxes(4, 485, ("ch", 890, 34), ("đó", 936, 37), ("đã", 985, 34), ("không", 1033, 92), ("xảy", 1137, 53))
             + _boxes(5, 535, ("trừ", 911, 44), ("một", 966, 57), ("cô", 1035, 34), ("gái", 1082, 43))
             + _boxes(6, 632, ("Mấy", 330, 60), ("lần", 400, 50), ("đi", 460, 30), ("qua", 500, 50), ("Bưởi", 560, 70),
                      ("vào", 640, 50), ("nhà", 700, 50), ("tìm", 760, 50), ("nhưng", 820, 90), ("bố", 920, 40)))
    read = ["mất, ông chủ đã cho", "May hiện, bi ch đó đã không xảy", "tất cả sinh trừ một cô gái", "thức vào băng.",
            "Mấy lần đi qua Bưởi vào nhà tìm nhưng bố"]
    assert page_text(reading_order(words, [stamp])).splitlines() == read
    # no stamp there: the rows' sides stay apart, "May" read as a column of its own
    assert page_text(reading_order(words)).splitlines()[:3] == ["May", "mất, ông chủ đã cho",
                                                                 "hiện, bi ch đó đã không xảy"]


def test_a_speck_beside_a_header_line_does_not_take_its_column_off_centre():
    """Tesseract's pieces on a photocopy (held-out seed 9494, page 9): a speck read as "-" left of "Độc lập - Tự do
    - Hạnh phúc" and the number line's "Số:" lost under a receipt stamp, so neither column looked centred with
    the speck counted, and the number line was read beside the date, as one body line."""
    body = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025 và các văn bản hướng dẫn"
    words = (_row(0, (340, 660, "ỦY BAN NHÂN DÂN"), (772, 1487, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
             + _row(1, (311, 689, "PHƯỜNG KHÁNH HẬU"), (737, 755, "-"), (902, 1357, "Độc lập - Tự do - Hạnh phúc"))
             + _row(2, (410, 692, "/QĐ-UBND"), (826, 1053, "Tây Ninh, ngày"), (1148, 1446, "tháng 10 năm 2026"))
             + _row(3, (762, 992, "QUYẾT ĐỊNH"))
             + _row(4, (418, 1337, "Về việc tăng cường công tác đăng ký khai sinh"))
             + [w for n in range(5, 9) for w in _row(n, (246, 1509, body))])
    lines = page_text(reading_order(words)).splitlines()
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG KHÁNH HẬU", "/QĐ-UBND"]
    assert lines[4:6] == ["- Độc lập - Tự do - Hạnh phúc", "Tây Ninh, ngày tháng 10 năm 2026"]


def test_a_line_whose_words_under_a_stamp_were_lost_stays_one_row():
    """Tesseract read each row as one line, its words under the stamp set aside or garbage (boxes from the other
    generator's page, seed 2611): below the header and title, the gaps they left are covered by the stamp's box,
    no gutter between columns."""
    stamp = (345, 417, 476, 158)
    head = (_row(0, (331, 715, "UBND TỈNH QUẢNG TRỊ"), (815, 1532, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
            + _row(1, (404, 644, "SỞ XÂY DỰNG"), (945, 1402, "Độc lập - Tự do - Hạnh phúc"))
            + _row(2, (385, 662, "Số: 1883/TB-SXD"), (879, 1468, "Quảng Trị, ngày 14 tháng 11 năm 2025"))
            + _row(3, (769, 1018, "THÔNG BÁO")))
    for w in head:
        w.top -= 60  # the rows at 40, 140, 240, 340: above the stamp's rows (418 on)
    words = head + (_boxes(4, 418, ("Về", 516, 37), ("ti0ại", 782, 80), ("rất", 878, 45), ("sôi", 935, 45),
                           ("nổi", 989, 45), ("như", 1048, 55), ("để", 1122, 40), ("giải", 1187, 45), ("tỏa", 1236, 50))
             + _boxes(5, 485, ("lội", 557, 45), ("hội", 617, 45), ("theo", 666, 50), ("sống", 835, 70),
                      ("đầy", 918, 55), ("lo", 985, 30), ("toan,", 1025, 70), ("bận", 1104, 60), ("rộn.", 1178, 55))
             + _boxes(6, 540, ("nảy", 251, 55), ("va", 588, 35), ("uiaun", 635, 80), ("tnh", 765, 70),
                      ("nhân", 852, 70), ("lúc", 934, 45), ("nào", 989, 50), ("chẳng", 1048, 90), ("biết.", 1151, 70))
             + [w for n in range(7, 11) for w in _boxes(n, 290 + 50 * n, *_BODY)])
    read = ["THÔNG BÁO", "Về ti0ại rất sôi nổi như để giải tỏa", "lội hội theo sống đầy lo toan, bận rộn.",
            "nảy va uiaun tnh nhân lúc nào chẳng biết."]
    assert page_text(reading_order(words, [stamp])).splitlines()[6:10] == read
    # no stamp there: "Về", "lội hội theo" and "nảy … uiaun" are read as columns
    assert page_text(reading_order(words)).splitlines()[6:10] != read


def test_the_header_block_ends_at_the_title():
    """A speck read as "1!" left of the title and the subject line under it cut where one gap stands out (held-out
    seed 9292, page 10): the subject's left part was read as the header's left column. The title, one piece on
    the page's centre, ends the header."""
    words = (_row(0, (359, 679, "UBND TỈNH GIA LAI"), (791, 1507, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
             + _row(1, (417, 623, "SỞ TƯ PHÁP"), (922, 1377, "Độc lập - Tự do - Hạnh phúc"))
             + _row(2, (856, 1062, "Gia Lai, ngày"), (1163, 1456, "tháng 10 năm 2026"))
             + _row(3, (578, 608, "Cực"))
             + _row(4, (532, 582, "1!"), (769, 1035, "THÔNG BÁO"))
             + _row(5, (308, 681, "Về việc chấn chính công"), (713, 1489, "tác tiếp nhận và trả kết quả thủ tục"))
             + [w for n in range(6, 10) for w in _row(n, (259, 1543, "Tăng cường tuyên truyền phổ biến pháp luật về "
                                                                       "hộ tịch đất đai đến từng tổ dân phố"))])
    lines = page_text(reading_order(words)).splitlines()
    assert lines[6:8] == ["1! THÔNG BÁO", "Về việc chấn chính công tác tiếp nhận và trả kết quả thủ tục"]


def test_a_letter_read_twice_inside_its_word_goes():
    """Tesseract's boxes on the other generator's photocopy (seed 2828, page 2): "ô" at 552–564 inside "ông" at
    549–605. A short word beside a longer one, or inside a box it does not spell ("10" in a stretched "ngày"),
    stays."""
    line = _boxes(0, 786, ("chính", 400, 60), ("là", 513, 25), ("ông", 549, 56), ("ô", 552, 12), ("Chương.", 615, 90))
    assert page_text(reading_order(line)) == "chính là ông Chương."
    kept = _boxes(0, 786, ("ngày", 1057, 212), ("10", 1143, 35), ("ô", 1290, 12), ("ông", 1310, 56))
    assert page_text(reading_order(kept)) == "ngày 10 ô ông"


def test_a_stamp_over_the_left_header_leaves_its_gutter_a_gutter():
    """A receipt stamp over the number line (held-out seed 2424, page 3: its box 276–720, the gutter 648–809): the
    gap inside the left column it covers joins "Số:" to "/UBND", the gutter it reaches into stays one."""
    stamp = (276, 236, 444, 220)
    words = (_row(0, (330, 640, "ỦY BAN NHÂN DÂN"), (770, 1480, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
             + _row(1, (360, 610, "TỈNH ĐỒNG NAI"), (900, 1360, "Độc lập - Tự do - Hạnh phúc"))
             + _boxes(2, 295, ("Số:", 329, 43), ("/UBND", 538, 110), ("Đồng", 809, 82), ("Nai,", 901, 61),
                      ("ngày", 975, 71), ("tháng", 1142, 82), ("11", 1236, 29), ("năm", 1280, 61), ("2026", 1352, 74))
             + _row(3, (250, 726, "V/v ban hành Quy chế làm việc của"))
             + [w for n in range(4, 8) for w in _row(n, (250, 1500, "Căn cứ Luật Tổ chức chính quyền địa phương "
                                                                     "ngày 16 tháng 6 năm 2025 và các văn bản"))])
    for w in words:  # rows 100 px apart, the number row at its own height
        w.top = 295 if w.line == 2 else 195 + 50 * w.line
    lines = page_text(reading_order(words, [stamp])).splitlines()
    assert lines[:4] == ["ỦY BAN NHÂN DÂN", "TỈNH ĐỒNG NAI", "Số: /UBND", "V/v ban hành Quy chế làm việc của"]
    assert lines[6] == "Đồng Nai, ngày tháng 11 năm 2026"


def test_the_recipients_come_first_though_a_seal_stretched_the_signers_title_above_them():
    """A seal's ring read into "ỦY BAN NHÂN DÂN"'s box put its top a line's height above "Nơi nhận:" (a photocopy
    of the second generator): the recipients' list still opens the footer, as Decree 30/2020 reads it."""
    title = _line(2, (1300, "TM. ỦY BAN NHÂN DÂN"))
    for w in title[1:]:
        w.top, w.height = 130, 120  # the ring above the letters
    words = (_line(0, (100, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng các cơ"))
             + _line(1, (100, "quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành"))
             + _line(2, (100, "Nơi nhận:")) + title
             + _line(3, (100, "- Như Điều 3;"), (1480, "CHỦ TỊCH"))
             + _line(4, (100, "- Lưu: VT, TP."))
             + _line(5, (1420, "Trần Xuân Anh")))
    lines = page_text(reading_order(words)).splitlines()
    assert lines[2:] == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT, TP.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                         "Trần Xuân Anh"]


def test_rows_whose_words_under_a_smudge_were_lost_stay_rows():
    """A photocopier's toner smudge over four lines of a paragraph (a black-and-white scan): Tesseract read each
    row's words either side of it and none under it, and the gaps lined up like a gutter: the rows were read as two
    columns ("đất. Ngân sách hoạt động / trường thành viên. Các / … / sách Liên bang Đông Dương …"). A gutter is
    paper; these gaps are ink, print no one could read: with the page's grey, the rows stay rows."""
    body = "Phòng Kinh tế phối hợp với Chi nhánh Văn phòng đăng ký đất đai kiểm"
    left = ["đất. Ngân sách hoạt động", "trường thành viên. Các", "kế hoạch cụ thể, gửi về", "1. Bảo đảm an toàn,"]
    right = ["Liên bang Đông Dương cho", "chức năng, nhiệm vụ được", "tháng 08 năm 2026 để tổng", "cá nhân trong quá"]
    words = (_line(0, (100, body)) + _line(1, (100, body))
             + [w for n, (a, b) in enumerate(zip(left, right, strict=True), start=2)
                for w in _line(n, (100 + 150 * (n == 5), a), (1400, b))]
             + [Word("xã", 0.4, 850, 540, 60, 50, 2, 9)]  # a blot under the smudge read as a line of its own
             + _line(6, (100, body)) + _line(7, (100, body)) + _line(8, (100, "giải quyết.")))
    rows = [" ".join((a, b)) for a, b in zip(left, right, strict=True)]

    def read(grey):
        copy = [Word(w.text, w.conf, w.left, w.top, w.width, w.height, w.block, w.line) for w in words]
        return page_text(reading_order(copy, grey=grey)).splitlines()[2:6]

    paper = np.full((900, 2500), 255, np.uint8)
    assert read(paper) != rows  # paper between: two columns, as before
    smudged = paper.copy()
    smudged[190:560, 830:1380] = np.where(np.indices((370, 550)).sum(axis=0) % 3, 0, 255)  # toner, dithered
    assert read(smudged) == rows


def test_rows_a_blot_parted_into_two_blocks_are_read_whole():
    """A toner blot in a paragraph (a generated black-and-white photocopy, dev seed 2203, page 10): Tesseract read
    the rows' words left of it as a block, then those right of it ("3. Có một cặp vì / Trong nội ô, cùng với / mới
    sinh được một mụn con trai…"). Two lines side by side on one row with ink filling the gap between them are one
    row, as where a stamp's box parts them; with paper between, they are two columns and stay so."""
    body = "Phòng Kinh tế phối hợp với Chi nhánh Văn phòng đăng ký đất đai kiểm"
    left = ["3. Có một cặp", "Trong nội ô, cùng với", "bảo tàng đa dạng bậc", "ban nhân dân chủ trì,"]
    right = ["mới sinh được một", "trình kiến trúc, Hà Nội", "Giao Văn phòng Hội đồng", "với các phòng, ban"]
    later = [w for n, b in enumerate(right, start=2) for w in _line(n, (1400, b))] \
        + _line(6, (100, body)) + _line(7, (100, "giải quyết."))
    for w in later:  # Tesseract's numbering: the right side's lines after the left side's
        w.line += len(right)
    words = _line(0, (100, body)) + _line(1, (100, body)) \
        + [w for n, a in enumerate(left, start=2) for w in _line(n, (100, a))] + later
    rows = [" ".join((a, b)) for a, b in zip(left, right, strict=True)]

    def read(grey):
        copy = [Word(w.text, w.conf, w.left, w.top, w.width, w.height, w.block, w.line) for w in words]
        return page_text(reading_order(copy, grey=grey)).splitlines()[2:6]

    paper = np.full((900, 2500), 255, np.uint8)
    assert read(paper) == left  # paper between: two columns, the left one first
    blotted = paper.copy()
    blotted[190:560, 700:1380] = 0
    assert read(blotted) == rows


def test_a_footer_whose_noi_nhan_was_misread_is_read_column_by_column():
    """A poor copy's footer (Tesseract's boxes, dev seed 2203, page 5, black and white): "Nơi nhận:" read
    "Nơi:nhộn:" after a speck's "-", and the signer's title off its column's centre ("VĂN" lost under the seal from
    "PHÓ CHÁNH VĂN PHÒNG"). Neither told the footer, and its rows were read across both columns ("Nơi: nhộn: TL.
    CHỦ TỊCH"). A label's letters but one, closed by its colon, open it."""
    words = (_boxes(0, 1590, ("Điều", 355, 64), ("3.", 430, 23), ("Quyết", 463, 79), ("định", 553, 56),
                    ("này", 622, 44), ("có", 677, 30), ("hiệu", 717, 54), ("lực", 784, 39), ("kể", 834, 30),
                    ("từ", 873, 27), ("ngày", 909, 62), ("ký.", 982, 38), ("Chánh", 1032, 84), ("Văn", 1128, 52),
                    ("phòng,", 1191, 93), ("Thủ", 1290, 52), ("trưởng", 1352, 90), ("các", 1450, 43), ("cơ", 1502, 34))
             + _boxes(1, 1636, ("quan,", 275, 71), ("đơn", 357, 49), ("vị", 416, 23), ("và", 451, 29), ("cá", 492, 26),
                      ("nhân", 520, 71), ("có", 602, 26), ("liên", 634, 55), ("quan", 700, 62), ("chịu", 773, 55),
                      ("trách", 839, 64), ("nhiệm", 917, 69), ("thi", 999, 38), ("hành", 1048, 64),
                      ("Quyết", 1121, 80), ("định", 1212, 57), ("này./.", 1280, 68))
             + _boxes(2, 1714, ("-", 262, 6), ("Nơi:nhộn:", 275, 141), ("TL.", 1018, 65), ("CHỦ", 1105, 65),
                      ("TỊCH", 1188, 90))
             + _boxes(3, 1755, ("-", 276, 8), ("Như", 294, 54), ("Điều", 356, 60), ("3;", 423, 20),
                      ("CHÁNH", 1026, 105), ("PHÒNG", 1241, 128))
             + _boxes(4, 1790, ("-", 276, 8), ("Sở", 294, 33), ("Tư", 336, 25), ("pháp;", 353, 89))
             + _boxes(5, 1830, ("-", 276, 8), ("Chủ", 294, 49), ("tịch,", 352, 52), ("các", 414, 39), ("PCT", 464, 54),
                      ("UBND", 527, 84), ("xã;", 622, 32))
             + _boxes(6, 1868, ("-", 276, 8), ("Lưu:", 295, 55), ("VT,", 361, 42), ("TP.", 413, 37))
             + _boxes(7, 2072, ("Trần", 1006, 74), ("Hoàng", 1092, 100), ("Khánh", 1203, 103)))
    assert page_text(reading_order(words)).splitlines()[2:] == [
        "- Nơi:nhộn:", "- Như Điều 3;", "- Sở Tư pháp;", "- Chủ tịch, các PCT UBND xã;", "- Lưu: VT, TP.",
        "TL. CHỦ TỊCH", "CHÁNH PHÒNG", "Trần Hoàng Khánh"]
    assert opens_recipients(["-", "Nơi", "nhận:"]) and opens_recipients(["Nơi", "nhận"])
    assert not opens_recipients(["Nơi", "nhà", "ông"]) and not opens_recipients(["Nơi:", "nhộn"])


def test_a_body_line_cut_in_two_above_noi_nhan_stays_in_the_body():
    """A copy's last body line lost a word under a copier's blot (Tesseract's boxes, dev seed 2101, page 10, black
    and white): "ngân sách nhà nước được giao | dự toán năm 2026 của xã" left a gutter where "trong" was, and its
    right half was read as the signer's first line, after the recipients. "Nơi nhận:" opens the footer's left
    column: text left of the gutter above it is the body's."""
    words = (_boxes(0, 1684, ("khi", 259, 44), ("chưa", 320, 70), ("có", 406, 34), ("bột", 456, 48),
                    ("ngọt", 519, 63), ("(mì", 599, 48), ("chính),", 665, 102), ("người", 785, 85), ("xưa", 880, 60),
                    ("dùng", 956, 74), ("tôm", 1046, 56), ("hè.", 1114, 46), ("Kinh", 1177, 74), ("phí", 1265, 48))
             + _boxes(1, 1726, ("ngân", 362, 68), ("sách", 443, 60), ("nhà", 520, 49), ("nước", 582, 72),
                      ("được", 665, 74), ("giao", 751, 62), ("dự", 912, 40), ("toán", 961, 61), ("năm", 1033, 64),
                      ("2026", 1108, 73), ("của", 1191, 53), ("xã", 1250, 37))
             + _boxes(2, 1812, ("Nơi", 258, 51), ("nhộn:", 317, 81), ("CHỦ", 1082, 80), ("TỊCH", 1170, 93))
             + _boxes(3, 1855, ("-", 259, 7), ("Như", 277, 52), ("trên;", 337, 54), ("CHÁNH", 962, 124),
                      ("VĂN", 1101, 78), ("PHÒNG", 1188, 131))
             + _boxes(4, 1893, ("-", 257, 10), ("Đ/c", 277, 41), ("Chủ", 328, 48), ("tịch", 387, 43),
                      ("UBND", 448, 66), ("xã;", 536, 33))
             + _boxes(5, 1931, ("-", 259, 7), ("Sở", 276, 33), ("Tư", 316, 36), ("pháp;", 360, 64))
             + _boxes(6, 2120, ("Lê", 1049, 44), ("Văn", 1100, 65), ("Lợi", 1173, 54)))
    assert page_text(reading_order(words)).splitlines() == [
        "khi chưa có bột ngọt (mì chính), người xưa dùng tôm hè. Kinh phí",
        "ngân sách nhà nước được giao dự toán năm 2026 của xã", "Nơi nhộn:", "- Như trên;",
        "- Đ/c Chủ tịch UBND xã;", "- Sở Tư pháp;", "CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Lê Văn Lợi"]


def test_a_recipient_listed_before_noi_nhan_stays_in_the_footer():
    """Tesseract's lines are not always listed top to bottom: on the other generator's grey copy (dev seed 5147,
    page 5; its boxes) the row "- Như Điều 3;" with the seal's "TỊCH" beside it came to the footer before "Nơi
    nhận:" though it stands below it, and was read into the body. Only a line listed before the label and standing
    above it is the body's."""
    def piece(top: int, *words: tuple[str, int, int]) -> list[Word]:
        return [Word(t, 0.95, x, top, w, 25, 1, 0) for t, x, w in words]

    below = [piece(1226, ("-", 248, 8), ("Như", 267, 53), ("Điều", 328, 57), ("3;", 395, 20)),
             piece(1224, ("TỊCH", 1228, 86))]
    label = [piece(1170, ("Nơi", 236, 62), ("nhận:", 307, 81)), piece(1170, ("TM.", 1002, 68), ("ỦY", 1087, 53))]
    rest = [[piece(1300, ("-", 248, 8), ("Lưu:", 267, 55), ("VT.", 332, 43))], [piece(1440, ("Đức", 1208, 64))]]
    assert layout._from_recipients([below, label, *rest], 959) == 4
    above = [piece(1120, ("ngân", 362, 68), ("sách", 443, 60)), piece(1120, ("dự", 1012, 40), ("toán", 1061, 61))]
    assert layout._from_recipients([above, label, below, *rest], 959) == 4


def test_a_row_read_twice_is_read_once():
    """A pen's "17" in the date line's blank (a grey scan of a generated page; these are Tesseract's boxes): its
    line finder saw two rows a few pixels apart and read each, part right, part wrong. The row is read once, each
    place by its better word ("L" and "ày" are the start and end of "Long," and "ngày" beside them)."""
    first = [("Vĩnh", 810, 274, 70, 60), ("L", 895, 297, 16, 25), ("ày", 1032, 296, 7, 5), ("Ï7_", 1085, 287, 35, 35),
             ("tháng", 1164, 296, 35, 26), ("6", 1249, 297, 16, 26), ("năm", 1301, 296, 10, 5),
             ("2026", 1349, 297, 74, 26)]
    second = [("ĩnh", 836, 304, 26, 18), ("Long,", 914, 304, 62, 26), ("ngày", 988, 304, 72, 26),
              ("tháng", 1155, 301, 82, 29), ("6", 1248, 288, 17, 47), ("năm", 1276, 304, 62, 19)]
    words = [Word(t, 0.95, x, y, w, h, 1, n) for n, line in enumerate((first, second)) for t, x, y, w, h in line]
    assert page_text(reading_order(words)) == "Vĩnh Long, ngày Ï7_ tháng 6 năm 2026"
    # two rows of a paragraph, one under the other, stay two
    rows = _line(0, (100, "Phòng Kinh tế phối hợp với")) + _line(1, (100, "Chi nhánh Văn phòng đăng ký"))
    assert page_text(reading_order(rows)).splitlines() == ["Phòng Kinh tế phối hợp với", "Chi nhánh Văn phòng đăng ký"]

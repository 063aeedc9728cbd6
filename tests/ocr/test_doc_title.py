"""The document's title as Decree 30/2020 prints it (ocr/doc_title.py), from word boxes."""
from ocr.doc_title import document_title
from ocr.words import Word, page_text


def _line(n: int, x: int, text: str, conf: float = 0.95) -> list[Word]:
    words = []
    for t in text.split():
        words.append(Word(t, conf, x, 100 * n, 30 * len(t), 50, 1, n))
        x += 30 * len(t) + 20
    return words


def _page(*title: list[Word]) -> list[Word]:
    """A header's two columns, the title's line(s), a body line across the page (its width sets the centre)."""
    return (_line(0, 100, "ỦY BAN NHÂN DÂN") + _line(0, 1100, "CỘNG HÒA XÃ HỘI")
            + _line(1, 1900, "THÔNG BÁO")  # (a right column's line: off the page's centre, never the title)
            + [w for part in title for w in part]
            + _line(4, 100, "Thế nhưng sự khủng bố, đe dọa ngày một gia tăng cả về tần số lẫn mức độ gay gắt nhé"))


def _centred(n: int, text: str) -> list[Word]:
    width = sum(30 * len(t) + 20 for t in text.split()) - 20
    return _line(n, 100 + (2490 - 100 - width) // 2, text)  # the body line runs from 100 to 2490


def _lines(words: list[Word]) -> list[str]:
    return page_text(document_title(words)).splitlines()


def test_a_title_a_speck_or_a_stamps_edge_garbled_is_put_back():
    for read, printed in (("THÔNG B nn", "THÔNG BÁO"), ("ÔNG BÁO", "THÔNG BÁO"), ("XE HOẠCH", "KẾ HOẠCH"),
                          ("QUYẾ [ ĐỊNH", "QUYẾT ĐỊNH"), ("QUYẾT-ĐỊNH", "QUYẾT ĐỊNH"), ("KẾ HOẠCH.", "KẾ HOẠCH")):
        assert _lines(_page(_centred(2, read)))[2] == printed, read


def test_a_stamps_word_before_a_centred_title_goes():
    title = _centred(2, "THÔNG BÁO")
    for stamp in ("PHÒNG", "Ghuyên:", "pến"):
        assert _lines(_page(_line(2, 300, stamp), title))[2] == "THÔNG BÁO", stamp


def test_what_is_no_garbled_title_stays_as_read():
    cases = ("THÔNG CÁO",  # another kind, read right
             "QUYẾT ĐỊNH:",  # over a decision's articles
             "TRÍCH LỤC KHAI SINH",  # a civil-status extract's title: no kind of Decree 30's
             "BAN CHỈ ĐẠO")  # capitals nearer no kind
    for read in cases:
        assert _lines(_page(_centred(2, read)))[2] == read, read
    # a kind's name off the page's centre (a header column's line) stays, as does a title not centred alone
    assert _lines(_page(_line(2, 300, "THÔNG B nn")))[2] == "THÔNG B nn"
    assert _lines(_page(_line(2, 300, "PHÒNG"), _line(2, 1500, "THÔNG BÁO")))[2] == "PHÒNG THÔNG BÁO"

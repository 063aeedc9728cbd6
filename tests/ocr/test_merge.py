"""Words read a second time merged into the page's read (ocr/merge.py): which page words a word read again
replaces, and which it does not."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.marks import SEAL, Mark
from ocr.merge import _boxes, _covering, _overlap, add_read
from ocr.words import Word


def _w(text: str, conf: float, left: int, width: int, line: int = 0) -> Word:
    return Word(text, conf, left, 100, width, 30, 1, line)


def _lines(page: list[Word], again: list[Word]) -> dict[str, int]:
    """Each word's line once ``again`` (one crop's read, at the page's corner) is merged into ``page``."""
    return {w.text: w.line for w in add_read(page, [(0, 0, again)])}


def test_a_page_word_stays_unless_what_is_read_again_spans_it():
    # "Carnot'" read unsurely, its box running on over "ký": only "ký" is read again, so "Carnot'" stays.
    carnot, ky = _w("Carnot'", 0.26, 476, 139), _w("ký", 0.43, 587, 28)
    out = add_read([carnot, ky], [(0, 0, [_w("ký", 0.97, 588, 27)])], most=1.0)
    assert [w.text for w in out] == ["Carnot'", "ký"] and out[1].conf == 0.97
    # "'nhân.Hến" read unsurely: "Hến" read again is a word it holds already, and is not added twice.
    nhan = _w("'nhân.Hến", 0.4, 300, 140)
    assert [w.text for w in add_read([nhan], [(0, 0, [_w("Hến", 0.9, 390, 50)])], most=1.0)] == ["'nhân.Hến"]
    # Read again with fewer of its letters and digits than it has, it stays, and what it holds is not added.
    born = _w("Nămsinh:1985", 0.3, 200, 180)
    out = add_read([born], [(0, 0, [_w("Năm", 0.9, 200, 60), _w("sinh:", 0.9, 268, 60)])], most=1.0)
    assert [w.text for w in out] == ["Nămsinh:1985"]
    # … and a number of one digit (a digit alone is not read again as a word: "Thôn" was all that came back).
    out = add_read([_w("Thôn5,", 0.6, 2122, 120)], [(0, 0, [_w("Thôn", 0.96, 2122, 82)])], most=1.0)
    assert [w.text for w in out] == ["Thôn5,"]
    # A number read without its slashes is replaced by one read with them, not kept beside it.
    out = add_read([_w("18012023", 0.5, 300, 150)], [(0, 0, [_w("18/01/2023", 0.95, 300, 160)])], most=1.0)
    assert [w.text for w in out] == ["18/01/2023"]
    # Read again across its whole width, the unsure word is replaced.
    out = add_read([_w("5CTUBND", 0.1, 424, 147)], [(0, 0, [_w("PCT", 0.93, 424, 50), _w("UBND", 0.92, 480, 70)])])
    assert [w.text for w in out] == ["PCT", "UBND"]


def test_a_word_read_again_with_the_first_letters_the_page_lost_replaces_it_however_sure():
    # A seal's ring ran through the H of "Huỳnh": the page read the rest as surely as the line read again did.
    page = [_w("uynh", 0.95, 130, 95), _w("Thị", 0.96, 240, 50)]
    again = [_w("Huỳnh", 0.96, 100, 125), _w("Thị", 0.97, 240, 50)]
    assert [w.text for w in add_read(page, [(0, 0, again)])] == ["Huỳnh", "Thị"]
    assert [w.text for w in add_read([_w("e", 0.73, 130, 20)], [(0, 0, [_w("Lê", 0.9, 105, 45)])])] == ["Lê"]
    # Not a word the page read whole with other letters before it, nor a longer one that does not end in it.
    assert [w.text for w in add_read([_w("Thanh", 0.95, 100, 90)], [(0, 0, [_w("Thanh,", 0.96, 100, 95)])])] \
        == ["Thanh"]
    assert [w.text for w in add_read([_w("Hân", 0.95, 100, 60)], [(0, 0, [_w("Hạnh", 0.96, 100, 70)])])] == ["Hân"]
    # Nor a stroke read as a letter before it: no syllable.
    assert [w.text for w in add_read([_w("Đạt", 0.95, 100, 60)], [(0, 0, [_w("Jđạt", 0.96, 90, 70)])])] == ["Đạt"]
    assert [w.text for w in add_read([_w("uynh,", 0.95, 130, 95)], [(0, 0, [_w("Huỳnh,", 0.96, 100, 125)])])] \
        == ["Huỳnh,"]


def test_a_confident_page_word_much_wider_stays_whole():
    # A word read again over a third of a confident page word adds nothing, even a reading the word does not hold.
    page = [_w("lập.Hội", 0.7, 100, 150)]
    assert [w.text for w in add_read(page, [(0, 0, [_w("Hồi", 0.95, 200, 50)])])] == ["lập.Hội"]


def test_a_word_alone_on_its_line_must_be_surer():
    assert add_read([], [(0, 0, [_w("BAN", 0.8, 100, 60)])]) == []  # a seal's lettering, one word at a time
    assert [w.text for w in add_read([], [(0, 0, [_w("BAN", 0.9, 100, 60)])])] == ["BAN"]


def test_garbage_the_page_read_goes_whatever_covers_it():
    # The stamp's crop read "Thái" inside the page's garbage over the date line: garbage the layout would drop,
    # "Thái" with it, were it left standing.
    page = [_w("-›/KH-LBNĐ-—,Thái", 0.23, 463, 386), _w("Nguyên,", 0.97, 860, 121)]
    out = add_read(page, [(0, 0, [_w("Thái", 0.93, 775, 74)])])
    assert [w.text for w in out] == ["Thái", "Nguyên,"]


def test_a_line_read_again_stays_on_the_line_of_the_dash_beside_it():
    # "- Như trên;": the page read the dash surely, the words unsurely; the dash's box is four pixels tall.
    dash = Word("-", 0.93, 287, 1735, 8, 4, 1, 7)
    page = [dash, Word("Như", 0.21, 311, 1722, 45, 23, 1, 7), Word("trên;", 0.21, 366, 1722, 54, 27, 1, 7)]
    again = [Word("Như", 0.65, 311, 1722, 45, 23, 1, 0), Word("trên;", 0.65, 366, 1722, 54, 27, 1, 0)]
    out = add_read(page, [(0, 0, again)])
    assert [w.text for w in out] == ["-", "Như", "trên;"] and len({w.line for w in out}) == 1


def test_a_doubtful_page_word_on_a_seal_goes_whatever_covers_it():
    # "tình,4we" read at 0.14 on the seal's box would be set aside there (ocr.marks.set_aside), and "tình" with it.
    page = [_w("của", 0.89, 840, 49), _w("tình,4we", 0.14, 897, 119)]
    again = [(0, 0, [_w("tình", 0.86, 899, 50)])]
    assert [w.text for w in add_read(page, again)] == ["của", "tình,4we"]  # no seal: it spans too little of it
    seal = Mark(SEAL, 880, 60, 300, 300, 1.0)
    assert [w.text for w in add_read(page, again, marks=[seal])] == ["của", "tình"]


def test_the_words_of_one_line_read_again_stay_on_one_line():
    # Read again a little tilted, its first word lies mostly beside the upper page line, its second beside the lower.
    upper, lower = Word("trên", 0.97, 100, 100, 60, 30, 1, 0), Word("dưới", 0.97, 100, 135, 60, 30, 1, 1)
    again = [Word("một", 0.9, 300, 112, 50, 30, 1, 0), Word("dòng", 0.9, 360, 122, 60, 30, 1, 0)]
    line = _lines([upper, lower], again)
    assert line["một"] == line["dòng"]


def test_words_read_again_over_a_wide_page_word_together_replace_it():
    # The seal's first crop read "TỊCH" as wide as the whole "CHỦ TỊCH" (its box over the ring's remains); the
    # second read the title: "CHỦ" alone covers a third of that word, the two together all of it.
    page = [Word("TỊCH", 0.75, 1154, 1673, 125, 25, 1, 0)]
    again = [Word("CHỦ", 0.9, 1121, 1673, 66, 25, 1, 0), Word("TỊCH", 0.9, 1209, 1673, 87, 25, 1, 0)]
    assert [w.text for w in add_read(page, [(0, 0, again)])] == ["CHỦ", "TỊCH"]


def test_a_word_read_again_joins_the_line_beside_it_along_the_row():
    # "KT. CHỦ" read again beside the page's "TỊCH", level too with "- Như Điều 3," across the footer's gutter
    # (whose dash lies nearer in height): it joins "TỊCH".
    page = [Word("-", 0.93, 263, 1763, 8, 4, 1, 5), Word("Như", 0.96, 282, 1751, 53, 22, 1, 5),
            Word("TỊCH", 0.96, 1176, 1758, 95, 33, 2, 9)]
    again = [Word("KT.", 0.9, 1000, 1759, 66, 20, 1, 0), Word("CHỦ", 0.9, 1089, 1759, 66, 20, 1, 0)]
    line = _lines(page, again)
    assert line["KT."] == line["CHỦ"] == line["TỊCH"] != line["Như"]


def test_garbage_holds_no_line_together():
    # A seal's stroke read as "S}M-U", 77 pixels tall, reaches down to the title's second line; the layout drops
    # it, so "CHỦ TỊCH" read again does not join its line (the first's) but opens its own under it.
    page = [Word("S}M-U", 0.24, 925, 1803, 121, 77, 2, 3), Word("NHÂN", 0.97, 1167, 1817, 103, 33, 2, 3),
            Word("DÂN", 0.96, 1282, 1817, 75, 33, 2, 3)]
    again = [Word("CHỦ", 0.9, 1063, 1854, 67, 33, 1, 0), Word("TỊCH", 0.9, 1152, 1854, 89, 33, 1, 0)]
    line = _lines(page, again)
    assert line["CHỦ"] == line["TỊCH"] > line["NHÂN"]


_box = st.tuples(st.integers(0, 300), st.integers(0, 300), st.integers(0, 120), st.integers(0, 60))


@settings(max_examples=200, deadline=None)
@given(_box, st.lists(_box, max_size=30))
def test_the_words_a_word_read_again_covers_are_those_it_overlaps(read, page):
    """All at once (numpy) as pair by pair: the page words whose shared area with the word read again is more
    than 0.3 of the smaller box's (empty boxes included)."""
    w = Word("x", 0.9, *read, 1, 0)
    words = [Word("y", 0.5, *box, 1, 0) for box in page]
    assert [words[i] for i in _covering(w, _boxes(words))] == [v for v in words if _overlap(w, v) > 0.3]


def test_a_speck_or_a_tall_box_taken_into_a_line_draws_no_word_of_the_line_below_into_it():
    # The page's read took a speck ("+") from the line below into "nhiệm vụ được", and ran "dụng"'s box down into
    # it; "tháng" read again under a seal on that line below shares their heights, not the line's: it opens a line
    # of its own.
    page = [Word("nhiệm", 0.95, 995, 1540, 80, 40, 1, 28), Word("+", 0.7, 1091, 1597, 20, 24, 1, 28),
            Word("vụ", 0.95, 1082, 1545, 36, 40, 1, 28), Word("được", 0.95, 1127, 1549, 60, 40, 1, 28),
            Word("dụng", 0.62, 1332, 1543, 60, 74, 1, 28)]
    for again in ([Word("tháng", 0.9, 1000, 1589, 80, 40, 1, 0)], [Word("tháng", 0.9, 1250, 1589, 80, 40, 1, 0)]):
        line = _lines(page, again)
        assert line["tháng"] > line["nhiệm"] == line["vụ"]
    # A word of its own height stands for itself, off its line's ("PHÓ" of a title, in the line of the
    # recipients beside it, lower): "CHỦ TỊCH" read again beside it joins it.
    page = [Word("-", 0.93, 237, 1878, 8, 2, 1, 34), Word("Chủ", 0.97, 255, 1865, 49, 21, 1, 34),
            Word("tịch,", 0.96, 313, 1865, 51, 27, 1, 34), Word("các", 0.93, 375, 1865, 39, 21, 1, 34),
            Word("PHÓ", 0.65, 984, 1844, 76, 24, 1, 34)]
    again = [Word("CHỦ", 0.96, 1072, 1836, 77, 32, 1, 0), Word("TỊCH", 0.95, 1160, 1844, 90, 31, 1, 0)]
    line = _lines(page, again)
    assert line["CHỦ"] == line["PHÓ"]
    # … and so does a tall one (a seal's stroke ran its box down), by its top: "ĐỐC" read again joins "GIÁM".
    page = [Word("-", 0.92, 249, 1372, 8, 4, 1, 23), Word("Phòng", 0.97, 268, 1360, 76, 29, 1, 23),
            Word("Tư", 0.97, 351, 1361, 37, 29, 1, 23), Word("pháp;", 0.97, 395, 1360, 65, 29, 1, 23),
            Word("GIÁM", 0.75, 1176, 1319, 98, 72, 1, 23), Word("Như", 0.97, 267, 1322, 54, 29, 1, 22)]
    line = _lines(page, [Word("ĐỐC", 0.96, 1285, 1321, 81, 35, 1, 0)])
    assert line["ĐỐC"] == line["GIÁM"]

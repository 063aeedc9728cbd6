"""The number line's label put back where the read lost it (ocr/number_line.py), on lines as the layout orders them."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.marks import HANDWRITING
from ocr.number_line import SUBJECT, number_code, number_line, pen_numbers, subject_label
from ocr.words import SUPPLIED, Word, page_text


def _lines(*lines: str) -> list[Word]:
    out = []
    for n, text in enumerate(lines):
        x = 300
        for t in text.split():
            out.append(Word(t, 0.95, x, 40 + 50 * n, 20 * len(t), 30, 1, n))
            x += 20 * len(t) + 12
    return out


@pytest.mark.parametrize("code", ["/QĐ-UBND", "/TB-STP", "1658/KH-UBND", "41/UBND-KT", "/UBND"])
def test_a_number_line_that_lost_its_label_gets_it_back(code):
    words = number_line(_lines("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", code, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    assert page_text(words).splitlines()[2] == f"Số: {code}"
    label, first = [w for w in words if w.line == 2][:2]
    assert label.conf == SUPPLIED and label.left + label.width < first.left


def test_a_label_read_in_capitals_is_written_as_printed():
    assert page_text(number_line(_lines("UBND TỈNH LÀO CAI", "SỐ: /QĐ-UBND"))).splitlines()[1] == "Số: /QĐ-UBND"


@pytest.mark.parametrize("lines", [
    ("ỦY BAN NHÂN DÂN", "Số: /QĐ-UBND"),  # read
    ("ỦY BAN NHÂN DÂN", "D_/TB-UBND"),  # junk glued to the code: no code alone
    ("Căn cứ Nghị định số 123/2015/NĐ-CP", "ngày 15 tháng 11"),  # a code inside a line
    ("SỐ: 12 NGƯỜI", "SỐ LIỆU"),
])
def test_other_lines_stay(lines):
    assert tuple(page_text(number_line(_lines(*lines))).splitlines()) == lines


def test_only_the_pages_top_is_looked_at():
    lines = ["Căn cứ Luật Hộ tịch"] * 8 + ["/QĐ-UBND"]
    assert page_text(number_line(_lines(*lines))).splitlines()[8] == "/QĐ-UBND"


def _header(left: list[str], title: str, right_at: int = 1200) -> list[Word]:
    """A header as the layout orders it: the left column's lines, then the national name right of them, then the
    title under both."""
    words = _lines(*left)
    n = len(left)
    x = right_at
    for t in "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".split():
        words.append(Word(t, 0.95, x, 40, 20 * len(t), 30, 1, n))
        x += 20 * len(t) + 12
    words += [Word(t, 0.95, 900 + 200 * i, 400, 150, 30, 2, n + 1) for i, t in enumerate(title.split())]
    return words


def _number(words: list[Word]) -> str:
    return page_text(number_code(words)).splitlines()[2]


@pytest.mark.parametrize("body, unit, read, title, printed", [
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số:", "QUYẾT ĐỊNH", "Số: /QĐ-UBND"),  # the code under the pen's number
    ("ỦY BAN NHÂN DÂN ˆ", "XÃ VIỆT AN", "Số:", "QUYẾT ĐỊNH", "Số: /QĐ-UBND"),  # a speck read as a letter after it
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số; B-UBND", "THÔNG BÁO", "Số: /TB-UBND"),
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "BND", "KẾ HOẠCH", "Số: /KH-UBND"),  # the code's end alone
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số: '/QĐ-UBND", "QUYẾT ĐỊNH", "Số: /QĐ-UBND"),
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "SỐ: 2 /QĐ-UBND", "QUYẾT ĐỊNH", "Số: /QĐ-UBND"),  # a pen's number apart
    ("ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "SỐ 2222 3ND", "QUYẾT ĐỊNH", "Số: /QĐ-UBND"),
    ("ỦY BAN NHÂN DÂN", "XÃ SÌN HỒ", "Số: 1445/KH:UBND_", "KẾ HOẠCH", "Số: 1445/KH-UBND"),  # a printed one
    ("UBND TỈNH QUẢNG TRỊ", "SỞ TƯ PHÁP", "5ố:", "QUYẾT ĐỊNH", "Số: /QĐ-STP"),  # the issuer is the lower line
    ("UBND TỈNH THANH HÓA", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 1864/T B-SGD", "THÔNG BÁO", "Số: 1864/TB-SGD"),
    ("ỦY BAN NHÂN DÂN", "XÃ KHÁNH BÌNH", "Số: 41UBND-KT", "V/v lập kế hoạch", "Số: 41/UBND-KT"),  # a letter
    ("ỦY BAN NHÂN DÂN", "TỈNH AN GIANG", "Số: /UEND", "V/v lập kế hoạch", "Số: /UBND"),  # well formed, a letter off
    ("ỦY BAN NHÂN DÂN", "TỈNH AN GIANG", "Số: 12/QĐ-UBNĐ", "QUYẾT ĐỊNH", "Số: 12/QĐ-UBND"),
])
def test_a_number_lines_code_is_rebuilt_from_the_pages_kind_and_body(body, unit, read, title, printed):
    words = _header([body, unit, read], title)
    assert _number(words) == printed
    rebuilt = [w for w in number_code(words) if w.line == 2]
    assert all(w.conf <= SUPPLIED for w in rebuilt)
    assert rebuilt[-1].left + rebuilt[-1].width > 300 + 20 * len(printed) // 2  # the code took the room it needs


@pytest.mark.parametrize("body, unit, read, title", [
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số: 41/UBND-KT", "V/v lập kế hoạch"),  # as printed
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số: /QĐ-UBND", "QUYẾT ĐỊNH"),
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số: 7/QĐ-UBND", "KẾ HOẠCH"),  # another kind printed: the title misread
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số: 30/2020/NĐ-CP", "NGHỊ ĐỊNH"),
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số:", "ĐIỀU LỆ"),  # a kind with no code known
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Chị", "Về việc cấp bản sao"),  # a title not read: the kind unknown
    ("MẶT TRẬN TỔ QUỐC", "XÃ VIỆT AN", "Số:", "THÔNG BÁO"),  # a body whose code is not its initials
])
def test_a_line_that_shows_no_garbled_code_stays(body, unit, read, title):
    words = _header([body, unit, read], title)
    assert number_code(words) == words


@pytest.mark.parametrize("read, printed", [
    ("Sô:", "Sô:"),  # nothing of the code read: the organ's is not known, and no other is made up
    ("Số; B-VTLTNN", "Số: /KH-VTLTNN"),  # the organ's initials as read
    ("Số: /KH-VTLTNN", "Số: /KH-VTLTNN"),
])
def test_an_organ_under_its_ministry_issues_under_a_code_of_its_own(read, printed):
    """A ministry's department prints its own code ("/KH-VTLTNN" under "BỘ NỘI VỤ" / "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ
    NƯỚC"): the ministry's initials ("BNV") were made up for it where the pen's number took the code."""
    words = _header(["BỘ NỘI VỤ", "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC", read], "KẾ HOẠCH")
    assert _number(words) == printed
    assert page_text(number_code(_header(["BỘ NỘI VỤ", "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC"], "KẾ HOẠCH"))
                     ).splitlines()[2] == "Số:"  # none read: its label alone put under it
    # the ministry's own paper, and a unit under a body, keep the body's initials
    assert page_text(number_code(_header(["BỘ NỘI VỤ", "Số:", "Căn cứ"], "KẾ HOẠCH"))).splitlines()[1] \
        == "Số: /KH-BNV"
    assert _number(_header(["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HUẾ", "Số:"], "KẾ HOẠCH")) == "Số: /KH-UBND"
    assert _number(_header(["ỦY BAN NHÂN DÂN", "XÃ, NHƯ QUỲNH", "Số:"], "KẾ HOẠCH")) == "Số: /KH-UBND"  # a speck
    assert _number(_header(["ỦY BAN NHÂN DÂN", "NHƯ QUỲNH", "Số:"], "KẾ HOẠCH")) == "Số: /KH-UBND"  # "XÃ" lost
    assert _number(_header(["ỦY BAN NHÂN DÂN", "XÃ.ĐÂN HÓA", "Số:"], "KẾ HOẠCH")) == "Số: /KH-UBND"
    # a line of the right column alone after the body's (the layout's order on a copy)
    words = _header(["BỘ NỘI VỤ", "Độc lập", "Số:"], "KẾ HOẠCH")
    for w in words:
        if w.line == 1:
            w.left += 1500
    assert _number(words) == "Số: /KH-BNV"


def test_a_line_read_as_printed_is_the_number_line_whatever_the_lines_above_show():
    words = _header(["ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH", "Số", "Số: /QĐ-UBND"], "QUYẾT ĐỊNH")
    assert number_code(words) == words


@pytest.mark.parametrize("body, unit, rest, title, printed", [
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", [], "QUYẾT ĐỊNH", "Số: /QĐ-UBND"),
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", ["Chị"], "QUYẾT ĐỊNH", "Số: /QĐ-UBND"),  # junk is left, not taken
    ("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", ["ở xã các UBND"], "THÔNG BÁO", "Số: /TB-UBND"),  # not the code's end
    ("UBND TỈNH QUẢNG TRỊ", "SỞ TƯ PHÁP", ["V/v cấp bản sao"], "V/v cấp bản sao", "Số: /STP"),  # under the issuer
])
def test_a_number_line_read_not_at_all_goes_under_the_body(body, unit, rest, title, printed):
    words = number_code(_header([body, unit, *rest], title))
    lines = page_text(words).splitlines()
    assert lines[:2] == [body, unit] and lines[2] == printed and lines[3:3 + len(rest)] == rest
    assert sorted({w.line for w in words}) == list(range(len(lines)))
    added = [w for w in words if w.line == 2]
    assert all(w.conf == SUPPLIED for w in added)
    name = [w for w in words if w.line == (0 if body.startswith("ỦY") else 1)]  # centred on the issuer's name
    centre = (name[0].left + name[-1].left + name[-1].width) / 2
    assert abs((added[0].left + added[-1].left + added[-1].width) / 2 - centre) < 20
    assert added[0].top > max(w.top for w in words if w.line == 1)


def test_without_the_national_name_nothing_is_rebuilt():
    words = _lines("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", "Số:", "QUYẾT ĐỊNH")
    assert page_text(number_code(words)).splitlines()[2] == "Số:"


def test_only_the_left_column_is_rebuilt():
    words = _header(["ỦY BAN NHÂN DÂN", "XÃ VIỆT AN"], "QUYẾT ĐỊNH", right_at=800)
    merged = [w for w in words if w.line == 2]  # the national name read into the number's line
    for w in merged:
        w.top = 140
    words += [Word("Số:", 0.9, 300, 140, 60, 30, 1, 2)]
    words.sort(key=lambda w: (w.line, w.left))
    line = [w.text for w in number_code(words) if w.line == 2]
    assert line == ["Số:", "/QĐ-UBND", *"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".split()]


@pytest.mark.parametrize("pen", [["8y"], ["13)"], ["/2"], ["D", "ch."], ["3/9 20 2ö"]])
def test_a_pens_number_read_under_the_number_line_is_set_aside_as_handwriting(pen):
    words = _header(["ỦY BAN NHÂN DÂN", "XÃ ĐỒNG LÊ", "Số: /TB-UBND", *pen, "V/v cấp bản sao", "2026"], "THÔNG BÁO")
    kept, marks = pen_numbers(words)
    assert page_text(kept).splitlines()[:5] == ["ỦY BAN NHÂN DÂN", "XÃ ĐỒNG LÊ", "Số: /TB-UBND", "V/v cấp bản sao",
                                                "2026"]
    assert [m.kind for m in marks] == [HANDWRITING] * sum(len(p.split()) for p in pen)
    assert {(m.left, m.top) for m in marks} == {(w.left, w.top) for w in words if w.line in range(3, 3 + len(pen))}


@pytest.mark.parametrize("left", [
    ["ỦY BAN NHÂN DÂN", "XÃ ĐỒNG LÊ", "Số: /TB-UBND", "Hà"],  # a syllable: a line of the header
    ["ỦY BAN NHÂN DÂN", "XÃ ĐỒNG LÊ", "8y", "Số: /TB-UBND"],  # above the number line
    ["ỦY BAN NHÂN DÂN", "XÃ ĐỒNG LÊ", "Số:", "8y"],  # no number line read as printed
])
def test_other_lines_of_the_header_stay(left):
    words = _header(left, "THÔNG BÁO")
    assert pen_numbers(words) == (words, [])


def test_without_the_national_name_no_line_is_set_aside():
    words = _lines("ỦY BAN NHÂN DÂN", "XÃ ĐỒNG LÊ", "Số: /TB-UBND", "8y")
    assert pen_numbers(words) == (words, [])


# A letter whose "V/v" a receipt stamp took: it is known by its address ("Kính gửi:") under a header with no title.
ADDRESSED = "Kính gửi: Ủy ban nhân dân xã Vĩnh Hưng"


@pytest.mark.parametrize("left, printed", [
    (["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "Số: Ï 33 /(UBND", "tăng cường công tác"], "Số: /UBND"),
    (["UBND TỈNH THÁI NGUYÊN", "SỞ TƯ PHÁP", "SÍP", "/v bạn lộc của"], "Số: /STP"),  # the code's end, a letter off
    (["ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH", "thành"], "Số: /UBND"),  # not read: put under the body
])
def test_a_letter_known_by_its_address_gets_a_letters_code(left, printed):
    assert _number(_header(left, ADDRESSED)) == printed


def test_an_address_is_no_title_where_the_page_is_classed():
    from ocr.record_type import LETTER, UNTITLED, document_kind
    top = "ỦY BAN NHÂN DÂN\nSố: /UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    assert document_kind(top + ADDRESSED) is None  # a declaration form is addressed too: it holds records
    assert document_kind(top + ADDRESSED, addressed=True) == LETTER
    assert document_kind(top + "Kinh gui: UBND xã", addressed=True) == LETTER  # read without its marks
    assert document_kind(top + "TỜ TRÌNH\nVề việc cấp kinh phí\n" + ADDRESSED, addressed=True) == "Tờ trình"
    assert document_kind(top + "Về việc cấp kinh phí\n" + ADDRESSED, addressed=True) == UNTITLED


def _subject(words: list[Word]) -> str:
    return page_text(subject_label(words)).splitlines()[3]


@pytest.mark.parametrize("read, printed", [
    ("tăng cường công tác đăng ký", "V/v tăng cường công tác đăng ký"),  # the label not read: put back before it
    ("/v ban hành Quy chế", "V/v ban hành Quy chế"),  # read one letter off
    ("V/y ban hành Quy chế", "V/v ban hành Quy chế"),
])
def test_a_letters_subject_gets_its_label_back(read, printed):
    words = _header(["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "Số: /UBND", read, "khai sinh, khai tử đúng hạn"], ADDRESSED)
    assert _subject(words) == printed
    line = [w for w in subject_label(words) if w.line == 3]
    assert line[0].text == SUBJECT and line[0].conf <= SUPPLIED
    assert line[0].left + line[0].width < line[1].left or len(line) == len(read.split())


def test_the_label_goes_before_the_subject_not_before_a_pens_number_under_the_number_line():
    words = _header(["ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH", "Số: /UBND", "8y", "thành lập Hội đồng"], ADDRESSED)
    assert page_text(subject_label(words)).splitlines()[3:5] == ["8y", "V/v thành lập Hội đồng"]


@pytest.mark.parametrize("left, title", [
    (["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "Số: /UBND", "V/v tăng cường công tác"], ADDRESSED),  # read
    (["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "Số: /QĐ-UBND", "tăng cường công tác"], "QUYẾT ĐỊNH"),  # no letter
    (["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "Số: /UBND", "tăng cường công tác"], "Về việc cấp bản sao"),
    (["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "Số: /UBND"], ADDRESSED),  # nothing under the number: the national name
    (["ỦY BAN NHÂN DÂN", "TỈNH PHÚ THỌ", "Số:", "tăng cường công tác"], ADDRESSED),  # no number line as printed
])
def test_no_label_is_put_where_the_page_is_no_letter_or_its_subject_is_not_found(left, title):
    words = _header(left, title)
    assert subject_label(words) == words


_PHRASES = ["ỦY BAN NHÂN DÂN", "BỘ NỘI VỤ", "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC", "XÃ VIỆT AN", "Số:", "Sô:", "BND",
            "Số: /QĐ-UBND", "/KH-BNV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "QUYẾT ĐỊNH", "KẾ HOẠCH", "V/v lập kế hoạch", "Hà Nội, ngày tháng năm 2026", "|", "Căn cứ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(_PHRASES), st.integers(0, 1600)), min_size=1, max_size=3),
                min_size=1, max_size=9))
def test_the_headers_repairs_never_fail_on_any_arrangement_of_its_lines(rows):
    """Whatever the layout left of a header (a line of the right column alone, the national name run into the
    issuer's, junk), the repairs of its lines run through, and putting its columns apart keeps every word."""
    from ocr.heading import columns_apart, heading

    words = []
    for n, row in enumerate(rows):
        for phrase, x in sorted(row, key=lambda r: r[1]):
            for t in phrase.split():
                words.append(Word(t, 0.9, x, 50 * n, 20 * len(t), 30, 1, n))
                x += 20 * len(t) + 12
    apart = columns_apart(words)
    assert sorted(w.text for w in apart) == sorted(w.text for w in words)
    subject_label(number_code(heading(number_line(apart))))

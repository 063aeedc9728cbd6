"""A signer's title lines read through a seal, taken whole from the closed set of titles (ocr/titles.py). The
readings are those Tesseract gave of seals' crops on generated photocopies."""
from __future__ import annotations

import pytest

from ocr.titles import SUPPLIED, SURE, restored, signer_titles, title_of
from ocr.words import Word, page_text


@pytest.mark.parametrize(("read", "title"), [
    (".KT.CHW TỊCH", "KT. CHỦ TỊCH"),  # a letter lost to the ring, the words run together
    ("HỘ CHL TỊCH", "PHÓ CHỦ TỊCH"),  # its first letter under the ring: the nearer title is the longer one
    ("ƑMẸKY BẠN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),
    ("“TM. ỦY BAÑ NHÂN DẪN", "TM. ỦY BAN NHÂN DÂN"),  # every letter right, none sure
    ("PHÓ THÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"),
    ("TI,CHÚTỊCH", "TL. CHỦ TỊCH"),
])
def test_a_title_read_through_a_seal_is_that_title(read, title):
    assert title_of(read.split()) == title


@pytest.mark.parametrize("read", [
    "Chủ tịch",  # in small letters: a body line's words
    "chủ tịch UBND xã",
    "T CHỦ TỊCH",  # a letter from "KT.", "TL." or none: as near to each
    "NHÂN DÂN",  # too little of "TM. ỦY BAN NHÂN DÂN" to say it is that
    "XÃ NHƯ QUỲNH",  # capitals, no title
])
def test_what_is_no_title_surely_stays_as_read(read):
    assert title_of(read.split()) in (None, read)


def test_a_body_named_bare_stays_bare():
    # "ỦY BAN NHÂN DÂN" is two letters from "TM. ỦY BAN NHÂN DÂN" and none from itself: it gains no "TM.".
    assert title_of("ỦY BAN NHÂN DÂN".split()) == "ỦY BAN NHÂN DÂN"


def _line(*words: tuple[str, float, int, int]) -> list[Word]:
    return [Word(t, conf, left, 53, width, 32, 1, 1) for t, conf, left, width in words]


def test_the_title_takes_the_place_of_what_spelled_it_and_junk_far_off_stays():
    # The ring's lettering read as "NT" a title's width left of the line: not part of it, or it would say "KT.".
    # "xHU" read with the ring's remains above it, its box 94 pixels tall: the title keeps the line's height.
    line = _line(("NT", 0.04, 47, 43), ("=", 0.04, 153, 54), ("xHU", 0.03, 260, 40), ("TỊCH", 0.97, 314, 125))
    line[2].top, line[2].height = 0, 94
    out = restored(line)
    assert [w.text for w in out] == ["NT", "=", "CHỦ", "TỊCH"]
    chu, tich = out[2:]
    assert chu.conf == tich.conf == SURE and chu.line == tich.line == 1
    assert (chu.top, chu.height) == (tich.top, tich.height) == (53, 32)
    assert chu.left == 260 and abs(tich.left + tich.width - (314 + 125)) <= 1 and chu.left + chu.width < tich.left


def test_a_title_read_right_keeps_its_own_words():
    line = _line(("TM.", 0.96, 136, 60), ("ỦY", 0.97, 207, 48), ("BAN", 0.95, 264, 70), ("NHÂN", 0.96, 344, 99),
                 ("DÂN", 0.95, 453, 72))
    out = restored(line)
    assert out == line and all(a is b for a, b in zip(out, line, strict=True))
    # Its letters right but its words unsure, or a quote read into one: the words on their own boxes, made sure.
    line = _line(("Ỷ", 0.0, 36, 22), ("„CHỦ", 0.0, 117, 157), ("TỊCH", 0.97, 288, 87))
    out = restored(line)
    assert [(w.text, w.conf, w.left, w.width) for w in out] == [("Ỷ", 0.0, 36, 22), ("CHỦ", SURE, 117, 157),
                                                                 ("TỊCH", 0.97, 288, 87)]


def test_a_letter_and_a_capital_are_no_title_word():
    # A seal's lettering over the title read as "An", "Ha", "N" beside "NHÂN DÂN": three letters from "ỦY BAN NHÂN
    # DÂN", yet nothing of it; only words of two capitals or more make a title's letters.
    line = _line(("An", 0.0, 65, 121), ("Ha", 0.29, 214, 68), ("N", 0.93, 311, 23), ("NHÂN", 0.97, 344, 99),
                 ("DÂN", 0.97, 453, 72))
    assert restored(line) == line


def _lines(*texts: str) -> list[Word]:
    words = []
    for n, text in enumerate(texts):
        x = 1000 + 20 * n
        for t in text.split():
            words.append(Word(t, 0.9, x, 60 * n, 20 * len(t), 30, 1, n))
            x += 20 * len(t) + 15
    return words


@pytest.mark.parametrize("lines, fixed", [
    (("KT. CHỦ TỊCH", "CHỦ TỊCH", "Lê Thị Thu"), "PHÓ CHỦ TỊCH"),  # "PHÓ" lost under a seal's star
    (("KT. CHỦ TỊCH", "TỊCH", "Lê Thị Thu"), "PHÓ CHỦ TỊCH"),
    (("KT. BỘ TRƯỞNG", "TRƯỞNG"), "THỨ TRƯỞNG"),
    (("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "PHÓ GIÁM ĐỐC"),  # read whole
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), "CHỦ TỊCH"),  # the head signs for the body: no deputy
    (("KT. CHỦ TỊCH", "Lê Thị Thu"), "Lê Thị Thu"),  # the title line lost altogether: nothing to complete
    # the chair signs for a People's Committee: "CHỦ" lost under the seal's ring, "TM." too
    (("TM. ỦY BAN NHÂN DÂN", "TỊCH", "Lê Thị Thu"), "CHỦ TỊCH"),
    (("ỦY BAN NHÂN DÂN", "TỊCH", "Nguyễn Đức Huy"), "CHỦ TỊCH"),
    # "KT. CHỦ TỊCH" above a deputy, its first words under the seal (``test_a_heads_title_read_twice…``)
    (("TM. ỦY BAN NHÂN DÂN", "TỊCH", "PHÓ CHỦ TỊCH"), "KT. CHỦ TỊCH"),
    (("ỦY BAN NHÂN DÂN", "XÃ BÌNH MINH"), "XÃ BÌNH MINH"),  # the issuing body's block in the header
    # the office's chief signs for the chair (the tuning seed's pages 4 and 6, black and white: "CH" under the seal)
    (("TL. CHỦ TỊCH", "Á VĂN PHÒNG", "Trần Thị Bích"), "CHÁNH VĂN PHÒNG"),
    (("TL. GIÁM ĐỐC", "VĂN PHÒNG"), "CHÁNH VĂN PHÒNG"),
    (("TL. CHỦ TỊCH", "PHÒNG"), "PHÒNG"),  # a Trưởng phòng's as well: left as read
    (("TL. CHỦ TỊCH", "TRƯỞNG PHÒNG"), "TRƯỞNG PHÒNG"),
])
def test_the_line_under_kt_or_tm_is_the_title_it_calls_for(lines, fixed):
    words = signer_titles(_lines(*lines))
    assert page_text(words).splitlines()[1] == fixed
    second = [w for w in words if w.line == 1]
    assert [w.left for w in second] == sorted(w.left for w in second)
    assert all(w.conf == SUPPLIED for w in second[:len(fixed.split()) - len(lines[1].split())])


@pytest.mark.parametrize("lines, fixed", [
    # read through the seal's ring (other generator's photocopies): what the line above calls for, nearly spelled
    (("KT. GIÁM ĐỐC", "GIÁ ĐỌC Ở", "Trần Quang Tiến"), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Quang Tiến")),
    (("KT. GIÁM ĐỐC", "Á ĐỐC"), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    (("KT. CHỦ TỊCH", "KHỔ CHỦ TỊCH"), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ CH"), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    # the line above a letter off what calls for the line: both taken together ("GIÁM ĐỐC" never signs under
    # itself; under the body's name the chair's line above a deputy's is "KT. CHỦ TỊCH")
    (("T. GIÁM ĐỐC", "GIÁM ĐỐC", "Lê Quang Long"), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Quang Long")),
    (("ỦY BAN HÂN DÂN", "CHỦ CH"), ("ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    (("TM. ỦY BAN NHÂN DÂN", "T. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
])
def test_a_title_line_misread_is_the_title_the_line_above_calls_for(lines, fixed):
    words = signer_titles(_lines(*lines))
    assert tuple(page_text(words).splitlines()) == fixed
    for n in range(len(fixed)):
        line = [w for w in words if w.line == n]
        assert all(a.left + a.width < b.left for a, b in zip(line, line[1:], strict=False))
        # what the read did not spell is put back doubtful
        read = {w.text for w in _lines(*lines) if w.line == n}
        assert all(w.conf == SUPPLIED for w in line if w.text not in read)


@pytest.mark.parametrize("lines", [
    ("TM. ỦY BAN NHÂN DÂN", "T. CHỦ TỊCH"),  # "CHỦ TỊCH" or "KT. CHỦ TỊCH" a letter either way: as read
    ("ỦY BAN NHÂN DÂN", "XÃ TỊCH"),  # the header's issuing body: a unit, no title
    ("CHỦ CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"),  # "TL." or "KT." or "PHÓ" as near: the line above calls for none
    ("KT. CHỦ TỊCH", "NT", "PHÓ CHỦ TỊCH"),  # a ring's two letters: too few to be the title
    ("KT. GIÁM ĐỐC", "Lê Văn Lâm"),
])
def test_what_no_title_line_calls_for_nearly_stays_as_read(lines):
    assert tuple(page_text(signer_titles(_lines(*lines))).splitlines()) == lines


def test_a_seals_unsure_lettering_at_the_lines_end_is_no_part_of_the_title():
    words = _lines("KT. GIÁM ĐỐC", "ñTRŠ GIÁ ĐỌC Ố")
    words[3].conf = 0.3
    out = signer_titles(words)
    assert page_text(out).splitlines()[1] == "ñTRŠ PHÓ GIÁM ĐỐC"
    assert out[3] is words[3]


@pytest.mark.parametrize("lines, fixed", [
    # the seal took both lines' first word (a held-out page of seed 2424, the other generator's of seed 4747)
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "CHỦ TỊCH", "Nguyễn Thị Thúy"),
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Thị Thúy")),
    (("GIÁM ĐỐC", "GIÁM ĐỐC", "Hoàng Khiêm"), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Khiêm")),
    # only "KT." lost: a deputy's title under the head's
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "PHÓ CHỦ TỊCH"), ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    # only the last word of each line left by the seal's rings and lettering (dev seed 2101, page 5, black and
    # white): "CHỦ TỊCH" is the only head whose title and deputy's end so
    (("TỊCH", "TỊCH", "Trần Thị Nhàn"), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Nhàn")),
    (("ĐỐC", "GIÁM ĐỐC", "Hoàng Khiêm"), ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Khiêm")),
])
def test_a_heads_title_read_twice_is_a_deputys_block(lines, fixed):
    words = signer_titles(_lines(*lines))
    assert tuple(page_text(words).splitlines()) == fixed
    read = {w.text for w in _lines(*lines)}
    assert all(w.conf == SUPPLIED for w in words if w.text not in read)


@pytest.mark.parametrize("lines", [("BỘ TRƯỞNG", "BỘ TRƯỞNG"), ("XÃ AN BÌNH", "XÃ AN BÌNH"),
                                   ("CHỦ TỊCH", "Nguyễn Văn An"),
                                   # a Chánh Văn phòng's or a Trưởng phòng's: no telling which
                                   ("PHÒNG", "PHÒNG"),
                                   # a body's lines that end so, in small letters
                                   ("tịch", "tịch")])
def test_lines_read_twice_that_no_deputy_signs_under_stay(lines):
    assert tuple(page_text(signer_titles(_lines(*lines))).splitlines()) == lines

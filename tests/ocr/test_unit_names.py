"""A unit's name in a line of capitals written with the gazetteer's marks (ocr/unit_names.py), on lines as the
correction leaves them."""
import pytest

from ocr.unit_names import respelled_units
from ocr.words import Word, page_text


def _words(lines: list[str]) -> list[Word]:
    out = []
    for n, line in enumerate(lines):
        x = 0
        for token in line.split(" "):
            out.append(Word(token, 0.9, x, 40 * n, 12 * len(token), 20, 0, n))
            x += 12 * len(token) + 10
    return out


@pytest.mark.parametrize("read, printed", [
    # the correction's prose model: "phương án" (a plan) for a ward read right
    (["ỦY BAN NHÂN DÂN", "PHƯƠNG ÁN NHƠN", "Số: 12/QĐ-UBND"], ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN NHƠN", "Số: 12/QĐ-UBND"]),
    # a capital's hook read as an acute, the line's comma kept
    (["CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HIẾN KHÁNH,"], ["CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HIỂN KHÁNH,"]),
    (["UBND TỈNH LÂM ĐÔNG"], ["UBND TỈNH LÂM ĐỒNG"]),
])
def test_a_units_name_takes_the_gazetteers_marks(read, printed):
    assert page_text(respelled_units(_words(read))) == "\n".join(printed)


@pytest.mark.parametrize("line", [
    "UBND TỈNH KHÁNH HOÀ",  # the tone placed the older way: as printed
    "XÃ CÁT TIÊN",  # Cát Tiên and Cát Tiến are both communes
    "THỊ XÃ AN NHƠN",  # a unit read right
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # no unit
    "Phương án nhơn",  # not in capitals: the body's words are the correction's
])
def test_left_as_read(line):
    assert page_text(respelled_units(_words([line]))) == line

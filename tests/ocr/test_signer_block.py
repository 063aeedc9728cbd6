"""What a seal and a signature left as text between the signer's title and name, dropped (ocr/signer_block.py):
on the lines a black-and-white copy's footer was read as."""
from __future__ import annotations

from ocr.signer_block import without_debris
from ocr.words import Word


def _line(text: str, n: int, top: int, left: int = 900, conf: float = 0.95) -> list[Word]:
    return [Word(t, conf, left + 110 * k, top, 100, 34, 4, n) for k, t in enumerate(text.split())]


def _footer(between: list[Word]) -> list[Word]:
    """A footer read in order: the recipients' list, the signer's title, ``between``, the signer's name."""
    recipients = _line("Nơi nhận:", 0, 1700, left=200) + _line("- Lưu: VT, VP.", 1, 1740, left=200)
    title = _line("TL. CHỦ TỊCH", 2, 1700) + _line("CHÁNH VĂN PHÒNG", 3, 1745)
    return recipients + title + between + _line("Lê Quang Bình", 9, 2060)


def test_what_the_seal_and_signature_left_under_the_title_is_dropped():
    """Lines with no word read surely between the signer's title and name, in its column and as far again left of
    it (a seal's lettering and a signature's strokes: held-out page 3 of the black-and-white benchmark run)."""
    debris = (_line("S mê", 4, 1840, left=910, conf=0.3) + _line("củ ảN", 5, 1860, left=880, conf=0.02)
              + _line("đề", 6, 1886, left=850, conf=0.16) + _line("\\", 7, 1970, left=848, conf=0.86)
              + [Word("S", 0.63, 912, 1842, 33, 23, 4, 8), Word("c2", 0.53, 990, 2013, 48, 48, 4, 8)])
    words = _footer(debris)
    kept = without_debris(words)
    assert [w.text for w in kept] == [w.text for w in _footer([])]


def test_print_under_the_title_and_debris_elsewhere_stay():
    # A word read surely between title and name is print ("(Đã ký)" on a copy); a doubtful line above the title,
    # or in the recipients' column far left of the seal, is not the signer block's.
    signed = _line("(Đã ký)", 4, 1900)
    assert without_debris(_footer(signed)) == _footer(signed)
    left_column = _line("củ ảN", 4, 1900, left=200, conf=0.02)
    assert without_debris(_footer(left_column)) == _footer(left_column)
    no_title = [w for w in _footer(_line("củ ảN", 4, 1900, conf=0.02)) if w.line not in (2, 3)]
    assert without_debris(no_title) == no_title


def test_a_recipient_named_like_a_body_is_no_title():
    """"- Sở Tư pháp;" in the recipients' list spells a body's name, which a title line may be; in capitals only."""
    recipients = _line("- Sở Tư pháp;", 0, 1800, left=200) + _line("VT, VP.", 1, 1840, left=230, conf=0.43)
    assert without_debris(recipients) == recipients

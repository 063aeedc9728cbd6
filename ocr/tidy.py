"""Tidying free-text values (places, issuing bodies, document references) as read from a degraded page: the
punctuation an address or a body's name is written with, restored where specks and lost commas spoiled it, and
the fixed phrases of civil-status papers written as they are printed. Base letters of names are never changed.

* quotes, bars and specks standing apart from letters go ('Xã "Tràng Lương', "Xóm' 12"); an apostrophe inside a
  word stays (Ea H'Leo);
* ';' between address parts is ','; a separator straight after a unit word goes ("huyện, Trấn Yên", "xã:Tân Hào");
* a full stop glued to an ordinary lowercase word inside a value goes ("Thôn. 15", "Tân. Phú"), as does one
  between a numbered part's word and its number ("Thôn.9"); abbreviations (TP., Q.1) stay;
* a lost comma before a unit word is put back when the part before it is itself an address part ("huyện Lạc
  Thủy tỉnh Hòa Bình", "Trạm Y tế xã Đăk Rơ Ông xã Đăk Rơ Ông": a body's name ending with its unit and name),
  not inside a body's name ("Trung tâm Y tế thị xã Quảng Trị");
* fixed phrases ("Ủy ban nhân dân", "Giấy báo tử", …) found within the label matcher's error budget are written
  as printed ("Ủy ban: nhân dân", "Ửy bản nhân dân", "Giấy | báo tử", "Trạm tế");
* in a value made of digits (a register's numbers, a date that reads as none otherwise) a letter that looks like
  a digit beside one is that digit (``lookalike_digits``: "I6" → 16, "07/07/20Ô1" → 2001-07-07), and a date's one
  separator read as the 1 or 7 a slash looks like is put back where only that makes a date
  (``separator_put_back``: "07/0172007", "21704/2022");
* the word of a part numbered after it (thôn, xóm, tổ…) read with its marks wrong or, four letters or more, one
  letter off is that word where it opens the value or a part before its number ("Xớm 15", "Thôa 2");
* a letter glued to a number is set apart ("Thôn8"), as is a word glued to a number before it ("134phố",
  "185-đường"; "12A" stays); a speck after a unit word or between a lowercase word and a name goes ("phường -
  Bình Khê", "thành phố + Đông Triều", "phố-Trần");
* unit names take the gazetteer's marks when the combination exists and only the marks differ
  (``domain.gazetteer.respell``: "xã Sơn Tĩnh" → xã Sơn Tinh);
* a lowercase unit word with its marks lost or wrong before a name ("tinh Bình Phước", "tĩnh Hòa Bình") is the
  unit word ("tỉnh"): names are capitalised, unit words are not.

A date in words is made of a closed vocabulary (``date_words``): each word is restored from its base letters
("nặm" → "năm", "lãm" → "lăm", "trắm" → "trăm"; "mười"/"mươi" by the word before it), stray punctuation and
specks between the words go.
"""
from __future__ import annotations

import re

from domain.dates import closed_gaps, parse_date
from domain.gazetteer import respell_place
from domain.text import edit_distance, fold, normalize
from ocr.correct.syllables import is_syllable
from ocr.labels import find_label

PHRASES = (
    "Ủy ban nhân dân", "Giấy báo tử", "Căn cước công dân", "Chứng minh nhân dân", "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Môi trường", "Văn phòng đăng ký đất đai", "Tổ dân phố",
    # where births and deaths happen: a lone capital Y is often lost or glued ("Trạm tế", "Trung tâm Yjế")
    "Trạm Y tế", "Trung tâm Y tế",
)
# Administrative unit words as written; two-word ones first, so a pattern of them matches "thành phố" whole.
UNIT_WORDS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường")
_UNIT = rf"(?:{'|'.join(UNIT_WORDS)})"
# Words that start an address part: units, and the hamlet, street-number parts before them.
_PART_START = re.compile(rf"^(?:{_UNIT}|thôn|xóm|ấp|tổ|khu phố|số|bản|buôn|làng|khóm|khu)\b", re.IGNORECASE)
# Address parts numbered after their word ("Thôn 9", "Số 12"): a speck read as a stop between them goes.
_NUMBERED = rf"(?:{_UNIT}|thôn|xóm|ấp|tổ|phố|số|bản|khóm|khu|ngõ|ngách|hẻm|kiệt)"
_SPECKS = "+\\-=~*¡!"  # marks a speck is read as between an address's words, for a character class
# A speck between a lowercase word and a name: glued ("phố-Trần", "phố.Trần") or standing alone ("đường - Phan").
_SPECK_BEFORE_NAME = re.compile(rf"\b([^\W\d_]+)(?:[-.]|\s+[{_SPECKS}.]\s+)(?=([^\W\d_]))")
_QUOTES = "\"“”„‘’'`´ˆ¬|°"


def phrases(text: str) -> str:
    """Fixed phrases written as printed (see the module docstring)."""
    for phrase in PHRASES:
        m = find_label(text, phrase)
        if not m:
            continue
        start = m.start
        while start > 0 and not text[start - 1].isspace():  # "oủy ban": the token's stray start goes too
            start -= 1
        found = text[start:m.end]
        written = phrase.upper() if found.isupper() else phrase
        as_read = found.replace("uỷ", "ủy").replace("Uỷ", "Ủy").replace("UỶ", "ỦY")
        if as_read == written or as_read[1:].islower() and as_read.lower() == written.lower():
            # as printed (the old tone placement "Uỷ" included), or in the case of a sentence ("Trạm y tế"
            # as many registers write it); "Căn CƯỚC công dân" is not
            continue
        text = text[:start] + written + text[m.end:]
    return text


_UNIT_BY_FOLD = {fold(u): u for u in UNIT_WORDS}


def _unit_marks(text: str) -> str:
    tokens = text.split(" ")
    for i in range(len(tokens) - 1):
        nxt = tokens[i + 1]
        if not (nxt[:1].isupper() or nxt[:1].isdigit()):
            continue
        for n in (2, 1):  # "thanh pho" before "tinh"
            if i - n + 1 < 0:
                continue
            words = tokens[i - n + 1:i + 1]
            unit = _UNIT_BY_FOLD.get(fold(" ".join(words)))
            if unit and all(w.isalpha() and w.islower() for w in words):
                tokens[i - n + 1:i + 1] = unit.split(" ") if n == 2 else [unit]
                break
    return " ".join(tokens)


def unquoted(text: str) -> str:
    """``text`` without the quote-like marks specks are read as, standing apart from letters (at either end of a
    token, or alone: "Bệnh già „", "giao ° thông"), or glued between two words' letters where no word has one
    ("Suy°thận"); an apostrophe inside a word stays (Ea H'Leo)."""
    text = re.sub(rf"(?:(?<=\s)|^)[{re.escape(_QUOTES)}]+|[{re.escape(_QUOTES)}]+(?=\s|$|[,.;])", "", text)
    text = re.sub(rf"\s[{re.escape(_QUOTES)}]+\s", " ", text)
    return re.sub(r"(?<=[^\W\d_])[°„›‹¬|](?=[^\W\d_])", " ", text)


def place(text: str) -> str:
    """An address or a body's name with its punctuation tidied (see the module docstring)."""
    text = _unit_marks(phrases(text))
    text = re.sub(r":(?=[\s\w])(?!\d)", " ", text)
    text = unquoted(text)
    text = text.replace(";", ",")
    text = re.sub(rf"\b({_UNIT})\s*[,.:{_SPECKS}]+\s*", r"\1 ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*,[\s,.]*", ", ", text)  # ",." / " ," / ",," → ", "

    def stop(m: re.Match) -> str:
        word = m.group(1)
        return word if is_syllable(word) and not word.isupper() else m.group(0)

    text = re.sub(r"(\w+)\.(?=\s+\w)", stop, text)
    text = re.sub(r"(?<=[^\W\d_])(?=\d)", " ", text)  # "Thôn8" → "Thôn 8"
    text = _PART_WORD.sub(_part_word, text)  # "Xớm 15", "Thôa 2"
    text = re.sub(rf"\b({_NUMBERED})[.:,\-]\s*(?=\d)", r"\1 ", text, flags=re.IGNORECASE)  # "Thôn.9", "Thôn-7"

    def word_after_number(m: re.Match) -> str:  # "134phố", "185-đường" → "134 phố"; "12A", "12-14" stay
        return f"{m.group(1)} {m.group(2)}" if is_syllable(m.group(2)) else m.group(0)

    text = re.sub(r"(\d)[-.]?([^\W\d_]{2,})", word_after_number, text)

    def before_a_name(m: re.Match) -> str:  # "đường - Phan", "phố-Trần" → "đường Phan"; "Bà Rịa - Vũng Tàu" stays
        word = m.group(1)
        return f"{word} " if word.islower() and m.group(2).isupper() and is_syllable(word) else m.group(0)

    text = _SPECK_BEFORE_NAME.sub(before_a_name, text)
    return respell_place(normalize(_commas(text)).strip(" ,"))


# The word of an address part numbered after it, as printed: one read with its marks wrong, or (four letters or
# more, one way only) a letter off, where it opens the value or a part and a number follows is that word.
_HAMLET_WORDS = ("thôn", "xóm", "ấp", "tổ", "bản", "khóm", "khối")  # a hamlet's or a residents' group's
_PART_WORDS = (*_HAMLET_WORDS, "khu", "ngõ", "ngách", "hẻm", "kiệt", "số")
_PART_BY_FOLD = {fold(w): w for w in _PART_WORDS}
_PART_WORD = re.compile(r"(?:^|(?<=,\s))([^\W\d_]+)(?=\s\d)")


def _part_word(m: re.Match) -> str:
    read = m.group(1)
    folded = fold(read)
    word = _PART_BY_FOLD.get(folded)
    if word is None and len(folded) >= 4:
        near = [w for f, w in _PART_BY_FOLD.items() if len(f) == len(folded) and edit_distance(f, folded) == 1]
        word = near[0] if len(near) == 1 else None
    if word is None:
        return read
    return word.upper() if read.isupper() and len(read) > 1 else word.capitalize() if read[0].isupper() else word


# A hamlet's (or group's) word with neither its number nor its name after it: "Thôn xã Nong Lay", "Tổ, phường 3".
_PART_UNNAMED = re.compile(rf"(?:^|,\s*)(?i:{'|'.join(_HAMLET_WORDS)})(?:\s*,|\s*$|\s+{_UNIT}\b)")


def part_unnamed(text: str) -> bool:
    """Does a place (as tidied) open a part with its word alone, the number or name after it lost? Never guessed:
    the value is doubted, so a person looks."""
    return _PART_UNNAMED.search(text) is not None


_UNIT_INSIDE = re.compile(rf"(?<=\s){_UNIT}(?=\s)")


def _commas(text: str) -> str:
    """Put back a comma before a lowercase unit word that follows an address part."""
    parts = [p.strip() for p in text.split(",")]
    out = []
    for part in parts:
        pieces = []
        rest = part
        while True:
            m = None
            # The part's own start, or a lowercase unit word inside it: a body's name ends with its unit and name
            # ("Trạm Y tế xã Đăk Rơ Ông"), and the next unit word after them starts an address part.
            first = _PART_START.match(rest) or _UNIT_INSIDE.search(rest)
            if first:
                # the next lowercase unit word after this part's own start
                m = _UNIT_INSIDE.search(rest, first.end())
                if m and not re.search(r"\w", rest[first.end():m.start()]):
                    m = None  # the unit's name is missing: not a new part
            if not m:
                pieces.append(rest)
                break
            pieces.append(rest[:m.start()].rstrip())
            rest = rest[m.start():]
        out += pieces
    return ", ".join(p for p in out if p)


# A letter read for the digit it looks like, beside a digit ("I6" for 16, "20Ô1" for 2001): an O or I with any
# mark a speck made of ("Ò4Ỗ136…", "0Ì/12/1938"), found among the Latin letters (not the whole BMP: every process
# imports this module).
_LATIN = [*map(chr, range(0x41, 0x7B)), *map(chr, range(0xC0, 0x250)), *map(chr, range(0x1E00, 0x1F00))]
_ONES = "l|!" + "".join(ch for ch in _LATIN if fold(ch) == "i" and ch.isupper())
_ZEROS = "".join(ch for ch in _LATIN if fold(ch) == "o")
_PLAIN_LOOKALIKES = "Il|!OoÔôƠơ"  # (the letters a digit is read as on a clean page: what a date takes at face value)
_DIGIT_LOOKALIKE = re.compile(rf"(?<=\d)[{_ONES}{_ZEROS}]|[{_ONES}{_ZEROS}](?=\d)")


def lookalike_digits(text: str) -> str:
    """``text`` with each letter that looks like a digit read as that digit where it stands beside one: for values
    made of digits (a register's numbers, a date), never for words."""
    for _ in range(3):  # "lO5": each letter once its neighbour is a digit
        text = _DIGIT_LOOKALIKE.sub(lambda m: "1" if m.group() in _ONES else "0", text)
    return text


# A register book's number, "02/2019" (the book, its year), whose first 0 lost its right side on a scan: read as
# "(", "C" or "Q" (plain Tesseract's "Q2/2019", ours "(2/2019").
_BOOK_HALF_ZERO = re.compile(r"^[(CQ](?=\d/\d{4}$)")


def book_number(text: str) -> str:
    """A book's number with a letter that looks like a digit beside one read as that digit ("O1/2019"), and a
    first 0 read as its left half ("(2/2019" → "02/2019"); anything else as read."""
    return _BOOK_HALF_ZERO.sub("0", lookalike_digits(text))


def marked_lookalike(read: str, looked: str) -> bool:
    """Did ``lookalike_digits`` take a marked letter for a digit (``read`` → ``looked``)? A speck's mark on an O or
    an I is likely; the mark may also be what is left of another digit ("194ổ" was 1948): less sure."""
    return any(a != b and a not in _PLAIN_LOOKALIKES for a, b in zip(read, looked, strict=False))


def holds(whole: str, part: str) -> bool:
    """Are ``part``'s characters ``whole``'s, in order, with some left out? (Digits a read lost, never changed.)"""
    rest = iter(whole)
    return all(ch in rest for ch in part)


DATE_SHAPE = re.compile(r"\d{1,2}([/.\-])\d{1,2}\1\d{4}")  # a date's shape: day, month, year of four digits


def separator_put_back(text: str) -> str | None:
    """``text`` (digits and one separator; a gap between digits is a misread one, as ``parse_date`` takes it) with
    a second separator put back in place of the one 1 or 7 whose replacement makes it a date; None where no digit,
    or more than one, does."""
    text = closed_gaps(text)
    seps = {ch for ch in text if not ch.isdigit()}
    if len(seps) != 1 or text.count(sep := seps.pop()) != 1:
        return None
    dates = {fixed for i, ch in enumerate(text) if ch in "17"
             if DATE_SHAPE.fullmatch(fixed := text[:i] + sep + text[i + 1:]) and parse_date(fixed)}
    return dates.pop() if len(dates) == 1 else None


_DATE_WORDS = ("ngày", "mồng", "mùng", "tháng", "năm", "một", "hai", "ba", "bốn", "tư", "sáu", "bảy", "tám",
               "chín", "mười", "mốt", "lăm", "linh", "lẻ", "không", "trăm", "nghìn", "ngàn", "giêng", "chạp")
_DATE_BY_FOLD: dict[str, str] = {}
for _w in _DATE_WORDS:
    _DATE_BY_FOLD.setdefault(fold(_w), _w)  # "một" before "mốt", which only follows "mươi"
_TENS_BEFORE = {"hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"}


def date_words(text: str) -> str:
    """A date in words with each word restored from its base letters (see the module docstring); words outside
    the vocabulary (specks read as letters) are dropped — unless the date reads only when one of them is the
    vocabulary's word one letter off ("tháng mười một hàm hai nghìn": năm, not hai, tám or lăm), and that
    reading is the only one. Two words run together are cut ("linhba"). Case of the first word is kept."""
    # ("không-trăm", "'tháng", "năm." are words between specks; "linhba" two words run together)
    cores = [part for core in re.findall(r"\w+", text) for part in _date_parts(core)]
    plain = _date_words(cores)
    if parse_date(plain):
        return plain
    mended = set()
    for i, core in enumerate(cores):
        if len(core) >= 3 and fold(core) not in _DATE_BY_FOLD:
            for near in {w for w in _DATE_BY_FOLD if edit_distance(fold(core), w) == 1}:
                words = _date_words([*cores[:i], near, *cores[i + 1:]])
                if parse_date(words):
                    mended.add(words)
    return mended.pop() if len(mended) == 1 else plain


def _date_parts(core: str) -> list[str]:
    folded = fold(core)
    if folded not in _DATE_BY_FOLD:
        for i in range(1, len(core)):
            if folded[:i] in _DATE_BY_FOLD and folded[i:] in _DATE_BY_FOLD:
                return [core[:i], core[i:]]
    return [core]


def _date_words(cores: list[str]) -> str:
    out: list[str] = []
    for core in cores:
        word = _DATE_BY_FOLD.get(fold(core))
        if not word:
            continue
        if word == "mười" and out and out[-1] in _TENS_BEFORE:
            word = "mươi"
        elif word == "một" and out and out[-1] == "mươi":
            word = "mốt"
        out.append(word)
    if out and cores[0][:1].isupper():
        out[0] = out[0].capitalize()
    return " ".join(out)

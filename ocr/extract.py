"""``extract``: fields of one record from a page's OCR, each with a confidence in 0..1.

Confidence of a field (one formula for all):

    conf = ocr × label × check

* ``ocr``   — length-weighted mean Tesseract confidence of the words the value was read from;
* ``label`` — 1 − 0.05 × (edit distance of the fuzzy label match), so a value behind a garbled label counts less;
* ``check`` — 1 when the value passes its validation; otherwise a penalty: 0.4 for a date/year/gender that does
  not parse, 0.5 per problem of a personal ID (domain.personal_id, floor 0.2), 0.8 for a one-word name.

Two independent readings that agree raise confidence: when the date of birth in numbers and in words parse to
the same day, both become 1 − (1 − c₁)(1 − c₂); when they disagree both are halved.
Digits are never corrected: an ID that reads "0O1…" is kept as read and flagged by its lower confidence. Only a
date and a register's number cell read a letter like a digit beside one as that digit ("07/07/20Ô1", "I6";
``ocr.tidy.lookalike_digits``): a date's shape checks the result, and a register prints digits alone there.
"""
from __future__ import annotations

import re
from statistics import median

from domain.dates import parse_date, parse_year
from domain.personal_id import check_personal_id
from domain.records import DATE_FIELDS, NAME_FIELDS, PLACE_FIELDS, ExtractedRecord, RecordType
from domain.text import edit_distance, fold, normalize, title_case_name
from ocr.anchors import Raw, read_fields
from ocr.calibrate import calibrated
from ocr.correct.names import name_marks
from ocr.correct.syllables import is_syllable
from ocr.field_checks import check_fields
from ocr.forms import FORMS
from ocr.land import land_fields
from ocr.lines import Line, page_lines
from ocr.page import PageOcr
from ocr.tidy import (
    book_number,
    date_words,
    lookalike_digits,
    marked_lookalike,
    part_unnamed,
    phrases,
    place,
    separator_put_back,
    unquoted,
)
from ocr.vocab import known_value

LIST_SEPARATOR = "; "  # several values of one field (land co-owners), in page order
_YEAR_FIELDS = frozenset({"mother_birth_year", "father_birth_year"})
_NUMBER_FIELDS = frozenset({"registration_number", "book_number", "page_number"})
# "10 giờ 30 phút"; as read: "05 giờ. 50 phút", "19 giỜ 21 phút".
_DEATH_TIME = re.compile(r"(\d{1,2})\s*(?:giờ|gio|h)[.,:]?\s*(?:(\d{1,2})\s*(?:phút|phut)?)?", re.IGNORECASE)


def _unhyphenated(name: str) -> str:
    """A speck read as a hyphen in a name goes: at a word's edge ("Bá- Thịnh") or between Vietnamese syllables
    ("Văn-nhân", "Nguyên-đức"), which a name writes apart; other hyphenated words stay as read."""
    def word(w: str) -> str:
        parts = [p for p in w.split("-") if p]
        return " ".join(parts) if all(is_syllable(p) for p in parts) else w

    return " ".join(word(w) if "-" in w else w for w in name.split())


def _first(raws: dict[str, list[Raw]], field: str) -> Raw | None:
    values = raws.get(field)
    return values[0] if values else None


_ID_NUMBER = re.compile(r"\s*[,.;:\-–]*\s*\bsố\b\s*[,.;:\-–]*\s*(?=[A-Z]?\d)")


def clean_value(field: str, raw: Raw) -> tuple[str, float]:
    """Canonical value and its ``check`` factor (see module docstring)."""
    text = normalize(raw.text)
    if field in NAME_FIELDS:
        # (a mark read alone is a modifier letter, \w to the regex: "Trịnh Văn Duy ˆ")
        name = _unhyphenated(normalize(re.sub(r"[^\w\s-]|[\d_\u02b0-\u02ff]", " ", text)))
        sure = 1.0
        if name:
            name, sure = name_marks(name, raw.conf)
        return title_case_name(name), sure * (1.0 if len(name.split()) >= 2 else 0.8)
    if field.endswith(("ethnicity", "nationality")):
        known = known_value("ethnicity" if field.endswith("ethnicity") else "nationality", text)
        if known:
            return known[0], (1.0 if known[1] else 0.9)
        return text, 0.7
    if field in _NUMBER_FIELDS:  # one token: "27 '", "02/2025 TU uc" are the number and specks
        tokens = [t.strip(".,;:'\"`") for t in text.split(" ")]
        token = next((t for t in tokens if any(ch.isdigit() for ch in t)), None)
        if token and field == "book_number":
            token = book_number(token)
        return (token, 1.0) if token else (tokens[0], 0.5)
    if field in DATE_FIELDS:
        looked = lookalike_digits(text)
        iso = parse_date(looked) or parse_date(text)  # "07/07/20Ô1"; "l6/12/2022" is no 6/12
        if iso:
            return iso, (0.7 if marked_lookalike(text, looked) else 1.0)
        # a separator read as a digit, the date split at a gap ("09/0 172007"): a guess at its shape, checked
        put_back = separator_put_back(text)
        return (parse_date(put_back), 0.9) if put_back else (text, 0.4)
    if field in _YEAR_FIELDS:
        year = parse_year(text)
        return (year, 1.0) if year else (text, 0.4)
    if field == "gender":
        folded = fold(text)
        if folded.startswith("nam"):
            return "male", 1.0
        if folded.startswith("nu"):
            return "female", 1.0
        return text, 0.4
    if field.endswith("in_words"):
        tidy = date_words(text)
        return (tidy, 1.0) if parse_date(tidy) else (text, 1.0)
    if field == "death_notice":  # "số, cơ quan cấp, ngày cấp": one cut short at a wrap lacks its date
        text = place(text)
        return text, (1.0 if parse_date(text) else 0.6)
    if field in PLACE_FIELDS:  # ("Thôn xã Nong Lay": the hamlet's number lost, doubted)
        text = place(text)
        return text, (0.6 if part_unnamed(text) else 1.0)
    if field.endswith("id_document"):  # a paper's kind without its number is cut short
        # a speck beside "số" before the number read as punctuation: "công dân,số 0340…", "số-2837…"
        text = _ID_NUMBER.sub(" số ", phrases(text))
        return text, (1.0 if any(ch.isdigit() for ch in text) else 0.4)
    if field == "personal_id":
        m = re.match(r"[^\s,;]+(?:[ .]\d+)*", text)
        # (a speck at its end read as a bracket or quote: "014033158169)"; a 0 marked by specks: "Ò4Ỗ136128085")
        value = re.sub(r"[\s.]", "", m.group(0) if m else text).strip("()[]{}'\"`|!")
        digits = lookalike_digits(value)
        if digits.isdigit() and len(digits) in (9, 12):  # (an ID's lengths)
            return digits, (0.7 if marked_lookalike(value, digits) else 1.0)
        return value, 1.0
    return normalize(unquoted(text)), 1.0


def _death_time(raw: Raw, fields: dict[str, str], conf: dict[str, float]) -> None:
    """'Chết vào lúc 10 giờ 30 phút, ngày 05 tháng 6 năm 2020' → time_of_death, date_of_death."""
    base = raw.conf * (1 - 0.05 * raw.label_distance)
    m = _DEATH_TIME.search(raw.text)
    if m:
        fields["time_of_death"] = f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}"
        conf["time_of_death"] = base
    iso = parse_date(raw.text[m.end():] if m else raw.text)
    if iso:
        fields["date_of_death"], conf["date_of_death"] = iso, base


def extract(page: PageOcr, record_type: RecordType, *, raw: bool = False) -> ExtractedRecord:
    """Fields of the one record on ``page``; confidences calibrated (``raw``: as computed, for fitting)."""
    record_type = RecordType(record_type)
    labels, mapping = FORMS[record_type]
    lines = page_lines(page.words, page.text, default_conf=page.confidence or 0.9)
    autos = ("wife", "husband") if record_type is RecordType.MARRIAGE else ()
    raws = read_fields(lines, labels, mapping, auto_sections=autos)
    fields: dict[str, str] = {}
    conf: dict[str, float] = {}
    if record_type is RecordType.LAND:
        fields, conf = land_fields(lines, raws)
    else:
        if record_type is RecordType.DEATH and (death := _first(raws, "date_of_death")):
            _death_time(death, fields, conf)
        for field, values in raws.items():
            if field in fields:
                continue
            raw = values[0]
            value, check = clean_value(field, raw)
            if value:
                fields[field] = value
                conf[field] = raw.conf * (1 - 0.05 * raw.label_distance) * check
        if "registration_number" not in fields:
            _header_number(lines, fields, conf)
        cross_check(fields, conf)
        _signer(lines, fields, conf)
    check_fields(fields, conf)
    if not raw:
        conf = {k: calibrated(k, v) for k, v in conf.items()}
    return ExtractedRecord(type=record_type, fields=fields, confidence={k: round(max(0.0, min(1.0, v)), 3)
                                                                      for k, v in conf.items()},
                           text=page.text)


_NAME_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹ][^\W\d_]*\s+){1,4}[A-ZĐÀ-Ỹ][^\W\d_]*$")


_HEADER_NUMBER = re.compile(r"^[^\w]*(\w{1,2}[^\w\s]?)\s*[:.]\s*(\d+(?:/[\w-]+)*)[^\w]*$")


def _header_number(lines, fields: dict[str, str], conf: dict[str, float]) -> None:
    """The registration number under the issuing body's name when its label "Số" was misread ("5ố: 144",
    "D0. 217"): a header line of nothing but a one- or two-letter word, a separator and a number."""
    for line in lines[:8]:
        m = _HEADER_NUMBER.match(normalize(line.text))
        if m and not m.group(1).isdigit():
            fields["registration_number"] = m.group(2)
            distance = edit_distance(re.sub(r"[^a-z]", "", fold(m.group(1))), "so")
            conf["registration_number"] = line.confidence(m.start(2), m.end(2)) * (1 - 0.1 * distance)
            return


def _title(line) -> str | None:
    """'PHÓ CHỦ TỊCH' / 'CHỦ TỊCH' (also as read on a seal: 'PHÓ ỦTỊCH', 'CHU TICH') → the title; not the
    'KT. CHỦ TỊCH' line above a deputy's title."""
    sk = re.sub(r"[^a-z]", "", fold(line.text))
    if not 4 <= len(sk) <= 12 or sk.startswith("kt"):
        return None
    pho, chu = edit_distance(sk, "phochutich"), edit_distance(sk, "chutich")
    if sk.endswith("tich") and sk != "tich" or min(pho, chu) <= 1:
        return "Phó Chủ tịch" if sk.startswith("pho") or pho < chu else "Chủ tịch"
    return None


def _name_line(line) -> str | None:
    text = normalize(line.text).strip()
    text = re.sub(r"^[^\w]+|[^\w]+$", "", text)
    if _NAME_LINE.match(text) and not text.isupper() and all(is_syllable(w) for w in text.split()):
        return title_case_name(name_marks(text, line.confidence(0, len(line.text)))[0])
    return None


_COLUMN_GAP = 3.0  # a gap between words this many times their height parts two blocks side by side
_LAST_BLOCKS = 16  # the signature block is among the page's last blocks


def _apart(line: Line) -> list[Line]:
    """``line`` cut where blocks printed side by side meet (the spouses' signatures left, the official's right:
    "(Ký, ghi rõ họ tên)   CHỦ TỊCH" read as one line); whole when its words have no boxes (plain text)."""
    words = line.words
    height = median(w.height for w in words)
    if not height:
        return [line]
    cuts = [i for i in range(1, len(words))
            if words[i].left - (words[i - 1].left + words[i - 1].width) > _COLUMN_GAP * height]
    return [Line.of(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]


def _under(block: Line, title: Line) -> bool:
    """``block`` shares columns with ``title`` (always, without boxes)."""
    a, b = block.words, title.words
    if not a[0].width or not b[0].width:
        return True
    return a[0].left < b[-1].left + b[-1].width and b[0].left < a[-1].left + a[-1].width


def _signer(lines, fields: dict[str, str], conf: dict[str, float]) -> None:
    """The official's title ("PHÓ CHỦ TỊCH") and, below it in the signature block, the name. When the title
    is lost (a seal over it), a name-shaped last line of the page is taken for the signer, with less
    confidence: the signature block ends every form. Blocks read side by side on one line are looked at
    apart, and the name is looked for under the title."""
    lines = [block for line in lines[-_LAST_BLOCKS:] for block in _apart(line)]  # (each line one block or more)
    start = max(0, len(lines) - _LAST_BLOCKS)
    for i in range(len(lines) - 1, start - 1, -1):
        title = _title(lines[i])
        if not title:
            continue
        line = lines[i]
        fields["signer_title"] = title
        conf["signer_title"] = line.confidence(0, len(line.text))
        for below in [b for b in lines[i + 1:] if _under(b, line)][:3]:
            if name := _name_line(below):
                fields["signer_name"] = name
                conf["signer_name"] = below.confidence(0, len(below.text))
                return
        break
    for line in lines[-1:-3:-1]:
        if name := _name_line(line):
            fields["signer_name"] = name
            conf["signer_name"] = 0.7 * line.confidence(0, len(line.text))
            return


def cross_check(fields: dict[str, str], conf: dict[str, float]) -> None:
    """Confidence from agreement between fields: the personal ID against birth date and gender, the date of
    birth in numbers against the one in words (see the module docstring)."""
    if "personal_id" in fields:
        problems = check_personal_id(fields["personal_id"], birth_date=fields.get("date_of_birth"),
                                     gender=fields.get("gender"))
        conf["personal_id"] *= max(0.2, 0.5 ** len(problems))
    dob, words = fields.get("date_of_birth"), fields.get("date_of_birth_in_words")
    if dob and words and re.fullmatch(r"\d{4}-\d\d-\d\d", dob):
        spelled = parse_date(words)
        if spelled == dob:
            both = 1 - (1 - conf["date_of_birth"]) * (1 - conf["date_of_birth_in_words"])
            conf["date_of_birth"] = conf["date_of_birth_in_words"] = both
        elif spelled:
            conf["date_of_birth"] *= 0.5
            conf["date_of_birth_in_words"] *= 0.5

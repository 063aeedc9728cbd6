"""``extract``: fields of one record from a page's OCR, each with a confidence in 0..1.

Confidence of a field (one formula for all):

    conf = ocr × label × check

* ``ocr``   — length-weighted mean Tesseract confidence of the words the value was read from;
* ``label`` — 1 − 0.05 × (edit distance of the fuzzy label match), so a value behind a garbled label counts less;
* ``check`` — 1 when the value passes its validation; otherwise a penalty: 0.4 for a date/year/gender that does
  not parse, 0.5 per problem of a personal ID (domain.ids, floor 0.2), 0.8 for a one-word name.

Two independent readings that agree raise confidence: when the date of birth in numbers and in words parse to
the same day, both become 1 − (1 − c₁)(1 − c₂); when they disagree both are halved.
Digits are never corrected: an ID that reads "0O1…" is kept as read and flagged by its lower confidence.
"""
from __future__ import annotations

import re

from domain.dates import parse_date, parse_year
from domain.ids import check_personal_id
from domain.records import DATE_FIELDS, NAME_FIELDS, ExtractedRecord, RecordType
from domain.text import fold, normalize, title_case_name
from ocr.anchors import Raw, read_fields
from ocr.calibrate import calibrated
from ocr.forms import FORMS
from ocr.land import land_fields
from ocr.lines import page_lines
from ocr.page import PageOcr
from ocr.validate import validate

LIST_SEPARATOR = "; "  # several values of one field (land co-owners), in page order
_YEAR_FIELDS = frozenset({"mother_birth_year", "father_birth_year"})
_DEATH_TIME = re.compile(r"(\d{1,2})\s*(?:giờ|gio|h)\s*(?:(\d{1,2})\s*(?:phút|phut)?)?", re.IGNORECASE)


def _first(raws: dict[str, list[Raw]], field: str) -> Raw | None:
    values = raws.get(field)
    return values[0] if values else None


def _clean(field: str, raw: Raw) -> tuple[str, float]:
    """Canonical value and its ``check`` factor (see module docstring)."""
    text = normalize(raw.text)
    if field in NAME_FIELDS:
        name = normalize(re.sub(r"[^\w\s-]|\d|_", " ", text))
        return title_case_name(name), (1.0 if len(name.split()) >= 2 else 0.8)
    if field in DATE_FIELDS:
        iso = parse_date(text)
        return (iso, 1.0) if iso else (text, 0.4)
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
    if field == "personal_id":
        m = re.match(r"[^\s,;]+(?:[ .]\d+)*", text)
        return re.sub(r"[\s.]", "", m.group(0) if m else text), 1.0
    return text, 1.0


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
            value, check = _clean(field, raw)
            if value:
                fields[field] = value
                conf[field] = raw.conf * (1 - 0.05 * raw.label_distance) * check
        _cross_check(fields, conf)
        _signer(lines, fields, conf)
    validate(fields, conf)
    if not raw:
        conf = {k: calibrated(k, v) for k, v in conf.items()}
    return ExtractedRecord(type=record_type, fields=fields, confidence={k: round(max(0.0, min(1.0, v)), 3)
                                                                      for k, v in conf.items()},
                           text=page.text)


_TITLE_LINE = re.compile(r"^(?:kt\.?\s*)?(pho\s*)?chu\s*tich$")
_NAME_LINE = re.compile(r"^(?:[A-ZĐÀ-Ỹ][^\W\d_]*\s+){1,4}[A-ZĐÀ-Ỹ][^\W\d_]*$")


def _signer(lines, fields: dict[str, str], conf: dict[str, float]) -> None:
    """The official's title ("PHÓ CHỦ TỊCH") and, below it in the signature block, the name."""
    for i in range(len(lines) - 1, -1, -1):
        folded = fold(lines[i].text).strip(" .:-_,;")
        m = _TITLE_LINE.match(folded)
        if not m or folded.startswith("kt"):
            continue
        line = lines[i]
        fields["signer_title"] = "Phó Chủ tịch" if m.group(1) else "Chủ tịch"
        conf["signer_title"] = line.confidence(0, len(line.text))
        for below in lines[i + 1:i + 4]:
            text = normalize(below.text).strip(" .-_")
            if _NAME_LINE.match(text) and not text.isupper():
                fields["signer_name"] = title_case_name(text)
                conf["signer_name"] = below.confidence(0, len(below.text))
                break
        return


def _cross_check(fields: dict[str, str], conf: dict[str, float]) -> None:
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


def extract_records(page: PageOcr, record_type: RecordType | str, *, raw: bool = False) -> list[ExtractedRecord]:
    """Every record on a page: one for a form, extract or certificate (one per entry for a register page is
    not built yet: see docs/accuracy.md)."""
    return [extract(page, RecordType(record_type), raw=raw)]

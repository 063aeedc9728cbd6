"""Land-use certificates: co-owners as a list, area as a plain number, serial from anywhere on the page.
Confidence follows the formula in ocr/extract.py."""
from __future__ import annotations

import re

from domain.dates import parse_date
from domain.text import fold, normalize, title_case_name
from ocr.anchors import Raw
from ocr.correct.names import name_marks
from ocr.correct.split import split_merged
from ocr.labels import find_label
from ocr.lines import Line
from ocr.tidy import UNIT_WORDS, place
from ocr.vocab import LAND_ORIGINS, LAND_PURPOSES, USAGE_FORMS, closest

SEP = "; "
_OWNER = re.compile(r"\b(?:Ông|Bà|ông|bà|ONG|BA|ÔNG|BÀ)\b\s*:?\s*([^\W\d_][^,;:()\d]*)")
_STOP = re.compile(r"\s*(?:\b(?:và|sinh năm|năm ?sinh|CMND|CCCD)\b.*)$", re.IGNORECASE)
_SERIAL = re.compile(r"(?<![\w])([A-ZĐ]{2})\s?(\d{8}|\d{6})(?!\d)")
_NUMBER = re.compile(r"\d[\d.,\s]*\d|\d")
# How an issuing body's name opens, found as labels are (its letters may be misread: "Ủ BAN NHÂN DÂN").
_AUTHORITIES = ("Ủy ban nhân dân", "Sở Tài nguyên", "Sở Nông nghiệp", "Văn phòng đăng ký")


def area_number(text: str) -> str | None:
    """'1.234,5 m²' → '1234.5'; '120,5' → '120.5' (Vietnamese: comma decimal, dot thousands)."""
    m = _NUMBER.search(text)
    if not m:
        return None
    s = re.sub(r"\s", "", m.group(0))
    if "," in s and "." in s:
        dec = max(s.rfind(","), s.rfind("."))
        s = re.sub(r"[.,]", "", s[:dec]) + "." + s[dec + 1 :]
    elif "," in s:
        s = s.replace(",", ".") if s.count(",") == 1 else s.replace(",", "")
    elif "." in s and (s.count(".") > 1 or re.search(r"\.\d{3}$", s)):
        s = s.replace(".", "")
    if "." in s:  # a plain number: "4944.0" is 4944, "120.50" is 120.5
        s = s.rstrip("0").rstrip(".")
    return s


_WORDED = {"usage_form": USAGE_FORMS, "land_use_purpose": LAND_PURPOSES, "land_use_origin": LAND_ORIGINS}


def owner_name(text: str, conf: float) -> str | None:
    """An owner's name as read after "Ông"/"Bà": specks and stops out, words run together cut apart, cut at a
    misread "Năm sinh" ("Nămsinh", "Năm Simh"), the family name's marks restored; None without two words."""
    words = [w for w in re.sub(r"[^\w\s-]|\d|_", " ", normalize(text)).split() if w.strip("-")]
    words = [part for w in words for part in (split_merged(w) or [w])]
    for i in range(1, len(words)):
        if words[i].isupper() and words[0].isupper():
            continue  # part of the uppercase name ("TRẦN NAM SINH"); the label is printed in mixed case
        if (m := find_label(" ".join(words[i:i + 2]), "Năm sinh")) and m.start < len(words[i]):
            words = words[:i]
            break
    if len(words) < 2:
        return None
    return title_case_name(name_marks(" ".join(words), conf)[0])


def _owner_lines(lines: list[Line], raws: dict[str, list[Raw]]) -> list[Line]:
    first = raws.get("owner_names")
    start = first[0].line if first else 0
    end = raws["parcel_number"][0].line if raws.get("parcel_number") else len(lines)
    return lines[start:end] if end > start else lines[start:]


def land_fields(lines: list[Line], raws: dict[str, list[Raw]]) -> tuple[dict[str, str], dict[str, float]]:
    fields: dict[str, str] = {}
    conf: dict[str, float] = {}

    def put(field: str, value: str | None, c: float) -> None:
        if value:
            fields[field], conf[field] = value, c

    names, name_conf = [], []
    for line in _owner_lines(lines, raws):
        for m in _OWNER.finditer(line.text):
            name = _STOP.sub("", m.group(1)).strip(" .-")
            c = line.confidence(m.start(1), m.start(1) + len(name))
            if name := owner_name(name, c):
                names.append(name)
                name_conf.append(c)
    put("owner_names", SEP.join(names), min(name_conf, default=0.0))
    for field, pattern in (("owner_birth_years", r"\d{4}"), ("owner_ids", r"\d[\d ]{7,}\d")):
        values = [(m.group(0).replace(" ", ""), r.conf) for r in raws.get(field, [])
                  if (m := re.search(pattern, r.text))]
        put(field, SEP.join(v for v, _ in values), min((c for _, c in values), default=0.0))
    for field in ("owner_address", "parcel_address", "usage_form", "land_use_purpose", "land_use_origin",
                  "registry_number"):
        if raw := (raws.get(field) or [None])[0]:
            text, check = normalize(raw.text), 1.0
            if field.endswith("address"):
                text = place(text)
            elif field in _WORDED:  # the regulations' words: a near reading is that phrase; others are doubtful
                known = closest(text, _WORDED[field])
                text, check = (known[0], 1.0 if not known[1] else 0.9) if known else (text, 0.7)
            put(field, text, raw.conf * (1 - 0.05 * raw.label_distance) * check)
    for field in ("parcel_number", "map_sheet_number"):  # a number; "468 b)" is the next item's letter
        # A heading read as the label ("II. Thửa đất, nhà ở…") gives a value without a digit: not this one.
        found = [r for r in raws.get(field, []) if any(ch.isdigit() for ch in r.text)]
        if raw := (found or [None])[0]:
            m = re.match(r"\s*(\d+)", raw.text)
            value = m.group(1) if m else normalize(raw.text).split(" ")[0]
            put(field, value, raw.conf * (1 - 0.05 * raw.label_distance) * (1.0 if m else 0.4))
    if raw := (raws.get("area_m2") or [None])[0]:
        number = area_number(raw.text)
        put("area_m2", number or normalize(raw.text), raw.conf * (1.0 if number else 0.4))
    if raw := (raws.get("land_use_term") or [None])[0]:
        term = parse_date(raw.text) or normalize(raw.text)
        if re.sub(r"[^a-z]", "", fold(term)) == "laudai":  # "Lâudài", "Lâu đài": the one worded term
            term = "Lâu dài"
        put("land_use_term", term, raw.conf)
    for line in lines:
        if m := _SERIAL.search(line.text):
            put("certificate_serial", f"{m.group(1)} {m.group(2)}", line.confidence(m.start(), m.end()))
            break
    _issue(lines, put)
    return fields, conf


def _issue(lines: list[Line], put) -> None:
    """Issue date: the last dated line ('…, ngày 12 tháng 5 năm 2015'); issuer: the last authority line."""
    for line in reversed(lines):
        if re.search(r"\d{1,2}\W*thang\W*\d", fold(line.text)) and (iso := parse_date(line.text)):  # "tháng. 02"
            put("issue_date", iso, line.confidence(0, len(line.text)))
            break
    for line in reversed(lines):
        if found := [(m, body) for body in _AUTHORITIES if (m := find_label(line.text, body))]:
            m, body = found[0]
            said = line.text[m.start:m.end]  # a misread opening is written as printed, in the line's case
            head = said if not m.distance else body.upper() if said.isupper() else body
            text = authority_case(normalize(head + line.text[m.end:]))
            put("issuing_authority", text, line.confidence(m.start, len(line.text)) * (1 - 0.05 * m.distance))
            break


_BODIES = {"sở tài nguyên và môi trường": "Sở Tài nguyên và Môi trường",
           "sở nông nghiệp và môi trường": "Sở Nông nghiệp và Môi trường",
           "văn phòng đăng ký đất đai": "Văn phòng đăng ký đất đai"}


def authority_case(text: str) -> str:
    """'ỦY BAN NHÂN DÂN HUYỆN THĂNG BÌNH' → 'Ủy ban nhân dân huyện Thăng Bình': as records.md writes bodies
    (sentence case, unit names capitalised); text already in mixed case is kept."""
    if not text.isupper():
        return text
    low = text.lower()
    for body, written in _BODIES.items():
        if low.startswith(body):
            low = written + low[len(body):]
            break
    else:
        low = low[:1].upper() + low[1:]
    for unit in UNIT_WORDS:
        low = re.sub(rf"(?<=\b{unit} )(\w+(?: \w+)*)",
                     lambda m: " ".join(w[:1].upper() + w[1:] for w in m.group(1).split()), low)
    return low

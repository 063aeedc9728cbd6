"""Checks while typing, and the value a typed field is stored as.

``clean`` turns what a keyer typed into the stored value (dates in figures or in words → ISO, "Nam"/"Nữ" →
male/female, ID numbers → digits) or refuses it with a Vietnamese message; ``warnings`` are what the station
shows beside a field without refusing it (an ID that contradicts the birth date, registration before birth, a
place that names no unit of either era): the book may really say so, and the keyer keys what the book says.
"""
from __future__ import annotations

import re
from datetime import date

from domain.dates import parse_date
from domain.gazetteer import check_place
from domain.personal_id import check_personal_id, digits_only
from domain.records import DATE_FIELDS, ID_FIELDS, NAME_FIELDS, PLACE_FIELDS
from domain.text import normalize

_YEAR = re.compile(r"1[6-9]\d\d|20\d\d")
_GENDERS = {"male": "male", "nam": "male", "female": "female", "nữ": "female", "nu": "female"}
YEAR_FIELDS = frozenset({"mother_birth_year", "father_birth_year"})
# Typed as figures: no Telex/VNI, no name or place completion.
FIGURE_FIELDS = DATE_FIELDS | YEAR_FIELDS | {"personal_id", "registration_number", "page_number", "time_of_death"}


def comparable(name: str, value: object) -> str:
    """What two keyings of a field are compared as: NFC with whitespace collapsed (``normalize``), and names
    case-insensitively (registers write them in capitals, people in title case: the same name)."""
    text = normalize(str(value or ""))
    return text.casefold() if name in NAME_FIELDS else text


def same_value(name: str, a: object, b: object) -> bool:
    return comparable(name, a) == comparable(name, b)


def _iso(value: str) -> str | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def clean(name: str, raw: str) -> tuple[str, str | None]:
    """(stored value, None) or (typed value, why it is refused). An empty value is no value."""
    value = normalize(raw or "")
    if not value:
        return "", None
    if name in DATE_FIELDS:
        if _YEAR.fullmatch(value):
            return value, None
        iso = _iso(value) or parse_date(value)
        return (iso, None) if iso else (value, "Ngày không hợp lệ: gõ ngày/tháng/năm bằng số (15/03/1998 hoặc "
                                                "15031998) hoặc bằng chữ.")
    if name in YEAR_FIELDS:
        return (value, None) if _YEAR.fullmatch(value) else (value, "Năm sinh cần 4 chữ số, ví dụ 1970.")
    if name == "gender":
        gender = _GENDERS.get(value.lower())
        return (gender, None) if gender else (value, "Giới tính phải là Nam hoặc Nữ.")
    if name == "personal_id":
        pid = digits_only(value)
        return (pid, None) if pid else (value, "Số định danh chỉ gồm chữ số.")
    if name in ID_FIELDS:
        return value, None
    return value, None


def clean_all(values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(stored values, errors by field)."""
    out, errors = {}, {}
    for name, raw in values.items():
        value, error = clean(name, raw)
        if error:
            errors[name] = error
        elif value:
            out[name] = value
    return out, errors


def warnings(values: dict[str, str]) -> dict[str, str]:
    """Doubts about cleaned values, by field: shown while typing, never refusing the entry."""
    out: dict[str, str] = {}
    born, registered = values.get("date_of_birth"), values.get("registration_date")
    if values.get("personal_id"):
        problems = check_personal_id(values["personal_id"], birth_date=born, gender=values.get("gender"))
        if problems:
            out["personal_id"] = "; ".join(problems)
    if born and registered and len(born) == len(registered) == 10 and registered < born:
        out["registration_date"] = "Ngày đăng ký trước ngày sinh."
    died = values.get("date_of_death")
    if born and died and len(born) == len(died) == 10 and died < born:
        out["date_of_death"] = "Ngày chết trước ngày sinh."
    for name in PLACE_FIELDS & values.keys():
        if "," in values[name] and not check_place(values[name]).known:
            out[name] = "Không thấy đơn vị hành chính này trong danh mục (trước hoặc sau 7/2025); kiểm tra lại."
    return out

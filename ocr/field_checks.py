"""Field checks beyond a single value: dates plausible and in order, IDs against birth date and gender, places
against the gazetteer of both eras, names spelled as Vietnamese syllables. Each check multiplies the field's
confidence by a factor (1 = passes); ``ocr.calibrate`` then maps the result to a probability of being right.
"""
from __future__ import annotations

import re

from domain.gazetteer import check_place
from domain.records import NAME_FIELDS, PLACE_FIELDS
from ocr.correct.syllables import is_syllable

FIRST_YEAR, LAST_YEAR = 1880, 2035
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_BOOK_YEAR = re.compile(r"\d{1,3}/(\d{4})")
_UNIT = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\b", re.IGNORECASE)
# (earlier, later) pairs that must be in order when both were read
_ORDER = (
    ("date_of_birth", "registration_date"),
    ("date_of_birth", "date_of_death"),
    ("date_of_death", "registration_date"),
    ("wife_date_of_birth", "registration_date"),
    ("husband_date_of_birth", "registration_date"),
)

# (date of birth, the event's date, the oldest age at it): a person's age when married or dead
_AGES = (
    ("wife_date_of_birth", "registration_date", 100),
    ("husband_date_of_birth", "registration_date", 100),
    ("date_of_birth", "date_of_death", 120),
)
_AGE_WHEN = {"registration_date": "đăng ký", "date_of_death": "chết"}


def check_fields(fields: dict[str, str], conf: dict[str, float]) -> dict[str, str]:
    """Lower the confidence of fields that fail a check, in place; returns the problems found, by field."""
    problems: dict[str, str] = {}

    def fail(field: str, factor: float, why: str) -> None:
        conf[field] *= factor
        problems[field] = why

    for field, value in fields.items():
        if ISO_DATE.fullmatch(value) and not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
            fail(field, 0.3, "năm ngoài khoảng hợp lý")
        if field in NAME_FIELDS:
            for name in value.split("; "):
                bad = [w for w in name.split() if not is_syllable(w)]
                if bad:
                    fail(field, 0.6, f"không phải âm tiết tiếng Việt: {' '.join(bad)}")
                    break
        if field in PLACE_FIELDS and _UNIT.search(value):
            if not check_place(value).known:
                fail(field, 0.6, "địa danh không có trong danh mục hành chính (cả trước và sau 7/2025)")
    for early, late in _ORDER:
        a, b = fields.get(early, ""), fields.get(late, "")
        if ISO_DATE.fullmatch(a) and ISO_DATE.fullmatch(b) and a > b:
            fail(early, 0.5, f"sau {late}")
            fail(late, 0.5, f"trước {early}")
    for field, at, oldest in _AGES:
        born, then = fields.get(field, ""), fields.get(at, "")
        if ISO_DATE.fullmatch(born) and ISO_DATE.fullmatch(then) and not 0 <= int(then[:4]) - int(born[:4]) <= oldest:
            fail(field, 0.5, f"tuổi khi {_AGE_WHEN[at]} không hợp lý")
    # Registers are opened a year at a time ("Quyển số: 03/2020"): an entry is registered in its book's year.
    book, registered = fields.get("book_number", ""), fields.get("registration_date", "")
    if (m := _BOOK_YEAR.fullmatch(book)) and ISO_DATE.fullmatch(registered) and registered[:4] != m.group(1):
        fail("registration_date", 0.5, f"năm đăng ký khác năm của quyển sổ ({m.group(1)})")
        fail("book_number", 0.5, f"năm của quyển sổ khác năm đăng ký ({registered[:4]})")
    for field in ("mother_birth_year", "father_birth_year"):
        year, born = fields.get(field, ""), fields.get("date_of_birth", "")
        if year.isdigit() and ISO_DATE.fullmatch(born) and not 12 <= int(born[:4]) - int(year) <= 70:
            fail(field, 0.6, "tuổi cha/mẹ khi sinh con không hợp lý")
    return problems

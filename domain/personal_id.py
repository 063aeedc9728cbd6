"""Checks on the 12-digit personal identification number (số định danh cá nhân / CCCD).

Layout (Circular 07/2016/TT-BCA, Decree 137/2015): 3 digits province of birth registration, 1 digit century
and sex (0/1 = 1900s male/female, 2/3 = 2000s male/female), 2 digits year of birth, 6 random digits.
The checks return problems (Vietnamese, for reviewers); an empty list means the number is consistent with
what we know. Nothing here ever changes the digits.
"""
from __future__ import annotations

import re

# Province codes of the 63 pre-2025 provinces (the ones printed in numbers issued so far).
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{c:03d}"
    for c in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38,
        40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80,
        82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)
_CENTURY_SEX = {"0": (1900, "male"), "1": (1900, "female"), "2": (2000, "male"), "3": (2000, "female")}


def digits_only(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def check_personal_id(value: str, *, birth_date: str | None = None, gender: str | None = None) -> list[str]:
    """Problems with ``value`` as a personal ID, given the ISO birth date (or year) and gender if known."""
    pid = re.sub(r"[\s.]", "", value or "")
    if not re.fullmatch(r"\d{12}", pid):
        return [f"Số định danh phải có 12 chữ số (đọc được {len(digits_only(pid))})"]
    problems: list[str] = []
    if pid[:3] not in PROVINCE_CODES:
        problems.append(f"Mã tỉnh {pid[:3]} không hợp lệ")
    century_sex = _CENTURY_SEX.get(pid[3])
    if century_sex is None:
        problems.append(f"Chữ số thế kỷ/giới tính {pid[3]} không hợp lệ")
        return problems
    century, sex = century_sex
    if gender in ("male", "female") and gender != sex:
        problems.append("Giới tính không khớp với số định danh")
    year_m = re.match(r"(\d{4})", birth_date or "")
    if year_m:
        year = int(year_m.group(1))
        if year // 100 * 100 != century:
            problems.append("Thế kỷ sinh không khớp với số định danh")
        if f"{year % 100:02d}" != pid[4:6]:
            problems.append("Năm sinh không khớp với số định danh")
    return problems


# The fields that carry a person's identity-document number (CCCD / CMND / personal ID).
PERSON_ID_FIELDS = ("personal_id", "wife_id_document", "husband_id_document", "owner_ids")


def masked(value: object) -> object:
    """An identity number as a list of results shows it: all but the last three digits hidden, so an officer can
    tell two people apart without the list leaking whole numbers (the record page, whose opening is audited
    with its purpose, shows them in full)."""
    if isinstance(value, list):
        return [masked(v) for v in value]
    if not isinstance(value, str):
        return value
    return re.sub(r"\d{4,}", lambda m: "•" * (len(m.group()) - 3) + m.group()[-3:], value)


def with_ids_masked(fields: dict) -> dict:
    return {k: masked(v) if k in PERSON_ID_FIELDS else v for k, v in fields.items()}

"""Synthetic records of the four types, every canonical field filled and mutually consistent.

``generate_records`` is the fast path (no rendering) used to fill indexes for benchmarks: all pools (names,
administrative units, streets) are built once, and each record costs a few dozen ``random`` calls.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from domain.records import RecordType
from samples.numerals import date_in_words
from samples.people import NamePool
from samples.places import REFORM_DATE, Places, Unit, lower_type

RECORD_TYPES: tuple[str, ...] = tuple(t.value for t in RecordType)
# Share of each type when a book or a batch is "mixed".
MIX_WEIGHTS = {"birth": 0.4, "marriage": 0.2, "death": 0.2, "land": 0.2}

_FIRST = date(1990, 1, 1).toordinal()
_PRE_LAST = (REFORM_DATE - timedelta(days=1)).toordinal()
_REFORM = REFORM_DATE.toordinal()
_LAST = date(2026, 6, 30).toordinal()  # fixed, so records never depend on today's date
POST_REFORM_SHARE = 0.15
CCCD_FROM = date(2016, 1, 1)  # 12-digit citizen identity cards replace 9-digit CMND
CAN_CUOC_FROM = date(2024, 7, 1)  # Law on Identification 2023: "Căn cước"
NEW_SERIAL_FROM = date(2024, 8, 1)  # Circular 10/2024/TT-BTNMT: 8-digit certificate serials

CAUSES = (
    "Bệnh già",
    "Bệnh già",
    "Suy tim",
    "Đột quỵ",
    "Nhồi máu cơ tim",
    "Ung thư phổi",
    "Ung thư gan",
    "Tai biến mạch máu não",
    "Suy hô hấp",
    "Tai nạn giao thông",
    "Xơ gan",
    "Viêm phổi",
    "Suy thận mạn",
    "Đái tháo đường",
    "Bệnh phổi tắc nghẽn mãn tính",
)
SERIAL_LETTERS = (
    "AA",
    "AB",
    "AĐ",
    "AE",
    "AG",
    "AH",
    "AK",
    "AL",
    "AM",
    "AN",
    "BA",
    "BB",
    "BC",
    "BD",
    "BĐ",
    "BE",
    "BG",
    "BH",
    "BK",
    "BL",
    "BM",
    "BN",
    "BO",
    "BP",
    "BR",
    "BS",
    "BT",
    "BU",
    "BV",
    "BX",
    "BY",
    "CA",
    "CB",
    "CC",
    "CD",
    "CĐ",
    "CE",
    "CG",
    "CH",
    "CK",
    "CL",
    "CM",
    "CN",
    "CO",
    "CP",
    "CR",
    "CS",
    "CT",
    "CU",
    "CV",
    "CX",
    "CY",
    "DA",
    "DB",
)
ORIGIN_RESIDENTIAL = (
    "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhận thừa kế đất được công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhận tặng cho đất được Nhà nước giao đất có thu tiền sử dụng đất",
)
ORIGIN_FARM = (
    "Nhà nước giao đất không thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được Nhà nước giao đất không thu tiền sử dụng đất",
)
FARM_PURPOSES = ("Đất trồng lúa", "Đất trồng cây lâu năm", "Đất trồng cây hằng năm khác", "Đất nuôi trồng thủy sản")


@dataclass(slots=True)
class Record:
    """One synthetic record: canonical ``fields`` plus what rendering needs but the catalogue does not hold."""

    record_id: str
    type: str
    fields: dict[str, Any]
    unit: Unit  # the registering/issuing ward
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "type": self.type, **self.fields}


def dmy(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _years_before(d: date, years: int, rng: random.Random) -> date:
    """A date roughly ``years`` years before ``d`` (give or take the days of one year)."""
    return date.fromordinal(d.toordinal() - years * 365 - (years >> 2) - rng.randint(0, 364))


@lru_cache(maxsize=8)
def _pools(names_dir: Path | None) -> tuple[NamePool, Places]:
    return NamePool(names_dir), Places()


def default_names_dir() -> Path | None:
    """``<repo>/../shared/data/names`` when it exists (the workplace and CI), else None (built-in pools)."""
    path = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "names"
    return path if path.is_dir() else None


def names_dir_of(data_dir: Path | None) -> Path | None:
    if data_dir is None:
        return default_names_dir()
    path = Path(data_dir) / "names"
    return path if path.is_dir() else None


class RecordFactory:
    """Builds records from one ``random.Random``; same seed and names directory → same records."""

    def __init__(self, seed: int = 0, data_dir: Path | None = None) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.names, self.places = _pools(names_dir_of(data_dir))
        self._count = 0

    # ---- shared pieces -------------------------------------------------------------------------------
    def _reg_date(self) -> date:
        rng = self.rng
        if rng.random() < POST_REFORM_SHARE:
            return date.fromordinal(rng.randint(_REFORM, _LAST))
        return date.fromordinal(rng.randint(_FIRST, _PRE_LAST))

    def _personal_id(self, province_code: str, born: date, male: bool) -> str:
        century = 0 if born.year < 2000 else 2
        return f"0{province_code}{century + (0 if male else 1)}{born.year % 100:02d}{self.rng.randrange(10**6):06d}"

    def _id_province(self, born: date, unit: Unit | None) -> str:
        """Province code an identity number carries: numbers were issued with pre-reform codes."""
        if unit is not None and (born >= REFORM_DATE or unit.district is not None or self.rng.random() < 0.7):
            return unit.province_code  # every post-reform code is also a pre-reform one
        return self.places.unit(self.rng, False).province_code

    def _id_document(self, on: date, born: date, male: bool, unit: Unit | None) -> tuple[str, str]:
        """(kind as written, number) of the identity paper valid on ``on``."""
        if on < CCCD_FROM:
            return "Chứng minh nhân dân", f"{self.rng.randrange(10**8, 4 * 10**8):09d}"
        number = self._personal_id(self._id_province(born, unit), born, male)
        return ("Căn cước" if on >= CAN_CUOC_FROM else "Căn cước công dân"), number

    def _signer(self) -> tuple[str, str]:
        rng = self.rng
        year = rng.randint(1960, 1985)
        name = self.names.full_name(rng, male=rng.random() < 0.7, birth_year=year)
        return name, ("Chủ tịch" if rng.random() < 0.4 else "Phó Chủ tịch")

    def _registration(self, reg: date, unit: Unit, per_year: int = 300) -> dict[str, str]:
        rng = self.rng
        signer, title = self._signer()
        return {
            "registration_number": str(rng.randint(1, per_year)),
            "book_number": f"{rng.randint(1, 2):02d}/{reg.year}",
            "page_number": str(rng.randint(1, 200)),
            "registration_date": reg.isoformat(),
            "registration_authority": f"Ủy ban nhân dân {unit.written()}",
            "signer_name": signer,
            "signer_title": title,
        }

    def _health_facility(self, unit: Unit) -> str:
        r = self.rng.random()
        if r < 0.55:
            return f"Bệnh viện Đa khoa {lower_type(unit.province)}"
        if r < 0.75 and unit.district:
            return f"Trung tâm Y tế {lower_type(unit.district)}"
        return f"Trạm Y tế {lower_type(unit.ward)}"

    def _next_id(self, kind: str) -> str:
        self._count += 1
        return f"s{self.seed}-{kind[0]}{self._count:07d}"

    # ---- the four types ------------------------------------------------------------------------------
    def birth(self) -> Record:
        rng, names, places = self.rng, self.names, self.places
        reg = self._reg_date()
        post = reg >= REFORM_DATE
        if rng.random() < 0.9:
            born = reg - timedelta(days=rng.randint(1, 60))
        else:  # late registration
            born = date.fromordinal(reg.toordinal() - rng.randint(61, 15 * 365))
        unit = places.unit(rng, post)
        male = rng.random() < 0.51
        mother_year = born.year - rng.randint(18, 40)
        father_year = mother_year - rng.randint(-2, 9)
        family = names.family_name(rng)
        father = names.full_name(rng, True, family, father_year).upper()
        mother = names.full_name(rng, False, None, mother_year).upper()
        child_family = family if rng.random() < 0.95 else mother.split(" ", 1)[0].title()
        full_name = names.full_name(rng, male, child_family, born.year).upper()
        father_eth = names.ethnicity(rng, unit.province_code)
        mother_eth = father_eth if rng.random() < 0.9 else names.ethnicity(rng, unit.province_code)
        residence = places.address(rng, unit)
        father_residence = residence if rng.random() < 0.9 else places.address(rng, places.unit(rng, post, unit))
        birth_unit = unit if rng.random() < 0.5 else places.unit(rng, post, unit)
        facility = rng.random()
        if facility < 0.8:
            place_of_birth = f"{self._health_facility(birth_unit)}, {birth_unit.written()}"
        else:
            place_of_birth = birth_unit.written()[0].upper() + birth_unit.written()[1:]
        home_unit = unit if rng.random() < 0.5 else places.unit(rng, post, unit if rng.random() < 0.6 else None)
        hometown = home_unit.written()
        declarant = rng.random()
        if declarant < 0.7:
            declarant_name, relationship = father, "Cha"
        elif declarant < 0.9:
            declarant_name, relationship = mother, "Mẹ"
        else:
            relationship = rng.choice(("Ông nội", "Bà nội", "Bà ngoại"))
            grand_family = family if relationship != "Bà ngoại" else None
            declarant_name = names.full_name(
                rng, relationship == "Ông nội", grand_family if relationship == "Ông nội" else None, 1950
            ).upper()
        fields = self._registration(reg, unit) | {
            "full_name": full_name,
            "date_of_birth": born.isoformat(),
            "date_of_birth_in_words": date_in_words(born),
            "gender": "male" if male else "female",
            "ethnicity": father_eth,
            "nationality": "Việt Nam",
            "place_of_birth": place_of_birth,
            "hometown": hometown[0].upper() + hometown[1:],
            "personal_id": self._personal_id(birth_unit.province_code, born, male),
            "mother_name": mother,
            "mother_birth_year": str(mother_year),
            "mother_ethnicity": mother_eth,
            "mother_nationality": "Việt Nam",
            "mother_residence": residence,
            "father_name": father,
            "father_birth_year": str(father_year),
            "father_ethnicity": father_eth,
            "father_nationality": "Việt Nam",
            "father_residence": father_residence,
            "declarant_name": declarant_name,
            "declarant_relationship": relationship,
        }
        return Record(self._next_id("birth"), "birth", fields, unit)

    def marriage(self) -> Record:
        rng, names, places = self.rng, self.names, self.places
        reg = self._reg_date()
        post = reg >= REFORM_DATE
        unit = places.unit(rng, post)
        wife_born = _years_before(reg, rng.randint(18, 38), rng)
        husband_born = _years_before(reg, max(20, reg.year - wife_born.year + rng.randint(-2, 8)), rng)
        wife = names.full_name(rng, False, None, wife_born.year).upper()
        husband = names.full_name(rng, True, None, husband_born.year).upper()
        wife_unit = unit if rng.random() < 0.6 else places.unit(rng, post, unit)
        husband_unit = unit if wife_unit is not unit or rng.random() < 0.5 else places.unit(rng, post, unit)
        wife_kind, wife_no = self._id_document(reg, wife_born, False, wife_unit)
        husband_kind, husband_no = self._id_document(reg, husband_born, True, husband_unit)
        husband_eth = names.ethnicity(rng, unit.province_code)
        fields = self._registration(reg, unit, per_year=120) | {
            "wife_name": wife,
            "wife_date_of_birth": wife_born.isoformat(),
            "wife_ethnicity": husband_eth if rng.random() < 0.9 else names.ethnicity(rng, unit.province_code),
            "wife_nationality": "Việt Nam",
            "wife_residence": places.address(rng, wife_unit),
            "wife_id_document": f"{wife_kind} số {wife_no}",
            "husband_name": husband,
            "husband_date_of_birth": husband_born.isoformat(),
            "husband_ethnicity": husband_eth,
            "husband_nationality": "Việt Nam",
            "husband_residence": places.address(rng, husband_unit),
            "husband_id_document": f"{husband_kind} số {husband_no}",
        }
        return Record(self._next_id("marriage"), "marriage", fields, unit)

    def death(self) -> Record:
        rng, names, places = self.rng, self.names, self.places
        reg = self._reg_date()
        post = reg >= REFORM_DATE
        unit = places.unit(rng, post)
        died = reg - timedelta(days=rng.randint(0, 14) if rng.random() < 0.9 else rng.randint(15, 700))
        age = min(102, max(0, int(rng.gauss(74, 13))))
        born = _years_before(died, age, rng)
        if born >= died:
            born = died - timedelta(days=rng.randint(1, 300))
        male = rng.random() < 0.52
        family = names.family_name(rng)
        full_name = names.full_name(rng, male, family, born.year).upper()
        at_hospital = rng.random() < 0.45
        if at_hospital:
            where = self._health_facility(unit)
            place_of_death = f"{where}, {unit.written()}" if where.startswith("Trạm") else where
            issuer = where
        else:
            place_of_death = places.address(rng, unit)
            issuer = f"Ủy ban nhân dân {lower_type(unit.ward)}"
        notice_date = died + timedelta(days=rng.randint(0, 3))
        r = rng.random()
        if r < 0.6:
            relationship = "Con"
            declarant = names.full_name(rng, rng.random() < 0.6, family if male else None, born.year + 28)
        elif r < 0.85:
            relationship = "Chồng" if not male else "Vợ"
            declarant = names.full_name(rng, not male, family if not male else None, born.year)
        else:
            relationship = "Cháu"
            declarant = names.full_name(rng, rng.random() < 0.5, None, born.year + 50)
        eth = names.ethnicity(rng, unit.province_code)
        fields = self._registration(reg, unit) | {
            "full_name": full_name,
            "date_of_birth": born.isoformat(),
            "gender": "male" if male else "female",
            "ethnicity": eth,
            "nationality": "Việt Nam",
            "personal_id": self._personal_id(self._id_province(born, unit), born, male),
            "date_of_death": died.isoformat(),
            "time_of_death": f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            "place_of_death": place_of_death,
            "cause_of_death": rng.choice(CAUSES) if age >= 3 else "Viêm phổi",
            "death_notice": f"Giấy báo tử số {rng.randint(1, 999)}/GBT do {issuer} cấp ngày {dmy(notice_date)}",
            "declarant_name": declarant.upper(),
            "declarant_relationship": relationship,
        }
        return Record(self._next_id("death"), "death", fields, unit)

    def land(self) -> Record:
        rng, names, places = self.rng, self.names, self.places
        issued = (
            date.fromordinal(rng.randint(_REFORM, _LAST))
            if rng.random() < POST_REFORM_SHARE
            else date.fromordinal(rng.randint(date(2005, 1, 1).toordinal(), _PRE_LAST))
        )
        post = issued >= REFORM_DATE
        unit = places.unit(rng, post)
        r = rng.random()
        genders = (True, False) if r < 0.6 else ((True,) if r < 0.85 else (False,))
        family = names.family_name(rng)
        owners, years, ids = [], [], []
        for male in genders:
            born = _years_before(issued, rng.randint(25, 70), rng)
            owners.append(names.full_name(rng, male, family if male else None, born.year).upper())
            years.append(str(born.year))
            ids.append(self._id_document(issued, born, male, unit)[1])
        if len(genders) == 2 and abs(int(years[0]) - int(years[1])) > 12:
            years[1] = str(int(years[0]) + rng.randint(-3, 6))
        parcel_address = places.address(rng, unit)
        owner_address = parcel_address if rng.random() < 0.7 else places.address(rng, places.unit(rng, post, unit))
        if not unit.rural:
            purpose, area = "Đất ở tại đô thị", rng.uniform(30, 250)
        elif rng.random() < 0.5:
            purpose, area = "Đất ở tại nông thôn", rng.uniform(80, 600)
        else:
            purpose, area = rng.choice(FARM_PURPOSES), rng.uniform(200, 5000)
        residential = purpose.startswith("Đất ở")
        if issued < date(2015, 1, 1) and unit.district:
            authority, prefix = f"Ủy ban nhân dân {lower_type(unit.district)}", "CH"
        elif issued < date(2025, 3, 1):
            authority, prefix = f"Sở Tài nguyên và Môi trường {lower_type(unit.province)}", "CS"
        else:
            authority, prefix = f"Sở Nông nghiệp và Môi trường {lower_type(unit.province)}", "CS"
        digits = 8 if issued >= NEW_SERIAL_FROM else 6
        term = "Lâu dài" if residential else date(issued.year + 50, issued.month, min(issued.day, 28)).isoformat()
        fields: dict[str, Any] = {
            "certificate_serial": f"{rng.choice(SERIAL_LETTERS)} {rng.randrange(10**digits):0{digits}d}",
            "registry_number": f"{prefix}{rng.randint(1, 99999):05d}",
            "owner_names": owners,
            "owner_birth_years": years,
            "owner_ids": ids,
            "owner_address": owner_address,
            "parcel_number": str(rng.randint(1, 950)),
            "map_sheet_number": str(rng.randint(1, 65)),
            "parcel_address": parcel_address,
            "area_m2": round(area, 1),
            "usage_form": "Sử dụng riêng" if rng.random() < 0.95 else "Sử dụng chung",
            "land_use_purpose": purpose,
            "land_use_term": term,
            "land_use_origin": rng.choice(ORIGIN_RESIDENTIAL if residential else ORIGIN_FARM),
            "issue_date": issued.isoformat(),
            "issuing_authority": authority,
        }
        signer, title = self._signer()
        return Record(
            self._next_id("land"),
            "land",
            fields,
            unit,
            {"signer_name": signer, "signer_title": title, "owner_male": list(genders)},
        )

    def make(self, record_type: str | None = None) -> Record:
        if record_type is None or record_type == "mixed":
            record_type = self.rng.choices(tuple(MIX_WEIGHTS), tuple(MIX_WEIGHTS.values()))[0]
        return getattr(self, RecordType(record_type).value)()


def generate(n: int, seed: int = 0, record_type: str | None = None, data_dir: Path | None = None) -> Iterator[Record]:
    """``n`` full records (fields plus rendering details)."""
    factory = RecordFactory(seed, data_dir)
    for _ in range(n):
        yield factory.make(record_type)


def generate_records(
    n: int, seed: int = 0, record_type: str | None = None, data_dir: Path | None = None
) -> Iterator[dict[str, Any]]:
    """``n`` flat dicts ``{"record_id", "type", <canonical fields>}``; ``record_type`` None or "mixed" mixes types."""
    for record in generate(n, seed, record_type, data_dir):
        yield record.as_dict()

"""Real administrative units of each era, from the ``vietnamadminunits`` package's bundled database (found by
``domain.gazetteer.package_data``, which spares the package's slow import).

Documents dated before 1 July 2025 use the three-level units (ward, district, province; 63 provinces); later
ones the two-level units (ward, province; 34 provinces). The pre-2025 table is the package's "legacy" one,
i.e. units as they stood just before the reform — older mergers are not replayed.
"""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from faker.providers.address.vi_VN import Provider as _FakerAddress

from domain.gazetteer import package_data

REFORM_DATE = date(2025, 7, 1)
STREETS: tuple[str, ...] = tuple(dict.fromkeys(_FakerAddress.streets))
HAMLETS = (
    "Phú Hòa",
    "Tân Lập",
    "Bình An",
    "Long Thạnh",
    "Mỹ Lợi",
    "Hòa Bình",
    "Tân Thành",
    "Phước Lộc",
    "An Phú",
    "Thạnh Mỹ",
    "Vĩnh Hưng",
    "Hưng Lợi",
    "Tân Hiệp",
    "Phú Thuận",
    "Long Hòa",
    "Bình Thạnh",
    "Mỹ Hòa",
    "Tân Phú",
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One ward/commune with its parents, names as the database writes them ("Phường Phúc Xá")."""

    ward: str
    district: str | None
    province: str
    province_code: str  # two digits, the GSO code of the province *in this era*
    ward_type: str  # Phường, Xã, Thị trấn, Đặc khu
    text: str = ""  # written(), computed once when the table is loaded

    @property
    def rural(self) -> bool:
        return self.ward_type == "Xã"

    @property
    def south(self) -> bool:
        return int(self.province_code) >= 70

    def parts(self) -> tuple[str, ...]:
        return tuple(p for p in (self.ward, self.district, self.province) if p)

    def written(self) -> str:
        """As written inside a sentence: "phường Thanh Bình, quận Hải Châu, thành phố Đà Nẵng"."""
        return self.text or ", ".join(lower_type(p) for p in self.parts())


@lru_cache(maxsize=2)
def units(post_reform: bool) -> tuple[Unit, ...]:
    """Every ward of the era, loaded once (about 10,000 pre-reform, 3,321 post-reform).

    Not ``domain.gazetteer.gazetteer()``'s rows: those lack the dataset's ward type (which at times disagrees
    with the name's type word and decides street-style addresses) and its order, so seeded books would change."""
    with closing(sqlite3.connect(f"file:{package_data() / 'dataset.db'}?mode=ro", uri=True)) as conn:
        if post_reform:
            rows = conn.execute(
                "SELECT ward, NULL, province, provinceCode, wardType FROM admin_units "
                "WHERE ward IS NOT NULL ORDER BY wardCode"
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT ward, district, province, provinceCode, wardType FROM admin_units_legacy "
                "WHERE ward IS NOT NULL ORDER BY wardCode"
            ).fetchall()
    return tuple(Unit(*row, ", ".join(lower_type(p) for p in row[:3] if p)) for row in rows)


_TYPES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")


def lower_type(name: str) -> str:
    """ "Thành phố Hà Nội" → "thành phố Hà Nội" (unit types are lower case inside running text)."""
    for t in _TYPES:
        if name.startswith(t + " "):
            return t.lower() + name[len(t) :]
    return name


def _drop_type(name: str) -> str:
    for t in _TYPES:
        if name.startswith(t + " "):
            return name[len(t) + 1 :]
    return name


def short(name: str) -> str:
    return _drop_type(name)


class Places:
    """Samples units and street-level addresses of a given era from the preloaded tables."""

    def __init__(self) -> None:
        self.old = units(False)
        self.new = units(True)
        self._by_province: dict[tuple[bool, str], tuple[Unit, ...]] = {}
        for post, table in ((False, self.old), (True, self.new)):
            groups: dict[str, list[Unit]] = {}
            for u in table:
                groups.setdefault(u.province_code, []).append(u)
            for code, members in groups.items():
                self._by_province[(post, code)] = tuple(members)

    def unit(self, rng: random.Random, post_reform: bool, near: Unit | None = None) -> Unit:
        """A random ward of the era; with ``near``, one of the same province."""
        if near is not None:
            return rng.choice(self._by_province[(post_reform, near.province_code)])
        return rng.choice(self.new if post_reform else self.old)

    @staticmethod
    def street_address(rng: random.Random, unit: Unit) -> str:
        """House, hamlet or residential group within the ward: "Số 45 đường Lê Lợi", "Thôn 3", "Ấp Phú Hòa"."""
        r = rng.random()
        if not unit.rural:
            if r < 0.6:
                kind = "đường" if unit.south else rng.choice(("phố", "đường"))
                return f"Số {rng.randint(1, 320)} {kind} {rng.choice(STREETS)}"
            if r < 0.8:
                return f"Số {rng.randint(1, 80)}/{rng.randint(1, 60)} đường {rng.choice(STREETS)}"
            return f"{'Khu phố' if unit.south else 'Tổ dân phố'} {rng.randint(1, 25)}"
        if unit.south:
            return f"Ấp {rng.choice(HAMLETS)}" if r < 0.5 else f"Ấp {rng.randint(1, 9)}"
        return f"{'Thôn' if r < 0.6 else 'Xóm'} {rng.randint(1, 15)}"

    def address(self, rng: random.Random, unit: Unit) -> str:
        return f"{self.street_address(rng, unit)}, {unit.written()}"

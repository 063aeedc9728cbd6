"""Vietnamese personal names and ethnicities, drawn from pools built once.

The built-in pools (plus Faker's vi_VN lists) work anywhere. When a names directory is given (the workplace's
``shared/data/names``: real given-name lists and a family-name sample), it is mixed in for variety; records stay
deterministic for a given seed *and* names directory.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from faker.providers.person.vi_VN import Provider as _FakerPerson

# Approximate shares of the commonest family names (per cent of the population).
FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 38,
    "Trần": 11,
    "Lê": 9.5,
    "Phạm": 7,
    "Hoàng": 3,
    "Huỳnh": 2.1,
    "Phan": 4.5,
    "Vũ": 2.2,
    "Võ": 1.7,
    "Đặng": 2.1,
    "Bùi": 2,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1,
    "Lý": 0.5,
    "Đinh": 0.6,
    "Trịnh": 0.5,
    "Đào": 0.5,
    "Mai": 0.4,
    "Lương": 0.4,
    "Trương": 0.4,
    "Cao": 0.3,
    "Lâm": 0.3,
    "Tạ": 0.2,
    "Hà": 0.3,
    "Chu": 0.2,
    "Tô": 0.2,
    "Kiều": 0.1,
    "Lại": 0.1,
    "Quách": 0.1,
    "Văn": 0.1,
    "Tăng": 0.1,
    "Phùng": 0.2,
    "Thái": 0.2,
    "Triệu": 0.1,
    "Nông": 0.2,
    "Lưu": 0.2,
    "Châu": 0.1,
}
MIDDLE_MALE = (
    "Văn",
    "Văn",
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quang",
    "Thanh",
    "Công",
    "Quốc",
    "Xuân",
    "Ngọc",
    "Hoàng",
    "Thế",
    "Trọng",
    "Anh",
    "Tuấn",
    "Gia",
    "Duy",
    "Hải",
    "Đình",
    "Bá",
    "Tiến",
    "Mạnh",
    "Trung",
    "Nhật",
    "Thành",
)
MIDDLE_FEMALE = (
    "Thị",
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Minh",
    "Thùy",
    "Phương",
    "Hồng",
    "Kim",
    "Thảo",
    "Khánh",
    "Mai",
    "Bảo",
    "Diệu",
    "Hoài",
    "Hải",
    "Quỳnh",
    "Bích",
    "Lan",
    "Mỹ",
    "Như",
    "Tuyết",
)
GIVEN_MALE = (
    "An",
    "Anh",
    "Bảo",
    "Bình",
    "Cường",
    "Chiến",
    "Công",
    "Dũng",
    "Duy",
    "Dương",
    "Đạt",
    "Đức",
    "Giang",
    "Hải",
    "Hào",
    "Hậu",
    "Hiếu",
    "Hiển",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Hưng",
    "Huy",
    "Khải",
    "Khang",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Linh",
    "Lộc",
    "Long",
    "Luân",
    "Mạnh",
    "Minh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Ninh",
    "Phát",
    "Phong",
    "Phúc",
    "Phước",
    "Quân",
    "Quang",
    "Quý",
    "Sơn",
    "Tài",
    "Tâm",
    "Tân",
    "Thắng",
    "Thành",
    "Thịnh",
    "Thông",
    "Tiến",
    "Toàn",
    "Trí",
    "Trung",
    "Trường",
    "Tú",
    "Tuấn",
    "Tùng",
    "Việt",
    "Vinh",
    "Vũ",
    "Xuân",
    "Định",
    "Hiệp",
    "Lợi",
    "Tường",
    "Sang",
    "Thạch",
    "Khôi",
    "Đông",
    "Thuận",
    "Bắc",
    "Hội",
    "Chính",
)
GIVEN_FEMALE = (
    "An",
    "Anh",
    "Ánh",
    "Bích",
    "Châu",
    "Chi",
    "Diệp",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hân",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huệ",
    "Hương",
    "Hường",
    "Huyền",
    "Khánh",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Ly",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Nhi",
    "Nhàn",
    "Oanh",
    "Phương",
    "Quyên",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Thanh",
    "Thơ",
    "Thu",
    "Thúy",
    "Thủy",
    "Trang",
    "Trâm",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Xuân",
    "Yến",
    "Hoài",
    "Diễm",
    "Lụa",
    "Mến",
    "Nguyệt",
    "Sương",
    "Tươi",
    "Gấm",
    "Hảo",
    "Lệ",
    "Thắm",
)
# Ethnic groups as written on forms, with rough shares (per cent) by region (province codes are shared by the
# pre- and post-2025 tables for these purposes).
ETHNICITIES: dict[str, dict[str, float]] = {
    "north_mountains": {"Kinh": 55, "Tày": 12, "Thái": 10, "Mường": 6, "Nùng": 6, "Mông": 7, "Dao": 4},
    "highlands": {"Kinh": 68, "Gia Rai": 10, "Ê Đê": 9, "Ba Na": 5, "Xơ Đăng": 4, "Cơ Ho": 4},
    "mekong": {"Kinh": 91, "Khmer": 7, "Hoa": 2},
    "other": {"Kinh": 96.5, "Mường": 1, "Thái": 1, "Hoa": 1, "Chăm": 0.5},
}
_REGIONS = {
    **dict.fromkeys(
        ("02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25"), "north_mountains"
    ),
    **dict.fromkeys(("62", "64", "66", "67", "68"), "highlands"),
    **dict.fromkeys(("80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96"), "mekong"),
}


@dataclass(frozen=True, slots=True)
class Given:
    """(middle, given) pairs per gender, sampled uniformly."""

    male: tuple[tuple[str, str], ...]
    female: tuple[tuple[str, str], ...]


class NamePool:
    """Samples full names (family name first) quickly: every choice is an index into a prebuilt tuple."""

    def __init__(self, names_dir: Path | None = None) -> None:
        family = Counter({k: v * 10 for k, v in FAMILY_NAMES.items()})
        for name in _FakerPerson.last_names:
            family[name] += 1
        male = [(m, g) for m in MIDDLE_MALE for g in GIVEN_MALE]
        female = [(m, g) for m in MIDDLE_FEMALE for g in GIVEN_FEMALE]
        if names_dir is not None and names_dir.is_dir():
            male += _read_pairs(names_dir / "duyet_boy.txt")
            female += _read_pairs(names_dir / "duyet_girl.txt")
            family.update(_read_family_counts(names_dir / "duyet_uit_member.json", scale=sum(family.values())))
        self.family = tuple(family)
        self._family_cum = tuple(accumulate(family.values()))
        self.given = Given(tuple(male), tuple(female))
        self._ethnicities = {
            region: (tuple(shares), tuple(accumulate(shares.values()))) for region, shares in ETHNICITIES.items()
        }

    def family_name(self, rng: random.Random) -> str:
        return rng.choices(self.family, cum_weights=self._family_cum)[0]

    def ethnicity(self, rng: random.Random, province_code: str = "") -> str:
        names, cum = self._ethnicities[_REGIONS.get(province_code, "other")]
        return rng.choices(names, cum_weights=cum)[0]

    def full_name(self, rng: random.Random, male: bool, family: str | None = None, birth_year: int = 1990) -> str:
        middle, given = rng.choice(self.given.male if male else self.given.female)
        if not male and birth_year < 1985 and rng.random() < 0.6:
            middle = "Thị"  # older women's names mostly carry Thị
        elif male and birth_year < 1975 and rng.random() < 0.5:
            middle = "Văn"
        return f"{family or self.family_name(rng)} {middle} {given}"


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    """Lines "Middle Given" (e.g. "Minh Khang") → pairs; single-word or long lines are skipped."""
    if not path.is_file():
        return []
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and all(p[:1].isupper() for p in parts):
            pairs.append((parts[0], parts[1]))
    return pairs


# One Vietnamese syllable without tone marks: initial consonant(s), vowel nucleus, final consonant(s).
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnpqrstvx])?[aăâeêioôơuưy]{1,3}(ch|ng|nh|[cmnpt])?$"
)


def is_vietnamese_syllable(word: str) -> bool:
    """Spelling check that keeps "Nguyễn", "Lê" and drops "Student", "Smith" from crawled name lists."""
    return bool(_SYLLABLE.match(_quality_only(unicodedata.normalize("NFC", word.lower()))))


def _quality_only(word: str) -> str:
    """Remove tone marks but keep vowel-quality marks (ắ → ă, ệ → ê)."""
    out = []
    for ch in word:
        decomposed = unicodedata.normalize("NFD", ch)
        kept = "".join(c for c in decomposed if c not in "\u0300\u0301\u0303\u0309\u0323")
        out.append(unicodedata.normalize("NFC", kept))
    return "".join(out)


def _read_family_counts(path: Path, scale: int) -> Counter[str]:
    """Family names of the sample, weighted so the sample adds about a tenth to the built-in shares."""
    if not path.is_file():
        return Counter()
    people = json.loads(path.read_text(encoding="utf-8"))
    counts = Counter(
        p["last_name_group"]
        for p in people
        if p.get("last_name_group", "").istitle() and is_vietnamese_syllable(p["last_name_group"])
    )
    total = sum(counts.values()) or 1
    return Counter({k: max(1, round(v * scale / total / 10)) for k, v in counts.items() if v >= 3})

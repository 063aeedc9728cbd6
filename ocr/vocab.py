"""Closed vocabularies of form values: Vietnam's 54 officially recognised ethnic groups (Danh mục các dân tộc
Việt Nam, Quyết định 121-TCTK/PPCĐ, 1979) with the spellings forms use, and the nationalities civil-status
forms most often carry. A value read as one of these plus specks ("Kinh `", "Kinh tm") is cut back to it."""
from __future__ import annotations

import re
from functools import cache

from domain.text import fold

ETHNIC_GROUPS = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na",
    "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Xtiêng", "Khơ Mú",
    "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co", "Chơ Ro", "Xinh Mun", "Hà Nhì",
    "Chu Ru", "Lào", "La Chí", "Kháng", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô",
    "Mảng", "Cơ Lao", "Bố Y", "Cống", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
    # other spellings in use
    "Khơ Me", "H'Mông", "Ê-đê", "Gia-rai", "Ba-na", "Xtiêng", "X'tiêng", "Bru-Vân Kiều", "Vân Kiều", "M'Nông",
    "Ra-glai", "Giẻ-Triêng", "Khơ-mú", "Sán Chỉ", "Cao Lan",
)
NATIONALITIES = (
    "Việt Nam", "Trung Quốc", "Lào", "Campuchia", "Thái Lan", "Hàn Quốc", "Nhật Bản", "Đài Loan", "Hoa Kỳ",
    "Pháp", "Nga", "Úc", "Anh", "Đức", "Canada", "Singapore", "Malaysia", "Philippines", "Indonesia",
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


@cache
def _index(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in ETHNIC_GROUPS if kind == "ethnicity" else NATIONALITIES:
        out.setdefault(_key(v), v)  # the first spelling listed is the usual one
    return out


def known_value(kind: str, text: str) -> tuple[str, bool] | None:
    """(value, exact) when ``text`` is, or starts with, a known ethnic group / nationality (compared without
    marks, then written as the list writes it; the longest match wins); ``exact`` when ``text`` was already
    exactly that. None when it is not one."""
    if text in (ETHNIC_GROUPS if kind == "ethnicity" else NATIONALITIES):
        return text, True
    index = _index(kind)
    key = _key(text)
    words = key.split()
    for n in range(len(words), 0, -1):
        value = index.get(" ".join(words[:n]))
        if value:
            return value, value == text
    return None

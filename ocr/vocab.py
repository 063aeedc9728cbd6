"""Closed vocabularies of form values: Vietnam's 54 officially recognised ethnic groups (Danh mục các dân tộc
Việt Nam, Quyết định 121-TCTK/PPCĐ, 1979) with the spellings forms use, and the nationalities civil-status
forms most often carry. A value read as one of these plus specks ("Kinh `", "Kinh tm") is cut back to it.

Land-use certificates write the use form, purpose and origin of the land in the words of the regulations (Land
Law 2013/2024 land categories; Circular 23/2014/TT-BTNMT art. 6, Circular 10/2024/TT-BTNMT on how a certificate
is written): ``closest`` finds which of those a noisy reading is, within the label matcher's error budget."""
from __future__ import annotations

import re
from functools import cache

from domain.text import edit_distance, fold
from ocr.labels import label_skeleton, max_errors, skeleton

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


USAGE_FORMS = ("Sử dụng riêng", "Sử dụng chung")
LAND_PURPOSES = (
    "Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng lúa", "Đất chuyên trồng lúa nước",
    "Đất trồng cây hằng năm khác",
    "Đất bằng trồng cây hằng năm khác", "Đất trồng cây lâu năm", "Đất rừng sản xuất", "Đất rừng phòng hộ",
    "Đất rừng đặc dụng", "Đất nuôi trồng thủy sản", "Đất làm muối", "Đất nông nghiệp khác",
    "Đất thương mại, dịch vụ", "Đất cơ sở sản xuất phi nông nghiệp", "Đất xây dựng trụ sở cơ quan",
    "Đất nghĩa trang, nghĩa địa", "Đất sản xuất, kinh doanh phi nông nghiệp",
)
_ORIGIN_BASE = (
    "Nhà nước giao đất có thu tiền sử dụng đất", "Nhà nước giao đất không thu tiền sử dụng đất",
    "Nhà nước cho thuê đất trả tiền một lần", "Nhà nước cho thuê đất trả tiền hằng năm",
    "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như cho thuê đất",
)
LAND_ORIGINS = _ORIGIN_BASE + tuple(
    f"Nhận {how} đất được {base[:1].lower() + base[1:] if base.startswith('Công') else base}"
    for how in ("chuyển nhượng", "thừa kế", "tặng cho", "chuyển đổi") for base in _ORIGIN_BASE)


def closest(text: str, phrases: tuple[str, ...]) -> tuple[str, int] | None:
    """(the phrase ``text`` is, letters-and-digits edit distance) when exactly one phrase is within the error
    budget of the label matcher (about one error in eight letters); None otherwise."""
    sk = skeleton(text).text
    found = []
    for phrase in phrases:
        want = label_skeleton(phrase)
        d = edit_distance(sk, want)
        if d <= max_errors(len(want)):
            found.append((d, phrase))
    found.sort()
    if not found or (len(found) > 1 and found[1][0] == found[0][0]):
        return None
    return found[0][1], found[0][0]


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


@cache
def _compact(kind: str) -> dict[str, str]:
    """``_index`` keyed without spaces; a key two values share is left out."""
    out: dict[str, str | None] = {}
    for key, value in _index(kind).items():
        squeezed = key.replace(" ", "")
        out[squeezed] = value if out.get(squeezed, value) == value else None
    return {k: v for k, v in out.items() if v}


@cache
def _index(kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in ETHNIC_GROUPS if kind == "ethnicity" else NATIONALITIES:
        out.setdefault(_key(v), v)  # the first spelling listed is the usual one
    return out


def known_value(kind: str, text: str) -> tuple[str, bool] | None:
    """(value, exact) when ``text`` is, or starts with, a known ethnic group / nationality (compared without
    marks, then written as the list writes it; the longest match wins; its first word one letter off a name of four
    letters or more, where only one is); ``exact`` when ``text`` was already exactly that. None when it is not
    one."""
    if text in (ETHNIC_GROUPS if kind == "ethnicity" else NATIONALITIES):
        return text, True
    index = _index(kind)
    key = _key(text)
    words = key.split()
    for n in range(len(words), 0, -1):
        value = index.get(" ".join(words[:n]))
        if value:
            return value, value == text
    compact = _compact(kind)  # the space between a name's words lost ("GiaRai", "XơĐăng")
    for n in range(len(words), 0, -1):
        value = compact.get("".join(words[:n]))
        if value:
            return value, False
    # one letter off a name of four letters or more, and no other one letter off ("Kinhh")
    read = {"".join(words), *words[:1]}
    near = {v for k, v in compact.items() if len(k) >= 4 and any(edit_distance(r, k) == 1 for r in read)}
    return (near.pop(), False) if len(near) == 1 else None

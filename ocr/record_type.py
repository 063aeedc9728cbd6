"""Which kind of record a page holds, from its title and labels (compared folded, tolerant of OCR noise)."""
from __future__ import annotations

from domain.records import RecordType
from ocr.labels import find_label, skeleton

# Title phrases decide; label phrases only tip the balance (forms share many labels).
_TITLES: dict[RecordType, tuple[str, ...]] = {
    RecordType.BIRTH: ("khai sinh",),
    RecordType.MARRIAGE: ("kết hôn",),
    RecordType.DEATH: ("khai tử", "báo tử"),
    RecordType.LAND: ("quyền sử dụng đất", "giấy chứng nhận quyền sử dụng đất"),
}
_LABELS: dict[RecordType, tuple[str, ...]] = {
    RecordType.BIRTH: ("Nơi sinh", "Quê quán", "người đi khai sinh", "ghi bằng chữ", "người mẹ", "người cha"),
    RecordType.MARRIAGE: ("vợ", "chồng", "Giấy tờ tùy thân", "đăng ký kết hôn"),
    RecordType.DEATH: ("Chết vào lúc", "Nơi chết", "Nguyên nhân chết", "Giấy báo tử", "người đi khai tử"),
    RecordType.LAND: ("Thửa đất số", "Tờ bản đồ số", "Diện tích", "Mục đích sử dụng", "Thời hạn sử dụng",
                      "Người sử dụng đất", "Nguồn gốc sử dụng"),
}
_TITLE_LINES = 15  # titles sit near the top
_MIN_SCORE = 3.0


def type_scores(text: str) -> dict[RecordType, float]:
    lines = [line for line in text.splitlines() if line.strip()]
    result = dict.fromkeys(RecordType, 0.0)
    for n, line in enumerate(lines):
        sk = skeleton(line)
        for rtype, phrases in _TITLES.items():
            if any(find_label(line, p, sk=sk) for p in phrases):
                result[rtype] += 5.0 if n < _TITLE_LINES else 2.0
        for rtype, phrases in _LABELS.items():
            result[rtype] += sum(1.0 for p in phrases if find_label(line, p, sk=sk))
    return result


def guess_record_type(text: str) -> RecordType | None:
    """The record type whose title and labels the text carries most; None when nothing fits."""
    s = type_scores(text)
    best = max(s, key=lambda t: s[t])
    return best if s[best] >= _MIN_SCORE else None

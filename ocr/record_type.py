"""Which kind of record a page holds, from its title and labels (compared folded, tolerant of OCR noise).

Offices also scan administrative documents — decisions, notices, plans, letters — into the same books and
boxes. Their prose names births, marriages and land ("thủ tục đăng ký khai sinh", "vợ, chồng", "diện tích"),
which the labels below would count; so a page titled as Decree 30/2020 titles them, or closed by the footer
it gives them (``document_kind``), holds no record, whatever words it uses.
"""
from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from domain.records import RecordType
from ocr.labels import Skeleton, find_label, label_skeleton, max_errors, skeleton, whole_words
from ocr.layout import opens_recipients, opens_with

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

# The kinds of administrative document (Decree 30/2020/NĐ-CP, art. 7, and the legal documents offices keep beside
# them), each printed in capitals alone on its line under the header: "QUYẾT ĐỊNH", "THÔNG BÁO". Under the title
# stands the document's subject, opened by "Về việc"; a letter (công văn) has no title, and its subject stands
# under its number, opened by "V/v". Either tells a document whose title a stamp or a copier made unreadable.
DOCUMENT_KINDS = (
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo", "Hướng dẫn",
    "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo", "Biên bản", "Tờ trình", "Hợp đồng",
    "Công điện", "Bản ghi nhớ", "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu", "Giấy nghỉ phép",
    "Phiếu gửi", "Phiếu chuyển", "Phiếu báo", "Thư công", "Nghị định", "Thông tư", "Pháp lệnh", "Luật",
)
LETTER, UNTITLED = "Công văn", ""
LETTER_SUBJECT = re.compile(r"^\W{0,2}V\s?/\s?v\b", re.IGNORECASE)
_SUBJECT = re.compile(r"^\W{0,2}V[ềeê]\s+vi[ệeê]c\b")
_CAPITALS = 0.6  # share of a title line's letters in capitals


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= _CAPITALS * len(letters)


def document_kind(text: str, addressed: bool = False) -> str | None:
    """The administrative document kind the page is titled as ("Quyết định"; ``LETTER`` for a letter's "V/v"
    subject line, ``UNTITLED`` for a subject under a title not read), looked for in its top lines; ``UNTITLED``
    too for a page whose title and subject are both unread (a receipt stamp over a letter's "V/v") but which
    ends as such documents do, a line opening with "Nơi nhận:" (no civil-status or land form prints it); None
    when it carries none of these. ``addressed``: a page addressed ("Kính gửi:") under its header with no title
    or subject read above that line is a letter, whose "V/v" a stamp or a copier took (a titled document
    addressed so, a "TỜ TRÌNH", has its title and "Về việc" above; a declaration form is addressed too, which is
    why classing pages does not ask this)."""
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[:_TITLE_LINES]:
        if LETTER_SUBJECT.match(line):
            return LETTER
        if _SUBJECT.match(line):
            return UNTITLED
        if addressed and opens_address(line.split()):
            return LETTER
        if not _capitals(line):
            continue
        sk = skeleton(line).text
        distance, kind = min((Levenshtein.distance(sk, label_skeleton(k)), k) for k in DOCUMENT_KINDS)
        if distance <= max_errors(len(label_skeleton(kind))):  # the nearest: "THÔNG BÁO" is a letter from "Thông cáo"
            return kind
    return UNTITLED if any(opens_recipients(line.split()) for line in lines) else None


def opens_address(words: list[str]) -> bool:
    """Do these words, a line's first, open with a letter's "Kính gửi" (read with or without its marks)?"""
    return opens_with(words, "kinhgui")


def _words(line: str, phrase: str, sk: Skeleton) -> bool:
    """``phrase`` in ``line`` as whole words: "vợ" is not the start of "với", nor "kết hôn" a near reading of
    "hệ thống", nor "khai tử" of "khai trên"."""
    m = find_label(line, phrase, sk=sk)
    return m is not None and whole_words(line, m)


def type_scores(text: str) -> dict[RecordType, float]:
    lines = [line for line in text.splitlines() if line.strip()]
    result = dict.fromkeys(RecordType, 0.0)
    for n, line in enumerate(lines):
        sk = skeleton(line)
        for rtype, phrases in _TITLES.items():
            if any(_words(line, p, sk) for p in phrases):
                result[rtype] += 5.0 if n < _TITLE_LINES else 2.0
        for rtype, phrases in _LABELS.items():
            result[rtype] += sum(1.0 for p in phrases if _words(line, p, sk))
    return result


def guess_record_type(text: str) -> RecordType | None:
    """The record type whose title and labels the text carries most; None when nothing fits, or when the page
    is an administrative document (``document_kind``)."""
    if document_kind(text) is not None:
        return None
    s = type_scores(text)
    best = max(s, key=lambda t: s[t])
    return best if s[best] >= _MIN_SCORE else None


def _administrative(kind: str) -> str:
    return f"Văn bản hành chính{f' ({kind.lower()})' if kind else ''}"


def no_record_reason(text: str) -> str:
    """Why a page of an automatic batch yielded no record, for the clerk."""
    kind = document_kind(text)
    if kind is None:
        return "Không nhận diện được loại giấy tờ trên trang này"
    return f"{_administrative(kind)}, không phải giấy tờ hộ tịch hay đất đai: không trích xuất hồ sơ từ trang này"


def review_reason(text: str) -> str | None:
    """In a batch given its record type, which is read as the clerk said: why the page's records all go to
    review (it is titled as an administrative document); None when it is not."""
    kind = document_kind(text)
    if kind is None:
        return None
    return (f"{_administrative(kind)} trong quyển đã chọn loại hồ sơ: các hồ sơ trích xuất từ trang này cần kiểm tra; "
            "nếu trang không có hồ sơ nào, đánh dấu trang là «Văn bản khác» ở trang của quyển")

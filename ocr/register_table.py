"""Register pages (*sổ đăng ký*): a ruled table, one entry per row, so one record per row.

The table comes from the rules found before OCR (``PageOcr.rules``): rows are the bands between horizontal
rules, columns the spans between vertical ones, and the header row names each column (matched fuzzily against
the headings registers use). Every word goes to the cell holding its centre. What is printed above the table
(book number, page number, the registering authority) belongs to every entry.

An entry cut off at the bottom of a page — the vertical rules run on below the last horizontal one, with text
in that open band — is marked ``continues``; the first row of a page whose number cell is empty is marked
``continuation``. ``join_entries`` puts the two halves together; the batch does it, as it alone sees both pages.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from statistics import median

from domain.dates import parse_date
from domain.personal_id import digits_only
from domain.records import NAME_FIELDS, PLACE_FIELDS, ExtractedRecord, RecordType
from domain.text import edit_distance, fold, normalize, title_case_name
from ocr.anchors import Raw
from ocr.calibrate import calibrated
from ocr.correct.split import split_text
from ocr.extract import clean_value, cross_check
from ocr.field_checks import ISO_DATE, check_fields
from ocr.labels import label_skeleton, skeleton
from ocr.page import PageOcr
from ocr.tidy import DATE_SHAPE, book_number, holds, lookalike_digits, place
from ocr.words import Word

_COMMON = {
    "registration_number": ("Số", "Số đăng ký", "Số thứ tự", "STT"),
    "registration_date": ("Ngày đăng ký", "Ngày, tháng, năm đăng ký"),
}
_PERSON = {
    "full_name": ("Họ, chữ đệm, tên", "Họ và tên", "Họ tên"),
    "date_of_birth": ("Ngày sinh", "Ngày, tháng, năm sinh"),
    "gender": ("Giới tính",),
    "ethnicity": ("Dân tộc",),
    "nationality": ("Quốc tịch",),
    "personal_id": ("Số định danh cá nhân",),
}


def _spouse(who: str, word: str) -> dict[str, tuple[str, ...]]:
    return {
        f"{who}_name": (f"Họ, chữ đệm, tên {word}", f"Họ và tên {word}", f"Họ tên {word}"),
        f"{who}_date_of_birth": (f"Ngày sinh của {word}", f"Ngày sinh {word}", f"Ngày, tháng, năm sinh của {word}"),
        f"{who}_ethnicity": (f"Dân tộc của {word}",),
        f"{who}_nationality": (f"Quốc tịch của {word}",),
        f"{who}_residence": (f"Nơi cư trú của {word}", f"Nơi cư trú {word}"),
    }


# Column headings of each register, per field (records.md names).
HEADINGS: dict[RecordType, dict[str, tuple[str, ...]]] = {
    RecordType.BIRTH: _COMMON | _PERSON | {
        "full_name": (*_PERSON["full_name"], "Họ tên người được khai sinh"),
        "place_of_birth": ("Nơi sinh",),
        "hometown": ("Quê quán",),
        "mother_name": ("Họ tên mẹ", "Họ tên người mẹ", "Họ, chữ đệm, tên người mẹ"),
        "father_name": ("Họ tên cha", "Họ tên người cha", "Họ, chữ đệm, tên người cha"),
        "declarant_name": ("Người đi khai", "Người đi khai sinh", "Họ tên người đi khai sinh"),
        "declarant_relationship": ("Quan hệ với người được khai sinh", "Quan hệ"),
    },
    RecordType.DEATH: _COMMON | _PERSON | {
        "full_name": (*_PERSON["full_name"], "Họ tên người chết"),
        "date_of_death": ("Ngày chết", "Ngày, tháng, năm chết"),
        "place_of_death": ("Nơi chết",),
        "cause_of_death": ("Nguyên nhân chết",),
        "declarant_name": ("Người đi khai", "Người đi khai tử", "Họ tên người đi khai tử"),
        "declarant_relationship": ("Quan hệ với người chết", "Quan hệ"),
    },
    RecordType.MARRIAGE: _COMMON | _spouse("husband", "chồng") | _spouse("wife", "vợ"),
}
MAX_HEADING_ERROR = 0.25  # edit distance / heading length, on skeletons: what makes a page a register
LOOSE_HEADING_ERROR = 0.45  # the other columns of a page that is one (a blurred "Giới ah" is still Giới tính)
MIN_COLUMNS = 3  # fewer recognised headings: not a register page


@dataclass(slots=True)
class Table:
    columns: list[tuple[int, int, str]]  # (left, right, field) of each recognised column
    bands: list[tuple[int, int]]  # data rows, top to bottom, each (top, bottom)
    open_bottom: bool  # the last band runs to the end of the vertical rules without a closing rule
    top: int  # y of the table's first rule


def _heading_field(text: str, headings: dict[str, tuple[str, ...]],
                   limit: float = MAX_HEADING_ERROR) -> tuple[str, float] | None:
    sk = skeleton(text).text
    if not sk:
        return None
    best: tuple[float, str] | None = None
    for name, labels in headings.items():
        for label in labels:
            ls = label_skeleton(label)
            score = edit_distance(sk, ls) / max(len(ls), len(sk))
            if len(sk) >= 8 and len(sk) < len(ls):  # a heading's wrapped last line lost: compare its start
                score = min(score, edit_distance(sk, ls[:len(sk)]) / len(sk) + 0.05)
            if best is None or score < best[0]:
                best = (score, name)
    return (best[1], best[0]) if best and best[0] <= limit else None


def _in(word: Word, left: float, right: float, top: float, bottom: float) -> bool:
    cx, cy = word.left + word.width / 2, word.top + word.height / 2
    return left <= cx < right and top <= cy < bottom


def cell_words(words: list[Word], left: float, right: float, top: float, bottom: float) -> list[Word]:
    """Words of a cell in reading order, each line left to right. Lines by their words' middles, a new one where
    the next middle down is more than ``pitch`` below the line's median middle: a box made taller by a mark above
    it ("Rơ", 46 pixels on a line of 29) or a descender and a comma below it ("Quang,") sits a few pixels off its
    line's middle, a speck may sit between two lines, and lines lie a line's height apart. (Measured from the
    line's top word, such a box split a line: "Thôn Đăk Rơ Ông, huyện 4, xã Tu…"; from the word before, a speck
    joined two.)"""
    inside = sorted((w for w in words if _in(w, left, right, top, bottom)), key=_middle)
    if not inside:
        return []
    pitch = 0.6 * median(w.height for w in inside)
    lines: list[list[Word]] = []
    for w in inside:
        if lines and _middle(w) - median(map(_middle, lines[-1])) <= pitch:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [w for line in lines for w in sorted(line, key=lambda w: w.left)]


def _middle(w: Word) -> float:
    return w.top + w.height / 2


def find_table(page: PageOcr, record_type: RecordType) -> Table | None:
    """The register table on ``page``, or None when it has none with this type's headings."""
    headings = HEADINGS.get(record_type)
    rules = page.rules
    if not headings or len(rules.columns) < MIN_COLUMNS + 1 or len(rules.rows) < 2:
        return None
    top, bottom = rules.span
    rows = [y for y in rules.rows if top - 10 <= y <= bottom + 10]
    if len(rows) < 2:
        return None
    xs = rules.columns
    texts = [" ".join(w.text for w in cell_words(page.words, xs[i], xs[i + 1], rows[0], rows[1]))
             for i in range(len(xs) - 1)]
    hits = [_heading_field(t, headings, LOOSE_HEADING_ERROR) for t in texts]
    if sum(1 for h in hits if h and h[1] <= MAX_HEADING_ERROR) < MIN_COLUMNS:
        return None
    chosen: dict[str, tuple[float, int]] = {}  # field → (score, column index); the better match keeps a field
    for i, hit in enumerate(hits):
        if hit and (hit[0] not in chosen or hit[1] < chosen[hit[0]][0]):
            chosen[hit[0]] = (hit[1], i)
    bands = list(zip(rows[1:], rows[2:], strict=False))
    if "registration_number" in headings and "registration_number" not in chosen:
        taken = {i for _, i in chosen.values()}
        spare = [i for i in range(len(xs) - 1) if i not in taken]
        if (i := next((i for i in spare if _counts_up(page.words, xs[i], xs[i + 1], bands)), None)) is not None:
            chosen["registration_number"] = (1.0, i)
    columns = sorted((xs[i], xs[i + 1], name) for name, (_, i) in chosen.items())
    open_bottom = bottom - rows[-1] > 20 and any(
        _in(w, xs[0], xs[-1], rows[-1], bottom + 10) for w in page.words)
    if open_bottom:
        bands.append((rows[-1], bottom + 10))
    return Table(columns, bands, open_bottom, rows[0])


def _counts_up(words: list[Word], left: int, right: int, bands: list[tuple[int, int]]) -> bool:
    """A column whose cells hold numbers counting up one a row is the entries' numbers, whatever its heading was
    read as (a blurred "Số" read "Sã"): half the rows' numbers, three at least, are the first row's plus the row's
    place (186, 187, 18818, 189, …, 184, 195: a few misread)."""
    values = []
    for band in bands:
        text = "".join(ch for w in cell_words(words, left, right, *band) for ch in w.text if ch.isalnum())
        digits = _number(text)
        values.append(digits if digits and len(text) - len(digits) <= 1 else None)
    # (the number a row's place says, as each row's reading says it: the same for most rows)
    starts = Counter(int(v) - k for k, v in enumerate(values) if v and len(v) <= 9 and v.isascii())
    return bool(starts) and starts.most_common(1)[0][1] >= max(3, len(bands) / 2)


def _header_fields(words: list[Word], above: int) -> tuple[dict[str, str], dict[str, float]]:
    """Book number, page number and authority from the lines printed above the table."""
    fields: dict[str, str] = {}
    conf: dict[str, float] = {}
    head = cell_words(words, 0, 10**9, 0, above)
    folded = [fold(w.text).strip(_EDGE_JUNK) for w in head]  # ("“Trang số: 1": a speck read as a quote)
    for i in range(len(head) - 2):
        if folded[i] in ("quyen", "trang") and folded[i + 1].startswith("so"):
            # "Quyển số: 01/1999" or "Quyển số:01/1999"; the value is the next token holding a digit.
            tail = head[i + 1].text.split(":", 1)[1] if ":" in head[i + 1].text else ""
            token = (tail, head[i + 1].conf) if re.search(r"\d", tail) else (head[i + 2].text, head[i + 2].conf)
            value = token[0].strip(" :.,")
            if re.search(r"\d", value):
                name = "book_number" if folded[i] == "quyen" else "page_number"
                fields[name] = book_number(value) if name == "book_number" else _number(value)
                conf[name] = token[1]
    for start in range(len(head) - 3):
        if folded[start:start + 3] == ["uy", "ban", "nhan"]:
            line = [w for w in head if abs(w.top - head[start].top) <= 0.6 * head[start].height]
            line = [w for w in sorted(line, key=lambda w: w.left) if w.left >= head[start].left]
            text = normalize(" ".join(w.text for w in line))
            fields["registration_authority"] = _tidy("registration_authority", text)
            conf["registration_authority"] = sum(w.conf for w in line) / len(line)
            break
    return fields, conf


_EDGE_JUNK = " .,:;-_|'\"`“”‘’~*"


# Marks Vietnamese letters carry (NFD): grave, acute, tilde, hook, dot below, circumflex, breve, horn.
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def _foreign(ch: str) -> bool:
    """A letter no Vietnamese word has (Ÿ, Ï, Ø…): how a rule's end glued to a word is often read."""
    nfd = unicodedata.normalize("NFD", ch)
    return ch.isalpha() and (not nfd[0].isascii() and nfd[0] not in "đĐ"
                             or any(unicodedata.combining(c) and c not in _VIETNAMESE_MARKS for c in nfd))


# A rule read as an I with a mark: a letter of Vietnamese words ("ít", "ỉm"), never before a digit or another I.
_RULE_I = frozenset("ÌÍÏÎĨỈỊìíïîĩỉị")


def _rule_end(word: str, i: int) -> bool:
    ch = word[i]
    if ch in _EDGE_JUNK or _foreign(ch):
        return True
    if ch not in _RULE_I:
        return False
    after = word[i + 1]
    # (before a title-case word, "ÍTrần"; before capitals it stays, "ÍT" being a word: "ÍTRẦN" is cut by
    # ``split_text`` and its I alone dropped by ``_tidy``)
    return after in _RULE_I or after.isdigit() or _foreign(after) or (after.isupper() and word[i + 2:i + 3].islower())


def _word_start(word: str) -> str:
    """``word`` without the junk and foreign letters a rule's end left before it ("|ÏTRẦN" → "TRẦN", "ÌÏXóm" →
    "Xóm", "Í0342…" → "0342…")."""
    i = 0
    while i < len(word) - 1 and _rule_end(word, i):
        i += 1
    return word[i:]


def _tidy(name: str, text: str) -> str:
    """A cell's text without what the ruling leaves behind: specks and rule ends read as punctuation at its
    edges (a marked I alone before the cell's first word too), words run together; addresses and bodies tidied
    as on forms (``ocr.tidy.place``)."""
    text = " ".join(_word_start(w) for w in text.split()).strip(_EDGE_JUNK)
    if name == "gender":  # one word; rule ends glued to it ("|ÏNữ", "CÍÍNam"); its m read as rn ("Narn")
        m = re.search(r"(nam|nu)[^a-z]*$", fold(text).replace("rn", "m"))
        return {"nam": "Nam", "nu": "Nữ"}[m.group(1)] if m else text
    if name in NAME_FIELDS or name in PLACE_FIELDS or name == "cause_of_death":
        text = split_text(text)  # ("ÍTRẦN" → "Í TRẦN": the I alone, below)
    first, _, rest = text.partition(" ")
    if rest and first in _RULE_I:
        text = rest
    if name in PLACE_FIELDS:
        text = place(text)
    return text


def _number(text: str) -> str:
    """A page's or an entry's number: a register prints digits alone there, so a letter that looks like a digit
    beside one is that digit ("I6" → 16), and anything else is a speck."""
    return digits_only(lookalike_digits(text))


def _entry(page: PageOcr, table: Table, band: tuple[int, int], record_type: RecordType,
           shared: tuple[dict[str, str], dict[str, float]], raw: bool) -> ExtractedRecord | None:
    fields, conf = dict(shared[0]), dict(shared[1])
    read_any = False
    for left, right, name in table.columns:
        words = cell_words(page.words, left, right, *band)
        if not words:
            continue
        read_any = True
        text = _tidy(name, " ".join(w.text for w in words))
        if not text:
            continue
        weight = sum(len(w.text) for w in words)
        ocr_conf = sum(w.conf * len(w.text) for w in words) / weight
        value, check = clean_value(name, Raw(text, ocr_conf, 0, 0))
        if name == "registration_number":
            value = _number(value)
        if value:
            fields[name], conf[name] = value, ocr_conf * check
    if not read_any:
        return None
    cross_check(fields, conf)
    check_fields(fields, conf)
    if not raw:
        conf = {k: calibrated(k, v) for k, v in conf.items()}
    text = " ".join(w.text for w in cell_words(page.words, table.columns[0][0], table.columns[-1][1], *band))
    return ExtractedRecord(type=record_type, fields=fields,
                           confidence={k: round(max(0.0, min(1.0, v)), 3) for k, v in conf.items()}, text=text)


def register_records(page: PageOcr, record_type: RecordType, *, raw: bool = False) -> list[ExtractedRecord] | None:
    """One record per table row of a register page; None when the page is not a register of this type."""
    table = find_table(page, record_type)
    if table is None:
        return None
    shared = _header_fields(page.words, table.top)
    records = []
    for k, band in enumerate(table.bands):
        record = _entry(page, table, band, record_type, shared, raw)
        if record is None:
            continue
        record.continues = table.open_bottom and k == len(table.bands) - 1
        record.continuation = not records and "registration_number" not in record.fields
        records.append(record)
    _check_sequence(records)
    _dates_in_order(records)
    return records


def out_of_sequence(values: list[str | None]) -> list[tuple[int, int, int, int]]:
    """Numbers that count up one a place (a register's entries, a book's pages), some not read (None or no
    digits): (place, the number before, the number after, the number the two say it holds) of each that its
    nearest read neighbours contradict (212, 218, 214; 383, 284, –, 386)."""
    # (a person may have typed the value: only plain digits of a sensible length count — "²" is a digit to
    # isdigit, and int() refuses 4,300 digits)
    nums = [int(v) if v and len(v) <= 9 and v.isascii() and v.isdigit() else None for v in values]
    read = [i for i, n in enumerate(nums) if n is not None]
    return [(i, nums[a], nums[b], nums[a] + (i - a)) for a, i, b in zip(read, read[1:], read[2:], strict=False)
            if nums[b] - nums[a] == b - a and nums[i] != nums[a] + (i - a)]  # the neighbours agree, and not with it


def _check_sequence(records: list[ExtractedRecord]) -> None:
    """Entries are numbered in order of registration: a number its nearest read neighbours contradict is flagged,
    and never changed — but where it is the number they say with digits lost ("21" between 210 and 212, the page's
    read dropping a thin 1), the lost digits are put back, the doubt kept."""
    for i, _, _, said in out_of_sequence([r.fields.get("registration_number") for r in records]):
        record = records[i]
        record.confidence["registration_number"] = round(record.confidence["registration_number"] * 0.3, 3)
        read, said = record.fields["registration_number"], str(said)
        if len(read) < len(said) and holds(said, read):
            record.fields["registration_number"] = said


def _dates_in_order(records: list[ExtractedRecord]) -> None:
    """Entries are registered in date order: a registration date read as no date ("94/01/2024") that one digit
    changed makes a date between its nearest read neighbours' (04/01 … 05/01) takes that date where only one digit
    does so, its confidence halved — the order, not the language, chose the digit, and a person confirms it."""
    dates = [r.fields.get("registration_date") or "" for r in records]
    known = [i for i, d in enumerate(dates) if ISO_DATE.fullmatch(d)]
    for i, read in enumerate(dates):
        if not read or ISO_DATE.fullmatch(read) or not DATE_SHAPE.fullmatch(read):
            continue
        before = [dates[k] for k in known if k < i][-1:]
        after = [dates[k] for k in known if k > i][:1]
        if not before or not after:
            continue
        near = {iso for k, ch in enumerate(read) if ch.isdigit() for d in "0123456789" if d != ch
                if (iso := parse_date(read[:k] + d + read[k + 1:])) and before[0] <= iso <= after[0]}
        if len(near) == 1:
            records[i].fields["registration_date"] = near.pop()
            records[i].confidence["registration_date"] = round(records[i].confidence["registration_date"] / 2, 3)


def join_entries(head: ExtractedRecord, tail: ExtractedRecord) -> ExtractedRecord:
    """An entry cut at the bottom of a page joined with its rest from the top of the next page: each cell's
    text continues, so values are concatenated; page-level fields and the number come from the head."""
    fields, conf = dict(head.fields), dict(head.confidence)
    for name, value in tail.fields.items():
        if name in ("book_number", "page_number", "registration_authority"):
            continue
        if name in fields:
            joined = f"{fields[name]} {value}"
            fields[name] = title_case_name(joined) if name in NAME_FIELDS else normalize(joined)
            conf[name] = min(conf[name], tail.confidence.get(name, 0.0))
        else:
            fields[name], conf[name] = value, tail.confidence.get(name, 0.0)
    return ExtractedRecord(type=head.type, fields=fields, confidence=conf, text=f"{head.text}\n{tail.text}",
                           pages=[*head.pages, *tail.pages], continues=tail.continues)


def join_pages(pages: list[list[ExtractedRecord]]) -> list[ExtractedRecord]:
    """The records of a book's consecutive pages, each entry cut at a page's end joined with its rest."""
    out: list[ExtractedRecord] = []
    for records in pages:
        if out and out[-1].continues and records and records[0].continuation:
            out[-1] = join_entries(out[-1], records[0])
            records = records[1:]
        out.extend(records)
    return out

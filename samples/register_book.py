"""Register books (*sổ đăng ký*): a ruled table per landscape page, one entry per row, entries in order of
registration at one ward in one year. An entry that does not fit at the bottom of a page is cut after the
lines that fit and continued in the first row of the next page, whose number cell stays empty — the case
extraction must join.

With a pen from samples.handwriting the same ruled book is filled in by hand (``hand=True``).

Only what is printed is truth: the columns below, plus the book number, the page the entry starts on and the
registering authority from the page header.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from domain.records import DATE_FIELDS
from samples.degrade import degrade
from samples.fonts import font
from samples.forms import GENDER_VI
from samples.places import Unit
from samples.records import Record, RecordFactory, dmy

REGISTER_TYPES = ("birth", "death", "marriage")
TITLES = {"birth": "SỔ ĐĂNG KÝ KHAI SINH", "death": "SỔ ĐĂNG KÝ KHAI TỬ", "marriage": "SỔ ĐĂNG KÝ KẾT HÔN"}
WIDTH, HEIGHT = 3508, 2480  # A4 landscape at 300 dpi
MARGIN_X, TOP, BOTTOM = 150, 140, 150
SIZE, HEAD_SIZE = 40, 38
LINE = 52  # line pitch in a cell
PAD = 14  # space above and below a cell's text
INK = (24, 24, 30)


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    field: str
    width: float  # share of the table width


_REGISTERED = (Column("Số", "registration_number", 0.05), Column("Ngày đăng ký", "registration_date", 0.085))
_PERSON = (
    Column("Họ, chữ đệm, tên", "full_name", 0.13),
    Column("Ngày sinh", "date_of_birth", 0.085),
    Column("Giới tính", "gender", 0.06),
)
_PERSONAL_ID = Column("Số định danh cá nhân", "personal_id", 0.115)


def _spouse(who: str, word: str) -> tuple[Column, ...]:
    return (
        Column(f"Họ, chữ đệm, tên {word}", f"{who}_name", 0.125),
        Column(f"Ngày sinh của {word}", f"{who}_date_of_birth", 0.085),
        Column(f"Nơi cư trú của {word}", f"{who}_residence", 0.1875),
    )


COLUMNS: dict[str, tuple[Column, ...]] = {
    "birth": (
        *_REGISTERED, *_PERSON,
        Column("Dân tộc", "ethnicity", 0.06),
        Column("Nơi sinh", "place_of_birth", 0.175),
        _PERSONAL_ID,
        Column("Họ tên mẹ", "mother_name", 0.12),
        Column("Họ tên cha", "father_name", 0.12),
    ),
    "death": (
        *_REGISTERED, *_PERSON, _PERSONAL_ID,
        Column("Ngày chết", "date_of_death", 0.085),
        Column("Nơi chết", "place_of_death", 0.17),
        Column("Nguyên nhân chết", "cause_of_death", 0.1),
        Column("Người đi khai", "declarant_name", 0.12),
    ),
    "marriage": (*_REGISTERED, *_spouse("husband", "chồng"), *_spouse("wife", "vợ")),
}


def cell_text(field: str, value: str) -> str:
    if field in DATE_FIELDS:
        return dmy(date.fromisoformat(value))
    if field == "gender":
        return GENDER_VI[value]
    return value


class _OneWard:
    """``Places`` whose registering unit is always the register's ward (other units drawn as usual)."""

    def __init__(self, places, unit: Unit) -> None:
        self._places, self._unit = places, unit

    def unit(self, rng, post_reform: bool, near: Unit | None = None) -> Unit:
        return self._unit if near is None else self._places.unit(rng, post_reform, near)

    def __getattr__(self, name: str):
        return getattr(self._places, name)


class _RegisterFactory(RecordFactory):
    """Entries of one register book: one ward, registration dates rising through one year."""

    def __init__(self, seed: int, data_dir: Path | None) -> None:
        super().__init__(seed, data_dir)
        self.year = self.rng.randint(1995, 2024)
        self.places = _OneWard(self.places, self.places.unit(self.rng, False))
        self._day = date(self.year, 1, 2).toordinal()

    def _reg_date(self) -> date:
        self._day = min(self._day + self.rng.randint(0, 2), date(self.year, 12, 31).toordinal())
        return date.fromordinal(self._day)


@dataclass(slots=True)
class Entry:
    record: Record
    cells: list[list[str]]  # per column, the wrapped lines
    pages: list[int]
    index: int = 0  # in the book
    notes: str | None = None  # a handwritten book's marginal note of a later amendment


@dataclass(slots=True)
class RegisterPage:
    number: int
    record_type: str
    image: Image.Image
    text: str
    entries: list[Entry]

    def truth(self) -> dict[str, Any]:
        return {
            "page": self.number,
            "type": self.record_type,
            "layout": "register",
            "records": [
                {"record_id": e.record.record_id, "fields": e.record.fields, "pages": e.pages}
                | ({"notes": e.notes, "status": "amended"} if e.notes else {})
                for e in self.entries if e.pages[0] == self.number
            ],
            "text": self.text,
        }


def _wrap(text: str, width: float, measure=None) -> list[str]:
    measure = measure or font("serif", SIZE).getlength
    lines: list[str] = []
    for word in text.split():
        if lines and measure(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _entries(record_type: str, count: int, seed: int, data_dir: Path | None, table_width: float,
             pen=None) -> tuple[list[Entry], dict[str, str]]:
    factory = _RegisterFactory(seed, data_dir)
    columns = COLUMNS[record_type]
    first = factory.rng.randint(1, 400)
    book = f"{factory.rng.randint(1, 3):02d}/{factory.year}"
    entries = []
    for k in range(count):
        record = factory.make(record_type)
        full = record.fields
        fields = {c.field: full[c.field] for c in columns} | {
            "registration_number": str(first + k),
            "book_number": book,
            "registration_authority": full["registration_authority"],
        }
        record.fields = fields
        measure = pen.measure(k) if pen else None
        cells = [_wrap(cell_text(c.field, fields[c.field]), c.width * table_width - 2 * PAD, measure)
                 for c in columns]
        entries.append(Entry(record, cells, [], k))
    return entries, {"book": book, "authority": entries[0].record.fields["registration_authority"]}


def register_pages(record_type: str = "birth", pages: int = 4, seed: int = 0, degradation: str = "moderate",
                   data_dir: Path | None = None, hand: bool = False) -> Iterator[RegisterPage]:
    """``pages`` register pages, filled row by row; the last page ends with a closed table. ``hand``: written
    by hand (samples.handwriting; raises HandwritingUnavailable without its fonts)."""
    if record_type not in REGISTER_TYPES:
        raise ValueError(f"registers are made for {', '.join(REGISTER_TYPES)}, not {record_type!r}")
    pen = None
    if hand:
        from samples.handwriting import HandPen

        pen = HandPen.for_book(seed, record_type)
    table_width = WIDTH - 2 * MARGIN_X - (pen.margin if pen else 0)
    # More entries than can fit; pages take them in order.
    entries, book = _entries(record_type, pages * 16, seed, data_dir, table_width, pen)
    if pen:
        pen.annotate(entries)
    pending: tuple[Entry, int] | None = None  # an entry cut at the bottom of a page, and the lines drawn
    queue = iter(entries)
    for number in range(1, pages + 1):
        rng = np.random.default_rng([seed, number, 7])
        image, lines, drawn, pending = _page(record_type, number, book, queue, pending, table_width,
                                             last=number == pages, pen=pen)
        yield RegisterPage(number, record_type, degrade(image, degradation, rng), "\n".join(lines), drawn)


def _page(record_type, number, book, queue, pending, table_width, *, last: bool, pen=None):
    page = Image.new("RGB", (WIDTH, HEIGHT), (252, 250, 244))
    draw = ImageDraw.Draw(page)
    x0, x1 = MARGIN_X, MARGIN_X + table_width
    lines: list[str] = []
    y = TOP
    title = TITLES[record_type]
    draw.text((WIDTH / 2, y + 60), title, font=font("serif-bold", 60), fill=INK, anchor="ms")
    y += 100
    authority = book["authority"]
    draw.text((WIDTH / 2, y + 46), authority, font=font("serif", 46), fill=INK, anchor="ms")
    y += 90
    left, right = f"Quyển số: {book['book']}", f"Trang số: {number}"
    draw.text((x0, y + 44), left, font=font("serif", 44), fill=INK, anchor="ls")
    draw.text((x1, y + 44), right, font=font("serif", 44), fill=INK, anchor="rs")
    lines += [title, authority, f"{left}    {right}"]
    y += 80

    columns = COLUMNS[record_type]
    xs = [x0]
    for c in columns:
        xs.append(xs[-1] + c.width * table_width)
    xs[-1] = x1
    heads = [_wrap(c.label, c.width * table_width - 2 * PAD) for c in columns]
    bold = font("serif-bold", HEAD_SIZE)
    head_h = max(len(h) for h in heads) * LINE + 2 * PAD
    table_top = y
    draw.line((x0, y, x1, y), fill=INK, width=4)
    for i, head in enumerate(heads):
        for j, text in enumerate(head):
            draw.text(((xs[i] + xs[i + 1]) / 2, y + PAD + (j + 1) * LINE - 12), text, font=bold, fill=INK,
                      anchor="ms")
    lines.append("    ".join(" ".join(h) for h in heads))
    y += head_h
    draw.line((x0, y, x1, y), fill=INK, width=3)

    limit = HEIGHT - BOTTOM
    regular = font("serif", SIZE)
    drawn: list[Entry] = []
    open_bottom = False
    while True:
        if pending is not None:
            entry, skip = pending
            cells = [cell[skip:] for cell in entry.cells]
            pending = None
        else:
            entry = next(queue)
            cells, skip = entry.cells, 0
        rows = max(len(c) for c in cells)
        fits = (limit - y - 2 * PAD) // LINE
        if rows > fits and (fits < 1 or last):  # starts on the next page (the last page just closes)
            pending = (entry, skip)
            break
        if rows > fits:  # cut: this page takes the lines that fit, the next page the rest
            cells = [c[:fits] for c in cells]
            pending = (entry, skip + fits)
            rows = fits
            entry.pages += [number, number + 1]
        elif not entry.pages:
            entry.pages.append(number)
        entry.record.fields.setdefault("page_number", str(number))
        drawn.append(entry)
        for i, cell in enumerate(cells):
            for j, text in enumerate(cell):
                if pen:
                    pen.write(xs[i] + PAD, y + PAD + (j + 1) * LINE - 12, text, entry.index)
                else:
                    draw.text((xs[i] + PAD, y + PAD + (j + 1) * LINE - 12), text, font=regular, fill=INK,
                              anchor="ls")
        if pen and skip == 0:
            pen.row(entry.index, y, y + rows * LINE + 2 * PAD)
        lines.append("    ".join(" ".join(c) for c in cells if c))
        y += rows * LINE + 2 * PAD
        if pending is not None:
            open_bottom = True
            break
        draw.line((x0, y, x1, y), fill=INK, width=3)
    bottom = limit if open_bottom else y
    for x in xs:
        draw.line((x, table_top, x, bottom), fill=INK, width=3 if x not in (x0, x1) else 4)
    if pen:
        page = pen.finish(page, number, x1, {e.index: e.notes for e in drawn if e.notes})
    return page, lines, drawn, pending

"""Handwritten register entries: the printed, ruled book (samples.register_book) filled in by hand.

Each entry is written by one of the book's clerks (a handwriting font, a size, a slant, a pen) on a day of its
own: ink colour and pressure vary from entry to entry and along each line, baselines slope and wander so that
some lines run into the ruled line below, some pages have faded, and a few entries carry a marginal note of a
later amendment in another pen, in a margin kept free to the right of the table.

What is written is the truth, as for printed registers; an amended entry also has its note (``notes``) and the
status ``amended``. Everything is drawn from generators seeded by the book's seed: the same seed gives the same
pages. Without the handwriting fonts (scripts/bootstrap.sh installs them) nothing here can run:
``available()`` says so, and the caller falls back to printed registers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from samples.fonts import HandFont, hand_fonts
from samples.ink import apply_ink

NOTE_MARGIN = 470  # px kept free right of the table for amendment notes
DATE_WIDTH = 190  # px: a date column's text width in a handwritten book
# Pens of old registers: blue-black fountain ink, blue and violet ballpoints, black; notes often in red.
INKS = ((30, 38, 92), (22, 52, 150), (70, 40, 120), (28, 28, 34))
NOTE_INKS = ((170, 30, 36), (22, 52, 150))
_FIELDS_AMENDED = {"birth": "full_name", "death": "full_name", "marriage": "wife_name"}
_LABELS = {"full_name": "họ tên", "wife_name": "họ tên vợ"}


class HandwritingUnavailable(ValueError):
    """No handwriting font with every Vietnamese letter is installed (run scripts/bootstrap.sh)."""


def available() -> bool:
    return bool(hand_fonts())


@dataclass(frozen=True, slots=True)
class Clerk:
    """A hand: a font, its size, how far it leans and how widely it spaces letters."""

    font: HandFont
    size: int
    slant: float  # shear, x per y (0.2 ≈ 11° to the right)
    spacing: float

    def measure(self, text: str) -> float:
        return sum(self.font.font(ch, self.size).getlength(ch) for ch in text) * self.spacing + 0.3 * self.size


@dataclass(slots=True)
class _Stroke:
    x: float
    y: float  # baseline
    text: str
    entry: int


@dataclass(slots=True)
class HandPen:
    """What samples.register_book asks of a pen: measure a cell's text, write it, and finish the page."""

    seed: int
    record_type: str
    clerks: list[Clerk] = field(default_factory=list)
    margin: int = NOTE_MARGIN
    _strokes: list[_Stroke] = field(default_factory=list)
    _rows: dict[int, tuple[float, float]] = field(default_factory=dict)  # entry → (top, bottom) on this page

    @classmethod
    def for_book(cls, seed: int, record_type: str) -> HandPen:
        fonts = hand_fonts()
        if not fonts:
            raise HandwritingUnavailable(
                "chưa cài phông chữ viết tay (chạy scripts/bootstrap.sh, cần npm); sổ viết tay không tạo được")
        rng = np.random.default_rng([seed, 71])
        clerks = []
        for k in range(int(rng.integers(1, 3)) + 1):  # two or three clerks over the book's year
            font = fonts[(k + int(rng.integers(0, len(fonts)))) % len(fonts)]
            # Dancing Script is small for its size: write it larger so both fill the ruled rows alike.
            base = 50 if font.family == "dancing-script" else 44
            clerk = Clerk(font, int(base + rng.integers(-3, 4)), float(rng.uniform(0.0, 0.28)),
                          float(rng.uniform(0.96, 1.1)))
            # A clerk writes a date so it fits its column (samples.register_book's narrowest one for a long word).
            while clerk.measure("00/00/0000") > DATE_WIDTH:
                clerk = Clerk(font, clerk.size - 1, clerk.slant, clerk.spacing)
            clerks.append(clerk)
        return cls(seed, record_type, clerks)

    def clerk(self, entry: int) -> Clerk:
        # Long runs by one clerk, as in a real book: the hand changes every dozen entries or so.
        rng = np.random.default_rng([self.seed, 72, entry // 12])
        return self.clerks[int(rng.integers(0, len(self.clerks)))]

    def measure(self, entry: int):
        return self.clerk(entry).measure

    def annotate(self, entries) -> None:
        """About one entry in eight, never two in a row (a note runs down past its row), gets an amendment."""
        rng = np.random.default_rng([self.seed, 75])
        name_field = _FIELDS_AMENDED[self.record_type]
        given = sorted({e.record.fields[name_field].split()[-1] for e in entries if e.record.fields.get(name_field)})
        previous = False
        for e in entries:
            note = amendment(self.record_type, e.record.fields, rng, given) if rng.random() < 0.125 else None
            e.notes = None if previous else note
            previous = e.notes is not None

    def write(self, x: float, y: float, text: str, entry: int) -> None:
        self._strokes.append(_Stroke(x, y, text, entry))

    def row(self, entry: int, top: float, bottom: float) -> None:
        self._rows[entry] = (top, bottom)

    def finish(self, page: Image.Image, number: int, x_margin: float, notes: dict[int, str]) -> Image.Image:
        """Ink the queued strokes and the notes of the entries on this page (``notes``: entry → text)."""
        rng = np.random.default_rng([self.seed, number, 73])
        canvas = np.array(page.convert("RGB"))
        h, w = canvas.shape[:2]
        # A faded page (about one in four), unevenly: the ink's strength over the page, low frequency.
        faded = rng.random() < 0.25
        low = rng.uniform(0.3, 0.6) if faded else rng.uniform(0.8, 0.95)
        coarse = rng.uniform(low, min(1.0, low + 0.3), (6, 8)).astype(np.float32)
        strength = np.asarray(Image.fromarray(coarse).resize((w // 16, h // 16), Image.BICUBIC), np.float32)
        pens: dict[int, tuple[tuple[int, int, int], float, float]] = {}
        for s in self._strokes:
            if s.entry not in pens:  # a day's pen: colour, pressure, and how far its lines drift off the rule
                e = np.random.default_rng([self.seed, 74, s.entry])
                pens[s.entry] = (INKS[int(e.integers(0, len(INKS)))], float(e.uniform(0.55, 1.0)),
                                 float(e.uniform(-0.02, 0.02)))
            ink, pressure, slope = pens[s.entry]
            clerk = self.clerk(s.entry)
            mask, base_y = _line_mask(s.text, clerk, pressure, slope, rng)
            # Sometimes a line sags, so its letters cross the ruled line under the row.
            sag = rng.uniform(8, 22) if rng.random() < 0.12 else rng.uniform(-4, 6)
            x, y = int(s.x + rng.uniform(-4, 8)), int(s.y + sag - base_y)
            _ink(canvas, mask, ink, x, y, strength)
        for entry, text in notes.items():
            if entry in self._rows:
                self._note(canvas, text, x_margin, self._rows[entry], rng, strength)
        self._strokes.clear()
        self._rows.clear()
        return Image.fromarray(canvas)

    def _note(self, canvas, text, x0, row, rng, strength) -> None:
        clerk = Clerk(self.clerks[0].font, 30, self.clerks[0].slant, 1.0)
        width = self.margin - 50
        lines: list[str] = []
        for word in text.split():
            if lines and clerk.measure(f"{lines[-1]} {word}") <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        ink = NOTE_INKS[int(rng.integers(0, len(NOTE_INKS)))]
        y = row[0] + 40
        for line in lines:
            mask, base_y = _line_mask(line, clerk, float(rng.uniform(0.7, 1.0)), float(rng.uniform(-0.015, 0.015)),
                                      rng)
            _ink(canvas, mask, ink, int(x0 + 25), int(y - base_y), strength)
            y += 40


def _line_mask(text: str, clerk: Clerk, pressure: float, slope: float,
               rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """One written line as ink coverage (0–1) and the y of its baseline in the mask.

    Letter by letter, so each letter comes from the subset font that has it and wanders a little in size,
    height and spacing; then the line leans (shear), slopes, and its pressure varies along it."""
    size = clerk.size
    pad = size
    width = int(clerk.measure(text) * 1.1) + 2 * pad
    height = int(size * 2.4)
    base = int(size * 1.5)
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    x = float(pad)
    drift = 0.0
    for ch in text:
        glyph_size = max(8, int(round(size * rng.uniform(0.95, 1.05))))
        f = clerk.font.font(ch, glyph_size)
        drift = 0.7 * drift + rng.normal(0, 0.9)
        draw.text((x, base + drift), ch, font=f, fill=255, anchor="ls")
        x += f.getlength(ch) * clerk.spacing * rng.uniform(0.97, 1.03)
    angle = math.degrees(math.atan(slope))
    img = img.transform(img.size, Image.AFFINE, (1, clerk.slant, -clerk.slant * base, 0, 1, 0),
                        resample=Image.BILINEAR)
    if abs(angle) > 0.05:
        img = img.rotate(angle, resample=Image.BILINEAR, center=(pad, base))
    if pressure > 0.85:  # a heavy hand: broader strokes
        img = img.filter(ImageFilter.MaxFilter(3))
    mask = np.asarray(img.filter(ImageFilter.GaussianBlur(0.6)), np.float32) / 255.0
    # Pressure along the line: a smooth random profile, lighter where the pen lifts.
    knots = rng.uniform(0.65, 1.0, max(2, width // 120))
    profile = np.interp(np.arange(width), np.linspace(0, width - 1, len(knots)), knots).astype(np.float32)
    return mask * profile[None, :] * pressure, base


def _ink(canvas: np.ndarray, mask: np.ndarray, ink, x: int, y: int, strength: np.ndarray) -> None:
    h, w = mask.shape
    # The fading where the line's middle falls (a line is small beside the fading's scale).
    cy = min(strength.shape[0] - 1, max(0, (y + h // 2) // 16))
    cx = min(strength.shape[1] - 1, max(0, (x + w // 2) // 16))
    apply_ink(canvas, np.clip(mask * float(strength[cy, cx]) * 1.15, 0, 1), ink, x, y)


def amendment(record_type: str, fields: dict, rng: np.random.Generator, given_names: list[str]) -> str | None:
    """A marginal note changing the entry's main name to another given name, as a later decision would."""
    name_field = _FIELDS_AMENDED[record_type]
    old = fields.get(name_field)
    if not old or not given_names:
        return None
    words = old.split()
    new_given = given_names[int(rng.integers(0, len(given_names)))]
    if new_given == words[-1]:
        return None
    new = " ".join([*words[:-1], new_given])
    day, month = int(rng.integers(1, 29)), int(rng.integers(1, 13))
    year = int(str(fields.get("registration_date", "2000"))[:4]) + int(rng.integers(1, 9))
    return (f"Cải chính {_LABELS[name_field]} từ {old} thành {new} theo QĐ số {int(rng.integers(1, 300))}/QĐ-UBND "
            f"ngày {day:02d}/{month:02d}/{year}")

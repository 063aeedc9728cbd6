"""Draw a form ``Layout`` as an A4 page at 300 dpi and report its text lines exactly as drawn.

Reading order of the text lines: header left block, header right block, title, body, signature blocks from
left to right, footer. Fields sharing a printed row are joined with ``forms.ROW_GAP``. Seal and signature
are ink marks, not text, and are not in the lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.fonts import font
from samples.forms import ROW_GAP, Field, Gap, Heading, Layout, Row, SignBlock, Text
from samples.ink import PEN_BLUE, STAMP_RED, apply_ink, signature_mask, stamp_mask

DPI = 300
WIDTH, HEIGHT = 2480, 3508  # A4 at 300 dpi
LEFT, RIGHT, TOP, BOTTOM = 354, 236, 236, 250  # 30 / 20 / 20 / 21 mm, as for administrative documents
INK = (24, 24, 30)
RED = (178, 30, 34)
BODY_SIZES = (54, 52, 50, 48, 46, 44, 42)  # 13 pt at 300 dpi first, smaller only if the page would overflow
HEADER_SIZE = 52
TITLE_SIZE = 66
INK_SPACE = 300  # room left for signature and seal between signer title and name

Token = tuple[str, ImageFont.FreeTypeFont]


@dataclass(slots=True)
class Rendered:
    image: Image.Image
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(slots=True)
class _Line:
    """One printed body line: runs of tokens, each run starting at its own x offset."""

    runs: list[tuple[int, list[Token]]]
    text: str
    heading: bool = False


def render(layout: Layout, rng: np.random.Generator, stamp_overlap: float = 0.0) -> Rendered:
    """``stamp_overlap`` 0..1 moves the seal from its usual place (over the signature's left third) up
    over the signer's title lines, as careless stamping does."""
    page = Image.new("RGB", (WIDTH, HEIGHT), layout.paper)
    draw = ImageDraw.Draw(page)
    if layout.frame:
        _frame(draw, layout.frame, rng)
    x0, x1 = LEFT, WIDTH - RIGHT
    lines: list[str] = []

    y = TOP + 20
    if layout.header_left:
        yl = _block(draw, layout.header_left, x0 + 0.24 * (x1 - x0), y, 0.46 * (x1 - x0), lines)
        yr = _block(draw, layout.header_right, x0 + 0.70 * (x1 - x0), y, 0.60 * (x1 - x0), lines)
        y = max(yl, yr) + 90
    else:
        y = _block(draw, layout.header_right, (x0 + x1) / 2, y, 0.8 * (x1 - x0), lines) + 60

    color = RED if layout.title_red else INK
    for i, title in enumerate(layout.title):
        size = TITLE_SIZE + (14 if layout.kind == "land" and i == 0 else 0)
        f = _fit(font("serif-bold", size), title, x1 - x0, "serif-bold")
        draw.text(((x0 + x1) / 2, y + f.size), title, font=f, fill=color, anchor="ms")
        lines.append(title)
        y += int(f.size * 1.35)
    y += 50

    sign_height = max(_sign_height(s) for s in layout.signs)
    footer_room = 110 if layout.footer_red else 0
    room = HEIGHT - BOTTOM - footer_room - sign_height - y
    body, size, pitch = _fit_body(layout, x1 - x0, room)
    for line in body:
        if line.text:
            for dx, tokens in line.runs:
                _draw_tokens(draw, tokens, x0 + dx, y + size)
            lines.append(line.text)
            y += pitch
        else:  # a gap
            y += int(pitch * line.runs[0][0] / 100)
    y += 40

    pixels = np.asarray(page).copy()
    marks: list[tuple[np.ndarray, tuple[int, int, int], int, int]] = []
    for sign in layout.signs:
        text_lines, ink = _sign(draw, sign, x0 + sign.x * (x1 - x0), y, rng, stamp_overlap)
        lines += text_lines
        marks += ink
    for field in layout.footer:
        text = f"{field.label}: {field.value}"
        draw.text((x0, y + 4 * HEADER_SIZE), text, font=font("serif", 48), fill=INK, anchor="ls")
        lines.append(text)
    if layout.footer_red:
        f = font("serif-bold", 56)
        draw.text(((x0 + x1) / 2, HEIGHT - BOTTOM - 10), layout.footer_red, font=f, fill=RED, anchor="ms")
        lines.append(layout.footer_red)

    pixels = np.asarray(page).copy()
    for mask, ink_color, mx, my in marks:
        apply_ink(pixels, mask, ink_color, mx, my)
    return Rendered(Image.fromarray(pixels), lines)


# ---- header / title blocks ---------------------------------------------------------------------------------
def _fit(f: ImageFont.FreeTypeFont, text: str, width: float, style: str) -> ImageFont.FreeTypeFont:
    size = f.size
    while f.getlength(text) > width and size > 20:
        size -= 2
        f = font(style, size)
    return f


def _block(draw: ImageDraw.ImageDraw, items: list[Text], cx: float, y: float, width: float, out: list[str]) -> float:
    for item in items:
        style = "serif-bold" if item.bold else ("serif-italic" if item.italic else "serif")
        f = _fit(font(style, round(HEADER_SIZE * item.scale)), item.text, width, style)
        y += f.size
        draw.text((cx, y), item.text, font=f, fill=INK, anchor="ms")
        out.append(item.text)
        if item.rule:
            half = f.getlength(item.text) * item.rule / 2
            draw.line((cx - half, y + 14, cx + half, y + 14), fill=INK, width=3)
            y += 20
        y += f.size * 0.32
    return y


# ---- body ----------------------------------------------------------------------------------------------------
def _fonts(size: int) -> tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont]:
    return font("serif", size), font("serif-bold", size)


def _field_tokens(field: Field, size: int) -> list[Token]:
    regular, bold = _fonts(size)
    label = field.label.split()
    tokens: list[Token] = [(w, regular) for w in label[:-1]] + [(label[-1] + ":", regular)]
    return tokens + [(w, bold if field.strong else regular) for w in field.value.split()]


def _width(tokens: list[Token]) -> float:
    return sum(f.getlength(w) for w, f in tokens) + sum(f.getlength(" ") for _, f in tokens[1:])


def wrap(tokens: list[Token], width: float, indent: float = 0.0) -> list[list[Token]]:
    """Words into lines no wider than ``width`` (the first line starting ``indent`` in)."""
    out: list[list[Token]] = [[]]
    used = indent
    for word, f in tokens:
        w = f.getlength(word)
        gap = f.getlength(" ") if out[-1] else 0.0
        if out[-1] and used + gap + w > width:
            out.append([])
            used, gap = 0.0, 0.0
        out[-1].append((word, f))
        used += gap + w
    return out


def _text(tokens: list[Token]) -> str:
    return " ".join(w for w, _ in tokens)


def _body_lines(layout: Layout, width: int, size: int) -> list[_Line]:
    out: list[_Line] = []
    for item in layout.body:
        if isinstance(item, Gap):
            out.append(_Line([(int(item.lines * 100), [])], ""))
        elif isinstance(item, Heading):
            bold = font("serif-bold", size)
            for part in wrap([(w, bold) for w in item.text.split()], width):
                out.append(_Line([(0, part)], _text(part), heading=True))
        elif isinstance(item, Row):
            runs = [_field_tokens(f, size) for f in item.fields]
            widths = [_width(r) for r in runs]
            column = width / len(runs)
            if all(w < column - 40 for w in widths):
                out.append(_Line([(int(i * column), r) for i, r in enumerate(runs)], ROW_GAP.join(map(_text, runs))))
            elif sum(widths) + 90 * (len(runs) - 1) <= width:
                xs = [int(sum(widths[:i]) + 90 * i) for i in range(len(runs))]
                out.append(_Line(list(zip(xs, runs, strict=True)), ROW_GAP.join(map(_text, runs))))
            else:
                for r in runs:
                    out += [_Line([(0, part)], _text(part)) for part in wrap(r, width)]
        else:
            out += [_Line([(0, part)], _text(part)) for part in wrap(_field_tokens(item, size), width)]
    return out


def _fit_body(layout: Layout, width: int, room: float) -> tuple[list[_Line], int, int]:
    for size in BODY_SIZES:
        body = _body_lines(layout, width, size)
        units = sum(1 if line.text else line.runs[0][0] / 100 for line in body)
        pitch = min(int(size * 1.6), int(room / units))
        if pitch >= size * 1.22:
            return body, size, pitch
    return body, size, int(size * 1.18)


def _draw_tokens(draw: ImageDraw.ImageDraw, tokens: list[Token], x: float, baseline: float) -> None:
    for word, f in tokens:
        draw.text((x, baseline), word, font=f, fill=INK, anchor="ls")
        x += f.getlength(word) + f.getlength(" ")


# ---- signatures, seal, frame ---------------------------------------------------------------------------
def _sign_height(sign: SignBlock) -> int:
    return int(len(sign.lines) * HEADER_SIZE * 1.35 + INK_SPACE + HEADER_SIZE * 1.6)


def _sign(
    draw: ImageDraw.ImageDraw, sign: SignBlock, cx: float, y: float, rng: np.random.Generator, overlap: float
) -> tuple[list[str], list]:
    size = 44 if sign.small else HEADER_SIZE
    lines: list[str] = []
    top = y
    y = _block(draw, sign.lines, cx, y, 1000 if not sign.small else 560, lines) if sign.lines else y
    title_bottom = y
    ink_top = y + 10
    name_f = _fit(font("serif-bold", size), sign.name, 1000, "serif-bold")
    name_y = ink_top + INK_SPACE
    draw.text((cx, name_y), sign.name, font=name_f, fill=INK, anchor="ms")
    lines.append(sign.name)
    marks = []
    sig = signature_mask(rng, width=380 if sign.small else 460, height=170 if sign.small else 190)
    sx = int(cx - sig.shape[1] / 2 + rng.integers(-30, 40))
    sy = int(ink_top + (INK_SPACE - sig.shape[0]) / 2 + rng.integers(-25, 15))
    marks.append((sig, PEN_BLUE if rng.random() < 0.8 else INK, sx, sy))
    if sign.stamp_text:
        seal = stamp_mask(sign.stamp_text, rng)
        d = seal.shape[0]
        # Usual place: the seal's right part covers the signature's left third.
        scx = sx + rng.integers(-20, 60)
        scy = (ink_top + INK_SPACE / 2) - overlap * (ink_top + INK_SPACE / 2 - (top + title_bottom) / 2)
        marks.append((seal, STAMP_RED, int(scx - d / 2), int(scy - d / 2 + rng.integers(-20, 20))))
    return lines, marks


def _frame(draw: ImageDraw.ImageDraw, kind: str, rng: np.random.Generator) -> None:
    """Printed decorative border: a certificate's double rule with a diamond chain, or a land
    certificate's red frame over a faint guilloche."""
    if kind == "land":
        tint = (243, 214, 214)
        for k in range(0, HEIGHT + 400, 46):
            pts = [(x, k + 18 * math.sin(x / 140 + k / 90)) for x in range(0, WIDTH + 40, 40)]
            draw.line(pts, fill=tint, width=2)
        color, inset = (196, 52, 52), 100
    else:
        color, inset = (150, 42, 42), 110
    draw.rectangle((inset, inset, WIDTH - inset, HEIGHT - inset), outline=color, width=12)
    draw.rectangle((inset + 34, inset + 34, WIDTH - inset - 34, HEIGHT - inset - 34), outline=color, width=3)
    mid = inset + 17
    for x in range(inset + 40, WIDTH - inset - 30, 44):
        for yy in (mid, HEIGHT - mid):
            draw.polygon([(x, yy - 9), (x + 9, yy), (x, yy + 9), (x - 9, yy)], fill=color)
    for y in range(inset + 40, HEIGHT - inset - 30, 44):
        for xx in (mid, WIDTH - mid):
            draw.polygon([(xx, y - 9), (xx + 9, y), (xx, y + 9), (xx - 9, y)], fill=color)
    for cx, cy in ((mid, mid), (WIDTH - mid, mid), (mid, HEIGHT - mid), (WIDTH - mid, HEIGHT - mid)):
        draw.ellipse((cx - 30, cy - 30, cx + 30, cy + 30), fill=color)

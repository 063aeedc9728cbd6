"""Drawing one administrative document as Decree 30/2020/NĐ-CP lays it out, at 300 dpi (``draw_page``; the scan
and the truth are ``samples.official``'s).

Margins 20/20/30/20 mm; Liberation Serif (Times New Roman's metric twin); a header of two column blocks — left
the governing body (caps) and the issuing body (bold caps) over a short rule, then "Số: …/QĐ-UBND"; right "CỘNG
HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "Độc lập - Tự do - Hạnh phúc" over a rule, then the italic place and date on
the row of the number —, the title and summary, "Căn cứ …" clauses in italic, articles or numbered paragraphs
justified with a first-line indent, and a footer of two blocks ("Nơi nhận:" and its list; the signer's title
lines, signature and name). Ink that is not print: the red seal over the signature's left third, the receiving
office's "ĐẾN" stamp with its number and date by hand, the document's number and day (sometimes the month)
written by pen into the blanks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from samples.fonts import font
from samples.handwriting import INKS
from samples.ink import PEN_BLUE, STAMP_RED, apply_ink, signature_mask, stamp_mask
from samples.official_text import Document
from samples.pen_digits import pen_mask
from samples.render import Token, wrap

WIDTH, HEIGHT = 2480, 3508  # drawn at 300 dpi
LEFT, RIGHT, TOP, BOTTOM = 354, 236, 236, 236
PT = 300 / 72
INK = (20, 20, 24)
STAMP_PURPLE = (96, 44, 150)
PEN_BLACK = INKS[-1]  # a black ballpoint: colour cannot tell it from print
Box = tuple[int, int, int, int]


class _Canvas:
    """The page being drawn: text in black now, ink marks kept to be multiplied in at the end."""

    def __init__(self, pen: str | None = None) -> None:
        self.pen = pen  # "black": every handwritten value in black ink
        self.image = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.image)
        self.marks: list[tuple[np.ndarray, tuple[int, int, int], int, int, dict[str, Any]]] = []

    def text(self, x: float, baseline: float, text: str, f: ImageFont.FreeTypeFont, anchor: str = "ls") -> Box:
        self.draw.text((x, baseline), text, font=f, fill=INK, anchor=anchor)
        return tuple(int(v) for v in self.draw.textbbox((x, baseline), text, font=f, anchor=anchor))  # type: ignore

    def mark(self, mask: np.ndarray, color: tuple[int, int, int], x: int, y: int, **region: Any) -> None:
        self.marks.append((mask, color, x, y, region))


def _f(style: str, pt: float) -> ImageFont.FreeTypeFont:
    return font(style, round(pt * PT))


def _fit(style: str, pt: float, text: str, width: float) -> ImageFont.FreeTypeFont:
    f = _f(style, pt)
    while f.getlength(text) > width and f.size > 30:
        f = font(style, f.size - 2)
    return f


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# ---- header ----------------------------------------------------------------------------------------------------
def _header(c: _Canvas, doc: Document, rng: np.random.Generator) -> tuple[dict, dict, float]:
    x0, x1 = LEFT, WIDTH - RIGHT
    lx, lw = x0 + 0.2 * (x1 - x0), 0.42 * (x1 - x0)
    rx, rw = x0 + 0.7 * (x1 - x0), 0.6 * (x1 - x0)
    left: list[str] = []
    right: list[str] = []
    lboxes: list[Box] = []
    rboxes: list[Box] = []
    y = TOP + 52.0
    row = 52 * 1.28
    if doc.parent:  # (a ministry issuing itself has none: its name stands on the national name's row)
        lboxes.append(c.text(lx, y, doc.parent, _fit("serif", 12.5, doc.parent, lw), "ms"))
        left.append(doc.parent)
    rboxes.append(c.text(rx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         _fit("serif-bold", 12.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", rw), "ms"))
    right.append("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    body_box = c.text(lx, y + row if doc.parent else y, doc.body, _fit("serif-bold", 12.5, doc.body, lw), "ms")
    y += row
    lboxes.append(body_box)
    left.append(doc.body)
    motto = "Độc lập - Tự do - Hạnh phúc"
    motto_box = c.text(rx, y, motto, _f("serif-bold", 13.5), "ms")
    rboxes.append(motto_box)
    right.append(motto)
    # Rules: a third of the issuing body's width on the left, the motto's full width on the right.
    half = (body_box[2] - body_box[0]) / 6 + 40
    c.draw.line((lx - half, body_box[3] + 12, lx + half, body_box[3] + 12), fill=INK, width=3)
    c.draw.line((motto_box[0], motto_box[3] + 10, motto_box[2], motto_box[3] + 10), fill=INK, width=3)
    y += row + 62
    # "Số:   /QĐ-UBND": the number is written by hand into the blank.
    f = _f("serif", 13)
    blank = 230
    sym = "/" + doc.symbol
    start = lx - (f.getlength("Số: ") + blank + f.getlength(sym)) / 2
    b1 = c.text(start, y, "Số:", f)
    b2 = c.text(start + f.getlength("Số: ") + blank, y, sym, f)
    lboxes += [b1, b2]
    left.append(f"Số: {sym}")
    _hand(c, str(doc.number), start + f.getlength("Số: ") + 10, y, blank - 20, rng, "number")
    # "Hà Nội, ngày   tháng   năm 2026": the day (and often the month) by hand.
    fi = _f("serif-italic", 13.5)
    month_hand = rng.random() < 0.6
    parts = [f"{doc.place}, ngày", "tháng" if month_hand else f"tháng {doc.day.month}", f"năm {doc.day.year}"]
    gap = 140
    total = sum(fi.getlength(p) for p in parts) + gap + (gap if month_hand else fi.getlength(" "))
    x = rx - total / 2
    xs = []
    for k, p in enumerate(parts):
        rboxes.append(c.text(x, y, p, fi))
        xs.append(x + fi.getlength(p))
        x += fi.getlength(p) + (gap if k == 0 or (k == 1 and month_hand) else fi.getlength(" "))
    right.append(" ".join(parts))
    _hand(c, str(doc.day.day), xs[0] + 10, y, gap - 20, rng, "day")
    if month_hand:
        _hand(c, str(doc.day.month), xs[1] + 10, y, gap - 20, rng, "month")
    y += row
    if doc.kind == "cong_van":  # a letter's summary sits under its number
        fs = _f("serif", 12)
        for line in wrap([(w, fs) for w in doc.summary.split()], lw * 0.95):
            text = " ".join(w for w, _ in line)
            lboxes.append(c.text(lx, y, text, fs, "ms"))
            left.append(text)
            y += fs.size * 1.2
    return ({"role": "header_left", "lines": left, "box": _union(lboxes)},
            {"role": "header_right", "lines": right, "box": _union(rboxes)}, y + 40)


def _hand(c: _Canvas, value: str, x: float, baseline: float, room: float, rng: np.random.Generator,
          what: str) -> None:
    mask = pen_mask(value, int(rng.uniform(46, 62)), rng)
    if mask.shape[1] > room * 1.4:  # a long number squeezes, as a hand does in a narrow blank
        scale = room * 1.4 / mask.shape[1]
        mask = cv2.resize(mask, (int(mask.shape[1] * scale), max(8, int(mask.shape[0] * scale))))
    mx = int(x + (room - mask.shape[1]) / 2 + rng.uniform(-12, 12))
    my = int(baseline - mask.shape[0] + rng.uniform(-4, 10))
    colour = INKS[int(rng.integers(len(INKS)))] if rng.random() < 0.5 else PEN_BLUE
    c.mark(mask, PEN_BLACK if c.pen == "black" else colour, mx, my, kind="handwriting", field=what, text=value)


# ---- body ------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Para:
    tokens: list[Token]
    align: str  # "justify" or "center"
    indent: float = 0.0
    before: float = 0.0  # extra space above, px


def _paragraphs(doc: Document, pt: float) -> list[_Para]:
    reg, bold, ital = _f("serif", pt), _f("serif-bold", pt), _f("serif-italic", pt)
    indent = 1.0 / 2.54 * 300  # 1 cm
    out: list[_Para] = []
    if doc.title:
        out.append(_Para([(w, _f("serif-bold", pt + 1)) for w in doc.title.split()], "center"))
        out.append(_Para([(w, bold) for w in doc.summary.split()], "center"))
    if doc.authority:
        out.append(_Para([(w, bold) for w in doc.authority.split()], "center", before=pt * 2.2))
    for clause in doc.bases:
        out.append(_Para([(w, ital) for w in clause.split()], "justify", indent, before=pt * 0.6))
    if doc.kind == "quyet_dinh":
        out.append(_Para([("QUYẾT", bold), ("ĐỊNH:", bold)], "center", before=pt * 1.4))
    if doc.addressee:
        lines = [f"Kính gửi: {doc.addressee[0]}"] if len(doc.addressee) == 1 else \
            ["Kính gửi:"] + [f"- {a};" for a in doc.addressee]
        for k, line in enumerate(lines):
            out.append(_Para([(w, reg) for w in line.split()], "center", before=pt * (1.2 if k == 0 else 0)))
    for lead, text in doc.paragraphs:
        out.append(_Para([(w, bold) for w in lead.split()] + [(w, reg) for w in text.split()], "justify",
                         indent, before=pt * 0.6))
    return out


def _lay_body(paras: list[_Para], width: float, pitch: float) -> tuple[list[tuple[float, _Para, list[Token],
                                                                                      bool, bool]], float]:
    """(y offset, paragraph, line tokens, first line, last line) per line, and the height used."""
    out = []
    y = 0.0
    for p in paras:
        y += p.before
        lines = wrap(p.tokens, width, p.indent if p.align == "justify" else 0.0)
        for k, line in enumerate(lines):
            out.append((y, p, line, k == 0, k == len(lines) - 1))
            y += pitch
    return out, y


def _shorten(doc: Document) -> bool:
    """One numbered point fewer (never an article, never the first or closing paragraph), else one sentence
    fewer in the longest paragraph; False when nothing is left to take."""
    points = [i for i, (lead, _) in enumerate(doc.paragraphs[1:-1], 1) if not lead.startswith("Điều")]
    if points:
        doc.paragraphs.pop(points[-1])
        numbered = iter(range(1, len(doc.paragraphs) + 1))  # the points left numbered 1, 2, 3… again
        doc.paragraphs = [(f"{next(numbered)}." if lead[:1].isdigit() else lead, text)
                          for lead, text in doc.paragraphs]
        return True
    k = max(range(len(doc.paragraphs)), key=lambda i: len(doc.paragraphs[i][1]))
    lead, text = doc.paragraphs[k]
    cut = text.rstrip(".").rfind(". ")
    if cut < 0:
        return False
    doc.paragraphs[k] = (lead, text[:cut + 1] + ("/." if text.endswith("/.") else ""))
    return True


def _body(c: _Canvas, doc: Document, y: float, room: float) -> tuple[dict, float]:
    x0, x1 = LEFT, WIDTH - RIGHT
    width = x1 - x0
    for pt in (14, 13.5, 13, 12.5, 12):
        paras = _paragraphs(doc, pt)
        pitch = pt * PT * 1.32
        laid, used = _lay_body(paras, width, pitch)
        if used <= room:
            break
    while used > room and _shorten(doc):
        laid, used = _lay_body(paras := _paragraphs(doc, pt), width, pitch)
    lines: list[str] = []
    boxes: list[Box] = []
    for dy, p, tokens, first, last in laid:
        base = y + dy + pt * PT
        text = " ".join(w for w, _ in tokens)
        widths = [f.getlength(w) for w, f in tokens]
        if p.align == "center":
            x = (x0 + x1) / 2 - (sum(widths) + sum(f.getlength(" ") for _, f in tokens[1:])) / 2
            space = [f.getlength(" ") for _, f in tokens]
        else:
            x = x0 + (p.indent if first else 0.0)
            natural = [f.getlength(" ") for _, f in tokens]
            spare = (x1 - x) - sum(widths) - sum(natural[1:])
            extra = 0.0 if last or len(tokens) < 2 else spare / (len(tokens) - 1)
            space = [s + extra for s in natural]
        for (w, f), wd, sp in zip(tokens, widths, space, strict=True):
            boxes.append(c.text(x, base, w, f))
            x += wd + sp
        lines.append(text)
        if p.align == "center" and doc.title and tokens == p.tokens and p is paras[1] and last:
            half = (x1 - x0) / 8
            c.draw.line(((x0 + x1) / 2 - half, base + 34, (x0 + x1) / 2 + half, base + 34), fill=INK, width=3)
    return {"role": "body", "lines": lines, "box": _union(boxes)}, y + used


# ---- footer ----------------------------------------------------------------------------------------------------
FOOTER_INK = 360  # room for signature and seal between the signer's title and name


def _footer_height(doc: Document) -> float:
    right = len(doc.signer) * 54 * 1.3 + FOOTER_INK + 70
    left = 50 * 1.4 + len(doc.receivers) * 46 * 1.25
    return max(right, left) + 40


def _footer(c: _Canvas, doc: Document, y: float, rng: np.random.Generator, overlap: float) -> tuple[dict, dict]:
    x0, x1 = LEFT, WIDTH - RIGHT
    left: list[str] = []
    lboxes: list[Box] = []
    label = _f("serif-bold-italic", 12)
    yl = y + label.size
    lboxes.append(c.text(x0, yl, "Nơi nhận:", label))
    left.append("Nơi nhận:")
    small = _f("serif", 11)
    for r in doc.receivers:
        yl += small.size * 1.25
        lboxes.append(c.text(x0, yl, f"- {r}", small))
        left.append(f"- {r}")
    rx = x0 + 0.7 * (x1 - x0)
    right: list[str] = []
    rboxes: list[Box] = []
    sf = _f("serif-bold", 13)
    yr = y + sf.size
    for line in doc.signer:
        rboxes.append(c.text(rx, yr, line, sf, "ms"))
        right.append(line)
        yr += sf.size * 1.3
    ink_top = yr - sf.size * 0.6
    name_y = ink_top + FOOTER_INK
    rboxes.append(c.text(rx, name_y, doc.name, sf, "ms"))
    right.append(doc.name)
    sig = signature_mask(rng, width=int(rng.uniform(380, 480)), height=int(rng.uniform(160, 210)))
    sx = int(rx - sig.shape[1] / 2 + rng.integers(-40, 40))
    sy = int(ink_top + (FOOTER_INK - sig.shape[0]) / 2 + rng.integers(-25, 20))
    c.mark(sig, PEN_BLUE if rng.random() < 0.8 else INK, sx, sy, kind="signature", text="")
    seal = stamp_mask(doc.seal, rng, diameter=int(rng.uniform(400, 450)))
    d = seal.shape[0]
    # Usual place: over the signature's left third; a careless hand moves it up over the title lines.
    scx = sx + rng.integers(-20, 70)
    title_mid = (y + ink_top) / 2
    scy = (ink_top + FOOTER_INK / 2) - overlap * (ink_top + FOOTER_INK / 2 - title_mid)
    c.mark(seal, STAMP_RED, int(scx - d / 2), int(scy - d / 2 + rng.integers(-20, 20)), kind="seal",
           text=doc.seal.replace(" * ", " ").strip(" *"))
    return ({"role": "footer_left", "lines": left, "box": _union(lboxes)},
            {"role": "footer_right", "lines": right, "box": _union(rboxes)})


# ---- the receiving office's stamp ---------------------------------------------------------------------------
def _receipt(c: _Canvas, doc: Document, rng: np.random.Generator, near: Box) -> None:
    """A rectangular "ĐẾN" stamp (red or purple) with the number and date the clerk writes in by hand."""
    w, h = int(rng.uniform(560, 640)), int(rng.uniform(250, 290))
    img = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(img)
    d.rectangle((4, 4, w - 5, h - 5), outline=255, width=6)
    top = _fit("sans-bold", 7.5, doc.receiver_office, w - 40)
    d.text((w / 2, 48), doc.receiver_office, font=top, fill=255, anchor="ms")
    big = font("sans-bold", 66)
    d.text((28, h * 0.72), "ĐẾN", font=big, fill=255, anchor="ls")
    small = font("sans-bold", 30)
    col = 28 + big.getlength("ĐẾN") + 30
    rows = (("Số:", h * 0.45), ("Ngày:", h * 0.68), ("Chuyển:", h * 0.91))
    for label, yy in rows:
        d.text((col, yy), label, font=small, fill=255, anchor="ls")
        d.line((col + small.getlength(label) + 8, yy + 4, w - 24, yy + 4), fill=255, width=2)
    mask = np.asarray(img, dtype=np.float32) / 255.0
    low = cv2.resize(rng.random((6, 8), dtype=np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    mask *= np.clip(0.55 + 0.5 * low, 0, 1) * (rng.random((h, w), dtype=np.float32) > 0.1)
    turned = Image.fromarray((mask * 255).astype(np.uint8)).rotate(float(rng.uniform(-7, 7)), expand=True,
                                                                   resample=Image.BILINEAR)
    mask = np.asarray(turned.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32) / 255.0 * 0.9
    # Stamped in the top-left corner, often over the issuing body's block or its number.
    x = int(rng.uniform(LEFT - 200, near[0] + 120))
    y = int(rng.uniform(near[1] + 30, near[3] - 40))
    color = STAMP_RED if rng.random() < 0.5 else STAMP_PURPLE
    c.mark(mask, color, x, y, kind="stamp", text=f"{doc.receiver_office} ĐẾN Số: Ngày: Chuyển:")
    ox, oy = x + (mask.shape[1] - w) / 2, y + (mask.shape[0] - h) / 2  # the unrotated box inside the turned one
    got = doc.received
    for (label, yy), value, what in zip(rows, (str(doc.received_number), f"{got.day}/{got.month}/{got.year}"),
                                        ("received_number", "received_date"), strict=False):
        _hand(c, value, ox + col + small.getlength(label) + 14, oy + yy, w - col - small.getlength(label) - 60,
              rng, what)


# ---- the page --------------------------------------------------------------------------------------------------
def _box_of(mask: np.ndarray, x: int, y: int) -> Box:
    ys, xs = np.nonzero(mask > 0.15)
    return (x + int(xs.min()), y + int(ys.min()), x + int(xs.max()) + 1, y + int(ys.max()) + 1)


def draw_page(doc: Document, rng: np.random.Generator, overlap: float, pen: str | None = None
              ) -> tuple[Image.Image, list[dict], list[dict]]:
    """The clean 300 dpi page: the image, its text blocks in reading order, and its ink regions (``pen``:
    "black" for handwritten values in black ink only, else pens drawn at random)."""
    c = _Canvas(pen)
    hl, hr, y = _header(c, doc, rng)
    room = HEIGHT - BOTTOM - _footer_height(doc) - y
    body, y = _body(c, doc, y, room)
    fl, fr = _footer(c, doc, y + 50, rng, overlap)
    _receipt(c, doc, rng, hl["box"])
    pixels = np.asarray(c.image).copy()
    regions = []
    for mask, color, x, yy, region in c.marks:
        apply_ink(pixels, mask, color, x, yy)
        bx = _box_of(mask, x, yy)
        region["box"] = (max(0, bx[0]), max(0, bx[1]), min(WIDTH, bx[2]), min(HEIGHT, bx[3]))
        regions.append(region)
    return Image.fromarray(pixels), [hl, hr, body, fl, fr], regions

"""``ocr_page``: one page image → text, words, confidence and a one-page PDF of its invisible text (ocr.searchable
puts the scan under it).

Stages: seals, signatures and frames washed out → upright → deskewed → rules erased → Tesseract on the grey
image; only when that reads poorly is the cleaned (binarised) variant tried too, and the better one by mean
confidence wins. Each variant is OCR'd by one Tesseract run that yields its words; what a seal
still dark in the image covers (a signer's title on a black-and-white copy) is read once more on its own
(ocr.under_seal), and so are lines of print the read left out (ocr.unread) and dates read without their
slashes (ocr.broken_dates). The words are then put in reading
order (ocr.layout: two-column headers and signature blocks, garbage dropped) and their diacritics
post-corrected (ocr.correct). The PDF is the page in Tesseract's invisible font (ocr.searchable.text_layer), which
the words are drawn in when the page is stored. Opt-in (``Settings.ocr_reread_lines``): a poor page's doubtful
lines are read once more (ocr.reread).
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image

from domain.errors import OcrTimeout, PageFailed
from domain.settings import Settings
from ocr import marks, preprocess, specks
from ocr.broken_dates import reread_dates
from ocr.correct import correct_words
from ocr.date_blanks import written_dates
from ocr.date_line import date_words
from ocr.doc_title import document_title
from ocr.heading import columns_apart, heading, without_stops
from ocr.layout import reading_order
from ocr.marks import Mark
from ocr.number_line import number_code, number_line, pen_numbers, subject_label
from ocr.preprocess import UNEVEN_ABOVE, Rules, unevenness  # above it, the cleaned variant is read first
from ocr.reread import reread_lines, wanted
from ocr.searchable import text_layer
from ocr.signer_block import without_debris
from ocr.tesseract import TIMED_OUT, run_tesseract
from ocr.titles import signer_titles
from ocr.under_seal import read_covered, wash_pale_marks
from ocr.unit_names import respelled_units
from ocr.unread import read_unread
from ocr.words import Word, mean_confidence, page_text, surely_read

# Below this mean confidence the grey variant is thought poor and the cleaned variant is tried as well.
RETRY_BELOW = 0.80
# Below this the page is also read upside down (a right-way-up page of text reads far above it).
FLIP_BELOW = 0.55
# Output guards.
MIN_WORDS = 3
MIN_ALNUM_SHARE = 0.6
MIN_CONFIDENCE = 0.40
# A page with fewer confident words than this is also read in its cleaned variant (forms carry 150–300).
FULL_PAGE_WORDS = 60
# …and above this density of toner specks (``specks.speckled``) too: an evenly lit photocopy (a phone photo of one,
# its light evened by ingest.photo, or a copy scanned without shadow), whose specks the grey read takes for
# punctuation and stray words and the cleaned variant takes off. Half-way (geometric) between the most speckled
# page of the tuning sets that is no speckled copy (14, a moderate form) and the least speckled of the tuning
# copies photographed (46; bench accuracy --scan photo, docs/benchmarks.md).
SPECKLED_ABOVE = 25.0
# A band read turned must beat the page's confidence by this much for the page to be read upside down.
TURNED_MARGIN = 0.15
# A page fewer pixels than this a side holds no letter (one needs ten or so), and the levelling's quarter-size
# copy of a one- or two-pixel image is empty (OpenCV raised, and the page failed as an unexpected error).
MIN_PAGE_SIDE = 8


@dataclass(slots=True)
class PageOcr:
    """OCR of one page. ``words`` boxes are in the coordinates of the upright, deskewed image that was read
    (``width`` × ``height``); ``rotation`` is the clockwise turn (0/90/180/270) applied to make it upright."""

    text: str
    confidence: float
    words: list[Word] = field(default_factory=list)
    pdf: bytes | None = None  # the page's text layer (ocr.searchable.text_layer), when asked for
    variant: str = "gray"
    rotation: int = 0
    angle: float = 0.0  # the skew undone after the quarter turn (ocr.searchable places the scan by both)
    width: int = 0
    height: int = 0
    # Rules found (and erased before OCR) in the image read: the rows and columns of a register's table.
    rules: Rules = field(default_factory=Rules)
    # Confident words (conf ≥ 0.6, two letters or digits) in what Tesseract read, before clean-up.
    read_words: int = 0
    # Seals, stamps, signatures and handwriting kept out of the text, flagged (ocr.marks).
    marks: list[Mark] = field(default_factory=list)


def _read(grey: np.ndarray, variant: str, rotation: int, settings: Settings, deadline: float,
          dpi: int, rules: Rules, found: list[Mark], source: np.ndarray) -> PageOcr:
    """Read ``grey`` (``source``, the upright grey page, binarised when ``variant`` is "otsu"; ``found``: the marks
    set aside on it)."""
    img = Image.fromarray(grey)
    if variant == "otsu":
        img = img.convert("1")  # 1-bit (lossless: the variant is black and white): an eighth of the TIFF to write
    out = run_tesseract(img, lang=settings.ocr_lang, timeout_s=deadline - time.monotonic(), want_pdf=False, dpi=dpi)
    read = out.words
    # The page's confidence is that of everything Tesseract read, garbage included: it ranks the variants
    # (grey, binarised, upside down), and a variant that read mostly garbage must not win because the
    # clean-up below left it only a few good words.
    confidence = mean_confidence(read)
    real = sum(1 for w in read if surely_read(w))
    # Read again, the PDF's text layer staying the page read's: what a seal or stamp left dark covers
    # (ocr.under_seal), then lines of print the read left out (ocr.unread).
    read = read_covered(grey, read, found, settings.ocr_lang, deadline, dpi, source)
    read = read_unread(grey, read, found, settings.ocr_lang, deadline, dpi, rules)
    read = reread_dates(grey, read, settings.ocr_lang, deadline, dpi)  # "1612202" read alone: "16/12/2022"
    # (the dots an ellipsis holds past its first are specks to the binarised variant's despeckling: the grey page)
    read = specks.unprinted(source, specks.ellipses(source, specks.speck_colons(grey, read)))
    words = arranged(read, found, grey)
    correct_words(words)
    # (after the correction: a date's words mended before it would change the page's share of unknown words,
    # which sets how boldly every other word is corrected)
    words = date_words(words)
    words = respelled_units(subject_label(number_code(document_title(without_stops(heading(words))))))
    return PageOcr(text=page_text(words), confidence=confidence, words=words,
                   variant=variant, rotation=rotation, width=grey.shape[1], height=grey.shape[0], rules=rules,
                   read_words=real)


def arranged(read: list[Word], found: list[Mark], grey: np.ndarray | None = None) -> list[Word]:
    """The read's words in reading order (``ocr.layout``; the header's columns put apart where they were read row
    by row across both, ``heading.columns_apart``), the signer's titles and the number line mended
    (``ocr.titles``, ``ocr.number_line``), what a seal or signature left under the signer's title dropped
    (``ocr.signer_block``), those set aside on the marks ``found`` dropped first
    (``marks.set_aside``): what the page's text leaves out takes no part in its layout or its correction. A stamp's
    label read beside the title ("Chế." at 0.00) made a piece of its own there, a seal's lettering beside a title
    line a column, and both counted in the share of unknown words that sets how boldly a page is corrected.
    ``grey``: the page read, whose ink in a gap between words makes it no gutter (``layout.reading_order``)."""
    kept = marks.set_aside(read, found)
    stamps = [(m.left, m.top, m.width, m.height) for m in found if m.kind == marks.STAMP]
    return number_line(without_debris(signer_titles(columns_apart(reading_order(kept, stamps, grey)))))


def check_output(page: PageOcr) -> None:
    """Raise PageFailed when the OCR result is empty or garbage rather than text."""
    real = [w for w in page.words if any(ch.isalnum() for ch in w.text)]
    if len(real) < MIN_WORDS:
        raise PageFailed("Không đọc được chữ trên trang (trang trắng hoặc ảnh quá mờ)", code="empty_output")
    chars = [ch for ch in page.text if not ch.isspace()]
    share = sum(ch.isalnum() for ch in chars) / len(chars)
    if share < MIN_ALNUM_SHARE:
        raise PageFailed("Kết quả OCR phần lớn là ký hiệu, không phải chữ", code="garbage_output")
    if page.confidence < MIN_CONFIDENCE:
        raise PageFailed(f"Kết quả OCR không đáng tin cậy (độ tin cậy {page.confidence:.0%})",
                         code="garbage_output")


def _score(page: PageOcr) -> float:
    """Mean confidence, discounted when the variant read little text: a dark, shadowed photocopy can yield a
    handful of confident words from its grey image and a full page from its binarised one."""
    try:
        check_output(page)
    except PageFailed:
        return -1.0 + page.confidence
    return page.confidence * min(1.0, page.read_words / FULL_PAGE_WORDS)


def prepare(image: Image.Image) -> tuple[np.ndarray, int, Rules]:
    """Grey, stamp-free, upright, deskewed, rule-free image; the rotation applied; where the rules were."""
    prepared = prepare_marked(image)
    return prepared.grey, prepared.rotation, prepared.rules


class Prepared(NamedTuple):
    grey: np.ndarray
    rotation: int  # clockwise, 0 or 90 (a half turn is ocr_page's to find)
    rules: Rules
    marks: list[Mark]
    angle: float  # the skew undone after the turn, degrees counter-clockwise


def prepare_marked(image: Image.Image) -> Prepared:
    """``prepare``, and the seals, stamps, signatures and handwriting set aside (ocr.marks), in the coordinates
    of the image returned."""
    if image.mode in ("L", "1"):  # a grey or black-and-white scan: no colour to look for, and no RGB copy of its
        grey = np.array(image if image.mode == "L" else image.convert("L"))  # nine million pixels
        bitonal, grey, found = preprocess.two_valued(grey), preprocess.levelled(grey), []
    else:
        rgb = preprocess.to_rgb_array(image)
        bitonal, rgb = preprocess.two_valued(rgb), preprocess.levelled(rgb)
        quarter_of = functools.cache(functools.partial(preprocess.quarter, rgb))  # for both, if either looks
        found = marks.colour_marks(rgb, quarter_of)
        grey = marks.wash_pen(preprocess.suppress_stamps(rgb, quarter_of), rgb, found)
    shape = grey.shape
    binary = preprocess.small_binary(grey)  # made once for the sideways check and the skew search
    grey, rotation, angle = preprocess.straightened(grey, binary)
    found = marks.moved(found, shape, rotation, angle)
    framed = grey
    grey, rules = preprocess.remove_rules(grey)
    grey, inked = marks.ink_marks(grey, found)
    # A receipt stamp's frame is four straight rules: erased with the page's, its box was not found (a grey copy).
    worn = not found and not rules.columns  # no colour to find the marks by, no table whose cells are boxes
    every = found + inked + marks.framed_stamps(framed, found + inked, worn)
    # A grey scan or copy: a pale stamp washed by its grey, as colour washes a colour scan's … and a pale seal, but
    # on a speckled copy (a phone photo of one passes the sharpness gate): its toner seal washed, the page's read
    # changed for the worse (bench accuracy --scan photo, session 57). A black-and-white scan has no pale ink.
    if not found and not bitonal:
        seals = any(m.kind == marks.SEAL for m in every) and specks.speckled(grey) <= SPECKLED_ABOVE
        grey = wash_pale_marks(grey, every, framed, seals)
    if bitonal:  # a stamp as black as print: its frame drawn through the header's words (a grey one is washed)
        grey = marks.erase_frames(grey, [m for m in every if m.kind == marks.STAMP])
        # … and a copier's shading, dithered to dots, made grey again (not a seal's or stamp's dense ink)
        grey = preprocess.descreened(grey, [(m.left, m.top, m.width, m.height) for m in every
                                            if m.kind in (marks.SEAL, marks.STAMP)])
    return Prepared(grey, rotation, rules, every, angle)


def turned_reads_better(grey: np.ndarray, variant: str, confidence: float, settings: Settings, deadline: float,
                        dpi: int) -> bool:
    """Is a page that read at ``confidence`` upside down? A band of it (the middle third) is read turned: text
    the right way up reads far more confidently (≈0.9) than upside down (≈0.3–0.45), and a poor page's low
    confidence is no sign of either. A third of a run, where the whole page read turned cost a full one."""
    h = grey.shape[0]
    band = cv2.rotate(grey[h // 3:2 * h // 3], cv2.ROTATE_180)
    img = Image.fromarray(preprocess.cleaned(band) if variant == "otsu" else band)
    out = run_tesseract(img, lang=settings.ocr_lang, timeout_s=deadline - time.monotonic(), want_pdf=False, dpi=dpi)
    return mean_confidence(out.words) > confidence + TURNED_MARGIN


def _enough(page: PageOcr) -> bool:
    """A read good enough that the other variant is not tried: a full page of words at a fair confidence. The
    binarised variant of a shadowed page reads 0.5–0.85; its grey variant, which Tesseract binarises globally,
    then reads next to nothing (measured on generated forms and register pages), so a full page of words at the
    output guard's confidence is enough there."""
    bar = RETRY_BELOW if page.variant == "gray" else MIN_CONFIDENCE
    return page.confidence >= bar and page.read_words >= FULL_PAGE_WORDS


def ocr_page(image: Image.Image, settings: Settings, *, want_pdf: bool = True) -> PageOcr:
    if min(image.size) < MIN_PAGE_SIDE:
        raise PageFailed(f"Trang quá nhỏ để đọc: {image.width}×{image.height} điểm ảnh", code="page_too_small")
    started = time.monotonic()
    deadline = started + settings.ocr_timeout_s
    dpi = int(round(image.info.get("dpi", (settings.dpi,))[0] or settings.dpi))
    grey, rotation, rules, found, angle = prepare_marked(image)
    if time.monotonic() >= deadline:
        raise OcrTimeout(TIMED_OUT)

    images: dict[tuple[str, int], np.ndarray] = {}  # the image each read was made from, by variant and rotation

    def read(variant: str, flipped: bool = False) -> PageOcr:
        g, turn, r = grey, rotation, rules
        if flipped:
            g, turn, r = cv2.rotate(grey, cv2.ROTATE_180), (rotation + 180) % 360, \
                rules.flipped(grey.shape[1], grey.shape[0])
        img = images[variant, turn] = preprocess.cleaned(g) if variant == "otsu" else g
        return _read(img, variant, turn, settings, deadline, dpi, r,
                     marks.flipped(found, g.shape[1], g.shape[0]) if flipped else found, g)

    # Tesseract binarises the grey image globally, which fails under shadows (a dark photocopy's grey image
    # reads nothing at all); there the background-flattened, binarised variant is read first, and most often
    # alone, as on a speckled copy. Elsewhere the grey one is, and the binarised one only when it reads poorly.
    cleaned_first = unevenness(grey) > UNEVEN_ABOVE or specks.speckled(grey) > SPECKLED_ABOVE
    order = ("otsu", "gray") if cleaned_first else ("gray", "otsu")
    best = read(order[0])
    if best.confidence < FLIP_BELOW and turned_reads_better(grey, order[0], best.confidence, settings, deadline,
                                                             dpi):  # upside down (or turned 270°, not 90°)?
        other = read(order[0], flipped=True)
        # Turned only for a read that passes the output checks: a page that read nothing must not be turned
        # because, upside down, it read a few specks at a higher confidence.
        if _score(other) > max(0.0, _score(best)):
            best = other
    if not _enough(best):
        best = max(best, read(order[1], flipped=best.rotation != rotation), key=_score)
    if best.rotation != rotation:
        found = marks.flipped(found, best.width, best.height)
    best.words, written = written_dates(best.words)
    best.words, pen = pen_numbers(best.words)
    found = found + written + pen
    best.text = page_text(best.words)
    check_output(best)
    if settings.ocr_reread_lines and wanted(best.variant, best.confidence):
        # Opt-in: doubtful lines of a poor page read once more (ocr.reread).
        best = reread_lines(best, images[best.variant, best.rotation], settings.ocr_lang, deadline, dpi, started)
    best.marks, best.angle = found, angle
    if want_pdf:
        best.pdf = text_layer(best.width, best.height, dpi=dpi, lang=settings.ocr_lang)
    return best

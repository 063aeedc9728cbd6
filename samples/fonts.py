"""Fonts with Vietnamese glyphs: Liberation Serif (metric twin of Times New Roman, the font of official
forms), else DejaVu, else the platform's Times New Roman / Arial; and handwriting fonts for handwritten
registers, from the npm packages scripts/bootstrap.sh installs into the cache (optional)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/liberation-serif"),
    Path("/usr/share/fonts/liberation-sans"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
    Path("C:/Windows/Fonts"),
)
# Candidates per style, best first.
_FILES = {
    "serif": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf", "Times New Roman.ttf", "times.ttf"),
    "serif-bold": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf", "Times New Roman Bold.ttf", "timesbd.ttf"),
    "serif-italic": (
        "LiberationSerif-Italic.ttf",
        "DejaVuSerif-Italic.ttf",
        "Times New Roman Italic.ttf",
        "timesi.ttf",
    ),
    "serif-bold-italic": (
        "LiberationSerif-BoldItalic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
        "Times New Roman Bold Italic.ttf",
        "timesbi.ttf",
    ),
    "sans-bold": ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"),
}


class FontNotFound(RuntimeError):
    """No TrueType font with Vietnamese glyphs was found; install fonts-liberation2 or fonts-dejavu."""


@cache
def font_path(style: str) -> Path:
    for name in _FILES[style]:
        for d in _DIRS:
            if (d / name).is_file():
                return d / name
    raise FontNotFound(f"no font for style {style!r}: install fonts-liberation2 or fonts-dejavu")


@lru_cache(maxsize=256)
def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), size)


# Handwriting-like families whose Vietnamese subset covers every letter (Caveat's does not: no ơ, ư, ạ…).
HAND_FAMILIES = ("patrick-hand", "dancing-script")
# Every Vietnamese letter with its diacritics, both cases: a family lacking one of them is not used.
VIETNAMESE_LETTERS = "".join(
    sorted(set((s := "ẠẢÃÀÁÂẬẨẪẦẤĂẶẲẴẰẮÊỆỂỄỀẾẸẺẼÈÉÌÍỊỈĨÒÓỌỎÕÔỘỔỖỒỐƠỢỞỠỜỚÙÚỤỦŨƯỰỬỮỪỨỲÝỴỶỸĐ") + s.lower()))
)


@dataclass(frozen=True, slots=True)
class HandFont:
    """One handwriting family as Fontsource ships it: a file per subset, each for a range of code points."""

    family: str
    subsets: tuple[tuple[Path, tuple[tuple[int, int], ...]], ...]  # (file, code point ranges), Vietnamese first

    def file_for(self, ch: str) -> Path:
        cp = ord(ch)
        for path, ranges in self.subsets:
            if any(lo <= cp <= hi for lo, hi in ranges):
                return path
        return self.subsets[-1][0]  # latin: whatever it draws for an unexpected character

    def covers(self, text: str) -> bool:
        return all(any(lo <= ord(ch) <= hi for _, ranges in self.subsets for lo, hi in ranges) for ch in text)

    def font(self, ch: str, size: int) -> ImageFont.FreeTypeFont:
        return _font_file(self.file_for(ch), size)


@lru_cache(maxsize=512)
def _font_file(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _ranges(spec: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in spec.split(","):
        lo, _, hi = part.strip().removeprefix("U+").partition("-")
        out.append((int(lo, 16), int(hi or lo, 16)))
    return tuple(out)


def fonts_cache() -> Path:
    """Where bootstrap installs the npm font packages (the same place as the rest of Sohoa's cache)."""
    return Path(os.environ.get("SOHOA_CACHE") or Path.home() / ".cache" / "sohoa") / "fonts"


def hand_fonts(root: Path | None = None) -> tuple[HandFont, ...]:
    """The installed handwriting families that have every Vietnamese letter; empty when none is installed."""
    base = (root or fonts_cache()) / "node_modules" / "@fontsource"
    found = []
    for family in HAND_FAMILIES:
        folder = base / family
        try:
            ranges = json.loads((folder / "unicode.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        subsets = tuple(
            (folder / "files" / f"{family}-{name}-400-normal.woff", _ranges(ranges[name]))
            for name in ("vietnamese", "latin-ext", "latin") if name in ranges
        )
        hand = HandFont(family, subsets)
        if all(p.is_file() for p, _ in subsets) and hand.covers(VIETNAMESE_LETTERS):
            found.append(hand)
    return tuple(found)

"""Fonts with Vietnamese glyphs: Liberation Serif (metric twin of Times New Roman, the font of official
forms), else DejaVu, else the platform's Times New Roman / Arial."""

from __future__ import annotations

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

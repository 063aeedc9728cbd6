"""A scanned stack cut into books at its separator sheets, each book written out as files of its own.

Pages before the first sheet form a book with no metadata of its own (the watcher's defaults apply); the
sheets themselves belong to no book. Files are cut without re-encoding where possible: a PDF with pikepdf
(pages copied as they are), a multi-page TIFF frame by frame (lossless), a single image taken whole. Output is
byte-for-byte the same for the same input (deterministic PDF ids), so a stack taken again gives the same
page ids and adds nothing.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pikepdf
from PIL import Image

from domain.errors import InputRejected
from domain.settings import Settings
from ingest import SourceFile, render_page
from ingest.sources import PDF, TIFF
from workers.batches import BatchMeta

from . import separator


@dataclass(frozen=True)
class PageRef:
    source: SourceFile
    number: int  # 1-based, within the source file


@dataclass
class Book:
    meta: BatchMeta | None  # None: the pages before any sheet
    sheet: str | None = None  # where its sheet was, for messages
    pages: list[PageRef] = field(default_factory=list)


def _low_res(src: SourceFile, number: int, settings: Settings) -> Image.Image:
    # The pixel-limit checks of a normal render, at a resolution that is enough for the code and cheap.
    return render_page(src.path, src.media_type, number, settings.model_copy(update={"dpi": separator.SCAN_DPI}))


def find_books(sources: list[SourceFile], settings: Settings) -> list[Book] | None:
    """Books in page order, or None when the stack has no separator sheet (then it is one book as it is)."""
    books = [Book(None)]
    for src in sources:
        for number in range(1, src.page_count + 1):
            try:
                meta = separator.read_page(_low_res(src, number, settings))
            except InputRejected as exc:
                if exc.code.startswith("separator"):
                    raise InputRejected(f"{src.name}, trang {number}: {exc.message}", code=exc.code) from None
                meta = None  # a page that does not render fails in the pipeline, with its reason
            if meta is None:
                books[-1].pages.append(PageRef(src, number))
            else:
                books.append(Book(meta, f"{src.name}, trang {number}"))
    if len(books) == 1:
        return None
    return [b for b in books if b.meta is not None or b.pages]


def _pdf_pages(src: SourceFile, numbers: list[int], dest: Path) -> None:
    with pikepdf.open(src.path) as pdf, pikepdf.new() as out:
        for n in numbers:
            out.pages.append(pdf.pages[n - 1])
        out.save(dest, deterministic_id=True)


def _tiff_frames(src: SourceFile, numbers: list[int], dest: Path) -> None:
    with Image.open(src.path) as im:
        frames = []
        for n in numbers:
            im.seek(n - 1)
            frames.append(im.copy())
    bilevel = all(f.mode == "1" for f in frames)
    options = {"dpi": frames[0].info["dpi"]} if "dpi" in frames[0].info else {}
    frames[0].save(dest, format="TIFF", save_all=True, append_images=frames[1:],
                   compression="group4" if bilevel else "tiff_lzw", **options)


def write_book(book: Book, folder: Path) -> list[Path]:
    """The book's pages as files in ``folder``, in order: one file per run of pages from the same source."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    runs = groupby(book.pages, key=lambda p: p.source)
    for i, (src, refs) in enumerate(runs, 1):
        numbers = [r.number for r in refs]
        base = Path(src.name.replace("!", "/")).name
        if numbers == list(range(1, src.page_count + 1)):
            dest = folder / f"{i:03d}-{base}"
            shutil.copyfile(src.path, dest)  # the whole file: the very same bytes as the original
        else:
            stem, suffix = Path(base).stem, Path(base).suffix
            dest = folder / f"{i:03d}-{stem}-tr{numbers[0]}-{numbers[-1]}{suffix}"
            if src.media_type == PDF:
                _pdf_pages(src, numbers, dest)
            elif src.media_type == TIFF:
                _tiff_frames(src, numbers, dest)
            else:  # JPEG and PNG are one page each, always whole
                raise AssertionError(f"cannot cut {src.media_type}")
        written.append(dest)
    return written

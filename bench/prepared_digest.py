"""Is what Tesseract receives unchanged? A digest of ``ocr.page.prepare_marked``'s output (the grey image handed
to Tesseract, the rotation, the rules, the marks set aside) for every page of ``bench accuracy --quick`` and of
``bench ocr_throughput``'s moderate and poor books, written once and compared after a change made for speed:

    uv run python -m bench.prepared_digest --save before.json      # on the commit before the change
    uv run python -m bench.prepared_digest --against before.json   # after it: every page the same, or which not

The page images are made once and kept in ``--cache`` (PNG, lossless), so the second run pays only the clean-up.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from PIL import Image


def _accuracy_pages() -> dict[str, Image.Image]:
    from bench.accuracy import LEVELS, NOMVN, REGISTERS, SEED, TEMPLATE_RUNS, TYPES, _office_scan, _prose_dir
    from bench.common import as_scanned
    from samples import render_pages
    from samples.official import official_pages
    from samples.register_book import register_pages

    out: dict[str, Image.Image] = {}
    if (NOMVN / "metadata.jsonl").exists():
        metas = [json.loads(x) for x in (NOMVN / "metadata.jsonl").read_text(encoding="utf-8").splitlines()]
        for m in metas[::max(1, len(metas) // 4)][:4]:
            out[f"nomvn-{Path(m['image']).stem}"] = Image.open(NOMVN / m["image"])
    for t in TYPES:
        for lv in LEVELS:
            for k, page in enumerate(render_pages(t, 1, SEED, lv)):
                out[f"form-{t}-{lv}-{k}"] = as_scanned(page.image)
    for t in REGISTERS:
        for lv in LEVELS:
            for k, page in enumerate(register_pages(t, 2, SEED, lv)):
                out[f"register-{t}-{lv}-{k}"] = as_scanned(page.image)
    for split, seed, mix in TEMPLATE_RUNS:
        page = next(official_pages(1, seed, mix, _prose_dir(), start=0))
        out[f"official-{split.replace(' ', '-')}"] = _office_scan(page.image)
    return out


def _book_pages(work: Path) -> dict[str, Image.Image]:
    from bench.ocr_throughput import prepare

    out: dict[str, Image.Image] = {}
    for degradation, pages in (("moderate", 12), ("poor", 3)):
        _, images = prepare(work / degradation, pages, degradation)
        out.update({f"book-{degradation}-{p.stem}": Image.open(p) for p in images})
    return out


def inputs(cache: Path) -> dict[str, Path]:
    """The page images, made and saved to ``cache`` the first time."""
    if not (cache / "done").exists():
        cache.mkdir(parents=True, exist_ok=True)
        for name, image in {**_accuracy_pages(), **_book_pages(cache / "work")}.items():
            image.save(cache / f"{name}.png", compress_level=1)
        (cache / "done").touch()
    return {p.stem: p for p in sorted(cache.glob("*.png"))}


def digest(path: Path) -> dict:
    from ocr.page import prepare_marked

    image = Image.open(path)
    image.load()
    grey, rotation, rules, marks, _angle = prepare_marked(image)
    return {"grey": hashlib.sha256(grey.tobytes()).hexdigest()[:16] + f" {grey.shape}", "rotation": rotation,
            "rules": repr(rules), "marks": repr(marks)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench.prepared_digest")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "sohoa-prepared-pages")
    ap.add_argument("--save", type=Path, help="write the digests here")
    ap.add_argument("--against", type=Path, help="compare with digests saved before")
    args = ap.parse_args(argv)
    pages = inputs(args.cache)
    start = time.process_time()
    got = {name: digest(path) for name, path in pages.items()}
    print(f"{len(got)} pages prepared, {(time.process_time() - start) / len(got):.3f} CPU s/page")
    if args.save:
        args.save.write_text(json.dumps(got, indent=1, ensure_ascii=False))
    if args.against:
        want = json.loads(args.against.read_text())
        differ = [n for n in want if got.get(n) != want[n]] + [n for n in got if n not in want]
        for n in differ:
            print(f"DIFFERENT {n}: {want.get(n)} → {got.get(n)}")
        print(f"{len(got) - len(differ)} of {len(got)} pages the same")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()

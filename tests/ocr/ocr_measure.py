"""Measure CER and time per page: our ocr_page (psm 3/4/6) vs plain `tesseract -l vie`.

    .venv/bin/python tests/ocr/ocr_measure.py [--psm 4,6,3] [--nomvn N]

Not a test: prints a table for the OCR report.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2]), str(Path(__file__).parent)]

from ocr_render import add_stamp, degrade, render_birth  # noqa: E402

from domain.settings import Settings  # noqa: E402
from ocr import tesseract as tess_mod  # noqa: E402
from ocr.page import ocr_page  # noqa: E402

NOMVN = Path("/work/shared/data/ocr_forms_nomvn")


def cer(hyp: str, ref: str) -> float:
    hyp, ref = (" ".join(unicodedata.normalize("NFC", t).split()) for t in (hyp, ref))
    prev = list(range(len(ref) + 1))
    for i, a in enumerate(hyp, 1):
        cur = [i]
        for j, b in enumerate(ref, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return prev[-1] / max(1, len(ref))


def plain(image) -> tuple[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "p.png"
        image.save(src)
        t = time.monotonic()
        out = subprocess.run(["tesseract", str(src), "-", "-l", "vie"], capture_output=True, check=True)
        return out.stdout.decode(), time.monotonic() - t


def pages(n_nomvn: int):
    base = render_birth()
    yield "rendered/clean", base.image, base.text
    yield "rendered/stamp+skew2+noise", degrade(add_stamp(base.image, (1700, 900)), angle=2.0, noise=10), base.text
    yield "rendered/blur+skew-1", degrade(base.image, angle=-1.0, blur=1.6, noise=6, seed=1), base.text
    if NOMVN.is_dir():
        from PIL import Image
        recs = [json.loads(line) for line in (NOMVN / "metadata.jsonl").read_text().splitlines()]
        recs.sort(key=lambda r: ("old_photocopy" not in r["gen_method"], r["doc_id"]))
        for r in recs[:n_nomvn]:
            yield f"nomvn/{r['doc_id']}:{r['gen_method'].split(':')[-1]}", Image.open(NOMVN / r["image"]), \
                r["title"] + "\n" + r["text"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--psm", default="4,6,3")
    ap.add_argument("--nomvn", type=int, default=6)
    args = ap.parse_args()
    settings = Settings()
    psms = [int(p) for p in args.psm.split(",")]
    print("page | plain CER | plain s | " + " | ".join(f"psm{p} CER | s | variant" for p in psms))
    os.environ.pop("OMP_THREAD_LIMIT", None)
    for name, image, truth in pages(args.nomvn):
        text, t_plain = plain(image)
        row = [name, f"{cer(text, truth):.4f}", f"{t_plain:.2f}"]
        for p in psms:
            tess_mod.DEFAULT_PSM = p
            t = time.monotonic()
            result = ocr_page(image, settings, want_pdf=True)
            row += [f"{cer(result.text, truth):.4f}", f"{time.monotonic() - t:.2f}", result.variant]
        print(" | ".join(row), flush=True)


if __name__ == "__main__":
    main()

"""The part of a record's scan around the words a search matched: what a result shows beside its fields."""
from __future__ import annotations

import io
import json
import math

from PIL import Image
from sqlalchemy import select

from domain.errors import NotFound
from domain.text import fold
from office.audit.service import Actor, record
from storage.models import Page, RecordPage
from workers import Context

from .matching import query_terms, word_matches


def crop(record_id: str, q: str, ctx: Context, *, actor: Actor, max_width: int = 640) -> bytes:
    """The crop as JPEG, audited: a piece of the scan shows names, a read like any other.

    Two short transactions (the page's keys, then the audit entry) rather than one held across the image work."""
    data = crop_jpeg(record_id, q, ctx, max_width)
    with ctx.db.session() as s:
        record(s, actor, "view_crop", target=record_id, q=q)
    return data


def crop_jpeg(record_id: str, q: str, ctx: Context, max_width: int = 640) -> bytes:
    """The part of the record's first page around the words matching ``q`` (the top of the page if none)."""
    with ctx.db.session() as s:
        row = s.execute(select(Page.image_key, Page.words_key).join(RecordPage, RecordPage.page_id == Page.id)
                        .where(RecordPage.record_id == record_id).order_by(RecordPage.ordinal)).first()
    if row is None or row.image_key is None:
        raise NotFound(f"Không có ảnh cho hồ sơ {record_id}")
    image = Image.open(io.BytesIO(ctx.store.get_bytes(row.image_key)))
    W, H = image.size
    words = json.loads(ctx.store.get_bytes(row.words_key)) if row.words_key else {}
    sx, sy = W / (words.get("width") or W), H / (words.get("height") or H)
    terms = query_terms(q)
    page_words = words.get("words", [])
    exact = frozenset(fold(w["text"]) for w in page_words) & set(terms)  # near-misses only for unmatched terms
    matched = [w for w in page_words if terms and word_matches(w["text"].strip(".,:;()"), terms, exact)]
    if matched:
        lines: dict[int, list[dict]] = {}
        for w in matched:
            lines.setdefault(w["line"], []).append(w)
        best = max(lines.values(), key=lambda ws: len({fold(w["text"]) for w in ws}))  # most distinct terms
        left = min(w["left"] for w in best) * sx
        top = min(w["top"] for w in best) * sy
        right = max(w["left"] + w["width"] for w in best) * sx
        bottom = max(w["top"] + w["height"] for w in best) * sy
        box = (max(0, left - 0.15 * W), max(0, top - 0.04 * H), min(W, right + 0.15 * W), min(H, bottom + 0.04 * H))
    else:
        box = (0, 0, W, H * 0.2)
    shrink = max_width / max(box[2] - box[0], box[3] - box[1], 1)
    if shrink < 1:
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale almost for free: no more pixels than the output needs, instead of
        # the whole scan at full resolution (draft never goes below the size asked for, a no-op for other formats).
        image.draft(None, (math.ceil(W * shrink), math.ceil(H * shrink)))
        kx, ky = image.width / W, image.height / H
        box = (box[0] * kx, box[1] * ky, box[2] * kx, box[3] * ky)
    part = image.crop(tuple(int(v) for v in box))
    part.thumbnail((max_width, max_width))
    buf = io.BytesIO()
    part.convert("RGB" if part.mode not in ("L", "RGB") else part.mode).save(buf, "JPEG", quality=75)
    return buf.getvalue()

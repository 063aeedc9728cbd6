"""Records, book pages, scans and batches: the record page (zoomable scan, fields with confidence, provenance,
status), paging through a book, the crop around matched words, and their /api/v1 counterparts."""
from __future__ import annotations

import io
import json
import math
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from PIL import Image
from sqlalchemy import func, select

from domain.errors import NotFound
from domain.labels import ACCESS_PURPOSES
from domain.records import field_names
from domain.text import fold
from office.accounts.service import Permission, Principal
from office.audit import service as audit
from office.dossiers.service import PROCEDURES, with_batch
from office.keying import service as keying
from office.records import review as review
from office.records import service as service
from storage.models import Batch, Page, Record, RecordPage
from storage.officer_models import Dossier

from .params import DossierRef, PageSeq, SearchText
from .routes_common import actor, render, require, state
from .routes_search import query_terms, word_matches

router = APIRouter()
AccessPurpose = StrEnum("AccessPurpose", {k: k for k in ACCESS_PURPOSES})
can_view = require(Permission.VIEW_RECORD)
can_download = require(Permission.DOWNLOAD)
can_search = require(Permission.SEARCH)
can_batches = require(Permission.BATCHES)


def _view(request: Request, principal: Principal, record_id: str, dossier: str | None, purpose: str | None) -> dict:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        detail = service.detail_of(record_id, s=s)
        batch = s.get(Batch, detail["source"]["batch_id"])
        detail["provenance"] = {**with_batch(detail["source"], batch),
                                "ingested_by": batch.created_by if batch else None,
                                "ingested_at": batch.created_at.isoformat() if batch else None}
        detail["corrections"] = review.history(record_id, s=s)
        detail["keyed"] = keying.keyed_by(record_id, s=s)
        audit.record(s, actor(request, principal), "view_record", target=record_id, dossier_id=dossier,
                     purpose=None if dossier else purpose)
    return detail


def crop_jpeg(record_id: str, q: str, ctx, max_width: int = 640) -> bytes:
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


def _book_nav(ctx, batch_id: str, seq: int) -> dict:
    with ctx.db.session() as s:
        total = s.scalar(select(func.count()).select_from(Page).where(Page.batch_id == batch_id)) or 0
    return {"batch_id": batch_id, "seq": seq, "total": total,
            "prev": seq - 1 if seq > 1 else None, "next": seq + 1 if seq < total else None}


# -- pages ----------------------------------------------------------------------------------------------
@router.get("/records/{record_id}", include_in_schema=False)
def record_page(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_view)],
                dossier: Annotated[str, Query(max_length=40)] = "", q: SearchText = "",
                purpose: Annotated[str, Query(max_length=40)] = "", saved: bool = False) -> Response:
    if not dossier and purpose not in ACCESS_PURPOSES:  # outside a dossier, a stated purpose first
        return render(request, "record_purpose.html", record_id=record_id, q=q, purposes=ACCESS_PURPOSES)
    return record_view(request, principal, record_id, dossier=dossier, q=q, purpose=purpose,
                       message="Đã lưu hiệu đính." if saved else "")


def record_view(request: Request, principal: Principal, record_id: str, *, status_code: int = 200,
                dossier: str = "", q: str = "", purpose: str = "", errors: dict | None = None,
                typed: dict | None = None, message: str = "") -> Response:
    """The record page; after a refused correction, with the errors and the values the clerk typed."""
    ctx = state(request).ctx
    detail = _view(request, principal, record_id, dossier or None, purpose or None)
    seq = detail["pages"][0]["seq"] if detail["pages"] else 1
    dossiers = []
    if principal.can(Permission.ATTACH):
        with ctx.db.session() as s:
            dossiers = [(d.id, f"{d.id} — {d.procedure} — {d.applicant_name}") for d in
                        s.scalars(select(Dossier).order_by(Dossier.created_at.desc()).limit(30))]
    return render(request, "record.html", r=detail, nav=_book_nav(ctx, detail["source"]["batch_id"], seq),
                  threshold=ctx.settings.review_threshold, dossiers=dossiers, dossier=dossier, q=q,
                  procedures=PROCEDURES, status_code=status_code, errors=errors or {}, typed=typed or {},
                  message=message, editable=field_names(detail["type"]), edit_text=review.edit_text)


@router.get("/books/{batch_id}/pages/{seq}", include_in_schema=False)
def book_page(request: Request, batch_id: str, seq: PageSeq, principal: Annotated[Principal, Depends(can_view)],
              dossier: str = "") -> Response:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        page = s.scalar(select(Page).where(Page.batch_id == batch_id, Page.seq == seq))
        if page is None:
            raise NotFound(f"Quyển {batch_id} không có trang {seq}")
        records = [{"record_id": r.id, "type": r.type, "fields": r.fields} for r in s.scalars(
            select(Record).join(RecordPage).where(RecordPage.page_id == page.id))]
        info = {"page_id": page.id, "number": page.number, "status": page.status, "reason": page.reason,
                "has_image": page.image_key is not None}
        audit.record(s, actor(request, principal), "view_page", target=page.id, dossier_id=dossier or None,
                     batch_id=batch_id, seq=seq)
    return render(request, "book_page.html", page=info, records=records, nav=_book_nav(ctx, batch_id, seq),
                  dossier=dossier)


# -- /api/v1 --------------------------------------------------------------------------------------------
@router.get("/api/v1/batches", tags=["batches"], summary="Các lô đã nhập và tiến độ")
def batches(request: Request, _p: Annotated[Principal, Depends(can_batches)],
            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
    return service.list_batches(state(request).ctx, limit)


# GET /api/v1/batches/{batch_id}: api/routes_capture.py (the report with its live counts).


@router.get("/api/v1/records/{record_id}", tags=["records"],
            summary="Một hồ sơ với trường, độ tin cậy, nguồn, tình trạng (mỗi lần xem được ghi nhật ký)")
def record(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_view)],
           purpose: Annotated[AccessPurpose, Query(description="Vì sao mở hồ sơ (ghi vào nhật ký; công dân có hồ sơ "
                                                               "xem được)")],
           dossier: DossierRef = None) -> dict:
    return _view(request, principal, record_id, dossier, purpose.value)


@router.get("/api/v1/records/{record_id}/crop", tags=["records"], response_class=Response,
            summary="Phần ảnh quét quanh các từ khớp với truy vấn (JPEG)")
def crop(request: Request, record_id: str, principal: Annotated[Principal, Depends(can_search)],
         q: SearchText = "") -> Response:
    ctx = state(request).ctx
    data = crop_jpeg(record_id, q, ctx)
    with ctx.db.session() as s:  # a piece of the scan shows names: a read like any other
        audit.record(s, actor(request, principal), "view_crop", target=record_id, q=q)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/api/v1/pages/{page_id}/image", tags=["pages"], response_class=Response,
            summary="Ảnh trang đã quét (JPEG); mỗi lần tải được ghi nhật ký")
def page_image(request: Request, page_id: str, principal: Annotated[Principal, Depends(can_download)],
               dossier: str | None = None) -> Response:
    ctx = state(request).ctx
    data, url = service.page_image(page_id, ctx)
    with ctx.db.session() as s:
        audit.record(s, actor(request, principal), "download_image", target=page_id, dossier_id=dossier)
    if url:
        return RedirectResponse(url, status_code=307)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

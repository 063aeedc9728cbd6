"""Certified electronic copies: a PDF with the scan, the extracted fields, the issuing office, the date, the
SHA-256 of the content and a QR code to ``{public_url}/verify/<token>``; and the public verification.

The content hash covers what the copy certifies (record id, type, fields, the SHA-256 of each scanned page,
office, date, issuer, token). Verification recomputes it from the records and scans held today: a record edited
or a scan altered since the copy was issued no longer matches. A scan's SHA-256 is the one in its object key
(content-addressed, checked on every read), so verifying reads no scan.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import secrets
from datetime import UTC, datetime
from functools import cache

import pikepdf
import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import ConfigError, Forbidden, InvalidRequest, NotFound
from domain.labels import FIELD_LABELS_VI, STATUS_LABELS_VI, display_value
from domain.records import TYPE_LABELS_VI, RecordStatus, RecordType
from ocr import place_page, text_page_of
from office.accounts.roles import Principal, Role
from office.audit import service as audit
from office.audit.service import Actor
from office.dossiers.service import number_of
from storage.account_models import User
from storage.dossier_models import CertifiedCopy, DossierItem
from storage.models import Record, utcnow
from storage.objects import sha_from_key
from workers import Context

FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def new_token() -> str:
    """192 random bits, URL-safe: 32 characters nobody can guess or enumerate."""
    return secrets.token_urlsafe(24)


@cache
def _fonts() -> tuple[str, str]:
    try:
        pdfmetrics.registerFont(TTFont("DejaVu", f"{FONT_DIR}/DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", f"{FONT_DIR}/DejaVuSans-Bold.ttf"))
    except OSError as exc:  # reportlab raises TTFError (an OSError) when the file is missing
        raise ConfigError(f"Thiếu phông chữ DejaVuSans ({FONT_DIR}): cài gói fonts-dejavu-core") from exc
    return "DejaVu", "DejaVu-Bold"


def _stamp(dt: datetime) -> str:
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _scan_keys(record: Record) -> list[str]:
    return [rp.page.image_key for rp in record.pages if rp.page.image_key]


def _text_pages(record: Record, ctx: Context) -> list[bytes | None]:
    """Each scan's text page (``ocr.text_page_of``), None where the page was read before text pages."""
    return [text_page_of(ctx.store.get_bytes(rp.page.pdf_key) if rp.page.pdf_key else None)
            for rp in record.pages if rp.page.image_key]


def content_hash(copy: CertifiedCopy, record: Record, scan_keys: list[str], issuer: str) -> str:
    content = {
        "token": copy.token, "record_id": record.id, "type": record.type, "fields": record.fields,
        "scans_sha256": [sha_from_key(k) for k in scan_keys],
        "issuing_office": copy.issuing_office, "issued_at": _stamp(copy.issued_at), "issued_by": issuer,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def issue_copy(dossier_id: str, item_id: int, principal: Principal, ctx: Context, *, actor: Actor,
               s: Session) -> CertifiedCopy:
    item = s.get(DossierItem, item_id)
    if item is None or item.dossier_id != dossier_id:
        raise NotFound(f"Hồ sơ thủ tục {dossier_id} không có mục {item_id}")
    record = s.get(Record, item.record_id)
    office = principal.office or record.fields.get("registration_authority") or "Bộ phận một cửa"
    copy = CertifiedCopy(token=new_token(), item_id=item.id, record_id=record.id, issued_by=principal.user_id,
                         issued_at=utcnow().replace(microsecond=0), issuing_office=str(office))
    keys = _scan_keys(record)
    scans = [ctx.store.get_bytes(k) for k in keys]  # for the PDF; a scan that fails its check stops the copy
    copy.content_sha256 = content_hash(copy, record, keys, principal.username)
    verify_url = f"{ctx.settings.public_url.rstrip('/')}/verify/{copy.token}"
    pdf = render_pdf(copy, record, scans, item.source, verify_url, principal.full_name or principal.username,
                     _text_pages(record, ctx))
    stored = ctx.store.put_bytes(pdf, kind="copy", suffix=".pdf")
    copy.pdf_key, copy.pdf_sha256 = stored.key, stored.sha256
    s.add(copy)
    s.flush()
    audit.record(s, actor, "certify", target=item.record_id, dossier_id=dossier_id, copy_id=copy.id,
                 content_sha256=copy.content_sha256)
    return copy


def revoke_copy(copy_id: int, reason: str, principal: Principal, *, actor: Actor, s: Session) -> CertifiedCopy:
    """Withdraw a copy (issued in error, to the wrong person, superseded…): its verify page says so from now
    on, with the reason; the PDF and its record stay, for the audit trail."""
    copy = s.get(CertifiedCopy, copy_id)
    if copy is None:
        raise NotFound(f"Không có bản sao {copy_id}")
    # An officer answers for the copies of their own office; only an admin may withdraw another office's.
    if principal.role != Role.ADMIN and (principal.office or "") != copy.issuing_office \
            and principal.user_id != copy.issued_by:
        raise Forbidden("Chỉ cơ quan đã cấp bản sao này (hoặc quản trị viên) mới được thu hồi.")
    if not reason.strip():
        raise InvalidRequest("Cần ghi lý do thu hồi bản sao.")
    if copy.revoked_at is None:
        copy.revoked_at, copy.revoked_by = utcnow().replace(microsecond=0), principal.user_id
        copy.revoke_reason = reason.strip()[:2000]
    audit.record(s, actor, "revoke_copy", target=copy.record_id, dossier_id=copy.item.dossier_id, copy_id=copy_id,
                 reason=copy.revoke_reason)
    return copy


def copy_pdf(copy_id: int, ctx: Context, *, actor: Actor, s: Session) -> tuple[bytes, CertifiedCopy]:
    """An officer's download of a copy in a dossier."""
    copy = s.get(CertifiedCopy, copy_id)
    if copy is None:
        raise NotFound(f"Không có bản sao {copy_id}")
    return hand_out(copy, ctx, actor=actor, s=s), copy


def hand_out(copy: CertifiedCopy, ctx: Context, *, actor: Actor, s: Session) -> bytes:
    """A copy's PDF for whoever may have it (an officer, or the citizen it was issued to), the download logged."""
    data = ctx.store.get_bytes(copy.pdf_key)
    audit.record(s, actor, "download_copy", target=copy.record_id, dossier_id=copy.item.dossier_id, copy_id=copy.id)
    return data


def _wrap(c: Canvas, text: str, x: float, y: float, width: float, font: str, size: float) -> float:
    c.setFont(font, size)
    for line in simpleSplit(text, font, size, width) or [""]:
        c.drawString(x, y, line)
        y -= size * 1.35
    return y


def render_pdf(copy: CertifiedCopy, record: Record, scans: list[bytes], source: dict, verify_url: str,
               signer: str, texts: list[bytes | None] | None = None) -> bytes:
    """The copy: its certificate page, then each scan on a page of its own, under the scan's invisible words where
    ``texts`` holds its text page (so the copy's pages can be searched and copied as the book's can)."""
    regular, bold = _fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(f"Bản sao điện tử {number_of(record.fields) or record.id}")
    w, h = A4
    left, top = 20 * mm, h - 20 * mm
    y = _wrap(c, copy.issuing_office.upper(), left, top, 120 * mm, bold, 10)
    y = _wrap(c, "BẢN SAO ĐIỆN TỬ ĐƯỢC CẤP TỪ SỔ GỐC", left, y - 8, 120 * mm, bold, 14)
    y = _wrap(c, TYPE_LABELS_VI[RecordType(record.type)], left, y, 120 * mm, regular, 12)
    qr = qrcode.make(verify_url, box_size=4, border=1).get_image()
    qr_size = 35 * mm
    c.drawImage(ImageReader(qr), w - 20 * mm - qr_size, top - qr_size + 5 * mm, qr_size, qr_size)
    c.linkURL(verify_url, (w - 20 * mm - qr_size, top - qr_size + 5 * mm, w - 20 * mm, top + 5 * mm))
    y = min(y, top - qr_size) - 6
    for name, value in record.fields.items():
        label = FIELD_LABELS_VI.get(name, name)
        text = display_value(name, value)
        c.setFont(bold, 9)
        c.drawString(left, y, label)
        y = _wrap(c, text, left + 62 * mm, y, w - 2 * left - 62 * mm, regular, 9)
        if y < 60 * mm:
            c.showPage()
            y = top
    y -= 8
    status = STATUS_LABELS_VI.get(record.status, record.status)
    pages = ", ".join(map(str, source.get("pages", [])))
    lines = [
        f"Tình trạng: {status}",
        f"Nguồn: quyển {source.get('book') or '—'}, tệp {source.get('file')}, trang {pages}",
        f"Lô: {source.get('batch_id')}",
        f"SHA-256 bản quét gốc: {source.get('sha256')}",
        f"Cấp ngày {copy.issued_at:%d/%m/%Y} bởi {signer}",
        f"SHA-256 nội dung: {copy.content_sha256}",
        f"Xác minh tại: {verify_url}",
    ]
    for line in lines:
        y = _wrap(c, line, left, y, w - 2 * left, regular, 8)
    texts = texts or [None] * len(scans)
    for scan, text in zip(scans, texts, strict=True):
        c.showPage()
        if text is None:  # else drawn with its words once the pages are made (below)
            img = ImageReader(io.BytesIO(scan))
            iw, ih = img.getSize()
            scale = min((w - 2 * left) / iw, (h - 30 * mm) / ih)
            c.drawImage(img, left, h - 15 * mm - ih * scale, iw * scale, ih * scale)
        c.setFont(regular, 7)
        c.drawString(left, 8 * mm, f"Bản quét sổ gốc — SHA-256 nội dung bản sao {copy.content_sha256}")
    c.save()
    if not any(texts):
        return buf.getvalue()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as pdf, contextlib.ExitStack() as keep:
        first = len(pdf.pages) - len(scans)
        for i, (scan, text) in enumerate(zip(scans, texts, strict=True)):
            if text is not None:
                place_page(pdf, pdf.pages[first + i], text, scan, (left, 15 * mm, w - left, h - 15 * mm), keep)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def verification(token: str, ctx: Context, *, s: Session) -> dict:
    """Only what proves authenticity: type, number, date, authority, validity, hash match. No personal data."""
    copy = s.scalar(select(CertifiedCopy).where(CertifiedCopy.token == token)) if token else None
    if copy is None:
        raise NotFound("Không tìm thấy bản sao với mã xác minh này.")
    record = s.get(Record, copy.record_id)
    issuer = s.get(User, copy.issued_by)
    # Scans are compared by their keys' hashes, not downloaded: a scan replaced since issue has another key.
    # A scan gone from the store still fails, checked without reading it.
    keys = _scan_keys(record)
    match = (all(ctx.store.exists(k) for k in keys)
             and content_hash(copy, record, keys, issuer.username) == copy.content_sha256)
    f = record.fields
    in_force = record.status in (RecordStatus.VALID, RecordStatus.AMENDED) and copy.revoked_at is None
    return {
        "verified": bool(match and in_force),
        "hash_match": match,
        "content_sha256": copy.content_sha256,
        "record_type": record.type,
        "record_type_label": TYPE_LABELS_VI[RecordType(record.type)],
        "number": number_of(f),
        "date": f.get("registration_date") or f.get("issue_date"),
        "authority": f.get("registration_authority") or f.get("issuing_authority"),
        "record_status": record.status,
        "record_status_label": STATUS_LABELS_VI.get(record.status, record.status),
        "revoked": copy.revoked_at is not None,
        "revoked_at": _stamp(copy.revoked_at) if copy.revoked_at else None,
        "revoke_reason": copy.revoke_reason,
        "issuing_office": copy.issuing_office,
        "issued_at": _stamp(copy.issued_at),
    }

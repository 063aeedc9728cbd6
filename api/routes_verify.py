"""Public verification of certified copies: open to anyone holding the QR code, and showing only what proves
authenticity (type, number, date, authority, validity, hash match) — never names, dates of birth or IDs."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.errors import NotFound
from office.dossiers import certify as certify

from .routes_common import render, state
from .schemas.dossiers import VerificationOut

router = APIRouter()


def _verify(request: Request, token: str) -> dict:
    ctx = state(request).ctx
    with ctx.db.session() as s:
        return certify.verification(token, ctx, s=s)


@router.get("/verify/{token}", include_in_schema=False)
def verify_page(request: Request, token: str) -> Response:
    try:
        info = _verify(request, token)
    except NotFound:
        return render(request, "verify.html", status_code=404, v=None)
    return render(request, "verify.html", v=info)


@router.get("/api/v1/verify/{token}", tags=["verify"], response_model=VerificationOut,
            summary="Xác minh bản sao điện tử (công khai, không có dữ liệu cá nhân)")
def verify(request: Request, token: str) -> dict:
    return _verify(request, token)

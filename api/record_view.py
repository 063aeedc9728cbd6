"""The record page's rendering, shared by its own route and by a refused correction (shown again with the
errors and the values the clerk typed), so that neither route module imports the other."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from domain.records import field_names
from office.accounts.roles import Permission, Principal
from office.dossiers.service import PROCEDURES
from office.records import review as review
from office.records import service as service

from .routes_common import actor, render, state


def record_view(request: Request, principal: Principal, record_id: str, *, status_code: int = 200,
                dossier: str = "", q: str = "", purpose: str = "", errors: dict | None = None,
                typed: dict | None = None, message: str = "") -> Response:
    """The record page; after a refused correction, with the errors and the values the clerk typed."""
    ctx = state(request).ctx
    with ctx.db.session() as s:
        view = service.record_page(record_id, actor(request, principal), s=s, store=ctx.store,
                                   dossier_id=dossier or None, purpose=purpose or None,
                                   with_dossiers=principal.can(Permission.ATTACH))
    detail = view["record"]
    return render(request, "record.html", r=detail, nav=view["nav"],
                  threshold=ctx.settings.review_threshold, dossiers=view["dossiers"], dossier=dossier, q=q,
                  procedures=PROCEDURES, status_code=status_code, errors=errors or {}, typed=typed or {},
                  message=message, editable=field_names(detail["type"]), edit_text=review.edit_text,
                  marks=view["marks"])

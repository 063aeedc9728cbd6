"""Server-rendered pages: one base template, Vietnamese labels, no JavaScript framework — usable on an old PC
over a slow link. Templates get the signed-in principal and the CSRF token from :func:`render`."""
from __future__ import annotations

from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from domain.labels import (
    ACTION_LABELS_VI,
    FIELD_LABELS_VI,
    KIND_LABELS_VI,
    LINK_STATUS_LABELS_VI,
    NARROW_SEARCH_VI,
    STATUS_LABELS_VI,
    TYPE_LABELS,
    display_value,
    vn_date,
    vn_number,
)

# auto_reload off: the templates ship with the code, and checking their mtime cost a stat per page rendered.
_env = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape(), auto_reload=False)

def _vn_datetime(value: str | datetime | None) -> str:
    if not value:
        return ""
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{dt:%d/%m/%Y %H:%M}"


_env.filters["vn_datetime"] = _vn_datetime
_env.filters["vn_date"] = vn_date
_env.filters["vn_number"] = vn_number
_env.globals.update(kind_labels=KIND_LABELS_VI, link_status_labels=LINK_STATUS_LABELS_VI,
                    field_labels=FIELD_LABELS_VI, status_labels=STATUS_LABELS_VI, type_labels=TYPE_LABELS,
                    action_labels=ACTION_LABELS_VI, display_value=display_value,
                    narrow_search=NARROW_SEARCH_VI)


def render_template(name: str, **context: object) -> str:
    return _env.get_template(name).render(**context)

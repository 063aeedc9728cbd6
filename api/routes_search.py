"""Search: one box, filters, facets with counts, highlighted snippets and a crop of the scan per result.

The search itself, its facets (counted by the index, exact in either backend) and its audit entry are
office.records.service's; here the matched words are marked for display.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup, escape
from pydantic import BaseModel, Field

from domain.records import NAME_FIELDS, TITLE_FIELDS, RecordType
from index import SearchQuery
from index.analysis import FUZZY_SOURCES
from office.accounts.roles import Permission, Principal
from office.records import service as service
from office.records.matching import fold_word, query_terms, word_matches

from .pages import FIELD_LABELS_VI
from .params import MAX_OFFSET, MAX_PAGE_SIZE, DossierRef, FilterText, Offset, SearchText, Year
from .routes_common import actor, render, require, state
from .schemas.search import SearchOut

router = APIRouter()
can_search = require(Permission.SEARCH)
_WORD = re.compile(r"\w+", re.UNICODE)
PAGE = 20  # hits on one search page
_TITLES = frozenset(f for names in TITLE_FIELDS.values() for f in names)


def highlight(text: str, terms: list[str], exact_only: frozenset[str] | None = None) -> Markup:
    """The text, escaped, with every word matching a query term (diacritic-insensitively, or within the
    OCR-error distance the index tolerates) wrapped in <mark>."""
    if exact_only is None:
        exact_only = frozenset(fold_word(w) for w in _WORD.findall(text)) & set(terms)
    out, pos = [], 0
    for m in _WORD.finditer(text):
        out.append(escape(text[pos:m.start()]))
        word = escape(m.group(0))
        out.append(Markup(f"<mark>{word}</mark>") if word_matches(m.group(0), terms, exact_only) else word)
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _text(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def snippets(fields: dict, terms: list[str], limit: int = 4) -> dict[str, Markup]:
    """Up to ``limit`` fields containing a matched word: the person's own name first, then other names."""
    if not terms:
        return {}
    position = {name: i for i, name in enumerate(fields)}
    order = sorted(fields, key=lambda k: (k not in _TITLES, k not in NAME_FIELDS, position[k]))
    exact = frozenset(fold_word(w) for v in fields.values() for w in _WORD.findall(_text(v))) & set(terms)
    found: dict[str, Markup] = {}
    everything = frozenset(terms)
    for name in order:
        text = _text(fields[name])
        marked = exact if name in FUZZY_SOURCES else everything  # near-misses only where the index forgives them
        if any(word_matches(w, terms, marked) for w in _WORD.findall(text)):
            found[name] = highlight(text, terms, marked)
        if len(found) >= limit:
            break
    return found


def _int(value: str | int | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def run_search(request: Request, principal: Principal, query: SearchQuery, dossier: str | None,
               with_facets: bool) -> dict:
    result = service.officer_search(query, state(request).ctx, actor=actor(request, principal), dossier_id=dossier,
                                    with_facets=with_facets)
    terms = query_terms(query.text)  # what to mark in each hit: display, not the search itself
    for hit in result["hits"]:
        hit["highlights"] = {k: str(v) for k, v in snippets(hit["fields"], terms).items()}
        hit["crop_url"] = f"/api/v1/records/{hit['record_id']}/crop?" + urlencode({"q": query.text})
    return result


def _shown(result: dict) -> int:
    """How many of a search's hits its pages reach: they end at the deepest offset allowed, past which the search
    is narrowed instead."""
    return min(result["total"], MAX_OFFSET + PAGE)


class SearchForm(BaseModel):
    """The search page's form, as the page and its counts read it: text as typed (a year need not be a number)."""

    q: SearchText = ""
    type: str = ""
    authority: Annotated[str, Field(max_length=200)] = ""
    year_from: Annotated[str, Field(max_length=8)] = ""
    year_to: Annotated[str, Field(max_length=8)] = ""
    dossier: Annotated[str, Field(max_length=40)] = ""

    def query(self, offset: int = 0) -> SearchQuery:
        rtype = self.type if self.type in {t.value for t in RecordType} else None
        return SearchQuery(text=self.q.strip(), type=rtype, authority=self.authority.strip() or None,
                           year_from=_int(self.year_from), year_to=_int(self.year_to), limit=PAGE, offset=offset)

    def link(self, path: str = "/") -> Callable[..., str]:
        """A link to ``path`` with the form's values, some changed; empty ones left out."""
        params = self.model_dump()
        return lambda **changes: path + "?" + urlencode(
            {k: v for k, v in {**params, **changes}.items() if v not in ("", None)})


@router.get("/", include_in_schema=False)
def search_page(request: Request, principal: Annotated[Principal, Depends(can_search)],
                form: Annotated[SearchForm, Query()], offset: Offset = 0, counts: bool = False) -> Response:
    query = form.query(offset)
    searched = bool(query.text or query.type or query.authority or query.year_from or query.year_to)
    # A broad search's counts are asked after its hits (by app.js, or by the link shown without it): counting
    # every match of a common name at ten million records costs more than the page of hits (``service.counts``).
    result = run_search(request, principal, query, form.dossier or None, counts or None) if searched else None
    return render(request, "search.html", result=result, params=form.model_dump(), field_labels=FIELD_LABELS_VI,
                  link=form.link(), counted=form.link("/search/counts"), offset=offset, page=PAGE,
                  shown=_shown(result) if result else 0)


@router.get("/search/counts", include_in_schema=False)
def search_counts(request: Request, principal: Annotated[Principal, Depends(can_search)],
                  form: Annotated[SearchForm, Query()]) -> Response:
    """The search page's facets and exact total as the page shows them (``_facets.html``), for app.js to put in
    place of "Đang đếm…". Counts only, no record: not audited (the search itself was)."""
    result = service.counts(state(request).ctx, form.query())
    return render(request, "_facets.html", fragment=True, result=result, params=form.model_dump(),
                  link=form.link(), shown=_shown(result))


@router.get("/api/v1/search", tags=["search"], response_model_exclude_unset=True,  # no "facets" key unless asked
            summary="Tìm hồ sơ (không dấu, chịu lỗi nhận dạng), kèm bộ đếm")
def search(
    request: Request,
    principal: Annotated[Principal, Depends(can_search)],
    q: SearchText = "",
    type: RecordType | None = None,
    year_from: Year = None,
    year_to: Year = None,
    authority: FilterText = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Offset = 0,
    dossier: DossierRef = None,
    with_facets: Annotated[bool, Query(alias="facets")] = True,
) -> SearchOut:
    query = SearchQuery(text=q, type=type.value if type else None, year_from=year_from, year_to=year_to,
                        authority=authority, limit=limit, offset=offset)
    return run_search(request, principal, query, dossier, with_facets)

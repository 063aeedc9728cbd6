"""Response body of a search: hits with marked snippets and a crop link, and facets with counts."""
from __future__ import annotations

from typing import Any

from pydantic import Field

from domain.labels import NARROW_SEARCH_VI
from index.base import COUNTED

from .base import Out


class HitOut(Out):
    record_id: str
    type: str
    score: float
    fields: dict[str, Any] = Field(description="Các trường (số định danh đã che bớt)")
    source: dict[str, Any]
    highlights: dict[str, str] = Field(description="Trường → văn bản HTML, từ khớp trong <mark>")
    crop_url: str
    duplicates: list[str] = Field(description="Các hồ sơ có thể trùng với hồ sơ này")


class Facets(Out):
    type: dict[str, int]
    year: dict[str, int] = Field(description="Theo thập kỷ (1990-1999), hoặc theo năm khi khoảng năm dưới 10")


class SearchOut(Out):
    total: int = Field(description=f"Số hồ sơ khớp, chỉ đếm đến {COUNTED}")
    capped: bool = Field(False, description=f"Có hơn `total` hồ sơ khớp: {NARROW_SEARCH_VI}")
    hits: list[HitOut]
    facets: Facets | None = Field(None, description="Chỉ khi facets=true")

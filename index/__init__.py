"""Vietnamese-aware search over records: Tantivy embedded, Elasticsearch distributed."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from domain.errors import ConfigError
from domain.settings import Settings

from .base import Facets, Hit, IndexDoc, SearchIndex, SearchQuery, SearchResult

__all__ = ["Facets", "Hit", "IndexDoc", "SearchIndex", "SearchQuery", "SearchResult", "open_index"]


def open_index(settings: Settings) -> SearchIndex:
    url = urlsplit(settings.index_url)
    if url.scheme == "tantivy":
        from .tantivy_index import TantivyIndex

        return TantivyIndex(Path(url.path) if url.path and url.path != "/:memory:" else None)
    if url.scheme in ("http", "https", "elasticsearch"):
        from .es_index import ElasticIndex

        return ElasticIndex.from_url(settings.index_url)
    raise ConfigError(f"SOHOA_INDEX_URL không hợp lệ: {settings.index_url!r} (cần tantivy:// hoặc http(s)://)")

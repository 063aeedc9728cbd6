"""Vietnamese-aware search over records: Tantivy embedded, Elasticsearch distributed."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from domain.errors import ConfigError
from domain.settings import Settings

from .base import Facets, Hit, IndexDoc, SearchIndex, SearchQuery, SearchResult

__all__ = ["Facets", "Hit", "IndexDoc", "SearchIndex", "SearchQuery", "SearchResult", "open_index"]


def shards_of(url: str) -> int | None:
    """``?shards=N`` on the index URL: how many shards a new index gets (an existing one keeps its own).
    Elasticsearch defaults to one, Tantivy to the machine's cores (up to four)."""
    values = parse_qs(urlsplit(url).query).get("shards")
    if not values:
        return None
    if not values[-1].isdigit() or not 1 <= int(values[-1]) <= 64:
        raise ConfigError(f"Số shard không hợp lệ trong SOHOA_INDEX_URL: {values[-1]!r} (từ 1 đến 64)")
    return int(values[-1])


def open_index(settings: Settings) -> SearchIndex:
    from . import places
    from .places_seen import table_location

    url = urlsplit(settings.index_url)
    shards = shards_of(settings.index_url)
    # Either engine: the places read, kept between commands, and the gazetteer's own, read at set-up.
    places.remember_in(settings.home / "places.sqlite3", table_location(settings.places_table))
    if url.scheme == "tantivy":
        from .tantivy_index import TantivyIndex

        return TantivyIndex(Path(url.path) if url.path and url.path != "/:memory:" else None, shards=shards)
    if url.scheme in ("http", "https", "elasticsearch"):
        from .es_index import ElasticIndex

        return ElasticIndex.from_url(settings.index_url, shards=shards or 1)
    raise ConfigError(f"SOHOA_INDEX_URL không hợp lệ: {settings.index_url!r} (cần tantivy:// hoặc http(s)://)")

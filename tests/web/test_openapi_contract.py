"""The OpenAPI document as a contract a client can generate code from (issue 10 item 3): every /api/v1 operation
describes its success body — a JSON schema naming its keys (a response model), or the media type of what it
sends instead (an image, a CSV, server-sent events)."""
from __future__ import annotations

import json

from sqlalchemy import select

from api import openapi_doc
from office.capture import service as capture
from office.progress import service as dashboard
from office.records import review
from office.records import service as records
from storage.models import Record
from workers import Context

JSON = "application/json"


def _resolve(schema: dict, doc: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def described(schema: dict, doc: dict) -> bool:
    """A schema that says what the body holds: an object with named properties (or a map whose values are
    described), a list of described items, a scalar; not ``{}`` nor a bare ``{"type": "object"}`` (a plain
    dict returned by a route)."""
    schema = _resolve(schema, doc)
    if "anyOf" in schema or "oneOf" in schema:
        return all(described(s, doc) for s in schema.get("anyOf", schema.get("oneOf")))
    kind = schema.get("type")
    if kind == "array":
        return described(schema.get("items", {}), doc)
    if kind == "object":
        extra = schema.get("additionalProperties")
        return bool(schema.get("properties")) or (isinstance(extra, dict) and described(extra, doc))
    return kind in {"string", "integer", "number", "boolean", "null"} or "enum" in schema or "const" in schema


def untyped_operations(doc: dict) -> list[str]:
    missing = []
    for path, operations in doc["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, op in operations.items():
            success = {code: r for code, r in op.get("responses", {}).items() if code.startswith("2")}
            ok = any(
                (media == JSON and described(body.get("schema", {}), doc)) or (media != JSON)
                for r in success.values() for media, body in r.get("content", {}).items()
            ) or "204" in success  # no content: nothing to describe
            if not ok:
                missing.append(f"{method.upper()} {path}")
    return sorted(missing)


def test_every_api_operation_describes_its_success_body(app):
    doc = openapi_doc.document(app)  # what /api/v1/openapi.json serves (app.openapi() returns the same after it)
    assert [p for p in doc["paths"] if p.startswith("/api/v1")], "no /api/v1 operation in the document"
    assert untyped_operations(doc) == []


def test_a_plain_dict_or_an_empty_schema_is_not_a_description():
    doc = {"components": {"schemas": {"Row": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}
    assert not described({}, doc)
    assert not described({"type": "object", "additionalProperties": True}, doc)
    assert not described({"type": "array", "items": {}}, doc)
    assert described({"type": "array", "items": {"$ref": "#/components/schemas/Row"}}, doc)
    assert described({"type": "object", "additionalProperties": {"type": "integer"}}, doc)
    paths = {"/api/v1/a": {"get": {"responses": {"200": {"content": {JSON: {"schema": {}}}}}}},
             "/api/v1/b": {"get": {"responses": {"200": {"content": {"image/jpeg": {}}}}}},
             "/api/v1/c": {"post": {"responses": {"201": {"content": {JSON: {"schema": {"$ref":
                                                                                   "#/components/schemas/Row"}}}}}}}}
    assert untyped_operations({**doc, "paths": paths}) == ["GET /api/v1/a"]


def _plain(data: object) -> bytes:
    """A plain dict as the routes sent it before their models (Starlette's JSONResponse)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def test_typed_bodies_are_the_bytes_the_plain_dicts_were(client_for, installation):
    """The models change the document, not the answers: same keys, same order, same values (1.0 stays 1.0)."""
    admin, batch = client_for("admin"), installation.batch_id
    ctx = Context(installation.settings)
    with ctx.db.session() as s:  # one record flagged for the while, so the review queue is not empty
        flagged = s.scalars(select(Record).where(Record.batch_id == batch).order_by(Record.id)).first()
        kept = (dict(flagged.confidence), flagged.needs_review)
        name = next(iter(flagged.fields))
        flagged.confidence, flagged.needs_review = {**kept[0], name: 0.5}, True
    try:
        with ctx.db.session() as s:
            expected = {"/api/v1/progress": dashboard.overview(s=s),
                        "/api/v1/batches": records.list_batches(ctx),
                        f"/api/v1/batches/{batch}/pages": capture.pages_of(batch, s=s),
                        f"/api/v1/batches/{batch}/status": capture.progress(batch, s=s),
                        "/api/v1/review?limit=500": review.queue(ctx.settings.review_threshold, s=s, limit=500)}
        assert expected["/api/v1/review?limit=500"]["items"]
        for url, data in expected.items():
            r = admin.get(url)
            assert r.status_code == 200, url
            assert r.content == _plain(data), url
    finally:
        with ctx.db.session() as s:
            restored = s.get(Record, flagged.id)
            restored.confidence, restored.needs_review = kept
        ctx.close()


def test_search_sends_facets_only_when_asked(client_for, installation):
    officer = client_for("officer")
    name = installation.truth[0]["full_name"]
    with_facets = officer.get("/api/v1/search", params={"q": name}).json()
    without = officer.get("/api/v1/search", params={"q": name, "facets": "false"}).json()
    assert with_facets["total"] >= 1 and "facets" in with_facets
    assert "facets" not in without and without["hits"] == with_facets["hits"]

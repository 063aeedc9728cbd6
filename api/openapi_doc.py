"""The OpenAPI document as a contract: every status an operation can answer is declared, with the one error body
the app sends (``{"error": {"code", "message"}}``), read from what the route depends on — a signed-in user
(401), a permission or a CSRF token (403), an id in the path (404), parameters or a body (422) — plus the
statuses a route declares itself (409, 429...)."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from .routes_common import all_routes, required_permission

ERROR_SCHEMA = {
    "title": "Lỗi",
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "description": "Mã lỗi ổn định, cho chương trình"},
                       "message": {"type": "string", "description": "Thông điệp tiếng Việt, cho người dùng"},
                       "detail": {"description": "Chi tiết (lỗi kiểm tra tham số)"}},
    }},
}
_DESCRIPTIONS = {
    400: "Yêu cầu sai", 401: "Chưa đăng nhập hoặc mã truy cập không hợp lệ",
    403: "Không có quyền, hoặc thiếu mã CSRF", 404: "Không tìm thấy", 409: "Xung đột với trạng thái hiện tại",
    413: "Dữ liệu gửi lên quá lớn", 422: "Tham số hoặc nội dung không hợp lệ", 429: "Quá nhiều lần thử",
    500: "Lỗi máy chủ (đã được ghi lại)", 503: "Dịch vụ phụ trợ tạm thời không truy cập được",
}
SWAGGER_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Sohoa API</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script><script src="/static/swagger-init.js"></script>
</body></html>"""


def statuses(route: APIRoute) -> set[int]:
    signed_in, permission = required_permission(route)
    codes = {500}
    if signed_in:
        codes |= {401, 403} if (permission is not None or route.methods - {"GET", "HEAD"}) else {401}
    if route.dependant.path_params:
        codes.add(404)
    if route.dependant.path_params or route.dependant.query_params or route.dependant.body_params:
        codes.add(422)
    codes |= {int(c) for c in (route.responses or {}) if str(c).isdigit() and int(c) >= 400}
    return codes


def document(app: FastAPI) -> dict:
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)

    doc.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    doc["components"]["schemas"].pop("HTTPValidationError", None)
    doc["components"]["schemas"].pop("ValidationError", None)
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for route in all_routes(app):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            op = doc["paths"].get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            for code in sorted(statuses(route)):
                responses[str(code)] = {"description": _DESCRIPTIONS.get(code, "Lỗi"), **ref}
    app.openapi_schema = doc
    return doc

"""docs/permissions.md, rendered from the one role × permission table and the routes that ask for each permission
(``uv run python -m api.permissions_doc > docs/permissions.md``; a test keeps the file equal to this output)."""
from __future__ import annotations

from fastapi.routing import APIRoute

from office.accounts.roles import ROLE_LABELS_VI, ROLE_PERMISSIONS, Permission, Role


def _routes_by_permission() -> dict[Permission | None, list[str]]:
    from domain.settings import Settings

    from .app import create_app
    from .routes_common import all_routes, required_permission

    # A secret given, so nothing is written; the database and index open on the first request, which never comes.
    app = create_app(Settings(secret_key="docs-only"))
    found: dict[Permission | None, list[str]] = {}
    for route in all_routes(app):
        if not isinstance(route, APIRoute):
            continue
        signed_in, permission = required_permission(route)
        if signed_in:
            found.setdefault(permission, []).extend(f"`{method} {route.path}`" for method in sorted(route.methods))
    return found


def render() -> str:
    roles = list(Role)
    lines = ["# Quyền theo vai trò (role × permission)", "",
             "Sinh ra từ `office/accounts/roles.py` (`ROLE_PERMISSIONS`, bảng duy nhất mà mọi route dùng) bằng "
             "`uv run python -m api.permissions_doc > docs/permissions.md`; `tests/web/test_hardening.py` kiểm "
             "tra tệp này khớp với bảng và gọi thử mọi endpoint với mọi vai trò.", "",
             "| quyền | " + " | ".join(f"{ROLE_LABELS_VI[r]} (`{r.value}`)" for r in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for p in Permission:
        lines.append(f"| `{p.value}` | " + " | ".join("✔" if p in ROLE_PERMISSIONS[r] else "" for r in roles) + " |")
    lines += ["", "Ẩn danh (`anonymous`): chỉ `/login`, `/verify/*`, `/api/v1/verify/*` và tệp tĩnh.", "",
              "## Endpoint theo quyền", ""]
    routes = _routes_by_permission()
    for p in [None, *Permission]:
        if routes.get(p):
            lines.append(f"- **{p.value if p else 'đã đăng nhập (mọi vai trò)'}**: " + ", ".join(sorted(routes[p])))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")

"""Server-rendered pages: small, no JavaScript needed, usable on an old PC over a slow link."""
from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

_env = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape())


def search_page(q: str, rtype: str, result: dict | None, labels: dict) -> str:
    return _env.get_template("search.html").render(q=q, rtype=rtype, result=result,
                                                   labels={k.value: v for k, v in labels.items()})

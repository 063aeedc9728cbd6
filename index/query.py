"""Turn what an officer types into terms: free words, quoted phrases and ``field:value`` parts.

Both engines build their native query from :class:`ParsedQuery`, so they agree on what a query means.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.records import FIELDS
from domain.text import fold

from .analysis import exact_tokens, folded_tokens

KNOWN_FIELDS = frozenset(f for fields in FIELDS.values() for f in fields)
# Short Vietnamese aliases officers may type (folded): "cha:", "me:", "ten:", "sinh:", "cccd:".
ALIASES = {
    "ten": "name",
    "ho_ten": "name",
    "cha": "father_name",
    "me": "mother_name",
    "vo": "wife_name",
    "chong": "husband_name",
    "sinh": "date_of_birth",
    "ngay_sinh": "date_of_birth",
    "cccd": "personal_id",
    "dinh_danh": "personal_id",
    "so": "registration_number",
}
_PART = re.compile(r'(?:([\w]+):)?(?:"([^"]*)"|(\S+))', re.UNICODE)


@dataclass(frozen=True, slots=True)
class Term:
    exact: str
    folded: str


@dataclass(slots=True)
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    # index field name ("f_<canonical>" or "name") → folded tokens that must all match there
    fielded: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.fielded


def _terms(text: str) -> list[Term]:
    return [Term(x, f) for x, f in zip(exact_tokens(text), folded_tokens(text), strict=True)]


def parse(text: str, extra_fields: dict[str, str] | None = None) -> ParsedQuery:
    parsed = ParsedQuery()
    pairs: list[tuple[str, str]] = list((extra_fields or {}).items())
    for m in _PART.finditer(text or ""):
        name, quoted, bare = m.group(1), m.group(2), m.group(3)
        value = quoted if quoted is not None else bare
        if name:
            pairs.append((name, value))
        else:
            parsed.terms.extend(_terms(value))
    for name, value in pairs:
        key = ALIASES.get(fold(name), fold(name))
        if key == "name":
            target = "name_f"
        elif key in KNOWN_FIELDS:
            target = f"f_{key}"
        else:  # an unknown prefix is most likely part of the text ("Số:123"), not a field
            parsed.terms.extend(_terms(f"{name} {value}"))
            continue
        toks = folded_tokens(value.replace("-", " ").replace("/", " "))
        if toks:
            parsed.fielded.setdefault(target, []).extend(toks)
    return parsed

from __future__ import annotations

import os
import posixpath

from hypothesis import example, given
from hypothesis import strategies as st

from ingest.names import is_hidden, natural_key, safe_member_path


def test_natural_order() -> None:
    names = ["p10.tif", "p2.tif", "P1.tif", "p1b.tif", "p02.tif", "a.tif"]
    assert sorted(names, key=natural_key) == ["a.tif", "P1.tif", "p1b.tif", "p02.tif", "p2.tif", "p10.tif"]


def test_unicode_digits_are_text() -> None:
    assert sorted(["p²", "p1"], key=natural_key) == ["p1", "p²"]


def test_hidden_and_system_files() -> None:
    for name in [".DS_Store", "__MACOSX/scans/._p1.tif", "scans/Thumbs.db", "a/.git/x", "desktop.ini"]:
        assert is_hidden(name), name
    for name in ["scans/p1.tif", "./scans/p1.tif", "so_1/trang.pdf"]:
        assert not is_hidden(name), name


def test_unsafe_names_are_refused() -> None:
    for raw in [
        "../evil.png",
        "a/../../evil",
        "/etc/passwd",
        "\\evil",
        "C:/x.png",
        "c:x.png",
        "..\\..\\x",
        "a/..",
        "",
        "/",
        ".",
        "a\x00b",
        "//server/share/x",
    ]:
        assert safe_member_path(raw) is None, raw


def test_safe_names_are_kept() -> None:
    assert str(safe_member_path("scans/p001.tif")) == "scans/p001.tif"
    assert str(safe_member_path("./scans//p001.tif")) == "scans/p001.tif"
    assert str(safe_member_path("scans\\p001.tif")) == "scans/p001.tif"
    assert str(safe_member_path("Sổ hộ tịch/trang 1.png")) == "Sổ hộ tịch/trang 1.png"


_name_chars = st.sampled_from(list("ab./\\:C\x00 ") + ["..", "é", "~"])
_safe_part = st.text(st.sampled_from(list("abcXYZ019 _-éổ")), min_size=1, max_size=6)


@given(st.one_of(st.text(max_size=40), st.lists(_name_chars, max_size=20).map("".join)))
@example("../x")
@example("a/./../b")
@example("C:\\x")
def test_sanitised_name_stays_inside_root(raw: str) -> None:
    safe = safe_member_path(raw)
    if safe is None:
        return
    text = safe.as_posix()
    assert not safe.is_absolute() and ".." not in safe.parts and "" not in safe.parts
    assert not any(ord(c) < 32 for c in text)
    root = "/extract/root"
    joined = posixpath.normpath(posixpath.join(root, text))
    assert joined.startswith(root + "/")
    assert os.path.commonpath([root, joined]) == root
    assert safe_member_path(text) == safe  # idempotent


@given(st.lists(_safe_part, min_size=1, max_size=4))
def test_plain_names_round_trip(parts: list[str]) -> None:
    raw = "/".join(parts)
    if any(p in (".", "..") for p in parts) or (len(raw) > 1 and raw[1] == ":"):
        return
    assert safe_member_path(raw).as_posix() == raw

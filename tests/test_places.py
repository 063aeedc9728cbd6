"""index.places: a written place named in the other era of the July 2025 reorganisation, with partial splits
as candidate sets, cross-checked against the dvhcvn mapping in ../shared/data/admin_units (when present)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.text import fold
from index.places import (
    _ALL_TYPES,
    _LEVEL,
    _tables,
    alternative_names,
    legacy_to_2025,
    place_tokens,
    read_place,
    to_legacy,
    unit_part,
)

ADMIN_UNITS = Path(__file__).resolve().parents[2] / "shared" / "data" / "admin_units"


def _wards(units) -> set[str]:
    return {u.ward for u in units}


def test_a_merged_ward_and_a_partially_split_ward():
    assert _wards(legacy_to_2025("thanhphohanoi", "quanbadinh", "phuongphucxa")) == {"Phường Hồng Hà"}
    assert _wards(legacy_to_2025("thanhphodanang", "huyenhoavang", "xahoalien")) == {"Phường Hải Vân",
                                                                                      "Phường Liên Chiểu"}
    back = to_legacy("thanhphodanang", "phuonglienchieu")
    assert "Xã Hòa Liên" in _wards(back) and {u.district for u in back} >= {"Huyện Hòa Vang"}


def test_the_parser_is_loaded_without_its_geocoding_modules():
    # In a fresh interpreter: here another test may have imported them already.
    code = """
import sys
from index.places import read_place
assert read_place("xã Cổ Loa, huyện Đông Anh, Hà Nội"), "read"
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("shapely", "geopy"))
assert not loaded, loaded
from geopy.distance import geodesic
assert geodesic((21.0, 105.8), (10.8, 106.7)).km > 1000, "the real geopy, still importable"
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_place_that_names_no_unit_loads_no_conversion_table(monkeypatch):
    from index import places

    def loaded():
        raise AssertionError("the conversion tables were loaded")

    monkeypatch.setattr(places, "_tables", loaded)
    for nowhere in ("tại nhà", "Ủy ban nhân"):
        assert places._alternative_names.__wrapped__(nowhere) == ()
    with pytest.raises(AssertionError, match="conversion tables"):  # a place that does name one needs them
        places._alternative_names.__wrapped__("xã Cổ Loa, huyện Đông Anh, Hà Nội")


def test_reused_names_are_read_by_their_type_word():
    # "phường Hải Châu" is the 2025 ward, not the abolished Quận Hải Châu that the parser also finds.
    readings = {r.era: r for r in read_place("phường Hải Châu, thành phố Đà Nẵng")}
    assert readings["2025"].ward == "phuonghaichau" and readings["legacy"].district is None
    # A district written down means a pre-2025 place: no 2025 reading.
    assert [r.era for r in read_place("phường Thạch Thang, quận Hải Châu, thành phố Đà Nẵng")] == ["legacy"]


def test_the_parsers_guesses_are_not_taken_for_what_is_written():
    assert read_place("UBND xã Tân Phú") == ()  # the parser says Huyện An Phú, An Giang
    assert alternative_names("") == ()


def test_alternative_names():
    assert alternative_names("Ủy ban nhân dân phường Thạch Thang, quận Hải Châu, thành phố Đà Nẵng") == (
        "Phường Hải Châu", "Thành phố Đà Nẵng")
    assert "Phường Thạch Thang" in alternative_names("phường Hải Châu, TP. Đà Nẵng")
    assert alternative_names("Quảng Nam") == ("Thành phố Đà Nẵng",)
    assert alternative_names("Đà Nẵng") == ("Thành phố Đà Nẵng",)  # a province alone: never all of Quảng Nam
    assert "Phường Bàn Cờ" in alternative_names("Phường 1, Quận 3, TP. Hồ Chí Minh")


def test_a_places_own_words_are_its_units_names():
    own = lambda text: place_tokens(text).own  # noqa: E731
    assert own("UBND xã Tân Phú") == ("tan", "phu")
    assert own("Thôn Cổ Loa, xã Cổ Loa, huyện Đông Anh, thành phố Hà Nội") == (
        "co", "loa", "dong", "anh", "ha", "noi")
    assert own("Bệnh viện Đa khoa tỉnh Hà Tĩnh") == ("ha", "tinh")  # a type word only opens a unit
    assert own("Phường 5, Quận 3, TP. Hồ Chí Minh") == ("ho", "chi", "minh")
    assert own("thị xã Sơn Tây, Hà Nội") == ("son", "tay", "ha", "noi")
    assert own("Đà Nẵng") == ("da", "nang")
    assert own("") == ()


@pytest.mark.parametrize(("written", "unit"), [
    ("Ủy ban nhân dân xã Hậu Mỹ Bắc A, huyện Cái Bè", "xã Hậu Mỹ Bắc A, huyện Cái Bè"),
    ("Xóm 13, xã Ninh Vân, huyện Hoa Lư", "xã Ninh Vân, huyện Hoa Lư"),
    ("tỉnh Hải Dương, xã Hoàng Hoa Thám", "tỉnh Hải Dương, xã Hoàng Hoa Thám"),  # as written: no false start
    ("Bệnh viện Đa khoa tỉnh Phú Yên", "tỉnh Phú Yên"),
    # a hospital or a street named after a unit, then its address, which goes from the ward up
    ("Bệnh viện Đa khoa tỉnh Phú Yên, phường 4, thành phố Tuy Hòa, tỉnh Phú Yên",
     "phường 4, thành phố Tuy Hòa, tỉnh Phú Yên"),
    ("Số 80/52 đường Xô Viết Nghệ Tĩnh, phường Ninh Khánh, tỉnh Ninh Bình", "phường Ninh Khánh, tỉnh Ninh Bình"),
    ("Trạm Y tế xã Ea Ning, xã Ea Ning, huyện Cư Kuin", "xã Ea Ning, huyện Cư Kuin"),
])
def test_the_unit_part_starts_where_the_address_does(written, unit):
    assert unit_part(written) == unit


def _unit_part_by_definition(text: str) -> str:
    """``unit_part`` as first written: every part's words searched for its first type word, to the end."""
    parts = text.split(",")
    first = None
    for i, part in enumerate(parts):
        words = [fold(w).strip(".") for w in part.split()]
        for j, word in enumerate(words):
            pair = " ".join(words[j:j + 2])
            kind = pair if pair in _ALL_TYPES else word
            if kind not in _ALL_TYPES:
                continue
            if first is None:
                first = (i, j, _LEVEL[kind])
            elif j == 0 and first[1] > 0 and _LEVEL[kind] <= first[2]:
                first = (i, 0, _LEVEL[kind])
            break
    if first is None or first[:2] == (0, 0):
        return text
    i, j, _ = first
    return ", ".join([" ".join(parts[i].split()[j:]), *(p.strip() for p in parts[i + 1:])])


_ADDRESS_WORDS = ["xã", "Xã", "huyện", "tỉnh", "thành", "phố", "TP.", "tp", "thị", "trấn", "Phường", "P.", "Q.",
                  "quận", "đặc", "khu", "Số", "12", "đường", "Tân", "Phú", "Hà", "Tĩnh", "Bệnh", "viện", "tx", "h"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ADDRESS_WORDS), max_size=5), max_size=5))
def test_the_unit_part_is_what_its_definition_gives(parts: list[list[str]]) -> None:
    text = ", ".join(" ".join(words) for words in parts)
    assert unit_part(text) == _unit_part_by_definition(text)
    assert unit_part(text.replace(", ", ",,")) == _unit_part_by_definition(text.replace(", ", ",,"))


# -- cross-check against dvhcvn (old → new splits, new → old merges with full|partial) ------------------------
@pytest.fixture(scope="module")
def dvhcvn() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    if not ADMIN_UNITS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{ADMIN_UNITS} is missing in CI")
        pytest.skip("../shared/data/admin_units is not here")
    splits = json.loads((ADMIN_UNITS / "dvhcvn_20250701_splits_old_to_new.json").read_text(encoding="utf-8"))
    merges = json.loads((ADMIN_UNITS / "dvhcvn_20250701_merges_new_to_old.json").read_text(encoding="utf-8"))
    old_to_new = {w["level3_id"]: {s["new_id"] for s in w["splits"]} for p in splits["data"] for w in p["level3s"]}
    new_to_old = {w["level2_id"]: {m["old_id"] for m in w["merges"]} for p in merges["data"] for w in p["level2s"]}
    return old_to_new, new_to_old


def _codes() -> tuple[dict, dict]:
    """Ward codes per era: codes were reused in 2025, so an old and a new code are never compared."""
    import vietnamadminunits

    db = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    with sqlite3.connect(db) as conn:
        old = {(p, d, w): c for p, d, w, c in conn.execute(
            "SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy")}
        new = {(p, w): c for p, w, c in conn.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")}
    return old, new


def test_conversion_agrees_with_dvhcvn(dvhcvn):
    theirs_old_to_new, theirs_new_to_old = dvhcvn
    old_code, new_code = _codes()
    t = _tables()
    ours = {old_code[o]: {new_code[n] for n in news if n in new_code} for o, news in t.old_to_new.items()
            if o in old_code}
    common = ours.keys() & theirs_old_to_new.keys()
    assert len(common) > 10_000
    same = sum(ours[c] == theirs_old_to_new[c] for c in common)
    overlap = sum(bool(ours[c] & theirs_old_to_new[c]) for c in common)
    assert same / len(common) > 0.99 and overlap / len(common) > 0.998
    # Partial splits are candidate sets on both sides, and mostly the same sets.
    partial = [c for c in common if len(theirs_old_to_new[c]) > 1]
    assert len(partial) > 400 and sum(ours[c] == theirs_old_to_new[c] for c in partial) / len(partial) > 0.9
    # The units the conformance tests use agree exactly, both ways.
    for old, new in ((("thanhphohanoi", "quanbadinh", "phuongphucxa"), {("thanhphohanoi", "phuonghongha")}),
                     (("thanhphodanang", "huyenhoavang", "xahoalien"),
                      {("thanhphodanang", "phuonghaivan"), ("thanhphodanang", "phuonglienchieu")}),
                     (("thanhphodanang", "quanhaichau", "phuongthachthang"), {("thanhphodanang", "phuonghaichau")})):
        assert theirs_old_to_new[old_code[old]] == {new_code[n] for n in new}
        for n in new:
            assert old_code[old] in theirs_new_to_old[new_code[n]]
            assert old in t.new_to_old[n]


@pytest.mark.parametrize("read, written", [
    # OCR's marks on a unit name that exists only without them: the gazetteer's spelling wins.
    ("Ủy ban nhân dân xã Sơn Tĩnh, huyện Sơn Tây, tỉnh Quảng Ngãi",
     "Ủy ban nhân dân xã Sơn Tinh, huyện Sơn Tây, tỉnh Quảng Ngãi"),
    ("Trạm Y tế xã Sơn Tỉnh, xã Sơn Tinh, huyện Sơn Tây, tỉnh Quảng Ngải",
     "Trạm Y tế xã Sơn Tinh, xã Sơn Tinh, huyện Sơn Tây, tỉnh Quảng Ngãi"),
    ("phường Phúc Xa, quận Ba Đinh, thành phố Hà Nội", "phường Phúc Xá, quận Ba Đình, thành phố Hà Nội"),
    ("XÃ SƠN TĨNH, HUYỆN SƠN TÂY, TỈNH QUẢNG NGÃI", "XÃ SƠN TINH, HUYỆN SƠN TÂY, TỈNH QUẢNG NGÃI"),
    # A speck between a name's words; a digit inside a name read for the letter it looks like, where only then is
    # the combination known.
    ("xã Bình Minh, huyện Thăng-Bình, tỉnh Quảng Nam", "xã Bình Minh, huyện Thăng Bình, tỉnh Quảng Nam"),
    ("TỈNH QUẢNG-NAM", "TỈNH QUẢNG NAM"),
    ("xã Mường Bon, huyện Mai Sơn, tỉnh Sơn 1a", "xã Mường Bon, huyện Mai Sơn, tỉnh Sơn La"),
    ("huyện B0 Trạch, tỉnh Quảng Bình", "huyện Bố Trạch, tỉnh Quảng Bình"),
    ("Thôn 5, xã la Đal, huyện la H'Drai, tỉnh Kon Tum", "Thôn 5, xã Ia Đal, huyện Ia H'Drai, tỉnh Kon Tum"),  # l for I
    ("Thôn 1a, xã Mường Bon, huyện Mai Sơn, tỉnh Sơn 1a", "Thôn 1a, xã Mường Bon, huyện Mai Sơn, tỉnh Sơn La"),
    # One unit's name a letter away from the dataset's (changed, dropped), where only that name makes the
    # combination known; case kept.
    ("Ủy ban nhân dân phường Bình Khê, thành phố Đông Tyiều, tỉnh Quảng Ninh",
     "Ủy ban nhân dân phường Bình Khê, thành phố Đông Triều, tỉnh Quảng Ninh"),
    ("XÃ QUẢNG MNH, HUYỆN HẢI HÀ, TỈNH QUẢNG NINH", "XÃ QUẢNG MINH, HUYỆN HẢI HÀ, TỈNH QUẢNG NINH"),
    # ... but not where two names are as near (Hàng Bạc, Hàng Bài), nor two letters away.
    ("phường Hàng Baj, quận Hoàn Kiếm, thành phố Hà Nội", "phường Hàng Baj, quận Hoàn Kiếm, thành phố Hà Nội"),
    ("xã Vĩnh Ninh, huyện Quảng Nirfh, tỉnh Quảng Bình", "xã Vĩnh Ninh, huyện Quảng Nirfh, tỉnh Quảng Bình"),
    # Among its parent's own units, a short name's slip and two units' slips are mended (Ba Vì is Hà Nội's only
    # district a letter from "Ba Vy"; Hải Hà, then Quảng Minh among Hải Hà's communes), and where two are as near
    # the marks read choose (Hưng Dũng, a mark from "Hưng Dãng"; Hưng Đông two) or nothing does (Trung Hóa and
    # Trọng Hóa, each a mark from "Trang Hóa").
    ("xã Tản Lĩnh, huyện Ba Vy, thành phố Hà Nội", "xã Tản Lĩnh, huyện Ba Vì, thành phố Hà Nội"),
    ("xã Quảng Mnh, huyện Hải Hàa, tỉnh Quảng Ninh", "xã Quảng Minh, huyện Hải Hà, tỉnh Quảng Ninh"),
    ("Tổ dân phố 21, phường Hưng Dãng, thành phố Xinh, tỉnh Nghệ An",
     "Tổ dân phố 21, phường Hưng Dũng, thành phố Vinh, tỉnh Nghệ An"),
    ("xã Trang Hóa, huyện Minh Hóa, tỉnh Quảng Bình", "xã Trang Hóa, huyện Minh Hóa, tỉnh Quảng Bình"),
    # A space lost between a name's words.
    ("Thôn 14, xã Đăk RơÔng, huyện Tu Mơ Rông, tỉnh Kon Tum", "Thôn 14, xã Đăk Rơ Ông, huyện Tu Mơ Rông, tỉnh Kon Tum"),
    # The units' type words take their marks, in the case they were read in, once the combination is known.
    ("Ủy ban nhân dân phường Bình Khê, thành phố Đông Triều, tinh Quảng Ninh",
     "Ủy ban nhân dân phường Bình Khê, thành phố Đông Triều, tỉnh Quảng Ninh"),
    ("PHƯỜNG HÀNG BẠC, QUẬN HOÀN KIẾM, THÁNH PHÓ HÀ NỘI", "PHƯỜNG HÀNG BẠC, QUẬN HOÀN KIẾM, THÀNH PHỐ HÀ NỘI"),
    ("Xa Tân Lập, Huyen Đầm Hà, Tỉnh Quảng Ninh", "Xã Tân Lập, Huyện Đầm Hà, Tỉnh Quảng Ninh"),
    ("xã Bình Minh, huyen Thăng Bình, tinh Sơn 1x", "xã Bình Minh, huyen Thăng Bình, tinh Sơn 1x"),  # unknown
    # A speck read as a comma inside a name, where only then is the combination known; a separator's comma stays
    # (without it the commune is no longer named, and the misread name is left to the one-letter fix).
    ("Ủy ban nhân dân phường Kỳ, Phương, thị xã Kỳ Anh, tỉnh Hà Tĩnh",
     "Ủy ban nhân dân phường Kỳ Phương, thị xã Kỳ Anh, tỉnh Hà Tĩnh"),
    ("Thôn 5, xã Kim Thạch, huyện Vị, Xuyên, tỉnh Hà Giang", "Thôn 5, xã Kim Thạch, huyện Vị Xuyên, tỉnh Hà Giang"),
    ("Thôn 5, xã Kim Thạchh, huyện Vị Xuyên, tỉnh Hà Giang", "Thôn 5, xã Kim Thạch, huyện Vị Xuyên, tỉnh Hà Giang"),
    # A capital misread in a name (neither capitals nor title case) takes the dataset's case.
    ("Xã Kim Thạch, huyện VỊ Xuyên, tỉnh Hà Giang", "Xã Kim Thạch, huyện Vị Xuyên, tỉnh Hà Giang"),
    ("xã Đăk Rơ Ông, huyện Tu Mơ Rông, tỉnh kon Tum", "xã Đăk Rơ Ông, huyện Tu Mơ Rông, tỉnh Kon Tum"),
    # Left as written: tone placement (hoà/hòa), an unknown combination, text that is not a unit.
    ("Ấp 3, xã Hưng Phú, huyện Phước Long, tỉnh Bạc Liêu", "Ấp 3, xã Hưng Phú, huyện Phước Long, tỉnh Bạc Liêu"),
    ("xã Sơn Tĩnh, huyện Ba Vì, tỉnh Quảng Ngãi", "xã Sơn Tĩnh, huyện Ba Vì, tỉnh Quảng Ngãi"),
    ("Thôn 7, số nhà 12", "Thôn 7, số nhà 12"),
    ("xã Bình Minh, huyện Thăng Bình, tỉnh Sơn 1a", "xã Bình Minh, huyện Thăng Bình, tỉnh Sơn 1a"),  # still unknown
])
def test_respell_restores_unit_names_marks_from_the_gazetteer(read, written):
    from domain.gazetteer import respell_place

    assert respell_place(read) == written


def test_respell_keeps_tone_placement_as_written():
    from domain.gazetteer import gazetteer

    g = gazetteer()
    row = next(r for r in g.legacy if "oà" in r["ward"] or "òa" in r["ward"])
    other = row["ward"].replace("oà", "#").replace("òa", "oà").replace("#", "òa")
    text = f"{other}, {row['district']}, {row['province']}"
    assert g.respell(text) == text

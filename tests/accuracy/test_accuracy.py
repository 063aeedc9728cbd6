"""Measures, gazetteer, validation and calibration behind docs/accuracy.md (no Tesseract runs except one)."""
import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.gazetteer import check_place, gazetteer, key
from domain.text import edit_distance
from ocr.calibrate import GROUPS, calibrated, isotonic
from ocr.field_checks import check_fields
from ocr.metrics import canonical, cer, field_matches, word_recall

ADMIN = Path(os.environ.get("SOHOA_SHARED_DATA", "/work/shared/data")) / "admin_units"


def _lev(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


@given(st.text("aăđ ổố\n", max_size=40), st.text("aăđ ổố\n", max_size=40))
def test_edit_distance_is_levenshtein(a, b):
    assert edit_distance(a, b) == _lev(a, b)


def test_text_measures():
    assert cer("Hà  Nội\nViệt Nam", "Hà Nội Việt Nam") == 0
    assert cer("PHÓ", "PHỐ") == pytest.approx(1 / 3)
    assert word_recall("Nam Việt", "Việt Nam Việt") == pytest.approx(2 / 3)


def test_field_canonical_forms():
    assert field_matches("owner_names", "Hoàng Văn Vĩnh; Vy Thị Anh", ["HOÀNG VĂN VĨNH", "VY THỊ ANH"])
    assert field_matches("area_m2", "63.4", 63.4)
    assert not field_matches("ethnicity", "kinh", "Kinh")  # only names compare case-insensitively
    assert canonical("full_name", "  Ðỗ  Mai ") == "đỗ mai"


# ---- gazetteer, cross-checked against the shared copies of the source data --------------------------------
@pytest.fixture(scope="module")
def admin() -> Path:
    if not ADMIN.is_dir():
        pytest.skip(f"{ADMIN} not present")
    return ADMIN


def test_gazetteer_matches_shared_pre_reform_list(admin):
    g = gazetteer()
    data = json.loads((admin / "thanglequoc_v2.4.1_pre2025_63prov_696dist_10035wards.json").read_text())
    assert {key(p["FullName"]) for p in data} == g.provinces["legacy"]
    wards = {(key(p["FullName"]), key(w["FullName"])) for p in data for d in p["District"] for w in d["Ward"] or []}
    ours = {(p, w) for p, _, w in g._legacy}
    assert len(wards & ours) / len(wards) > 0.99


def test_gazetteer_matches_shared_post_reform_list(admin):
    g = gazetteer()
    data = json.loads((admin / "thanglequoc_v3.0.2_post2025_34prov_3321wards.json").read_text())
    assert {key(p["FullName"]) for p in data} == g.provinces["2025"]
    assert len(g.provinces["2025"]) == 34 and len(g.provinces["legacy"]) == 63
    wards = {(key(p["FullName"]), key(w["FullName"])) for p in data for w in p["Wards"]}
    assert len(wards & g._current) / len(wards) > 0.99


@pytest.mark.parametrize("text, eras", [
    ("Ấp 3, xã Hưng Phú, huyện Phước Long, tỉnh Bạc Liêu", ("legacy",)),
    ("phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh", ("legacy",)),
    ("Phường Ba Đình, Thành phố Hà Nội", ("2025",)),
    ("xã Bình Minh, huyện Thăng Bình, tỉnh Quảng Nom", ()),  # OCR error in the province
    ("xã Hưng Phú, huyện Mai Sơn, tỉnh Bạc Liêu", ()),  # units that exist, but not together
])
def test_check_place(text, eras):
    assert check_place(text).eras == eras


# ---- validation ------------------------------------------------------------------------------------------------
def test_dates_out_of_order_lower_both():
    fields = {"date_of_birth": "2001-09-02", "registration_date": "2001-08-01"}
    conf = {"date_of_birth": 0.9, "registration_date": 0.9}
    problems = check_fields(fields, conf)
    assert set(problems) == {"date_of_birth", "registration_date"} and max(conf.values()) < 0.5


def test_a_registration_outside_its_books_year_is_doubted():
    fields = {"book_number": "03/2020", "registration_date": "2026-01-07"}  # a 0 read as 6
    conf = dict.fromkeys(fields, 0.9)
    assert set(check_fields(fields, conf)) == {"book_number", "registration_date"}
    assert fields["registration_date"] == "2026-01-07" and max(conf.values()) < 0.5  # doubted, not rewritten
    fields = {"book_number": "03/2020", "registration_date": "2020-01-07"}
    assert check_fields(fields, dict.fromkeys(fields, 0.9)) == {}


def test_an_age_no_one_marries_or_dies_at_is_doubted():
    fields = {"husband_date_of_birth": "1892-10-28", "wife_date_of_birth": "1994-02-01",
              "registration_date": "2006-04-03"}  # a 9 read as 8: 114 at his wedding
    assert set(check_fields(fields, dict.fromkeys(fields, 0.9))) == {"husband_date_of_birth"}
    fields = {"date_of_birth": "1890-04-23", "date_of_death": "2020-01-11"}  # 130 at death
    assert set(check_fields(fields, dict.fromkeys(fields, 0.9))) == {"date_of_birth"}


def test_unknown_place_and_foreign_name_flagged():
    fields = {"place_of_birth": "xã Bình Minh, huyện Thăng Bình, tỉnh Quảng Nom", "full_name": "Lê Vxn Bình",
              "hometown": "xã Bình Minh, huyện Thăng Bình, tỉnh Quảng Nam"}
    conf = dict.fromkeys(fields, 0.95)
    assert set(check_fields(fields, conf)) == {"place_of_birth", "full_name"}
    assert conf["hometown"] == 0.95


# ---- calibration ------------------------------------------------------------------------------------------------
def test_isotonic_is_monotone():
    pairs = [(0.1, False), (0.2, True), (0.3, False), (0.6, True), (0.7, False), (0.9, True), (0.95, True)]
    ys = [y for _, y in isotonic(pairs)]
    assert ys == sorted(ys) and all(0 <= y <= 1 for y in ys)


@pytest.mark.parametrize("field", ["full_name", "date_of_birth", "personal_id", "place_of_birth", "gender"])
def test_calibrated_map_monotone(field):
    values = [calibrated(field, x / 20) for x in range(21)]
    assert values == sorted(values) and all(0 <= v <= 1 for v in values)


def test_calibration_file_has_every_group():
    data = json.loads((Path(__file__).resolve().parents[2] / "ocr" / "calibration.json").read_text())
    assert set(data["groups"]) == set(GROUPS)


# ---- one convention for dates in words ----------------------------------------------------------------------------
def test_samples_use_domain_dates():
    import domain.dates
    import samples.numerals

    assert samples.numerals.date_in_words(date(2021, 4, 4)) == domain.dates.date_in_words("2021-04-04") \
        == "Ngày mồng bốn tháng tư năm hai nghìn không trăm hai mươi mốt"
    assert samples.numerals.number_in_words(24) == "hai mươi tư"

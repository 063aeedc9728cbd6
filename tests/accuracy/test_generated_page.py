"""One real run end to end: a moderately degraded generated birth extract through ocr_page and extract_records."""
from domain.settings import Settings
from ocr import extract_records, ocr_page
from ocr.metrics import cer, field_matches
from samples import render_pages


def test_moderate_birth_extract(tmp_path):
    page = next(iter(render_pages("birth", 1, 900, "moderate")))
    result = ocr_page(page.image, Settings(home=tmp_path), want_pdf=False)
    lines = result.text.splitlines()
    assert lines[0].startswith("ỦY BAN NHÂN DÂN") and lines[1].startswith("XÃ ")  # header read column by column
    assert cer(result.text, page.text) < 0.03
    [record] = extract_records(result, "birth")
    want = page.record.fields
    right = [f for f, v in record.fields.items() if field_matches(f, v, want[f])]
    assert len(right) / len(want) >= 0.9
    wrong = [f for f in record.fields if f not in right]
    assert all(record.confidence[f] < 0.8 for f in wrong), {f: record.fields[f] for f in wrong}

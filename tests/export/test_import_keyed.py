"""Import of keyed entries: export → import round-trips; keyed values land on the matching entries (checked,
kept as corrections, provenance "import", searchable); what does not match is reported both ways; a bad
spreadsheet is refused with a Vietnamese message, never a crash."""
from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from index import SearchQuery
from office.audit.service import Actor
from office.export.importing import SheetRejected, import_and_index
from office.export.service import export_batch
from storage.audit_models import AuditEntry
from storage.models import Record
from storage.review_models import FieldCorrection

ACTOR = Actor(None, None, username="cli:test")


@pytest.fixture
def exported(register_book, tmp_path):
    ctx, batch_id = register_book
    with ctx.db.session() as s:
        result = export_batch(batch_id, "moj", tmp_path, s=s, store=ctx.store, actor=ACTOR, dpi=ctx.settings.dpi)
    return next(p for p in result.files if p.suffix == ".xlsx")


def _records(ctx, batch_id) -> dict[str, Record]:
    with ctx.db.session() as s:
        records = s.scalars(select(Record).where(Record.batch_id == batch_id, Record.fragment.is_distinct_from("tail")))
        out = {r.fields.get("registration_number"): r for r in records}
        s.expunge_all()
    return out


def test_export_then_import_round_trips(register_book, exported):
    ctx, batch_id = register_book
    before = _records(ctx, batch_id)
    result = import_and_index(exported, batch_id, ctx=ctx, actor=ACTOR)
    assert result.rows == result.matched == len(before)
    assert (result.rows_without_entry, result.entries_without_row, result.rejected_rows) == ([], [], [])
    assert result.fields_changed == 0 and result.unknown_columns == []
    after = _records(ctx, batch_id)
    assert {k: r.fields for k, r in after.items()} == {k: r.fields for k, r in before.items()}
    assert {r.provenance for r in after.values()} == {"import"}


def test_keyed_values_are_imported_and_what_does_not_match_is_reported(register_book, exported, tmp_path):
    ctx, batch_id = register_book
    wb = load_workbook(exported)
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    numbers = [ws.cell(r, col["Số"]).value for r in range(2, ws.max_row + 1)]
    renamed, filled, dropped, bad = numbers[0], numbers[1], numbers[2], numbers[3]
    ws.cell(2, col["Họ, chữ đệm, tên"]).value = "Trần Thị Nhập Tay"
    ws.cell(3, col["Quê quán"]).value = "Xã Hành Dũng, huyện Nghĩa Hành, tỉnh Quảng Ngãi"
    ws.cell(3, col["Ghi chú"]).value = "Cải chính họ tên theo QĐ số 12/QĐ-UBND"
    ws.cell(5, col["Ngày, tháng, năm sinh"]).value = "31/02/2020"
    # An ID typed into a number cell loses its leading zero (Quảng Ngãi's code is 051): it is given back.
    pid = ws.cell(2, col["Số định danh cá nhân"]).value
    assert pid.startswith("0")
    ws.cell(2, col["Số định danh cá nhân"]).value = int(pid)
    ws.delete_rows(4)
    ws.append({col["Số"]: "9999", col["Họ, chữ đệm, tên"]: "Không Có Trang"})
    sheet = tmp_path / "keyed.xlsx"
    wb.save(sheet)

    result = import_and_index(sheet, batch_id, ctx=ctx, actor=ACTOR)
    assert [r["registration_number"] for r in result.rows_without_entry] == ["9999"]
    assert [r["registration_number"] for r in result.entries_without_row] == [dropped]
    assert [r["registration_number"] for r in result.rejected_rows] == [bad]
    assert "date_of_birth" in result.rejected_rows[0]["errors"]
    records = _records(ctx, batch_id)
    assert records[renamed].fields["full_name"] == "Trần Thị Nhập Tay"
    assert records[renamed].confidence["full_name"] == 1.0
    assert records[renamed].fields["personal_id"] == pid
    assert records[filled].fields["hometown"] == "Xã Hành Dũng, huyện Nghĩa Hành, tỉnh Quảng Ngãi"
    assert records[filled].notes == "Cải chính họ tên theo QĐ số 12/QĐ-UBND"
    assert result.fields_changed == 3 and set(result.changed_records) == {records[renamed].id, records[filled].id}
    assert records[bad].fields["date_of_birth"] != "2020-02-31"
    with ctx.db.session() as s:
        kept = s.scalars(select(FieldCorrection).where(FieldCorrection.record_id == records[renamed].id)).all()
        assert [(c.field, c.new_value, c.corrected_by) for c in kept][-1:] == [
            ("full_name", "Trần Thị Nhập Tay", "cli:test")]
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "import_keyed")).all()[-1]
        assert audit.detail["rows_without_entry"] == 1 and audit.detail["file"] == "keyed.xlsx"
    hits = ctx.index.search(SearchQuery(text="tran thi nhap tay")).hits
    assert records[renamed].id in [h.record_id for h in hits]


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_vietnamese(register_book, tmp_path):
    ctx, batch_id = register_book
    fake = tmp_path / "so.xlsx"
    fake.write_text("Số,Họ tên\n1,An\n", encoding="utf-8")
    with pytest.raises(SheetRejected, match="Không đọc được tệp «so.xlsx»"):
        import_and_index(fake, batch_id, ctx=ctx, actor=ACTOR)
    wb = Workbook()
    wb.active.append(["Họ tên", "Ngày sinh"])
    wb.active.append(["Nguyễn Văn An", "01/01/2000"])
    wb.save(no_number := tmp_path / "khong-so.xlsx")
    with pytest.raises(SheetRejected, match="không có cột «Số»"):
        import_and_index(no_number, batch_id, ctx=ctx, actor=ACTOR)


def test_cli_reports_a_bad_spreadsheet_with_exit_code_2(register_book, tmp_path, monkeypatch, capsys):
    import sys

    from api.cli import main

    ctx, batch_id = register_book
    fake = tmp_path / "hong.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("SOHOA_HOME", str(ctx.settings.home))
    monkeypatch.setattr(sys, "argv", ["sohoa", "import-keyed", str(fake), "--batch", batch_id, "--json"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert '"code": "bad_spreadsheet"' in capsys.readouterr().out


def test_a_doubtful_value_exported_and_brought_back_unchanged_is_not_refused(register_book, tmp_path):
    ctx, batch_id = register_book
    with ctx.db.session() as s:
        record = s.scalars(select(Record).where(Record.batch_id == batch_id).order_by(Record.id)).first()
        rid, kept = record.id, record.fields["personal_id"]
        record.fields = {**record.fields, "personal_id": "0512"}  # as OCR might leave it: too short to be valid
    try:
        with ctx.db.session() as s:
            result = export_batch(batch_id, "moj", tmp_path, s=s, store=ctx.store, actor=ACTOR, dpi=ctx.settings.dpi)
        sheet = next(p for p in result.files if p.suffix == ".xlsx")
        imported = import_and_index(sheet, batch_id, ctx=ctx, actor=ACTOR)
        assert imported.rejected_rows == [] and imported.fields_changed == 0
        with ctx.db.session() as s:
            assert s.get(Record, rid).fields["personal_id"] == "0512"
    finally:
        with ctx.db.session() as s:
            record = s.get(Record, rid)
            record.fields = {**record.fields, "personal_id": kept}

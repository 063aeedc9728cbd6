"""Which record a page holds: civil-status and land pages by their titles and labels; administrative documents
(Decree 30/2020's decisions, notices, plans, letters), whose prose names births, marriages and land, hold none."""
from __future__ import annotations

import json

import pytest

from domain.records import RecordType
from ocr import record_type as rt
from ocr.record_type import document_kind, guess_record_type, no_record_reason, review_reason, type_scores
from samples.book import render_pages
from samples.official import MIXES, official_pages
from samples.register_book import register_pages

_OFFICIAL_TITLES = {"quyet_dinh": "Quyết định", "thong_bao": "Thông báo", "ke_hoach": "Kế hoạch", "cong_van": rt.LETTER}


def test_every_generated_administrative_document_holds_no_record():
    # The office mix deals the four kinds in turn: 12 pages are three of each. Their prose speaks of birth and
    # marriage registration, land and people (samples.official_text); before the titles were looked at, most
    # came out as marriage or death records.
    pages = list(official_pages(12, seed=31, degradation=next(iter(MIXES))))
    assert {p.kind for p in pages} == set(_OFFICIAL_TITLES)
    for page in pages:
        assert document_kind(page.text) == _OFFICIAL_TITLES[page.kind], page.text[:300]
        assert guess_record_type(page.text) is None


@pytest.mark.parametrize("record_type", ["birth", "marriage", "death", "land"])
def test_civil_status_and_land_pages_keep_their_type(record_type):
    texts = [p.text for p in render_pages(record_type, 4, seed=12, degradation="clean")]
    if record_type != "land":
        texts += [p.text for p in register_pages(record_type, 2, seed=12, degradation="clean")]
    for text in texts:
        assert document_kind(text) is None
        assert guess_record_type(text) == RecordType(record_type)


@pytest.mark.parametrize("title, kind", [
    ("QUYẾT ĐỊNH", "Quyết định"), ("THÔNG BÁO", "Thông báo"), ("THÔNG CÁO", "Thông cáo"),
    ("QUYẾT ĐINH .", "Quyết định"),  # a mark and a speck lost or gained on the way
    ("THÔNG BẢO", "Thông báo"), ("TỜ TRÌNH", "Tờ trình"), ("BIÊN BẢN", "Biên bản"), ("NGHỊ QUYẾT", "Nghị quyết"),
])
def test_a_title_in_capitals_under_the_header_names_the_kind(title, kind):
    text = f"ỦY BAN NHÂN DÂN\nXÃ AN BÌNH\nSố: 12/UBND\n{title}\nVề việc đăng ký khai sinh cho trẻ em\nNơi sinh: …"
    assert document_kind(text) == kind
    assert guess_record_type(text) is None
    assert no_record_reason(text).startswith(f"Văn bản hành chính ({kind.lower()})")


def test_a_letter_is_known_by_its_subject_line():
    text = "ỦY BAN NHÂN DÂN\nSố: 45/UBND-TP\nV/v hướng dẫn đăng ký kết hôn\nKính gửi: Ủy ban nhân dân các xã"
    assert document_kind(text) == rt.LETTER
    assert guess_record_type(text) is None


def test_a_title_read_as_garbage_leaves_the_subject_under_it():
    # A photocopied notice, its "THÔNG BÁO" under the receipt stamp (a page of the pipeline's reading).
    text = ("UBND TỈNH SƠN LA\nSỞ TƯ PHÁP\nSố:\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐẾN Ngay\nBẢO”\n"
            "Về việc tăng cường công tác đăng ký khai sinh, khai tử đúng hạn\nGiấy chứng nhận quyền sử dụng đất")
    assert document_kind(text) == rt.UNTITLED
    assert guess_record_type(text) is None
    assert no_record_reason(text).startswith("Văn bản hành chính, không phải giấy tờ hộ tịch hay đất đai")


@pytest.mark.parametrize("footer", ["Nơi nhận:", "Nơinhận:", "Noi nhân: - Như trên;"])
def test_a_page_whose_title_and_subject_are_unread_is_known_by_its_footer(footer):
    # A photocopied letter: its number and "V/v" line under the receipt stamp, read as garbage; the subject
    # names the land title and the body a parcel, which alone would make a land record of it.
    text = ("ỦY BAN NHÂN DÂN\nXÃ AN BÌNH\nSỐ Pự Chị te cấp Giấy chứng nhận quyền sử dụng đất lần đầu\n"
            "Kính gửi: Văn phòng đăng ký đất đai\nThửa đất số 12, tờ bản đồ số 3, diện tích 100 m2\n"
            f"{footer}\n- Lưu: VT.\nCHỦ TỊCH")
    assert guess_record_type(text.replace(footer, "")) == RecordType.LAND
    assert document_kind(text) == rt.UNTITLED
    assert guess_record_type(text) is None
    assert no_record_reason(text).startswith("Văn bản hành chính, không phải giấy tờ hộ tịch hay đất đai")


@pytest.mark.parametrize("text", [
    # The kind named in a line of prose, in small letters, or at the foot of the page: no title.
    "TRÍCH LỤC KHAI SINH\nHọ, chữ đệm, tên: Lê Văn An\nNơi sinh: Hà Nội\nCăn cứ quyết định số 12 ngày 1/2/2020",
    "TRÍCH LỤC KHAI SINH\nHọ, chữ đệm, tên: Lê Văn An\nNơi sinh: Hà Nội\nThông báo\nQuê quán: Nam Định",
    "TRÍCH LỤC KHAI SINH\nHọ, chữ đệm, tên: Lê Văn An\nNơi sinh: Hà Nội\n" + "Quê quán: Nam Định\n" * 15
    + "QUYẾT ĐỊNH",
    # A declaration to the registrar opens "Kính gửi" as letters do: it is the registration itself.
    "TỜ KHAI ĐĂNG KÝ KHAI SINH\nKính gửi: Ủy ban nhân dân xã An Bình\nHọ, chữ đệm, tên người yêu cầu: Lê Văn Ba",
    "TRÍCH LỤC KHAI SINH\nGhi chú: về việc thay đổi quê quán\nNơi sinh: Hà Nội",
    # The footer's words inside a line are no footer.
    "TRÍCH LỤC KHAI SINH\nNơi sinh: Hà Nội\nBản sao gửi về nơi nhận: bộ phận một cửa",
])
def test_a_kind_named_anywhere_else_is_no_title(text):
    assert document_kind(text) is None
    assert guess_record_type(text) == RecordType.BIRTH


def test_every_kind_of_the_decree_is_its_own_nearest_title():
    for kind in rt.DOCUMENT_KINDS:
        assert document_kind(f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n{kind.upper()}\nCăn cứ …") == kind


def test_labels_count_as_whole_words_only():
    # An application's prose: "với" is no "vợ", "cho người" no "chồng", "hệ thống" no near reading of "kết hôn",
    # "khai trên" none of "khai tử" — each used to add to a record type's score, two made a record of the page.
    text = ("ĐƠN XIN NGHỈ VIỆC\nChức vụ: Kỹ sư hệ thống\nTôi sẽ bàn giao tài liệu cho người được phân công\n"
            "cùng với hồ sơ vay vốn ngân hàng.\nTôi cam đoan những thông tin khai trên là đúng sự thật.")
    assert not any(type_scores(text).values())
    assert guess_record_type(text) is None
    assert no_record_reason(text) == "Không nhận diện được loại giấy tờ trên trang này"
    # The same labels as words still count.
    marriage = "GIẤY CHỨNG NHẬN KẾT HÔN\nThông tin\tVợ\tChồng\nHọ, chữ đệm, tên vợ: Lê Thị Hoa"
    assert type_scores(marriage)[RecordType.MARRIAGE] >= 5 + 2


@pytest.fixture(scope="module")
def decision_and_extract(tmp_path_factory):
    """A decision (or notice, plan, letter) scanned with a birth extract, and the decision's kind."""
    from samples import generate_book
    from samples.official import generate_official

    tmp = tmp_path_factory.mktemp("pages")
    paths, truth = generate_official(tmp / "official", pages=1, seed=3, degradation="clean")
    birth = generate_book(tmp / "birth", record_type="birth", pages=1, seed=3, degradation="clean", fmt="png")
    return [paths[0], *birth.paths], json.loads(truth.read_text())["pages"][0]["kind"]


def _run(paths, record_type: str, home, **settings):
    """The pages and records of one batch run on the embedded default."""
    from sqlalchemy import select

    from domain.settings import Settings
    from storage.models import Page, Record
    from workers import Context, NoProgress, open_executor
    from workers.batches import BatchMeta, pages_to_run, register_batch

    ctx = Context(Settings(home=home, workers=2, database_url="", storage_url="", index_url="", broker_url="",
                           **settings))
    batch_id = register_batch(paths, BatchMeta(record_type=record_type), ctx).batch_id
    open_executor(ctx).run(batch_id, pages_to_run(batch_id, ctx), NoProgress())
    with ctx.db.session() as s:
        pages = s.scalars(select(Page).where(Page.batch_id == batch_id).order_by(Page.seq)).all()
        records = s.scalars(select(Record).where(Record.batch_id == batch_id)).all()
        on = {r.id: r.pages[0].page_id for r in records}
        s.expunge_all()
    return pages, records, on


def test_an_automatic_batch_keeps_an_administrative_page_without_a_record(decision_and_extract, tmp_path):
    # End to end on the embedded default: the decision is read, keeps its text and says why it yields no
    # record; the extract beside it yields its record.
    from storage.models import PageStatus

    paths, kind = decision_and_extract
    pages, records, _ = _run(paths, "auto", tmp_path)
    assert [p.status for p in pages] == [PageStatus.DONE, PageStatus.DONE]
    official, extract = pages
    assert official.text and official.reason == no_record_reason(official.text)
    assert official.reason.startswith(f"Văn bản hành chính ({_OFFICIAL_TITLES[kind].lower()})")
    assert extract.reason is None
    assert [r.type for r in records] == ["birth"]


def test_a_batch_of_a_given_type_reads_an_administrative_page_as_asked_and_sends_it_to_review(
        decision_and_extract, tmp_path):
    # The clerk said "a book of births": nothing is skipped on a guess, but what the decision yields is doubtful.
    # (No value is doubtful by its confidence here: the page alone sends its records to review.)
    paths, kind = decision_and_extract
    pages, records, on = _run(paths, "birth", tmp_path, review_threshold=0.0)
    official, extract = pages
    assert official.reason == review_reason(official.text)
    assert official.reason.startswith(f"Văn bản hành chính ({_OFFICIAL_TITLES[kind].lower()}) trong quyển")
    assert extract.reason is None
    from_official = [r for r in records if on[r.id] == official.id]
    assert from_official and all(r.needs_review for r in from_official)
    assert [r.needs_review for r in records if on[r.id] == extract.id] == [False]

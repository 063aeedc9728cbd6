"""Text parsing and extraction on recorded OCR output (no Tesseract runs here)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tesseract_tsv import parse_tsv

from domain.records import RecordType
from ocr import extract, guess_record_type
from ocr.labels import find_label, max_errors
from ocr.page import PageOcr
from ocr.words import mean_confidence, page_text

BIRTH_NOISY = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 12/TLKS-BS
TRÍCH LUC KHAI SlNH
Ho, chu dem, ten: LÊ VĂN BÌNH
Ngảy, thảng, nărn sinh: 02/09/2001
ghi bằng chữ: Ngày mùng hai tháng chín năm hai nghìn không trăm linh một
Gioi tính: Nam   Dân tôc: Kinh   Quốc tịch: Việt Nam
Nơi sinh: Trạm y tế xã Tân Lập, tỉnh Nam Định
Số định danh cá nhân: 036201012345
Họ, chữ đệm, tên người mẹ: PHẠM THỊ LAN
Năm sinh: 1975   Dân tộc: Kinh
Họ, chữ đệm, tên người cha: LÊ VĂN NAM
Năm sinh: 1973
"""

DEATH = """TRÍCH LỤC KHAI TỬ
Số: 45/TLKT
Họ, chữ đệm, tên: HOÀNG VĂN TÚ
Ngày, tháng, năm sinh: 10/10/1940   Giới tính: Nam
Dân tộc: Tày   Quốc tịch: Việt Nam
Số định danh cá nhân: 004040001234
Chết vào lúc: 14 giờ 30 phút, ngày 05 tháng 6 năm 2020
Nơi chết: tại nhà, thôn Nà Pàn, xã Hòa Thuận, huyện Phục Hòa, tỉnh Cao Bằng
Nguyên nhân chết: già yếu
Giấy báo tử: số 12/GBT, Trạm y tế xã Hòa Thuận cấp ngày 06/06/2020
"""

MARRIAGE = """GIẤY CHỨNG NHẬN KẾT HÔN
Họ, chữ đệm, tên vợ: ĐỖ THỊ MAI
Ngày, tháng, năm sinh: 01/02/1995
Dân tộc: Kinh   Quốc tịch: Việt Nam
Nơi cư trú: phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh
Giấy tờ tùy thân: CCCD số 079195000111
Họ, chữ đệm, tên chồng: VÕ MINH TUẤN
Ngày, tháng, năm sinh: 12/12/1993
Dân tộc: Kinh   Quốc tịch: Việt Nam
Giấy tờ tùy thân: CCCD số 079093000222
Ngày, tháng, năm đăng ký: 14/02/2020
"""

LAND = """GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT
QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT
BĐ 123456
I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất
Ông: NGUYỄN VĂN AN, Năm sinh: 1960, CMND số: 012345678
và vợ Bà: TRẦN THỊ BÍCH, Năm sinh: 1962, CMND số: 012345679
Địa chỉ thường trú: số 5 ngõ 12 phố Huế, quận Hai Bà Trưng, Hà Nội
II. Thửa đất, nhà ở và tài sản khác gắn liền với đất
Thửa đất số: 123   Tờ bản đồ số: 45
Địa chỉ: phường Bạch Đằng, quận Hai Bà Trưng, Hà Nội
Diện tích: 1.234,5 m²   Hình thức sử dụng: Sử dụng riêng
Mục đích sử dụng: Đất ở tại đô thị
Thời hạn sử dụng: Lâu dài
Nguồn gốc sử dụng: Nhà nước giao đất có thu tiền sử dụng đất
Hà Nội, ngày 12 tháng 5 năm 2015
TM. ỦY BAN NHÂN DÂN QUẬN HAI BÀ TRƯNG
Số vào sổ cấp GCN: CH01234
"""


def _page(text: str, conf: float = 0.9) -> PageOcr:
    return PageOcr(text=text, confidence=conf)


@pytest.mark.parametrize(
    "line, label, found",
    [
        ("Ho, chu dem, ten: LÊ VĂN BÌNH", "Họ, chữ đệm, tên", "Ho, chu dem, ten"),
        ("Hq, chũ đêm tèn : X", "Họ, chữ đệm, tên", "Hq, chũ đêm tèn"),
        ("Ngảy, thảng, nărn sinh: 02/09/2001", "Ngày, tháng, năm sinh", "Ngảy, thảng, nărn sinh"),
        ("Quê quán: tỉnh Nam Định", "Năm sinh", None),  # needs its separator when it is not first
        ("Năm sinh: 1975", "Năm sinh", "Năm sinh"),
    ],
)
def test_fuzzy_label_anchoring(line, label, found):
    from ocr.anchors import Label, _hits
    from ocr.lines import page_lines

    hits = _hits(page_lines([], line)[0], (Label((label,), "x"),))
    assert [line[h.match.start : h.match.end] for h in hits] == ([found] if found else [])
    assert find_label("Ho chu dem ten", "Họ, chữ đệm, tên") is not None


def test_birth_from_noisy_text():
    rec = extract(_page(BIRTH_NOISY), RecordType.BIRTH)
    f = rec.fields
    assert f["full_name"] == "Lê Văn Bình"
    assert f["date_of_birth"] == "2001-09-02"
    assert f["gender"] == "male"
    assert f["ethnicity"] == "Kinh"
    assert f["place_of_birth"] == "Trạm y tế xã Tân Lập, tỉnh Nam Định"
    assert f["personal_id"] == "036201012345"
    assert f["mother_name"] == "Phạm Thị Lan" and f["mother_birth_year"] == "1975"
    assert f["mother_ethnicity"] == "Kinh" and "father_ethnicity" not in f
    assert f["father_name"] == "Lê Văn Nam" and f["father_birth_year"] == "1973"
    assert f["registration_number"] == "12/TLKS-BS"
    # numbers and words agree: confidence raised above the OCR's 0.9 (fuzzy label costs a little first)
    assert rec.confidence["date_of_birth"] > 0.9
    assert all(0 <= c <= 1 for c in rec.confidence.values())


def test_confidence_drops_on_failed_checks():
    bad = BIRTH_NOISY.replace("036201012345", "036101012345").replace("hai nghìn không trăm linh một",
                                                                      "hai nghìn không trăm linh hai")
    good, worse = extract(_page(BIRTH_NOISY), "birth"), extract(_page(bad), "birth")
    assert worse.fields["personal_id"] == "036101012345"  # kept as read
    assert worse.confidence["personal_id"] < good.confidence["personal_id"] * 0.6
    assert worse.confidence["date_of_birth"] < 0.5 < good.confidence["date_of_birth"]


def test_death():
    f = extract(_page(DEATH), RecordType.DEATH).fields
    assert f["full_name"] == "Hoàng Văn Tú"
    assert f["date_of_birth"] == "1940-10-10" and f["gender"] == "male" and f["ethnicity"] == "Tày"
    assert f["date_of_death"] == "2020-06-05" and f["time_of_death"] == "14:30"
    assert f["place_of_death"].startswith("tại nhà, thôn Nà Pàn")
    assert f["cause_of_death"] == "già yếu"
    assert f["death_notice"].startswith("số 12/GBT")


def test_marriage_sections():
    f = extract(_page(MARRIAGE), RecordType.MARRIAGE).fields
    assert f["wife_name"] == "Đỗ Thị Mai" and f["wife_date_of_birth"] == "1995-02-01"
    assert f["husband_name"] == "Võ Minh Tuấn" and f["husband_date_of_birth"] == "1993-12-12"
    assert f["wife_residence"].startswith("phường Bến Nghé")
    assert f["husband_id_document"] == "CCCD số 079093000222"
    assert f["registration_date"] == "2020-02-14"


def test_a_wrapped_value_keeps_its_last_word_when_a_speck_of_the_leader_follows_it():
    wrapped = "Nơi đăng ký kết hôn: Ủy ban nhân dân xã Ái Thượng, huyện Bá Thước, tỉnh Thanh\nHóa :\n"
    text = MARRIAGE.replace("Ngày, tháng, năm đăng ký", wrapped + "Ngày, tháng, năm đăng ký")
    f = extract(_page(text), RecordType.MARRIAGE).fields
    assert f["registration_authority"].endswith("tỉnh Thanh Hóa")
    assert f["registration_date"] == "2020-02-14"
    # A colon with text after it is a label's: that line is not the value's rest.
    f = extract(_page(text.replace("Hóa :", "Ghi chú: Hóa")), RecordType.MARRIAGE).fields
    assert f["registration_authority"].endswith("tỉnh Thanh")


def test_land():
    f = extract(_page(LAND), RecordType.LAND).fields
    assert f["owner_names"] == "Nguyễn Văn An; Trần Thị Bích"
    assert f["owner_birth_years"] == "1960; 1962"
    assert f["owner_ids"] == "012345678; 012345679"
    assert f["owner_address"].startswith("số 5 ngõ 12 phố Huế")
    assert f["parcel_number"] == "123" and f["map_sheet_number"] == "45"
    assert f["parcel_address"].startswith("phường Bạch Đằng")
    assert f["area_m2"] == "1234.5"
    assert f["land_use_purpose"] == "Đất ở tại đô thị" and f["land_use_term"] == "Lâu dài"
    assert f["certificate_serial"] == "BĐ 123456" and f["registry_number"] == "CH01234"
    assert f["issue_date"] == "2015-05-12"
    assert f["issuing_authority"] == "Ủy ban nhân dân quận Hai Bà Trưng"  # as records.md writes bodies


@pytest.mark.parametrize(
    "text, expected",
    [(BIRTH_NOISY, RecordType.BIRTH), (DEATH, RecordType.DEATH), (MARRIAGE, RecordType.MARRIAGE),
     (LAND, RecordType.LAND), ("GIAY CHUNG NHAN KET H0N\nHo, chu dem, ten vo: A", RecordType.MARRIAGE),
     ("Kính gửi: Công an phường\nTôi tên là: Trịnh Hoàng Phúc", None)],
)
def test_classify(text, expected):
    assert guess_record_type(text) == expected


def test_recorded_tsv(recorded_birth_tsv):
    words = parse_tsv(recorded_birth_tsv)
    text = page_text(words)
    lines = text.splitlines()
    assert lines.index("TRÍCH LỤC KHAI SINH") < lines.index("Họ, chữ đệm, tên: NGUYỄN THỊ MINH THƯ")
    assert all(0 <= w.conf <= 1 for w in words) and 0.8 < mean_confidence(words) <= 1
    rec = extract(PageOcr(text=text, confidence=mean_confidence(words), words=words), "birth")
    assert rec.fields["full_name"] == "Nguyễn Thị Minh Thư"
    assert rec.fields["personal_id"] == "001198012345"
    assert rec.fields["hometown"] == "xã Yên Phong, huyện Ý Yên, tỉnh Nam Định"
    assert guess_record_type(text) == RecordType.BIRTH


def test_tsv_lookalike_d_and_nfc():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "5\t1\t1\t1\t1\t2\t50\t0\t40\t10\t90\tNguye\u0302\u0303n\n"
           "5\t1\t1\t1\t1\t1\t0\t0\t40\t10\t80\t\u00d0\u1ed6\n"
           "5\t1\t1\t1\t2\t1\t0\t20\t40\t10\t-1\t\n"
           "5\t1\t1\t1\t3\t1\t0\t40\t40\t10\t70\t41\u204423\n")
    words = parse_tsv(tsv)
    assert page_text(words) == "ĐỖ Nguyễn\n41/23"  # the fraction slash vie reads for "/" is a slash
    assert words[0].conf == pytest.approx(0.8) and words[1].line == words[0].line == 0


@settings(max_examples=300, deadline=None)
@given(st.text("abcdeghiklmnoqrstuvxy", min_size=6, max_size=24), st.text("abcdeghiklmnoqrstuvxy ", max_size=30),
       st.text("abcdeghiklmnoqrstuvxy ", max_size=30), st.lists(st.tuples(st.sampled_from("sid"), st.integers(0, 99),
                                                                           st.sampled_from("abcxyz")), max_size=3))
def test_a_label_within_its_error_budget_is_found(label, before, after, edits):
    """However the line is filtered before the edit-distance search (the q-gram lemma among them), a label
    written with up to its budget of slips (a letter changed, dropped or added) is found."""
    written = list(label)
    for kind, at, letter in edits[:max_errors(len(label))]:
        at %= len(written) + (kind == "i")
        if kind == "s":
            written[at] = letter
        elif kind == "d" and len(written) > 1:
            del written[at]
        elif kind == "i":
            written.insert(at, letter)
    line = f"{before} {''.join(written)} {after}"
    assert find_label(line, label) is not None

"""Vietnamese names of fields, statuses, link kinds and audit actions, and how a record is titled: the
vocabulary shared by pages, certified copies and services' messages."""
from __future__ import annotations

from domain.records import DATE_FIELDS, TITLE_FIELDS, TYPE_LABELS_VI, RecordType

FIELD_LABELS_VI: dict[str, str] = {
    "registration_number": "Số", "book_number": "Quyển số", "page_number": "Trang số",
    "registration_date": "Ngày đăng ký", "registration_authority": "Nơi đăng ký",
    "signer_name": "Người ký", "signer_title": "Chức vụ người ký",
    "full_name": "Họ, chữ đệm, tên", "date_of_birth": "Ngày, tháng, năm sinh",
    "date_of_birth_in_words": "Ngày sinh (bằng chữ)", "gender": "Giới tính", "ethnicity": "Dân tộc",
    "nationality": "Quốc tịch", "place_of_birth": "Nơi sinh", "hometown": "Quê quán",
    "personal_id": "Số định danh cá nhân",
    "mother_name": "Họ tên mẹ", "mother_birth_year": "Năm sinh của mẹ", "mother_ethnicity": "Dân tộc của mẹ",
    "mother_nationality": "Quốc tịch của mẹ", "mother_residence": "Nơi cư trú của mẹ",
    "father_name": "Họ tên cha", "father_birth_year": "Năm sinh của cha", "father_ethnicity": "Dân tộc của cha",
    "father_nationality": "Quốc tịch của cha", "father_residence": "Nơi cư trú của cha",
    "declarant_name": "Người đi khai", "declarant_relationship": "Quan hệ với người được khai",
    "wife_name": "Họ tên vợ", "wife_date_of_birth": "Ngày sinh của vợ", "wife_ethnicity": "Dân tộc của vợ",
    "wife_nationality": "Quốc tịch của vợ", "wife_residence": "Nơi cư trú của vợ",
    "wife_id_document": "Giấy tờ tùy thân của vợ",
    "husband_name": "Họ tên chồng", "husband_date_of_birth": "Ngày sinh của chồng",
    "husband_ethnicity": "Dân tộc của chồng", "husband_nationality": "Quốc tịch của chồng",
    "husband_residence": "Nơi cư trú của chồng", "husband_id_document": "Giấy tờ tùy thân của chồng",
    "date_of_death": "Ngày chết", "time_of_death": "Giờ chết", "place_of_death": "Nơi chết",
    "cause_of_death": "Nguyên nhân chết", "death_notice": "Giấy báo tử",
    "certificate_serial": "Số phát hành", "registry_number": "Số vào sổ cấp GCN",
    "owner_names": "Người sử dụng đất", "owner_birth_years": "Năm sinh", "owner_ids": "CMND/CCCD số",
    "owner_address": "Địa chỉ thường trú", "parcel_number": "Thửa đất số", "map_sheet_number": "Tờ bản đồ số",
    "parcel_address": "Địa chỉ thửa đất", "area_m2": "Diện tích (m²)", "usage_form": "Hình thức sử dụng",
    "land_use_purpose": "Mục đích sử dụng", "land_use_term": "Thời hạn sử dụng",
    "land_use_origin": "Nguồn gốc sử dụng", "issue_date": "Ngày cấp", "issuing_authority": "Cơ quan cấp",
}
STATUS_LABELS_VI = {"valid": "Còn hiệu lực", "amended": "Đã cải chính", "superseded": "Đã được thay thế",
                    "revoked": "Đã thu hồi"}
KIND_LABELS_VI = {"birth_marriage": "Khai sinh ↔ kết hôn", "birth_death": "Khai sinh ↔ khai tử",
                  "duplicate": "Có thể trùng lặp"}
# How to narrow a search that matches more records than can be counted or paged through (CLI, page, API).
NARROW_SEARCH_VI = "thêm năm, loại hồ sơ hoặc nơi đăng ký để thu hẹp"
LINK_STATUS_LABELS_VI = {"suggested": "Đề xuất", "confirmed": "Đã xác nhận", "rejected": "Đã bác bỏ"}
TYPE_LABELS = {k.value: v for k, v in TYPE_LABELS_VI.items()}
ACTION_LABELS_VI = {
    "search": "Tìm kiếm", "view_record": "Xem hồ sơ", "view_page": "Xem trang sổ", "download_image": "Tải ảnh quét",
    "download_copy": "Tải bản sao", "citizen_request": "Công dân yêu cầu bản sao", "attach": "Đính kèm",
    "certify": "Cấp bản sao", "revoke_copy": "Thu hồi bản sao", "create_dossier": "Tạo hồ sơ",
    "view_dossier": "Xem hồ sơ thủ tục", "login": "Đăng nhập", "login_failed": "Đăng nhập sai", "logout": "Đăng xuất",
    "token_create": "Tạo mã API", "token_revoke": "Thu hồi mã API", "user_create": "Tạo tài khoản",
    "user_activate": "Mở khóa tài khoản", "user_deactivate": "Khóa tài khoản", "password_change": "Đổi mật khẩu",
    "export_audit": "Xuất nhật ký", "view_audit": "Xem nhật ký", "view_person": "Xem người",
    "link_decision": "Quyết định liên kết", "record_status": "Đổi tình trạng hồ sơ",
    "correct_fields": "Hiệu đính trường", "retry_batch": "Thử lại trang lỗi", "denied": "Bị từ chối / không tìm thấy",
    "view_crop": "Xem phần ảnh quét", "view_batch": "Xem báo cáo lô", "view_links": "Xem liên kết hồ sơ",
    "view_review": "Xem hàng đợi kiểm tra", "list_dossiers": "Xem danh sách hồ sơ thủ tục",
    "citizen_overview": "Công dân xem giấy tờ của mình", "view_access_log": "Công dân xem nhật ký truy cập",
    "export_book": "Xuất sổ (bảng tính, PDF từng mục)", "import_keyed": "Nhập bảng tính các mục đã nhập tay",
    "upload_book": "Nhập sổ qua trang web / API", "page_rotate": "Xoay trang", "page_replace": "Thay trang",
    "page_mark": "Đánh dấu trang (trắng / bìa / mặt sau)", "page_delete": "Bỏ trang khỏi quyển",
    "page_reorder": "Sắp xếp lại trang", "page_retry": "Nhận dạng lại trang lỗi",
    "view_thumbnail": "Xem ảnh nhỏ của trang",
    "keying_mode": "Đặt chế độ kiểm tra nhập liệu", "keying_open": "Mở trang để nhập liệu",
    "keying_save": "Gõ một mục", "keying_entry": "Thêm / tách / gộp / xóa mục", "keying_view": "Xem mục để phân xử",
    "keying_arbitrate": "Phân xử / duyệt mục", "keying_accept": "Chấp nhận mục đã nhập liệu",
    "key_mark": "Nhập giá trị viết tay / dấu trên trang",
}


_GENDER_VI = {"male": "Nam", "female": "Nữ"}


def vn_number(value: int) -> str:
    """A count as Vietnamese writes it, thousands parted by dots: 60990 → "60.990" (a comma would be the decimal
    point)."""
    return f"{value:,}".replace(",", ".")


def vn_date(value: str | None) -> str:
    """A stored ISO date as Vietnamese papers write it: "2024-01-05" → "05/01/2024", "2024-01" → "01/2024";
    a year alone, or anything else, as it is."""
    if not value:
        return ""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    if len(value) == 7 and value[4] == "-":
        return f"{value[5:]}/{value[:4]}"
    return value


def display_value(name: str, value: object) -> str:
    """A field value as people read it: lists joined, genders in Vietnamese, dates day first."""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if name == "gender":
        return _GENDER_VI.get(str(value), str(value))
    if name in DATE_FIELDS and isinstance(value, str):
        return vn_date(value)
    return "" if value is None else str(value)


def record_title(record_type: str, fields: dict, fallback: str = "") -> str:
    """The names a record goes by ("husband — wife", co-owners joined by commas); ``fallback`` when none was read."""
    names = [fields.get(f) for f in TITLE_FIELDS.get(RecordType(record_type), ())]
    return " — ".join(", ".join(map(str, n)) if isinstance(n, list) else str(n) for n in names if n) or fallback

# Why someone opens a full record outside a dossier: stated before it opens, kept in the audit log and shown to
# the citizen whose record it is (their access log).
ACCESS_PURPOSES: dict[str, str] = {
    "citizen_request": "Giải quyết yêu cầu của công dân tại bộ phận một cửa",
    "verification": "Xác minh, đối chiếu thông tin hộ tịch",
    "authority_request": "Theo yêu cầu bằng văn bản của cơ quan có thẩm quyền",
    "data_review": "Kiểm tra, hiệu đính dữ liệu số hóa",
    "amendment": "Cải chính, bổ sung, thu hồi hồ sơ",
}

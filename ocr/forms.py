"""The labels of each form (docs: /work/shared/records.md) and which field each one fills, per section."""
from __future__ import annotations

from domain.records import RecordType
from ocr.anchors import Label

NAME = ("Họ, chữ đệm, tên", "Họ và tên", "Họ, chữ đệm và tên")
REGISTRATION = (
    Label(("Số",), "reg_number", line_start=True),
    Label(("Quyển số",), "book_number"),
    Label(("Trang số",), "page_number"),
    Label(("Ngày, tháng, năm đăng ký", "Ngày đăng ký"), "reg_date"),
    Label(("Nơi đăng ký", "Cơ quan đăng ký", "Nơi đăng ký khai sinh", "Nơi đăng ký kết hôn",
           "Nơi đăng ký khai tử"), "authority"),
    Label(("Người ký",), "signer_name"),
    Label(("Chức vụ người ký", "Chức vụ"), "signer_title"),
)
REGISTRATION_FIELDS = {
    ("*", "reg_number"): "registration_number",
    ("*", "book_number"): "book_number",
    ("*", "page_number"): "page_number",
    ("*", "reg_date"): "registration_date",
    ("*", "authority"): "registration_authority",
    ("*", "signer_name"): "signer_name",
    ("*", "signer_title"): "signer_title",
}
PERSON = (
    Label(NAME, "name", opens="main"),
    Label(("Ngày, tháng, năm sinh", "Ngày sinh"), "dob"),
    Label(("Giới tính",), "gender"),
    Label(("Dân tộc",), "ethnicity"),
    Label(("Quốc tịch",), "nationality"),
    Label(("Số định danh cá nhân", "Số định danh"), "personal_id"),
)
MAIN_PERSON = {("main", k): k for k in ("gender", "ethnicity", "nationality", "personal_id")} | {
    ("main", "name"): "full_name",
    ("main", "dob"): "date_of_birth",
}


def _parent(section: str, word: str) -> tuple[Label, dict[tuple[str, str], str]]:
    # The short form finds the label when its start is misread ("Họ, thự tiệm, tên người cha;").
    label = Label(tuple(f"{n} {word}" for n in ("Họ, chữ đệm, tên người", "Họ và tên", "Họ, chữ đệm, tên",
                                                 "tên người")), "name", opens=section)
    fields = {(section, k): f"{section}_{k}" for k in ("name", "birth_year", "ethnicity", "nationality",
                                                        "residence")}
    return label, fields


_MOTHER, _MOTHER_F = _parent("mother", "mẹ")
_FATHER, _FATHER_F = _parent("father", "cha")

BIRTH_LABELS = REGISTRATION + PERSON + (
    _MOTHER,
    _FATHER,
    Label(("ghi bằng chữ", "bằng chữ"), "dob_words"),
    Label(("Nơi sinh",), "place_of_birth"),
    Label(("Quê quán",), "hometown"),
    Label(("Năm sinh",), "birth_year"),
    Label(("Nơi cư trú", "Nơi thường trú"), "residence"),
    Label(("Họ, chữ đệm, tên người đi khai sinh", "Người đi khai sinh", "Họ, chữ đệm, tên người đi khai"),
          "name", opens="declarant"),
    Label(("Quan hệ với người được khai sinh", "Quan hệ với người được khai", "Quan hệ"), "relationship"),
)
BIRTH_FIELDS = REGISTRATION_FIELDS | MAIN_PERSON | _MOTHER_F | _FATHER_F | {
    ("main", "dob_words"): "date_of_birth_in_words",
    ("main", "place_of_birth"): "place_of_birth",
    ("main", "hometown"): "hometown",
    ("declarant", "name"): "declarant_name",
    ("*", "relationship"): "declarant_relationship",
}

DEATH_LABELS = REGISTRATION + PERSON + (
    Label(("Chết vào lúc", "Đã chết vào lúc"), "death"),
    Label(("Ngày, tháng, năm chết",), "death_date"),
    Label(("Nơi chết",), "place_of_death"),
    Label(("Nguyên nhân chết",), "cause_of_death"),
    Label(("Giấy báo tử hoặc giấy tờ thay thế", "Giấy báo tử"), "death_notice"),
    Label(("Họ, chữ đệm, tên người đi khai tử", "Người đi khai tử", "Họ, chữ đệm, tên người đi khai"),
          "name", opens="declarant"),
    Label(("Quan hệ với người đã chết", "Quan hệ với người chết", "Quan hệ"), "relationship"),
)
DEATH_FIELDS = REGISTRATION_FIELDS | MAIN_PERSON | {
    ("*", "death"): "date_of_death",
    ("*", "death_date"): "date_of_death",
    ("*", "place_of_death"): "place_of_death",
    ("*", "cause_of_death"): "cause_of_death",
    ("*", "death_notice"): "death_notice",
    ("declarant", "name"): "declarant_name",
    ("*", "relationship"): "declarant_relationship",
}


def _spouse(section: str, word: str) -> tuple[tuple[Label, ...], dict[tuple[str, str], str]]:
    labels = (
        # The short forms find the label when its start is lost (a frame ornament over "Họ,").
        Label(tuple(f"{n} {word}" for n in ("Họ, chữ đệm, tên", "Họ, chữ đệm, tên người", "Họ và tên",
                                             "chữ đệm, tên", "tên")),
              "name", opens=section),
        Label((f"Thông tin người {word}", f"Bên {word}", f"Người {word}"), None, opens=section, line_start=True),
    )
    fields = {(section, k): f"{section}_{k}" for k in ("name", "date_of_birth", "ethnicity", "nationality",
                                                        "residence", "id_document")}
    return labels, fields


_WIFE, _WIFE_F = _spouse("wife", "vợ")
_HUSBAND, _HUSBAND_F = _spouse("husband", "chồng")
MARRIAGE_LABELS = REGISTRATION + _WIFE + _HUSBAND + (
    Label(NAME, "name"),
    Label(("Ngày, tháng, năm sinh", "Ngày sinh"), "date_of_birth"),
    Label(("Dân tộc",), "ethnicity"),
    Label(("Quốc tịch",), "nationality"),
    Label(("Nơi cư trú", "Nơi thường trú"), "residence"),
    Label(("Giấy tờ tùy thân", "Giấy tờ tuỳ thân", "Giấy tờ tùy thân (loại, số, cơ quan cấp, ngày cấp)"),
          "id_document"),
)
MARRIAGE_FIELDS = REGISTRATION_FIELDS | _WIFE_F | _HUSBAND_F

LAND_LABELS = (
    Label(("Người sử dụng đất", "Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất"),
          "owners", opens="owner"),
    Label(("Năm sinh", "sinh năm"), "birth_year"),
    Label(("CMND số", "CCCD số", "Căn cước công dân số", "Số định danh cá nhân", "Hộ chiếu số"), "owner_id"),
    Label(("Địa chỉ thường trú", "Địa chỉ"), "address"),
    Label(("Thửa đất số", "Thửa đất"), "parcel_number", opens="parcel"),
    Label(("Tờ bản đồ số",), "map_sheet_number"),
    Label(("Địa chỉ thửa đất",), "address", opens="parcel"),
    Label(("Diện tích",), "area_m2"),
    Label(("Hình thức sử dụng",), "usage_form"),
    Label(("Mục đích sử dụng",), "land_use_purpose"),
    Label(("Thời hạn sử dụng",), "land_use_term"),
    Label(("Nguồn gốc sử dụng",), "land_use_origin"),
    Label(("Số vào sổ cấp GCN", "Số vào sổ cấp giấy chứng nhận", "Vào sổ cấp GCN"), "registry_number"),
    Label(("Số phát hành", "Số seri", "Số sê ri"), "certificate_serial"),
)
LAND_FIELDS = {
    ("owner", "owners"): "owner_names",
    ("owner", "birth_year"): "owner_birth_years",
    ("owner", "owner_id"): "owner_ids",
    ("owner", "address"): "owner_address",
    ("parcel", "address"): "parcel_address",
} | {("*", k): k for k in ("parcel_number", "map_sheet_number", "area_m2", "usage_form", "land_use_purpose",
                           "land_use_term", "land_use_origin", "registry_number", "certificate_serial")}

FORMS: dict[RecordType, tuple[tuple[Label, ...], dict[tuple[str, str], str]]] = {
    RecordType.BIRTH: (BIRTH_LABELS, BIRTH_FIELDS),
    RecordType.DEATH: (DEATH_LABELS, DEATH_FIELDS),
    RecordType.MARRIAGE: (MARRIAGE_LABELS, MARRIAGE_FIELDS),
    RecordType.LAND: (LAND_LABELS, LAND_FIELDS),
}

"""Wording and layout of each form, as data: what text goes where. ``render`` draws it.

Wording follows the extracts and certificates of Circular 04/2020/TT-BTP (civil status) and the land-use
certificates of Circulars 23/2014/TT-BTNMT and 10/2024/TT-BTNMT, with the field labels of records.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from samples.numerals import decimal_in_words
from samples.places import short
from samples.records import Record, dmy

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLES = {
    "birth": ("TRÍCH LỤC KHAI SINH",),
    "marriage": ("GIẤY CHỨNG NHẬN KẾT HÔN",),
    "death": ("TRÍCH LỤC KHAI TỬ",),
    # The long certificate title as printed, on three lines.
    "land": ("GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở", "VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"),
    "land_2024": ("GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN", "GẮN LIỀN VỚI ĐẤT"),
}
GENDER_VI = {"male": "Nam", "female": "Nữ"}
ROW_GAP = "    "  # how fields sharing one printed row are joined in the page text


@dataclass(frozen=True, slots=True)
class Text:
    """A line of a header or signature block: centred on its block."""

    text: str
    bold: bool = False
    italic: bool = False
    scale: float = 1.0
    rule: float = 0.0  # a rule under it, this fraction of the text's width (header names are underlined)


@dataclass(frozen=True, slots=True)
class Field:
    """A "Label: value" item; several in one ``Row`` share a printed line when they fit."""

    label: str
    value: str
    strong: bool = False  # value in bold (the person's name)


@dataclass(frozen=True, slots=True)
class Row:
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Gap:
    lines: float = 0.5


BodyItem = Field | Row | Heading | Gap


@dataclass(slots=True)
class SignBlock:
    """Centred at ``x`` (a fraction of the text width); ``sign``/``stamp`` ask for ink marks above ``name``."""

    x: float
    lines: list[Text]
    name: str
    stamp_text: str | None = None
    small: bool = False


@dataclass(slots=True)
class Layout:
    kind: str
    header_left: list[Text]
    header_right: list[Text]
    title: tuple[str, ...]
    body: list[BodyItem]
    signs: list[SignBlock]
    footer: list[Field] = field(default_factory=list)  # bottom-left lines (land: registry number)
    footer_red: str | None = None  # printed in red at the bottom (land: serial)
    paper: tuple[int, int, int] = (255, 255, 255)
    frame: str | None = None  # None, "certificate" (marriage), "land"
    title_red: bool = False


def _pretty_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def _signer_lines(title: str, head: str | None = None) -> list[Text]:
    lines = [Text(head, bold=True)] if head else []
    if title.startswith("Phó "):
        chief = title[4:].upper()
        lines += [Text(f"KT. {chief}", bold=True), Text(title.upper(), bold=True)]
    else:
        lines.append(Text(title.upper(), bold=True))
    return lines


def _authority_header(record: Record, number: str) -> list[Text]:
    unit = record.unit
    return [
        Text("ỦY BAN NHÂN DÂN"),
        Text(unit.ward.upper(), bold=True, rule=0.45),
        Text(f"Số: {number}"),
    ]


def _motto() -> list[Text]:
    return [Text(NATION, bold=True), Text(MOTTO, bold=True, scale=1.05, rule=1.0)]


def _civil_sign(record: Record) -> SignBlock:
    f, unit = record.fields, record.unit
    reg = date.fromisoformat(f["registration_date"])
    place = short(unit.ward)
    if place[:1].isdigit():  # "Phường 2": documents give the town instead
        place = short(unit.district or unit.province)
    lines = [Text(f"{place}, {_pretty_date(reg)}", italic=True)] + _signer_lines(f["signer_title"])
    stamp = f"{f['registration_authority'].split(',')[0].upper()} * {short(unit.district or unit.province).upper()} *"
    return SignBlock(0.76, lines, f["signer_name"], stamp_text=stamp.replace("ỦY BAN NHÂN DÂN", "UBND"))


def _registration_rows(f: dict, what: str) -> list[BodyItem]:
    return [
        Field(f"Nơi đăng ký {what}", f["registration_authority"]),
        Field("Ngày, tháng, năm đăng ký", dmy(date.fromisoformat(f["registration_date"]))),
    ]


def birth(record: Record) -> Layout:
    f = record.fields
    body: list[BodyItem] = [
        Row((Field("Quyển số", f["book_number"]), Field("Trang số", f["page_number"]))),
        Gap(0.3),
        Field("Họ, chữ đệm, tên", f["full_name"], strong=True),
        Field("Ngày, tháng, năm sinh", dmy(date.fromisoformat(f["date_of_birth"]))),
        Field("ghi bằng chữ", f["date_of_birth_in_words"]),
        Row(
            (
                Field("Giới tính", GENDER_VI[f["gender"]]),
                Field("Dân tộc", f["ethnicity"]),
                Field("Quốc tịch", f["nationality"]),
            )
        ),
        Field("Nơi sinh", f["place_of_birth"]),
        Field("Quê quán", f["hometown"]),
        Field("Số định danh cá nhân", f["personal_id"]),
        Gap(0.3),
    ]
    for who, label in (("mother", "người mẹ"), ("father", "người cha")):
        body += [
            Field(f"Họ, chữ đệm, tên {label}", f[f"{who}_name"], strong=True),
            Row(
                (
                    Field("Năm sinh", f[f"{who}_birth_year"]),
                    Field("Dân tộc", f[f"{who}_ethnicity"]),
                    Field("Quốc tịch", f[f"{who}_nationality"]),
                )
            ),
            Field("Nơi cư trú", f[f"{who}_residence"]),
        ]
    body += [
        Gap(0.3),
        Field("Người đi khai sinh", f["declarant_name"]),
        Field("Quan hệ với người được khai sinh", f["declarant_relationship"]),
        *_registration_rows(f, "khai sinh"),
    ]
    return Layout(
        "birth",
        _authority_header(record, f["registration_number"]),
        _motto(),
        TITLES["birth"],
        body,
        [_civil_sign(record)],
    )


def marriage(record: Record) -> Layout:
    f = record.fields
    body: list[BodyItem] = [Row((Field("Quyển số", f["book_number"]), Field("Trang số", f["page_number"]))), Gap(0.3)]
    for who, label in (("wife", "vợ"), ("husband", "chồng")):
        body += [
            Field(f"Họ, chữ đệm, tên {label}", f[f"{who}_name"], strong=True),
            Field("Ngày, tháng, năm sinh", dmy(date.fromisoformat(f[f"{who}_date_of_birth"]))),
            Row((Field("Dân tộc", f[f"{who}_ethnicity"]), Field("Quốc tịch", f[f"{who}_nationality"]))),
            Field("Nơi cư trú", f[f"{who}_residence"]),
            Field("Giấy tờ tùy thân", f[f"{who}_id_document"]),
            Gap(0.4),
        ]
    body += _registration_rows(f, "kết hôn")
    official = _civil_sign(record)
    spouses = [
        SignBlock(
            0.14,
            [Text("Vợ", bold=True), Text("(Ký, ghi rõ họ tên)", italic=True, scale=0.85)],
            _title(f["wife_name"]),
            small=True,
        ),
        SignBlock(
            0.42,
            [Text("Chồng", bold=True), Text("(Ký, ghi rõ họ tên)", italic=True, scale=0.85)],
            _title(f["husband_name"]),
            small=True,
        ),
    ]
    return Layout(
        "marriage",
        _authority_header(record, f["registration_number"]),
        _motto(),
        TITLES["marriage"],
        body,
        spouses + [official],
        paper=(253, 251, 244),
        frame="certificate",
        title_red=True,
    )


def death(record: Record) -> Layout:
    f = record.fields
    died = date.fromisoformat(f["date_of_death"])
    hour, minute = f["time_of_death"].split(":")
    body: list[BodyItem] = [
        Row((Field("Quyển số", f["book_number"]), Field("Trang số", f["page_number"]))),
        Gap(0.3),
        Field("Họ, chữ đệm, tên", f["full_name"], strong=True),
        Field("Ngày, tháng, năm sinh", dmy(date.fromisoformat(f["date_of_birth"]))),
        Row(
            (
                Field("Giới tính", GENDER_VI[f["gender"]]),
                Field("Dân tộc", f["ethnicity"]),
                Field("Quốc tịch", f["nationality"]),
            )
        ),
        Field("Số định danh cá nhân", f["personal_id"]),
        Field("Chết vào lúc", f"{hour} giờ {minute} phút, {_pretty_date(died)}"),
        Field("Nơi chết", f["place_of_death"]),
        Field("Nguyên nhân chết", f["cause_of_death"]),
        Field("Giấy báo tử hoặc giấy tờ thay thế", f["death_notice"]),
        Gap(0.3),
        Field("Người đi khai tử", f["declarant_name"]),
        Field("Quan hệ với người chết", f["declarant_relationship"]),
        *_registration_rows(f, "khai tử"),
    ]
    return Layout(
        "death",
        _authority_header(record, f["registration_number"]),
        _motto(),
        TITLES["death"],
        body,
        [_civil_sign(record)],
    )


def land(record: Record) -> Layout:
    f, unit = record.fields, record.unit
    issued = date.fromisoformat(f["issue_date"])
    new_form = len(f["certificate_serial"].split()[-1]) == 8
    assets = "tài sản" if new_form else "nhà ở và tài sản khác"
    body: list[BodyItem] = [Heading(f"I. Người sử dụng đất, chủ sở hữu {assets} gắn liền với đất")]
    owners = zip(f["owner_names"], f["owner_birth_years"], f["owner_ids"], record.extra["owner_male"], strict=True)
    for i, (name, year, number, male) in enumerate(owners):
        who = "Và vợ là bà" if i else ("Ông" if male else "Bà")
        kind = "CMND số" if len(number) == 9 else "CCCD số"
        body.append(Row((Field(who, name, strong=True), Field("Năm sinh", year), Field(kind, number))))
    body += [
        Field("Địa chỉ thường trú", f["owner_address"]),
        Gap(0.4),
        Heading(f"II. Thửa đất, {assets} gắn liền với đất"),
        Row((Field("a) Thửa đất số", f["parcel_number"]), Field("b) Tờ bản đồ số", f["map_sheet_number"]))),
        Field("c) Địa chỉ thửa đất", f["parcel_address"]),
        Field(
            "d) Diện tích",
            f"{area_text(f['area_m2'])} m² (Bằng chữ: {_capital(decimal_in_words(f['area_m2']))} mét vuông)",
        ),
        Field("đ) Hình thức sử dụng", f["usage_form"]),
        Field("e) Mục đích sử dụng", f["land_use_purpose"]),
        Field("g) Thời hạn sử dụng", _term(f["land_use_term"])),
        Field("h) Nguồn gốc sử dụng", f["land_use_origin"]),
    ]
    authority = f["issuing_authority"]
    title = record.extra["signer_title"]
    if authority.startswith("Sở"):
        title = title.replace("Chủ tịch", "Giám đốc")
        head = authority.upper()
    else:
        head = "TM. " + authority.upper()
    sign = SignBlock(
        0.70,
        [Text(f"{short(unit.province)}, {_pretty_date(issued)}", italic=True)] + _signer_lines(title, head),
        record.extra["signer_name"],
        stamp_text=f"{authority.upper()} * {short(unit.province).upper()} *",
    )
    return Layout(
        "land",
        [],
        _motto(),
        TITLES["land_2024" if new_form else "land"],
        body,
        [sign],
        footer=[Field("Số vào sổ cấp GCN", f["registry_number"])],
        footer_red=f"Số phát hành: {f['certificate_serial']}",
        paper=(253, 243, 240),
        frame="land",
        title_red=True,
    )


def area_text(area: float) -> str:
    """120.5 → "120,5" (decimal comma); 120.0 → "120,0"."""
    return f"{area:.1f}".replace(".", ",")


def _term(term: str) -> str:
    return term if not term[:4].isdigit() else f"Đến ngày {dmy(date.fromisoformat(term))}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(name: str) -> str:
    return " ".join(w[:1] + w[1:].lower() for w in name.split())


BUILDERS = {"birth": birth, "marriage": marriage, "death": death, "land": land}


def layout(record: Record) -> Layout:
    return BUILDERS[record.type](record)

"""Record types and their canonical field names (see docs/records.md, copied from the field catalogue).

Every other package uses these names: extraction, the metadata store, the index and the API.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RecordType(StrEnum):
    BIRTH = "birth"
    MARRIAGE = "marriage"
    DEATH = "death"
    LAND = "land"


class RecordStatus(StrEnum):
    VALID = "valid"
    AMENDED = "amended"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


REGISTRATION_FIELDS: tuple[str, ...] = (
    "registration_number",
    "book_number",
    "page_number",
    "registration_date",
    "registration_authority",
    "signer_name",
    "signer_title",
)

_PARENT = ("name", "birth_year", "ethnicity", "nationality", "residence")
_SPOUSE = ("name", "date_of_birth", "ethnicity", "nationality", "residence", "id_document")

FIELDS: dict[RecordType, tuple[str, ...]] = {
    RecordType.BIRTH: REGISTRATION_FIELDS
    + (
        "full_name",
        "date_of_birth",
        "date_of_birth_in_words",
        "gender",
        "ethnicity",
        "nationality",
        "place_of_birth",
        "hometown",
        "personal_id",
    )
    + tuple(f"mother_{p}" for p in _PARENT)
    + tuple(f"father_{p}" for p in _PARENT)
    + ("declarant_name", "declarant_relationship"),
    RecordType.MARRIAGE: REGISTRATION_FIELDS
    + tuple(f"wife_{p}" for p in _SPOUSE)
    + tuple(f"husband_{p}" for p in _SPOUSE),
    RecordType.DEATH: REGISTRATION_FIELDS
    + (
        "full_name",
        "date_of_birth",
        "gender",
        "ethnicity",
        "nationality",
        "personal_id",
        "date_of_death",
        "time_of_death",
        "place_of_death",
        "cause_of_death",
        "death_notice",
        "declarant_name",
        "declarant_relationship",
    ),
    RecordType.LAND: (
        "certificate_serial",
        "registry_number",
        "owner_names",
        "owner_birth_years",
        "owner_ids",
        "owner_address",
        "parcel_number",
        "map_sheet_number",
        "parcel_address",
        "area_m2",
        "usage_form",
        "land_use_purpose",
        "land_use_term",
        "land_use_origin",
        "issue_date",
        "issuing_authority",
    ),
}

# Fields holding people's names: searched with name-aware matching and shown first in results.
NAME_FIELDS: frozenset[str] = frozenset(
    {
        "full_name",
        "mother_name",
        "father_name",
        "declarant_name",
        "wife_name",
        "husband_name",
        "owner_names",
        "signer_name",
    }
)
# Identifier fields: never touched by language-model correction, matched exactly (digits only).
ID_FIELDS: frozenset[str] = frozenset(
    {
        "personal_id",
        "registration_number",
        "book_number",
        "wife_id_document",
        "husband_id_document",
        "certificate_serial",
        "registry_number",
        "owner_ids",
        "parcel_number",
        "map_sheet_number",
    }
)
DATE_FIELDS: frozenset[str] = frozenset(
    {
        "date_of_birth",
        "registration_date",
        "date_of_death",
        "wife_date_of_birth",
        "husband_date_of_birth",
        "issue_date",
    }
)
PLACE_FIELDS: frozenset[str] = frozenset(
    {
        "place_of_birth",
        "hometown",
        "mother_residence",
        "father_residence",
        "wife_residence",
        "husband_residence",
        "place_of_death",
        "owner_address",
        "parcel_address",
        "registration_authority",
        "issuing_authority",
    }
)
# The one field that names a record in a results list, per type.
TITLE_FIELDS: dict[RecordType, tuple[str, ...]] = {
    RecordType.BIRTH: ("full_name",),
    RecordType.MARRIAGE: ("husband_name", "wife_name"),
    RecordType.DEATH: ("full_name",),
    RecordType.LAND: ("owner_names",),
}

TYPE_LABELS_VI: dict[RecordType, str] = {
    RecordType.BIRTH: "Khai sinh",
    RecordType.MARRIAGE: "Kết hôn",
    RecordType.DEATH: "Khai tử",
    RecordType.LAND: "Giấy chứng nhận quyền sử dụng đất",
}


def field_names(record_type: RecordType | str) -> tuple[str, ...]:
    return FIELDS[RecordType(record_type)]


@dataclass(slots=True)
class ExtractedRecord:
    """What OCR extraction yields for one record: values, per-field confidence, and the text it came from."""

    type: RecordType
    fields: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    text: str = ""
    # Index of the page (within the book) each record starts on; registers may span pages.
    pages: list[int] = field(default_factory=list)
    # A register entry cut off at the bottom of its page (``continues``), or the rest of one from the previous
    # page (``continuation``): the batch joins the two.
    continues: bool = False
    continuation: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.fields) - set(FIELDS[self.type])
        if unknown:
            raise ValueError(f"unknown fields for {self.type}: {sorted(unknown)}")

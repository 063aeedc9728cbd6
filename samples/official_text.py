"""What an administrative document under Decree 30/2020/NĐ-CP says: issuing body, number and symbol, place and
date, kind and summary, "Căn cứ …" clauses, articles or numbered paragraphs, recipients and signer.

Content only (``samples.official`` draws it). Body prose is built-in administrative wording, or — when a prose
folder is given (tools and tests, ``../shared/data/prose``) — sentences of public Vietnamese text read at
generation time, never copied into the repository.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from domain.text import nfc
from samples.people import NamePool
from samples.places import Places, Unit, lower_type, short

KINDS = ("quyet_dinh", "thong_bao", "cong_van", "ke_hoach")
_TITLES = {"quyet_dinh": "QUYẾT ĐỊNH", "thong_bao": "THÔNG BÁO", "ke_hoach": "KẾ HOẠCH", "cong_van": ""}
_SYMBOLS = {"quyet_dinh": "QĐ", "thong_bao": "TB", "ke_hoach": "KH", "cong_van": ""}
_SUBJECTS = (
    "phê duyệt kế hoạch chuyển đổi số trong công tác hộ tịch năm {y}",
    "tổ chức số hóa sổ hộ tịch và hồ sơ đất đai lưu trữ tại {unit}",
    "kiện toàn Tổ công tác triển khai Đề án 06 trên địa bàn {unit}",
    "triển khai thực hiện công tác phòng, chống thiên tai năm {y}",
    "giao chỉ tiêu cấp Giấy chứng nhận quyền sử dụng đất lần đầu năm {y}",
    "tăng cường công tác đăng ký khai sinh, khai tử đúng hạn",
    "ban hành Quy chế làm việc của Ủy ban nhân dân {unit} nhiệm kỳ {y} - {y5}",
    "chấn chỉnh công tác tiếp nhận và trả kết quả thủ tục hành chính",
    "thành lập Hội đồng thẩm định giá đất cụ thể năm {y}",
    "rà soát, cập nhật dữ liệu dân cư phục vụ cấp căn cước",
)
_BASES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 19 tháng 02 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Nghị định số 123/2015/NĐ-CP ngày 15 tháng 11 năm 2015 của Chính phủ quy định chi tiết một số "
    "điều và biện pháp thi hành Luật Hộ tịch;",
    "Căn cứ Thông tư số 04/2020/TT-BTP ngày 28 tháng 5 năm 2020 của Bộ trưởng Bộ Tư pháp quy định chi tiết "
    "thi hành một số điều của Luật Hộ tịch;",
    "Căn cứ Quyết định số 06/QĐ-TTg ngày 06 tháng 01 năm 2022 của Thủ tướng Chính phủ phê duyệt Đề án phát "
    "triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử;",
)
_REQUEST = "Theo đề nghị của {office} tại Tờ trình số {n}/TTr-{abbr} ngày {d} tháng {m} năm {y}."
_OFFICES = (("Trưởng phòng Văn hóa - Xã hội", "VHXH"), ("Trưởng phòng Kinh tế", "KT"),
            ("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "VP"), ("Công chức Tư pháp - Hộ tịch", "TP"))
# Built-in body wording: an office's sentences, with the document's own place names and dates slotted in.
_SENTENCES = (
    "Tổ chức rà soát toàn bộ sổ đăng ký khai sinh, kết hôn, khai tử được lưu trữ tại {unit} từ năm {y0} đến "
    "năm {y}, lập danh mục sổ còn thiếu trang hoặc bị hư hỏng.",
    "Các tổ dân phố, thôn phối hợp với công chức Tư pháp - Hộ tịch thông báo rộng rãi cho Nhân dân biết để "
    "kiểm tra, đối chiếu thông tin hộ tịch của bản thân và gia đình.",
    "Việc số hóa phải bảo đảm đầy đủ, chính xác, không làm hư hỏng bản gốc; dữ liệu sau khi số hóa được "
    "cập nhật vào cơ sở dữ liệu hộ tịch điện tử.",
    "Thời gian thực hiện từ ngày {d} tháng {m} năm {y} đến hết ngày 31 tháng 12 năm {y}.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước được giao trong dự toán năm {y} của {unit}.",
    "Giao Văn phòng Hội đồng nhân dân và Ủy ban nhân dân chủ trì, phối hợp với các phòng, ban chuyên môn "
    "theo dõi, đôn đốc việc thực hiện; định kỳ hằng quý báo cáo kết quả về Ủy ban nhân dân.",
    "Trường hợp phát hiện sai sót trong sổ hộ tịch, công chức Tư pháp - Hộ tịch hướng dẫn người dân thực "
    "hiện thủ tục cải chính theo quy định.",
    "Phòng Kinh tế phối hợp với Chi nhánh Văn phòng đăng ký đất đai kiểm tra hồ sơ cấp Giấy chứng nhận quyền "
    "sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất.",
    "Tổ công tác có trách nhiệm tiếp nhận, giải quyết kịp thời các phản ánh, kiến nghị của tổ chức, cá nhân "
    "liên quan đến thủ tục hành chính trên địa bàn.",
    "Các cơ quan, đơn vị căn cứ chức năng, nhiệm vụ được giao xây dựng kế hoạch cụ thể, gửi về Ủy ban nhân "
    "dân trước ngày {d} tháng {m} năm {y} để tổng hợp.",
    "Đồng chí Chủ tịch Ủy ban nhân dân chỉ đạo chung; đồng chí Phó Chủ tịch phụ trách văn hóa - xã hội trực "
    "tiếp chỉ đạo, kiểm tra việc thực hiện.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị kịp thời báo cáo về Ủy ban nhân dân "
    "{unit} (qua Văn phòng) để xem xét, giải quyết.",
    "Tăng cường tuyên truyền, phổ biến pháp luật về hộ tịch, đất đai đến từng tổ dân phố, thôn, khu dân cư.",
    "Bảo đảm an toàn, an ninh thông tin, bảo vệ dữ liệu cá nhân trong quá trình thu thập, lưu trữ và khai "
    "thác dữ liệu.",
)
_SIGNERS = (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
            ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
            ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"))
_RECEIVERS = ("Thường trực Đảng ủy;", "Thường trực HĐND {u};", "Chủ tịch, các PCT UBND {u};",
              "Sở Tư pháp;", "Các phòng, ban chuyên môn;", "Các tổ dân phố, thôn;", "Cổng thông tin điện tử;",
              "Đ/c Chủ tịch UBND {u};")


@dataclass(slots=True)
class Document:
    kind: str
    parent: str  # the governing body, caps ("ỦY BAN NHÂN DÂN"), or ""
    body: str  # the issuing body, caps ("PHƯỜNG HOÀN KIẾM")
    number: int  # written by hand into the blank after "Số:"
    symbol: str  # after the slash: "QĐ-UBND"
    place: str  # "Hà Nội"
    day: date  # day and month written by hand into the blanks of the date line
    title: str  # "QUYẾT ĐỊNH", or "" for an official letter
    summary: str  # "Về việc …" (V/v … under the number of a letter)
    authority: str  # the line above the "Căn cứ" clauses of a decision
    bases: list[str]
    paragraphs: list[tuple[str, str]]  # (bold lead such as "Điều 1." or "", text)
    receivers: list[str]
    signer: tuple[str, ...]  # title lines, caps
    name: str
    seal: str  # the text around the seal's ring
    received: date  # the receiving office's "ĐẾN" stamp
    received_number: int
    receiver_office: str = ""
    addressee: list[str] = field(default_factory=list)  # "Kính gửi: …" of a letter


@lru_cache(maxsize=2)
def _places() -> Places:
    return Places()


@lru_cache(maxsize=4)
def prose_sentences(prose_dir: Path | None) -> tuple[str, ...]:
    """Plain sentences of 60–220 characters from the public Vietnamese texts in ``prose_dir`` (Wikipedia
    extracts), or () when there is no such folder."""
    path = prose_dir / "wiki_vi_articles.jsonl" if prose_dir else None
    if path is None or not path.is_file():
        return ()
    ok = re.compile(r"[\w\s,.;:()\-–/%']+")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        for s in re.split(r"(?<=[.;])\s+", nfc(json.loads(line).get("extract", "")).replace("\n", " ")):
            if 60 <= len(s) <= 220 and ok.fullmatch(s) and s[0].isupper() and s.endswith("."):
                out.append(s.replace("–", "-"))
    return tuple(out)


def _unit_names(u: Unit) -> tuple[str, str, str]:
    """(ward as written in caps, ward as in running text, province short name)."""
    return u.ward.upper(), lower_type(u.ward), short(u.province)


def document(rng: random.Random, prose_dir: Path | None = None, kind: str | None = None) -> Document:
    """``kind``: one of ``KINDS`` chosen by the caller (a stratified mix), else drawn; the draw is made either way,
    so the rest of the document follows the same random stream."""
    drawn = rng.choice(KINDS)
    kind = kind or drawn
    u = _places().unit(rng, post_reform=True)
    ward_caps, ward, province = _unit_names(u)
    level = rng.random()
    if level < 0.6:
        parent, body, abbr, unit_text = "ỦY BAN NHÂN DÂN", ward_caps, "UBND", ward
    elif level < 0.85:
        parent, body, abbr, unit_text = "ỦY BAN NHÂN DÂN", u.province.upper(), "UBND", lower_type(u.province)
    else:
        parent, body, abbr, unit_text = f"UBND {u.province.upper()}", "SỞ TƯ PHÁP", "STP", lower_type(u.province)
    day = date(2026, 1, 5) + timedelta(days=rng.randrange(330))
    y = day.year
    slots = {"unit": unit_text, "y": y, "y0": rng.choice((1975, 1990, 2000)), "y5": y + 5,
             "d": f"{rng.randint(1, 28):02d}", "m": f"{rng.randint(day.month, 12):02d}"}
    subject = rng.choice(_SUBJECTS).format(**slots)
    prose = prose_sentences(prose_dir)

    deck: list[str] = []  # the built-in sentences dealt without repeats until all are used

    def sentence() -> str:
        if prose and rng.random() < 0.5:
            return rng.choice(prose)
        if not deck:
            deck.extend(rng.sample(_SENTENCES, len(_SENTENCES)))
        return deck.pop().format(**slots)

    def paragraph(n: int) -> str:
        return " ".join(sentence() for _ in range(n))

    bases = []
    paragraphs: list[tuple[str, str]] = []
    authority = ""
    if kind == "quyet_dinh":
        authority = f"{'CHỦ TỊCH ' if rng.random() < 0.4 else ''}{parent} {body}" if abbr == "UBND" \
            else f"GIÁM ĐỐC {body}"
        bases = rng.sample(_BASES, rng.randint(2, 4))
        office, office_abbr = rng.choice(_OFFICES)
        bases.append(_REQUEST.format(office=office, abbr=office_abbr, n=rng.randint(3, 180),
                                     d=f"{max(1, day.day - 3):02d}", m=f"{day.month:02d}", y=y))
        paragraphs = [("Điều 1.", f"{subject[0].upper()}{subject[1:]}. {paragraph(3)}"),
                      *((f"{i}.", paragraph(rng.randint(2, 3))) for i in range(1, rng.randint(3, 6))),
                      ("Điều 2.", paragraph(rng.randint(2, 4))),
                      ("Điều 3.", "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các "
                                  "cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành Quyết "
                                  "định này./.")]
    else:
        k = rng.randint(5, 8)
        paragraphs = [("", paragraph(3))] + [(f"{i}.", paragraph(rng.randint(2, 3))) for i in range(1, k)]
        paragraphs[-1] = (paragraphs[-1][0], paragraphs[-1][1] + "/.")
    family = NamePool(None)
    signer = rng.choice(_SIGNERS)
    name = family.full_name(rng, rng.random() < 0.6, birth_year=1975)
    u_short = "phường" if u.ward_type == "Phường" else "xã"
    receivers = ["Như Điều 3;" if kind == "quyet_dinh" else "Như trên;"]
    receivers += [r.format(u=u_short) for r in rng.sample(_RECEIVERS, rng.randint(2, 4))]
    receivers.append(f"Lưu: VT, {rng.choice(('VHXH', 'TP', 'KT', 'VP'))}.")
    other = _places().unit(rng, post_reform=True, near=u)
    return Document(
        kind=kind, parent=parent, body=body, number=rng.randint(1, 2400),
        symbol=f"{_SYMBOLS[kind]}-{abbr}" if _SYMBOLS[kind] else abbr,
        place=province, day=day, title=_TITLES[kind],
        summary=(f"V/v {subject}" if kind == "cong_van" else f"Về việc {subject}" if kind != "ke_hoach"
                 else subject[0].upper() + subject[1:]),
        authority=authority, bases=bases, paragraphs=paragraphs, receivers=receivers, signer=signer, name=name,
        seal=f"{parent} {body} * {province.upper()} *" if abbr == "UBND" else f"{body} * {province.upper()} *",
        received=day + timedelta(days=rng.randint(1, 6)), received_number=rng.randint(1, 3000),
        receiver_office=f"UBND {other.ward.upper()}" if other.ward != u.ward else "VĂN PHÒNG ĐOÀN ĐBQH",
        addressee=[f"Ủy ban nhân dân {w.ward.lower()[:1] + w.ward[1:]}" for w in
                   (_places().unit(rng, True, near=u) for _ in range(rng.randint(1, 2)))]
        if kind == "cong_van" else [],
    )


# ---- a ministry's or the Government Office's papers (the private set's real scans are of this level) -----------
# (governing body, issuing organ — "" where the ministry issues itself —, the code's letters, the head's title)
_MINISTRIES = (
    ("BỘ TƯ PHÁP", "CỤC HỘ TỊCH, QUỐC TỊCH, CHỨNG THỰC", "HTQTCT", "CỤC TRƯỞNG"),
    ("BỘ TƯ PHÁP", "", "BTP", "BỘ TRƯỞNG"),
    ("BỘ TÀI CHÍNH", "CỤC QUẢN LÝ CÔNG SẢN", "QLCS", "CỤC TRƯỞNG"),
    ("BỘ NỘI VỤ", "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC", "VTLTNN", "CỤC TRƯỞNG"),
    ("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "", "BNNMT", "BỘ TRƯỞNG"),
    ("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "CỤC QUẢN LÝ ĐẤT ĐAI", "QLĐĐ", "CỤC TRƯỞNG"),
    ("BỘ CÔNG AN", "CỤC CẢNH SÁT QLHC VỀ TTXH", "C06", "CỤC TRƯỞNG"),
    ("", "VĂN PHÒNG CHÍNH PHỦ", "VPCP", "BỘ TRƯỞNG, CHỦ NHIỆM"),
)
_MINISTRY_BASES = (
    "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
    "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 19 tháng 02 năm 2025;",
    "Căn cứ Nghị định số 39/2025/NĐ-CP ngày 26 tháng 02 năm 2025 của Chính phủ quy định chức năng, nhiệm vụ, "
    "quyền hạn và cơ cấu tổ chức của Bộ Tư pháp;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Quyết định số 06/QĐ-TTg ngày 06 tháng 01 năm 2022 của Thủ tướng Chính phủ phê duyệt Đề án phát "
    "triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử;",
)
# Short enough for the footer's left column, which the drawing does not wrap
_MINISTRY_RECEIVERS = ("Ban Bí thư Trung ương Đảng;", "Thủ tướng, các PTTg Chính phủ;", "Các bộ, cơ quan ngang bộ;",
                       "HĐND, UBND các tỉnh, TP;", "Văn phòng Quốc hội;", "Kiểm toán nhà nước;",
                       "Sở Tư pháp các tỉnh, TP;", "Công báo; Cổng TTĐT Chính phủ;", "VPCP: BTCN, các PCN;",
                       "Bộ trưởng (để b/c);", "Các Thứ trưởng;", "Cục Kiểm tra VBQPPL;")


def ministry_document(rng: random.Random, prose_dir: Path | None = None, kind: str | None = None) -> Document:
    """``document``'s paper issued by a ministry, one of its departments or the Government Office instead of a
    local People's Committee: the header's body is the ministry's name (and the department's under it, which
    issues under a code of its own, "/KH-VTLTNN"), the signer signs for a minister or a department's head, the
    recipients are central bodies, the place is Hà Nội. The body's prose and the rest are ``document``'s."""
    doc = document(rng, prose_dir, kind)
    ministry, organ, code, head = rng.choice(_MINISTRIES)
    doc.parent, doc.body = (ministry, organ) if organ else ("", ministry)
    doc.symbol = f"{_SYMBOLS[doc.kind]}-{code}" if _SYMBOLS[doc.kind] else code
    doc.place = "Hà Nội"
    issuer = organ or ministry
    if doc.kind == "quyet_dinh":
        doc.authority = f"{head} {issuer}"
        doc.bases = rng.sample(_MINISTRY_BASES, rng.randint(2, 4)) + [
            f"Theo đề nghị của {rng.choice(('Vụ trưởng Vụ Pháp chế', 'Trưởng phòng Tổng hợp', 'Chánh Văn phòng'))}."]
    deputy = "THỨ TRƯỞNG" if head == "BỘ TRƯỞNG" else f"PHÓ {head.split(', ')[-1]}"
    doc.signer = rng.choice(((head,), (f"KT. {head}", deputy), (f"TL. {head}", "CHÁNH VĂN PHÒNG")))
    doc.receivers = [doc.receivers[0], *rng.sample(_MINISTRY_RECEIVERS, rng.randint(3, 6)), f"Lưu: VT, {code}."]
    doc.seal = f"{ministry or 'CHÍNH PHỦ'} * {issuer} *" if organ else f"{issuer} * VIỆT NAM *"
    return doc

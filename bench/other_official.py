"""Administrative documents from a second generator, kept for measuring: nothing in ``ocr/`` is tuned on it.

``samples.official`` (what issue 14's work was tuned on) draws Decree 30/2020's template with Pillow, writes its
own wording, and degrades the page with ``samples.degrade``. A method that learnt that generator's habits would
gain there and not on real scans (the gains of the first accuracy round: 0.27× the plain error on generated
pages, 0.89× on real ones). This one shares none of it:

* **layout and type**: HTML and CSS set by headless Chromium (HarfBuzz shaping, its own line breaking and
  justification), printed to PDF and rasterised by poppler — Liberation Serif, as Times New Roman's metric twin;
* **wording**: the body is sentences of the UD Vietnamese VTB *test* split (news prose, held out from the
  correction's language model, ``ocr.correct.build``), the names and units are real ones (``../shared/data``);
  numbers and dates are typed, as many offices print them;
* **scan**: its own model of a flatbed at 200 dpi — paper tint, defocus, sensor noise, JPEG — and of a
  photocopy scanned afterwards (toner contrast, specks, drum streaks, the lid's shadow), written for this file;
* **ink**: a red seal over the signer's title, a blue signature, a violet "ĐẾN" receipt stamp over the header.

Truth: the print only, read left header, right header, body, left footer, right footer (seal, stamp and
signature are not text), as in ``samples.official``. Needs Chromium (``scripts/bootstrap.sh --test``) and the
shared data.
"""
from __future__ import annotations

import html
import io
import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
RENDER_DPI = 400  # the "paper": rasterised finer than the scan, which then samples it at 200
SCAN_DPI = 200
LEVELS = ("moderate", "poor", "clean", "moderate", "poor")  # page i's scan kind, the same cycle as the tuning mix

_DEPARTMENTS = ("SỞ TƯ PHÁP", "SỞ NỘI VỤ", "SỞ TÀI CHÍNH", "SỞ Y TẾ", "SỞ XÂY DỰNG", "SỞ CÔNG THƯƠNG",
                "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH")
_KINDS = {  # title, symbol, whether its subject opens with "Về việc"
    "quyet_dinh": ("QUYẾT ĐỊNH", "QĐ", True),
    "thong_bao": ("THÔNG BÁO", "TB", True),
    "ke_hoach": ("KẾ HOẠCH", "KH", False),
    "cong_van": ("", "", False),
}
_GROUNDS = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 19 tháng 02 năm 2025;",
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ về thực hiện thủ tục hành chính "
    "trên môi trường điện tử;",
)


@dataclass(slots=True)
class OtherPage:
    number: int
    kind: str
    level: str
    image: Image.Image  # the scan as the office stores it: 200 dpi, JPEG-decoded
    blocks: list[tuple[str, list[str]]]  # (role, lines) in reading order

    @property
    def text(self) -> str:
        return "\n".join(line for _, lines in self.blocks for line in lines)


def _detokenised(sentence: str) -> str:
    """UD writes every token apart ("Hà Nội , ngày 5 ."): put punctuation back against its word."""
    s = re.sub(r"\s+([.,;:!?%)\]…])", r"\1", sentence)
    s = re.sub(r"([(\[])\s+", r"\1", s)
    s = re.sub(r'"\s+(.*?)\s+"', r'"\1"', s)
    return s.replace(" _ ", " ").strip()


class _Sources:
    def __init__(self, data: Path) -> None:
        from ocr.correct.build import ud_sentences

        test = data / "prose" / "UD_Vietnamese-VTB_test.conllu"
        self.sentences = [s for s in map(_detokenised, ud_sentences(test))
                          if 8 <= len(s.split()) <= 45 and s[-1] in ".!?" and '"' not in s and "_" not in s]
        provinces = json.loads((data / "admin_units" / "thanglequoc_v3.0.2_post2025_34prov_3321wards.json")
                               .read_text(encoding="utf-8"))
        self.provinces = [(p["Name"], p["FullName"], [w["FullName"] for w in p["Wards"]]) for p in provinces]
        members = json.loads((data / "names" / "duyet_uit_member.json").read_text(encoding="utf-8"))
        self.names = [m["full_name"] for m in members if len(m.get("full_name", "").split()) >= 3]


def _document(rng: random.Random, src: _Sources, kind: str) -> dict:
    province, province_full, wards = rng.choice(src.provinces)
    commune = rng.random() < 0.5
    day = f"ngày {rng.randint(1, 28):02d} tháng {rng.randint(1, 12)} năm {rng.choice((2025, 2026))}"
    if commune:
        ward = rng.choice(wards)
        parent, body, place = "ỦY BAN NHÂN DÂN", ward.upper(), ward.split(" ", 1)[1]
        sign_for, signer = "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
        authority = f"CHỦ TỊCH ỦY BAN NHÂN DÂN {ward.upper()}"
        sender = "UBND"
    else:
        dept = rng.choice(_DEPARTMENTS)
        parent, body, place = f"UBND {province_full.upper()}", dept, province
        sign_for, signer = rng.choice((("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), ("", "GIÁM ĐỐC")))
        authority = f"GIÁM ĐỐC {dept}"
        sender = "S" + "".join(w[0] for w in dept.split()[1:3]).upper()
    title, symbol, about = _KINDS[kind]
    number = f"Số: {rng.randint(1, 2999)}/{symbol + '-' if symbol else ''}{sender}" + \
        ("" if symbol else f"-{rng.choice(('VP', 'TP', 'HCTP', 'KT'))}")
    picks = iter(rng.sample(src.sentences, 40))
    subject = " ".join(next(picks).rstrip(".!?").split()[:rng.randint(6, 12)])
    subject = subject[0].lower() + subject[1:] if not subject[:2].isupper() else subject
    paragraphs: list[str] = []
    if kind == "quyet_dinh":
        proposer = rng.choice(("Văn phòng", "Phòng Tư pháp", "Phòng Kinh tế"))
        paragraphs += rng.sample(_GROUNDS, 2) + [f"Theo đề nghị của {proposer}."]
        for k in range(1, rng.randint(4, 5)):
            paragraphs.append(f"Điều {k}. " + " ".join(next(picks) for _ in range(rng.randint(1, 4))))
    else:
        for _ in range(rng.randint(4, 8)):
            paragraphs.append(" ".join(next(picks) for _ in range(rng.randint(1, 4))))
    recipients = ["- Như trên;" if kind == "cong_van" else "- Như Điều 3;" if kind == "quyet_dinh" else
                  f"- {rng.choice(('UBND', 'Sở Tư pháp', 'Công an'))} {province_full};",
                  f"- {rng.choice(('Văn phòng', 'Phòng Tư pháp', 'Thanh tra'))};",
                  "- Lưu: VT."]
    return {"kind": kind, "parent": parent, "body": body, "number": number, "place_date": f"{place}, {day}",
            "title": title, "subject": (f"Về việc {subject}" if about else subject[0].upper() + subject[1:]),
            "authority": authority if kind == "quyet_dinh" else "", "paragraphs": paragraphs,
            "kinh_gui": f"Kính gửi: {rng.choice(('Ủy ban nhân dân', 'Công an', 'Sở Tư pháp'))} {province_full}."
            if kind == "cong_van" else "", "recipients": recipients, "sign_for": sign_for, "signer": signer,
            "name": rng.choice(src.names), "seal": f"{parent} {body}".replace("UBND", "ỦY BAN NHÂN DÂN")}


def _blocks(doc: dict) -> list[tuple[str, list[str]]]:
    """The truth, in reading order: what the HTML prints, one line per element (whitespace is not scored)."""
    left = [doc["parent"], doc["body"], doc["number"]]
    if doc["kind"] == "cong_van":
        left.append(f"V/v {doc['subject']}")
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", doc["place_date"]]
    body = [line for line in (doc["title"], doc["subject"] if doc["title"] else "", doc["authority"],
                              doc["kinh_gui"]) if line]
    if doc["kind"] == "quyet_dinh":
        body += doc["paragraphs"][:3] + ["QUYẾT ĐỊNH:"] + doc["paragraphs"][3:]
    else:
        body += doc["paragraphs"]
    footer_right = [line for line in (doc["sign_for"], doc["signer"], doc["name"]) if line]
    return [("header_left", left), ("header_right", right), ("body", body),
            ("footer_left", ["Nơi nhận:", *doc["recipients"]]), ("footer_right", footer_right)]


def _seal(text: str, rng: random.Random) -> str:
    """A round red seal: two rings, the office's name around, a star in the middle."""
    r = 86
    star = " ".join(f"{100 + (30 if k % 2 == 0 else 12) * math.sin(k * math.pi / 5):.1f},"
                    f"{100 - (30 if k % 2 == 0 else 12) * math.cos(k * math.pi / 5):.1f}" for k in range(10))
    return (f'<svg class="seal" viewBox="0 0 200 200" style="transform: rotate({rng.uniform(-25, 25):.0f}deg)">'
            f'<defs><path id="ring" d="M 100,100 m -{r - 16},0 a {r - 16},{r - 16} 0 1,1 {2 * (r - 16)},0 '
            f'a {r - 16},{r - 16} 0 1,1 -{2 * (r - 16)},0"/></defs>'
            f'<circle cx="100" cy="100" r="{r}" fill="none" stroke="#d0202a" stroke-width="5"/>'
            f'<circle cx="100" cy="100" r="{r - 30}" fill="none" stroke="#d0202a" stroke-width="2"/>'
            f'<text font-size="17" font-weight="bold" fill="#d0202a" font-family="Liberation Sans" '
            f'textLength="{2 * math.pi * (r - 16) * 0.97:.0f}" lengthAdjust="spacingAndGlyphs">'
            f'<textPath href="#ring">{html.escape(text)} ★</textPath></text>'
            f'<polygon points="{star}" fill="#d0202a"/></svg>')


def _signature(rng: random.Random) -> str:
    x, y = 10.0, 40.0
    path = [f"M {x:.0f} {y:.0f}"]
    for _ in range(rng.randint(5, 8)):
        nx, ny = x + rng.uniform(15, 40), rng.uniform(10, 70)
        path.append(f"Q {x + rng.uniform(-10, 30):.0f} {rng.uniform(0, 80):.0f} {nx:.0f} {ny:.0f}")
        x, y = nx, ny
    return (f'<svg class="signature" viewBox="0 0 260 80"><path d="{" ".join(path)}" fill="none" '
            f'stroke="#1f3fa6" stroke-width="{rng.uniform(1.6, 2.6):.1f}" stroke-linecap="round"/></svg>')


def _receipt(rng: random.Random) -> str:
    """The receiving office's "ĐẾN" stamp, with its number and date in pen."""
    return (f'<div class="receipt" style="left: {rng.uniform(0, 30):.0f}mm; top: {rng.uniform(22, 40):.0f}mm; '
            f'transform: rotate({rng.uniform(-6, 6):.1f}deg)"><div class="office">VĂN PHÒNG ĐĂNG KÝ</div>'
            f'<b>ĐẾN</b> <span>Số: <i>{rng.randint(10, 9999)}</i><br>Ngày: <i>{rng.randint(1, 28)}/'
            f'{rng.randint(1, 12)}</i></span></div>')


_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: 'Liberation Serif'; font-size: 13.5pt; margin: 0; color: #111; position: relative; }
.head { display: flex; justify-content: space-between; text-align: center; }
.head .l { width: 42%; } .head .r { width: 58%; }
.head p { margin: 0; line-height: 1.25; } .up { font-size: 12.5pt; } .b { font-weight: bold; }
.rule { width: 35%; margin: 2px auto 0; border-top: 1px solid #111; }
.motto { display: inline-block; border-bottom: 1px solid #111; font-weight: bold; }
.date { font-style: italic; margin-top: 10px !important; } .num { margin-top: 10px !important; }
.vv { font-size: 12pt; }
.title { text-align: center; font-weight: bold; margin: 18px 0 0; font-size: 14pt; }
.subject { text-align: center; font-weight: bold; margin: 0 0 12px; }
.center, .text p.center { text-align: center; text-indent: 0; font-weight: bold; margin: 8px 0; }
.text p { text-align: justify; text-indent: 12mm; margin: 0 0 5px; line-height: 1.3; }
.foot { display: flex; justify-content: space-between; margin-top: 14px; }
.foot .l { width: 45%; font-size: 11pt; } .foot .l p { margin: 0; line-height: 1.2; }
.foot .l .to { font-weight: bold; font-style: italic; font-size: 12pt; }
.foot .r { width: 50%; text-align: center; font-weight: bold; position: relative; }
.foot .r p { margin: 0; } .foot .r .name { margin-top: 80px; }
.seal { position: absolute; width: 40mm; height: 40mm; left: 2mm; top: 2mm; opacity: 0.86;
        mix-blend-mode: multiply; }
.signature { position: absolute; width: 46mm; left: 18mm; top: 12mm; mix-blend-mode: multiply; }
.receipt { position: absolute; border: 2px solid #6a3ea8; color: #6a3ea8; padding: 3px 8px; width: 52mm;
           font-family: 'Liberation Sans'; font-size: 10pt; mix-blend-mode: multiply; background: transparent; }
.receipt b { font-size: 22pt; vertical-align: middle; } .receipt span { display: inline-block; vertical-align: middle; }
.receipt i { font-family: 'DejaVu Sans'; color: #1f3fa6; font-size: 11pt; }
.receipt .office { font-size: 8pt; font-weight: bold; }
"""


def _html(doc: dict, rng: random.Random) -> str:
    e = html.escape
    vv = f'<p class="vv">V/v {e(doc["subject"])}</p>' if doc["kind"] == "cong_van" else ""
    body = [f'<p class="title">{e(doc["title"])}</p><p class="subject">{e(doc["subject"])}</p>'] if doc["title"] else []
    if doc["authority"]:
        body.append(f'<p class="center">{e(doc["authority"])}</p>')
    if doc["kinh_gui"]:
        body.append(f'<p class="center" style="font-weight: normal; margin: 14px 0">{e(doc["kinh_gui"])}</p>')
    paras = [f"<p>{e(p)}</p>" for p in doc["paragraphs"]]
    if doc["kind"] == "quyet_dinh":
        paras.insert(3, '<p class="center">QUYẾT ĐỊNH:</p>')
    sign_for = f'<p>{e(doc["sign_for"])}</p>' if doc["sign_for"] else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>{_CSS}</style></head><body>
{_receipt(rng) if rng.random() < 0.7 else ""}
<div class="head"><div class="l"><p class="up">{e(doc["parent"])}</p><p class="up b">{e(doc["body"])}</p>
<div class="rule"></div><p class="num">{e(doc["number"])}</p>{vv}</div>
<div class="r"><p class="up b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
<p><span class="motto">Độc lập - Tự do - Hạnh phúc</span></p>
<p class="date">{e(doc["place_date"])}</p></div></div>
{"".join(body)}<div class="text">{"".join(paras)}</div>
<div class="foot"><div class="l"><p class="to">Nơi nhận:</p>{"".join(f"<p>{e(r)}</p>" for r in doc["recipients"])}</div>
<div class="r">{sign_for}<p>{e(doc["signer"])}</p>{_signature(rng)}{_seal(doc["seal"], rng)}
<p class="name">{e(doc["name"])}</p></div></div></body></html>"""


def _rotated(img: np.ndarray, degrees: float, fill: int | tuple) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def _scan(paper: Image.Image, level: str, rng: np.random.Generator) -> Image.Image:
    """The printed page through a flatbed at 200 dpi ("clean", "moderate") or photocopied first ("poor")."""
    img = np.asarray(paper.convert("RGB"), dtype=np.float32)
    if level == "poor":  # the copier: toner either sticks or not, specks, drum streaks, the lid's shadow
        grey = cv2.GaussianBlur(img.mean(axis=2), (0, 0), rng.uniform(1.0, 2.2))  # toner spreads
        h, w = grey.shape
        # Toner density varies over the drum: where it is thin, strokes break; where thick, letters fill in.
        density = cv2.resize(rng.normal(0, 1, (6, 4)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        t, s = rng.uniform(145, 195) + density * rng.uniform(8, 20), rng.uniform(8, 16)
        grey = 255 / (1 + np.exp(-(grey - t) / s))
        n = int(h * w * rng.uniform(4e-5, 1.2e-4))
        for y, x, r in zip(rng.integers(0, h, n), rng.integers(0, w, n), rng.integers(1, 4, n), strict=True):
            cv2.circle(grey, (int(x), int(y)), int(r), float(rng.uniform(40, 140)), -1)
        for x in rng.integers(0, w, rng.integers(0, 3)):
            grey[:, x:x + rng.integers(2, 5)] *= rng.uniform(0.75, 0.9)
        edge = rng.integers(60, 160)
        side = np.linspace(rng.uniform(0.35, 0.6), 1.0, edge, dtype=np.float32)
        if rng.random() < 0.5:
            grey[:, :edge] *= side
        else:
            grey[:, -edge:] *= side[::-1]
        grey *= rng.uniform(0.86, 0.93)  # copier paper is never white on the second scan
        img = np.repeat(grey[:, :, None], 3, axis=2)
    tint = np.array([rng.uniform(238, 250), rng.uniform(236, 248), rng.uniform(228, 244)], dtype=np.float32) / 255
    img *= tint
    h, w = img.shape[:2]
    low = cv2.resize(rng.normal(0, 1, (8, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    img += (low * rng.uniform(2, 5))[:, :, None]
    img = _rotated(np.clip(img, 0, 255), float(rng.uniform(-1.0, 1.0)), (245, 245, 245))
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.8, 1.6))  # focus, at the paper's resolution
    f = SCAN_DPI / RENDER_DPI
    img = cv2.resize(img, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    img += rng.normal(0, 1.5 if level == "clean" else rng.uniform(2.5, 5), img.shape).astype(np.float32)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    if level == "poor":
        out = out.convert("L")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=92 if level == "clean" else int(rng.integers(70, 88)), dpi=(SCAN_DPI, SCAN_DPI))
    scanned = Image.open(io.BytesIO(buf.getvalue()))
    scanned.load()
    return scanned


def other_pages(pages: int, seed: int, data: Path, start: int = 0) -> Iterator[OtherPage]:
    """Pages ``start`` … ``start + pages - 1`` of the run ``seed``: page k is the same whatever else is drawn."""
    import pikepdf
    from pdf2image import convert_from_bytes
    from playwright.sync_api import sync_playwright

    src = _Sources(data)
    kinds = list(_KINDS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox",
                                                                         "--disable-gpu"])
        try:
            tab = browser.new_page()
            for k in range(start, start + pages):
                rng = random.Random(seed * 10_007 + k)
                kind = kinds[k % len(kinds)]
                doc = _document(rng, src, kind)
                while True:  # one page: paragraphs dropped from the end until it fits
                    tab.set_content(_html(doc, random.Random(seed * 10_007 + k)))
                    pdf = tab.pdf(format="A4", prefer_css_page_size=True, print_background=True)
                    if len(pikepdf.open(io.BytesIO(pdf)).pages) == 1 or len(doc["paragraphs"]) <= 4:
                        break
                    doc["paragraphs"].pop()
                paper = convert_from_bytes(pdf, dpi=RENDER_DPI, first_page=1, last_page=1)[0]
                level = LEVELS[k % len(LEVELS)]
                image = _scan(paper, level, np.random.default_rng(seed * 10_007 + k))
                yield OtherPage(k + 1, kind, level, image, _blocks(doc))
        finally:
            browser.close()

"""An official document's page (Decree 30/2020's layout) drawn here and read by Tesseract end to end: header and
footer blocks each read as a block, every printed line in the text, the seal and signature set aside."""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from rapidfuzz import fuzz

from domain.settings import Settings
from ocr.marks import SEAL, SIGNATURE
from ocr.page import ocr_page
from samples.fonts import font
from samples.ink import PEN_BLUE, STAMP_RED, apply_ink, signature_mask, stamp_mask

W, H = 1750, 1600
LEFT_HEAD = ["BỘ TÀI CHÍNH", "Số: 123/QĐ-BTC"]
RIGHT_HEAD = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 12 tháng 3 năm 2026"]
TITLE = ["QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch năm 2026"]
BODY = ["Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015 và các văn bản",
        "hướng dẫn thi hành; theo đề nghị của Vụ trưởng Vụ Kế hoạch - Tài chính,",
        "Điều 1. Phê duyệt kế hoạch năm 2026 của các đơn vị thuộc Bộ.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký ban hành."]
LEFT_FOOT = ["Nơi nhận:", "- Như Điều 2;", "- Lãnh đạo Bộ;", "- Lưu: VT, KHTC."]
RIGHT_FOOT = ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Nguyễn Văn Bình"]


def _centred(draw: ImageDraw.ImageDraw, cx: int, y: int, text: str, f) -> None:
    draw.text((cx - f.getlength(text) / 2, y), text, font=f, fill=(15, 15, 15))


def _page() -> np.ndarray:
    img = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(img)
    bold, regular = font("serif-bold", 34), font("serif", 34)
    for n, text in enumerate(LEFT_HEAD):
        _centred(draw, 330, 60 + 52 * n, text, bold if n == 0 else regular)
    for n, text in enumerate(RIGHT_HEAD):
        _centred(draw, 1200, 60 + 52 * n, text, bold if n < 2 else regular)
    for n, text in enumerate(TITLE):
        _centred(draw, W // 2, 300 + 52 * n, text, bold)
    for n, text in enumerate(BODY):
        draw.text((110, 450 + 56 * n), text, font=regular, fill=(15, 15, 15))
    for n, text in enumerate(LEFT_FOOT):
        draw.text((110, 760 + 48 * n), text, font=font("serif", 30), fill=(15, 15, 15))
    for n, text in enumerate(RIGHT_FOOT[:2]):
        _centred(draw, 1250, 760 + 52 * n, text, bold)
    _centred(draw, 1250, 1140, RIGHT_FOOT[2], bold)
    page = np.array(img)
    apply_ink(page, signature_mask(np.random.default_rng(2), 420, 180), PEN_BLUE, 1050, 900)
    apply_ink(page, stamp_mask("BỘ TÀI CHÍNH", np.random.default_rng(4), 330), STAMP_RED, 880, 730)
    return page


def test_official_page_read_block_by_block_with_every_line():
    result = ocr_page(Image.fromarray(_page()), Settings(), want_pdf=False)
    out = result.text.splitlines()
    truth = LEFT_HEAD + RIGHT_HEAD + TITLE + BODY + LEFT_FOOT + RIGHT_FOOT
    where = []
    for line in truth:  # every printed line is in the text, as a line of its own
        score, k = max((fuzz.ratio(line, o), k) for k, o in enumerate(out))
        assert score >= 85, (line, out)
        where.append(k)
    assert where == sorted(where), out  # in the order of the blocks
    kinds = {m.kind for m in result.marks}
    assert {SEAL, SIGNATURE} <= kinds
    assert len(out) <= len(truth) + 1  # nothing but the print: no line read off the seal or the signature

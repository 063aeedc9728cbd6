"""Render simple certificate-like pages with Pillow, for tests and measurements (until samples/ exists).

Each page returns its image and the lines of text drawn, so tests know the ground truth.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from domain.dates import date_in_words

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
LIBERATION = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

BIRTH_FIELDS = {
    "registration_number": "125/TLKS-BS",
    "full_name": "NGUYỄN THỊ MINH THƯ",
    "date_of_birth": "1998-03-15",
    "gender": "female",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "place_of_birth": "Bệnh viện Phụ sản Hà Nội, thành phố Hà Nội",
    "hometown": "xã Yên Phong, huyện Ý Yên, tỉnh Nam Định",
    "personal_id": "001198012345",
    "mother_name": "TRẦN THỊ HỒNG",
    "mother_birth_year": "1972",
    "father_name": "NGUYỄN VĂN HÙNG",
    "father_birth_year": "1970",
    "registration_date": "1998-03-20",
}


@dataclass
class RenderedPage:
    image: Image.Image
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def birth_lines(f: dict[str, str] = BIRTH_FIELDS) -> tuple[list[str], list[str]]:
    """(header pairs flattened left/right, body lines) of a birth-certificate extract."""
    gender = "Nữ" if f["gender"] == "female" else "Nam"
    body = [
        f"Họ, chữ đệm, tên: {f['full_name']}",
        f"Ngày, tháng, năm sinh: {_dmy(f['date_of_birth'])}",
        f"ghi bằng chữ: {date_in_words(f['date_of_birth'])}",
        f"Giới tính: {gender}   Dân tộc: {f['ethnicity']}   Quốc tịch: {f['nationality']}",
        f"Nơi sinh: {f['place_of_birth']}",
        f"Quê quán: {f['hometown']}",
        f"Số định danh cá nhân: {f['personal_id']}",
        f"Họ, chữ đệm, tên người mẹ: {f['mother_name']}",
        f"Năm sinh: {f['mother_birth_year']}   Dân tộc: Kinh   Quốc tịch: Việt Nam",
        "Nơi cư trú: số 12 phố Hàng Bông, phường Hàng Gai, quận Hoàn Kiếm, Hà Nội",
        f"Họ, chữ đệm, tên người cha: {f['father_name']}",
        f"Năm sinh: {f['father_birth_year']}   Dân tộc: Kinh   Quốc tịch: Việt Nam",
        "Nơi cư trú: số 12 phố Hàng Bông, phường Hàng Gai, quận Hoàn Kiếm, Hà Nội",
        "Nơi đăng ký khai sinh: Ủy ban nhân dân phường Hàng Gai, quận Hoàn Kiếm",
        f"Ngày, tháng, năm đăng ký: {_dmy(f['registration_date'])}",
    ]
    return ["TRÍCH LỤC KHAI SINH"], body


def render_page(
    title: list[str],
    body: list[str],
    *,
    number: str = "125/TLKS-BS",
    font_path: str = SERIF,
    size: int = 34,
    page: tuple[int, int] = (2480, 3508),  # A4 at 300 dpi
) -> RenderedPage:
    img = Image.new("RGB", page, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(font_path, size)
    bold = ImageFont.truetype(SERIF_BOLD, size)
    big = ImageFont.truetype(SERIF_BOLD, int(size * 1.4))
    x0, y = 200, 220
    lines: list[str] = []
    draw.text((x0, y), "ỦY BAN NHÂN DÂN", font=bold, fill="black")
    draw.text((1250, y), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold, fill="black")
    y += int(size * 1.6)
    draw.text((x0, y), "PHƯỜNG HÀNG GAI", font=bold, fill="black")
    draw.text((1400, y), "Độc lập - Tự do - Hạnh phúc", font=bold, fill="black")
    y += int(size * 2.2)
    draw.text((x0, y), f"Số: {number}", font=font, fill="black")
    # Read as the header's blocks: the issuing body's (left), then the national name's (right).
    lines += ["ỦY BAN NHÂN DÂN", "PHƯỜNG HÀNG GAI", f"Số: {number}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
              "Độc lập - Tự do - Hạnh phúc"]
    y += int(size * 2.5)
    for t in title:
        w = draw.textlength(t, font=big)
        draw.text(((page[0] - w) / 2, y), t, font=big, fill="black")
        lines.append(t)
        y += int(size * 2.4)
    for line in body:
        draw.text((x0, y), line, font=font, fill="black")
        lines.append(line)
        y += int(size * 1.9)
    return RenderedPage(img, lines)


def render_birth(**kw) -> RenderedPage:
    title, body = birth_lines()
    return render_page(title, body, **kw)


def add_stamp(img: Image.Image, center: tuple[int, int], radius: int = 260, colour=(220, 30, 40)) -> Image.Image:
    """A round stamp with text, multiplied over the page as ink would be (black stays black)."""
    layer = Image.new("RGB", img.size, "white")
    d = ImageDraw.Draw(layer)
    cx, cy = center
    for r, w in ((radius, 10), (radius - 30, 4)):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=w)
    d.text((cx - radius + 60, cy - 30), "ỦY BAN NHÂN DÂN", font=ImageFont.truetype(SERIF_BOLD, 40), fill=colour)
    a = np.asarray(img, dtype=np.float32) * np.asarray(layer, dtype=np.float32) / 255.0
    return Image.fromarray(a.astype(np.uint8))


def degrade(
    img: Image.Image, *, angle: float = 0.0, noise: float = 0.0, blur: float = 0.0, seed: int = 0
) -> Image.Image:
    out = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor="white") if angle else img
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = np.random.default_rng(seed)
        a = np.asarray(out, dtype=np.float32) + rng.normal(0, noise, (out.height, out.width, 1))
        out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    return out


def shuffled_fields(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    f = dict(BIRTH_FIELDS)
    f["personal_id"] = "001" + "1" + "98" + "".join(rng.choice("0123456789") for _ in range(6))
    return f

"""Toner specks read as punctuation on a syllable (ocr/correct/stray_marks.py): each rule with a line it
mends, and the marks with a use of their own, left alone."""
import pytest

from ocr.correct import correct_words
from ocr.words import SUPPLIED, Word, page_text


def _line(text: str) -> list[Word]:
    out, x = [], 0
    for token in text.split(" "):
        out.append(Word(token, 0.9, x, 0, 12 * len(token), 20, 0, 0))
        x += 12 * len(token) + 10
    return out


def _corrected(text: str) -> str:
    words = _line(text)
    correct_words(words)
    return page_text(words)


@pytest.mark.parametrize("read, fixed", [
    ("Ủy ban nhân-dân xã", "Ủy ban nhân dân xã"),  # 1: two syllables joined by a hyphen
    ("các chỉ tiêu của.doanh nghiệp", "các chỉ tiêu của doanh nghiệp"),  # 1: by a point
    ("gửi UBND-phường và", "gửi UBND phường và"),  # 1: an acronym, then a syllable
    ("Bộ-trưởng Bộ Tư pháp", "Bộ trưởng Bộ Tư pháp"),  # 1: a capitalised first syllable
    ("kết quả 'thực hiện", "kết quả thực hiện"),  # 2: opened by an apostrophe
    ("'Trong năm 2026", "Trong năm 2026"),
    ("vào .vận hành", "vào vận hành"),  # 2: opened by a point
    ("từ -đầu năm", "từ đầu năm"),  # 2: a dash before a lowercase word
    ("báo cáo trong. năm", "báo cáo trong năm"),  # 3: a point before a lowercase word
    ("Tuy. nhiên, cho đến nay", "Tuy nhiên, cho đến nay"),  # … after a capitalised word too
    ("Nghị định của Chính. phủ về", "Nghị định của Chính phủ về"),
    ("Thông báo số 4160/TB-ĐHQG ngày. 12/01/2026 của", "Thông báo số 4160/TB-ĐHQG ngày 12/01/2026 của"),  # a date
    ("thực hiện trong°dự toán", "thực hiện trong dự toán"),  # 1: a degree sign
    ("ngày 06 tháng.04 năm'*2026", "ngày 06 tháng 04 năm 2026"),  # 1: a syllable and a number
    ("theo Nghị định số-123/2015/NĐ-CP của", "theo Nghị định số 123/2015/NĐ-CP của"),
    ("theo đề nghị của.Trưởng phòng", "theo đề nghị của Trưởng phòng"),  # 1: a capital after a point
    ("CHỦ NGHĨA.VIỆT NAM", "CHỦ NGHĨA VIỆT NAM"),
    ("từ năm 2026.đến hết", "từ năm 2026 đến hết"),  # 1: a number, then a lowercase syllable
    ("Kính gửi:Ủy ban", "Kính gửi: Ủy ban"),  # 1: a space lost after a colon or comma, the mark kept
    ("Lai Châu,ngày 12", "Lai Châu, ngày 12"),
    ("đến từng tổ\"dân phố", "đến từng tổ dân phố"),  # 1: a double quote
    ("trong quá trình thực :hiện", "trong quá trình thực hiện"),  # 2: opened by a colon
    ("Nguyễn Văn' Tài", "Nguyễn Văn Tài"),  # 2: closed by an apostrophe
    ("- Lưu: VT.'", "- Lưu: VT."),
    ("Cô ấy khóc.. Rồi cả", "Cô ấy khóc. Rồi cả"),  # 4: a speck beside a sentence's point
    ("từ năm 2025..", "từ năm 2025."),
    ("thi hành Quyết định nàyz.", "thi hành Quyết định này./."),  # 5: Decree 30's closing "./." misread
    ("thi hành Quyết định này/.", "thi hành Quyết định này./."),
])
def test_specks_taken_off(read, fixed):
    assert _corrected(read) == fixed


@pytest.mark.parametrize("text", [
    "dân tộc Tày-Thái ở",  # capitals both sides: a name's hyphen
    "tỉnh Bà Rịa-Vũng Tàu",
    "- Như trên;",  # a list's dash, before a capital
    "-Như trên;",
    "gồm: các đơn vị",  # colons, commas and double quotes have lowercase uses
    "nếu, có",
    "“đổi mới” kinh tế",
    "thực hiện. Năm nay",  # a sentence's end before a capital
    "ông Nguyễn Văn A. và bà B.",  # a name's initial
    "TP. hồ",  # capitals: an abbreviation
    "trong 30 ngày. 2. Trách nhiệm",  # before a paragraph's number
    "ngày 10-4-2026 và",  # digits
    "tên miền sohoa.vn và",  # not two known syllables
    "TP.Huế và TP.HCM, Q.Bình Thạnh",  # abbreviations before a name
    "- Lưu: VT, TP.",
    "nhà máy điện...và trạm",  # an ellipsis is written
    "nhà hóa học Carnot' và",  # no syllable: an apostrophe of its own
    "lối chơi 'phá cách' của",  # a quotation in single quotes
    "khẩu hiệu “Một cửa” và \"đổi mới\"",
    "giá 35.000đ và 2.5kg",
    "hết năm.",  # a point at the line's end
    "Đằng, Q.1 và",  # an abbreviation's point before a number
    "dịch COVID-19 năm",
    "còn nữa... Rồi",  # an ellipsis's three points
    "văn bản này./.",  # a document's end
])
def test_marks_with_a_use_left_alone(text):
    assert _corrected(text) == text


def test_a_cut_word_shares_its_box():
    words = _line("nhân-dân")
    correct_words(words)
    left, right = words
    assert (left.text, right.text) == ("nhân", "dân")
    assert left.left == 0 and right.left + right.width == 12 * len("nhân-dân")
    assert left.width + right.width < 12 * len("nhân-dân")  # the hyphen's share belongs to neither


def _page(*lines: str) -> list[Word]:
    words = []
    for n, text in enumerate(lines):
        for w in _line(text):
            w.top, w.line = 40 * n, n
            words.append(w)
    return words


@pytest.mark.parametrize("lines, fixed", [
    (["3. Tổ chức rà soát", "A. Tăng cường tuyên truyền"], "4. Tăng cường tuyên truyền"),  # 4 read as A
    (["1) Thu thập", "Z) Số hóa"], "2) Số hóa"),
    (["A. Phần mở đầu", "B. Nội dung"], "B. Nội dung"),  # a lettered list keeps its letters
    (["3. Tổ chức", "A) Tăng cường"], "A) Tăng cường"),  # another stop: not the same list
    (["2. Tổ chức", "A. Tăng cường"], "A. Tăng cường"),  # 4 does not follow 2
    (["Á. Tăng cường", "5. Giao Văn phòng"], "4. Tăng cường\n5. Giao Văn phòng"),  # before the 5, with a mark
    # a paragraph's stop misread, where the run calls for its number; as read where nothing does
    (["1,. Kinh phí thực hiện", "2. Tổ công tác"], "1. Kinh phí thực hiện\n2. Tổ công tác"),
    (["1. Tổ chức rà soát", "2, Kinh phí"], "2. Kinh phí"),
    (["3. Tổ chức rà soát", "4: Giao Văn phòng"], "4. Giao Văn phòng"),
    (["Điều 1. Ban hành kèm theo", "Điều 2, Quyết định này"], "Điều 2. Quyết định này"),
    (["1,.Kinh phí thực hiện", "2. Tổ công tác"], "1. Kinh phí thực hiện\n2. Tổ công tác"),  # glued to its word
    (["2. Tổ chức rà soát", "Ý3. Tăng cường"], "3. Tăng cường"),  # a speck's letter before it
    (["Tỷ lệ bản đồ", "1: Năm trăm"], "1: Năm trăm"),
    (["1. Tổ chức rà soát", "2.5 Kinh phí"], "2.5 Kinh phí"),  # a number's decimals
    (["Các khoản:", "(1) Kinh phí", "2. Tổ công tác"], "(1) Kinh phí\n2. Tổ công tác"),  # another marker
    (["2. Tổ chức rà soát", "1, Kinh phí"], "1, Kinh phí"),
    (["1. Tổ chức rà soát", "2, các phòng"], "2, các phòng"),  # no paragraph opens with a small letter
    (["Nơi nhận:", "~ Như trên;"], "- Như trên;"),  # an item's dash read as a tilde
    (["Tôi cam kết:", "~ Mọi thông tin là đúng"], "- Mọi thông tin là đúng"),
    (["Tôi cam kết:", "khoảng ~ 10%"], "khoảng ~ 10%"),  # not a line's first word
    (["Giao cho:", "công chức Tư pháp ~ Hộ tịch"], "công chức Tư pháp - Hộ tịch"),  # between words: a dash
    (["Nơi nhận: -", "- Công an tỉnh;"], "Nơi nhận:\n- Công an tỉnh;"),  # the dash read twice
    (["- Thanh tra; ~", "~ Lưu: VT."], "- Thanh tra;\n- Lưu: VT."),
    (["của Nhóm Châu Á -", "Thái Bình Dương"], "của Nhóm Châu Á -\nThái Bình Dương"),  # a wrapped line's hyphen
    # an item's semicolon read as a comma before the next item; a comma wrapping inside an item stays
    (["- Cổng thông tin điện tử,", "- Lưu: VT."], "- Cổng thông tin điện tử;\n- Lưu: VT."),
    (["- Thủ tướng, các Phó Thủ tướng,", "các Bộ;"], "- Thủ tướng, các Phó Thủ tướng,\ncác Bộ;"),
    (["Căn cứ Luật Hộ tịch,", "- Công an tỉnh;"], "Căn cứ Luật Hộ tịch,\n- Công an tỉnh;"),
    (["- Như trên;", "- Lưu: VT; VP."], "- Như trên;\n- Lưu: VT, VP."),  # the copies kept, parted by commas
    (["- Như trên;", "- Lưu: VT;"], "- Như trên;\n- Lưu: VT;"),  # no office after it: as read
    # under "Nơi nhận:" an item's dash lost (put back) or read as another mark; a wrapped item's line gets none
    (["Nơi nhận:", "Như trên;", "- Sở Tư pháp, Sở Nội vụ,", "UBND các huyện;", "* Lưu: VT, TP."],
     "Nơi nhận:\n- Như trên;\n- Sở Tư pháp, Sở Nội vụ,\nUBND các huyện;\n- Lưu: VT, TP."),
    (["Nơi nhận: - Như trên;", "Công an tỉnh;", "Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
     "Nơi nhận: - Như trên;\n- Công an tỉnh;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
    (["- Như trên;", "CHỦ TỊCH;", "Công an tỉnh;"], "- Như trên;\nCHỦ TỊCH;\nCông an tỉnh;"),  # no heading
    # the last item's label misread before the offices' codes; a word of a body's list stays
    (["Nơi nhận:", "- Như trên;", "- Lưa: VT, TP."], "- Như trên;\n- Lưu: VT, TP."),
    (["Nơi nhận:", "- Như trên;", "- Liểu: VT, VP."], "- Như trên;\n- Lưu: VT, VP."),
    (["Nơi nhận:", "- Như trên;", "- Lưu:'VT, VHXH."], "- Như trên;\n- Lưu: VT, VHXH."),
    (["Cây trồng:", "- Lúa: giống mới;"], "Cây trồng:\n- Lúa: giống mới;"),
])
def test_a_list_marker_misread(lines, fixed):
    words = _page(*lines)
    correct_words(words)
    assert "\n".join(page_text(words).splitlines()[-1 - fixed.count("\n"):]) == fixed


def test_a_recipients_dash_put_back_is_doubtful_and_before_its_item():
    words = _page("Nơi nhận:", "Như trên;")
    for w in words:
        w.left += 100
    item = words[-2]
    correct_words(words)
    dash = words[-3]
    assert (dash.text, dash.line, dash.conf) == ("-", item.line, 0.75)
    assert dash.left + dash.width <= words[-2].left and words[-2].text == "Như"


@pytest.mark.parametrize("read, fixed", [
    ("- Lưu: VT,VHXH.", "- Lưu: VT, VHXH."),  # codes either side
    ("Thôn7,xã Vô Điếm", "Thôn 7, xã Vô Điếm"),  # a number before it (then cut from its word)
    ("các phòng;ban chuyên môn", "các phòng; ban chuyên môn"),
    ("ngày 06:tháng 3", "ngày 06: tháng 3"),
    ("-Lưu:VT.", "-Lưu: VT."),  # a list's dash glued before it
    ("- Lưu:VT,TP.", "- Lưu: VT, TP."),  # three run together: cut twice
    ("TM,ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),  # cut, the signer's mark then ends with its point
])
def test_words_run_together_across_a_comma_colon_or_semicolon_are_cut(read, fixed):
    assert _corrected(read) == fixed


@pytest.mark.parametrize("text", ["tăng 1,79% so với", "lúc 8:30 sáng", "phòng, ban", ",xã"])
def test_such_marks_between_digits_or_opening_a_word_stay(text):
    assert _corrected(text) == text


def _numbered(*lines: tuple[int, str]) -> list[Word]:
    words = []
    for n, (x, text) in enumerate(lines):
        for w in _line(text):
            w.left, w.top, w.line = w.left + x, 40 * n, n
            words.append(w)
    return words


@pytest.mark.parametrize("at, kept", [(134, "2. Giao Văn phòng Hội đồng"), (0, "Giao Văn phòng Hội đồng")])
def test_a_paragraphs_number_lost_between_its_neighbours_is_put_back(at, kept):
    """"5. Giao Văn phòng …" read "Giao Văn phòng …": a paragraph between "1." and "3." whose first word stands
    where their text begins after the number has lost its "2." — put back, doubtful. A line at the margin is a
    paragraph's wrapped line, and gets none."""
    words = _numbered((100, "1. Kinh phí thực hiện từ nguồn"), (0, "của xã Cam Hiệp."),
                      (at, "Giao Văn phòng Hội đồng"), (0, "chủ trì, phối hợp."), (100, "3. Tổ chức rà soát"))
    correct_words(words)
    assert page_text(words).splitlines()[2] == kept
    if at:
        number = next(w for w in words if w.text == "2.")
        assert number.conf == SUPPLIED and number.left + number.width <= at and number.line == 2


def test_an_articles_number_lost_is_put_back():
    words = _numbered((0, "Điều 1. Ban hành kèm theo Quyết định này"), (0, "Điều Đường Lê Đình Dương nay là"),
                      (0, "Điều 3. Chánh Văn phòng"))
    correct_words(words)
    assert page_text(words).splitlines()[1] == "Điều 2. Đường Lê Đình Dương nay là"


@pytest.mark.parametrize("above, at, kept", [
    ("trên địa bàn xã.", 134, "3. Cùng thời kỳ này, ngành"),
    ("trên địa bàn xã;", 134, "3. Cùng thời kỳ này, ngành"),
    ("trên địa bàn xã", 134, "Cùng thời kỳ này, ngành"),  # a line wrapped where the numbers' text begins
    ("trên địa bàn xã.", 0, "Cùng thời kỳ này, ngành"),  # at the margin: a paragraph's wrapped line
])
def test_the_runs_last_number_lost_is_put_back_after_a_sentence_ends(above, at, kept):
    """"4. Cùng thời kỳ này …" read "Cùng thời kỳ này …" after "3.": nothing after it to pin it, so it must open
    where the numbered paragraphs' text begins and follow a line that ends a sentence or an item."""
    words = _numbered((100, "1. Kinh phí thực hiện."), (100, "2. Đồng chí Chủ tịch chỉ đạo"), (0, above),
                      (at, "Cùng thời kỳ này, ngành"), (0, "Công nghệ thông tin."))
    correct_words(words)
    assert page_text(words).splitlines()[3] == kept


def test_after_the_run_two_paragraphs_opening_alike_get_no_number():
    words = _numbered((100, "1. Kinh phí thực hiện."), (100, "2. Đồng chí Chủ tịch."), (134, "Cùng thời kỳ này."),
                      (134, "Giao Văn phòng chủ trì."))
    correct_words(words)
    assert page_text(words).splitlines()[2:] == ["Cùng thời kỳ này.", "Giao Văn phòng chủ trì."]


@pytest.mark.parametrize("between", ["- Hợp đồng thuê địa điểm.", "Kèm theo đơn:"])
def test_after_a_list_or_a_label_a_line_where_the_numbers_text_begins_gets_no_number(between):
    """An application's attachments under "Kèm theo đơn:", the last item's dash lost: its words stand where the
    numbered paragraphs' text begins, but a list's dash or a label came between."""
    words = _numbered((100, "1. Tên doanh nghiệp."), (100, "2. Vốn điều lệ."), (100, between),
                      (134, "Sơ đồ địa điểm kinh doanh."))
    correct_words(words)
    assert page_text(words).splitlines()[3] == "Sơ đồ địa điểm kinh doanh."


def test_a_lost_number_before_a_misread_one_both_mended():
    """"2.", then "3." lost and "4." read "4:": the "4:" is one more than the number lost before it."""
    words = _numbered((100, "1. Phong Thu đã chứng minh."), (100, "2. Người Hoa chiếm số lượng."),
                      (134, "Thời gian thực hiện từ ngày"), (0, "03 tháng 10 năm 2026."), (100, "4: Giao Văn phòng"))
    correct_words(words)
    lines = page_text(words).splitlines()
    assert (lines[2], lines[4]) == ("3. Thời gian thực hiện từ ngày", "4. Giao Văn phòng")


def test_the_last_articles_number_lost_is_put_back():
    words = _numbered((0, "Điều 1. Ban hành kèm theo Quyết định này"), (0, "Điều 2. Giao Văn phòng"),
                      (0, "Điều Quyết định này có hiệu lực"), (0, "Điều này áp dụng"))
    correct_words(words)
    assert page_text(words).splitlines()[2:] == ["Điều 3. Quyết định này có hiệu lực", "Điều này áp dụng"]

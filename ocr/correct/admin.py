"""The fixed wording of administrative documents (Decree 30/2020/NĐ-CP and its appendices: national name and
motto, issuing bodies, kinds of documents, signers' titles and authority marks, standing formulae), counted
into the syllable model by ``ocr.correct.build`` with a weight of its own.

The public corpora the model is built from (news, encyclopaedia, UDHR) seldom print these, while every page of
ours does, often in capitals whose marks OCR loses: "PHO CHÁNH VĂN PHONG" needs "phó chánh" and "văn phòng"
to be known pairs for the model to restore them.
"""
from __future__ import annotations

NATIONAL = ("Cộng hòa xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do - Hạnh phúc")
BODIES = (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
    "Văn phòng Ủy ban nhân dân", "Văn phòng Chính phủ", "Văn phòng đăng ký đất đai",
    "Chi nhánh Văn phòng đăng ký đất đai", "Sở Tư pháp", "Sở Nội vụ", "Sở Tài chính",
    "Sở Nông nghiệp và Môi trường", "Sở Tài nguyên và Môi trường", "Bộ Tư pháp", "Bộ Nội vụ", "Bộ Công an",
    "Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Phòng Tư pháp", "Công an phường", "Công an xã",
    "Mặt trận Tổ quốc Việt Nam", "Đảng ủy", "Ban Thường vụ", "Thường trực Hội đồng nhân dân", "Tổ công tác",
    "Ban Chỉ đạo", "Hội đồng thẩm định", "Tổ dân phố", "thôn, tổ dân phố", "khu dân cư",
    "Trung tâm Phục vụ hành chính công", "Bộ phận Một cửa", "Các phòng, ban chuyên môn",
)
KINDS = (
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo", "Hướng dẫn",
    "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo", "Biên bản", "Tờ trình", "Hợp đồng",
    "Công văn", "Công điện", "Bản ghi nhớ", "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu",
    "Giấy nghỉ phép", "Phiếu gửi", "Phiếu chuyển", "Phiếu báo", "Thư công",
)
# A signer's authority over the title (Decree 30, Appendix I: "TM.", "KT.", "TL.", "TUQ." before the title line).
AUTHORITY = ("Thay mặt Ủy ban nhân dân", "Ký thay Chủ tịch", "Thừa lệnh Chủ tịch", "Thừa ủy quyền")
AUTHORITY_MARKS = ("TM.", "KT.", "TL.", "TUQ.")
TITLES = (
    "Chủ tịch", "Phó Chủ tịch", "Chánh Văn phòng", "Phó Chánh Văn phòng", "Giám đốc", "Phó Giám đốc",
    "Trưởng phòng", "Phó Trưởng phòng", "Bộ trưởng", "Thứ trưởng", "Thủ tướng", "Phó Thủ tướng", "Cục trưởng",
    "Vụ trưởng", "Chánh Thanh tra", "Trưởng ban", "Phó Trưởng ban", "Tổ trưởng", "Trưởng thôn",
    "Tổ trưởng tổ dân phố", "Công chức Tư pháp - Hộ tịch",
)
# The bodies that sign as one ("TM. ỦY BAN NHÂN DÂN"); the others sign through a person's title.
COLLECTIVE = ("Ủy ban nhân dân", "Hội đồng nhân dân", "Thường trực Hội đồng nhân dân", "Ban Thường vụ", "Ban Chỉ đạo",
              "Hội đồng thẩm định", "Tổ công tác")
SIGNERS = AUTHORITY + TITLES + ("Người ký", "đồng chí")
FORMULAE = (
    "Căn cứ Luật", "Căn cứ Nghị định", "Căn cứ Thông tư", "Căn cứ Quyết định", "Theo đề nghị của",
    "Nơi nhận", "Như trên", "Như Điều", "Lưu văn thư", "Về việc", "Kính gửi", "Quyết định này",
    "có hiệu lực kể từ ngày ký", "có hiệu lực thi hành kể từ ngày", "chịu trách nhiệm thi hành Quyết định này",
    "Thủ trưởng các cơ quan, đơn vị và cá nhân có liên quan", "tổ chức thực hiện", "phòng, chống thiên tai",
    "phòng chống thiên tai", "chống úng ngập", "phòng chống lụt bão", "cải cách hành chính",
    "thủ tục hành chính", "chuyển đổi số", "số hóa", "sổ hộ tịch", "đăng ký hộ tịch", "đăng ký khai sinh",
    "đăng ký kết hôn", "đăng ký khai tử", "cấp Giấy chứng nhận quyền sử dụng đất", "dữ liệu dân cư",
    "trên địa bàn", "báo cáo kết quả", "theo quy định", "kể từ ngày ký", "ngày tháng năm",
    # where results are sent and published (every "Nơi nhận" list names one)
    "Cổng thông tin điện tử", "Cổng Dịch vụ công quốc gia", "Cơ sở dữ liệu quốc gia về dân cư",
    "Cơ sở dữ liệu hộ tịch điện tử",
    # the reporting regime every plan and notice sets (Decree 09/2019/NĐ-CP): the corpora lack "hằng quý", and
    # "hãng" (a firm) is the likelier word alone
    "báo cáo định kỳ", "định kỳ hằng tháng", "định kỳ hằng quý", "định kỳ hằng năm", "báo cáo đột xuất",
    "báo cáo chuyên đề",
)
# The register books the records are kept in (Circular 04/2020/TT-BTP; land: Circular 10/2024/TT-BTNMT), named in
# every report on them and on each register page: "sổ" (book) where the corpora print "số" (number) fourteen times
# as often. Restored as whole phrases only (``ocr.correct.phrases``), not counted into the model: counted, the pair
# "sổ đăng" turned a confident "số đăng ký" (a number's label) into "sổ" on a photocopy.
BOOKS = (
    "Sổ đăng ký khai sinh", "Sổ đăng ký kết hôn", "Sổ đăng ký khai tử", "Sổ đăng ký nhận cha, mẹ, con",
    "Sổ đăng ký giám hộ", "Sổ đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Sổ địa chính",
    "Sổ mục kê đất đai",
)


def phrases() -> tuple[str, ...]:
    return NATIONAL + BODIES + KINDS + SIGNERS + FORMULAE

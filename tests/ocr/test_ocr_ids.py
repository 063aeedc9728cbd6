from domain.personal_id import check_personal_id


def test_valid_id_consistent_with_birth_and_gender():
    assert check_personal_id("001198012345", birth_date="1998-03-15", gender="female") == []
    assert check_personal_id("079 205 012345", birth_date="2005-01-01", gender="male") == []


def test_wrong_length_and_letters():
    assert check_personal_id("00119801234")
    assert check_personal_id("0011980I2345")  # an OCR 'I' is a problem, never silently turned into '1'


def test_province_century_sex_and_year():
    assert any("Mã tỉnh" in p for p in check_personal_id("003198012345"))  # 003 is not a province code
    assert any("Mã tỉnh" in p for p in check_personal_id("097198012345"))
    assert any("thế kỷ" in p.lower() for p in check_personal_id("001598012345"))
    assert any("Giới tính" in p for p in check_personal_id("001098012345", gender="female"))
    assert any("Thế kỷ" in p for p in check_personal_id("001298012345", birth_date="1998-03-15"))
    assert any("Năm sinh" in p for p in check_personal_id("001197012345", birth_date="1998-03-15"))

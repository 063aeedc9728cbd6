"""The CLI's start: `sohoa --help` loads no settings machinery, and a bad SOHOA_* value is a clear error."""
from __future__ import annotations

import os
import subprocess
import sys


def _sohoa(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return subprocess.run([sys.executable, "-m", "api", *args], env={**clean, **env}, capture_output=True,
                          text=True, timeout=120)


def test_help_needs_neither_settings_nor_the_accounts_module():
    probe = subprocess.run([sys.executable, "-c", "import sys, api.cli; print(sorted(m for m in sys.modules if m in "
                            "('pydantic_settings', 'domain.settings', 'office.accounts.service', 'argon2')))"],
                           capture_output=True, text=True, timeout=120, check=True)
    assert probe.stdout.strip() == "[]"
    assert _sohoa("--help").returncode == 0


def test_a_bad_setting_names_the_variable(tmp_path):
    done = _sohoa("batches", SOHOA_HOME=str(tmp_path), SOHOA_WORKERS="0")
    assert done.returncode == 78  # EX_CONFIG
    assert "Cấu hình không hợp lệ" in done.stderr and "SOHOA_WORKERS" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_mistyped_command_line_is_told_in_vietnamese_never_as_a_traceback(tmp_path):
    cases = {
        ("status",): "Thiếu đối số 'batch_id'",
        ("serch", "x"): "Không có lệnh «serch». Có phải ý bạn là: 'search'",
        ("search", "x", "--limt", "3"): "Không có tùy chọn --limt. Có phải ý bạn là: --limit?",
        ("search", "--limit", "abc", "x"): "Giá trị không hợp lệ cho '--limit': phải là một số nguyên",
        ("search", "x", "--limit"): "Tùy chọn --limit cần một giá trị",
        ("status", "b1", "b2"): "Thừa đối số: b2",
    }
    for args, message in cases.items():
        done = _sohoa(*args, SOHOA_HOME=str(tmp_path))
        assert done.returncode == 2, (args, done.stderr)
        assert message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr, (args, done.stderr)
    alone = _sohoa("user", SOHOA_HOME=str(tmp_path))  # a group typed alone shows its help
    assert alone.returncode == 0 and "add" in alone.stdout and "Lệnh" in alone.stdout and not alone.stderr
    helped = " ".join(_sohoa("export", "--help", SOHOA_HOME=str(tmp_path)).stdout.split())
    assert "Cách dùng: python -m api export [TÙY CHỌN]" in helped and "Xem hướng dẫn này rồi thoát." in helped
    assert not any(english in helped for english in ("Usage", "Show this message", "OPTIONS"))


def test_a_wrong_value_is_a_clear_error_not_a_crash_or_a_runaway(tmp_path):
    cases = {  # each of these once crashed with a traceback or ran until the disk filled
        ("retry", "khong-co-lo"): (4, "Không có lô khong-co-lo"),
        ("ingest", "--resume", "khong-co-lo"): (4, "Không có lô khong-co-lo"),
        ("serve", "--port", "99999"): (2, "Giá trị không hợp lệ cho '--port': phải nhỏ hơn hoặc bằng 65535."),
        ("watch", str(tmp_path), "--settle", "-5", "--once"):
            (2, "Giá trị không hợp lệ cho '--settle': phải lớn hơn hoặc bằng 0.1."),
        ("sample", str(tmp_path / "mau"), "--pages", "999999999999"): (1, "Số trang mẫu phải từ 1 đến 1000"),
        ("demo", "--pages", "0"): (1, "Số trang mẫu phải từ 1 đến 1000"),
        ("link", "khong-co-lo", "lo-khac"): (4, "Không có lô khong-co-lo, lo-khac"),
        ("backup", "/proc/sohoa-bk"): (2, "Không ghi được bản sao lưu vào /proc"),
        ("user", "add", " "): (2, "Giá trị không hợp lệ cho tên đăng nhập: không được trống"),
        ("ingest", str(tmp_path), "--years", "abc"): (2, "Năm của sổ phải là một năm hoặc một khoảng năm"),
        ("ingest", str(tmp_path), "--book", "1" * 201): (2, "Thông tin 'book' dài quá 200 ký tự"),
        ("separator", "--out", str(tmp_path / "to.pdf"), "--book", "01/1998", "--years", "2001-1999"):
            (2, "đã nhập '2001-1999'"),
        ("sample", "/proc/khong-co/mau", "--pages", "1"):
            (1, "Không đọc hoặc ghi được /proc/khong-co: không có tệp hoặc thư mục này."),
    }
    for args, (code, message) in cases.items():
        done = _sohoa(*args, SOHOA_HOME=str(tmp_path / "home"))
        assert done.returncode == code, (args, done.stderr)
        assert message in " ".join(done.stderr.split()) and "Traceback" not in done.stderr, (args, done.stderr)
    assert not (tmp_path / "mau").exists() and not (tmp_path / "to.pdf").exists()


def test_search_results_beyond_the_count_say_more_than_and_how_to_narrow():
    from api.cli import _found

    assert _found({"total": 7, "capped": False}) == "7 kết quả"
    assert _found({"total": 1000, "capped": True}).startswith("Hơn 1.000 kết quả: thêm năm")


def test_a_damaged_database_is_said_once_by_the_commands_and_the_server(tmp_path):
    """A metadata file that is no SQLite database: `sohoa search` and `sohoa serve` stop with the reason and the
    way back (EX_CONFIG), no traceback, and the server does not start."""
    (tmp_path / "sohoa.db").write_bytes(b"\x00not a database\xff" * 300)
    for args in (("search", "nguyen"), ("serve", "--port", "18779")):
        done = _sohoa(*args, SOHOA_HOME=str(tmp_path))
        assert done.returncode == 78, (args, done.stderr[-500:])
        said = " ".join(done.stderr.split())  # (the terminal's line breaks aside)
        assert "bị hỏng hoặc không phải cơ sở dữ liệu SQLite" in said and "sohoa restore" in said
        assert "Traceback" not in done.stderr

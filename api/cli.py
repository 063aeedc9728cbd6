"""The `sohoa` command. Every command can print JSON (--json) for scripts, or tables for people."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from api import usage_errors
from domain.errors import SohoaError, os_reason
from domain.labels import FIELD_LABELS_VI, NARROW_SEARCH_VI, display_value, vn_number
from domain.records import TYPE_LABELS_VI, RecordType

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Sohoa — số hóa hồ sơ hộ tịch và đất đai.")
out = Console()
err = Console(stderr=True)

if TYPE_CHECKING:
    from domain.settings import Settings


def _settings() -> Settings:
    """Read when a command runs, not imported with the CLI: pydantic-settings was half of `sohoa --help`. A bad
    SOHOA_* value is a configuration error naming the variable, not a traceback."""
    from pydantic import ValidationError

    from domain.errors import ConfigError
    from domain.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        # The value is shown only when it is one variable's (never the whole settings, which hold secrets).
        wrong = "; ".join(f"SOHOA_{'_'.join(map(str, e['loc'])).upper()}"
                          + (f"={e['input']!r}" if e["loc"] and isinstance(e.get("input"), str | int | float) else "")
                          + f": {e['msg']}" for e in exc.errors())
        raise ConfigError(f"Cấu hình không hợp lệ ({wrong}).") from exc


TypeOpt = Annotated[str, typer.Option("--type", help="auto|birth|marriage|death|land")]
JsonOpt = Annotated[bool, typer.Option("--json", help="In JSON cho máy đọc.")]


def _context():
    from workers import Context

    return Context(_settings())


def _check_tools(settings: Settings | None = None) -> None:
    """Tesseract with its language, pdftoppm: there before any page is touched, or one error naming the packages."""
    from ocr.probe import check_tools

    check_tools((settings or _settings()).ocr_lang)


def _emit(data: dict | list, as_json: bool, human) -> None:
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        human(data)


def _check_type(value: str, allow_auto: bool) -> str:
    allowed = [t.value for t in RecordType] + (["auto"] if allow_auto else [])
    if value not in allowed:
        raise typer.BadParameter(f"phải là một trong {', '.join(allowed)}")
    return value


def _print_report(rep: dict) -> None:
    t = Table(title=f"Lô {rep['batch_id']}", show_header=False)
    t.add_row("Số trang", str(rep["pages"]))
    t.add_row("Đã xử lý", str(rep["status"]["done"]))
    t.add_row("Lỗi", str(len(rep["failed"])))
    t.add_row("Hồ sơ trích xuất", str(rep["records"]))
    t.add_row("Cần kiểm tra lại", str(rep["needs_review"]))
    out.print(t)
    if rep["failed"]:
        ft = Table("Tệp", "Trang", "Lý do", title="Không xử lý được")
        for f in rep["failed"]:
            ft.add_row(f["source"], str(f["page"] or ""), f["reason"])
        out.print(ft)


def _run_batch(ctx, batch_id: str, page_ids: list[str], as_json: bool) -> dict:
    from workers import NoProgress, open_executor
    from workers.batches import report

    from .terminal_progress import BarProgress

    progress = BarProgress(err, "Nhận dạng") if err.is_terminal and not as_json else NoProgress()
    open_executor(ctx).run(batch_id, page_ids, progress)
    return report(batch_id, ctx)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Tệp, thư mục hoặc tệp zip (một quyển sổ).")] = None,
    record_type: TypeOpt = "auto",
    book: Annotated[str | None, typer.Option(help="Số quyển, ví dụ 01/1998.")] = None,
    authority: Annotated[str | None, typer.Option(help="Cơ quan đăng ký.")] = None,
    years: Annotated[str | None, typer.Option(help="Năm hoặc khoảng năm, ví dụ 1998-1999.")] = None,
    resume: Annotated[str | None, typer.Option(help="Tiếp tục lô đã bị ngắt.")] = None,
    spreads: Annotated[bool, typer.Option(help="Mỗi trang là hai trang sổ mở (quét A3, ảnh chụp sổ): tách thành "
                                               "trang trái và trang phải.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Nhập một quyển sổ đã quét: kiểm tra, lưu bản gốc, nhận dạng và đánh chỉ mục từng trang."""
    from office.capture.book import book_meta
    from workers.batches import pages_to_run, register_batch

    meta = book_meta(record_type, book, authority, years, spreads=spreads)  # checked before any work starts
    _check_tools()
    ctx = _context()
    if not ctx.settings.distributed:  # the local pool's workers start while the files are checked and stored
        from workers.local import start_pool

        start_pool(ctx.settings)
    if resume:
        batch_id = resume
    elif paths:
        reg = register_batch(paths, meta, ctx)
        batch_id = reg.batch_id
        for name in reg.duplicates:
            err.print(f"[yellow]Bỏ qua {name}: tệp này đã được nhập trong một lô khác.")
    else:
        raise typer.BadParameter("cần ít nhất một đường dẫn, hoặc --resume LÔ")
    rep = _run_batch(ctx, batch_id, pages_to_run(batch_id, ctx), as_json)
    _emit(rep, as_json, _print_report)
    if rep["failed"]:
        raise typer.Exit(1)


@app.command()
def retry(batch_id: str, as_json: JsonOpt = False) -> None:
    """Xử lý lại các trang bị lỗi của một lô."""
    from workers.batches import pages_to_run, reset_failed

    _check_tools()
    ctx = _context()
    reset_failed(batch_id, ctx)
    rep = _run_batch(ctx, batch_id, pages_to_run(batch_id, ctx), as_json)
    _emit(rep, as_json, _print_report)
    if rep["failed"]:
        raise typer.Exit(1)


@app.command()
def ocr(file: Path, as_json: JsonOpt = False) -> None:
    """Chỉ nhận dạng chữ một tệp, không lưu gì."""
    import tempfile

    from ingest import Rejected, expand, render_page
    from ocr import ocr_page

    settings = _settings()
    _check_tools(settings)
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        for item in expand([file], settings, Path(tmp)):
            if isinstance(item, Rejected):
                raise SohoaError(f"{item.source}: {item.reason}", code=item.code)
            for n in range(1, item.page_count + 1):
                result = ocr_page(render_page(item.path, item.media_type, n, settings), settings, want_pdf=False)
                pages.append({"text": result.text, "confidence": round(result.confidence, 4)})
    _emit({"pages": pages}, as_json, lambda d: [out.print(f"[bold]— trang {i} —[/]\n{p['text']}")
                                                 for i, p in enumerate(d["pages"], 1)])


def _found(data: dict) -> str:
    if data.get("capped"):
        return f"Hơn {vn_number(data['total'])} kết quả: {NARROW_SEARCH_VI}"
    return f"{vn_number(data['total'])} kết quả"


def _print_hits(data: dict) -> None:
    t = Table("Loại", "Điểm", "Thông tin chính", "Nguồn", title=_found(data))
    t.add_column("Mã hồ sơ", no_wrap=True)
    for h in data["hits"]:
        f = h["fields"]
        key = [display_value(k, f[k]) for k in ("full_name", "husband_name", "wife_name", "owner_names",
                                                 "date_of_birth") if f.get(k)]
        src = h["source"]
        t.add_row(TYPE_LABELS_VI.get(RecordType(h["type"]), h["type"]), f"{h['score']:.1f}", " · ".join(key),
                  f"{Path(str(src.get('file'))).name} tr. {','.join(map(str, src.get('pages', [])))}", h["record_id"])
    out.print(t)


@app.command()
def search(
    query: str,
    record_type: Annotated[str | None, typer.Option("--type")] = None,
    limit: int = 10,
    year_from: int | None = None,
    year_to: int | None = None,
    as_json: JsonOpt = False,
) -> None:
    """Tìm hồ sơ: không cần dấu, chịu được lỗi nhận dạng; ví dụ: nguyen van an 1998, cha:"tran van b"."""
    from index import SearchQuery
    from office.audit.service import Actor
    from office.records.service import officer_search

    if record_type:
        _check_type(record_type, False)
    q = SearchQuery(text=query, type=record_type, limit=limit, year_from=year_from, year_to=year_to)
    # Audited like a search at the desk: the citizen's access log lists the searches that showed their record.
    _emit(officer_search(q, _context(), actor=Actor.cli(), with_facets=False), as_json, _print_hits)


@app.command()
def show(record_id: str, as_json: JsonOpt = False) -> None:
    """Xem một hồ sơ: các trường, độ tin cậy, trang gốc."""
    from office.audit.service import Actor
    from office.records.service import record_detail

    def human(d: dict) -> None:
        kind = TYPE_LABELS_VI.get(RecordType(d["type"]), d["type"])
        t = Table("Trường", "Giá trị", "Tin cậy", title=f"{d['record_id']} ({kind})")
        for k, v in d["fields"].items():
            c = d["confidence"].get(k)
            shown = f"[{'red' if c < 0.8 else 'green'}]{c:.2f}" if c is not None else ""
            t.add_row(FIELD_LABELS_VI.get(k, k), display_value(k, v), shown)
        out.print(t)
        src = d["source"]
        out.print(f"Nguồn: {src['file']}, trang {', '.join(map(str, src['pages']))} · lô {src['batch_id']}"
                  f" · SHA-256 bản gốc {src['sha256']}")

    _emit(record_detail(record_id, _context(), actor=Actor.cli()), as_json, human)


@app.command()
def batches(as_json: JsonOpt = False) -> None:
    """Danh sách các lô đã nhập và tiến độ."""
    from office.records.service import list_batches

    def human(rows: list) -> None:
        t = Table("Lô", "Loại", "Quyển", "Trang", "Xong", "Lỗi", "Hồ sơ")
        for r in rows:
            t.add_row(r["batch_id"], r["record_type"], r["book"] or "", str(r["pages"]), str(r["done"]),
                      str(r["failed"]), str(r["records"]))
        out.print(t)

    _emit(list_batches(_context()), as_json, human)


@app.command()
def status(batch_id: str, as_json: JsonOpt = False) -> None:
    """Báo cáo một lô: trang đã xử lý, lỗi và lý do."""
    from workers.batches import report

    _emit(report(batch_id, _context()), as_json, _print_report)


@app.command()
def reindex(
    resume: Annotated[bool, typer.Option("--resume", help="Tiếp tục lần dựng lại bị ngắt, không xoá chỉ mục.")] = False,
) -> None:
    """Dựng lại chỉ mục tìm kiếm từ cơ sở dữ liệu (chỉ mục là dữ liệu dẫn xuất); bị ngắt thì chạy lại với --resume."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from workers.stages import reindex_all

    ctx = _context()
    if not resume:
        ctx.index.clear()
    with Progress(TextColumn("Đánh chỉ mục"), BarColumn(), MofNCompleteColumn(), TextColumn("còn"),
                  TimeRemainingColumn(), console=err, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None)
        n = reindex_all(ctx, resume=resume, progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(f"Đã đánh chỉ mục {n} hồ sơ.")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Số tiến trình máy chủ (mỗi tiến trình dùng tối đa một lõi).")] = 1,
) -> None:
    """Chạy máy chủ web và API (/api/v1, tài liệu tại /api/v1/docs)."""
    import uvicorn

    from storage import open_database

    settings = _settings()
    _check_tools(settings)  # a configuration error shows here, once, not in every server process
    # The metadata database opened (migrated) here too: a damaged file is said once, as the other commands say it,
    # not as a traceback from each server process's start.
    open_database(settings).dispose()
    # One Python process uses one core at most: several processes (each its own app, built from the
    # environment by the factory) let a shared office machine serve officers on all its cores.
    # X-Forwarded-For only from the proxies named in SOHOA_TRUSTED_PROXIES (uvicorn would believe 127.0.0.1's).
    proxies = settings.trusted_proxies.strip()
    uvicorn.run("api.cli:_app_from_environment", factory=True, host=host, port=port, workers=workers,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


def _app_from_environment():
    from .app import create_app

    return create_app(_settings())


SAMPLE_PAGES_MAX = 1000  # a thick register; more was rendered page after page until the disk filled


def _check_sample_pages(pages: int) -> None:
    if not 1 <= pages <= SAMPLE_PAGES_MAX:
        raise SohoaError(f"Số trang mẫu phải từ 1 đến {SAMPLE_PAGES_MAX} (đã cho {pages}).", code="bad_argument")


@app.command()
def sample(
    out_dir: Path,
    record_type: TypeOpt = "birth",
    pages: int = 5,
    seed: int = 0,
    degradation: str = "moderate",
    fmt: Annotated[str, typer.Option("--format")] = "pdf",
    layout: Annotated[str, typer.Option(help="form: mỗi trang một trích lục/giấy chứng nhận; "
                                             "register: sổ đăng ký, mỗi trang một bảng nhiều mục.")] = "form",
    hand: Annotated[bool, typer.Option("--hand", help="Sổ đăng ký viết tay (cần --layout register và phông chữ "
                                                      "viết tay do scripts/bootstrap.sh cài).")] = False,
    photo: Annotated[bool, typer.Option("--photo", help="Ảnh chụp điện thoại của từng trang trên mặt bàn "
                                                        "(thư mục JPEG).")] = False,
    spread: Annotated[bool, typer.Option("--spread", help="Hai trang sổ mở trên khổ A3; cùng --photo: ảnh chụp "
                                                          "hai trang sổ mở.")] = False,
    official: Annotated[bool, typer.Option("--official", help="Văn bản hành chính theo thể thức Nghị định "
                                                              "30/2020 (quyết định, thông báo, công văn) có dấu, "
                                                              "dấu ĐẾN, số viết tay, quét 200 dpi; --degradation "
                                                              "nhận thêm office (kiểu quét và loại văn bản "
                                                              "xen kẽ đều nhau).")] = False,
) -> None:
    """Tạo một quyển sổ mẫu (ảnh quét giả lập kèm dữ liệu gốc) để thử."""
    from samples import generate_book
    from samples.register_book import REGISTER_TYPES

    _check_sample_pages(pages)

    if official:
        from samples import generate_official

        try:
            paths, truth = generate_official(out_dir, pages, seed, degradation)
        except ValueError as exc:
            raise SohoaError(str(exc), code="bad_argument") from exc
        out.print(f"Đã tạo {paths[0].parent} ({len(paths)} trang), dữ liệu gốc: {truth}")
        return

    if layout == "register" and record_type not in REGISTER_TYPES:
        raise SohoaError(f"Sổ đăng ký mẫu chỉ có cho khai sinh, khai tử, kết hôn (không có cho {record_type})",
                         code="bad_argument")
    if hand and layout != "register":
        raise SohoaError("Chỉ sổ đăng ký (--layout register) mới có bản viết tay", code="bad_argument")
    if photo or spread:
        from samples.photo import generate_photos

        if hand:
            raise SohoaError("Ảnh chụp và trang đôi chưa có cho sổ viết tay", code="bad_argument")
        kind = "spread-photo" if photo and spread else "spread" if spread else "photo"
        try:
            truth = generate_photos(out_dir, record_type, pages, seed, kind, layout=layout)
        except ValueError as exc:
            raise SohoaError(str(exc), code="bad_argument") from exc
        out.print(f"Đã tạo {truth.with_suffix('').with_suffix('')} ({pages} trang), dữ liệu gốc: {truth}")
        return
    try:
        book = generate_book(out_dir, record_type=record_type, pages=pages, seed=seed, degradation=degradation,
                             fmt=fmt, layout=layout, hand=hand)
    except ValueError as exc:
        raise SohoaError(str(exc), code="bad_argument") from exc
    out.print(f"Đã tạo {book.path} ({pages} trang), dữ liệu gốc: {book.truth_path}")


@app.command()
def demo(
    pages: int = 4,
    cli: Annotated[str, typer.Option(hidden=True, help="Cách gọi sohoa trong gợi ý cuối (scripts/demo).")] = "sohoa",
) -> None:
    """Tạo một quyển sổ mẫu, nhập nó, rồi tìm một người bằng tên gõ không dấu."""
    from .demo import run_demo

    _check_sample_pages(pages)
    run_demo(_context(), pages=pages, console=out, cli=cli)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(help="Số tiến trình song song (mặc định SOHOA_WORKERS).")] = None,
    loglevel: Annotated[str, typer.Option(help="debug|info|warning|error")] = "info",
    hostname: Annotated[str | None, typer.Option(help="Tên nút Celery (mặc định sohoa-PID@máy).")] = None,
) -> None:
    """Chạy một worker nhận việc từ hàng đợi Redis (chế độ phân tán); chạy bao nhiêu máy cũng được."""
    import os

    from domain.errors import ConfigError
    from workers.celery_app import QUEUE, make_celery

    settings = _settings()
    if not settings.distributed:
        raise ConfigError("SOHOA_BROKER_URL đang là 'local' (chế độ nhúng): không có hàng đợi nào để nhận việc. "
                          "Đặt SOHOA_BROKER_URL=redis://máy:6379/0 (cùng các URL cơ sở dữ liệu, kho và chỉ mục).")
    _check_tools(settings)
    from workers import Context
    from workers.stages import prepare_index

    prepare_index(Context(settings))  # an index of an older schema is refilled once, before any page
    celery = make_celery(settings)
    celery.worker_main(["worker", f"--concurrency={concurrency or settings.workers}", f"--loglevel={loglevel}",
                        f"--queues={QUEUE}", f"--hostname={hostname or f'sohoa-{os.getpid()}@%h'}"])


@app.command()
def migrate(
    to: Annotated[Path, typer.Option("--to", help="Tệp cấu hình đích: các dòng SOHOA_*=... (CSDL, kho, chỉ mục).")],
    as_json: JsonOpt = False,
) -> None:
    """Chuyển cài đặt nhúng hiện tại (SQLite, tệp, Tantivy) sang máy chủ (PostgreSQL, MinIO/S3, Elasticsearch)."""
    from dataclasses import asdict

    from workers.migrate import migrate as do_migrate
    from workers.migrate import target_settings

    def announce(step) -> None:
        if not as_json:
            err.print(f"{'✓' if step.ok else '✗'} {step.name}: {step.copied} chép, {step.skipped} đã có")

    source = _settings()
    steps = do_migrate(source, target_settings(to, source), on_step=announce)
    rows = [{**asdict(s), "ok": s.ok} for s in steps]

    def human(data: list) -> None:
        t = Table("Phần", "Nguồn", "Đích (đã kiểm)", "Đã chép", "Đã có sẵn", "Kết quả", title="Chuyển dữ liệu")
        for r in data:
            verdict = "[green]khớp" if r["ok"] else f"[red]lệch {len(r['mismatched'])}"
            t.add_row(r["name"], str(r["source"]), str(r["target"]), str(r["copied"]), str(r["skipped"]), verdict)
        out.print(t)
        for r in data:
            for m in r["mismatched"][:20]:
                err.print(f"[red]{r['name']}: {m}")

    _emit(rows, as_json, human)
    if not all(s.ok for s in steps):
        raise typer.Exit(1)


user_app = typer.Typer(no_args_is_help=True, help="Tài khoản người dùng ứng dụng web.")
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    role: Annotated[str, typer.Option(help="admin|clerk|officer|citizen")] = "officer",
    full_name: Annotated[str, typer.Option(help="Họ tên.")] = "",
    office: Annotated[str | None, typer.Option(help="Cơ quan, in trên bản sao điện tử.")] = None,
    personal_id: Annotated[str | None, typer.Option(help="Công dân: số định danh (đối chiếu căn cước).")] = None,
) -> None:
    """Thêm tài khoản; mật khẩu lấy từ SOHOA_NEW_PASSWORD hoặc được hỏi (không hiện khi gõ)."""
    import os

    from office.accounts.roles import Role
    from office.accounts.service import add_user
    from office.audit.service import Actor

    if role not in [r.value for r in Role]:
        raise typer.BadParameter(f"phải là một trong {', '.join(r.value for r in Role)}")
    if not name.strip():  # said before the password is asked for, not after
        raise typer.BadParameter("không được trống", param_hint="tên đăng nhập")
    password = os.environ.get("SOHOA_NEW_PASSWORD") or typer.prompt("Mật khẩu", hide_input=True,
                                                                   confirmation_prompt=True)
    ctx = _context()
    with ctx.db.session() as s:
        user = add_user(name, password, role, full_name=full_name, office=office, personal_id=personal_id,
                        actor=Actor.cli(), s=s)
    out.print(f"Đã tạo tài khoản {user.username} ({role}).")


@app.command()
def link(
    batch_ids: Annotated[list[str] | None, typer.Argument(help="Các lô cần liên kết")] = None,
    all_records: Annotated[bool, typer.Option("--all", help="Mọi hồ sơ đã có")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Đề xuất liên kết khai sinh ↔ kết hôn ↔ khai tử của cùng một người, và các hồ sơ có thể trùng lặp."""
    from office.people.service import suggest_links

    if not batch_ids and not all_records:
        raise typer.BadParameter("cần ít nhất một mã lô, hoặc --all")
    _emit(suggest_links(None if all_records else batch_ids, ctx=_context()), as_json,
          lambda d: out.print(f"Đã xét {d['records']} hồ sơ: {d['links']} liên kết đề xuất hoặc đã quyết định."))


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="Thư mục mới (hoặc trống) để ghi bản sao lưu, tốt nhất trên ổ khác.")],
    as_json: JsonOpt = False,
) -> None:
    """Sao lưu cài đặt nhúng (CSDL, tệp quét, khóa bí mật) khi hệ thống vẫn chạy; kiểm tra lại từng tệp."""
    from office.backup import backup as do_backup

    manifest = do_backup(_settings(), path, announce=lambda step: None if as_json else err.print(f"… {step}"))
    objects = manifest["objects"]

    def human(m: dict) -> None:
        out.print(f"Đã sao lưu vào {path}: {sum(m['database']['tables'].values())} dòng CSDL, "
                  f"{objects['count']} tệp ({objects['bytes'] / 1e6:.1f} MB), đã kiểm tra mã SHA-256.")
        for what, keys in (("thiếu trong kho", objects["missing"]), ("hỏng trên đĩa", objects["damaged"])):
            if keys:
                err.print(f"[red]{len(keys)} tệp {what} từ trước khi sao lưu, ví dụ {', '.join(keys[:5])}")

    _emit(manifest, as_json, human)
    if objects["missing"] or objects["damaged"]:
        raise typer.Exit(1)


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="Thư mục sao lưu do `sohoa backup` ghi.")],
    as_json: JsonOpt = False,
) -> None:
    """Khôi phục một bản sao lưu vào SOHOA_HOME trống, rồi dựng lại chỉ mục tìm kiếm."""
    from office.backup import restore as do_restore

    summary = do_restore(_settings(), path, announce=lambda step: None if as_json else err.print(f"… {step}"))

    def human(s: dict) -> None:
        out.print(f"Đã khôi phục {path} (sao lưu lúc {s['created_at']}) vào {s['home']}: {s['objects']} tệp, "
                  f"{s['indexed']} hồ sơ đã đưa vào chỉ mục.")
        if s["secret_key"] == "from_environment":
            err.print("[yellow]Khóa bí mật lấy từ SOHOA_SECRET_KEY: hãy đặt đúng giá trị cũ trên máy này.")

    _emit(summary, as_json, human)


@app.command("export")
def export_book(
    batch_id: Annotated[str, typer.Argument(help="Mã lô (một quyển sổ).")],
    fmt: Annotated[str, typer.Option("--format", help="moj: bảng tính .xlsx + tệp .zip mỗi mục một PDF màu "
                                                      "(theo Công văn 1437/BTP-CNTT); csv; jsonl; pdf: "
                                                      "cả quyển, ảnh quét kèm lớp chữ tìm được.")] = "moj",
    out_dir: Annotated[Path, typer.Option("--out", help="Thư mục ghi tệp xuất.")] = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Xuất một quyển sổ: mỗi mục một dòng (tiêu đề tiếng Việt) và mỗi mục một PDF, để nhập CSDL hộ tịch."""
    from dataclasses import asdict

    from office.audit.service import Actor
    from office.export.service import export_batch

    ctx = _context()
    with ctx.db.session() as s:
        result = export_batch(batch_id, fmt, out_dir, s=s, store=ctx.store, actor=Actor.cli(),
                              dpi=ctx.settings.dpi)
    data = asdict(result) | {"files": [str(p) for p in result.files]}

    def human(d: dict) -> None:
        pdfs = f", {d['pdfs']} PDF (lớn nhất {d['largest_pdf_page_bytes'] / 1000:.0f} kB/trang)" if d["pdfs"] else ""
        out.print(f"Đã xuất {d['entries']} mục{pdfs}: {', '.join(d['files'])}")

    _emit(data, as_json, human)


@app.command("import-keyed")
def import_keyed(
    sheet: Annotated[Path, typer.Argument(help="Bảng tính .xlsx các mục đã nhập tay (bố cục như khi xuất).")],
    batch_id: Annotated[str, typer.Option("--batch", help="Mã lô của quyển sổ đã quét.")],
    as_json: JsonOpt = False,
) -> None:
    """Nhập các mục đã nhập tay trong bảng tính vào một lô, khớp theo số đăng ký; báo những gì không khớp."""
    from dataclasses import asdict

    from office.audit.service import Actor
    from office.export.importing import import_and_index

    result = import_and_index(sheet, batch_id, ctx=_context(), actor=Actor.cli())

    def human(d: dict) -> None:
        out.print(f"{d['rows']} dòng: {d['matched']} khớp, {len(d['changed_records'])} mục được cập nhật "
                  f"({d['fields_changed']} trường).")
        if d["rows_without_entry"]:
            t = Table("Dòng", "Số", "Lý do", title="Dòng không khớp mục nào trên trang quét")
            for r in d["rows_without_entry"]:
                t.add_row(str(r["row"]), str(r["registration_number"]), r["reason"])
            out.print(t)
        if d["entries_without_row"]:
            t = Table("Số", "Trang", title="Mục trên trang quét không có dòng nào")
            for r in d["entries_without_row"]:
                t.add_row(str(r["registration_number"] or "(chưa đọc được)"), ", ".join(map(str, r["pages"])))
            out.print(t)
        for r in d["rejected_rows"]:
            err.print(f"[red]Dòng {r['row']} (số {r['registration_number']}) không nhập: "
                      + "; ".join(r["errors"].values()))
        if d["unknown_columns"]:
            err.print(f"[yellow]Bỏ qua các cột không nhận ra: {', '.join(d['unknown_columns'])}")

    _emit(asdict(result), as_json, human)


@app.command()
def watch(
    folder: Annotated[Path, typer.Argument(help="Thư mục máy quét ghi tệp vào.")],
    record_type: TypeOpt = "auto",
    book: Annotated[str | None, typer.Option(help="Số quyển cho tệp không có tờ phân cách.")] = None,
    authority: Annotated[str | None, typer.Option(help="Cơ quan đăng ký mặc định.")] = None,
    years: Annotated[str | None, typer.Option(help="Năm mặc định, ví dụ 1998-1999.")] = None,
    poll: Annotated[bool, typer.Option("--poll", help="Quét định kỳ (ổ mạng, thư mục chia sẻ).")] = False,
    settle: Annotated[float, typer.Option(min=0.1, help="Số giây tệp phải đứng yên mới được nhận.")] = 3.0,
    once: Annotated[bool, typer.Option("--once", help="Nhận những gì đang có rồi thoát.")] = False,
    spreads: Annotated[bool, typer.Option(help="Mỗi trang là hai trang sổ mở: tách trái, phải.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Theo dõi thư mục máy quét: nhận từng tệp khi đã ghi xong, tách sổ theo tờ phân cách, chuyển vào done/
    hoặc rejected/ (kèm tệp .txt lý do)."""
    from office.capture.book import book_meta
    from office.capture.watch import Watcher, stop_on_sigterm

    defaults = book_meta(record_type, book, authority, years, spreads=spreads)
    _check_tools()

    def show(o) -> None:
        if as_json:
            sys.stdout.write(json.dumps(o.as_dict(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
            return
        from rich.markup import escape  # file names may hold brackets

        mark = {"done": "[green]✓", "rejected": "[red]✗", "duplicate": "[yellow]="}[o.outcome]
        books = "; ".join(f"lô {b['batch_id']} quyển {b['book'] or '—'}: {b['pages']} trang, {b['failed']} lỗi"
                          for b in o.batches)
        out.print(f"{mark} {escape(o.source)}[/] → {escape(o.moved_to)}" + (f" ({escape(books)})" if books else ""))
        for reason in o.reasons:
            out.print(f"   {escape(reason)}")

    watcher = Watcher(folder, defaults, _context(), settle_s=settle, on_outcome=show)
    err.print(f"Đang theo dõi {watcher.folder}{' (quét định kỳ)' if poll else ''}. Ctrl-C để dừng.")
    try:
        with stop_on_sigterm():
            watcher.run(poll=poll, once=once)
    except KeyboardInterrupt:
        err.print("[yellow]Đã dừng theo dõi. Tệp đang nhập dở vẫn nằm trong thư mục và sẽ được nhập tiếp lần sau.")


@app.command()
def separator(
    book: Annotated[str | None, typer.Option(help="Số quyển, ví dụ 01/1998.")] = None,
    record_type: TypeOpt = "auto",
    authority: Annotated[str | None, typer.Option(help="Cơ quan đăng ký.")] = None,
    years: Annotated[str | None, typer.Option(help="Năm hoặc khoảng năm, ví dụ 1998-1999.")] = None,
    out_path: Annotated[Path, typer.Option("--out", help="Tệp PDF sẽ ghi.")] = Path("to-phan-cach.pdf"),
    spreads: Annotated[bool, typer.Option(help="Quyển này quét mỗi ảnh hai trang sổ mở.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """In tờ phân cách (PDF A4 có mã QR mang thông tin quyển sổ) đặt trước mỗi quyển khi quét chung một chồng."""
    from office.capture.book import book_meta
    from office.capture.separator import payload, write_sheet

    meta = book_meta(record_type, book, authority, years, spreads=spreads, need_book=True)
    write_sheet(meta, out_path)
    _emit({"path": str(out_path), "payload": json.loads(payload(meta))}, as_json,
          lambda d: out.print(f"Đã ghi tờ phân cách quyển {meta.book}: {d['path']}"))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        try:
            # Without standalone mode click hands back typer.Exit codes instead of exiting: pass them on.
            sys.exit(app(standalone_mode=False) or 0)
        except OSError as exc:
            if not exc.filename:  # not a path the person gave: a fault to see whole
                raise
            # --out into a folder that cannot be written, and the like: said, not shown as a traceback
            raise SohoaError(f"Không đọc hoặc ghi được {exc.filename}: {os_reason(exc)}.", code="os_error") from exc
    except SohoaError as exc:
        if "--json" in sys.argv:
            sys.stdout.write(json.dumps({"error": {"code": exc.code, "message": exc.message}}, ensure_ascii=False))
        err.print(f"[red]Lỗi ({exc.code}): {exc.message}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("[yellow]Đã dừng. Chạy lại cùng lệnh (hoặc sohoa ingest --resume LÔ) để tiếp tục.")
        sys.exit(130)
    except usage_errors.cx.UsageError as exc:
        sys.exit(usage_errors.show(exc, err.print))
    except usage_errors.cx.ClickException as exc:  # a file argument that cannot be opened, and the like
        err.print(f"[red]Lỗi: {exc.format_message()}")
        sys.exit(exc.exit_code)

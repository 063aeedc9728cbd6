"""Handwritten register keying in a real browser (headless Chromium) against a real uvicorn server: two clerks
key the same page blind — one with the station's built-in Telex, one typing Vietnamese directly as an office
PC's input method would — the one field where they differ goes to a third clerk, who settles it looking at
both values, and every entry of the page is then found by search."""
from __future__ import annotations

import json
import re

import pytest

from bench.keying_clerk import shown, telex_keys, typed
from domain.records import NAME_FIELDS, PLACE_FIELDS
from office.accounts import service as auth
from tests.served import served
from workers import Context, NoProgress, open_executor

from .conftest import PASSWORD, make_settings
from .test_browser_story import ARGS, CHROMIUM, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1800)]  # OCR of a handwritten page, then 18 entries
KEYERS = ("keyer1", "keyer2")
ARBITER = "arbiter"
TYPO = "mother_name"  # keyer1 types the first entry's mother's name with its given name wrong


@pytest.fixture(scope="module")
def register_book(tmp_path_factory):
    from samples import generate_book
    from samples.handwriting import HandwritingUnavailable
    from workers.batches import BatchMeta, pages_to_run, register_batch

    out = tmp_path_factory.mktemp("hand")
    try:
        book = generate_book(out, record_type="birth", pages=1, seed=3, degradation="clean", fmt="pdf",
                             layout="register", hand=True)
    except HandwritingUnavailable:  # no handwriting fonts on this machine: a printed register, same station
        book = generate_book(out, record_type="birth", pages=1, seed=3, degradation="clean", fmt="pdf",
                             layout="register")
    settings = make_settings(tmp_path_factory.mktemp("home"))
    ctx = Context(settings)
    reg = register_batch(book.paths, BatchMeta(record_type="birth", book="Sổ khai sinh viết tay"), ctx)
    open_executor(ctx).run(reg.batch_id, pages_to_run(reg.batch_id, ctx), NoProgress())
    with ctx.db.session() as s:
        for name in (*KEYERS, ARBITER):
            auth.create_user(s, name, PASSWORD, "clerk", full_name=name.title())
    ctx.close()
    truth = [r["fields"] for r in json.loads(book.truth_path.read_text(encoding="utf-8"))["pages"][0]["records"]
             if r["pages"] == [1]]
    return settings, reg.batch_id, truth


@pytest.fixture(scope="module")
def server(register_book):
    require_chromium()
    settings = register_book[0]
    with served(settings.home) as base:
        yield base


def _login(browser, server: str, who: str):
    from playwright.sync_api import expect

    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(server + "/login")
    page.get_by_label("Tên đăng nhập").fill(who)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("link", name="Nhập liệu")).to_be_visible()
    return page


def _station(page):
    return page.evaluate("JSON.parse(document.getElementById('keying-data').textContent)")


def _key_page(page, server: str, batch_id: str, truth: list[dict], *, telex: bool, change: dict | None = None):
    """Key every entry of page 1 field by field, from the keyboard: names with the station's Telex (``telex``)
    or as committed text (an office PC's own input method), Ctrl+Enter to save and open the next entry."""
    from playwright.sync_api import expect

    page.goto(f"{server}/keying/{batch_id}/pages/1")
    data = _station(page)
    if telex:
        page.keyboard.press("F9")  # the station's own Telex
        expect(page.locator("#k-ime")).to_have_value("telex")
    entries = data["entries"]
    assert len(entries) == len(truth), "one entry per written row"
    assert all(e["mine"] is None for e in entries)  # blind: nobody's values but one's own are ever sent
    for i, fields in enumerate(truth):
        values = fields | (change if i == 0 and change else {})
        expect(page.locator("#k-title")).to_have_text(f"Mục {i + 1}/{len(entries)}")
        for name in data["fields"]:
            want = typed(name, values.get(name, ""))
            box = page.locator(f"#f-{name}")
            if box.input_value() == shown(name, values.get(name, "")):
                continue
            box.focus()  # selects what is there: typing replaces it
            if not want:
                page.keyboard.press("Delete")
            elif telex and name in NAME_FIELDS | PLACE_FIELDS:
                page.keyboard.type("".join(telex_keys(want)))
                assert box.input_value() == want, name
            else:
                page.keyboard.insert_text(want)
        page.keyboard.press("Control+Enter")
        expect(page.locator("#k-status")).to_contain_text(f"Đã lưu mục {i + 1}")
    return data


def test_two_clerks_key_blind_a_third_arbitrates_and_the_entries_are_found(server, register_book):
    from playwright.sync_api import expect, sync_playwright

    _settings, batch_id, truth = register_book
    expect.set_options(timeout=30_000)  # a shared, loaded machine: pages and saves may take seconds
    words = truth[0][TYPO].split()
    wrong = " ".join([*words[:-1], "TRANG" if words[-1] != "TRANG" else "HOA"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            first = _login(browser, server, KEYERS[0])
            # The input method itself: Telex and VNI give NFC text.
            cases = {"telex": [("NGUYEENX DDUWCS HOOIJ", "NGUYỄN ĐỨC HỘI"), ("Truowngf", "Trường"), ("hoafn", "hoàn")],
                     "vni": [("Nguye64n", "Nguyễn"), ("D9u7c1", "Đức")]}
            first.goto(f"{server}/keying")
            first.add_script_tag(url="/static/keying.js")
            for method, pairs in cases.items():
                for keys, want in pairs:
                    got = first.evaluate("""([m, keys]) => { let v = ""; for (const k of keys) {
                        const o = window.SohoaIme.transform(m, v, k); v = o === null ? v + k : o; } return v; }""",
                                         [method, keys])
                    assert got == want
            data = _key_page(first, server, batch_id, truth, telex=True, change={TYPO: wrong})
            assert data["page"]["has_image"]

            second = _login(browser, server, KEYERS[1])
            second.goto(f"{server}/keying/{batch_id}/pages/1")
            assert wrong not in second.content()  # blind: nothing the first keyer typed is shown
            _key_page(second, server, batch_id, truth, telex=False)

            arbiter = _login(browser, server, ARBITER)
            arbiter.goto(f"{server}/keying/arbitration")
            links = arbiter.locator("ul.k-queue a")
            expect(links).to_have_count(1)
            links.first.click()
            expect(arbiter.locator("h1")).to_contain_text("Phân xử")
            legends = arbiter.locator("fieldset.k-open legend")
            expect(legends).to_have_count(1)
            expect(legends.first).to_have_text("Họ tên mẹ")
            expect(arbiter.locator("fieldset.k-open")).to_contain_text(truth[0][TYPO])
            expect(arbiter.locator("fieldset.k-open")).to_contain_text(wrong)
            expect(arbiter.locator("#k-highlight")).to_be_visible()
            arbiter.get_by_label(re.compile(r"Người gõ \d: " + re.escape(truth[0][TYPO]) + "$")).check()
            arbiter.get_by_role("button", name="Chấp nhận mục").click()
            expect(arbiter.locator("body")).to_contain_text("Không còn mục nào chờ bạn")

            # Every entry of the page is a searchable, keyed record now.
            for fields in truth:
                arbiter.goto(f"{server}/?q={fields['full_name']}")
                hit = arbiter.locator("article.hit h3 a", has_text=re.compile(re.escape(fields["full_name"]), re.I))
                expect(hit.first).to_be_visible()
            # Records open with a stated purpose (the access log): a clerk checking keyed data.
            arbiter.goto(server + hit.first.get_attribute("href") + "&purpose=data_review")
            expect(arbiter.locator("body")).to_contain_text(truth[-1]["personal_id"])
            arbiter.goto(f"{server}/?q={truth[0][TYPO]}")
            first_hit = arbiter.locator("article.hit h3 a", has_text=re.compile(re.escape(truth[0]["full_name"]), re.I))
            expect(first_hit).to_be_visible()
            arbiter.goto(server + first_hit.get_attribute("href") + "&purpose=data_review")
            # Who keyed and who arbitrated each field, on the record page.
            keyed = arbiter.locator("table.keyed")
            expect(keyed.locator("tr", has_text="Họ tên mẹ")).to_contain_text(ARBITER)
            expect(keyed.locator("tr", has_text="Họ, chữ đệm, tên")).to_contain_text(", ".join(KEYERS))
        finally:
            browser.close()

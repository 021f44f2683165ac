"""Real browser pages against `misquiz serve`: a phone by touch, a desktop by keys, resuming, a foreign page, axe.

Uses Debian's chromium through Playwright. On CI it is never skipped: a missing browser fails.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from misquiz.core import catalogue
from misquiz.files.bank import load_bank
from support.serving import free_port, start_server

CHROMIUM = "/usr/bin/chromium"
ON_CI = os.environ.get("CI") == "true"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 3}

if ON_CI:
    assert Path(CHROMIUM).exists(), "CI must install chromium (apt-get install chromium)"
else:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip("playwright")
    pytest.importorskip("axe_playwright_python")

BANK = load_bank()
LABELS = {lang: [o.label[lang] for o in BANK.scale] + [BANK.no_opinion[lang]] for lang in BANK.languages}


class Server:
    def __init__(self, tmp: Path) -> None:
        self.db = tmp / "room.db"
        self.port = free_port()
        self.env = {"XDG_CACHE_HOME": str(tmp / "cache"), "LANG": "C.UTF-8"}
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = start_server(
            self.port,
            "--workshop",
            "browser",
            "--db",
            str(self.db),
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)

    def answers(self) -> int:
        with sqlite3.connect(self.db, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def finished(self) -> int:
        with sqlite3.connect(self.db, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM attempts WHERE finished_at IS NOT NULL").fetchone()[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("browser"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


def number(page) -> int:
    return int(page.url.rsplit("/", 1)[1])


def test_a_phone_finishes_by_taps_scrolls_its_results_by_swiping_and_downloads_the_plan(server, browser):
    context = browser.new_context(**PHONE, accept_downloads=True)
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(server.url + "/")
    page.get_by_role("button", name=catalogue.t("en", "start")).tap()
    page.wait_for_url("**/quiz/1")
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], "no sideways scrolling on a phone"
    for button in page.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, button.inner_text()
    before = server.answers()
    for n in range(1, 37):
        page.get_by_role("button", name=LABELS["en"][n % 6], exact=True).tap()
        page.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")
    assert server.answers() == before + 36
    for myth in BANK.myths:
        assert page.get_by_text(myth.title["en"], exact=True).first.is_visible()  # whole titles
    assert page.evaluate("window.scrollY") == 0
    cdp = context.new_cdp_session(page)
    for _ in range(3):  # three swipes up with a finger
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": 200, "y": 700}]})
        for y in range(680, 100, -40):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": 200, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    for _ in range(50):  # wait_for_function would evaluate a string, which the page's CSP forbids
        if page.evaluate("window.scrollY") > 500:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") > 500, page.evaluate("[document.documentElement.scrollHeight, innerHeight]")
    link = page.get_by_role("link", name=catalogue.t("en", "export_md"))
    link.scroll_into_view_if_needed()
    with page.expect_download() as download:
        link.tap()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# " + catalogue.t("en", "plan_title"))
    summary = page.locator("summary").first
    summary.scroll_into_view_if_needed()
    summary.tap()
    assert page.locator("details[open] .opened").first.is_visible()  # the explanation opens in place
    context.close()
    assert hosts == {f"127.0.0.1:{server.port}"}, f"the page asked other hosts: {hosts}"


def test_a_desktop_finishes_by_keys_alone_and_reads_at_200_percent_text(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(server.url + "/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused  # every stop is reachable and says what it is
    page.focus("#name")
    page.keyboard.type("Desk")
    page.keyboard.press("Enter")
    page.wait_for_url("**/quiz/1")
    page.keyboard.press("4")
    page.wait_for_url("**/quiz/2")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/quiz/1")
    assert "✓" in page.locator("button[aria-current=true]").inner_text()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.add_style_tag(content="html { font-size: 200% !important; }")
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1] + 1, "usable at 200% text: nothing runs off the side"
    page.keyboard.press("2")
    page.wait_for_url("**/quiz/2")
    for n in range(2, 37):
        page.keyboard.press(str(n % 6))
        page.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")
    assert page.locator("h1").inner_text() == catalogue.t("en", "results_for", name="Desk")
    context.close()


def test_a_reload_and_a_server_restart_mid_quiz_both_resume(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(server.url + "/")
    page.get_by_role("button", name=catalogue.t("en", "start")).tap()
    for n in range(1, 6):
        page.get_by_role("button", name=LABELS["en"][2], exact=True).tap()
        page.wait_for_url(f"**/quiz/{n + 1}")
    page.reload()
    assert number(page) == 6
    page.close()
    page = context.new_page()  # a closed tab, opened again at the join address
    page.goto(server.url + "/")
    assert number(page) == 6
    server.stop()
    server.start()
    page.goto(server.url + "/")
    assert number(page) == 6
    page.get_by_role("link", name=catalogue.t("en", "back")).tap()
    page.wait_for_url("**/quiz/5")
    assert page.locator("button[aria-current=true]").get_attribute("value") == "3"
    page.get_by_role("button", name=LABELS["en"][4], exact=True).tap()  # the form token outlived the restart
    page.wait_for_url("**/quiz/6")
    context.close()


def test_a_page_from_another_origin_cannot_answer(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/")
    page.get_by_role("button", name=catalogue.t("en", "start")).click()
    page.wait_for_url("**/quiz/1")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    statement = page.locator("input[name=statement]").get_attribute("value")
    before = server.answers()
    attack = (
        f'<!DOCTYPE html><form method="post" action="{server.url}/quiz/1">'
        f'<input name="csrf" value="{csrf}"><input name="statement" value="{statement}">'
        '<button name="answer" value="5">go</button></form>'
    )
    page.route("http://elsewhere.test/", lambda route: route.fulfill(body=attack, content_type="text/html"))
    page.goto("http://elsewhere.test/")
    with page.expect_navigation() as navigation:
        page.click("button")
    response = navigation.value
    assert response is not None and response.status == 403
    assert server.answers() == before
    page.goto(server.url + "/")
    assert number(page) == 1 and page.locator("button[aria-current=true]").count() == 0
    context.close()


@pytest.mark.parametrize("lang", BANK.languages)
def test_no_serious_accessibility_problem_on_the_welcome_a_statement_and_the_results(server, browser, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=lang)
    page = context.new_page()
    problems: dict[str, list[str]] = {}

    def check(where: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang
        violations = axe.run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
        if serious:
            problems[where] = serious

    page.goto(f"{server.url}/?lang={lang}")
    check("welcome")
    page.get_by_role("button", name=catalogue.t(lang, "start")).click()
    page.wait_for_url("**/quiz/1")
    page.get_by_role("button", name=LABELS[lang][3], exact=True).click()
    page.wait_for_url("**/quiz/2")
    check("statement")
    for n in range(2, 37):
        page.get_by_role("button", name=LABELS[lang][n % 5], exact=True).click()
        page.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")
    page.locator("summary").first.click()
    check("results")
    context.close()
    assert problems == {}

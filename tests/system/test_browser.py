"""Real browser pages against `misquiz serve`: a phone by touch, a desktop by keys, resuming, a foreign page, axe.

Uses Debian's chromium through Playwright. On CI it is never skipped: a missing browser fails.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
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


def test_no_serious_accessibility_problem_with_the_room_beside_your_results(server, browser):
    """Issue 21, point 4: the results page once the trainer has revealed the room, in every language."""
    import sys

    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/?lang=en")
    page.get_by_role("button", name=catalogue.t("en", "start")).click()
    page.wait_for_url("**/quiz/1")
    for n in range(1, 37):
        page.get_by_role("button", name=LABELS["en"][n % 5], exact=True).click()
        page.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")
    while server.finished() < 3:  # the room is shown from --min-group (3) finished people
        done = server.finished()
        other = browser.new_context()
        visitor = other.new_page()
        visitor.goto(f"{server.url}/?lang=nl")
        visitor.get_by_role("button", name=catalogue.t("nl", "start")).click()
        for n in range(1, 37):
            visitor.get_by_role("button", name=LABELS["nl"][(n + done) % 5], exact=True).click()
            visitor.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")
        other.close()
    revealed = subprocess.run(
        [sys.executable, "-m", "misquiz", "workshop", "reveal", "browser", "--db", str(server.db), "--round", "none"],
        capture_output=True, text=True, env={**os.environ, **server.env}, timeout=60,
    )  # fmt: skip
    assert revealed.returncode == 0, revealed.stderr
    axe = Axe()
    for lang in BANK.languages:
        page.goto(f"{server.url}/results?lang={lang}")
        page.wait_for_selector('#room-beside[data-shown="yes"]')
        assert page.locator(".beside-myth").count() == len(BANK.myths)
        violations = axe.run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], (lang, serious)
    context.close()


# -- the projector page ------------------------------------------------------------------


class Projector(Server):
    """`misquiz serve` for a round with a minimum group of 2; its projector address read from the banner."""

    def start(self) -> None:
        self.banner = self.db.parent / "banner.txt"
        with self.banner.open("w") as out:
            self.process = start_server(
                self.port,
                "--workshop",
                "proj",
                "--round",
                "before",
                "--min-group",
                "2",
                "--lang",
                "en",
                "--db",
                str(self.db),
                env=self.env,
                stdout=out,
                stderr=subprocess.DEVNULL,
            )
        for _ in range(50):
            found = re.search(r"Projector page .*: (http://\S+)", self.banner.read_text())
            if found:
                self.projector = found.group(1)
                return
            time.sleep(0.1)
        raise AssertionError("no projector address in the banner")

    def finish_one(self, held: dict[str, tuple[int, int]], finished: bool = True) -> None:
        """A participant who answers every statement, written to the database as a server would."""
        from misquiz.core.scoring import score_attempt
        from misquiz.storage.sqlite import SQLiteStore
        from support.quiz import answers_holding

        answers = answers_holding(BANK, held)
        store = SQLiteStore(self.db)
        try:
            attempt = store.start_attempt(
                bank_id=BANK.id,
                bank_version=BANK.version,
                bank_hash=BANK.content_hash,
                language="en",
                seed=1,
                order=[s.id for s in BANK.statements],
                name="Hidden Name",
                workshop="proj",
                round="before",
            )
            for sid, value in answers.items():
                store.save_answer(attempt, sid, value)
            if finished:
                store.finish_attempt(attempt, score_attempt(BANK, answers).record())
        finally:
            store.close()


@pytest.fixture(scope="module")
def projector(tmp_path_factory) -> Iterator[Projector]:
    running = Projector(tmp_path_factory.mktemp("projector"))
    yield running
    running.stop()


def count(page, name: str) -> str:
    return page.locator(f'dd[data-count="{name}"]').inner_text()


def test_the_projector_page_follows_the_room_by_server_sent_events_and_the_trainers_keys(projector, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1600, "height": 900})
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(projector.projector)
    expect(page.locator("#projector")).to_have_attribute("data-live", "yes")
    assert page.locator("svg.qr").is_visible() and page.get_by_text(f"{projector.url}/", exact=True).is_visible()
    expect(page.locator('dd[data-count="joined"]')).to_have_text("0")
    page.evaluate("window.stayed = 'yes'")  # gone if the page were loaded again
    projector.finish_one({"sales-goal": (5, 1)})
    expect(page.locator('dd[data-count="finished"]')).to_have_text("1")
    expect(page.get_by_text(catalogue.t("en", "projector_too_few", n=2))).to_be_visible()
    projector.finish_one({"sales-goal": (5, 1), "more-posts": (5, 1)})
    projector.finish_one({}, finished=False)
    expect(page.locator('dd[data-count="finished"]')).to_have_text("2", timeout=2000)
    # the third person's start may come in the next event: wait for it rather than read at once
    expect(page.locator('dd[data-count="joined"]')).to_have_text("3", timeout=2000)
    assert count(page, "in_progress") == "1"
    assert page.locator(".stack").count() == 0  # answer first
    titles = page.locator(".bank-myth").all_inner_texts()  # until the reveal: bank order, nothing ranked
    assert titles == [m.title["en"] for m in BANK.myths]
    page.keyboard.press("r")
    expect(page.locator(".stack")).to_have_count(len(BANK.myths))
    second = context.new_page()  # every projector tab agrees
    second.goto(projector.projector)
    expect(second.locator(".stack")).to_have_count(len(BANK.myths))
    page.keyboard.press("d")
    expect(page.locator('section[data-mode="discuss"]')).to_have_attribute("data-myth", "sales-goal")
    expect(second.locator('section[data-mode="discuss"]')).to_be_visible()
    page.keyboard.press("ArrowRight")
    shown = page.locator("section[data-mode]")
    expect(shown).to_have_attribute("data-myth", "more-posts")
    for _ in range(3):  # late finishers who would move another myth up the order
        projector.finish_one({"no-plan": (5, 1)})
    expect(page.locator('dd[data-count="finished"]')).to_have_text("5", timeout=2000)
    assert shown.get_attribute("data-myth") == "more-posts"  # the order stays frozen
    page.keyboard.press(" ")
    page.keyboard.press("ArrowLeft")
    expect(shown).to_have_attribute("data-myth", "more-posts")
    page.keyboard.press("Escape")
    expect(page.locator('section[data-mode="room"]')).to_be_visible()
    page.get_by_role("link", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator('dd[data-count="finished"]')).to_have_text("5")
    assert page.get_by_text(catalogue.t("nl", "projector_join")).is_visible()
    assert page.evaluate("window.stayed") is None  # the language switch is the one page load
    context.close()
    assert hosts == {f"127.0.0.1:{projector.port}"}, f"the page asked other hosts: {hosts}"


def test_a_participants_cookie_never_opens_the_projector(projector, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(projector.url + "/")
    page.get_by_role("button", name=catalogue.t("en", "start")).click()
    page.wait_for_url("**/quiz/1")
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "misquiz")
    assert cookie not in projector.projector
    for path in (f"/projector/{cookie}", "/projector/", "/projector/" + "A" * 43):
        response = page.goto(projector.url + path)
        assert response is not None and response.status == 404, path
    assert "projector" not in page.content().replace("/projector/", "")
    context.close()


def test_no_serious_accessibility_problem_on_the_projector_page(projector, browser):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    axe = Axe()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems: dict[str, list[str]] = {}

    def check(where: str) -> None:
        violations = axe.run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
        if serious:
            problems[where] = serious

    page.goto(projector.projector + "?lang=fr")
    expect(page.locator("#projector")).to_have_attribute("data-live", "yes")
    page.keyboard.press("Escape")  # whatever an earlier test left on screen
    expect(page.locator('section[data-mode="room"]')).to_be_visible()
    check("room")
    page.get_by_role("button", name=catalogue.t("fr", "room_discuss")).click()
    expect(page.locator('section[data-mode="discuss"]')).to_be_visible()
    check("discuss")
    page.keyboard.press("Escape")
    expect(page.locator('section[data-mode="room"]')).to_be_visible()
    context.close()
    assert problems == {}

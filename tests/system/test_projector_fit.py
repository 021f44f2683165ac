"""The projector page fits a 1280×800 projector with all nine myths, without scrolling, in every view and language.

Debian's chromium through Playwright, against two `misquiz serve` processes on one database: one shows a single
round, the other an after round beside its before round.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from misquiz.core.commitments import Commitment
from misquiz.core.scoring import score_attempt
from misquiz.files.bank import load_bank
from misquiz.storage.sqlite import SQLiteStore
from support.browser import BROWSER_ARGS, CHROMIUM
from support.quiz import answers_holding
from support.serving import free_port, start_server

if not Path(CHROMIUM).exists():  # test_browser.py fails on CI without it; here the same rule holds
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright")


BANK = load_bank()
SCREEN = {"width": 1280, "height": 800}
PEOPLE = 12


def room(db: Path, workshop: str, rounds: tuple[str, ...]) -> None:
    """12 people a round, spread over every band so every tally has two digits' room."""
    store = SQLiteStore(db)
    try:
        for round in rounds:
            for n in range(PEOPLE):
                if round == "after":  # every shift long: two-digit people, worse and better
                    held = {m.id: ((5, 1) if (n + i) % 12 < 2 + i else (1, 5)) for i, m in enumerate(BANK.myths)}
                else:
                    held = {m.id: ((5, 1) if (n + i) % 3 == 0 else (3, 3)) for i, m in enumerate(BANK.myths)}
                answers = answers_holding(BANK, held if n % 4 or round == "after" else {})
                attempt = store.start_attempt(
                    bank_id=BANK.id,
                    bank_version=BANK.version,
                    bank_hash=BANK.content_hash,
                    language="en",
                    seed=1,
                    order=[s.id for s in BANK.statements],
                    name="",
                    workshop=workshop,
                    round=round,
                )
                for sid, value in answers.items():
                    store.save_answer(attempt, sid, value)
                store.finish_attempt(attempt, score_attempt(BANK, answers).record())
                store.set_commitments(attempt, commitments(n, round))
    finally:
        store.close()


def commitments(n: int, round: str) -> tuple[Commitment, ...]:
    """Three a person, over every myth's actions, so the room's commitments list as many as it can; one own line."""
    if n == 0:
        return (Commitment(None, None, "x" * 140, "done" if round == "before" else None),)
    actions = [(m.id, a) for m in BANK.myths for a in range(1, len(m.actions) + 1)]
    status = "done" if round == "before" and n % 2 else None
    return tuple(Commitment(*actions[(3 * n + k) % len(actions)], status=status) for k in range(3))


class Serving:
    def __init__(self, tmp: Path, db: Path, workshop: str, round: str) -> None:
        self.port = free_port()
        banner = tmp / f"{workshop}.txt"
        with banner.open("w") as out:
            self.process = start_server(
                self.port,
                *("--workshop", workshop, "--round", round, "--min-group", "3", "--db", str(db)),
                env={"XDG_CACHE_HOME": str(tmp / "cache"), "LANG": "C.UTF-8"},
                stdout=out,
                stderr=subprocess.DEVNULL,
            )
        for _ in range(100):
            found = re.search(r"Projector page .*: (http://\S+)", banner.read_text())
            if found:
                self.projector = found.group(1)
                return
            time.sleep(0.1)
        raise AssertionError("no projector address in the banner")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict[str, Serving]]:
    tmp = tmp_path_factory.mktemp("fit")
    db = tmp / "fit.db"
    room(db, "solo", ("before",))
    room(db, "pair", ("before", "after"))
    running = {"one": Serving(tmp, db, "solo", "before"), "both": Serving(tmp, db, "pair", "after")}
    yield running
    for server in running.values():
        server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


def height(page) -> int:
    """How high the page is drawn: the bottom of its content, whether or not the window is taller."""
    return page.evaluate(
        "Math.ceil(Math.max(document.documentElement.scrollHeight > innerHeight"
        " ? document.documentElement.scrollHeight : 0,"
        " document.querySelector('main').getBoundingClientRect().bottom + scrollY))"
    )


def settle(page, **attributes: str) -> None:
    for name, value in attributes.items():
        page.wait_for_selector(f'#live section[data-{name}="{value}"]', timeout=5000)
    page.wait_for_timeout(150)


HEIGHTS: dict[tuple[str, str, str], int] = {}


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
@pytest.mark.parametrize("which", ["one", "both"])
def test_every_view_fits_1280_by_800_with_nine_myths(servers, browser, which: str, lang: str):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.goto(f"{servers[which].projector}?lang={lang}")
    expect(page.locator("#projector")).to_have_attribute("data-live", "yes")
    try:
        page.keyboard.press("h")  # every view from the start: hidden
        settle(page, revealed="no", mode="room")
        assert page.locator(".bank-myth").count() == len(BANK.myths)
        HEIGHTS[(which, lang, "hidden")] = height(page)
        page.keyboard.press("d")  # discuss mode before the reveal: the title and the statement count
        settle(page, mode="discuss")
        HEIGHTS[(which, lang, "discuss hidden")] = height(page)
        page.keyboard.press("Escape")
        settle(page, mode="room")
        page.keyboard.press("r")
        settle(page, revealed="yes")
        expect(page.locator(".room-myth")).to_have_count(len(BANK.myths))
        assert page.locator(".room-myth .stack").count() == len(BANK.myths) * (2 if which == "both" else 1)
        HEIGHTS[(which, lang, "revealed")] = height(page)
        page.keyboard.press("w")  # the room's commitments in place of the myths
        expect(page.locator("#room-commitments .commit-tally li").first).to_be_visible()
        expect(page.locator(".room-myths")).to_be_hidden()
        HEIGHTS[(which, lang, "commitments")] = height(page)
        page.keyboard.press("w")
        expect(page.locator(".room-myths")).to_be_visible()
        page.keyboard.press("c")  # closed: a banner more
        settle(page, closed="yes")
        HEIGHTS[(which, lang, "revealed closed")] = height(page)
        page.keyboard.press("c")
        settle(page, closed="no")
        page.keyboard.press("d")  # discuss mode after the reveal: the bars, larger, and the explanation
        settle(page, mode="discuss")
        HEIGHTS[(which, lang, "discuss revealed")] = height(page)
        page.keyboard.press("Escape")
        settle(page, mode="room")
        page.keyboard.press("h")
        settle(page, revealed="no")
        mine = {view: h for (w, lg, view), h in HEIGHTS.items() if (w, lg) == (which, lang)}
        print(which, lang, mine)
        assert all(h <= SCREEN["height"] for h in mine.values()), mine
    finally:
        context.close()

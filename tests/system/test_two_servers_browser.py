"""Two `misquiz serve` processes on one PostgreSQL behind a round-robin proxy (each request to the other server),
driven by Debian's chromium through Playwright: the live session is one, whichever server a key press reaches.

Every projector tab agrees within 1 s on reveal, discuss, next and close; until the reveal the titles are in bank
order in a room whose discussion order differs; close refuses the next answer; a participant's results page shows
the room after the reveal and not before.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from misquiz.core import catalogue
from misquiz.core.scoring import score_attempt
from misquiz.files.bank import load_bank
from misquiz.storage import open_store, read_room
from support.browser import BROWSER_ARGS, CHROMIUM
from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.quiz import answers_holding
from support.round_robin import RoundRobin
from support.serving import free_port, start_server

if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright")

BANK = load_bank()
AGREE = 1.0  # seconds: every tab shows a change within this
WORKSHOP = "conf"


def designed(url: str) -> list[str]:
    """Four finished people; the last myth of the bank is held most, so the discussion order is not the bank's."""
    store = open_store(url)
    try:
        for n in range(4):
            held = {m.id: (5, 1) for i, m in enumerate(BANK.myths) if i >= len(BANK.myths) - 1 - n}
            answers = answers_holding(BANK, held)
            attempt = store.start_attempt(
                bank_id=BANK.id,
                bank_version=BANK.version,
                bank_hash=BANK.content_hash,
                language="en",
                seed=1,
                order=[s.id for s in BANK.statements],
                name=f"Hidden Name {n}",
                workshop=WORKSHOP,
                round="before",
            )
            for sid, value in answers.items():
                store.save_answer(attempt, sid, value)
            store.finish_attempt(attempt, score_attempt(BANK, answers).record())
        return list(read_room(store, BANK, WORKSHOP, "before", 3).order())
    finally:
        store.close()


@pytest.fixture
def servers(postgres_url, tmp_path) -> Iterator[tuple[RoundRobin, str, list[str], str]]:
    order = designed(postgres_url)
    ports = [free_port(), free_port()]
    processes, banners = [], []
    for n, port in enumerate(ports):
        banner = tmp_path / f"banner{n}.txt"
        banners.append(banner)
        with banner.open("w") as out:
            processes.append(
                start_server(
                    port,
                    *("--workshop", WORKSHOP, "--round", "before", "--min-group", "3", "--lang", "en"),
                    *("--db", postgres_url),
                    env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8"},
                    stdout=out,
                    stderr=subprocess.DEVNULL,
                )
            )
    paths = []
    for banner in banners:
        for _ in range(100):
            found = re.search(r"Projector page .*: http://[^/]+(/projector/\S+)", banner.read_text())
            if found:
                paths.append(found.group(1))
                break
            time.sleep(0.1)
    assert len(paths) == 2 and paths[0] == paths[1], "every server prints the same projector address"
    proxy = RoundRobin(ports)
    try:
        yield proxy, paths[0], order, postgres_url
    finally:
        for process in processes:  # first: their event streams end, and the proxy's with them
            process.terminate()
            process.wait(timeout=15)
        proxy.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


def section(page):
    return page.locator("#live section.live")


def all_agree(tabs, name: str, value: str, since: float) -> float:
    """Wait until every tab's live section has data-NAME=VALUE; the seconds it took since `since`."""
    from playwright.sync_api import expect

    for tab in tabs:
        expect(section(tab)).to_have_attribute(f"data-{name}", value, timeout=3000)
    return time.monotonic() - since


def answer_by_keys(page, count: int, key: str = "4") -> None:
    for _ in range(count):
        current = page.url
        page.keyboard.press(key)
        page.wait_for_url(lambda url, was=current: url != was)


def test_every_tab_on_either_server_agrees_and_the_participant_sees_the_room_after_the_reveal(servers, browser):
    from playwright.sync_api import expect

    proxy, path, order, url = servers
    bank_order = [m.id for m in BANK.myths]
    assert order != bank_order  # the room is designed so that a ranking would show

    trainer = browser.new_context(viewport={"width": 1280, "height": 800})
    tabs = [trainer.new_page() for _ in range(3)]
    for tab in tabs:
        tab.goto(proxy.url + path)
        expect(tab.locator("#projector")).to_have_attribute("data-live", "yes")
    # until the reveal: the titles in bank order, nothing of the ranking
    for tab in tabs:
        assert tab.locator(".bank-myth").all_inner_texts() == [m.title["en"] for m in BANK.myths]
        assert tab.locator(".stack").count() == 0 and "Hidden Name" not in tab.content()

    # a participant who finished, and one mid-quiz, on phones through the same proxy
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    finished = phone.new_page()
    finished.goto(proxy.url + "/")
    finished.get_by_role("button", name=catalogue.t("en", "start")).click()
    finished.wait_for_url("**/quiz/1")
    answer_by_keys(finished, len(BANK.statements))
    assert finished.url.endswith("/results")
    beside = finished.locator("#room-beside")
    expect(beside).to_have_attribute("data-shown", "no")
    assert "still believed" not in beside.inner_text()
    elsewhere = browser.new_context()
    late = elsewhere.new_page()
    late.goto(proxy.url + "/")
    late.get_by_role("button", name=catalogue.t("en", "start")).click()
    late.wait_for_url("**/quiz/1")
    answer_by_keys(late, 1)

    timings = {}
    started = time.monotonic()
    tabs[0].keyboard.press("r")
    timings["reveal"] = all_agree(tabs, "revealed", "yes", started)
    for tab in tabs:
        expect(tab.locator(".room-myth .myth-title")).to_have_count(len(BANK.myths))
        titles = tab.locator(".room-myth .myth-title").all_inner_texts()
        assert titles == [BANK.myths_by_id[m].title["en"] for m in order]  # now in discussion order
    expect(beside).to_have_attribute("data-shown", "yes", timeout=3000)  # pushed, no reload
    assert beside.locator(".beside-myth").count() == len(BANK.myths)
    assert "In this group (5): still believed" in beside.inner_text() and "Hidden Name" not in finished.content()

    started = time.monotonic()
    tabs[1].keyboard.press("d")
    timings["discuss"] = all_agree(tabs, "mode", "discuss", started)
    for tab in tabs:
        expect(section(tab)).to_have_attribute("data-myth", order[0])  # everything revealed: the discussion order

    started = time.monotonic()
    tabs[2].keyboard.press("PageDown")
    timings["next"] = all_agree(tabs, "myth", order[1], started)

    started = time.monotonic()
    tabs[0].keyboard.press("c")
    timings["close"] = all_agree(tabs, "closed", "yes", started)
    assert all(seconds < AGREE for seconds in timings.values()), timings

    late.keyboard.press("4")  # close refuses the next answer, whichever server takes it
    expect(late.locator("h1")).to_have_text(catalogue.t("en", "round_closed_title"))
    assert catalogue.t("en", "round_closed_kept") in late.content()
    store = open_store(url)
    try:
        room = read_room(store, BANK, WORKSHOP, "before", 3).rounds["before"]
        assert (room.joined, room.finished) == (6, 5)
    finally:
        store.close()
    assert min(proxy.sent) > 10, proxy.sent  # both servers answered their share
    print("agree within", timings)
    for context in (trainer, phone, elsewhere):
        context.close()

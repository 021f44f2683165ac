"""Commitments on a phone, in a real browser (issue 24, point 6): a 390×844 touch page at device scale 3, with and
without JavaScript: finish the quiz, choose two actions and a line of one's own, see them kept, change them, and
download the check-back calendar file, read back with icalendar.

Debian's chromium through Playwright, launched as test_browser.py does, against `misquiz serve`.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from misquiz.core import catalogue
from misquiz.files.bank import load_bank
from support.browser import BROWSER_ARGS, CHROMIUM
from support.serving import free_port, start_server

if not Path(CHROMIUM).exists():  # test_browser.py fails on CI without it; here the same rule holds
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
pytest.importorskip("playwright")

BANK = load_bank()
LABELS = [o.label["en"] for o in BANK.scale] + [BANK.no_opinion["en"]]
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 3}
OWN = "Call <b>the printer</b> & ask for a quote"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("commit")
    port = free_port()
    process = start_server(
        port,
        *("--workshop", "phone", "--db", str(tmp / "room.db")),
        env={"XDG_CACHE_HOME": str(tmp / "cache"), "LANG": "C.UTF-8"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield f"http://127.0.0.1:{port}"
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


def kept(page) -> list[str]:
    return page.locator("#commitments ul.chosen li").all_inner_texts()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_chooses_changes_and_takes_the_check_back_to_its_calendar(server, browser, javascript):
    import icalendar

    context = browser.new_context(**PHONE, accept_downloads=True, java_script_enabled=javascript)
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(server + "/")
    page.get_by_role("button", name=catalogue.t("en", "start")).tap()
    page.wait_for_url("**/quiz/1")
    for n in range(1, 37):  # held, unsure and clear over the myths: a plan with actions to choose from
        page.get_by_role("button", name=LABELS[n % 6], exact=True).tap()
        page.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")
    boxes = page.locator('#commitments input[name="action"]')
    assert boxes.count() >= 3
    labels = page.locator("#commitments label.choice")
    first, second, third = (labels.nth(i).inner_text().strip() for i in range(3))
    for i in (0, 1):  # a finger on the label ticks the box
        labels.nth(i).scroll_into_view_if_needed()
        labels.nth(i).tap()
    assert boxes.nth(0).is_checked() and boxes.nth(1).is_checked()
    page.locator("#commit-own").tap()
    page.locator("#commit-own").fill(OWN)
    with page.expect_navigation(url="**/results?kept=1*"):  # the same address again: wait for the new page
        page.get_by_role("button", name=catalogue.t("en", "commit_save")).tap()
    assert page.get_by_role("status").inner_text() == catalogue.t("en", "commit_saved")
    chosen = kept(page)
    assert len(chosen) == 3 and chosen[2] == OWN  # the own line as typed, never read as markup
    assert chosen[0].startswith(first.split(" (")[0][:40]) and chosen[1].startswith(second.split(" (")[0][:40])
    assert boxes.nth(0).is_checked() and boxes.nth(1).is_checked()  # the form starts from the choice

    # a change of mind: the first action out, the third in, another own line
    labels.nth(0).scroll_into_view_if_needed()
    labels.nth(0).tap()
    labels.nth(2).tap()
    page.locator("#commit-own").fill("Plan next month's posts")
    with page.expect_navigation(url="**/results?kept=1*"):  # the same address again: wait for the new page
        page.get_by_role("button", name=catalogue.t("en", "commit_save")).tap()
    chosen = kept(page)
    assert len(chosen) == 3 and chosen[2] == "Plan next month's posts" and OWN not in "".join(chosen)
    assert chosen[0].startswith(second.split(" (")[0][:40]) and chosen[1].startswith(third.split(" (")[0][:40])
    assert not boxes.nth(0).is_checked() and boxes.nth(1).is_checked() and boxes.nth(2).is_checked()
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], "no sideways scrolling on a phone"

    link = page.get_by_role("link", name=catalogue.t("en", "web_calendar"))
    link.scroll_into_view_if_needed()
    with page.expect_download() as download:
        link.tap()
    assert download.value.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    description = str(events[0].get("DESCRIPTION"))
    assert "Plan next month's posts" in description and OWN not in description
    for text in (second, third):
        assert text.split(" (")[0][:40] in description.replace("\n", " ")
    assert events[0].decoded("DTSTART") is not None
    context.close()
    assert hosts == {server.split("/")[2]}, f"the page asked other hosts: {hosts}"

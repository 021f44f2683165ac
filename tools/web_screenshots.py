"""Write the README's workshop screenshots from the real pages of `misquiz serve`, in Debian's chromium.

python tools/web_screenshots.py     # writes docs/web-phone-statement.png, docs/web-phone-results.png,
                                    # docs/web-desktop-statement.png and docs/web-desktop-results.png,
                                    # docs/web-phone-commitments.png and docs/check-back-example.ics
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from misquiz.files.bank import load_bank

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "tests"))
from support.serving import free_port, start_server  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def holding(bank, held: set[str]) -> dict[str, int]:
    """Answers that hold these myths and see the others clearly."""
    return {
        s.id: (5 if s.keyed == "myth" else 1) if m.id in held else (1 if s.keyed == "myth" else 5)
        for m in bank.myths
        for s in m.statements
    }


def finish(page, answers: dict[str, int], stop_at: int | None = None) -> None:
    for n in range(1, 37):
        if stop_at == n:
            return
        statement = page.locator("input[name=statement]").get_attribute("value")
        page.locator(f'button[name=answer][value="{answers[statement]}"]').click()
        page.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")


def commitments(page) -> None:
    """Two actions and a line of one's own chosen on the phone, and the calendar event they go into."""
    page.locator("input[name=action]").nth(0).check()
    page.locator("input[name=action]").nth(2).check()
    page.fill("#commit-own", "Ask Sofie to post one photo from the workshop each week")
    page.locator("form.commit button[type=submit]").click()
    page.wait_for_url("**/results*")
    page.locator("#commitments").screenshot(path=str(DOCS / "web-phone-commitments.png"))
    with page.expect_download() as download:
        page.locator('a[href$=".ics"]').click()
    download.value.save_as(str(DOCS / "check-back-example.ics"))


def main() -> None:
    bank = load_bank()
    answers = holding(bank, {bank.myths[1].id, bank.myths[4].id, bank.myths[6].id})
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(
            port, "--workshop", "monday", "--round", "before", "--db", str(Path(tmp) / "shots.db"),
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for kind, options in (
                    ("phone", {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                               "device_scale_factor": 2}),
                    ("desktop", {"viewport": {"width": 1100, "height": 800}}),
                ):  # fmt: skip
                    context = browser.new_context(**options)
                    page = context.new_page()
                    page.goto(url)
                    page.get_by_role("button", name="Start").click()
                    page.wait_for_url("**/quiz/1")
                    finish(page, answers, stop_at=7)
                    page.get_by_role("link", name="Back").click()
                    page.wait_for_url("**/quiz/6")
                    page.screenshot(path=str(DOCS / f"web-{kind}-statement.png"))
                    page.locator('button[aria-current="true"]').click()
                    page.wait_for_url("**/quiz/7")
                    for n in range(7, 37):
                        statement = page.locator("input[name=statement]").get_attribute("value")
                        page.locator(f'button[name=answer][value="{answers[statement]}"]').click()
                        page.wait_for_url("**/results" if n == 36 else f"**/quiz/{n + 1}")
                    page.locator("summary").first.click()
                    page.screenshot(path=str(DOCS / f"web-{kind}-results.png"), full_page=kind == "desktop")
                    if kind == "phone":
                        commitments(page)
                    context.close()
                browser.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
    for path in [*sorted(DOCS.glob("web-*.png")), DOCS / "check-back-example.ics"]:
        print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    main()

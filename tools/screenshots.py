"""Write the README's screenshots (SVG) from the app itself, so they stay current.

python tools/screenshots.py        # writes docs/statement.svg and docs/results.svg
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from misquiz.files.bank import load_bank
from misquiz.tui.app import build_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from quiz_helpers import answer_all, answers_holding

DOCS = Path(__file__).resolve().parent.parent / "docs"
SIZE = (80, 24)


async def statement() -> None:
    app = build_app(load_bank(), lang="en", seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4", "2", "5", "left")
        await pilot.pause()
        app.save_screenshot(str(DOCS / "statement.svg"))


async def results() -> None:
    bank = load_bank()
    answers = answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (5, 4), "no-plan": (3, 3)})
    app = build_app(bank, lang="en", seed=1, name="Anna")
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("enter")
        await answer_all(pilot, answers)
        app.save_screenshot(str(DOCS / "results.svg"))


async def main() -> None:
    DOCS.mkdir(exist_ok=True)
    await statement()
    await results()
    print(f"wrote {DOCS / 'statement.svg'} and {DOCS / 'results.svg'}")


if __name__ == "__main__":
    asyncio.run(main())

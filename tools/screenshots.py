"""Write the README's screenshots (SVG) from the app itself, so they stay current.

python tools/screenshots.py        # writes docs/statement.svg and docs/results.svg
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from misquiz.core.model import Bank
from misquiz.core.quiz import QuizOptions
from misquiz.files.bank import load_bank
from misquiz.tui.app import build_app

DOCS = Path(__file__).resolve().parent.parent / "docs"
SIZE = (80, 24)


def holding(bank: Bank, held: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Answers that hold the given myths (answer to myth items, to fact items); every other one is seen clearly."""
    return {s.id: held.get(m.id, (1, 5))[0 if s.keyed == "myth" else 1] for m in bank.myths for s in m.statements}


async def statement() -> None:
    app = build_app(load_bank(), QuizOptions("en", seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "4", "2", "5", "left")
        await pilot.pause()
        app.save_screenshot(str(DOCS / "statement.svg"))


async def results() -> None:
    bank = load_bank()
    answers = holding(bank, {"sales-goal": (5, 1), "more-posts": (5, 4), "no-plan": (3, 3)})
    app = build_app(bank, QuizOptions("en", seed=1, name="Anna"))
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.press("enter")
        for statement_id in list(app.session.order):
            await pilot.press(str(answers[statement_id]))
        await pilot.pause()
        app.save_screenshot(str(DOCS / "results.svg"))


async def main() -> None:
    DOCS.mkdir(exist_ok=True)
    await statement()
    await results()
    print(f"wrote {DOCS / 'statement.svg'} and {DOCS / 'results.svg'}")


if __name__ == "__main__":
    asyncio.run(main())

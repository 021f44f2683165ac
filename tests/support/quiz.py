"""Shared helpers for driving the quiz in tests."""

from __future__ import annotations

from misquiz.core.model import Bank


def answers_holding(bank: Bank, held: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Answers that hold the given myths: myth id -> (answer to myth items, answer to fact items).

    Every other myth is answered as clearly seen (1 to myth items, 5 to fact items).
    """
    answers = {}
    for myth in bank.myths:
        on_myth, on_fact = held.get(myth.id, (1, 5))
        for st in myth.statements:
            answers[st.id] = on_myth if st.keyed == "myth" else on_fact
    return answers


async def answer_all(pilot, answers: dict[str, int | None]) -> None:
    """Answer each statement as it is shown, by pressing its key."""
    session = pilot.app.session
    while True:
        value = answers[session.current.id]
        last = session.position == session.total - 1
        await pilot.press("0" if value is None else str(value))
        if last:
            break
    await pilot.pause()


def quiz_app(
    bank: Bank,
    *,
    lang: str = "en",
    seed: int | None = None,
    name: str = "",
    store=None,
    workshop: str | None = None,
    round: str | None = None,
    person: str | None = None,
    export_dir=None,
):
    """The app as the CLI builds it, from options spelled out as keywords."""
    from misquiz.core.quiz import QuizOptions
    from misquiz.tui.app import build_app

    options = QuizOptions(lang, seed, name, workshop, round, person)
    return build_app(bank, options, store, export_dir=export_dir)


def stored_attempt(store, bank: Bank, options, value: int, *, answers: int | None = None, name: str = ""):
    """An attempt taken as the TUI takes it, written to `store`: `answers` statements (all if None) given `value`."""
    from misquiz.core.quiz import QuizSession
    from misquiz.storage.recording import attach_store

    session = QuizSession.start(bank, options)
    attach_store(session, store, lambda message: None)
    session.begin(name)
    for _ in range(session.total if answers is None else answers):
        session.answer(value)
    return session

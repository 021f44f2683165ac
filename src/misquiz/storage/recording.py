"""Keeps the database in step with a quiz session, answer by answer.

`open_quiz` is the one way every face starts a quiz with a store: it makes the session,
attaches the recorder and finds the attempt this person could go on with.
"""

from __future__ import annotations

from collections.abc import Callable

from misquiz.core.advice import Progress
from misquiz.core.attempt import Attempt
from misquiz.core.model import Bank
from misquiz.core.quiz import QuizOptions, QuizSession
from misquiz.storage.protocol import Store, StoreError


class StoreRecorder:
    """A session's Recorder that writes to a Store; failures are reported, never raised into the UI."""

    def __init__(self, store: Store, on_error: Callable[[str], None] = lambda message: None) -> None:
        self.store = store
        self.on_error = on_error

    def started(self, session: QuizSession) -> None:
        bank = session.bank
        try:
            session.attempt_id = self.store.start_attempt(
                bank_id=bank.id,
                bank_version=bank.version,
                bank_hash=bank.content_hash,
                language=session.lang,
                seed=session.seed,
                order=session.order,
                name=session.name,
                workshop=session.workshop,
                round=session.round,
                person=session.person,
            )
        except StoreError as exc:
            self.on_error(str(exc))

    def answered(self, session: QuizSession, statement_id: str) -> None:
        if session.attempt_id is not None:
            self._try(self.store.save_answer, session.attempt_id, statement_id, session.answers[statement_id])

    def finished(self, session: QuizSession) -> None:
        if session.attempt_id is not None:
            self._try(self.store.finish_attempt, session.attempt_id, session.result().record())

    def language_changed(self, session: QuizSession) -> None:
        if session.attempt_id is not None:
            self._try(self.store.set_language, session.attempt_id, session.lang)

    def set_aside(self, attempt: Attempt) -> None:
        self._try(self.store.abandon_attempt, attempt.id)

    def _try(self, write: Callable[..., None], *args: object) -> None:
        try:
            write(*args)
        except StoreError as exc:
            self.on_error(str(exc))


def open_quiz(
    bank: Bank,
    options: QuizOptions,
    store: Store | None,
    on_error: Callable[[str], None] = lambda message: None,
    *,
    offer_resume: bool = True,
) -> tuple[QuizSession, Attempt | None]:
    """A new session wired to the store, and the unfinished attempt it may go on with."""
    session = QuizSession.start(bank, options)
    if store is None:
        return session, None
    return session, attach_store(session, store, on_error, offer_resume=offer_resume)


def attach_store(
    session: QuizSession,
    store: Store,
    on_error: Callable[[str], None] = lambda message: None,
    *,
    offer_resume: bool = True,
) -> Attempt | None:
    """Wire a session that is already showing to its store; the attempt it may go on with."""
    session.recorder = StoreRecorder(store, on_error)
    resumable = None
    try:
        if not session.name and session.person is None:
            session.name = store.last_name()  # the welcome remembers who uses this machine
        if offer_resume:
            resumable = store.unfinished(session.bank.content_hash, session.workshop)
    except StoreError as exc:
        on_error(str(exc))
    return resumable


def progress_of(store: Store | None, session: QuizSession) -> Progress | None:
    """This person's previous finished result on this bank, to show the change since then."""
    if store is None or session.attempt_id is None:
        return None
    try:
        before = store.previous_finished(session.attempt_id)
    except StoreError:
        return None
    if before is None or before.result is None or before.finished_at is None:
        return None
    return Progress(before.finished_at, before.result.scores())

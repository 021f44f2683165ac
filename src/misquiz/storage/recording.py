"""Keeps the database in step with a quiz session, answer by answer."""

from __future__ import annotations

from collections.abc import Callable

from misquiz.core.quiz import QuizSession
from misquiz.storage.sqlite import Store, StoreError


class StoreRecorder:
    """A session's Recorder that writes to a Store; failures are reported, never raised into the UI."""

    def __init__(self, store: Store, on_error: Callable[[str], None] = lambda message: None) -> None:
        self.store = store
        self.on_error = on_error

    def begin(self, session: QuizSession) -> None:
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
            )
        except StoreError as exc:
            self.on_error(str(exc))

    def answered(self, session: QuizSession, statement_id: str) -> None:
        if session.attempt_id is not None:
            self._try(self.store.save_answer, session.attempt_id, statement_id, session.answers[statement_id])

    def finished(self, session: QuizSession) -> None:
        if session.attempt_id is not None:
            self._try(self.store.finish_attempt, session.attempt_id, session.result().as_dict())

    def language_changed(self, session: QuizSession) -> None:
        if session.attempt_id is not None:
            self._try(self.store.set_language, session.attempt_id, session.lang)

    def _try(self, write: Callable[..., None], *args: object) -> None:
        try:
            write(*args)
        except StoreError as exc:
            self.on_error(str(exc))

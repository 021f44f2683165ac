"""Keeps the database in step with a quiz session, answer by answer.

`open_quiz` is the one way every face starts a quiz with a store: it makes the session and
attaches the recorder; `unfinished_of` finds the attempt the person with a given name could
go on with, once that name is known.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from misquiz.core.advice import AdvicePlan, Progress, plan_of_answers
from misquiz.core.attempt import Attempt
from misquiz.core.commitments import Commitment, choose, follow_up
from misquiz.core.model import Bank
from misquiz.core.quiz import QuizOptions, QuizSession
from misquiz.core.text import clean_name
from misquiz.storage.protocol import Store, StoreError


class StoreRecorder:
    """A session's Recorder that writes to a Store; failures are reported, never raised into the UI (on_error
    gets the StoreError itself, for the face to say in the person's language: core.catalogue.said)."""

    def __init__(self, store: Store, on_error: Callable[[StoreError], None] = lambda error: None) -> None:
        self.store = store
        self.on_error = on_error
        self.finished_ids: set[int] = set()  # attempts this recorder stored as finished

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
            self.on_error(exc)

    def answered(self, session: QuizSession, statement_id: str) -> None:
        attempt_id = session.attempt_id
        if attempt_id is None:
            return
        value = session.answers[statement_id]
        if attempt_id in self.finished_ids:  # changed after finishing (back from the results): re-scored with it
            self._try(self.store.rescore, attempt_id, statement_id, value, session.result().record(), session.answers)
        else:  # the store refuses it if the attempt was finished elsewhere meanwhile
            self._try(self.store.save_answer, attempt_id, statement_id, value)

    def finished(self, session: QuizSession) -> None:
        """The result, stored only if it is the score of the answers stored (the store checks, under a lock)."""
        attempt_id = session.attempt_id
        if attempt_id is None or attempt_id in self.finished_ids:
            return
        # positional: finished_at (None: now), then the answers the result was scored from
        if self._try(self.store.finish_attempt, attempt_id, session.result().record(), None, dict(session.answers)):
            self.finished_ids.add(attempt_id)

    def language_changed(self, session: QuizSession) -> None:
        if session.attempt_id is not None:
            self._try(self.store.set_language, session.attempt_id, session.lang)

    def set_aside(self, attempt: Attempt) -> None:
        self._try(self.store.abandon_attempt, attempt.id)

    def _try(self, write: Callable[..., None], *args: object) -> bool:
        """Whether the write was stored; a failure goes to on_error."""
        try:
            write(*args)
        except StoreError as exc:
            self.on_error(exc)
            return False
        return True


def open_quiz(
    bank: Bank,
    options: QuizOptions,
    store: Store | None,
    on_error: Callable[[StoreError], None] = lambda error: None,
) -> QuizSession:
    """A new session wired to the store (if any); nothing is read or written until it begins."""
    session = QuizSession.start(bank, options)
    if store is not None:
        attach_store(session, store, on_error)
    return session


def attach_store(
    session: QuizSession, store: Store, on_error: Callable[[StoreError], None] = lambda error: None
) -> None:
    """Wire a session that is already showing to its store."""
    session.recorder = StoreRecorder(store, on_error)


def unfinished_of(
    store: Store | None, session: QuizSession, name: str, on_error: Callable[[StoreError], None] = lambda error: None
) -> Attempt | None:
    """The unfinished attempt of the person with this name (PRODUCT.md: the same database and the same name,
    without case and spaces; every unnamed attempt is one person) on this bank, claimed; or None."""
    if store is None:
        return None
    try:
        return store.unfinished(session.bank.content_hash, session.workshop, clean_name(name))
    except StoreError as exc:
        on_error(exc)
        return None


def progress_of(store: Store | None, session: QuizSession) -> Progress | None:
    """This person's previous finished result on this bank, to show the change since then."""
    return _progress(store, session.attempt_id)


def _progress(store: Store | None, attempt_id: int | None) -> Progress | None:
    before = _previous(store, attempt_id)
    if before is None or before.result is None or before.finished_at is None:
        return None
    return Progress(before.finished_at, before.result.scores())


def _previous(store: Store | None, attempt_id: int | None) -> Attempt | None:
    if store is None or attempt_id is None:
        return None
    try:
        return store.previous_finished(attempt_id)
    except StoreError:
        return None


def commitments_of(store: Store | None, attempt_id: int | None) -> tuple[Commitment, ...]:
    """What the person of an attempt chose to do (nothing without a store)."""
    if store is None or attempt_id is None:
        return ()
    try:
        return store.commitments(attempt_id)
    except StoreError:
        return ()


def followed_of(store: Store | None, attempt_id: int | None) -> tuple[Commitment, ...]:
    """The same person's previous finished attempt's commitments, with what they say they did."""
    before = _previous(store, attempt_id)
    return commitments_of(store, before.id) if before is not None else ()


def open_commitments(store: Store | None, session: QuizSession) -> tuple[int, tuple[Commitment, ...]] | None:
    """The previous attempt (id) of the same person, with commitments not yet followed up; or None."""
    before = _previous(store, session.attempt_id)
    if before is None:
        return None
    mine = commitments_of(store, before.id)
    return (before.id, mine) if any(c.status is None for c in mine) else None


def session_plan(store: Store | None, session: QuizSession, now: Callable[[], datetime]) -> AdvicePlan:
    """The one plan of a session's answers, as every face shows and saves it: with the same person's
    progress and a check-back date counted from when the attempt was finished (or now)."""
    taken_at = None
    if store is not None and session.attempt_id is not None:
        try:
            stored = store.attempt(session.attempt_id)
        except StoreError:
            stored = None
        if stored is not None:
            taken_at = stored.finished_at
    return plan_of_answers(
        session.bank,
        session.answers,
        session.lang,
        name=session.name,
        taken_at=taken_at or now().isoformat(timespec="seconds"),
        progress=progress_of(store, session),
        commitments=commitments_of(store, session.attempt_id),
        followed=followed_of(store, session.attempt_id),
    )


def attempt_plan(store: Store | None, bank: Bank, attempt: Attempt, lang: str | None = None) -> AdvicePlan:
    """The one plan of a stored attempt (for `export`): the same plan the quiz showed."""
    return plan_of_answers(
        bank,
        attempt.answers,
        lang or attempt.language,
        name=attempt.name,
        taken_at=attempt.finished_at or attempt.started_at,
        progress=_progress(store, attempt.id),
        commitments=commitments_of(store, attempt.id),
        followed=followed_of(store, attempt.id),
    )


def save_commitments(store: Store, session: QuizSession, keys: list[str], own: str = "") -> tuple[Commitment, ...]:
    """Check a person's choice against their own plan (core.commitments.choose) and keep it with the attempt,
    replacing an earlier choice. Raises CommitmentError (a message for the person) or StoreError."""
    if session.attempt_id is None:
        raise StoreError("store_not_stored")
    chosen = choose(session.bank, session.result(), keys, own)
    store.set_commitments(session.attempt_id, chosen)
    return chosen


def save_follow_up(store: Store, attempt_id: int, answers: dict[int, str]) -> tuple[Commitment, ...]:
    """What the person says they did of an earlier attempt's commitments, by 1-based place; kept with it."""
    followed = follow_up(store.commitments(attempt_id), answers)
    store.set_commitments(attempt_id, followed)
    return followed

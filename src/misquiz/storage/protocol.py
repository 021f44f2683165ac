"""The narrow interface every store fills: what the faces may ask of a database.

SQLite fills it by default (storage.sqlite); PostgreSQL (storage.postgres) fills the same
methods and passes the same tests. Nothing outside storage/ speaks SQL.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from misquiz.core.catalogue import FALLBACK, Explained, t

if TYPE_CHECKING:
    from misquiz.core.attempt import Attempt, ScoreRecord
    from misquiz.core.commitments import Commitment, CommitmentCount
    from misquiz.core.items import AnswerPatterns
    from misquiz.core.model import Bank
    from misquiz.core.room import Room, RoomCounts, WorkshopSummary
    from misquiz.core.session import SessionState


class StoreError(Explained):
    """A database that cannot be used; the message says where and why.

    A catalogue sentence (a `store_` key and its values), told in the person's language by `said` (and by
    core.catalogue.said) and in English by str(), which tests and logs read. A plain sentence is still taken
    as it is (English in every language): for a message no catalogue holds yet. A float value (seconds) and
    a Count are written as the language writes numbers.
    """

    def __init__(self, key: str, /, **values: object) -> None:
        if values or (key.startswith("store_") and key.isidentifier()):
            super().__init__(key, **values)
        else:
            self.key, self.values = "", {}
            Exception.__init__(self, key)

    def said(self, lang: str) -> str:
        if not self.key:
            return str(self.args[0]) if self.args else ""
        values = {k: _written(v, lang) for k, v in self.values.items()}
        return t(lang, self.key, **values)


class Count(int):
    """A number shown with the language's thousands separator (100,000 in English, 100 000 in French)."""


def _written(value: object, lang: str) -> object:
    """A value as it goes into a sentence in this language: Explained said in it, numbers as it writes them."""
    if isinstance(value, Explained):
        return value.said(lang)
    if isinstance(value, Count | float) and not isinstance(value, bool):
        from babel.numbers import format_decimal

        from misquiz.core.catalogue import locale_of

        return format_decimal(value, locale=locale_of(lang or FALLBACK))
    return value


class AttemptFinished(StoreError):
    """An answer to an attempt that is already finished, or a second finish with another result: refused,
    nothing written. The stored result stays the score of the stored answers."""


class AnswersChanged(StoreError):
    """A result scored from answers that are not the ones stored (another tab or server changed one meanwhile):
    refused, nothing written."""


class UidConflict(StoreError):
    """An attempt to import whose uid is already stored with other content: nothing imported for it."""


class WorkshopMerge(NamedTuple):
    """What `merge_workshops` did, or, when one participant would be in a round twice, why it did nothing."""

    moved: int  # attempts that now carry the target's code
    dropped: int  # attempts deleted because the participant's other attempt in that round was kept
    clashes: list[tuple[str | None, int, int]]  # round, the source's attempt, the target's: the same token


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_postgres_url(where: object) -> bool:
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


def default_db_path() -> Path:
    """The SQLite file in the user's data folder, unless $MISQUIZ_DB names a file."""
    env = os.environ.get("MISQUIZ_DB")
    if env and not is_postgres_url(env):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("misquiz", appauthor=False)) / "misquiz.db"


class Store(Protocol):
    clock: Callable[[], datetime]
    shared: bool  # several servers may write it at once: what a server keeps in memory may be stale

    def close(self) -> None: ...

    def start_attempt(
        self,
        *,
        bank_id: str,
        bank_version: str,
        bank_hash: str,
        language: str,
        seed: int,
        order: list[str],
        name: str = "",
        workshop: str | None = None,
        round: str | None = None,
        person: str | None = None,
        uid: str | None = None,
        started_at: str | None = None,
    ) -> int: ...

    def save_answer(self, attempt_id: int, statement_id: str, value: int | None) -> None:
        """Store or replace one answer; AttemptFinished if the attempt is finished (checked in the same transaction)."""
        ...

    def save_answers(self, answers: list[tuple[int, str, int | None]]) -> None:
        """Several answers (attempt, statement, value), all stored or none: AttemptFinished if one's attempt is
        finished (the web's group commit then stores each alone, so only that one is refused)."""
        ...

    def set_language(self, attempt_id: int, language: str) -> None: ...

    def finish_attempt(
        self,
        attempt_id: int,
        result: ScoreRecord,
        finished_at: str | None = None,
        answers: Mapping[str, int | None] | None = None,
    ) -> None:
        """Store an attempt's result, under the attempt's lock, so it is the score of the answers stored.

        `answers`: those the result was scored from (None: not checked); when the stored ones differ,
        AnswersChanged and nothing is written. An attempt already finished is kept: finishing it again with
        the same result is a no-op (a retry), with another result AttemptFinished.
        """
        ...

    def rescore(
        self,
        attempt_id: int,
        statement_id: str,
        value: int | None,
        result: ScoreRecord,
        answers: Mapping[str, int | None],
    ) -> None:
        """The owner changes an answer of a finished attempt: the answer and the new result in one transaction.

        `answers`: all the attempt's answers with this change, which the result was scored from; when the stored
        ones (with this change) differ, AnswersChanged and nothing is written. When it was finished stays.
        """
        ...

    def abandon_attempt(self, attempt_id: int) -> None: ...

    def attempt(self, attempt_id: int) -> Attempt | None: ...

    def attempts(self, batch: int = 1000) -> Iterator[Attempt]: ...

    def latest_id(self) -> int | None: ...

    def unfinished(self, bank_hash: str, workshop: str | None = None, name: str = "") -> Attempt | None:
        """The owner's unfinished attempt with this name (without case and spaces) to go on with, claimed."""
        ...

    def participant_attempt(self, bank_hash: str, workshop: str, round: str | None, person: str) -> Attempt | None: ...

    def participant_states(
        self, held: list[tuple[int, str]], bank_hash: str, workshop: str, round: str | None
    ) -> dict[tuple[int, str], tuple[str, dict[str, int | None]]]: ...

    def server_secret(self) -> bytes: ...

    def previous_finished(self, attempt_id: int) -> Attempt | None: ...

    def backup(self, target: str | os.PathLike[str]) -> None: ...

    def history(self) -> list[dict[str, object]]: ...

    def history_json(self) -> str: ...

    def import_attempt(self, attempt: Attempt) -> bool: ...

    def room_counts(self, workshop: str) -> RoomCounts: ...

    def finished_answers(
        self, bank_id: str, workshop: str | None = None, round: str | None = None
    ) -> list[tuple[int, str, int | None]]: ...

    def answer_patterns(self, bank: Bank, workshop: str | None = None, round: str | None = None) -> AnswerPatterns:
        """The answer patterns of the same attempts as finished_answers, counted where they are stored."""
        ...

    def workshops(self) -> list[WorkshopSummary]: ...

    def retag(self, workshop: str, from_round: str | None, to_round: str | None) -> int: ...

    def delete_workshop(self, workshop: str, attempt_id: int | None = None) -> int: ...

    def rename_workshop(self, old: str, new: str) -> int:
        """Give a workshop's attempts (and its join address) another code; how many attempts moved."""
        ...

    def merge_workshops(self, source: str, target: str, keep: str | None = None) -> WorkshopMerge:
        """Move the source's attempts into the target workshop, in one transaction.

        Where one participant token has an attempt in the same round of both, nothing changes unless
        `keep` says whose to keep ("source" or "target"); the other attempt is deleted.
        """
        ...

    def join_address(self, workshop: str) -> str | None: ...

    def set_join_address(self, workshop: str, url: str) -> None: ...

    def session_state(self, workshop: str, round: str | None) -> SessionState: ...

    def commitments(self, attempt_id: int) -> tuple[Commitment, ...]: ...

    def commitment_counts(self, workshop: str) -> list[CommitmentCount]:
        """A workshop's finished attempts' commitments, counted per round, action and status; never who."""
        ...

    def set_commitments(self, attempt_id: int, commitments: Sequence[Commitment]) -> None:
        """Replace an attempt's commitments: a change of mind, or the follow-up of what was done."""
        ...

    def change_session(
        self, workshop: str, round: str | None, change: Callable[[SessionState], SessionState]
    ) -> SessionState:
        """Read, change and write a round's live session in one transaction; the changed state."""
        ...

    def round_banks(self, workshop: str, round: str | None) -> dict[str, tuple[str, int]]:
        """Which banks a workshop round's attempts (not set aside) were made on: bank hash -> (version, attempts)."""
        ...

    def adopt_bank(self, attempt_id: int, bank_id: str, bank_version: str, bank_hash: str) -> bool:
        """An unfinished attempt carries on under another bank; False (nothing changed) if it is finished."""
        ...


def store_address(where: str | os.PathLike[str] | None = None) -> str | os.PathLike[str]:
    """Where the store is: the path or URL given, else $MISQUIZ_DB, else the user's data folder."""
    return where or os.environ.get("MISQUIZ_DB") or default_db_path()


def open_store(
    where: str | os.PathLike[str] | None = None, clock: Callable[[], datetime] = utc_now, *, read_only: bool = False
) -> Store:
    """The store at a path or a postgresql:// URL (default: $MISQUIZ_DB, else the user's data folder).

    Read-only changes nothing in it.
    """
    where = store_address(where)
    if is_postgres_url(where):
        from misquiz.storage.postgres import PostgresStore

        return PostgresStore(str(where), clock=clock, read_only=read_only)
    from misquiz.storage.sqlite import SQLiteStore

    return SQLiteStore(where, clock=clock, read_only=read_only)


def read_room(store: Store, bank: Bank, workshop: str, round: str | None = None, min_group: int | None = None) -> Room:
    """Where a workshop room stands now: the store counts, the core tallies."""
    from dataclasses import replace

    from misquiz.core.commitments import tally_commitments
    from misquiz.core.room import MIN_GROUP, tally_room

    minimum = MIN_GROUP if min_group is None else min_group
    room = tally_room(bank, store.room_counts(workshop), workshop, round, minimum)
    counts = store.commitment_counts(workshop)
    return replace(
        room,
        commitments={
            name: tally_commitments(bank, counts, name, r.finished, minimum) for name, r in room.rounds.items()
        },
    )

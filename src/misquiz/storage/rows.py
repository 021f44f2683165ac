"""What every backend shares: an attempt's row and who holds an attempt.

SQLite and PostgreSQL read the same columns in the same order and map them to the same
`Attempt`; a live process marks what it answers the same way in both.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from misquiz.core.attempt import Attempt, ScoreRecord, moment_in_span
from misquiz.storage.protocol import StoreError

ATTEMPT_COLUMNS = (
    "id, uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, workshop, round, "
    "started_at, finished_at, result, person"
)


def attempt_from_row(row: Sequence[Any]) -> Attempt:
    """An attempt from the ATTEMPT_COLUMNS of one row (order and result kept as JSON text).

    A row changed behind misquiz's back (a damaged file, a hand edit) is reported as StoreError naming
    the attempt and what is wrong, so no later step (export, reports, copies) meets a value it cannot handle.
    """
    try:
        attempt = _attempt(row)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        raise StoreError(
            f"attempt {plain_id(row)}: damaged in the database ({exc}); the other attempts are readable"
        ) from None
    problem = _damage(attempt)
    if problem:
        raise StoreError(
            f"attempt {plain_id(row)}: damaged in the database ({problem}); the other attempts are readable"
        )
    return attempt


def plain_id(row: Sequence[Any]) -> str:
    return str(row[0]) if row and isinstance(row[0], int) else "?"


def _damage(a: Attempt) -> str:
    """What is wrong with an attempt read back, or ""."""
    texts = (a.uid, a.bank_id, a.bank_version, a.bank_hash, a.language, a.name)
    if not isinstance(a.id, int) or not all(isinstance(v, str) for v in texts):
        return "a text field holds something else"
    if not all(v is None or isinstance(v, str) for v in (a.workshop, a.person)) or a.round not in (
        None,
        "before",
        "after",
    ):
        return "its workshop, round or person is not valid"
    if not isinstance(a.seed, int) or isinstance(a.seed, bool):
        return "its seed is not a whole number"
    if not isinstance(a.order, list) or not all(isinstance(sid, str) for sid in a.order):
        return "its statement order is not a list of ids"
    if not moment_in_span(a.started_at) or not (a.finished_at is None or moment_in_span(a.finished_at)):
        return "a date is not a date and time between the years 2000 and 9000"
    if a.result is not None and not _sound(a.result):
        return "its stored result is not valid"
    return ""


def _sound(result: ScoreRecord) -> bool:
    def number(v: object) -> bool:
        return v is None or (isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 100)

    return (
        number(result.overall)
        and (result.profile is None or isinstance(result.profile, str))
        and all(
            isinstance(m.id, str) and number(m.score) and (m.band is None or isinstance(m.band, str))
            for m in result.myths
        )
        and all(isinstance(p, str) for p in result.priorities)
    )


def answers_from_rows(attempt_id: int, rows: Sequence[Sequence[Any]]) -> dict[str, int | None]:
    """An attempt's answers (statement id: 1..5 or None for "no opinion"); anything else is damage."""
    answers: dict[str, int | None] = {}
    for sid, value in rows:
        if not isinstance(sid, str) or not (value is None or (type(value) is int and 1 <= value <= 5)):
            raise StoreError(
                f"attempt {attempt_id}: damaged in the database (an answer is not 1-5 or no opinion); "
                "the other attempts are readable"
            )
        answers[sid] = value
    return answers


def _attempt(row: Sequence[Any]) -> Attempt:
    (
        id_,
        uid,
        bank_id,
        version,
        bank_hash,
        lang,
        seed,
        order,
        name,
        workshop,
        round_,
        started,
        finished,
        result,
        person,
    ) = row
    return Attempt(
        id_,
        uid,
        bank_id,
        version,
        bank_hash,
        lang,
        seed,
        json.loads(order),
        name,
        workshop,
        round_,
        started,
        finished,
        ScoreRecord.from_json(json.loads(result)) if result else None,
        person=person,
    )


def imported_row(attempt: Attempt) -> tuple[Any, ...]:
    """The values an imported attempt is stored with, in the order of IMPORT_COLUMNS."""
    return (
        attempt.uid,
        attempt.bank_id,
        attempt.bank_version,
        attempt.bank_hash,
        attempt.language,
        attempt.seed,
        json.dumps(attempt.order),
        attempt.name,
        attempt.workshop,
        attempt.round,
        attempt.started_at,
        attempt.finished_at,
        json.dumps(attempt.result.as_json()) if attempt.result is not None else None,
        attempt.person or f"imported:{attempt.uid}",  # someone else's attempt, never the owner's
    )


IMPORT_COLUMNS = (
    "uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, "
    "workshop, round, started_at, finished_at, result, person"
)


def myth_score_rows(attempt_id: int, result: ScoreRecord, workshop: str | None, round_: str | None) -> list[tuple]:
    return [(attempt_id, m.id, m.score, m.band, int(m.mixed_signals), workshop, round_) for m in result.myths]


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}"


def _started(pid: int) -> str:
    """When a process started (Linux /proc), so that a reused process id is not taken for the old process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "?"


def alive(holder: str) -> bool:
    """Whether the process that holds an attempt still runs; one on another host is taken to."""
    host, _, rest = holder.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname():
        return True
    try:
        pid = int(pid_text)
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return started in ("?", _started(pid))

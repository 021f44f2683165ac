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

from misquiz.core.attempt import Attempt, ScoreRecord

ATTEMPT_COLUMNS = (
    "id, uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, workshop, round, "
    "started_at, finished_at, result, person"
)


def attempt_from_row(row: Sequence[Any]) -> Attempt:
    """An attempt from the ATTEMPT_COLUMNS of one row (order and result kept as JSON text)."""
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

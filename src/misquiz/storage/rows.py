"""What every backend shares: an attempt's row, who holds an attempt, and answer patterns in integers.

SQLite and PostgreSQL read the same columns in the same order and map them to the same
`Attempt`; a live process marks what it answers the same way in both; both count answer
patterns (item statistics) with the same integer codes.
"""

from __future__ import annotations

import json
import os
import socket
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from misquiz.core.attempt import Attempt, ScoreRecord, moment_in_span
from misquiz.core.catalogue import Explained
from misquiz.core.commitments import STATUSES, Commitment
from misquiz.core.text import person_key
from misquiz.storage.protocol import AnswersChanged, AttemptFinished, StoreError, UidConflict

if TYPE_CHECKING:  # item statistics are imported when asked for: the quiz's start-up does without them
    from misquiz.core.items import AnswerPatterns, Pattern
    from misquiz.core.model import Bank

ATTEMPT_COLUMNS = (
    "id, uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, workshop, round, "
    "started_at, finished_at, result, person"
)


NAME = ATTEMPT_COLUMNS.split(", ").index("name")


def of_person(rows: Iterable[Sequence[Any]], name: str) -> Iterator[Sequence[Any]]:
    """The rows (ATTEMPT_COLUMNS first) of the person with this name: the same name without case and spaces."""
    key = person_key(name)
    return (row for row in rows if isinstance(row[NAME], str) and person_key(row[NAME]) == key)


def commitments_from_rows(rows: Iterable[Sequence[Any]]) -> tuple[Commitment, ...]:
    """Stored commitments as the core's values; a status the core does not know reads as not asked yet."""
    return tuple(
        Commitment(
            None if myth is None else str(myth),
            None if action is None else int(action),
            None if own is None else str(own),
            status if status in STATUSES else None,
        )
        for myth, action, own, status in rows
    )


def attempt_from_row(row: Sequence[Any]) -> Attempt:
    """An attempt from the ATTEMPT_COLUMNS of one row (order and result kept as JSON text).

    A row changed behind misquiz's back (a damaged file, a hand edit) is reported as StoreError naming
    the attempt and what is wrong, so no later step (export, reports, copies) meets a value it cannot handle.
    """
    try:
        attempt = _attempt(row)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        raise StoreError("store_attempt_damaged", attempt=plain_id(row), error=str(exc)) from None
    problem = _damage(attempt)
    if problem:
        raise StoreError("store_attempt_damaged", attempt=plain_id(row), error=Explained(problem))
    return attempt


def plain_id(row: Sequence[Any]) -> str:
    return str(row[0]) if row and isinstance(row[0], int) else "?"


def _damage(a: Attempt) -> str:
    """What is wrong with an attempt read back (a catalogue key), or ""."""
    texts = (a.uid, a.bank_id, a.bank_version, a.bank_hash, a.language, a.name)
    if not isinstance(a.id, int) or not all(isinstance(v, str) for v in texts):
        return "store_damage_text"
    if not all(v is None or isinstance(v, str) for v in (a.workshop, a.person)) or a.round not in (
        None,
        "before",
        "after",
    ):
        return "store_damage_place"
    if not isinstance(a.seed, int) or isinstance(a.seed, bool):
        return "store_damage_seed"
    if not isinstance(a.order, list) or not all(isinstance(sid, str) for sid in a.order):
        return "store_damage_order"
    if not moment_in_span(a.started_at) or not (a.finished_at is None or moment_in_span(a.finished_at)):
        return "store_damage_date"
    if a.result is not None and not _sound(a.result):
        return "store_damage_result"
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
            raise StoreError("store_attempt_damaged", attempt=attempt_id, error=Explained("store_answer_out_of_range"))
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


def content(attempt: Attempt) -> tuple[Any, ...]:
    """What makes two attempts with one uid the same attempt: its bank, seed, order, name, times, result and
    answers. Not its id, nor where it is filed (workshop, round, person: an import may file it elsewhere), nor
    the language it was last shown in."""
    return (
        attempt.bank_id,
        attempt.bank_version,
        attempt.bank_hash,
        attempt.seed,
        list(attempt.order),
        attempt.name,
        attempt.started_at,
        attempt.finished_at,
        None if attempt.result is None else result_text(attempt.result),
        dict(attempt.answers),
    )


def refuse_a_stranger(where: str, stored: Attempt | None, given: Attempt) -> None:
    """UidConflict if the attempt stored under the given one's uid is another attempt."""
    if stored is not None and content(stored) != content(given):
        raise UidConflict("store_uid_conflict", where=where, uid=given.uid)


IMPORT_COLUMNS = (
    "uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, "
    "workshop, round, started_at, finished_at, result, person"
)


def result_text(result: ScoreRecord) -> str:
    """A result as it is stored."""
    return json.dumps(result.as_json())


def finished_refusal(attempt_id: int) -> AttemptFinished:
    return AttemptFinished("store_attempt_finished", attempt=attempt_id)


def answers_check(attempt_id: int, stored: Mapping[str, int | None], scored: Mapping[str, int | None]) -> None:
    """AnswersChanged unless the answers stored are those the result was scored from."""
    if dict(stored) != dict(scored):
        raise AnswersChanged("store_answers_changed", attempt=attempt_id)


def already_settled(
    attempt_id: int,
    finished_at: object,
    stored_result: object,
    stored: Mapping[str, int | None],
    scored: Mapping[str, int | None] | None,
    result: str,
) -> bool:
    """Whether a finish has nothing to write (the attempt is already finished with this very result: a retry).

    Read under the attempt's lock. Raises AnswersChanged when `scored` (the answers the result was scored
    from; None: not checked) is not what is stored, AttemptFinished when it is finished with another result.
    """
    if scored is not None:
        answers_check(attempt_id, stored, scored)
    if finished_at is None:
        return False
    if stored_result == result:
        return True
    raise AttemptFinished("store_finished_other", attempt=attempt_id)


def missing_attempt(attempt_id: int) -> StoreError:
    return StoreError("store_attempt_missing", attempt=attempt_id)


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


# A person's patterns travel as integers: three bits per statement (its state 0..6), 21 statements to a
# 64-bit integer, called a slot. Small myths share a slot; a myth of more than 21 statements has slots of its
# own. The database sums state × unit over each attempt's answers into its slots, one row per attempt: a few
# sums per answer, and no sorting of answers.
STATE_BITS = 3
SLOT_STATEMENTS = 21


class MythSlots(NamedTuple):
    id: str
    statements: int
    parts: tuple[tuple[int, int, int], ...]  # (slot, first bit, statements there): where its states are


class PatternLayout(NamedTuple):
    keys: list[tuple[str, int, int]]  # statement id, its slot, its unit (1 << the first bit of its state)
    myths: list[MythSlots]
    slots: int


def pattern_layout(bank: Bank) -> PatternLayout:
    keys: list[tuple[str, int, int]] = []
    myths: list[MythSlots] = []
    slot, used = 0, 0  # the slot being filled, and how many statements it holds
    for myth in bank.myths:
        ids = [s.id for s in myth.statements]
        if used and used + len(ids) > SLOT_STATEMENTS:
            slot, used = slot + 1, 0
        parts = []
        for start in range(0, len(ids), SLOT_STATEMENTS):
            if start:
                slot, used = slot + 1, 0
            chunk = ids[start : start + SLOT_STATEMENTS]
            parts.append((slot, STATE_BITS * used, len(chunk)))
            keys += [(sid, slot, 1 << (STATE_BITS * (used + place))) for place, sid in enumerate(chunk)]
            used += len(chunk)
        myths.append(MythSlots(myth.id, len(ids), tuple(parts)))
    return PatternLayout(keys, myths, slot + 1 if keys else 0)


_PAIRS = [(v & 7, v >> STATE_BITS) for v in range(64)]  # two statements' states from six bits


def decoded(codes: Sequence[int], statements: int) -> Pattern:
    """A myth's pattern from its parts' codes (each shifted down to its first state), two states at a time."""
    states: Pattern = ()
    for code in codes:
        n = min(SLOT_STATEMENTS, statements - len(states))
        part: Pattern = ()
        for first in range(0, STATE_BITS * n, 2 * STATE_BITS):
            part += _PAIRS[(code >> first) & 63]
        states += part[:n]
    return states


def patterns_per_attempt(layout: PatternLayout, rows: Sequence[Sequence[int | None]]) -> AnswerPatterns:
    """The patterns from one row of slot sums per attempt (None: nothing answered in that slot)."""
    from misquiz.core.items import AnswerPatterns

    columns = list(zip(*rows, strict=True)) if rows else [()] * layout.slots
    if not all(type(code) is int or code is None for column in columns for code in column):
        raise StoreError("store_answers_damaged")
    myths: dict[str, dict[Pattern, int]] = {}
    for myth in layout.myths:
        parts = [_part(columns[slot], first, n) for slot, first, n in myth.parts]
        if len(parts) == 1:  # a myth in one slot: its codes are counted as they are
            counted = Counter(parts[0])
            myths[myth.id] = {decoded((code,), myth.statements): n for code, n in counted.items() if code}
        else:
            joined = Counter(zip(*parts, strict=True))
            myths[myth.id] = {decoded(codes, myth.statements): n for codes, n in joined.items() if any(codes)}
    return AnswerPatterns(len(rows), myths)


def _part(column: Sequence[int | None], first: int, statements: int) -> list[int]:
    mask = (1 << (STATE_BITS * statements)) - 1
    return [((code or 0) >> first) & mask for code in column]


def patterns_counted(
    layout: PatternLayout, attempts: int, rows: Iterable[tuple[int, Sequence[int], int]]
) -> AnswerPatterns:
    """The patterns from (myth's place in the layout, its parts' codes, people) rows counted by the database."""
    from misquiz.core.items import AnswerPatterns

    myths: dict[str, dict[Pattern, int]] = {myth.id: {} for myth in layout.myths}
    for place, codes, n in rows:
        if any(codes):
            myth = layout.myths[place]
            pattern = decoded(codes, myth.statements)
            myths[myth.id][pattern] = myths[myth.id].get(pattern, 0) + int(n)
    return AnswerPatterns(attempts, myths)

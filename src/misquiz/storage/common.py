"""What SQLite and PostgreSQL share: every query written once, in one dialect, and the row handling around it.

The shared SQL is written with `?` placeholders, `IS NOT DISTINCT FROM` for a comparison that treats two NULLs
as equal, and `FOR UPDATE` where PostgreSQL locks the rows it reads; each backend turns it into its own
dialect (`_sql`). A backend holds only where it differs: opening and migrating, its connection and how a
statement or a transaction runs on it (`_read`, `_run`, `_transaction`), its locking, and the few queries
whose best form differs (answers stored at speed, answer patterns, participants' states, history as JSON).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from misquiz.core.attempt import Attempt, ScoreRecord
from misquiz.core.commitments import Commitment, CommitmentCount
from misquiz.core.room import BandCount, PeopleCount, RoomCounts, WorkshopSummary
from misquiz.core.session import SessionState, round_key
from misquiz.storage.protocol import WorkshopMerge
from misquiz.storage.rows import (
    ATTEMPT_COLUMNS,
    IMPORT_COLUMNS,
    alive,
    already_settled,
    answers_check,
    answers_from_rows,
    attempt_from_row,
    commitments_from_rows,
    imported_row,
    missing_attempt,
    myth_score_rows,
    of_person,
    refuse_a_stranger,
    result_text,
)

T = TypeVar("T")

UPSERT_ANSWER = (
    "INSERT INTO answers (attempt_id, statement_id, value, answered_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (attempt_id, statement_id) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at"
)


class Tx:
    """One transaction's connection, speaking the shared dialect."""

    def __init__(self, store: SQLStore, conn: Any) -> None:
        self.store, self.conn = store, conn

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self.store._sql(sql), args)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.store._executemany(self.conn, self.store._sql(sql), rows)


class SQLStore:
    """The Store's methods whose SQL both databases read alike; SQLiteStore and PostgresStore fill the rest."""

    clock: Callable[[], datetime]
    holder: str  # this process, as it marks the attempts it answers
    read_only: bool
    where: str  # the database as it may be printed

    # -- what each backend fills ------------------------------------------------------

    def _sql(self, sql: str) -> str:
        """The shared dialect's statement in this database's own."""
        raise NotImplementedError

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Rows of one statement in the backend's own dialect; StoreError if it fails."""
        raise NotImplementedError

    def _run(self, sql: str, args: tuple = ()) -> None:
        """One statement on its own (in the backend's own dialect), committed; StoreError if it fails."""
        raise NotImplementedError

    def _transaction(self, work: Callable[[Any], T]) -> T:
        """`work` on the backend's connection in one transaction: committed when it returns, else rolled back."""
        raise NotImplementedError

    def _executemany(self, conn: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def _insert(self, sql: str, args: tuple) -> int:
        """Insert one attempt row (backend's dialect) on its own; its id."""
        raise NotImplementedError

    def _insert_in(self, tx: Tx, sql: str, args: tuple) -> int | None:
        """Insert one row in a transaction (shared dialect) unless it conflicts; its id, or None."""
        raise NotImplementedError

    def _participant_rows(
        self, held: list[tuple[int, str]], bank_hash: str, workshop: str, round: str | None
    ) -> list[tuple]:
        raise NotImplementedError

    # -- the shared dialect, run ----------------------------------------------------------

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        return self._read(self._sql(sql), args)

    def _do(self, sql: str, args: tuple = ()) -> None:
        self._run(self._sql(sql), args)

    def _tx(self, work: Callable[[Tx], T]) -> T:
        return self._transaction(lambda conn: work(Tx(self, conn)))

    def _now(self) -> str:
        return self.clock().astimezone(UTC).isoformat(timespec="seconds")

    # -- attempts ---------------------------------------------------------------------

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
    ) -> int:
        return self._insert(
            self._sql(
                "INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, "
                "name, workshop, round, started_at, person, held_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (
                uid or os.urandom(16).hex(),
                bank_id,
                bank_version,
                bank_hash,
                language,
                seed,
                json.dumps(order),
                name,
                workshop,
                round,
                started_at or self._now(),
                person,
                self.holder,
            ),
        )

    def set_language(self, attempt_id: int, language: str) -> None:
        self._do("UPDATE attempts SET language = ? WHERE id = ?", (language, attempt_id))

    def set_name(self, attempt_id: int, name: str) -> None:
        self._do("UPDATE attempts SET name = ? WHERE id = ?", (name, attempt_id))

    def abandon_attempt(self, attempt_id: int) -> None:
        self._do("UPDATE attempts SET abandoned_at = ? WHERE id = ?", (self._now(), attempt_id))

    def finish_attempt(
        self,
        attempt_id: int,
        result: ScoreRecord,
        finished_at: str | None = None,
        answers: Mapping[str, int | None] | None = None,
    ) -> None:
        """The result, if it is the score of the answers stored (see Store.finish_attempt): checked and written
        under the attempt's lock (PostgreSQL: its row, FOR UPDATE, which every answer to it waits for; READ
        COMMITTED, so the answers read once the lock is had include one committed meanwhile. SQLite: BEGIN
        IMMEDIATE holds every other writer off)."""
        text = result_text(result)

        def work(tx: Tx) -> None:
            row = tx.execute(
                "SELECT finished_at, result, workshop, round FROM attempts WHERE id = ? FOR UPDATE", (attempt_id,)
            ).fetchone()
            if row is None:
                return
            if already_settled(attempt_id, row[0], row[1], _answers_in(tx, attempt_id), answers, text):
                return
            tx.execute(
                "UPDATE attempts SET finished_at = ?, result = ? WHERE id = ?",
                (finished_at or self._now(), text, attempt_id),
            )
            _write_myth_scores(tx, attempt_id, result, row[2], row[3])

        self._tx(work)

    def rescore(
        self,
        attempt_id: int,
        statement_id: str,
        value: int | None,
        result: ScoreRecord,
        answers: Mapping[str, int | None],
    ) -> None:
        """A changed answer of a finished attempt and its new result, together, under the attempt's lock."""

        def work(tx: Tx) -> None:
            row = tx.execute("SELECT workshop, round FROM attempts WHERE id = ? FOR UPDATE", (attempt_id,)).fetchone()
            if row is None:
                raise missing_attempt(attempt_id)
            tx.execute(UPSERT_ANSWER, (attempt_id, statement_id, value, self._now()))
            answers_check(attempt_id, _answers_in(tx, attempt_id), answers)
            tx.execute(
                "UPDATE attempts SET finished_at = COALESCE(finished_at, ?), result = ? WHERE id = ?",
                (self._now(), result_text(result), attempt_id),
            )
            _write_myth_scores(tx, attempt_id, result, row[0], row[1])

        self._tx(work)

    # -- reading ---------------------------------------------------------------------

    def attempt(self, attempt_id: int) -> Attempt | None:
        rows = self._rows(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,))
        return self._with_answers(rows[0]) if rows else None

    def _with_answers(self, row: Sequence[Any]) -> Attempt:
        attempt = attempt_from_row(row)
        attempt.answers = self.answers(attempt.id)
        return attempt

    def attempts(self, batch: int = 1000) -> Iterator[Attempt]:
        """Every attempt with its answers, oldest id first, read a batch at a time."""
        after = 0
        while True:
            rows = self._rows(
                f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id > ? ORDER BY id LIMIT ?", (after, batch)
            )
            if not rows:
                return
            found = [attempt_from_row(row) for row in rows]
            answers: dict[int, list[tuple[str, int | None]]] = {}
            for attempt_id, sid, value in self._rows(
                "SELECT attempt_id, statement_id, value FROM answers WHERE attempt_id BETWEEN ? AND ?",
                (found[0].id, found[-1].id),
            ):
                answers.setdefault(attempt_id, []).append((sid, value))
            for attempt in found:
                attempt.answers = answers_from_rows(attempt.id, answers.get(attempt.id, []))
                yield attempt
            after = found[-1].id

    def latest_id(self) -> int | None:
        """The latest finished attempt: what `export latest` means."""
        rows = self._rows(
            "SELECT id FROM attempts WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1"
        )
        return int(rows[0][0]) if rows else None

    def claim(self, attempt_id: int) -> bool:
        """Take an attempt for this process, unless another live process holds it."""

        def work(tx: Tx) -> bool:
            row = tx.execute("SELECT held_by FROM attempts WHERE id = ? FOR UPDATE", (attempt_id,)).fetchone()
            if row is None or (row[0] not in (None, self.holder) and alive(row[0])):
                return False
            tx.execute("UPDATE attempts SET held_by = ? WHERE id = ?", (self.holder, attempt_id))
            return True

        return bool(self._tx(work))

    def answers(self, attempt_id: int) -> dict[str, int | None]:
        rows = self._rows("SELECT statement_id, value FROM answers WHERE attempt_id = ?", (attempt_id,))
        return answers_from_rows(attempt_id, rows)

    def unfinished(self, bank_hash: str, workshop: str | None = None, name: str = "") -> Attempt | None:
        """The owner's most recent attempt on this bank to go on with, claimed for this process.

        Never one that was finished, set aside, has no answer yet, or is being answered by another live process.
        """
        rows = self._rows(
            f"SELECT {ATTEMPT_COLUMNS}, held_by FROM attempts AS a WHERE bank_hash = ? AND finished_at IS NULL "
            "AND abandoned_at IS NULL AND workshop IS NOT DISTINCT FROM ? AND person IS NULL "
            "AND EXISTS (SELECT 1 FROM answers WHERE attempt_id = a.id) ORDER BY started_at DESC, id DESC",
            (bank_hash, workshop),
        )
        for row in of_person(rows, name):
            held_by = row[-1]
            if held_by not in (None, self.holder) and alive(held_by):
                continue
            if self.read_only or self.claim(row[0]):
                return self._with_answers(row[:-1])
        return None

    def participant_attempt(self, bank_hash: str, workshop: str, round: str | None, person: str) -> Attempt | None:
        """A workshop participant's attempt in this round, finished or not: the one their token goes on with."""
        rows = self._rows(
            f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE person = ? AND workshop = ? "
            "AND round IS NOT DISTINCT FROM ? AND bank_hash = ? AND abandoned_at IS NULL "
            "ORDER BY started_at DESC, id DESC LIMIT 1",
            (person, workshop, round, bank_hash),
        )
        return self._with_answers(rows[0]) if rows else None

    def participant_states(
        self, held: list[tuple[int, str]], bank_hash: str, workshop: str, round: str | None
    ) -> dict[tuple[int, str], tuple[str, dict[str, int | None]]]:
        """What participant_attempt would find of attempts a server already holds, in one statement.

        For each (attempt, person) that is still that person's current attempt in this workshop,
        round and bank (not set aside, none newer): its language and answers. A
        server that shares the database checks its copies of participants with this, for all the
        requests of one moment at once.
        """
        rows = self._participant_rows(held, bank_hash, workshop, round)
        states: dict[tuple[int, str], tuple[str, dict[str, int | None]]] = {}
        for attempt_id, person, language, statement_id, value in rows:  # a row per answer; statement None: none yet
            answers = states.setdefault((int(attempt_id), str(person)), (str(language), {}))[1]
            if statement_id is not None:
                answers[statement_id] = value
        return states

    def previous_finished(self, attempt_id: int) -> Attempt | None:
        """The same person's last finished attempt on the same bank before this one.

        The same person: the same participant token; for the owner of the database (no token), the same
        name without case and spaces. Never across names, never from a participant to the owner.
        """
        me = self._rows("SELECT name, person FROM attempts WHERE id = ?", (attempt_id,))
        if not me:
            return None
        rows = self._rows(
            f"SELECT {ATTEMPT_COLUMNS} FROM attempts AS a WHERE finished_at IS NOT NULL AND id != ? "
            "AND EXISTS (SELECT 1 FROM attempts AS me WHERE me.id = ? AND me.bank_id = a.bank_id "
            "AND me.person IS NOT DISTINCT FROM a.person AND a.started_at <= me.started_at) "
            "ORDER BY finished_at DESC, id DESC",
            (attempt_id, attempt_id),
        )
        mine = rows if me[0][1] is not None else of_person(rows, me[0][0])
        return next((attempt_from_row(row) for row in mine), None)

    # Each history row is built as JSON by the database: the stored scores are copied, never re-parsed.
    _HISTORY_SQL = ""

    def history_json(self) -> str:
        """Every attempt, newest first, as the JSON list `misquiz history --json` prints."""
        rows = self._read(self._HISTORY_SQL)
        return "[\n" + ",\n".join(row[0] for row in rows) + "\n]" if rows else "[]"

    def history(self) -> list[dict[str, object]]:
        return [json.loads(row[0]) for row in self._read(self._HISTORY_SQL)]

    def finished_answers(
        self, bank_id: str, workshop: str | None = None, round: str | None = None
    ) -> list[tuple[int, str, int | None]]:
        """(attempt, statement, value) of every finished attempt on a bank, for item statistics.

        workshop None: every attempt; round None: every round, "none": attempts without a round.
        """
        where, args = finished_where(bank_id, workshop, round)
        rows = self._rows(
            f"SELECT a.id, s.statement_id, s.value FROM attempts AS a JOIN answers AS s ON s.attempt_id = a.id "
            f"WHERE {where}",
            args,
        )
        return [(int(a), str(sid), None if v is None else int(v)) for a, sid, v in rows]

    def commitment_counts(self, workshop: str) -> list[CommitmentCount]:
        """A workshop's finished attempts' commitments, counted per round, action and status; never who."""
        rows = self._rows(
            "SELECT a.round, c.myth_id, c.action, c.status, COUNT(*) FROM commitments c "
            "JOIN attempts a ON a.id = c.attempt_id WHERE a.workshop = ? AND a.finished_at IS NOT NULL "
            "AND a.abandoned_at IS NULL GROUP BY a.round, c.myth_id, c.action, c.status",
            (workshop,),
        )
        return [CommitmentCount(r, m, None if a is None else int(a), s, int(n)) for r, m, a, s, n in rows]

    def room_counts(self, workshop: str) -> RoomCounts:
        """A workshop's people per round and its myth bands per round, counted by two grouped queries: the
        union of every server's answers."""
        people = self._rows(
            # joined: answered at least one statement (first_answer_at is set by the first answer stored);
            # an attempt set aside for a fresh start is not a person
            "SELECT round, COUNT(first_answer_at), COUNT(finished_at), COUNT(*) FROM attempts "
            "WHERE workshop = ? AND abandoned_at IS NULL GROUP BY round",
            (workshop,),
        )
        scores = self._rows(
            "SELECT round, myth_id, band, COUNT(*), SUM(score) FROM myth_scores "
            "WHERE workshop = ? AND band IS NOT NULL GROUP BY round, myth_id, band",
            (workshop,),
        )
        return RoomCounts(
            tuple(PeopleCount(r, int(j), int(f), int(n)) for r, j, f, n in people),
            tuple(BandCount(r, m, b, int(n), 0.0 if total is None else float(total)) for r, m, b, n, total in scores),
        )

    def has_uid(self, uid: str) -> bool:
        return bool(self._rows("SELECT 1 FROM attempts WHERE uid = ?", (uid,)))

    def import_attempt(self, attempt: Attempt) -> bool:
        """Store a whole attempt from elsewhere, once: False if this very attempt is already here (also when two
        copy at once), UidConflict if another attempt holds its uid (nothing is imported then)."""

        def work(tx: Tx) -> bool:
            new_id = self._insert_in(
                tx,
                f"INSERT INTO attempts ({IMPORT_COLUMNS}) VALUES ({', '.join(['?'] * 14)}) "
                "ON CONFLICT (uid) DO NOTHING",
                imported_row(attempt),
            )
            if new_id is None:
                return False
            tx.executemany(
                "INSERT INTO answers (attempt_id, statement_id, value, answered_at) VALUES (?, ?, ?, ?)",
                [
                    (new_id, sid, value, attempt.finished_at or attempt.started_at)
                    for sid, value in attempt.answers.items()
                ],
            )
            if attempt.result is not None:
                _write_myth_scores(tx, new_id, attempt.result, attempt.workshop, attempt.round)
            return True

        if self._tx(work):
            return True
        rows = self._rows("SELECT id FROM attempts WHERE uid = ?", (attempt.uid,))
        refuse_a_stranger(self.where, self.attempt(int(rows[0][0])) if rows else None, attempt)
        return False

    # -- workshops ---------------------------------------------------------------------

    _ROUNDS = ""  # the aggregate that joins a workshop's distinct rounds with commas

    def workshops(self) -> list[WorkshopSummary]:
        """Every workshop in this database, most recent first."""
        rows = self._rows(
            f"SELECT workshop, {self._ROUNDS}, COUNT(first_answer_at), COUNT(finished_at), "
            "MIN(started_at), MAX(COALESCE(finished_at, started_at)), COUNT(*) "
            "FROM attempts AS a WHERE workshop IS NOT NULL AND abandoned_at IS NULL GROUP BY workshop "
            "ORDER BY MAX(COALESCE(finished_at, started_at)) DESC"
        )
        return [
            WorkshopSummary(
                code, tuple(sorted(str(rounds).split(","))), int(joined), int(done), first, last, int(started)
            )
            for code, rounds, joined, done, first, last, started in rows
        ]

    def retag(self, workshop: str, from_round: str | None, to_round: str | None) -> int:
        """Move a workshop's attempts from one round to another (None: no round); how many moved."""

        def work(tx: Tx) -> int:
            moved = tx.execute(
                "UPDATE attempts SET round = ? WHERE workshop = ? AND round IS NOT DISTINCT FROM ?",
                (to_round, workshop, from_round),
            ).rowcount
            tx.execute(
                "UPDATE myth_scores SET round = ? WHERE workshop = ? AND round IS NOT DISTINCT FROM ?",
                (to_round, workshop, from_round),
            )
            return int(moved)

        return self._tx(work)

    def delete_workshop(self, workshop: str, attempt_id: int | None = None) -> int:
        """Delete a workshop's attempts (or one of them), with their answers and scores; how many went."""

        def work(tx: Tx) -> int:
            if attempt_id is None:
                tx.execute("DELETE FROM sessions WHERE workshop = ?", (workshop,))
                return int(tx.execute("DELETE FROM attempts WHERE workshop = ?", (workshop,)).rowcount)
            return int(
                tx.execute("DELETE FROM attempts WHERE workshop = ? AND id = ?", (workshop, attempt_id)).rowcount
            )

        return self._tx(work)

    def rename_workshop(self, old: str, new: str) -> int:
        """Give a workshop's attempts (and its join address) another code; how many attempts moved."""

        def work(tx: Tx) -> int:
            moved = tx.execute("UPDATE attempts SET workshop = ? WHERE workshop = ?", (new, old)).rowcount
            tx.execute("UPDATE myth_scores SET workshop = ? WHERE workshop = ?", (new, old))
            tx.execute(
                "UPDATE settings SET key = ? WHERE key = ? AND NOT EXISTS (SELECT 1 FROM settings WHERE key = ?)",
                (f"join:{new}", f"join:{old}", f"join:{new}"),
            )
            tx.execute("DELETE FROM settings WHERE key = ?", (f"join:{old}",))
            tx.execute("DELETE FROM sessions WHERE workshop = ?", (new,))  # a code never served to anyone
            tx.execute("UPDATE sessions SET workshop = ? WHERE workshop = ?", (new, old))
            return int(moved)

        return self._tx(work)

    def merge_workshops(self, source: str, target: str, keep: str | None = None) -> WorkshopMerge:
        """Move the source's attempts into the target workshop; one participant twice in a round needs `keep`."""

        def work(tx: Tx) -> WorkshopMerge:
            # the source's rows are locked: no attempt joins or leaves it between the check and the move
            tx.execute("SELECT id FROM attempts WHERE workshop = ? FOR UPDATE", (source,))
            clashes = [
                (round_, int(mine), int(theirs))
                for round_, mine, theirs in tx.execute(
                    "SELECT s.round, s.id, t.id FROM attempts AS s JOIN attempts AS t "
                    "ON t.person = s.person AND t.round IS NOT DISTINCT FROM s.round "
                    "WHERE s.workshop = ? AND t.workshop = ? AND s.person IS NOT NULL "
                    "AND s.abandoned_at IS NULL AND t.abandoned_at IS NULL ORDER BY s.round, s.id",
                    (source, target),
                ).fetchall()
            ]
            if clashes and keep not in ("source", "target"):
                return WorkshopMerge(0, 0, clashes)
            losers = sorted({theirs if keep == "source" else mine for _, mine, theirs in clashes})
            tx.executemany("DELETE FROM attempts WHERE id = ?", [(loser,) for loser in losers])
            moved = tx.execute("UPDATE attempts SET workshop = ? WHERE workshop = ?", (target, source)).rowcount
            tx.execute("UPDATE myth_scores SET workshop = ? WHERE workshop = ?", (target, source))
            tx.execute("DELETE FROM settings WHERE key = ?", (f"join:{source}",))
            tx.execute("DELETE FROM sessions WHERE workshop = ?", (source,))  # the target's live session stands
            return WorkshopMerge(int(moved), len(losers), clashes)

        return self._tx(work)

    def join_address(self, workshop: str) -> str | None:
        """Where participants join this workshop, as a server last said."""
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (f"join:{workshop}",))
        return str(rows[0][0]) if rows else None

    def set_join_address(self, workshop: str, url: str) -> None:
        self._do(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"join:{workshop}", url),
        )

    def session_state(self, workshop: str, round: str | None) -> SessionState:
        """The live session of a workshop round: hidden and open until someone changes it."""
        rows = self._rows("SELECT state FROM sessions WHERE workshop = ? AND round = ?", (workshop, round_key(round)))
        return SessionState.from_json(rows[0][0] if rows else None)

    def change_session(
        self, workshop: str, round: str | None, change: Callable[[SessionState], SessionState]
    ) -> SessionState:
        """Read, change and write a round's session in one transaction, so two servers never lose a change
        (PostgreSQL: a row lock orders them; SQLite: one writer at a time)."""
        key = (workshop, round_key(round))

        def work(tx: Tx) -> SessionState:
            tx.execute(
                "INSERT INTO sessions (workshop, round, state, changed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (workshop, round) DO NOTHING",
                (*key, SessionState().to_json(), self._now()),
            )
            row = tx.execute("SELECT state FROM sessions WHERE workshop = ? AND round = ? FOR UPDATE", key).fetchone()
            state = change(SessionState.from_json(row[0]))
            tx.execute(
                "UPDATE sessions SET state = ?, changed_at = ? WHERE workshop = ? AND round = ?",
                (state.to_json(), self._now(), *key),
            )
            return state

        return self._tx(work)

    # -- commitments and settings ---------------------------------------------------------

    def commitments(self, attempt_id: int) -> tuple[Commitment, ...]:
        """What the person of an attempt chose to do, in their order, with what they said they did."""
        rows = self._rows(
            "SELECT myth_id, action, own, status FROM commitments WHERE attempt_id = ? ORDER BY position",
            (attempt_id,),
        )
        return commitments_from_rows(rows)

    def set_commitments(self, attempt_id: int, commitments: Sequence[Commitment]) -> None:
        """Replace an attempt's commitments (a change of mind, or a follow-up) in one transaction."""
        now = self._now()

        def work(tx: Tx) -> None:
            tx.execute("DELETE FROM commitments WHERE attempt_id = ?", (attempt_id,))
            tx.executemany(
                "INSERT INTO commitments (attempt_id, position, myth_id, action, own, status, changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(attempt_id, n, c.myth, c.action, c.own, c.status, now) for n, c in enumerate(commitments, 1)],
            )

        self._tx(work)

    def server_secret(self) -> bytes:
        """A random secret made once per database and kept: every server signs its forms with the same one."""
        rows = self._rows("SELECT value FROM settings WHERE key = 'server_secret'")
        if not rows:
            self._do(
                "INSERT INTO settings (key, value) VALUES ('server_secret', ?) ON CONFLICT (key) DO NOTHING",
                (os.urandom(32).hex(),),
            )
            rows = self._rows("SELECT value FROM settings WHERE key = 'server_secret'")
        return bytes.fromhex(rows[0][0])

    # -- a bank changed mid-workshop ----------------------------------------------------------

    def round_banks(self, workshop: str, round: str | None) -> dict[str, tuple[str, int]]:
        """Which banks a workshop round's attempts were made on: bank hash -> (bank version, attempts). Attempts
        set aside for a fresh start are not counted: nobody goes on with them."""
        rows = self._rows(
            "SELECT bank_hash, MAX(bank_version), COUNT(*) FROM attempts WHERE workshop = ? "
            "AND round IS NOT DISTINCT FROM ? AND abandoned_at IS NULL GROUP BY bank_hash",
            (workshop, round),
        )
        return {str(h): (str(version), int(n)) for h, version, n in rows}

    def adopt_bank(self, attempt_id: int, bank_id: str, bank_version: str, bank_hash: str) -> bool:
        """An unfinished attempt carries on under another bank (the same statements, reworded): whether it did.
        A finished attempt keeps the bank it was scored on (False, nothing changed)."""

        def work(tx: Tx) -> bool:
            changed = tx.execute(
                "UPDATE attempts SET bank_id = ?, bank_version = ?, bank_hash = ? WHERE id = ? AND finished_at IS NULL",
                (bank_id, bank_version, bank_hash, attempt_id),
            ).rowcount
            return bool(changed)

        return self._tx(work)


def _answers_in(tx: Tx, attempt_id: int) -> dict[str, int | None]:
    rows = tx.execute("SELECT statement_id, value FROM answers WHERE attempt_id = ?", (attempt_id,)).fetchall()
    return answers_from_rows(attempt_id, rows)


def _write_myth_scores(tx: Tx, attempt_id: int, result: ScoreRecord, workshop: str | None, round_: str | None) -> None:
    tx.execute("DELETE FROM myth_scores WHERE attempt_id = ?", (attempt_id,))
    tx.executemany(
        "INSERT INTO myth_scores (attempt_id, myth_id, score, band, mixed, workshop, round) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        myth_score_rows(attempt_id, result, workshop, round_),
    )


def finished_where(bank_id: str, workshop: str | None, round: str | None) -> tuple[str, tuple[object, ...]]:
    """Which attempts item statistics read (shared dialect): finished on a bank, in a workshop (None: any) and
    round (None: any, "none": without a round)."""
    where = "a.bank_id = ? AND a.finished_at IS NOT NULL AND a.abandoned_at IS NULL"
    args: list[object] = [bank_id]
    if workshop is not None:
        where += " AND a.workshop = ?"
        args.append(workshop)
    if round == "none":
        where += " AND a.round IS NULL"
    elif round is not None:
        where += " AND a.round = ?"
        args.append(round)
    return where, tuple(args)

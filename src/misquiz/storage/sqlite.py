"""Results that last: attempts and answers in SQLite, written as they are given.

Every answer is committed before the quiz shows the next statement, so a crash or a
SIGKILL loses nothing that was shown as given. WAL mode lets a trainer read while
participants write. A file that is not a misquiz database is never changed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from misquiz.core.attempt import Attempt, ScoreRecord
from misquiz.core.room import BandCount, PeopleCount, RoomCounts
from misquiz.storage.protocol import StoreError, utc_now

BUSY_TIMEOUT_MS = 5000

# Forward migrations: MIGRATIONS[n] takes a database from user_version n to n + 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        bank_id TEXT NOT NULL,
        bank_version TEXT NOT NULL,
        bank_hash TEXT NOT NULL,
        language TEXT NOT NULL,
        seed INTEGER NOT NULL,
        statement_order TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        workshop TEXT,
        round TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        abandoned_at TEXT,
        result TEXT
    );
    CREATE TABLE answers (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        statement_id TEXT NOT NULL,
        value INTEGER CHECK (value IS NULL OR value BETWEEN 1 AND 5),
        answered_at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, statement_id)
    ) WITHOUT ROWID;
    """,
    """
    CREATE INDEX attempts_started ON attempts (started_at);
    CREATE INDEX attempts_workshop ON attempts (workshop, round);
    CREATE INDEX attempts_name_bank ON attempts (name, bank_id, finished_at);
    """,
    # One row per myth of each finished attempt, with the attempt's workshop and round, so that
    # a room of any size is counted from one covering index.
    """
    CREATE TABLE myth_scores (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        myth_id TEXT NOT NULL,
        score REAL,
        band TEXT,
        mixed INTEGER NOT NULL DEFAULT 0,
        workshop TEXT,
        round TEXT,
        PRIMARY KEY (attempt_id, myth_id)
    ) WITHOUT ROWID;
    INSERT INTO myth_scores (attempt_id, myth_id, score, band, mixed, workshop, round)
        SELECT a.id, json_extract(m.value, '$.id'), json_extract(m.value, '$.score'),
               json_extract(m.value, '$.band'), json_extract(m.value, '$.mixed_signals'), a.workshop, a.round
        FROM attempts AS a, json_each(a.result, '$.myths') AS m
        WHERE a.result IS NOT NULL;
    CREATE INDEX myth_scores_room ON myth_scores (workshop, round, myth_id, band, score);
    """,
    # Who took an attempt: NULL for the owner of this database (the terminal), else a participant's
    # own token. Progress is compared by this, never by name; earlier workshop rows stay unlinked.
    """
    ALTER TABLE attempts ADD COLUMN person TEXT;
    UPDATE attempts SET person = 'unlinked:' || uid WHERE workshop IS NOT NULL;
    CREATE INDEX attempts_person_bank ON attempts (person, bank_id, finished_at);
    """,
    # Values the server keeps across restarts (the secret that signs a participant's forms), and
    # a participant's attempt found by token, workshop and round from one index.
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX attempts_person_workshop ON attempts (person, workshop, round, bank_hash);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


_ATTEMPT_COLUMNS = (
    "id, uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, workshop, round, "
    "started_at, finished_at, result, person"
)


def _attempt(row: sqlite3.Row | tuple) -> Attempt:
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


class SQLiteStore:
    """The Store in one SQLite file: the default, with nothing to set up."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        clock: Callable[[], datetime] = utc_now,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self.busy_timeout_ms = busy_timeout_ms
        self.conn = self._open()

    # -- opening -------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        where = str(self.path)
        if self.path.is_dir():
            raise StoreError(f"{where}: is a directory, not a database file")
        if not self.path.exists():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
            except FileExistsError:
                pass  # another process made it just now
            except OSError as exc:
                raise StoreError(f"{where}: cannot create the database here ({exc.strerror})") from None
        try:
            conn = sqlite3.connect(where, timeout=self.busy_timeout_ms / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{where}: cannot open the database ({exc})") from None
        try:
            # Reading comes first: a file that is not a database fails here, untouched.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{where}: made by a newer misquiz (schema {version}; this one knows up to {SCHEMA_VERSION})"
                )
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn, version)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(_explain(where, exc, self.busy_timeout_ms)) from None
        except StoreError:
            conn.close()
            raise
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection, version: int) -> None:
        while version < SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            try:
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current == version:  # another process may have migrated meanwhile
                    for statement in MIGRATIONS[version].split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {version + 1}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            version = conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(str(self.path), exc, self.busy_timeout_ms)) from None

    def _now(self) -> str:
        return self.clock().astimezone(UTC).isoformat(timespec="seconds")

    # -- attempts --------------------------------------------------------------------

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
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, "
                "workshop, round, started_at, person) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ),
            )
            return int(cursor.lastrowid or 0)

    def save_answer(self, attempt_id: int, statement_id: str, value: int | None) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO answers (attempt_id, statement_id, value, answered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (attempt_id, statement_id) DO UPDATE SET value = excluded.value, "
                "answered_at = excluded.answered_at",
                (attempt_id, statement_id, value, self._now()),
            )

    def set_language(self, attempt_id: int, language: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE attempts SET language = ? WHERE id = ?", (language, attempt_id))

    def set_name(self, attempt_id: int, name: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE attempts SET name = ? WHERE id = ?", (name, attempt_id))

    def finish_attempt(self, attempt_id: int, result: ScoreRecord, finished_at: str | None = None) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE attempts SET finished_at = COALESCE(finished_at, ?), result = ? WHERE id = ?",
                (finished_at or self._now(), json.dumps(result.as_json()), attempt_id),
            )
            _write_myth_scores(conn, attempt_id, result)

    def abandon_attempt(self, attempt_id: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE attempts SET abandoned_at = ? WHERE id = ?", (self._now(), attempt_id))

    # -- reading ---------------------------------------------------------------------

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(str(self.path), exc, self.busy_timeout_ms)) from None

    def attempt(self, attempt_id: int) -> Attempt | None:
        rows = self._read(f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,))
        if not rows:
            return None
        attempt = _attempt(rows[0])
        attempt.answers = self.answers(attempt_id)
        return attempt

    def latest_id(self) -> int | None:
        rows = self._read("SELECT id FROM attempts ORDER BY started_at DESC, id DESC LIMIT 1")
        return rows[0][0] if rows else None

    def answers(self, attempt_id: int) -> dict[str, int | None]:
        return dict(self._read("SELECT statement_id, value FROM answers WHERE attempt_id = ?", (attempt_id,)))

    def unfinished(self, bank_hash: str, workshop: str | None = None) -> Attempt | None:
        """The most recent attempt on this bank that was neither finished nor set aside."""
        rows = self._read(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE bank_hash = ? AND finished_at IS NULL "
            "AND abandoned_at IS NULL AND workshop IS ? ORDER BY started_at DESC, id DESC LIMIT 1",
            (bank_hash, workshop),
        )
        if not rows:
            return None
        attempt = _attempt(rows[0])
        attempt.answers = self.answers(attempt.id)
        return attempt

    def participant_attempt(self, bank_hash: str, workshop: str, round: str | None, person: str) -> Attempt | None:
        """A workshop participant's attempt in this round, finished or not: the one their token goes on with."""
        rows = self._read(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE person = ? AND workshop = ? AND round IS ? "
            "AND bank_hash = ? AND abandoned_at IS NULL ORDER BY started_at DESC, id DESC LIMIT 1",
            (person, workshop, round, bank_hash),
        )
        if not rows:
            return None
        attempt = _attempt(rows[0])
        attempt.answers = self.answers(attempt.id)
        return attempt

    def server_secret(self) -> bytes:
        """A random secret made once per database and kept: what a server signs its forms with."""
        rows = self._read("SELECT value FROM settings WHERE key = 'server_secret'")
        if not rows:
            with self._write() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO settings (key, value) VALUES ('server_secret', ?)", (os.urandom(32).hex(),)
                )
            rows = self._read("SELECT value FROM settings WHERE key = 'server_secret'")
        return bytes.fromhex(rows[0][0])

    def previous_finished(self, attempt_id: int) -> Attempt | None:
        """The same person's last finished attempt on the same bank before this one: by identity, never by name."""
        rows = self._read(
            f"SELECT {_ATTEMPT_COLUMNS} FROM attempts AS a WHERE finished_at IS NOT NULL AND id != ? "
            "AND EXISTS (SELECT 1 FROM attempts AS me WHERE me.id = ? AND me.bank_id = a.bank_id "
            "AND me.person IS a.person AND a.started_at <= me.started_at) "
            "ORDER BY finished_at DESC, id DESC LIMIT 1",
            (attempt_id, attempt_id),
        )
        return _attempt(rows[0]) if rows else None

    # SQLite builds each history row as JSON itself: the stored scores are copied, never re-parsed.
    _HISTORY_SQL = (
        "SELECT json_object('id', a.id, 'started_at', a.started_at, 'finished_at', a.finished_at, "
        "'name', a.name, 'workshop', a.workshop, 'round', a.round, 'language', a.language, "
        "'answered', (SELECT COUNT(*) FROM answers WHERE attempt_id = a.id), "
        "'total', json_array_length(a.statement_order), "
        "'overall', json_extract(a.result, '$.overall'), 'myths', json_extract(a.result, '$.myths')) "
        "FROM attempts AS a ORDER BY a.started_at DESC, a.id DESC"
    )

    def history_json(self) -> str:
        """Every attempt, newest first, as the JSON list `misquiz history --json` prints."""
        rows = self._read(self._HISTORY_SQL)
        return "[\n" + ",\n".join(row[0] for row in rows) + "\n]" if rows else "[]"

    def history(self) -> list[dict[str, object]]:
        return [json.loads(row[0]) for row in self._read(self._HISTORY_SQL)]

    def room_counts(self, workshop: str) -> RoomCounts:
        """A workshop's people per round and its myth bands per round, counted by two grouped queries."""
        people = self._read(
            "SELECT round, COUNT(*), COUNT(finished_at) FROM attempts WHERE workshop = ? GROUP BY round", (workshop,)
        )
        scores = self._read(
            "SELECT round, myth_id, band, COUNT(*), SUM(score) FROM myth_scores "
            "WHERE workshop = ? AND band IS NOT NULL GROUP BY round, myth_id, band",
            (workshop,),
        )
        return RoomCounts(tuple(PeopleCount(*row) for row in people), tuple(BandCount(*row) for row in scores))

    def has_uid(self, uid: str) -> bool:
        return bool(self._read("SELECT 1 FROM attempts WHERE uid = ?", (uid,)))

    def import_attempt(self, attempt: Attempt) -> bool:
        """Store a whole attempt from elsewhere, once; False if it was already here."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM attempts WHERE uid = ?", (attempt.uid,)).fetchone():
                return False
            cursor = conn.execute(
                "INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, "
                "workshop, round, started_at, finished_at, result, person) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
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
                ),
            )
            conn.executemany(
                "INSERT INTO answers (attempt_id, statement_id, value, answered_at) VALUES (?, ?, ?, ?)",
                [
                    (cursor.lastrowid, sid, value, attempt.finished_at or attempt.started_at)
                    for sid, value in attempt.answers.items()
                ],
            )
            if attempt.result is not None:
                _write_myth_scores(conn, int(cursor.lastrowid or 0), attempt.result)
            return True


def _write_myth_scores(conn: sqlite3.Connection, attempt_id: int, result: ScoreRecord) -> None:
    workshop, round_ = conn.execute("SELECT workshop, round FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
    conn.execute("DELETE FROM myth_scores WHERE attempt_id = ?", (attempt_id,))
    conn.executemany(
        "INSERT INTO myth_scores (attempt_id, myth_id, score, band, mixed, workshop, round) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(attempt_id, m.id, m.score, m.band, int(m.mixed_signals), workshop, round_) for m in result.myths],
    )


def _explain(where: str, exc: sqlite3.Error, waited_ms: int = BUSY_TIMEOUT_MS) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (
            f"{where}: the database is locked by another program and stayed locked for "
            f"{waited_ms / 1000:g} seconds; close the other program and try again"
        )
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return f"{where}: this file is not a misquiz database (or it is damaged); it was left as it is"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"{where}: cannot write to the database here ({text}); check the folder's permissions"
    return f"{where}: database error: {text}"

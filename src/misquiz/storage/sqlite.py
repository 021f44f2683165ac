"""Results that last: attempts and answers in SQLite, written as they are given.

Every answer is committed before the quiz shows the next statement, so a crash or a
SIGKILL loses nothing that was shown as given. WAL mode lets a trainer read while
participants write. A file that is not a misquiz database is never changed.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from misquiz.core.attempt import Attempt, ScoreRecord
from misquiz.core.commitments import Commitment, CommitmentCount
from misquiz.core.room import BandCount, PeopleCount, RoomCounts, WorkshopSummary
from misquiz.core.session import SessionState, round_key
from misquiz.storage.protocol import StoreError, WorkshopMerge, utc_now
from misquiz.storage.rows import (
    ATTEMPT_COLUMNS,
    IMPORT_COLUMNS,
    alive,
    already_settled,
    answers_check,
    answers_from_rows,
    attempt_from_row,
    commitments_from_rows,
    finished_refusal,
    imported_row,
    missing_attempt,
    myth_score_rows,
    of_person,
    pattern_layout,
    patterns_per_attempt,
    refuse_a_stranger,
    result_text,
    this_process,
)

if TYPE_CHECKING:
    from misquiz.core.items import AnswerPatterns
    from misquiz.core.model import Bank

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
    # Which live process is answering an attempt, so that a second quiz on the same database never
    # resumes it too: host, process id and the process's start time.
    """
    ALTER TABLE attempts ADD COLUMN held_by TEXT;
    """,
    # When an attempt's first answer was stored: a person has joined a room once they answered, and the room
    # counts joined, finished and started from one covering index. Every answer stored from now on sets it,
    # whichever way it comes in.
    """
    ALTER TABLE attempts ADD COLUMN first_answer_at TEXT;
    UPDATE attempts SET first_answer_at = (SELECT MIN(answered_at) FROM answers WHERE attempt_id = attempts.id);
    CREATE TRIGGER answers_first_answer AFTER INSERT ON answers BEGIN
        UPDATE attempts SET first_answer_at = NEW.answered_at WHERE id = NEW.attempt_id AND first_answer_at IS NULL;
    END;
    CREATE INDEX attempts_room ON attempts (workshop, round, abandoned_at, finished_at, first_answer_at);
    """,
    # The live session of each workshop round (core.session.SessionState as JSON), so every server, every
    # projector tab, `misquiz room` and a restart see the same: open or closed, what is revealed, discuss mode.
    """
    CREATE TABLE sessions (
        workshop TEXT NOT NULL,
        round TEXT NOT NULL,
        state TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (workshop, round)
    ) WITHOUT ROWID;
    """,
    # What a person will do after an attempt (core.commitments): a plan action (myth and its 1-based place)
    # or one line of their own, at most three per attempt, and later what they say they did.
    """
    CREATE TABLE commitments (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
        myth_id TEXT,
        action INTEGER,
        own TEXT,
        status TEXT CHECK (status IS NULL OR status IN ('done', 'started', 'not_yet')),
        changed_at TEXT NOT NULL,
        PRIMARY KEY (attempt_id, position)
    ) WITHOUT ROWID;
    """,
]
# Our mark in the file's header (SQLite's application_id): "misq". A file without it is not ours.
APPLICATION_ID = 0x6D697371
SQLITE_MAGIC = b"SQLite format 3\x00"
SCHEMA_VERSION = len(MIGRATIONS)


def fresh_backup_path(target: str | os.PathLike[str]) -> Path:
    """Where a backup may go: a name that is free (no file, no symlink) and that the system accepts."""
    path = Path(target)
    try:
        taken = path.exists() or path.is_symlink()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise StoreError(f"{path}: cannot write the backup here ({getattr(exc, 'strerror', None) or exc})") from None
    if taken:
        raise StoreError(f"{path}: already exists; give a new file name")
    return path


def seal_backup(conn: sqlite3.Connection) -> None:
    """A backup file is left in rollback mode: restored next to the old database's leftover WAL file,
    it is refused on opening (see `_refuse_a_stranger_wal`) instead of corrupted by it."""
    conn.execute("PRAGMA journal_mode = DELETE")


class SQLiteStore:
    """The Store in one SQLite file: the default, with nothing to set up."""

    shared = False

    def __init__(
        self,
        path: str | os.PathLike[str],
        clock: Callable[[], datetime] = utc_now,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        *,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self.busy_timeout_ms = busy_timeout_ms
        self.read_only = read_only
        self.holder = this_process()
        self.conn = self._open_read_only() if read_only else self._open()

    # -- opening -------------------------------------------------------------------

    def _check_file(self) -> bool:
        """Whether the file exists and is ours to open; refuses what is not, before anything touches it."""
        where = str(self.path)
        try:
            if self.path.is_symlink():
                raise StoreError(f"{where}: is a symbolic link; give the real path of the database")
            if self.path.is_dir():
                raise StoreError(f"{where}: is a directory, not a database file")
            if not self.path.exists():
                return False
            with self.path.open("rb") as handle:
                header = handle.read(100)
        except PermissionError:
            raise StoreError(f"{where}: cannot be read here (permission denied); check the permissions") from None
        except OSError as exc:
            raise StoreError(f"{where}: cannot be read ({exc.strerror})") from None
        if not header:
            return True  # an empty file: made just now by another misquiz, or to be made ours
        if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
            raise StoreError(f"{where}: this file is not a misquiz database (or it is damaged); it was left as it is")
        mark = int.from_bytes(header[68:72], "big")
        if mark not in (0, APPLICATION_ID):
            raise StoreError(f"{where}: not a misquiz database (another program's, or damaged); it was left as it is")
        if mark == 0 and not self._ours_unmarked():
            raise StoreError(f"{where}: not a misquiz database (another program's, or damaged); it was left as it is")
        self._refuse_a_stranger_wal(header)
        return True

    def _refuse_a_stranger_wal(self, header: bytes) -> None:
        """A WAL file left from another database would be replayed into this one and corrupt it: refuse.

        Ours are in WAL mode (header bytes 18-19 are 2); a backup is written in rollback mode (1), so a
        backup restored next to the old database's WAL is caught here. A WAL whose page size differs
        from the database's cannot be its own either.
        """
        wal = self.path.with_name(self.path.name + "-wal")
        try:
            with wal.open("rb") as handle:
                wal_header = handle.read(32)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(f"{wal}: cannot be read ({exc.strerror}); check the permissions") from None
        if not wal_header:
            return  # an empty WAL (after a clean checkpoint) holds nothing to replay
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        rollback_mode = header[18] == 1 and header[19] == 1
        foreign = rollback_mode or (
            len(wal_header) == 32
            and wal_header[:4] in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
            and int.from_bytes(wal_header[8:12], "big") != page_size
        )
        if foreign:
            raise StoreError(
                f"{self.path}: a WAL file lies next to it that does not belong to it ({wal.name}; was the "
                f"database restored from a backup?). Move {wal.name} (and {wal.name[:-4]}-shm, if there) "
                "out of this folder, then try again; nothing was changed"
            )

    def _ours_unmarked(self) -> bool:
        """An older misquiz database (before the mark), or an empty one: read without changing a byte.

        Ours only if its tables and their columns are those one of our migrations left, at the schema
        version the file states: a look-alike with tables named `attempts` and `answers` is not.
        """
        try:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = _layout(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            return False
        return not tables or _layouts().get(version) == tables

    def _open_read_only(self) -> sqlite3.Connection:
        """For commands that only read (history, export, room): nothing in the file changes, not its journal."""
        where = str(self.path)
        if not self._check_file():  # no database yet: read an empty one in memory, and make no file
            conn = sqlite3.connect(":memory:", isolation_level=None)
            self._migrate(conn, 0)
            return conn
        try:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=self.busy_timeout_ms / 1000
            )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(where, exc, self.busy_timeout_ms)) from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{where}: made by a newer misquiz (schema {version}; this one reads up to {SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION:
            # An older database is brought up to date in memory for reading: the file stays as it is
            # until a command that writes migrates it.
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            try:
                conn.backup(memory)
                self._migrate(memory, version)
            except sqlite3.DatabaseError as exc:
                memory.close()
                raise StoreError(_explain(where, exc, self.busy_timeout_ms)) from None
            finally:
                conn.close()
            return memory
        return conn

    def _open(self) -> sqlite3.Connection:
        where = str(self.path)
        if not self._check_file():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
            except FileExistsError:
                pass  # another process made it just now
            except OSError as exc:
                raise StoreError(f"{where}: cannot create the database here ({exc.strerror})") from None
        try:
            # Opened on a worker thread while the welcome paints, then used on the app's thread, one at a time.
            conn = sqlite3.connect(
                where, timeout=self.busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
            )
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
            # FULL: the WAL is flushed to disk (fsync) at every commit, so an answer acknowledged is an
            # answer kept through a power cut (NORMAL flushes only at checkpoints). Its cost was measured
            # with benchmarks/bench_web.py: see the README's "Your data".
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn, version)
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
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
                    for statement in _statements(MIGRATIONS[version]):
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
                "workshop, round, started_at, person, held_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            return int(cursor.lastrowid or 0)

    def save_answer(self, attempt_id: int, statement_id: str, value: int | None) -> None:
        self._save([(attempt_id, statement_id, value)])

    def save_answers(self, answers: list[tuple[int, str, int | None]]) -> None:
        """Several answers (attempt, statement, value) in one transaction: all stored, or none."""
        self._save(answers)

    def _save(self, answers: list[tuple[int, str, int | None]]) -> None:
        """None on a finished attempt (AttemptFinished): BEGIN IMMEDIATE holds every other writer off between
        the check and the write."""
        now = self._now()
        with self._write() as conn:
            finished = conn.execute(
                "SELECT id FROM attempts WHERE finished_at IS NOT NULL "
                "AND id IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT 1",
                (json.dumps(sorted({attempt_id for attempt_id, _, _ in answers})),),
            ).fetchone()
            if finished is not None:
                raise finished_refusal(int(finished[0]))
            conn.executemany(
                "INSERT INTO answers (attempt_id, statement_id, value, answered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (attempt_id, statement_id) DO UPDATE SET value = excluded.value, "
                "answered_at = excluded.answered_at",
                [(attempt_id, statement_id, value, now) for attempt_id, statement_id, value in answers],
            )

    def participant_states(
        self, held: list[tuple[int, str]], bank_hash: str, workshop: str, round: str | None
    ) -> dict[tuple[int, str], tuple[str, dict[str, int | None]]]:
        """What participant_attempt would find of attempts a server already holds, in one statement.

        For each (attempt, person) that is still that person's current attempt in this workshop,
        round and bank (not set aside, none newer): its language and answers. A
        server that shares the database checks its copies of participants with this, for all the
        requests of one moment at once.
        """
        rows = self._read(
            "SELECT a.id, a.person, a.language, s.statement_id, s.value FROM json_each(?) AS w "
            "JOIN attempts AS a ON a.id = json_extract(w.value, '$[0]') AND a.person = json_extract(w.value, '$[1]') "
            "LEFT JOIN answers AS s ON s.attempt_id = a.id "
            "WHERE a.workshop = ? AND a.round IS ? AND a.bank_hash = ? "
            "AND a.abandoned_at IS NULL AND NOT EXISTS (SELECT 1 FROM attempts AS b WHERE b.person = a.person "
            "AND b.workshop = a.workshop AND b.round IS a.round AND b.bank_hash = a.bank_hash "
            "AND b.abandoned_at IS NULL "
            "AND (b.started_at > a.started_at OR (b.started_at = a.started_at AND b.id > a.id)))",
            (json.dumps(held), workshop, round, bank_hash),
        )
        states: dict[tuple[int, str], tuple[str, dict[str, int | None]]] = {}
        for attempt_id, person, language, statement_id, value in rows:  # a row per answer; statement None: none yet
            answers = states.setdefault((int(attempt_id), str(person)), (str(language), {}))[1]
            if statement_id is not None:
                answers[statement_id] = value
        return states

    def set_language(self, attempt_id: int, language: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE attempts SET language = ? WHERE id = ?", (language, attempt_id))

    def set_name(self, attempt_id: int, name: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE attempts SET name = ? WHERE id = ?", (name, attempt_id))

    def finish_attempt(
        self,
        attempt_id: int,
        result: ScoreRecord,
        finished_at: str | None = None,
        answers: Mapping[str, int | None] | None = None,
    ) -> None:
        """The result, if it is the score of the answers stored (see Store.finish_attempt)."""
        text = result_text(result)
        with self._write() as conn:
            row = conn.execute("SELECT finished_at, result FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None:
                return
            stored = self._answers_in(conn, attempt_id)
            if already_settled(attempt_id, row[0], row[1], stored, answers, text):
                return
            conn.execute(
                "UPDATE attempts SET finished_at = ?, result = ? WHERE id = ?",
                (finished_at or self._now(), text, attempt_id),
            )
            _write_myth_scores(conn, attempt_id, result)

    def rescore(
        self,
        attempt_id: int,
        statement_id: str,
        value: int | None,
        result: ScoreRecord,
        answers: Mapping[str, int | None],
    ) -> None:
        """A changed answer of a finished attempt and its new result, together (see Store.rescore)."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM attempts WHERE id = ?", (attempt_id,)).fetchone() is None:
                raise missing_attempt(attempt_id)
            conn.execute(
                "INSERT INTO answers (attempt_id, statement_id, value, answered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (attempt_id, statement_id) DO UPDATE SET value = excluded.value, "
                "answered_at = excluded.answered_at",
                (attempt_id, statement_id, value, self._now()),
            )
            answers_check(attempt_id, self._answers_in(conn, attempt_id), answers)
            conn.execute(
                "UPDATE attempts SET finished_at = COALESCE(finished_at, ?), result = ? WHERE id = ?",
                (self._now(), result_text(result), attempt_id),
            )
            _write_myth_scores(conn, attempt_id, result)

    @staticmethod
    def _answers_in(conn: sqlite3.Connection, attempt_id: int) -> dict[str, int | None]:
        rows = conn.execute("SELECT statement_id, value FROM answers WHERE attempt_id = ?", (attempt_id,)).fetchall()
        return answers_from_rows(attempt_id, rows)

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
        rows = self._read(f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?", (attempt_id,))
        if not rows:
            return None
        attempt = attempt_from_row(rows[0])
        attempt.answers = self.answers(attempt_id)
        return attempt

    def attempts(self, batch: int = 1000) -> Iterator[Attempt]:
        """Every attempt with its answers, oldest id first, read a batch at a time."""
        after = 0
        while True:
            rows = self._read(
                f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id > ? ORDER BY id LIMIT ?", (after, batch)
            )
            if not rows:
                return
            found = [attempt_from_row(row) for row in rows]
            answers: dict[int, list[tuple[str, int | None]]] = {}
            for attempt_id, sid, value in self._read(
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
        rows = self._read(
            "SELECT id FROM attempts WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1"
        )
        return rows[0][0] if rows else None

    def claim(self, attempt_id: int) -> bool:
        """Take an attempt for this process, unless another live process holds it."""
        with self._write() as conn:
            row = conn.execute("SELECT held_by FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            if row is None or (row[0] not in (None, self.holder) and alive(row[0])):
                return False
            conn.execute("UPDATE attempts SET held_by = ? WHERE id = ?", (self.holder, attempt_id))
            return True

    def answers(self, attempt_id: int) -> dict[str, int | None]:
        rows = self._read("SELECT statement_id, value FROM answers WHERE attempt_id = ?", (attempt_id,))
        return answers_from_rows(attempt_id, rows)

    def unfinished(self, bank_hash: str, workshop: str | None = None, name: str = "") -> Attempt | None:
        """The owner's most recent attempt on this bank to go on with, claimed for this process.

        Never one that was finished, set aside, has no answer yet, or is being answered by another live process.
        """
        rows = self._read(
            f"SELECT {ATTEMPT_COLUMNS}, held_by FROM attempts AS a WHERE bank_hash = ? AND finished_at IS NULL "
            "AND abandoned_at IS NULL AND workshop IS ? AND person IS NULL "
            "AND EXISTS (SELECT 1 FROM answers WHERE attempt_id = a.id) ORDER BY started_at DESC, id DESC",
            (bank_hash, workshop),
        )
        for row in of_person(rows, name):
            held_by = row[-1]
            if held_by not in (None, self.holder) and alive(held_by):
                continue
            if self.read_only or self.claim(row[0]):
                attempt = attempt_from_row(row[:-1])
                attempt.answers = self.answers(attempt.id)
                return attempt
        return None

    def backup(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy, through SQLite's backup API, into a new file of mode 0600."""
        path = fresh_backup_path(target)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
            copy = sqlite3.connect(path)
            try:
                self.conn.backup(copy)
                seal_backup(copy)
            finally:
                copy.close()
        except OSError as exc:
            raise StoreError(f"{path}: cannot write the backup here ({exc.strerror})") from None
        except sqlite3.Error as exc:
            path.unlink(missing_ok=True)
            raise StoreError(_explain(str(self.path), exc, self.busy_timeout_ms)) from None

    def participant_attempt(self, bank_hash: str, workshop: str, round: str | None, person: str) -> Attempt | None:
        """A workshop participant's attempt in this round, finished or not: the one their token goes on with."""
        rows = self._read(
            f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE person = ? AND workshop = ? AND round IS ? "
            "AND bank_hash = ? AND abandoned_at IS NULL ORDER BY started_at DESC, id DESC LIMIT 1",
            (person, workshop, round, bank_hash),
        )
        if not rows:
            return None
        attempt = attempt_from_row(rows[0])
        attempt.answers = self.answers(attempt.id)
        return attempt

    def workshops(self) -> list[WorkshopSummary]:
        """Every workshop in this database, most recent first."""
        rows = self._read(
            "SELECT workshop, group_concat(DISTINCT COALESCE(round, 'none')), "
            "COUNT(first_answer_at), COUNT(finished_at), "
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
        with self._write() as conn:
            moved = conn.execute(
                "UPDATE attempts SET round = ? WHERE workshop = ? AND round IS ?", (to_round, workshop, from_round)
            ).rowcount
            conn.execute(
                "UPDATE myth_scores SET round = ? WHERE workshop = ? AND round IS ?", (to_round, workshop, from_round)
            )
            return int(moved)

    def delete_workshop(self, workshop: str, attempt_id: int | None = None) -> int:
        """Delete a workshop's attempts (or one of them), with their answers and scores; how many went."""
        with self._write() as conn:
            if attempt_id is None:
                gone = conn.execute("DELETE FROM attempts WHERE workshop = ?", (workshop,)).rowcount
                conn.execute("DELETE FROM sessions WHERE workshop = ?", (workshop,))
            else:
                gone = conn.execute(
                    "DELETE FROM attempts WHERE workshop = ? AND id = ?", (workshop, attempt_id)
                ).rowcount
            return int(gone)

    def rename_workshop(self, old: str, new: str) -> int:
        """Give a workshop's attempts (and its join address) another code; how many attempts moved."""
        with self._write() as conn:
            moved = conn.execute("UPDATE attempts SET workshop = ? WHERE workshop = ?", (new, old)).rowcount
            conn.execute("UPDATE myth_scores SET workshop = ? WHERE workshop = ?", (new, old))
            conn.execute("UPDATE OR IGNORE settings SET key = ? WHERE key = ?", (f"join:{new}", f"join:{old}"))
            conn.execute("DELETE FROM settings WHERE key = ?", (f"join:{old}",))
            conn.execute("DELETE FROM sessions WHERE workshop = ?", (new,))  # a code never served to anyone
            conn.execute("UPDATE sessions SET workshop = ? WHERE workshop = ?", (new, old))
            return int(moved)

    def merge_workshops(self, source: str, target: str, keep: str | None = None) -> WorkshopMerge:
        """Move the source's attempts into the target workshop; one participant twice in a round needs `keep`."""
        with self._write() as conn:
            clashes = [
                (round_, int(mine), int(theirs))
                for round_, mine, theirs in conn.execute(
                    "SELECT s.round, s.id, t.id FROM attempts AS s JOIN attempts AS t "
                    "ON t.person = s.person AND t.round IS s.round "
                    "WHERE s.workshop = ? AND t.workshop = ? AND s.person IS NOT NULL "
                    "AND s.abandoned_at IS NULL AND t.abandoned_at IS NULL ORDER BY s.round, s.id",
                    (source, target),
                ).fetchall()
            ]
            if clashes and keep not in ("source", "target"):
                return WorkshopMerge(0, 0, clashes)
            losers = sorted({theirs if keep == "source" else mine for _, mine, theirs in clashes})
            for loser in losers:
                conn.execute("DELETE FROM attempts WHERE id = ?", (loser,))
            moved = conn.execute("UPDATE attempts SET workshop = ? WHERE workshop = ?", (target, source)).rowcount
            conn.execute("UPDATE myth_scores SET workshop = ? WHERE workshop = ?", (target, source))
            conn.execute("DELETE FROM settings WHERE key = ?", (f"join:{source}",))
            conn.execute("DELETE FROM sessions WHERE workshop = ?", (source,))  # the target's live session stands
            return WorkshopMerge(int(moved), len(losers), clashes)

    def join_address(self, workshop: str) -> str | None:
        """Where participants join this workshop, as the server last said."""
        rows = self._read("SELECT value FROM settings WHERE key = ?", (f"join:{workshop}",))
        return str(rows[0][0]) if rows else None

    def set_join_address(self, workshop: str, url: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (f"join:{workshop}", url),
            )

    def session_state(self, workshop: str, round: str | None) -> SessionState:
        """The live session of a workshop round: hidden and open until someone changes it."""
        rows = self._read("SELECT state FROM sessions WHERE workshop = ? AND round = ?", (workshop, round_key(round)))
        return SessionState.from_json(rows[0][0] if rows else None)

    def change_session(
        self, workshop: str, round: str | None, change: Callable[[SessionState], SessionState]
    ) -> SessionState:
        """Read, change and write a round's session in one transaction, so two servers never lose a change."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT state FROM sessions WHERE workshop = ? AND round = ?", (workshop, round_key(round))
            ).fetchone()
            state = change(SessionState.from_json(row[0] if row else None))
            conn.execute(
                "INSERT INTO sessions (workshop, round, state, changed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (workshop, round) DO UPDATE SET state = excluded.state, changed_at = excluded.changed_at",
                (workshop, round_key(round), state.to_json(), self._now()),
            )
        return state

    def commitments(self, attempt_id: int) -> tuple[Commitment, ...]:
        """What the person of an attempt chose to do, in their order, with what they said they did."""
        rows = self._read(
            "SELECT myth_id, action, own, status FROM commitments WHERE attempt_id = ? ORDER BY position",
            (attempt_id,),
        )
        return commitments_from_rows(rows)

    def set_commitments(self, attempt_id: int, commitments: Sequence[Commitment]) -> None:
        """Replace an attempt's commitments (a change of mind, or a follow-up) in one transaction."""
        with self._write() as conn:
            conn.execute("DELETE FROM commitments WHERE attempt_id = ?", (attempt_id,))
            conn.executemany(
                "INSERT INTO commitments (attempt_id, position, myth_id, action, own, status, changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(attempt_id, n, c.myth, c.action, c.own, c.status, self._now()) for n, c in enumerate(commitments, 1)],
            )

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
        """The same person's last finished attempt on the same bank before this one.

        The same person: the same participant token; for the owner of the database (no token), the same
        name without case and spaces. Never across names, never from a participant to the owner.
        """
        me = self._read("SELECT name, person FROM attempts WHERE id = ?", (attempt_id,))
        if not me:
            return None
        rows = self._read(
            f"SELECT {ATTEMPT_COLUMNS} FROM attempts AS a WHERE finished_at IS NOT NULL AND id != ? "
            "AND EXISTS (SELECT 1 FROM attempts AS me WHERE me.id = ? AND me.bank_id = a.bank_id "
            "AND me.person IS a.person AND a.started_at <= me.started_at) "
            "ORDER BY finished_at DESC, id DESC",
            (attempt_id, attempt_id),
        )
        mine = rows if me[0][1] is not None else of_person(rows, me[0][0])
        return next((attempt_from_row(row) for row in mine), None)

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

    def finished_answers(
        self, bank_id: str, workshop: str | None = None, round: str | None = None
    ) -> list[tuple[int, str, int | None]]:
        """(attempt, statement, value) of every finished attempt on a bank, for item statistics.

        workshop None: every attempt; round None: every round, "none": attempts without a round.
        """
        where, args = _finished(bank_id, workshop, round)
        rows = self._read(
            f"SELECT a.id, s.statement_id, s.value FROM attempts AS a JOIN answers AS s ON s.attempt_id = a.id "
            f"WHERE {where}",
            args,
        )
        return [(int(a), str(sid), None if v is None else int(v)) for a, sid, v in rows]

    def answer_patterns(self, bank: Bank, workshop: str | None = None, round: str | None = None) -> AnswerPatterns:
        """Per myth, how many people gave each answer pattern: the finished attempts of finished_answers, counted.

        One pass over the answers as they are stored, one row per attempt (its states summed into slots);
        grouped in the order the attempts come (by the workshop's index: round, then id), SQLite sorts nothing.
        """
        from misquiz.core.items import NO_OPINION_STATE

        layout = pattern_layout(bank)
        where, args = _finished(bank.id, workshop, round)
        state = f"k.unit * COALESCE(s.value, {NO_OPINION_STATE})"
        sums = ", ".join(f"SUM({state}) FILTER (WHERE k.slot = {n})" for n in range(layout.slots))
        try:
            self._pattern_keys(layout.keys)
            rows = self.conn.execute(
                f"SELECT {sums or 'COUNT(*)'} FROM attempts AS a JOIN answers AS s ON s.attempt_id = a.id "
                f"LEFT JOIN temp.pattern_keys AS k ON k.statement_id = s.statement_id WHERE {where} "
                f"GROUP BY {'a.round, a.id' if workshop is not None else 'a.id'}",
                args,
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(str(self.path), exc, self.busy_timeout_ms)) from None
        return patterns_per_attempt(layout, rows if layout.slots else [()] * len(rows))

    def _pattern_keys(self, keys: list[tuple[str, int, int]]) -> None:
        """A bank's statements with their slots, in a table of this connection's own (never in the file)."""
        conn = self.conn
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS pattern_keys "
            "(statement_id TEXT PRIMARY KEY, slot INTEGER NOT NULL, unit INTEGER NOT NULL) WITHOUT ROWID"
        )
        conn.execute("BEGIN")
        try:
            conn.execute("DELETE FROM temp.pattern_keys")
            conn.executemany("INSERT INTO temp.pattern_keys VALUES (?, ?, ?)", keys)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def commitment_counts(self, workshop: str) -> list[CommitmentCount]:
        """A workshop's finished attempts' commitments, counted per round, action and status; never who."""
        rows = self._read(
            "SELECT a.round, c.myth_id, c.action, c.status, COUNT(*) FROM commitments c "
            "JOIN attempts a ON a.id = c.attempt_id WHERE a.workshop = ? AND a.finished_at IS NOT NULL "
            "AND a.abandoned_at IS NULL GROUP BY a.round, c.myth_id, c.action, c.status",
            (workshop,),
        )
        return [CommitmentCount(r, m, None if a is None else int(a), s, int(n)) for r, m, a, s, n in rows]

    def room_counts(self, workshop: str) -> RoomCounts:
        """A workshop's people per round and its myth bands per round, counted by two grouped queries."""
        people = self._read(
            # joined: answered at least one statement (first_answer_at is set by the first answer stored);
            # an attempt set aside for a fresh start is not a person
            "SELECT round, COUNT(first_answer_at), COUNT(finished_at), COUNT(*) "
            "FROM attempts WHERE workshop = ? AND abandoned_at IS NULL GROUP BY round",
            (workshop,),
        )
        scores = self._read(
            "SELECT round, myth_id, band, COUNT(*), SUM(score) FROM myth_scores "
            "WHERE workshop = ? AND band IS NOT NULL GROUP BY round, myth_id, band",
            (workshop,),
        )
        return RoomCounts(
            tuple(PeopleCount(r, int(j), int(f), int(n)) for r, j, f, n in people),
            tuple(BandCount(*row) for row in scores),
        )

    def has_uid(self, uid: str) -> bool:
        return bool(self._read("SELECT 1 FROM attempts WHERE uid = ?", (uid,)))

    def import_attempt(self, attempt: Attempt) -> bool:
        """Store a whole attempt from elsewhere, once: False if this very attempt is already here, UidConflict if
        another attempt holds its uid (nothing is imported then)."""
        if self._import(attempt):
            return True
        rows = self._read("SELECT id FROM attempts WHERE uid = ?", (attempt.uid,))
        refuse_a_stranger(str(self.path), self.attempt(int(rows[0][0])) if rows else None, attempt)
        return False

    def _import(self, attempt: Attempt) -> bool:
        """Store a whole attempt from elsewhere, once; False if it was already here."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM attempts WHERE uid = ?", (attempt.uid,)).fetchone():
                return False
            cursor = conn.execute(
                f"INSERT INTO attempts ({IMPORT_COLUMNS}) VALUES ({', '.join(['?'] * 14)})", imported_row(attempt)
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


def _layout(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """A database's tables (not SQLite's own) with their columns' names."""
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ).fetchall()
    return {
        name: frozenset(column for (column,) in conn.execute("SELECT name FROM pragma_table_info(?)", (name,)))
        for (name,) in names
    }


@functools.cache
def _layouts() -> dict[int, dict[str, frozenset[str]]]:
    """Our tables and columns at each schema version (1 up to now), made by the migrations in memory."""
    conn = sqlite3.connect(":memory:")
    try:
        layouts = {}
        for version, script in enumerate(MIGRATIONS, 1):
            conn.executescript(script)
            layouts[version] = _layout(conn)
        return layouts
    finally:
        conn.close()


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration one by one (a trigger's body holds semicolons of its own)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""


def _finished(bank_id: str, workshop: str | None, round: str | None) -> tuple[str, tuple[object, ...]]:
    """Which attempts item statistics read: finished on a bank, in a workshop (None: any) and round (None: any,
    "none": without a round)."""
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


def _write_myth_scores(conn: sqlite3.Connection, attempt_id: int, result: ScoreRecord) -> None:
    workshop, round_ = conn.execute("SELECT workshop, round FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
    conn.execute("DELETE FROM myth_scores WHERE attempt_id = ?", (attempt_id,))
    conn.executemany(
        "INSERT INTO myth_scores (attempt_id, myth_id, score, band, mixed, workshop, round) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        myth_score_rows(attempt_id, result, workshop, round_),
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

"""Results that last: attempts and answers in SQLite, written as they are given.

Every answer is committed before the quiz shows the next statement, so a crash or a
SIGKILL loses nothing that was shown as given. WAL mode lets a trainer read while
participants write. A file that is not a misquiz database is never changed. The queries both
databases read alike are in storage.common; here is what SQLite does its own way.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from misquiz.storage.common import UPSERT_ANSWER, SQLStore, Tx, finished_where
from misquiz.storage.protocol import StoreError, utc_now
from misquiz.storage.rows import (
    finished_refusal,
    pattern_layout,
    patterns_per_attempt,
    this_process,
)

if TYPE_CHECKING:
    from misquiz.core.items import AnswerPatterns
    from misquiz.core.model import Bank

BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")

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
        raise StoreError("store_backup_cannot", where=str(path), error=getattr(exc, "strerror", None) or exc) from None
    if taken:
        raise StoreError("store_backup_exists", where=str(path))
    return path


def seal_backup(conn: sqlite3.Connection) -> None:
    """A backup file is left in rollback mode: restored next to the old database's leftover WAL file,
    it is refused on opening (see `_refuse_a_stranger_wal`) instead of corrupted by it."""
    conn.execute("PRAGMA journal_mode = DELETE")


class SQLiteStore(SQLStore):
    """The Store in one SQLite file: the default, with nothing to set up."""

    shared = False

    def __init__(
        self,
        path: str | os.PathLike[str],
        clock: Callable[[], datetime] = utc_now,
        busy_timeout_ms: int | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        self.clock = clock
        # how long a statement waits for another program's lock (BUSY_TIMEOUT_MS, read when the store opens)
        self.busy_timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
        self.read_only = read_only
        self.holder = this_process()
        self.conn = self._open_read_only() if read_only else self._open()

    # -- opening -------------------------------------------------------------------

    def _check_file(self) -> bool:
        """Whether the file exists and is ours to open; refuses what is not, before anything touches it."""
        where = str(self.path)
        try:
            if self.path.is_symlink():
                raise StoreError("store_symlink", where=where)
            if self.path.is_dir():
                raise StoreError("store_directory", where=where)
            if not self.path.exists():
                return False
            with self.path.open("rb") as handle:
                header = handle.read(100)
        except PermissionError:
            raise StoreError("store_denied", where=where) from None
        except OSError as exc:
            raise StoreError("store_unreadable", where=where, error=exc.strerror) from None
        if not header:
            return True  # an empty file: made just now by another misquiz, or to be made ours
        if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
            raise StoreError("store_not_ours_damaged", where=where)
        mark = int.from_bytes(header[68:72], "big")
        if mark not in (0, APPLICATION_ID) or (mark == 0 and not self._ours_unmarked()):
            raise StoreError("store_not_ours_file", where=where)
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
            raise StoreError("store_wal_unreadable", where=str(wal), error=exc.strerror) from None
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
            raise StoreError("store_stranger_wal", where=str(self.path), wal=wal.name, shm=f"{wal.name[:-4]}-shm")

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
            raise _explain(where, exc, self.busy_timeout_ms) from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError("store_newer_reads", where=where, version=version, known=SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            # An older database is brought up to date in memory for reading: the file stays as it is
            # until a command that writes migrates it.
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            try:
                conn.backup(memory)
                self._migrate(memory, version)
            except sqlite3.DatabaseError as exc:
                memory.close()
                raise _explain(where, exc, self.busy_timeout_ms) from None
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
                raise StoreError("store_cannot_create", where=where, error=exc.strerror) from None
        try:
            # Opened on a worker thread while the welcome paints, then used on the app's thread, one at a time.
            conn = sqlite3.connect(
                where, timeout=self.busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError("store_cannot_open", where=where, error=str(exc)) from None
        try:
            # Reading comes first: a file that is not a database fails here, untouched.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError("store_newer", where=where, version=version, known=SCHEMA_VERSION)
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
            raise _explain(where, exc, self.busy_timeout_ms) from None
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
            raise _explain(str(self.path), exc, self.busy_timeout_ms) from None

    # -- the dialect: storage.common holds the SQL both databases share ------------------------

    _ROUNDS = "group_concat(DISTINCT COALESCE(round, 'none'))"

    def _sql(self, sql: str) -> str:
        return _dialect(sql)

    def _run(self, sql: str, args: tuple = ()) -> None:
        with self._write() as conn:
            conn.execute(sql, args)

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._write() as conn:
            return work(conn)

    def _executemany(self, conn: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
        conn.executemany(sql, rows)

    def _insert(self, sql: str, args: tuple) -> int:
        with self._write() as conn:
            return int(conn.execute(sql, args).lastrowid or 0)

    def _insert_in(self, tx: Tx, sql: str, args: tuple) -> int | None:
        cursor = tx.execute(sql, args)
        return int(cursor.lastrowid) if cursor.rowcount == 1 else None

    # -- answers -----------------------------------------------------------------------

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
                UPSERT_ANSWER, [(attempt_id, statement_id, value, now) for attempt_id, statement_id, value in answers]
            )

    def _participant_rows(
        self, held: list[tuple[int, str]], bank_hash: str, workshop: str, round: str | None
    ) -> list[tuple]:
        """participant_states' rows: (attempt, person, language, statement, value), one per answer."""
        return self._read(
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

    # -- reading ---------------------------------------------------------------------

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _explain(str(self.path), exc, self.busy_timeout_ms) from None

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
            raise StoreError("store_backup_cannot", where=str(path), error=exc.strerror) from None
        except sqlite3.Error as exc:
            path.unlink(missing_ok=True)
            raise _explain(str(self.path), exc, self.busy_timeout_ms) from None

    # SQLite builds each history row as JSON itself: the stored scores are copied, never re-parsed.
    _HISTORY_SQL = (
        "SELECT json_object('id', a.id, 'started_at', a.started_at, 'finished_at', a.finished_at, "
        "'name', a.name, 'workshop', a.workshop, 'round', a.round, 'language', a.language, "
        "'answered', (SELECT COUNT(*) FROM answers WHERE attempt_id = a.id), "
        "'total', json_array_length(a.statement_order), "
        "'overall', json_extract(a.result, '$.overall'), 'myths', json_extract(a.result, '$.myths')) "
        "FROM attempts AS a ORDER BY a.started_at DESC, a.id DESC"
    )

    def answer_patterns(self, bank: Bank, workshop: str | None = None, round: str | None = None) -> AnswerPatterns:
        """Per myth, how many people gave each answer pattern: the finished attempts of finished_answers, counted.

        One pass over the answers as they are stored, one row per attempt (its states summed into slots);
        grouped in the order the attempts come (by the workshop's index: round, then id), SQLite sorts nothing.
        """
        from misquiz.core.items import NO_OPINION_STATE

        layout = pattern_layout(bank)
        where, args = finished_where(bank.id, workshop, round)
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
            raise _explain(str(self.path), exc, self.busy_timeout_ms) from None
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


@functools.lru_cache(maxsize=256)
def _dialect(sql: str) -> str:
    """The shared SQL in SQLite's words: IS compares NULLs as equal; no row locks, as BEGIN IMMEDIATE already
    holds every other writer off."""
    return sql.replace(" IS NOT DISTINCT FROM ", " IS ").replace(" FOR UPDATE", "")


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


def _explain(where: str, exc: sqlite3.Error, waited_ms: int = BUSY_TIMEOUT_MS) -> StoreError:
    """SQLite's error in words a person can act on (its own text quoted where there are no better ones)."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError("store_locked", where=where, seconds=waited_ms / 1000)
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return StoreError("store_not_ours_damaged", where=where)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreError("store_cannot_write", where=where, error=text)
    return StoreError("store_database_error", where=where, error=text)

"""Moving results between databases: a trainer's SQLite file into the shared PostgreSQL, and back.

The source is never trusted: it may be a file someone sent. Only real tables are read (an SQLite file
whose `attempts` or `answers` is a view, a virtual table or missing is refused before any query touches
it), every query on an SQLite source has a deadline (PostgreSQL's own `statement_timeout` bounds a
PostgreSQL source), the number of attempts, the answers of one attempt and the length of every value are
capped, and every attempt is checked as `misquiz import` checks a result file, its stored scores against
the score of its answers. A damaged attempt stops the copy before anything is written, unless damaged
attempts are skipped, and then every one is named.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from misquiz.core.attempt import Attempt
from misquiz.core.catalogue import Explained, t
from misquiz.storage.address import masked
from misquiz.storage.protocol import Count, StoreError, UidConflict, is_postgres_url, open_store
from misquiz.storage.rows import ATTEMPT_COLUMNS, answers_from_rows, attempt_from_row

if TYPE_CHECKING:
    from misquiz.storage.protocol import Store

# What is wrong with an attempt, as `misquiz import` would say it of a result file (files.results.check_stored,
# given by the caller: storage knows no file format); empty when it may be copied.
Check = Callable[[Attempt], list[str]]

MAX_ATTEMPTS = 100_000  # a source with more is refused whole
MAX_ANSWERS = 1_000  # answers of one attempt read at most (a bank of 36 statements needs 36)
MAX_ROW_BYTES = 1024 * 1024  # one value may be no larger than a whole result file may be (files.document)
QUERY_SECONDS = 10.0  # no read of an SQLite source may take longer (as PostgreSQL's statement_timeout)
TOTAL_SECONDS = 900.0  # nor all of them together (100,000 attempts take about 2 minutes to check and copy)
OUR_TABLES = ("attempts", "answers")  # what a copy reads
# What one of them is instead of a table, by its type in sqlite_master ("": not there at all)
NOT_A_TABLE = {
    "": "store_table_missing",
    "virtual": "store_table_virtual",
    "view": "store_table_view",
    "index": "store_table_index",
    "trigger": "store_table_trigger",
}


class Damaged(NamedTuple):
    """An attempt of the source that is not copied, and why."""

    id: int
    uid: str
    problems: list[str]  # each in the person's language, or a catalogue sentence (Explained) to be said in it

    def __str__(self) -> str:
        uid = f" ({self.uid[:64]})" if self.uid else ""
        return f"{self.id}{uid}"


class Copied(NamedTuple):
    copied: int  # attempts new to the target
    present: int  # attempts it already held (by uid): never stored twice
    source: str  # both places as they may be printed, without a password
    target: str
    skipped: tuple[Damaged, ...] = ()  # damaged attempts left in the source (only with skip_damaged)


class CopyRefused(StoreError):
    """Damaged attempts in the source, and nothing was copied."""

    def __init__(self, source: str, damaged: list[Damaged]) -> None:
        self.source, self.damaged = source, damaged
        super().__init__("store_copy_refused", where=source, n=len(damaged))


class _AllButNothingCopied(Explained):
    """A copy's error without its closing 'nothing was copied' (some were), in any language."""

    def __init__(self, error: StoreError) -> None:
        self.error = error
        super().__init__("store_nothing_copied")

    def said(self, lang: str) -> str:
        return self.error.said(lang).removesuffix(t(lang, "store_nothing_copied"))


def shown(where: str | os.PathLike[str]) -> str:
    """A database's name as it may be printed: a URL without its password, or the path."""
    return masked(where)


def _same(source: str, target: str) -> bool:
    if is_postgres_url(source) or is_postgres_url(target):
        return source == target
    return Path(source).resolve() == Path(target).resolve()


def copy_attempts(
    source: str,
    target: str,
    check: Check,
    *,
    skip_damaged: bool = False,
    query_seconds: float = QUERY_SECONDS,
    total_seconds: float = TOTAL_SECONDS,
    max_attempts: int = MAX_ATTEMPTS,
) -> Copied:
    """Every attempt of source, with its answers and results, into target, once; run again, it adds nothing.

    Every attempt is read and checked first; a damaged one raises CopyRefused (the target is not even
    opened) unless skip_damaged, when the others are copied and the damaged ones are named in the result.
    """
    if _same(source, target):
        raise StoreError("store_same_database", where=shown(source))
    until = time.monotonic() + total_seconds
    if not is_postgres_url(source):
        _only_real_tables(source, query_seconds)
    reading = open_store(source, read_only=True)
    try:
        read = _reader(reading, source, lambda: min(time.monotonic() + query_seconds, until))
        damaged = [d for d in _checked(read, source, check, max_attempts) if isinstance(d, Damaged)]
        if damaged and not skip_damaged:
            raise CopyRefused(shown(source), damaged)
        return _write(read, source, target, check, max_attempts, damaged if skip_damaged else None)
    finally:
        reading.close()


def _write(
    read: Callable[[], Iterator[Attempt | Damaged]],
    source: str,
    target: str,
    check: Check,
    max_attempts: int,
    damaged: list[Damaged] | None,
) -> Copied:
    """The second reading: each attempt checked again, and written. `damaged`: those found by the first
    reading, to skip (None: there were none, and none may be skipped)."""
    skipped = {d.id: d for d in damaged or ()}
    writing = open_store(target)
    copied = present = 0
    try:
        for found in _checked(read, source, check, max_attempts):
            if isinstance(found, Damaged):
                if damaged is None:  # changed in the source since it was checked
                    raise StoreError(
                        "store_changed_while_copied", where=shown(source), attempt=str(found), problem=found.problems[0]
                    )
                skipped.setdefault(found.id, found)
                continue
            try:
                imported = writing.import_attempt(found)
            except UidConflict as conflict:  # found only when written: never copied, named with the skipped
                skipped.setdefault(found.id, Damaged(found.id, _text(found.uid), [conflict]))  # type: ignore[list-item]
                continue
            if imported:
                copied += 1
            else:
                present += 1
    except StoreError as exc:
        if not copied:
            raise
        raise StoreError("store_copy_partly", error=_AllButNothingCopied(exc), copied=copied) from None
    finally:
        writing.close()
    return Copied(copied, present, shown(source), shown(target), tuple(skipped.values()))


def _checked(
    read: Callable[[], Iterator[Attempt | Damaged]], source: str, check: Check, max_attempts: int
) -> Iterator[Attempt | Damaged]:
    """Each attempt of the source, checked as import checks a result file; Damaged for one that is not fit."""
    for n, found in enumerate(read(), start=1):
        if n > max_attempts:
            raise StoreError("store_too_many", where=shown(source), limit=Count(max_attempts))
        if isinstance(found, Damaged):
            yield found
            continue
        problems = check(found)
        yield Damaged(found.id, _text(found.uid), problems) if problems else found


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# Reading ------------------------------------------------------------------------------------


def _reader(store: Store, source: str, ends: Callable[[], float]) -> Callable[[], Iterator[Attempt | Damaged]]:
    conn = getattr(store, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        return lambda: _sqlite_attempts(conn, shown(source), ends)
    if is_postgres_url(source):
        return lambda: _store_attempts(store)
    return lambda: iter(store.attempts())  # pragma: no cover - all at once: a damaged row stops the copy


def _store_attempts(store: Store) -> Iterator[Attempt | Damaged]:
    """A PostgreSQL source, one attempt at a time, so a row the store reports as damaged is named and the others
    still read; its statement_timeout bounds every query."""
    read = getattr(store, "_read", None)
    if read is None:  # pragma: no cover - a store without its reading helper: all at once, damage stops it
        yield from store.attempts()
        return
    # PostgreSQL's own placeholders: this reader is for a PostgreSQL store only
    after = 0
    while True:
        rows = read("SELECT id, uid FROM attempts WHERE id > %s ORDER BY id LIMIT 1000", (after,))
        if not rows:
            return
        for id_, uid in rows:
            try:
                attempt = store.attempt(int(id_))
            except StoreError as exc:
                yield Damaged(int(id_), _text(uid), [_cause(exc)])
                continue
            if attempt is not None:  # gone since its id was read: nothing to copy
                yield attempt
        after = int(rows[-1][0])


def _deadline(conn: sqlite3.Connection, ends: Callable[[], float]) -> Callable[[], float]:
    """Every query on conn from now on is interrupted at the moment `ends()` gave when it started (on the
    monotonic clock): the returned function starts the clock of the next query."""
    moment = [ends()]
    conn.set_progress_handler(lambda: int(time.monotonic() > moment[0]), 10_000)

    def restart() -> float:
        moment[0] = ends()
        return moment[0]

    return restart


def _query(conn: sqlite3.Connection, restart: Callable[[], float], where: str, sql: str, args: tuple = ()) -> list:
    ends = restart()
    try:
        if time.monotonic() >= ends:  # the whole copy's time is up
            raise sqlite3.OperationalError("interrupted")
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise StoreError("store_copy_deadline", where=where) from None
        raise StoreError("store_copy_unreadable", where=where, error=str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise StoreError("store_copy_unreadable", where=where, error=str(exc)) from None


def _sqlite_attempts(conn: sqlite3.Connection, where: str, ends: Callable[[], float]) -> Iterator[Attempt | Damaged]:
    """Every attempt, one row at a time (a damaged row is named and the others still read), each value no
    longer than a result file, at most MAX_ANSWERS answers an attempt, every query under a deadline."""
    restart = _deadline(conn, ends)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_ROW_BYTES)
    try:
        after: int | None = None
        while True:
            rowids = _query(
                conn,
                restart,
                where,
                "SELECT rowid FROM attempts WHERE ? IS NULL OR rowid > ? ORDER BY rowid LIMIT 500",
                (after, after),
            )
            if not rowids:
                return
            for (rowid,) in rowids:
                yield _sqlite_attempt(conn, restart, where, rowid)
            after = rowids[-1][0]
    finally:
        conn.set_progress_handler(None, 0)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000_000)


def _sqlite_attempt(
    conn: sqlite3.Connection, restart: Callable[[], float], where: str, rowid: int
) -> Attempt | Damaged:
    id_, uid = rowid, ""
    try:  # its name first, for a row too large to read whole
        rows = _query(conn, restart, where, "SELECT id, uid FROM attempts WHERE rowid = ?", (rowid,))
        id_, uid = (rows[0][0] if type(rows[0][0]) is int else rowid, rows[0][1]) if rows else (rowid, "")
    except StoreError as exc:
        if "longer than the deadline" in str(exc):
            raise
    try:
        rows = _query(conn, restart, where, f"SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE rowid = ?", (rowid,))
    except StoreError as exc:
        if "longer than the deadline" in str(exc):
            raise
        return Damaged(id_, _text(uid), [f"cannot be read ({_cause(exc)})"])
    if not rows:
        return Damaged(id_, _text(uid), ["gone while it was read"])
    try:
        attempt = attempt_from_row(rows[0])
        answers = _query(
            conn,
            restart,
            where,
            "SELECT statement_id, value FROM answers WHERE attempt_id = ? LIMIT ?",
            (attempt.id, MAX_ANSWERS + 1),
        )
        if len(answers) > MAX_ANSWERS:
            return Damaged(id_, _text(uid), [f"more than {MAX_ANSWERS:,} answers"])
        attempt.answers = answers_from_rows(attempt.id, answers)
    except StoreError as exc:
        if "longer than the deadline" in str(exc):
            raise
        return Damaged(id_, _text(uid), [_cause(exc)])
    return attempt


def _cause(exc: Exception) -> str:
    """A store's message about one attempt, without the attempt's name (the copy says it) or the advice."""
    text = str(exc)
    for lead in ("damaged in the database (",):
        if lead in text:
            text = text.split(lead, 1)[1].split("); the other attempts", 1)[0]
    if "string or blob too big" in text:
        return f"a value larger than {MAX_ROW_BYTES // 1024:,} kB"
    return text.removesuffix("; nothing was copied")


def _only_real_tables(source: str, query_seconds: float) -> None:
    """An SQLite source whose attempts or answers is not a real table (a view that recurses without end, a
    virtual table) is refused before any query reads it; a file that is no database is left to the store."""
    path = Path(source)
    try:
        if not path.is_file() or path.is_symlink():
            return  # the store says what it is
    except (OSError, ValueError):  # a name too long, say: the store says so
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return
    try:
        restart = _deadline(conn, lambda: time.monotonic() + query_seconds)
        conn.execute("PRAGMA trusted_schema = OFF")
        found = {
            name: (kind, sql or "")
            for kind, name, sql in _query(
                conn,
                restart,
                shown(source),
                "SELECT type, lower(name), sql FROM sqlite_master WHERE lower(name) IN (?, ?)",  # as SQL matches
                OUR_TABLES,
            )
        }
    except (StoreError, sqlite3.Error):
        return  # not a database, or a damaged one: the store's opening says so
    finally:
        conn.close()
    if not found:
        return  # an empty database, or none of ours: the store's opening says which
    for name in OUR_TABLES:
        kind, sql = found.get(name, ("", ""))
        if kind != "table" or sql.lstrip().upper().startswith("CREATE VIRTUAL"):
            what = NOT_A_TABLE.get("virtual" if kind == "table" else kind, "store_table_view")
            raise StoreError("store_not_a_table", where=shown(source), what=Explained(what, name=name))

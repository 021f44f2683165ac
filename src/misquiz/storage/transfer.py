"""Moving results between databases: a trainer's SQLite file into the shared PostgreSQL, and back."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from misquiz.storage.address import masked
from misquiz.storage.protocol import StoreError, is_postgres_url, open_store


class Copied(NamedTuple):
    copied: int  # attempts new to the target
    present: int  # attempts it already held (by uid): never stored twice
    source: str  # both places as they may be printed, without a password
    target: str


def shown(where: str | os.PathLike[str]) -> str:
    """A database's name as it may be printed: a URL without its password, or the path."""
    return masked(where)


def _same(source: str, target: str) -> bool:
    if is_postgres_url(source) or is_postgres_url(target):
        return source == target
    return Path(source).resolve() == Path(target).resolve()


def copy_attempts(source: str, target: str) -> Copied:
    """Every attempt of source, with its answers and results, into target, once; run again, it adds nothing."""
    if _same(source, target):
        raise StoreError(f"{shown(source)}: the source and the target are the same database")
    reading = open_store(source, read_only=True)
    try:
        writing = open_store(target)
        try:
            copied = present = 0
            for attempt in reading.attempts():
                if writing.import_attempt(attempt):
                    copied += 1
                else:
                    present += 1
        finally:
            writing.close()
    finally:
        reading.close()
    return Copied(copied, present, shown(source), shown(target))

"""Loading a bank to take the quiz, fast: a checked bank is kept in the user's cache.

Parsing and checking YAML costs about as much as a third of Textual's start-up, so the
quiz reuses the checked data while the bank file is unchanged (same path, size and
modification time). `misquiz validate` never uses the cache.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from pathlib import Path

from misquiz.core.model import Bank, bank_from_data
from misquiz.core.problems import ProblemsError
from misquiz.files.paths import shipped_bank_path

FORMAT = 2


def _cache_folder() -> Path:
    # The XDG rule itself on Linux: platformdirs costs a tenth of the quiz's start-up to import.
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
        return Path(base) / "misquiz"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("misquiz", appauthor=False))


def _cache_file(bank_path: Path) -> Path:
    # A short name for the path; the cache holds the whole path and is used only when it matches.
    digest = f"{zlib.crc32(str(bank_path).encode()):08x}"
    return _cache_folder() / f"bank-{digest}.json"


def load_bank_for_quiz(path: str | os.PathLike[str] | None = None) -> Bank:
    """The bank, checked; raises ProblemsError with every error if it is not valid."""
    bank_path = Path(shipped_bank_path() if path is None else path).resolve()
    try:
        stat = bank_path.stat()
        key = [FORMAT, str(bank_path), stat.st_mtime_ns, stat.st_size]
        cache = _cache_file(bank_path)
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached["key"] == key:
            return bank_from_data(cached["data"], os.fspath(path or bank_path), cached["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache, or one that does not fit: check the file itself
    from misquiz.files.bank import check_bank

    result = check_bank(path if path is not None else bank_path)
    if result.bank is None:
        raise ProblemsError(result.errors)
    _store(bank_path, result.data, result.bank.content_hash)
    return result.bank


def _store(bank_path: Path, data: object, digest: str) -> None:
    try:
        stat = bank_path.stat()
        cache = _cache_file(bank_path)
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        key = [FORMAT, str(bank_path), stat.st_mtime_ns, stat.st_size]
        tmp.write_text(json.dumps({"key": key, "data": data, "hash": digest}))
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home only costs speed

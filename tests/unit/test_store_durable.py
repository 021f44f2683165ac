"""Durable as promised: an answer acknowledged has been flushed to disk (SQLite's synchronous = FULL)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from misquiz.storage.sqlite import SQLiteStore

ANSWERS = 30
SCRIPT = f"""
import sys
from misquiz.storage.sqlite import SQLiteStore
store = SQLiteStore(sys.argv[1])
attempt = store.start_attempt(bank_id="b", bank_version="1", bank_hash="h", language="en", seed=1,
                              order=[f"s{{n}}" for n in range({ANSWERS})])
print("ready", flush=True)
sys.stdin.readline()
for n in range({ANSWERS}):
    store.save_answer(attempt, f"s{{n}}", 3)
store.close()
"""


def test_every_connection_flushes_each_commit(tmp_path):
    store = SQLiteStore(tmp_path / "d.db")
    try:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        store.close()


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_each_answer_committed_is_flushed_to_disk_before_save_answer_returns(tmp_path):
    """With NORMAL, 370 acknowledged commits made 0 fsync (issue 25); now each makes at least one."""
    log = tmp_path / "strace.log"
    process = subprocess.Popen(
        [
            "strace",
            "-f",
            "-e",
            "trace=fsync,fdatasync",
            "-o",
            str(log),
            sys.executable,
            "-c",
            SCRIPT,
            tmp_path / "s.db",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    assert process.stdout.readline().strip() == "ready"
    before = len(re.findall(r"\b(?:fsync|fdatasync)\(", log.read_text()))
    process.stdin.write("\n")
    process.stdin.close()
    assert process.wait(timeout=60) == 0
    syncs = len(re.findall(r"\b(?:fsync|fdatasync)\(", log.read_text())) - before
    assert syncs >= ANSWERS, syncs

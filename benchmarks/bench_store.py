"""Database speed; prints figures measured in this run.

    python benchmarks/bench_store.py

1. What saving an answer adds to a keypress: the median of Store.save_answer over a
   whole quiz, repeated (target <= 2 ms).
2. `misquiz history --json` over 10,000 stored attempts, as a whole process, against
   `python -c "import yaml, click"` measured alongside (target <= 0.5 s).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from misquiz.core.scoring import score_attempt
from misquiz.files.bank import load_bank
from misquiz.storage.sqlite import SQLiteStore


def bench_save_answer(folder: Path) -> None:
    bank = load_bank()
    store = SQLiteStore(folder / "answers.db")
    times = []
    for run in range(40):
        attempt = store.start_attempt(
            bank_id=bank.id,
            bank_version=bank.version,
            bank_hash=bank.content_hash,
            language="en",
            seed=run,
            order=[s.id for s in bank.statements],
        )
        for st in bank.statements:
            start = time.perf_counter()
            store.save_answer(attempt, st.id, random.randint(1, 5))
            times.append(time.perf_counter() - start)
    print(
        f"save an answer (median of {len(times)}): {statistics.median(times) * 1000:.3f} ms, "
        f"95th percentile {sorted(times)[int(len(times) * 0.95)] * 1000:.3f} ms  (target <= 2 ms)"
    )


def fill(path: Path, count: int, workshops: int = 40) -> None:
    bank = load_bank()
    ids = [s.id for s in bank.statements]
    store = SQLiteStore(path)
    rng = random.Random(1)
    conn = store.conn
    conn.execute("BEGIN")
    for n in range(count):
        answers = {sid: rng.choice([1, 2, 3, 4, 5, None]) for sid in ids}
        finished = n % 10 != 0
        result = score_attempt(bank, answers).record() if finished else None
        if result:
            store_scores = [(m.id, m.score, m.band, int(m.mixed_signals)) for m in result.myths]
        cursor = conn.execute(
            "INSERT INTO attempts (uid, bank_id, bank_version, bank_hash, language, seed, statement_order, name, "
            "workshop, round, started_at, finished_at, result) VALUES (?, ?, ?, ?, 'en', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"u{n:08d}",
                bank.id,
                bank.version,
                bank.content_hash,
                n,
                json.dumps(ids),
                f"person {n % 300}",
                f"ws{n % workshops}",
                "before" if n % 2 else "after",
                f"2026-01-01T00:{n // 600 % 60:02d}:{n % 60:02d}+00:00",
                "2026-01-02T00:00:00+00:00" if finished else None,
                json.dumps(result.as_json()) if result else None,
            ),
        )
        conn.executemany(
            "INSERT INTO answers VALUES (?, ?, ?, '2026-01-01T00:00:00+00:00')",
            [(cursor.lastrowid, sid, value) for sid, value in answers.items()],
        )
        if result:
            conn.executemany(
                "INSERT INTO myth_scores VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (cursor.lastrowid, *row, f"ws{n % workshops}", "before" if n % 2 else "after")
                    for row in store_scores
                ],
            )
    conn.execute("COMMIT")
    store.close()


def median_process(args: list[str], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import compileall

    import misquiz

    compileall.compile_dir(Path(misquiz.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_save_answer(folder)
        db = folder / "history.db"
        fill(db, 10_000)
        history = median_process([sys.executable, "-m", "misquiz", "history", "--json", "--db", str(db)])
        baseline = median_process([sys.executable, "-c", "import yaml, click"])
        print(
            f"`misquiz history --json` over 10,000 attempts: {history:.3f} s (process, median of 7); "
            f"`import yaml, click`: {baseline:.3f} s  (target <= 0.5 s)"
        )


if __name__ == "__main__":
    main()

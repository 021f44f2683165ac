"""Scoring speed: one attempt scored (bands, mixed signals, response style, profile) and its plan made.

    python benchmarks/bench_scoring.py

Prints the median time per attempt over varied answer sets (random, all-agree, all-neutral,
consistent holders) and its ratio to a baseline measured in this same run: the bare arithmetic of
the myth scores (points per answer, mean per myth), which any scorer has to do. Target: scoring
and profile under 1 ms for one attempt; the plan (every text of the advice summary) as well.
"""

from __future__ import annotations

import random
import statistics
import time

from misquiz.core.advice import advice_plan
from misquiz.core.scoring import points, score_attempt
from misquiz.files.bank import load_bank, shipped_bank_path


def median_per_call(fn, inputs, repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for item in inputs:
            fn(item)
        runs.append((time.perf_counter() - start) / len(inputs))
    return statistics.median(runs)


def main() -> None:
    bank = load_bank(shipped_bank_path())
    rng = random.Random(7)
    statements = bank.statements
    sets = [{s.id: rng.choice((None, 1, 2, 3, 4, 5)) for s in statements} for _ in range(300)]
    sets += [{s.id: v for s in statements} for v in (1, 3, 5)] * 20
    keyed = {s.id: s for s in statements}

    def bare(answers):  # the arithmetic alone: points per answer, mean per myth
        return [
            sum(points(keyed[s.id], a) for s in m.statements if (a := answers.get(s.id)) is not None)
            for m in bank.myths
        ]

    def plan(answers):
        return advice_plan(
            bank, score_attempt(bank, answers), "fr", name="", progress=None, taken_at="2026-12-07T10:00:00"
        )

    base = median_per_call(bare, sets)
    scored = median_per_call(lambda a: score_attempt(bank, a), sets)
    planned = median_per_call(plan, sets)
    print(f"bare arithmetic (baseline): {base * 1e6:8.1f} us per attempt")
    print(f"score_attempt + profile:    {scored * 1e6:8.1f} us per attempt  ({scored / base:5.1f}x baseline)")
    print(f"... and the advice plan:    {planned * 1e6:8.1f} us per attempt  ({planned / base:5.1f}x baseline)")
    print(f"target 1 ms: scoring {'met' if scored < 1e-3 else 'MISSED'}, plan {'met' if planned < 1e-3 else 'MISSED'}")


if __name__ == "__main__":
    main()

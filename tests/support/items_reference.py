"""Item statistics as misquiz first computed them: person by person from raw answers, in floats.

The core now computes every figure from counted answer patterns, exactly in integers; this is the
reference its figures are checked against (tests/unit/test_items.py). Kept as it was, except that
it returns plain dicts, and that it keeps in step with the rules on what may be judged: flags only
from FLAG_PEOPLE attempts, only in a myth whose people's scores spread by SPREAD_LIMIT or more, and
"keyed the wrong way" only from an item-rest r of -LOW_ITEM_REST down.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from misquiz.core.items import (
    EXTREME,
    EXTREME_LIMIT,
    FLAG_PEOPLE,
    LOW,
    LOW_ITEM_REST,
    NEGATIVE,
    NO_OPINION,
    NO_OPINION_LIMIT,
    SPREAD_LIMIT,
    AnswerRow,
    cronbach_alpha,
    pearson,
    spearman_brown,
)
from misquiz.core.model import Bank, Myth, Statement
from misquiz.core.scoring import points


def _variance(xs: list[float]) -> float:
    n = len(xs)
    mean = math.fsum(xs) / n
    return math.fsum((x - mean) ** 2 for x in xs) / (n - 1)


def reference_statistics(bank: Bank, rows: Iterable[AnswerRow]) -> tuple[int, list[dict], list[dict]]:
    """(attempts, one dict per myth, one dict per statement), in bank order."""
    known = {s.id for s in bank.statements}
    by_attempt: dict[int, dict[str, int | None]] = {}
    for attempt, sid, value in rows:
        if sid in known:
            by_attempt.setdefault(attempt, {})[sid] = value
        else:
            by_attempt.setdefault(attempt, {})
    answers = list(by_attempt.values())
    myths, statements = [], []
    for myth in bank.myths:
        m, s = _myth_stats(myth, answers)
        if len(answers) < FLAG_PEOPLE or not m["enough_spread"]:
            s = [{**one, "flags": ()} for one in s]
        myths.append(m)
        statements += s
    return len(answers), myths, statements


def _myth_stats(myth: Myth, answers: list[dict[str, int | None]]) -> tuple[dict, list[dict]]:
    ids = [s.id for s in myth.statements]
    keyed = {s.id: s for s in myth.statements}
    scored: list[dict[str, float]] = []
    for given in answers:
        row = {sid: float(points(keyed[sid], v)) for sid in ids if (v := given.get(sid)) is not None}
        if row:
            scored.append(row)
    stats = [_statement_stats(s, answers, scored) for s in myth.statements]
    answered = [sid for sid in ids if any(sid in row for row in scored)]
    complete = [[row[sid] for sid in answered] for row in scored if all(sid in row for sid in answered)]
    if len(answered) == 2:
        figure, method = spearman_brown(complete), "spearman_brown"
    elif len(answered) > 2:
        figure, method = cronbach_alpha(complete), "alpha"
    else:
        figure, method = None, None
    scores = [100 * math.fsum(row.values()) / (4 * len(row)) for row in scored]  # each person's own score
    spread = math.sqrt(_variance(scores)) if len(scores) >= 2 else None
    myth_figures = {"id": myth.id, "reliability": figure, "method": method, "n": len(complete)}
    myth_figures |= {"people": len(scores), "spread": spread, "enough_spread": (spread or 0) >= SPREAD_LIMIT}
    return myth_figures, stats


def _statement_stats(st: Statement, answers: list[dict[str, int | None]], scored: list[dict[str, float]]) -> dict:
    values = [v for given in answers if (v := given.get(st.id)) is not None]
    no_opinion = sum(1 for given in answers if st.id in given and given[st.id] is None)
    n = len(values)
    shares = tuple(values.count(a) / n if n else 0.0 for a in range(1, 6))
    xs, ys = [], []
    for row in scored:
        if st.id in row and len(row) > 1:
            rest = [p for sid, p in row.items() if sid != st.id]
            xs.append(row[st.id])
            ys.append(sum(rest) / len(rest))
    r = pearson(xs, ys)
    flags = []
    if r is not None and len(xs) >= FLAG_PEOPLE:
        if r <= -LOW_ITEM_REST:
            flags.append(NEGATIVE)
        elif r < LOW_ITEM_REST:
            flags.append(LOW)
    total = n + no_opinion
    if total >= FLAG_PEOPLE and no_opinion / total > NO_OPINION_LIMIT:
        flags.append(NO_OPINION)
    if n >= FLAG_PEOPLE and max(shares[0], shares[4]) >= EXTREME_LIMIT:
        flags.append(EXTREME)
    return {
        "id": st.id,
        "n": n,
        "no_opinion": no_opinion,
        "shares": shares,
        "mean": math.fsum(values) / n if values else None,
        "sd": math.sqrt(_variance(values)) if n >= 2 else None,
        "item_rest": r,
        "item_rest_n": len(xs),
        "flags": tuple(flags),
    }

"""Which statements work: item statistics over stored answers, as survey engines offer them.

Per statement: how many answered, how many said "no opinion", the share of each answer, the mean
and standard deviation of the answers (1..5), and the corrected item–rest correlation: the
statement's points toward the misconception (keying applied) against the mean points of the
other statements of its myth, over the people who answered both. Per myth: a reliability figure,
Cronbach's alpha over the people who answered every statement of the myth (Spearman–Brown when
only two statements were answered). Flags say, with their reason, which statements to look at.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from misquiz.core.catalogue import t
from misquiz.core.model import Bank, Myth, Statement
from misquiz.core.room import MIN_GROUP
from misquiz.core.scoring import points

LOW_ITEM_REST = 0.20  # below this, a statement barely measures what its myth's other statements measure
NO_OPINION_LIMIT = 0.20  # above this share of "no opinion", a statement is unclear or out of reach
EXTREME_LIMIT = 0.80  # this share or more in one extreme answer: the statement tells people apart little

# flag ids; each has a catalogue key "flag_<id>" with its plain explanation
NEGATIVE, LOW, NO_OPINION, EXTREME = "negative_item_rest", "low_item_rest", "many_no_opinion", "one_extreme"
FLAGS = (NEGATIVE, LOW, NO_OPINION, EXTREME)

AnswerRow = tuple[int, str, int | None]  # attempt, statement id, 1..5 or None for "no opinion"


class StatementStats(NamedTuple):
    id: str
    myth_id: str
    keyed: str
    n: int  # answered 1..5
    no_opinion: int
    shares: tuple[float, ...]  # of the answers 1..5, over those who answered
    mean: float | None  # of the answers 1..5
    sd: float | None  # sample standard deviation of the answers
    item_rest: float | None  # corrected item–rest correlation, keying applied
    item_rest_n: int  # people it is computed over
    flags: tuple[str, ...]

    @property
    def no_opinion_share(self) -> float:
        total = self.n + self.no_opinion
        return self.no_opinion / total if total else 0.0


class MythStats(NamedTuple):
    id: str
    reliability: float | None
    method: str | None  # "alpha" or "spearman_brown"
    n: int  # people who answered every statement the figure is computed over
    statements: tuple[StatementStats, ...]


class ItemReport(NamedTuple):
    bank_id: str
    workshop: str | None
    round: str | None
    attempts: int  # finished attempts counted
    shown: bool  # False below the minimum group: only the count of attempts
    myths: tuple[MythStats, ...]

    @property
    def statements(self) -> tuple[StatementStats, ...]:
        return tuple(s for m in self.myths for s in m.statements)

    @property
    def flagged(self) -> tuple[StatementStats, ...]:
        return tuple(s for s in self.statements if s.flags)


def _variance(xs: Sequence[float]) -> float:
    """Sample variance in floats: `statistics.variance` works in exact fractions, many times slower here."""
    n = len(xs)
    mean = math.fsum(xs) / n
    return math.fsum((x - mean) ** 2 for x in xs) / (n - 1)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when there are fewer than three pairs or either side does not vary."""
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys)


def cronbach_alpha(table: list[list[float]]) -> float | None:
    """Alpha over complete rows (one per person, one column per statement); None if it cannot be told."""
    if len(table) < 3 or not table or len(table[0]) < 2:
        return None
    k = len(table[0])
    columns = list(zip(*table, strict=True))
    item_variance = sum(_variance(c) for c in columns)
    total_variance = _variance([sum(row) for row in table])
    if total_variance == 0:
        return None
    return k / (k - 1) * (1 - item_variance / total_variance)


def spearman_brown(table: list[list[float]]) -> float | None:
    """The reliability of two statements together from their correlation: 2r / (1 + r)."""
    r = pearson([row[0] for row in table], [row[1] for row in table])
    if r is None or r <= -1:
        return None
    return 2 * r / (1 + r)


def item_statistics(
    bank: Bank,
    rows: Iterable[AnswerRow],
    *,
    workshop: str | None = None,
    round: str | None = None,
    min_group: int = MIN_GROUP,
) -> ItemReport:
    """The statistics of every statement of a bank, from raw answers; statements the bank lacks are left out."""
    known = {s.id for s in bank.statements}
    by_attempt: dict[int, dict[str, int | None]] = {}
    for attempt, sid, value in rows:
        if sid in known:
            by_attempt.setdefault(attempt, {})[sid] = value
        else:
            by_attempt.setdefault(attempt, {})
    answers = list(by_attempt.values())
    shown = len(answers) >= min_group
    myths = tuple(_myth_stats(myth, answers) for myth in bank.myths) if shown else ()
    return ItemReport(bank.id, workshop, round, len(answers), shown, myths)


def _myth_stats(myth: Myth, answers: list[dict[str, int | None]]) -> MythStats:
    ids = [s.id for s in myth.statements]
    keyed = {s.id: s for s in myth.statements}
    scored: list[dict[str, float]] = []  # per person: points toward the myth of each answered statement
    for given in answers:
        row = {sid: float(points(keyed[sid], v)) for sid in ids if (v := given.get(sid)) is not None}
        if row:
            scored.append(row)
    stats = tuple(_statement_stats(s, myth.id, answers, scored) for s in myth.statements)
    answered = [sid for sid in ids if any(sid in row for row in scored)]
    complete = [[row[sid] for sid in answered] for row in scored if all(sid in row for sid in answered)]
    if len(answered) == 2:
        return MythStats(myth.id, spearman_brown(complete), "spearman_brown", len(complete), stats)
    if len(answered) > 2:
        return MythStats(myth.id, cronbach_alpha(complete), "alpha", len(complete), stats)
    return MythStats(myth.id, None, None, len(complete), stats)


def _statement_stats(
    st: Statement, myth_id: str, answers: list[dict[str, int | None]], scored: list[dict[str, float]]
) -> StatementStats:
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
    if r is not None and r < 0:
        flags.append(NEGATIVE)
    elif r is not None and r < LOW_ITEM_REST:
        flags.append(LOW)
    total = n + no_opinion
    if total and no_opinion / total > NO_OPINION_LIMIT:
        flags.append(NO_OPINION)
    if n and max(shares[0], shares[4]) >= EXTREME_LIMIT:
        flags.append(EXTREME)
    return StatementStats(
        st.id,
        myth_id,
        st.keyed,
        n,
        no_opinion,
        shares,
        statistics.fmean(values) if values else None,
        math.sqrt(_variance(values)) if n >= 2 else None,
        r,
        len(xs),
        tuple(flags),
    )


def rounded(value: float | None, places: int = 2) -> float | None:
    """A figure as reports show it; NaN never leaves the core."""
    return None if value is None or math.isnan(value) else round(value, places)


def flag_reason(lang: str, stat: StatementStats, flag: str) -> str:
    """Why a statement is flagged, in plain words, with its figure."""
    if flag == NEGATIVE:
        return t(lang, "flag_negative_item_rest", r=f"{stat.item_rest or 0:.2f}")
    if flag == LOW:
        return t(lang, "flag_low_item_rest", r=f"{stat.item_rest or 0:.2f}", limit=f"{LOW_ITEM_REST:.2f}")
    if flag == NO_OPINION:
        return t(lang, "flag_many_no_opinion", share=round(100 * stat.no_opinion_share))
    return t(lang, "flag_one_extreme", share=round(100 * max(stat.shares[0], stat.shares[4])))

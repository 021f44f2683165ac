"""Which statements work: item statistics over stored answers, as survey engines offer them.

Per statement: how many answered, how many said "no opinion", the share of each answer, the mean
and standard deviation of the answers (1..5), and the corrected item–rest correlation: the
statement's points toward the misconception (keying applied) against the mean points of the
other statements of its myth, over the people who answered both. Per myth: a reliability figure,
Cronbach's alpha over the people who answered every statement of the myth (Spearman–Brown when
only two statements were answered). Flags say, with their reason, which statements to look at.

Every figure follows from how many people gave each answer pattern per myth (a store counts these
where the answers are), through integer sums: exact until the one division that gives the figure.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from misquiz.core.catalogue import t
from misquiz.core.model import Bank, Myth, Statement
from misquiz.core.room import MIN_GROUP
from misquiz.core.scoring import points

LOW_ITEM_REST = 0.20  # below this, a statement barely measures what its myth's other statements measure
NO_OPINION_LIMIT = 0.20  # above this share of "no opinion", a statement is unclear or out of reach
EXTREME_LIMIT = 0.80  # this share or more in one extreme answer: the statement tells people apart little
FLAG_PEOPLE = 10  # a flag needs at least this many people: below it, one person moves a share by over 10 points

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

    @property
    def too_few_to_flag(self) -> bool:
        """Fewer attempts than a flag needs: no statement can be judged yet (the faces say so)."""
        return self.attempts < FLAG_PEOPLE


def _variance(xs: Sequence[float]) -> float:
    """Sample variance in floats: `statistics.variance` works in exact fractions, many times slower here."""
    n = len(xs)
    mean = math.fsum(xs) / n
    return math.fsum((x - mean) ** 2 for x in xs) / (n - 1)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r, or None when there are fewer than three pairs or either side does not vary."""
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    import statistics  # (and its fractions and decimals) only here: reports compute from patterns

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


# A pattern: a person's answers to one myth, one state per statement of the myth in bank order.
NOT_ANSWERED, NO_OPINION_STATE = 0, 6  # the states beside the answers 1..5
Pattern = tuple[int, ...]


class AnswerPatterns(NamedTuple):
    """All that item statistics need of the answers: per myth, how many people gave each pattern.

    A store counts them where the answers are (SQL); `answer_patterns` counts them from raw rows. People who
    gave none of a myth's statements are not among its patterns.
    """

    attempts: int  # finished attempts with at least one stored answer (to any statement)
    myths: Mapping[str, Mapping[Pattern, int]]  # myth id -> pattern -> people


def answer_patterns(bank: Bank, rows: Iterable[AnswerRow]) -> AnswerPatterns:
    """The patterns of raw answers; statements the bank lacks are left out, their attempts still count."""
    where = {s.id: (m.id, j, len(m.statements)) for m in bank.myths for j, s in enumerate(m.statements)}
    people: dict[int, dict[str, list[int]]] = {}
    for attempt, sid, value in rows:
        person = people.setdefault(attempt, {})
        if sid in where:
            myth_id, j, k = where[sid]
            states = person.get(myth_id) or person.setdefault(myth_id, [NOT_ANSWERED] * k)
            states[j] = NO_OPINION_STATE if value is None else value
    counted: dict[str, Counter[Pattern]] = {m.id: Counter() for m in bank.myths}
    for person in people.values():
        for myth_id, states in person.items():
            counted[myth_id][tuple(states)] += 1
    return AnswerPatterns(len(people), {myth_id: dict(c) for myth_id, c in counted.items()})


def item_statistics(
    bank: Bank,
    rows: Iterable[AnswerRow],
    *,
    workshop: str | None = None,
    round: str | None = None,
    min_group: int = MIN_GROUP,
) -> ItemReport:
    """The statistics of every statement of a bank, from raw answers; statements the bank lacks are left out."""
    return item_report(bank, answer_patterns(bank, rows), workshop=workshop, round=round, min_group=min_group)


def item_report(
    bank: Bank,
    patterns: AnswerPatterns,
    *,
    workshop: str | None = None,
    round: str | None = None,
    min_group: int = MIN_GROUP,
) -> ItemReport:
    """The statistics of every statement of a bank from the patterns of its answers."""
    shown = patterns.attempts >= min_group
    myths = tuple(_myth_stats(m, patterns.myths.get(m.id, {})) for m in bank.myths) if shown else ()
    return ItemReport(bank.id, workshop, round, patterns.attempts, shown, myths)


class _Sums:
    """Integer sums over people, from which a correlation or a variance follows exactly."""

    __slots__ = ("n", "x", "xx", "xy", "y", "yy")

    def __init__(self) -> None:
        self.n = self.x = self.xx = self.y = self.yy = self.xy = 0

    def add(self, people: int, x: int, y: int) -> None:
        self.n += people
        self.x += people * x
        self.xx += people * x * x
        self.y += people * y
        self.yy += people * y * y
        self.xy += people * x * y

    def correlation(self) -> float | None:
        """Pearson's r, or None when there are fewer than three people or either side does not vary."""
        n = self.n
        vx, vy = n * self.xx - self.x * self.x, n * self.yy - self.y * self.y
        if n < 3 or vx == 0 or vy == 0:
            return None
        cov = n * self.xy - self.x * self.y
        return math.copysign(math.sqrt(cov * cov / (vx * vy)), cov)  # r²: one rounding of an exact ratio


def _myth_stats(myth: Myth, patterns: Mapping[Pattern, int]) -> MythStats:
    """Every figure of a myth from its patterns, in integers: exact until the last division.

    x is a statement's points toward the myth (keying applied); c how many of the myth's statements a person
    answered, T their points over those. A person's rest (the mean points of their other answered statements)
    is kept as an integer by scaling every rest by the same number: a correlation does not change with scale.
    """
    k = len(myth.statements)
    to_points = [[None, *(points(s, a) for a in range(1, 6)), None] for s in myth.statements]
    cells: defaultdict[tuple[int, int, int, int], int] = defaultdict(int)  # (statement, state, c, T) -> people
    for pattern, people in patterns.items():
        given = [x for p, state in zip(to_points, pattern, strict=True) if (x := p[state]) is not None]
        c, total = len(given), sum(given)
        for j, state in enumerate(pattern):
            if state:
                cells[j, state, c, total] += people
    scale = math.lcm(*range(1, k))  # rests are sums over 1..k-1 other statements
    states = [[0] * 7 for _ in range(k)]  # per statement: people per state
    rest = [_Sums() for _ in range(k)]  # per statement: x against the (scaled) rest
    by_count: dict[int, list[_Sums]] = {}  # per c, per statement: x against T over the people who answered it
    for (j, state, c, total), people in cells.items():
        states[j][state] += people
        x = to_points[j][state]
        if x is None:
            continue
        (by_count.get(c) or by_count.setdefault(c, [_Sums() for _ in range(k)]))[j].add(people, x, total)
        if c > 1:
            rest[j].add(people, x, (total - x) * (scale // (c - 1)))
    stats = tuple(_statement_stats(s, myth.id, states[j], rest[j]) for j, s in enumerate(myth.statements))
    answered = [j for j in range(k) if stats[j].n]
    if not answered:
        return MythStats(myth.id, None, None, 0, stats)
    # complete rows: the people who answered every statement anyone answered; each is in every column
    columns = [by_count.get(len(answered), [_Sums()] * k)[j] for j in answered]
    complete = columns[0].n
    if len(answered) == 2:
        a, b = columns
        pair = _Sums()  # a against b, where T² = a² + 2ab + b²
        pair.n, pair.x, pair.xx, pair.y, pair.yy = complete, a.x, a.xx, b.x, b.xx
        pair.xy = (a.yy - a.xx - b.xx) // 2
        r = pair.correlation()
        reliability = None if r is None or r <= -1 else 2 * r / (1 + r)
        return MythStats(myth.id, reliability, "spearman_brown", complete, stats)
    if len(answered) > 2:
        return MythStats(myth.id, _alpha(columns), "alpha", complete, stats)
    return MythStats(myth.id, None, None, complete, stats)


def _alpha(columns: list[_Sums]) -> float | None:
    """Cronbach's alpha over complete rows: k/(k-1) · (1 - Σ item variances / variance of the totals T)."""
    m, k = columns[0].n, len(columns)
    if m < 3:
        return None
    item_spread = sum(m * c.xx - c.x * c.x for c in columns)  # each variance times m(m-1)
    total_spread = m * columns[0].yy - columns[0].y * columns[0].y
    if total_spread == 0:
        return None
    return k * (total_spread - item_spread) / ((k - 1) * total_spread)  # integers: one rounding


def _statement_stats(st: Statement, myth_id: str, states: list[int], rest: _Sums) -> StatementStats:
    counts = states[1:6]
    no_opinion = states[NO_OPINION_STATE]
    n = sum(counts)
    shares = tuple(c / n if n else 0.0 for c in counts)
    total = sum(a * c for a, c in enumerate(counts, 1))
    squares = sum(a * a * c for a, c in enumerate(counts, 1))
    r = rest.correlation()
    flags = []
    if r is not None and rest.n >= FLAG_PEOPLE:
        if r < 0:
            flags.append(NEGATIVE)
        elif r < LOW_ITEM_REST:
            flags.append(LOW)
    answered = n + no_opinion
    if answered >= FLAG_PEOPLE and no_opinion / answered > NO_OPINION_LIMIT:
        flags.append(NO_OPINION)
    if n >= FLAG_PEOPLE and max(shares[0], shares[4]) >= EXTREME_LIMIT:
        flags.append(EXTREME)
    return StatementStats(
        st.id,
        myth_id,
        st.keyed,
        n,
        no_opinion,
        shares,
        total / n if n else None,
        math.sqrt((n * squares - total * total) / (n * (n - 1))) if n >= 2 else None,
        r,
        rest.n,
        tuple(flags),
    )


def rounded(value: float | None, places: int = 2) -> float | None:
    """A figure as reports show it; NaN never leaves the core."""
    return None if value is None or math.isnan(value) else round(value, places)


def too_few_note(report: ItemReport, lang: str) -> str | None:
    """What every face says when there are too few attempts to flag any statement; None when there are enough."""
    if not report.too_few_to_flag:
        return None
    return t(lang, "report_flags_too_few", n=report.attempts, least=FLAG_PEOPLE)


def flag_reason(lang: str, stat: StatementStats, flag: str) -> str:
    """Why a statement is flagged, in plain words, with its figure."""
    if flag == NEGATIVE:
        return t(lang, "flag_negative_item_rest", r=f"{stat.item_rest or 0:.2f}")
    if flag == LOW:
        return t(lang, "flag_low_item_rest", r=f"{stat.item_rest or 0:.2f}", limit=f"{LOW_ITEM_REST:.2f}")
    if flag == NO_OPINION:
        return t(lang, "flag_many_no_opinion", share=round(100 * stat.no_opinion_share))
    return t(lang, "flag_one_extreme", share=round(100 * max(stat.shares[0], stat.shares[4])))

"""Which statements work: item statistics over stored answers, as survey engines offer them.

Per statement: how many answered, how many said "no opinion", the share of each answer, the mean
and standard deviation of the answers (1..5), and the corrected item–rest correlation: the
statement's points toward the misconception (keying applied) against the mean points of the
other statements of its myth, over the people who answered both. Per myth: a reliability figure,
Cronbach's alpha over the people who answered every statement of the myth (Spearman–Brown when
only two statements were answered), and the spread of people's scores on it. Flags say, with
their reason, which statements to look at.

Statistics that know their limits. The figures are always computed; what they may be read for is
decided here, once, for every face:
- A flag needs at least FLAG_PEOPLE (30) finished attempts in the round, and as many people behind
  its own figure. Under 30 people chance alone moves a correlation a long way: for a statement
  that is fine, the 95% range of its item–rest r is about ±0.57 with 12 people and ±0.36 with 30.
  Below that the faces say once, in words, that there are too few people to judge statements.
- A myth's statements are judged only when people differ on the myth: the standard deviation of
  their scores on it (0–100, each person's own score: the mean of their points over the myth's
  answered statements) must be at least SPREAD_LIMIT (10) points. People spread evenly over one
  band (a third of the scale) have an sd of about 33/√12 ≈ 9.6, so below 10 the room differs no
  more than people inside a single band, and correlations between its statements are mostly noise:
  a myth everyone sees clearly gives "negative" correlations to statements that work. Such a myth
  is "too little spread to judge" and none of its statements is flagged. (The share of people in
  one band was not chosen: a room split 80/20 between "clear" and "holds it" is where statements
  are judged best.)
- "Keyed the wrong way" needs an item–rest r of −0.20 or below; between −0.20 and 0.20 a statement
  only "barely follows" the others: a correlation near zero shows no direction.
- The reliability figure is read only from 30 people who answered every statement it is computed
  over, and only where the myth has enough spread; it is always given with its reading in words,
  a negative one included (the statements disagree with each other).
- One round at a time, so that no one counts twice: `items CODE` reads the latest round of the
  workshop with finished attempts (ROUNDS_LATEST_FIRST), the report's appendix the round before
  teaching when there is one (ROUNDS_BEFORE_FIRST).

Every figure follows from how many people gave each answer pattern per myth (a store counts these
where the answers are), through integer sums: exact until the one division that gives the figure.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from misquiz.core.catalogue import format_number, t
from misquiz.core.model import Bank, Myth, Statement
from misquiz.core.room import MIN_GROUP
from misquiz.core.scoring import points

LOW_ITEM_REST = 0.20  # below this, a statement barely measures what its myth's other statements measure
NO_OPINION_LIMIT = 0.20  # above this share of "no opinion", a statement is unclear or out of reach
EXTREME_LIMIT = 0.80  # this share or more in one extreme answer: the statement tells people apart little
FLAG_PEOPLE = 30  # a flag, or a reliability figure, needs this many people: with fewer, chance rules (see above)
SPREAD_LIMIT = 10  # sd of people's scores on a myth (0-100) below which its statements cannot be judged
# Readings of a reliability figure: George & Mallery's rule of thumb for alpha (2003), merged into four steps.
ALPHA_READINGS = (
    (0.8, "items_alpha_good"),
    (0.7, "items_alpha_acceptable"),
    (0.5, "items_alpha_questionable"),
    (0.0, "items_alpha_poor"),
)
ROUNDS_LATEST_FIRST = ("after", "before", "none")  # the round `items CODE` reads: the latest with finished people
ROUNDS_BEFORE_FIRST = ("before", "after", "none")  # the report's appendix: answers not yet taught first

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
    people: int = 0  # people with a score on the myth (at least one statement answered 1..5)
    spread: float | None = None  # standard deviation of their scores (0-100); None below two people
    enough_spread: bool = False  # spread >= SPREAD_LIMIT, decided exactly

    @property
    def reliability_shown(self) -> bool:
        """The reliability figure may be read: enough people behind it, and enough spread."""
        return self.reliability is not None and self.n >= FLAG_PEOPLE and self.enough_spread


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

    @property
    def too_little_spread(self) -> tuple[MythStats, ...]:
        """The myths whose statements cannot be judged for want of spread (none while too few to judge at all)."""
        if self.too_few_to_flag:
            return ()
        return tuple(m for m in self.myths if m.people >= FLAG_PEOPLE and not m.enough_spread)


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
    enough_people = patterns.attempts >= FLAG_PEOPLE
    myths = tuple(m if enough_people and m.enough_spread else _unflagged(m) for m in myths)
    return ItemReport(bank.id, workshop, round, patterns.attempts, shown, myths)


def _unflagged(myth: MythStats) -> MythStats:
    """A myth whose statements cannot be judged: its figures stay, its flags go."""
    if not any(s.flags for s in myth.statements):
        return myth
    return myth._replace(statements=tuple(s._replace(flags=()) for s in myth.statements))


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
    whole = math.lcm(*range(1, k + 1))  # a person's mean points T/c, times this, is a whole number
    scores = _Sums()  # x: each person's mean points T/c times `whole`; their score is 25·x/whole
    for pattern, people in patterns.items():
        given = [x for p, state in zip(to_points, pattern, strict=True) if (x := p[state]) is not None]
        c, total = len(given), sum(given)
        for j, state in enumerate(pattern):
            if state:
                cells[j, state, c, total] += people
        if c:
            scores.add(people, total * (whole // c), 0)
    spread, enough_spread = _spread(scores, whole)
    more = (scores.n, spread, enough_spread)
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
        return MythStats(myth.id, None, None, 0, stats, *more)
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
        return MythStats(myth.id, reliability, "spearman_brown", complete, stats, *more)
    if len(answered) > 2:
        return MythStats(myth.id, _alpha(columns), "alpha", complete, stats, *more)
    return MythStats(myth.id, None, None, complete, stats, *more)


def _spread(scores: _Sums, whole: int) -> tuple[float | None, bool]:
    """The sd of people's scores (0-100) from their scaled mean points, and whether it reaches SPREAD_LIMIT.

    A score is 25 · x / whole; its variance 625 · var(x) / whole². The comparison is made in integers.
    """
    n = scores.n
    if n < 2:
        return None, False
    spread = n * scores.xx - scores.x * scores.x  # var(x) times n(n-1)
    sd = 25 * math.sqrt(spread / (n * (n - 1))) / whole
    return sd, 625 * spread >= SPREAD_LIMIT * SPREAD_LIMIT * whole * whole * n * (n - 1)


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
        if r <= -LOW_ITEM_REST:  # "keyed the wrong way" claims a direction: a correlation near 0 shows none
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
    """What every face says once when there are too few attempts to flag any statement; None when there are enough."""
    if not report.too_few_to_flag:
        return None
    return t(lang, "report_flags_too_few", n=report.attempts, least=FLAG_PEOPLE)


def spread_note(myth: MythStats, lang: str) -> str | None:
    """Why a myth's statements are not judged for want of spread; None when they are, or too few answered it."""
    if myth.enough_spread or myth.people < FLAG_PEOPLE:
        return None
    return t(lang, "items_spread_too_little", sd=format_number(myth.spread or 0, 1, lang), limit=SPREAD_LIMIT)


def reliability_reading(myth: MythStats) -> str | None:
    """The catalogue key of a shown reliability figure's reading in words; None when it is not shown."""
    if not myth.reliability_shown or myth.reliability is None:
        return None
    if myth.reliability < 0:
        return "items_alpha_negative"
    return next(key for least, key in ALPHA_READINGS if myth.reliability >= least)


def reliability_note(myth: MythStats, lang: str) -> str:
    """A myth's reliability as a reader may take it: the figure with its reading, or why it is not shown."""
    if myth.n < FLAG_PEOPLE:
        return t(lang, "items_reliability_too_few", n=myth.n, least=FLAG_PEOPLE)
    if not myth.enough_spread:
        return spread_note(myth, lang) or t(lang, "items_reliability_none")
    reading = reliability_reading(myth)
    if reading is None:
        return t(lang, "items_reliability_none")
    key = "items_reliability_alpha" if myth.method == "alpha" else "items_reliability_spearman_brown"
    figure = t(lang, key, value=format_number(myth.reliability or 0, 2, lang), n=myth.n)
    return t(lang, "items_reliability_read", figure=figure, reading=t(lang, reading))


def flag_reason(lang: str, stat: StatementStats, flag: str) -> str:
    """Why a statement is flagged, in plain words, with its figure."""
    if flag == NEGATIVE:
        return t(lang, "flag_negative_item_rest", r=format_number(stat.item_rest or 0, 2, lang))
    if flag == LOW:
        return t(
            lang,
            "flag_low_item_rest",
            r=format_number(stat.item_rest or 0, 2, lang),
            limit=format_number(LOW_ITEM_REST, 2, lang),
        )
    if flag == NO_OPINION:
        return t(lang, "flag_many_no_opinion", share=round(100 * stat.no_opinion_share))
    return t(lang, "flag_one_extreme", share=round(100 * max(stat.shares[0], stat.shares[4])))

"""The group report a trainer hands to a client: one view-model that every format lays out.

It decides the title, who made it and when, the people per round, the legend, one order for
before and after side by side (the after round's discussion order), the shifts largest first,
what to discuss next, and, only when the trainer asks for it (`--appendix`), the statements to
review. Every word is in the report's language. Below the minimum group a round gives only its
counts of people.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import NamedTuple

from misquiz.core.catalogue import format_date, t
from misquiz.core.commitments import RoomCommitmentLine, room_commitment_lines
from misquiz.core.items import FLAGS, ItemReport, StatementStats, flag_reason, spread_note, too_few_note
from misquiz.core.model import Bank, resolve_language
from misquiz.core.room import UNTAGGED, Room, RoomRound, priority
from misquiz.core.scoring import shown
from misquiz.core.session import Shift, shift_of

NEXT_STEPS = 3
FLAG_LIMIT = 10  # the appendix keeps the report to two pages; `misquiz items` lists every flag

# The small words a renderer places, all from the catalogue.
LABELS = (
    "report_by",
    "report_date",
    "report_workshop",
    "report_people",
    "report_legend",
    "room_shift_title",
    "room_commitments_title",
    "report_next",
    "report_flags",
    "report_score",
    "report_shift",
    "report_rank",
    "report_statement",
    "report_reasons",
    "misconception",
)


class BandKey(NamedTuple):
    id: str
    label: str
    color: str
    low: int  # the shown scores the band holds, both ends included
    high: int


class RoundPeople(NamedTuple):
    name: str  # "before", "after" or "none"
    title: str
    joined: int
    in_progress: int
    finished: int
    shown: bool
    line: str  # "joined 12 · in progress 0 · finished 12"


class RoundCell(NamedTuple):
    counts: tuple[int, ...]  # people per band, in the bank's band order
    assessed: int
    score: int | None  # the room's mean score, shown as a whole number
    band: BandKey | None  # the band that score lands in


class ReportRow(NamedTuple):
    rank: int | None  # place in the discussion order; None: nobody answered it
    myth_id: str
    title: str
    cells: tuple[RoundCell, ...]  # one per shown round, in GroupReport.columns order
    shift: int | None  # after minus before, in shown scores (core.session.Shift's points)
    change: Shift | None = None  # the same shift, with the people who held it before and after


class NextStep(NamedTuple):
    title: str
    line: str


class FlagLine(NamedTuple):
    statement_id: str
    myth_title: str
    text: str
    reasons: tuple[str, ...]


class RoundCommitments(NamedTuple):
    round: str
    title: str  # the round's name
    lines: tuple[RoomCommitmentLine, ...]  # per action, most committed first; never a person's own line


class GroupReport(NamedTuple):
    lang: str
    title: str
    by: str | None
    date: str
    workshop: str
    bank_title: str
    rounds: tuple[RoundPeople, ...]  # every round with people
    columns: tuple[RoundPeople, ...]  # the rounds shown side by side
    bands: tuple[BandKey, ...]
    legend: tuple[str, ...]
    order_note: str | None
    rows: tuple[ReportRow, ...]
    shifts: tuple[ReportRow, ...]  # largest shift first
    next_note: str | None
    next_steps: tuple[NextStep, ...]
    flags_note: str | None
    flags: tuple[FlagLine, ...]  # the most pressing first, at most FLAG_LIMIT
    flags_more: str | None  # how many more were left out, and where to see them
    spread_note: str | None  # why the statements of the myths below are not judged
    unjudged: tuple[str, ...]  # titles of the myths with too little spread to judge their statements
    hidden: str | None  # said when no round has enough finished people to show more than counts
    labels: dict[str, str]
    appendix: bool = False  # the statements to review: only when asked for, and there is something to say
    commitments: tuple[RoundCommitments, ...] = ()  # the shown rounds in which someone chose something to do

    @property
    def compared(self) -> bool:
        return any(r.shift is not None for r in self.rows)


def band_keys(bank: Bank, lang: str) -> tuple[BandKey, ...]:
    return tuple(
        BandKey(b.id, b.label[lang], b.color, math.ceil(b.min) if n == 0 else math.floor(b.min) + 1, math.floor(b.max))
        for n, b in enumerate(bank.bands)
    )


def group_report(
    room: Room,
    bank: Bank,
    lang: str,
    now: datetime,
    *,
    title: str | None = None,
    by: str | None = None,
    items: ItemReport | None = None,
    appendix: bool = False,
    closed: frozenset[str] = frozenset(),
) -> GroupReport:
    """The report; the appendix of statements to review only with `appendix` and the item statistics of one round.

    The report goes to a client: statement statistics are for the trainer, so they stay out unless asked for.
    """
    lang = resolve_language(bank, lang)
    bands = band_keys(bank, lang)
    rounds = tuple(_people(name, rnd, lang, name in closed) for name, rnd in room.rounds.items())
    columns = tuple(p for p in rounds if p.shown)
    shown_rounds = [room.rounds[p.name] for p in columns]
    compared = room.has_both_rounds
    if compared:  # the debrief of an after round walks the after round's order
        basis: RoomRound | None = room.rounds["after"]
    else:
        basis = shown_rounds[-1] if shown_rounds else None
    rows: tuple[ReportRow, ...] = ()
    if basis is not None:
        order = list(basis.discussion_order)
        order += [m.id for m in bank.myths if m.id not in order]
        rank = {myth_id: n for n, myth_id in enumerate(basis.discussion_order, 1)}
        rows = tuple(
            ReportRow(
                rank.get(myth_id),
                myth_id,
                bank.myths_by_id[myth_id].title[lang],
                tuple(_cell(rnd, myth_id, bands) for rnd in shown_rounds),
                _shift(room, myth_id) if compared else None,
                shift_of(room, myth_id, bank.bands[-1].id) if compared else None,
            )
            for myth_id in order
        )
    shifts = tuple(sorted((r for r in rows if r.shift is not None), key=lambda r: -abs(r.shift or 0)))
    legend = [
        t(lang, "legend_score"),
        t(lang, "legend_bands", bands=", ".join(f"{b.label} {b.low}–{b.high}" for b in bands)),
    ]
    if compared:
        legend.append(t(lang, "legend_shift"))
    if any(not p.shown for p in rounds):
        legend.append(t(lang, "room_too_few"))
    order_note = None
    if basis is not None:
        order_note = (  # a workshop without rounds has one discussion order: no round to name
            t(lang, "report_order_note_all")
            if basis.round == UNTAGGED
            else t(lang, "report_order_note", round=t(lang, _round_key(basis.round)))
        )
    latest = room.rounds["after"] if compared else basis
    next_steps, next_note = _next(latest, bank, lang) if latest is not None else ((), None)
    flags: tuple[FlagLine, ...] = ()
    flags_note = flags_more = spread = None
    unjudged: tuple[str, ...] = ()
    with_appendix = appendix and items is not None and items.shown
    if with_appendix and items is not None:
        flags = tuple(
            FlagLine(
                s.id,
                bank.myths_by_id[s.myth_id].title[lang],
                next(st.text[lang] for st in bank.myths_by_id[s.myth_id].statements if st.id == s.id),
                tuple(flag_reason(lang, s, f) for f in s.flags),
            )
            for s in sorted(items.flagged, key=_severity)[:FLAG_LIMIT]
        )
        left_out = len(items.flagged) - len(flags)
        command = f"{room.workshop} --round {items.round}" if items.round else room.workshop
        flags_more = t(lang, "report_flags_more", n=left_out, code=command) if left_out > 0 else None
        round_name = t(lang, _round_key(items.round or "none"))
        flags_note = too_few_note(items, lang) or (
            t(lang, "report_flags_note", n=items.attempts, round=round_name)
            if flags
            else t(lang, "report_flags_none", round=round_name)
        )
        unjudged = tuple(bank.myths_by_id[m.id].title[lang] for m in items.too_little_spread if spread_note(m, lang))
        spread = t(lang, "report_flags_spread") if unjudged else None
    return GroupReport(
        lang=lang,
        title=title or t(lang, "room_report_title", code=room.workshop),
        by=by or None,
        date=format_date(now.isoformat(), lang),
        workshop=room.workshop,
        bank_title=bank.title[lang],
        rounds=rounds,
        columns=columns,
        bands=bands,
        legend=tuple(legend),
        order_note=order_note,
        rows=rows,
        shifts=shifts,
        next_note=next_note,
        next_steps=next_steps,
        flags_note=flags_note,
        flags=flags,
        flags_more=flags_more,
        spread_note=spread,
        unjudged=unjudged,
        hidden=None if columns else t(lang, "room_too_few") if rounds else t(lang, "room_empty"),
        labels={key: t(lang, key) for key in LABELS},
        appendix=with_appendix,
        commitments=_commitments(room, bank, lang, columns),
    )


def _commitments(room: Room, bank: Bank, lang: str, columns: tuple[RoundPeople, ...]) -> tuple[RoundCommitments, ...]:
    """The room's commitments of every round the report shows (nothing below the minimum group)."""
    found = []
    for p in columns:
        tally = room.commitments.get(p.name)
        lines = room_commitment_lines(bank, tally, lang) if tally is not None else ()
        if lines:
            found.append(RoundCommitments(p.name, p.title, lines))
    return tuple(found)


def _severity(s: StatementStats) -> tuple[int, float]:
    """Statements keyed against their myth first, then the weakest item–rest correlation."""
    return (min(FLAGS.index(f) for f in s.flags), s.item_rest if s.item_rest is not None else 1.0)


def _round_key(name: str) -> str:
    return {"before": "round_before", "after": "round_after"}.get(name, "round_none")


def _people(name: str, rnd: RoomRound, lang: str, closed: bool = False) -> RoundPeople:
    line = t(lang, "room_counts", joined=rnd.joined, in_progress=rnd.in_progress, finished=rnd.finished)
    title = t(lang, _round_key(name))
    if closed:  # the trainer stopped the round: it takes no more answers
        title = t(lang, "report_round_closed", round=title)
    return RoundPeople(name, title, rnd.joined, rnd.in_progress, rnd.finished, rnd.shown, line)


def _band_of(score: int, bands: tuple[BandKey, ...]) -> BandKey:
    return next((b for b in bands if score <= b.high), bands[-1])


def _cell(rnd: RoomRound, myth_id: str, bands: tuple[BandKey, ...]) -> RoundCell:
    m = rnd.myth(myth_id)
    score = None if m.mean is None else shown(m.mean)
    return RoundCell(
        tuple(m.counts.get(b.id, 0) for b in bands),
        m.assessed,
        score,
        None if score is None else _band_of(score, bands),
    )


def _shift(room: Room, myth_id: str) -> int | None:
    change = shift_of(room, myth_id, "")
    return None if change is None else change.points


def shift_line(lang: str, change: Shift) -> str:
    """A shift in words, arrow and points, with the people who held it: the same in every view."""
    return t(
        lang,
        f"shift_{change.wording}",
        arrow=change.arrow,
        points=change.signed,
        before=change.held_before,
        after=change.held_after,
    )


def _next(rnd: RoomRound, bank: Bank, lang: str) -> tuple[tuple[NextStep, ...], str]:
    held, clear = bank.bands[-1].id, bank.bands[0].id
    steps: list[NextStep] = []
    for myth_id in rnd.discussion_order:
        m = rnd.myth(myth_id)
        if priority(m, held, clear) <= 0 or len(steps) == NEXT_STEPS:
            break
        line = t(lang, "report_next_line", held=m.counts.get(held, 0), clear=m.counts.get(clear, 0), total=m.assessed)
        steps.append(NextStep(bank.myths_by_id[myth_id].title[lang], line))
    if rnd.round == UNTAGGED:  # no round to name
        return tuple(steps), t(lang, "report_next_note_all" if steps else "report_next_none_all")
    round_name = t(lang, _round_key(rnd.round))
    note = t(lang, "report_next_note", round=round_name) if steps else t(lang, "report_next_none", round=round_name)
    return tuple(steps), note

"""The advice plan: one view-model of a result that every face and report renders.

It decides which sections exist, in what order, and what each says, in one language.
Renderers (the TUI, plain lines, text, Markdown, HTML) only lay it out. A difference
between faces is declared here, never decided by a face.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from misquiz.core.catalogue import format_date, t
from misquiz.core.commitments import DONE, NOT_YET, STARTED, Commitment, of_myth
from misquiz.core.model import Bank, resolve_language
from misquiz.core.scoring import (
    AGREE_ALL,
    ARROWS,
    DISAGREE_ALL,
    MIXED_MANY,
    MythScore,
    Result,
    direction_of,
    score_attempt,
    shown,
)
from misquiz.core.text import clean_name, one_line

CHECK_BACK_DAYS = 90
PRIORITIES, SECOND_LOOK, CLEAR, NOT_ASSESSED = "priorities", "second_look", "clear", "not_assessed"


class Progress(NamedTuple):
    """The same person's previous finished result on the same bank."""

    since: str  # ISO date-time it was finished
    scores: dict[str, float | None]


class PlanRow(NamedTuple):
    """One misconception in the per-myth list (most held first)."""

    id: str
    title: str
    score: int | None  # the shown score; None: not assessed
    band: str | None  # band id
    band_label: str
    color: str
    mixed: bool
    change: int | None  # since the previous result

    @property
    def change_mark(self) -> str:
        """The change since last time as every face shows it, with the legend's arrows: "▲ 5" holds more,
        "▼ 25" holds less, "= 0" the same; "" when there is no previous result."""
        return change_mark(self.change)


def change_mark(change: int | None) -> str:
    return "" if change is None else f"{ARROWS[direction_of(change)]} {abs(change)}"


class PlanItem(NamedTuple):
    id: str
    title: str
    score: int | None
    band_label: str
    color: str
    advice: str | None
    actions: tuple[str, ...]
    mixed: bool
    why: str | None = None  # why it is a misconception: given with every priority
    summary: str | None = None  # the band's one sentence about this myth
    clash: str | None = None  # the two statements that point both ways, said in a sentence

    @property
    def band_in_sentence(self) -> str:
        """The band's label inside a sentence, as every face writes it: "(88/100, still believed)"."""
        return self.band_label[:1].lower() + self.band_label[1:]


class PlanSection(NamedTuple):
    key: str  # PRIORITIES, SECOND_LOOK, CLEAR or NOT_ASSESSED
    title: str
    items: tuple[PlanItem, ...]
    note: str | None  # said when the section has no items (only priorities say anything then)


class AdvicePlan(NamedTuple):
    lang: str
    name: str  # the person's name as typed (cleaned), or ""
    taken_at: str  # ISO date-time the result dates from: the saved plan's date and the check-back count from it
    bank_title: str
    heading: str
    nothing: str | None  # no statement answered: only this is said
    profile_title: str | None
    profile_text: str | None
    overall: int | None
    overall_line: str | None  # "score 42 of 100"
    coverage: str | None  # how many myths the result covers, when some were not assessed
    style_note: str | None  # why the answers cannot be read (the unclear profile), in words
    rows: tuple[PlanRow, ...]
    sections: tuple[PlanSection, ...]
    mixed_note: str | None
    progress_note: str | None
    check_back: str | None
    source: str | None  # the article the bank is written from, with its date
    labels: dict[str, str]  # the small words a renderer places: actions, per_myth, overall, mixed, ...
    # "What I will do": every saved plan leads with it (issue 24); each line an action with its myth, or one's own
    commitments_title: str | None = None
    commitments: tuple[str, ...] = ()
    commitments_by: str | None = None  # by when: the check-back date, in a sentence
    check_back_on: str | None = None  # the check-back date, ISO (the calendar file's event)
    # what the person says they did of the previous attempt's commitments, beside the progress
    follow_up_title: str | None = None
    follow_up: tuple[str, ...] = ()

    def section(self, key: str) -> PlanSection | None:
        return next((s for s in self.sections if s.key == key), None)


STYLE_NOTES = {AGREE_ALL: "style_agree_all", DISAGREE_ALL: "style_disagree_all", MIXED_MANY: "style_mixed_many"}
STATUS_WORDS = {DONE: "status_done", STARTED: "status_started", NOT_YET: "status_not_yet"}
LABELS = ("actions", "per_myth", "per_myth_hint", "overall", "mixed", "not_assessed", "why", "check_back_title")


def plan_of_answers(
    bank: Bank,
    answers: Mapping[str, int | None],
    lang: str,
    *,
    name: str,
    taken_at: str,
    progress: Progress | None,
    commitments: Sequence[Commitment] = (),
    followed: Sequence[Commitment] = (),
) -> AdvicePlan:
    """The plan of a set of answers: what every way of saving or showing a result renders."""
    return advice_plan(
        bank, score_attempt(bank, answers), lang, name=name, progress=progress, taken_at=taken_at,
        commitments=commitments, followed=followed,
    )  # fmt: skip


def advice_plan(
    bank: Bank,
    result: Result,
    lang: str,
    *,
    name: str,
    progress: Progress | None,
    taken_at: str,
    commitments: Sequence[Commitment] = (),
    followed: Sequence[Commitment] = (),
) -> AdvicePlan:
    """The one plan of a result. Every argument is required: a face cannot leave out the progress or the date.

    `commitments` are this attempt's; `followed` the previous attempt's, with what the person says they did."""
    plan = _plan(bank, result, lang, name=name, progress=progress, taken_at=taken_at)
    return plan._replace(**_commitment_parts(bank, plan, commitments, followed, progress))


def _commitment_parts(
    bank: Bank, plan: AdvicePlan, commitments: Sequence[Commitment], followed: Sequence[Commitment],
    progress: Progress | None,
) -> dict[str, Any]:  # fmt: skip
    lang = plan.lang
    when = (datetime.fromisoformat(plan.taken_at) + timedelta(days=CHECK_BACK_DAYS)).date().isoformat()
    parts: dict[str, Any] = {"check_back_on": when}
    if commitments:
        parts["commitments_title"] = t(lang, "commitments_title")
        parts["commitments"] = tuple(_commitment_line(bank, c, lang) for c in commitments)
        parts["commitments_by"] = t(lang, "commitments_by", date=format_date(when, lang), count=len(commitments))
    answered = [c for c in followed if c.status is not None]
    if answered and progress is not None:
        parts["follow_up_title"] = t(lang, "follow_up_title", date=format_date(progress.since, lang))
        parts["follow_up"] = tuple(
            t(
                lang,
                "follow_up_line",
                text=_commitment_line(bank, c, lang),
                status=t(lang, STATUS_WORDS[c.status or NOT_YET]),
            )
            for c in answered
        )
    return parts


def _commitment_line(bank: Bank, commitment: Commitment, lang: str) -> str:
    text = one_line(commitment.text(bank, lang))
    myth = commitment.myth_title(bank, lang)
    return of_myth(lang, text, myth)


def _plan(bank: Bank, result: Result, lang: str, *, name: str, progress: Progress | None, taken_at: str) -> AdvicePlan:
    lang = resolve_language(bank, lang)
    heading = t(lang, "results_for", name=name) if name else t(lang, "results_title")
    labels = {key: t(lang, key) for key in LABELS}
    when = (datetime.fromisoformat(taken_at) + timedelta(days=CHECK_BACK_DAYS)).isoformat()
    check_back = t(lang, "check_back", date=format_date(when, lang))
    rows = tuple(_row(m, lang, progress, labels) for m in result.by_hold())
    source = source_line(bank, lang)
    if result.profile is None or result.overall is None:
        return AdvicePlan(
            lang, clean_name(name), taken_at, bank.title[lang], heading, t(lang, "summary_nothing"),
            None, None, None, None, None, None, rows, (), None, None, check_back, source, labels,
        )  # fmt: skip
    assessed = [m for m in result.myths if m.score is not None]
    coverage = None
    if len(assessed) < len(result.myths):
        coverage = t(lang, "coverage", n=len(assessed), total=len(result.myths), rest=len(result.myths) - len(assessed))
    statements = {s.id: s.text[lang] for s in bank.statements}
    priorities = tuple(_item(m, lang, statements, advice=True, actions=True, why=True) for m in result.priorities)
    sections = []
    if priorities or result.profile != bank.undecided:  # an undecided result is not told it has no priorities
        # "nothing has a hold on you" only when every assessed myth is clear
        every_clear = len(result.clear) == len(assessed)
        if priorities:
            note = None
        elif not every_clear:
            note = t(lang, "no_priorities")
        else:  # "none has a hold on you" only of what was assessed: never of misconceptions the answers left unscored
            note = t(lang, "no_priorities_clear" if len(assessed) == len(result.myths) else "no_priorities_clear_some")
        sections.append(PlanSection(PRIORITIES, t(lang, "priorities"), priorities, note))
    if result.second_look:
        items = tuple(_item(m, lang, statements, advice=True, actions=False) for m in result.second_look)
        sections.append(PlanSection(SECOND_LOOK, t(lang, "second_look"), items, None))
    if result.clear:
        items = tuple(_item(m, lang, statements, advice=False, actions=False) for m in result.clear)
        sections.append(PlanSection(CLEAR, t(lang, "clear", count=len(items)), items, None))
    skipped = tuple(_item(m, lang, statements, advice=False, actions=False) for m in result.myths if m.score is None)
    if skipped:
        sections.append(PlanSection(NOT_ASSESSED, t(lang, "not_assessed_title"), skipped, None))
    mixed = t(lang, "mixed_note") if any(m.mixed_signals for m in result.myths) else None
    style_note = t(lang, STYLE_NOTES[result.style]) if result.style else None
    progress_note = t(lang, "change_since", date=format_date(progress.since, lang)) if progress else None
    overall = shown(result.overall)
    return AdvicePlan(
        lang=lang,
        name=clean_name(name),
        taken_at=taken_at,
        bank_title=bank.title[lang],
        heading=heading,
        nothing=None,
        profile_title=result.profile.title[lang],
        profile_text=one_line(result.profile.text[lang]),
        overall=overall,
        overall_line=t(lang, "score_of", score=overall),
        coverage=coverage,
        style_note=style_note,
        rows=rows,
        sections=tuple(sections),
        mixed_note=mixed,
        progress_note=progress_note,
        check_back=check_back,
        source=source,
        labels=labels,
    )


def source_line(bank: Bank, lang: str) -> str | None:
    """Where the bank's content comes from, and when: its facts are dated by the article."""
    article = bank.article
    if article is None:
        return None
    date = format_date(article.date, lang) if len(article.date) >= 10 else article.date
    return t(lang, "source_line", title=article.title, publisher=article.publisher, date=date)


def _row(m: MythScore, lang: str, progress: Progress | None, labels: dict[str, str]) -> PlanRow:
    before = progress.scores.get(m.myth.id) if progress else None
    change = None if before is None or m.score is None else shown(m.score) - shown(before)
    return PlanRow(
        m.myth.id,
        m.myth.title[lang],
        None if m.score is None else shown(m.score),
        m.band.id if m.band else None,
        m.band.label[lang] if m.band else labels["not_assessed"],
        m.band.color if m.band else "grey",
        m.mixed_signals,
        change,
    )


def _item(
    m: MythScore, lang: str, statements: dict[str, str], *, advice: bool, actions: bool, why: bool = False
) -> PlanItem:
    clash = None
    if m.clash is not None:
        key = "clash_agreed" if m.clash.agreed else "clash_disagreed"
        # quoted inside a sentence of our own: without their closing full stop
        first, second = (statements[i].rstrip(" .") for i in (m.clash.myth_statement, m.clash.fact_statement))
        clash = t(lang, key, first=first, second=second)
    return PlanItem(
        m.myth.id,
        m.myth.title[lang],
        None if m.score is None else shown(m.score),
        m.band.label[lang] if m.band else "",
        m.band.color if m.band else "grey",
        m.myth.advice[m.band.id][lang] if advice and m.band else None,
        tuple(a[lang] for a in m.myth.actions) if actions else (),
        m.mixed_signals,
        why=one_line(m.myth.explanation[lang]) if why else None,
        summary=m.band.summary[lang] if m.band else None,
        clash=clash,
    )


def myth_detail(bank: Bank, result: Result, myth_id: str, lang: str) -> PlanItem:
    """One misconception opened from the results: its score, why it is one, the advice for its band and
    every action."""
    lang = resolve_language(bank, lang)
    statements = {s.id: s.text[lang] for s in bank.statements}
    return _item(result.by_id[myth_id], lang, statements, advice=True, actions=True, why=True)

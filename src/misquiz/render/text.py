"""The advice plan as plain text: what `misquiz score` and plain mode print."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from misquiz.core.advice import PRIORITIES, SECOND_LOOK, AdvicePlan, PlanItem
from misquiz.core.catalogue import t
from misquiz.core.text import one_line, plain

WIDTH = 78  # a pipe, a file, a screen reader: the face gives a terminal's own width


Wrap = Callable[..., str]


def _wrapper(width: int) -> Wrap:
    def wrap(text: str, indent: str = "  ", hang: str | None = None) -> str:
        rest = indent if hang is None else hang
        return textwrap.fill(
            one_line(text), width=width, initial_indent=indent, subsequent_indent=rest,
            break_long_words=False,
        )  # fmt: skip

    return wrap


def plan_text(plan: AdvicePlan, width: int = WIDTH) -> str:
    """Every part of the plan, in its order, as lines `width` columns wide (on word boundaries) for a terminal,
    a pipe or a screen reader."""
    lang, out = plan.lang, []
    _wrap = _wrapper(max(20, width))
    if plan.commitments_title:
        out += [plan.commitments_title, *(_wrap(c, "  - ", "    ") for c in plan.commitments)]
        out += [_wrap(plan.commitments_by or ""), ""]
    if plan.nothing is not None:
        return plain("\n".join([*out, plan.nothing]))
    out.append(t(lang, "summary_overall", title=plan.profile_title, score=plan.overall))
    out.append(_wrap(plan.profile_text or ""))
    if plan.style_note:
        out.append(_wrap(plan.style_note))
    if plan.coverage:
        out.append(_wrap(plan.coverage))
    out += ["", plan.labels["per_myth"]]
    if plan.progress_note:
        out.append(_wrap(plan.progress_note))
    for row in plan.rows:
        score = "–" if row.score is None else f"{row.score:>3}"
        change = f"  {row.change_mark}" if row.change else ""
        flag = f"  ⚑ {plan.labels['mixed']}" if row.mixed else ""
        line = t(lang, "pair", label=row.band_label, value=row.title)
        out.append(_wrap(f"{score}  {line}{change}{flag}", "  ", "       "))
    if plan.follow_up_title:
        out += ["", plan.follow_up_title, *(_wrap(c, "  - ", "    ") for c in plan.follow_up)]
    for section in plan.sections:
        out += ["", section.title]
        if not section.items and section.note:
            out.append(_wrap(section.note))
        for n, item in enumerate(section.items, 1):
            out += _item(item, n if section.key == PRIORITIES else None, plan, section.key, _wrap)
    if plan.mixed_note:
        out += ["", _wrap(plan.mixed_note, "")]
    if plan.check_back:
        out += ["", plan.labels["check_back_title"], _wrap(plan.check_back)]
    if plan.source:
        out += ["", _wrap(plan.source, "")]
    return plain("\n".join(out))


def _item(item: PlanItem, number: int | None, plan: AdvicePlan, key: str, _wrap: Wrap) -> list[str]:
    lang = plan.lang
    scored = t(lang, "item_scored", title=item.title, score=t(lang, "score_short", score=item.score))
    mixed = f" ⚑ {plan.labels['mixed']}" if item.mixed else ""
    lead, indent = (f"  {number}. ", "     ") if number is not None else ("  - ", "    ")
    lines = [_wrap(f"{item.title if item.score is None else scored}{mixed}", lead, indent)]
    if item.why:
        lines.append(_wrap(t(lang, "pair", label=plan.labels["why"], value=item.why), indent))
    if item.clash:
        lines.append(_wrap(f"⚑ {item.clash}", indent))
    if item.advice and key in (PRIORITIES, SECOND_LOOK):
        lines.append(_wrap(item.advice, indent))
    if item.actions:
        lines.append(indent + t(lang, "lead_in", label=plan.labels["actions"]))
        lines += [_wrap(a, f"{indent}- ", f"{indent}  ") for a in item.actions]
    return lines

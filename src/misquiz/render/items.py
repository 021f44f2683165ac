"""Item statistics laid out: a terminal table, JSON, and CSV with one row per statement."""

from __future__ import annotations

import csv
import io
import json

from misquiz.core.catalogue import format_number, format_percent, t
from misquiz.core.items import (
    FLAG_PEOPLE,
    SPREAD_LIMIT,
    ItemReport,
    MythStats,
    flag_reason,
    reliability_note,
    rounded,
    spread_note,
    too_few_note,
)
from misquiz.core.model import Bank, resolve_language
from misquiz.core.text import plain

ITEM_COLUMNS = [
    "workshop",
    "round",
    "myth",
    "statement",
    "keyed",
    "text",
    "n",
    "no_opinion",
    "share_no_opinion",
    *(f"share_{a}" for a in range(1, 6)),
    "mean",
    "sd",
    "item_rest",
    "item_rest_n",
    "myth_reliability",
    "myth_reliability_method",
    "myth_reliability_n",
    "flags",
    "myth_reliability_reading",
    "myth_score_sd",
]


def _num(value: float | None, places: int = 3) -> str:
    """A number for a CSV or JSON file: a dot decimal, as programs read it."""
    return "" if value is None else f"{value:.{places}f}"


def _local(value: float | None, lang: str) -> str:
    """A number for a person's eyes: two decimals as the language writes them; "–" for none."""
    return "–" if value is None else format_number(value, 2, lang)


def items_csv(report: ItemReport, bank: Bank, lang: str) -> str:
    """One row per statement, numbers as numbers; below the minimum group only a header and the count."""
    from misquiz.render.room import cell

    lang = resolve_language(bank, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ITEM_COLUMNS)
    workshop, round = cell(report.workshop or ""), cell(report.round or "")
    texts = {s.id: s.text[lang] for s in bank.statements}
    for myth in report.myths:
        for s in myth.statements:
            writer.writerow(
                [workshop, round, cell(myth.id), cell(s.id), s.keyed, cell(texts[s.id]), s.n, s.no_opinion]
                + [_num(s.no_opinion_share)]
                + [_num(x) for x in s.shares]
                + [_num(s.mean), _num(s.sd), _num(s.item_rest), s.item_rest_n]
                + [_num(myth.reliability if myth.reliability_shown else None), myth.method or "", myth.n]
                + [" ".join(s.flags), cell(reliability_note(myth, lang)), _num(myth.spread, 1)]
            )
    return out.getvalue()


def items_json(report: ItemReport, bank: Bank, lang: str) -> str:
    lang = resolve_language(bank, lang)
    data: dict[str, object] = {
        "bank": report.bank_id,
        "workshop": report.workshop,
        "round": report.round,
        "attempts": report.attempts,
        "shown": report.shown,
        "flag_people": FLAG_PEOPLE,
        "spread_limit": SPREAD_LIMIT,
        "note": too_few_note(report, lang),
        "myths": [_myth_json(m, lang) for m in report.myths],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _myth_json(m: MythStats, lang: str) -> dict[str, object]:
    return {
        "id": m.id,
        "reliability": rounded(m.reliability, 3) if m.reliability_shown else None,
        "reliability_reading": reliability_note(m, lang),
        "method": m.method,
        "n": m.n,
        "people": m.people,
        "spread": rounded(m.spread, 1),
        "enough_spread": m.enough_spread,
        "note": spread_note(m, lang),
        "statements": [
            {
                "id": s.id,
                "keyed": s.keyed,
                "n": s.n,
                "no_opinion": s.no_opinion,
                "share_no_opinion": rounded(s.no_opinion_share, 3),
                "shares": {str(a): rounded(x, 3) for a, x in enumerate(s.shares, 1)},
                "mean": rounded(s.mean, 3),
                "sd": rounded(s.sd, 3),
                "item_rest": rounded(s.item_rest, 3),
                "item_rest_n": s.item_rest_n,
                "flags": [{"id": f, "reason": flag_reason(lang, s, f)} for f in s.flags],
            }
            for s in m.statements
        ],
    }


def items_table(report: ItemReport, bank: Bank, lang: str, min_group: int) -> str:
    """A table for the terminal: per myth its reliability, per statement its figures; then the flags explained."""
    lang = resolve_language(bank, lang)
    scope = t(lang, "items_scope_workshop", code=report.workshop) if report.workshop else t(lang, "items_scope_all")
    if report.round:
        scope += f" · {t(lang, {'before': 'round_before', 'after': 'round_after'}.get(report.round, 'round_none'))}"
    lines = [plain(t(lang, "items_title", scope=scope, n=report.attempts)), ""]
    if not report.shown:
        return "\n".join([*lines, t(lang, "items_hidden", n=report.attempts, min=min_group)])
    heads = [
        "",
        "n",
        "items_col_no_opinion",
        "items_col_mean",
        "items_col_sd",
        "items_col_item_rest",
        "items_col_flags",
    ]
    head = [t(lang, "items_col_n") if k == "n" else t(lang, k) if k else "" for k in heads]
    width = max(len(s.id) for s in report.statements) + 4
    fmt = f"{{:<{width}}} {{:>5}} {{:>7}} {{:>5}} {{:>5}} {{:>10}}  {{}}"
    titles = bank.myths_by_id
    too_few = too_few_note(report, lang)
    for myth in report.myths:
        title = titles[myth.id].title[lang]
        # below FLAG_PEOPLE the reliability is left out of every myth, and said so once below
        lines.append(plain(title if too_few else f"{title}  ({reliability_note(myth, lang)})"))
        spread = None if too_few else spread_note(myth, lang)
        if spread and spread != reliability_note(myth, lang):
            lines.append(plain(f"  {spread}"))
        lines.append(fmt.format(*head))
        for s in myth.statements:
            lines.append(
                fmt.format(
                    f"  {plain(s.id)}",
                    s.n,
                    format_percent(s.no_opinion_share, lang),  # the locale's decimal comma and percent sign
                    _local(s.mean, lang),
                    _local(s.sd, lang),
                    _local(s.item_rest, lang),
                    " ".join("⚑" for _ in s.flags),
                )
            )
        lines.append("")
    lines.append(t(lang, "items_legend"))
    if too_few:
        lines += ["", too_few, t(lang, "items_alpha_too_few", least=FLAG_PEOPLE)]
    flagged = report.flagged
    if flagged:
        lines += ["", t(lang, "report_flags")]
        for s in flagged:
            for f in s.flags:
                lines.append(plain("⚑ " + t(lang, "pair", label=s.id, value=flag_reason(lang, s, f))))
    return "\n".join(lines)

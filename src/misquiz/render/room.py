"""The group report of a workshop: CSV for a spreadsheet, Markdown, or printable HTML (two A4 pages at most).

Markdown and HTML lay out the core's GroupReport; the CSV holds one row per myth per round with
numbers as numbers. No name ever appears. Cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from misquiz.core.catalogue import t
from misquiz.core.commitments import RoomCommitmentLine, of_myth, room_commitment_lines
from misquiz.core.items import ItemReport
from misquiz.core.model import Bank, resolve_language
from misquiz.core.report import GroupReport, ReportRow, RoundCell, group_report, shift_line
from misquiz.core.room import Room
from misquiz.core.text import plain
from misquiz.render.items import items_csv
from misquiz.render.report import BAND_COLORS, document_start, h, html_t, md

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: never a formula, never a control character."""
    text = plain(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def number(value: float | int | None, places: int = 1) -> str:
    """A number a spreadsheet reads as one: a dot decimal, no quotes; empty when there is none."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{places}f}"


# -- CSV: one row per myth per round ---------------------------------------------------------


def csv_columns(bank: Bank) -> list[str]:
    """The header: fixed names, then a count and a share per band (count_clear, share_clear, ...)."""
    bands = [b.id for b in bank.bands]
    return [
        "workshop",
        "round",
        "myth",
        "title",
        "joined",
        "finished",
        "discussion_rank",
        "assessed",
        *(f"count_{b}" for b in bands),
        *(f"share_{b}" for b in bands),
        "mean_score",
        "score",
        "band",
        "shift",
        "action",
        "committed",
        "did",
    ]


def room_csv(room: Room, bank: Bank, lang: str) -> str:
    """One row per myth per round; a round below the minimum group gives one row with its counts only. Then the
    room's commitments: one row per action people of a round committed to (action, committed and, in an after
    round, did), its myth and its words in the title; people's own lines counted together, never shown."""
    lang = resolve_language(bank, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = csv_columns(bank)
    writer.writerow(columns)
    bands = bank.bands
    for name, rnd in room.rounds.items():
        people = [rnd.joined, rnd.finished]
        if not rnd.shown:
            writer.writerow([cell(room.workshop), cell(name), "", "", *people] + [""] * (len(columns) - 6))
            continue
        rank = {myth_id: n for n, myth_id in enumerate(rnd.discussion_order, 1)}
        for m in rnd.myths:
            score = None if m.mean is None else _shown(m.mean)
            band = "" if score is None else next((b.id for b in bands if score <= b.max), bands[-1].id)
            shift = room.shift(m.id)
            writer.writerow(
                [cell(room.workshop), cell(name), cell(m.id), cell(bank.myths_by_id[m.id].title[lang]), *people]
                + [rank.get(m.id, ""), m.assessed]
                + [m.counts.get(b.id, 0) for b in bands]
                + [number(m.share(b.id), 3) if m.assessed else "" for b in bands]
                + [number(m.mean), number(score), cell(band), number(shift) if name == "after" else ""]
                + ["", "", ""]
            )
    for name, tally in room.commitments.items():  # nothing below the minimum group; never a person's own line
        of_round = room.rounds.get(name)
        if of_round is None:
            continue
        for c in room_commitment_lines(bank, tally, lang):
            writer.writerow(
                [cell(room.workshop), cell(name), cell(c.key.rsplit(".", 1)[0] if c.myth else ""), cell(c.text)]
                + [of_round.joined, of_round.finished]
                + [""] * (len(columns) - 9)
                + [cell(c.key), c.committed, number(c.did)]
            )
    return out.getvalue()


def _shown(mean: float) -> int:
    from misquiz.core.scoring import shown

    return shown(mean)


# -- Markdown ------------------------------------------------------------------------------


def _counts(c: RoundCell) -> str:
    return " / ".join(str(n) for n in c.counts)


def md_cell(text: str) -> str:
    """Text for a Markdown table cell: literal Markdown, and a `|` that does not split the cell."""
    return md(text).replace("|", "\\|")


def report_markdown(report: GroupReport) -> str:
    r = report
    lab, lang = r.labels, r.lang
    lines = [f"# {md(r.title)}", ""]
    meta = [f"{lab['report_workshop']} {r.workshop}", r.date, r.bank_title]
    if r.by:
        meta.insert(0, t(lang, "pair", label=lab["report_by"], value=r.by))
    lines += [f"_{md(' · '.join(meta))}_", ""]
    lines += [f"**{md(lab['report_people'])}**", ""]
    lines += [f"- {md(t(lang, 'pair', label=p.title, value=p.line))}" for p in r.rounds] + [""]
    if r.hidden:
        return "\n".join([*lines, md(r.hidden), ""])
    if r.order_note:
        lines += [md(r.order_note), ""]
    band_names = " / ".join(b.label for b in r.bands)
    head = [lab["report_rank"], md_cell(lab["misconception"])]
    for p in r.columns:
        head += [t(lang, "pair", label=p.title, value=v) for v in (band_names, lab["report_score"])]
    if r.compared:
        head.append(lab["report_shift"])
    lines.append("| " + " | ".join(head[:2] + [md_cell(x) for x in head[2:]]) + " |")
    lines.append("|" + "|".join("---:" if n != 1 else "---" for n in range(len(head))) + "|")
    for row in r.rows:
        cells = ["" if row.rank is None else str(row.rank), md_cell(row.title)]
        for c in row.cells:
            cells += [_counts(c), "–" if c.score is None else str(c.score)]
        if r.compared:
            cells.append(md_cell(_shift_text(r, row)))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if r.shifts:
        lines += [f"## {md(lab['room_shift_title'])}", ""]
        shifts = [t(lang, "pair", label=row.title, value=_shift_text(r, row)) for row in r.shifts]
        lines += [f"{n}. {md(shift)}" for n, shift in enumerate(shifts, 1)] + [""]
    if r.commitments:
        lines += [f"## {md(lab['room_commitments_title'])}", ""]
        for rc in r.commitments:
            lines += [f"**{md(rc.title)}**", ""] if len(r.columns) > 1 else []
            lines += [f"- {md(_commitment_text(r, c))} — **{md(c.counts)}**" for c in rc.lines] + [""]
    if r.next_note:
        lines += [f"## {md(lab['report_next'])}", "", md(r.next_note), ""]
        steps = [t(lang, "pair", label=f"**{md(s.title)}**", value=md(s.line)) for s in r.next_steps]
        lines += [f"{n}. {step}" for n, step in enumerate(steps, 1)]
        lines += [""] if r.next_steps else []
    lines += [f"## {md(lab['report_legend'])}", ""]
    lines += [f"- {md(x)}" for x in r.legend] + [""]
    if r.appendix:
        lines += [f"## {md(lab['report_flags'])}", "", md(r.flags_note or ""), ""]
        for f in r.flags:
            statement, myth, text = f"**{md(f.statement_id)}**", md(f.myth_title), md(f.text)
            lines.append("- " + t(lang, "statement_of_myth", statement=statement, myth=myth, text=text))
            lines += [f"  - {md(reason)}" for reason in f.reasons]
        lines += [""] if r.flags else []
        if r.flags_more:
            lines += [md(r.flags_more), ""]
        if r.spread_note:
            lines += [md(r.spread_note), ""] + [f"- {md(title)}" for title in r.unjudged] + [""]
    return "\n".join(lines)


def _commitment_text(report: GroupReport, line: RoomCommitmentLine) -> str:
    """An action of the room's commitments with its myth; for people's own lines only that there were some."""
    return of_myth(report.lang, line.text, line.myth)


def _shift_text(report: GroupReport, row: ReportRow) -> str:
    """The core's shift in words, arrow and points, with the people who held it; a dash without one."""
    return "–" if row.change is None else shift_line(report.lang, row.change)


def _shift_html(report: GroupReport, row: ReportRow) -> str:
    if row.change is None:
        return "–"
    return f'<span class="shift {row.change.direction}">{h(_shift_text(report, row))}</span>'


# -- HTML ------------------------------------------------------------------------------------

REPORT_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
       max-width: 52rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.35rem; margin: 0 0 .15rem; }
h2 { font-size: 1rem; margin: .9rem 0 .3rem; border-bottom: 1px solid #ddd; padding-bottom: .1rem; }
p, ul, ol { margin: .2rem 0 .4rem; }
.meta { color: #555; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: .15rem .3rem; text-align: left; vertical-align: middle; }
thead th { font-size: .85em; color: #444; border-bottom: 1px solid #bbb; white-space: nowrap; }
tbody tr { border-bottom: 1px solid #eee; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.counts { white-space: nowrap; font-size: .9em; }
td.title { min-width: 11rem; }
td.bar { width: 9%; min-width: 3rem; }
ol.shifts { columns: 2; column-gap: 2rem; }
ul.commitments { padding-left: 1.2rem; }
.round-name { margin: .3rem 0 0; }
.stack { display: flex; height: .7rem; border-radius: 2px; overflow: hidden; background: #e6e6e6; }
.stack span, .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.swatch { display: inline-block; width: .7em; height: .7em; border-radius: 2px; margin-right: .2em; }
.legend { font-size: .88em; color: #333; }
.flags { font-size: .85em; }
.flags td { vertical-align: top; }
.shift.worse { color: #b3261e; }
.shift.better { color: #1b6e3a; }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, li, .legend li { break-inside: avoid; }
}
"""


def _band_counts(report: GroupReport, c: RoundCell) -> str:
    return " · ".join(
        f'<span style="color:{BAND_COLORS.get(b.color, "#555")}">{n}</span>'
        for b, n in zip(report.bands, c.counts, strict=True)
    )


def _stack(report: GroupReport, c: RoundCell) -> str:
    parts = "".join(
        f'<span style="width:{100 * n / c.assessed:.1f}%;background:{BAND_COLORS.get(b.color, "#555")}"></span>'
        for b, n in zip(report.bands, c.counts, strict=True)
        if c.assessed and n
    )
    return f'<div class="stack">{parts}</div>'


def _row_html(report: GroupReport, row: ReportRow) -> str:
    cells = [f'<td class="num">{"" if row.rank is None else row.rank}</td><td class="title">{h(row.title)}</td>']
    for c in row.cells:
        score = "–" if c.score is None else str(c.score)
        color = BAND_COLORS.get(c.band.color, "#555") if c.band else "#555"
        cells.append(
            f'<td class="bar">{_stack(report, c)}</td><td class="counts">{_band_counts(report, c)}</td>'
            f'<td class="num" style="color:{color};font-weight:600">{score}</td>'
        )
    if report.compared:
        cells.append(f'<td class="num">{_shift_html(report, row)}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


def report_html(report: GroupReport) -> str:
    r = report
    lab, lang = r.labels, r.lang
    meta = [f"{lab['report_workshop']} {r.workshop}", r.date, r.bank_title]
    if r.by:
        meta.insert(0, t(lang, "pair", label=lab["report_by"], value=r.by))
    people = " — ".join(html_t(lang, "pair", label=f"<strong>{h(p.title)}</strong>", value=h(p.line)) for p in r.rounds)
    parts = [
        document_start(r.lang, r.title, REPORT_CSS),
        f"<h1>{h(r.title)}</h1>",
        f'<p class="meta">{h(" · ".join(meta))}</p>',
        f'<p class="meta">{html_t(lang, "pair", label=h(lab["report_people"]), value=people)}</p>' if r.rounds else "",
    ]
    if r.hidden:
        parts += [f"<p>{h(r.hidden)}</p>", "</body></html>"]
        return "\n".join(parts)
    if r.order_note:
        parts.append(f'<p class="meta">{h(r.order_note)}</p>')
    bands = " · ".join(f'<span style="color:{BAND_COLORS.get(b.color, "#555")}">{h(b.label)}</span>' for b in r.bands)
    top = f'<th class="num" rowspan="2">{h(lab["report_rank"])}</th><th rowspan="2">{h(lab["misconception"])}</th>'
    top += "".join(f'<th colspan="3">{h(p.title)}</th>' for p in r.columns)
    if r.compared:
        top += f'<th class="num" rowspan="2">{h(lab["report_shift"])}</th>'
    sub = "".join(f'<th></th><th>{bands}</th><th class="num">{h(lab["report_score"])}</th>' for _ in r.columns)
    parts.append(f'<table class="report"><thead><tr>{top}</tr><tr>{sub}</tr></thead><tbody>')
    parts += [_row_html(r, row) for row in r.rows]
    parts.append("</tbody></table>")
    if r.shifts:
        parts.append(f'<h2>{h(lab["room_shift_title"])}</h2><ol class="shifts">')
        shift = "<strong>{}</strong>"
        parts += [
            f"<li>{html_t(lang, 'pair', label=h(row.title), value=shift.format(_shift_html(r, row)))}</li>"
            for row in r.shifts
        ]
        parts.append("</ol>")
    if r.commitments:
        parts.append(f"<h2>{h(lab['room_commitments_title'])}</h2>")
        for rc in r.commitments:
            if len(r.columns) > 1:
                parts.append(f'<p class="round-name"><strong>{h(rc.title)}</strong></p>')
            items = "".join(f"<li>{h(_commitment_text(r, c))} — <strong>{h(c.counts)}</strong></li>" for c in rc.lines)
            parts.append(f'<ul class="commitments">{items}</ul>')
    if r.next_note:
        parts.append(f"<h2>{h(lab['report_next'])}</h2><p>{h(r.next_note)}</p>")
        if r.next_steps:
            parts.append("<ol>")
            parts += [
                f"<li>{html_t(lang, 'pair', label=f'<strong>{h(s.title)}</strong>', value=h(s.line))}</li>"
                for s in r.next_steps
            ]
            parts.append("</ol>")
    swatches = " ".join(
        f'<span class="swatch" style="background:{BAND_COLORS.get(b.color, "#555")}"></span>{h(b.label)} '
        f"{b.low}–{b.high}"
        for b in r.bands
    )
    parts.append(f'<h2>{h(lab["report_legend"])}</h2><ul class="legend"><li>{swatches}</li>')
    parts += [f"<li>{h(x)}</li>" for x in r.legend]
    parts.append("</ul>")
    if r.appendix:
        parts.append(f'<h2>{h(lab["report_flags"])}</h2><p class="legend">{h(r.flags_note or "")}</p>')
        if r.flags:
            parts.append(
                f'<table class="flags"><thead><tr><th>{h(lab["report_statement"])}</th>'
                f"<th>{h(lab['report_reasons'])}</th></tr></thead><tbody>"
            )
            for f in r.flags:
                reasons = "<br>".join(h(x) for x in f.reasons)
                statement = f"<strong>{h(f.statement_id)}</strong>"
                said = html_t(lang, "statement_of_myth", statement=statement, myth=h(f.myth_title), text=h(f.text))
                parts.append(f"<tr><td>{said}</td><td>{reasons}</td></tr>")
            parts.append("</tbody></table>")
        if r.flags_more:
            parts.append(f'<p class="legend">{h(r.flags_more)}</p>')
        if r.spread_note:
            unjudged = "".join(f"<li>{h(title)}</li>" for title in r.unjudged)
            parts.append(f'<p class="legend">{h(r.spread_note)}</p><ul class="legend">{unjudged}</ul>')
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def room_markdown(room: Room, bank: Bank, lang: str, now: datetime | None = None, **extra: object) -> str:
    """The group report of a room as Markdown (now: the report's date, default today)."""
    return report_markdown(group_report(room, bank, lang, now or datetime.now(), **extra))  # type: ignore[arg-type]


def room_html(room: Room, bank: Bank, lang: str, now: datetime | None = None, **extra: object) -> str:
    """The group report of a room as one printable, self-contained HTML page."""
    return report_html(group_report(room, bank, lang, now or datetime.now(), **extra))  # type: ignore[arg-type]


# -- writing -----------------------------------------------------------------------------------

SUFFIXES = (".csv", ".md", ".html")


def write_group_report(path: Path, bank: Bank, **options: Any) -> None:
    """group_report_file's text, written to `path` (options as there)."""
    path.write_text(group_report_file(str(path), bank, **options), encoding="utf-8", newline="")


def group_report_file(
    name: str,
    bank: Bank,
    *,
    lang: str,
    now: datetime,
    room: Room | None = None,
    closed: frozenset[str] = frozenset(),
    flags: ItemReport | None = None,
    appendix: bool = False,
    items_report: ItemReport | None = None,
    title: str | None = None,
    by: str | None = None,
) -> str:
    """The report in the format the file's name asks, from what storage.reading.read_group_report read.

    items_report: one row per statement (CSV). appendix: the statements to review (flags), in the Markdown or
    HTML report.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{name}: use a name ending in .csv, .md or .html")
    if items_report is not None and suffix != ".csv":
        raise ValueError("--items writes one row per statement: use a name ending in .csv")
    if appendix and suffix == ".csv":
        raise ValueError("--appendix belongs in the report: use a name ending in .md or .html")
    lang = resolve_language(bank, lang)
    if items_report is not None:
        return items_csv(items_report, bank, lang)
    assert room is not None, "a group report needs its room"
    if suffix == ".csv":
        return room_csv(room, bank, lang)
    report = group_report(room, bank, lang, now, title=title, by=by, items=flags, appendix=appendix, closed=closed)
    render: Callable[[GroupReport], str] = report_markdown if suffix == ".md" else report_html
    return render(report)

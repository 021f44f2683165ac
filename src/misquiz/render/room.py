"""The group report of a workshop: CSV for a spreadsheet, Markdown, or one printable HTML page.

No name ever appears: the report holds counts per band, means and the discussion order.
Cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from misquiz.core.model import Bank
from misquiz.core.room import Room, RoomRound
from misquiz.core.text import plain
from misquiz.render.report import BAND_COLORS, PAGE_CSS, h, md

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: never a formula, never a control character."""
    text = plain(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def _rounds(room: Room) -> list[tuple[str, RoomRound]]:
    return list(room.rounds.items()) if room.rounds else [("all", room.all)]


def room_csv(room: Room, bank: Bank, lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    bands = [b.id for b in bank.bands]
    writer.writerow(["workshop", "round", "myth", "title", *bands, "mean", "split", "discussion_rank"])
    for name, rnd in _rounds(room):
        if not rnd.shown:
            continue
        rank = {myth_id: n for n, myth_id in enumerate(rnd.discussion_order, 1)}
        for m in rnd.myths:
            writer.writerow(
                [cell(room.workshop), cell(name), cell(m.id), cell(bank.myths_by_id[m.id].title[lang])]
                + [m.counts[b] for b in bands]
                + ["" if m.mean is None else f"{m.mean:.1f}", f"{m.split:.2f}", rank.get(m.id, "")]
            )
    return out.getvalue()


def room_markdown(room: Room, bank: Bank, lang: str) -> str:
    bands = bank.bands
    lines = [f"# Workshop {md(room.workshop)}: where the room stands", ""]
    for name, rnd in _rounds(room):
        lines += [f"## {md(name.capitalize())}" if room.rounds else "## All participants", ""]
        lines += [f"Joined: {rnd.joined} · finished: {rnd.finished}", ""]
        if not rnd.shown:
            lines += ["Too few finished participants to show more without giving someone away.", ""]
            continue
        lines.append("| # | misconception | " + " | ".join(md(b.label[lang]) for b in bands) + " | mean |")
        lines.append("|---|---|" + "---|" * len(bands) + "---|")
        for n, myth_id in enumerate(rnd.discussion_order, 1):
            m = rnd.myth(myth_id)
            counts = " | ".join(str(m.counts[b.id]) for b in bands)
            lines.append(f"| {n} | {md(bank.myths_by_id[myth_id].title[lang])} | {counts} | {m.mean:.0f} |")
        lines.append("")
    if room.has_both_rounds:
        lines += ["## Shift from before to after", ""]
        for myth in bank.myths:
            shift = room.shift(myth.id)
            if shift is not None:
                lines.append(f"- {md(myth.title[lang])}: {shift:+.0f}")
        lines.append("")
    return "\n".join(lines)


def room_html(room: Room, bank: Bank, lang: str) -> str:
    parts = [
        f'<!DOCTYPE html><html lang="{h(lang)}"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>Workshop {h(room.workshop)}</title><style>{PAGE_CSS}"
        ".stack{display:flex;height:.9rem;border-radius:3px;overflow:hidden;background:#e6e6e6}"
        ".stack div{-webkit-print-color-adjust:exact;print-color-adjust:exact}</style></head><body>",
        f"<h1>Workshop {h(room.workshop)}</h1>",
    ]
    for name, rnd in _rounds(room):
        parts.append(f"<h2>{h(name.capitalize()) if room.rounds else 'All participants'}</h2>")
        parts.append(f'<p class="meta">Joined: {rnd.joined} · finished: {rnd.finished}</p>')
        if not rnd.shown:
            parts.append("<p>Too few finished participants to show more without giving someone away.</p>")
            continue
        parts.append('<table class="bars">')
        for n, myth_id in enumerate(rnd.discussion_order, 1):
            m = rnd.myth(myth_id)
            stack = "".join(
                f'<div style="width:{100 * m.share(b.id):.1f}%;background:{BAND_COLORS.get(b.color, "#555")}"></div>'
                for b in bank.bands
            )
            counts = " · ".join(f"{m.counts[b.id]} {h(b.label[lang])}" for b in bank.bands)
            parts.append(
                f'<tr><td class="score">{n}.</td><td class="title">{h(bank.myths_by_id[myth_id].title[lang])}</td>'
                f'<td class="bar"><div class="stack">{stack}</div></td><td>{counts}</td></tr>'
            )
        parts.append("</table>")
    if room.has_both_rounds:
        parts.append("<h2>Shift from before to after</h2><ul>")
        for myth in bank.myths:
            shift = room.shift(myth.id)
            if shift is not None:
                parts.append(f"<li>{h(myth.title[lang])}: {shift:+.0f}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_room_report(room: Room, bank: Bank, lang: str, path: Path) -> None:
    writers = {".csv": room_csv, ".md": room_markdown, ".html": room_html}
    suffix = path.suffix.lower()
    if suffix not in writers:
        raise ValueError(f"{path}: use a name ending in .csv, .md or .html")
    path.write_text(writers[suffix](room, bank, lang), encoding="utf-8", newline="")

"""The group report of a workshop: CSV for a spreadsheet, Markdown, or one printable HTML page.

No name ever appears: the report holds counts per band, means and the discussion order.
Cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from misquiz.core.catalogue import t
from misquiz.core.model import Bank, resolve_language
from misquiz.core.room import Room, RoomRound
from misquiz.core.text import plain
from misquiz.render.report import BAND_COLORS, CSP, PAGE_CSS, h, md

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: never a formula, never a control character."""
    text = plain(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def _rounds(room: Room) -> list[tuple[str, RoomRound]]:
    return list(room.rounds.items())


def _round_title(name: str, lang: str) -> str:
    return t(lang, f"round_{name}")


def room_csv(room: Room, bank: Bank, lang: str) -> str:
    lang = resolve_language(bank, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    bands = [b.id for b in bank.bands]
    writer.writerow(["workshop", "round", "myth", "title", *bands, "mean", "discussion_rank"])
    for name, rnd in _rounds(room):
        if not rnd.shown:
            continue
        rank = {myth_id: n for n, myth_id in enumerate(rnd.discussion_order, 1)}
        for m in rnd.myths:
            writer.writerow(
                [cell(room.workshop), cell(name), cell(m.id), cell(bank.myths_by_id[m.id].title[lang])]
                + [m.counts[b] for b in bands]
                + ["" if m.mean is None else f"{m.mean:.1f}", rank.get(m.id, "")]
            )
    return out.getvalue()


def room_markdown(room: Room, bank: Bank, lang: str) -> str:
    lang = resolve_language(bank, lang)
    bands = bank.bands
    lines = [f"# {md(t(lang, 'room_report_title', code=room.workshop))}", ""]
    for name, rnd in _rounds(room):
        lines += [f"## {md(_round_title(name, lang))}", ""]
        lines += [md(t(lang, "room_counts", joined=rnd.joined, in_progress=rnd.in_progress, finished=rnd.finished)), ""]
        if not rnd.shown:
            lines += [md(t(lang, "room_too_few")), ""]
            continue
        head = [md(t(lang, "misconception")), *(md(b.label[lang]) for b in bands), md(t(lang, "mean"))]
        lines.append("| # | " + " | ".join(head) + " |")
        lines.append("|---|---|" + "---|" * len(bands) + "---|")
        for n, myth_id in enumerate(rnd.discussion_order, 1):
            m = rnd.myth(myth_id)
            counts = " | ".join(str(m.counts[b.id]) for b in bands)
            lines.append(f"| {n} | {md(bank.myths_by_id[myth_id].title[lang])} | {counts} | {m.mean:.0f} |")
        lines.append("")
    if room.has_both_rounds:
        lines += [f"## {md(t(lang, 'room_shift_title'))}", ""]
        for myth in bank.myths:
            shift = room.shift(myth.id)
            if shift is not None:
                lines.append(f"- {md(myth.title[lang])}: {shift:+.0f}")
        lines.append("")
    return "\n".join(lines)


def room_html(room: Room, bank: Bank, lang: str) -> str:
    lang = resolve_language(bank, lang)
    parts = [
        f'<!DOCTYPE html><html lang="{h(lang)}"><head><meta charset="utf-8">',
        CSP,
        f"<title>{h(t(lang, 'room_report_title', code=room.workshop))}</title><style>{PAGE_CSS}"
        ".stack{display:flex;height:.9rem;border-radius:3px;overflow:hidden;background:#e6e6e6}"
        ".stack div{-webkit-print-color-adjust:exact;print-color-adjust:exact}</style></head><body>",
        f"<h1>{h(t(lang, 'room_report_title', code=room.workshop))}</h1>",
    ]
    for name, rnd in _rounds(room):
        parts.append(f"<h2>{h(_round_title(name, lang))}</h2>")
        counts = t(lang, "room_counts", joined=rnd.joined, in_progress=rnd.in_progress, finished=rnd.finished)
        parts.append(f'<p class="meta">{h(counts)}</p>')
        if not rnd.shown:
            parts.append(f"<p>{h(t(lang, 'room_too_few'))}</p>")
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
        parts.append(f"<h2>{h(t(lang, 'room_shift_title'))}</h2><ul>")
        for myth in bank.myths:
            shift = room.shift(myth.id)
            if shift is not None:
                parts.append(f"<li>{h(myth.title[lang])}: {shift:+.0f}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_room_report(room: Room, bank: Bank, lang: str, path: Path) -> None:
    lang = resolve_language(bank, lang)
    writers = {".csv": room_csv, ".md": room_markdown, ".html": room_html}
    suffix = path.suffix.lower()
    if suffix not in writers:
        raise ValueError(f"{path}: use a name ending in .csv, .md or .html")
    path.write_text(writers[suffix](room, bank, lang), encoding="utf-8", newline="")

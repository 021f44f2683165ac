"""Take-away reports of one result: a Markdown action plan and a one-page HTML file.

Every text from outside (a name typed by a person, a bank written by someone else) is
escaped for the format it lands in, and made harmless for a terminal too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from misquiz.core.catalogue import format_date, t
from misquiz.core.model import Bank
from misquiz.core.quiz import QuizSession
from misquiz.core.scoring import MythScore, Result, score_attempt
from misquiz.core.text import plain

CHECK_BACK_DAYS = 90


@dataclass(frozen=True)
class Report:
    bank: Bank
    result: Result
    lang: str
    name: str
    taken_at: str  # ISO date-time

    @property
    def check_back(self) -> str:
        taken = datetime.fromisoformat(self.taken_at)
        return (taken + timedelta(days=CHECK_BACK_DAYS)).isoformat()


def report_of(bank: Bank, answers: dict[str, int | None], lang: str, name: str, taken_at: str) -> Report:
    lang = lang if lang in bank.languages else bank.default_language
    return Report(bank, score_attempt(bank, answers), lang, name, taken_at)


# -- Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def md(text: str) -> str:
    """Text as literal Markdown: every character that could format or link is escaped."""
    return _MD_SPECIAL.sub(r"\\\1", plain(" ".join(text.split())))


def markdown(report: Report) -> str:
    r, lang, bank = report.result, report.lang, report.bank
    head = t(lang, "plan_title") + (f" — {md(report.name)}" if report.name else "")
    out = [f"# {head}", "", f"_{md(format_date(report.taken_at, lang))} · {md(bank.title[lang])}_", ""]
    if r.profile is None or r.overall is None:
        return "\n".join([*out, md(t(lang, "summary_nothing")), ""])
    out += [
        f"**{md(t(lang, 'overall'))}: {md(r.profile.title[lang])} ({round(r.overall)}/100).** "
        f"{md(r.profile.text[lang])}",
        "",
    ]
    out += [f"## {md(t(lang, 'priorities'))}", ""]
    if not r.priorities:
        out += [md(t(lang, "no_priorities")), ""]
    for n, m in enumerate(r.priorities, 1):
        assert m.band is not None
        out += [f"### {n}\\. {md(m.myth.title[lang])} ({_score(m)}, {md(m.band.label[lang])})", ""]
        out += [md(m.myth.advice[m.band.id][lang]), ""]
        out += [f"- [ ] {md(a[lang])}" for a in m.myth.actions] + [""]
    if r.second_look:
        out += [f"## {md(t(lang, 'second_look'))}", ""]
        for m in r.second_look:
            assert m.band is not None
            out.append(f"- **{md(m.myth.title[lang])}** ({_score(m)}): {md(m.myth.advice[m.band.id][lang])}")
        out.append("")
    if r.clear:
        out += [f"## {md(t(lang, 'clear'))}", ""] + [f"- {md(m.myth.title[lang])}" for m in r.clear] + [""]
    if any(m.mixed_signals for m in r.myths):
        out += [md(t(lang, "mixed_note")), ""]
    out += [f"## {md(t(lang, 'check_back_title'))}", ""]
    out += [md(t(lang, "check_back", date=format_date(report.check_back, lang))), ""]
    return "\n".join(out)


def _score(m: MythScore) -> str:
    return f"{round(m.score or 0)}/100"


# -- HTML -------------------------------------------------------------------------------

BAND_COLORS = {
    "green": "#2e7d32",
    "yellow": "#b7791f",
    "red": "#c62828",
    "blue": "#1565c0",
    "cyan": "#00838f",
    "magenta": "#ad1457",
    "orange": "#d84315",
    "grey": "#616161",
}

PAGE_CSS = """
@page { size: A4; margin: 16mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.meta { color: #555; margin: 0 0 1rem; }
.profile { background: #f4f6f8; border-radius: 6px; padding: .7rem 1rem; }
table.bars { width: 100%; border-collapse: collapse; }
table.bars td { padding: .18rem .3rem; vertical-align: middle; }
td.title { width: 48%; }
td.bar { width: 30%; }
.track { background: #e6e6e6; height: .8rem; border-radius: 3px; overflow: hidden; }
.fill { height: 100%; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
td.score { text-align: right; width: 3rem; font-variant-numeric: tabular-nums; }
td.band { font-weight: 600; }
ul.actions { list-style: none; padding-left: .2rem; }
ul.actions li::before { content: "☐ "; }
.note { color: #7a5a00; }
@media print { body { margin: 0; max-width: none; } h2, h3 { break-after: avoid; } li, tr { break-inside: avoid; } }
"""


def h(text: str) -> str:
    return html.escape(plain(text), quote=True)


def html_page(report: Report) -> str:
    r, lang, bank = report.result, report.lang, report.bank
    title = t(lang, "plan_title") + (f" — {report.name}" if report.name else "")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{h(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may load from elsewhere: no scripts, no fonts, no images.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{h(title)}</title><style>{PAGE_CSS}</style></head><body>",
        f"<h1>{h(title)}</h1>",
        f'<p class="meta">{h(format_date(report.taken_at, lang))} · {h(bank.title[lang])}</p>',
    ]
    if r.profile is None or r.overall is None:
        parts.append(f"<p>{h(t(lang, 'summary_nothing'))}</p></body></html>")
        return "\n".join(parts)
    parts.append(
        f'<div class="profile"><strong>{h(r.profile.title[lang])}</strong> — '
        f"{h(t(lang, 'score_of', score=round(r.overall)))}<br>{h(r.profile.text[lang])}</div>"
    )
    parts.append(f'<h2>{h(t(lang, "per_myth"))}</h2><table class="bars">')
    for m in r.by_hold():
        if m.score is None or m.band is None:
            parts.append(
                f'<tr><td class="title">{h(m.myth.title[lang])}</td><td class="bar"><div class="track"></div></td>'
                f'<td class="score">–</td><td class="band">{h(t(lang, "not_assessed"))}</td></tr>'
            )
            continue
        color = BAND_COLORS.get(m.band.color, "#555")
        flag = " ⚑" if m.mixed_signals else ""
        parts.append(
            f'<tr><td class="title">{h(m.myth.title[lang])}</td>'
            f'<td class="bar"><div class="track"><div class="fill" style="width:{m.score:.0f}%;background:{color}">'
            f'</div></div></td><td class="score">{round(m.score)}</td>'
            f'<td class="band" style="color:{color}">{h(m.band.label[lang])}{flag}</td></tr>'
        )
    parts.append("</table>")
    if any(m.mixed_signals for m in r.myths):
        parts.append(f'<p class="note">{h(t(lang, "mixed_note"))}</p>')
    parts.append(f"<h2>{h(t(lang, 'priorities'))}</h2>")
    if not r.priorities:
        parts.append(f"<p>{h(t(lang, 'no_priorities'))}</p>")
    for n, m in enumerate(r.priorities, 1):
        assert m.band is not None
        parts.append(f"<h3>{n}. {h(m.myth.title[lang])} ({_score(m)})</h3>")
        parts.append(f"<p>{h(m.myth.advice[m.band.id][lang])}</p>")
        parts.append(f'<p><em>{h(t(lang, "actions"))}:</em></p><ul class="actions">')
        parts += [f"<li>{h(a[lang])}</li>" for a in m.myth.actions]
        parts.append("</ul>")
    if r.second_look:
        parts.append(f"<h2>{h(t(lang, 'second_look'))}</h2><ul>")
        for m in r.second_look:
            assert m.band is not None
            parts.append(
                f"<li><strong>{h(m.myth.title[lang])}</strong> ({_score(m)}): {h(m.myth.advice[m.band.id][lang])}</li>"
            )
        parts.append("</ul>")
    if r.clear:
        parts.append(f"<h2>{h(t(lang, 'clear'))}</h2><ul>")
        parts += [f"<li>{h(m.myth.title[lang])}</li>" for m in r.clear]
        parts.append("</ul>")
    parts.append(f"<h2>{h(t(lang, 'check_back_title'))}</h2>")
    parts.append(f"<p>{h(t(lang, 'check_back', date=format_date(report.check_back, lang)))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


RENDERERS = {"md": markdown, "html": html_page}


def write_report(session: QuizSession, kind: str, folder: Path, now: datetime) -> Path:
    """Write the session's report into folder, under a name that does not overwrite; return the path."""
    report = report_of(session.bank, session.answers, session.lang, session.name, now.isoformat())
    text = RENDERERS[kind](report)
    stem = f"misquiz-{now:%Y-%m-%d}"
    path = folder / f"{stem}.{kind}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.{kind}"
    path.write_text(text, encoding="utf-8")
    return path.resolve()

"""Take-away reports of one result: a Markdown action plan and a one-page HTML file.

Both render the core's advice plan. Every text from outside (a name typed by a person,
a bank written by someone else) is escaped for the format it lands in, and made
harmless for a terminal too.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from misquiz.core.advice import PRIORITIES, AdvicePlan, PlanItem, change_mark
from misquiz.core.catalogue import format_date, t
from misquiz.core.text import one_line, plain


def _title(plan: AdvicePlan) -> str:
    return t(plan.lang, "plan_title") + (f" — {plan.name}" if plan.name else "")


# -- Markdown ---------------------------------------------------------------------------

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#>+\-=])|(\d+)([.)]))")
_MD_CLOSING_HASHES = re.compile(r"(?<=\s)(#+)$")


def _word(ch: str) -> bool:
    return ch.isalnum()


def _md_inline(text: str) -> str:
    """One pass over the text, so an escape is never escaped again."""
    out: list[str] = []
    n = len(text)
    last_close = text.rfind("]")
    for i, ch in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < n else ""
        escape = False
        if ch in "*`":
            escape = True
        elif ch == "\\":
            escape = after == "" or after in _ASCII_PUNCT  # at the end, it would escape what follows
        elif ch == "_":
            # CommonMark ignores an underscore inside a word; look past a run of them (snake__case)
            j, k = i, i
            while j > 0 and text[j - 1] == "_":
                j -= 1
            while k + 1 < n and text[k + 1] == "_":
                k += 1
            escape = not (j > 0 and _word(text[j - 1]) and k + 1 < n and _word(text[k + 1]))
        elif ch == "[":
            escape = i < last_close  # a bracket that a later "]" could close into a link
        elif ch == "]":
            escape = after in ("(", "[", ":")  # a link, reference or definition
        elif ch == "<":
            escape = after != "" and ((after.isascii() and after.isalpha()) or after in "/!?")
        elif ch == "~":
            escape = before == "~" or after == "~"  # ~~strikethrough~~
        elif ch == "&":
            escape = _ENTITY.match(text, i) is not None
        out.append("\\" + ch if escape else ch)
    return "".join(out)


def md(text: str) -> str:
    """Text as literal Markdown that still reads cleanly in an editor.

    Only what could format, link, run as HTML or start a block is escaped: `*` and backticks always;
    `_` at a word boundary; `[` when a later `]` could close it, `]` before `(`, `[` or `:`; `<` before
    a tag or autolink; doubled `~`; `&` before an entity; a backslash before punctuation; and `#`,
    `>`, `+`, `-`, `=`, `1.` at the start. A table cell escapes `|` on top (see render.room).
    """
    flat = _md_inline(plain(one_line(text)))
    flat = _MD_CLOSING_HASHES.sub(lambda m: "\\" + m.group(1), flat)  # "Title #" would lose its "#"

    def start(m: re.Match[str]) -> str:
        if m.group(2):
            return m.group(1) + "\\" + m.group(2)
        return m.group(1) + m.group(3) + "\\" + m.group(4)

    return _MD_LINE_START.sub(start, flat, count=1)


def _change(change: int | None) -> str:
    """Progress since last time, as the core marks it (core.advice.change_mark); nothing when unchanged."""
    return f" {change_mark(change)}" if change else ""


def _flagged(plan: AdvicePlan) -> bool:
    return any(row.mixed for row in plan.rows)


def markdown(plan: AdvicePlan) -> str:
    out = [f"# {md(_title(plan))}", ""]
    meta = [format_date(plan.taken_at, plan.lang)]
    out += [f"_{md(' · '.join([*meta, plan.bank_title]))}_", ""]
    if plan.commitments_title:
        out += [f"## {md(plan.commitments_title)}", "", *(f"- [ ] {md(c)}" for c in plan.commitments), ""]
        out += [f"_{md(plan.commitments_by or '')}_", ""]
    if plan.nothing is not None:
        return "\n".join([*out, md(plan.nothing), ""])
    lang = plan.lang
    score = t(lang, "score_short", score=plan.overall)
    overall = t(
        lang,
        "pair",
        label=plan.labels["overall"],
        value=t(lang, "item_scored", title=plan.profile_title or "", score=score),
    )
    out += [f"**{md(overall)}.** {md(plan.profile_text or '')}", ""]
    if plan.style_note:
        out += [md(plan.style_note), ""]
    if plan.coverage:
        out += [md(plan.coverage), ""]
    out += [f"## {md(plan.labels['per_myth'])}", ""]
    if plan.progress_note:
        out += [f"_{md(plan.progress_note)}_", ""]
    for row in plan.rows:
        score = "–" if row.score is None else str(row.score)
        change = _change(row.change)
        flag = f" ⚑ {md(plan.labels['mixed'])}" if row.mixed else ""
        out.append(f"- {score} · {md(row.band_label)} · {md(row.title)}{change}{flag}")
    out.append("")
    if plan.follow_up_title:
        out += [f"### {md(plan.follow_up_title)}", "", *(f"- {md(c)}" for c in plan.follow_up), ""]
    for section in plan.sections:
        out += [f"## {md(section.title)}", ""]
        if not section.items and section.note:
            out += [md(section.note), ""]
        for n, item in enumerate(section.items, 1):
            scored = _scored(lang, item, f"**{md(item.title)}**")
            if section.key == PRIORITIES:
                out += [f"### {n}. {_scored(lang, item, md(item.title))}", ""]
                if item.why:
                    out += [f"_{md(t(lang, 'lead_in', label=plan.labels['why']))}_ {md(item.why)}", ""]
                if item.clash:
                    out += [f"⚑ {md(item.clash)}", ""]
                if item.advice:
                    out += [md(item.advice), ""]
                out += [f"- [ ] {md(a)}" for a in item.actions] + [""]
            elif item.advice:
                advice = t(lang, "item_advice", item=scored, advice=md(item.advice))
                out.append(f"- {advice}{_md_clash(item.clash)}")
            else:
                out.append(f"- {_scored(lang, item, md(item.title))}{_md_clash(item.clash)}")
        if section.key != PRIORITIES and section.items:
            out.append("")
    if plan.mixed_note and _flagged(plan):
        out += [md(plan.mixed_note), ""]
    if plan.check_back:
        out += [f"## {md(plan.labels['check_back_title'])}", "", md(plan.check_back), ""]
    if plan.source:
        out += [f"_{md(plan.source)}_", ""]
    return "\n".join(out)


def _scored(lang: str, item: PlanItem, title: str) -> str:
    """The title (already in its format) with the score and band, as the language writes them."""
    if item.score is None:
        return title
    score = t(lang, "score_band", score=item.score, band=md(item.band_in_sentence))
    return t(lang, "item_scored", title=title, score=score)


def _md_clash(clash: str | None) -> str:
    return f" ⚑ {md(clash)}" if clash else ""


# -- HTML -------------------------------------------------------------------------------

BAND_COLORS = {
    "green": "#2e7d32",
    "yellow": "#8a5a00",
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
td.score { text-align: right; width: 4.5rem; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.band { font-weight: 600; }
ul.actions { list-style: none; padding-left: .2rem; }
ul.actions li::before { content: "☐ "; }
.note { color: #7a5a00; }
.commitments { border: 2px solid #1565c0; border-radius: 6px; padding: .1rem 1rem .3rem; margin-bottom: 1rem; }
.commitments h2 { border: 0; margin-top: .5rem; }
/* Printed: one A4 page for the longest realistic plan (three priorities, a second look, the clear ones). */
@media print {
  @page { margin: 8mm 10mm; }
  html { font-size: 8pt; }
  body { font: 8pt/1.2 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
         margin: 0; max-width: none; padding: 0; }
  h1 { font-size: 13pt; }
  h2 { font-size: 10pt; margin: .55rem 0 .2rem; }
  h3 { font-size: 9pt; margin: .45rem 0 .1rem; }
  p, ul { margin: .15rem 0; }
  ul { padding-left: 1.1rem; }
  h2 + ul, .priorities { columns: 2; column-gap: 1.6rem; }
  .priorities h3 { margin-top: 0; }
  .why, .note { font-size: 7pt; line-height: 1.18; }
  .meta { margin: 0 0 .4rem; }
  .profile { padding: .35rem .6rem; }
  .commitments { padding: 0 .6rem .1rem; margin-bottom: .4rem; }
  .commitments h2 { margin-top: .25rem; }
  table.bars td { padding: .03rem .3rem; }
  .track { height: .6rem; }
  h2, h3 { break-after: avoid; }
  li, tr { break-inside: avoid; }
}
"""

# Nothing may load from elsewhere: no scripts, no fonts, no images.
CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"


def h(text: str) -> str:
    return html.escape(plain(text), quote=True)


def html_t(lang: str, key: str, **values: str) -> str:
    """A catalogue pattern in HTML: its own words escaped, its values given as HTML already."""
    from markupsafe import Markup

    return str(Markup(h(t(lang, key))).format(**{name: Markup(value) for name, value in values.items()}))


def document_start(lang: str, title: str, css: str) -> str:
    """What every HTML file we write starts with, to the opening of its body: self-contained, loading nothing."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{h(lang)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            CSP,
            f"<title>{h(title)}</title><style>{css}</style></head><body>",
        ]
    )


def html_page(plan: AdvicePlan) -> str:
    lang, title = plan.lang, _title(plan)
    meta = [format_date(plan.taken_at, plan.lang)]
    parts = [
        document_start(plan.lang, title, PAGE_CSS),
        f"<h1>{h(title)}</h1>",
        f'<p class="meta">{h(" · ".join([*meta, plan.bank_title]))}</p>',
    ]
    if plan.commitments_title:
        parts.append(f'<section class="commitments"><h2>{h(plan.commitments_title)}</h2><ul class="actions">')
        parts += [f"<li>{h(c)}</li>" for c in plan.commitments]
        parts.append(f'</ul><p class="meta">{h(plan.commitments_by or "")}</p></section>')
    if plan.nothing is not None:
        parts.append(f"<p>{h(plan.nothing)}</p></body></html>")
        return "\n".join(parts)
    coverage = f"<br><em>{h(plan.coverage)}</em>" if plan.coverage else ""
    style = f"<br>{h(plan.style_note)}" if plan.style_note else ""
    parts.append(
        f'<div class="profile"><strong>{h(plan.profile_title or "")}</strong> — {h(plan.overall_line or "")}'
        f"<br>{h(plan.profile_text or '')}{style}{coverage}</div>"
    )
    parts.append(f"<h2>{h(plan.labels['per_myth'])}</h2>")
    if plan.progress_note:
        parts.append(f'<p class="meta">{h(plan.progress_note)}</p>')
    parts.append('<table class="bars">')
    for row in plan.rows:
        color = BAND_COLORS.get(row.color, "#555")
        change = _change(row.change)
        flag = " ⚑" if row.mixed else ""
        width = 0 if row.score is None else row.score
        parts.append(
            f'<tr><td class="title">{h(row.title)}</td>'
            f'<td class="bar"><div class="track"><div class="fill" style="width:{width}%;background:{color}">'
            f'</div></div></td><td class="score">{"–" if row.score is None else row.score}{change}</td>'
            f'<td class="band" style="color:{color}">{h(row.band_label)}{flag}</td></tr>'
        )
    parts.append("</table>")
    if plan.follow_up_title:
        parts.append(f'<h3>{h(plan.follow_up_title)}</h3><ul class="follow-up">')
        parts += [f"<li>{h(c)}</li>" for c in plan.follow_up]
        parts.append("</ul>")
    if plan.mixed_note and _flagged(plan):
        parts.append(f'<p class="note">{h(plan.mixed_note)}</p>')
    for section in plan.sections:
        parts.append(f'<h2 id="{section.key}">{h(section.title)}</h2>')
        if not section.items and section.note:
            parts.append(f"<p>{h(section.note)}</p>")
        if section.key == PRIORITIES:
            parts.append('<div class="priorities">')
            for n, item in enumerate(section.items, 1):
                scored = t(lang, "item_scored", title=item.title, score=t(lang, "score_short", score=item.score))
                parts.append(f"<h3>{n}. {h(scored)}</h3>")
                if item.why:
                    why = h(t(lang, "lead_in", label=plan.labels["why"]))
                    parts.append(f'<p class="why"><em>{why}</em> {h(item.why)}</p>')
                if item.clash:
                    parts.append(f'<p class="note">⚑ {h(item.clash)}</p>')
                if item.advice:
                    parts.append(f"<p>{h(item.advice)}</p>")
                actions = h(t(lang, "lead_in", label=plan.labels["actions"]))
                parts.append(f'<p><em>{actions}</em></p><ul class="actions">')
                parts += [f"<li>{h(a)}</li>" for a in item.actions]
                parts.append("</ul>")
            parts.append("</div>")
            continue
        if section.items:
            parts.append("<ul>")
            for item in section.items:
                title = f"<strong>{h(item.title)}</strong>"
                if item.score is not None:
                    title = html_t(lang, "item_scored", title=title, score=h(t(lang, "score_short", score=item.score)))
                if item.advice:
                    title = html_t(lang, "item_advice", item=title, advice=h(item.advice))
                clash = f' <span class="note">⚑ {h(item.clash)}</span>' if item.clash else ""
                parts.append(f"<li>{title}{clash}</li>")
            parts.append("</ul>")
    if plan.check_back:
        parts.append(f"<h2>{h(plan.labels['check_back_title'])}</h2><p>{h(plan.check_back)}</p>")
    if plan.source:
        parts.append(f'<p class="meta">{h(plan.source)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


RENDERERS = {"md": markdown, "html": html_page}


def render_report(kind: str, plan: AdvicePlan) -> str:
    return RENDERERS[kind](plan)


# -- the file's name ------------------------------------------------------------------------

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{d}{n}" for d in ("COM", "LPT") for n in "123456789¹²³"}
)
_NOT_IN_A_NAME = re.compile(r'[/\\<>:"|?*\x00-\x1f\x7f]+')  # path separators, Windows' forbidden characters
NAME_CHARS = 60  # of the person's name in a file name
NAME_BYTES = 120  # the same in UTF-8: far below the 255 bytes most file systems allow, with room to spare


def safe_name_part(name: str) -> str:
    """A person's name made safe for a file name on every file system, or "" when nothing of it is left.

    No path separator, no control or format character, none of Windows' forbidden characters, no leading
    or trailing dot, space or dash, not a reserved Windows name (CON, NUL, COM1, ...); at most NAME_CHARS
    characters and NAME_BYTES bytes in UTF-8; spaces become dashes.
    """
    import unicodedata

    text = unicodedata.normalize("NFC", name)
    text = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    text = _NOT_IN_A_NAME.sub(" ", text)
    text = "-".join(text.split())
    text = text[:NAME_CHARS]
    while len(text.encode("utf-8")) > NAME_BYTES:
        text = text[:-1]
    text = text.strip(".- ")
    base, dot, rest = text.partition(".")
    if base.upper() in _WINDOWS_RESERVED:  # CON and CON.txt alike
        text = f"{base}_{dot}{rest}"
    return text


def report_file_name(plan: AdvicePlan, kind: str) -> str:
    """The one name a saved plan gets, in the quiz and on the web page: the person's name made safe, and the
    date (misquiz-Anna-Peeters-2026-03-03.html), or the date alone for someone who gave no name."""
    who = safe_name_part(plan.name or "")
    date = plan.taken_at[:10]
    return f"misquiz-{who}-{date}.{kind}" if who else f"misquiz-{date}.{kind}"


def ascii_file_name(file_name: str) -> str:
    """The same name in ASCII (accents dropped), for the old `filename=` of a download."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folded)


def write_report(plan: AdvicePlan, kind: str, folder: Path) -> Path:
    """Write a report into folder, under report_file_name (numbered when it would overwrite; files.output: no
    symbolic link followed, mode 0600); return the path."""
    from misquiz.files.output import write_new_in

    text = render_report(kind, plan)
    return write_new_in(folder, report_file_name(plan, kind), text.encode("utf-8")).resolve()

"""Plain-text listings the command line prints: a bank check, the history of attempts, the workshops.

Every word comes from the catalogue, in the language asked for.
"""

from __future__ import annotations

import math
from typing import Any

from misquiz.core.catalogue import round_word, t
from misquiz.core.scoring import shown
from misquiz.core.text import plain


def bank_check_text(check: Any, lang: str) -> str:
    """Every problem on its own line, then one line of counts (a BankCheck from files.bank)."""
    lines = [str(problem) for problem in check.errors + check.warnings]
    counts = t(
        lang,
        "check_counts",
        myths=check.myths,
        statements=check.statements,
        languages=", ".join(check.languages) or "-",
    )
    if check.ok and not check.warnings:
        lines.append(plain(t(lang, "check_valid", file=check.file, counts=counts)))
    elif check.ok:
        lines.append(plain(t(lang, "check_valid_warned", file=check.file, warnings=len(check.warnings), counts=counts)))
    else:
        found = t(lang, "check_invalid", file=check.file, errors=len(check.errors), warnings=len(check.warnings))
        lines.append(plain(f"{found} · {counts}"))
    return "\n".join(lines)


def _columns(lang: str, key: str) -> list[str]:
    return t(lang, key).split("|")


def history_table(
    rows: list[dict[str, Any]], lang: str, profiles: dict[str, str] | None = None, width: int = 80
) -> str:
    """Stored attempts, newest first, as a table for a terminal `width` columns wide (80 at least);
    `profiles` gives a profile's title by its id. A workshop code is never cut: the name and the verdict
    give way first, and a code too long for its column goes on a line of its own under the row."""
    if not rows:
        return t(lang, "history_none")
    width = max(80, width)
    id_, started, name, workshop, answered, overall = _columns(lang, "history_columns")
    cells = []
    for row in rows:
        where = plain(str(row["workshop"] or "") + (f"/{round_word(lang, str(row['round']))}" if row["round"] else ""))
        cells.append(
            (
                str(row["id"]),
                str(row["started_at"])[:16].replace("T", " "),
                plain(str(row["name"])),
                where,
                f"{row['answered']}/{row['total']}",
                _verdict(row["overall"], profiles or {}) or t(lang, "history_unfinished"),
            )
        )
    w_id = max(len(id_), *(len(c[0]) for c in cells))
    w_answered = max(len(answered), *(len(c[4]) for c in cells))
    w_where = max(len(workshop), *(len(c[3]) for c in cells))
    w_name = max(len(name), *(len(c[2]) for c in cells))
    fixed = w_id + 16 + w_answered + 2 * 5
    room = width - fixed - w_where
    own_line = room < 30  # long workshop codes: each on a line of its own, in full
    if own_line:
        room = width - fixed + 2
    w_verdict = min(max(len(overall), *(len(c[5]) for c in cells)), room - 12)  # the verdict whole if it can be
    w_name = max(len(name), min(w_name, room - w_verdict))
    w_verdict = max(8, room - w_name)

    def line(c: tuple[str, ...]) -> str:
        head = f"{c[0]:>{w_id}}  {c[1]:<16}  {_cut(c[2], w_name):<{w_name}}  "
        if not own_line:
            head += f"{c[3]:<{w_where}}  "
        return (head + f"{c[4]:>{w_answered}}  {_cut(c[5], w_verdict)}").rstrip()

    header = (id_, started, name, workshop, answered, overall)
    lines = [line(header)]
    for c in cells:
        lines.append(line(c))
        if own_line and c[3]:
            lines.append(" " * (w_id + 2) + c[3])
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _verdict(result: object, profiles: dict[str, str]) -> str:
    """An attempt's overall score and profile; "–" for a score that cannot be told (all "no opinion")."""
    if not isinstance(result, dict):
        return ""
    score, profile = result.get("score"), str(result.get("profile") or "")
    number = isinstance(score, int | float) and not isinstance(score, bool) and math.isfinite(score)
    return (str(shown(float(score))) if number else "–") + f" {plain(profiles.get(profile, profile))}"  # type: ignore[arg-type]


def workshop_table(workshops: list[Any], lang: str) -> str:
    """Workshops (WorkshopSummary rows from the store), most recent first, as a table."""
    if not workshops:
        return t(lang, "workshops_none")
    code, rounds, joined, unanswered, finished, first, last = _columns(lang, "workshops_columns")
    width = max(len(unanswered), 5)
    named = [
        ", ".join(  # in the trainer's language, in the order a workshop runs them, never cut
            round_word(lang, None if r == "none" else r)
            for r in sorted(w.rounds, key=lambda r: {"before": 0, "after": 1}.get(r, 2))
        )
        for w in workshops
    ]
    w_rounds = max(len(rounds), *(len(n) for n in named))
    w_code = max(len(code), *(len(plain(w.code)) for w in workshops))  # a code is never cut
    lines = [
        f"{code:<{w_code}}  {rounds:<{w_rounds}}  {joined:>6}  {unanswered:>{width}}  "
        f"{finished:>8}  {first:<16}  {last:<16}"
    ]
    for w, these in zip(workshops, named, strict=True):
        never = max(0, w.started - w.joined)  # pressed Start, never answered: no seat, not counted as joined
        lines.append(
            f"{plain(w.code):<{w_code}}  {these:<{w_rounds}}  {w.joined:>6}  {never:>{width}}  "
            f"{w.finished:>8}  {w.first[:16].replace('T', ' '):<16}  {w.last[:16].replace('T', ' '):<16}"
        )
    return "\n".join(lines)

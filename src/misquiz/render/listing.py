"""Plain-text listings the command line prints: a bank check, the history of attempts, the workshops.

Every word comes from the catalogue, in the language asked for.
"""

from __future__ import annotations

import math
from typing import Any

from misquiz.core.catalogue import t
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


def history_table(rows: list[dict[str, Any]], lang: str, profiles: dict[str, str] | None = None) -> str:
    """Stored attempts, newest first, as a table for a terminal; `profiles` gives a profile's title by its id."""
    if not rows:
        return t(lang, "history_none")
    id_, started, name, workshop, answered, overall = _columns(lang, "history_columns")
    wide = max(8, len(answered))  # "beantwoord" is wider than "36/36"
    lines = [f"{id_:>5}  {started:<16}  {name:<20}  {workshop:<12}  {answered:>{wide}}  {overall}"]
    for row in rows:
        verdict = _verdict(row["overall"], profiles or {}) or t(lang, "history_unfinished")
        where = str(row["workshop"] or "") + (f"/{row['round']}" if row["round"] else "")
        lines.append(
            f"{row['id']:>5}  {str(row['started_at'])[:16].replace('T', ' '):<16}  "
            f"{plain(str(row['name']))[:20]:<20}  {plain(where)[:12]:<12}  "
            f"{str(row['answered']) + '/' + str(row['total']):>{wide}}  {verdict}"
        )
    return "\n".join(lines)


def _verdict(result: object, profiles: dict[str, str]) -> str:
    """An attempt's overall score and profile; "–" for a score that cannot be told (all "no opinion")."""
    if not isinstance(result, dict):
        return ""
    score, profile = result.get("score"), str(result.get("profile") or "")
    number = isinstance(score, int | float) and not isinstance(score, bool) and math.isfinite(score)
    return (f"{score:.0f}" if number else "–") + f" {plain(profiles.get(profile, profile))}"


def workshop_table(workshops: list[Any], lang: str) -> str:
    """Workshops (WorkshopSummary rows from the store), most recent first, as a table."""
    if not workshops:
        return t(lang, "workshops_none")
    code, rounds, joined, finished, first, last = _columns(lang, "workshops_columns")
    lines = [f"{code:<20}  {rounds:<18}  {joined:>6}  {finished:>8}  {first:<16}  {last:<16}"]
    for w in workshops:
        lines.append(
            f"{plain(w.code)[:20]:<20}  {', '.join(w.rounds)[:18]:<18}  {w.joined:>6}  {w.finished:>8}  "
            f"{w.first[:16].replace('T', ' '):<16}  {w.last[:16].replace('T', ' '):<16}"
        )
    return "\n".join(lines)

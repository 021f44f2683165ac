"""Plain-text listings the command line prints: a bank check and the history of attempts."""

from __future__ import annotations

from typing import Any

from misquiz.core.text import plain


def bank_check_text(check: Any) -> str:
    """Every problem on its own line, then one line of counts (a BankCheck from files.bank)."""
    lines = [str(problem) for problem in check.errors + check.warnings]
    counts = f"{check.myths} myths, {check.statements} statements, languages: {', '.join(check.languages) or '-'}"
    if check.ok:
        warned = f", {len(check.warnings)} warning(s)" if check.warnings else ""
        lines.append(plain(f"{check.file}: valid{warned} · {counts}"))
    else:
        lines.append(plain(f"{check.file}: {len(check.errors)} error(s), {len(check.warnings)} warning(s) · {counts}"))
    return "\n".join(lines)


def history_table(rows: list[dict[str, Any]]) -> str:
    """Stored attempts, newest first, as a table for a terminal."""
    if not rows:
        return "No attempts yet. Take the quiz with: misquiz"
    lines = [f"{'id':>5}  {'started':<16}  {'name':<20}  {'workshop':<12}  {'answered':>8}  overall"]
    for row in rows:
        overall = row["overall"]
        verdict = f"{overall['score']:.0f} {overall['profile']}" if overall else "unfinished"
        where = str(row["workshop"] or "") + (f"/{row['round']}" if row["round"] else "")
        lines.append(
            f"{row['id']:>5}  {str(row['started_at'])[:16].replace('T', ' '):<16}  "
            f"{plain(str(row['name']))[:20]:<20}  {plain(where)[:12]:<12}  "
            f"{str(row['answered']) + '/' + str(row['total']):>8}  {verdict}"
        )
    return "\n".join(lines)


def workshop_table(workshops: list[Any]) -> str:
    """Workshops (WorkshopSummary rows from the store), most recent first, as a table."""
    if not workshops:
        return "No workshops yet. Start one with: misquiz serve --workshop CODE"
    lines = [f"{'workshop':<20}  {'rounds':<18}  {'joined':>6}  {'finished':>8}  {'first':<16}  {'last':<16}"]
    for w in workshops:
        lines.append(
            f"{plain(w.code)[:20]:<20}  {', '.join(w.rounds)[:18]:<18}  {w.joined:>6}  {w.finished:>8}  "
            f"{w.first[:16].replace('T', ' '):<16}  {w.last[:16].replace('T', ' '):<16}"
        )
    return "\n".join(lines)

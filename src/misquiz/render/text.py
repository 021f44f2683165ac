"""The advice summary as plain text: what `misquiz score` prints."""

from __future__ import annotations

import textwrap

from misquiz.core.catalogue import t
from misquiz.core.model import Bank
from misquiz.core.scoring import MythScore, Result


def _wrap(text: str, indent: str = "  ", hang: str | None = None) -> str:
    rest = indent if hang is None else hang
    return textwrap.fill(" ".join(text.split()), width=78, initial_indent=indent, subsequent_indent=rest)


def advice_summary(bank: Bank, result: Result, lang: str) -> str:
    if result.profile is None or result.overall is None:
        return t(lang, "summary_nothing")
    out = [
        t(lang, "summary_overall", title=result.profile.title[lang], score=round(result.overall)),
        _wrap(result.profile.text[lang]),
        "",
        t(lang, "priorities"),
    ]
    if not result.priorities:
        out.append(_wrap(t(lang, "no_priorities")))
    for n, m in enumerate(result.priorities, 1):
        out.append(f"  {n}. {_headline(m, lang)}")
        assert m.band is not None
        out.append(_wrap(m.myth.advice[m.band.id][lang], "     "))
        out.append(f"     {t(lang, 'actions')}:")
        out.extend(_wrap(a[lang], "     - ", "       ") for a in m.myth.actions)
    for key, group in (("second_look", result.second_look), ("clear", result.clear)):
        if group:
            out += ["", t(lang, key)]
            for m in group:
                out.append(f"  - {_headline(m, lang)}")
                if key == "second_look" and m.band is not None:
                    out.append(_wrap(m.myth.advice[m.band.id][lang], "    "))
    skipped = [m for m in result.myths if m.score is None]
    if skipped:
        out += ["", t(lang, "not_assessed").capitalize() + ":"]
        out += [f"  - {m.myth.title[lang]}" for m in skipped]
    if any(m.mixed_signals for m in result.myths):
        out += ["", _wrap(t(lang, "mixed_note"), "")]
    return "\n".join(out)


def _headline(m: MythScore, lang: str) -> str:
    mixed = f" ⚑ {t(lang, 'mixed')}" if m.mixed_signals else ""
    return f"{m.myth.title[lang]} ({round(m.score or 0)}/100){mixed}"

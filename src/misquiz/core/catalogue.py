"""The interface's own words: one catalogue per language, as data files in misquiz/catalogue/.

Adding a language is adding `<code>.json` there (and its texts in the bank), never code.
Content (statements, advice) lives in the bank; this holds only the interface.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "catalogue"
FALLBACK = "en"


@cache
def languages() -> tuple[str, ...]:
    """Every language the interface speaks, by its catalogue files."""
    return tuple(sorted(p.stem for p in FOLDER.glob("*.json")))


@cache
def strings(lang: str) -> dict[str, str]:
    path = FOLDER / f"{lang}.json"
    if lang not in languages():
        return strings(FALLBACK) if lang != FALLBACK else {}
    table: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return table


def t(lang: str, key: str, **values: object) -> str:
    text = strings(lang).get(key) or strings(FALLBACK)[key]
    return text.format(**values) if values else text


def format_date(iso: str, lang: str) -> str:
    """'2026-03-03T...' -> '3 March 2026' / '3 maart 2026' / '3 mars 2026'."""
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return f"{day} {t(lang, f'month_{month}')} {year}"


def language_for_locale(environ: dict[str, str]) -> str:
    """The interface language the locale asks for, if there is a catalogue for it; else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var, "")
        if value:
            code = value.split("_")[0].split(".")[0].split(":")[0].lower()
            return code if code in languages() else FALLBACK
    return FALLBACK

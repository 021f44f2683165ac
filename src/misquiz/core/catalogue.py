"""The interface's own words: one catalogue per language, as data files in misquiz/catalogue/.

Adding a language is adding `<code>.json` there (and its texts in the bank), never code.
Content (statements, advice) lives in the bank; this holds only the interface.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / "catalogue"
FALLBACK = "en"


@cache
def languages() -> tuple[str, ...]:
    """Every language the interface speaks, by its catalogue files (read once; a plain listing, as
    Path.glob costs a noticeable part of the quiz's start-up)."""
    return tuple(sorted(name[:-5] for name in os.listdir(FOLDER) if name.endswith(".json")))


@cache
def strings(lang: str) -> dict[str, str]:
    path = FOLDER / f"{lang}.json"
    if lang not in languages():
        return strings(FALLBACK) if lang != FALLBACK else {}
    table: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return table


# A word that follows a number: `{count:attempt|attempts}` is "attempt" for one and "attempts" for any other
# count (French counts 0 as one, as CLDR says: "0 participation supprimée"), so no sentence says "attempt(s)".
PLURAL = re.compile(r"{(\w+):((?:[^{}|]|{\w+})*)\|((?:[^{}|]|{\w+})*)}")  # either may hold {count}


def _one(lang: str, count: object) -> bool:
    if isinstance(count, str) and count.isdigit():
        count = int(count)
    return isinstance(count, int) and (count in (0, 1) if lang == "fr" else count == 1)


def t(lang: str, key: str, **values: object) -> str:
    text = strings(lang).get(key) or strings(FALLBACK)[key]
    if "|" in text and ":" in text:  # a word chosen by a count; without the count, the form for many
        told = lang if key in strings(lang) else FALLBACK
        text = PLURAL.sub(lambda m: m[2] if _one(told, values.get(m[1])) else m[3], text)
    return text.format(**values) if values else text


def or_list(lang: str, items: list[str]) -> str:
    """Alternatives as the language lists them: "W1", "W1 or W3", "W1, W3 or W2b"."""
    if len(items) < 2:
        return "".join(items)
    return t(lang, "list_or", first=", ".join(items[:-1]), last=items[-1])


class Explained(Exception):
    """A message made of a catalogue sentence and its values: in English by str(), in any language by said(),
    so that an error raised deep down is told in the person's language where it reaches them. A value that is
    itself Explained (a reason inside a sentence) is said in the same language."""

    def __init__(self, key: str, **values: object) -> None:
        self.key, self.values = key, values
        super().__init__(self.said(FALLBACK))

    def said(self, lang: str) -> str:
        values = {k: v.said(lang) if isinstance(v, Explained) else v for k, v in self.values.items()}
        return t(lang, self.key, **values)


def said(error: BaseException, lang: str) -> str:
    """An error's message in this language when it is a catalogue sentence; as it was raised otherwise (the
    system's reason alone for an OSError)."""
    if isinstance(error, Explained):
        return error.said(lang)
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def round_word(lang: str, round_: str | None) -> str:
    """A workshop round as a trainer reads it in a listing or a message: before, after, or none set."""
    key = {"before": "cli_round_before", "after": "cli_round_after"}.get(round_ or "", "cli_round_none")
    return t(lang, key)


# The locale of each language, for Unicode CLDR's ways of writing dates and numbers (through Babel, imported
# only when a date or a number is written: never on the quiz's way to its first screen). The article and
# its workshops are Belgian; English as it is written in Europe (3 March 2026).
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}


def locale_of(lang: str) -> str:
    """The CLDR locale for an interface language; a language Babel does not know falls back to English."""
    from babel import Locale, UnknownLocaleError

    wanted = LOCALES.get(lang, lang)
    try:
        Locale.parse(wanted)
    except (UnknownLocaleError, ValueError, TypeError):
        return LOCALES[FALLBACK]
    return wanted


def format_date(iso: str, lang: str) -> str:
    """'2026-03-03T...' -> '3 March 2026' / '3 maart 2026' / '3 mars 2026': the language's long form (CLDR)."""
    from datetime import date

    from babel.dates import format_date as cldr_date

    day = date(int(iso[:4]), int(iso[5:7]), int(iso[8:10]))
    text = cldr_date(day, format="long", locale=locale_of(lang))
    if lang == "fr" and day.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]  # French writes the first of the month as an ordinal; CLDR's long form does not
    return text


def format_number(value: float, places: int, lang: str) -> str:
    """A number with `places` decimals as the language writes it: 2,40 in nl and fr, 2.40 in en (CLDR)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(value, format=pattern, locale=locale_of(lang), decimal_quantization=True)


def format_percent(share: float, lang: str) -> str:
    """A share 0-1 as a whole percentage as the language writes it: 9 % in fr (a no-break space), 9% in en."""
    from babel.numbers import format_percent as cldr_percent

    return cldr_percent(share, locale=locale_of(lang))


def language_for_locale(environ: dict[str, str]) -> str:
    """The interface language the locale asks for, if there is a catalogue for it; else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(var, "")
        if value:
            code = value.split("_")[0].split(".")[0].split(":")[0].lower()
            return code if code in languages() else FALLBACK
    return FALLBACK

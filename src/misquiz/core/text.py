"""Text from outside (files, names people typed), made harmless for where it is shown."""

from __future__ import annotations

import re
from functools import cache


# Compiled when first used: these two character classes take over half a millisecond each to compile, and
# the quiz's welcome needs neither (start-up is part of the product).
@cache
def _control() -> re.Pattern[str]:
    """C0/C1 controls, DEL, and bidi overrides: nothing a file says may steer the terminal."""
    return re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


def first_control(text: str) -> str | None:
    """The first character that could steer a terminal, as U+XXXX, or None."""
    found = _control().search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def plain(text: str) -> str:
    """Text from outside, made harmless for a terminal: control characters shown as escapes."""
    return _control().sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


@cache
def _json_unsafe() -> re.Pattern[str]:
    """What JSON leaves raw inside strings that a terminal or an editor would obey or hide: DEL, C1, bidi marks,
    overrides and isolates, line and paragraph separators, lone surrogates (C0 is escaped by json.dumps itself)."""
    return re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON text (from json.dumps or a database) with those characters written as \\uXXXX escapes: the same
    values for a JSON reader, nothing for a terminal to act on. Such characters only occur inside strings."""
    return _json_unsafe().sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_ASCII_DIGITS = re.compile("[0-9]+")


def ascii_number(text: str, max_digits: int = 19) -> int | None:
    """The whole number written in ASCII digits, or None: never ², ١, ๓ or ３ (isdigit() and int() take them)."""
    if len(text) > max_digits or not _ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)


_SPACES = re.compile("[ \t\r\n\f\v]+")


def one_line(text: str) -> str:
    """Text on one line, runs of spaces and line breaks as one space; a no-break space (French
    typography: before : ; ? ! and inside « ») is kept, unlike with str.split()."""
    return _SPACES.sub(" ", text).strip(" ")


MAX_NAME = 60


def clean_name(name: str) -> str:
    """A participant's name as typed, on one line, capped, with control characters made visible."""
    return plain(" ".join(name.split()))[:MAX_NAME]  # a name keeps no odd spaces at all


def person_key(name: str) -> str:
    """Who a name stands for in one database: without case and spaces ("Jan Peeters" is "janpeeters").

    Every unnamed attempt of a database is one person, the key "".
    """
    return "".join(clean_name(name).split()).casefold()

"""Text from outside (files, names people typed), made harmless for where it is shown."""

from __future__ import annotations

import re

# C0/C1 controls, DEL, and bidi overrides: nothing a file says may steer the terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


def first_control(text: str) -> str | None:
    """The first character that could steer a terminal, as U+XXXX, or None."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def plain(text: str) -> str:
    """Text from outside, made harmless for a terminal: control characters shown as escapes."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


MAX_NAME = 60


def clean_name(name: str) -> str:
    """A participant's name as typed, on one line, capped, with control characters made visible."""
    return plain(" ".join(name.split()))[:MAX_NAME]

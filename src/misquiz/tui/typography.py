"""French typography in the terminal: a no-break space stays a no-break space when Textual wraps a line.

Textual (through Rich) cuts lines at any whitespace its word patterns know, the no-break spaces included, so
"résultats :" or "« Plus on publie »" could be split with the colon or the closing guillemet at the start of the
next line. Neither has a setting for it; their word patterns (`rich._wrap.re_word`, used for every Static, and
`textual._wrap.re_chunk`, for text areas) are replaced once with ones that count U+00A0 and U+202F as part of a
word. Checked by tests/tui/test_french_wrapping.py: if a release renames a pattern, that test fails rather
than the French silently wrapping badly again.
"""

from __future__ import annotations

import re

NO_BREAK = "\u00a0\u202f"
_SPACE = rf"[^\S{NO_BREAK}]"  # whitespace a line may break at
_WORD = rf"(?:\S|[{NO_BREAK}])+"  # a word, its no-break spaces included
RICH_WORD = re.compile(rf"{_SPACE}*{_WORD}{_SPACE}*")  # as rich._wrap.re_word: r"\s*\S+\s*"
TEXTUAL_CHUNK = re.compile(rf"{_WORD}{_SPACE}*|{_SPACE}+")  # as textual._wrap.re_chunk: r"\S+\s*|\s+"


def keep_no_break_spaces() -> bool:
    """Make the terminal's wrapping keep no-break spaces; whether it could (False: the internals changed)."""
    from rich import _wrap as rich_wrap
    from textual import _wrap as textual_wrap

    if not isinstance(getattr(rich_wrap, "re_word", None), re.Pattern) or not isinstance(
        getattr(textual_wrap, "re_chunk", None), re.Pattern
    ):
        return False
    rich_wrap.re_word = RICH_WORD
    textual_wrap.re_chunk = TEXTUAL_CHUNK
    return True

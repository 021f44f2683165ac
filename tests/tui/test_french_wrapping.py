"""French typography survives the terminal's line wrapping (issue 23): a colon, a question mark or a closing
guillemet never starts a line, because a no-break space is never a place to break."""

from __future__ import annotations

import json

from textual.content import Content

from misquiz.core.catalogue import FOLDER
from misquiz.files.bank import load_bank
from misquiz.tui.typography import keep_no_break_spaces

STARTS = (":", ";", "?", "!", "»")


def french_texts() -> list[str]:
    from misquiz.core.catalogue import PLURAL

    catalogue = json.loads((FOLDER / "fr.json").read_text(encoding="utf-8"))
    catalogue = {k: PLURAL.sub(lambda m: m[3], v) for k, v in catalogue.items()}  # as shown: the plural's words
    bank = load_bank()
    content = [s.text["fr"] for s in bank.statements] + [m.explanation["fr"] for m in bank.myths]
    return [v for v in [*catalogue.values(), *content] if "\u00a0" in v]


def test_no_line_of_the_french_interface_starts_with_a_colon_or_a_closing_guillemet_at_any_width():
    assert keep_no_break_spaces(), "Textual's wrapping changed: misquiz.tui.typography needs a look"
    texts = french_texts()
    assert len(texts) > 100  # the catalogue and the bank: what a French reader sees
    for width in range(24, 81):  # narrower, a word with its colon may be longer than the line and fold
        for text in texts:
            for line in Content(text).wrap(width):
                assert not line.plain.lstrip(" ").startswith(STARTS), (width, text)


def test_a_no_break_space_is_where_a_line_would_otherwise_break():
    keep_no_break_spaces()
    lines = [line.plain for line in Content("Vos idées reçues\u00a0: « Plus on publie\u00a0»").wrap(17)]
    assert lines[0].rstrip(" ") == "Vos idées" and lines[1].startswith("reçues\u00a0:")
    assert all(not line.startswith(STARTS) for line in lines)

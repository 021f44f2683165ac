"""Located problems: what went wrong, and where, in a file someone wrote."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from misquiz.core.catalogue import FALLBACK, Explained, format_number, t
from misquiz.core.text import plain

ERROR = "error"
WARNING = "warning"


class Problem(NamedTuple):
    file: str
    line: int | None
    column: int | None
    path: str
    message: str  # in English, as files, JSON outputs and tests read it
    severity: str = ERROR
    said: Explained | None = None  # the same message in any language; None for those that stay English

    def __str__(self) -> str:
        return self._located(f"warning: {self.message}" if self.severity == WARNING else self.message)

    def told(self, lang: str) -> str:
        """The located line with its message in this language (in English where the message has no catalogue
        sentence: a bank's own checks, for the people who write banks). The place keeps the form editors read,
        file:line:column: path: message, in every language."""
        if self.said is None:
            return str(self)
        message = self.said_in(lang)
        return self._located(t(lang, "problem_warning", message=message) if self.severity == WARNING else message, lang)

    def said_in(self, lang: str) -> str:
        """The message alone, in this language where it is a catalogue sentence, else as it is."""
        return self.message if self.said is None else self.said.said(lang)

    def _located(self, message: str, lang: str = FALLBACK) -> str:
        """file:line:column: as editors read it; a path, or a file without a line, set off as the language writes a
        colon (French: "empty.yaml : le fichier est vide", "bad.yaml:1:15: sales-goal-1 : attendu …")."""
        if self.path:
            message = t(lang, "problem_at", where=self.path, what=message)
        if self.line is not None:
            return plain(f"{self.file}:{self.line}:{self.column}: {message}")
        return plain(t(lang, "problem_at", where=self.file, what=message))

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }


def explained(file: str, line: int | None, column: int | None, path: str, said: Explained) -> Problem:
    """A problem whose message is a catalogue sentence: English in `message`, any language by `told`."""
    return Problem(file, line, column, path, str(said), ERROR, said)


class Number(Explained):
    """A number in a message, written as each language writes it (250,000 / 250.000 / 250 000; 1.5 / 1,5)."""

    def __init__(self, value: float, places: int = 0) -> None:
        self.value, self.places = value, places
        super().__init__("")

    def said(self, lang: str) -> str:
        if lang == FALLBACK:  # as CLDR writes it in English, without importing Babel while a bomb is being read
            return f"{self.value:,.{self.places}f}"
        return format_number(self.value, self.places, lang)


class Listed(Explained):
    """Parts of a message one after another, each in the language of the sentence they are in."""

    def __init__(self, parts: Sequence[Explained]) -> None:
        self.parts = list(parts)
        super().__init__("")

    def said(self, lang: str) -> str:
        return ", ".join(part.said(lang) for part in self.parts)


class ProblemsError(Exception):
    """Raised when a file cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

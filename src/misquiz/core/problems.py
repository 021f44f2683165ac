"""Located problems: what went wrong, and where, in a file someone wrote."""

from __future__ import annotations

from typing import NamedTuple

from misquiz.core.text import plain

ERROR = "error"
WARNING = "warning"


class Problem(NamedTuple):
    file: str
    line: int | None
    column: int | None
    path: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.column}"
        message = f"warning: {self.message}" if self.severity == WARNING else self.message
        return plain(f"{where}: {self.path}: {message}" if self.path else f"{where}: {message}")

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }


class ProblemsError(Exception):
    """Raised when a file cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

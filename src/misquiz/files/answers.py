"""Answers files: a YAML or JSON mapping of statement id to 1..5, or null for no opinion."""

from __future__ import annotations

import os
from typing import cast

from misquiz.core.catalogue import Explained
from misquiz.core.model import Bank
from misquiz.core.problems import ProblemsError
from misquiz.files import schema
from misquiz.files.document import ANSWERS_LIMITS, read_document


def read_answers(path: str | os.PathLike[str], bank: Bank) -> dict[str, int | None]:
    """Read and check an answers file against the bank; ProblemsError names every problem."""
    doc = read_document(path, ANSWERS_LIMITS, partial=True)
    problems = schema.check_document(schema.ANSWERS, doc, told=True)
    if isinstance(doc.data, dict):
        known = {s.id for s in bank.statements}
        for key in doc.data:
            # A key that is no id at all was reported by the declaration.
            if key not in known and schema.matches(schema.ID_PATTERN, key):
                said = Explained("file_unknown_statement", id=key[:60])
                problems.append(doc.problem((key,), said, at_key=True))
    if problems:
        raise ProblemsError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return cast(dict[str, int | None], doc.data)

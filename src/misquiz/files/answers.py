"""Answers files: a YAML or JSON mapping of statement id to 1..5, or null for no opinion."""

from __future__ import annotations

import os

from misquiz.core.model import Bank
from misquiz.core.problems import ProblemsError
from misquiz.files.document import ANSWERS_LIMITS, read_document


def read_answers(path: str | os.PathLike[str], bank: Bank) -> dict[str, int | None]:
    doc = read_document(path, ANSWERS_LIMITS)
    if not isinstance(doc.data, dict):
        raise ProblemsError([doc.problem((), "expected a mapping of statement id to an answer (1-5, or null)")])
    known = {s.id for s in bank.statements}
    problems = []
    answers: dict[str, int | None] = {}
    for key, value in doc.data.items():
        if key not in known:
            problems.append(doc.problem((key,), f"unknown statement id '{key[:60]}'", at_key=True))
        elif value is None or (type(value) is int and 1 <= value <= 5):
            answers[key] = value
        else:
            shown = repr(value)[:40]
            problems.append(doc.problem((key,), f"expected 1 to 5, or null for no opinion; found {shown}"))
    if problems:
        raise ProblemsError(problems)
    return answers

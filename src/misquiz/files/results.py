"""Result files: one attempt as JSON, to move from a participant's laptop to a trainer's.

A result file holds everything needed to reproduce the result: the bank's id, version
and content hash, the language, the seed, the order, the answers, and the scores.
Reading one checks every part against the bank; the scores are always recomputed.
"""

from __future__ import annotations

import os
import re
from datetime import datetime

from misquiz.core.model import Bank
from misquiz.core.problems import Problem, ProblemsError
from misquiz.core.scoring import score_attempt
from misquiz.core.text import clean_name
from misquiz.files.document import ANSWERS_LIMITS, Document, read_document
from misquiz.storage.sqlite import StoredAttempt

FORMAT = "misquiz-result"
FORMAT_VERSION = 1
ROUNDS = ("before", "after")
_UID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def result_json(attempt: StoredAttempt, bank: Bank) -> dict[str, object]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "uid": attempt.uid,
        "bank": {"id": attempt.bank_id, "version": attempt.bank_version, "hash": attempt.bank_hash},
        "language": attempt.language,
        "seed": attempt.seed,
        "order": attempt.order,
        "answers": {sid: attempt.answers[sid] for sid in attempt.order if sid in attempt.answers},
        "name": attempt.name,
        "workshop": attempt.workshop,
        "round": attempt.round,
        "started_at": attempt.started_at,
        "finished_at": attempt.finished_at,
        "scores": score_attempt(bank, attempt.answers).as_dict(),
    }


def valid_code(code: str) -> bool:
    return bool(_CODE.match(code))


def read_result_file(path: str | os.PathLike[str], bank: Bank) -> StoredAttempt:
    """Read and check a result file against the bank; ProblemsError names every problem."""
    doc = read_document(path, ANSWERS_LIMITS)
    problems: list[Problem] = []
    data = doc.data
    if not isinstance(data, dict):
        raise ProblemsError([doc.problem((), "expected a misquiz result file (a JSON object)")])
    check = _Checker(doc, problems)
    if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
        raise ProblemsError(
            [doc.problem(("format",), f"not a misquiz result file (expected format '{FORMAT}', version 1)")]
        )
    known = {"format", "format_version", "uid", "bank", "language", "seed", "order", "answers", "name"}
    known |= {"workshop", "round", "started_at", "finished_at", "scores"}
    for key in data:
        if key not in known:
            problems.append(doc.problem((key,), f"unknown key '{str(key)[:40]}'", at_key=True))
    uid = check.text("uid", _UID, "8-64 letters, digits, - or _")
    source = data.get("bank")
    if not isinstance(source, dict) or not all(isinstance(source.get(k), str) for k in ("id", "version", "hash")):
        problems.append(doc.problem(("bank",), "expected the bank's id, version and hash"))
        source = {}
    elif source["hash"] != bank.content_hash:
        problems.append(
            doc.problem(
                ("bank", "hash"),
                f"made with another bank or version ({source['id'][:40]} {source['version'][:20]}); "
                f"this misquiz has {bank.id} {bank.version}",
            )
        )
    language = data.get("language")
    if language not in bank.languages:
        problems.append(doc.problem(("language",), f"expected one of {', '.join(bank.languages)}"))
    seed = data.get("seed")
    if type(seed) is not int or not 0 <= seed < 2**63:
        problems.append(doc.problem(("seed",), "expected a whole number"))
    ids = {s.id for s in bank.statements}
    order = data.get("order")
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(ids) or len(order) != len(ids):
        problems.append(doc.problem(("order",), f"expected each of the bank's {len(ids)} statement ids once"))
    answers = data.get("answers")
    clean: dict[str, int | None] = {}
    if not isinstance(answers, dict):
        problems.append(doc.problem(("answers",), "expected a mapping of statement id to 1-5 or null"))
    else:
        for sid, value in answers.items():
            if sid not in ids:
                problems.append(doc.problem(("answers", sid), f"unknown statement id '{str(sid)[:40]}'", at_key=True))
            elif value is not None and not (type(value) is int and 1 <= value <= 5):
                problems.append(doc.problem(("answers", sid), "expected 1 to 5, or null for no opinion"))
            else:
                clean[sid] = value
    name = data.get("name", "")
    if not isinstance(name, str):
        problems.append(doc.problem(("name",), "expected text"))
        name = ""
    workshop = data.get("workshop")
    if workshop is not None and not (isinstance(workshop, str) and valid_code(workshop)):
        problems.append(doc.problem(("workshop",), "expected a workshop code (letters, digits, - or _) or null"))
    round_ = data.get("round")
    if round_ is not None and round_ not in ROUNDS:
        problems.append(doc.problem(("round",), "expected before, after or null"))
    started = check.moment("started_at", required=True)
    finished = check.moment("finished_at", required=False)
    if finished and isinstance(answers, dict) and len(clean) != len(ids):
        problems.append(doc.problem(("finished_at",), "a finished attempt must answer every statement"))
    if problems or started is None:
        raise ProblemsError(problems)
    scores = score_attempt(bank, clean).as_dict() if finished else None
    return StoredAttempt(
        id=0,
        uid=uid,
        bank_id=source["id"],
        bank_version=source["version"],
        bank_hash=source["hash"],
        language=language,  # type: ignore[arg-type]
        seed=seed,  # type: ignore[arg-type]
        order=list(order),  # type: ignore[arg-type]
        name=clean_name(name),
        workshop=workshop,  # type: ignore[arg-type]
        round=round_,  # type: ignore[arg-type]
        started_at=started,
        finished_at=finished,
        result=scores,
        answers=clean,
    )


class _Checker:
    def __init__(self, doc: Document, problems: list[Problem]) -> None:
        self.doc, self.problems = doc, problems
        self.data: dict[str, object] = doc.data  # type: ignore[assignment]

    def text(self, key: str, pattern: re.Pattern[str], hint: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            self.problems.append(self.doc.problem((key,), f"expected {hint}"))
            return ""
        return value

    def moment(self, key: str, *, required: bool) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        try:
            if not isinstance(value, str) or len(value) > 40:
                raise ValueError
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError
            return moment.isoformat(timespec="seconds")
        except ValueError:
            self.problems.append(self.doc.problem((key,), "expected a date and time with its zone (ISO 8601)"))
            return None

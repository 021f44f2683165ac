"""Result files: one attempt as JSON, to move from a participant's laptop to a trainer's.

A result file holds everything needed to reproduce the result: the bank's id, version
and content hash, the language, the seed, the order, the answers, and the scores.
Reading one checks its shape against the declaration (schema.RESULT), then every part
that needs the bank; the scores are always recomputed.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from misquiz.core.attempt import Attempt
from misquiz.core.catalogue import Explained
from misquiz.core.model import Bank
from misquiz.core.problems import Listed, Number, Problem, ProblemsError
from misquiz.core.room import valid_code as valid_workshop_code
from misquiz.core.scoring import score_attempt
from misquiz.core.text import clean_name, first_control
from misquiz.files import schema
from misquiz.files.document import ANSWERS_LIMITS, Document, read_document, too_long

FORMAT = schema.RESULT_FORMAT
FORMAT_VERSION = schema.RESULT_FORMAT_VERSION
ROUNDS = schema.ROUNDS


def _declared(attempt: Attempt, answers: Any) -> dict[str, Any]:
    """An attempt as a result file declares it, without its scores."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "uid": attempt.uid,
        "bank": {"id": attempt.bank_id, "version": attempt.bank_version, "hash": attempt.bank_hash},
        "language": attempt.language,
        "seed": attempt.seed,
        "order": attempt.order,
        "answers": answers,
        "name": attempt.name,
        "workshop": attempt.workshop,
        "round": attempt.round,
        "started_at": attempt.started_at,
        "finished_at": attempt.finished_at,
    }


def result_json(attempt: Attempt, bank: Bank) -> dict[str, object]:
    answers = {sid: attempt.answers[sid] for sid in attempt.order if sid in attempt.answers}
    return {**_declared(attempt, answers), "scores": score_attempt(bank, attempt.answers).record().as_json()}


def valid_code(code: str) -> bool:
    return valid_workshop_code(code)


def read_result_file(path: str | os.PathLike[str], bank: Bank) -> Attempt:
    """Read and check a result file against the bank; ProblemsError names every problem."""
    doc = read_document(path, ANSWERS_LIMITS, partial=True)  # counted whatever its layout, as a bank is
    data = doc.data
    if isinstance(data, dict) and not _claims_the_format(data):
        # Some other file: one clear sentence, not a problem for each of its keys.
        found = doc.problem(("format",), Explained("result_not_result_file", format=FORMAT, version=FORMAT_VERSION))
        raise ProblemsError([*doc.problems, found])
    problems = schema.check_document(schema.RESULT, doc, told=True)
    if isinstance(data, dict):
        problems += _against_bank(doc, data, bank)
    if problems:
        raise ProblemsError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return _attempt(cast(dict[str, Any], data), bank)  # a mapping: the declaration says so


def check_stored(attempt: Attempt, bank: Bank, where: str) -> list[Problem]:
    """What `misquiz import` would refuse in this attempt, read from another database instead of a file
    (`where` names it), and stored scores that are not the score of its answers: forged or damaged scores
    are refused, never copied. Empty when the attempt may be copied as it is."""
    data = _declared(attempt, attempt.answers)  # every answer as stored, checked as a file's would be
    doc = Document(where, data)
    problems = schema.check_document(schema.RESULT, doc, told=True) + _against_bank(doc, data, bank)
    limit = ANSWERS_LIMITS.max_text
    for key, path in (("bank_version", ("bank", "version")), ("bank_hash", ("bank", "hash")), ("person", ("person",))):
        value = getattr(attempt, key)  # the declaration caps the other texts itself
        if isinstance(value, str) and len(value) > limit:
            problems.append(doc.problem(path, too_long(len(value), limit)))
    if attempt.person is not None and (not isinstance(attempt.person, str) or first_control(attempt.person)):
        problems.append(doc.problem(("person",), Explained("result_not_token")))
    if not problems:
        problems += _stored_scores(doc, attempt, bank)
    # A row has no line or column: the place is the path alone.
    return [p._replace(line=None, column=None) for p in problems]


def _stored_scores(doc: Document, attempt: Attempt, bank: Bank) -> list[Problem]:
    if attempt.finished_at is None:
        if attempt.result is not None:
            return [doc.problem(("result",), Explained("result_unfinished_with_scores"))]
        return []
    if attempt.result is None:
        return [doc.problem(("result",), Explained("result_finished_without_scores"))]
    if attempt.result != score_attempt(bank, attempt.answers).record():
        return [doc.problem(("result",), Explained("result_forged_scores"))]
    return []


def _claims_the_format(data: dict[str, Any]) -> bool:
    version = data.get("format_version")
    return data.get("format") == FORMAT and type(version) is int and version == FORMAT_VERSION


def _against_bank(doc: Document, data: dict[str, Any], bank: Bank) -> list[Problem]:
    """What the declaration cannot know: that the file fits this bank."""
    problems: list[Problem] = []
    source = data.get("bank")
    if (
        isinstance(source, dict)
        and _all_text(source.get(k) for k in ("id", "version", "hash"))
        and source["hash"] != bank.content_hash
    ):
        problems.append(
            doc.problem(
                ("bank", "hash"),
                Explained(
                    "result_other_bank",
                    bank=f"{source['id'][:40]} {source['version'][:20]}",
                    ours=f"{bank.id} {bank.version}",
                ),
            )
        )
    language = data.get("language")
    if schema.matches(schema.LANG_PATTERN, language) and language not in bank.languages:
        said = Explained("result_language", languages=", ".join(bank.languages), language=language)
        problems.append(doc.problem(("language",), said))
    ids = [s.id for s in bank.statements]
    known = set(ids)
    order = data.get("order")
    if isinstance(order, list) and _all_text(order) and (detail := _not_each_once(order, ids)):
        problems.append(doc.problem(("order",), Explained("result_order", n=len(ids), detail=detail)))
    answers = data.get("answers")
    if isinstance(answers, dict):
        for sid in answers:
            if sid not in known and schema.matches(schema.ID_PATTERN, sid):
                said = Explained("file_unknown_statement", id=sid[:40])
                problems.append(doc.problem(("answers", sid), said, at_key=True))
        missing = [sid for sid in ids if sid not in answers]
        if data.get("finished_at") is not None and missing:
            problems.append(doc.problem(("finished_at",), Explained("result_not_all_answered", ids=_few(missing))))
    started, finished = (_in_range(data.get(key)) for key in ("started_at", "finished_at"))
    if started is not None and finished is not None and finished < started:
        problems.append(
            doc.problem(
                ("finished_at",),
                Explained("result_finished_before", finished=data["finished_at"], started=data["started_at"]),
            )
        )
    return problems


def _in_range(value: object) -> datetime | None:
    """A moment the declaration accepts (with its zone, in its span of years); None for one it refuses itself."""
    moment = schema.read_moment(value)
    return moment if moment is not None and schema.EARLIEST_YEAR <= moment.year <= schema.LATEST_YEAR else None


def _all_text(values: Iterable[object]) -> bool:
    return all(isinstance(value, str) for value in values)


def _not_each_once(order: list[str], ids: list[str]) -> Listed | None:
    """What keeps order from holding each id once, in a few words; None if it does."""
    counts, known = Counter(order), set(ids)
    parts = []
    if missing := [sid for sid in ids if sid not in counts]:
        parts.append(Explained("result_order_missing", ids=_few(missing)))
    if unknown := [sid for sid in counts if sid not in known]:
        parts.append(Explained("result_order_unknown", ids=_few(unknown)))
    if twice := [sid for sid, n in counts.items() if n > 1 and sid in known]:
        parts.append(Explained("result_order_twice", ids=_few(twice)))
    return Listed(parts) if parts else None


def _few(ids: list[str]) -> str | Explained:
    """The first three ids, and how many more."""
    shown = ", ".join(f"'{sid[:40]}'" for sid in ids[:3])
    if len(ids) > 3:
        return Explained("result_few_more", ids=shown, n=Number(len(ids) - 3))
    return shown


def _attempt(data: dict[str, Any], bank: Bank) -> Attempt:
    """The attempt in a checked result file."""
    answers: dict[str, int | None] = dict(data["answers"])
    finished = _moment(data.get("finished_at"))
    return Attempt(
        id=0,
        uid=data["uid"],
        bank_id=data["bank"]["id"],
        bank_version=data["bank"]["version"],
        bank_hash=data["bank"]["hash"],
        language=data["language"],
        seed=data["seed"],
        order=list(data["order"]),
        name=clean_name(data.get("name", "")),
        workshop=data.get("workshop"),
        round=data.get("round"),
        started_at=_moment(data["started_at"]) or "",
        finished_at=finished,
        result=score_attempt(bank, answers).record() if finished else None,
        answers=answers,
    )


def _moment(value: object) -> str | None:
    moment = schema.read_moment(value)
    return moment.isoformat(timespec="seconds") if moment else None

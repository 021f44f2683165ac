"""Loading and checking a bank: every problem at once, each with its place."""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from misquiz.core.catalogue import Explained
from misquiz.core.model import Bank, bank_from_data
from misquiz.core.problems import ERROR, WARNING, Problem, ProblemsError
from misquiz.files import schema
from misquiz.files.document import (
    BANK_LIMITS,
    Document,
    KeyPath,
    Limits,
    no_gc,
    read_document,
)
from misquiz.files.paths import shipped_bank_path

# What a bank may hold: the shipped bank has about 1,400 values, so this is room for a bank 70 times its size,
# and the most memory a bank within the limits can take to build is about 70 MB, whatever its layout.
LIMITS = Limits(max_bytes=BANK_LIMITS.max_bytes, max_nodes=100_000, max_text=BANK_LIMITS.max_text)
SHOWN_PROBLEMS = 100  # `misquiz validate` prints at most this many problems, then how many more there are
MAX_STATEMENT_CHARS = 160
EXPLANATION_WORDS = (60, 150)
LENGTH_RATIO = 1.6  # one language's statement this many times longer than another's says something else


_TOKEN = re.compile(r"[\w'’-]+")


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Reversed items phrased as negations are misread by about one answerer in five; hidden
# negations ("without", "hardly") count too. Words are matched whole, case-insensitively.
NEGATIONS = {
    "en": _words("not no never none nobody nothing nowhere neither nor without hardly barely scarcely"),
    "nl": _words("niet geen nooit niemand niets nergens noch zonder nauwelijks weinig amper"),
    "fr": _words("ne pas jamais aucun aucune sans guère rien nullement"),
}
NEGATED_FORMS = {"en": ("n't", "n’t"), "fr": ("n'", "n’")}  # don't, isn't; n'est, n’a
# Absolute words make a statement easy to reject on one exception, whatever one believes.
ABSOLUTES = {
    "en": _words("all always never only every everyone everybody nobody nothing exactly completely entirely totally"),
    "nl": _words(
        "alle alles altijd nooit alleen enkel precies niets iedereen niemand volledig helemaal elke ieder iedere"
    ),
    "fr": _words(
        "tous toutes tout toujours jamais seulement uniquement exactement rien personne entièrement totalement"
    ),
}
# A fact statement hedged with "can" or "might" is one that holders of the myth agree with
# too ("it can pay off, just not for us"), so it no longer tells them apart.
HEDGES = {
    "en": _words("can could may might"),
    "nl": _words("kan kunnen zou zouden misschien mogelijk"),
    "fr": _words("peut peuvent pourrait pourraient peut-être"),
}
# Two claims joined by "and"/"or" ask two questions at once.
JOINERS = {"en": _words("and or"), "nl": _words("en of"), "fr": _words("et ou")}


def _first(words: list[str], wanted: frozenset[str]) -> str | None:
    return next((w for w in words if w in wanted), None)


def negation_in(text: str, lang: str, words: list[str] | None = None) -> str | None:
    """The first negation in a text, hidden ones included, or None."""
    words = _TOKEN.findall(text.lower()) if words is None else words
    found = _first(words, NEGATIONS.get(lang, frozenset()))
    if found is None:
        forms = NEGATED_FORMS.get(lang, ())
        found = next((w for w in words if any(f in w for f in forms)), None)
    return found


def hedge_in(text: str, lang: str, words: list[str] | None = None) -> str | None:
    """The first hedge word ("can", "might") in a text, or None."""
    words = _TOKEN.findall(text.lower()) if words is None else words
    return _first(words, HEDGES.get(lang, frozenset()))


@dataclass
class BankCheck:
    """The outcome of checking a bank file: the bank if it is usable, and what was found."""

    file: str
    bank: Bank | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    myths: int = 0
    statements: int = 0
    languages: list[str] = field(default_factory=list)
    data: object = None  # the checked data, for the quiz's cache

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self, most: int | None = None) -> dict[str, object]:
        """As JSON; with `most`, at most that many problems (errors first) and `more`: how many were left out."""
        errors = self.errors if most is None else self.errors[:most]
        warnings = self.warnings if most is None else self.warnings[: most - len(errors)]
        found: dict[str, object] = {
            "ok": self.ok,
            "myths": self.myths,
            "statements": self.statements,
            "languages": self.languages,
            "errors": [p.as_dict() for p in errors],
            "warnings": [p.as_dict() for p in warnings],
        }
        if most is not None:
            found["more"] = len(self.errors) + len(self.warnings) - len(errors) - len(warnings)
        return found


def check_bank(path: str | os.PathLike[str] | None = None, *, strict: bool = False) -> BankCheck:
    """Check a bank file; never raises for anything wrong with the file itself."""
    with no_gc():
        return _check_bank(path, strict)


def _check_bank(path: str | os.PathLike[str] | None, strict: bool) -> BankCheck:
    path = shipped_bank_path() if path is None else path
    result = BankCheck(os.fspath(path))
    try:
        doc = read_document(path, LIMITS, partial=True)  # counted from the parser's events first
    except ProblemsError as exc:
        result.errors = exc.problems
        return result
    checker = BankChecker(doc)
    checker.run()
    result.errors = doc.problems + checker.errors
    result.warnings = checker.warnings
    if strict:
        result.errors += [Problem(**{**w.as_dict(), "severity": ERROR}) for w in result.warnings]  # type: ignore[arg-type]
        result.warnings = []
    result.errors.sort(key=lambda p: (p.line or 0, p.column or 0))
    result.warnings.sort(key=lambda p: (p.line or 0, p.column or 0))
    data = doc.data if isinstance(doc.data, dict) else {}
    myths: list[Any] = data["myths"] if isinstance(data.get("myths"), list) else []
    result.myths = len(myths)
    result.statements = sum(
        len(m["statements"]) for m in myths if isinstance(m, dict) and isinstance(m.get("statements"), list)
    )
    result.languages = list(checker.languages or ())
    if result.ok:
        result.bank = bank_from_data(doc.data, doc.file)  # type: ignore[arg-type]
        result.data = doc.data
    return result


def load_bank(path: str | os.PathLike[str] | None = None) -> Bank:
    """Load a valid bank or raise ProblemsError with every error in it."""
    result = check_bank(path)
    if result.bank is None:
        raise ProblemsError(result.errors)
    return result.bank


class BankChecker:
    """Checks a bank: its shape against the declaration, then what spans several places (ranges, ids, advice)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.languages = self._languages()

    def error(self, path: KeyPath, message: str | Explained, at_key: bool = False) -> None:
        if self.doc.is_broken(path):
            return  # already reported where it was read
        # A bank's own problems stay English, for the people who write banks (str: no catalogue sentence kept).
        self.errors.append(self.doc.problem(path, str(message), at_key=at_key))

    def warn(self, path: KeyPath, message: str) -> None:
        self.warnings.append(self.doc.problem(path, message, severity=WARNING))

    def _languages(self) -> tuple[str, ...] | None:
        bank = self.doc.data.get("bank") if isinstance(self.doc.data, dict) else None
        langs = bank.get("languages") if isinstance(bank, dict) else None
        if isinstance(langs, list) and langs and all(isinstance(x, str) and x for x in langs):
            return tuple(dict.fromkeys(langs))
        return None

    def run(self) -> None:
        schema.BANK.check(self.doc.data, (), schema.Context(self.doc, self.languages, self.error))
        data = self.doc.data
        if not isinstance(data, dict):
            return
        self._check_bank_header(data.get("bank"))
        self._check_scale(data.get("scale"))
        band_ids = self._check_ranges(data.get("bands"), "bands", "myth score")
        self._check_ranges(data.get("profiles"), "profiles", "mean score")
        self._check_myths(data.get("myths"), band_ids)

    def _check_bank_header(self, bank: object) -> None:
        if not isinstance(bank, dict):
            return
        langs = bank.get("languages")
        if isinstance(langs, list):
            for i, dup in _duplicates(langs):
                self.error(("bank", "languages", i), f"language '{dup}' is listed twice")
        default = bank.get("default_language")
        if self.languages and isinstance(default, str) and default not in self.languages:
            self.error(("bank", "default_language"), f"'{default}' is not one of the bank's languages")

    def _check_scale(self, scale: object) -> None:
        options = scale.get("options") if isinstance(scale, dict) else None
        if not isinstance(options, list):
            return
        values = [o.get("value") for o in options if isinstance(o, dict)]
        for i, dup in _duplicates(values):
            self.error(("scale", "options", i, "value"), f"the value {dup} appears twice")

    def _check_ranges(self, ranges: object, key: str, what: str) -> set[str]:
        if not isinstance(ranges, list):
            return set()
        ids = [r.get("id") for r in ranges if isinstance(r, dict)]
        for i, dup in _duplicates(ids):
            self.error((key, i, "id"), f"duplicate id '{dup}'")
        bounds = [
            (i, r["min"], r["max"])
            for i, r in enumerate(ranges)
            if isinstance(r, dict) and _is_num(r.get("min")) and _is_num(r.get("max"))
        ]
        if not bounds or len(bounds) != len(ranges):
            return {x for x in ids if isinstance(x, str)}  # an empty list is reported by the schema
        bounds.sort(key=lambda b: b[1])
        if [b[0] for b in bounds] != list(range(len(bounds))):
            self.error((key,), f"list the {key} from the lowest {what} to the highest")
        for i, low, high in bounds:
            if low >= high:
                self.error((key, i, "max"), f"max ({high:g}) must be above min ({low:g})")
        first, last = bounds[0], bounds[-1]
        if first[1] != 0:
            self.error((key, first[0], "min"), f"the lowest range must start at 0, not {first[1]:g}")
        if last[2] != 100:
            self.error((key, last[0], "max"), f"the highest range must end at 100, not {last[2]:g}")
        for (_, _, prev_high), (i, low, _) in pairwise(bounds):
            if low > prev_high:
                self.error((key, i, "min"), f"gap: no range holds a {what} between {prev_high:g} and {low:g}")
            elif low < prev_high:
                self.error((key, i, "min"), f"overlap: {what}s from {low:g} to {prev_high:g} fall in two ranges")
        return {x for x in ids if isinstance(x, str)}

    def _check_myths(self, myths: object, band_ids: set[str]) -> None:
        if not isinstance(myths, list):
            return
        seen_statements: dict[str, KeyPath] = {}
        for i, dup in _duplicates([m.get("id") for m in myths if isinstance(m, dict)]):
            self.error(("myths", i, "id"), f"duplicate myth id '{dup}'")
        for i, myth in enumerate(myths):
            if not isinstance(myth, dict):
                continue
            self._check_explanation(myth.get("explanation"), ("myths", i, "explanation"))
            advice = myth.get("advice")
            if isinstance(advice, dict) and band_ids:
                for band in sorted(band_ids - set(advice)):
                    self.error(("myths", i, "advice"), f"missing advice for the band '{band}'")
                for band in advice:
                    if band not in band_ids:
                        self.error(("myths", i, "advice", band), f"'{band}' is not a band id", True)
            statements = myth.get("statements")
            if not isinstance(statements, list):
                continue
            keyings: Counter[str] = Counter()
            for j, st in enumerate(statements):
                if not isinstance(st, dict):
                    continue
                path: KeyPath = ("myths", i, "statements", j)
                sid = st.get("id")
                if isinstance(sid, str):
                    if sid in seen_statements:
                        first = self.doc.mark_of(seen_statements[sid])
                        self.error((*path, "id"), f"duplicate statement id '{sid}' (first at line {first[0]})")
                    else:
                        seen_statements[sid] = (*path, "id")
                if st.get("keyed") in ("myth", "fact"):
                    keyings[st["keyed"]] += 1
                self._lint_statement(st, path)
            if len(keyings) == 1 and sum(keyings.values()) == len(statements):
                missing = "fact" if "myth" in keyings else "myth"
                self.error(("myths", i, "statements"), f"needs at least one statement with keyed: {missing}")
            elif len(keyings) == 2 and abs(keyings["myth"] - keyings["fact"]) > sum(keyings.values()) % 2:
                self.warn(
                    ("myths", i, "statements"),
                    f"keying is {keyings['myth']} myth : {keyings['fact']} fact; balance it (2:2 for four statements), "
                    "or agreeing with everything decides the result",
                )

    def _check_explanation(self, text: object, path: KeyPath) -> None:
        if not isinstance(text, dict):
            return
        low, high = EXPLANATION_WORDS
        for lang, value in text.items():
            if isinstance(value, str) and value.strip():
                words = len(value.split())
                if not low <= words <= high:
                    self.warn((*path, lang), f"{words} words; aim for {low}-{high}")

    def _lint_statement(self, st: dict[str, object], path: KeyPath) -> None:
        text = st.get("text")
        if not isinstance(text, dict):
            return
        lengths: dict[str, int] = {}
        for lang, value in text.items():
            if not isinstance(value, str):
                continue
            where = (*path, "text", lang)
            lengths[lang] = len(value)
            if len(value) > MAX_STATEMENT_CHARS:
                self.warn(where, f"{len(value)} characters; keep statements under {MAX_STATEMENT_CHARS}")
            if lang not in NEGATIONS:
                continue
            words = _TOKEN.findall(value.lower())
            if st.get("keyed") == "fact" and (found := negation_in(value, lang, words)):
                self.warn(where, f"a fact statement with the negation '{found}'; say the sound view in positive words")
            if st.get("keyed") == "fact" and (found := hedge_in(value, lang, words)):
                hint = "state the sound view plainly, or holders of the myth agree too"
                self.warn(where, f"a fact statement hedged with '{found}'; {hint}")
            if found := _first(words, ABSOLUTES[lang]):
                self.warn(where, f"the absolute word '{found}': one exception makes people disagree")
            if found := _first(words, JOINERS[lang]):
                self.warn(where, f"'{found}' may join two claims in one statement; ask one thing at a time")
        if len(lengths) > 1:
            (short, low), (long, high) = (
                min(lengths.items(), key=lambda x: x[1]),
                max(lengths.items(), key=lambda x: x[1]),
            )
            if high > LENGTH_RATIO * max(low, 1):
                self.warn(
                    (*path, "text"),
                    f"the {long} text is {high / max(low, 1):.1f} times as long as the {short} text; "
                    "do they say the same thing?",
                )


def _is_num(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _duplicates(values: list[object]) -> list[tuple[int, object]]:
    seen: set[object] = set()
    found: list[tuple[int, object]] = []
    for i, value in enumerate(values):
        if isinstance(value, str | int) and not isinstance(value, bool):
            if value in seen:
                found.append((i, value))
            seen.add(value)
    return found

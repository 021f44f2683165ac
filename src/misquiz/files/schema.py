"""The shape of every file people write, declared once: banks, answers files, result files.

The same declaration checks a file (every problem, located) and produces the JSON
Schema that editors and other tools use, so the two can never disagree. What needs
more than the file itself (the bank a result was made with, say) is checked by the
file's reader after the declaration.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from misquiz.core.attempt import EARLIEST_YEAR, LATEST_YEAR
from misquiz.core.catalogue import Explained
from misquiz.core.problems import Problem
from misquiz.core.room import CODE_PATTERN as ROOM_CODE_PATTERN
from misquiz.core.text import first_control
from misquiz.files.document import Document, KeyPath

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
LANG_PATTERN = r"^[a-z]{2,3}$"
UID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
CODE_PATTERN = ROOM_CODE_PATTERN
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
COLORS = ("green", "yellow", "red", "blue", "cyan", "magenta", "orange", "grey")
RESULT_FORMAT = "misquiz-result"
RESULT_FORMAT_VERSION = 1
ROUNDS = ("before", "after")
SHOWN = 40  # untrusted text is cut to this many characters in a message


@dataclass
class Context:
    doc: Document
    languages: tuple[str, ...] | None
    report_at: Callable[[KeyPath, str | Explained, bool], None]

    def report(self, path: KeyPath, message: str | Explained, at_key: bool = False) -> None:
        self.report_at(path, message, at_key)

    def at_keys(self) -> Context:
        """The same context, reporting at the key rather than at the value (for checks of keys)."""
        return Context(self.doc, self.languages, lambda path, message, _at_key: self.report_at(path, message, True))


def check_document(
    spec: Spec, doc: Document, languages: tuple[str, ...] | None = None, *, told: bool = False
) -> list[Problem]:
    """Every problem in a document: those found while reading it, then those against the declaration.

    With told=True (an answers file, a result file: what anyone may hand in) the declaration's problems can be
    told in the person's language; without it (a bank) they stay English, for the people who write banks."""
    problems = list(doc.problems)

    def report(path: KeyPath, message: str | Explained, at_key: bool) -> None:
        if not doc.is_broken(path):  # already reported where it was read
            problems.append(doc.problem(path, message if told else str(message), at_key=at_key))

    spec.check(doc.data, (), Context(doc, languages, report))
    return problems


def matches(pattern: str, value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


class Spec:
    description = ""

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        raise NotImplementedError

    def json_schema(self) -> dict[str, object]:
        raise NotImplementedError

    def _with_description(self, schema: dict[str, object]) -> dict[str, object]:
        return {"description": self.description, **schema} if self.description else schema


def _kind(value: object) -> Explained:
    """What a value is, in a few words of each language (English by str())."""
    if value is None:
        return Explained("schema_kind_nothing")
    if isinstance(value, bool):
        return Explained("schema_kind_bool")
    if isinstance(value, int | float):
        return Explained("schema_kind_number")
    if isinstance(value, str):
        return Explained("schema_kind_text")
    if isinstance(value, list):
        return Explained("schema_kind_list")
    return Explained("schema_kind_mapping")


def _show(value: object) -> str | Explained:
    """A value for a message: text quoted and cut short, anything else by its kind."""
    return f"'{value[:SHOWN]}'" if isinstance(value, str) else _kind(value)


def _literal(value: object) -> str | Explained:
    """A scalar as written in Python terms (7, True, 'x'), cut short; a list or mapping by its kind."""
    if value is None or isinstance(value, bool | int | float | str):
        shown = repr(value)
        return shown if len(shown) <= SHOWN else shown[: SHOWN - 3] + "..."
    return _kind(value)


@dataclass
class Str(Spec):
    """Text that is not empty, without control characters, perhaps of a set form."""

    description: str = ""
    pattern: str | None = None
    hint: str | Explained = ""

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not isinstance(value, str):
            ctx.report(path, Explained("schema_expected_text", kind=_kind(value)))
        elif not value.strip():
            ctx.report(path, Explained("schema_empty"))
        elif control := first_control(value):
            ctx.report(path, Explained("schema_control", control=control))
        elif self.pattern and not re.fullmatch(self.pattern, value):
            ctx.report(path, Explained("schema_not_valid", value=value[:SHOWN], hint=self.hint))

    def json_schema(self) -> dict[str, object]:
        schema: dict[str, object] = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = self.pattern
        return self._with_description(schema)


@dataclass
class FreeText(Spec):
    """Text as a person typed it: it may be empty, and is made harmless where it is shown."""

    description: str = ""
    max_length: int = 1000

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not isinstance(value, str):
            ctx.report(path, Explained("schema_expected_text", kind=_kind(value)))
        elif len(value) > self.max_length:
            ctx.report(path, Explained("schema_too_long", length=len(value), limit=self.max_length))

    def json_schema(self) -> dict[str, object]:
        return self._with_description({"type": "string", "maxLength": self.max_length})


@dataclass
class Num(Spec):
    description: str = ""
    minimum: float = 0
    maximum: float = 100

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            ctx.report(path, f"expected a number, found {_kind(value)}")
        elif not self.minimum <= value <= self.maximum:
            ctx.report(path, f"{_literal(value)} is out of range ({self.minimum:g} to {self.maximum:g})")

    def json_schema(self) -> dict[str, object]:
        return self._with_description({"type": "number", "minimum": self.minimum, "maximum": self.maximum})


@dataclass
class Int(Spec):
    """A whole number within bounds (both included)."""

    description: str = ""
    minimum: int = 0
    maximum: int = 100

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            ctx.report(path, Explained("schema_expected_whole", kind=_kind(value)))
        elif not self.minimum <= value <= self.maximum:
            said = Explained("schema_out_of_range", value=_literal(value), low=self.minimum, high=self.maximum)
            ctx.report(path, said)

    def json_schema(self) -> dict[str, object]:
        return self._with_description({"type": "integer", "minimum": self.minimum, "maximum": self.maximum})


@dataclass
class Choice(Spec):
    """One of a few texts or numbers, compared with their type (true is not 1)."""

    values: tuple[str | int, ...]
    description: str = ""

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not any(type(value) is type(v) and value == v for v in self.values):
            wanted = ", ".join(map(str, self.values))
            key = "schema_expected_one_of" if len(self.values) > 1 else "schema_expected_this"
            ctx.report(path, Explained(key, wanted=wanted, value=_show(value)))

    def json_schema(self) -> dict[str, object]:
        if len(self.values) == 1:
            return self._with_description({"const": self.values[0]})
        return self._with_description({"enum": list(self.values)})


@dataclass
class Date(Spec):
    """A calendar date written YYYY-MM-DD (a YAML date is kept as the text written)."""

    description: str = ""

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not isinstance(value, str):
            ctx.report(path, f"expected a date (YYYY-MM-DD), found {_kind(value)}")
            return
        try:
            if not re.fullmatch(DATE_PATTERN, value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            ctx.report(path, f"expected a date (YYYY-MM-DD), found {_show(value)}")

    def json_schema(self) -> dict[str, object]:
        return self._with_description({"type": "string", "format": "date", "pattern": DATE_PATTERN})


def read_moment(value: object) -> datetime | None:
    """An ISO 8601 date and time with its zone, or None."""
    if not isinstance(value, str) or len(value) > SHOWN:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass
class Moment(Spec):
    """A date and time with its zone (ISO 8601), in a span of years that every later step can handle."""

    description: str = ""
    earliest: int = EARLIEST_YEAR
    latest: int = LATEST_YEAR

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        moment = read_moment(value)
        if moment is None:
            ctx.report(path, Explained("schema_expected_moment", value=_show(value)))
        elif not self.earliest <= moment.year <= self.latest:
            said = Explained("schema_moment_years", earliest=self.earliest, latest=self.latest, year=moment.year)
            ctx.report(path, said)

    def json_schema(self) -> dict[str, object]:
        return self._with_description({"type": "string", "format": "date-time", "maxLength": SHOWN})


@dataclass
class Nullable(Spec):
    """The spec's value, or null. With a hint, any problem is one message: expected <hint>; found <value>."""

    spec: Spec
    hint: str | Explained = ""
    description: str = ""

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if value is None:
            return
        if not self.hint:
            self.spec.check(value, path, ctx)
            return
        found: list[str] = []
        self.spec.check(value, path, Context(ctx.doc, ctx.languages, lambda *problem: found.append(problem[1])))
        if found:
            ctx.report(path, Explained("schema_expected_hint", hint=self.hint, value=_literal(value)))

    def json_schema(self) -> dict[str, object]:
        return self._with_description({"anyOf": [self.spec.json_schema(), {"type": "null"}]})


@dataclass
class Anything(Spec):
    """Any value: kept for people, ignored by misquiz (such as scores, which are always recomputed)."""

    description: str = ""

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        pass

    def json_schema(self) -> dict[str, object]:
        return self._with_description({})


@dataclass
class LocalizedText(Spec):
    """One text in every declared language: {nl: ..., en: ...}."""

    description: str = ""

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, f"expected a text per language ({{nl: ..., en: ...}}), found {_kind(value)}")
            return
        languages = ctx.languages
        for lang, text in value.items():
            if languages is not None and lang not in languages:
                shown = lang[:SHOWN]
                ctx.report(
                    (*path, lang), f"unknown language '{shown}' (the bank declares {', '.join(languages)})", True
                )
            elif not isinstance(text, str):
                ctx.report((*path, lang), f"expected text, found {_kind(text)}")
            elif not text.strip():
                ctx.report((*path, lang), "empty text")
            elif control := first_control(text):
                ctx.report((*path, lang), f"contains a control character ({control})")
        for lang in languages or ():
            if lang not in value:
                ctx.report(path, f"missing the '{lang}' text")

    def json_schema(self) -> dict[str, object]:
        return self._with_description(
            {
                "type": "object",
                "propertyNames": {"pattern": LANG_PATTERN},
                "additionalProperties": {"type": "string", "minLength": 1},
                "minProperties": 1,
            }
        )


@dataclass
class ListOf(Spec):
    item: Spec
    description: str = ""
    min_items: int = 0
    max_items: int | None = None

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not isinstance(value, list):
            ctx.report(path, Explained("schema_expected_list", kind=_kind(value)))
            return
        if len(value) < self.min_items:
            ctx.report(path, f"needs at least {self.min_items} item{'s' * (self.min_items != 1)}, found {len(value)}")
        if self.max_items is not None and len(value) > self.max_items:
            ctx.report(path, f"allows at most {self.max_items} items, found {len(value)}")
        for i, item in enumerate(value):
            self.item.check(item, (*path, i), ctx)

    def json_schema(self) -> dict[str, object]:
        schema: dict[str, object] = {"type": "array", "items": self.item.json_schema(), "minItems": self.min_items}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        return self._with_description(schema)


@dataclass
class MapOf(Spec):
    """A mapping from ids (such as band ids) to values.

    Without a keys spec the keys are checked elsewhere (against the bands, say);
    with one, each key is checked by it and a problem is reported at the key.
    """

    value: Spec
    description: str = ""
    keys: Spec | None = None
    what: str | Explained = "a mapping"

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, Explained("schema_expected_what", what=self.what, kind=_kind(value)))
            return
        key_ctx = ctx.at_keys() if self.keys is not None else ctx
        for key, item in value.items():
            if self.keys is not None:
                self.keys.check(key, (*path, key), key_ctx)
            self.value.check(item, (*path, key), ctx)

    def json_schema(self) -> dict[str, object]:
        return self._with_description(
            {
                "type": "object",
                "propertyNames": self.keys.json_schema() if self.keys is not None else {"pattern": ID_PATTERN},
                "additionalProperties": self.value.json_schema(),
            }
        )


@dataclass
class Obj(Spec):
    fields: dict[str, Spec]
    description: str = ""
    optional: frozenset[str] = field(default_factory=frozenset)
    what: str | Explained = "a mapping"

    def check(self, value: object, path: KeyPath, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, Explained("schema_expected_what", what=self.what, kind=_kind(value)))
            return
        for key in value:
            if key not in self.fields:
                ctx.report((*path, key), _unknown_key(key[:SHOWN], self.fields), True)
        for key, spec in self.fields.items():
            if key in value:
                spec.check(value[key], (*path, key), ctx)
            elif key not in self.optional:
                ctx.report(path, Explained("schema_missing_key", name=key))

    def json_schema(self) -> dict[str, object]:
        return self._with_description(
            {
                "type": "object",
                "properties": {key: spec.json_schema() for key, spec in self.fields.items()},
                "required": [key for key in self.fields if key not in self.optional],
                "additionalProperties": False,
            }
        )


def _unknown_key(key: str, known: dict[str, Spec]) -> Explained:
    import difflib

    close = difflib.get_close_matches(key[:100], list(known), n=1)
    if close:
        return Explained("schema_unknown_key_close", name=key, close=close[0])
    return Explained("schema_unknown_key", name=key, keys=", ".join(known))


def _id(what: str) -> Str:
    return Str(
        f"Identifier of the {what}: lower case letters, digits, - and _.", ID_PATTERN, Explained("schema_hint_id")
    )


def _range(what: str) -> dict[str, Spec]:
    return {
        "min": Num(f"Lowest {what} in this range (0-100)."),
        "max": Num(f"Highest {what} in this range (0-100), included."),
    }


# Banks ---------------------------------------------------------------------------------

STATEMENT = Obj(
    {
        "id": _id("statement, unique in the bank"),
        "keyed": Choice(
            ("myth", "fact"),
            "myth: agreeing expresses the misconception. fact: agreeing expresses the sound view "
            "(write it in positive words, without a negation).",
        ),
        "text": LocalizedText("The statement the person rates."),
    },
    "One statement to rate from 1 (strongly disagree) to 5 (strongly agree).",
)

MYTH = Obj(
    {
        "id": _id("misconception"),
        "title": LocalizedText("The misconception in a few words."),
        "explanation": LocalizedText("Why it is a misconception (about 60-150 words)."),
        "statements": ListOf(STATEMENT, "At least three, with both keyings.", min_items=3),
        "advice": MapOf(LocalizedText(), "Advice for each band id, for someone whose score falls in that band."),
        "actions": ListOf(
            LocalizedText(), "Two or three concrete things to start this month.", min_items=2, max_items=3
        ),
    },
    "One misconception.",
)

SOURCE = Obj(
    {
        "title": Str("The article's title."),
        "publisher": Str("Who published the article."),
        "date": Date("When the article was published, as YYYY-MM-DD."),
        "language": Str("The article's language code, such as nl.", LANG_PATTERN, "use a two- or three-letter code"),
    },
    "The article the bank is written from.",
)

BANK = Obj(
    {
        "bank": Obj(
            {
                "id": _id("bank"),
                "version": Str('Version of the bank\'s content, such as "1.0.0".'),
                "languages": ListOf(
                    Str("A language code such as nl or en.", LANG_PATTERN, "use a two- or three-letter code"),
                    "Every text must exist in each of these languages.",
                    min_items=1,
                ),
                "default_language": Str("The language used when none is chosen.", LANG_PATTERN, "use a language code"),
                "minutes": Int("About how many minutes the quiz takes.", 1, 120),
                "title": LocalizedText("The bank's title."),
                "intro": LocalizedText("A short introduction shown on the welcome screen."),
                "source": SOURCE,
            },
            "What the bank is.",
            optional=frozenset({"minutes", "source"}),
        ),
        "scale": Obj(
            {
                "options": ListOf(
                    Obj({"value": Int("1 to 5.", 1, 5), "label": LocalizedText("Label of this answer.")}),
                    "The five answers, 1 = strongly disagree to 5 = strongly agree.",
                    min_items=5,
                    max_items=5,
                ),
                "no_opinion": Obj({"label": LocalizedText("Label of the no-opinion choice.")}),
            },
            "The answer scale.",
        ),
        "bands": ListOf(
            Obj(
                {
                    "id": _id("band"),
                    **_range("myth score"),
                    "color": Choice(COLORS, "Colour used to show this band."),
                    "label": LocalizedText("The band's verdict as a word or two."),
                    "summary": LocalizedText("One sentence for a myth in this band."),
                },
                optional=frozenset({"color"}),
            ),
            "How a myth score maps to a verdict, lowest first. A band holds the scores above its min, "
            "up to and including its max; the first also holds its min. Together they cover 0-100.",
            min_items=2,
        ),
        "profiles": ListOf(
            Obj({"id": _id("profile"), **_range("mean score"), "title": LocalizedText(), "text": LocalizedText()}),
            "The overall verdict, by the mean of the myth scores; same range rule as the bands.",
            min_items=1,
        ),
        "undecided": Obj(
            {"title": LocalizedText("The verdict in a few words."), "text": LocalizedText("What it means.")},
            "The overall verdict for someone who answered every statement neutral, instead of a profile.",
        ),
        "unclear": Obj(
            {"title": LocalizedText("The verdict in a few words."), "text": LocalizedText("Why, and what to do.")},
            "The overall verdict for answers that cannot tell myth from fact (agreeing or disagreeing with "
            "nearly everything, or mixed signals in many myths), instead of a profile.",
        ),
        "myths": ListOf(MYTH, "The misconceptions, in the order they are presented.", min_items=1),
    },
    "A misquiz bank: every text a person reads, in each declared language.",
    optional=frozenset({"undecided", "unclear"}),
)

# Answers files and result files ---------------------------------------------------------

STATEMENT_ID = Str("A statement id from the bank.", ID_PATTERN, Explained("schema_hint_statement_id"))
ANSWER = Nullable(
    Int("1 = strongly disagree to 5 = strongly agree.", 1, 5),
    Explained("schema_hint_answer"),
    "1 (strongly disagree) to 5 (strongly agree), or null for no opinion.",
)

ANSWERS = MapOf(
    ANSWER,
    "Answers to a bank's statements: statement id to 1-5, or null for no opinion. Unanswered ids are left out.",
    keys=STATEMENT_ID,
    what=Explained("schema_what_answers"),
)

RESULT = Obj(
    {
        "format": Choice((RESULT_FORMAT,), "What this file is."),
        "format_version": Choice((RESULT_FORMAT_VERSION,), "The version of this format."),
        "uid": Str("The attempt's unique id: 8-64 letters, digits, - or _.", UID_PATTERN, Explained("schema_hint_uid")),
        "bank": Obj(
            {
                "id": _id("bank"),
                "version": Str("The bank's version."),
                "hash": Str("The bank's content hash."),
            },
            "The bank the attempt was made with.",
            what=Explained("schema_what_bank"),
        ),
        "language": Str("The language the statements were shown in.", LANG_PATTERN, Explained("schema_hint_language")),
        "seed": Int("The seed that shuffled the statements.", 0, 2**63 - 1),
        "order": ListOf(STATEMENT_ID, "The order the statements were shown in: each of the bank's ids once."),
        "answers": MapOf(
            ANSWER,
            "Statement id to 1-5, or null for no opinion; unanswered ids are left out.",
            keys=STATEMENT_ID,
            what=Explained("schema_what_result_answers"),
        ),
        "name": FreeText("The participant's name as typed; may be empty.", 1000),
        "workshop": Nullable(
            Str("A workshop code.", CODE_PATTERN, Explained("schema_hint_code")),
            Explained("schema_hint_workshop"),
            "The workshop the attempt belongs to, or null.",
        ),
        "round": Nullable(Choice(ROUNDS), Explained("schema_hint_round"), "Before or after the workshop, or null."),
        "started_at": Moment("When the attempt started."),
        "finished_at": Nullable(Moment(), description="When the attempt finished; null while it is not finished."),
        "scores": Anything("The scores when the file was written; ignored when read, as they are recomputed."),
    },
    "A misquiz result file: one attempt, to move from a participant's laptop to a trainer's.",
    optional=frozenset({"name", "workshop", "round", "finished_at", "scores"}),
    what=Explained("schema_what_result"),
)


def _schema_document(spec: Spec, name: str, title: str) -> dict[str, object]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://misquiz.invalid/{name}.schema.json",
        "title": title,
        **spec.json_schema(),
    }


def json_schema() -> dict[str, object]:
    """The bank's JSON Schema, as shipped in data/misconceptions.schema.json."""
    return _schema_document(BANK, "misconceptions", "misquiz bank")


def answers_json_schema() -> dict[str, object]:
    return _schema_document(ANSWERS, "answers", "misquiz answers file")


def result_json_schema() -> dict[str, object]:
    return _schema_document(RESULT, "result", "misquiz result file")

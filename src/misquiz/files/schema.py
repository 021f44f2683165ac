"""The shape of a bank, declared once.

The same declaration checks a bank (every problem, located) and produces the JSON
Schema that editors use for completion, so the two can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from misquiz.core.text import first_control
from misquiz.files.document import Document, Path

Report = Callable[[Path, str], None]
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
LANG_PATTERN = r"^[a-z]{2,3}$"
COLORS = ("green", "yellow", "red", "blue", "cyan", "magenta", "orange", "grey")


@dataclass
class Context:
    doc: Document
    languages: tuple[str, ...] | None
    report_at: Callable[[Path, str, bool], None]

    def report(self, path: Path, message: str, at_key: bool = False) -> None:
        self.report_at(path, message, at_key)


class Spec:
    description = ""

    def check(self, value: object, path: Path, ctx: Context) -> None:
        raise NotImplementedError

    def json_schema(self) -> dict[str, object]:
        raise NotImplementedError

    def _with_description(self, schema: dict[str, object]) -> dict[str, object]:
        return {"description": self.description, **schema} if self.description else schema


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


@dataclass
class Str(Spec):
    description: str = ""
    pattern: str | None = None
    hint: str = ""

    def check(self, value: object, path: Path, ctx: Context) -> None:
        if not isinstance(value, str):
            ctx.report(path, f"expected text, found {_kind(value)}")
        elif not value.strip():
            ctx.report(path, "must not be empty")
        elif control := first_control(value):
            ctx.report(path, f"contains a control character ({control})")
        elif self.pattern and not re.match(self.pattern, value):
            ctx.report(path, f"'{value[:40]}' is not valid: {self.hint}")

    def json_schema(self) -> dict[str, object]:
        schema: dict[str, object] = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = self.pattern
        return self._with_description(schema)


@dataclass
class Num(Spec):
    description: str = ""
    minimum: float = 0
    maximum: float = 100
    integer: bool = False

    def check(self, value: object, path: Path, ctx: Context) -> None:
        wanted = "a whole number" if self.integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float) or (self.integer and isinstance(value, float)):
            ctx.report(path, f"expected {wanted}, found {_kind(value)}")
        elif not self.minimum <= value <= self.maximum:
            ctx.report(path, f"{value} is out of range ({self.minimum:g} to {self.maximum:g})")

    def json_schema(self) -> dict[str, object]:
        return self._with_description(
            {"type": "integer" if self.integer else "number", "minimum": self.minimum, "maximum": self.maximum}
        )


@dataclass
class Choice(Spec):
    values: tuple[str, ...]
    description: str = ""

    def check(self, value: object, path: Path, ctx: Context) -> None:
        if value not in self.values:
            ctx.report(path, f"expected one of {', '.join(self.values)}, found {_show(value)}")

    def json_schema(self) -> dict[str, object]:
        return self._with_description({"enum": list(self.values)})


@dataclass
class Text(Spec):
    """One text in every declared language: {nl: ..., en: ...}."""

    description: str = ""

    def check(self, value: object, path: Path, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, f"expected a text per language ({{nl: ..., en: ...}}), found {_kind(value)}")
            return
        languages = ctx.languages
        for lang, text in value.items():
            if languages is not None and lang not in languages:
                ctx.report((*path, lang), f"unknown language '{lang}' (the bank declares {', '.join(languages)})", True)
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

    def check(self, value: object, path: Path, ctx: Context) -> None:
        if not isinstance(value, list):
            ctx.report(path, f"expected a list, found {_kind(value)}")
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
    """A mapping from ids (such as band ids) to values; which keys are needed is checked elsewhere."""

    value: Spec
    description: str = ""

    def check(self, value: object, path: Path, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, f"expected a mapping, found {_kind(value)}")
            return
        for key, item in value.items():
            self.value.check(item, (*path, key), ctx)

    def json_schema(self) -> dict[str, object]:
        return self._with_description(
            {
                "type": "object",
                "propertyNames": {"pattern": ID_PATTERN},
                "additionalProperties": self.value.json_schema(),
            }
        )


@dataclass
class Obj(Spec):
    fields: dict[str, Spec]
    description: str = ""
    optional: frozenset[str] = field(default_factory=frozenset)

    def check(self, value: object, path: Path, ctx: Context) -> None:
        if not isinstance(value, dict):
            ctx.report(path, f"expected a mapping, found {_kind(value)}")
            return
        for key in value:
            if key not in self.fields:
                ctx.report((*path, key), f"unknown key '{key}'{_suggest(key, self.fields)}", True)
        for key, spec in self.fields.items():
            if key in value:
                spec.check(value[key], (*path, key), ctx)
            elif key not in self.optional:
                ctx.report(path, f"missing key '{key}'")

    def json_schema(self) -> dict[str, object]:
        return self._with_description(
            {
                "type": "object",
                "properties": {key: spec.json_schema() for key, spec in self.fields.items()},
                "required": [key for key in self.fields if key not in self.optional],
                "additionalProperties": False,
            }
        )


def _show(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else _kind(value)


def _suggest(key: str, known: dict[str, Spec]) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(known)})"


def _id(what: str) -> Str:
    return Str(f"Identifier of the {what}: lower case letters, digits, - and _.", ID_PATTERN, "use a-z, 0-9, - and _")


def _range(what: str) -> dict[str, Spec]:
    return {
        "min": Num(f"Lowest {what} in this range (0-100)."),
        "max": Num(f"Highest {what} in this range (0-100), included."),
    }


STATEMENT = Obj(
    {
        "id": _id("statement, unique in the bank"),
        "keyed": Choice(
            ("myth", "fact"),
            "myth: agreeing expresses the misconception. fact: agreeing expresses the sound view "
            "(write it in positive words, without a negation).",
        ),
        "text": Text("The statement the person rates."),
    },
    "One statement to rate from 1 (strongly disagree) to 5 (strongly agree).",
)

MYTH = Obj(
    {
        "id": _id("misconception"),
        "title": Text("The misconception in a few words."),
        "explanation": Text("Why it is a misconception (about 60-150 words)."),
        "statements": ListOf(STATEMENT, "At least three, with both keyings.", min_items=3),
        "advice": MapOf(Text(), "Advice for each band id, for someone whose score falls in that band."),
        "actions": ListOf(Text(), "Two or three concrete things to start this month.", min_items=2, max_items=3),
    },
    "One misconception.",
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
                "minutes": Num("About how many minutes the quiz takes.", 1, 120, integer=True),
                "title": Text("The bank's title."),
                "intro": Text("A short introduction shown on the welcome screen."),
            },
            "What the bank is.",
            optional=frozenset({"minutes"}),
        ),
        "scale": Obj(
            {
                "options": ListOf(
                    Obj({"value": Num("1 to 5.", 1, 5, integer=True), "label": Text("Label of this answer.")}),
                    "The five answers, 1 = strongly disagree to 5 = strongly agree.",
                    min_items=5,
                    max_items=5,
                ),
                "no_opinion": Obj({"label": Text("Label of the no-opinion choice.")}),
            },
            "The answer scale.",
        ),
        "bands": ListOf(
            Obj(
                {
                    "id": _id("band"),
                    **_range("myth score"),
                    "color": Choice(COLORS, "Colour used to show this band."),
                    "label": Text("The band's verdict as a word or two."),
                    "summary": Text("One sentence for a myth in this band."),
                },
                optional=frozenset({"color"}),
            ),
            "How a myth score maps to a verdict, lowest first. A band holds the scores above its min, "
            "up to and including its max; the first also holds its min. Together they cover 0-100.",
            min_items=2,
        ),
        "profiles": ListOf(
            Obj({"id": _id("profile"), **_range("mean score"), "title": Text(), "text": Text()}),
            "The overall verdict, by the mean of the myth scores; same range rule as the bands.",
            min_items=1,
        ),
        "myths": ListOf(MYTH, "The misconceptions, in the order they are presented.", min_items=1),
    },
    "A misquiz bank: every text a person reads, in each declared language.",
)


def json_schema() -> dict[str, object]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://misquiz.invalid/misconceptions.schema.json",
        "title": "misquiz bank",
        **BANK.json_schema(),
    }

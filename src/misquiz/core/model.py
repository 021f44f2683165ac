"""The bank's types: what a loaded, valid bank is made of."""

from __future__ import annotations

import json
from typing import Any, Literal, NamedTuple, Protocol, TypeVar

Keyed = Literal["myth", "fact"]
Localized = dict[str, str]  # language code -> the same text in that language

# NamedTuples rather than dataclasses: immutable all the same, and about six times
# cheaper to define, which the quiz's start-up notices.


class Statement(NamedTuple):
    id: str
    keyed: Keyed
    text: Localized


class Myth(NamedTuple):
    id: str
    title: Localized
    explanation: Localized
    statements: tuple[Statement, ...]
    advice: dict[str, Localized]
    actions: tuple[Localized, ...]


class Range(Protocol):
    """Scores above min, up to and including max (the first range also holds min)."""

    @property
    def id(self) -> str: ...

    @property
    def min(self) -> float: ...

    @property
    def max(self) -> float: ...


class Band(NamedTuple):
    id: str
    min: float
    max: float
    label: Localized
    summary: Localized
    color: str


class Profile(NamedTuple):
    id: str
    min: float
    max: float
    title: Localized
    text: Localized


class ScaleOption(NamedTuple):
    value: int
    label: Localized


class Article(NamedTuple):
    title: str
    publisher: str
    date: str  # ISO date
    language: str


class Bank(NamedTuple):
    id: str
    version: str
    languages: tuple[str, ...]
    default_language: str
    minutes: int
    title: Localized
    intro: Localized
    scale: tuple[ScaleOption, ...]
    no_opinion: Localized
    bands: tuple[Band, ...]
    profiles: tuple[Profile, ...]
    myths: tuple[Myth, ...]
    content_hash: str
    source: str  # the file it was read from
    undecided: Profile | None = None  # the verdict for someone who answered every statement neutral
    article: Article | None = None  # the article the bank is written from
    unclear: Profile | None = None  # the verdict for answers that cannot tell myth from fact

    @property
    def myths_by_id(self) -> dict[str, Myth]:
        return {m.id: m for m in self.myths}

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for m in self.myths for s in m.statements)

    def verdict_titles(self, lang: str) -> dict[str, str]:
        """Every overall verdict a result can carry, by id, in one language."""
        verdicts = [*self.profiles, *(v for v in (self.undecided, self.unclear) if v is not None)]
        return {v.id: v.title.get(lang, "") for v in verdicts}

    def myth_of(self, statement_id: str) -> Myth:
        for myth in self.myths:
            if any(s.id == statement_id for s in myth.statements):
                return myth
        raise KeyError(statement_id)


R = TypeVar("R", bound=Range)


def resolve_language(bank: Bank, wanted: str | None, fallback: str | None = None) -> str:
    """The language to show: the one wanted if the bank has it, else the fallback, else the bank's default."""
    for lang in (wanted, fallback):
        if lang is not None and lang in bank.languages:
            return lang
    return bank.default_language


def find_range(ranges: tuple[R, ...], value: float) -> R:
    """The range holding value; ranges are contiguous and ordered (the loader checks)."""
    for rng in ranges:
        if value <= rng.max:
            return rng
    return ranges[-1]


def content_hash(data: object) -> str:
    import hashlib  # only when a bank is read from its file; the quiz's cache keeps the hash

    return "sha256:" + hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def bank_from_data(data: dict[str, Any], source: str, digest: str | None = None) -> Bank:
    """Build a Bank from data that has passed the checks in misquiz.files.bank."""
    head = data["bank"]
    return Bank(
        id=head["id"],
        version=str(head["version"]),
        languages=tuple(head["languages"]),
        default_language=head["default_language"],
        minutes=head.get("minutes", 5),
        title=head["title"],
        intro=head["intro"],
        scale=tuple(
            ScaleOption(o["value"], o["label"]) for o in sorted(data["scale"]["options"], key=lambda o: o["value"])
        ),
        no_opinion=data["scale"]["no_opinion"]["label"],
        bands=tuple(
            Band(b["id"], b["min"], b["max"], b["label"], b["summary"], b.get("color", "blue")) for b in data["bands"]
        ),
        profiles=tuple(Profile(p["id"], p["min"], p["max"], p["title"], p["text"]) for p in data["profiles"]),
        myths=tuple(
            Myth(
                id=m["id"],
                title=m["title"],
                explanation=m["explanation"],
                statements=tuple(Statement(s["id"], s["keyed"], s["text"]) for s in m["statements"]),
                advice=m["advice"],
                actions=tuple(m["actions"]),
            )
            for m in data["myths"]
        ),
        content_hash=digest or content_hash(data),
        source=source,
        undecided=Profile("undecided", 0, 100, u["title"], u["text"]) if (u := data.get("undecided")) else None,
        unclear=Profile("unclear", 0, 100, u["title"], u["text"]) if (u := data.get("unclear")) else None,
        article=Article(str(a["title"]), str(a["publisher"]), str(a["date"]), str(a["language"]))
        if (a := head.get("source"))
        else None,
    )

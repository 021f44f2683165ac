"""The bank's types: what a loaded, valid bank is made of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Keyed = Literal["myth", "fact"]
Text = dict[str, str]  # language code -> text


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    keyed: Keyed
    text: Text


@dataclass(frozen=True, slots=True)
class Myth:
    id: str
    title: Text
    explanation: Text
    statements: tuple[Statement, ...]
    advice: dict[str, Text]
    actions: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class Range:
    """Scores above min, up to and including max (the first range also holds min)."""

    id: str
    min: float
    max: float


@dataclass(frozen=True, slots=True)
class Band(Range):
    label: Text
    summary: Text
    color: str


@dataclass(frozen=True, slots=True)
class Profile(Range):
    title: Text
    text: Text


@dataclass(frozen=True, slots=True)
class ScaleOption:
    value: int
    label: Text


@dataclass(frozen=True, slots=True)
class Bank:
    id: str
    version: str
    languages: tuple[str, ...]
    default_language: str
    minutes: int
    title: Text
    intro: Text
    scale: tuple[ScaleOption, ...]
    no_opinion: Text
    bands: tuple[Band, ...]
    profiles: tuple[Profile, ...]
    myths: tuple[Myth, ...]
    content_hash: str
    source: str

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for m in self.myths for s in m.statements)

    def myth_of(self, statement_id: str) -> Myth:
        for myth in self.myths:
            if any(s.id == statement_id for s in myth.statements):
                return myth
        raise KeyError(statement_id)


def find_range(ranges: tuple[Range, ...], value: float) -> Range:
    """The range holding value; ranges are contiguous and ordered (the loader checks)."""
    for rng in ranges:
        if value <= rng.max:
            return rng
    return ranges[-1]

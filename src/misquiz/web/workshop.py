"""One workshop round served to many browsers: who joined, their quiz sessions, and the rules of entry.

A participant is a random token in a cookie. Their attempt lives in the store, tagged with the
workshop, the round and the token as `person`; the sessions kept here are only a cache of it,
so a server restart loses nothing. Seats are counted in people who pressed Start, never in
connections.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from misquiz.core.model import Bank
from misquiz.core.quiz import QuizOptions, QuizSession
from misquiz.core.room import MIN_GROUP
from misquiz.storage.protocol import Store
from misquiz.storage.recording import StoreRecorder
from misquiz.web.projector import Projector

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_REMEMBERED = 10_000  # form tokens kept computed (about 2 MB at most); past this, the cache starts over
ACTIVE_SECONDS = 15 * 60  # someone who has not been seen for this long is no longer counted as mid-quiz


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 random bits


def valid_token(value: str | None) -> str | None:
    """The token if it has the shape of one we hand out; anything else starts a fresh participant."""
    return value if value is not None and TOKEN.fullmatch(value) else None


@dataclass(frozen=True)
class WorkshopConfig:
    workshop: str
    round: str | None = None
    max_participants: int = 200
    public_url: str | None = None  # what participants type; its scheme decides the Secure cookie
    hosts: frozenset[str] = frozenset({"127.0.0.1", "localhost"})  # names the Host header may carry
    joins_per_client: tuple[float, float] = (30, 3.0)  # burst, then per second (per client address)
    answers_per_participant: tuple[float, float] = (40, 5.0)  # burst, then per second (per token)
    body_limit: int = 16 * 1024
    min_group: int = MIN_GROUP  # below this many finished people, the projector page shows only counts of people
    lang: str | None = None  # the projector page's language unless it asks for another

    @property
    def secure_cookie(self) -> bool:
        return (self.public_url or "").lower().startswith("https://")


class RateLimit:
    """A token bucket per key: `burst` at once, then `rate` a second."""

    def __init__(self, burst: float, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.rate, self.clock = burst, rate, clock
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        tokens, then = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if len(self.buckets) > 100_000:  # forget full buckets rather than grow without end
            self.buckets = {k: v for k, v in self.buckets.items() if v[0] < self.burst}
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return False
        self.buckets[key] = (tokens - 1, now)
        return True


@dataclass
class Participant:
    session: QuizSession
    errors: list[str] = field(default_factory=list)
    seen: float = field(default_factory=time.monotonic)


class RoomIsFull(Exception):
    pass


class NotSaved(Exception):
    """The store could not take a participant's answer or attempt; the page must say so."""


class Workshop:
    def __init__(self, bank: Bank, store: Store, config: WorkshopConfig) -> None:
        self.bank, self.store, self.config = bank, store, config
        self.secret = store.server_secret()
        self.csrf_tokens: dict[str, str] = {}  # participant token -> form token, computed once
        self.participants: dict[str, Participant] = {}
        self.joined, self.finished = self._counted()
        self.refused = 0
        self.joins = RateLimit(*config.joins_per_client)
        self.answers = RateLimit(*config.answers_per_participant)
        self.statement_ids = frozenset(s.id for s in bank.statements)
        self.crowded: Callable[[], bool] = lambda: False  # the server says when descriptors run short
        self.projector = Projector(bank, store, config.workshop, config.round, config.min_group)

    def _counted(self) -> tuple[int, int]:
        for people in self.store.room_counts(self.config.workshop).people:
            if people.round == self.config.round:
                return people.started, people.finished
        return 0, 0

    # -- identity ----------------------------------------------------------------------

    def csrf(self, token: str) -> str:
        """The form token bound to a participant: valid for as long as their cookie, across restarts."""
        known = self.csrf_tokens.get(token)
        if known is None:
            known = hmac.new(self.secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()[:40]
            if len(self.csrf_tokens) >= MAX_REMEMBERED:  # computed again when needed, never grown without end
                self.csrf_tokens.clear()
            self.csrf_tokens[token] = known
        return known

    def csrf_ok(self, token: str | None, given: object) -> bool:
        return (  # as bytes: compare_digest refuses str with non-ASCII characters
            token is not None
            and isinstance(given, str)
            and hmac.compare_digest(self.csrf(token).encode(), given.encode("utf-8", "surrogatepass"))
        )

    # -- participants -------------------------------------------------------------------

    def participant(self, token: str | None) -> Participant | None:
        """This token's participant in this round, from the cache or the store; None if they never started."""
        if token is None:
            return None
        found = self.participants.get(token)
        if found is not None and self.store.shared:
            # another server may have taken this participant's last answers: go on from the database's
            attempt = self.store.participant_attempt(
                self.bank.content_hash, self.config.workshop, self.config.round, token
            )
            session = found.session
            if attempt is None or attempt.answers != session.answers or attempt.language != session.lang:
                found = None
        if found is None:
            attempt = self.store.participant_attempt(
                self.bank.content_hash, self.config.workshop, self.config.round, token
            )
            if attempt is None:
                return None
            found = Participant(QuizSession.start(self.bank, self._options(token, attempt.language)))
            found.session.recorder = StoreRecorder(self.store, found.errors.append)
            found.session.resume(attempt)
            self.participants[token] = found
        found.seen = time.monotonic()
        return found

    def join(self, token: str, lang: str, name: str) -> Participant:
        """Start this token's attempt; raises RoomIsFull or NotSaved."""
        existing = self.participant(token)
        if existing is not None:
            return existing  # a second tab pressed Start: still one participant
        if self.joined >= self.config.max_participants:
            self.refused += 1
            raise RoomIsFull
        session = QuizSession.start(self.bank, self._options(token, lang))
        joining = Participant(session)
        session.recorder = StoreRecorder(self.store, joining.errors.append)
        session.begin(name)
        if session.attempt_id is None:
            raise NotSaved(joining.errors[-1] if joining.errors else "")
        self.participants[token] = joining
        self.joined += 1
        return joining

    def answer(self, participant: Participant, position: int, value: int) -> None:
        """Answer the statement at this position (already checked); the same answer twice changes nothing."""
        session = participant.session
        was_finished = session.finished
        session.position = position
        if session.current_answer == value:
            session.forward()
            return
        del participant.errors[:]
        session.answer(value)
        if participant.errors:
            session.answers.pop(session.order[position], None)  # never shown as given when it was not stored
            session.position = position
            raise NotSaved(participant.errors[-1])
        if session.finished and not was_finished:
            self.finished += 1

    def set_language(self, participant: Participant, lang: str) -> None:
        participant.session.set_language(lang)

    @property
    def mid_quiz(self) -> int:
        recent = time.monotonic() - ACTIVE_SECONDS
        return sum(1 for p in self.participants.values() if not p.session.finished and p.seen >= recent)

    def _options(self, token: str, lang: str) -> QuizOptions:
        return QuizOptions(lang, workshop=self.config.workshop, round=self.config.round, person=token)

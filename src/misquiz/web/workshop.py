"""One workshop round served to many browsers: who joined, their quiz sessions, and the rules of entry.

A participant is a random token in a cookie. Their attempt lives in the store, tagged with the
workshop, the round and the token as `person`; the sessions kept here are only a cache of it,
so a server restart loses nothing. Seats are counted in people who answered at least one
statement (pressing Start takes none), never in connections.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from misquiz.core.attempt import Attempt
from misquiz.core.model import Bank
from misquiz.core.quiz import NO_OPINION, QuizOptions, QuizSession
from misquiz.core.room import MIN_GROUP
from misquiz.storage.protocol import Store, StoreError
from misquiz.storage.recording import StoreRecorder
from misquiz.web.projector import Projector
from misquiz.web.worker import SharedRead, StoreBusy, StoreWorker

T = TypeVar("T")
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_REMEMBERED = 10_000  # form tokens kept computed (about 2 MB at most); past this, the cache starts over
ACTIVE_SECONDS = 15 * 60  # someone who has not been seen for this long is no longer counted as mid-quiz
# How old the round's open-or-closed may be on a newcomer's welcome page (`serve` reads it every 2 s), and how
# old while the store's thread is busy (a database held by a lock or another program): Start always asks anew.
CLOSED_SECONDS = 5.0
PAGE_CLOSED_SECONDS = 1.0  # a participant's statement page: one read a second at most, however busy the room
CLOSED_STUCK_SECONDS = 60.0


TOKEN_BODY = 22  # characters of randomness (128 bits); the other 10 seal it with the server's secret


def _seal(secret: bytes, body: str) -> str:
    mac = hmac.new(secret, b"participant:" + body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:10]


def new_token(secret: bytes) -> str:
    """A participant token this server issues: 22 random characters and their seal (60 bits of an HMAC under
    the database's server secret), 32 in all; only sealed tokens are taken from a cookie as new."""
    body = secrets.token_urlsafe(16)
    return body + _seal(secret, body)


def sealed(secret: bytes, token: str) -> bool:
    """Whether a well-formed token was issued under this secret (by this server or another on its database)."""
    return hmac.compare_digest(token[TOKEN_BODY:].encode(), _seal(secret, token[:TOKEN_BODY]).encode())


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
    # Per client address: a room behind one address (a venue's network) gets its burst at once, and the rest
    # wait their turn at a room's pace rather than being turned away; a flood waits too, and past the wait is refused.
    joins_per_client: tuple[float, float] = (50, 40.0)  # burst, then per second
    join_wait: float = 10.0  # the longest a join waits for its turn before "too many requests"
    answers_per_participant: tuple[float, float] = (40, 5.0)  # burst, then per second (per token)
    body_limit: int = 16 * 1024
    min_group: int = MIN_GROUP  # below this many finished people, the projector page shows only counts of people
    lang: str | None = None  # the projector page's language unless it asks for another
    trusted_proxies: frozenset[str] = frozenset()  # reverse proxies whose X-Forwarded-For names the client
    # serve --force with a bank other than the one the round's attempts were made on: an unfinished attempt
    # whose statements are the bank's (the same ids) carries on under it; the others start afresh, counted once
    force_bank: bool = False

    def client(self, remote: str | None, forwarded: list[str]) -> str:
        """Who is asking, for the per-client join limit: the peer, or behind a trusted proxy the nearest
        address in X-Forwarded-For that is not a trusted proxy itself (the ones before it can be forged)."""
        peer = remote or "?"
        if peer not in self.trusted_proxies:
            return peer
        hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in self.trusted_proxies:
                return hop[:64]
        return peer

    @property
    def secure_cookie(self) -> bool:
        return (self.public_url or "").lower().startswith("https://")


class RateLimit:
    """A token bucket per key: `burst` at once, then `rate` a second.

    A bucket that has refilled is the same as none, so it is forgotten: the buckets are swept whenever
    their number has doubled since the last sweep, and at least once a minute. What is kept is bounded by
    the keys seen within the time a bucket takes to refill, and never more than `most` (past that, the
    buckets used longest ago are forgotten first)."""

    SWEEP_SECONDS = 60.0

    def __init__(
        self, burst: float, rate: float, clock: Callable[[], float] = time.monotonic, most: int = 100_000
    ) -> None:
        self.burst, self.rate, self.clock, self.most = burst, rate, clock, most
        self.buckets: dict[str, tuple[float, float]] = {}
        self.swept, self.kept = clock(), 0

    def _tokens(self, key: str, now: float) -> float:
        size = len(self.buckets)
        if size >= min(max(2 * self.kept, 1024), self.most) or now - self.swept >= self.SWEEP_SECONDS:
            self._sweep(now)
        tokens, then = self.buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - then) * self.rate)

    def _sweep(self, now: float) -> None:
        """Forget every bucket that is full by now; past `most`, the ones used longest ago as well."""
        burst, rate = self.burst, self.rate
        kept = {k: (tokens, then) for k, (tokens, then) in self.buckets.items() if tokens + (now - then) * rate < burst}
        if len(kept) >= self.most:
            recent = sorted(kept.items(), key=lambda item: item[1][1])[-(self.most // 2) :]
            kept = dict(recent)
        self.buckets, self.swept, self.kept = kept, now, len(kept)

    def allow(self, key: str) -> bool:
        now = self.clock()
        tokens = self._tokens(key, now)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return False
        self.buckets[key] = (tokens - 1, now)
        return True

    def wait(self, key: str, longest: float) -> float | None:
        """Seconds until this key's turn (0: now), the turn taken; None if it would wait longer than `longest`.

        Turns taken ahead leave the bucket below zero, so the ones that wait are let through at `rate`."""
        now = self.clock()
        tokens = self._tokens(key, now)
        delay = 0.0 if tokens >= 1 else ((1 - tokens) / self.rate if self.rate > 0 else float("inf"))
        if delay > longest:
            self.buckets[key] = (tokens, now)
            return None
        self.buckets[key] = (tokens - 1, now)
        return delay


class GroupCommit:
    """Answers that arrive together are stored together: one transaction for all of them.

    Each answer's request waits until the transaction that holds it is committed, so every
    answer is committed before the page that follows it is sent, as with one commit per answer;
    a busy server only commits less often. The batch is written on the store's thread (StoreWorker)
    once every request of the same turn of the loop has added its answer; those that arrive while
    it is written are the next batch. If the batch fails, each answer in it is tried on its own, so
    only the answers that cannot be stored are refused. No request waits longer than the worker's
    deadline from when it asked: past it, StoreBusy.
    """

    def __init__(self, store: Store, worker: StoreWorker | None = None) -> None:
        self.store = store
        self.worker = worker or StoreWorker()
        self.waiting: list[tuple[tuple[int, str, int | None], asyncio.Future[None], float]] = []
        self.commits = 0  # transactions, for the tests and the curious
        self._writer: asyncio.Task[None] | None = None

    def save(self, attempt_id: int, statement_id: str, value: int | None) -> asyncio.Future[None]:
        """Done when this answer is committed; raises StoreError if it could not be."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self.waiting.append(((attempt_id, statement_id, value), done, time.monotonic()))
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write())
        return done

    async def _write(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            answers = [answer for answer, _, _ in batch]
            left = min(asked for _, _, asked in batch) + self.worker.deadline - time.monotonic()
            outcomes: list[BaseException | None]
            try:
                outcomes = await self.worker.call(self._commit, answers, deadline=left)
            except Exception as failed:  # past the deadline: each request gets the busy page
                outcomes = [failed] * len(batch)
            for (_, done, _), outcome in zip(batch, outcomes, strict=True):
                if done.done():  # the request is gone (cancelled); its answer is stored all the same
                    continue
                if outcome is None:
                    done.set_result(None)
                else:
                    done.set_exception(outcome)

    def _commit(self, answers: list[tuple[int, str, int | None]]) -> list[BaseException | None]:
        """On the store's thread: the batch in one transaction, or each answer alone; what became of each."""
        try:
            self.commits += 1
            if len(answers) == 1:
                self.store.save_answer(*answers[0])
            else:
                self.store.save_answers(answers)
        except StoreError as failed:
            return [failed] if len(answers) == 1 else [self._alone(answer) for answer in answers]
        except Exception as failed:  # not the store's refusal: each request fails as it would have on its own
            return [failed] * len(answers)
        return [None] * len(answers)

    def _alone(self, answer: tuple[int, str, int | None]) -> Exception | None:
        try:
            self.commits += 1
            self.store.save_answer(*answer)
        except Exception as failed:
            return failed
        return None


AttemptState = tuple[str, dict[str, int | None]]  # an attempt's language and answers


class GroupRead:
    """On a shared database, the checks of one moment in one statement.

    Each request of a participant this server holds asks whether its copy is still current
    (another server may have taken answers meanwhile); all that ask in the same turn of the
    event loop (or while the previous statement runs) are answered by one participant_states
    statement, on the store's thread, within the worker's deadline.
    """

    def __init__(
        self, store: Store, bank_hash: str, workshop: str, round: str | None, worker: StoreWorker | None = None
    ) -> None:
        self.store, self.bank_hash, self.workshop, self.round = store, bank_hash, workshop, round
        self.worker = worker or StoreWorker()
        self.waiting: list[tuple[tuple[int, str], asyncio.Future[AttemptState | None], float]] = []
        self.reads = 0  # statements, for the tests and the curious
        self._reader: asyncio.Task[None] | None = None

    def state(self, attempt_id: int, person: str) -> asyncio.Future[AttemptState | None]:
        """Done with the attempt's language and answers, or None if it is no longer this person's."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[AttemptState | None] = loop.create_future()
        self.waiting.append(((attempt_id, person), done, time.monotonic()))
        if self._reader is None or self._reader.done():
            self._reader = loop.create_task(self._read())
        return done

    def _states(self, held: list[tuple[int, str]]) -> dict[tuple[int, str], AttemptState]:
        self.reads += 1
        return self.store.participant_states(held, self.bank_hash, self.workshop, self.round)

    async def _read(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            held = list(dict.fromkeys(key for key, _, _ in batch))
            left = min(asked for _, _, asked in batch) + self.worker.deadline - time.monotonic()
            try:
                states = await self.worker.call(self._states, held, deadline=left)
            except Exception as failed:  # each request fails as it would have on its own (a page, never a traceback)
                for _, done, _ in batch:
                    if not done.done():
                        done.set_exception(failed)
                continue
            for key, done, _ in batch:
                if not done.done():
                    done.set_result(states.get(key))


Write = Callable[[], object]


class ParticipantRecorder(StoreRecorder):
    """A participant's recorder. The session calls it on the event loop, so it touches no store there: it
    keeps each write (`pending`), and the workshop does them on the store's thread right after (`flush`),
    before any page shows what they record. An answer the workshop already committed is not written again."""

    def __init__(self, store: Store, on_error: Callable[[Any], None]) -> None:
        super().__init__(store, on_error)
        self.stored: tuple[int | None, str, int | None] | None = None
        self.pending: list[Write] = []

    def started(self, session: QuizSession) -> None:
        self.pending.append(lambda: StoreRecorder.started(self, session))  # sets session.attempt_id once stored

    def answered(self, session: QuizSession, statement_id: str) -> None:
        value = session.answers[statement_id]
        if self.stored != (session.attempt_id, statement_id, value) and session.attempt_id is not None:
            attempt_id = session.attempt_id
            self.pending.append(lambda: self._try(self.store.save_answer, attempt_id, statement_id, value))

    def finished(self, session: QuizSession) -> None:
        if session.attempt_id is not None:
            attempt_id, record, answers = session.attempt_id, session.result().record(), dict(session.answers)
            # with the answers it was scored from: the store refuses it if another server changed one meanwhile
            self.pending.append(lambda: self._try(self.store.finish_attempt, attempt_id, record, None, answers))

    def language_changed(self, session: QuizSession) -> None:
        if session.attempt_id is not None:
            attempt_id, lang = session.attempt_id, session.lang
            self.pending.append(lambda: self._try(self.store.set_language, attempt_id, lang))

    def set_aside(self, attempt: Attempt) -> None:
        self.pending.append(lambda: StoreRecorder.set_aside(self, attempt))

    def take(self) -> list[Write]:
        writes, self.pending = self.pending, []
        return writes


def _write_all(writes: list[Write]) -> None:
    for write in writes:  # each reports its own failure (on_error), as StoreRecorder's writes do
        write()


@dataclass
class Participant:
    session: QuizSession
    errors: list[object] = field(default_factory=list)  # what the store said of a write that failed
    seen: float = field(default_factory=time.monotonic)
    seated: bool = False  # this server counted the seat of this participant's first answer
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one answer of theirs at a time (two tabs, a double tap)


class RoomIsFull(Exception):
    pass


class AlreadyFinished(Exception):
    """An answer that arrived after the participant's last one: a finished attempt never changes."""


class RoundClosed(Exception):
    """The trainer closed this round: no answer is stored and nobody new starts."""


class NotSaved(Exception):
    """The store could not take a participant's answer or attempt; the page must say so."""


class Workshop:
    """A workshop round on one server. Every store call of a request runs on the store's thread (`run`, a
    StoreWorker with a deadline), never on the event loop; the synchronous `participant` is for tests and tools."""

    def __init__(self, bank: Bank, store: Store, config: WorkshopConfig) -> None:
        self.bank, self.store, self.config = bank, store, config
        self.worker = StoreWorker()
        self.secret = store.server_secret()
        self.cookie = "__Host-misquiz" if config.secure_cookie else "misquiz"  # https: no other origin can plant it
        self.csrf_tokens: dict[str, str] = {}  # participant token -> form token, computed once
        self.participants: dict[str, Participant] = {}
        self._joining: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # tokens whose Start is being stored
        self._closed: tuple[float, bool] | None = None  # round_closed's last answer, and when it was asked
        self._closed_reads = SharedRead(self.worker, self._read_closed)
        self.joined, self.finished = self._counted()
        self.seating = 0  # seats taken by a first answer that is not yet stored (recount adds them)
        self.seats_taken = 0  # every seat ever taken here: what a recount's read may have missed
        self.refused = 0
        self.joins = RateLimit(*config.joins_per_client)
        self.answers = RateLimit(*config.answers_per_participant)
        self.statement_ids = frozenset(s.id for s in bank.statements)
        self.crowded: Callable[[], bool] = lambda: False  # the server says when descriptors run short
        self.projector = Projector(bank, store, config.workshop, config.round, config.min_group, self.worker)
        self.commits = GroupCommit(store, self.worker)
        self.reads = GroupRead(store, bank.content_hash, config.workshop, config.round, self.worker)
        self.other_banks = self._other_banks() if config.force_bank else ()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) on the store's thread, within its deadline (StoreBusy past it)."""
        return await self.worker.call(fn, *args)

    def _counted(self) -> tuple[int, int]:
        for people in self.store.room_counts(self.config.workshop).people:
            if people.round == self.config.round:
                return people.joined, people.finished  # a seat is taken by a first answer, not by Start
        return 0, 0

    async def recount(self) -> None:
        """Seats and finishes as the store counts them now: freed by `workshop delete`, taken by another
        server. If the store holds fewer than this server thought, its cache is dropped: a participant
        whose attempt was deleted starts afresh at their next page instead of answering into nothing."""
        pending, taken = self.seating, self.seats_taken
        joined, finished = await self.run(self._counted)
        # First answers on their way to the store hold their seats: those pending when the read began and
        # those taken while it ran, which it may not have counted (the room could fill past
        # --max-participants, or welcome the next person while full). At worst a seat counts twice until
        # the next recount.
        joined += pending + self.seats_taken - taken
        if joined < self.joined or finished < self.finished:
            self.participants.clear()
        self.joined, self.finished = joined, finished

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
        """find(), for tests and tools outside a request: the store is read on the caller's thread."""
        if token is None:
            return None
        held = self.participants.get(token)
        if held is not None and self.store.shared:
            # another server may have taken this participant's last answers: go on from the database's
            attempt_id = held.session.attempt_id
            states = self.store.participant_states(
                [(attempt_id or 0, token)], self.bank.content_hash, self.config.workshop, self.config.round
            )
            held = self._if_current(held, states.get((attempt_id or 0, token)))
        if held is None:
            attempt = self._attempt_of(token)
            if attempt is None:
                return None
            held = self._hold(token, attempt)
            _write_all(self._recorder(held).take())
        held.seen = time.monotonic()
        return held

    def new_token(self) -> str:
        return new_token(self.secret)

    def issued(self, token: str) -> bool:
        return sealed(self.secret, token)

    async def find(self, token: str | None) -> Participant | None:
        """This token's participant in this round, from the cache or the store; None if they never started.
        On a shared database the check that the cache is current joins the others of the moment (GroupRead)."""
        if token is None:
            return None
        held = stale = self.participants.get(token)
        if held is not None and self.store.shared:
            # another server may have taken this participant's last answers: go on from the database's
            attempt_id = held.session.attempt_id
            held = self._if_current(held, await self.reads.state(attempt_id or 0, token))
        if held is None:
            attempt = await self.run(self._attempt_of, token)
            if attempt is None:
                return None
            held = self.participants.get(token)  # another request of theirs may have read it meanwhile: one copy
            if held is None or held is stale or held.session.attempt_id != attempt.id:
                held = self._hold(token, attempt)
                await self._flush(held)  # an attempt stopped after its last answer: its result, stored now
        held.seen = time.monotonic()
        return held

    @staticmethod
    def _if_current(held: Participant, state: AttemptState | None) -> Participant | None:
        """The participant held here if the database says the same of them; None (read them again) if not."""
        session = held.session
        return held if state == (session.lang, session.answers) else None

    def _attempt_of(self, token: str) -> Attempt | None:
        found = self.store.participant_attempt(self.bank.content_hash, self.config.workshop, self.config.round, token)
        if found is None and self.other_banks:
            return self._carried_over(token)
        return found

    def _hold(self, token: str, attempt: Attempt) -> Participant:
        held = Participant(QuizSession.start(self.bank, self._options(token, attempt.language)))
        recorder = ParticipantRecorder(self.store, held.errors.append)
        if attempt.bank_hash == self.bank.content_hash:
            held.session.recorder = recorder
            held.session.resume(attempt)
        else:  # finished on the bank before (see _carried_over): its stored result stands, not scored again
            held.session.resume(attempt)
            held.session.recorder = recorder
        self.participants[token] = held
        return held

    @staticmethod
    def _recorder(participant: Participant) -> ParticipantRecorder:
        recorder = participant.session.recorder
        assert isinstance(recorder, ParticipantRecorder)
        return recorder

    async def _flush(self, participant: Participant) -> None:
        """The writes the participant's recorder kept, done on the store's thread before any page shows them;
        a failure is in participant.errors. Past the deadline (or if the request goes away meanwhile), the
        participant held here is forgotten: their next page reads the store again, which is then the truth."""
        writes = self._recorder(participant).take()
        if not writes:
            return
        try:
            await self.run(_write_all, writes)
        except StoreBusy as exc:
            self._forget(participant)
            participant.errors.append(exc)
        except BaseException:
            self._forget(participant)
            raise

    def _forget(self, participant: Participant) -> None:
        token = participant.session.person
        if token is not None and self.participants.get(token) is participant:
            del self.participants[token]

    async def before_round(self, token: str | None) -> Attempt | None:
        """In an after round, this token's attempt of the before round: a participant coming back."""
        if token is None or self.config.round != "after":
            return None
        return await self.run(
            self.store.participant_attempt, self.bank.content_hash, self.config.workshop, "before", token
        )

    async def round_closed(self, within: float = 0.0) -> bool:
        """Whether the trainer closed this round, as the store says now (any server may have closed it); or,
        given `within`, as it said at most that many seconds ago (a newcomer's welcome page: Start asks anew)."""
        known = self._closed
        if within and known is not None:
            age = time.monotonic() - known[0]
            if age <= within or (self.worker.busy and age <= CLOSED_STUCK_SECONDS):  # a slow database: as last read
                return known[1]
        asked = time.monotonic()
        closed = await self._closed_reads.ask()  # one read for every page of the moment
        self._closed = (asked, closed)
        return closed

    def _read_closed(self) -> bool:
        return self.store.session_state(self.config.workshop, self.config.round).closed

    def round_changed(self) -> None:
        """The trainer changed a round's session on this server: the next round_closed asks the store."""
        self._closed = None

    async def join(self, token: str, lang: str, name: str) -> Participant:
        """Start this token's attempt; raises RoomIsFull, RoundClosed or NotSaved. Two Starts of one token
        at once (two tabs, a double tap) are taken in turn: the second finds the first's attempt."""
        entry = self._joining.setdefault(token, (asyncio.Lock(), [0]))
        entry[1][0] += 1
        try:
            async with entry[0]:
                return await self._join(token, lang, name)
        finally:
            entry[1][0] -= 1
            if not entry[1][0]:
                del self._joining[token]

    async def _join(self, token: str, lang: str, name: str) -> Participant:
        existing = await self.find(token)
        if existing is not None:
            return existing  # a second tab pressed Start: still one participant
        if await self.round_closed():
            raise RoundClosed
        if self.joined >= self.config.max_participants:
            self.refused += 1
            raise RoomIsFull
        session = QuizSession.start(self.bank, self._options(token, lang))
        joining = Participant(session)
        session.recorder = ParticipantRecorder(self.store, joining.errors.append)
        session.begin(name)
        await self._flush(joining)
        if session.attempt_id is None:
            raise NotSaved(str(joining.errors[-1]) if joining.errors else "")
        if self.other_banks:  # their attempt on the bank before, which could not go on, gives up its seat
            self.joined -= await self.run(self._set_aside_elsewhere, token)
        self.participants[token] = joining
        return joining  # no seat yet: the first answer takes it (answer)

    async def answer(self, participant: Participant, position: int, value: int) -> None:
        """answer_now, one request of this participant at a time; raises AlreadyFinished for an answer
        that waited for the last one (a second tab): the stored result is always the score of the stored
        answers, as no answer is stored after it."""
        async with participant.lock:
            if participant.session.finished:
                raise AlreadyFinished
            await self.answer_now(participant, position, value)

    async def answer_now(self, participant: Participant, position: int, value: int) -> None:
        """Answer the statement at this position (already checked); the same answer twice changes nothing.
        Raises RoundClosed once the trainer closed the round: nothing more is stored.

        The answer is committed (with whatever others arrive at the same time) before the session
        takes it, so no page shows it as given until it is stored; then the session moves on, and
        on the last statement its result is stored (on the store's thread, before the page).
        """
        session = participant.session
        if await self.round_closed():
            raise RoundClosed
        session.position = position
        if session.current_answer == value:
            session.forward()
            return
        statement_id = session.order[position]
        stored = None if value == NO_OPINION else value
        seating = False
        if not session.answers and not participant.seated:  # a first answer takes a seat, if one is free
            if self.joined >= self.config.max_participants:
                self.refused += 1
                raise RoomIsFull
            participant.seated = True  # held while it is committed: two first answers never share the last seat
            self.joined += 1
            self.seating += 1  # taken here, not yet in the store: a recount meanwhile must not give it away
            self.seats_taken += 1
            seating = True
        try:
            recorder = self._recorder(participant)
            committed = session.attempt_id is not None
            if committed:
                try:
                    await self.commits.save(session.attempt_id or 0, statement_id, stored)
                except StoreError as exc:
                    self._unseat(participant)
                    if isinstance(exc, StoreBusy):  # it may be stored later all the same: read them again
                        self._forget(participant)
                    raise NotSaved(str(exc)) from None
                except BaseException:
                    self._unseat(participant)
                    self._forget(participant)
                    raise
            session.position = position  # another request of this participant may have moved it meanwhile
            if session.current_answer == value:  # and may have given this very answer (a double submit)
                session.forward()
                return
            was_finished = session.finished
            del participant.errors[:]
            if committed:
                recorder.stored = (session.attempt_id, statement_id, stored)
            try:
                session.answer(value)
            finally:
                recorder.stored = None
            await self._flush(participant)  # the result, on the last statement (or the answer, if not yet committed)
            if participant.errors:
                session.answers.pop(statement_id, None)  # never shown as given when it was not stored
                session.position = position
                self._unseat(participant)
                raise NotSaved(str(participant.errors[-1]))
            if session.finished and not was_finished:
                self.finished += 1
            if (session.finished and not was_finished) or len(session.answers) == 1:
                self.projector.nudge()  # joined (a first answer) or finished: the projector counts it at once
        finally:
            if seating:
                self.seating -= 1

    def _unseat(self, participant: Participant) -> None:
        """The seat a first answer took, given back when that answer could not be stored."""
        if participant.seated and not participant.session.answers:
            participant.seated = False
            self.joined -= 1

    async def set_language(self, participant: Participant, lang: str) -> None:
        participant.session.set_language(lang)
        await self._flush(participant)

    @property
    def mid_quiz(self) -> int:
        recent = time.monotonic() - ACTIVE_SECONDS
        return sum(1 for p in self.participants.values() if not p.session.finished and p.seen >= recent)

    def _options(self, token: str, lang: str) -> QuizOptions:
        return QuizOptions(lang, workshop=self.config.workshop, round=self.config.round, person=token)

    # -- a bank changed mid-round (serve --force) -------------------------------------------

    def _other_banks(self) -> tuple[str, ...]:
        """The banks other than this one that this round's attempts were made on (their hashes)."""
        found = self.store.round_banks(self.config.workshop, self.config.round)
        return tuple(sorted(h for h in found if h != self.bank.content_hash))

    def _fits(self, attempt: Attempt) -> bool:
        """Whether an attempt's statements are exactly this bank's: none gone, none new."""
        return frozenset(attempt.order) == self.statement_ids and len(attempt.order) == len(self.statement_ids)

    def _latest_elsewhere(self, token: str) -> Attempt | None:
        """This token's most recent attempt in this round on another bank (not set aside), if any."""
        workshop, round_ = self.config.workshop, self.config.round
        found = [self.store.participant_attempt(h, workshop, round_, token) for h in self.other_banks]
        return max((a for a in found if a is not None), key=lambda a: (a.started_at, a.id), default=None)

    def _carried_over(self, token: str) -> Attempt | None:
        """On the store's thread: the token's attempt on the bank before, if it goes on under this one.

        An unfinished attempt with this bank's statements is moved to this bank (adopt_bank) and resumed; a
        finished one keeps its bank and result and is shown as it is. Any other starts afresh (None)."""
        before = self._latest_elsewhere(token)
        if before is None or not self._fits(before):
            return None
        if before.finished_at is None and self.store.adopt_bank(
            before.id, self.bank.id, self.bank.version, self.bank.content_hash
        ):
            workshop, round_ = self.config.workshop, self.config.round
            return self.store.participant_attempt(self.bank.content_hash, workshop, round_, token)
        return self.store.attempt(before.id)  # finished (perhaps meanwhile, on another server): as it is

    def _set_aside_elsewhere(self, token: str) -> int:
        """On the store's thread, once the token's fresh attempt is stored: its unfinished attempts on other
        banks are set aside (kept with their answers, not deleted), so the person takes one seat; how many
        seats that freed (attempts that had an answer)."""
        freed = 0
        workshop, round_ = self.config.workshop, self.config.round
        for h in self.other_banks:
            before = self.store.participant_attempt(h, workshop, round_, token)
            if before is not None and before.finished_at is None:
                self.store.abandon_attempt(before.id)
                freed += 1 if before.answers else 0
        return freed

"""The one thread on which the web layer talks to its store, so that a database that does not answer never
freezes the event loop: pages that need no database, the trainer's status line and the signals go on.

Every store call of a request is a job on this thread, awaited with a deadline (STORE_SECONDS, a few seconds
more than PostgreSQL's lock_timeout and SQLite's busy timeout need to give up on their own). Past it the
request gets StoreBusy, a StoreError, so the page is the usual "not saved" one; a job whose request gave up
before the thread reached it is skipped, so a stuck database does not leave a queue of stale work behind it.

One thread, so the store's one connection (SQLite's or psycopg's) is used by one thread at a time, in the
order the requests asked. A daemon thread, not a ThreadPoolExecutor's (joined at exit): the interpreter never
waits for a database that does not answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from misquiz.storage.protocol import StoreError

T = TypeVar("T")
STORE_SECONDS = 5.0  # PostgreSQL's lock_timeout is 2 s, SQLite's busy timeout 5 s: a call gives up before this


class StoreBusy(StoreError):
    """The database did not answer within the deadline (held by a lock, or by another program)."""


class _Job:
    __slots__ = ("args", "fn", "future", "loop", "wanted")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], loop: asyncio.AbstractEventLoop) -> None:
        self.fn, self.args, self.loop = fn, args, loop
        self.future: asyncio.Future[Any] = loop.create_future()
        self.wanted = True  # False once its request gave up: if not begun, it is skipped

    def run(self) -> None:
        try:
            result: Any = self.fn(*self.args)
        except BaseException as exc:  # handed to the request, which turns it into a page
            self._settle(None, exc)
        else:
            self._settle(result, None)

    def _settle(self, result: Any, error: BaseException | None) -> None:
        def settle() -> None:
            if self.future.done():
                return
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(result)

        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            self.loop.call_soon_threadsafe(settle)


class StoreWorker:
    """One daemon thread that runs store calls in turn; `call` awaits one with a deadline."""

    def __init__(self, deadline: float = STORE_SECONDS, name: str = "misquiz-store") -> None:
        self.deadline, self.name = deadline, name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._started = threading.Lock()
        self.busy_since: float | None = None  # when the job in progress began (time.monotonic), None when idle
        self.closed = False
        self.jobs = 0  # jobs run, for the tests and the curious
        self.skipped = 0  # jobs whose request had given up before their turn

    @property
    def busy(self) -> bool:
        return self.busy_since is not None

    def _ensure(self) -> None:
        if self._thread is None:
            with self._started:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            if not job.wanted:
                self.skipped += 1
                continue
            self.busy_since = time.monotonic()
            try:
                job.run()
            finally:
                self.busy_since = None
                self.jobs += 1

    async def call(self, fn: Callable[..., T], *args: Any, deadline: float | None = None) -> T:
        """fn(*args) on the store's thread; StoreBusy if it has not answered within the deadline (or the
        server is stopping). Its own exceptions (StoreError, say) are raised here as they were there."""
        if self.closed:
            raise StoreBusy("the server is stopping")
        wait = self.deadline if deadline is None else deadline
        if wait <= 0:
            raise StoreBusy(f"the database did not answer within {self.deadline:g} s")
        job = _Job(fn, args, asyncio.get_running_loop())
        self._ensure()
        self._jobs.put(job)
        try:
            return await asyncio.wait_for(job.future, wait)
        except TimeoutError:
            raise StoreBusy(f"the database did not answer within {self.deadline:g} s") from None
        finally:
            job.wanted = False  # done, timed out or cancelled: if the thread has not begun it, it never will

    def close(self) -> None:
        """No more jobs: those that come are refused at once; the thread ends after the one in progress."""
        self.closed = True
        if self._thread is not None:
            self._jobs.put(None)

    @property
    def done(self) -> bool:
        """Closed, and its thread has ended (or never began): nothing uses the store from it any more."""
        return self.closed and (self._thread is None or not self._thread.is_alive())

    async def ended(self, until: float) -> bool:
        """Close, and wait (without blocking the loop) until the thread has ended or time.monotonic() reaches
        `until`; whether it ended. A job still wanted when closed is run first (an answer already on its way)."""
        self.close()
        while not self.done and time.monotonic() < until:
            await asyncio.sleep(0.02)
        return self.done


class SharedRead(Generic[T]):
    """A read that the requests of one moment share: one call on the store's thread, begun after each of them
    asked (so every one gets an answer as fresh as its own call would have given); those who ask while it
    runs share the next. No request waits longer than the worker's deadline from when it asked."""

    def __init__(self, worker: StoreWorker, read: Callable[[], T]) -> None:
        self.worker, self.read = worker, read
        self.waiting: list[tuple[asyncio.Future[T], float]] = []
        self.reads = 0  # calls, for the tests and the curious
        self._reader: asyncio.Task[None] | None = None

    def ask(self) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self.waiting.append((done, time.monotonic()))
        if self._reader is None or self._reader.done():
            self._reader = loop.create_task(self._run())
        return done

    async def _run(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting, []
            left = min(asked for _, asked in batch) + self.worker.deadline - time.monotonic()
            self.reads += 1
            try:
                value = await self.worker.call(self.read, deadline=left)
            except Exception as failed:  # each request fails as its own call would have (a page, never a traceback)
                for done, _ in batch:
                    if not done.done():
                        done.set_exception(failed)
                continue
            for done, _ in batch:
                if not done.done():
                    done.set_result(value)

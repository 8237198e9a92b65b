"""How many provider attempts may be in flight, adapted to what the provider says.

`AdaptiveLimit` combines three things an attempt must wait for:
- a concurrency window, adapted by additive increase / multiplicative decrease (AIMD, as TCP):
  +1 per window's worth of answers, halved on a 429 or a timeout, at most once per round trip,
  always within 1..max_concurrency;
- the configured requests/tokens-per-minute buckets (`RateLimiter`): hard ceilings, never adapted;
- pacing from the provider's rate-limit headers: the budget left before its reset is spread over
  the time to the reset instead of bursting into 429s; a Retry-After pauses every new start.

    async with limit.slot(tokens, prepare=record_attempt) as record:
        response = await provider.complete(request)   # one attempt
        limit.succeeded(response.rate_limits)          # or limit.throttled(error.retry_after) on 429/timeout

`prepare` (optional) runs before the attempt waits for its place, with at most max_concurrency
attempts preparing or waiting at a time: the gateway makes the attempt's record durable there, so
that write overlaps the attempts in flight instead of holding a place in the window.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TypeVar

from muse_core.ratelimit import RateLimiter

# The number of the current task's latest attempt (attempts are numbered as they start): a throttle
# of an attempt that started before the last decrease is the same congestion event, not a new one.
_attempt_number: ContextVar[int | None] = ContextVar("muse_attempt_number", default=None)

T = TypeVar("T")


class AdaptiveLimit:
    def __init__(self, max_concurrency: int, requests_per_minute: float | None, tokens_per_minute: float | None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency
        self._rate = RateLimiter(requests_per_minute, tokens_per_minute)
        self._clock = clock
        # Start at the ceiling: it is what the user configured and what the gateway did before (a
        # plain semaphore); local servers never throttle and so keep it, and a remote provider trims
        # it on its first 429s in a few halvings (64 -> 1 in 6), faster than growing from 1 would be.
        self._cwnd = float(max_concurrency)
        self.in_flight = 0
        self._starts: deque[float] = deque()  # start times of the last 60 s, for per_minute()
        self._decreased_after = -1  # the number of the last attempt started before the last decrease
        self._pause_until = 0.0  # Retry-After
        # What the latest rate-limit headers said (at `_budget_time`): `_budget` more attempts may
        # start (one less each start), `_interval` apart, the next place frees in `_reset` s. None: no headers.
        self._budget: float | None = None
        self._budget_time = 0.0
        self._reset = 0.0
        self._interval = 0.0
        self._last_start = float("-inf")
        self._attempts = 0
        self._tokens_per_attempt = 0.0  # running mean of the slot sizes, to read a token budget as attempts
        self._admission: asyncio.Lock | None = None  # made in the running loop (the limit may be built outside one)
        self._freed: asyncio.Event | None = None
        self._ahead: asyncio.Semaphore | None = None  # attempts preparing or waiting for a place
        # A limit shared with other processes (a cluster's workers: flows/scale.py), awaited with the
        # attempt's tokens once this process's own limits let it start.
        self.shared: Callable[[int], Awaitable[None]] | None = None

    # -- the state shown and tested ----------------------------------------------------------
    @property
    def window(self) -> int:
        """The current adapted limit on attempts in flight, 1..max_concurrency."""
        return max(1, min(self.max_concurrency, int(self._cwnd)))

    def per_minute(self) -> float:
        """Attempts started in the last 60 s."""
        self._forget_old(self._clock())
        return float(len(self._starts))

    def describe(self) -> str:
        """Short text for a progress bar: '12/64 in flight · 230/min', plus a pause if one holds."""
        text = f"{self.in_flight}/{self.window} in flight · {self.per_minute():.0f}/min"
        now = self._clock()
        wait = max(self._pause_until - now, self._pacing_delay(now))
        return f"{text} · paused {wait:.0f}s" if 1 <= wait < float("inf") else text

    # -- entering and leaving ------------------------------------------------------------------
    @asynccontextmanager
    async def slot(self, tokens: int, prepare: Callable[[], Awaitable[T]] | None = None) -> AsyncIterator[T | None]:
        """One provider attempt: waits for a place in the window, the rpm/tpm buckets and any pause.
        Yields what `prepare` returned; it ran first, while at most max_concurrency attempts were
        preparing or waiting (so what it makes for attempts not yet sent stays bounded)."""
        if self._ahead is None:
            self._ahead = asyncio.Semaphore(self.max_concurrency)
        async with self._ahead:
            prepared = await prepare() if prepare is not None else None
            await self._enter(tokens)
        try:
            yield prepared
        finally:
            self.in_flight -= 1
            if self._freed is not None:
                self._freed.set()

    async def _enter(self, tokens: int) -> None:
        if self._admission is None or self._freed is None:
            self._admission, self._freed = asyncio.Lock(), asyncio.Event()
        # One admission at a time, in arrival order (asyncio.Lock is fair): a waiting call is not overtaken.
        async with self._admission:
            while True:
                if self.in_flight >= self.window:
                    self._freed.clear()
                    await self._freed.wait()  # set when an attempt leaves
                    continue
                now = self._clock()
                delay = max(self._pause_until - now, self._pacing_delay(now), self._rate.wait_time(tokens))
                if delay == float("inf"):
                    self._freed.clear()
                    await self._freed.wait()  # set by an answer (newer headers) or an attempt leaving
                    continue
                if delay > 0:
                    await asyncio.sleep(delay)  # then look again: a pause may have grown meanwhile
                    continue
                break
            if self.shared is not None:
                await self.shared(tokens)
            self._rate.take(tokens)
            now = self._clock()
            if self._budget is not None:
                self._budget -= 1
            self.in_flight += 1
            self._last_start = now
            self._starts.append(now)
            self._forget_old(now)
            self._attempts += 1
            self._tokens_per_attempt += (tokens - self._tokens_per_attempt) / min(self._attempts, 100)
            _attempt_number.set(self._attempts)

    def _pacing_delay(self, now: float) -> float:
        """Seconds until the provider's budget (as its latest headers told it) allows a start; inf
        while it is spent and an answer with newer headers is on its way."""
        if self._budget is None:
            return 0.0
        spacing = self._last_start + self._interval - now
        if self._budget >= 1:
            return spacing
        if self._budget >= 0:
            # none left: one place frees up at the reset (a trailing window frees them one by one,
            # at uneven times): one start then, and the next when its answer tells more
            return max(spacing, self._budget_time + self._reset - now)
        if self.in_flight:
            return float("inf")
        return self._last_start + self._reset - now  # nothing in flight to tell more: one try per reset

    def _forget_old(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - 60:
            self._starts.popleft()

    # -- what the provider said ------------------------------------------------------------------
    def succeeded(self, rate_limits: dict[str, float] | None) -> None:
        """An answer: widen the window by 1/window (so by one per window's worth of answers), and
        pace by the rate-limit headers if they came."""
        self._cwnd = min(float(self.max_concurrency), self._cwnd + 1.0 / self._cwnd)
        if self._freed is not None:
            self._freed.set()  # a wider window may admit a waiting call
        if rate_limits:
            self._pace(rate_limits)

    def throttled(self, retry_after: float | None, rate_limits: dict[str, float] | None = None) -> None:
        """A 429 or a timeout: halve the window, once per round trip (the other attempts that were
        already in flight when it was halved report the same congestion). A Retry-After pauses
        every new start that long."""
        now = self._clock()
        number = _attempt_number.get()
        if number is None or number > self._decreased_after:
            self._cwnd = max(1.0, self.window / 2)
            self._decreased_after = self._attempts
        if retry_after is not None and retry_after > 0:
            self._pause_until = max(self._pause_until, now + retry_after)
        if rate_limits:
            self._pace(rate_limits)
        if self._freed is not None:
            self._freed.set()  # a waiting call looks again at the new state

    def _pace(self, rate_limits: dict[str, float]) -> None:
        """Spread what is left of the provider's budget over the time to its reset (always: with
        plenty left the spacing is negligible, and pacing only once it is low would spend most of
        the budget in a burst that a trailing-window provider frees again in a burst). The latest
        headers replace earlier ones. Tokens are read as attempts of the average size seen."""
        now = self._clock()
        per = self._tokens_per_attempt
        budgets = [(rate_limits.get("remaining_requests"), rate_limits.get("reset_requests_s"))]
        if per > 0 and rate_limits.get("remaining_tokens") is not None:
            budgets.append((rate_limits["remaining_tokens"] / per, rate_limits.get("reset_tokens_s")))
        # The provider counted this attempt when it arrived: the attempts started after it (in flight
        # or even done, answers come back out of order) are not in its `remaining`.
        number = _attempt_number.get()
        later = self._attempts - number if number is not None else max(0, self.in_flight - 1)
        tightest: tuple[float, float] | None = None
        for remaining, reset in budgets:
            if remaining is None or reset is None:
                continue
            ahead, reset = remaining - later, max(reset, 0.001)
            if tightest is None or ahead / reset < tightest[0] / tightest[1]:
                tightest = (ahead, reset)
        if tightest is None:
            return
        ahead, reset = tightest
        self._budget, self._budget_time, self._reset = ahead, now, reset
        self._interval = reset / ahead if ahead >= 1 else 0.0

"""Requests-per-minute and tokens-per-minute limiting for provider calls (token buckets)."""

from __future__ import annotations

import time


class TokenBucket:
    """Holds up to `per_minute` units, refilled continuously; `take` waits until enough are there."""

    def __init__(self, per_minute: float) -> None:
        self.capacity = per_minute
        self.level = per_minute
        self.rate = per_minute / 60.0
        self.updated = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, amount: float) -> float:
        """Seconds until `amount` units are available (0 if they are now); never more than one refill."""
        self._refill()
        amount = min(amount, self.capacity)  # a request bigger than a minute's budget still goes, alone
        return max(0.0, (amount - self.level) / self.rate)

    def take(self, amount: float) -> None:
        self._refill()
        self.level -= min(amount, self.capacity)


class RateLimiter:
    """Both limits at once. None disables a limit."""

    def __init__(self, requests_per_minute: float | None, tokens_per_minute: float | None) -> None:
        self.requests = TokenBucket(requests_per_minute) if requests_per_minute else None
        self.tokens = TokenBucket(tokens_per_minute) if tokens_per_minute else None

    def wait_time(self, tokens: int) -> float:
        """Seconds until one request of `tokens` fits both limits (0 if it does now); takes nothing."""
        return max(self.requests.wait_time(1) if self.requests else 0.0,
                   self.tokens.wait_time(tokens) if self.tokens else 0.0)

    def take(self, tokens: int) -> None:
        """Spend one request and `tokens` (the caller waited by `wait_time` itself, callers in arrival
        order: muse_core.concurrency.AdaptiveLimit)."""
        if self.requests:
            self.requests.take(1)
        if self.tokens:
            self.tokens.take(tokens)

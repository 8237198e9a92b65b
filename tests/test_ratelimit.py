import asyncio

from muse_core import ratelimit
from muse_core.ratelimit import RateLimiter, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_refills_at_its_rate(monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr(ratelimit.time, "monotonic", clock)
    bucket = TokenBucket(per_minute=60)  # one a second, burst of 60
    bucket.take(60)
    assert bucket.wait_time(1) == 1.0
    clock.now += 0.5
    assert bucket.wait_time(1) == 0.5
    clock.now += 10
    assert bucket.wait_time(10) == 0.0
    assert bucket.wait_time(1000) == 49.5  # capped at one minute's budget: a huge request still goes


def test_limiter_waits_for_tokens(monkeypatch) -> None:
    clock = Clock()
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    monkeypatch.setattr(ratelimit.time, "monotonic", clock)
    monkeypatch.setattr(ratelimit.asyncio, "sleep", fake_sleep)
    limiter = RateLimiter(requests_per_minute=None, tokens_per_minute=600)  # 10 tokens a second

    async def go():
        await limiter.acquire(600)  # the whole burst
        await limiter.acquire(100)  # must wait 10 s of refill

    asyncio.run(go())
    assert slept == [10.0]

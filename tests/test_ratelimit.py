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


def test_limiter_spends_both_budgets_and_says_how_long_to_wait(monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr(ratelimit.time, "monotonic", clock)
    limiter = RateLimiter(requests_per_minute=120, tokens_per_minute=600)  # 2 requests, 10 tokens a second
    assert limiter.wait_time(600) == 0.0
    limiter.take(600)  # the whole token burst
    assert limiter.wait_time(100) == 10.0  # the tokens bind: 10 s of refill
    clock.now += 10
    assert limiter.wait_time(100) == 0.0
    assert RateLimiter(None, None).wait_time(10**9) == 0.0  # no limits

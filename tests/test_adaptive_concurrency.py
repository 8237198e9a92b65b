"""Adaptive concurrency: the AIMD window, the rpm/tpm ceilings and header pacing of AdaptiveLimit;
the litellm provider's rate-limit headers, throttles and timeouts; the offline server's latency and
requests-per-minute cap; the progress bar's live status."""

import asyncio
import io
import subprocess
import sys
from collections.abc import Callable

import httpx
import litellm
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from muse_core import concurrency, ratelimit
from muse_core.concurrency import AdaptiveLimit
from muse_core.llm import LLMRequest, ProviderError
from muse_core.progress import Progress
from muse_plugins.litellm_provider import LiteLLMProvider, _classify, parse_duration, rate_limits
from muse_plugins.offline.server import BackgroundServer, Faults, RequestWindow, create_app, duration
from tests.helpers import ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """A fake clock for the limiter and its buckets; asyncio.sleep advances it (and only yields)."""
    clock, real_sleep = Clock(), asyncio.sleep
    clock.slept = []

    async def sleep(delay: float) -> None:
        clock.slept.append(delay)
        clock.now += max(0.0, delay)
        await real_sleep(0)

    monkeypatch.setattr(ratelimit.time, "monotonic", clock)
    monkeypatch.setattr(concurrency.asyncio, "sleep", sleep)
    return clock


def limit_with(clock: Clock, max_concurrency: int = 8, rpm: float | None = None,
               tpm: float | None = None) -> AdaptiveLimit:
    return AdaptiveLimit(max_concurrency, rpm, tpm, clock=clock)


# -- the window ----------------------------------------------------------------------------------
events = st.lists(st.one_of(
    st.just(("ok", None)),
    st.builds(lambda r: ("ok", {"remaining_requests": r, "reset_requests_s": 1.0}), st.integers(0, 50)),
    st.builds(lambda a: ("throttled", a), st.one_of(st.none(), st.floats(0, 5))),
), max_size=200)


@given(st.integers(1, 128), events)
def test_the_window_stays_in_bounds_shrinks_only_on_throttles_and_grows_on_answers(max_c: int, seq: list) -> None:
    limit = AdaptiveLimit(max_c, None, None, clock=Clock())
    assert limit.window == max_c  # starts at the ceiling
    for kind, arg in seq:
        before, cwnd = limit.window, limit._cwnd
        if kind == "ok":
            limit.succeeded(arg)
            assert limit.window >= before
            assert limit._cwnd > cwnd or limit.window == max_c
        else:
            limit.throttled(arg)  # outside a slot: each one is a new congestion event
            assert limit.window <= before
            assert limit.window == max(1, before // 2) or before == 1
        assert 1 <= limit.window <= max_c


def test_a_window_grows_by_one_per_window_of_answers() -> None:
    limit = AdaptiveLimit(64, None, None, clock=Clock())
    limit.throttled(None)
    limit.throttled(None)
    assert limit.window == 16
    answers = 0
    while limit.window == 16:
        limit.succeeded(None)
        answers += 1
    assert limit.window == 17 and answers in (16, 17)  # 1/window each: about one per window's worth


def test_throttles_of_one_round_trip_halve_the_window_once(clock: Clock) -> None:
    limit = limit_with(clock, 16)

    async def attempt(throttle: bool) -> None:
        async with limit.slot(10):
            await asyncio.sleep(0)
            if throttle:
                limit.throttled(None)

    async def go() -> None:
        await asyncio.gather(*(attempt(True) for _ in range(16)))  # all started before the first halving
        assert limit.window == 8
        await attempt(True)  # started after it: a new event
        assert limit.window == 4

    asyncio.run(go())


def test_prepare_runs_before_the_place_is_taken_for_at_most_max_concurrency_attempts(clock: Clock) -> None:
    limit, waiting, most_waiting, in_flight_when_prepared = limit_with(clock, 3), [0], [0], []

    async def prepare() -> int:
        in_flight_when_prepared.append(limit.in_flight)
        number = len(in_flight_when_prepared)
        waiting[0] += 1
        most_waiting[0] = max(most_waiting[0], waiting[0])
        await asyncio.sleep(0)
        return number

    async def attempt() -> int:
        async with limit.slot(10, prepare=prepare) as prepared:
            waiting[0] -= 1
            for _ in range(3):
                await asyncio.sleep(0.01)
            return prepared

    async def go() -> list[int]:
        return await asyncio.gather(*(attempt() for _ in range(12)))

    assert sorted(asyncio.run(go())) == list(range(1, 13))  # each attempt got what its prepare returned
    assert most_waiting[0] == 3  # prepared but not yet in flight: never more than max_concurrency
    assert max(in_flight_when_prepared) == 3  # preparing while the window was full


def test_attempts_in_flight_never_exceed_the_window(clock: Clock) -> None:
    limit, peak = limit_with(clock, 4), []

    async def attempt(i: int) -> None:
        async with limit.slot(10):
            peak.append(limit.in_flight)
            for _ in range(i % 3 + 1):
                await asyncio.sleep(0.01)
            if i == 10:
                limit.throttled(None)

    async def go() -> None:
        await asyncio.gather(*(attempt(i) for i in range(40)))

    asyncio.run(go())
    assert max(peak) == 4 and limit.in_flight == 0
    assert max(peak[12:]) <= 2 + 1  # after the throttle, the window is 2 (+1 per window of answers at most)


# -- waits: Retry-After, pacing, hard ceilings ----------------------------------------------------
def run_slots(limit: AdaptiveLimit, n: int, after: Callable[[int], None] = lambda i: None) -> None:
    async def go() -> None:
        for i in range(n):
            async with limit.slot(100):
                after(i)
    asyncio.run(go())


def test_a_retry_after_pauses_new_starts(clock: Clock) -> None:
    limit = limit_with(clock)
    limit.throttled(2.5)
    assert "paused" in limit.describe()
    run_slots(limit, 1)
    assert clock.slept == [2.5]


def test_the_budget_is_spread_over_the_time_to_its_reset(clock: Clock) -> None:
    limit = limit_with(clock)
    limit.succeeded({"remaining_requests": 5, "reset_requests_s": 10.0, "limit_requests": 1000})
    run_slots(limit, 7)
    # 5 left for 10 s: one every 2 s; then one when a place frees at the reset; then, with nothing
    # in flight to bring newer headers, one try per reset
    assert clock.slept == [pytest.approx(2.0)] * 5 + [pytest.approx(10.0)]
    limit.succeeded({"remaining_requests": 10_000, "reset_requests_s": 1.0})
    run_slots(limit, 3)
    assert max(clock.slept[6:]) <= 0.001  # plenty left: the spacing is negligible


def test_no_budget_left_waits_for_the_reset(clock: Clock) -> None:
    limit = limit_with(clock)
    limit.succeeded({"remaining_requests": 0, "reset_requests_s": 4.0})
    run_slots(limit, 1)
    assert clock.slept == [pytest.approx(4.0)]


def test_a_spent_budget_waits_for_the_answer_in_flight(clock: Clock) -> None:
    limit, order = limit_with(clock), []
    limit.succeeded({"remaining_requests": 0, "reset_requests_s": 100.0})

    async def first(answered: asyncio.Event) -> None:
        async with limit.slot(10):
            order.append("first starts")
            await answered.wait()
            order.append("first answered")
            limit.succeeded({"remaining_requests": 3, "reset_requests_s": 1.0})

    async def second() -> None:
        async with limit.slot(10):
            order.append("second starts")

    async def go() -> None:
        answered = asyncio.Event()
        one = asyncio.create_task(first(answered))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        two = asyncio.create_task(second())
        for _ in range(20):
            await asyncio.sleep(0)
        assert order == ["first starts"]  # the budget is spent and an answer is on its way: wait for it
        answered.set()
        await asyncio.gather(one, two)

    asyncio.run(go())
    assert order == ["first starts", "first answered", "second starts"]


def test_a_token_budget_paces_like_a_request_budget(clock: Clock) -> None:
    limit = limit_with(clock)
    run_slots(limit, 1)  # the limit learns that an attempt is about 100 tokens
    limit.succeeded({"remaining_tokens": 400, "reset_tokens_s": 8.0, "limit_tokens": 100_000})
    run_slots(limit, 2)
    assert clock.slept == [pytest.approx(2.0)] * 2  # 4 attempts' worth over 8 s: one every 2 s


def test_the_configured_rpm_stays_a_hard_ceiling(clock: Clock) -> None:
    limit = limit_with(clock, 8, rpm=60)
    for _ in range(50):
        limit.succeeded({"remaining_requests": 10_000, "reset_requests_s": 1.0, "limit_requests": 10_000})
    run_slots(limit, 62)
    waits = [w for w in clock.slept if w > 0.01]  # (the headers' spacing is 0.1 ms)
    assert waits == [pytest.approx(1.0, abs=0.01)] * 2  # 60 at once, then one a second
    assert limit.per_minute() == 62


def test_describe_says_in_flight_and_per_minute(clock: Clock) -> None:
    limit = limit_with(clock, 64)
    seen = []
    run_slots(limit, 3, lambda i: seen.append(limit.describe()))
    assert seen[-1] == "1/64 in flight · 3/min"
    clock.now += 61
    assert limit.describe() == "0/64 in flight · 0/min"


# -- the litellm provider ------------------------------------------------------------------------
def test_reset_durations_and_headers_are_read() -> None:
    assert [parse_duration(t) for t in ("1m0s", "20ms", "1.5s", "6m0s", "2h3m4s", "0.25", "1s20ms")] == [
        60, 0.02, 1.5, 360, 7384, 0.25, 1.02]
    assert parse_duration("Wed, 21 Oct 2015 07:28:00 GMT") is None and parse_duration("") is None
    assert rate_limits({"llm_provider-x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "1m2s",
                        "x-ratelimit-limit-tokens": "many"}) == {"remaining_requests": 5, "reset_requests_s": 62}
    assert rate_limits({"content-type": "application/json"}) is None and rate_limits(None) is None
    for seconds in (0.0, 0.02, 1.5, 59.99, 60, 90.5, 3600):
        assert parse_duration(duration(seconds)) == pytest.approx(seconds, abs=0.01)


def test_a_rate_limit_error_is_a_429_with_its_headers_and_a_timeout_is_flagged() -> None:
    headers = {"retry-after": "3", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "3s"}
    response = httpx.Response(429, headers=headers, request=httpx.Request("POST", "http://127.0.0.1/v1"))
    error = _classify(litellm.RateLimitError("slow down", llm_provider="openai", model="m", response=response), "m")
    assert error.status == 429 and error.throttled and error.retryable and error.retry_after == 3
    assert error.rate_limits == {"remaining_requests": 0, "reset_requests_s": 3}
    timeout = _classify(litellm.Timeout("timed out", model="m", llm_provider="openai"), "m")
    assert timeout.timeout and timeout.throttled and timeout.retryable  # (litellm gives it status 408)


def served(url: str, seed: int) -> LLMRequest:
    return LLMRequest(model="openai/x", messages=[{"role": "user", "content": f"hello {seed}"}], temperature=0.5,
                      seed=seed, skill="chatter_greet", skill_version=1, inputs={}, api_base=url, timeout_s=10,
                      send_inputs=True)


def test_the_provider_reads_the_servers_limits_and_its_429() -> None:
    provider = LiteLLMProvider()
    with BackgroundServer(Faults(rpm_limit=3)) as server:
        async def go() -> tuple[list, ProviderError]:
            answers = [await provider.complete(served(server.url, i)) for i in range(3)]
            with pytest.raises(ProviderError) as refused:
                await provider.complete(served(server.url, 3))
            return answers, refused.value

        answers, refused = asyncio.run(go())
        stats = server.stats
    assert [a.rate_limits["remaining_requests"] for a in answers] == [2, 1, 0]
    assert all(a.rate_limits["limit_requests"] == 3 and 0 < a.rate_limits["reset_requests_s"] <= 60 for a in answers)
    assert refused.status == 429 and refused.throttled and 0 < refused.retry_after <= 60
    assert refused.rate_limits["remaining_requests"] == 0
    assert stats["throttled"] == 1 and stats["answers"] == 3 and stats["requests"] == 4


def test_many_async_calls_then_a_new_event_loop_do_not_hang() -> None:
    """litellm's async logging worker used to hang a loop closing with log events queued."""
    script = (
        "import asyncio\n"
        "from muse_plugins.offline.server import BackgroundServer, Faults\n"
        "from muse_plugins.litellm_provider import LiteLLMProvider\n"
        "from tests.test_adaptive_concurrency import served\n"
        "provider = LiteLLMProvider()\n"
        "with BackgroundServer(Faults(latency_s=0.05)) as server:\n"
        "    for run in range(2):\n"
        "        async def go():\n"
        "            return await asyncio.gather(*(provider.complete(served(server.url, i)) for i in range(64)))\n"
        "        assert len(asyncio.run(go())) == 64\n"
        "print('both loops done')\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "both loops done" in done.stdout, done.stderr[-2000:]


# -- the offline server ------------------------------------------------------------------------
def test_the_request_window_counts_the_trailing_minute() -> None:
    clock = Clock()
    window = RequestWindow(2, clock=clock)
    assert window.admit() == (True, {"x-ratelimit-limit-requests": "2", "x-ratelimit-remaining-requests": "1",
                                     "x-ratelimit-reset-requests": "1m0s"})
    clock.now += 10
    assert window.admit()[0]
    clock.now += 20
    admitted, headers = window.admit()
    assert not admitted and headers["retry-after"] == "30.000" and headers["x-ratelimit-reset-requests"] == "30s"
    clock.now += 30  # the first request leaves the window
    admitted, headers = window.admit()
    assert admitted and headers["x-ratelimit-remaining-requests"] == "0"


def test_the_server_sends_limit_headers_and_counts_throttles() -> None:
    client = TestClient(create_app(Faults(rpm_limit=2, latency_s=0.01)))
    body = {"messages": [{"role": "user", "content": "hi"}], "muse": {"skill": "chatter_greet", "inputs": {}}}
    first, second, third = (client.post("/v1/chat/completions", json=body) for _ in range(3))
    assert first.status_code == second.status_code == 200
    assert first.headers["x-ratelimit-remaining-requests"] == "1" and second.headers["x-ratelimit-limit-requests"] == "2"
    assert third.status_code == 429 and float(third.headers["retry-after"]) > 0
    assert third.json()["error"]["type"] == "rate_limit_error"
    assert client.get("/stats").json() == {"requests": 3, "throttled": 1, "answers": 2, "engine_malformed": 0}


def test_latency_is_awaited_so_requests_overlap() -> None:
    """64 requests of 0.3 s each, all at once: they finish together, not one after another (a
    serial server would need 19 s; the bound is loose on purpose)."""
    with BackgroundServer(Faults(latency_s=0.3)) as server:
        async def go() -> float:
            async with httpx.AsyncClient(timeout=30) as client:
                body = {"messages": [{"role": "user", "content": "hi"}],
                        "muse": {"skill": "chatter_greet", "inputs": {}}}
                loop = asyncio.get_running_loop()
                started = loop.time()
                answers = await asyncio.gather(*(client.post(f"{server.url}/chat/completions", json=body)
                                                 for _ in range(64)))
                assert all(a.status_code == 200 for a in answers)
                return loop.time() - started

        assert asyncio.run(go()) < 10


def test_bad_latency_or_rpm_is_refused() -> None:
    with pytest.raises(ValueError):
        Faults(latency_s=-1)
    with pytest.raises(ValueError):
        Faults(rpm_limit=0)


# -- the progress bar ------------------------------------------------------------------------------
def test_a_watched_status_shows_beside_the_bar_and_silent_progress_keeps_it() -> None:
    silent = Progress.silent()
    assert silent.status() == ""
    silent.watch(lambda: "3/8 in flight · 12/min")
    with silent.task("simulating", total=2):
        silent.advance()
    assert silent.status() == "3/8 in flight · 12/min"

    out = io.StringIO()
    shown = Progress(Console(file=out, force_terminal=True, width=160))
    counter = iter(range(100))
    shown.watch(lambda: f"{next(counter)}/64 in flight")
    with shown.task("simulating", total=2):
        shown.advance(2)
    assert "/64 in flight" in out.getvalue()
    shown.watch(None)
    assert shown.status() == ""

import asyncio
import json

import pytest
from pydantic import BaseModel

from muse_core.config import MuseConfig, RoleConfig
from muse_core.llm import Gateway, LLMCallError, LLMRequest, LLMResponse, ProviderError
from muse_core.runs import start_run
from muse_core.store import Store
from tests.helpers import draw_product


class Answer(BaseModel):
    colour: str
    count: int


class Scripted:
    """A provider that plays back a script of answers and failures, and remembers requests."""

    name = "scripted"

    def __init__(self, *script) -> None:
        self.script = list(script)
        self.requests: list[LLMRequest] = []

    async def complete(self, request: LLMRequest) -> LLMResponse:
        self.requests.append(request)
        step = self.script.pop(0) if self.script else '{"colour": "red", "count": 1}'
        if isinstance(step, Exception):
            raise step
        return LLMResponse(step, 10, 5, 0.001)


class OneProvider:
    def __init__(self, provider) -> None:
        self.provider = provider

    def get(self, kind: str, name: str):
        assert (kind, name) == ("llm_provider", "scripted")
        return self.provider


PROBE_SKILL = """
name = "probe"
version = 3
role = "agent"
system = "You answer probes."
user = "Describe {{ thing }}."
"""


def gateway(store: Store, provider, **gateway_settings) -> Gateway:
    skills = store.path.parent / "skills"
    skills.mkdir(exist_ok=True)
    (skills / "probe.toml").write_text(PROBE_SKILL)
    config = MuseConfig(
        db=store.path,
        roles={"agent": RoleConfig(provider="scripted", model="m")},
        gateway={"backoff_base_s": 0.0, "requests_per_minute": None, "tokens_per_minute": None, **gateway_settings},
    )
    return Gateway(store, config, start_run(store, "test", config), skill_dirs=(skills,),
                   registry=OneProvider(provider))


def ask(gw: Gateway, entity: str = "e1", images=()):
    return asyncio.run(gw.run("probe", {"thing": entity}, output=Answer, image_product_ids=list(images), entity_id=entity))


def calls(store: Store) -> list[dict]:
    return store.rows("SELECT status, attempt, error, cost_usd FROM llm_calls ORDER BY created_at")


def test_second_identical_call_is_replayed_from_the_store_at_zero_cost(store: Store) -> None:
    provider = Scripted('{"colour": "blue", "count": 2}')
    gw = gateway(store, provider)
    first, second = ask(gw), ask(gw)
    assert first.value == second.value == Answer(colour="blue", count=2)
    assert (first.cache_hit, second.cache_hit) == (False, True)
    assert second.cost_usd == 0 and first.cost_usd == pytest.approx(0.001)
    assert len(provider.requests) == 1 and len(calls(store)) == 1  # a hit adds no row
    gw.flush_stats()
    assert store.rows("SELECT cache_hits, cache_misses FROM runs") == [{"cache_hits": 1, "cache_misses": 1}]


def test_a_different_entity_or_seed_is_a_different_key(store: Store) -> None:
    provider = Scripted()
    gw = gateway(store, provider)
    a, b = ask(gw, "e1"), ask(gw, "e2")
    assert a.cache_key != b.cache_key and len(provider.requests) == 2


def test_transient_failures_are_retried_and_recorded(store: Store) -> None:
    provider = Scripted(ProviderError("429 slow down", retryable=True, retry_after=0.01),
                        ProviderError("503 unavailable", retryable=True), '{"colour": "red", "count": 3}')
    result = ask(gateway(store, provider))
    assert result.value.count == 3
    rows = calls(store)
    assert [(r["status"], r["attempt"]) for r in rows] == [("error", 0), ("error", 1), ("ok", 2)]
    assert "429 slow down" in rows[0]["error"]


def test_permanent_failure_stops_at_once(store: Store) -> None:
    provider = Scripted(ProviderError("401 bad key", retryable=False))
    with pytest.raises(LLMCallError, match="401 bad key"):
        ask(gateway(store, provider))
    assert len(provider.requests) == 1


def test_retries_are_bounded(store: Store) -> None:
    provider = Scripted(*[ProviderError("500", retryable=True)] * 10)
    with pytest.raises(LLMCallError, match="after 3 attempt"):
        ask(gateway(store, provider, max_retries=2))
    assert len(provider.requests) == 3


def test_invalid_answer_is_reasked_with_the_validation_error(store: Store) -> None:
    provider = Scripted('{"colour": "red"}', '```json\n{"colour": "red", "count": 4}\n```')
    result = ask(gateway(store, provider))
    assert result.value == Answer(colour="red", count=4)
    reask = provider.requests[1].messages[-1]["content"]
    assert "count" in reask and "invalid" in reask
    assert [r["status"] for r in calls(store)] == ["invalid", "ok"]


def test_never_valid_answer_fails_loudly(store: Store) -> None:
    provider = Scripted("no json here", "still none", "{}")
    with pytest.raises(LLMCallError, match="no valid answer after 3 tries"):
        ask(gateway(store, provider, structured_retries=2))


def test_a_reasked_call_is_replayed_and_an_abandoned_one_asked_afresh(store: Store) -> None:
    provider = Scripted("oops", '{"colour": "red", "count": 5}')
    gw = gateway(store, provider)
    ask(gw)
    again = ask(gw)  # the whole chain replays: no call
    assert again.cache_hit and again.value.count == 5 and len(provider.requests) == 2

    # A chain that never got a valid answer is abandoned: a rerun asks again instead of replaying it.
    provider = Scripted("no", "still no", '{"colour": "blue", "count": 7}')
    gw = gateway(store, provider, structured_retries=1)
    with pytest.raises(LLMCallError):
        ask(gw, "e2")
    assert ask(gw, "e2").value.count == 7 and len(provider.requests) == 3
    statuses = store.rows("SELECT status, count(*) AS n FROM llm_calls WHERE entity_id = 'e2' GROUP BY ALL ORDER BY ALL")
    assert statuses == [{"status": "abandoned", "n": 2}, {"status": "ok", "n": 1}]


def test_each_attempt_is_recorded_before_it_goes_out(store: Store) -> None:
    seen = []

    class Peeking(Scripted):
        async def complete(self, request: LLMRequest) -> LLMResponse:
            seen.append(store.rows("SELECT status, attempt FROM llm_calls UNION ALL"
                                   " SELECT 'pending', attempt FROM llm_calls_pending ORDER BY attempt"))
            return await super().complete(request)

    ask(gateway(store, Peeking(ProviderError("busy", retryable=True, status=503), '{"colour": "red", "count": 5}')))
    assert seen == [[{"status": "pending", "attempt": 0}],
                    [{"status": "error", "attempt": 0}, {"status": "pending", "attempt": 1}]]

    # a provider in this process (nothing billed, nothing outlives a kill) gets one row, written once
    seen.clear()
    Peeking.in_process = True
    ask(gateway(store, Peeking('{"colour": "blue", "count": 2}')), "e2")
    assert seen == [[{"status": "error", "attempt": 0}, {"status": "ok", "attempt": 1}]]
    assert calls(store)[-1]["status"] == "ok" and len(calls(store)) == 3


def test_a_cancelled_call_is_marked_interrupted_not_left_pending(store: Store) -> None:
    class Hanging(Scripted):
        async def complete(self, request: LLMRequest) -> LLMResponse:
            await asyncio.sleep(30)

    async def cancel_it() -> None:
        task = asyncio.ensure_future(gateway(store, Hanging()).run("probe", {"thing": "e1"}, output=Answer,
                                                                   entity_id="e1"))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_it())
    assert [r["status"] for r in calls(store)] == ["interrupted"]


def test_a_call_waiting_for_its_place_is_on_record_and_a_cancel_says_it_was_not_sent(store: Store) -> None:
    # The pending row is written before the attempt takes its place in the window (the commit overlaps
    # the attempts in flight), so a call queued behind a full window already has one.
    class Hanging(Scripted):
        async def complete(self, request: LLMRequest) -> LLMResponse:
            await asyncio.sleep(30)

    async def go() -> None:
        gw = gateway(store, Hanging(), max_concurrency=1)
        first, second = (asyncio.ensure_future(gw.run("probe", {"thing": e}, output=Answer, entity_id=e))
                         for e in ("e1", "e2"))
        await asyncio.sleep(0.3)
        assert gw.limit.in_flight == 1 and store.scalar("SELECT count(*) FROM llm_calls_pending") == 2
        for task in (second, first):
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        gw.calls.flush()

    asyncio.run(go())
    rows = store.rows("SELECT entity_id, status, error FROM llm_calls ORDER BY entity_id")
    assert rows == [{"entity_id": "e1", "status": "interrupted",
                     "error": "cancelled before the answer was recorded; outcome unknown"},
                    {"entity_id": "e2", "status": "interrupted", "error": "cancelled before the request was sent"}]
    assert store.scalar("SELECT count(*) FROM llm_calls_pending") == 0


def test_a_missing_input_is_a_clear_error(store: Store) -> None:
    from muse_core.skills import SkillError

    with pytest.raises(SkillError, match="needs an input"):
        asyncio.run(gateway(store, Scripted()).run("probe", {}, output=Answer))


def test_images_go_as_data_urls_and_are_stored_by_hash(store: Store, tmp_path) -> None:
    png = draw_product(tmp_path / "p.png", (200, 30, 40)).read_bytes()
    store.con.execute("INSERT INTO product_images VALUES ('P', 'MAIN', ?, 'abc123', 'image/png', 128, 128, 'p.png')", [png])
    provider = Scripted()
    ask(gateway(store, provider), images=["P"])
    parts = provider.requests[0].messages[1]["content"]
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,")
    stored = json.loads(store.scalar("SELECT request FROM llm_calls"))
    assert stored[1]["content"][1]["image_url"]["url"] == "sha256:abc123"


def test_a_product_id_with_quotes_finds_its_own_photo_and_no_other(store: Store, tmp_path) -> None:
    # the id is written into the lookup's SQL as a quoted constant (so the primary key's index is used)
    png = draw_product(tmp_path / "p.png", (200, 30, 40)).read_bytes()
    for pid, sha in (("P' OR '1'='1", "quoted"), ("P", "plain")):
        store.con.execute("INSERT INTO product_images VALUES (?, 'MAIN', ?, ?, 'image/png', 128, 128, 'p.png')",
                          [pid, png, sha])
    provider = Scripted()
    ask(gateway(store, provider), images=["P' OR '1'='1"])
    stored = json.loads(store.scalar("SELECT request FROM llm_calls"))
    assert stored[1]["content"][1]["image_url"]["url"] == "sha256:quoted"
    with pytest.raises(LLMCallError, match="no stored image"):
        ask(gateway(store, Scripted()), "e2", images=["Q' OR '1'='1"])


def test_concurrency_limit_is_respected(store: Store) -> None:
    running, peak = 0, 0

    class Slow(Scripted):
        async def complete(self, request):
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1
            return LLMResponse('{"colour": "red", "count": 1}')

    gw = gateway(store, Slow(), max_concurrency=3)

    async def many():
        await asyncio.gather(*(gw.run("probe", {"thing": str(i)}, output=Answer, entity_id=str(i)) for i in range(12)))

    asyncio.run(many())
    assert peak == 3

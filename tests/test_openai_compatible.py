"""The lean `openai-compatible` provider (plugins/openai_compatible.py) against the muse offline
server on loopback, and against a small scripted server for what the offline one never does."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from muse_core.config import OFFLINE_MODEL, MuseConfig, RoleConfig
from muse_core.llm import Gateway, LLMCallError, LLMRequest, ProviderError
from muse_core.runs import start_run
from muse_core.store import Store
from muse_core.summaries import ProductSummary
from muse_plugins.offline.server import BackgroundServer, Faults
from muse_plugins.openai_compatible import OpenAICompatibleProvider

PLANTED_KEY = "sk-muse-test-PLANTED-0c7a93e5d21f"


class OneProvider:
    def __init__(self, provider: OpenAICompatibleProvider) -> None:
        self.provider = provider

    def get(self, kind: str, name: str) -> OpenAICompatibleProvider:
        assert (kind, name) == ("llm_provider", "openai-compatible")
        return self.provider


def products(n: int) -> list[dict]:
    kinds = ["Cotton T-Shirt", "Leather Boots", "Silver Necklace", "Linen Dress", "Wool Scarf"]
    return [{"title": f"Navy {kinds[i % 5]} No. {i}", "features": [f"feature {i}"], "description": [],
             "categories": [], "details": {}, "price": 10.0 + i, "store": "S"} for i in range(n)]


def gateway(store: Store, url: str, provider: OpenAICompatibleProvider, **role: Any) -> Gateway:
    fields = {"provider": "openai-compatible", "model": "bench", "api_base": url, "timeout_s": 2.0,
              "send_inputs": True, **role}
    config = MuseConfig(db=store.path, roles={"agent": RoleConfig(**fields)},
                        gateway={"backoff_base_s": 0.01, "backoff_max_s": 0.05, "max_retries": 6,
                                 "structured_retries": 3, "max_concurrency": 64, "requests_per_minute": None,
                                 "tokens_per_minute": None})
    return Gateway(store, config, start_run(store, "oc-test", config), registry=OneProvider(provider))


def summarise(gw: Gateway, items: list[dict]) -> list:
    async def go() -> list:
        return await asyncio.gather(*(gw.run("product_summary", {"product": p}, output=ProductSummary,
                                             entity_id=f"P{i}") for i, p in enumerate(items)))
    return asyncio.run(go())


def request(url: str | None, i: int = 0, **fields: Any) -> LLMRequest:
    values = {"model": "bench", "messages": [{"role": "user", "content": f"Write the greeting ({i})."}],
              "temperature": 0.7, "seed": i, "skill": "chatter_greet", "skill_version": 1, "inputs": {},
              "api_base": url, "timeout_s": 5.0, "send_inputs": True, **fields}
    return LLMRequest(**values)


def fails(provider: OpenAICompatibleProvider, req: LLMRequest) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        asyncio.run(provider.complete(req))
    return caught.value


@pytest.fixture(autouse=True)
def no_default_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


# -- through the gateway -------------------------------------------------------------------------
def test_the_gateway_gets_structured_answers_with_tokens_model_and_local_pricing(store: Store) -> None:
    provider = OpenAICompatibleProvider()
    with BackgroundServer() as server:
        results = summarise(gateway(store, server.url, provider), products(5))
    assert all(isinstance(r.value, ProductSummary) for r in results)
    rows = store.con.execute("SELECT provider, status, pricing, response_model, prompt_tokens, completion_tokens,"
                             " cost_usd FROM llm_calls").fetchall()
    assert len(rows) == 5
    for row in rows:
        assert row[:4] == ("openai-compatible", "ok", "local", OFFLINE_MODEL)
        assert row[4] > 0 and row[5] > 0 and row[6] == 0


def test_malformed_answers_are_re_asked_and_faults_retried(store: Store) -> None:
    faults = Faults(rate_429=0.1, rate_500=0.1, rate_malformed=0.2, retry_after_s=0.01, seed=5)
    with BackgroundServer(faults) as server:
        results = summarise(gateway(store, server.url, OpenAICompatibleProvider()), products(30))
        stats = server.stats
    assert len(results) == 30 and all(isinstance(r.value, ProductSummary) for r in results)
    assert stats.get("fault_malformed", 0) > 0 and stats.get("fault_429", 0) > 0, stats
    rows = dict(store.con.execute("SELECT status, count(*) FROM llm_calls GROUP BY status").fetchall())
    assert rows["invalid"] == stats["fault_malformed"]
    assert rows["error"] == stats["fault_429"] + stats["fault_500"]
    assert rows["ok"] == 30


def test_sixty_four_concurrent_calls_are_all_answered(store: Store) -> None:
    provider = OpenAICompatibleProvider()
    with BackgroundServer(Faults(latency_s=0.2)) as server:
        gw = gateway(store, server.url, provider)

        async def go() -> list:
            return await asyncio.gather(*(gw.run("chatter_greet", {}, entity_id=f"c{i}") for i in range(64)))
        results = asyncio.run(go())
    assert len({r.cache_key for r in results}) == 64 and all(r.value for r in results)
    # every request answered at the first attempt (re-asks of the engine's own spoilt answers aside)
    rows = dict(store.con.execute("SELECT status, count(*) FROM llm_calls GROUP BY status").fetchall())
    assert rows["ok"] == 64 and "error" not in rows, rows


def test_a_planted_key_reaches_the_server_but_no_stored_error(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # a variable whose name does not look like a secret's: the provider redacts the key it sent itself
    monkeypatch.setenv("MUSE_TEST_LLM", PLANTED_KEY)
    faults = Faults(rate_500=0.6, leak_key_in_errors=True, seed=1)  # the server quotes our Authorization header
    with BackgroundServer(faults) as server:
        summarise(gateway(store, server.url, OpenAICompatibleProvider(), api_key_env="MUSE_TEST_LLM"), products(6))
        assert server.stats["fault_500"] > 0
    assert store.scalar("SELECT count(*) FROM llm_calls WHERE error LIKE '%[REDACTED]%'") > 0
    assert store.scalar("SELECT count(*) FROM llm_calls WHERE error LIKE ?", [f"%{PLANTED_KEY}%"]) == 0
    store.con.execute("CHECKPOINT")
    assert PLANTED_KEY.encode() not in Path(store.path).read_bytes()


def test_a_permanent_error_fails_the_call_at_once(store: Store) -> None:
    with BackgroundServer() as server:
        gw = gateway(store, server.url, OpenAICompatibleProvider(), send_inputs=False)
        with pytest.raises(LLMCallError, match="answers muse skills only"):
            asyncio.run(gw.run("chatter_greet", {}, entity_id="x"))
        assert server.stats["requests"] == 1  # a 400 is not retried


# -- the provider's answers and errors -----------------------------------------------------------
def test_rate_limit_headers_are_read_from_answers_and_from_429s() -> None:
    provider = OpenAICompatibleProvider()
    with BackgroundServer(Faults(rpm_limit=1)) as server:
        async def go() -> tuple:
            first = await provider.complete(request(server.url, 0))
            try:
                await provider.complete(request(server.url, 1))
            except ProviderError as exc:
                return first, exc
            raise AssertionError("the second request within a minute was answered")
        answer, error = asyncio.run(go())
    assert answer.rate_limits is not None
    assert answer.rate_limits["limit_requests"] == 1 and answer.rate_limits["remaining_requests"] == 0
    assert error.status == 429 and error.retryable and error.throttled
    assert error.retry_after is not None and 0 < error.retry_after <= 60
    assert error.rate_limits is not None and error.rate_limits["remaining_requests"] == 0
    assert 0 < error.rate_limits["reset_requests_s"] <= 60


def test_retry_after_of_an_injected_429_and_a_retryable_500() -> None:
    provider = OpenAICompatibleProvider()
    with BackgroundServer(Faults(rate_429=1.0, retry_after_s=0.25)) as server:
        error = fails(provider, request(server.url))
    assert (error.status, error.retryable, error.retry_after) == (429, True, 0.25)
    with BackgroundServer(Faults(rate_500=1.0)) as server:
        error = fails(provider, request(server.url))
    assert (error.status, error.retryable, error.timeout) == (500, True, False)
    assert "internal error (injected)" in str(error)


def test_a_slow_answer_is_a_retryable_timeout() -> None:
    with BackgroundServer(Faults(rate_slow=1.0, slow_seconds=3.0)) as server:
        error = fails(OpenAICompatibleProvider(), request(server.url, timeout_s=0.3))
    assert error.timeout and error.retryable and error.throttled and error.status is None


def test_a_4xx_is_permanent_and_carries_the_servers_message() -> None:
    with BackgroundServer() as server:
        error = fails(OpenAICompatibleProvider(), request(server.url, send_inputs=False))
    assert error.status == 400 and not error.retryable
    assert "this server answers muse skills only" in str(error)


def test_a_closed_port_is_a_retryable_connection_error_and_fails_preflight() -> None:
    with BackgroundServer() as server:
        url = server.url
    provider = OpenAICompatibleProvider()
    error = fails(provider, request(url))
    assert error.retryable and error.status is None and not error.timeout
    with pytest.raises(ProviderError, match="start the server or fix api_base"):
        asyncio.run(provider.check(RoleConfig(provider="openai-compatible", model="m", api_base=url)))


def test_preflight_check_passes_against_the_offline_server() -> None:
    with BackgroundServer() as server:
        role = RoleConfig(provider="openai-compatible", model="m", api_base=server.url, send_inputs=True)
        asyncio.run(OpenAICompatibleProvider().check(role))
        assert server.stats["answers"] == 1


def test_bad_api_bases_and_missing_keys_are_permanent(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = OpenAICompatibleProvider()
    for base in ("http://user:secret@127.0.0.1:9/v1", "ftp://127.0.0.1/v1"):
        error = fails(provider, request(base))
        assert not error.retryable and "secret" not in str(error)
    monkeypatch.delenv("MUSE_NO_SUCH_KEY", raising=False)
    error = fails(provider, request("http://127.0.0.1:9/v1", api_key_env="MUSE_NO_SUCH_KEY"))
    assert error.status == 401 and not error.retryable and "set MUSE_NO_SUCH_KEY" in str(error)


def test_sessions_close_with_their_event_loop() -> None:
    provider = OpenAICompatibleProvider()
    sessions = []
    with BackgroundServer() as server:
        async def go() -> str:
            answer = await provider.complete(request(server.url))
            sessions.append(await provider._session())
            return answer.text
        assert asyncio.run(go()) and asyncio.run(go())  # a second loop gets its own session
    assert len(sessions) == 2 and sessions[0] is not sessions[1]
    assert all(s.closed for s in sessions)


# -- what the offline server never does: a scripted server ---------------------------------------
class Scripted:
    """A loopback HTTP server answering each POST with `answer(body, headers)` -> (status, body,
    headers); it remembers every request's JSON body and headers."""

    def __init__(self, answer: Callable[[dict, dict], tuple[int, Any, dict]]) -> None:
        scripted = self
        self.requests: list[tuple[dict, dict]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                headers = {k.lower(): v for k, v in self.headers.items()}
                scripted.requests.append((body, headers))
                status, data, extra = answer(body, headers)
                raw = data if isinstance(data, bytes) else json.dumps(data).encode()
                self.send_response(status)
                for name, value in {"content-type": "application/json", **extra}.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> Scripted:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(text: str) -> dict:
    return {"model": "scripted-1", "choices": [{"message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3}}


def test_the_request_body_and_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    with Scripted(lambda body, headers: (200, completion("Hi"), {})) as server:
        provider = OpenAICompatibleProvider()
        answer = asyncio.run(provider.complete(request(server.url, 3, max_tokens=20, inputs={"a": 1})))
        monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
        asyncio.run(provider.complete(request(server.url, 4, send_inputs=False)))
    assert (answer.text, answer.prompt_tokens, answer.completion_tokens) == ("Hi", 7, 3)
    assert (answer.response_model, answer.pricing, answer.cost_usd) == ("scripted-1", "local", 0.0)
    (first, first_headers), (second, second_headers) = server.requests
    assert first == {"model": "bench", "messages": [{"role": "user", "content": "Write the greeting (3)."}],
                     "temperature": 0.7, "seed": 3, "max_tokens": 20,
                     "muse": {"skill": "chatter_greet", "skill_version": 1, "inputs": {"a": 1}, "seed": 3,
                              "offline": None}}
    assert "authorization" not in first_headers  # no key set: none sent
    assert "muse" not in second and "max_tokens" not in second
    assert second_headers["authorization"] == f"Bearer {PLANTED_KEY}"


def test_a_refused_response_format_falls_back_and_is_remembered() -> None:
    schema = ProductSummary.model_json_schema()

    def answer(body: dict, headers: dict) -> tuple[int, Any, dict]:
        if body.get("response_format", {}).get("type") == "json_schema":  # like llama.cpp
            return 400, {"error": {"message": "unsupported response_format type json_schema"}}, {}
        return 200, completion("{}"), {}

    with Scripted(answer) as server:
        provider = OpenAICompatibleProvider()
        for i in range(2):
            asyncio.run(provider.complete(request(server.url, i, json_schema=schema, skill="product_summary")))
    forms = [body.get("response_format") for body, _ in server.requests]
    assert [f["type"] for f in forms] == ["json_schema", "json_object", "json_object"]
    assert forms[1]["schema"] == schema and forms[2]["schema"] == schema  # llama.cpp's json_object + schema


def test_an_ollama_style_error_a_redirect_and_a_non_json_answer() -> None:
    replies = iter([(404, {"error": "model 'bench' not found"}, {}),
                    (307, b"", {"location": "http://127.0.0.1:9/elsewhere"}),
                    (200, b"<html>not an API</html>", {"content-type": "text/html"})])
    with Scripted(lambda body, headers: next(replies)) as server:
        provider = OpenAICompatibleProvider()
        missing, moved, html = (fails(provider, request(server.url)) for _ in range(3))
        assert len(server.requests) == 3  # the redirect was not followed
    assert missing.status == 404 and not missing.retryable and "model 'bench' not found" in str(missing)
    assert moved.status == 307 and not moved.retryable
    assert not html.retryable and "not JSON" in str(html)


def test_a_key_quoted_bare_is_redacted_even_from_a_variable_not_named_like_a_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSE_TEST_LLM", PLANTED_KEY)  # "LLM": not a name `secret_values` picks up

    def answer(body: dict, headers: dict) -> tuple[int, Any, dict]:
        key = headers["authorization"].removeprefix("Bearer ")
        return 401, {"error": {"message": f"invalid api key {key}"}}, {}

    with Scripted(answer) as server:
        error = fails(OpenAICompatibleProvider(), request(server.url, api_key_env="MUSE_TEST_LLM"))
    assert error.status == 401 and not error.retryable
    assert PLANTED_KEY not in str(error) and "[REDACTED]" in str(error)

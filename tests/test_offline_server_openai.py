"""The loopback server as the `openai` SDK sees it: streaming, usage chunks, OpenAI-style 400s."""

from collections.abc import Iterator

import httpx
import openai
import pytest

from muse_core.config import OFFLINE_MODEL
from muse_plugins.offline.server import BackgroundServer

GREET = {"muse": {"skill": "chatter_greet", "inputs": {}, "seed": 7}}
MESSAGES = [{"role": "user", "content": "Say hello to a shopper."}]


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    with BackgroundServer() as running:
        yield running


@pytest.fixture
def client(server: BackgroundServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url, api_key="test", max_retries=0)


def test_a_stream_read_chunk_by_chunk_is_the_plain_answer(client: openai.OpenAI) -> None:
    plain = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, extra_body=GREET, seed=7,
                                           max_tokens=50, response_format={"type": "json_object"})
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, extra_body=GREET, stream=True)
    chunks = list(stream)
    pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(pieces) > 1  # really streamed, not one chunk
    assert "".join(pieces) == plain.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.object == "chat.completion.chunk" and c.model == OFFLINE_MODEL for c in chunks)


def test_include_usage_adds_a_last_chunk_with_usage_and_no_choices(client: openai.OpenAI) -> None:
    plain = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, extra_body=GREET)
    chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, extra_body=GREET,
                                                 stream=True, stream_options={"include_usage": True}))
    assert chunks[-1].choices == []
    assert chunks[-1].usage == plain.usage
    assert plain.usage is not None and plain.usage.total_tokens > 0


def test_the_answer_names_the_engine_whatever_model_was_asked(client: openai.OpenAI) -> None:
    schema = {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
    answer = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, extra_body=GREET,
                                            response_format=schema)
    assert answer.model == OFFLINE_MODEL and answer.system_fingerprint == OFFLINE_MODEL
    assert [m.id for m in client.models.list()] == [OFFLINE_MODEL]


@pytest.mark.parametrize(("extra", "param"), [
    ({"n": 2, **GREET}, "n"),
    ({}, "muse"),  # no muse inputs at all
    ({"muse": {"skill": "no_such_skill", "inputs": {}}}, "muse"),
    ({"muse": {"skill": "product_summary", "inputs": {}}}, "muse"),  # the skill's inputs are missing
    ({"muse": {"skill": "chatter_greet", "inputs": [1]}}, "muse"),
])
def test_requests_the_engine_cannot_answer_are_openai_400s(client: openai.OpenAI, extra: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, extra_body=extra)
    assert caught.value.status_code == 400
    assert caught.value.param == param and caught.value.type == "invalid_request_error"


def test_a_rejected_stream_is_a_json_error_not_a_stream(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)


@pytest.mark.parametrize("content", [
    b"not json", b"\xff\xfe", b"[1, 2]", b'{"model": "m"}', b'{"messages": "hi", "muse": {"skill": "chatter_greet"}}',
    b'{"messages": [], "muse": {"skill": "chatter_greet"}}',
    b'{"messages": [{"role": "user"}], "muse": {"skill": "chatter_greet"}}',
    b'{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": "x"}]}],'
    b' "muse": {"skill": "chatter_greet"}}',
])
def test_garbage_bodies_get_a_json_400(server: BackgroundServer, content: bytes) -> None:
    before = server.stats["requests"] if "requests" in server.stats else 0
    response = httpx.post(f"{server.url}/chat/completions", content=content,
                          headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}
    assert server.stats["requests"] == before + 1  # rejected requests are counted too


def test_an_engine_bug_is_a_json_500_without_a_traceback(server: BackgroundServer, monkeypatch) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("muse_plugins.offline.engine.answer", broken)
    response = httpx.post(f"{server.url}/chat/completions", json={"messages": MESSAGES, **GREET})
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert response.json()["error"]["type"] == "server_error"

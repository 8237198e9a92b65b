"""Real models, first contact: one switch for every role, preflight before any work, text-only
models, structured answers, invented product ids, and honest accounting. Servers here are on
loopback: the muse offline server (a simulator behind a real OpenAI-compatible API) and a stub
that answers every request with one HTTP status."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from muse_core.config import ROLES, load_config
from muse_core.llm import Gateway, LLMCallError, LLMRequest, LLMResponse
from muse_core.preflight import PreflightError, endpoints, preflight
from muse_core.runs import start_run
from muse_core.store import Store
from muse_plugins.litellm_provider import LiteLLMProvider, is_local
from muse_plugins.offline.server import BackgroundServer

MUSE = [sys.executable, "-m", "muse_flows.cli"]
ROOT = Path(__file__).resolve().parent.parent
HELLO = [{"speaker": "User", "text": "hi"}]
NO_KEYS = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}


class StatusServer:
    """Answers every request with one status and an OpenAI-style error body; counts requests."""

    def __init__(self, status: int) -> None:
        outer = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                outer.requests += 1
                self.rfile.read(int(self.headers.get("content-length", 0)))
                body = json.dumps({"error": {"message": f"status {status}", "type": "test", "code": status}}).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> StatusServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()


def muse(*args: str, cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*MUSE, *args], cwd=cwd, env={**(env or os.environ), "COLUMNS": "250"},
                          capture_output=True, text=True, timeout=timeout)


# -- one switch for all roles -------------------------------------------------------------------
def test_all_roles_sets_every_role_and_a_role_with_its_own_model_keeps_its_endpoint(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[roles.rewriter]\nmodel = "anthropic/claude-3-5-haiku-20241022"\n'
                    '[roles.reviewer]\ntemperature = 0.5\n')
    cfg = load_config(path, all_roles={"model": "openai/local", "api_base": "http://127.0.0.1:9/v1"})
    assert set(cfg.roles) == set(ROLES)
    for name, role in cfg.roles.items():
        if name == "rewriter":
            assert (role.model, role.api_base, role.temperature) == ("anthropic/claude-3-5-haiku-20241022", None, 0.9)
        else:
            assert (role.model, role.api_base) == ("openai/local", "http://127.0.0.1:9/v1"), name
    assert cfg.role("reviewer").temperature == 0.5 and cfg.role("backstory").temperature == 0.7
    # the configuration survives the round trip every flow makes through a dict
    assert type(cfg).model_validate(cfg.model_dump(mode="json")) == cfg


def test_a_config_naming_an_unknown_role_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[roles.rewritter]\nmodel = "x"\n')
    with pytest.raises(ValueError, match="unknown role.*rewritter.*the roles are: agent, scenarios"):
        load_config(path)
    result = muse("roles", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "rewritter" in result.stderr and "Traceback" not in result.stderr


def test_every_role_is_documented() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text()
    assert all(f"[roles.{name}]" in docs for name in ROLES), [n for n in ROLES if f"[roles.{n}]" not in docs]


@pytest.mark.slow
def test_muse_roles_shows_each_role_and_never_a_key(tmp_path: Path) -> None:
    env = {**NO_KEYS, "OPENAI_API_KEY": "sk-muse-test-PLANTED-0123456789"}
    result = muse("roles", "--model", "openai/smollm2", "--api-base", "http://127.0.0.1:8080/v1", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    for name in ROLES:
        assert f"│ {name} " in result.stdout
    assert "127.0.0.1:8080" in result.stdout and "openai/smollm2" in result.stdout
    assert "PLANTED" not in result.stdout + result.stderr
    paper = muse("roles", cwd=tmp_path, env=NO_KEYS)
    assert "missing: set OPENAI_API_KEY" in paper.stdout and "missing: set ANTHROPIC_API_KEY" in paper.stdout


# -- preflight -----------------------------------------------------------------------------------
def test_preflight_covers_only_the_roles_of_the_stages_run() -> None:
    cfg = load_config()
    roles = {name for group in endpoints(cfg, ("profiles",)).values() for name in group}
    assert roles == {"agent", "scenarios", "backstory"}
    assert {n for g in endpoints(cfg, ("evaluate",)).values() for n in g} == {"judge", "evaluator"}


@pytest.mark.slow
def test_no_key_fails_before_any_work_with_one_line(tmp_path: Path) -> None:
    """Was: 488 lines of retries over 68 s. Now: one line, no model call, nothing retried. (Wall time
    is measured by hand, not here: a timed test fails on a loaded machine; docs/real-models.md.)"""
    import duckdb

    started = time.monotonic()
    result = muse("evaluate", "--db", str(tmp_path / "m.duckdb"), "--sample", "2", "--stage", "judge",
                  cwd=tmp_path, env=NO_KEYS)
    assert time.monotonic() - started < 60  # the retry storm took minutes; this bounds it, not the speed
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "role judge, evaluator" in lines[0] and "gpt-4o-mini" in lines[0] and "set OPENAI_API_KEY" in lines[0]
    with duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM llm_calls").fetchone() == (0,)
        assert con.execute("SELECT ok, detail LIKE '%OPENAI_API_KEY%' FROM endpoint_checks").fetchall() == [
            (False, True)]


@pytest.mark.parametrize("status, words", [(401, "authentication failed"), (403, "access denied"),
                                           (404, "not found")])
def test_auth_and_not_found_fail_preflight_at_once_and_are_never_retried(tmp_path: Path, status: int,
                                                                         words: str) -> None:
    with StatusServer(status) as server:
        cfg = load_config(db=tmp_path / "m.duckdb", all_roles={"model": "openai/some-model", "api_base": server.url})
        with pytest.raises(PreflightError, match=words) as caught:
            preflight(cfg, ("ingest",))
        assert server.requests == 1  # one probe, no retry
        assert "openai/some-model at 127.0.0.1" in str(caught.value) and "role agent" in str(caught.value)
        if status in (401, 403):
            assert "the key is read from OPENAI_API_KEY" in str(caught.value)
        # the gateway does not retry them either
        with Store(cfg.db) as store:
            gateway = Gateway(store, cfg, start_run(store, "t", cfg))
            with pytest.raises(LLMCallError, match=words):
                asyncio.run(gateway.run("chatter_greet", {}, entity_id="c"))
            assert store.scalar("SELECT count(*) FROM llm_calls WHERE status = 'error'") == 1
        assert server.requests == 2


def test_an_unreachable_host_fails_preflight_quickly(tmp_path: Path) -> None:
    cfg = load_config(db=tmp_path / "m.duckdb", all_roles={"model": "openai/x", "api_base": "http://127.0.0.1:9/v1"})
    started = time.monotonic()
    with pytest.raises(PreflightError, match="cannot reach the server.*start the server or fix api_base"):
        preflight(cfg, ("conversations",))
    assert time.monotonic() - started < 15


@pytest.mark.slow
def test_a_busy_server_that_takes_connections_is_not_a_broken_one(tmp_path: Path) -> None:
    """A local server works one request at a time: a probe that waits behind a long answer is slow,
    not unreachable. The run goes on, and the endpoint is not trusted for the next run."""
    import socket

    with socket.socket() as listener:  # takes connections (the kernel's backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
        cfg = load_config(db=tmp_path / "m.duckdb", all_roles={"model": "openai/x", "api_base": url})
        notes = preflight(cfg, ("ingest",))
    assert len(notes) == 1 and "busy?" in notes[0]
    with Store(cfg.db) as store:
        assert store.scalar("SELECT count(*) FROM endpoint_checks") == 0


def test_a_passed_check_is_remembered_so_a_replayed_run_asks_nothing(tmp_path: Path) -> None:
    with BackgroundServer() as server:
        cfg = load_config(db=tmp_path / "m.duckdb", all_roles={"model": "openai/x", "api_base": server.url,
                                                               "send_inputs": True})
        notes = preflight(cfg, ("ingest", "profiles", "conversations"))
        assert len(notes) == 1 and "openai/x at 127.0.0.1" in notes[0]
        assert server.stats["requests"] == 1
        assert preflight(cfg, ("ingest", "profiles", "conversations")) == []
        assert server.stats["requests"] == 1
        never_trusted = cfg.model_copy(update={"gateway": cfg.gateway.model_copy(update={"preflight_ttl_s": 0})})
        preflight(never_trusted, ("ingest",))
        assert server.stats["requests"] == 2


# -- the gateway with real-model behaviours ---------------------------------------------------------
class ScriptedProvider:
    """Answers from a list, and remembers each request (to see what a model was sent)."""

    name = "scripted"

    def __init__(self, answers: list[str]) -> None:
        self.answers, self.requests = list(answers), []

    async def complete(self, request: LLMRequest) -> LLMResponse:
        self.requests.append(request)
        return LLMResponse(self.answers.pop(0), 10, 5, 0.0, response_model="scripted-1", pricing="local")


class OneProvider:
    def __init__(self, provider) -> None:
        self.provider = provider

    def get(self, kind: str, name: str):
        return self.provider


def scripted_gateway(store: Store, provider: ScriptedProvider, **role: object) -> Gateway:
    cfg = load_config(db=store.path, all_roles={"provider": "scripted", "model": "m", **role})
    return Gateway(store, cfg, start_run(store, "t", cfg), registry=OneProvider(provider))


def test_an_invented_product_id_is_invalid_and_re_asked(sample_db: Path) -> None:
    with Store(sample_db) as store:
        ids = [r[0] for r in store.con.execute("SELECT product_id FROM products ORDER BY 1 LIMIT 3").fetchall()]
        shown = {"title": "x", "price": None, "summary": ""}
        provider = ScriptedProvider([f"Try {ids[0]} or SMPL000999, a lovely pick.",  # shaped like an id, not real
                                     f"Try {ids[1]}, it is in the catalog but was not shown.",
                                     f"Try {ids[0]}."])
        gateway = scripted_gateway(store, provider)
        result = asyncio.run(gateway.run("chatter_recommend", {"conversation": HELLO, "product": shown},
                                         image_product_ids=[ids[0]], entity_id="c/r1"))
        assert result.value == f"Try {ids[0]}."
        errors = [r[0] for r in store.con.execute(
            "SELECT error FROM llm_calls WHERE status = 'invalid' AND entity_id = 'c/r1' ORDER BY created_at").fetchall()]
        assert "SMPL000999" in errors[0] and ids[1] in errors[1] and len(errors) == 2
        assert "not among the products shown" in provider.requests[1].messages[-1]["content"]


def test_a_text_only_model_gets_stored_summaries_instead_of_photos(sample_db: Path) -> None:
    with Store(sample_db) as store:
        pid, summary = store.con.execute("SELECT product_id, summary FROM product_summaries LIMIT 1").fetchone()
        product = {"title": "x", "price": None, "summary": ""}
        for vision, sent, as_text in ((False, 0, 1), (True, 1, 0)):
            provider = ScriptedProvider(["A fine choice."])
            gateway = scripted_gateway(store, provider, vision=vision)
            asyncio.run(gateway.run("chatter_recommend", {"conversation": HELLO, "product": product},
                                    image_product_ids=[pid], entity_id=f"c{vision}"))
            content = provider.requests[0].messages[1]["content"]
            parts = content if isinstance(content, list) else [{"type": "text", "text": content}]
            assert sum(part["type"] == "image_url" for part in parts) == sent
            assert (summary in parts[0]["text"]) is (not vision)
            row = store.con.execute("SELECT images_sent, images_as_text, response_model, pricing FROM llm_calls"
                                    " WHERE entity_id = ?", [f"c{vision}"]).fetchone()
            assert row == (sent, as_text, "scripted-1", "local")


def test_a_server_that_refuses_images_gets_an_error_naming_the_vision_option(sample_db: Path) -> None:
    from muse_core.llm import ProviderError

    class RefusesImages(ScriptedProvider):
        async def complete(self, request: LLMRequest) -> LLMResponse:
            raise ProviderError("BadRequestError: image input is not supported by this model", retryable=False,
                                status=400)

    with Store(sample_db) as store:
        pid = store.scalar("SELECT product_id FROM product_images LIMIT 1")
        gateway = scripted_gateway(store, RefusesImages([]))
        with pytest.raises(LLMCallError, match=r"set vision = false in \[roles.agent\]"):
            asyncio.run(gateway.run("chatter_recommend", {"conversation": HELLO, "product": {"title": "x", "price": None, "summary": ""}},
                                    image_product_ids=[pid], entity_id="c"))


def test_local_servers_are_priced_as_local_and_known_models_from_the_price_map() -> None:
    provider = LiteLLMProvider()
    assert is_local("http://127.0.0.1:8080/v1") and is_local("http://localhost:11434") and is_local("http://[::1]:1")
    assert not is_local("https://api.openai.com/v1") and not is_local(None)
    assert provider.pricing(load_config(all_roles={"model": "openai/x", "api_base": "http://127.0.0.1:1"}).role("agent")) == "local"
    assert provider.pricing(load_config().role("agent")) == "price-map"
    assert provider.pricing(load_config(all_roles={"model": "openai/no-such-model"}).role("agent")) == "unknown"
    assert provider.default_vision(load_config().role("agent")) is True  # gpt-4o-mini reads images


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    from tests.helpers import build_sample_db

    return build_sample_db(tmp_path_factory.mktemp("real-models") / "sample.duckdb")


@pytest.mark.slow
def test_seven_roles_in_a_file_and_api_base_for_the_rest_send_nothing_elsewhere(tmp_path: Path,
                                                                               tiny_catalog: Path) -> None:
    """Was: the documented seven roles pointed at a local server, and the eighth (scenarios) still
    went to the default host. Now --api-base covers it, and the server saw every request muse made."""
    import duckdb

    with BackgroundServer() as server:
        config = tmp_path / "seven.toml"
        config.write_text("".join(f'[roles.{name}]\nmodel = "openai/gpt-4o-mini"\napi_base = "{server.url}"\n'
                                  "send_inputs = true\n" for name in ROLES if name != "scenarios")
                          + "[all_roles]\nsend_inputs = true\n[profiles]\nscenarios = 44\n[retrieval]\n"
                          'retriever = "bm25"\n')
        result = muse("run", "--db", str(tmp_path / "m.duckdb"), "--config", str(config), "--api-base", server.url,
                      "--catalog", str(tiny_catalog), "--conversations", "2", cwd=tmp_path, env=NO_KEYS)
        assert result.returncode == 0, result.stderr[-3000:]
        requests = server.stats["requests"]
    with duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True) as con:
        hosts = {r[0] for r in con.execute("SELECT DISTINCT api_base_host FROM llm_calls").fetchall()}
        roles = {r[0] for r in con.execute("SELECT DISTINCT role FROM llm_calls").fetchall()}
        calls = con.execute("SELECT count(*) FROM llm_calls").fetchone()[0]
        probes = con.execute("SELECT count(*) FROM endpoint_checks WHERE ok").fetchone()[0]
        engines = con.execute("SELECT DISTINCT engine FROM models_by_role").fetchall()
    assert hosts == {server.url.split("//")[1].split("/")[0]}
    assert "scenarios" in roles and {"agent", "backstory", "rewriter", "checker", "reviewer"} <= roles
    # every request the server saw is a recorded call or a preflight probe (scenarios keeps the paper's
    # model name, gpt-4o-mini, on the same server: a second endpoint, a second probe)
    assert probes == 2 and requests == calls + probes
    # the loopback server answers as the offline engine, and the record says so
    assert engines == [("rule-based offline engine",)]


def test_deployments_take_a_config_as_a_path_or_text_and_one_model_for_every_role(tmp_path: Path) -> None:
    from muse_flows.pipeline import deployment_config, pipeline_config

    text = '[roles.rewriter]\nmodel = "anthropic/claude-3-5-haiku-20241022"\n[gateway]\nmax_concurrency = 3\n'
    path = tmp_path / "d.toml"
    path.write_text(text)
    for given in (text, str(path)):
        cfg = pipeline_config(str(tmp_path / "m.duckdb"), 5, 1, "fashion", False, None, None, config=given,
                              model="openai/local", api_base="http://127.0.0.1:8080/v1")
        assert cfg.gateway.max_concurrency == 3 and cfg.conversations.n == 5 and cfg.seed == 1
        assert cfg.role("scenarios").model == "openai/local" and cfg.role("judge").api_base.endswith(":8080/v1")
        assert cfg.role("rewriter").model.startswith("anthropic/") and cfg.role("rewriter").api_base is None
    with pytest.raises(ValueError, match="config file not found"):
        deployment_config(str(tmp_path / "missing.toml"), None, None)
    with pytest.raises(ValueError, match="not a TOML file path or valid TOML"):
        deployment_config("[roles.agent\nmodel =", None, None)


class FlakyOffline:
    """The offline engine, except for chosen calls (by skill and seed, which the gateway derives
    from the entity): those get the given answer, re-asks included."""

    name = "flaky"

    def __init__(self, answers: dict[tuple[str, int], str]) -> None:
        from muse_plugins.offline import OfflineProvider

        self.inner, self.answers = OfflineProvider(), answers

    async def complete(self, request: LLMRequest) -> LLMResponse:
        if (request.skill, request.seed) in self.answers:
            return LLMResponse(self.answers[request.skill, request.seed], 5, 2, 0.0)
        return await self.inner.complete(request)


def test_work_a_model_cannot_do_is_recorded_and_costs_only_itself(tmp_path: Path, monkeypatch) -> None:
    """A conversation whose querier never gets a valid plan, one whose query and needs match no
    product, a rewrite that stays empty and a review that never parses: each is recorded in
    stage_failures with the reason, and everything else is simulated, rewritten and reviewed."""
    from muse_core import plugins
    from muse_core.config import OFFLINE_MODEL
    from muse_core.seeding import derive_seed
    from muse_core.stages import conversation_set, profile_set
    from muse_plugins.fashion import FASHION
    from tests.helpers import build_sample_db, run_conversation_stages, run_stages

    db = build_sample_db(tmp_path / "f.duckdb")
    cfg = load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"n": 5, "scenarios": 70},
                      conversations={"n": 5}).with_offline_engine()
    roles = {name: role.model_copy(update={"provider": "flaky", "model": OFFLINE_MODEL})
             for name, role in cfg.roles.items()}
    cfg = cfg.model_copy(update={"roles": roles})
    # the roles' provider is part of the profile set's identity: the profiles are made by the same
    # flaky provider (it answers as the offline engine until the chosen answers are filled in below)
    answers: dict[tuple[str, int], str] = {}
    reg = plugins.registry()
    monkeypatch.setitem(reg.entries["llm_provider"], "flaky",
                        plugins.PluginEntry("llm_provider", "flaky", FlakyOffline(answers), "test", __name__))
    run_stages(cfg, ("scenarios", "profiles"), command="profiles")
    with Store(db) as store:
        ks = store.scalar("SELECT list(split_part(profile_id, '-', -1) ORDER BY profile_id) FROM profiles"
                          " WHERE profile_set = ?", [profile_set(cfg, FASHION)])
    assert len(ks) == 5
    cids = [f"{conversation_set(cfg, FASHION)}-{k}" for k in ks]

    def seed(entity: str, skill: str) -> tuple[str, int]:
        return skill, derive_seed(cfg.seed, entity, skill)

    answers |= {seed(f"{cids[0]}/r1", "querier_query"): "{not json",
               seed(f"{cids[3]}/t0", "rewrite_utterance"): "   ",  # empty, on every re-ask too
               seed(f"{cids[2]}/r1", "querier_analyse"): "qqzx",
               seed(f"{cids[2]}/r1", "querier_query"): '{"attributes": [], "query": "qqzx"}',
               # nor do the user's own words, the querier's last resort
               seed(f"{cids[2]}/open", "user_open"): "Qqzx.", seed(f"{cids[2]}/needs", "user_needs"): "Qqzx qqzx.",
               seed(cids[1], "review_conversation"): "{not json"}
    run_conversation_stages(db, 5, roles=roles)
    with Store(db) as store:
        failures = store.rows("SELECT stage, entity_id, error FROM stage_failures ORDER BY stage, entity_id")
        conversations = store.scalar("SELECT count(*) FROM conversations")
        rewritten = store.scalar("SELECT count(DISTINCT conversation_id) FROM rewrites")
        reviewed = store.scalar("SELECT count(*) FROM reviews")
    assert [(f["stage"], f["entity_id"]) for f in failures] == [
        ("conversation", cids[0]), ("conversation", cids[2]), ("review", cids[1]), ("rewrite", cids[3])]
    assert "gave no valid answer after 3 tries" in failures[0]["error"]
    assert "retrieval found no product" in failures[1]["error"] and "'qqzx'" in failures[1]["error"]
    assert "gave no valid answer after 3 tries" in failures[2]["error"]
    assert "the answer is empty" in failures[3]["error"]
    # the unrewritten conversation keeps its original texts and waits for its rewrite to be reviewed
    assert (conversations, rewritten, reviewed) == (3, 2, 1)


def test_a_candidate_the_model_cannot_judge_is_rejected_by_the_model_screen(tmp_path: Path, monkeypatch) -> None:
    from muse_core import plugins
    from muse_core.config import OFFLINE_MODEL
    from muse_core.plugins import registry
    from muse_core.seeding import derive_seed
    from muse_core.stages import profile_set
    from muse_plugins.fashion import FASHION
    from tests.helpers import build_sample_db, run_stages

    db = build_sample_db(tmp_path / "p.duckdb")
    cfg = load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"n": 2, "scenarios": 44}).with_offline_engine()
    cfg = cfg.model_copy(update={"roles": {name: role.model_copy(update={"provider": "flaky", "model": OFFLINE_MODEL})
                                           for name, role in cfg.roles.items()}})
    first = f"{profile_set(cfg, FASHION)}-0"
    answers = {("profile_match", derive_seed(cfg.seed, first, "profile_match")): '{"answer": "Maybe"}'}
    monkeypatch.setitem(registry().entries["llm_provider"], "flaky",
                        plugins.PluginEntry("llm_provider", "flaky", FlakyOffline(answers), "test", __name__))
    run_stages(cfg, ("scenarios", "profiles"), command="t")
    with Store(db) as store:
        screen = store.rows("SELECT screen, passed, reason FROM screens WHERE entity_id = ?", [first])
        outcome = store.scalar("SELECT rejected_by FROM profile_candidates WHERE candidate_id = ?", [first])
        profiles = store.scalar("SELECT count(*) FROM profiles")
    assert [(s["screen"], s["passed"]) for s in screen] == [("model", False)] and outcome == "model"
    assert "gave no valid answer" in screen[0]["reason"] and profiles == 2

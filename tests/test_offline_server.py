"""The real client path: gateway -> litellm -> openai client -> HTTP -> muse offline server."""

import asyncio
import logging

import pytest

from fastapi.testclient import TestClient

from muse_core.config import MuseConfig, OfflineConfig, RoleConfig
from muse_core.llm import Gateway
from muse_core.runs import start_run
from muse_core.store import Store
from muse_core.summaries import ProductSummary
from muse_plugins.offline.server import BackgroundServer, Faults, check_loopback, create_app

PLANTED_KEY = "sk-muse-test-PLANTED-4f9c2a7e1b3d"


def products(n: int) -> list[dict]:
    kinds = ["Cotton T-Shirt", "Leather Boots", "Silver Necklace", "Linen Dress", "Wool Scarf"]
    colours = ["red", "navy", "green", "beige", "black", "pink", "grey", "olive"]
    return [{"title": f"{colours[i % 8].title()} {kinds[i % 5]} No. {i}", "features": [f"feature {i}"],
             "description": [], "categories": [], "details": {}, "price": 10.0 + i, "store": "S"} for i in range(n)]


def run_all(store: Store, url: str, items: list[dict], offline: OfflineConfig | None = None) -> list:
    """`offline`: the engine's own settings ([offline] malformed_p spoils first tries beside the server's faults)."""
    role = RoleConfig(model="openai/gpt-4o-mini", api_base=url, timeout_s=1.0, send_inputs=True)
    config = MuseConfig(db=store.path, roles={"agent": role}, offline=offline or OfflineConfig(),
                        gateway={"backoff_base_s": 0.01, "backoff_max_s": 0.05, "max_retries": 4,
                                 "structured_retries": 3})
    gateway = Gateway(store, config, start_run(store, "server-test", config))

    async def go():
        return await asyncio.gather(*(gateway.run("product_summary", {"product": p}, output=ProductSummary,
                                                  entity_id=f"P{i}") for i, p in enumerate(items)))

    return asyncio.run(go())


@pytest.mark.slow
def test_thirty_percent_faults_still_give_every_answer(store: Store, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-used-by-the-offline-server")
    faults = Faults(rate_429=0.10, rate_500=0.10, rate_slow=0.05, rate_malformed=0.05, slow_seconds=1.5, seed=3)
    with BackgroundServer(faults) as server:
        results = run_all(store, server.url, products(40), OfflineConfig(malformed_p=0.1))  # the engine spoils P5's and P8's
        stats = server.stats
    assert len(results) == 40 and all(isinstance(r.value, ProductSummary) for r in results)
    assert all(stats.get(f"fault_{kind}", 0) > 0 for kind in ("429", "500", "slow", "malformed")), stats
    rows = dict(store.con.execute("SELECT status, count(*) FROM llm_calls GROUP BY status").fetchall())
    assert rows["error"] == stats["fault_429"] + stats["fault_500"] + stats["fault_slow"]
    assert stats["engine_malformed"] > 0  # both kinds of spoilt answer are refused and re-asked
    assert rows["invalid"] == stats["fault_malformed"] + stats["engine_malformed"]
    assert rows["ok"] == 40
    kinds = {r[0] for r in store.con.execute("SELECT regexp_extract(error, 'litellm\\.(\\w+)', 1) FROM llm_calls"
                                             " WHERE status = 'error'").fetchall()}
    assert kinds == {"RateLimitError", "InternalServerError", "Timeout"}
    # the server answers as the offline engine, on loopback: no price map charges for it
    assert store.scalar("SELECT sum(cost_usd) FROM llm_calls") == 0


@pytest.mark.slow
def test_a_planted_key_reaches_neither_the_database_nor_the_logs(store: Store, monkeypatch, caplog) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", PLANTED_KEY)
    caplog.set_level(logging.DEBUG)
    faults = Faults(rate_500=0.6, leak_key_in_errors=True, seed=1)  # the server quotes our key in its errors
    with BackgroundServer(faults) as server:
        run_all(store, server.url, products(6))
        assert server.stats["fault_500"] > 0
    assert store.scalar("SELECT count(*) FROM llm_calls WHERE error LIKE '%[REDACTED]%'") > 0
    columns = store.con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
        " AND data_type IN ('VARCHAR', 'JSON') AND table_name IN (SELECT table_name FROM information_schema.tables"
        " WHERE table_type = 'BASE TABLE')").fetchall()
    for table, column in columns:
        hits = store.scalar(f'SELECT count(*) FROM "{table}" WHERE "{column}"::VARCHAR LIKE ?', [f"%{PLANTED_KEY}%"])
        assert hits == 0, f"{table}.{column} holds the key"
    store.con.execute("CHECKPOINT")
    assert PLANTED_KEY.encode() not in store.path.read_bytes()
    assert PLANTED_KEY not in caplog.text
    assert "[REDACTED]" in caplog.text  # the retry warnings did quote the error, scrubbed


def test_the_server_binds_loopback_only() -> None:
    check_loopback("127.0.0.1")
    check_loopback("::1")
    with pytest.raises(ValueError, match="loopback only"):
        check_loopback("0.0.0.0")


def test_fault_rates_are_validated() -> None:
    with pytest.raises(ValueError):
        Faults(rate_429=0.7, rate_500=0.7)


@pytest.mark.parametrize("offline", [{"malformed_p": 2.0}, {"judge_noise": "loud"}, ["malformed_p"]])
def test_an_invalid_offline_table_is_a_400_naming_muse(offline: object) -> None:
    body = {"messages": [{"role": "user", "content": "Summarise."}],
            "muse": {"skill": "product_summary", "inputs": {"product": products(1)[0]}, "seed": 1, "offline": offline}}
    client = TestClient(create_app())
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == "muse" and "muse.offline is not a valid [offline] table" in error["message"]
    valid = client.post("/v1/chat/completions", json={**body, "muse": {**body["muse"], "offline": {"malformed_p": 0}}})
    assert valid.status_code == 200, valid.text

"""The `runs` table: one row per command invocation, with its configuration and outcome."""

from __future__ import annotations

import json
import uuid

from muse_core import __version__
from muse_core.config import MuseConfig
from muse_core.secrets import redact
from muse_core.store import Store


def start_run(store: Store, command: str, config: MuseConfig) -> str:
    run_id = uuid.uuid4().hex[:16]
    store.con.execute(
        "INSERT INTO runs (run_id, command, config, seed, code_version, status) VALUES (?, ?, ?, ?, ?, 'running')",
        [run_id, command, json.dumps(config.model_dump(mode="json")), config.seed, __version__],
    )
    return run_id


def run_config(store: Store, run_id: str) -> MuseConfig:
    """The resolved configuration a run recorded when it started (what its stages run with)."""
    return MuseConfig.model_validate(json.loads(store.scalar("SELECT config FROM runs WHERE run_id = ?", [run_id])))


def mark_interrupted(store: Store) -> tuple[int, int]:
    """Runs still 'running' and calls still in flight belong to killed processes: call this only while
    holding the database's run lock with no run of this process open. Returns (runs, calls) marked."""
    runs = store.con.execute("UPDATE runs SET status = 'interrupted', error = 'the process was killed',"
                             " finished_at = NULL WHERE status = 'running'").fetchone()[0]
    # a row is written just before its request goes out (at most max_concurrency of them wait for a
    # place in the window): a killed one may not have been sent, or may have been answered and billed
    killed = ("the process was killed while this request was in flight or about to be sent: the provider"
              " may have answered (and billed) it")
    with store.transaction() as con:
        calls = con.execute("INSERT INTO llm_calls BY NAME SELECT *, 'interrupted' AS status, ? AS error,"
                            " 0.0 AS latency_ms FROM llm_calls_pending", [killed]).fetchone()[0]
        con.execute("DELETE FROM llm_calls_pending")
        # the in-flight rows of a database written before llm_calls_pending (schema 010)
        calls += con.execute("UPDATE llm_calls SET status = 'interrupted', error = ? WHERE status = 'pending'",
                             [killed]).fetchone()[0]
    return runs, calls


def finish_run(store: Store, run_id: str, error: str | None = None) -> None:
    store.con.execute(
        "UPDATE runs SET status = ?, error = ?, finished_at = current_timestamp WHERE run_id = ?",
        ["failed" if error else "finished", redact(error) if error else None, run_id],
    )


def record_failure(store: Store, run_id: str, stage: str, entity_id: str, error: Exception | str) -> None:
    """Work a model could not do (no valid answer after the re-asks): recorded, and the stage goes on."""
    store.con.execute("INSERT INTO stage_failures (stage, entity_id, error, run_id) VALUES (?, ?, ?, ?)",
                      [stage, entity_id, redact(str(error)), run_id])

"""The call log: a miss asks DuckDB nothing, rows are written in groups, and a stage's entity never
commits ahead of the calls behind it."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import duckdb
import pytest

from muse_core import call_log
from muse_core.call_log import CallLog
from muse_core.store import Store


class Counting:
    """The store's connection, remembering every statement it was given."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con, self.statements = con, []

    def execute(self, sql: str, *args):
        self.statements.append(sql)
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def row(text: str, status: str = "ok", **extra) -> dict:
    return {"call_id": uuid.uuid4().hex, "cache_key": key(text), "run_id": "r", "role": "agent", "skill": "s",
            "skill_version": 1, "provider": "p", "model": "m", "params": "{}", "request": "[]",
            "response": f"answer to {text}", "status": status, "attempt": 0, "latency_ms": 1.0, **extra}


def stored(store: Store) -> list[tuple]:
    return store.con.execute("SELECT cache_key, status FROM llm_calls ORDER BY cache_key").fetchall()


@pytest.fixture(autouse=True)
def fresh_key_sets():
    call_log._known.clear()  # each test's database is new; the process-wide sets must not leak between them
    yield
    call_log._known.clear()


def test_a_miss_asks_the_database_nothing_and_a_hit_nothing_while_answers_fit_in_memory(store: Store) -> None:
    CallLog(store, batched=False).record(row("known"))
    log = CallLog(store, batched=False)  # reads what is stored
    counting = store.con = Counting(store.con)
    assert log.answer(key("never asked")) is None
    assert log.answer(key("known")) == "answer to known"
    assert counting.statements == []


def test_beyond_the_memory_budget_a_hit_is_one_indexed_query(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(call_log, "ANSWERS_IN_MEMORY", 10)  # "answer to known" is 15 characters
    CallLog(store, batched=False).record(row("known"))
    call_log._known.clear()
    log = CallLog(store, batched=False)
    counting = store.con = Counting(store.con)
    assert log.answer(key("never asked")) is None
    assert counting.statements == []
    assert log.answer(key("known")) == "answer to known"
    assert len(counting.statements) == 1 and key("known") in counting.statements[0]  # a constant: the index finds it


def test_answers_that_outgrow_the_budget_are_read_from_the_database(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(call_log, "ANSWERS_IN_MEMORY", 20)
    log = CallLog(store, batched=False)
    log.record(row("a"))  # 11 characters: held
    known = next(iter(call_log._known.values()))
    assert known.answers == {key("a"): "answer to a"}
    log.record(row("b"))  # 22 in all: no longer
    assert known.answers is None
    assert log.answer(key("a")) == "answer to a" and log.answer(key("b")) == "answer to b"


def test_unbatched_rows_are_written_as_they_come(store: Store) -> None:
    CallLog(store, batched=False).record(row("a"))
    assert stored(store) == [(key("a"), "ok")]


def test_batched_rows_wait_for_the_next_transaction_which_writes_them_first(store: Store) -> None:
    log = CallLog(store, batched=True)
    log.record(row("a"))
    assert stored(store) == [] and log.answer(key("a")) == "answer to a"  # answered from the buffer
    with store.transaction() as con:
        con.execute("CREATE TABLE entity (id INTEGER)")
    assert stored(store) == [(key("a"), "ok")]


def test_a_long_buffer_is_written_without_waiting(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(call_log, "FLUSH_ROWS", 3)
    log = CallLog(store, batched=True)
    for text in ("a", "b"):
        log.record(row(text))
    assert stored(store) == []
    log.record(row("c"))
    assert len(stored(store)) == 3


def test_rows_another_writer_added_are_found_by_the_next_log(store: Store) -> None:
    first = CallLog(store, batched=False)
    assert first.answer(key("elsewhere")) is None
    store.con.execute("INSERT INTO llm_calls (call_id, cache_key, run_id, role, skill, skill_version, provider, model,"
                      " params, request, response, status, attempt, latency_ms) VALUES (?, ?, 'r', 'agent', 's', 1,"
                      " 'p', 'm', '{}', '[]', 'theirs', 'ok', 0, 1)", [uuid.uuid4().hex, key("elsewhere")])
    assert CallLog(store, batched=False).answer(key("elsewhere")) == "theirs"


def test_abandoned_answers_are_history_not_cache(store: Store) -> None:
    log = CallLog(store, batched=True)
    log.record(row("bad", status="invalid"))
    log.abandon([key("bad")])
    assert log.answer(key("bad")) is None
    assert stored(store) == [(key("bad"), "abandoned")]


def pending(text: str) -> dict:
    """A row for llm_calls_pending: a call about to go out, no outcome yet."""
    return {k: v for k, v in row(text).items() if k not in ("response", "status", "latency_ms")}


def outcome(text: str, status: str = "ok") -> dict:  # the columns Gateway._settle gives
    return {"status": status, "error": None, "response": f"answer to {text}", "prompt_tokens": 3,
            "completion_tokens": None, "cost_usd": 0.0, "latency_ms": 5.0, "response_model": None, "pricing": "local"}


def in_flight(store: Store) -> list[str]:
    return [k for (k,) in store.con.execute("SELECT cache_key FROM llm_calls_pending ORDER BY cache_key").fetchall()]


def test_pending_rows_of_one_turn_share_one_commit_and_are_durable_when_begin_returns(store: Store) -> None:
    log = CallLog(store, batched=True)
    counting = store._apart_con = Counting(store.con.cursor())
    seen = []

    async def call(text: str) -> None:
        await log.begin(pending(text))
        seen.append(text)

    async def main() -> None:
        store.con.execute("BEGIN TRANSACTION")  # a transaction of the stage, open meanwhile...
        await asyncio.gather(*(call(t) for t in "abc"))
        store.con.execute("ROLLBACK")  # ...and rolled back: the pending rows were committed on their own

    asyncio.run(main())
    assert seen == ["a", "b", "c"] and in_flight(store) == sorted(key(t) for t in "abc")
    assert len(counting.statements) == 1 and counting.statements[0].startswith("INSERT INTO llm_calls_pending")


def test_outcomes_move_their_calls_to_llm_calls_in_one_insert(store: Store) -> None:
    log = CallLog(store, batched=True)
    rows = {t: pending(t) for t in "abc"}

    async def main() -> None:
        await asyncio.gather(*(log.begin(r) for r in rows.values()))

    asyncio.run(main())
    went_out = dict(store.con.execute("SELECT call_id, created_at FROM llm_calls_pending").fetchall())
    counting = store.con = Counting(store.con)
    log.settle(rows["a"]["call_id"], outcome("a"), key("a"))
    log.settle(rows["b"]["call_id"], outcome("b", status="error") | {"response": None}, key("b"))
    assert log.answer(key("a")) == "answer to a" and log.answer(key("b")) is None
    assert stored(store) == []  # batched: waiting for the stage's next transaction
    store.flush()
    assert sorted(stored(store)) == sorted([(key("a"), "ok"), (key("b"), "error")])
    assert in_flight(store) == [key("c")]
    assert sum(s.startswith("INSERT INTO llm_calls ") for s in counting.statements) == 1
    moved = store.rows("SELECT call_id, created_at, prompt_tokens, pricing, skill FROM llm_calls ORDER BY call_id")
    assert all(r["created_at"] == went_out[r["call_id"]] for r in moved)  # when the request went out
    assert {(r["prompt_tokens"], r["pricing"], r["skill"]) for r in moved} == {(3, "local", "s")}


def test_a_group_that_cannot_be_written_fails_every_call_in_it(store: Store) -> None:
    log = CallLog(store, batched=True)

    async def main() -> list:
        first = pending("a")
        broken = pending("b") | {"call_id": first["call_id"]}  # the primary key twice
        return await asyncio.gather(log.begin(first), log.begin(broken), return_exceptions=True)

    results = asyncio.run(main())
    assert all(isinstance(r, duckdb.Error) for r in results), results
    assert in_flight(store) == []  # the group's statement failed whole


def test_an_outcome_without_its_pending_row_fails_the_write_instead_of_vanishing(store: Store) -> None:
    log = CallLog(store, batched=True)
    log.settle(uuid.uuid4().hex, outcome("lost"), key("lost"))  # begin never wrote its row
    with pytest.raises(RuntimeError, match="1 call outcome"):
        store.flush()
    assert stored(store) == []

"""Finished entities written together: one transaction per group, each entity whole or absent."""

from __future__ import annotations

import asyncio

import duckdb
import pytest

from muse_core import batch as batch_module
from muse_core.batch import Batch, Writes
from muse_core.store import Store


@pytest.fixture
def things(store: Store) -> Store:
    store.con.execute("CREATE TABLE things (id VARCHAR PRIMARY KEY, n INTEGER)")
    store.con.execute("CREATE TABLE notes (id VARCHAR, note VARCHAR)")
    return store


def writes(name: str, n: int) -> Writes:
    return Writes().add("things", ("id", "n"), [[name, n]]).add("notes", ("id", "note"), [[name, f"{name} noted"]])


def count_transactions(store: Store) -> list[str]:
    begun: list[str] = []
    real = store.transaction

    def counting():
        begun.append("BEGIN")
        return real()

    store.transaction = counting
    return begun


def test_entities_finished_together_share_one_transaction(things: Store) -> None:
    begun = count_transactions(things)
    group = Batch(things)

    async def main() -> None:
        await asyncio.gather(*(group.write(writes(name, i)) for i, name in enumerate("abc")))

    asyncio.run(main())
    assert begun == ["BEGIN"]
    assert things.con.execute("SELECT id, n FROM things ORDER BY id").fetchall() == [("a", 0), ("b", 1), ("c", 2)]
    assert things.con.execute("SELECT count(*) FROM notes").fetchone() == (3,)


def test_before_runs_ahead_of_the_rows_and_after_behind_them(things: Store) -> None:
    things.con.execute("INSERT INTO things VALUES ('a', 0)")  # written by an earlier run, under other settings
    redo = writes("a", 5)
    redo.before.append(("DELETE FROM things WHERE id = ?", ["a"]))
    redo.after.append(("UPDATE notes SET note = note || ' (redone)' WHERE id = ?", ["a"]))
    asyncio.run(Batch(things).write(redo))
    assert things.con.execute("SELECT n FROM things").fetchall() == [(5,)]
    assert things.con.execute("SELECT note FROM notes").fetchall() == [("a noted (redone)",)]


def test_a_group_that_cannot_be_written_fails_every_entity_and_writes_none(things: Store) -> None:
    group = Batch(things)

    async def main() -> list:
        return await asyncio.gather(group.write(writes("a", 1)), group.write(writes("a", 2)), return_exceptions=True)

    results = asyncio.run(main())  # the second 'a' breaks the primary key
    assert all(isinstance(r, duckdb.ConstraintException) for r in results), results
    assert things.con.execute("SELECT count(*) FROM things").fetchone() == (0,)
    assert things.con.execute("SELECT count(*) FROM notes").fetchone() == (0,)


def test_a_full_group_is_written_without_waiting(things: Store, monkeypatch) -> None:
    monkeypatch.setattr(batch_module, "MAX_WAITING", 2)
    monkeypatch.setattr(batch_module, "WAIT_S", 60.0)  # only a full group can be written within the test
    group = Batch(things)

    async def main() -> None:
        await asyncio.wait_for(asyncio.gather(group.write(writes("a", 1)), group.write(writes("b", 2))), timeout=10)

    asyncio.run(main())
    assert things.con.execute("SELECT count(*) FROM things").fetchone() == (2,)

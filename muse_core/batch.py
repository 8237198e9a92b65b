"""Finished entities written together: what a stage's concurrent tasks finish within WAIT_S (or
MAX_WAITING of them) goes to DuckDB in one transaction, with one insert per table.

DuckDB's cost is per statement and per commit, not per row, so a conversation written alone
(five inserts, a commit) costs about what fifty written together do. Each entity is still whole
or absent: a kill loses at most the entities waiting to be written, which a rerun does again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from muse_core.store import Store

Statement = tuple[str, list[Any]]
WAIT_S = 0.2
MAX_WAITING = 128


@dataclass
class Writes:
    """One entity's writes: `before` (e.g. deleting what an earlier run wrote under other settings),
    then its rows (table -> (columns, rows)), then `after` (e.g. an update that reads those rows)."""

    rows: dict[str, tuple[Sequence[str], list[Sequence[Any]]]] = field(default_factory=dict)
    before: list[Statement] = field(default_factory=list)
    after: list[Statement] = field(default_factory=list)

    def add(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> Writes:
        self.rows[table] = (columns, rows)
        return self


class Batch:
    """One per stage run. `await batch.write(writes)` returns once the entity is committed."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._waiting: list[Writes] = []
        self._group: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    async def write(self, writes: Writes) -> None:
        self._waiting.append(writes)
        if self._group is None:
            loop = asyncio.get_running_loop()
            self._group = loop.create_future()
            self._timer = loop.call_later(WAIT_S, self._commit_group)
        group = self._group
        if len(self._waiting) >= MAX_WAITING:
            self._timer.cancel()
            self._commit_group()
        await asyncio.shield(group)

    def _commit_group(self) -> None:
        group, self._group = self._group, None
        try:
            self.commit()
        except Exception as exc:  # every entity of the group hears that it was not written
            group.set_exception(exc)
        else:
            group.set_result(None)

    def commit(self) -> None:
        """Write what waits now, in one transaction."""
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        tables: dict[tuple[str, tuple[str, ...]], list[Sequence[Any]]] = {}
        for writes in waiting:
            for table, (columns, rows) in writes.rows.items():
                tables.setdefault((table, tuple(columns)), []).extend(rows)
        with self._store.transaction() as con:
            for writes in waiting:
                for sql, params in writes.before:
                    con.execute(sql, params)
            for (table, columns), rows in tables.items():
                self._store.insert(table, columns, rows)
            for writes in waiting:
                for sql, params in writes.after:
                    con.execute(sql, params)

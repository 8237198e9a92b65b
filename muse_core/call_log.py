"""The `llm_calls` table as the gateway uses it: a cache whose lookups cost the same at any size,
and call records written in groups.

- Lookup: the keys that have a replayable answer ('ok' or 'invalid') are held in memory, loaded
  once per process and database, so a miss asks DuckDB nothing. Their first answers are held too
  while they fit in ANSWERS_IN_MEMORY bytes, so a hit asks nothing either; beyond that, a hit reads
  the key's rows with the key written into the SQL: DuckDB uses the ART index on `cache_key` for a
  constant, not for a bound parameter (which scans the table). Either way a lookup costs the same
  at any size of the table.
- Records: rows are buffered and written as one Arrow insert per group; llm_calls only grows by
  inserts. A call to a remote provider gets a row in `llm_calls_pending` before it goes out: the
  calls begun together share one insert, committed apart from the event loop and from whatever
  transaction the store has open (Store.apart), and `begin` returns once it is durable, so a kill
  leaves a trace of every paid call. Its outcome (`settle`) later moves it to llm_calls: the
  outcomes of a batch are one insert joined with their pending rows, and one delete. In a stage,
  outcomes and the rows of in-process calls (`record`) wait for the next transaction of the store
  (which writes them first, so an entity never commits ahead of the calls behind it), the stage's
  end, or a buffer of FLUSH_ROWS.
"""

from __future__ import annotations

import asyncio
import re
from functools import partial
from typing import Any

import duckdb

from muse_core.store import Store

_HEX = re.compile(r"^[0-9a-f]{32,64}$")
REPLAYABLE = ("ok", "invalid")
FLUSH_ROWS = 512  # a buffer this long is written without waiting for a flush point
# Answer text held in memory for lookups (an offline answer is ~150 bytes: a million of them fit).
ANSWERS_IN_MEMORY = 256 * 2**20



class _Known:
    """The replayable keys of one database, their first answers while they fit in memory (else
    None), and the row count of llm_calls they describe."""

    def __init__(self, rows: int, keys: set[str], answers: dict[str, str] | None, size: int) -> None:
        self.rows, self.keys, self.answers, self.size = rows, keys, answers, size

    def add(self, answers: dict[str, str]) -> None:
        for key, text in answers.items():
            if key not in self.keys:
                self.keys.add(key)
                if self.answers is not None:
                    self.answers[key] = text
                    self.size += len(text)
        if self.size > ANSWERS_IN_MEMORY:
            self.answers = None  # hits read DuckDB from now on

    def forget(self, keys: list[str]) -> None:
        self.keys.difference_update(keys)
        for key in keys:
            if self.answers is not None:
                self.answers.pop(key, None)


# By database (its store_id and file: a copied file keeps its store_id), shared by the gateways of this process.
_known: dict[tuple[str, str], _Known] = {}


def _hex(value: str) -> str:
    """Our own hex digests and uuids, checked before they are written into SQL."""
    if not _HEX.match(value):
        raise ValueError(f"not a hex id: {value[:80]!r}")
    return value


def _literal(key: str) -> str:
    return f"'{_hex(key)}'"


class CallLog:
    """One per gateway; the store's connection is its only writer (one process writes a file)."""

    def __init__(self, store: Store, *, batched: bool) -> None:
        """`batched`: outcomes and in-process rows wait for the next write (a stage, which commits
        its entities in transactions); else each is written as it comes (a caller of the gateway
        who reads llm_calls right after)."""
        self._store = store
        self._batched = batched
        self._rows: list[dict[str, Any]] = []  # whole rows, not yet written
        self._pending: list[dict[str, Any]] = []  # rows for llm_calls_pending, the next group's
        self._outcomes: list[tuple[str, dict[str, Any]]] = []  # (call_id, columns) of written pending rows
        self._abandoned: list[str] = []
        self._fresh: dict[str, str] = {}  # key -> first replayable answer among the buffered rows
        self._group: asyncio.Future[None] | None = None  # resolved when the rows of _pending are durable
        self._writer: asyncio.Task[None] | None = None
        self._known = self._load_keys()
        self._keys = self._known.keys
        store.buffers.append(self)

    def _load_keys(self) -> _Known:
        """The replayable keys, shared by every gateway of this process on this database. Rows
        written by anything else since (another process, a test) show as a different row count,
        and the set is read again."""
        rows = self._store.scalar("SELECT count(*) FROM llm_calls")
        where = (self._store.store_id, str(self._store.path.resolve()))
        known = _known.get(where)
        if known is None or known.rows != rows:
            con = self._store.con
            size = con.execute("SELECT coalesce(sum(strlen(response)), 0) FROM llm_calls"
                               " WHERE status IN ('ok', 'invalid')").fetchone()[0]
            if size <= ANSWERS_IN_MEMORY:
                answers = dict(con.execute("SELECT cache_key, arg_min(response, created_at) FROM llm_calls"
                                           " WHERE status IN ('ok', 'invalid') GROUP BY cache_key").fetchall())
                keys = set(answers)
            else:
                answers, keys = None, {k for (k,) in con.execute(
                    "SELECT DISTINCT cache_key FROM llm_calls WHERE status IN ('ok', 'invalid')").fetchall()}
            known = _known[where] = _Known(rows, keys, answers, size)
        return known

    # -- the cache ---------------------------------------------------------------------------
    def answer(self, key: str) -> str | None:
        """The first replayable answer to `key`, or None (a miss)."""
        if key in self._fresh:
            return self._fresh[key]
        if key not in self._keys:
            return None
        if self._known.answers is not None:
            return self._known.answers.get(key)
        rows = self._store.con.execute(
            f"SELECT response, created_at, status FROM llm_calls WHERE cache_key = {_literal(key)}").fetchall()
        replayable = sorted((created, response) for response, created, status in rows if status in REPLAYABLE)
        return replayable[0][1] if replayable else None

    # -- records -----------------------------------------------------------------------------
    def record(self, row: dict[str, Any]) -> None:
        """A whole row (an answered or failed attempt of an in-process provider), written with the
        next group, transaction or flush."""
        self._rows.append(row)
        if row["status"] in REPLAYABLE and row["cache_key"] not in self._keys:
            self._fresh.setdefault(row["cache_key"], row["response"])
        self._flush_if_long()

    def settle(self, call_id: str, outcome: dict[str, Any], key: str) -> None:
        """The outcome of a pending row, written with the next group, transaction or flush."""
        self._outcomes.append((call_id, outcome))
        if outcome["status"] in REPLAYABLE and key not in self._keys:
            self._fresh.setdefault(key, outcome["response"])
        self._flush_if_long()

    async def begin(self, row: dict[str, Any]) -> None:
        """A row of llm_calls_pending, durable when this returns. It joins the next group: the rows
        begun while the group before is being committed, or in this turn of the event loop."""
        self._pending.append(row)
        loop = asyncio.get_running_loop()
        if self._group is None:
            self._group = loop.create_future()
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_groups())
        await asyncio.shield(self._group)

    async def _write_groups(self) -> None:
        """Commit the pending rows group by group apart from the event loop's thread (Store.apart),
        so the loop runs on while a group commits and the calls begun meanwhile gather in the next
        one: the busier the loop, the larger the groups."""
        while self._pending:
            rows, group = self._pending, self._group
            self._pending, self._group = [], None
            try:
                await asyncio.wrap_future(self._store.apart(partial(self._insert_pending, rows)))
            except asyncio.CancelledError:
                group.cancel()
                raise
            except Exception as exc:  # the group's callers learn their rows were not written
                group.set_exception(exc)
            else:
                group.set_result(None)

    def _insert_pending(self, rows: list[dict[str, Any]], con: duckdb.DuckDBPyConnection) -> None:
        """One statement: one transaction, durable on return."""
        columns = tuple(rows[0])  # every pending row has the columns of Gateway._row without an outcome
        self._store.insert("llm_calls_pending", columns, [[row[c] for c in columns] for row in rows], con=con)

    def _flush_if_long(self) -> None:
        if not self._batched or len(self._rows) + len(self._outcomes) >= FLUSH_ROWS:
            self.flush()

    def abandon(self, keys: list[str]) -> None:
        """The invalid answers of a re-ask chain that never got a valid one: history, not cache."""
        self._known.forget(keys)
        for key in keys:
            self._fresh.pop(key, None)
        self._abandoned += keys
        self.flush()

    def flush(self) -> None:
        """Write everything buffered now, in one transaction."""
        if self.pending():
            with self._store.transaction():  # which calls write()
                pass

    # -- the store's Buffer protocol ----------------------------------------------------------
    def pending(self) -> bool:
        return bool(self._rows or self._outcomes or self._abandoned)  # pending rows go by their own group

    def write(self) -> None:
        """Write everything buffered inside the store's open transaction. Should that transaction
        roll back, the rows are lost: a pending row then stays 'pending' (marked 'interrupted' by
        the next run) and a replayable key is looked up in vain (a miss), never the reverse."""
        if not self.pending():
            return
        rows, outcomes, abandoned = self._rows, self._outcomes, self._abandoned
        self._rows, self._outcomes, self._abandoned = [], [], []
        con = self._store.con
        for columns, group in _by_columns(rows).items():
            self._store.insert("llm_calls", columns, [[row[c] for c in columns] for row in group])
        if outcomes:  # every outcome has the same columns (Gateway._settle)
            columns = ("call_id", *outcomes[0][1])
            values = [[call_id, *outcome.values()] for call_id, outcome in outcomes]
            with self._store.batch(columns, values) as (source, params):
                moved = con.execute(f"INSERT INTO llm_calls BY NAME SELECT p.*, _muse_batch.* EXCLUDE (call_id)"
                                    f" FROM {source} JOIN llm_calls_pending p USING (call_id)", params).fetchone()[0]
                if moved != len(outcomes):  # the join would drop an outcome whose pending row is gone
                    raise RuntimeError(f"{len(outcomes) - moved} call outcome(s) have no row in llm_calls_pending")
                con.execute(f"DELETE FROM llm_calls_pending WHERE call_id IN (SELECT call_id FROM {source})", params)
        for key in abandoned:  # the chain's rows were written above, or earlier
            con.execute(f"UPDATE llm_calls SET status = 'abandoned' WHERE status = 'invalid'"
                        f" AND cache_key = {_literal(key)}")
        self._known.add(self._fresh)
        self._fresh.clear()
        self._known.rows += len(rows) + len(outcomes)


def _by_columns(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """Rows of different columns (a caller may leave optional ones out): one insert for each shape."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return groups

"""A stage split into shards, each run by another process on a file of its own, then merged.

DuckDB has one writer per file, so a shard works on a copy of the run's database: it reads
everything the stage reads (the catalog, profiles, indexes, and `llm_calls`, so the call cache
works across shards), does the entities it owns, and writes them to its copy. The merge folds
into the run's database, in one transaction, the rows of those entities that the shard added or
changed in the tables the stage writes, and the calls it made: a row equal in both files is left
alone, so merging a shard twice changes nothing. Which entities a shard owns depends only on their ids (a stable hash), so
the rows equal those of a run in one process with the same seed.

Shard files live in the run's work folder (`<db>.work/<stage>/`) until they are merged; a run
killed before its merge leaves them there, and the next run of the stage merges them first, so a
killed worker loses only the entities it had not finished (`merge_leftovers`).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muse_core.runs import mark_interrupted
from muse_core.store import Store

# Every stage's calls, failures and screens go beside the tables it names as its output.
ALWAYS_MERGED = ("llm_calls", "stage_failures", "screens")


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    def owns(self, entity_id: str) -> bool:
        """Whether this shard does the entity."""
        return shard_of(entity_id, self.count) == self.index


def shard_of(entity_id: str, count: int) -> int:
    """The shard of `count` that does an entity: a stable hash of its id, so every process agrees."""
    return int.from_bytes(hashlib.sha256(entity_id.encode()).digest()[:8], "big") % count


def work_folder(db: Path, stage: str) -> Path:
    return db.parent / f"{db.name}.work" / stage


def shard_path(db: Path, stage: str, shard: Shard) -> Path:
    return work_folder(db, stage) / f"shard-{shard.index}-of-{shard.count}.duckdb"


def make_shards(db: Path, stage: str, count: int) -> list[tuple[Shard, Path]]:
    """Copy the run's database once per shard (it must be closed: the copy is of the file). Shard
    files a killed run left must be merged first (`merge_leftovers`): these copies replace them."""
    folder = work_folder(db, stage)
    folder.mkdir(parents=True, exist_ok=True)
    with Store(db) as store:  # everything in the file itself, none of it in a write-ahead log beside it
        store.con.execute("CHECKPOINT")
    shards = []
    for index in range(count):
        shard = Shard(index, count)
        path = shard_path(db, stage, shard)
        partial = path.with_suffix(".copying")
        shutil.copyfile(db, partial)  # renamed when whole: a kill mid-copy leaves no shard to merge
        partial.rename(path)
        shards.append((shard, path))
    return shards


def prepare_shard_store(path: Path) -> Store:
    """A shard's store, with the calls a killed earlier attempt left in flight marked 'interrupted'."""
    store = Store(path)
    mark_interrupted(store)
    return store


def _columns(store: Store, table: str) -> list[str]:
    return [r[0] for r in store.con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ?"
        " ORDER BY column_index", [table]).fetchall()]


def _has_key(store: Store, table: str) -> bool:
    return bool(store.con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database() AND table_name = ?"
        " AND constraint_type = 'PRIMARY KEY'", [table]).fetchone()[0])


def _entity_column(store: Store, table: str) -> str:
    """The SQL naming the conversation a row belongs to: its conversation_id, or the id its
    entity_id starts with (screens and failures: `<conversation>` or `<conversation>/t<turn>`)."""
    columns = _columns(store, table)
    if "conversation_id" in columns:
        return "conversation_id"
    if "entity_id" in columns:
        return "split_part(entity_id, '/', 1)"
    raise ValueError(f"table {table} names no conversation: it cannot be merged from a shard")


def _shard_in(path: Path) -> Shard:
    _, index, _, count = path.stem.split("-")  # shard-<i>-of-<n>
    return Shard(int(index), int(count))


def merge_shards(store: Store, stage_tables: tuple[str, ...], paths: list[Path]) -> dict[str, int]:
    """Fold the shard files into `store` in one transaction; returns rows written per table.

    A shard's copy holds every row of the database, so only the rows of the conversations it owns
    are taken (added or changed: a row equal in both files is left alone), and the calls it made
    (call ids the database lacks). A killed shard's calls still in flight are merged as
    'interrupted'. The files are deleted once merged."""
    tables = tuple(dict.fromkeys(stage_tables + ALWAYS_MERGED))
    written = dict.fromkeys(tables, 0)
    if not paths:
        return written
    for path in paths:  # a shard a kill left behind: its in-flight calls become 'interrupted' rows
        with prepare_shard_store(path):
            pass
    con = store.con
    if "muse_shard_of" not in {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()}:
        con.create_function("muse_shard_of", shard_of, ["VARCHAR", "INTEGER"], "INTEGER", side_effects=False)
    aliases = [f"shard_{i}" for i in range(len(paths))]
    for alias, path in zip(aliases, paths):  # attached outside the transaction: detaching needs it closed
        con.execute(f"ATTACH '{_quoted(path)}' AS {alias} (READ_ONLY)")
    try:
        with store.transaction():
            for alias, path in zip(aliases, paths):
                shard = _shard_in(path)
                for table in tables:
                    columns = ", ".join(f'"{c}"' for c in _columns(store, table))
                    if table == "llm_calls":
                        sql = (f"INSERT INTO llm_calls ({columns}) SELECT {columns} FROM {alias}.llm_calls"
                               " WHERE call_id NOT IN (SELECT call_id FROM llm_calls)")
                        written[table] += con.execute(sql).fetchone()[0]
                        continue
                    verb = "INSERT OR REPLACE" if _has_key(store, table) else "INSERT"
                    sql = (f"{verb} INTO {table} ({columns}) SELECT {columns} FROM {alias}.{table}"
                           f" WHERE muse_shard_of({_entity_column(store, table)}, ?) = ?"
                           f" EXCEPT SELECT {columns} FROM {table}")
                    written[table] += con.execute(sql, [shard.count, shard.index]).fetchone()[0]
    finally:
        for alias in aliases:
            con.execute(f"DETACH {alias}")
    for path in paths:
        path.unlink()
        path.with_name(path.name + ".lock").unlink(missing_ok=True)  # the store's lock file beside it
    return written


def merge_leftovers(db: Path, stage: str, stage_tables: tuple[str, ...]) -> int:
    """Merge the shard files of this stage that a killed run left (whether or not this run shards);
    returns how many there were."""
    folder = work_folder(db, stage)
    if not folder.is_dir():
        return 0
    for partial in folder.glob("*.copying"):
        partial.unlink()
    left = sorted(folder.glob("shard-*.duckdb"))
    if left:
        with Store(db) as store:
            merge_shards(store, stage_tables, left)
    return len(left)


def _quoted(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")


def combine_reports(final: dict[str, Any], shards: list[dict[str, Any]], per_run: tuple[str, ...]) -> dict[str, Any]:
    """The stage's report: the totals of a last pass over the merged database, and the work the
    shards did (the fields in `per_run`: what a report counts of its own run's work)."""
    return {key: value + sum(s.get(key, 0) for s in shards) if key in per_run else value
            for key, value in final.items()}

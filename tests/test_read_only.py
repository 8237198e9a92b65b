"""Read-only connections cannot write or read files (issue 12, item 1).

Every attack is tried three ways: through `muse sql` in a subprocess (argument and stdin), through
the interactive prompt function, and on a read-only Store directly. The database file must stay
byte for byte the same, and nothing may be written or read outside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from muse_core.config import load_config
from muse_core.named_queries import list_queries, run_query
from muse_core.retrieval import get_retriever
from muse_core.store import NotAReadQuery, Store, extension_file, read_query
from tests.helpers import build_sample_db, shell_output

MUSE = [sys.executable, "-m", "muse_flows.cli"]

# name -> SQL; {db}, {out}, {secret}, {dir} are filled per test. Each one wrote or read a file
# before: the COPY over the database turned a 21.5 MB file into 5 bytes.
ATTACKS = {
    "copy over the database": "COPY (SELECT 'gone') TO '{db}' (FORMAT csv)",
    "copy to a new file": "COPY (SELECT 'x') TO '{out}' (FORMAT csv)",
    "read_text": "SELECT * FROM read_text('/etc/hostname')",
    "read_csv": "SELECT * FROM read_csv('{secret}')",
    "read_blob": "SELECT * FROM read_blob('{secret}')",
    "read_parquet": "SELECT * FROM read_parquet('{secret}')",
    "file as a table": "SELECT * FROM '{secret}'",
    "glob": "SELECT * FROM glob('{dir}/*')",
    "attach": "ATTACH '{out}' AS other",
    "export database": "EXPORT DATABASE '{dir}/dump'",
    "set": "SET threads = 1",
    "set external access back on": "SET enable_external_access = true",
    "reset the lock": "RESET lock_configuration",
    "pragma setting": "PRAGMA memory_limit = '1GB'",
    "checkpoint": "CHECKPOINT",
    "force checkpoint": "FORCE CHECKPOINT",
    "install": "INSTALL httpfs",
    "load by name": "LOAD httpfs",
    "load a file": "LOAD '{dir}/copied.duckdb_extension'",
    "two statements": "SELECT 1; COPY (SELECT 'x') TO '{out}' (FORMAT csv)",
    "explain analyze runs its statement": "EXPLAIN ANALYZE COPY (SELECT 'x') TO '{out}' (FORMAT csv)",
}
# a checkpoint of a file DuckDB opened read-only does nothing: a Store runs it, the file is unchanged
NO_OP_ON_THE_CONNECTION = {"checkpoint", "force checkpoint"}
# without external access a file name is no table: DuckDB's own catalog error, with its hint lines
DUCKDB_ERROR = {"file as a table"}


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample ingested, summarised and BM25-indexed: products, views, the fts index."""
    return build_sample_db(tmp_path_factory.mktemp("ro") / "muse.duckdb")


@pytest.fixture
def setup(sample_db: Path, tmp_path: Path) -> dict[str, Path]:
    """A copy of the database (an attack that got through must not spoil the next test), a
    secret to read and a place to write; the extension copy is a real file LOAD could take."""
    db = tmp_path / "muse.duckdb"
    db.write_bytes(sample_db.read_bytes())
    secret = tmp_path / "secret.csv"
    secret.write_text("key\nsecret-value\n")
    (tmp_path / "copied.duckdb_extension").write_bytes(extension_file("fts").read_bytes())
    return {"db": db, "out": tmp_path / "out.csv", "secret": secret, "dir": tmp_path}


def _attack(name: str, paths: dict[str, Path]) -> str:
    return ATTACKS[name].format(**{k: str(v) for k, v in paths.items()})


def _untouched(paths: dict[str, Path], before: bytes) -> None:
    assert paths["db"].read_bytes() == before, "the database file changed"
    assert not paths["out"].exists() and not (paths["dir"] / "dump").exists()


@pytest.fixture
def ro(setup: dict[str, Path]) -> Iterator[Store]:
    with Store(setup["db"], read_only=True) as store:
        yield store


# -- the read-only Store itself ------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_read_only_store_refuses_every_attack(setup: dict[str, Path], name: str) -> None:
    before = setup["db"].read_bytes()
    with Store(setup["db"], read_only=True) as store:
        if name in NO_OP_ON_THE_CONNECTION:
            store.con.execute(_attack(name, setup))
        else:
            with pytest.raises(duckdb.Error):
                store.con.execute(_attack(name, setup)).fetchall()
        # and the lock is still on afterwards
        assert store.scalar("SELECT current_setting('enable_external_access')") is False
    _untouched(setup, before)


def test_the_lock_holds_for_every_read_only_store_of_the_file(setup: dict[str, Path]) -> None:
    # DuckDB shares one instance per file within a process: the second Store finds it locked
    with Store(setup["db"], read_only=True) as first, Store(setup["db"], read_only=True) as second:
        for store in (first, second):
            assert store.scalar("SELECT current_setting('lock_configuration')") is True
            with pytest.raises(duckdb.PermissionException):
                store.con.execute("SELECT * FROM read_text('/etc/hostname')")
    # a writer after them is not locked: it must migrate and build views
    with Store(setup["db"]) as writer:
        assert writer.scalar("SELECT current_setting('enable_external_access')") is True


def test_views_search_and_extensions_work_on_a_locked_store(ro: Store) -> None:
    views = [r[0] for r in ro.con.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal").fetchall()]
    assert "catalog" in views and "action_mix" in views
    for view in views:
        ro.scalar(f"SELECT count(*) FROM {view}")
    # fts: BM25 through the index, as `muse search --retriever bm25` does
    config = load_config(db=ro.path).with_offline_engine()
    hits = get_retriever(ro, config, "bm25").search("navy dress", 3)
    assert len(hits) == 3 and all(h.score > 0 for h in hits)
    assert ro.scalar("SELECT stem('running', 'english')") == "run"
    # vss: its table macros, on temporary tables (in memory, allowed)
    ro.con.execute("CREATE TEMP TABLE vecs AS SELECT * FROM (VALUES (1, [1.0, 0.0]::FLOAT[2]),"
                   " (2, [0.0, 1.0]::FLOAT[2])) t(id, v)")
    match = ro.scalar("SELECT matches FROM vss_match(vecs, [0.9, 0.1]::FLOAT[2], v, 1)")
    assert match[0]["row"]["id"] == 1


def test_named_queries_run_on_a_locked_store(ro: Store) -> None:
    for query in list_queries():
        params = {p: "0" for p in query.params}
        names, _ = run_query(ro.con, query, params)
        assert names, query.name


def test_write_parquet_works_read_only_and_keeps_types(ro: Store, tmp_path: Path) -> None:
    target = tmp_path / "runs.parquet"
    ro.write_parquet("SELECT run_id, command, config, started_at FROM runs ORDER BY run_id", target)
    back = duckdb.connect()
    types = dict(back.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{target}')").fetchall())
    assert types["config"] == "JSON" and types["started_at"].startswith("TIMESTAMP")
    assert back.execute(f"SELECT * FROM '{target}'").fetchall() == ro.con.execute(
        "SELECT run_id, command, config, started_at FROM runs ORDER BY run_id").fetchall()


# -- the statement check ------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "SELECT 1", "select 1;", "WITH a AS (SELECT 1 AS x) SELECT x FROM a", "VALUES (1), (2)", "FROM catalog",
    "DESCRIBE products", "SHOW TABLES", "SUMMARIZE products", "PRAGMA table_info('products')",
    "EXPLAIN SELECT 1", "EXPLAIN ANALYZE SELECT count(*) FROM products", "-- a comment\nSELECT 1",
])
def test_read_queries_pass_the_check(sql: str) -> None:
    assert read_query(sql) == sql


@pytest.mark.parametrize("sql", [
    "", " ; ", "CREATE TEMP TABLE t AS SELECT 1", "INSERT INTO runs SELECT * FROM runs", "BEGIN",
    "USE memory", "DETACH muse", "SET VARIABLE x = 1", "PRAGMA enable_profiling", "CALL pragma_version()",
    "EXPLAIN (FORMAT json) COPY (SELECT 1) TO 'x.csv'", "-- hide it\nEXPLAIN ANALYZE COPY (SELECT 1) TO 'x.csv'",
    "SELECT 1;; SELECT 2",
])
def test_everything_else_is_refused_with_one_line(sql: str) -> None:
    with pytest.raises(NotAReadQuery) as refused:
        read_query(sql)
    assert "\n" not in str(refused.value) and "read" in str(refused.value)


# -- muse sql, in a subprocess ------------------------------------------------------------------

def _muse_sql(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*MUSE, "sql", *args], input=stdin, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_muse_sql_refuses_every_attack_in_one_line(setup: dict[str, Path], name: str) -> None:
    before = setup["db"].read_bytes()
    result = _muse_sql("--db", str(setup["db"]), _attack(name, setup))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error:") and (len(lines) == 1 or name in DUCKDB_ERROR), result.stderr
    assert "Traceback" not in result.stderr and "secret-value" not in result.stdout
    _untouched(setup, before)


def test_muse_sql_from_stdin_refuses_every_attack_and_goes_on(setup: dict[str, Path]) -> None:
    before = setup["db"].read_bytes()
    lines = [_attack(name, setup) + ";" for name in sorted(ATTACKS)]
    result = _muse_sql("--db", str(setup["db"]), stdin="\n".join([*lines, "SELECT 42 AS answer;", ""]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("error:") == len(ATTACKS), result.stdout
    assert "42" in result.stdout and "secret-value" not in result.stdout and "Traceback" not in result.stdout
    _untouched(setup, before)


def test_muse_sql_still_reads_views_and_named_queries(setup: dict[str, Path]) -> None:
    db = str(setup["db"])
    view = _muse_sql("--db", db, "--json", "SELECT count(*) AS n FROM catalog")
    assert view.returncode == 0 and '"n": 245' in view.stdout, view.stderr
    bm25 = _muse_sql("--db", db, "--json", "SELECT product_id FROM (SELECT product_id, "
                     "fts_main_product_docs.match_bm25(product_id, 'navy dress') AS s FROM product_docs)"
                     " WHERE s IS NOT NULL LIMIT 1")
    assert bm25.returncode == 0 and "product_id" in bm25.stdout, bm25.stderr
    named = _muse_sql("--db", db, "--query", "cost_per_stage")
    assert named.returncode == 0 and "all stages" in named.stdout, named.stderr


# -- the interactive prompt ----------------------------------------------------------------------



def test_the_prompt_refuses_every_attack_in_one_line_each(setup: dict[str, Path], ro: Store) -> None:
    before = setup["db"].read_bytes()
    out = shell_output(ro, [_attack(name, setup) + ";" for name in sorted(ATTACKS)] + [
        "SELECT count(*) AS products FROM catalog;", ".q cost_per_stage"])
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == len(ATTACKS), out  # soft-wrapped: one line each, however long
    assert "secret-value" not in out
    assert "245" in out and "all stages" in out  # normal queries after the refusals
    _untouched(setup, before)

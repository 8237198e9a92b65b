from pathlib import Path

import duckdb
import pytest

from muse_core.store import SQL_DIR, Store, StoreError


def test_new_store_applies_every_migration_once(tmp_path: Path) -> None:
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        versions = [r["version"] for r in store.rows("SELECT version FROM schema_migrations ORDER BY version")]
        expected = sorted(int(p.name[:3]) for p in (SQL_DIR / "schema").glob("[0-9][0-9][0-9]_*.sql"))
        assert versions == expected
        store_id = store.store_id
        assert store_id and len(store_id) == 32
    with Store(db) as again:  # reopening applies nothing and keeps the identity
        assert again.migrate() == []
        assert again.store_id == store_id


def test_tables_views_and_extensions_are_there(store: Store) -> None:
    tables = {r["table_name"] for r in store.rows("SELECT table_name FROM information_schema.tables")}
    for name in ("runs", "products", "product_images", "product_embeddings", "ingest_rejects", "llm_calls",
                 "ingest_summary", "llm_usage", "catalog"):
        assert name in tables
    loaded = {r["extension_name"] for r in store.rows("SELECT extension_name FROM duckdb_extensions() WHERE loaded")}
    assert {"fts", "vss"} <= loaded


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction() as con:
            con.execute("INSERT INTO store_meta VALUES ('probe', 'x')")
            raise RuntimeError("boom")
    assert store.scalar("SELECT count(*) FROM store_meta WHERE key = 'probe'") == 0


def test_read_only_open_of_a_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="muse run --offline"):
        Store(tmp_path / "absent.duckdb", read_only=True)


def test_a_second_writer_gets_an_actionable_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "locked.duckdb"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError, match="one writer"):
            Store(db)
    finally:
        holder.kill()


def test_only_a_read_only_store_is_locked_away_from_files(tmp_path: Path) -> None:
    db = tmp_path / "lock.duckdb"
    with Store(db) as writer:  # the writer needs files: migrations, views, the fts index
        assert writer.scalar("SELECT current_setting('enable_external_access')") is True
    with Store(db, read_only=True) as reader:
        assert reader.scalar("SELECT current_setting('enable_external_access')") is False
        assert reader.scalar("SELECT current_setting('lock_configuration')") is True
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            reader.con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.PermissionException):
            reader.con.execute(f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'")
        assert reader.store_id  # reading still works


def test_a_duckdb_file_muse_did_not_write_is_named_for_readers(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    duckdb.connect(str(db)).execute("CREATE TABLE t (a INTEGER)").close()
    with pytest.raises(StoreError, match="muse did not write.*give --db a muse database"):
        Store(db, read_only=True)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_file_is_called_damaged(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "damaged.duckdb"
    with Store(db) as store:
        store.con.execute("CREATE TABLE filler AS SELECT range AS n, repeat('x', 50) AS s FROM range(200000)")
    data = db.read_bytes()
    db.write_bytes(b"not a database at all " * 100 if damage == "garbage" else data[: len(data) // 3])
    for read_only in (True, False):
        with pytest.raises(StoreError, match="damaged"):
            Store(db, read_only=read_only)


def test_statements_apart_commit_on_their_own_and_finish_before_close(tmp_path: Path) -> None:
    import threading

    db, started = tmp_path / "apart.duckdb", threading.Event()

    def slow(con: duckdb.DuckDBPyConnection) -> str:
        started.set()
        threading.Event().wait(0.3)  # still running when close() is called
        con.execute("CREATE TABLE written_apart AS SELECT 42 AS answer")
        return threading.current_thread().name

    store = Store(db)
    store.con.execute("BEGIN TRANSACTION")
    done = store.apart(slow)
    assert started.wait(5)
    store.con.execute("ROLLBACK")  # the open transaction of `con` is not theirs
    store.close()
    assert done.result().startswith("muse-store")
    with Store(db, read_only=True) as again:
        assert again.scalar("SELECT answer FROM written_apart") == 42


@pytest.mark.parametrize("rows", [1, 16, 17, 200])
def test_a_batch_reads_the_same_as_values_or_as_arrow(store: Store, rows: int) -> None:
    data = [[i, f"text {i}" if i % 3 else None, i / 2] for i in range(rows)]
    store.con.execute("CREATE TABLE t (n INTEGER, s VARCHAR, x DOUBLE)")
    store.insert("t", ["n", "s", "x"], data)
    assert [list(r) for r in store.con.execute("SELECT * FROM t ORDER BY n").fetchall()] == data


def test_views_are_made_again_only_when_their_files_changed(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "views.duckdb"
    with Store(db) as store:
        store.con.execute("DROP VIEW llm_usage")
    with Store(db) as store:  # the same files: an open does not make them again
        assert store.scalar("SELECT count(*) FROM duckdb_views() WHERE view_name = 'llm_usage'") == 0
    views = tmp_path / "sql" / "views"
    views.mkdir(parents=True)
    for file in (SQL_DIR / "views").glob("*.sql"):
        (views / file.name).write_text(file.read_text() + ("\n-- changed" if file.name == "catalog.sql" else ""))
    (tmp_path / "sql" / "schema").symlink_to(SQL_DIR / "schema")
    monkeypatch.setattr("muse_core.store.SQL_DIR", tmp_path / "sql")
    with Store(db) as store:  # another text: every view is made again
        assert store.scalar("SELECT count(*) FROM duckdb_views() WHERE view_name = 'llm_usage'") == 1

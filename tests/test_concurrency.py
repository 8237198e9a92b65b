"""Runs and readers of one database file wait for each other instead of breaking each other."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from muse_core.run_lock import hold
from muse_core.store import Store, StoreError
from tests.helpers import ROOT, export_bytes, write_sample_subset


def muse(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "muse_flows.cli", *args], cwd=cwd, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


@pytest.mark.slow
def test_two_runs_and_a_reader_on_one_file_all_finish(tmp_path: Path) -> None:
    write_sample_subset(tmp_path, 40)
    (tmp_path / "muse.toml").write_text('[retrieval]\nretriever = "bm25"\n')
    run = ["run", "--offline", "--config", "muse.toml", "--catalog", "catalog.jsonl", "--profiles", "3"]
    first, second = muse(*run, "--db", "a.duckdb", cwd=tmp_path), muse(*run, "--db", "a.duckdb", cwd=tmp_path)
    while not (tmp_path / "a.duckdb").exists():
        time.sleep(0.2)
    reader = muse("sql", "--db", "a.duckdb", "SELECT count(*) AS runs FROM runs", cwd=tmp_path)
    outcomes = [p.communicate(timeout=900) + (p.returncode,) for p in (first, second, reader)]
    assert [code for _, _, code in outcomes] == [0, 0, 0], [err[-2000:] for _, err, _ in outcomes]
    alone = muse(*run, "--db", "b.duckdb", cwd=tmp_path)
    assert alone.wait(timeout=900) == 0
    assert export_bytes(tmp_path / "a.duckdb") == export_bytes(tmp_path / "b.duckdb")


def holding(context: str, imports: str) -> subprocess.Popen:
    """Another process inside `with <context>:` for 3 s, started and holding when this returns."""
    holder = subprocess.Popen([sys.executable, "-c", (
        f"import time; {imports}\nwith {context}:\n    print('held', flush=True); time.sleep(3)")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_reader_waits_for_the_writer_then_fails_naming_it(tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    Store(db).close()
    holder = holding(f"exclusive_run({str(db)!r}, 'muse run', 0)", "from muse_core.run_lock import exclusive_run")
    with pytest.raises(StoreError, match="being written by another muse run .*command 'muse run'"):
        Store(db, read_only=True, lock_wait_s=0.5)
    with Store(db, read_only=True, lock_wait_s=30) as reader:  # the holder lets go after 3 s
        assert reader.store_id
    holder.wait()


def test_a_writer_waits_for_readers(tmp_path: Path) -> None:
    db = tmp_path / "read.duckdb"
    Store(db).close()
    reader = holding(f"Store({str(db)!r}, read_only=True)", "from muse_core.store import Store")
    with pytest.raises(StoreError, match="in use by a reader"):
        Store(db, lock_wait_s=0.5)
    started = time.monotonic()
    with Store(db, lock_wait_s=30) as writer:
        assert time.monotonic() - started > 1 and writer.store_id
    reader.wait()


def test_readers_share_the_file(tmp_path: Path) -> None:
    db = tmp_path / "shared.duckdb"
    Store(db).close()
    with hold(db, exclusive=False, command="read", wait_s=0):
        reader = subprocess.run([sys.executable, "-c", (
            "from muse_core.store import Store\n"
            f"with Store({str(db)!r}, read_only=True, lock_wait_s=0) as s:\n    print(bool(s.store_id))")],
            cwd=ROOT, capture_output=True, text=True)
    assert reader.stdout.strip() == "True", reader.stderr[-2000:]


def test_a_reader_that_cannot_make_the_lock_file_reads_unlocked_and_a_writer_says_why(tmp_path: Path) -> None:
    from muse_core.run_lock import lock_path

    db = tmp_path / "mounted.duckdb"
    Store(db).close()
    lock_path(db).unlink()
    lock_path(db).mkdir()  # stands for a lock file nobody can open (a read-only mount)
    with Store(db, read_only=True, lock_wait_s=0) as reader:
        assert reader.store_id
    with pytest.raises(StoreError, match="cannot lock .* for writing"):
        Store(db, lock_wait_s=0)


def test_a_damaged_file_whose_path_says_lock_is_still_called_damaged(tmp_path: Path) -> None:
    db = tmp_path / "clock.duckdb"
    db.write_bytes(b"not a database at all " * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store(db, read_only=True)

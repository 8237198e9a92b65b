"""Scale-out (issue 15): the conversation stages sharded over a local Dask cluster through Prefect
give the bytes of a run in one process, survive a killed worker, and keep the configured requests
per minute for the whole cluster. The runs go through the `muse` CLI (it starts the Prefect server
the workers report to), so these tests take minutes."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from muse_core.config import load_config
from muse_core.plugins import registry
from muse_core.shards import Shard, merge_leftovers, merge_shards, shard_of, shard_path
from muse_core.stages import BY_NAME, conversation_set
from muse_core.store import Store
from muse_plugins.offline.server import BackgroundServer, Faults
from tests.helpers import build_profiles_db, export_bytes, muse_output

RUN = ("run", "--offline", "--conversations", "40", "--seed", "3")


@pytest.fixture(scope="module")
def single_process(tmp_path_factory) -> bytes:
    """The export of the run in one process that every sharded run must equal."""
    folder = tmp_path_factory.mktemp("single")
    muse_output(*RUN, "--db", "single.duckdb", cwd=folder)
    return export_bytes(folder / "single.duckdb")


def calls(db: Path) -> int:
    with Store(db, read_only=True) as store:
        return store.scalar("SELECT count(*) FROM llm_calls")


def test_two_workers_give_the_bytes_of_one_process_and_a_rerun_makes_no_call(single_process, tmp_path) -> None:
    muse_output(*RUN, "--workers", "2", "--db", "sharded.duckdb", cwd=tmp_path)
    db = tmp_path / "sharded.duckdb"
    assert export_bytes(db) == single_process
    assert not list((tmp_path / "sharded.duckdb.work").rglob("*.duckdb"))  # every shard merged and removed
    made = calls(db)
    muse_output(*RUN, "--workers", "2", "--db", "sharded.duckdb", cwd=tmp_path)
    assert calls(db) == made
    with Store(db, read_only=True) as store:  # one row per flow: ingest, profiles, conversations; twice
        misses = [r["cache_misses"] for r in store.rows("SELECT cache_misses FROM runs ORDER BY started_at")]
    assert len(misses) == 6 and misses[2] > 0  # the first run's conversation calls, made in its shards
    assert sum(misses[3:]) == 0
    assert export_bytes(db) == single_process

    # the judge and the element tagger shard too, with the rows of one process
    (tmp_path / "alone.duckdb").write_bytes(db.read_bytes())
    (tmp_path / "scale.toml").write_text("[scale]\nworkers = 2\n")
    evaluate = ("evaluate", "--offline", "--stage", "judge", "--stage", "elements")
    muse_output(*evaluate, "--config", "scale.toml", "--db", "sharded.duckdb", cwd=tmp_path)
    muse_output(*evaluate, "--db", "alone.duckdb", cwd=tmp_path)
    scored = []
    for name in ("sharded.duckdb", "alone.duckdb"):
        with Store(tmp_path / name, read_only=True) as store:
            scored.append([store.rows(f"SELECT * EXCLUDE (run_id) FROM {table} ORDER BY ALL")
                           for table in ("judge_scores", "utterance_elements")])
    assert scored[0] == scored[1] and all(scored[0])


def _tree(pid: int) -> list[int]:
    """The processes under `pid` (children, grandchildren, ...)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found += [int(entry.name), *_tree(int(entry.name))]
            except (OSError, IndexError, ValueError):
                continue
    return found


def _holding(pid: int, fragment: str) -> bool:
    try:
        return any(fragment in os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def test_a_worker_killed_during_conversations_loses_nothing_a_rerun_cannot_finish(single_process, tmp_path) -> None:
    run = subprocess.Popen([sys.executable, "-m", "muse_flows.cli", *RUN, "--workers", "2", "--db", "k.duckdb"],
                           cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    killed, deadline = None, time.monotonic() + 600
    while killed is None and run.poll() is None and time.monotonic() < deadline:
        workers = [pid for pid in _tree(run.pid) if _holding(pid, "simulate/shard-")]
        if workers:
            time.sleep(3)  # a few conversations into its shard
            os.kill(workers[0], signal.SIGKILL)
            killed = workers[0]
        time.sleep(0.2)
    run.communicate(timeout=900)
    assert killed is not None, "no worker ever opened a simulate shard"
    # Dask restarts the worker and runs its shard again (it goes on from its file); whether that run
    # ended well or not, the next one finishes the dataset with the same bytes
    muse_output(*RUN, "--workers", "2", "--db", "k.duckdb", cwd=tmp_path)
    assert export_bytes(tmp_path / "k.duckdb") == single_process


class ArrivalLog:
    """ASGI wrapper: the arrival time of every muse model request (the preflight's probe left out)."""

    def __init__(self, app) -> None:
        self.app, self.times = app, []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/chat/completions"):
            body = []

            async def peek():
                message = await receive()
                body.append(message.get("body", b""))
                if not message.get("more_body") and b"Reply with OK." not in b"".join(body):
                    self.times.append(time.monotonic())
                return message
            return await self.app(scope, peek, send)
        return await self.app(scope, receive, send)


def test_two_workers_together_stay_under_the_requests_per_minute(tmp_path) -> None:
    rpm = 40
    db = build_profiles_db(tmp_path / "r.duckdb", 6)
    server = BackgroundServer(Faults())
    log = ArrivalLog(server.app)
    server.server.config.app = log
    with server:
        (tmp_path / "served.toml").write_text(f"""
db = "{db}"
[all_roles]
provider = "openai-compatible"
model = "offline"
api_base = "{server.url}"
send_inputs = true
[gateway]
requests_per_minute = {rpm}
tokens_per_minute = 1000000
[retrieval]
retriever = "bm25"
[profiles]
n = 6
scenarios = 70
""")
        run = subprocess.Popen([sys.executable, "-m", "muse_flows.cli", "conversations", "--config", "served.toml",
                                "--workers", "2"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
        try:
            deadline = time.monotonic() + 300
            while run.poll() is None and time.monotonic() < deadline and not (
                    log.times and time.monotonic() - log.times[0] > 80):
                time.sleep(0.5)
        finally:
            run.kill()
            run.communicate()
    times = log.times
    assert times and times[-1] - times[0] > 60, "the run stopped before a minute of calls"
    busiest = max(sum(1 for t in times if start <= t < start + 60) for start in times)
    assert busiest <= rpm
    assert busiest >= 0.75 * rpm  # the limit, not the work, set the pace
    config = load_config(tmp_path / "served.toml")
    conv_set = conversation_set(config, registry().get("domain", config.domain))
    assert {shard_of(f"{conv_set}-{k}", 2) for k in range(6)} == {0, 1}  # both workers had conversations


def test_a_left_shard_is_merged_by_the_next_run_and_merging_it_twice_changes_nothing(tmp_path) -> None:
    db = build_profiles_db(tmp_path / "m.duckdb", 2)
    with Store(db) as store:
        store.con.execute("INSERT INTO stage_failures (stage, entity_id, error, run_id) VALUES ('s', 'c-1', 'e', 'r')")
    shard = Shard(0, 1)
    left = shard_path(db, "simulate", shard)  # as a killed run leaves it, with work its shard finished
    left.parent.mkdir(parents=True)
    left.write_bytes(db.read_bytes())
    with Store(left) as store:
        store.con.execute("INSERT INTO stage_failures (stage, entity_id, error, run_id) VALUES ('s', 'c-2', 'e', 'r')")
    again = left.read_bytes()
    assert merge_leftovers(db, "simulate", BY_NAME["simulate"].writes) == 1
    assert not left.exists() and merge_leftovers(db, "simulate", BY_NAME["simulate"].writes) == 0
    with Store(db) as store:
        after_one = store.rows("SELECT * FROM stage_failures ORDER BY entity_id")
        left.write_bytes(again)
        merge_shards(store, BY_NAME["simulate"].writes, [left])
        assert store.rows("SELECT * FROM stage_failures ORDER BY entity_id") == after_one
    assert [r["entity_id"] for r in after_one] == ["c-1", "c-2"]


def test_an_unreachable_scheduler_is_one_line_before_any_work(tmp_path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = subprocess.run([sys.executable, "-m", "muse_flows.cli", "run", "--offline", "--cluster",
                             f"tcp://127.0.0.1:{port}", "--db", "u.duckdb"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert not (tmp_path / "u.duckdb").exists()  # nothing ingested

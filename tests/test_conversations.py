"""Conversation simulation and optimisation on the bundled sample, offline: structure, honesty
views, rewrite and review bookkeeping, resume after SIGKILL, and faults through the real client."""

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from muse_core.config import ConversationsConfig, load_config
from muse_core.muse_json import muse_json
from muse_core.store import Store
from muse_plugins.offline.server import BackgroundServer, Faults
from tests.helpers import ROOT, build_profiles_db, export_bytes, over_http, run_conversation_stages

N = 12


@pytest.fixture(scope="module")
def profiles_db(tmp_path_factory) -> Path:
    """The sample with 12 offline profiles, built once for this module."""
    return build_profiles_db(tmp_path_factory.mktemp("conversations") / "profiles.duckdb", N)


@pytest.fixture(scope="module")
def straight(profiles_db: Path, tmp_path_factory) -> Path:
    """An uninterrupted offline conversation run: the reference every other run must equal."""
    db = tmp_path_factory.mktemp("straight") / "straight.duckdb"
    shutil.copy(profiles_db, db)
    run_conversation_stages(db, N)
    return db


def copy(db: Path, tmp_path: Path, name: str) -> Path:
    shutil.copy(db, tmp_path / name)
    return tmp_path / name


@pytest.mark.slow
def test_conversations_alternate_and_end_in_an_accept_of_the_target(straight: Path) -> None:
    with Store(straight, read_only=True) as store:
        conversations = store.rows("SELECT * FROM conversations ORDER BY k")
        assert len(conversations) == N
        for c in conversations:
            turns = store.rows("SELECT * FROM turns WHERE conversation_id = ? ORDER BY idx", [c["conversation_id"]])
            assert [t["idx"] for t in turns] == list(range(len(turns)))
            assert [t["role"] for t in turns] == ["assistant", "user"] * (len(turns) // 2)
            assert [t["action"] for t in turns[:4]] == ["greet", "open", "ask", "needs"]
            assert turns[-1]["action"] == "accept" and turns[-1]["product_ids"] == [c["target_product_id"]]
            recs = [t for t in turns if t["action"] == "recommend"]
            assert len(recs) == c["rounds"] <= c["round_limit"] and all(len(t["product_ids"]) == 1 for t in recs)
            assert len({t["product_ids"][0] for t in recs}) == len(recs)  # nothing recommended twice
            rounds = store.rows("SELECT * FROM querier_rounds WHERE conversation_id = ? ORDER BY round",
                                [c["conversation_id"]])
            assert [r["chosen_product_id"] for r in rounds] == [t["product_ids"][0] for t in recs]
            assert all(len(r["candidates"]) <= 8 for r in rounds)
            assert c["target_injected"] == rounds[-1]["injected"]
            assert not any(r["injected"] for r in rounds[:-1])
            if c["open_type"] == "multimodal":
                assert turns[1]["image_product_ids"] == [c["outfit_product_id"]] != [c["target_product_id"]]
        # the honesty views are empty where they must be, and every screen shows in Figure 9's view
        assert store.scalar("SELECT count(*) FROM target_leaks") == 0
        assert store.scalar("SELECT count(*) FROM grounding_failures") == 0
        screens = {(r["stage"], r["screen"]) for r in store.rows("SELECT * FROM screen_pass_rates")}
        assert {("rewrite", "fact_check"), ("conversation", "review")} <= screens
        # chit-chat never comes before round 2 (the paper's policy gives it no chance in round 1)
        assert store.scalar("SELECT count(*) FROM turns WHERE action = 'chitchat' AND round < 2") == 0
        # every utterance was rewritten; the dataset text is the rewrite only where the check passed
        assert store.scalar("SELECT count(*) FROM rewrites") == store.scalar("SELECT count(*) FROM turns")
        wrong = store.scalar("SELECT count(*) FROM turns t JOIN rewrites r USING (conversation_id, idx)"
                             " WHERE t.text <> CASE WHEN r.check_passed THEN r.rewritten_text ELSE t.original_text END")
        assert wrong == 0
        reviews = store.rows("SELECT * FROM reviews")
        assert len(reviews) == N and all(r["kept"] == (r["total"] >= 4) for r in reviews)
        mix = store.rows("SELECT * FROM action_mix WHERE round = 1 AND role = 'assistant'")
        assert [(m["action"], m["turns"]) for m in mix] == [("recommend", N)]


@pytest.mark.slow
def test_a_chitchat_round_is_user_chat_then_assistant_reply_then_the_rejection(profiles_db: Path,
                                                                                tmp_path: Path) -> None:
    db = copy(profiles_db, tmp_path, "chatty.duckdb")
    always = ConversationsConfig(n=N, concurrency=6, policy="fixed-probability", policy_params={"p": 1.0})
    run_conversation_stages(db, N, conversations=always)
    with Store(db, read_only=True) as store:
        turns = store.rows("SELECT conversation_id, idx, round, role, action, product_ids FROM turns ORDER BY ALL")
        chats = [i for i, t in enumerate(turns) if t["action"] == "chitchat" and t["role"] == "user"]
        assert chats, "p = 1 from round 2 on: some conversation must reach round 2 and chit-chat"
        for i in chats:
            user, reply, answer = turns[i], turns[i + 1], turns[i + 2]
            assert user["round"] >= 2 and turns[i - 1]["action"] == "recommend"
            assert (reply["role"], reply["action"]) == ("assistant", "chitchat")
            assert reply["product_ids"] == turns[i - 1]["product_ids"]  # steers back to that recommendation
            assert (answer["role"], answer["action"], answer["round"]) == ("user", "reject", user["round"])


@pytest.mark.slow
def test_a_rerun_makes_no_call_and_exports_the_same_bytes(straight: Path, tmp_path: Path) -> None:
    db = copy(straight, tmp_path, "again.duckdb")
    before = export_bytes(db)
    with Store(db, read_only=True) as store:
        calls = store.scalar("SELECT count(*) FROM llm_calls")
    report = run_conversation_stages(db, N)
    assert (report["simulate"]["new_conversations"], report["rewrite"]["rewritten"], report["review"]["reviewed"]) == (0, 0, 0)
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM llm_calls") == calls
    assert export_bytes(db) == before


@pytest.mark.slow
def test_sigkill_part_way_then_rerun_gives_the_uninterrupted_export(profiles_db: Path, straight: Path,
                                                                     tmp_path: Path) -> None:
    db = copy(profiles_db, tmp_path, "killed.duckdb")
    worker = subprocess.Popen([sys.executable, "-m", "tests.conversation_worker", str(db), str(N)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    committed = 0
    for line in worker.stdout:
        committed += line.startswith("committed")
        if committed == 4:
            worker.send_signal(signal.SIGKILL)
            break
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    with Store(db, read_only=True) as store:
        assert 0 < store.scalar("SELECT count(*) FROM conversations") < N
    run_conversation_stages(db, N)
    assert export_bytes(db) == export_bytes(straight)


@pytest.mark.slow
def test_thirty_percent_faults_through_the_loopback_server_give_the_same_export(
        profiles_db: Path, straight: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-used-by-the-offline-server")
    db = copy(profiles_db, tmp_path, "served.duckdb")
    faults = Faults(rate_429=0.10, rate_500=0.10, rate_slow=0.05, rate_malformed=0.05, slow_seconds=1.5, seed=5)
    with BackgroundServer(faults) as server:
        run_conversation_stages(db, N, **over_http(server.url))
        stats = server.stats
    assert all(stats.get(f"fault_{kind}", 0) > 0 for kind in ("429", "500", "slow", "malformed")), stats
    assert export_bytes(db) == export_bytes(straight)


@pytest.mark.slow
def test_kills_over_http_leave_no_answered_request_unrecorded(profiles_db: Path, straight: Path, tmp_path: Path,
                                                              monkeypatch) -> None:
    """Five SIGKILLs while requests are in flight: every request the server received has an
    row (in llm_calls, or still in llm_calls_pending: killed in flight), and the resumed export is the
    uninterrupted one."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-used-by-the-offline-server")
    db = copy(profiles_db, tmp_path, "killed-over-http.duckdb")
    kills = 0
    with BackgroundServer(Faults()) as server:
        for _ in range(5):
            worker = subprocess.Popen([sys.executable, "-m", "tests.conversation_worker", str(db), str(N), server.url],
                                      cwd=ROOT, stdout=subprocess.PIPE, text=True)
            for line in worker.stdout:
                if line.startswith("committed"):  # other conversations are mid-flight now
                    worker.send_signal(signal.SIGKILL)
                    kills += 1
                    break
            worker.wait(timeout=120)
        run_conversation_stages(db, N, **over_http(server.url))
        requests = server.stats["requests"]
    with Store(db, read_only=True) as store:
        # the profiles were made in process: only the HTTP provider's rows went to the server
        in_flight = store.scalar("SELECT count(*) FROM llm_calls_pending WHERE provider = 'litellm'")
        rows = store.scalar("SELECT count(*) FROM llm_calls WHERE provider = 'litellm'") + in_flight
    assert kills == 5
    # a row is written before its request goes out, so a kill can only leave rows the server never saw
    assert rows - in_flight <= requests <= rows, (rows, in_flight, requests)
    assert export_bytes(db) == export_bytes(straight)


def test_a_run_marks_what_killed_runs_left_in_flight(tmp_path: Path) -> None:
    from muse_flows.common import recorded_run
    from muse_core.runs import start_run

    config = load_config(db=tmp_path / "muse.duckdb").with_offline_engine()
    with Store(config.db) as store:
        killed = start_run(store, "conversations", config)
        store.con.execute("INSERT INTO llm_calls_pending (call_id, cache_key, run_id, role, skill, skill_version,"
                          " provider, model, params, request, attempt) VALUES ('c1', 'k', ?, 'agent',"
                          " 'chatter_greet', 1, 'offline', 'm', '{}', '[]', 0)", [killed])
        # and one from before llm_calls_pending (schema 010), when in-flight rows stood in llm_calls
        store.con.execute("INSERT INTO llm_calls (call_id, cache_key, run_id, role, skill, skill_version, provider,"
                          " model, params, request, status, attempt, latency_ms) VALUES ('c0', 'k', ?, 'agent',"
                          " 'chatter_greet', 1, 'offline', 'm', '{}', '[]', 'pending', 0, 0)", [killed])
    with recorded_run(config, "conversations") as run:
        with Store(config.db, read_only=True) as store:
            assert store.scalar("SELECT status FROM runs WHERE run_id = ?", [killed]) == "interrupted"
            assert store.scalar("SELECT status FROM runs WHERE run_id = ?", [run["run_id"]]) == "running"
            assert store.rows("SELECT call_id, status, skill FROM llm_calls ORDER BY call_id") == [
                {"call_id": c, "status": "interrupted", "skill": "chatter_greet"} for c in ("c0", "c1")]
            assert store.scalar("SELECT count(*) FROM llm_calls_pending") == 0


@pytest.mark.slow
def test_the_export_has_the_authors_fields(straight: Path) -> None:
    with Store(straight, read_only=True) as store:
        data = muse_json(store, include_dropped=True)
        kept = muse_json(store)
        assert len(kept) == store.scalar("SELECT count(*) FROM reviews WHERE kept")
    assert len(data) == N
    for conv in data:
        assert list(conv) == ["Conversation_id", "Persona", "Scenario", "Target_item", "Mentioned_items",
                              "Conversations"]
        assert conv["Target_item"]["item_id"] in {m["item_id"] for m in conv["Mentioned_items"]}
        for turn in conv["Conversations"]:
            speaker = set(turn) - {"Action", "Mentioned_item", "Image"}
            assert speaker in ({"User"}, {"Assistant"}) and turn[speaker.pop()]
        assert "Assistant" in conv["Conversations"][0] and conv["Conversations"][-1]["Action"] == "accept"

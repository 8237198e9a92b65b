"""End to end, offline, on the bundled sample: ingest, summaries, scenarios, profiles and
conversations (simulate, rewrite, review) for the furniture domain; then the package's own
policy and retriever drive a second conversation set."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from muse_core.config import load_config
from muse_core.context import StageContext
from muse_core.runs import start_run
from muse_core.stages import run_stages as run
from muse_core.store import Store
from muse_furniture.plugin import FURNITURE
from muse_furniture.retriever import RoomBM25
from muse_plugins.offline.lexicon import PRODUCT_TYPES

N = 8
FURNITURE_TYPES = {ptype for ptype, group in PRODUCT_TYPES.values() if group in ("furniture", "decor")}


def settings(db: Path, **conversations):
    # bm25 keeps the test free of embedding models; 45 scenarios = the seeds and a few rounds
    return load_config(db=db, domain="furniture", seed=0, retrieval={"retriever": "bm25"},
                       profiles={"n": N, "scenarios": 45},
                       conversations={"n": N, "concurrency": 4, "multimodal_open_p": 0.5, **conversations}).with_offline_engine()


def run_stages(config, names=("simulate", "rewrite", "review")) -> dict:
    """The named stages of muse_core.stages, in one run and one event loop."""
    with Store(config.db) as store:
        run_id = start_run(store, "conversations", config)

        async def stages() -> dict:
            return await run(StageContext.open(store, config, run_id), names)

        return asyncio.run(stages())


@pytest.fixture(scope="module")
def profiles_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("furniture") / "profiles.duckdb"
    run_stages(settings(db), ("ingest", "summaries", "index", "scenarios", "profiles"))
    return db


@pytest.fixture(scope="module")
def conversations_db(profiles_db: Path, tmp_path_factory) -> tuple[Path, dict]:
    db = tmp_path_factory.mktemp("furniture-conv") / "conversations.duckdb"
    shutil.copy(profiles_db, db)
    return db, run_stages(settings(db))


def test_the_sample_is_ingested_and_summarised_as_furniture(profiles_db: Path) -> None:
    with Store(profiles_db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM products WHERE domain = 'furniture' AND image_status = 'ok'") == 77
        assert store.scalar("SELECT count(*) FROM ingest_rejects") == 0
        summaries = [json.loads(a) for (a,) in store.con.execute("SELECT attributes FROM product_summaries").fetchall()]
        assert len(summaries) == 77
        assert {s["product_type"] for s in summaries} == FURNITURE_TYPES
        assert {s["group"] for s in summaries} == {"furniture", "decor"}
        # the domain's prompt override wrote every product_summary request
        requests = [r for (r,) in store.con.execute(
            "SELECT request FROM llm_calls WHERE skill = 'product_summary' AND status = 'ok'").fetchall()]
        assert len(requests) == 77 and all("(furniture, decor or other)" in r for r in requests)


def test_profiles_are_adult_and_grounded_in_furniture_scenarios(profiles_db: Path) -> None:
    with Store(profiles_db, read_only=True) as store:
        profiles = store.rows("SELECT p.*, u.age, s.origin FROM profiles p JOIN users u USING (user_id)"
                              " JOIN scenarios s USING (scenario_id)")
        assert len(profiles) == N and all(18 <= p["age"] <= 70 for p in profiles)
        assert store.scalar("SELECT count(*) FROM scenarios WHERE domain = 'furniture' AND origin = 'seed'") == 39
        assert store.scalar("SELECT count(*) FROM target_leaks") == 0
        judged = store.rows("SELECT request FROM llm_calls WHERE skill = 'profile_match' LIMIT 1")[0]["request"]
        assert "Household: " in judged  # the persona tweak reaches the judge


def test_conversations_end_in_an_accept_and_mention_only_furniture(conversations_db) -> None:
    db, report = conversations_db
    assert report["simulate"]["new_conversations"] == N and report["review"]["reviewed"] == N
    with Store(db, read_only=True) as store:
        kinds = {pid: json.loads(a)["product_type"] for pid, a in store.con.execute(
            "SELECT product_id, attributes FROM product_summaries").fetchall()}
        domains = dict(store.con.execute("SELECT product_id, domain FROM products").fetchall())
        conversations = store.rows("SELECT * FROM conversations ORDER BY k")
        assert len(conversations) == N
        for c in conversations:
            turns = store.rows("SELECT * FROM turns WHERE conversation_id = ? ORDER BY idx", [c["conversation_id"]])
            assert [t["action"] for t in turns[:4]] == ["greet", "open", "ask", "needs"]
            assert turns[-1]["action"] == "accept" and turns[-1]["product_ids"] == [c["target_product_id"]]
            mentioned = {pid for t in turns for pid in (t["product_ids"] or []) + (t["image_product_ids"] or [])}
            assert mentioned and all(domains[pid] == "furniture" and kinds[pid] in FURNITURE_TYPES
                                     for pid in mentioned)
            accepted = next(t for t in turns if t["action"] == "accept")  # names it, or "this one" after it
            title = store.scalar("SELECT title FROM products WHERE product_id = ?", [c["target_product_id"]])
            assert title in accepted["original_text"] or turns[accepted["idx"] - 1]["product_ids"] == \
                [c["target_product_id"]]
        assert store.scalar("SELECT count(*) FROM grounding_failures") == 0
        assert store.scalar("SELECT count(*) FROM target_leaks") == 0
        assert store.scalar("SELECT count(*) FROM rewrites") == store.scalar("SELECT count(*) FROM turns")
        # the multimodal opening pairs a piece of another type from the domain's complement rule
        for a in store.rows("SELECT * FROM outfit_attempts WHERE outfit_product_id IS NOT NULL"):
            target = store.scalar("SELECT target_product_id FROM conversations WHERE conversation_id = ?",
                                  [a["conversation_id"]])
            assert kinds[a["outfit_product_id"]] in FURNITURE.complements[kinds[target]]
        stylist = store.rows("SELECT request FROM llm_calls WHERE skill = 'outfit_stylist'")
        assert stylist and all("You are an interior stylist" in r["request"] for r in stylist)


def test_the_packages_policy_and_retriever_drive_a_conversation_set(profiles_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "custom.duckdb"
    shutil.copy(profiles_db, db)
    config = settings(db, policy="second-look", policy_params={"p": 1.0}, multimodal_open_p=0.0)
    config = config.model_copy(update={"retrieval": config.retrieval.model_copy(update={"retriever": "room-bm25"})})
    # the retriever picks profile targets too: a new profile set, then a new conversation set
    report = run_stages(config, ("profiles", "simulate", "rewrite", "review"))
    assert report["profiles"]["new_profiles"] == N and report["simulate"]["new_conversations"] == N
    with Store(db, read_only=True) as store:
        conversations = store.rows("SELECT * FROM conversations")
        assert {c["policy"] for c in conversations} == {"second-look"}
        chat_rounds = [r for (r,) in store.con.execute("SELECT round FROM turns WHERE action = 'chitchat'").fetchall()]
        # a recommended target is accepted, so the user chats in round 2 exactly when it rejects
        # that round's piece, i.e. when the conversation goes on to round 3
        rejected_in_two = sum(c["rounds"] >= 3 for c in conversations)
        assert rejected_in_two > 0 and set(chat_rounds) == {2}
        assert len(chat_rounds) == 2 * rejected_in_two  # the user's and the assistant's chit-chat turns
        rounds = store.rows("SELECT * FROM querier_rounds")
        assert rounds and {r["retriever"] for r in rounds} == {"room-bm25"}
        retriever = RoomBM25(store, config)
        for r in rounds:  # the recorded candidates are what room-bm25 returns for the recorded query
            expected = [(h.product_id, round(h.score, 6)) for h in retriever.search(r["query"], 8)]
            recorded = [(c["product_id"], round(c["score"], 6)) for c in r["candidates"]]
            assert recorded == expected or r["dropped"]


def test_room_bm25_searches_only_the_domain_and_boosts_the_named_room(profiles_db: Path, tmp_path: Path) -> None:
    with Store(profiles_db, read_only=True) as store:
        config = settings(profiles_db)
        retriever = RoomBM25(store, config)
        plain = retriever.search("beige rug", 5)
        nursery = retriever.search("beige rug for the nursery", 5)
        rooms = dict(store.con.execute("SELECT product_id, json_extract_string(details, '$.Room') FROM products")
                     .fetchall())
        assert plain and nursery and rooms[nursery[0].product_id] == "Nursery"
        assert [h.rank for h in nursery] == list(range(1, len(nursery) + 1))
        excluded = retriever.search("beige rug for the nursery", 5, exclude=[nursery[0].product_id])
        assert nursery[0].product_id not in {h.product_id for h in excluded}
        # configured for a domain the store does not hold, it searches every product
        other = RoomBM25(store, load_config(db=profiles_db, domain="fashion").with_offline_engine())
        assert other.domain is None and other.search("beige rug", 5)

"""The offline engine fails at stated rates ([offline]), and every failure path of the pipeline
runs: malformed answers are re-asked, targets are injected at the round limit, rewrites fail
their fact check, the reviewer drops conversations. The reviewer's and the judge's scores follow
measurable defects of the conversation; the querier's random pick (the authors' rule) makes its
own conversation set."""

from __future__ import annotations

import asyncio
import json
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muse_core.config import ConversationsConfig, OfflineConfig, QuerierConfig, load_config
from muse_core.judge import JudgeScores
from muse_core.llm import Gateway, parse_answer
from muse_core.reviewer import GRID, ReviewScores
from muse_core.runs import start_run
from muse_core.stages import conversation_set, profile_set
from muse_core.store import Store
from muse_core.summaries import ProductSummary
from muse_plugins.fashion import FASHION
from muse_plugins.offline import engine, malformed
from muse_plugins.offline.judge import answer as judge
from muse_plugins.offline.reviewer import review
from muse_plugins.offline.vision import ImageFacts
from tests.helpers import ROOT, build_profiles_db, run_conversation_stages, run_stages

N = 24
CLEAN = OfflineConfig(malformed_p=0, reviewer_noise=0, judge_noise=0)


# -- malformed answers ---------------------------------------------------------------------------
def listing(i: int) -> dict:
    return {"title": f"Navy Cotton T-Shirt No. {i}", "features": ["100% cotton"], "description": [],
            "categories": [], "details": {}, "price": 12.0 + i, "store": "S"}


@settings(max_examples=60, deadline=None)
@given(scores=st.lists(st.sampled_from(GRID), min_size=3, max_size=3), form=st.sampled_from(["truncated", "off_schema"]))
def test_a_malformed_structured_answer_never_passes_the_schema(scores: list[float], form: str) -> None:
    answer = {"content_quality": scores[0], "logical_fluency": scores[1], "user_consistency": scores[2], "reason": "r"}
    parse_answer(json.dumps(answer), ReviewScores)  # the answer itself is valid
    with pytest.raises(ValueError):
        parse_answer(malformed.malform(answer, form), ReviewScores)


def test_malformed_forms_alternate_and_only_first_tries_are_spoilt() -> None:
    always = OfflineConfig(malformed_p=1.0)
    inputs = {"product": listing(1)}
    forms = {malformed.draw(seed, "product_summary", 1.0) for seed in range(40)}
    assert forms == {"truncated", "off_schema"}
    for seed in range(6):
        with pytest.raises(ValueError):
            parse_answer(engine.answer("product_summary", inputs, [], seed, always, reasks=0), ProductSummary)
        parse_answer(engine.answer("product_summary", inputs, [], seed, always, reasks=1), ProductSummary)
    free = {"conversation": [{"speaker": "User", "text": "I need a navy coat."}]}
    assert engine.answer("querier_analyse", free, [], 3, always, reasks=0) == ""  # free text comes back empty
    assert engine.answer("querier_analyse", free, [], 3, always, reasks=1).strip()
    never = OfflineConfig(malformed_p=0.0)
    assert all(malformed.draw(seed, "product_summary", never.malformed_p) is None for seed in range(200))


def test_the_malformed_rate_is_about_what_is_configured() -> None:
    spoilt = sum(malformed.draw(seed, "review_conversation", 0.02) is not None for seed in range(5000))
    assert 60 <= spoilt <= 140  # 2% of 5000 = 100


def test_the_gateway_re_asks_a_malformed_answer_and_recovers(offline_config, store: Store) -> None:
    config = offline_config.model_copy(update={"offline": OfflineConfig(malformed_p=1.0)})
    gateway = Gateway(store, config, start_run(store, "malformed", config))

    async def ask():
        return await asyncio.gather(*(gateway.run("product_summary", {"product": listing(i)}, output=ProductSummary,
                                                  entity_id=f"P{i}") for i in range(4)))

    results = asyncio.run(ask())
    assert all(isinstance(r.value, ProductSummary) for r in results)
    statuses = dict(store.con.execute("SELECT status, count(*) FROM llm_calls GROUP BY status").fetchall())
    assert statuses == {"invalid": 4, "ok": 4}  # each first try refused, each re-ask answered


# -- the reviewer's defect rules --------------------------------------------------------------
TARGET = {"title": "Women's Navy Wool Coat", "summary": "A navy coat made of wool.",
          "attributes": {"product_type": "coat", "colors": ["navy"], "materials": ["wool"]}}
OTHER = "Women's Red Nylon Parka"
GOOD = [{"speaker": "Assistant", "text": "Hello! How can I help you today?"},
        {"speaker": "User", "text": "Hi! My sister's wedding is in two weeks and I need something warm for it."},
        {"speaker": "Assistant", "text": "That sounds lovely. What kind of item do you have in mind?"},
        {"speaker": "User", "text": "I need a coat for the evening, and I'd like navy."},
        {"speaker": "Assistant", "text": "Consider the Women's Navy Wool Coat. It's a navy coat made of warm wool."},
        {"speaker": "User", "text": "Thank you, the Women's Navy Wool Coat is exactly what I wanted."}]
REJECT = "Thanks, but I'd much prefer something in navy rather than red for the evenings."
LONG = GOOD[:4] + [
    {"speaker": "Assistant", "text": f"You might like the {OTHER}. It is a red parka made of light nylon."},
    {"speaker": "User", "text": REJECT},
] + GOOD[4:]


def scored(conversation: list[dict], titles: list[str], options: OfflineConfig = CLEAN, seed: int = 0,
           **extra) -> dict:
    inputs = {"conversation": conversation, "target": TARGET, "recommended_titles": titles, **extra}
    return review(inputs, [], random.Random(seed), options)


def test_a_clean_conversation_keeps_full_marks() -> None:
    scores = scored(GOOD, [TARGET["title"]])
    assert (scores["content_quality"], scores["logical_fluency"], scores["user_consistency"]) == (2.0, 2.0, 2.0)
    assert scored(LONG, [OTHER, TARGET["title"]])["logical_fluency"] == 2.0  # one rejection is no defect


@pytest.mark.parametrize("case, aspect", [
    ("repetition", "content_quality"), ("terse", "content_quality"), ("unnamed", "content_quality"),
    ("rewrite_check_failed", "content_quality"), ("handed_over", "logical_fluency"),
    ("repeated_complaint", "logical_fluency"), ("unmet_wish", "user_consistency"),
    ("turned_down_accepted", "user_consistency"), ("profile_unmet", "user_consistency"),
])
def test_each_defect_costs_its_aspect(case: str, aspect: str) -> None:
    conversation, titles, extra = [dict(t) for t in LONG], [OTHER, TARGET["title"]], {}
    if case == "repetition":
        conversation[2]["text"] += " It is a red parka made of light nylon."
    elif case == "terse":
        conversation[2]["text"], conversation[4]["text"] = f"The {OTHER}.", "Ok."
    elif case == "unnamed":
        titles = ["Men's Grey Linen Shirt", *titles]
    elif case == "rewrite_check_failed":
        extra = {"rewrite_check_failures": 2}
    elif case == "handed_over":
        extra = {"handed_over": True}
    elif case == "repeated_complaint":  # the assistant shows red again and the user has to say it twice
        conversation[6:6] = [{"speaker": "Assistant", "text": "Then the Women's Red Wool Scarf, a red scarf in soft "
                                                             "wool, could work."},
                             {"speaker": "User", "text": REJECT}]
        titles = [OTHER, "Women's Red Wool Scarf", TARGET["title"]]
    elif case == "unmet_wish":
        conversation[3]["text"] = "I need a coat for the evening, and I'd like navy and leather."
    elif case == "turned_down_accepted":
        conversation[5]["text"] = "Thanks, but I'd rather not have wool, it itches."
    elif case == "profile_unmet":
        extra = {"profile": {"persona": "a woman of 40", "requirements": ["in red"]}}
    clean = scored(LONG, [OTHER, TARGET["title"]])
    flawed = scored(conversation, titles, **extra)
    assert flawed[aspect] < clean[aspect], (case, flawed)
    assert flawed["reason"] != clean["reason"]


def test_an_injected_flawed_conversation_falls_below_the_keep_threshold() -> None:
    conversation = [dict(t) for t in LONG]
    conversation[3]["text"] = "I need a coat for the evening, and I'd like navy and leather."
    scores = scored(conversation, [OTHER, TARGET["title"]], handed_over=True, rewrite_check_failures=3)
    assert scores["content_quality"] + scores["logical_fluency"] + scores["user_consistency"] < 4, scores


def test_reviewer_noise_is_seeded_on_the_grid_and_has_the_configured_spread() -> None:
    noisy = OfflineConfig(reviewer_noise=0.3)
    runs = [scored(LONG, [OTHER, TARGET["title"]], noisy, seed, handed_over=True) for seed in range(400)]
    assert runs[7] == scored(LONG, [OTHER, TARGET["title"]], noisy, 7, handed_over=True)  # same seed, same scores
    logic = [r["logical_fluency"] for r in runs]
    assert all(0 <= v <= 2 and abs(v * 20 - round(v * 20)) < 1e-9 for r in runs for v in list(r.values())[:3])
    mean = sum(logic) / len(logic)
    sd = (sum((v - mean) ** 2 for v in logic) / (len(logic) - 1)) ** 0.5
    assert abs(mean - 1.0) < 0.06 and 0.24 < sd < 0.36, (mean, sd)  # 2 less 1 for the handed-over item


# -- the judge's defect rules -----------------------------------------------------------------
def test_the_judge_scores_follow_the_defects_it_can_see() -> None:
    products = [{"title": OTHER, "has_image": False}, {**TARGET, "has_image": False}]
    clean = judge({"conversation": LONG, "products": products}, [], random.Random(0), CLEAN)
    JudgeScores.model_validate(clean)
    flawed_turns = [dict(t) for t in LONG]
    flawed_turns[3]["text"] = "I need a coat, and I'd like navy and leather."
    flawed_turns[2]["text"] = "Ok."
    flawed_turns[6:6] = [{"speaker": "Assistant", "text": "Ok."},
                         {"speaker": "User", "text": "Thanks, but I'd much prefer something without wool."}]
    flawed = judge({"conversation": flawed_turns, "products": products}, [], random.Random(0), CLEAN)
    assert flawed["natural"] < clean["natural"]
    assert flawed["logical"] < clean["logical"]
    assert flawed["pc_correlation"] < clean["pc_correlation"]
    text_only = judge({"conversation": LONG, "products": []}, [], random.Random(0), CLEAN)  # an external corpus
    JudgeScores.model_validate(text_only)
    noisy = [judge({"conversation": LONG, "products": products}, [], random.Random(s), OfflineConfig(judge_noise=0.15))
             for s in range(50)]
    assert len({n["logical"] for n in noisy}) > 3  # independent rounds differ


def photo(*colours: str) -> ImageFacts:
    return ImageFacts(width=512, height=512, colors=list(colours), tone="dark", pattern="solid", coverage=0.5)


def test_the_judge_marks_a_recommendation_whose_stated_colours_the_photo_does_not_show() -> None:
    products = [{**TARGET, "has_image": True}]  # GOOD recommends it as "a navy coat"
    agrees = judge({"conversation": GOOD, "products": products}, [photo("navy", "grey")], random.Random(0), CLEAN)
    disagrees = judge({"conversation": GOOD, "products": products}, [photo("red")], random.Random(0), CLEAN)
    assert agrees["it_correspondence"] == 2.0 and disagrees["it_correspondence"] == 0.0
    # the other aspects read the text alone: the photo changes none of them
    assert {k: v for k, v in agrees.items() if k != "it_correspondence"} == \
        {k: v for k, v in disagrees.items() if k != "it_correspondence"}


def test_the_judge_finds_a_recommendation_rich_in_attribute_words_more_informative() -> None:
    products = [{"title": "Marlowe No. 7", "has_image": False}]  # a title with no attribute word of its own

    def scores(recommendation: str) -> dict[str, float]:
        turns = [*GOOD[:4], {"speaker": "Assistant", "text": recommendation},
                 {"speaker": "User", "text": "Thank you, the Marlowe No. 7 is exactly what I wanted."}]
        return judge({"conversation": turns, "products": products}, [], random.Random(0), CLEAN)

    bare = scores("Consider the Marlowe No. 7, I think you will like it.")
    rich = scores("Consider the Marlowe No. 7, a navy women's wool coat with a checked lining in cotton.")
    assert rich["informative"] == 2.0 and bare["informative"] == 0.0


# -- the querier's pick ---------------------------------------------------------------------------
def test_the_querier_pick_is_part_of_the_conversation_set(tmp_path: Path) -> None:
    config = load_config(db=tmp_path / "m.duckdb")
    random_pick = config.model_copy(update={"querier": QuerierConfig(pick="random")})
    assert conversation_set(config, FASHION) != conversation_set(random_pick, FASHION)
    assert profile_set(config, FASHION) == profile_set(random_pick, FASHION)  # the same profiles, simulated anew
    assert conversation_set(config, FASHION) == conversation_set(load_config(db=tmp_path / "other.duckdb"), FASHION)


def test_the_offline_rates_a_simulation_reads_are_part_of_an_offline_set(tmp_path: Path) -> None:
    offline = load_config(db=tmp_path / "m.duckdb").with_offline_engine()

    def with_rates(config, **rates):
        return config.model_copy(update={"offline": config.offline.model_copy(update=rates)})

    assert conversation_set(offline, FASHION) != conversation_set(with_rates(offline, need_vague_p=0.5), FASHION)
    assert conversation_set(offline, FASHION) == \
        conversation_set(with_rates(offline, judge_noise=0.9), FASHION)  # evaluation's
    real = load_config(db=tmp_path / "m.duckdb")  # no role plays the engine: its rates change nothing
    assert conversation_set(real, FASHION) == conversation_set(with_rates(real, need_vague_p=0.5), FASHION)


# -- every path fires on a small offline run of the bundled sample -----------------------------
@pytest.fixture(scope="module")
def profiles_db(tmp_path_factory) -> Path:
    return build_profiles_db(tmp_path_factory.mktemp("failures") / "profiles.duckdb", N)


def run_copy(profiles_db: Path, folder: Path, name: str, **overrides) -> Path:
    db = folder / name
    shutil.copy(profiles_db, db)
    run_conversation_stages(db, N, **overrides)
    return db


@pytest.fixture(scope="module")
def default_run(profiles_db: Path, tmp_path_factory) -> Path:
    """N conversations with the default settings, rewritten and reviewed."""
    return run_copy(profiles_db, tmp_path_factory.mktemp("default"), "default.duckdb")


@pytest.fixture(scope="module")
def both_picks(default_run: Path, tmp_path_factory) -> Path:
    """The default run plus the same N profiles with the authors' random pick (another set),
    reviewed at a strict threshold (5 of 6): at the default 4 a handed-over target is dropped only
    when the noise or a second defect pushes it under (6% of 200 in the difficulty benchmark), so
    whether 24 draws drop any is chance."""
    db = tmp_path_factory.mktemp("both") / "both.duckdb"
    shutil.copy(default_run, db)
    strict = ConversationsConfig(n=N, concurrency=6, keep_threshold=5.0)
    run_conversation_stages(db, N, querier=QuerierConfig(pick="random"), conversations=strict)
    return db


def figures(store: Store, pick: str) -> dict:
    rows = store.rows("SELECT f.* FROM difficulty_figures f WHERE conversation_set IN"
                      " (SELECT conversation_set FROM conversations WHERE querier_pick = ?)", [pick])
    assert len(rows) == 1
    return rows[0]


def check_counts(store: Store, f: dict) -> None:
    """The view counts what the tables hold, for one conversation set."""
    one_set = "SELECT conversation_id FROM conversations WHERE conversation_set = ?"
    s = [f["conversation_set"]]
    failed = store.scalar("SELECT count(*) FROM stage_failures WHERE stage = 'conversation' AND entity_id LIKE ?",
                          [f"{s[0]}-%"])
    assert f["conversations"] + failed == N and f["conversations"] > N // 2
    assert f["injected"] == store.scalar(f"SELECT count(*) FROM conversations WHERE target_injected AND"
                                         f" conversation_id IN ({one_set})", s)
    assert f["dropped"] == store.scalar(f"SELECT count(*) FROM reviews WHERE NOT kept AND conversation_id IN ({one_set})", s)
    assert f["reasks"] == store.scalar(f"SELECT count(*) FROM llm_calls WHERE status IN ('invalid', 'abandoned') AND"
                                       f" split_part(entity_id, '/', 1) IN ({one_set})", s)


@pytest.mark.slow
def test_re_asks_and_refused_rewrites_happen_at_the_defaults(default_run: Path) -> None:
    with Store(default_run, read_only=True) as store:
        f = figures(store, "rerank")
        check_counts(store, f)
        assert f["reviewed"] == f["conversations"] and f["organic"] > 0
        assert f["reasks"] > 0 and 0 < f["reasks_per_100"] < 10  # malformed_p is 2%
        assert store.scalar("SELECT count(*) FROM rewrite_check_failures") > 0


@pytest.mark.slow
def test_every_failure_path_fires_when_the_querier_misses(both_picks: Path) -> None:
    """On the 245-product sample muse's rerank rarely misses its target; the authors' random pick
    from the top 8 often does, so targets are injected and the reviewer drops conversations."""
    with Store(both_picks, read_only=True) as store:
        f = figures(store, "random")
        check_counts(store, f)
        assert f["injected"] > 0 and f["organic"] > 0 and f["dropped"] > 0 and f["reasks"] > 0
        assert f["injected_pct"] > figures(store, "rerank")["injected_pct"]
        assert store.scalar("SELECT count(*) FROM rewrite_check_failures WHERE conversation_set = ?",
                            [f["conversation_set"]]) > 0
        # a drop names what the reviewer found, the handed-over targets among them; a conversation it
        # found nothing wrong with is dropped only by noise under this set's strict threshold of 5,
        # never under the default 4
        drops = store.rows("SELECT v.reason, v.total FROM reviews v JOIN conversations c USING (conversation_id)"
                           " WHERE NOT v.kept AND c.conversation_set = ?", [f["conversation_set"]])
        assert all(d["total"] >= 4.0 for d in drops if d["reason"] == "coherent, grounded and consistent"), drops
        assert any("handed over" in d["reason"] for d in drops)


@pytest.mark.slow
def test_zero_rates_make_the_malformed_path_silent(profiles_db: Path, tmp_path: Path) -> None:
    quiet = OfflineConfig(malformed_p=0, need_vague_p=0, need_omit_p=0, need_wrong_p=0, rewrite_drift_p=0)
    # the offline rates are part of the profile set's identity too: its profiles are made at the same
    # rates (the conversation set's figures count only the conversations' own calls)
    db = tmp_path / "quiet.duckdb"
    shutil.copy(profiles_db, db)
    config = load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"n": N, "scenarios": 70}
                         ).with_offline_engine().model_copy(update={"offline": quiet})
    run_stages(config, ("scenarios", "profiles"), command="profiles")
    run_conversation_stages(db, N, offline=quiet)
    with Store(db, read_only=True) as store:
        f = figures(store, "rerank")
        assert f["answers"] > 0 and f["reasks"] == 0


@pytest.mark.slow
def test_the_random_pick_is_recorded_and_differs_from_the_rerank(both_picks: Path) -> None:
    with Store(both_picks, read_only=True) as store:
        sets = store.rows("SELECT conversation_set, any_value(querier_pick) AS pick, count(DISTINCT querier_pick) AS picks"
                          " FROM conversations GROUP BY ALL ORDER BY pick")
        assert [(s["pick"], s["picks"]) for s in sets] == [("random", 1), ("rerank", 1)]
        random_set = sets[0]["conversation_set"]
        reranks = store.scalar("SELECT count(*) FROM llm_calls WHERE skill = 'querier_rerank' AND entity_id LIKE ?",
                               [f"{random_set}-%"])
        assert reranks == 0  # no model looks at the candidates
        firsts = store.rows("SELECT c.querier_pick, c.k, q.chosen_product_id, q.rerank_reason FROM querier_rounds q"
                            " JOIN conversations c USING (conversation_id) WHERE q.round = 1 ORDER BY c.k")
        chosen = {(r["querier_pick"], r["k"]): r["chosen_product_id"] for r in firsts}
        assert any(product != chosen.get(("rerank", k)) for (pick, k), product in chosen.items() if pick == "random")
        assert all(r["rerank_reason"].startswith("random pick") for r in firsts if r["querier_pick"] == "random")
        # every random pick came from that round's candidates
        bad = store.scalar("SELECT count(*) FROM querier_rounds q JOIN conversations c USING (conversation_id)"
                           " WHERE c.querier_pick = 'random' AND NOT q.injected AND NOT list_contains("
                           " list_transform(q.candidates, x -> x.product_id), q.chosen_product_id)")
        assert bad == 0


def test_a_call_carries_and_is_keyed_by_only_the_rates_its_rule_reads() -> None:
    import re

    from muse_core.config import OFFLINE_READERS

    vaguer = OfflineConfig(need_vague_p=0.9)
    assert vaguer.for_skill("product_summary") == OfflineConfig().for_skill("product_summary") == {"malformed_p": 0.02}
    assert vaguer.for_skill("user_needs")["need_vague_p"] == 0.9
    assert set(OfflineConfig().for_skill("review_conversation")) == {"malformed_p", "reviewer_noise"}
    # every rate a rule reads is declared, else a call would get the default without saying so
    read = {name for path in (ROOT / "plugins" / "offline").glob("*.py")
            for name in re.findall(r"options\.([a-z_]+_(?:p|noise))\b", path.read_text())}
    assert read - {"malformed_p"} <= set(OFFLINE_READERS) and set(OFFLINE_READERS) <= set(OfflineConfig.model_fields)


@pytest.mark.slow
def test_the_evaluations_re_asks_are_not_the_sets(default_run: Path, tmp_path: Path) -> None:
    db = tmp_path / "evaluated.duckdb"
    shutil.copy(default_run, db)
    with Store(db) as store:
        before = figures(store, "rerank")
        cid = store.scalar("SELECT min(conversation_id) FROM conversations")
        config = load_config(db=db).with_offline_engine()
        run_id = start_run(store, "evaluate", config)
        store.con.execute("INSERT INTO llm_calls (call_id, cache_key, run_id, role, skill, skill_version, entity_id,"
                          " provider, model, params, request, status, attempt, latency_ms) VALUES ('j1', 'k', ?,"
                          " 'judge', 'judge_conversation', 2, ?, 'offline', 'm', '{}', '[]', 'invalid', 0, 0)",
                          [run_id, f"{cid}/judge/1"])
        after = figures(store, "rerank")
    assert (after["answers"], after["reasks"]) == (before["answers"], before["reasks"])

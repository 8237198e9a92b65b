"""Evaluation (paper section 4): judge, recommendation and response tasks, dialogue elements."""

import shutil
from pathlib import Path

import pytest

from flows.evaluation import evaluate_flow
from muse_core.config import load_config
from muse_core.judge import judge_warnings
from muse_core.rec_task import rank_of
from muse_core.response_task import score_responses
from muse_core.store import Store
from tests.helpers import build_profiles_db, run_conversation_stages

N = 8


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory) -> Path:
    """Eight offline conversations, evaluated once (judge in 2 rounds, BM25 for the task)."""
    db = build_profiles_db(tmp_path_factory.mktemp("evaluation") / "eval.duckdb", N)
    run_conversation_stages(db, N)
    config = load_config(db=db, retrieval={"retriever": "bm25"}, evaluation={"judge_rounds": 2}).offline()
    evaluate_flow(config.model_dump(mode="json"), show_progress=False)
    return db


def test_ranks_and_the_summary_view_compute_recall_and_mrr_by_hand(tmp_path: Path) -> None:
    assert rank_of(["a", "b", "c"], "c") == 3 and rank_of(["a"], "z") is None
    with Store(tmp_path / "m.duckdb") as store:
        # ranks 1, 4, 15 and absent: recall@10 = 2/4, recall@20 = 3/4, MRR@10 = (1 + 1/4)/4, MRR@20 adds 1/15
        store.con.executemany("INSERT INTO rec_task_rounds VALUES (?, ?, 'm', 'q', 'bm25', 'g', ?, NULL, 'r')",
                              [["c1", 1, 1], ["c1", 2, 4], ["c2", 1, 15], ["c2", 2, None]])
        row = store.rows("SELECT * FROM rec_task_summary")[0]
    assert (row["recall_10"], row["recall_20"]) == (0.5, 0.75)
    assert row["mrr_10"] == round((1 + 1 / 4) / 4, 4) and row["mrr_20"] == round((1 + 1 / 4 + 1 / 15) / 4, 4)


def test_response_metrics_on_known_cases() -> None:
    same = score_responses("m", ["I'd suggest the navy wool coat for your trip."] * 2,
                           ["I'd suggest the navy wool coat for your trip."] * 2)
    assert same.bleu_4 == pytest.approx(1.0) and same.rouge_1 == pytest.approx(1.0) and same.rouge_l == pytest.approx(1.0)
    other = score_responses("m", ["I'd suggest the navy wool coat for your trip."], ["Hello there, how are you?"])
    assert other.bleu_4 < 0.1 and other.rouge_1 == 0.0 and other.avg_words == 5
    with pytest.raises(ValueError, match="as many generated"):
        score_responses("m", ["a"], [])


def test_the_judge_warns_when_it_grades_its_own_work() -> None:
    assert judge_warnings(load_config()) and "agent" in judge_warnings(load_config())[0]
    assert judge_warnings(load_config(roles={"judge": {"model": "gpt-4o"}})) == []


@pytest.mark.slow
def test_evaluation_fills_every_table_and_the_gold_query_beats_the_last_utterance(evaluated: Path) -> None:
    with Store(evaluated, read_only=True) as store:
        kept = store.scalar("SELECT count(*) FROM reviews WHERE kept")
        assert store.scalar("SELECT count(*) FROM judge_scores") == 2 * kept
        judged = store.rows("SELECT * FROM judge_summary")[0]
        assert judged["conversations"] == kept and all(0 <= judged[k] <= 2 for k in ("natural", "it_correspondence"))
        rounds = store.scalar("SELECT count(*) FROM querier_rounds q JOIN reviews r USING (conversation_id)"
                              " WHERE r.kept")
        summary = {r["method"]: r for r in store.rows("SELECT * FROM rec_task_summary")}
        assert set(summary) == {"gold-query", "last-utterance", "model:muse-offline-rules-v1"}
        assert all(r["rounds"] == rounds for r in summary.values())
        assert summary["gold-query"]["mrr_10"] > summary["last-utterance"]["mrr_10"]
        scores = store.rows("SELECT * FROM response_task_scores")
        assistant_turns = store.scalar("SELECT count(*) FROM turns t JOIN reviews r USING (conversation_id)"
                                       " WHERE r.kept AND t.role = 'assistant'")
        assert len(scores) == 1 and scores[0]["turns"] == assistant_turns and 0 < scores[0]["bleu_4"] < 1
        tagged = store.scalar("SELECT count(*) FROM utterance_elements")
        assert tagged == store.scalar("SELECT count(*) FROM turns t JOIN reviews r USING (conversation_id) WHERE r.kept")
        elements = {(r["role"], r["element"]) for r in store.rows("SELECT * FROM element_counts")}
        assert ("assistant", "greeting") in elements and ("user", "preference") in elements
        calls = store.scalar("SELECT count(*) FROM llm_calls")
    config = load_config(db=evaluated, retrieval={"retriever": "bm25"}, evaluation={"judge_rounds": 2}).offline()
    again = evaluate_flow(config.model_dump(mode="json"), show_progress=False)  # a rerun stores nothing new
    assert again["judge"]["scored"] == 0 and again["rec-task"]["new_rows"] == 0
    with Store(evaluated, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM llm_calls") == calls


def test_an_empty_store_says_what_to_run_first(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir()
    from muse_core.evaluation_sample import sample_conversations

    with Store(tmp_path / "e.duckdb") as store, pytest.raises(ValueError, match="muse conversations"):
        sample_conversations(store, 0, 10)

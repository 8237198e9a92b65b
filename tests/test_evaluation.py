"""Evaluation (paper section 4): judge, recommendation and response tasks, dialogue elements."""

import asyncio
import base64
import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from muse_flows.evaluation import evaluate_flow
from muse_core.config import load_config
from muse_core.judge import judge_warnings
from muse_core.rec_task import rank_of
from muse_core.response_task import score_responses
from muse_core.store import Store
from tests.helpers import SHARED_DATA, build_profiles_db, muse_output, needs_shared_data, run_conversation_stages

N = 8


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory) -> Path:
    """Eight offline conversations, evaluated once (judge in 2 rounds, BM25 for the task)."""
    db = build_profiles_db(tmp_path_factory.mktemp("evaluation") / "eval.duckdb", N)
    run_conversation_stages(db, N)
    config = load_config(db=db, retrieval={"retriever": "bm25"}, evaluation={"judge_rounds": 2}).with_offline_engine()
    asyncio.run(evaluate_flow(config, progress=False))
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
        assert (judged["corpus"], judged["judged_by"], judged["rounds"]) == ("muse", "rule-based offline engine", 2)
        assert judged["it_correspondence_n"] == kept and judged["natural_sd"] is not None
        rounds = store.scalar("SELECT count(*) FROM querier_rounds q JOIN reviews r USING (conversation_id)"
                              " WHERE r.kept")
        summary = {r["method"]: r for r in store.rows("SELECT * FROM rec_task_summary")}
        assert set(summary) == {"gold-query", "last-utterance", "model:muse-offline-rules-v1"}
        assert all(r["rounds"] == rounds for r in summary.values())
        assert summary["gold-query"]["mrr_10"] > summary["last-utterance"]["mrr_10"]
        assert [m for m, r in summary.items() if r["upper_bound"]] == ["gold-query"]  # labelled, not a method
        scores = store.rows("SELECT * FROM response_task_scores")
        assistant_turns = store.scalar("SELECT count(*) FROM turns t JOIN reviews r USING (conversation_id)"
                                       " WHERE r.kept AND t.role = 'assistant'")
        assert len(scores) == 1 and scores[0]["turns"] == assistant_turns and 0 < scores[0]["bleu_4"] < 1
        crslab = scores[0]
        assert 1 >= crslab["crslab_bleu_1"] > crslab["crslab_bleu_4"] > 0  # higher orders match less
        assert crslab["crslab_dist_4"] > crslab["crslab_dist_1"] > 0  # more distinct 4-grams than words per turn
        tagged = store.scalar("SELECT count(*) FROM utterance_elements")
        assert tagged == store.scalar("SELECT count(*) FROM turns t JOIN reviews r USING (conversation_id) WHERE r.kept")
        elements = {(r["role"], r["element"]) for r in store.rows("SELECT * FROM element_counts")}
        assert ("assistant", "greeting") in elements and ("user", "preference") in elements
        calls = store.scalar("SELECT count(*) FROM llm_calls")
    config = load_config(db=evaluated, retrieval={"retriever": "bm25"}, evaluation={"judge_rounds": 2}).with_offline_engine()
    again = asyncio.run(evaluate_flow(config, progress=False))  # a rerun stores nothing new
    assert again["judge"]["scored"] == 0 and again["rec-task"]["new_rows"] == 0
    with Store(evaluated, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM llm_calls") == calls


def test_an_empty_store_says_what_to_run_first(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    tmp_path.mkdir()
    from muse_core.evaluation_sample import sample_conversations

    with Store(tmp_path / "e.duckdb") as store, pytest.raises(ValueError, match="muse conversations"):
        sample_conversations(store, 0, 10)


@pytest.mark.slow
@needs_shared_data
def test_stats_compare_prints_tables_2_and_8_for_every_corpus(evaluated: Path, tmp_path: Path) -> None:
    dialogues = SHARED_DATA / "dialogues"
    out = muse_output("stats", "--db", str(evaluated), "--compare", f"redial:{dialogues / 'redial' / 'train_data.jsonl'}",
               "--compare", f"inspired:{dialogues / 'inspired' / 'dev.tsv'}", cwd=tmp_path)
    assert "MUSE Table 2" in out and "MUSE Table 8" in out and "muse's definition" in out
    assert "redial:train_data.jsonl" in out and "inspired:dev.tsv" in out and "#Words/Utterance" in out
    with Store(evaluated, read_only=True) as store:
        corpora = {r[0] for r in store.con.execute("SELECT DISTINCT corpus FROM corpus_stats").fetchall()}
    assert len(corpora) == 3


@pytest.mark.slow
def test_the_report_embeds_plots_that_render_and_reads_offline(evaluated: Path, tmp_path: Path) -> None:
    muse_output("report", "--db", str(evaluated), "--out", "report.html", cwd=tmp_path)
    page = (tmp_path / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) >= 7  # 4-grams, word cloud, actions, elements, product types, screens, judge, outcomes
    for data in images:
        picture = Image.open(io.BytesIO(base64.b64decode(data)))
        low, high = picture.convert("L").getextrema()
        assert picture.width > 100 and picture.height > 50 and high - low > 50  # drawn, not blank
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "not LLM output" in page and "Table 4" in page
    assert "Table 3" in page and "<th>MUSE</th>" in page and "rule-based simulator" in page
    assert "gold-query (upper bound" in page and "CRSLab" in page and "crslab_dist_4" in page


@pytest.mark.slow
def test_the_hf_export_loads_back_with_its_images(evaluated: Path, tmp_path: Path) -> None:
    import datasets

    muse_output("export", "--db", str(evaluated), "--format", "hf", "--out", "hf", cwd=tmp_path)
    loaded = datasets.load_from_disk(str(tmp_path / "hf"))
    with Store(evaluated, read_only=True) as store:
        assert len(loaded) == store.scalar("SELECT count(*) FROM reviews WHERE kept")
    row = loaded[0]
    assert row["images"] and all(image.size[0] > 0 for image in row["images"])
    assert len(row["images"]) == len(row["image_product_ids"])


@pytest.mark.slow
def test_estimate_prints_stages_beside_the_papers_figures(tmp_path: Path) -> None:
    out = muse_output("estimate", "--conversations", "7000", "--sample", "2", cwd=tmp_path)
    for stage in ("profiles", "conversations", "rewrite", "review"):
        assert stage in out
    assert "$0.033" in out and "$0.009" in out
    assert not (tmp_path / "muse.duckdb").exists()  # the dry run leaves nothing behind


def shared_slices(folder: Path, dialogues: int) -> tuple[str, str]:
    """The first dialogues of the shared ReDial train and INSPIRED dev files, written to a temporary
    folder (the data never enters the repository)."""
    redial_lines = (SHARED_DATA / "dialogues" / "redial" / "train_data.jsonl").read_text().splitlines()[:dialogues]
    rows = (SHARED_DATA / "dialogues" / "inspired" / "dev.tsv").read_text().splitlines()
    ids = list(dict.fromkeys(row.split("\t", 1)[0] for row in rows[1:]))[:dialogues]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "redial.jsonl").write_text("\n".join(redial_lines) + "\n")
    (folder / "inspired.tsv").write_text("\n".join([rows[0], *(r for r in rows[1:] if r.split("\t", 1)[0] in ids)])
                                         + "\n")
    return f"redial:{folder / 'redial.jsonl'}", f"inspired:{folder / 'inspired.tsv'}"


@pytest.mark.slow
@needs_shared_data
def test_evaluate_corpus_on_the_shared_files_then_report_shows_table_3_with_all_three(evaluated: Path,
                                                                                      tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(evaluated, db)  # the module's store stays as the other tests expect it
    redial, inspired = shared_slices(tmp_path / "slices", 12)
    out = muse_output("evaluate", "--db", str(db), "--offline", "--stage", "judge", "--sample", "5", "--rounds", "2",
               "--corpus", redial, "--corpus", inspired, cwd=tmp_path)
    assert "Table 3" in out and "rule-based simulator" in out
    with Store(db, read_only=True) as store:
        counts = dict(store.con.execute("SELECT corpus, count(DISTINCT conversation_id) FROM judge_scores"
                                        " GROUP BY ALL").fetchall())
        kept = store.scalar("SELECT count(*) FROM reviews WHERE kept")
        external = store.rows("SELECT conversation_id, corpus, it_correspondence FROM judge_scores"
                              " WHERE corpus <> 'muse'")
    assert counts == {"muse": kept, "redial": 5, "inspired": 5}
    assert all(r["conversation_id"].startswith(r["corpus"] + ":") and r["it_correspondence"] is None for r in external)
    muse_output("report", "--db", str(db), "--out", "report.html", cwd=tmp_path)
    page = (tmp_path / "report.html").read_text()
    header = re.search(r"<th>aspect \(0-2\)</th>(.*?)</tr>", page).group(1)
    assert re.findall(r"<th>(.*?)</th>", header) == ["MUSE", "ReDial", "INSPIRED"]

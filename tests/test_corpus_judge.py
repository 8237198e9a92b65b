"""The conversation judge on external corpora (Table 3): tiny ReDial and INSPIRED files written
here, so the path is always covered; stable ids, a seeded sample, a corpus column, no made-up
image-text score, and Table 3 naming the judge that scored each column."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import duckdb
import pytest

from muse_flows.evaluation import chosen_stages
from muse_core.config import load_config
from muse_core.context import StageContext
from muse_core.corpora import Corpus, Utterance, read_corpus
from muse_core.judge import (
    ASPECTS,
    OFFLINE_ENGINE,
    Table3Column,
    external_id,
    judge_corpus,
    sample_dialogues,
    table3,
    table3_rows,
)
from muse_core.report import _table3
from muse_core.runs import start_run
from muse_core.store import SQL_DIR, Store
from tests.helpers import muse_output

REDIAL_LINES = [
    {"conversationId": "501", "initiatorWorkerId": 1, "respondentWorkerId": 2, "movieMentions": {"77": "Alien (1979)"},
     "messages": [{"text": "Hi! I want a scary movie for tonight", "senderWorkerId": 1},
                  {"text": "Have you seen @77 ? It is a classic", "senderWorkerId": 2},
                  {"text": "Yes, loved it. Something newer?", "senderWorkerId": 1},
                  {"text": "Then try Get Out (2017), smart and tense", "senderWorkerId": 2},
                  {"text": "Great, thanks!", "senderWorkerId": 1}]},
    {"conversationId": "502", "initiatorWorkerId": 3, "respondentWorkerId": 4, "movieMentions": [],
     "messages": [{"text": "hello", "senderWorkerId": 4}, {"text": "I like comedies", "senderWorkerId": 3},
                  {"text": "Superbad (2007) is funny", "senderWorkerId": 4}, {"text": "ok bye", "senderWorkerId": 3}]},
    {"conversationId": "503", "initiatorWorkerId": 5, "respondentWorkerId": 6, "movieMentions": {},
     "messages": [{"text": "Any cartoon for my kids?", "senderWorkerId": 5},
                  {"text": "Toy Story (1995) is lovely for all ages", "senderWorkerId": 6},
                  {"text": "Perfect, we will watch it", "senderWorkerId": 5}]},
]
INSPIRED_ROWS = [
    ("d-1", "RECOMMENDER", "Hello, what kind of movies do you like?"), ("d-1", "SEEKER", "I like QUOTATION_MARKfunQUOTATION_MARK action"),
    ("d-1", "RECOMMENDER", "Mad Max: Fury Road (2015) is a wild ride"), ("d-1", "SEEKER", "Sounds good, I will watch it"),
    ("d-2", "SEEKER", "hi"), ("d-2", "RECOMMENDER", "Hi! Any genre in mind?"), ("d-2", "SEEKER", "drama please"),
    ("d-3", "RECOMMENDER", "Hey there"), ("d-3", "SEEKER", "I want a musical"),
    ("d-3", "RECOMMENDER", "La La Land (2016) has great songs"), ("d-3", "SEEKER", "thanks"),
]


def write_tiny_corpora(folder: Path) -> tuple[str, str]:
    """A ReDial JSONL and an INSPIRED TSV of three dialogues each; returns their specs."""
    folder.mkdir(parents=True, exist_ok=True)
    redial, inspired = folder / "redial.jsonl", folder / "inspired.tsv"
    redial.write_text("".join(json.dumps(line) + "\n" for line in REDIAL_LINES))
    inspired.write_text("dialog_id\tspeaker\ttext\tmovies\n"
                        + "".join(f"{d}\t{s}\t{t}\t\n" for d, s, t in INSPIRED_ROWS))
    return f"redial:{redial}", f"inspired:{inspired}"


def test_readers_give_each_dialogue_the_corpus_own_id(tmp_path: Path) -> None:
    redial, inspired = (read_corpus(spec) for spec in write_tiny_corpora(tmp_path))
    assert (redial.kind, redial.dialogue_ids) == ("redial", ["501", "502", "503"])
    assert (inspired.kind, inspired.dialogue_ids) == ("inspired", ["d-1", "d-2", "d-3"])
    assert external_id("redial", "501") == "redial:501"
    with pytest.raises(ValueError, match="1 dialogue ids for 2 dialogues"):
        Corpus(name="x", dialogues=[[], []], dialogue_ids=["a"])
    with pytest.raises(ValueError, match="repeats dialogue id"):
        Corpus(name="x", dialogues=[[], []], dialogue_ids=["a", "a"])


def test_the_sample_is_seeded_stable_and_grows_by_extension(tmp_path: Path) -> None:
    corpus = Corpus(name="redial:x", dialogues=[[Utterance(role="user", text=str(i))] for i in range(40)],
                    dialogue_ids=[f"c{i}" for i in range(40)])
    small, large = sample_dialogues(corpus, 0, 5), sample_dialogues(corpus, 0, 12)
    assert len(small) == 5 and set(small) <= set(large) and sample_dialogues(corpus, 0, 5) == small
    assert sample_dialogues(corpus, 1, 5) != small  # another seed, another sample
    assert sorted(sample_dialogues(corpus, 0, 100)) == list(range(40))  # never more than the corpus
    with pytest.raises(ValueError, match="no dialogue ids"):
        sample_dialogues(Corpus(name="redial:y", dialogues=[[]]), 0, 1)


def test_stages_corpus_judge_runs_exactly_when_corpora_are_given() -> None:
    assert chosen_stages(None, []) == ["judge", "rec-task", "response-task", "elements"]
    assert chosen_stages(["judge"], ["redial:x"]) == ["judge", "corpus-judge"]
    assert chosen_stages(["corpus-judge"], ["redial:x"]) == ["corpus-judge"]
    with pytest.raises(ValueError, match="corpus-judge needs at least one corpus"):
        chosen_stages(["corpus-judge"], [])
    with pytest.raises(ValueError, match="unknown evaluation stage"):
        chosen_stages(["jury"], [])


def test_rows_stored_before_external_corpora_existed_belong_to_muse(tmp_path: Path) -> None:
    """A store made by schema 001-005 (no corpus column, I-T score required) migrates to 006+:
    its judge rows become muse's, with no source, and I-T may then be NULL."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    for file in sorted((SQL_DIR / "schema").glob("00[1-5]_*.sql")):
        con.execute(file.read_text())
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [int(file.name[:3]), file.stem])
    con.execute("INSERT INTO store_meta VALUES ('store_id', 'old')")
    assert "corpus" not in {c for (c, *_) in con.execute("DESCRIBE judge_scores").fetchall()}
    con.execute("INSERT INTO judge_scores (conversation_id, judge_model, scoring_round, naturalness, logical,"
                " informative, pc_correlation, it_correspondence, cache_key, run_id)"
                " VALUES ('c1', 'm', 1, 2, 2, 2, 2, 2, 'k', 'r')")
    con.close()
    with Store(path) as store:
        assert store.schema_version() >= 6
        assert store.rows("SELECT conversation_id, corpus, source, it_correspondence FROM judge_scores") == [
            {"conversation_id": "c1", "corpus": "muse", "source": None, "it_correspondence": 2.0}]
        store.con.execute("INSERT INTO judge_scores (conversation_id, judge_model, scoring_round, naturalness, logical,"
                          " informative, pc_correlation, cache_key, run_id) VALUES ('c2', 'm', 1, 2, 2, 2, 2, 'k', 'r')")
        assert store.scalar("SELECT corpus FROM judge_scores WHERE conversation_id = 'c2'") == "muse"


def _plant_call(store: Store, call_id: str, cache_key: str, provider: str, model: str) -> None:
    store.con.execute("INSERT INTO llm_calls (call_id, cache_key, run_id, role, skill, skill_version, provider, model,"
                      " params, request, status, attempt, latency_ms)"
                      " VALUES (?, ?, 'r', 'judge', 'judge_conversation', 1, ?, ?, '{}', '{}', 'ok', 1, 1)",
                      [call_id, cache_key, provider, model])


def _plant_score(store: Store, corpus: str, conversation_id: str, scoring_round: int, natural: float,
                 cache_key: str) -> None:
    store.con.execute("INSERT INTO judge_scores (conversation_id, judge_model, scoring_round, naturalness, logical,"
                      " informative, pc_correlation, cache_key, run_id, corpus)"
                      " VALUES (?, 'judge-m', ?, ?, 1, 1, 1, ?, 'r', ?)",
                      [conversation_id, scoring_round, natural, cache_key, corpus])


def test_a_mixed_column_names_each_engine_once(tmp_path: Path) -> None:
    with Store(tmp_path / "m.duckdb") as store:
        _plant_call(store, "c-off", "k-off", "offline", "muse-offline-rules-v1")
        _plant_call(store, "c-lm", "k-lm", "openai", "gpt-x")
        _plant_call(store, "c-lm-retry", "k-lm", "openai", "gpt-x")  # two calls of one cache key: one engine
        _plant_score(store, "redial", "redial:1", 1, 2.0, "k-off")  # one conversation judged by both engines
        _plant_score(store, "redial", "redial:1", 2, 1.0, "k-lm")
        _plant_score(store, "redial", "redial:2", 1, 0.5, "k-lm")  # one by the language model alone
        _plant_score(store, "inspired", "inspired:1", 1, 1.0, "k-none")  # no call stored for it
        rows = {r["corpus"]: r for r in store.rows("SELECT * FROM judge_summary")}
    assert rows["redial"]["judged_by"] == "language model, rule-based offline engine"
    assert (rows["redial"]["conversations"], rows["redial"]["rounds"], rows["redial"]["natural"]) == (2, 2, 1.0)
    assert rows["inspired"]["judged_by"] == "unknown"


def _column(corpus: str, judged_by: str) -> Table3Column:
    return Table3Column(corpus, "judge-m", judged_by, 1, 1, {aspect: (1.0, None, 1) for aspect, _ in ASPECTS})


def test_a_column_says_plainly_who_judged_it() -> None:
    assert _column("redial", OFFLINE_ENGINE).judge == \
        "judge-m: rule-based simulator (muse's offline engine), not a language model"
    assert _column("redial", f"language model, {OFFLINE_ENGINE}").judge == \
        f"judge-m: partly the rule-based simulator (language model, {OFFLINE_ENGINE})"
    assert _column("redial", "language model").judge == "judge-m (language model)"


def test_the_only_muse_note_shows_exactly_when_muse_alone_is_judged(tmp_path: Path) -> None:
    note = "Only muse's conversations are judged"
    with Store(tmp_path / "m.duckdb") as store:
        _plant_score(store, "redial", "redial:1", 1, 1.0, "k")
        assert note not in _table3(store)  # redial alone: other corpora are judged, muse is not
        _plant_score(store, "muse", "c1", 1, 1.0, "k")
        assert note not in _table3(store)
        store.con.execute("DELETE FROM judge_scores WHERE corpus = 'redial'")
        assert note in _table3(store)


def test_muse_conversations_are_not_judged_as_a_corpus(tmp_path: Path) -> None:
    config = load_config(db=tmp_path / "j.duckdb").with_offline_engine()
    with Store(config.db) as store:
        ctx = StageContext.open(store, config, start_run(store, "evaluate", config))
        muse = Corpus(name="muse:all", dialogues=[[Utterance(role="user", text="hi")]], dialogue_ids=["c1"])
        with pytest.raises(ValueError, match="judged from the store"):
            asyncio.run(judge_corpus(ctx, muse))
        assert store.scalar("SELECT count(*) FROM judge_scores") == 0


def test_the_offline_judge_scores_tiny_corpora_and_table_3_names_it(tmp_path: Path) -> None:
    specs = write_tiny_corpora(tmp_path / "corpora")
    config = load_config(db=tmp_path / "j.duckdb", evaluation={"sample": 2, "judge_rounds": 2}).with_offline_engine()

    def judge_all(store: Store) -> list[int]:
        run_id = start_run(store, "evaluate", config)

        async def both() -> list[int]:
            ctx = StageContext.open(store, config, run_id)
            return [(await judge_corpus(ctx, read_corpus(spec))).scored for spec in specs]
        return asyncio.run(both())

    with Store(config.db) as store:
        assert judge_all(store) == [4, 4]  # 2 dialogues x 2 rounds per corpus
        rows = store.rows("SELECT * FROM judge_scores ORDER BY ALL")
        assert {r["corpus"] for r in rows} == {"redial", "inspired"}
        for row in rows:
            kind, _, dialogue_id = row["conversation_id"].partition(":")
            assert kind == row["corpus"] and dialogue_id in {"501", "502", "503", "d-1", "d-2", "d-3"}
            assert row["source"].endswith(("redial.jsonl", "inspired.tsv")) and Path(row["source"]).is_absolute()
            assert row["it_correspondence"] is None  # no photo was shown: not applicable, not a number
            assert all(0 <= row[a] <= 2 for a in ("naturalness", "logical", "informative", "pc_correlation"))
        prompts = [r[0] for r in store.con.execute("SELECT request FROM llm_calls WHERE skill = 'judge_conversation'"
                                                   " AND status = 'ok'").fetchall()]
        assert prompts and all("No products or photos are attached" in p for p in prompts)
        assert not any("redial" in p.lower() or "inspired" in p.lower() for p in prompts)  # the judge is blind to the source
        assert judge_all(store) == [0, 0]  # a rerun stores nothing new

        columns = table3(store)
        assert [c.heading for c in columns] == ["ReDial", "INSPIRED"]
        assert all(c.conversations == 2 and c.rounds == 2 for c in columns)
        header, body = table3_rows(columns)
        judge_row = dict(zip(header, body[0]))
        assert "rule-based simulator" in judge_row["ReDial"] and "not a language model" in judge_row["INSPIRED"]
        it_row = next(r for r in body if r[0] == "I-T correspondence")
        assert it_row[1:] == ["-", "-"]
        natural = next(r for r in body if r[0] == "Natural")
        assert all("(n=2)" in cell and "±" in cell for cell in natural[1:])


@pytest.mark.slow
def test_muse_evaluate_corpus_then_report_shows_table_3(tmp_path: Path) -> None:
    """The command path on a store with no conversations: only the corpus judge runs."""
    redial, inspired = write_tiny_corpora(tmp_path / "corpora")
    out = muse_output("evaluate", "--db", "e.duckdb", "--offline", "--stage", "corpus-judge", "--rounds", "1",
               "--corpus", redial, "--corpus", inspired, cwd=tmp_path)
    assert "Table 3" in out and "ReDial" in out and "INSPIRED" in out and "rule-based simulator" in out
    with Store(tmp_path / "e.duckdb", read_only=True) as store:
        counts = dict(store.con.execute("SELECT corpus, count(*) FROM judge_scores GROUP BY ALL").fetchall())
    assert counts == {"redial": 3, "inspired": 3}  # all three dialogues of each (sample 200), one round
    muse_output("report", "--db", "e.duckdb", "--out", "report.html", cwd=tmp_path)
    page = (tmp_path / "report.html").read_text()
    assert "Table 3" in page and "<th>ReDial</th>" in page and "<th>INSPIRED</th>" in page
    assert "rule-based simulator" in page

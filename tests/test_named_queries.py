"""Named SQL analyses (sql/queries) and the interactive SQL prompt, on a small real database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from muse_core.named_queries import QUERIES_DIR, list_queries, load_query, parse_assignments, run_query
from muse_core.sql_shell import run_shell
from muse_core.store import Store
from tests.helpers import build_profiles_db, run_conversation_stages, shell_output

N = 6

# the columns each analysis promises (docs/sql.md shows them); a new query must be added here
COLUMNS = {
    "action_mix_by_round": ["conversation_set", "round", "role", "action", "turns", "share_of_round",
                            "conversations_in_round"],
    "rejection_reasons": ["aspect", "rejections", "share", "conversations", "examples"],
    "most_recommended_items": ["product_id", "title", "product_type", "recommended", "accepted", "acceptance_rate",
                               "as_target", "conversations"],
    "target_never_retrieved": ["conversation_id", "open_type", "rounds", "round_limit", "target_injected",
                               "accepted_round", "target_product_id", "target_title", "target_type", "queries"],
    "cost_per_stage": ["stage", "skill", "ok_calls", "failed_calls", "prompt_tokens", "completion_tokens", "cost_usd",
                       "cost_per_kept_conversation", "tokens_per_kept_conversation"],
    "judge_by_open_type": ["open_type", "judge_model", "conversations", "scorings", "natural", "logical",
                           "informative", "pc_correlation", "it_correspondence", "total"],
    "utterance_lineage": ["conversation_id", "idx", "round", "role", "action", "skill", "model", "prompt",
                          "raw_response", "original_text", "colloquial", "rewritten_text", "check_passed",
                          "check_reason", "check_response", "final_text", "product_ids", "image_product_ids",
                          "querier_needs", "querier_attributes", "querier_query", "retriever", "candidates", "dropped",
                          "reranked_product_id", "rerank_reason", "chosen_product_id", "target_in_candidates",
                          "injected"],
    "conversation_transcript": ["idx", "round", "role", "action", "text", "rewrite_used", "mentioned", "images",
                                "names_target"],
    "outcomes_by_scenario_reason": ["scenario_reason", "conversations", "organic", "injected", "organic_rate",
                                    "mean_accepted_round", "multimodal_open", "kept"],
    "target_rank_by_round": ["round", "rounds", "target_retrieved", "target_ranked_first", "mean_target_rank",
                             "target_reranked", "injected", "mean_candidates"],
}
# analyses that may rightly be empty on a small offline run (every target is usually retrieved)
MAY_BE_EMPTY = {"target_never_retrieved"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """Six offline conversations, simulated, rewritten, reviewed and judged (one judge round)."""
    from muse_core.config import load_config
    from muse_core.context import StageContext
    from muse_core.evaluation_sample import sample_conversations
    from muse_core.judge import judge_conversations
    from muse_core.runs import start_run

    path = build_profiles_db(tmp_path_factory.mktemp("named") / "q.duckdb", N)
    run_conversation_stages(path, N)
    # the judge alone, in process: judge_by_open_type needs judge_scores, not the whole Prefect flow
    config = load_config(db=path, retrieval={"retriever": "bm25"}, evaluation={"judge_rounds": 1}).with_offline_engine()
    with Store(path) as store:
        run_id = start_run(store, "evaluate", config)
        ctx = StageContext.open(store, config, run_id)
        sample = sample_conversations(store, config.seed, config.evaluation.sample)
        asyncio.run(judge_conversations(ctx, sample))
    return path


@pytest.fixture
def ro(db: Path) -> Iterator[Store]:
    with Store(db, read_only=True) as store:
        yield store


def _a_turn(store: Store) -> tuple[str, int, str]:
    """A recommendation turn (it has a querier round) of a real conversation."""
    row = store.con.execute("SELECT conversation_id, idx, text FROM turns WHERE action = 'recommend'"
                            " ORDER BY conversation_id, idx LIMIT 1").fetchone()
    return row[0], row[1], row[2]


def test_every_query_file_is_well_formed() -> None:
    queries = list_queries()
    assert sorted(q.name for q in queries) == sorted(COLUMNS)
    con = duckdb.connect()
    for query in queries:
        assert query.description and not query.description.startswith("-")
        statements = con.extract_statements(query.sql)
        assert len(statements) == 1 and statements[0].type == duckdb.StatementType.SELECT, query.name
        assert set(query.params) == set(query.param_help)
    assert load_query("utterance_lineage").params == ["conversation_id", "idx"]
    assert (QUERIES_DIR / "cost_per_stage.sql").is_file()


def test_every_query_runs_and_returns_its_columns(ro: Store) -> None:
    conversation_id, idx, _ = _a_turn(ro)
    values = {"conversation_id": conversation_id, "idx": str(idx)}
    for query in list_queries():
        names, rows = run_query(ro.con, query, {p: values[p] for p in query.params})
        assert names == COLUMNS[query.name], query.name
        assert rows or query.name in MAY_BE_EMPTY, f"{query.name} returned no rows"


def test_utterance_lineage_ends_in_the_dataset_text(ro: Store) -> None:
    conversation_id, idx, text = _a_turn(ro)
    names, rows = run_query(ro.con, load_query("utterance_lineage"),
                            {"conversation_id": conversation_id, "idx": str(idx)})
    assert len(rows) == 1
    row = dict(zip(names, rows[0]))
    assert row["final_text"] == text and row["skill"] == "chatter_recommend"
    assert row["prompt"] and row["raw_response"] and row["check_reason"]
    # a recommendation round has a querier round, whose choice is what was recommended
    assert row["chosen_product_id"] in row["product_ids"]
    # the greeting has no querier round
    names, rows = run_query(ro.con, load_query("utterance_lineage"), {"conversation_id": conversation_id, "idx": "0"})
    greet = dict(zip(names, rows[0]))
    assert greet["action"] == "greet" and greet["querier_query"] is None


def test_aggregates_match_direct_counts(ro: Store) -> None:
    names, rows = run_query(ro.con, load_query("most_recommended_items"), {})
    by_item = {r[0]: dict(zip(names, r)) for r in rows}
    direct = dict(ro.con.execute("SELECT p, count(*) FROM turns, unnest(product_ids) AS u(p)"
                                 " WHERE action = 'recommend' GROUP BY p").fetchall())
    assert {k: v["recommended"] for k, v in by_item.items()} == direct
    # every conversation ends in one accept: accepted counts sum to the conversations
    assert sum(v["accepted"] for v in by_item.values()) == ro.scalar("SELECT count(*) FROM conversations")

    names, rows = run_query(ro.con, load_query("rejection_reasons"), {})
    assert sum(r[names.index("rejections")] for r in rows) == ro.scalar(
        "SELECT count(*) FROM turns WHERE action = 'reject'")

    names, rows = run_query(ro.con, load_query("cost_per_stage"), {})
    total = dict(zip(names, next(r for r in rows if r[0] == "all stages")))
    assert total["ok_calls"] == ro.scalar("SELECT count(*) FROM llm_calls WHERE status = 'ok'")
    stages = {r[0] for r in rows}
    assert {"summaries", "scenarios", "profiles", "conversations", "rewrite", "review", "evaluation"} <= stages
    assert "other" not in stages, "a skill is missing from cost_per_stage's CASE"


def test_parameter_errors_name_what_is_wrong(ro: Store) -> None:
    lineage = load_query("utterance_lineage")
    with pytest.raises(ValueError, match=r"missing parameter\(s\) idx \(the utterance's position"):
        run_query(ro.con, lineage, {"conversation_id": "x"})
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) color"):
        run_query(ro.con, lineage, {"conversation_id": "x", "idx": "1", "color": "red"})
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) k \(it takes no parameters\)"):
        run_query(ro.con, load_query("cost_per_stage"), {"k": "v"})
    with pytest.raises(ValueError, match="unknown query 'nope'; known queries: action_mix_by_round"):
        load_query("nope")
    with pytest.raises(ValueError, match="unknown query"):
        load_query("../schema/001_core")
    with pytest.raises(ValueError, match="not key=value"):
        parse_assignments(["idx"])
    assert parse_assignments(["q=a=b"]) == {"q": "a=b"}




def test_the_shell_runs_statements_commands_and_survives_errors(ro: Store) -> None:
    conversation_id, idx, _ = _a_turn(ro)
    out = shell_output(ro, [
        "SELECT count(*) AS n_conv,",           # a statement over two lines
        "  'two lines' AS how FROM conversations;",
        "SELEC nonsense;",                      # an error, and the shell goes on
        "CREATE TABLE t (x INT);",              # read-only: refused before it runs, still going
        "SELECT 1 AS a; SELECT 2 AS b;",        # one statement at a time
        ".tables",
        f".q utterance_lineage conversation_id={conversation_id} idx={idx}",
        ".q utterance_lineage idx=1",           # a missing parameter is reported
        "SELECT image FROM product_images LIMIT 1;",
        "SELECT range AS r FROM range(60);",
        ".queries",
        ".help",
    ])
    assert "n_conv" in out and f"│ {N}" in out and "two lines" in out
    assert "Parser Error" in out and "CREATE refused: the database is open read-only" in out
    assert "2 statements given" in out
    assert "conversations" in out and "action_mix" in out and "view" in out
    assert "chatter_recommend" in out
    assert "missing parameter(s) conversation_id" in out
    assert "bytes>" in out
    assert "first 50 rows shown" in out and "│ 49" in out and "│ 50 " not in out
    assert "rejection_reasons" in out and ".q NAME" in out


def test_a_query_file_must_be_one_read_statement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import muse_core.named_queries as named_queries

    monkeypatch.setattr(named_queries, "QUERIES_DIR", tmp_path)
    (tmp_path / "sneaky.sql").write_text("-- looks harmless\nSELECT 1;\nCOPY (SELECT 1) TO 'x.csv';\n")
    with pytest.raises(ValueError, match=r"sneaky.sql: 2 statements given"):
        load_query("sneaky")
    (tmp_path / "writer.sql").write_text("-- writes\nCREATE TABLE t AS SELECT 1\n")
    with pytest.raises(ValueError, match=r"writer.sql: CREATE refused"):
        load_query("writer")


def test_the_queries_run_on_the_locked_connection_muse_opens(ro: Store) -> None:
    # the `ro` fixture is what muse sql, the viewer and export open: no files, config locked
    assert ro.scalar("SELECT current_setting('enable_external_access')") is False
    assert ro.scalar("SELECT current_setting('lock_configuration')") is True


def test_the_shell_quits_on_dot_quit_and_drops_a_statement_on_ctrl_c(ro: Store) -> None:
    lines = iter(["SELECT 'never' AS x", KeyboardInterrupt, "SELECT 'after' AS y;", ".quit", "SELECT 'gone' AS z;"])

    def input_fn(prompt: str) -> str:
        item = next(lines)
        if item is KeyboardInterrupt:
            raise KeyboardInterrupt
        return item

    console = Console(record=True, width=120)
    run_shell(ro, console, input_fn)
    out = console.export_text()
    assert "statement dropped" in out and "after" in out and "never" not in out and "gone" not in out


@given(st.text())
def test_no_control_character_reaches_the_terminal(text: str) -> None:
    from muse_core.sql_shell import format_value

    shown = format_value(text, max_chars=None)
    assert not any(ord(ch) < 32 and ch not in "\t\n" or 0x7f <= ord(ch) <= 0x9f for ch in shown)
    if not any(ord(ch) < 32 and ch not in "\t\n" or 0x7f <= ord(ch) <= 0x9f for ch in text):
        assert shown == text  # ordinary text is shown as it is


def test_an_escape_sequence_in_a_title_is_shown_not_obeyed(ro: Store) -> None:
    out = shell_output(ro, ["SELECT 'Red \x1b[31mDress\x1b]0;pwned\x07' AS title;"])
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[31mDress" in out

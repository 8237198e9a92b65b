"""End to end through the `muse` command: Prefect flow, offline engine, DuckDB file."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from muse_plugins.fashion import FASHION

MUSE = [sys.executable, "-m", "muse_flows.cli"]
ROOT = Path(__file__).resolve().parent.parent


def muse(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    result = subprocess.run([*MUSE, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def sql(db: Path, query: str, cwd: Path) -> list[dict]:
    out = muse("sql", "--db", str(db), "--json", query, cwd=cwd).stdout
    decoder, rows, text = json.JSONDecoder(), [], out.strip()
    while text:
        row, end = decoder.raw_decode(text)
        rows.append(row)
        text = text[end:].strip()
    return rows


@pytest.mark.slow
def test_main_job_on_the_bundled_sample_then_a_free_rerun(tmp_path: Path) -> None:
    db = tmp_path / "muse.duckdb"
    first = muse("run", "--offline", "--db", str(db), "--conversations", "30", cwd=tmp_path)
    assert "lines read" in first.stdout and "profile / judge" in first.stdout
    assert "30 (30 new)" in first.stdout and "kept (sum of scores >= 4)" in first.stdout
    assert "FROM action_mix" in first.stdout  # the summary ends with a query to try
    counts = sql(db, "SELECT count(*) AS products, count(i.product_id) AS images, count(s.product_id) AS summaries,"
                     " count(d.product_id) AS docs FROM products p LEFT JOIN product_images i USING (product_id)"
                     " LEFT JOIN product_summaries s USING (product_id) LEFT JOIN product_docs d USING (product_id)",
                 tmp_path)[0]
    lines = sum(1 for _ in FASHION.sample_catalog.open())
    assert counts["products"] >= 200 and counts["products"] == lines
    assert counts["images"] == counts["summaries"] == counts["docs"] == counts["products"]
    summary_calls = sql(db, "SELECT count(*) AS n FROM llm_calls WHERE skill = 'product_summary' AND status = 'ok'",
                        tmp_path)[0]["n"]
    assert summary_calls == counts["products"]
    assert sql(db, "SELECT count(*) AS n FROM profiles", tmp_path)[0]["n"] == 30
    assert sql(db, "SELECT count(*) AS n FROM conversations", tmp_path)[0]["n"] == 30
    calls = sql(db, "SELECT count(*) AS n FROM llm_calls", tmp_path)[0]["n"]
    muse("export", "--db", str(db), "--format", "muse-json", "--out", "first.json", cwd=tmp_path)

    second = muse("run", "--offline", "--db", str(db), "--conversations", "30", cwd=tmp_path)
    assert f"(new 0, updated 0, unchanged {lines}," in second.stdout and "30 (0 new)" in second.stdout
    assert sql(db, "SELECT count(*) AS n FROM llm_calls", tmp_path)[0]["n"] == calls  # no new provider call
    runs = sql(db, "SELECT status, cache_misses FROM runs ORDER BY started_at", tmp_path)
    assert [r["status"] for r in runs] == ["finished"] * 6 and all(r["cache_misses"] == 0 for r in runs[3:])
    muse("export", "--db", str(db), "--format", "muse-json", "--out", "second.json", cwd=tmp_path)
    exported = json.loads((tmp_path / "first.json").read_text())
    assert exported and (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()


@pytest.mark.slow
def test_search_and_plugins_commands(tmp_path: Path, tiny_catalog: Path) -> None:
    db = tmp_path / "t.duckdb"
    muse("ingest", str(tiny_catalog), "--offline", "--db", str(db), cwd=tmp_path)
    found = muse("search", "hiking boots", "--db", str(db), "--retriever", "bm25", "-k", "2", cwd=tmp_path).stdout
    assert "T3" in found and "Hiking Boots" in found
    import duckdb

    with duckdb.connect(str(db)) as con:  # a catalog title holding markup and a terminal escape
        con.execute("UPDATE products SET title = title || ' [red]x\x1b[2J' WHERE product_id = 'T3'")
    shown = muse("search", "hiking boots", "--db", str(db), "--retriever", "bm25", "-k", "1", cwd=tmp_path).stdout
    assert "\x1b" not in shown and "[red]x\\x1b[2J" in shown
    listing = muse("plugins", cwd=tmp_path).stdout
    for name in ("offline", "litellm", "bm25", "dense", "hybrid", "minilm", "fashion"):
        assert name in listing


def test_errors_are_actionable(tmp_path: Path) -> None:
    missing = subprocess.run([*MUSE, "sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1"], capture_output=True,
                             text=True, cwd=tmp_path)
    assert missing.returncode == 1 and "muse run --offline" in missing.stderr
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[gateway]\nmax_concurrency = 0\n")
    result = subprocess.run([*MUSE, "sql", "--config", str(bad_config), "SELECT 1"], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 2 and "max_concurrency" in result.stderr
    unknown = subprocess.run([*MUSE, "run", "--domain", "no-such-domain", "--db", str(tmp_path / "x.duckdb")],
                             capture_output=True, text=True, cwd=tmp_path)
    assert unknown.returncode == 2 and "no domain plugin named 'no-such-domain'; known: fashion" in unknown.stderr


def test_every_documented_command_exists_and_has_help() -> None:
    documented = set(re.findall(r"^## `muse ([a-z-]+)", (ROOT / "docs" / "cli.md").read_text(), re.M))
    assert {"run", "ingest", "profiles", "conversations", "export", "stats", "evaluate", "report", "estimate",
            "search", "plugins", "sql", "offline-server", "roles", "local-server"} <= documented
    listing = subprocess.run([*MUSE, "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"},
                             timeout=60).stdout
    listed = set(re.findall(r"^│ ([a-z-]+) ", listing, re.M))
    assert documented <= listed, documented - listed


# -- exit codes: 0 success, 1 a failed run or refused query, 2 a user's mistake (docs/cli.md) ------

def run_muse(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*MUSE, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    from muse_core.store import Store

    db = tmp_path / "empty.duckdb"
    with Store(db):
        pass
    return db


def test_exit_codes_say_whose_mistake_it_was(tmp_path: Path, empty_db: Path) -> None:
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[gateway]\nmax_concurrency = 0\n")
    db = ["--db", str(empty_db)]
    usage_mistakes = {  # exit 2, one line naming what to fix
        "unknown export format": (["export", *db, "--format", "nope"], "known: finetune, hf, jsonl, muse-json, parquet"),
        "unknown format option": (["export", *db, "--format", "finetune", "-O", "colour=red"], "images"),
        "bad option value": (["export", *db, "--format", "finetune", "-O", "images=inline", "--out", "ft"],
                             "data-url, files"),
        "unknown sql format": (["sql", *db, "--format", "xml", "SELECT 1"], "table, csv, tsv, json, jsonl, markdown"),
        "unknown named query": (["sql", *db, "-q", "no_such_query"], "known queries"),
        "two statements at once": (["sql", *db, "-q", "action_mix_by_round", "SELECT 1"], "not both"),
        "invalid config": (["sql", "--config", str(bad_config), "SELECT 1"], "max_concurrency"),
        "missing config file": (["export", "--config", str(tmp_path / "none.toml")], "none.toml"),
        "unknown policy": (["conversations", *db, "--policy", "no-such-policy"], "no action_policy plugin"),
        "missing catalog": (["ingest", str(tmp_path / "none.jsonl"), *db, "--offline"], "does not exist"),
        "non-loopback server": (["offline-server", "--host", "8.8.8.8"], "loopback only"),
        "bad option value for a section": (["profiles", *db, "--offline", "--n", "-3"], "n"),
    }
    for what, (args, says) in usage_mistakes.items():
        result = run_muse(*args, cwd=tmp_path)
        assert result.returncode == 2, (what, result.stdout, result.stderr)
        assert says in result.stderr and "Traceback" not in result.stderr, (what, result.stderr)
    failures = {  # exit 1: the command ran and could not do it
        "no database yet": ["sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1"],
        "refused query": ["sql", *db, "DROP TABLE runs"],
        "SQL error": ["sql", *db, "SELECT * FROM no_such_table"],
    }
    for what, args in failures.items():
        result = run_muse(*args, cwd=tmp_path)
        assert result.returncode == 1, (what, result.stderr)
        assert result.stderr.startswith("error:") and "Traceback" not in result.stderr, (what, result.stderr)
    assert run_muse("sql", *db, "SELECT 1 AS one", cwd=tmp_path).returncode == 0


# -- muse sql output ------------------------------------------------------------------------------

def test_sql_jsonl_pipes_into_a_json_reader(tmp_path: Path, empty_db: Path) -> None:
    query = ("SELECT range AS i, 'caf\u00e9 \"x\"' AS s, [1, 2] AS l, NULL AS n, 'ab'::BLOB AS b, DATE '2024-01-02' AS d"
             " FROM range(3)")
    import shlex

    command = (f"{sys.executable} -m muse_flows.cli sql --db {shlex.quote(str(empty_db))} --format jsonl "
               f"{shlex.quote(query)} | "
               f"{sys.executable} -c 'import json,sys; print(json.dumps([json.loads(l) for l in sys.stdin]))'")
    result = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == [{"i": i, "s": 'caf\u00e9 "x"', "l": [1, 2], "n": None, "b": "<2 bytes>", "d": "2024-01-02"}
                    for i in range(3)]
    alias = run_muse("sql", "--db", str(empty_db), "--json", "SELECT 1 AS a", cwd=tmp_path).stdout
    assert alias == '{"a": 1}\n'  # --json is --format jsonl
    as_array = json.loads(run_muse("sql", "--db", str(empty_db), "--format", "json", "SELECT 1 AS a UNION ALL"
                                   " SELECT 2", cwd=tmp_path).stdout)
    assert as_array == [{"a": 1}, {"a": 2}]


def test_sql_other_formats_and_a_piped_table_keeps_every_character(tmp_path: Path, empty_db: Path) -> None:
    import csv
    import io

    db = ["--db", str(empty_db)]
    query = "SELECT 1 AS a, 'x,y|z' AS b"
    assert list(csv.reader(io.StringIO(run_muse("sql", *db, "--format", "csv", query, cwd=tmp_path).stdout))) == [
        ["a", "b"], ["1", "x,y|z"]]
    assert run_muse("sql", *db, "--format", "tsv", query, cwd=tmp_path).stdout == "a\tb\n1\tx,y|z\n"
    assert run_muse("sql", *db, "--format", "markdown", query, cwd=tmp_path).stdout == \
        "| a | b |\n| --- | --- |\n| 1 | x,y\\|z |\n"
    long = "word " * 100
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # piped: no terminal width to obey
    table = subprocess.run([*MUSE, "sql", *db, f"SELECT '{long.strip()}' AS text, 42 AS n"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120).stdout
    assert long.strip() in table and "42" in table  # one line, not cut at 80 columns


# -- the muse_commands hook -----------------------------------------------------------------------

def test_a_plugin_adds_a_command_and_may_not_take_a_builtin_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    import typer
    from typer.testing import CliRunner

    from muse_core import plugins
    from muse_core.hookspecs import hookimpl

    def plugin_with(name: str) -> types.ModuleType:
        module = types.ModuleType(f"plugin_{name}")

        @hookimpl
        def muse_commands(app: typer.Typer) -> None:
            @app.command(name)
            def hello() -> None:
                """Say hello."""
                print("hello from a plugin")

        module.muse_commands = muse_commands
        return module

    pm = plugins.get_plugin_manager(load_entry_points=False)
    pm.register(plugin_with("hello"))
    monkeypatch.setattr(plugins, "plugin_manager", lambda: pm)
    app = typer.Typer()

    @app.command()
    def sql() -> None:
        """A built-in."""

    plugins.add_plugin_commands(app)
    assert {"hello", "offline-server"} <= {c.name for c in app.registered_commands}
    assert CliRunner().invoke(app, ["hello"]).stdout == "hello from a plugin\n"
    pm.register(plugin_with("sql"))
    clash = typer.Typer()
    clash.command("sql")(sql)
    with pytest.raises(ValueError, match="adds a command 'sql' that muse already has"):
        plugins.add_plugin_commands(clash)

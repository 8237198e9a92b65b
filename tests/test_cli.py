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

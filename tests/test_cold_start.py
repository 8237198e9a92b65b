"""Cold start: the quick commands import no model, metric or Prefect code they do not use
(issue 14: `muse sql "SELECT 1"` once took 8.5 s, building the plugin registry pulled in nltk,
scipy and sklearn). Each command runs in a fresh interpreter, which then lists what it imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from muse_core.store import Store

HEAVY = ("torch", "transformers", "FlagEmbedding", "sentence_transformers", "nltk", "scipy", "sklearn",
         "prefect", "litellm")

# Runs the CLI as `muse ARGS...` would, then prints the top-level packages it imported.
PROBE = """
import json, runpy, sys
sys.argv = ["muse", *json.loads(sys.argv[1])]
try:
    runpy.run_module("muse_flows.cli", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print("\\nIMPORTED " + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
sys.stdout.flush()
"""


def imported_by(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    marker = next(line for line in done.stdout.splitlines() if line.startswith("IMPORTED "))
    return set(json.loads(marker.removeprefix("IMPORTED ")))


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cold") / "muse.duckdb"
    with Store(db):  # the schema only
        pass
    return db


@pytest.mark.parametrize("args", [("--help",), ("plugins",), ("sql", "SELECT 1")], ids=["help", "plugins", "sql"])
def test_quick_commands_import_no_heavy_package(args: tuple[str, ...], empty_db: Path) -> None:
    if args[0] == "sql":
        args = ("sql", "--db", str(empty_db), *args[1:])
    imported = imported_by(*args)
    assert "muse_flows" in imported  # the probe did run the CLI
    assert not imported & set(HEAVY), f"`muse {' '.join(args)}` imported {sorted(imported & set(HEAVY))}"


def test_the_probe_sees_a_heavy_import() -> None:
    """The check above can fail: a command that does load the embedder shows torch."""
    done = subprocess.run([sys.executable, "-c", "import sys, muse_plugins.minilm_embedder as m; m.MiniLM.load();"
                           " print('torch' in sys.modules)"], capture_output=True, text=True, timeout=300)
    assert done.stdout.strip().splitlines()[-1] == "True", done.stderr[-2000:]

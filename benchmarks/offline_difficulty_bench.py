"""How hard the default offline run is, against the figures issue 11 asks of it.

    python benchmarks/offline_difficulty_bench.py [--products 5000] [--conversations 200] [--seed 0]
                                                  [--workdir DIR] [--judge]

Draws a generated catalog (`muse sample-catalog`), then runs the main job on it with the offline
engine over BM25 (`muse run --offline`), all through the `muse` command as a user would, and
reads the figures back with SQL:
- organic success, injected targets, reviewer drops, re-asks per 100 model answers
  (the `difficulty_figures` view);
- Distinct-2 of the dataset's utterances (whitespace tokens, as `muse stats`) and the share of
  conversations the most common sentence appears in;
- with `--judge`, `muse evaluate --offline --stage judge` and the judge's per-aspect sd.
Each figure is printed beside its target and marked ok / MISSED. The figures describe the rule-based
offline simulator at its default `[offline]` rates, not any language model. A `--workdir` that
already holds the run is reused (the run's cache makes a rerun free).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# (figure, lowest, highest): the acceptance ranges of issue 11, item 5 and 6
TARGETS = [
    ("organic_pct", 40.0, 85.0),
    ("injected_pct", 10.0, None),
    ("dropped_pct", 5.0, None),
    ("reasks_per_100", 1.0, None),
    ("distinct_2", 0.30, None),
    ("top_sentence_share_pct", None, 5.0),
]
JUDGE_ASPECTS = ("natural_sd", "logical_sd", "informative_sd", "pc_correlation_sd", "it_correspondence_sd")


def muse(*args: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "muse_core.cli", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"muse {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def sql(db: Path, query: str, cwd: Path) -> list[dict]:
    out, decoder, rows = muse("sql", "--db", str(db), "--json", query, cwd=cwd).strip(), json.JSONDecoder(), []
    while out:
        row, end = decoder.raw_decode(out)
        rows.append(row)
        out = out[end:].strip()
    return rows


def text_figures(db: Path, conversation_set: str) -> dict[str, float]:
    from muse_core.store import Store

    with Store(db, read_only=True) as store:  # every turn: `muse sql` prints only the first rows
        turns = store.rows("SELECT conversation_id, text FROM turns JOIN conversations USING (conversation_id)"
                           " WHERE conversation_set = ?", [conversation_set])
    bigrams: list[tuple[str, str]] = []
    in_conversations: dict[str, set[str]] = {}
    for turn in turns:
        words = turn["text"].split()
        bigrams += list(zip(words, words[1:]))
        for sentence in re.split(r"(?<=[.!?])\s+", turn["text"].strip()):
            if sentence:
                in_conversations.setdefault(sentence, set()).add(turn["conversation_id"])
    conversations = len({t["conversation_id"] for t in turns}) or 1
    top = Counter({s: len(c) for s, c in in_conversations.items()}).most_common(1)
    return {"distinct_2": round(len(set(bigrams)) / max(1, len(bigrams)), 3),
            "top_sentence_share_pct": round(100 * top[0][1] / conversations, 1) if top else 0.0,
            "top_sentence": top[0][0] if top else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--judge", action="store_true", help="also run the offline judge (slower)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="muse-difficulty-"))
    work.mkdir(parents=True, exist_ok=True)
    catalog, db = work / "catalog" / "catalog.jsonl", work / "muse.duckdb"
    (work / "muse.toml").write_text('[retrieval]\nretriever = "bm25"\n')

    started = time.perf_counter()
    if not catalog.exists():
        muse("sample-catalog", "--n", str(args.products), "--seed", str(args.seed), "--out", str(catalog.parent),
             cwd=work)
    print(f"catalog: {args.products} generated products, seed {args.seed} ({time.perf_counter() - started:.0f} s)")
    started = time.perf_counter()
    muse("run", "--offline", "--config", "muse.toml", "--catalog", str(catalog), "--seed", str(args.seed),
         "--conversations", str(args.conversations), "--db", str(db), cwd=work)
    print(f"muse run --offline: {time.perf_counter() - started:.0f} s  (database {db})")

    # this run's set: a reused workdir may hold sets of earlier settings too
    latest = "(SELECT conversation_set FROM conversations ORDER BY created_at DESC LIMIT 1)"
    figures = sql(db, f"SELECT * FROM difficulty_figures WHERE conversation_set = {latest}", work)[0]
    figures.update(text_figures(db, figures["conversation_set"]))
    if args.judge:
        muse("evaluate", "--offline", "--db", str(db), "--stage", "judge", cwd=work)
        figures.update(sql(db, f"SELECT * FROM difficulty_figures WHERE conversation_set = {latest}", work)[0])

    print(f"\nconversations {figures['conversations']}, reviewed {figures['reviewed']}, "
          f"model answers {figures['answers']}")
    for name, low, high in TARGETS + [(aspect, 0.1, None) for aspect in JUDGE_ASPECTS if figures.get(aspect)]:
        value = figures[name]
        ok = (low is None or value >= low) and (high is None or value <= high)
        wanted = " and ".join(part for part in (low is not None and f">= {low}", high is not None and f"<= {high}")
                              if part)
        print(f"  {name:24} {value:>8}   target {wanted:14} {'ok' if ok else 'MISSED'}")
    print(f"  most common sentence: {figures['top_sentence']!r}")
    print("\nThese are figures of the rule-based offline simulator at its default [offline] rates.")


if __name__ == "__main__":
    main()

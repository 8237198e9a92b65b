"""How hard the default offline run is, against the figures issue 11 asks of it.

    python benchmarks/offline_difficulty_bench.py [--products 5000] [--conversations 200] [--seed 0]
                                                  [--workdir DIR] [--judge] [--judge-noise SD]

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
already holds the run is reused (the run's cache makes a rerun free); the figures are those of this
run's conversation set. `--judge-noise` applies to conversations not judged yet: use a new workdir.
"""

from __future__ import annotations

import argparse
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
    done = subprocess.run([sys.executable, "-m", "muse_flows.cli", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"muse {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


def read_figures(db: Path, conversation_set: str) -> dict:
    """This set's row of difficulty_figures, and the text figures of its turns."""
    from muse_core.stats import distinct_n
    from muse_core.store import Store

    with Store(db, read_only=True) as store:
        rows = store.rows("SELECT * FROM difficulty_figures WHERE conversation_set = ? ORDER BY judge_model NULLS LAST",
                          [conversation_set])
        turns = store.rows("SELECT conversation_id, text FROM turns JOIN conversations USING (conversation_id)"
                           " WHERE conversation_set = ?", [conversation_set])
        failed = store.scalar("SELECT count(*) FROM stage_failures WHERE stage = 'conversation' AND"
                              " starts_with(entity_id, ?)", [f"{conversation_set}-"])
    if not rows:
        sys.exit(f"no conversations of set {conversation_set} in {db}")
    in_conversations: dict[str, set[str]] = {}
    for turn in turns:
        for sentence in re.split(r"(?<=[.!?])\s+", turn["text"].strip()):
            if sentence:
                in_conversations.setdefault(sentence, set()).add(turn["conversation_id"])
    conversations = len({t["conversation_id"] for t in turns}) or 1
    top = Counter({s: len(c) for s, c in in_conversations.items()}).most_common(1)
    # Distinct-2 as `muse stats` computes it (whitespace tokens, corpus level)
    return {**rows[0], "failed": failed, "distinct_2": round(distinct_n([t["text"].split() for t in turns], 2), 3),
            "top_sentence_share_pct": round(100 * top[0][1] / conversations, 1) if top else 0.0,
            "top_sentence": top[0][0] if top else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--judge", action="store_true", help="also run the offline judge (slower)")
    parser.add_argument("--judge-noise", type=float, help="[offline] judge_noise (default: the configured default)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="muse-difficulty-"))
    work.mkdir(parents=True, exist_ok=True)
    catalog, db = work / f"catalog-{args.products}-{args.seed}" / "catalog.jsonl", work / "muse.duckdb"
    noise = "" if args.judge_noise is None else f"\n[offline]\njudge_noise = {args.judge_noise}\n"
    (work / "muse.toml").write_text(f'[retrieval]\nretriever = "bm25"\n{noise}')

    started = time.perf_counter()
    if not catalog.exists():
        muse("sample-catalog", "--n", str(args.products), "--seed", str(args.seed), "--out", str(catalog.parent),
             cwd=work)
    print(f"catalog: {args.products} generated products, seed {args.seed} ({time.perf_counter() - started:.0f} s)")
    started = time.perf_counter()
    muse("run", "--offline", "--config", "muse.toml", "--catalog", str(catalog), "--seed", str(args.seed),
         "--conversations", str(args.conversations), "--db", str(db), cwd=work)
    print(f"muse run --offline: {time.perf_counter() - started:.0f} s  (database {db})")

    # this run's set (a reused workdir may hold sets of other settings), named as muse names it
    from muse_core.config import load_config
    from muse_core.plugins import registry
    from muse_core.stages import conversation_set

    config = load_config(work / "muse.toml", db=db, seed=args.seed).with_offline_engine()
    this_set = conversation_set(config, registry().get("domain", config.domain))
    if args.judge:
        muse("evaluate", "--offline", "--config", "muse.toml", "--db", str(db), "--stage", "judge", cwd=work)
    figures = read_figures(db, this_set)

    print(f"\nset {this_set}: conversations {figures['conversations']} (and {figures['failed']} failed), reviewed "
          f"{figures['reviewed']}, model answers {figures['answers']}, judged {figures['judged']}")
    judged = [(aspect, 0.1, None) for aspect in JUDGE_ASPECTS if figures.get(aspect) is not None]
    for name, low, high in TARGETS + judged:
        value = figures[name]
        ok = (low is None or value >= low) and (high is None or value <= high)
        wanted = " and ".join(part for part in (low is not None and f">= {low}", high is not None and f"<= {high}")
                              if part)
        print(f"  {name:24} {value:>8}   target {wanted:14} {'ok' if ok else 'MISSED'}")
    print(f"  most common sentence: {figures['top_sentence']!r}")
    print("\nThese are figures of the rule-based offline simulator at its default [offline] rates.")


if __name__ == "__main__":
    main()

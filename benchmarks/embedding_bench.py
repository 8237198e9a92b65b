"""Query and document embedding with the `minilm` embedder, in one process: FlagEmbedding's own
encode (a throw-away batch-size probe, then the pass) against muse's direct call (one pass per
batch), on torch's default thread count and on one thread, queries one by one (what muse does)
and in padded batches (what it does not: the bits then depend on the batch). Prints milliseconds
per text and ratios, and checks which vectors are the same bits.

    python benchmarks/embedding_bench.py [--queries 120] [--docs 256] [--busy 1]

`--busy N` keeps N other processes spinning meanwhile, as the rest of a `muse run` does: two
OpenMP threads on a busy 2-core machine wait for each other at every layer. Machines differ:
read the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from collections.abc import Callable
from importlib import resources

import numpy as np


def spin() -> None:
    while True:
        pass


def sample_texts(n_queries: int, n_docs: int) -> tuple[list[str], list[str]]:
    """Queries shaped like the querier's and profile targets' (a need, a few attributes, who for),
    and documents from the bundled sample catalog (title, features, description)."""
    catalog = resources.files("muse_plugins.fashion").joinpath("sample/catalog.jsonl").read_text().splitlines()
    products = [json.loads(line) for line in catalog if line.strip()]
    rng = np.random.default_rng(0)
    whos = ["women's", "men's", "girls", "boys", ""]
    queries = []
    for i in range(n_queries):
        title = products[i % len(products)]["title"]
        words = title.split()
        cut = int(rng.integers(2, max(3, len(words) + 1)))
        queries.append(f"{' '.join(words[:cut])} for a {rng.choice(['wedding', 'hike', 'office', 'party'])}"
                       f" {rng.choice(whos)}".strip())
    docs = []
    for i in range(n_docs):
        p = products[i % len(products)]
        docs.append(f"{p['title']}. {' '.join(p.get('features') or [])} {' '.join(p.get('description') or [])}"[:1500])
    return queries, docs


def per_text_ms(fn: Callable[[], object], texts: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times) / texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=120)
    parser.add_argument("--docs", type=int, default=256)
    parser.add_argument("--busy", type=int, default=0, help="other processes spinning meanwhile")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import torch

    default_threads = torch.get_num_threads()
    from muse_plugins.minilm_embedder import MiniLM

    embedder = MiniLM.load()  # sets muse's thread count (1 unless MUSE_TORCH_THREADS says otherwise)
    flag = embedder.model
    queries, docs = sample_texts(args.queries, args.docs)
    busy = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
    for process in busy:
        process.start()
    try:
        results: dict[str, float] = {}
        same: dict[str, bool] = {}
        for threads in sorted({default_threads, 1}, reverse=True):
            torch.set_num_threads(threads)
            embedder.encode_queries(queries[:2])  # warm up at this thread count
            results[f"flag_query_{threads}"] = per_text_ms(
                lambda: [flag.encode_queries([q], batch_size=2) for q in queries], len(queries), args.repeats)
            results[f"query_{threads}"] = per_text_ms(
                lambda: [embedder.encode_queries([q]) for q in queries], len(queries), args.repeats)
            # what batching queries would give: padded passes of 64 (muse encodes each query alone)
            results[f"batch_{threads}"] = per_text_ms(lambda: embedder.encode_documents(queries), len(queries),
                                                      args.repeats)
            results[f"flag_docs_{threads}"] = per_text_ms(
                lambda: [flag.encode_corpus(docs[i:i + 64], batch_size=65) for i in range(0, len(docs), 64)],
                len(docs), 1)
            results[f"docs_{threads}"] = per_text_ms(
                lambda: [embedder.encode_documents(docs[i:i + 64]) for i in range(0, len(docs), 64)], len(docs), 1)
            one_by_one = np.stack([embedder.encode_queries([q])[0] for q in queries])
            flag_queries = np.stack([flag.encode_queries([q], batch_size=2)[0] for q in queries])
            same[f"queries, muse == FlagEmbedding ({threads} thread(s))"] = np.array_equal(one_by_one, flag_queries)
            batched = embedder.encode_documents(queries)
            rows = sum(np.array_equal(a, b) for a, b in zip(batched, one_by_one))
            same[f"queries, padded batch == one by one ({threads} thread(s)): {rows} of {len(queries)} rows"] = (
                rows == len(queries))
            flag_docs = np.concatenate([flag.encode_corpus(docs[i:i + 64], batch_size=65)
                                        for i in range(0, len(docs), 64)])
            ours_docs = np.concatenate([embedder.encode_documents(docs[i:i + 64]) for i in range(0, len(docs), 64)])
            same[f"documents, muse == FlagEmbedding ({threads} thread(s))"] = np.array_equal(ours_docs, flag_docs)
    finally:
        for process in busy:
            process.kill()

    d = default_threads
    print(f"minilm embedding, {len(queries)} queries, {len(docs)} documents; torch default {d} thread(s),"
          f" {args.busy} busy process(es) beside; ms per text (median of {args.repeats})")
    for threads in sorted({d, 1}, reverse=True):
        print(f"  {threads} thread(s): query FlagEmbedding {results[f'flag_query_{threads}']:7.2f}"
              f" | one pass {results[f'query_{threads}']:7.2f} | batched {results[f'batch_{threads}']:7.2f}"
              f" || document FlagEmbedding {results[f'flag_docs_{threads}']:7.2f} | one pass {results[f'docs_{threads}']:7.2f}")
    print(f"  query, FlagEmbedding at {d} thread(s) / muse one by one at 1 thread: "
          f"{results[f'flag_query_{d}'] / results['query_1']:5.2f}x")
    print(f"  query, one pass / FlagEmbedding (same threads, {d}):   "
          f"{results[f'query_{d}'] / results[f'flag_query_{d}']:5.2f}x")
    print(f"  query, {d} thread(s) / 1 thread (one by one):          {results[f'query_{d}'] / results['query_1']:5.2f}x")
    print(f"  query, batched / one by one (1 thread):              {results['batch_1'] / results['query_1']:5.2f}x")
    print(f"  document, {d} thread(s) / 1 thread:                     {results[f'docs_{d}'] / results['docs_1']:5.2f}x")
    for name, equal in same.items():
        print(f"  same bits: {name}: {'yes' if equal else 'NO'}")


if __name__ == "__main__":
    main()

"""Dense retrieval at scale: top-10 over 100k synthetic vectors, muse's `dense` retriever against
a plain numpy exact search, in the same process. Prints latency ratios and recall@10.

    python benchmarks/retrieval_bench.py [--n 100000] [--dim 384] [--queries 50]

Also times DuckDB's own brute-force scan (list_cosine_similarity in SQL) for reference.
Timings are ratios against the numpy baseline measured in the same run: machines are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from muse_core.config import MuseConfig
from muse_core.store import Store
from muse_plugins.dense import DenseRetriever


class FixedEmbedder:
    """Stands in for a model: the benchmark feeds query vectors directly."""

    name = "synthetic"
    model_id = "synthetic"

    def __init__(self, dim: int) -> None:
        self.dim = dim


def clustered_vectors(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors around 200 centres: closer to real embeddings than isotropic noise."""
    centres = rng.standard_normal((200, dim)).astype(np.float32)
    vectors = centres[rng.integers(0, 200, n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def timed(fn, queries) -> tuple[list, float]:
    results, times = [], []
    for q in queries:
        start = time.perf_counter()
        results.append(fn(q))
        times.append(time.perf_counter() - start)
    return results, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vectors = clustered_vectors(args.n, args.dim, rng)
    queries = clustered_vectors(args.queries, args.dim, rng)
    ids = [f"P{i:07d}" for i in range(args.n)]

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        start = time.perf_counter()
        table = pa.table({"product_id": ids, "model": ["synthetic"] * args.n, "dim": [args.dim] * args.n,
                          "vector": pa.array(list(vectors), type=pa.list_(pa.float32())), "doc_sha256": ids})
        store.con.register("v", table)
        store.con.execute("INSERT INTO product_embeddings SELECT * FROM v")
        insert_s = time.perf_counter() - start
        start = time.perf_counter()
        dense = DenseRetriever(store, MuseConfig(db=store.path), embedder=FixedEmbedder(args.dim))
        load_s = time.perf_counter() - start

        def numpy_exact(q):  # the baseline: full sort of all scores
            return [ids[i] for i in np.argsort(-(vectors @ q), kind="stable")[: args.k]]

        def muse_dense(q):
            return [h.product_id for h in dense.search_vector(q, args.k)]

        def duckdb_scan(q):
            return [r[0] for r in store.con.execute(
                "SELECT product_id FROM product_embeddings WHERE model = 'synthetic'"
                " ORDER BY list_cosine_similarity(vector, ?::FLOAT[]) DESC LIMIT ?", [q.tolist(), args.k]).fetchall()]

        truth, base = timed(numpy_exact, queries)
        ours, ours_t = timed(muse_dense, queries)
        sql, sql_t = timed(duckdb_scan, queries[: max(5, args.queries // 10)])

    def recall(found, expected):
        return statistics.mean(len(set(f) & set(e)) / args.k for f, e in zip(found, expected))

    print(f"dense retrieval, top-{args.k} of {args.n:,} x {args.dim} vectors, {args.queries} queries (median latency)")
    print(f"  numpy exact (baseline)   {base * 1000:8.2f} ms   recall@{args.k} 1.000")
    print(f"  muse dense retriever     {ours_t * 1000:8.2f} ms   recall@{args.k} {recall(ours, truth):.3f}"
          f"   latency ratio {ours_t / base:.2f}x")
    print(f"  duckdb SQL scan          {sql_t * 1000:8.2f} ms   recall@{args.k} {recall(sql, truth):.3f}"
          f"   latency ratio {sql_t / base:.2f}x")
    print(f"  one-off: store vectors {insert_s:.1f} s, load matrix from DuckDB {load_s:.2f} s")


if __name__ == "__main__":
    main()

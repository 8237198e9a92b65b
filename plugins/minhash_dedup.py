"""`minhash` dedup metric: Jaccard similarity of word 3-shingle sets, candidates found by MinHash LSH.

A text's words are its lower-cased `\\w+` runs; its shingles the set of runs of 3 consecutive
words (a text with fewer words is one shingle). Each shingle is hashed once (blake2b, 64 bits);
the signature keeps, for each of 128 seeded permutations h(x) = (a x + b) mod (2^61 - 1) of
the hash's low 32 bits, the minimum over the shingles. Signatures are cut into bands; kept texts
sharing a whole band with the candidate are candidates, and the decision uses their exact
Jaccard (over the 64-bit shingle hashes). Unlike `bleu`, recall is probabilistic: the default
banding (42 bands of 3 rows at threshold 0.5) finds a pair at Jaccard 0.5 with probability
0.996, higher above. Everything is seeded, so decisions are deterministic.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from muse_core.dedup import DedupDecision
from muse_core.hookspecs import hookimpl

DEFAULT_MINHASH_THRESHOLD = 0.5
_PRIME = (1 << 61) - 1
_WORD = re.compile(r"\w+")
# Bands are sized so that a pair exactly at the threshold becomes a candidate this often.
_TARGET_RECALL_AT_THRESHOLD = 0.99


def shingle_hashes(text: str, size: int = 3) -> np.ndarray:
    """Sorted, distinct 64-bit hashes of the text's word `size`-shingles."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
    digests = (int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in shingles)
    return np.unique(np.fromiter(digests, dtype=np.uint64, count=len(shingles)))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|a & b| / |a | b| for sorted arrays of distinct values."""
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def rows_per_band(threshold: float, num_perm: int) -> int:
    """The most rows per band (fewest false candidates) that still finds a pair at the threshold
    with probability >= 0.99; 1 if none does."""
    best = 1
    for rows in range(1, num_perm + 1):
        if 1 - (1 - threshold**rows) ** (num_perm // rows) >= _TARGET_RECALL_AT_THRESHOLD:
            best = rows
    return best


class MinHashDedup:
    """Drops a candidate whose word 3-shingle Jaccard with an LSH-candidate kept text exceeds the threshold.

    Options: `num_perm` (128), `rows` per LSH band (default: chosen from the threshold),
    `shingle_size` (3), `seed` (0) for the permutations.
    """

    name = "minhash"
    description = "word 3-shingle Jaccard > 0.5 against kept texts found by MinHash LSH (128 permutations)"

    def __init__(
        self,
        threshold: float | None = None,
        num_perm: int = 128,
        rows: int | None = None,
        shingle_size: int = 3,
        seed: int = 0,
    ) -> None:
        self.threshold = DEFAULT_MINHASH_THRESHOLD if threshold is None else float(threshold)
        if not 0 <= self.threshold <= 1:
            raise ValueError(f"Jaccard threshold must lie in [0, 1], got {threshold!r}")
        self.rows = rows_per_band(self.threshold, num_perm) if rows is None else rows
        if not 1 <= self.rows <= num_perm:
            raise ValueError(f"rows per band must lie in [1, num_perm={num_perm}], got {rows!r}")
        self.bands = num_perm // self.rows
        self.shingle_size = shingle_size
        rng = np.random.default_rng(seed)
        # a, b < 2^31 and x < 2^32 keep a * x + b below 2^64: no uint64 overflow before the modulo.
        self._a = rng.integers(1, 1 << 31, size=(num_perm, 1), dtype=np.uint64)
        self._b = rng.integers(0, 1 << 31, size=(num_perm, 1), dtype=np.uint64)
        self._buckets: list[dict[bytes, list[int]]] = [{} for _ in range(self.bands)]
        self._kept: list[np.ndarray] = []
        self._last: tuple[str, np.ndarray, list[bytes]] | None = None

    def __len__(self) -> int:
        return len(self._kept)

    def check(self, candidate: str) -> DedupDecision:
        shingles, keys = self._prepare(candidate)
        nearby = sorted({index for bucket, key in zip(self._buckets, keys) for index in bucket.get(key, ())})
        best, closest = 0.0, None
        for index in nearby:
            score = jaccard(shingles, self._kept[index])
            if score > best:
                best, closest = score, index
        return DedupDecision(best <= self.threshold, best, closest)

    def add(self, text: str) -> None:
        shingles, keys = self._prepare(text)
        index = len(self._kept)
        self._kept.append(shingles)
        for bucket, key in zip(self._buckets, keys):
            bucket.setdefault(key, []).append(index)

    def _prepare(self, text: str) -> tuple[np.ndarray, list[bytes]]:
        """Shingle hashes and the band keys of the signature (cached: dedup() checks then adds)."""
        if self._last is None or self._last[0] != text:
            shingles = shingle_hashes(text, self.shingle_size)
            low_bits = shingles & np.uint64(0xFFFFFFFF)
            signature = ((self._a * low_bits + self._b) % np.uint64(_PRIME)).min(axis=1)
            keys = [signature[i * self.rows : (i + 1) * self.rows].tobytes() for i in range(self.bands)]
            self._last = (text, shingles, keys)
        return self._last[1], self._last[2]


@hookimpl
def muse_dedup_metrics() -> list:
    return [MinHashDedup]

"""`bm25` retriever: BM25 over product_docs, scored as DuckDB's fts extension scores it, in memory.

`PRAGMA create_fts_index` (muse_core.indexing) builds the index. Its `match_bm25` macro runs a
correlated query per document: 14-23 ms a search on the 245-product sample, about 60 ms on 5,000
products, most of a simulated conversation's CPU. The retriever reads the index's tables (stats,
dict, docs, terms) once, when it is made, and a search is a few numpy operations over the
postings of the query's terms.

What `match_bm25` does, done the same way:
- the query's tokens: lower-cased, accents stripped, `TOKEN_BREAK` characters replaced by spaces,
  split on whitespace; DuckDB's own `tokenize` is asked for a query that is not plain ASCII;
- each distinct token's Porter stem, asked of DuckDB's `stem` once per word and remembered;
- a term's weight in a document, bit for bit: log10((N - df + 0.5) / (df + 0.5) + 1) *
  tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgdl)) with k1 = 1.2 and b = 0.75 as DuckDB
  computes them (tf * 2.2 is an exact decimal, rounded once to a double);
- no score (not a hit) for a document with no query term; ties ranked by product id.
One thing cannot be the same: the order in which a document's term weights are added. DuckDB adds
them in the order its hash aggregate meets them, which changes with its thread count, so a
document matching three or more query terms can differ from it in the last bit of its score (and
DuckDB at 1 thread from DuckDB at 2). Here they are added in the order of the stems (sorted), so a
score depends on the catalog and the query only. tests/test_bm25_memory.py holds the two to each
other on random catalogs and queries.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection

import numpy as np

from muse_core.config import MuseConfig
from muse_core.hookspecs import hookimpl
from muse_core.indexing import fts_exists
from muse_core.retrieval import Hit, best_rows, hits_from_scores
from muse_core.store import Store

FTS = "fts_main_product_docs"  # the schema `PRAGMA create_fts_index('product_docs', ...)` makes
K1, B = 1.2, 0.75  # match_bm25's defaults
# the fts tokenizer's regexp_replace class and its split (RE2's \s is [\t\n\f\r ], unlike Python's)
TOKEN_BREAK = re.compile(r"""[0-9!@#$%^&*()_+={}\[\]:;<>,.?~\\/|'"`-]+""")
WHITESPACE = re.compile(r"[\t\n\f\r ]+")


class MemoryBM25:
    """The fts index of product_docs as postings: for each stem, the rows of the documents it occurs
    in and its BM25 weight there. Rows are product_docs' products in product-id order."""

    def __init__(self, store: Store) -> None:
        con = store.con
        num_docs, avgdl = con.execute(f"SELECT num_docs, avgdl FROM {FTS}.stats").fetchone()
        # documents of the index that product_docs still holds (match_bm25 is asked per product_docs row)
        docs = con.execute(
            f"SELECT d.docid, d.name, d.len FROM {FTS}.docs d JOIN product_docs p ON p.product_id = d.name"
            " ORDER BY d.name").fetchnumpy()
        self.ids: list[str] = [str(name) for name in docs["name"]]
        row_of_doc = {int(docid): row for row, docid in enumerate(docs["docid"])}
        lengths = np.asarray(docs["len"], dtype=np.int64)
        terms = con.execute(
            f"SELECT t.termid, d.term, d.df, t.docid, count(*) AS tf FROM {FTS}.terms t"
            f" JOIN {FTS}.dict d USING (termid) GROUP BY t.termid, d.term, d.df, t.docid"
            " ORDER BY t.termid, t.docid").fetchnumpy()
        rows = np.array([row_of_doc.get(int(docid), -1) for docid in terms["docid"]], dtype=np.int64)
        tf = np.asarray(terms["tf"], dtype=np.int64)
        kept = rows >= 0
        rows, tf, termids = rows[kept], tf[kept], np.asarray(terms["termid"], dtype=np.int64)[kept]
        dfs, words = np.asarray(terms["df"], dtype=np.int64)[kept], np.asarray(terms["term"], dtype=object)[kept]
        # The macro's arithmetic, operation by operation: `tf * (k + 1)` is DECIMAL (exact), made a
        # double by one division by 10; 1 - b is the exact 0.25; the rest is double arithmetic.
        idf = {int(t): math.log10(((num_docs - int(df)) + 0.5) / (int(df) + 0.5) + 1)
               for t, df in zip(termids, dfs)}  # math.log10 is libm's, as DuckDB's log()
        saturation = ((22 * tf) / 10) / (tf + (K1 * ((1 - B) + (B * (lengths[rows] / avgdl)))))
        weights = np.array([idf[int(t)] for t in termids]) * saturation
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        starts = np.flatnonzero(np.r_[True, termids[1:] != termids[:-1]]) if len(termids) else np.array([], int)
        for start, end in zip(starts, [*starts[1:], len(termids)]):
            self.postings[str(words[start])] = (rows[start:end], weights[start:end])
        self.row = {pid: i for i, pid in enumerate(self.ids)}
        self.con = con
        self.stems: dict[str, str] = {}

    def query_stems(self, query: str) -> list[str]:
        """The distinct stems of the query's tokens that the index holds, sorted."""
        if query.isascii():
            tokens = set(WHITESPACE.split(TOKEN_BREAK.sub(" ", query.lower())))
        else:  # DuckDB's lower() and strip_accents() are its own (utf8proc): ask it
            tokens = {row[0] for row in self.con.execute(f"SELECT unnest({FTS}.tokenize(?))", [query]).fetchall()}
        unknown = [t for t in tokens if t not in self.stems]
        if unknown:
            self.stems.update(self.con.execute(
                "SELECT w, stem(w, 'porter') FROM (SELECT unnest(?::VARCHAR[]) AS w)", [unknown]).fetchall())
        return sorted({self.stems[t] for t in tokens} & self.postings.keys())

    def scores(self, query: str) -> np.ndarray:
        """Each row's BM25 score for `query`; -inf where no query term occurs (match_bm25's NULL)."""
        total = np.zeros(len(self.ids))
        matched = np.zeros(len(self.ids), dtype=bool)
        for stem in self.query_stems(query):
            rows, weights = self.postings[stem]
            total[rows] += weights  # rows are distinct within a stem's postings
            matched[rows] = True
        total[~matched] = -np.inf
        return total

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]:
        scores = self.scores(query)
        banned = [self.row[pid] for pid in exclude if pid in self.row]
        scores[banned] = -np.inf
        order = best_rows(scores, k)
        return hits_from_scores([self.ids[i] for i in order], scores[order].tolist())


class BM25Retriever:
    name = "bm25"
    uses_vectors = False  # whether ingest must embed the catalog for it
    description = "BM25 over product titles and summaries (DuckDB fts)"

    def __init__(self, store: Store, config: MuseConfig) -> None:
        if not fts_exists(store):
            raise RuntimeError(f"{store.path} has no full-text index yet: run `muse ingest` (it indexes) first")
        self.index = MemoryBM25(store)  # the index as it is now, as the dense retriever holds its vectors

    def search(self, query: str, k: int, exclude: Collection[str] = ()) -> list[Hit]:
        return self.index.search(query, k, exclude)


@hookimpl
def muse_retrievers() -> list:
    return [BM25Retriever]

"""Build what retrieval reads: product_docs (title + summary), BM25 full-text index, vectors.

Each step only does work for products whose text changed, so re-indexing is cheap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from muse_core.progress import Progress
from muse_core.retrieval import Embedder
from muse_core.store import Store

EMBED_BATCH = 64  # texts per model call; also the progress step


@dataclass
class IndexReport:
    docs_changed: int
    docs_total: int
    embedded: int
    fts_rebuilt: bool


def product_doc(title: str, summary: str | None, attributes: str | None, features: list[str] | None) -> str:
    """The searchable text of a product: its title and summary with the key attributes spelled out.
    A product whose summary failed is still findable by title and features."""
    if summary is None:
        return " ".join([title, *(features or [])[:3]])
    facts = json.loads(attributes)
    extra = "; ".join(
        f"{label}: {', '.join(facts[key])}" for key, label in
        (("colors", "colours"), ("materials", "materials"), ("occasions", "occasions")) if facts.get(key)
    )
    return f"{title}. {summary} {extra}".strip()


def refresh_docs(store: Store) -> int:
    """Rewrite product_docs rows whose text changed; drop rows of deleted products."""
    rows = store.con.execute(
        "SELECT p.product_id, p.title, s.summary, s.attributes, p.features FROM products p"
        " LEFT JOIN product_summaries s USING (product_id)"
    ).fetchall()
    current = dict(store.con.execute("SELECT product_id, doc_sha256 FROM product_docs").fetchall())
    changed = []
    for product_id, title, summary, attributes, features in rows:
        doc = product_doc(title, summary, attributes, features)
        digest = hashlib.sha256(doc.encode()).hexdigest()
        if current.get(product_id) != digest:
            changed.append([product_id, doc, digest])
    with store.transaction() as con:
        con.execute("DELETE FROM product_docs WHERE product_id NOT IN (SELECT product_id FROM products)")
        store.insert("product_docs", ["product_id", "doc", "doc_sha256"], changed, verb="INSERT OR REPLACE")
    return len(changed)


def fts_exists(store: Store) -> bool:
    return bool(store.scalar(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'fts_main_product_docs'"))


def rebuild_fts(store: Store) -> None:
    """BM25 index over product_docs (DuckDB fts; English stemming, stopwords, lower-casing)."""
    store.con.execute("PRAGMA create_fts_index('product_docs', 'product_id', 'doc', overwrite = 1)")


def docs_to_embed(store: Store, model_id: str) -> list[tuple[str, str, str]]:
    """(product_id, doc, doc_sha256) of docs with no vector of their current text for `model_id`."""
    return store.con.execute(
        "SELECT d.product_id, d.doc, d.doc_sha256 FROM product_docs d LEFT JOIN product_embeddings e"
        " ON e.product_id = d.product_id AND e.model = ? AND e.doc_sha256 = d.doc_sha256"
        " WHERE e.product_id IS NULL ORDER BY d.product_id",
        [model_id],
    ).fetchall()


def embed_docs(store: Store, embedder: Embedder, todo: list[tuple[str, str, str]],
               progress: Progress | None = None) -> int:
    """Embed and store the docs of `todo` (from docs_to_embed) with this embedder."""
    progress = progress or Progress.silent()
    with progress.task(f"embedding ({embedder.name})", total=len(todo)):
        for start in range(0, len(todo), EMBED_BATCH):
            batch = todo[start : start + EMBED_BATCH]
            vectors = embedder.encode_documents([doc for _, doc, _ in batch])
            table = pa.table({
                "product_id": [pid for pid, _, _ in batch],
                "model": [embedder.model_id] * len(batch),
                "dim": [embedder.dim] * len(batch),
                "vector": pa.array(list(vectors), type=pa.list_(pa.float32())),
                "doc_sha256": [sha for _, _, sha in batch],
            })
            with store.transaction() as con:
                con.register("new_vectors", table)
                con.execute("INSERT OR REPLACE INTO product_embeddings SELECT * FROM new_vectors")
                con.unregister("new_vectors")
            progress.advance(len(batch))
    return len(todo)


def build_index(store: Store, load_embedder: Callable[[], Embedder], model_id: str,
                progress: Progress | None = None, *, vectors: bool = True) -> IndexReport:
    """Refresh docs, the BM25 index and (with `vectors`) the vectors. The embedder is loaded only if
    vectors are missing: loading a model costs seconds that an unchanged catalog should not pay."""
    changed = refresh_docs(store)
    rebuilt = changed > 0 or not fts_exists(store)
    if rebuilt:
        rebuild_fts(store)
    todo = docs_to_embed(store, model_id) if vectors else []
    embedded = embed_docs(store, load_embedder(), todo, progress) if todo else 0
    store.con.execute("DELETE FROM product_embeddings WHERE product_id NOT IN (SELECT product_id FROM products)")
    return IndexReport(changed, int(store.scalar("SELECT count(*) FROM product_docs")), embedded, rebuilt)

"""Products are versioned by content hash: re-ingesting a product id with changed data keeps the
old listing, image and summary in `product_versions`, and a conversation keeps resolving to the
listing it was made from (`conversation_products`), in every export and later stage."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import datasets
import duckdb
import pytest
from rich.console import Console

from muse_flows import cli
from muse_core.config import IngestConfig, load_config
from muse_core.context import StageContext
from muse_core.exports import _data_url, export_finetune, export_hf, export_parquet, finetune_records, jsonl_records
from muse_core.indexing import rebuild_fts, refresh_docs
from muse_core.ingest import IngestReport, ingest_catalog
from muse_core.muse_json import muse_json
from muse_core.runs import start_run
from muse_core.stages import identity
from muse_core.store import SQL_DIR, Store
from muse_core.summaries import summarize_products
from muse_plugins.fashion import FASHION
from tests.helpers import (TINY_PRODUCTS, build_profiles_db, draw_product, run_conversation_stages,
                           write_sample_subset)

PROFILES = 4
BEFORE = 3  # conversations made before the re-ingest; the fourth profile's comes after it
SAMPLE_LINES = sum(1 for _ in FASHION.sample_catalog.open(encoding="utf-8"))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample, 4 offline profiles and the conversations of the first 3."""
    db = build_profiles_db(tmp_path_factory.mktemp("versions") / "base.duckdb", PROFILES)
    run_conversation_stages(db, BEFORE)
    return db


def reingest(db: Path, catalog: Path) -> IngestReport:
    """What `muse ingest` does, in process and offline: ingest, summarise, BM25 index."""
    config = load_config(db=db).with_offline_engine()
    with Store(db) as store:
        run_id = start_run(store, "ingest", config)
        report = asyncio.run(ingest_catalog(store, catalog, FASHION, config.ingest, run_id))
        ctx = StageContext.open(store, config, run_id)
        asyncio.run(summarize_products(ctx, identity("summaries", config, ctx.domain)))
        refresh_docs(store)
        rebuild_fts(store)
    return report


def changed_catalog(folder: Path, changes: dict[str, dict]) -> Path:
    """The whole bundled sample copied to `folder`, with `changes` (product id -> fields) applied."""
    path = write_sample_subset(folder, SAMPLE_LINES)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row.update(changes.get(row["parent_asin"], {}))
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def listing(store: Store, pid: str) -> dict:
    return store.rows("SELECT p.title, p.price, p.content_hash, s.summary, i.image, i.sha256 FROM products p"
                      " LEFT JOIN product_summaries s USING (product_id)"
                      " LEFT JOIN product_images i ON i.product_id = p.product_id AND i.variant = 'MAIN'"
                      " WHERE p.product_id = ?", [pid])[0]


def test_a_changed_reingest_leaves_the_exports_of_earlier_conversations_as_they_were_made(
        base: Path, tmp_path: Path) -> None:
    db = Path(shutil.copy(base, tmp_path / "muse.duckdb"))
    with Store(db, read_only=True) as store:
        first, later_target = store.scalar("SELECT conversation_id FROM conversations ORDER BY k LIMIT 1"), \
            store.scalar("SELECT target_product_id FROM profiles WHERE profile_id NOT IN"
                         " (SELECT profile_id FROM conversations)")
        target = store.scalar("SELECT target_product_id FROM conversations WHERE conversation_id = ?", [first])
        old, old_later = listing(store, target), listing(store, later_target)
        assert store.scalar("SELECT count(*) FROM turns WHERE conversation_id = ?"
                            " AND list_contains(image_product_ids, ?)", [first, target]), "the target's photo is shown"
        review_key = store.scalar("SELECT cache_key FROM reviews WHERE conversation_id = ?", [first])
    with Store(db) as store:  # the first conversation is reviewed again after the re-ingest
        store.con.execute("DELETE FROM reviews WHERE conversation_id = ?", [first])
        store.con.execute("DELETE FROM screens WHERE stage = 'conversation' AND entity_id = ?", [first])
    folder = tmp_path / "catalog"
    draw_product(folder / "images" / "renewed.png", (10, 200, 120), stripes=True)
    catalog = changed_catalog(folder, {
        target: {"title": old["title"] + " - Renewed", "price": old["price"] + 10,
                 "images": [{"thumb": None, "large": "images/renewed.png", "hi_res": None, "variant": "MAIN"}]},
        later_target: {"title": old_later["title"] + " - Renewed"},
    })

    report = reingest(db, catalog)
    assert (report.updated, report.versions_kept) == (2, 2)
    run_conversation_stages(db, PROFILES)  # the fourth profile's conversation, made after the re-ingest

    with Store(db, read_only=True) as store:
        new, new_later = listing(store, target), listing(store, later_target)
        assert new["title"] != old["title"] and new["sha256"] != old["sha256"]
        later = store.scalar("SELECT conversation_id FROM conversations WHERE target_product_id = ?", [later_target])
        assert later is not None
        # the reviewer was shown the listing the conversation was made from: the very same request as before
        assert store.scalar("SELECT cache_key FROM reviews WHERE conversation_id = ?", [first]) == review_key

        by_id = {c["Conversation_id"]: c for c in muse_json(store, include_dropped=True)}
        assert by_id[first]["Target_item"] == {"item_id": target, "title": old["title"], "price": old["price"],
                                              "categories": by_id[first]["Target_item"]["categories"],
                                              "summary": old["summary"]}
        assert by_id[later]["Target_item"]["title"] == new_later["title"]
        assert by_id[later]["Target_item"]["summary"] == new_later["summary"]

        jsonl = {r["conversation_id"]: r for r in jsonl_records(store, include_dropped=True)}
        assert jsonl[first]["target"]["title"] == old["title"]
        assert jsonl[later]["target"]["title"] == new_later["title"]

        resolved = store.rows("SELECT conversation_id, content_hash, current FROM conversation_products"
                              " WHERE product_id = ? ORDER BY conversation_id", [target])
        assert {r["conversation_id"]: (r["content_hash"], r["current"]) for r in resolved}[first] == \
            (old["content_hash"], False)

        export_hf(store, tmp_path / "hf", include_dropped=True)
        export_finetune(store, tmp_path / "ft", include_dropped=True)
    rows = {r["conversation_id"]: r for r in datasets.load_from_disk(str(tmp_path / "hf")).cast_column(
        "images", datasets.List(datasets.Image(decode=False)))}
    shown = rows[first]["image_product_ids"]
    assert rows[first]["target_title"] == old["title"]
    assert rows[first]["images"][shown.index(target)]["bytes"] == old["image"]  # the photo the user was shown
    # the fine-tuning example of the target's recommendation gives the old listing and photo
    # (each line is {messages}; its id is on the same line of response.ids.txt; photos are data URLs)
    ids = (tmp_path / "ft" / "response.ids.txt").read_text().splitlines()
    responses = [json.loads(line) for line in (tmp_path / "ft" / "response.jsonl").read_text().splitlines()]
    assert len(ids) == len(responses)
    parts = [p for i, r in zip(ids, responses) if i.startswith(first + "/") for p in r["messages"][1]["content"]]
    texts = "\n".join(p["text"] for p in parts if p["type"] == "text")
    assert f"Product to recommend: {old['title']}\nSummary: {old['summary']}" in texts
    assert new["title"] not in texts
    photos = {p["image_url"]["url"] for p in parts if p["type"] == "image_url"}
    assert _data_url(old["image"]) in photos and _data_url(new["image"]) not in photos


# -- ingest and the views on the tiny catalog (fast) -----------------------------------------

def ingest_tiny(store: Store, path: Path, run_id: str = "run-1") -> IngestReport:
    return asyncio.run(ingest_catalog(store, path, FASHION, IngestConfig(), run_id, allow_networks=(),
                                      image_dirs=()))


def set_fields(catalog: Path, pid: str, **fields: object) -> None:
    rows = [json.loads(line) for line in catalog.read_text().splitlines()]
    for row in rows:
        if row["parent_asin"] == pid:
            row.update(fields)
    catalog.write_text("".join(json.dumps(row) + "\n" for row in rows))


def plant_conversation(con: duckdb.DuckDBPyConnection, cid: str, pid: str) -> None:
    """A finished conversation about `pid` (its target, recommended with its photo), made now."""
    con.execute("INSERT INTO conversations (conversation_id, conversation_set, k, profile_id, target_product_id,"
                " open_type, policy, round_limit, rounds, target_injected, accepted_round, cost_usd, run_id)"
                " VALUES (?, 'set', 0, 'p', ?, 'text', 'policy', 4, 1, FALSE, 1, 0, 'r')", [cid, pid])
    con.execute("INSERT INTO turns VALUES (?, 0, 1, 'assistant', 'recommend', 'Try this.', 'Try this.', [?], [?], 'k')",
                [cid, pid, pid])


def resolved(store: Store, cid: str, pid: str) -> dict:
    return store.rows("SELECT content_hash, title, price, summary, image_sha256, valid_to IS NULL AS live, current"
                      " FROM conversation_products WHERE conversation_id = ? AND product_id = ?", [cid, pid])[0]


def test_the_report_counts_kept_versions_and_an_unchanged_reingest_keeps_none(
        store: Store, tiny_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ingest_tiny(store, tiny_catalog).versions_kept == 0
    again = ingest_tiny(store, tiny_catalog)
    assert (again.updated, again.versions_kept, again.unchanged) == (0, 0, len(TINY_PRODUCTS))
    assert store.scalar("SELECT count(*) FROM product_versions") == 0
    store.con.execute("INSERT INTO product_summaries VALUES ('T1', 'a red tee', '{}', 'product_summary', 1, 'k', 'r',"
                      " now(), NULL)")
    old = store.rows("SELECT * FROM products WHERE product_id = 'T1'")[0]
    set_fields(tiny_catalog, "T1", price=99.0)
    set_fields(tiny_catalog, "T2", title="Men's Navy Striped Linen Shirt")
    changed = ingest_tiny(store, tiny_catalog, "run-2")
    assert (changed.updated, changed.versions_kept, changed.unchanged) == (2, 2, len(TINY_PRODUCTS) - 2)
    assert changed.as_dict()["versions_kept"] == 2
    kept = store.rows("SELECT * FROM product_versions WHERE product_id = 'T1'")[0]
    for column in ("content_hash", "title", "price", "categories", "details", "source_line", "run_id", "ingested_at"):
        assert kept[column] == old[column], column
    assert (kept["summary"], kept["superseded_by_run"], kept["image_mime"]) == ("a red tee", "run-2", "image/png")
    # the old version ends exactly where the new one starts: one transaction, one timestamp
    assert kept["superseded_at"] == store.scalar("SELECT ingested_at FROM products WHERE product_id = 'T1'")
    assert store.scalar("SELECT summary FROM product_versions WHERE product_id = 'T2'") is None  # never summarised

    monkeypatch.setattr(cli, "console", Console(record=True, width=240))
    summaries = {"summarized": 0, "cache_hits": 0, "already": 5, "cost_usd": 0.0, "failures": {}}
    cli._print_ingest({"ingest": changed.as_dict(), "summaries": summaries,
                       "index": {"docs_total": 5, "docs_changed": 2, "embedded": 0}}, load_config(db=store.path))
    assert "updated 2 (previous versions kept in product_versions)" in cli.console.export_text()


def test_a_to_b_to_a_keeps_two_versions_and_each_conversation_resolves_to_its_own(store: Store, tiny_catalog: Path,
                                                                                      tmp_path: Path) -> None:
    ingest_tiny(store, tiny_catalog)
    a = store.rows("SELECT content_hash, price FROM products WHERE product_id = 'T1'")[0]
    plant_conversation(store.con, "c-a", "T1")
    original = tiny_catalog.read_text()
    set_fields(tiny_catalog, "T1", price=99.0)
    assert ingest_tiny(store, tiny_catalog).versions_kept == 1
    b = store.scalar("SELECT content_hash FROM products WHERE product_id = 'T1'")
    plant_conversation(store.con, "c-b", "T1")
    tiny_catalog.write_text(original)
    assert ingest_tiny(store, tiny_catalog).versions_kept == 1
    plant_conversation(store.con, "c-a-again", "T1")

    assert store.rows("SELECT content_hash FROM product_versions WHERE product_id = 'T1' ORDER BY superseded_at") == [
        {"content_hash": a["content_hash"]}, {"content_hash": b}]
    assert store.scalar("SELECT count(*) FROM product_history WHERE product_id = 'T1'") == 3
    first, middle, last = (resolved(store, cid, "T1") for cid in ("c-a", "c-b", "c-a-again"))
    assert (first["content_hash"], first["price"], first["live"], first["current"]) == \
        (a["content_hash"], a["price"], False, True)  # the archived A: the same listing as today's
    assert (middle["content_hash"], middle["price"], middle["live"], middle["current"]) == (b, 99.0, False, False)
    assert (last["content_hash"], last["live"], last["current"]) == (a["content_hash"], True, True)
    # the Parquet products table: each listing once, whichever conversations saw it
    export_parquet(store, tmp_path / "parquet", include_dropped=True)
    rows = duckdb.sql(f"SELECT product_id, content_hash, current, price FROM '{tmp_path}/parquet/products.parquet'"
                      " WHERE product_id = 'T1' ORDER BY current").fetchall()
    assert rows == [("T1", b, False, 99.0), ("T1", a["content_hash"], True, a["price"])]
    conversations = dict(duckdb.sql(f"SELECT conversation_id, target_content_hash FROM"
                                    f" '{tmp_path}/parquet/conversations.parquet'").fetchall())
    assert conversations == {"c-a": a["content_hash"], "c-b": b, "c-a-again": a["content_hash"]}


def test_a_store_made_before_versions_migrates_and_keeps_its_listings_from_then_on(tiny_catalog: Path,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    for file in sorted((SQL_DIR / "schema").glob("00[1-7]_*.sql")):
        con.execute(file.read_text())
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [int(file.name[:3]), file.stem])
    con.execute("INSERT INTO store_meta VALUES ('store_id', 'old')")
    # T1 as an older ingest stored it (another title, price and hash), and a conversation made from it
    con.execute("INSERT INTO products (product_id, domain, title, price, image_status, content_hash, source_path,"
                " source_line, run_id) VALUES ('T1', 'fashion', 'Old Red Tee', 5.0, 'ok', 'old-hash', 'old.jsonl', 1,"
                " 'r0')")
    con.execute("INSERT INTO product_images VALUES ('T1', 'MAIN', 'old-bytes'::BLOB, 'old-sha', 'image/png', 1, 1,"
                " 'old.png')")
    con.execute("INSERT INTO product_summaries VALUES ('T1', 'an old tee', '{}', 'product_summary', 1, 'k', 'r0',"
                " now())")
    plant_conversation(con, "c-old", "T1")
    con.close()

    with Store(path) as store:
        latest = max(int(f.name[:3]) for f in (SQL_DIR / "schema").glob("[0-9][0-9][0-9]_*.sql"))
        assert store.schema_version() == latest and store.store_id == "old"  # migrated through every later file
        assert resolved(store, "c-old", "T1")["title"] == "Old Red Tee"
        report = ingest_tiny(store, tiny_catalog)
        assert (report.new, report.updated, report.versions_kept) == (len(TINY_PRODUCTS) - 1, 1, 1)
        old = resolved(store, "c-old", "T1")
        assert (old["title"], old["price"], old["summary"], old["image_sha256"], old["current"]) == \
            ("Old Red Tee", 5.0, "an old tee", "old-sha", False)
        # the exports ship the listing and photo the conversation was made from
        assert jsonl_records(store, include_dropped=True)[0]["target"] == {
            "product_id": "T1", "title": "Old Red Tee", "content_hash": "old-hash"}
        _, responses, photos = finetune_records(store, include_dropped=True)
        assert "Product to recommend: Old Red Tee\nSummary: an old tee\nPrice: $5.00" in \
            responses[0]["messages"][1]["content"][-2]["text"]
        assert photos == {"T1.old-sha.png": b"old-bytes"}

import asyncio
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muse_core.config import IngestConfig
from muse_core.ingest import ingest_catalog
from muse_core.plugins import registry
from muse_core.store import Store
from tests.helpers import (
    SHARED_DATA,
    TINY_PRODUCTS,
    needs_shared_data,
    write_tiny_catalog,
)

FASHION = registry().get("domain", "fashion")


def ingest(store: Store, path: Path, **limits):
    return asyncio.run(ingest_catalog(store, path, FASHION, IngestConfig(**limits), "run-1"))


def test_tiny_catalog_becomes_products_with_images(store: Store, tiny_catalog: Path) -> None:
    report = ingest(store, tiny_catalog)
    assert (report.lines, report.new, report.rejected) == (len(TINY_PRODUCTS), len(TINY_PRODUCTS), 0)
    rows = store.rows("SELECT p.product_id, i.mime, i.width, octet_length(i.image) AS size, i.sha256 FROM products p"
                      " JOIN product_images i USING (product_id) ORDER BY 1")
    assert [r["product_id"] for r in rows] == sorted(p[0] for p in TINY_PRODUCTS)
    assert all(r["mime"] == "image/png" and r["width"] == 128 and r["size"] > 100 and len(r["sha256"]) == 64
               for r in rows)


def test_reingest_of_an_unchanged_file_writes_nothing(store: Store, tiny_catalog: Path) -> None:
    ingest(store, tiny_catalog)
    before = store.rows("SELECT product_id, ingested_at FROM products ORDER BY 1")
    again = ingest(store, tiny_catalog)
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(TINY_PRODUCTS))
    assert store.rows("SELECT product_id, ingested_at FROM products ORDER BY 1") == before


def test_a_changed_product_is_replaced_and_loses_its_stale_summary(store: Store, tiny_catalog: Path) -> None:
    ingest(store, tiny_catalog)
    store.con.execute("INSERT INTO product_summaries VALUES ('T1', 's', '{}', 'product_summary', 1, 'k', 'r', now())")
    lines = tiny_catalog.read_text().splitlines()
    first = json.loads(lines[0])
    first["price"] = 99.0
    tiny_catalog.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    report = ingest(store, tiny_catalog)
    assert (report.updated, report.unchanged) == (1, len(TINY_PRODUCTS) - 1)
    assert store.scalar("SELECT price FROM products WHERE product_id = 'T1'") == 99.0
    assert store.scalar("SELECT count(*) FROM product_summaries") == 0


def test_bad_lines_are_rejected_with_reasons(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    good = write_tiny_catalog(folder).read_text().splitlines()
    (folder / "notes.png").write_text("this is not a picture")
    bad = [
        "{broken",
        json.dumps({"title": "no id"}),
        json.dumps({"parent_asin": "X1"}),
        json.dumps({"parent_asin": "X2", "title": "t", "price": "cheap", "images": []}),
        json.dumps({"parent_asin": "X3", "title": "t", "images": [{"variant": "MAIN", "large": "notes.png"}]}),
        json.dumps({"parent_asin": "X4", "title": "t", "images": [{"variant": "MAIN", "large": "ftp://host/x.jpg"}]}),
        json.dumps({"parent_asin": "X5", "title": "t", "images": [{"variant": "MAIN", "large": "missing.jpg"}]}),
        json.dumps({"parent_asin": "X6", "title": "t" * 5000}),
        good[0],  # duplicate of line 1
        "",
    ]
    path = folder / "catalog.jsonl"
    path.write_text("\n".join(good + bad) + "\n")
    report = ingest(store, path)
    assert report.products + report.rejected == report.lines == len(good) + len(bad)
    reasons = dict(store.con.execute("SELECT source_line, reason FROM ingest_rejects").fetchall())
    n = len(good)
    assert reasons[n + 1].startswith("invalid JSON")
    assert reasons[n + 2] == "missing parent_asin"
    assert reasons[n + 3] == "missing title"
    assert reasons[n + 4].startswith("price: expected a finite number")
    assert "not a readable image" in reasons[n + 5]
    assert "unsupported image URL scheme 'ftp:'" in reasons[n + 6]
    assert "image file not found" in reasons[n + 7]
    assert reasons[n + 8].startswith("title too long")
    assert reasons[n + 9] == "duplicate parent_asin (first at line 1)"
    assert reasons[n + 10] == "empty line"


def test_text_only_keeps_products_whose_image_fails(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"parent_asin": "U1", "title": "Blue Hat",
                                "images": [{"variant": "MAIN", "large": "gone.jpg"}]}) + "\n")
    assert ingest(store, path).rejected == 1
    report = ingest(store, path, allow_text_only=True)
    assert (report.products, report.text_only, report.rejected) == (1, 1, 0)
    assert store.scalar("SELECT image_status FROM products").startswith("image file not found")
    assert store.scalar("SELECT count(*) FROM ingest_rejects") == 0  # the file's accounting is current


garbage_line = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.builds(lambda d: json.dumps(d).encode(), st.dictionaries(
        st.sampled_from(["parent_asin", "title", "price", "images", "features", "details", "store"]),
        st.none() | st.integers() | st.text(max_size=30) | st.lists(st.text(max_size=10), max_size=2)
        | st.just([{"variant": "MAIN", "large": "notes.png"}]) | st.just({"large": ["T1.png"]}),
        max_size=7)),
    st.just(b'{"parent_asin": "HUGE", "title": "' + b"x" * 3_000_000 + b'"}'),
    st.just(b"[" * 100_000),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(lines=st.lists(garbage_line, min_size=1, max_size=6))
def test_malformed_catalogs_never_crash_and_every_line_is_accounted_for(tmp_path: Path, lines) -> None:
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "notes.png").write_text("not an image")
    path = folder / "catalog.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    with Store(folder / "fuzz.duckdb") as store:
        report = ingest(store, path)
        assert report.products + report.rejected == report.lines == len(lines)
        rejects = store.scalar("SELECT count(*) FROM ingest_rejects WHERE source_path = ?", [str(path.resolve())])
        assert rejects == report.rejected
        assert store.scalar("SELECT count(*) FROM ingest_rejects WHERE reason = ''") == 0
    (folder / "fuzz.duckdb").unlink()


@needs_shared_data
def test_amazon_sample_accounts_for_all_500_lines(store: Store) -> None:
    # No network here: every URL image fails, so without --text-only every line is a reject.
    sample = SHARED_DATA / "amazon_fashion_2023" / "test_sample_500.jsonl"
    strict = ingest(store, sample, image_timeout_s=2)
    assert strict.lines == 500 and strict.products + strict.rejected == 500
    reasons = store.rows("SELECT reason FROM ingest_rejects")
    assert all(r["reason"].strip() for r in reasons)
    kept = ingest(store, sample, allow_text_only=True, image_timeout_s=2)
    assert kept.products + kept.rejected == 500
    assert kept.text_only >= kept.products - strict.products

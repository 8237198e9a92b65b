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
    draw_product,
    needs_shared_data,
    write_tiny_catalog,
)

FASHION = registry().get("domain", "fashion")


def ingest(store: Store, path: Path, **limits):
    # No image opt-ins, whatever the environment says: loopback URLs and outside paths are refused.
    return asyncio.run(ingest_catalog(store, path, FASHION, IngestConfig(**limits), "run-1", allow_networks=(),
                                      image_dirs=()))


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
    store.con.execute("INSERT INTO product_summaries VALUES ('T1', 's', '{}', 'product_summary', 1, 'k', 'r', now(), NULL)")
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
    # the image's host is back: a re-ingest tries the image again and stores it
    draw_product(tmp_path / "gone.jpg", (30, 60, 200), False)
    again = ingest(store, path, allow_text_only=True)
    assert (again.updated, again.text_only) == (1, 0)
    assert store.scalar("SELECT image_status FROM products") == "ok"
    assert store.scalar("SELECT count(*) FROM product_images") == 1


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


def test_one_bad_line_never_costs_the_good_ones(store: Store, tmp_path: Path) -> None:
    """Issue 12: 1e20 or a 5,000-digit rating_number stopped the whole file with a traceback."""
    folder = tmp_path / "c"
    good = write_tiny_catalog(folder).read_bytes()
    image = {"images": [{"variant": "MAIN", "large": "images/T1.png"}]}

    def line(pid: str, **fields) -> bytes:
        return json.dumps({"parent_asin": pid, "title": f"Item {pid}", **image, **fields}).encode()

    bad = [
        (line("B1", rating_number=1e20), "rating_number: 1e+20 is out of range"),
        (line("B2", rating_number=2**63), "rating_number: 9223372036854775808 is out of range"),
        (b'{"parent_asin": "B3", "title": "t", "rating_number": ' + b"9" * 5000 + b"}",
         "number too long (5,000 digits)"),
        (b'{"parent_asin": "B4", "title": "t", "price": 1' + b"0" * 400 + b"}", "number too long (401 digits)"),
        (b'{"parent_asin": "B5", "title": "t", "price": NaN}', "invalid JSON: NaN is not a JSON number"),
        (b'{"parent_asin": "B6", "title": "t", "average_rating": -Infinity}', "invalid JSON: -Infinity is not"),
        (b'{"parent_asin": "B7", "title": "t", "price": 1e999}', "number out of range (1e999)"),
        (line("B8", price="1e999"), "price: expected a finite number"),
        (line("B9", features={"a": 1}), "features: expected a list of strings"),
        (line("B10", details="{\"a\": \"\\ud800\"}"), "details.a: Input should be a valid string"),
        (b'{"parent_asin": "B11", "title": "\\udc00"}', "lone surrogate"),
        (b'{"parent_asin": "B12", "title": "caf\xe9"}', "not UTF-8 text"),
        (b"\xef\xbb\xbf" + line("B13"), "invalid JSON: Unexpected UTF-8 BOM"),  # a BOM is only stripped on line 1
        (line("B14", title="x" * 300_000), "line too large"),
        (line("B15", details="[" * 100_000), "details: a string that is not JSON"),
        (b"[" * 100_000, "invalid JSON"),
        (line("B16", images=[{"variant": "MAIN", "large": "/etc/hostname"}]), "outside the allowed image folders"),
        (line("B17", images=[{"variant": "MAIN", "large": "../../x.png"}]), "outside the allowed image folders"),
        (line("B18", images=[{"variant": "MAIN", "large": "http://127.0.0.1:9/x.png"}]),
         "loopback address (127.0.0.1): refused"),
        (line("B19", images=[{"variant": "MAIN", "large": "http://2130706433/x.png"}]), "loopback address"),
        (line("B20", images=[{"variant": "MAIN", "large": "http://169.254.169.254/x"}]), "link-local address"),
    ]
    path = folder / "mixed.jsonl"
    path.write_bytes(good + b"\n".join(raw for raw, _ in bad) + b"\n")
    report = ingest(store, path, max_line_bytes=200_000)
    assert (report.new, report.rejected, report.lines) == (len(TINY_PRODUCTS), len(bad), len(TINY_PRODUCTS) + len(bad))
    reasons = dict(store.con.execute("SELECT source_line, reason FROM ingest_rejects").fetchall())
    for offset, (_, reason) in enumerate(bad, start=len(TINY_PRODUCTS) + 1):
        assert reason in reasons[offset], (offset, reasons[offset])


def test_a_bom_on_line_one_is_stripped(store: Store, tiny_catalog: Path) -> None:
    tiny_catalog.write_bytes(b"\xef\xbb\xbf" + tiny_catalog.read_bytes())
    report = ingest(store, tiny_catalog)
    assert (report.new, report.rejected) == (len(TINY_PRODUCTS), 0)


def test_a_huge_line_is_measured_not_held(store: Store, tiny_catalog: Path) -> None:
    huge = b'{"parent_asin": "H", "title": "' + b"x" * 5_000_000  # no newline at all: the last line
    tiny_catalog.write_bytes(tiny_catalog.read_bytes() + huge)
    report = ingest(store, tiny_catalog, max_line_bytes=10_000)
    assert (report.new, report.rejected) == (len(TINY_PRODUCTS), 1)
    assert store.scalar("SELECT reason FROM ingest_rejects") == "line too large (5,000,031 bytes > 10,000)"


def test_an_unchanged_product_is_not_fetched_again(store: Store, tiny_catalog: Path) -> None:
    ingest(store, tiny_catalog)
    for image in tiny_catalog.parent.rglob("*.png"):
        image.unlink()  # were they read again, every line would become a reject
    again = ingest(store, tiny_catalog)
    assert (again.unchanged, again.rejected) == (len(TINY_PRODUCTS), 0)


def test_a_copied_database_still_ingests_what_it_lacks(tmp_path: Path) -> None:
    """The copy carries the original's store id: an ingest cached on it stored nothing in the copy."""
    import shutil

    from muse_flows.ingest import ingest_flow
    from muse_core.config import load_config

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    write_tiny_catalog(first, TINY_PRODUCTS[:2])
    write_tiny_catalog(second, TINY_PRODUCTS[2:])
    original = load_config(db=tmp_path / "a.duckdb", retrieval={"retriever": "bm25"}).with_offline_engine()
    asyncio.run(ingest_flow(original, str(first / "catalog.jsonl"), progress=False))
    shutil.copy(original.db, tmp_path / "b.duckdb")
    copy = original.model_copy(update={"db": tmp_path / "b.duckdb"})
    for config in (original, copy):
        result = asyncio.run(ingest_flow(config, str(second / "catalog.jsonl"), progress=False))
        assert result["ingest"]["new"] == len(TINY_PRODUCTS) - 2
        with Store(config.db, read_only=True) as store:
            assert store.scalar("SELECT count(*) FROM products") == len(TINY_PRODUCTS)

"""Acceptance (issue 12): fuzzed catalog lines never crash ingest.

Lines vary in structure (missing and extra fields, wrong shapes), types (numbers as strings,
1e20, 2**63, NaN, a 5,000-digit integer), sizes (titles and lines over the limits), encodings
(UTF-16, Latin-1, a BOM, lone surrogate escapes, truncation, raw bytes), duplicates (within the
file, and of an already stored product) and image URLs (internal addresses, paths outside the
catalog folder, odd schemes). Every example: no exception, every line either stored or rejected
with a reason exactly once, every known-good line stored, and what an earlier ingest stored
unchanged. Offline and bounded: about 50 small examples.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muse_core.config import IngestConfig
from muse_core.ingest import ingest_catalog
from muse_core.plugins import registry
from muse_core.store import Store
from tests.helpers import TINY_PRODUCTS, draw_product, write_tiny_catalog

FASHION = registry().get("domain", "fashion")
LIMITS = IngestConfig(max_line_bytes=20_000, max_title_chars=200, image_timeout_s=2, download_concurrency=4)
BASE_IDS = {p[0] for p in TINY_PRODUCTS}
IMAGE = [{"variant": "MAIN", "large": "images/F.png"}]  # a real picture next to the fuzzed catalog


def snapshot(store: Store, source: str) -> tuple:
    """Everything the baseline ingest stored, to compare after a fuzzed one."""
    return (store.rows("SELECT * FROM products WHERE source_path = ? ORDER BY product_id", [source]),
            store.rows("SELECT * FROM product_images WHERE product_id IN (SELECT product_id FROM products"
                       " WHERE source_path = ?) ORDER BY product_id", [source]),
            store.rows("SELECT * FROM ingest_rejects WHERE source_path = ? ORDER BY source_line", [source]))


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> tuple[Path, Path, str, tuple]:
    """A database holding the tiny catalog (plus one reject), made once; each example gets a copy."""
    root = tmp_path_factory.mktemp("fuzz")
    catalog = write_tiny_catalog(root / "base")
    with catalog.open("a") as handle:
        handle.write("{not json\n")
    db = root / "base.duckdb"
    with Store(db) as store:
        report = asyncio.run(ingest_catalog(store, catalog, FASHION, LIMITS, "base"))
        assert (report.new, report.rejected) == (len(TINY_PRODUCTS), 1)
        before = snapshot(store, str(catalog.resolve()))
    draw_product(root / "work" / "images" / "F.png", (90, 60, 30))
    return root, db, str(catalog.resolve()), before


# --- strategies ------------------------------------------------------------------------------

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
product_id = st.sampled_from(["F1", "F2", "F3", " F1 ", "", "   ", "x" * 201]) | st.text(max_size=8).filter(
    lambda s: s.strip() not in BASE_IDS) | json_value
title = (st.text(max_size=30) | st.sampled_from(["x" * 199, "x" * 200, "x" * 201, "y" * 25_000, "\\ud800"])
         | json_value)
number = st.sampled_from([1e20, 2**63, 2**63 - 1, -1, 0, 4.5, 5.5, "12.99", "$1,000", "None", "nan", "inf", "1e999",
                          float("nan"), float("inf"), True]) | st.integers() | st.floats() | json_value
image_ref = st.sampled_from([
    "images/F.png", "images/missing.png", "../base/images/T1.png", "/etc/passwd", "file:///etc/passwd",
    "http://127.0.0.1:9/x.png", "http://localhost/x.png", "http://2130706433/x.png", "http://[::1]/x.png",
    "http://[::ffff:169.254.169.254]/x", "http://169.254.169.254/latest/meta-data/", "http://u:p@127.0.0.1/x.png",
    "http://10.0.0.1/x.png", "https://0.0.0.0/x.png", "http://224.0.0.1/x.png", "ftp://host/x.png",
    "javascript:alert(1)", "http://[::1", "http:///x.png", "images/\x00.png", "images", "C:\\x.png", "None", "",
]) | st.text(max_size=20)
images = (st.lists(st.fixed_dictionaries({"variant": st.sampled_from(["MAIN", "PT01", None]), "large": image_ref}),
                   max_size=2)
          | st.fixed_dictionaries({"large": st.lists(image_ref, max_size=2)})
          | json_value)
record = st.fixed_dictionaries(
    {"parent_asin": product_id, "title": title},
    optional={"price": number, "average_rating": number, "rating_number": number, "features": json_value,
              "categories": json_value, "description": json_value, "details": json_value | st.text(max_size=20),
              "store": json_value, "main_category": json_value, "images": images},
)


@st.composite
def encoded(draw, value: st.SearchStrategy) -> bytes:
    """A JSON value as bytes, maybe mangled the ways real files are."""
    text = json.dumps(draw(value), ensure_ascii=draw(st.booleans()))  # NaN and Infinity come out bare
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "latin-1", "bom", "truncate", "splice"]))
    if how == "utf-16":
        return text.encode("utf-16")
    if how == "latin-1":
        return text.encode("latin-1", "replace").replace(b"?", b"\xe9")
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate becomes bytes no UTF-8 decoder accepts
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


fuzz_line = st.one_of(
    encoded(record),
    encoded(json_value),
    st.binary(max_size=60),
    st.just(b'{"parent_asin": "F9", "title": "t", "rating_number": ' + b"9" * 5000 + b"}"),
    st.just(b'{"parent_asin": "F8", "title": "t", "price": NaN}'),
    st.just(b'{"parent_asin": "F7", "title": "\\udc00", "images": []}'),
    st.just(b"[" * 50_000),
    st.sampled_from([f"T{i}" for i in range(1, 6)]).map(  # a stored product, its image not found from here
        lambda pid: json.dumps({"parent_asin": pid, "title": "changed", "images": [{"large": f"images/{pid}.png"}]})
        .encode()),
)


@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(lines=st.lists(fuzz_line, min_size=1, max_size=6), good_at=st.lists(st.integers(0, 6), max_size=2),
       duplicate=st.booleans())
def test_fuzzed_catalog_lines_are_stored_or_rejected_never_crash(baseline, lines, good_at, duplicate) -> None:
    root, base_db, base_source, before = baseline
    lines = [line.replace(b"\n", b" ") for line in lines]  # one fuzzed line stays one line
    good: dict[str, int] = {}
    for n, at in enumerate(good_at):  # known-good lines at random places: they must be stored
        pid = f"G{n}"
        lines.insert(min(at, len(lines)), json.dumps({"parent_asin": pid, "title": f"Good {pid}", "price": 9.5,
                                                      "rating_number": 3, "images": IMAGE}).encode())
    if duplicate:
        lines.append(lines[0])
    for pid in (f"G{n}" for n in range(len(good_at))):
        good[pid] = next(i for i, line in enumerate(lines, start=1) if f'"parent_asin": "{pid}"'.encode() in line)

    work = root / "work"
    catalog = work / "catalog.jsonl"
    catalog.write_bytes(b"\n".join(lines) + b"\n")
    db = work / "fuzz.duckdb"
    shutil.copyfile(base_db, db)
    try:
        with Store(db) as store:
            report = asyncio.run(ingest_catalog(store, catalog, FASHION, LIMITS, "fuzz", allow_networks=(),
                                                image_dirs=()))
            source = str(catalog.resolve())
            stored = dict(store.con.execute("SELECT source_line, product_id FROM products WHERE source_path = ?",
                                            [source]).fetchall())
            rejected = dict(store.con.execute("SELECT source_line, reason FROM ingest_rejects WHERE source_path = ?",
                                              [source]).fetchall())
            after = snapshot(store, base_source)
    finally:
        db.unlink(missing_ok=True)

    assert report.lines == len(lines) and report.products + report.rejected == len(lines)
    assert (len(stored), len(rejected)) == (report.new + report.updated, report.rejected)
    assert set(stored) | set(rejected) == set(range(1, len(lines) + 1)) and not set(stored) & set(rejected)
    assert all(reason.strip() for reason in rejected.values())
    for pid, line_no in good.items():
        assert stored.get(line_no) == pid or "duplicate parent_asin" in rejected.get(line_no, ""), (pid, rejected)
    assert after == before  # an earlier ingest's products, images and rejects are untouched

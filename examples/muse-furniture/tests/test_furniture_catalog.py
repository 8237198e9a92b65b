"""The CSV catalog adapter: rows become ProductRecords, bad rows are rejected with reasons, and
the JSONL it writes is ingested by muse with the same reasons recorded."""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path

import pytest
from PIL import Image

from muse_core.amazon2023 import RecordError
from muse_core.config import load_config
from muse_core.ingest import ingest_catalog
from muse_core.runs import start_run
from muse_core.store import Store
from muse_furniture.catalog import COLUMNS, csv_to_jsonl, csv_to_records, parse_record
from muse_furniture.plugin import FURNITURE

SAMPLE = Path(FURNITURE.sample_catalog).parent

GOOD = {"sku": "T-1", "name": "Low Coffee Table in Brown Walnut", "brand": "Hearthwood", "category": "Coffee Tables",
        "room": "Living Room", "materials": "walnut; steel", "colour": "Brown", "pattern": "Solid", "width_cm": "120",
        "depth_cm": "60", "height_cm": "40", "price": "$249.00", "rating": "4.5", "rating_count": "12",
        "features": "Open shelf underneath|Perfect gift!", "description": "A low table.", "image": "t1.png"}


def test_a_good_row_becomes_a_product_record() -> None:
    record = parse_record(GOOD)
    assert record.product_id == "T-1" and record.title == GOOD["name"]
    assert record.categories == ["Home & Furniture", "Living Room", "Tables & Desks", "Coffee Tables"]
    assert record.price == 249.0 and record.average_rating == 4.5 and record.rating_number == 12
    assert record.features == ["Walnut, Steel", "Open shelf underneath", "Perfect gift!", "Dimensions: W 120 x D 60 x H 40 cm"]
    assert record.details == {"Color": "Brown", "Material": "walnut, steel", "Pattern": "Solid", "Room": "Living Room",
                              "Brand": "Hearthwood", "Dimensions": "W 120 x D 60 x H 40 cm"}
    assert record.store == "Hearthwood" and record.image_ref == "t1.png" and record.description == ["A low table."]
    # numbers may come as numbers (a JSON line) as well as text (a CSV cell)
    assert parse_record({**GOOD, "price": 249, "rating_count": 12}).price == 249.0


@pytest.mark.parametrize("change, reason", [
    ({"sku": ""}, "missing sku"),
    ({"sku": "has space"}, "sku: 'has space' is not 1-40 letters"),
    ({"name": "  "}, "missing name"),
    ({"name": "x" * 30}, "name too long (30 characters > 20)"),
    ({"category": "Spaceships"}, "category: unknown 'Spaceships'"),
    ({"room": "Garage"}, "room: unknown 'Garage'"),
    ({"price": "cheap"}, "price: expected a number, got 'cheap'"),
    ({"price": "-5"}, "price: must be at least 0, got -5"),
    ({"price": "nan"}, "price: expected a finite number"),
    ({"rating": "7"}, "rating: must be at most 5, got 7"),
    ({"rating_count": "2.5"}, "rating_count: expected a whole number, got 2.5"),
    ({"width_cm": "0"}, "width_cm: must be at least 1, got 0"),
    ({"prise": "12"}, "unknown column(s): prise"),
    ({"features": ["a", "b"]}, "features: expected text, got list"),
])
def test_bad_rows_are_rejected_with_their_reason(change: dict, reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_record({**GOOD, **change}, max_title_chars=20 if "name" in change else 1000)
    assert str(caught.value).startswith(reason), str(caught.value)


def test_a_json_line_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(RecordError, match="line is JSON list, not an object"):
        parse_record(["T-1"])


def write_csv(folder: Path) -> Path:
    """Three good rows (one image per row) and four bad ones, one of them split badly."""
    (folder / "pics").mkdir(parents=True)
    for sku, colour in (("T-1", (120, 75, 40)), ("T-2", (40, 140, 60)), ("T-3", (25, 35, 90))):
        img = Image.new("RGB", (64, 64), (236, 236, 236))
        img.paste(colour, (16, 16, 48, 48))
        img.save(folder / "pics" / f"{sku}.png")
    rows = [GOOD, {**GOOD, "sku": "T-2", "name": "Green Velvet Sofa", "category": "Sofas", "image": "T-2.png"},
            {**GOOD, "sku": "T-3", "name": "Navy Rug", "category": "Rugs", "image": "T-3.png"},
            {**GOOD, "sku": "T-4", "price": "free"},
            {**GOOD, "sku": "T-2", "name": "A second T-2"},
            {**GOOD, "sku": "T-5", "room": "Attic"}]
    rows[0] = {**GOOD, "image": "T-1.png"}
    path = folder / "catalog.csv"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        out.write('T-6,"Bad, row",x,Sofas,Living Room,,,,,,,,,,,,,EXTRA\n')
    return path


def test_csv_to_records_reports_rejects_with_line_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path)
    result = csv_to_records(path, tmp_path / "pics")
    assert [r.product_id for r in result.records] == ["T-1", "T-2", "T-3"]
    assert result.records[0].image_ref == str((tmp_path / "pics" / "T-1.png").resolve())
    assert [(r.line, r.sku, r.reason) for r in result.rejects] == [
        (5, "T-4", "price: expected a number, got 'free'"),
        (6, "T-2", "duplicate sku (first at line 3)"),
        (7, "T-5", "room: unknown 'Attic' (known: Living Room, Bedroom, Dining Room, Home Office, Nursery, Hallway)"),
        (8, None, "row has 18 fields, the header 17"),
    ]


def test_the_converted_csv_is_ingested_by_muse_with_the_same_reasons(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in")
    out = tmp_path / "out" / "catalog.jsonl"
    preview = csv_to_jsonl(path, out, tmp_path / "in" / "pics")
    assert json.loads(out.read_text().splitlines()[0])["image"] == "../in/pics/T-1.png"
    config = load_config(db=tmp_path / "muse.duckdb").with_offline_engine()
    with Store(config.db) as store:
        # the photos lie outside the catalog's folder: allowed by name, as a user would (MUSE_IMAGE_DIRS)
        report = asyncio.run(ingest_catalog(store, out, FURNITURE, config.ingest, start_run(store, "test", config),
                                            image_dirs=[tmp_path / "in" / "pics"]))
        assert (report.lines, report.new, report.rejected) == (7, 3, 4)
        rejects = store.rows("SELECT source_line, product_id, reason FROM ingest_rejects ORDER BY source_line")
        products = store.rows("SELECT product_id, domain, categories, image_status FROM products ORDER BY 1")
    assert [p["product_id"] for p in products] == [r.product_id for r in preview.records]
    assert all(p["domain"] == "furniture" and p["image_status"] == "ok" for p in products)
    assert products[1]["categories"] == ["Home & Furniture", "Living Room", "Seating", "Sofas"]
    reasons = [r["reason"] for r in rejects]
    assert reasons[0] == preview.rejects[0].reason == "price: expected a number, got 'free'"
    assert reasons[1].startswith("duplicate")  # ingest words it itself ("duplicate parent_asin ...")
    assert reasons[2] == preview.rejects[2].reason
    assert reasons[3] == "malformed CSV row: row has 18 fields, the header 17"


def test_the_bundled_sample_is_the_converted_csv() -> None:
    from_csv = csv_to_records(SAMPLE / "catalog.csv", SAMPLE / "images")
    assert len(from_csv.records) == 77 and not from_csv.rejects
    lines = (SAMPLE / "catalog.jsonl").read_text().splitlines()
    from_jsonl = [parse_record(json.loads(line)) for line in lines]
    for a, b in zip(from_csv.records, from_jsonl, strict=True):
        assert a.model_copy(update={"image_ref": None}) == b.model_copy(update={"image_ref": None})
        assert Path(a.image_ref) == SAMPLE / b.image_ref and Path(a.image_ref).is_file()
    groups = {r.categories[2] for r in from_csv.records}
    assert groups == set(FURNITURE.group_weights) == set(FURNITURE.taxonomy)
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert size < 1_000_000


def test_a_row_whose_image_file_is_missing_is_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path)
    result = csv_to_records(path)  # images looked for next to the CSV, where there are none
    assert result.records == []
    assert result.rejects[0].reason == f"image: no file {(tmp_path / 'T-1.png').resolve()}"
    assert result.reasons["image"] == 3

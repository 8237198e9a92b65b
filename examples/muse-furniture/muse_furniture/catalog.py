"""The furniture catalog format: a CSV file (one product a row) plus a folder of images.

Columns (header row required, order free; `sku`, `name`, `category` and `room` are required):

    sku, name, brand, category, room, materials, colour, pattern,
    width_cm, depth_cm, height_cm, price, rating, rating_count, features, description, image

`materials` are separated by ";", `features` by "|"; `image` is a file name in the image folder.
`category` must be one of TAXONOMY's categories (its group is derived from it) and `room` one of
ROOMS. Unknown columns are a reject reason too, so that a misspelt header ("prise") does not
silently drop a field.

muse's ingest (muse_core/ingest.py) reads a catalog as JSON lines and hands each decoded line to
`Domain.parse_record`. `parse_record` here therefore takes the row as a dict of column -> value,
which a CSV reader and a JSON line give alike:

- `csv_to_records(csv, images)` reads a CSV directly into ProductRecords (and rejects), for
  tools and for checking a file before ingest;
- `csv_to_jsonl(csv, out, images)` writes the rows as JSON lines that `muse ingest --domain
  furniture` reads; the bundled sample is made this way, and
  `python -m muse_furniture.catalog CSV --images DIR --out FILE` does it from the shell.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from muse_core.api import ProductRecord, RecordError  # RecordError: ingest records its message as the reject reason

MAIN_CATEGORY = "Home & Furniture"

# group (categories[2] of a product, what Domain.group_weights weighs) -> categories
TAXONOMY: dict[str, list[str]] = {
    "Seating": ["Sofas", "Armchairs", "Dining Chairs", "Desk Chairs", "Rocking Chairs"],
    "Tables & Desks": ["Coffee Tables", "Side Tables", "Dining Tables", "Desks"],
    "Storage": ["Bookcases", "TV Stands", "Dressers", "Nightstands"],
    "Beds & Cribs": ["Bed Frames", "Cribs", "Changing Tables"],
    "Lighting": ["Floor Lamps", "Table Lamps"],
    "Textiles": ["Rugs", "Cushions", "Throw Blankets", "Curtains"],
    "Decor": ["Mirrors", "Vases"],
}
GROUP_OF = {category: group for group, categories in TAXONOMY.items() for category in categories}
ROOMS = ["Living Room", "Bedroom", "Dining Room", "Home Office", "Nursery", "Hallway"]

COLUMNS = ["sku", "name", "brand", "category", "room", "materials", "colour", "pattern", "width_cm", "depth_cm",
           "height_cm", "price", "rating", "rating_count", "features", "description", "image"]
REQUIRED = ["sku", "name", "category", "room"]
SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _text(raw: dict[str, Any], column: str) -> str:
    value = raw.get(column)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"{column}: expected text, got {type(value).__name__}")
    return value.strip()


def _number(raw: dict[str, Any], column: str, *, low: float = 0.0, high: float = math.inf) -> float | None:
    value = raw.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RecordError(f"{column}: expected a number, got {value!r}")
    try:
        number = float(value.strip().lstrip("$").replace(",", "") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise RecordError(f"{column}: expected a number, got {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise RecordError(f"{column}: expected a finite number, got {str(value)[:40]!r}")
    if not low <= number <= high:
        bound = f"at least {low:g}" if number < low else f"at most {high:g}"
        raise RecordError(f"{column}: must be {bound}, got {number:g}")
    return number


def _split(value: str, sep: str) -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def dimensions(width: float | None, depth: float | None, height: float | None) -> str | None:
    """'W 210 x D 92 x H 84 cm' from whichever sizes are given."""
    parts = [f"{label} {value:g}" for label, value in (("W", width), ("D", depth), ("H", height)) if value]
    return f"{' x '.join(parts)} cm" if parts else None


def parse_record(raw: Any, max_title_chars: int = 1000) -> ProductRecord:
    """One catalog row (a CSV row as a dict, or the same dict decoded from a JSON line) -> a
    ProductRecord, or RecordError with the reason ingest records."""
    if not isinstance(raw, dict):
        raise RecordError(f"line is JSON {type(raw).__name__}, not an object")
    if "__malformed__" in raw:  # csv_to_jsonl's stand-in for a CSV row that could not be split
        raise RecordError(f"malformed CSV row: {raw['__malformed__']}")
    unknown = sorted(str(k) for k in raw if k not in COLUMNS)
    if unknown:
        raise RecordError(f"unknown column(s): {', '.join(unknown)}")
    for column in REQUIRED:
        if not _text(raw, column):
            raise RecordError(f"missing {column}")
    sku, name = _text(raw, "sku"), _text(raw, "name")
    if not SKU.match(sku):
        raise RecordError(f"sku: {sku[:40]!r} is not 1-40 letters, digits, '.', '_' or '-'")
    if len(name) > max_title_chars:
        raise RecordError(f"name too long ({len(name):,} characters > {max_title_chars:,})")
    category, room = _text(raw, "category"), _text(raw, "room")
    if category not in GROUP_OF:
        raise RecordError(f"category: unknown {category!r} (known: {', '.join(GROUP_OF)})")
    if room not in ROOMS:
        raise RecordError(f"room: unknown {room!r} (known: {', '.join(ROOMS)})")
    width, depth, height = (_number(raw, c, low=1, high=1000) for c in ("width_cm", "depth_cm", "height_cm"))
    price = _number(raw, "price")
    rating = _number(raw, "rating", high=5)
    rating_count = _number(raw, "rating_count")
    if rating_count is not None and rating_count != int(rating_count):
        raise RecordError(f"rating_count: expected a whole number, got {rating_count:g}")

    brand, colour, pattern = _text(raw, "brand"), _text(raw, "colour"), _text(raw, "pattern")
    materials = _split(_text(raw, "materials"), ";")
    size = dimensions(width, depth, height)
    features = _split(_text(raw, "features"), "|")
    if materials:
        features.insert(0, ", ".join(m[0].upper() + m[1:] for m in materials))
    if size:
        features.append(f"Dimensions: {size}")
    details = {"Color": colour, "Material": ", ".join(materials), "Pattern": pattern, "Room": room,
               "Brand": brand, "Dimensions": size or ""}
    image = _text(raw, "image")
    try:
        return ProductRecord(
            product_id=sku,
            title=name,
            main_category=MAIN_CATEGORY,
            categories=[MAIN_CATEGORY, room, GROUP_OF[category], category],
            features=features,
            description=[d for d in [_text(raw, "description")] if d],
            store=brand or None,
            price=price,
            average_rating=rating,
            rating_number=None if rating_count is None else int(rating_count),
            details={k: v for k, v in details.items() if v},
            image_ref=image or None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecordError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


@dataclass
class CsvReject:
    line: int  # line number in the CSV file (the header is line 1)
    reason: str
    sku: str | None = None


@dataclass
class CsvResult:
    records: list[ProductRecord] = field(default_factory=list)
    rejects: list[CsvReject] = field(default_factory=list)

    @property
    def reasons(self) -> Counter:
        return Counter(r.reason.split(":")[0] for r in self.rejects)


def read_rows(csv_path: Path) -> list[tuple[int, dict[str, Any] | None, str | None]]:
    """(line, row, None) per data row, or (line, None, reason) when the row itself is malformed."""
    rows: list[tuple[int, dict[str, Any] | None, str | None]] = []
    with Path(csv_path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle, restkey="__extra__")
        if reader.fieldnames is None:
            return rows
        duplicated = [c for c, n in Counter(reader.fieldnames).items() if n > 1]
        if duplicated:
            raise RecordError(f"the header repeats column(s): {', '.join(duplicated)}")
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num  # a quoted field may span several lines
            if "__extra__" in row:
                rows.append((start, None, f"row has {len(reader.fieldnames) + len(row['__extra__'])} fields, "
                                          f"the header {len(reader.fieldnames)}"))
            elif not any((v or "").strip() for v in row.values()):
                continue  # blank line
            else:
                rows.append((start, {k: v for k, v in row.items() if v is not None}, None))
    return rows


def csv_to_records(csv_path: Path, image_dir: Path | None = None, max_title_chars: int = 1000) -> CsvResult:
    """Read a furniture CSV into ProductRecords and rejects (with reasons and line numbers).
    Image references become absolute paths into `image_dir` (default: the CSV's folder); a row
    whose image file is missing is rejected (ingest would reject it unless text-only products
    are allowed). Images are not decoded here: ingest validates them."""
    csv_path = Path(csv_path).resolve()
    images = Path(image_dir).resolve() if image_dir else csv_path.parent
    result, seen = CsvResult(), {}
    for line, row, problem in read_rows(csv_path):
        if problem:
            result.rejects.append(CsvReject(line, problem))
            continue
        try:
            record = parse_record(row, max_title_chars)
        except RecordError as exc:
            result.rejects.append(CsvReject(line, str(exc), (row.get("sku") or "").strip() or None))
            continue
        if record.product_id in seen:
            result.rejects.append(CsvReject(line, f"duplicate sku (first at line {seen[record.product_id]})",
                                            record.product_id))
            continue
        seen[record.product_id] = line
        if record.image_ref and not re.match(r"^https?://", record.image_ref):
            image = images / record.image_ref
            if not image.is_file():  # ingest would reject it (or keep it text-only if allowed)
                result.rejects.append(CsvReject(line, f"image: no file {image}", record.product_id))
                continue
            record = record.model_copy(update={"image_ref": str(image)})
        result.records.append(record)
    return result


def csv_to_jsonl(csv_path: Path, out_path: Path, image_dir: Path | None = None) -> CsvResult:
    """Write every data row of the CSV as one JSON line that `muse ingest --domain furniture`
    reads (image paths made relative to the output file, as ingest resolves them). Malformed
    rows are written too, so that ingest records them as rejects with their reasons; the
    returned CsvResult previews what ingest will keep and reject."""
    csv_path, out_path = Path(csv_path).resolve(), Path(out_path).resolve()
    images = Path(image_dir).resolve() if image_dir else csv_path.parent
    lines = []
    for _, row, problem in read_rows(csv_path):
        if problem:
            lines.append(json.dumps({"__malformed__": problem}))
            continue
        image = (row.get("image") or "").strip()
        if image and not re.match(r"^https?://", image):
            row["image"] = Path(os.path.relpath(images / image, out_path.parent)).as_posix()
        lines.append(json.dumps(row, ensure_ascii=False))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return csv_to_records(csv_path, images)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m muse_furniture.catalog",
                                     description="Convert a furniture CSV (+ image folder) to the JSONL muse ingests.")
    parser.add_argument("csv", type=Path)
    parser.add_argument("--images", type=Path, default=None, help="image folder (default: the CSV's folder)")
    parser.add_argument("--out", type=Path, required=True, help="JSONL file to write")
    args = parser.parse_args(argv)
    result = csv_to_jsonl(args.csv, args.out, args.images)
    print(f"wrote {args.out}: {len(result.records)} products, {len(result.rejects)} rows ingest will reject")
    for reject in result.rejects:
        print(f"  line {reject.line}: {reject.reason}")


if __name__ == "__main__":
    main()

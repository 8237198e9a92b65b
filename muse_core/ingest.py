"""Catalog ingest: every line of a catalog file becomes a product or a recorded reject.

Lines are validated by the domain's adapter, images are read (local paths or http(s) URLs)
and validated, and products are written in batches. Re-ingesting an unchanged file writes
nothing; a changed product replaces the old one and loses its now-stale summary.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from muse_core.amazon2023 import RecordError
from muse_core.config import IngestConfig
from muse_core.domain import Domain
from muse_core.images import ImageError, ImageLoader
from muse_core.progress import Progress
from muse_core.records import ImageBlob, ProductRecord
from muse_core.store import Store

BATCH = 500


@dataclass
class IngestReport:
    source: str
    run_id: str  # the run that did the work (a cached result names an earlier run)
    lines: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    text_only: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)

    @property
    def products(self) -> int:
        return self.new + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in self.__dict__.items() if k != "reasons"}, "products": self.products,
                "reasons": dict(self.reasons.most_common())}


@dataclass
class _Reject:
    line: int
    reason: str
    raw: bytes
    product_id: str | None = None


@dataclass
class _Parsed:
    line: int
    record: ProductRecord
    raw: bytes  # kept to explain a later reject (an unusable image)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_lines(path: Path, domain: Domain, limits: IngestConfig) -> tuple[list[_Parsed], list[_Reject], int]:
    """Decode and validate every line; nothing is skipped without a reject reason."""
    records: list[_Parsed] = []
    rejects: list[_Reject] = []
    first_seen: dict[str, int] = {}
    line_no = 0
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            try:
                if len(raw) > limits.max_line_bytes:
                    raise RecordError(f"line too large ({len(raw):,} bytes > {limits.max_line_bytes:,})")
                text = raw.decode("utf-8").strip()
                if not text:
                    raise RecordError("empty line")
                record = domain.parse_record(json.loads(text), limits.max_title_chars)
            except UnicodeDecodeError:
                rejects.append(_Reject(line_no, "not UTF-8 text", raw))
            except json.JSONDecodeError as exc:
                rejects.append(_Reject(line_no, f"invalid JSON: {exc.msg} at column {exc.colno}", raw))
            except RecordError as exc:
                rejects.append(_Reject(line_no, str(exc), raw))
            except RecursionError:
                rejects.append(_Reject(line_no, "invalid JSON: nested too deeply", raw))
            else:
                if record.product_id in first_seen:
                    rejects.append(_Reject(line_no, f"duplicate parent_asin (first at line {first_seen[record.product_id]})",
                                           raw, record.product_id))
                else:
                    first_seen[record.product_id] = line_no
                    records.append(_Parsed(line_no, record, raw[:300]))
    return records, rejects, line_no


def content_hash(record: ProductRecord, image: ImageBlob | None) -> str:
    material = record.model_dump_json() + (image.sha256 if image else "")
    return hashlib.sha256(material.encode()).hexdigest()


async def _images(records: list[_Parsed], base_dir: Path, limits: IngestConfig,
                  progress: Progress) -> list[ImageBlob | ImageError]:
    semaphore = asyncio.Semaphore(limits.download_concurrency)
    async with ImageLoader(limits) as loader:
        async def one(record: ProductRecord) -> ImageBlob | ImageError:
            async with semaphore:
                try:
                    if not record.image_ref:
                        raise ImageError("no main image in the record")
                    return await loader.load(record.image_ref, base_dir)
                except ImageError as exc:
                    return exc
                finally:
                    progress.advance()

        return await asyncio.gather(*(one(parsed.record) for parsed in records))


async def ingest_catalog(store: Store, path: Path, domain: Domain, limits: IngestConfig, run_id: str,
                         progress: Progress | None = None) -> IngestReport:
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"catalog file not found: {path}")
    progress = progress or Progress.silent()
    source = str(path)
    report = IngestReport(source=source, run_id=run_id)
    records, rejects, report.lines = parse_lines(path, domain, limits)
    with progress.task("reading images", total=len(records)):
        images = await _images(records, path.parent, limits, progress)

    known = dict(store.con.execute("SELECT product_id, content_hash FROM products").fetchall())
    product_rows, image_rows, replaced = [], [], []
    for parsed, image in zip(records, images):
        line_no, record = parsed.line, parsed.record
        if isinstance(image, ImageError):
            if not limits.allow_text_only:
                rejects.append(_Reject(line_no, f"no usable main image: {image}", parsed.raw, record.product_id))
                continue
            report.text_only += 1
        blob = image if isinstance(image, ImageBlob) else None
        digest = content_hash(record, blob)
        if known.get(record.product_id) == digest:
            report.unchanged += 1
            continue
        if record.product_id in known:
            report.updated += 1
            replaced.append(record.product_id)
        else:
            report.new += 1
        product_rows.append([
            record.product_id, domain.name, record.title, record.main_category, record.categories,
            record.features, record.description, record.store, record.price, record.average_rating,
            record.rating_number, json.dumps(record.details, ensure_ascii=False),
            "ok" if blob else str(image), digest, source, line_no, run_id,
        ])
        if blob:
            image_rows.append([record.product_id, "MAIN", blob.data, blob.sha256, blob.mime, blob.width,
                               blob.height, blob.source])

    report.rejected = len(rejects)
    report.reasons.update(r.reason.split(":")[0] for r in rejects)

    with progress.task("writing products", total=len(product_rows)), store.transaction() as con:
        if replaced:
            for table in ("product_images", "product_summaries", "products"):
                con.execute(f"DELETE FROM {table} WHERE product_id IN (SELECT unnest(?::VARCHAR[]))", [replaced])
        con.execute("DELETE FROM ingest_rejects WHERE source_path = ?", [source])
        for start in range(0, len(product_rows), BATCH):
            con.executemany(
                "INSERT INTO products (product_id, domain, title, main_category, categories, features, description,"
                " store, price, average_rating, rating_number, details, image_status, content_hash, source_path,"
                " source_line, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                product_rows[start : start + BATCH],
            )
            progress.advance(len(product_rows[start : start + BATCH]))
        for start in range(0, len(image_rows), BATCH):
            con.executemany("INSERT INTO product_images VALUES (?, ?, ?, ?, ?, ?, ?, ?)", image_rows[start : start + BATCH])
        if rejects:
            con.executemany(
                "INSERT INTO ingest_rejects (source_path, source_line, product_id, reason, raw_excerpt, run_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [[source, r.line, r.product_id, r.reason, r.raw[:300].decode("utf-8", "replace"), run_id]
                 for r in rejects],
            )
    return report

"""Catalog ingest: every line of a catalog file becomes a product or a recorded reject.

Lines are validated by the domain's adapter, images are read (local paths or http(s) URLs)
and validated, and products are written in batches. Re-ingesting an unchanged file writes
nothing; a changed product replaces the old one in `products` (and loses its now-stale summary)
after its listing, photo and summary are kept in `product_versions`, so the conversations made
from it still resolve to it (sql/schema/008_product_versions.sql).
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from muse_core.amazon2023 import RecordError
from muse_core.config import IngestConfig
from muse_core.domain import Domain
from muse_core.images import ImageError, ImageLoader
from muse_core.progress import Progress
from muse_core.records import ImageBlob, ProductRecord
from muse_core.store import Store

BATCH = 500
MAX_DIGITS = 100  # a longer integer in a catalog line is garbage, not data
# The listing, MAIN photo and summary of each product about to be replaced, kept as a version.
# current_timestamp is the transaction's start, so superseded_at equals the new row's ingested_at.
ARCHIVE_SQL = (
    "INSERT INTO product_versions (product_id, content_hash, domain, title, main_category, categories, features,"
    " description, store, price, average_rating, rating_number, details, image_status, source_path, source_line,"
    " run_id, ingested_at, image, image_sha256, image_mime, image_width, image_height, image_source, summary,"
    " summary_attributes, superseded_at, superseded_by_run)"
    " SELECT p.product_id, p.content_hash, p.domain, p.title, p.main_category, p.categories, p.features,"
    " p.description, p.store, p.price, p.average_rating, p.rating_number, p.details, p.image_status, p.source_path,"
    " p.source_line, p.run_id, p.ingested_at, i.image, i.sha256, i.mime, i.width, i.height, i.source, s.summary,"
    " s.attributes, current_timestamp, ?"
    " FROM products p"
    " LEFT JOIN product_images i ON i.product_id = p.product_id AND i.variant = 'MAIN'"
    " LEFT JOIN product_summaries s ON s.product_id = p.product_id"
    " WHERE p.product_id IN (SELECT unnest(?::VARCHAR[]))"
)


@dataclass
class IngestReport:
    source: str
    run_id: str
    lines: int = 0
    new: int = 0
    updated: int = 0
    versions_kept: int = 0  # replaced listings archived in product_versions (one per updated product)
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


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """Each line (at most `limit` + 1 bytes of it) and its full size: a huge line is never held whole."""
    while raw := handle.readline(limit + 1):
        size = len(raw)
        if size > limit and not raw.endswith(b"\n"):
            while rest := handle.readline(1 << 20):  # skip the rest of the over-long line
                size += len(rest)
                if rest.endswith(b"\n"):
                    break
        yield raw, size


def _bounded_int(text: str) -> int:
    # json would call int() on any number of digits (and raise a bare ValueError past 4,300).
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise RecordError(f"number too long ({len(text.lstrip('-')):,} digits)")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise RecordError(f"number out of range ({text[:40]})")
    return value


def _no_constant(name: str) -> float:
    raise RecordError(f"invalid JSON: {name} is not a JSON number")


def decode_line(raw: bytes) -> Any:
    """One line's bytes as a JSON value, or RecordError with the reason."""
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text (byte {exc.start + 1})") from None
    if not text:
        raise RecordError("empty line")
    try:
        value = json.loads(text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise RecordError("invalid JSON: nested too deeply") from None
    if "\\u" in text:  # only an escape can make a lone surrogate, which no database column can store
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise RecordError("invalid JSON: a \\u escape that is not a character (lone surrogate)") from None
    return value


def parse_lines(path: Path, domain: Domain, limits: IngestConfig) -> tuple[list[_Parsed], list[_Reject], int]:
    """Decode and validate every line, each on its own: nothing is skipped without a reject reason,
    and no line can stop the others from being stored."""
    records: list[_Parsed] = []
    rejects: list[_Reject] = []
    first_seen: dict[str, int] = {}
    line_no = 0
    with path.open("rb") as handle:
        for line_no, (raw, size) in enumerate(bounded_lines(handle, limits.max_line_bytes), start=1):
            if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]  # editors on Windows write one; it is not part of the data
            try:
                if size > limits.max_line_bytes:
                    raise RecordError(f"line too large ({size:,} bytes > {limits.max_line_bytes:,})")
                record = domain.parse_record(decode_line(raw), limits.max_title_chars)
            except RecordError as exc:
                rejects.append(_Reject(line_no, str(exc), raw[:300]))
                continue
            # An adapter (a plugin) meeting data it did not expect: still one line's reject, not a crash.
            except (ValueError, TypeError, ArithmeticError, LookupError, AttributeError, RecursionError) as exc:
                reason = f"unreadable record ({type(exc).__name__}: {str(exc)[:80]})"
                rejects.append(_Reject(line_no, reason, raw[:300]))
                continue
            if record.product_id in first_seen:
                first = first_seen[record.product_id]
                rejects.append(_Reject(line_no, f"duplicate parent_asin (first at line {first})", raw[:300],
                                       record.product_id))
            else:
                first_seen[record.product_id] = line_no
                records.append(_Parsed(line_no, record, raw[:300]))
    return records, rejects, line_no


def content_hash(record: ProductRecord, image_sha256: str | None) -> str:
    material = record.model_dump_json() + (image_sha256 or "")
    return hashlib.sha256(material.encode()).hexdigest()


async def _images(records: list[_Parsed], base_dir: Path, limits: IngestConfig, progress: Progress,
                  allow_networks: Sequence[str] | None,
                  image_dirs: Sequence[Path] | None) -> list[ImageBlob | ImageError]:
    semaphore = asyncio.Semaphore(limits.download_concurrency)
    async with ImageLoader(limits, allow_networks, image_dirs) as loader:
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
                         progress: Progress | None = None, *, allow_networks: Sequence[str] | None = None,
                         image_dirs: Sequence[Path] | None = None) -> IngestReport:
    """Store every valid line of `path` as a product and record every other line as a reject.

    Images: URLs are fetched from public addresses only, plus `allow_networks` (None: the
    MUSE_ALLOW_IMAGE_NETWORKS variable); local paths must lie in the catalog file's folder or
    in `image_dirs` (None: the MUSE_IMAGE_DIRS variable). See muse_core.images.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"catalog file not found: {path}")
    progress = progress or Progress.silent()
    source = str(path)
    report = IngestReport(source=source, run_id=run_id)
    records, rejects, report.lines = parse_lines(path, domain, limits)
    stored = {pid: (digest, image) for pid, digest, image in store.con.execute(
        "SELECT p.product_id, p.content_hash, i.sha256 FROM products p LEFT JOIN product_images i"
        " ON i.product_id = p.product_id AND i.variant = 'MAIN'").fetchall()}
    known = {pid: digest for pid, (digest, _) in stored.items()}
    # A product whose record and stored image are unchanged needs no image fetch: the database, not
    # a cache beside it, says what is already there (a copied database file included). One stored
    # without its image (text-only) is tried again: the image's host may be back.
    same = [r.record.product_id in stored and stored[r.record.product_id][1] is not None
            and stored[r.record.product_id][0] == content_hash(r.record, stored[r.record.product_id][1])
            for r in records]
    report.unchanged = sum(same)
    records = [r for r, unchanged in zip(records, same) if not unchanged]
    with progress.task("reading images", total=len(records)):
        images = await _images(records, path.parent, limits, progress, allow_networks, image_dirs)

    product_rows, image_rows, replaced = [], [], []
    for parsed, image in zip(records, images):
        line_no, record = parsed.line, parsed.record
        if isinstance(image, ImageError):
            if not limits.allow_text_only:
                rejects.append(_Reject(line_no, f"no usable main image: {image}", parsed.raw, record.product_id))
                continue
            report.text_only += 1
        blob = image if isinstance(image, ImageBlob) else None
        digest = content_hash(record, blob.sha256 if blob else None)
        if known.get(record.product_id) == digest:  # the same image fetched again
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
            # In the same transaction as the replacement: a listing is archived or not replaced at all.
            report.versions_kept = int(con.execute(ARCHIVE_SQL, [run_id, replaced]).fetchone()[0])
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

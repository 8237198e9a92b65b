"""Reader for Amazon Reviews 2023 item metadata, raw JSONL or the Hugging Face variant.

Raw: `images` is a list of {thumb, large, hi_res, variant}, `details` a dict, `price` a number.
Hugging Face: `images` is a dict of parallel lists, `details` a JSON string, `price` a string
("None" when unknown). Both map to a ProductRecord; the MAIN image (else the first) is kept.
"""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import ValidationError

from muse_core.records import ProductRecord


class RecordError(ValueError):
    """A catalog line cannot become a product; the message is the recorded reject reason."""


def _text_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    raise RecordError(f"{field}: expected a list of strings, got {type(value).__name__}")


BIGINT_MAX = 2**63 - 1  # the database column of counts


def _number(value: Any, field: str) -> float | None:
    if value is None:
        return None
    number: float | None = None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            cleaned = value.strip().lstrip("$").replace(",", "")
            if cleaned in ("", "None", "null", "-"):
                return None
            number = float(cleaned)
    except (ValueError, OverflowError):  # "cheap"; an integer too big for a float
        number = None
    if number is None or not math.isfinite(number):
        raise RecordError(f"{field}: expected a finite number, got {type(value).__name__} {str(value)[:40]!r}")
    return number


def _count(value: Any, field: str) -> int | None:
    """A whole number that fits the database (a float like 1e20 does not)."""
    number = _number(value, field)
    if number is None:
        return None
    count = value if isinstance(value, int) and not isinstance(value, bool) else int(number)
    if not 0 <= count <= BIGINT_MAX:
        raise RecordError(f"{field}: {str(value)[:40]} is out of range (0 to {BIGINT_MAX:,})")
    return count


def _details(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # not JSON, a 4,300+ digit integer, nested too deeply
            raise RecordError("details: a string that is not JSON") from None
    if not isinstance(value, dict):
        raise RecordError(f"details: expected an object, got {type(value).__name__}")
    return {str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in value.items()}


def main_image(images: Any) -> str | None:
    """The best URL or path of the MAIN image (hi_res, then large, then thumb)."""
    if images in (None, [], {}):
        return None
    if isinstance(images, dict):  # Hugging Face: parallel lists
        keys = [k for k in ("hi_res", "large", "thumb", "variant") if k in images]
        if not keys or not all(isinstance(images[k], list) for k in keys):
            raise RecordError("images: expected lists under hi_res/large/thumb/variant")
        length = len(images[keys[0]])
        images = [{k: (images[k][i] if i < len(images[k]) else None) for k in keys} for i in range(length)]
    if not isinstance(images, list) or not all(isinstance(i, dict) for i in images):
        raise RecordError(f"images: expected a list of objects, got {type(images).__name__}")
    ordered = sorted(images, key=lambda i: i.get("variant") != "MAIN")  # stable: MAIN first
    for image in ordered:
        for size in ("hi_res", "large", "thumb"):
            ref = image.get(size)
            if isinstance(ref, str) and ref.strip() and ref.strip() != "None":
                return ref.strip()
    return None


def parse_record(raw: Any, max_title_chars: int = 1000) -> ProductRecord:
    """Map one decoded JSON line to a ProductRecord, or raise RecordError with the reason."""
    if not isinstance(raw, dict):
        raise RecordError(f"line is JSON {type(raw).__name__}, not an object")
    product_id = raw.get("parent_asin")
    if not isinstance(product_id, str) or not product_id.strip():
        raise RecordError("missing parent_asin")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RecordError("missing title")
    if len(title) > max_title_chars:
        raise RecordError(f"title too long ({len(title):,} characters > {max_title_chars:,})")
    rating_number = _count(raw.get("rating_number"), "rating_number")
    try:
        return ProductRecord(
            product_id=product_id,
            title=title,
            main_category=raw.get("main_category") if isinstance(raw.get("main_category"), str) else None,
            categories=_text_list(raw.get("categories"), "categories"),
            features=_text_list(raw.get("features"), "features"),
            description=_text_list(raw.get("description"), "description"),
            store=raw.get("store") if isinstance(raw.get("store"), str) and raw.get("store").strip() else None,
            price=_number(raw.get("price"), "price"),
            average_rating=_number(raw.get("average_rating"), "average_rating"),
            rating_number=rating_number,
            details=_details(raw.get("details")),
            image_ref=main_image(raw.get("images")),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RecordError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None

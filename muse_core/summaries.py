"""Product summaries (paper A.1): an MLLM describes each product's fundamental and visual
attributes from its listing and main image, without marketing noise. Retrieval indexes them."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, Field

from muse_core.context import StageContext
from muse_core.llm import LLMCallError
from muse_core.records import ProductRecord
from muse_core.skills import load_skill

SKILL = "product_summary"


Word = Annotated[str, Field(max_length=40)]


class ProductSummary(BaseModel):
    # Bounds on every text: a grammar-constrained local model stops where the schema says instead
    # of rambling until max_tokens cuts the JSON.
    product_type: str = Field(min_length=1, max_length=60)
    group: str = Field(min_length=1, max_length=30)  # clothing | shoes | jewelry | accessories | other
    colors: list[Word] = Field(min_length=1, max_length=6)
    materials: list[Word] = Field(max_length=6)
    pattern: str = Field(max_length=40)
    occasions: list[Word] = Field(max_length=6)
    key_features: list[Annotated[str, Field(max_length=120)]] = Field(max_length=5)
    summary: str = Field(min_length=20, max_length=600)


@dataclass
class SummaryReport:
    summarized: int = 0
    already: int = 0
    cache_hits: int = 0
    cost_usd: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # product id -> why


def product_record(row: dict) -> ProductRecord:
    return ProductRecord(
        product_id=row["product_id"], title=row["title"], main_category=row["main_category"],
        categories=row["categories"] or [], features=row["features"] or [], description=row["description"] or [],
        store=row["store"], price=row["price"], details=json.loads(row["details"] or "{}"),
    )


async def summarize_products(ctx: StageContext, identity: str) -> SummaryReport:
    """Summarise every product that has no summary of this identity (skill version, model, sampling)."""
    store, gateway, progress = ctx.store, ctx.gateway, ctx.progress
    version = load_skill(SKILL, ctx.skill_dirs).version
    stale = store.rows(
        "SELECT p.*, p.image_status = 'ok' AS has_image FROM products p LEFT JOIN product_summaries s"
        " ON s.product_id = p.product_id AND s.identity = ? WHERE s.product_id IS NULL ORDER BY p.product_id",
        [identity],
    )
    report = SummaryReport(already=int(store.scalar("SELECT count(*) FROM products")) - len(stale))

    async def one(row: dict) -> None:
        try:
            result = await gateway.run(
                SKILL, {"product": product_record(row).prompt_fields()}, output=ProductSummary,
                image_product_ids=[row["product_id"]] if row["has_image"] else [], entity_id=row["product_id"],
            )
        except LLMCallError as exc:
            report.failures[row["product_id"]] = str(exc)
        else:
            summary: ProductSummary = result.value
            store.con.execute(
                "INSERT OR REPLACE INTO product_summaries (product_id, summary, attributes, skill, skill_version,"
                " cache_key, run_id, identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [row["product_id"], summary.summary, summary.model_dump_json(), SKILL, version, result.cache_key,
                 ctx.run_id, identity],
            )
            report.summarized += 1
            report.cache_hits += result.cache_hit
            report.cost_usd += result.cost_usd
        finally:
            progress.advance()

    with progress.task("summarising products", total=len(stale)):
        await asyncio.gather(*(one(row) for row in stale))
    gateway.flush_stats()
    return report

"""Multimodal-open (paper A.3, Figure 6): the user already owns an outfit item and asks for
something that goes with it. A stylist skill describes a complementary item for the target and
scenario, retrieval finds it in the catalog (never the target), and a consultant skill checks,
with both images, that the pair coordinates and suits the scenario. About 47% succeed in the paper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from muse_core.domain import Domain
from muse_core.llm import Gateway
from muse_core.profiles import MatchVerdict
from muse_core.retrieval import Retriever, search


class StylistIdea(BaseModel):
    item_type: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=10, max_length=300)


@dataclass
class OutfitAttempt:
    description: str
    outfit_product_id: str | None
    compatible: bool
    reason: str
    stylist_cache_key: str
    check_cache_key: str | None
    cost_usd: float


async def try_outfit_opening(gateway: Gateway, domain: Domain, retriever: Retriever, products: dict[str, dict],
                             cid: str, scenario: str, target: dict[str, Any], depth: int) -> OutfitAttempt:
    """One attempt; refused unless the stylist proposes, and retrieval finds, a kind the domain's
    complement rule pairs with the target's kind (no jeans with shorts, no sandals with loafers)."""
    entity = f"{cid}/outfit"
    ptype = target["attributes"].get("product_type", "")
    # a model's summary may say "Jeans" where the domain's table says "jeans"
    offered = domain.complements.get(ptype.strip().lower(), [])
    complements = [kind.lower() for kind in offered]
    images = [target["product_id"]] if target["has_image"] else []
    idea = await gateway.run("outfit_stylist", {"scenario": scenario, "target": target, "complements": offered},
                             output=StylistIdea, image_product_ids=images, entity_id=entity)
    proposed = idea.value.item_type.strip().lower()

    def refused(reason: str) -> OutfitAttempt:
        return OutfitAttempt(idea.value.description, None, False, reason, idea.cache_key, None, idea.cost_usd)

    if proposed not in complements:
        return refused(f"the stylist proposed {proposed or 'nothing'}, which the {domain.name} complement rule "
                       f"does not pair with {ptype or 'this item'}")
    hits = await search(retriever, idea.value.description, depth)
    # A different product with a photo to share, of a complementary kind: the proposed kind first.
    usable = [products[h.product_id] for h in hits if h.product_id in products and h.product_id != target["product_id"]
              and products[h.product_id]["has_image"]
              and products[h.product_id]["attributes"].get("product_type", "").lower() in complements]
    usable.sort(key=lambda p: p["attributes"].get("product_type", "").lower() != proposed)  # stable: rank kept
    if not usable:
        return refused(f"retrieval found no usable item of a kind that goes with {ptype or 'this item'}")
    found = usable[0]
    check = await gateway.run("outfit_check", {"scenario": scenario, "outfit": found, "target": target},
                              output=MatchVerdict, image_product_ids=[found["product_id"], *images], entity_id=entity)
    return OutfitAttempt(idea.value.description, found["product_id"], check.value.answer == "Yes",
                         check.value.reason or check.value.answer, idea.cache_key, check.cache_key,
                         idea.cost_usd + check.cost_usd)

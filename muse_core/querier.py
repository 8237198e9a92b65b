"""Querier (paper 3.3.2, Figure 18): finds the product to recommend. It analyses the conversation
into needs, clarifies them into catalog attributes and a query, retrieves the top-k products,
drops those already mentioned, and picks one: an LLM rerank (`querier.pick = "rerank"`, muse's
default) or a seeded random pick (`"random"`, as the MUSE authors' code does). At the round limit
it hands over the user's target if the pick did not find it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from muse_core.config import MuseConfig
from muse_core.dialogue import Dialogue
from muse_core.llm import Gateway
from muse_core.retrieval import Retriever, search
from muse_core.seeding import rng_for


class NoCandidates(RuntimeError):
    """Retrieval found nothing to recommend: the conversation cannot go on (recorded, not fatal)."""


class SearchPlan(BaseModel):
    attributes: list[Annotated[str, Field(max_length=60)]] = Field(max_length=20)  # the needs as catalog attributes
    query: str = Field(min_length=1, max_length=300)


@dataclass
class QuerierRound:
    round: int
    needs: str
    attributes: list[str]
    query: str
    candidates: list[dict[str, Any]]  # {product_id, score, rank}, mentioned items dropped
    dropped: list[str]
    reranked_product_id: str | None
    rerank_reason: str | None
    chosen_product_id: str
    target_in_candidates: bool
    injected: bool
    cache_keys: list[str]
    cost_usd: float


def rerank_model(product_ids: list[str]) -> type[BaseModel]:
    """An answer model whose product_id must be one of the candidates (the schema says so too)."""
    return create_model("RerankChoice", product_id=(Literal[tuple(product_ids)], ...),
                        reason=(str, Field("", max_length=300)))


class Querier:
    def __init__(self, gateway: Gateway, retriever: Retriever, products: dict[str, dict], config: MuseConfig):
        self.gateway, self.retriever, self.products = gateway, retriever, products
        self.top_k, self.pick, self.seed = config.retrieval.top_k, config.querier.pick, config.seed

    async def _candidates(self, query: str, mentioned: set[str]) -> tuple[list[dict[str, Any]], list[str]]:
        """Top-k hits minus mentioned items; if every hit was mentioned, look deeper (k, 2k, 4k ...).
        The query is embedded off the event loop, so other conversations go on meanwhile."""
        depth = self.top_k
        while True:
            hits = await search(self.retriever, query, depth)
            kept = [{"product_id": h.product_id, "score": float(h.score), "rank": h.rank} for h in hits
                    if h.product_id not in mentioned and h.product_id in self.products][: self.top_k]
            dropped = [h.product_id for h in hits if h.product_id in mentioned]
            if kept or len(hits) < depth:
                return kept, dropped
            depth *= 2

    async def find(self, dialogue: Dialogue, cid: str, round: int, target_id: str, limit_reached: bool) -> QuerierRound:
        entity = f"{cid}/r{round}"
        analysis = await self.gateway.run("querier_analyse", {"conversation": dialogue.context()}, entity_id=entity)
        plan = await self.gateway.run("querier_query", {"needs": analysis.value}, output=SearchPlan, entity_id=entity)
        mentioned = set(dialogue.mentioned())
        # the query a model wrote; if it matches nothing (a weak model's), the needs it read; if
        # those match nothing either, the user's own words. `searched` is what retrieval was given.
        searched = plan.value.query
        candidates, dropped = await self._candidates(searched, mentioned)
        for fallback in (analysis.value, " ".join(t.text for t in dialogue.turns if t.role == "user")):
            if candidates:
                break
            searched = fallback
            candidates, dropped = await self._candidates(searched, mentioned)
        keys, cost = [analysis.cache_key, plan.cache_key], analysis.cost_usd + plan.cost_usd
        chosen = reason = None
        ids = [c["product_id"] for c in candidates]
        if ids and self.pick == "random":  # the authors' rule: no model looks at them
            chosen = rng_for(self.seed, cid, "pick", round).choice(ids)
            reason = f"random pick from the top {len(ids)}"
        elif ids:
            rerank = await self.gateway.run(
                "querier_rerank", {"needs": analysis.value, "attributes": plan.value.attributes,
                                   "candidates": [self.products[i] for i in ids]},
                output=rerank_model(ids), entity_id=entity)
            chosen, reason = rerank.value.product_id, rerank.value.reason
            keys.append(rerank.cache_key)
            cost += rerank.cost_usd
        injected = limit_reached and chosen != target_id
        if chosen is None and not injected:
            raise NoCandidates(f"{cid} round {round}: retrieval found no product that was not already mentioned, "
                               f"for the query {plan.value.query!r}, the needs or the user's own words")
        return QuerierRound(round, analysis.value, plan.value.attributes, searched, candidates, dropped,
                            chosen, reason, target_id if injected else chosen,
                            any(c["product_id"] == target_id for c in candidates), injected, keys, cost)

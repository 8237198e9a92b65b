"""The multimodal opening obeys the domain's complement rule (issue 11, item 7): the stylist may
propose only a complementary kind, retrieval may return only one, and the opening is refused
otherwise (no jeans with shorts, no sandals with loafers). The rewriter's fact check is told prices."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from muse_core.config import OfflineConfig
from muse_core.llm import SkillResult
from muse_core.outfit_opening import StylistIdea, try_outfit_opening
from muse_core.profiles import MatchVerdict
from muse_core.retrieval import Hit
from muse_core.rewriter import product_facts
from muse_plugins.fashion import FASHION
from muse_plugins.fashion.complements import COMPLEMENTS
from muse_plugins.offline import outfit


def _product(pid: str, kind: str) -> dict[str, Any]:
    return {"product_id": pid, "title": f"Women's Black {kind.title()}", "summary": "", "price": 30.0,
            "categories": ["Clothing, Shoes & Jewelry", "Women"], "has_image": True,
            "attributes": {"product_type": kind, "colors": ["black"], "materials": [], "pattern": "solid"}}


class ScriptedGateway:
    """Answers the stylist with a fixed kind and the consultant with Yes; counts the calls."""

    def __init__(self, kind: str) -> None:
        self.kind, self.calls = kind, []

    async def run(self, skill: str, inputs: dict, output: type, **_: Any) -> SkillResult:
        self.calls.append(skill)
        value = (StylistIdea(item_type=self.kind, description=f"a black {self.kind} to wear with it")
                 if output is StylistIdea else MatchVerdict(answer="Yes", reason="goes well"))
        return SkillResult(value, f"key-{len(self.calls)}", False, 0.0)


class ListRetriever:
    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def search(self, query: str, k: int, exclude=()) -> list[Hit]:
        return [Hit(pid, 1.0 / (i + 1), i + 1) for i, pid in enumerate(self.ids[:k])]


def attempt(target_kind: str, proposed: str, retrieved: list[tuple[str, str]]) -> tuple[Any, ScriptedGateway]:
    products = {pid: _product(pid, kind) for pid, kind in retrieved}
    target = _product("TARGET", target_kind)
    products["TARGET"] = target
    gateway = ScriptedGateway(proposed)
    result = asyncio.run(try_outfit_opening(gateway, FASHION, ListRetriever(["TARGET", *[p for p, _ in retrieved]]),
                                            products, "c1", "A day out", target, 8))
    return result, gateway


def test_retrieval_that_finds_only_a_non_complement_refuses_the_opening() -> None:
    result, gateway = attempt("jeans", "sneakers", [("A", "shorts"), ("B", "jeans")])
    assert not result.compatible and result.outfit_product_id is None and "goes with jeans" in result.reason
    assert gateway.calls == ["outfit_stylist"]  # no consultant is asked about an impossible pair


def test_a_complementary_kind_is_found_past_a_non_complement_and_the_proposed_kind_first() -> None:
    result, _ = attempt("sandals", "jeans", [("L", "loafers"), ("S", "skirt"), ("J", "jeans")])
    assert result.compatible and result.outfit_product_id == "J"
    result, _ = attempt("sandals", "jeans", [("L", "loafers"), ("S", "skirt")])
    assert result.outfit_product_id == "S"  # another kind the rule allows


def test_a_model_writing_the_kind_in_capitals_still_gets_the_rule() -> None:
    result, _ = attempt("Jeans", "Sneakers", [("A", "shorts"), ("K", "sneakers")])
    assert result.compatible and result.outfit_product_id == "K"


@pytest.mark.parametrize("target, proposed", [("jeans", "shorts"), ("sandals", "loafers"), ("jeans", "jeans")])
def test_a_stylist_proposing_a_kind_outside_the_rule_is_refused(target: str, proposed: str) -> None:
    result, gateway = attempt(target, proposed, [("X", proposed), ("T", "t-shirt")])
    assert not result.compatible and "complement rule" in result.reason and gateway.calls == ["outfit_stylist"]


def test_the_offline_stylist_proposes_only_what_the_rule_offers() -> None:
    target = _product("T", "jeans")
    for seed in range(200):
        idea = outfit.stylist({"target": target, "scenario": "x", "complements": COMPLEMENTS["jeans"]}, [],
                              random.Random(seed), OfflineConfig())
        assert idea["item_type"] in COMPLEMENTS["jeans"]
    idea = outfit.stylist({"target": target, "scenario": "x", "complements": []}, [], random.Random(0),
                          OfflineConfig())
    assert idea["item_type"] == "none"  # nothing offered: the opening will be refused


def test_the_fact_check_is_told_the_price() -> None:
    facts = product_facts({"title": "Classic Tote", "price": 24.5,
                           "attributes": {"colors": ["navy"], "materials": ["canvas"]}})
    assert facts == ["Classic Tote", "navy", "canvas", "$24.50"]
    assert product_facts({"title": "T", "price": None, "attributes": {}}) == ["T"]

"""User simulator (paper 3.3.1, Figure 17): role-plays a scenario-grounded profile. It opens the
conversation, states its needs, accepts the target when it is recommended, and otherwise finds
the one main difference between the recommended item and its target and declines with it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from muse_core.dialogue import Dialogue
from muse_core.llm import Gateway, SkillResult


class Difference(BaseModel):
    aspect: str = Field(min_length=1, max_length=40)  # kind | colour | material | pattern | price | feature
    recommended: str = Field(min_length=1, max_length=120)  # what the recommended item has
    wanted: str = Field(min_length=1, max_length=120)  # what the user wants instead, as attribute words


class UserSimulator:
    def __init__(self, gateway: Gateway, conversation_id: str, profile: dict[str, Any], target: dict[str, Any]):
        self.gateway, self.cid, self.profile, self.target = gateway, conversation_id, profile, target

    def _images(self, *products: dict[str, Any] | None) -> list[str]:
        return [p["product_id"] for p in products if p and p["has_image"]]

    async def open(self, dialogue: Dialogue, outfit: dict[str, Any] | None) -> SkillResult:
        return await self.gateway.run("user_open", {"profile": self.profile, "outfit": outfit,
                                                    "conversation": dialogue.context()},
                                      image_product_ids=self._images(outfit), entity_id=f"{self.cid}/open")

    async def needs(self, dialogue: Dialogue, target_kind: str) -> SkillResult:
        inputs = {"profile": self.profile, "target_kind": target_kind, "requirement": self.profile["requirements"][0],
                  "conversation": dialogue.context()}
        return await self.gateway.run("user_needs", inputs, entity_id=f"{self.cid}/needs")

    async def aside(self, skill: str, dialogue: Dialogue, product: dict[str, Any], round: int) -> SkillResult:
        """The user's turn of a round action (chit-chat, or one a policy adds) about the recommendation."""
        return await self.gateway.run(skill, {"profile": self.profile, "product": product,
                                              "conversation": dialogue.context()},
                                      image_product_ids=self._images(product), entity_id=f"{self.cid}/r{round}")

    async def reject(self, dialogue: Dialogue, product: dict[str, Any], round: int) -> tuple[SkillResult, SkillResult]:
        """Compare the recommendation with the target (text and both images), then decline with
        the main difference. Returns (comparison, rejection)."""
        comparison = await self.gateway.run(
            "user_compare", {"profile": self.profile, "product": product, "target": self.target}, output=Difference,
            image_product_ids=self._images(product, self.target), entity_id=f"{self.cid}/r{round}")
        rejection = await self.gateway.run(
            "user_reject", {"conversation": dialogue.context(), "difference": comparison.value.model_dump()},
            entity_id=f"{self.cid}/r{round}")
        return comparison, rejection

    async def accept(self, dialogue: Dialogue, round: int) -> SkillResult:
        return await self.gateway.run("user_accept", {"profile": self.profile, "product": self.target,
                                                      "conversation": dialogue.context()},
                                      image_product_ids=self._images(self.target), entity_id=f"{self.cid}/r{round}")

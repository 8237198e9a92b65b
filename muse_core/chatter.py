"""Chatter (paper 3.3.2, Figure 18): the rec-assistant's voice. It greets, asks what the user
needs, recommends the product the querier found from its text and image, and answers chit-chat
while steering back to the last recommendation."""

from __future__ import annotations

from typing import Any

from muse_core.dialogue import Dialogue
from muse_core.llm import Gateway, SkillResult


class Chatter:
    def __init__(self, gateway: Gateway, conversation_id: str):
        self.gateway, self.cid = gateway, conversation_id

    async def greet(self) -> SkillResult:
        return await self.gateway.run("chatter_greet", {}, entity_id=f"{self.cid}/greet")

    async def ask(self, dialogue: Dialogue, outfit: dict[str, Any] | None) -> SkillResult:
        images = [outfit["product_id"]] if outfit and outfit["has_image"] else []
        return await self.gateway.run("chatter_ask", {"conversation": dialogue.context(), "outfit": outfit},
                                      image_product_ids=images, entity_id=f"{self.cid}/ask")

    async def recommend(self, dialogue: Dialogue, product: dict[str, Any], round: int) -> SkillResult:
        images = [product["product_id"]] if product["has_image"] else []
        return await self.gateway.run("chatter_recommend", {"conversation": dialogue.context(), "product": product},
                                      image_product_ids=images, entity_id=f"{self.cid}/r{round}")

    async def aside(self, skill: str, dialogue: Dialogue, product: dict[str, Any], round: int) -> SkillResult:
        """The assistant's reply in a round action (chit-chat, or one a policy adds)."""
        return await self.gateway.run(skill, {"conversation": dialogue.context(), "product": product},
                                      entity_id=f"{self.cid}/r{round}")

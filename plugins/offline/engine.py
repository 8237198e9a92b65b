"""The offline engine: a rule-based, seeded, deterministic stand-in for an MLLM.

It is a simulator, not a model. It answers each muse skill from the structured inputs the
gateway passes alongside the prompt, and reads attached images with Pillow. Its answers let
the pipeline run, be tested and be demonstrated without an API key; they are not LLM output.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline import (chatter, elements, evaluator, judge, malformed, outfit, pairwise, product_summary,
                             profile_match, purchase_backstory, querier, reviewer, rewriter, scenario_expand,
                             study_compare,
                             user_simulator)
from muse_plugins.offline.vision import ImageFacts, analyze_image

SkillRule = Callable[[dict[str, Any], list[ImageFacts], random.Random, OfflineConfig], dict[str, Any] | str]

# skill name -> rule
RULES: dict[str, SkillRule] = {
    "product_summary": product_summary.answer,
    "scenario_expand": scenario_expand.answer,
    "profile_match": profile_match.answer,
    "purchase_backstory": purchase_backstory.answer,
    "outfit_stylist": outfit.stylist,
    "outfit_check": outfit.check,
    "chatter_greet": chatter.greet,
    "chatter_ask": chatter.ask,
    "chatter_recommend": chatter.recommend,
    "chatter_chitchat": chatter.chitchat,
    "user_open": user_simulator.open_,
    "user_needs": user_simulator.needs,
    "user_compare": user_simulator.compare,
    "user_reject": user_simulator.reject,
    "user_chitchat": user_simulator.chitchat,
    "user_accept": user_simulator.accept,
    "querier_analyse": querier.analyse,
    "querier_query": querier.plan,
    "querier_rerank": querier.rerank,
    "rewrite_utterance": rewriter.rewrite,
    "rewrite_check": rewriter.check,
    "review_conversation": reviewer.review,
    "judge_conversation": judge.answer,
    "rec_query": evaluator.rec_query,
    "response_generate": evaluator.response,
    "tag_elements": elements.answer,
    "study_compare": study_compare.answer,
    "judge_pairwise": pairwise.answer,
}


class UnknownSkill(LookupError):
    pass


def rule_for(skill: str) -> SkillRule:
    """The built-in rule of a skill, else the one a plugin registered (hook muse_offline_rules)."""
    from muse_core.plugins import registry

    if skill in RULES:
        return RULES[skill]
    added = registry().entries["offline_rule"]
    if skill in added:
        return added[skill].obj.answer
    raise UnknownSkill(f"the offline engine has no rule for skill '{skill}' (a plugin that adds a skill registers "
                       f"one with the muse_offline_rules hook); it knows: {', '.join(sorted([*RULES, *added]))}")


def answer(skill: str, inputs: dict[str, Any], images: list[bytes], seed: int,
           options: OfflineConfig | None = None, reasks: int = 0) -> str:
    """The engine's answer text (JSON for structured skills) for one skill call. `options`: the
    `[offline]` settings (defaults if None); `reasks`: how many times the gateway re-asked already.
    A first try is malformed at the rate `options.malformed_p`; a re-ask never is, so the gateway
    always recovers."""
    rule = rule_for(skill)
    options = options or OfflineConfig()
    result = rule(inputs, [analyze_image(blob) for blob in images], random.Random(seed), options)
    form = malformed_form(skill, seed, options, reasks)
    if form is not None:
        return malformed.malform(result, form)
    return result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)


def malformed_form(skill: str, seed: int, options: OfflineConfig, reasks: int) -> malformed.Form | None:
    """How the engine spoils this answer, if it does: first tries only, at `options.malformed_p`."""
    return malformed.draw(seed, skill, options.malformed_p) if reasks == 0 else None


def reasks_in(messages: list[dict[str, Any]]) -> int:
    """How many answers the gateway already refused in this request: each re-ask appends one."""
    return sum(1 for message in messages if message.get("role") == "assistant")


def count_tokens(text: str) -> int:
    """Approximate tokens (about 4 characters each) so offline runs report plausible usage."""
    return max(1, len(text) // 4)

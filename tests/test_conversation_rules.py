"""Action policies, and the offline engine's conversation rules: properties that must hold for
any input (hypothesis), so the simulator's data stays coherent."""

import random
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from muse_core.action_policy import get_policy
from muse_core.config import OfflineConfig, load_config
from muse_core.plugins import registry
from muse_core.reviewer import ReviewScores
from muse_plugins.decaying_chitchat import DecayingChitchat
from muse_plugins.fixed_probability import FixedProbability
from muse_plugins.offline import rewriter, shopper_words, user_simulator
from muse_plugins.offline.lexicon import COLORS, MATERIALS
from muse_plugins.offline.needs import a_kind
from muse_plugins.offline.querier import plan, stated_needs
from muse_plugins.offline.reviewer import review

probability = st.floats(min_value=0, max_value=1)


def play(policy, rounds: int, seed: int) -> list[str]:
    actions, previous = [], None
    for r in range(1, rounds + 1):
        previous = policy.action(r, previous, random.Random(f"{seed}-{r}"))
        actions.append(previous)
    return actions


@given(st.dictionaries(st.integers(1, 6), probability), st.integers(0, 10_000))
def test_decaying_chitchat_never_chats_twice_in_a_row_or_off_schedule(by_round, seed) -> None:
    actions = play(DecayingChitchat(by_round), 6, seed)
    assert not any(a == b == "chitchat" for a, b in zip(actions, actions[1:]))
    assert all(by_round.get(r, 0) > 0 for r, a in enumerate(actions, 1) if a == "chitchat")


def test_decaying_chitchat_follows_the_papers_rates() -> None:
    policy = DecayingChitchat()
    share = {r: sum(policy.action(r, "recommend", random.Random(i)) == "chitchat" for i in range(4000)) / 4000
             for r in (1, 2, 3, 4)}
    assert share[1] == share[4] == 0
    assert abs(share[2] - 0.3) < 0.03 and abs(share[3] - 0.2) < 0.03


@given(probability, st.integers(0, 10_000))
def test_fixed_probability_never_chats_in_round_one_or_twice_in_a_row(p, seed) -> None:
    actions = play(FixedProbability(p), 6, seed)
    assert actions[0] == "recommend"
    assert not any(a == b == "chitchat" for a, b in zip(actions, actions[1:]))


def test_policies_are_plugins_and_bad_parameters_name_the_policy() -> None:
    assert {"decaying-chitchat", "no-chitchat", "fixed-probability"} <= set(registry().names("action_policy"))
    config = load_config(conversations={"policy": "fixed-probability", "policy_params": {"p": 0.5}})
    assert get_policy(config).p == 0.5
    with pytest.raises(ValueError, match="'fixed-probability' rejects .* must lie in"):
        get_policy(load_config(conversations={"policy": "fixed-probability", "policy_params": {"p": 2}}))
    with pytest.raises(ValueError, match="'no-chitchat' rejects"):
        get_policy(load_config(conversations={"policy": "no-chitchat", "policy_params": {"p": 0.1}}))


difference = st.sampled_from(["colour", "material", "kind"]).flatmap(lambda aspect: st.tuples(
    st.just(aspect),
    *([st.sampled_from(COLORS)] * 2 if aspect == "colour" else [st.sampled_from(MATERIALS)] * 2
      if aspect == "material" else [st.sampled_from(["jacket", "dress", "sneakers", "scarf", "watch"])] * 2)))


@settings(max_examples=300, deadline=None)
@given(difference, st.integers(0, 10_000))
def test_the_querier_reads_what_a_rejection_turns_down_and_asks_for(diff, seed) -> None:
    """With the catalog's own words and no vague, left-out or wrong values (the shopper's own words
    and those rates are tests/test_offline_language.py's), the querier reads a rejection exactly."""
    aspect, have, want = diff
    if have == want or have in want or want in have:  # "blue" inside "navy blue" is not a difference
        return
    quiet = OfflineConfig(need_vague_p=0, need_omit_p=0, need_wrong_p=0)
    with patch.object(shopper_words, "OWN_WORDS_P", 0):
        text = user_simulator.reject({"difference": {"aspect": aspect, "recommended": have, "wanted": want},
                                      "conversation": []}, [], random.Random(seed), quiet)
    wanted, turned_down = stated_needs([{"speaker": "Assistant", "text": f"Try this {have} one."},
                                        {"speaker": "User", "text": text}])
    assert want in wanted and have not in wanted, text
    query = plan({"needs": "Needs: " + "; ".join(wanted) + "\nTurned down: " + "; ".join(turned_down)}, [],
                 random.Random(seed), OfflineConfig())
    assert want in query["attributes"] and have not in query["attributes"]


facts = st.tuples(st.sampled_from(COLORS), st.sampled_from(MATERIALS), st.integers(5, 500), st.integers(0, 99))


@settings(max_examples=300, deadline=None)  # a shared, loaded machine: timing is not what this tests
@given(facts, st.booleans(), st.integers(0, 10_000))
def test_the_rewrite_check_passes_only_rewrites_that_keep_every_fact(fact, colloquial, seed) -> None:
    colour, material, dollars, cents = fact
    price = f"${dollars}.{cents:02d}"
    original = (f"I'd suggest the Classic Tote. It's a {colour} tote bag made of {material}. "
                f"It costs {price}. It should fit what you described.")
    rng = random.Random(seed)
    rewrite = rewriter.rewrite({"text": original, "colloquial": colloquial}, [], rng, OfflineConfig())
    verdict = rewriter.check({"original": original, "rewrite": rewrite, "facts": ["Classic Tote", colour, material]},
                             [], rng, OfflineConfig())
    kept_all = all(f.lower() in rewrite.lower() for f in ["Classic Tote", colour, material, price])
    assert (verdict["answer"] == "Yes") == kept_all, (rewrite, verdict)


@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_review_scores_are_0_to_2_in_steps_of_005(a, b, c) -> None:
    scores = ReviewScores(content_quality=a / 20, logical_fluency=b / 20, user_consistency=c / 20)
    assert scores.content_quality == a / 20


@given(st.floats(min_value=0, max_value=2).filter(lambda x: abs(round(x * 20) - x * 20) > 1e-4))
def test_review_scores_off_the_grid_are_refused(x) -> None:
    with pytest.raises(ValidationError, match="multiple of 0.05"):
        ReviewScores(content_quality=x, logical_fluency=1, user_consistency=1)


@pytest.mark.parametrize("kind, phrase", [
    ("jacket", "a jacket"), ("olive coat", "an olive coat"), ("boots", "a pair of boots"), ("dress", "a dress"),
    ("earrings", "a pair of earrings"), ("pajamas", "a pair of pajamas"), ("accessories", "some accessories")])
def test_a_kind_uses_the_article_a_shopper_would(kind, phrase) -> None:
    assert a_kind(kind) == phrase


def test_the_user_turns_down_the_main_difference_most_visible_first() -> None:
    def item(ptype, colour, material, dept="Women"):
        return {"title": f"{dept}'s {colour} {ptype}", "categories": ["Clothing, Shoes & Jewelry", dept],
                "price": 30.0, "attributes": {"product_type": ptype, "colors": [colour], "materials": [material],
                                              "pattern": "solid", "key_features": []}}

    target = item("coat", "navy", "wool")
    rng, right = random.Random(0), OfflineConfig(need_wrong_p=0)  # a wrong value has its own test
    compare = lambda rec: user_simulator.compare({"product": rec, "target": target}, [], rng, right)  # noqa: E731
    assert compare(item("jacket", "red", "nylon"))["aspect"] == "kind"
    assert compare(item("coat", "red", "nylon", "Men"))["aspect"] == "department"
    assert compare(item("coat", "red", "nylon")) == {"aspect": "colour", "recommended": "red", "wanted": "navy"}
    assert compare(item("coat", "navy", "nylon"))["wanted"] == "wool"
    assert compare(item("coat", "navy", "wool"))["aspect"] == "style"  # nothing differs: a vaguer reason


def test_the_offline_reviewer_marks_down_what_a_reviewer_should() -> None:
    target = {"title": "Women's Navy Wool Coat", "summary": "A navy coat made of wool."}
    good = [{"speaker": "Assistant", "text": "Hello! How can I help?"},
            {"speaker": "User", "text": "Hi. I need a coat, and I'd like navy."},
            {"speaker": "Assistant", "text": "Consider the Women's Navy Wool Coat. It's a navy coat made of wool."},
            {"speaker": "User", "text": "Thank you, the Women's Navy Wool Coat is exactly what I wanted."}]
    rules_only = OfflineConfig(reviewer_noise=0)  # the defect rules alone; the noise has its own tests
    scores = review({"conversation": good, "target": target, "recommended_titles": [target["title"]]}, [],
                    random.Random(0), rules_only)
    assert scores["content_quality"] + scores["logical_fluency"] + scores["user_consistency"] >= 5.5
    bad = good[:2] + [{"speaker": "User", "text": "I want pink leather boots instead, something striped."},
                      {"speaker": "Assistant", "text": "Ok."}, {"speaker": "Assistant", "text": "Ok."}]
    scores = review({"conversation": bad, "target": target, "recommended_titles": ["Red Silk Scarf"]}, [],
                    random.Random(0), rules_only)
    assert scores["content_quality"] + scores["logical_fluency"] + scores["user_consistency"] < 4, scores
    # the default noise does not drop a clean conversation
    for seed in range(20):
        noisy = review({"conversation": good, "target": target, "recommended_titles": [target["title"]]}, [],
                       random.Random(seed), OfflineConfig())
        assert noisy["content_quality"] + noisy["logical_fluency"] + noisy["user_consistency"] >= 4, noisy


def test_the_querier_falls_back_to_the_users_words_and_otherwise_says_why(store, offline_config) -> None:
    import asyncio

    from muse_core.config import QuerierConfig
    from muse_core.dialogue import Dialogue
    from muse_core.llm import Gateway
    from muse_core.querier import NoCandidates, Querier
    from muse_core.retrieval import Hit
    from muse_core.runs import start_run

    class OnlyOneWord:  # finds its product only when the query holds its word
        name, uses_vectors = "stub", False

        def __init__(self, word: str) -> None:
            self.word = word

        def search(self, query: str, k: int, exclude=()) -> list:
            return [Hit("P1", 1.0, 1)] if self.word in query.lower() else []

    config = offline_config.model_copy(update={"querier": QuerierConfig(pick="random"),  # no rerank call
                                               "retrieval": offline_config.retrieval.model_copy(update={"top_k": 8})})
    gateway = Gateway(store, config, start_run(store, "test", config))
    dialogue = Dialogue()
    dialogue.add(0, "assistant", "greet", "Hello! How can I help?", "k0")
    dialogue.add(0, "user", "open", "Honestly, anything zorblike would do for the weekend.", "k1")
    found = asyncio.run(Querier(gateway, OnlyOneWord("zorblike"), {"P1": {"product_id": "P1"}}, config)
                        .find(dialogue, "c1", 1, "P1", False))
    assert found.chosen_product_id == "P1"  # neither the query nor the needs held the user's odd word
    with pytest.raises(NoCandidates, match="the user's own words"):
        asyncio.run(Querier(gateway, OnlyOneWord("nowhere"), {"P1": {"product_id": "P1"}}, config)
                    .find(dialogue, "c2", 1, "P1", False))

import json

import pytest

from muse_plugins.offline import engine
from muse_plugins.offline.lexicon import COLORS, find_all
from muse_plugins.offline.product_summary import clean_features
from muse_plugins.offline.profile_match import suits_scenario
from muse_plugins.offline.vision import analyze_image
from tests.helpers import draw_product

PRODUCT = {"title": "Men's Navy Striped Linen Shirt for Summer Beach", "features": ["Linen", "Perfect gift!"],
           "description": [], "categories": [], "details": {"Color": "Navy"}, "price": 30.0, "store": "S"}


def test_vision_reads_colour_and_pattern_from_pixels(tmp_path) -> None:
    red = analyze_image(draw_product(tmp_path / "r.png", (200, 30, 40)).read_bytes())
    striped = analyze_image(draw_product(tmp_path / "s.png", (25, 35, 90), stripes=True).read_bytes())
    assert red.colors[0] == "red" and red.pattern == "solid"
    assert striped.colors[0] == "navy" and "white" in striped.colors and striped.pattern == "striped"
    assert 0.3 < red.coverage < 0.5
    assert analyze_image(draw_product(tmp_path / "k.png", (20, 20, 20)).read_bytes()).tone == "dark"
    assert analyze_image(draw_product(tmp_path / "w.png", (255, 255, 180)).read_bytes()).tone == "light"


def test_summary_is_deterministic_per_seed_and_reads_text_and_image(tmp_path) -> None:
    image = draw_product(tmp_path / "s.png", (25, 35, 90), stripes=True).read_bytes()
    first = json.loads(engine.answer("product_summary", {"product": PRODUCT}, [image], seed=7))
    again = json.loads(engine.answer("product_summary", {"product": PRODUCT}, [image], seed=7))
    assert first == again
    assert first["product_type"] == "shirt" and first["group"] == "clothing"
    assert first["colors"][0] == "navy" and "linen" in first["materials"] and first["pattern"] == "striped"
    assert "gift" not in first["summary"].lower()  # marketing is left out
    summaries = {json.loads(engine.answer("product_summary", {"product": PRODUCT}, [image], seed=s))["summary"]
                 for s in range(12)}
    assert len(summaries) > 1  # phrasing varies with the seed


def test_text_only_product_is_summarised_from_text() -> None:
    answer = json.loads(engine.answer("product_summary", {"product": PRODUCT}, [], seed=1))
    assert answer["colors"] == ["navy"]


def test_unknown_skill_is_refused_by_name() -> None:
    with pytest.raises(engine.UnknownSkill, match="product_summary"):
        engine.answer("write_poem", {}, [], 0)


def test_find_all_prefers_longer_phrases() -> None:
    assert find_all("A navy blue and light blue scarf", COLORS) == ["navy blue", "light blue"]


def test_a_type_no_need_lists_gets_no_opinion_from_any_scenario_word() -> None:
    """The profile judge's need table rules out only the types it knows: a sofa is neither refused
    for a party nor for a rainy autumn, while a listed type still is."""
    for scenario in ["Hosting a dinner party", "A rainy autumn", "Starting a new office job", "A birthday gift"]:
        assert suits_scenario("sofa", scenario) is None, scenario
        assert suits_scenario("hovercraft", scenario) is None, scenario
    assert suits_scenario("swimsuit", "A rainy autumn") is False
    assert suits_scenario("rain boots", "A rainy autumn") is True  # was refused: the type was in no need


def test_clean_features_drops_selling_sentences() -> None:
    kept = clean_features(["GREAT FIT: Soft cotton. Buy now!", "Satisfaction guaranteed", "Machine wash"])
    assert kept == ["Soft cotton", "Machine wash"]


def test_vision_agrees_with_the_bundled_sample_listings() -> None:
    """The sample's drawn images show the colour and pattern the listing names; the engine must see them."""
    from muse_plugins.fashion import FASHION

    expected_pattern = {"striped": "striped", "color block": "colour-block", "plaid": "patterned",
                        "polka dot": "patterned", "floral": "patterned"}
    rows = [json.loads(line) for line in FASHION.sample_catalog.open()]
    colour_hits = pattern_hits = 0
    for row in rows:
        facts = analyze_image((FASHION.sample_catalog.parent / row["images"][0]["large"]).read_bytes())
        listed = row["details"]["Color"].lower()
        pattern = next((p for word, p in expected_pattern.items() if word in listed), "solid")
        colour = listed.removesuffix(" " + next((w for w in expected_pattern if listed.endswith(w)), "")).strip()
        colour_hits += colour in facts.colors
        pattern_hits += facts.pattern == pattern
    assert colour_hits / len(rows) >= 0.9, colour_hits
    assert pattern_hits / len(rows) >= 0.85, pattern_hits

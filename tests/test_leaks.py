"""One leak rule (sql/views/leak_rule.sql) for the profile screen and the honesty views, and
honesty views that count each conversation once (issue 11, item 7)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muse_core.leaks import leak, leaks
from muse_core.store import Store

BOOTS = {"product_id": "P1", "title": "Marlowe Waterproof Leather Hiking Boots", "store": "Kestrel Outdoor",
         "details": {"Brand": "Kestrel Outdoor", "Style": "Trail Runner Mid", "Care Instructions": "Wipe clean",
                     "Color": "Brown", "Material": "Leather"},
         "attributes": {"product_type": "hiking boots", "colors": ["brown"], "materials": ["leather"],
                        "pattern": "solid"}}
CHINOS = {"product_id": "P2", "title": "Men's White Chino Trousers, Linen, for Summer", "store": "Ostra",
          "details": {"Brand": "Ostra", "Color": "White", "Material": "Linen", "Department": "Men"},
          "attributes": {"product_type": "chino trousers", "colors": ["white"], "materials": ["linen"],
                         "pattern": "solid"}}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A fresh database: schema, the leak macros and every view."""
    with Store(tmp_path_factory.mktemp("leaks") / "muse.duckdb") as opened:
        yield opened


@pytest.mark.parametrize("text, why", [
    ("She loved her old Kestrel Outdoor pair.", "names the brand 'Kestrel Outdoor'"),
    ("The marlowe waterproof leather hiking boots were it.", "names the title"),
    ("Those Marlowe waterproof leather ones again.", "repeats the title's words 'marlowe waterproof leather'"),
    ("Like the trail runner mid style, please.", "quotes the listing's Style: Trail Runner Mid"),
    # needs a shopper states are no leak: kind, colour, material, what it is for
    ("Waterproof leather boots for hiking, please.", None),
    ("She wanted something sturdy that keeps feet dry.", None),
    ("Brown leather hiking boots.", None),
    ("kestrel boots", None),  # part of a brand is not the brand
    ("", None),
])
def test_the_rule_names_why_a_text_gives_the_target_away(store: Store, text: str, why: str | None) -> None:
    assert leak(store.con, text, BOOTS) == why


def test_a_shoppers_description_is_no_leak_but_the_title_is(store: Store) -> None:
    # the case issue 11 quotes: the old profile screen flagged this, the old view did not
    assert leak(store.con, "I need mens white chino trousers in linen.", CHINOS) is None
    assert leak(store.con, "I need the men's white chino trousers, linen, for summer.", CHINOS) == "names the title"
    assert leak(store.con, "Something from Ostra would be nice.", CHINOS) == "names the brand 'Ostra'"


def _jacket(details: dict[str, str]) -> dict:
    return {"title": "Quilted Jacket", "store": "Northwind", "details": {"Brand": "Northwind", **details},
            "attributes": {"product_type": "jacket", "colors": ["green"], "materials": ["nylon"]}}


def test_a_detail_is_its_whole_key_and_whole_value_whatever_they_contain(store: Store) -> None:
    # a ': ' inside a value is part of it: half of the value is not the phrase
    cut = _jacket({"Style": "Aurora fit: zephyr cut"})
    assert leak(store.con, "Something with an aurora fit.", cut) is None
    assert leak(store.con, "The aurora fit zephyr cut one.", cut) == "quotes the listing's Style: Aurora fit: zephyr cut"
    # a ': ' inside a key does not hide the value
    keyed = _jacket({"Fit: Type": "Aurora Zephyr"})
    assert leak(store.con, "The aurora zephyr one, please.", keyed) == "quotes the listing's Fit: Type: Aurora Zephyr"


@pytest.mark.parametrize("need_key", ["Room", "Occasion", "Season"])
def test_the_needs_a_shopper_states_are_no_detail_leak_but_other_details_are(store: Store, need_key: str) -> None:
    text = "Shoes for weekend trail running."
    assert leak(store.con, text, _jacket({need_key: "Weekend Trail Running"})) is None
    assert leak(store.con, text, _jacket({"Style": "Weekend Trail Running"})) == \
        "quotes the listing's Style: Weekend Trail Running"


TITLE_WORDS = st.lists(st.sampled_from(["Aurel", "Vesta", "Pro", "Trail", "Classic", "Breathable", "Zephyr", "Mk2"]),
                       min_size=2, max_size=4, unique=True)
NEED_WORDS = st.lists(st.sampled_from(["navy", "cotton", "t-shirt", "striped", "men's", "for", "the", "a", "soft"]),
                      min_size=0, max_size=8)


@settings(max_examples=60, deadline=None)
@given(TITLE_WORDS, NEED_WORDS, st.sampled_from(["", "I want ", "Maybe the "]))
def test_quoting_the_title_always_leaks_and_need_words_never_do(store: Store, names: list[str], need: list[str],
                                                                 lead: str) -> None:
    product = {"title": " ".join(["Navy", *names, "Cotton T-Shirt"]), "store": "Brightwell",
               "details": {"Brand": "Brightwell", "Color": "Navy"},
               "attributes": {"product_type": "t-shirt", "colors": ["navy"], "materials": ["cotton"],
                              "pattern": "striped"}}
    assert leak(store.con, lead + product["title"].lower(), product) == "names the title"
    # three distinctive title words in a row leak; two do not
    run = " ".join(n.lower() for n in names[:3])
    assert leak(store.con, run, product) == (f"repeats the title's words '{run}'" if len(names) >= 3 else None)
    # a text made only of the product's own need words (type, colour, material, pattern) never leaks
    assert leak(store.con, " ".join(need), product) is None


def _plant(store: Store, product: dict, conversation_id: str, turns: list[tuple[str, str, str, list[str]]]) -> None:
    """A product with its summary, and one conversation with the given (role, action, text, product ids) turns."""
    con = store.con
    con.execute("INSERT OR IGNORE INTO products (product_id, domain, title, store, price, details, image_status,"
                " content_hash, source_path, source_line, run_id) VALUES (?, 'fashion', ?, ?, 99.0, ?, 'ok', 'h',"
                " 'planted', 1, 'r')", [product["product_id"], product["title"], product["store"],
                                         json.dumps(product["details"])])
    con.execute("INSERT OR IGNORE INTO product_summaries (product_id, summary, attributes, skill, skill_version,"
                " cache_key, run_id) VALUES (?, 's', ?, 'product_summary', 1, 'c', 'r')",
                [product["product_id"], json.dumps(product["attributes"])])
    con.execute("INSERT INTO conversations (conversation_id, conversation_set, k, profile_id, target_product_id,"
                " open_type, policy, round_limit, rounds, target_injected, accepted_round, cost_usd, run_id)"
                " VALUES (?, 'planted', 0, 'pr', ?, 'text', 'p', 4, 1, false, 1, 0, 'r')",
                [conversation_id, product["product_id"]])
    if turns:
        con.executemany("INSERT INTO turns VALUES (?, ?, 0, ?, ?, ?, ?, ?, [], 'c')",
                        [[conversation_id, i, role, action, text, text, ids] for i, (role, action, text, ids)
                         in enumerate(turns)])


def test_target_outcomes_counts_a_conversation_with_two_leaking_turns_once(tmp_path: Path) -> None:
    with Store(tmp_path / "planted.duckdb") as store:
        _plant(store, BOOTS, "leaky", [
            ("assistant", "greet", "Hello, how can I help?", []),
            ("user", "open", "I loved my Kestrel Outdoor boots.", []),                      # brand
            ("user", "needs", "The Marlowe waterproof leather ones, exactly.", []),          # title run
            ("assistant", "recommend", "Take a look at these.", ["P1", "GHOST"]),            # a grounding failure
            ("user", "accept", "Perfect, the Marlowe Waterproof Leather Hiking Boots.", ["P1", "GHOST2"]),
        ])
        _plant(store, CHINOS, "clean", [
            ("assistant", "greet", "Hello!", []),
            ("user", "needs", "White chino trousers in linen for summer, please.", []),
            ("assistant", "recommend", "These?", ["P2"]),
            ("user", "accept", "Yes, the Men's White Chino Trousers, Linen, for Summer.", ["P2"]),
        ])
        leaks = store.rows("SELECT conversation_id, idx, why FROM target_leaks ORDER BY ALL")
        assert [(r["conversation_id"], r["idx"]) for r in leaks] == [("leaky", 1), ("leaky", 2)]
        assert store.scalar("SELECT count(*) FROM grounding_failures WHERE conversation_id = 'leaky'") == 2
        [outcome] = store.rows("SELECT * FROM target_outcomes")
        assert (outcome["conversations"], outcome["organic"], outcome["leaked"], outcome["ungrounded"]) == (2, 2, 1, 1)
        assert outcome["leak_rate"] == 0.5 and outcome["mean_accepted_round"] == 1


def test_profile_screen_and_backstory_view_agree(tmp_path: Path) -> None:
    stories = ["She pictured her Kestrel Outdoor pair.", "Waterproof leather boots for hiking were a must.",
               "A Marlowe waterproof leather fan, she wanted more."]
    with Store(tmp_path / "backstories.duckdb") as store:
        _plant(store, BOOTS, "c", [])
        store.con.executemany("INSERT INTO profiles (profile_id, profile_set, user_id, scenario_id, target_product_id,"
                              " backstory, requirements, judge_cache_key, backstory_cache_key, run_id)"
                              " VALUES (?, 's', 'u', 'sc', 'P1', ?, ['a', 'b'], 'j', 'b', 'r')",
                              [[f"p{i}", story] for i, story in enumerate(stories)])
        view = {r["profile_id"]: r["why"] for r in store.rows("SELECT profile_id, why FROM backstory_leaks")}
        screen = {f"p{i}": leak(store.con, story, BOOTS) for i, story in enumerate(stories)}
        assert view == {k: v for k, v in screen.items() if v is not None} and len(view) == 2


def test_a_read_only_connection_queries_the_leak_views(tmp_path: Path) -> None:
    db = tmp_path / "ro.duckdb"
    with Store(db) as store:
        _plant(store, BOOTS, "leaky", [("user", "open", "My Kestrel Outdoor boots broke.", [])])
    with Store(db, read_only=True) as ro:
        assert ro.scalar("SELECT count(*) FROM target_leaks") == 1
        assert ro.scalar("SELECT leaked FROM target_outcomes") == 1
        assert leak(ro.con, "Kestrel Outdoor again", BOOTS) == "names the brand 'Kestrel Outdoor'"
    shown = subprocess.run([sys.executable, "-m", "muse_flows.cli", "sql", "--db", str(db),
                            "SELECT conversation_id, why FROM target_leaks"], capture_output=True, text=True, check=True)
    assert "leaky" in shown.stdout and "names the brand" in shown.stdout


def test_many_texts_in_one_query_get_what_each_gets_alone(store: Store) -> None:
    checks = [("Something from Ostra would be nice.", CHINOS), ("I need mens white chino trousers in linen.", CHINOS),
              ("The aurora zephyr one, please.", _jacket({"Fit": "Aurora Zephyr"})), ("", BOOTS)]
    assert leaks(store.con, checks) == [leak(store.con, text, product) for text, product in checks]
    assert leaks(store.con, checks)[0] == "names the brand 'Ostra'" and leaks(store.con, []) == []

"""Corpus readers and statistics (paper Tables 2 and 8): published figures on the shared ReDial
and INSPIRED files, properties of Distinct-n, hand-computed cases, and the muse-store reader."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from muse_core.config import IngestConfig
from muse_core.corpora import (
    Corpus,
    Utterance,
    read_corpus,
    read_inspired,
    read_redial,
    read_store,
)
from muse_core.crslab_metrics import crslab_distinct
from muse_core.stats import (
    TOKENIZERS,
    corpus_stats,
    distinct_n,
    ngram_specificity,
    save_stats,
    table2,
    table8,
    top_ngrams,
    word_frequencies,
)
from muse_core.store import Store
from tests.helpers import SHARED_DATA, needs_shared_data

REDIAL_TRAIN = SHARED_DATA / "dialogues" / "redial" / "train_data.jsonl"
INSPIRED_DEV = SHARED_DATA / "dialogues" / "inspired" / "dev.tsv"


def corpus_of(*dialogues: list[str]) -> Corpus:
    """Dialogues of plain strings, alternating user / assistant."""
    return Corpus(name="t", dialogues=[[Utterance(role=("user", "assistant")[i % 2], text=t) for i, t in enumerate(d)]
                                       for d in dialogues])


def rendered(table) -> str:
    console = Console(width=240, record=True)
    console.print(table)
    return console.export_text()


# -- published figures on the shared files ---------------------------------------------------

@needs_shared_data
@pytest.mark.shared_data
def test_redial_words_per_utterance_match_the_paper() -> None:
    corpus = read_redial(REDIAL_TRAIN)
    stats = corpus_stats(corpus, "whitespace")
    assert stats["conversations"] == 500
    assert abs(stats["words_per_utterance"] - 7.6) <= 0.3
    assert stats["utterances"] == sum(len(json.loads(line)["messages"]) for line in REDIAL_TRAIN.open())
    assert stats["images"] == 0 and 0 < stats["users"] <= 500 and stats["items"] > 500
    # @id placeholders became titles; the first dialogue mentions Bridesmaids as @140066.
    assert not any("@140066" in u.text for u in corpus.dialogues[0])
    assert any("Bridesmaids  (2011)" in u.text for u in corpus.dialogues[0])
    assert corpus.dialogues[0][0].role == "assistant"  # worker 696 (respondent) said "Hello" first


@needs_shared_data
@pytest.mark.shared_data
def test_inspired_words_per_utterance_match_the_paper() -> None:
    corpus = read_corpus(f"inspired:{INSPIRED_DEV}")
    stats = corpus_stats(corpus, "whitespace")
    assert (stats["conversations"], stats["utterances"], stats["users"]) == (99, 3538, 99)
    assert abs(stats["words_per_utterance"] - 7.9) <= 0.3
    assert stats["items"] and stats["items"] > 99
    assert corpus.dialogues[0][0] == Utterance(role="assistant", text="Hello how are you today?")
    assert not any("QUOTATION_MARK" in u.text for d in corpus.dialogues for u in d)


@needs_shared_data
@pytest.mark.shared_data
def test_nltk_splits_punctuation_so_utterances_get_longer() -> None:
    corpus = read_inspired(INSPIRED_DEV)
    ws, nl = corpus_stats(corpus, "whitespace"), corpus_stats(corpus, "nltk")
    assert nl["words_per_utterance"] > ws["words_per_utterance"] + 0.5
    assert nl["distinct_ngrams_1"] < ws["distinct_ngrams_1"]  # lower-cased, punctuation split off
    assert top_ngrams(corpus, n=4, k=3)[0][1] >= top_ngrams(corpus, n=4, k=3)[-1][1]


# -- readers: errors ---------------------------------------------------------------------------

def test_redial_bad_lines_name_file_line_and_problem(tmp_path: Path) -> None:
    good = {"messages": [{"text": "hi @1 and @9", "senderWorkerId": 5}, {"text": "yo", "senderWorkerId": 6}],
            "initiatorWorkerId": 5, "respondentWorkerId": 6, "movieMentions": {"1": "Alien (1979)"}}
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(good) + "\n")
    corpus = read_redial(path)
    assert corpus.dialogues[0] == [Utterance(role="user", text="hi Alien (1979) and @9"),
                                   Utterance(role="assistant", text="yo")]
    assert (corpus.users, corpus.items, corpus.images) == (1, 2, 0)  # ids 1 and 9 were mentioned
    path.write_text(json.dumps(good) + "\n{not json\n")
    with pytest.raises(ValueError, match=r"r\.jsonl:2: not a ReDial dialogue: Invalid JSON"):
        read_redial(path)
    stranger = dict(good, messages=[{"text": "x", "senderWorkerId": 7}])
    path.write_text(json.dumps(stranger) + "\n")
    with pytest.raises(ValueError, match=r"r\.jsonl:1: message 0 was sent by worker 7"):
        read_redial(path)
    path.write_text(json.dumps({"messages": []}) + "\n")
    with pytest.raises(ValueError, match="initiatorWorkerId: Field required"):
        read_redial(path)


def test_inspired_rejects_unknown_speakers_and_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "i.tsv"
    path.write_text("dialog_id\tspeaker\ttext\nd1\tSEEKER\thi\nd1\tROBOT\tbeep\n")
    with pytest.raises(ValueError, match=r"i\.tsv:3: unknown speaker 'ROBOT'"):
        read_inspired(path)
    path.write_text("dialog_id\ttext\nd1\thi\n")
    with pytest.raises(ValueError, match="lacks column"):
        read_inspired(path)
    path.write_text('dialog_id\tspeaker\ttext\nd1\tSEEKER\tsay "hi"\nd2\tRECOMMENDER\tok\n')
    corpus = read_inspired(path)
    assert corpus.dialogues == [[Utterance(role="user", text='say "hi"')], [Utterance(role="assistant", text="ok")]]
    assert (corpus.users, corpus.items) == (2, None)  # no movies column: items unknown


def test_corpus_lines_are_bounded_like_catalog_lines(tmp_path: Path) -> None:
    limit = IngestConfig().max_line_bytes
    good = {"messages": [{"text": "hi", "senderWorkerId": 5}], "initiatorWorkerId": 5, "respondentWorkerId": 6}
    huge = dict(good, messages=[{"text": "x" * limit, "senderWorkerId": 5}])
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(huge) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(ValueError, match=r"^\S*r\.jsonl:2: record too large \([\d,]+ bytes > [\d,]+\)$"):
        read_redial(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good)[:-1] + " " * (limit - 200) + "}\n")
    assert len(read_redial(path).dialogues) == 2  # just under the bound is read
    tsv = tmp_path / "i.tsv"
    tsv.write_text("dialog_id\tspeaker\ttext\nd1\tSEEKER\thi\nd1\tSEEKER\t" + "x" * limit + "\n")
    with pytest.raises(ValueError, match=r"^\S*i\.tsv:3: record too large"):
        read_inspired(tsv)
    tsv.write_bytes(b"dialog_id\tspeaker\ttext\nd1\tSEEKER\t\xff\n")
    with pytest.raises(ValueError, match=r"^\S*i\.tsv:2: not UTF-8 text"):
        read_inspired(tsv)


def test_inspired_csv_errors_name_file_and_line(tmp_path: Path) -> None:
    # a field past csv's own limit (131,072 characters) but within the line bound
    path = tmp_path / "i.tsv"
    path.write_text("dialog_id\tspeaker\ttext\nd1\tSEEKER\thi\nd1\tSEEKER\t" + "x" * (csv.field_size_limit() + 1) + "\n")
    with pytest.raises(ValueError, match=r"^\S*i\.tsv:3: field larger than field limit"):
        read_inspired(path)
    path.write_text("dialog_id\tspeaker\t" + "x" * (csv.field_size_limit() + 1) + "\n")
    with pytest.raises(ValueError, match=r"^\S*i\.tsv:1: field larger than field limit"):
        read_inspired(path)


def test_read_corpus_rejects_unknown_kinds(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown corpus kind 'pearl'.*redial, inspired"):
        read_corpus(f"pearl:{tmp_path}")
    with pytest.raises(ValueError, match="KIND:PATH"):
        read_corpus("redial")
    with pytest.raises(ValueError, match="does not exist"):
        read_corpus(f"redial:{tmp_path / 'absent.jsonl'}")


# -- Distinct-n and specificity ----------------------------------------------------------------

def test_distinct_and_specificity_by_hand() -> None:
    # bigrams: (a b) (b a) (a b) | (a b) (b c)  -> 5 in all, 3 unique; "c" alone has none.
    utterances = [["a", "b", "a", "b"], ["a", "b", "c"], ["c"]]
    assert distinct_n(utterances, 2) == pytest.approx(3 / 5)
    assert distinct_n(utterances, 1) == pytest.approx(3 / 8)  # a a a b b b c c: 3 unique of 8
    # only (b a) and (b c) occur once: 2 of the 5 occurrences
    assert ngram_specificity(utterances, 2) == pytest.approx(40.0)
    assert distinct_n([["x"]], 2) == 0.0 and ngram_specificity([], 3) == 0.0
    with pytest.raises(ValueError, match="at least 1"):
        distinct_n(utterances, 0)


def test_corpus_stats_by_hand_and_key_order() -> None:
    corpus = corpus_of(["I like red shoes", "red shoes it is"], ["I like red shoes"])
    stats = corpus_stats(corpus)
    assert list(stats)[:7] == ["conversations", "utterances", "utterances_per_conversation",
                               "words_per_utterance", "users", "items", "images"]
    assert list(stats)[-1] == "ngram_specificity"
    assert (stats["conversations"], stats["utterances"]) == (2, 3)
    assert stats["utterances_per_conversation"] == 1.5 and stats["words_per_utterance"] == 4.0
    assert stats["users"] is None and stats["images"] is None
    # 4-grams: "I like red shoes" twice, "red shoes it is" once -> 3 total, 2 unique, 1 hapax
    assert (stats["ngrams_4"], stats["distinct_ngrams_4"], stats["distinct_4"]) == (3, 2, pytest.approx(2 / 3))
    assert stats["ngram_specificity"] == stats["ngram_specificity_4"] == pytest.approx(100 / 3)
    assert top_ngrams(corpus, n=4, k=5) == [("I like red shoes", 2), ("red shoes it is", 1)]
    # CRSLab's Dist-n: distinct n-grams / utterances; I like red shoes it is: 6 words over 3 utterances
    assert (stats["crslab_dist_1"], stats["crslab_dist_2"]) == (2.0, pytest.approx(5 / 3))
    assert stats["crslab_dist_4"] == pytest.approx(2 / 3)
    words = word_frequencies(corpus)
    assert words["red"] == 3 and words["shoes"] == 3 and "i" not in words and "is" not in words


tokens = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=8)
utterance_lists = st.lists(tokens, max_size=12)


@settings(max_examples=200, deadline=None)
@given(utterance_lists, st.integers(min_value=1, max_value=4))
def test_distinct_n_is_a_share(utterances: list[list[str]], n: int) -> None:
    value = distinct_n(utterances, n)
    assert 0.0 <= value <= 1.0
    assert 0.0 <= ngram_specificity(utterances, n) <= 100.0 * value + 1e-9
    if any(len(u) >= n for u in utterances):
        assert value > 0.0


@settings(max_examples=100, deadline=None)
@given(st.lists(utterance_lists, min_size=1, max_size=5))
def test_corpus_stats_crslab_dist_is_crslab_distinct(dialogues: list[list[list[str]]]) -> None:
    # corpus_stats derives Dist-n (CRSLab) from its own n-gram counts; it must be crslab_distinct's
    corpus = corpus_of(*[[" ".join(u) for u in d] for d in dialogues])
    stats = corpus_stats(corpus)
    utterances = [u for d in dialogues for u in d]
    assert [stats[f"crslab_dist_{n}"] for n in range(1, 5)] == [crslab_distinct(utterances, n) for n in range(1, 5)]
    assert list(stats)[-5:] == [*(f"crslab_dist_{n}" for n in range(1, 5)), "ngram_specificity"]  # the key order


@settings(max_examples=100, deadline=None)
@given(st.lists(utterance_lists, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_stats_do_not_depend_on_order(dialogues: list[list[list[str]]], rnd: random.Random) -> None:
    corpus = corpus_of(*[[" ".join(u) for u in d] for d in dialogues])
    shuffled = [list(d) for d in corpus.dialogues]
    for d in shuffled:
        rnd.shuffle(d)
    rnd.shuffle(shuffled)
    assert corpus_stats(corpus) == corpus_stats(corpus.model_copy(update={"dialogues": shuffled}))


@settings(max_examples=100, deadline=None)
@given(utterance_lists, st.integers(min_value=1, max_value=4))
def test_duplicating_the_corpus_halves_distinct_n(utterances: list[list[str]], n: int) -> None:
    corpus = corpus_of(*[[" ".join(u)] for u in utterances])
    twice = corpus.model_copy(update={"dialogues": corpus.dialogues * 2})
    once, doubled = corpus_stats(corpus), corpus_stats(twice)
    assert doubled[f"distinct_ngrams_{n}"] == once[f"distinct_ngrams_{n}"]
    assert doubled[f"ngrams_{n}"] == 2 * once[f"ngrams_{n}"]
    assert doubled[f"distinct_{n}"] == once[f"distinct_{n}"] / 2  # exact: same numerator, twice the denominator
    assert doubled[f"ngram_specificity_{min(max(n, 2), 4)}"] == 0.0  # nothing occurs once any more


@settings(max_examples=100, deadline=None)
@given(utterance_lists, st.lists(st.sampled_from(["x", "y", "a"]), max_size=3), st.integers(min_value=1, max_value=4))
def test_an_utterance_shorter_than_n_adds_nothing(utterances: list[list[str]], short: list[str], n: int) -> None:
    short = short[:n - 1]
    assert distinct_n(utterances + [short], n) == distinct_n(utterances, n)
    assert ngram_specificity([short] + utterances, n) == ngram_specificity(utterances, n)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=12).filter(lambda s: s not in TOKENIZERS))
def test_tokenizers_are_named_and_validated(name: str) -> None:
    corpus = corpus_of(["Hello, World!"])
    with pytest.raises(ValueError, match="known tokenizers: whitespace, nltk"):
        corpus_stats(corpus, name)
    assert TOKENIZERS["whitespace"]("Hello, World!") == ["Hello,", "World!"]
    assert TOKENIZERS["nltk"]("Hello, World!") == ["hello", ",", "world", "!"]


# -- the muse store ----------------------------------------------------------------------------

def _conversation(store: Store, cid: str, cset: str, k: int, profile: str, target: str, kept: bool,
                  turns: list[tuple[str, str, list[str], list[str]]]) -> None:
    store.con.execute("INSERT INTO conversations (conversation_id, conversation_set, k, profile_id,"
                      " target_product_id, open_type, policy, round_limit, rounds, target_injected,"
                      " accepted_round, cost_usd, run_id) VALUES (?, ?, ?, ?, ?, 'text', 'p', 4, 1, FALSE, 1, 0, 'r')",
                      [cid, cset, k, profile, target])
    for idx, (role, text, pids, images) in enumerate(turns):
        store.con.execute("INSERT INTO turns VALUES (?, ?, 0, ?, 'ask', ?, ?, ?, ?, 'ck')",
                          [cid, idx, role, text, text, pids, images])
    store.con.execute("INSERT INTO reviews VALUES (?, 2, 2, 2, 6, 5, ?, 'ok', 'ck', 'r', NULL)", [cid, kept])


def test_read_store_counts_users_items_and_images(tmp_path: Path) -> None:
    with Store(tmp_path / "t.duckdb") as store:
        for user in ("u1", "u2"):
            store.con.execute("INSERT INTO users VALUES (?, 'Ann', 'female', 30, 'nurse', 'fashion', 'r')", [user])
        for profile, user in (("p1", "u1"), ("p2", "u1"), ("p3", "u2")):
            store.con.execute("INSERT INTO profiles (profile_id, profile_set, user_id, scenario_id, target_product_id,"
                              " backstory, requirements, judge_cache_key, backstory_cache_key, run_id)"
                              " VALUES (?, 's', ?, 'sc', 'T', 'b', ['x', 'y'], 'j', 'b', 'r')", [profile, user])
        _conversation(store, "A-0", "A", 0, "p1", "T1", True, [
            ("assistant", "hello there", [], []),
            ("user", "I want red shoes", [], ["O1"]),
            ("assistant", "try these red shoes", ["P1"], ["P1"])])
        _conversation(store, "A-1", "A", 1, "p2", "T2", False, [
            ("assistant", "hi", [], []), ("user", "boots please", ["T2"], [])])
        _conversation(store, "B-0", "B", 0, "p3", "T3", True, [("assistant", "welcome", [], [])])

        every = read_store(store)
        assert every.name == "muse:all"
        assert [len(d) for d in every.dialogues] == [3, 2, 1]
        assert every.dialogues[0][1] == Utterance(role="user", text="I want red shoes")
        assert (every.users, every.items, every.images) == (2, 4, 2)  # items T1 T2 T3 P1; images O1 P1

        one_set = read_store(store, "A")
        assert one_set.name == "muse:A" and len(one_set.dialogues) == 2
        assert (one_set.users, one_set.items, one_set.images) == (1, 3, 2)

        kept = read_store(store, "A", kept_only=True)
        assert kept.name == "muse:A:kept" and len(kept.dialogues) == 1
        assert (kept.users, kept.items, kept.images) == (1, 2, 2)

        stats = corpus_stats(one_set)
        assert (stats["conversations"], stats["utterances"], stats["words_per_utterance"]) == (2, 5, 2.6)
        save_stats(store, "run1", one_set.name, "whitespace", stats)
        save_stats(store, "run1", one_set.name, "whitespace", stats)  # re-running replaces
        saved = {r["metric"]: r["value"] for r in store.rows(
            "SELECT metric, value FROM corpus_stats WHERE run_id = 'run1' AND corpus = 'muse:A'")}
        assert len(saved) == len(stats) and saved["utterances"] == 5.0 and saved["images"] == 2.0
        with pytest.raises(ValueError, match="unknown tokenizer"):
            save_stats(store, "run1", one_set.name, "spacy", stats)


def test_tables_name_the_tokenizer_and_print_missing_values_as_dash() -> None:
    known = corpus_stats(corpus_of(["I like red shoes"]).model_copy(update={"users": 1, "items": 2, "images": 0}))
    unknown = corpus_stats(corpus_of(["red shoes it is", "ok"]), "nltk")
    text2 = rendered(table2([("known", known), ("unknown", unknown)], "nltk"))
    assert "nltk" in text2 and "#Words/Utterance" in text2
    users_row = next(line for line in text2.splitlines() if "#Users" in line)
    assert users_row.split("│")[2].strip() == "1" and users_row.split("│")[3].strip() == "-"
    text8 = rendered(table8([("known", known)], "whitespace"))
    assert "whitespace" in text8 and "muse's definition" in text8
    distinct4 = next(line for line in text8.splitlines() if "Distinct-4" in line)
    assert distinct4.split("│")[2].strip() == "1.000"
    crslab2 = next(line for line in text8.splitlines() if "Dist-2 (CRSLab" in line)
    assert crslab2.split("│")[2].strip() == "3.000"  # 3 distinct bigrams in 1 utterance

"""Corpus statistics: MUSE Table 2 (size and length) and Table 8 (lexical diversity).

All n-gram counts are corpus-level and pooled over utterances: an n-gram never spans two
utterances, and Distinct-n = unique n-grams / all n-grams of the whole corpus. Corpus-level
Distinct-n falls as a corpus grows, so only compare corpora of similar size.

`crslab_dist_n` is Distinct-n in CRSLab's convention (distinct n-grams / utterances; see
`muse_core.crslab_metrics`), stored and tabled beside muse's own, labelled.

N-gram specificity is not defined in the paper. muse's definition (see `ngram_specificity`)
is the percentage of all n-gram occurrences whose n-gram occurs exactly once in the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import nltk
from rich.table import Table

from muse_core.corpora import Corpus
from muse_core.store import Store

NS = (1, 2, 3, 4)
SPECIFICITY_NS = (2, 3, 4)  # the rows of the paper's Table 8


def _nltk_tokens(text: str) -> list[str]:
    # preserve_line=True skips the punkt sentence splitter, which needs downloaded data.
    return nltk.word_tokenize(text.lower(), preserve_line=True)


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {
    "whitespace": str.split,  # case kept; the published words/utterance figures match this one
    "nltk": _nltk_tokens,
}


def get_tokenizer(name: str) -> Callable[[str], list[str]]:
    if name not in TOKENIZERS:
        raise ValueError(f"unknown tokenizer {name!r}; known tokenizers: {', '.join(TOKENIZERS)}")
    return TOKENIZERS[name]


def tokenize_corpus(corpus: Corpus, tokenizer: str = "whitespace") -> list[list[list[str]]]:
    """Tokens per utterance per dialogue."""
    tokenize = get_tokenizer(tokenizer)
    return [[tokenize(u.text) for u in dialogue] for dialogue in corpus.dialogues]


def ngrams(tokens: list[str], n: int) -> Iterator[tuple[str, ...]]:
    if n < 1:
        raise ValueError(f"n-gram size must be at least 1, got {n}")
    return (tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def ngram_counts(token_lists: Iterable[list[str]], n: int) -> Counter[tuple[str, ...]]:
    """How often each n-gram occurs, pooled over utterances (no n-gram crosses two)."""
    counts: Counter[tuple[str, ...]] = Counter()
    for tokens in token_lists:
        counts.update(ngrams(tokens, n))
    return counts


def _distinct(counts: Counter[tuple[str, ...]]) -> float:
    total = sum(counts.values())
    return len(counts) / total if total else 0.0


def _specificity(counts: Counter[tuple[str, ...]]) -> float:
    total = sum(counts.values())
    return 100.0 * sum(1 for c in counts.values() if c == 1) / total if total else 0.0


def distinct_n(token_lists: Iterable[list[str]], n: int) -> float:
    """Corpus-level Distinct-n: unique n-grams / all n-grams; 0.0 when there are none."""
    return _distinct(ngram_counts(token_lists, n))


def ngram_specificity(token_lists: Iterable[list[str]], n: int) -> float:
    """muse's n-gram specificity, in percent: the share of all n-gram occurrences whose n-gram
    occurs exactly once in the corpus (hapax n-grams / all n-grams x 100); 0.0 when there are
    none.

    The paper reports "n-gram Specificity" (Table 8) without a definition. This one reads
    as "how much of the text is phrasing found nowhere else", rises with n like the paper's
    figures, and is at most 100 x Distinct-n, which the paper's figures also satisfy."""
    return _specificity(ngram_counts(token_lists, n))


def corpus_stats(corpus: Corpus, tokenizer: str = "whitespace") -> dict[str, float | None]:
    """Table 2 and Table 8 figures of a corpus, in a fixed key order. `ngram_specificity` is the
    4-gram specificity (the Table 8 headline); `ngram_specificity_{n}` gives n = 2, 3, 4;
    `crslab_dist_{n}` is Dist-n in CRSLab's convention (distinct n-grams / utterances)."""
    dialogues = tokenize_corpus(corpus, tokenizer)
    utterances = [tokens for dialogue in dialogues for tokens in dialogue]
    stats: dict[str, float | None] = {
        "conversations": len(dialogues),
        "utterances": len(utterances),
        "utterances_per_conversation": len(utterances) / len(dialogues) if dialogues else 0.0,
        "words_per_utterance": sum(map(len, utterances)) / len(utterances) if utterances else 0.0,
        "users": corpus.users,
        "items": corpus.items,
        "images": corpus.images,
    }
    spoken = sum(1 for tokens in utterances if tokens)  # CRSLab's denominator: non-empty utterances
    crslab: dict[str, float | None] = {}  # kept apart so the keys stay in their fixed order
    for n in NS:
        counts = ngram_counts(utterances, n)
        stats[f"ngrams_{n}"] = sum(counts.values())
        stats[f"distinct_ngrams_{n}"] = len(counts)
        stats[f"distinct_{n}"] = _distinct(counts)
        if n in SPECIFICITY_NS:
            stats[f"ngram_specificity_{n}"] = _specificity(counts)
        # crslab_metrics.crslab_distinct, from the counts already made
        crslab[f"crslab_dist_{n}"] = len(counts) / spoken if spoken else 0.0
    stats.update(crslab)
    stats["ngram_specificity"] = stats[f"ngram_specificity_{SPECIFICITY_NS[-1]}"]
    return stats


def top_ngrams(corpus: Corpus, n: int = 4, k: int = 10, tokenizer: str = "whitespace") -> list[tuple[str, int]]:
    """The k most frequent n-grams (paper Figures 10-12), ties broken alphabetically."""
    counts = ngram_counts((t for d in tokenize_corpus(corpus, tokenizer) for t in d), n)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(" ".join(gram), count) for gram, count in ranked[:k]]


# A small list on purpose: enough to keep function words out of a word cloud.
STOP_WORDS = frozenset("""
a an the and or but if so of to in on at by for with from as into about than then that this these
those it its it's i i'm me my we our you your he she him her his they them their is am are was were
be been being do does did have has had will would can could should shall may might must not no
just very too also what which who how there here up out all any some more most one like
""".split())


def word_frequencies(corpus: Corpus, tokenizer: str = "whitespace") -> Counter[str]:
    """Word counts for a word cloud: lower-cased tokens without stop words or punctuation."""
    counts: Counter[str] = Counter()
    for dialogue in tokenize_corpus(corpus, tokenizer):
        for tokens in dialogue:
            counts.update(w for w in (t.lower() for t in tokens)
                          if w not in STOP_WORDS and any(ch.isalnum() for ch in w))
    return counts


def save_stats(store: Store, run_id: str, corpus_name: str, tokenizer: str, stats: dict[str, Any]) -> None:
    """One corpus_stats row per metric; re-running the same (run, corpus, tokenizer) replaces them."""
    get_tokenizer(tokenizer)  # validate: the table should only hold known tokenizer names
    rows = [(run_id, corpus_name, tokenizer, metric, None if value is None else float(value))
            for metric, value in stats.items()]
    with store.transaction() as con:
        con.executemany("INSERT OR REPLACE INTO corpus_stats (run_id, corpus, tokenizer, metric, value)"
                        " VALUES (?, ?, ?, ?, ?)", rows)


# -- tables -----------------------------------------------------------------------------------

def _metric_table(title: str, rows: list[tuple[str, dict]], metrics: list[tuple[str, str, int]]) -> Table:
    """Metrics down, corpora across, as in the paper. `digits` 0 prints an integer count."""
    table = Table(title=title)
    table.add_column("metric")
    for name, _ in rows:
        table.add_column(name, justify="right")
    for label, key, digits in metrics:
        cells = []
        for _, stats in rows:
            value = stats.get(key)
            cells.append("-" if value is None else (f"{int(value):,}" if digits == 0 else f"{value:.{digits}f}"))
        table.add_row(label, *cells)
    return table


def table2(rows: list[tuple[str, dict]], tokenizer: str) -> Table:
    """MUSE Table 2: dataset statistics, one column per corpus."""
    return _metric_table(f"Dataset statistics (MUSE Table 2), {tokenizer} tokens", rows, [
        ("#Dialogues", "conversations", 0),
        ("#Utterances", "utterances", 0),
        ("#Users", "users", 0),
        ("#Items", "items", 0),
        ("#Images", "images", 0),
        ("#Utterances/Dialogue", "utterances_per_conversation", 2),
        ("#Words/Utterance", "words_per_utterance", 2),
    ])


def table8(rows: list[tuple[str, dict]], tokenizer: str) -> Table:
    """MUSE Table 8: lexical diversity, one column per corpus. Specificity is muse's definition."""
    metrics = [(f"Distinct-{n}", f"distinct_{n}", 3) for n in NS]
    metrics += [("#Distinct 4-grams", "distinct_ngrams_4", 0), ("#4-grams", "ngrams_4", 0)]
    metrics += [(f"{n}-gram specificity (muse def., %)", f"ngram_specificity_{n}", 2) for n in SPECIFICITY_NS]
    metrics += [(f"Dist-{n} (CRSLab: distinct / utterances)", f"crslab_dist_{n}", 3) for n in NS]
    return _metric_table(f"Lexical diversity (MUSE Table 8), {tokenizer} tokens; Distinct-n = distinct / all n-grams"
                         " of the corpus (muse); Dist-n (CRSLab) = distinct n-grams / utterances; specificity = % of"
                         " n-gram occurrences that occur once (muse's definition)", rows, metrics)

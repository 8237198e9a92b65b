"""`muse report`: one self-contained HTML file about the store's dataset: statistics tables,
the paper's plots (top 4-grams and a word cloud, Figures 10-12; actions and dialogue elements,
Figure 4; product categories, Figure 7; screen pass rates, Figure 9), Table 3 (MUSE beside the
external corpora the judge scored, each column naming its judge), judge score histograms, the two
evaluation tasks (the upper bound apart; BLEU and Distinct in muse's and CRSLab's conventions),
cost per stage and per kept conversation, organic vs injected success.
Plots are PNGs embedded as data URLs, so the page reads with no network. Every text that comes
from the data (product titles, utterances) is escaped: it is untrusted."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory
import matplotlib.pyplot as plt  # noqa: E402
from wordcloud import WordCloud  # noqa: E402

from muse_core.corpora import Corpus, read_store  # noqa: E402
from muse_core.judge import ASPECTS, MUSE, OFFLINE_ENGINE, table3, table3_rows  # noqa: E402
from muse_core.rec_task import method_label  # noqa: E402
from muse_core.stats import NS, corpus_stats, top_ngrams, word_frequencies  # noqa: E402
from muse_core.store import Store  # noqa: E402

STAGE_OF_SKILL = {
    "product_summary": "summaries", "scenario_expand": "scenarios", "profile_match": "profiles",
    "purchase_backstory": "profiles", "rewrite_utterance": "rewrite", "rewrite_check": "rewrite",
    "review_conversation": "review", "judge_conversation": "evaluation", "rec_query": "evaluation",
    "response_generate": "evaluation", "tag_elements": "evaluation",
}  # every other skill belongs to the conversation simulation


def stage_of(skill: str) -> str:
    return STAGE_OF_SKILL.get(skill, "conversations")


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode("ascii")}">'


def _bars(labels: list[str], values: list[float], title: str, xlabel: str = "") -> str:
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(labels) + 1.2))
    ax.barh(labels[::-1], values[::-1], color="#4c72b0")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return _png(fig)


def _table(rows: list[dict[str, Any]], caption: str) -> str:
    if not rows:
        return f"<p class=note>{html.escape(caption)}: nothing stored yet.</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row.values()) + "</tr>"
                   for row in rows)
    return f"<table><caption>{html.escape(caption)}</caption><tr>{head}</tr>{body}</table>"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _studies(store: Store) -> list[str]:
    """Human evaluation studies (Figure 5, Tables 7 and 9): each study's results beside the paper's."""
    from muse_core.study_results import results_table, studies_in, study_results

    ids = studies_in(store)
    if not ids:
        return []
    out = ["<h2>Human evaluation (Figure 5, Tables 7 and 9)</h2>",
           "<p class=note>Shares of muse's side winning, tying and losing, Wilson 95% intervals in brackets; "
           "agreement on win / tie / loss (muse study results ID --csv FILE exports them).</p>"]
    for study_id in ids:
        facts, results = study_results(store, study_id)
        header, body = results_table(results)
        out.append(_table([dict(zip(header, row)) for row in body],
                          f"study {study_id}: {facts['kind']}, {facts['n_items']} items; paper {facts['paper']}: "
                          f"{facts['paper_note']}"))
    return out


def _plots(store: Store, corpus: Corpus, tokenizer: str) -> list[str]:
    out = []
    grams = top_ngrams(corpus, n=4, k=10, tokenizer=tokenizer)
    if grams:
        out.append(_bars([g for g, _ in grams], [c for _, c in grams], "Top-10 4-grams (Figures 10-12)", "count"))
    words = word_frequencies(corpus, tokenizer)
    if words:
        cloud = WordCloud(width=700, height=350, background_color="white", random_state=0)
        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.imshow(cloud.generate_from_frequencies(dict(words.most_common(300))), interpolation="bilinear")
        ax.axis("off")
        ax.set_title("Word cloud")
        out.append(_png(fig))
    actions = store.rows("SELECT role || ' / ' || action AS label, sum(turns) AS n FROM action_mix GROUP BY ALL"
                         " ORDER BY n DESC")
    if actions:
        out.append(_bars([a["label"] for a in actions], [a["n"] for a in actions], "Actions (Figure 4)", "turns"))
    elements = store.rows("SELECT role || ' / ' || element AS label, utterances FROM element_counts"
                          " ORDER BY utterances DESC")
    if elements:
        out.append(_bars([e["label"] for e in elements], [e["utterances"] for e in elements],
                         "Dialogue elements (Figure 4)", "utterances"))
    types = Counter(r["t"] for r in store.rows(
        "SELECT json_extract_string(s.attributes, '$.product_type') AS t FROM (SELECT DISTINCT unnest(product_ids)"
        " AS product_id FROM turns) m JOIN product_summaries s USING (product_id)"))
    if types:
        top = types.most_common(10)
        out.append(_bars([t for t, _ in top], [n for _, n in top], "Top-10 product types mentioned (Figure 7)",
                         "products"))
    screens = store.rows("SELECT stage || ' / ' || screen AS label, pass_rate FROM screen_pass_rates ORDER BY ALL")
    if screens:
        out.append(_bars([s["label"] for s in screens], [s["pass_rate"] for s in screens],
                         "Screen pass rates (Figure 9)", "share passed"))
    judged = store.rows("SELECT naturalness AS natural, logical, informative, pc_correlation, it_correspondence"
                        " FROM judge_scores WHERE corpus = ?", [MUSE])
    if judged:
        fig, axes = plt.subplots(1, 5, figsize=(12, 2.4), sharey=True)
        for ax, (aspect, label) in zip(axes, ASPECTS):
            ax.hist([r[aspect] for r in judged if r[aspect] is not None], bins=[i / 10 for i in range(21)],
                    color="#55a868")
            ax.set_title(label, fontsize=9)
        fig.suptitle("Judge scores of muse's conversations (Table 3), all rounds", y=1.08)
        out.append(_png(fig))
    outcomes = store.rows("SELECT open_type, sum(organic) AS organic, sum(injected) AS injected FROM target_outcomes"
                          " GROUP BY ALL ORDER BY ALL")
    if outcomes:
        fig, ax = plt.subplots(figsize=(5, 2.5))
        names = [o["open_type"] for o in outcomes]
        ax.bar(names, [o["organic"] for o in outcomes], label="organic", color="#4c72b0")
        ax.bar(names, [o["injected"] for o in outcomes], bottom=[o["organic"] for o in outcomes], label="injected",
               color="#c44e52")
        ax.legend()
        ax.set_title("Target reached organically or injected at the round limit")
        out.append(_png(fig))
    return out


def _costs(store: Store) -> list[dict[str, Any]]:
    by_stage: dict[str, list[float]] = {}
    for row in store.rows("SELECT skill, count(*) AS calls, coalesce(sum(cost_usd), 0) AS cost FROM llm_calls"
                          " GROUP BY ALL"):
        calls_cost = by_stage.setdefault(stage_of(row["skill"]), [0, 0.0])
        calls_cost[0] += row["calls"]
        calls_cost[1] += row["cost"]
    kept = store.scalar("SELECT count(*) FROM reviews WHERE kept") or 0
    return [{"stage": stage, "calls": calls, "cost_usd": cost, "per_kept_conversation": cost / kept if kept else None}
            for stage, (calls, cost) in sorted(by_stage.items())]


def _table3(store: Store) -> str:
    """Table 3: MUSE beside ReDial and INSPIRED, each column naming the judge that scored it."""
    columns = table3(store)
    if not columns:
        return _table([], "conversation-level judge (Table 3)")
    header, body = table3_rows(columns)
    return _table([dict(zip(header, row)) for row in body],
                  "conversation-level judge (Table 3): mean ± sample sd over conversations (each conversation's"
                  " rounds averaged), n conversations; I-T correspondence is '-' for text-only corpora (no photo"
                  " to judge)") + ("<p class=note>Only muse's conversations are judged: `muse evaluate --corpus "
                                   "redial:PATH --corpus inspired:PATH` adds ReDial and INSPIRED.</p>"
                                   if {c.corpus for c in columns} == {MUSE} else "")


def _rec_task(store: Store) -> str:
    rows = store.rows("SELECT * FROM rec_task_summary ORDER BY upper_bound, mrr_10 DESC")
    return _table([{**r, "method": method_label(r["method"])} for r in rows],
                  "recommendation task (Table 4); the gold-query row is an upper bound, not a method: it replays the"
                  " querier's own query on the same index, so its recall is near 1.0 by construction")


def build_report(store: Store, path: Path, tokenizer: str = "whitespace") -> Path:
    """Write the HTML report of everything in the store; sections with no data say so."""
    corpus = read_store(store, kept_only=True)
    stats = corpus_stats(corpus, tokenizer) if corpus.dialogues else {}
    saved = store.rows("SELECT corpus, metric, value FROM corpus_stats WHERE tokenizer = ? AND corpus NOT LIKE 'muse:%'"
                       " ORDER BY corpus, metric", [tokenizer])
    external: dict[str, dict[str, Any]] = {}
    for row in saved:
        external.setdefault(row["corpus"], {})[row["metric"]] = row["value"]
    keys = ["conversations", "utterances", "utterances_per_conversation", "words_per_utterance", "users", "items",
            "images", "distinct_1", "distinct_2", "distinct_3", "distinct_4", "distinct_ngrams_4", "ngrams_4",
            "ngram_specificity", *(f"crslab_dist_{n}" for n in NS)]
    stat_rows = [{"corpus": name, **{k: values.get(k) for k in keys}}
                 for name, values in [(corpus.name, stats), *external.items()] if values]
    models = store.rows("SELECT role, provider, model, host, engine, answered_as, answers, errors, prompt_tokens,"
                        " completion_tokens, cost_usd, pricing, images_sent, images_as_text FROM models_by_role"
                        " ORDER BY ALL")
    offline = any(m["engine"] == OFFLINE_ENGINE for m in models)
    sections = [
        "<h1>muse dataset report</h1>",
        f"<p>Database <code>{html.escape(str(store.path))}</code>, {tokenizer} tokens. Specificity is muse's "
        "definition (the paper gives none): % of n-gram occurrences whose n-gram occurs once.</p>",
        "<p class=warn>Some or all of this data was produced by muse's rule-based offline engine: it is simulator "
        "output, not LLM output.</p>" if offline else "",
        "<h2>Statistics (Tables 2 and 8)</h2>",
        _table(stat_rows, "kept conversations and compared corpora; distinct_n = distinct / all n-grams of the corpus"
                          " (muse); crslab_dist_n = distinct n-grams / utterances (CRSLab's convention)"),
        "<h2>Quality and honesty</h2>",
        _table(store.rows("SELECT * FROM conversation_summary"), "per conversation set"),
        _table(store.rows("SELECT * FROM target_outcomes ORDER BY ALL"), "organic vs injected, leaks, grounding"),
        _table(store.rows("SELECT * FROM review_pass_rate"), "reviewer"),
        _table3(store),
        *_studies(store),
        "<h2>Tasks</h2>",
        _rec_task(store),
        _table(store.rows("SELECT method, turns, bleu_4, rouge_1, rouge_l, distinct_4, avg_words FROM"
                          " response_task_scores ORDER BY ALL"),
               "response task (Table 5), muse's metrics: corpus BLEU-4 (smoothing 1), ROUGE, corpus-level Distinct-4"),
        _table(store.rows("SELECT method, turns, COLUMNS('crslab_.*') FROM response_task_scores ORDER BY ALL"),
               "response task in CRSLab's convention: BLEU-n = sentence-averaged BLEU of n-gram order n, no"
               " smoothing; Dist-n = distinct n-grams / generated turns (word n-grams)"),
        "<h2>Models</h2>", _table(models, "who wrote the text: per role, the model and host that answered"),
        "<h2>Cost</h2>", _table(_costs(store), "model cost per stage (USD) and per kept conversation"),
        "<h2>Plots</h2>", *_plots(store, corpus, tokenizer),
    ]
    style = ("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;"
             "margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}caption{text-align:left;"
             "font-weight:bold}img{display:block;margin:1em 0;max-width:100%}.warn{background:#fff3cd;padding:.5em}"
             ".note{color:#777}")
    page = f"<!doctype html><html><head><meta charset=utf-8><title>muse report</title><style>{style}</style></head>" \
           f"<body>{''.join(sections)}</body></html>"
    Path(path).write_text(page, encoding="utf-8")
    return Path(path)

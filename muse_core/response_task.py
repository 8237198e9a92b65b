"""Response task (paper Table 5). For every assistant turn of the sampled conversations, a
model writes the next utterance from the conversation before it (and, in recommendation rounds,
the recommended product's text and photo); the generated turns are compared with the dataset's:
corpus BLEU-4 (NLTK, smoothing method 1, NLTK word tokens lower-cased), ROUGE-1 and ROUGE-L F1
(Google's rouge-score, stemmed), Distinct-4 of the generated turns, and their average words; and,
on the same tokens, BLEU-1..4 and Dist-1..4 in CRSLab's convention (`crslab_metrics`), which
papers built on CRSLab report."""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu
from rouge_score import rouge_scorer

from muse_core.crslab_metrics import crslab_bleu, crslab_distinct
from muse_core.dialogue import conversation_products
from muse_core.evaluation_sample import context, conversation_turns
from muse_core.context import StageContext
from muse_core.rec_task import model_methods, tuned_pairs
from muse_core.seeding import derive_seed
from muse_core.stats import distinct_n, get_tokenizer


@dataclass
class ResponseScores:
    method: str
    turns: int
    bleu_4: float
    rouge_1: float
    rouge_l: float
    distinct_4: float
    avg_words: float
    crslab_bleu: tuple[float, float, float, float]  # BLEU-1..4, CRSLab's convention
    crslab_dist: tuple[float, float, float, float]  # Dist-1..4, CRSLab's convention


tokens = get_tokenizer("nltk")  # NLTK word tokens, lower-cased


def score_responses(method: str, references: list[str], generated: list[str]) -> ResponseScores:
    """Table 5's metrics for aligned lists of dataset turns and generated turns."""
    if len(references) != len(generated) or not references:
        raise ValueError("score_responses needs as many generated turns as references, at least one")
    ref_tokens, gen_tokens = [tokens(r) for r in references], [tokens(g) for g in generated]
    bleu = corpus_bleu([[r] for r in ref_tokens], gen_tokens, smoothing_function=SmoothingFunction().method1)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    rouge = [scorer.score(r, g) for r, g in zip(references, generated)]
    return ResponseScores(
        method, len(generated), bleu,
        sum(s["rouge1"].fmeasure for s in rouge) / len(rouge), sum(s["rougeL"].fmeasure for s in rouge) / len(rouge),
        distinct_n(gen_tokens, 4), sum(len(g.split()) for g in generated) / len(generated),
        tuple(crslab_bleu(ref_tokens, gen_tokens, n) for n in range(1, 5)),
        tuple(crslab_distinct(gen_tokens, n) for n in range(1, 5)))


async def run_response_task(ctx: StageContext, conversation_ids: list[str]) -> list[ResponseScores]:
    store, gateway, progress = ctx.store, ctx.gateway, ctx.progress
    listings = conversation_products(store, ctx.domain.name, conversation_ids)  # as each conversation was made
    methods = model_methods(ctx.config)
    done = set(store.con.execute("SELECT conversation_id, idx, method FROM response_task_turns").fetchall())
    jobs = []
    for cid in conversation_ids:
        turns = conversation_turns(store, cid)
        jobs += [(cid, turns, t, name, role) for t in turns if t["role"] == "assistant"
                 for name, role in methods if (cid, t["idx"], name) not in done]

    async def one(cid, turns, turn, method, role) -> None:
        product = listings[cid][turn["product_ids"][0]] if turn["action"] == "recommend" else None
        images = [product["product_id"]] if product and product["has_image"] else []
        result = await gateway.run("response_generate", {"conversation": context(turns, turn["idx"]),
                                                         "action": turn["action"], "product": product},
                                   image_product_ids=images, entity_id=f"{cid}/t{turn['idx']}/response", role=role)
        store.con.execute("INSERT INTO response_task_turns VALUES (?, ?, ?, ?, ?, ?)",
                          [cid, turn["idx"], method, result.value.strip(), result.cache_key, ctx.run_id])
        progress.advance()

    with progress.task("response task", total=len(jobs)):
        await asyncio.gather(*(one(*job) for job in jobs))
    gateway.flush_stats()
    await judge_pairs(ctx, conversation_ids, methods, listings)
    scores = []
    for method, _ in methods:
        rows = store.con.execute(
            "SELECT t.text, r.generated FROM response_task_turns r JOIN turns t USING (conversation_id, idx)"
            " WHERE r.method = ? AND list_contains(?::VARCHAR[], r.conversation_id) ORDER BY ALL",
            [method, conversation_ids]).fetchall()
        if rows:
            s = score_responses(method, [r[0] for r in rows], [r[1] for r in rows])
            scores.append(s)
            store.con.execute(
                "INSERT OR REPLACE INTO response_task_scores (run_id, method, turns, bleu_4, rouge_1, rouge_l,"
                " distinct_4, avg_words, crslab_bleu_1, crslab_bleu_2, crslab_bleu_3, crslab_bleu_4, crslab_dist_1,"
                " crslab_dist_2, crslab_dist_3, crslab_dist_4) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [ctx.run_id, s.method, s.turns, s.bleu_4, s.rouge_1, s.rouge_l, s.distinct_4, s.avg_words,
                 *s.crslab_bleu, *s.crslab_dist])
    return scores


# -- the pairwise judge of a tuned model against its base (paper Table 6) ---------------------------
class PairwiseVerdict(BaseModel):
    better: Literal["first", "second"]  # forced choice, as the paper's win ratios sum to 1
    reason: str = ""


@dataclass
class WinRatio:
    method: str
    baseline: str
    pairs: int
    wins: int
    ratio: float
    low: float  # Wilson 95% interval of the tuned model's win ratio
    high: float


def wilson(wins: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion (stays inside 0..1 and is sane for small n)."""
    if n == 0:
        return 0.0, 1.0
    p = wins / n
    centre, spread = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z * z / n)), min(1.0, (centre + spread) / (1 + z * z / n))


async def judge_pairs(ctx: StageContext, conversation_ids: list[str], methods: list, listings: dict) -> None:
    """For every tuned local model and its base (`--task-model local:DIR`), the judge role picks the
    better of the two generated replies of each assistant turn, shown in a seeded random order."""
    store, gateway, progress = ctx.store, ctx.gateway, ctx.progress
    done = set(store.con.execute("SELECT conversation_id, idx, method, baseline FROM response_pairwise").fetchall())
    jobs = []
    for method, baseline in tuned_pairs(methods):
        rows = store.con.execute(
            "SELECT a.conversation_id, a.idx, a.generated, b.generated FROM response_task_turns a"
            " JOIN response_task_turns b USING (conversation_id, idx) WHERE a.method = ? AND b.method = ?"
            " AND list_contains(?::VARCHAR[], a.conversation_id) ORDER BY ALL",
            [method, baseline, conversation_ids]).fetchall()
        jobs += [(cid, idx, method, baseline, tuned, base) for cid, idx, tuned, base in rows
                 if (cid, idx, method, baseline) not in done]
    turns_of = {cid: conversation_turns(store, cid) for cid in {job[0] for job in jobs}}

    async def one(cid: str, idx: int, method: str, baseline: str, tuned: str, base: str) -> None:
        turns = turns_of[cid]
        turn = next(t for t in turns if t["idx"] == idx)
        product = listings[cid][turn["product_ids"][0]] if turn["action"] == "recommend" else None
        tuned_first = random.Random(derive_seed(ctx.config.seed, cid, idx, method, baseline)).random() < 0.5
        first, second = (tuned, base) if tuned_first else (base, tuned)
        result = await gateway.run("judge_pairwise", {"conversation": context(turns, idx), "action": turn["action"],
                                                      "product": product, "first": first, "second": second},
                                   output=PairwiseVerdict, entity_id=f"{cid}/t{idx}/pairwise")
        shown = "method" if tuned_first else "baseline"
        winner = shown if result.value.better == "first" else ("baseline" if tuned_first else "method")
        store.con.execute("INSERT INTO response_pairwise VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          [ctx.run_id, cid, idx, method, baseline, shown, winner, result.cache_key])
        progress.advance()

    if jobs:
        with progress.task("pairwise judge", total=len(jobs)):
            await asyncio.gather(*(one(*job) for job in jobs))
        gateway.flush_stats()


def win_ratios(store, conversation_ids: list[str] | None = None) -> list[WinRatio]:
    """Table 6: each tuned model's share of pairwise wins over its base, with a Wilson interval."""
    rows = store.con.execute(
        "SELECT method, baseline, count(*), count(*) FILTER (WHERE winner = 'method') FROM response_pairwise"
        + (" WHERE list_contains(?::VARCHAR[], conversation_id)" if conversation_ids is not None else "")
        + " GROUP BY ALL ORDER BY ALL", [conversation_ids] if conversation_ids is not None else []).fetchall()
    return [WinRatio(m, b, n, w, w / n, *wilson(w, n)) for m, b, n, w in rows]

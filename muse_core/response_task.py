"""Response task (paper Table 5). For every assistant turn of the sampled conversations, a
model writes the next utterance from the conversation before it (and, in recommendation rounds,
the recommended product's text and photo); the generated turns are compared with the dataset's:
corpus BLEU-4 (NLTK, smoothing method 1, NLTK word tokens lower-cased), ROUGE-1 and ROUGE-L F1
(Google's rouge-score, stemmed), Distinct-4 of the generated turns, and their average words; and,
on the same tokens, BLEU-1..4 and Dist-1..4 in CRSLab's convention (`crslab_metrics`), which
papers built on CRSLab report."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu
from rouge_score import rouge_scorer

from muse_core.crslab_metrics import crslab_bleu, crslab_distinct
from muse_core.dialogue import conversation_products
from muse_core.evaluation_sample import context, conversation_turns
from muse_core.context import StageContext
from muse_core.rec_task import model_methods
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

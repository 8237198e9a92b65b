"""Conversation-level LLM judge (paper Figure 19, Table 3): Natural, Logical, Informative,
P-C correlation and I-T correspondence, 0-2 in 0.05 steps, scored in several independent rounds
and averaged. The judge sees the conversation and the photos of the products it mentions.

It scores muse's own conversations and, for Table 3, dialogues of external corpora (ReDial,
INSPIRED) through the same skill. An external dialogue is stored as conversation
'<corpus>:<its own id>' with `corpus` set; it has no products and no photos, so the judge is
told so and its image-text score is stored as NULL (not applicable). The judge is never told
which corpus a conversation comes from."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from muse_core.corpora import Corpus
from muse_core.dialogue import ROLES, conversation_products
from muse_core.evaluation_sample import conversation_turns, seeded_sample
from muse_core.context import StageContext
from muse_core.reviewer import Score
from muse_core.store import Store

MAX_IMAGES = 6  # keeps a judge request small; the first products of a conversation matter most
MUSE = "muse"  # the `corpus` of muse's own conversations
OFFLINE_ENGINE = "rule-based offline engine"  # call_origins' label for the simulator


class JudgeScores(BaseModel):
    natural: Score
    logical: Score
    informative: Score
    pc_correlation: Score
    it_correspondence: Score


@dataclass
class JudgeReport:
    judge_model: str
    conversations: int
    scored: int  # (conversation, round) pairs scored by this run
    warnings: list[str] = field(default_factory=list)
    corpus: str = MUSE


@dataclass
class _Judged:
    """One conversation as the judge skill gets it."""
    conversation_id: str
    conversation: list[dict[str, str]]  # speaker ("User" / "Assistant") and text
    products: list[dict[str, Any]]  # mentioned products with their listing; none for external corpora
    source: str | None = None  # the file an external dialogue was read from


def judge_warnings(config) -> list[str]:
    """A judge that also generated the data grades its own work: say so."""
    judge = config.role("judge").model
    generators = {name for name in ("agent", "backstory", "rewriter", "checker", "reviewer")
                  if config.role(name).model == judge}
    return [f"the judge model '{judge}' also plays {', '.join(sorted(generators))}: its scores may favour "
            "its own output; set roles.judge to another model"] if generators else []


async def _judge(ctx: StageContext, corpus: str, items: list[_Judged]) -> JudgeReport:
    store, config, gateway, progress = ctx.store, ctx.config, ctx.gateway, ctx.progress
    model, rounds = config.role("judge").model, config.evaluation.judge_rounds
    done = set(store.con.execute("SELECT conversation_id, scoring_round FROM judge_scores WHERE judge_model = ?",
                                 [model]).fetchall())
    todo = [(item, r) for item in items for r in range(1, rounds + 1) if (item.conversation_id, r) not in done]

    async def one(item: _Judged, scoring_round: int) -> None:
        photos = [p["product_id"] for p in item.products if p["has_image"]]
        inputs = {"conversation": item.conversation, "products": item.products, "scoring_round": scoring_round}
        result = await gateway.run("judge_conversation", inputs, output=JudgeScores, image_product_ids=photos,
                                   entity_id=f"{item.conversation_id}/judge{scoring_round}")
        s = result.value
        store.con.execute(
            "INSERT INTO judge_scores (conversation_id, judge_model, scoring_round, naturalness, logical, informative,"
            " pc_correlation, it_correspondence, cache_key, run_id, corpus, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [item.conversation_id, model, scoring_round, s.natural, s.logical, s.informative, s.pc_correlation,
             s.it_correspondence if photos else None,  # no photo shown: nothing to correspond
             result.cache_key, ctx.run_id, corpus, item.source])
        progress.advance()

    with progress.task(f"judging {corpus}", total=len(items) * rounds):
        progress.advance(len(items) * rounds - len(todo))
        await asyncio.gather(*(one(item, r) for item, r in todo))
    gateway.flush_stats()
    return JudgeReport(model, len(items), len(todo), judge_warnings(config), corpus)


async def judge_conversations(ctx: StageContext, conversation_ids: list[str]) -> JudgeReport:
    """Judge muse's own conversations (the evaluation sample)."""
    # the listings each conversation was made from; the photos attached are still the catalog's
    # current ones (Gateway._image reads product_images by product id)
    listings = conversation_products(ctx.store, ctx.domain.name, conversation_ids)
    items = []
    for cid in conversation_ids:
        turns = conversation_turns(ctx.store, cid)
        products = listings[cid]
        mentioned = [products[p] for p in dict.fromkeys(p for t in turns for p in t["product_ids"])][:MAX_IMAGES]
        items.append(_Judged(cid, [{"speaker": t["speaker"], "text": t["text"]} for t in turns], mentioned))
    return await _judge(ctx, MUSE, items)


def external_id(corpus: str, dialogue_id: str) -> str:
    """The stable conversation id of an external corpus's dialogue, e.g. 'redial:15875'."""
    return f"{corpus}:{dialogue_id}"


def sample_dialogues(corpus: Corpus, seed: int, n: int) -> list[int]:
    """Indexes of up to n dialogues of an external corpus, drawn by a seeded hash of their ids the
    way muse's own sample is drawn: stable, and a larger n keeps the smaller sample."""
    if not corpus.dialogue_ids:
        raise ValueError(f"corpus {corpus.name} has no dialogue ids: read it with read_corpus")
    index = {external_id(corpus.kind, dialogue_id): i for i, dialogue_id in enumerate(corpus.dialogue_ids)}
    return sorted(index[chosen] for chosen in seeded_sample(seed, index, n))


async def judge_corpus(ctx: StageContext, corpus: Corpus) -> JudgeReport:
    """Judge a seeded sample (`evaluation.sample` dialogues) of an external corpus for Table 3.

    The dialogues go to the judge as they are, speakers named as in muse's conversations; they
    have no product photos, so the judge gets no products and its image-text score is not kept."""
    if corpus.kind == MUSE:
        raise ValueError("muse conversations are judged from the store (judge_conversations), not as a corpus")
    config = ctx.config
    chosen = sample_dialogues(corpus, config.seed, config.evaluation.sample)
    source = str(Path(corpus.name.split(":", 1)[1]).resolve())
    items = [_Judged(external_id(corpus.kind, corpus.dialogue_ids[i]),
                     [{"speaker": ROLES[u.role], "text": u.text} for u in corpus.dialogues[i]], [], source)
             for i in chosen]
    return await _judge(ctx, corpus.kind, items)


# -- Table 3 ----------------------------------------------------------------------------------

ASPECTS = (("natural", "Natural"), ("logical", "Logical"), ("informative", "Informative"),
           ("pc_correlation", "P-C correlation"), ("it_correspondence", "I-T correspondence"))
CORPUS_LABELS = {MUSE: "MUSE", "redial": "ReDial", "inspired": "INSPIRED"}


@dataclass
class Table3Column:
    """One column of Table 3: one corpus as scored by one judge model."""
    corpus: str
    judge_model: str
    judged_by: str  # call_origins' engine label(s)
    conversations: int
    rounds: int
    cells: dict[str, tuple[float | None, float | None, int]]  # aspect -> (mean, sd, n)

    @property
    def heading(self) -> str:
        return CORPUS_LABELS.get(self.corpus, self.corpus)

    @property
    def judge(self) -> str:
        """Who scored this column, said plainly: the simulator is not presented as a model."""
        if self.judged_by == OFFLINE_ENGINE:
            return f"{self.judge_model}: rule-based simulator (muse's offline engine), not a language model"
        if OFFLINE_ENGINE in self.judged_by:
            return f"{self.judge_model}: partly the rule-based simulator ({self.judged_by})"
        return f"{self.judge_model} ({self.judged_by})"


def table3(store: Store) -> list[Table3Column]:
    """Table 3 from the judge_summary view: MUSE, ReDial, INSPIRED (then any other corpus), one
    column per judge model."""
    order = list(CORPUS_LABELS)
    columns = []
    for row in store.rows("SELECT * FROM judge_summary ORDER BY corpus, judge_model"):
        cells = {aspect: (row[aspect], row[f"{aspect}_sd"], row["conversations"]) for aspect, _ in ASPECTS}
        cells["it_correspondence"] = (row["it_correspondence"], row["it_correspondence_sd"],
                                      row["it_correspondence_n"])
        columns.append(Table3Column(row["corpus"], row["judge_model"], row["judged_by"], row["conversations"],
                                    row["rounds"], cells))
    return sorted(columns, key=lambda c: (order.index(c.corpus) if c.corpus in order else len(order), c.corpus,
                                          c.judge_model))


def table3_rows(columns: list[Table3Column]) -> tuple[list[str], list[list[str]]]:
    """Header and body of Table 3 as text: aspects down, corpora across, each cell
    'mean ± sd (n)'; '-' where no conversation could be scored on that aspect."""
    headings = [c.heading for c in columns]
    header = ["aspect (0-2)", *(f"{h} ({c.judge_model})" if headings.count(h) > 1 else h
                                for h, c in zip(headings, columns))]
    body = [["judge", *(c.judge for c in columns)],
            ["conversations x rounds", *(f"{c.conversations} x {c.rounds}" for c in columns)]]
    for aspect, label in ASPECTS:
        cells = []
        for column in columns:
            mean, sd, n = column.cells[aspect]
            cells.append("-" if mean is None else f"{mean:.3f} ± {'-' if sd is None else f'{sd:.3f}'} (n={n})")
        body.append([label, *cells])
    return header, body

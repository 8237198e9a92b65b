"""`muse study results`: win / tie / loss of muse's side per aspect with Wilson 95% intervals,
agreement between annotators (Fleiss' kappa, Krippendorff's alpha) and between the humans and a
model annotator, beside the paper's figures (Figure 5, Tables 7 and 9)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from muse_core.store import Store
from muse_core.study_stats import agreement_share, fleiss_kappa, krippendorff_alpha, wilson

# The paper's figures for muse's side. Figure 5 is a bar chart whose numbers its text does not give.
PAPER = {
    "utterance-ab": ("Figure 5", None, "MUSE preferred over human responses on all four aspects (bar chart; "
                                       "the text gives no numbers)"),
    "conversation-ab": ("Table 7", 0.68, "win rate of the original over the response-replaced variant"),
    "image-vs-text": ("Table 9", 0.97, "win rate of the original (photos) over the text-only variant"),
}


@dataclass
class AspectResult:
    aspect: str
    annotators: str  # human | llm
    judgments: int
    wins: int
    ties: int
    losses: int
    win_share: float | None
    win_low: float | None
    win_high: float | None
    tie_share: float | None
    tie_low: float | None
    tie_high: float | None
    loss_share: float | None
    loss_low: float | None
    loss_high: float | None
    win_rate: float | None  # wins / (wins + losses): the paper's "win rate"
    win_rate_low: float | None
    win_rate_high: float | None
    fleiss_kappa: float | None  # humans, items with the most common number of judgments
    krippendorff_alpha: float | None  # humans, all items with 2 or more judgments
    alpha_with_llm: float | None  # humans and the model annotator(s) together
    llm_agreement: float | None  # share of (human, model) judgment pairs on an item that agree
    paper: str
    paper_win_rate: float | None


def _share(k: int, n: int) -> tuple[float | None, float | None, float | None]:
    interval = wilson(k, n)
    return (k / n, *interval) if interval else (None, None, None)


def study_results(store: Store, study_id: str) -> tuple[dict[str, Any], list[AspectResult]]:
    """The study's facts and one result per (aspect, annotator kind). ValueError for an unknown id."""
    found = store.rows("SELECT * FROM studies WHERE study_id = ?", [study_id])
    if not found:
        known = [r[0] for r in store.con.execute("SELECT study_id FROM studies ORDER BY created_at").fetchall()]
        raise ValueError(f"no study {study_id!r}; studies here: {', '.join(known) or 'none (muse study create)'}")
    study = found[0]
    rows = store.rows("SELECT t.item_id, a.kind AS annotators, a.annotator_id, j.aspect, j.outcome"
                      " FROM study_judgments j JOIN study_tasks t USING (task_id)"
                      " JOIN study_annotators a USING (annotator_id) WHERE t.study_id = ?", [study_id])
    progress = store.rows("SELECT a.kind, count(*) AS tasks, count(r.task_id) + count(j.task_id) AS done"
                          " FROM study_tasks t JOIN study_annotators a USING (annotator_id)"
                          " LEFT JOIN study_responses r USING (task_id)"
                          " LEFT JOIN (SELECT DISTINCT task_id FROM study_judgments) j USING (task_id)"
                          " WHERE t.study_id = ? GROUP BY ALL ORDER BY 1", [study_id])
    paper, paper_rate, paper_note = PAPER[study["kind"]]
    facts = {**study, "progress": progress, "paper": paper, "paper_note": paper_note}
    by: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by[(row["aspect"], row["annotators"])][row["item_id"]].append(row["outcome"])
    results = []
    for aspect in study["aspects"]:
        humans = by[(aspect, "human")]
        models = by[(aspect, "llm")]
        human_ratings = [r for r in humans.values() if len(r) >= 2]
        sizes = [len(r) for r in human_ratings]
        common = max(set(sizes), key=lambda s: (sizes.count(s), s)) if sizes else 0
        kappa = fleiss_kappa([r for r in human_ratings if len(r) == common]) if common else None
        alpha = krippendorff_alpha(list(humans.values()))
        together = krippendorff_alpha([humans.get(i, []) + models.get(i, []) for i in {*humans, *models}])
        pairs = [(h, m) for item, ms in models.items() for m in ms for h in humans.get(item, [])]
        for annotators, items in (("human", humans), ("llm", models)):
            outcomes = [o for r in items.values() for o in r]
            if annotators == "llm" and not outcomes:
                continue
            n = len(outcomes)
            wins, ties, losses = outcomes.count("win"), outcomes.count("tie"), outcomes.count("loss")
            results.append(AspectResult(
                aspect, annotators, n, wins, ties, losses, *_share(wins, n), *_share(ties, n), *_share(losses, n),
                *_share(wins, wins + losses), kappa, alpha, together if models else None,
                agreement_share(pairs), paper, paper_rate))
    return facts, results


def results_csv(results: list[AspectResult]) -> str:
    """The results as CSV, one row per (aspect, annotator kind), every column of AspectResult."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(AspectResult.__dataclass_fields__))
    writer.writeheader()
    for result in results:
        writer.writerow({k: "" if v is None else v for k, v in asdict(result).items()})
    return buffer.getvalue()


def _pct(share: float | None, low: float | None = None, high: float | None = None) -> str:
    if share is None:
        return "-"
    return f"{share:.0%}" + (f" [{low:.0%}, {high:.0%}]" if low is not None else "")


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def results_table(results: list[AspectResult]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the results as text, for the terminal and the report."""
    header = ["aspect", "annotators", "n", "win [95% CI]", "tie [95% CI]", "loss [95% CI]",
              "win rate excl. ties [95% CI]", "paper", "Fleiss kappa", "Krippendorff alpha", "alpha with LLM",
              "LLM agrees with humans"]
    body = [[r.aspect, r.annotators, str(r.judgments), _pct(r.win_share, r.win_low, r.win_high),
             _pct(r.tie_share, r.tie_low, r.tie_high), _pct(r.loss_share, r.loss_low, r.loss_high),
             _pct(r.win_rate, r.win_rate_low, r.win_rate_high),
             f"{r.paper}: {_pct(r.paper_win_rate)}", _num(r.fleiss_kappa), _num(r.krippendorff_alpha),
             _num(r.alpha_with_llm), _pct(r.llm_agreement)] for r in results]
    return header, body


def studies_in(store: Store) -> list[str]:
    """Ids of the studies stored (none in a file from before studies existed)."""
    if not store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'studies'"):
        return []
    return [r[0] for r in store.con.execute("SELECT study_id FROM studies ORDER BY created_at").fetchall()]

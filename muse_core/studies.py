"""Human evaluation studies (paper Figure 5, Tables 7 and 9; Appendix D.5): sampling, variants,
assignments, and saving what annotators write and judge.

Three kinds:
- utterance-ab (Figure 5): a context from a kept conversation; annotators write the next turn,
  others compare it with muse's turn on Logical, Informative, Natural and Coherent.
- conversation-ab (Table 7): four turns of a conversation (two of each side) are written by an
  annotator; others compare the original with that variant, overall.
- image-vs-text (Table 9): the original (photos) against a text-only variant whose photos are
  replaced by each product's stored summary (the configured model's description of it), overall.

Blinding: a compare task shows two sides named A and B; which one is muse's is drawn per (item,
annotator) by the operating system's random source, half each way within an annotator's queue
(never from the seed, which is in the configuration, so no one can work it out), kept in
`study_tasks.muse_side` and never sent to a page. Item and task ids are random. Results:
muse_core/study_results.py."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from muse_core.evaluation_sample import seeded_sample
from muse_core.seeding import derive_seed, rng_for
from muse_core.store import Store

KINDS: tuple[str, ...] = ("utterance-ab", "conversation-ab", "image-vs-text")
ASPECTS: dict[str, tuple[str, ...]] = {
    "utterance-ab": ("logical", "informative", "natural", "coherent"),
    "conversation-ab": ("overall",),
    "image-vs-text": ("overall",),
}
# the question each aspect asks (our words, after Appendix D.5 and Appendix B.2 / B.5)
ASPECT_QUESTIONS = {
    "logical": "Logical: which response follows clear reasoning and sound judgment?",
    "informative": "Informative: which response gives sufficient, useful and relevant information?",
    "natural": "Natural: which response reads more smoothly, in conversational language and tone?",
    "coherent": "Coherent: which response is more consistent with the conversation so far?",
    "overall": "Overall: which conversation is better and smoother as a whole?",
}
Choice = Literal["A", "B", "tie"]  # as shown; outcome() turns it into win / tie / loss
WAITING = "this comparison waits for a response another annotator has not written yet"
MAX_TEXT = 4000  # characters of a written turn or a comment
REPLY_ACTIONS = ("recommend", "chitchat", "reject", "accept")  # the turns Appendix D.5 asks annotators to write
SPEAKER = {"assistant": "Assistant", "user": "Shopper"}


class StudyError(Exception):
    """A request a study refuses; `status` is the HTTP status the viewer answers with."""

    status = 400


class NotFound(StudyError):
    status = 404


class Conflict(StudyError):
    status = 409


class WrittenTurn(BaseModel):
    """A write task's form."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)

    @field_validator("text")
    @classmethod
    def not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("write a response before saving")
        return value


class Judgment(BaseModel):
    """A compare task's form: one choice (A, B or tie) per aspect, and an optional comment."""

    choices: dict[str, Choice]
    comment: str = Field(default="", max_length=MAX_TEXT)


@dataclass
class CreatedStudy:
    study_id: str
    kind: str
    items: int
    links: list[tuple[str, str]]  # (annotator label, private token)
    notes: list[str]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- creating a study -------------------------------------------------------------------------------

def _kept(store: Store, kind: str) -> list[str]:
    sql = "SELECT r.conversation_id FROM reviews r WHERE r.kept"
    if kind == "image-vs-text":  # only conversations that show a photo have something to replace
        sql += (" AND EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = r.conversation_id"
                " AND len(t.image_product_ids) > 0)")
    return [cid for (cid,) in store.con.execute(sql + " ORDER BY 1").fetchall()]


def _slots(kind: str, turns: list[dict[str, Any]], rng: Any) -> tuple[int | None, list[int]]:
    """(reply_idx, slots) of one conversation: the turn to answer (utterance-ab) and the turns
    annotators write; no slots when a conversation has too few turns for its kind."""
    if kind == "utterance-ab":
        candidates = [t["idx"] for t in turns if t["idx"] >= 2 and t["action"] in REPLY_ACTIONS]
        if not candidates:
            return None, []
        reply = rng.choice(candidates)
        return reply, [reply]
    if kind == "conversation-ab":  # two turns of each side (Appendix B.2), the greeting and opening kept
        users = [t["idx"] for t in turns if t["role"] == "user" and t["idx"] >= 2]
        assistants = [t["idx"] for t in turns if t["role"] == "assistant" and t["idx"] >= 2]
        if len(users) < 2 or len(assistants) < 2:
            return None, []
        return None, sorted(rng.sample(users, 2) + rng.sample(assistants, 2))
    return None, []


def _described(turns: list[dict[str, Any]], products: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The turns with each photo replaced by its product's stored summary (the text-only variant)."""
    out = []
    for turn in turns:
        notes = [f"[photo of {products[p]['title']}: {products[p]['summary'] or 'no description stored'}]"
                 for p in turn["images"] if p in products]
        out.append({**turn, "images": [], "text": " ".join([turn["text"], *notes])})
    return out


def create_study(store: Store, kind: str, n: int, annotators: int, seed: int = 0) -> CreatedStudy:
    """Sample `n` kept conversations (seeded), prepare both sides of each item, and give each of
    `annotators` people a private token and their tasks. ValueError for unusable arguments."""
    if kind not in KINDS:
        raise ValueError(f"unknown study kind {kind!r}; choose one of {', '.join(KINDS)}")
    if n < 1:
        raise ValueError("--n must be at least 1")
    if annotators < 1 or (kind != "image-vs-text" and annotators < 2):
        raise ValueError(f"--annotators: {kind} studies need at least 2 annotators (one writes, another compares)"
                         if kind != "image-vs-text" else "--annotators must be at least 1")
    kept = _kept(store, kind)
    if not kept:
        what = "kept conversations with a photo" if kind == "image-vs-text" else "kept conversations"
        raise ValueError(f"no {what} to sample: run `muse run --offline` (or `muse conversations`) first")
    notes = []
    study_id = f"st-{secrets.token_hex(4)}"
    items = []
    for cid in seeded_sample(derive_seed(seed, "study", kind), kept, len(kept)):
        if len(items) == n:
            break
        turns = [{"idx": t["idx"], "role": t["role"], "action": t["action"], "text": t["text"],
                  "images": list(t["image_product_ids"]), "products": list(t["product_ids"])}
                 for t in store.rows("SELECT * FROM turns WHERE conversation_id = ? ORDER BY idx", [cid])]
        reply, slots = _slots(kind, turns, rng_for(seed, "study", kind, cid))
        if kind != "image-vs-text" and not slots:
            continue
        ids = sorted({p for t in turns for p in (*t["images"], *t["products"])})
        products = {r["product_id"]: {"title": r["title"], "summary": r["summary"], "image_sha256": r["image_sha256"]}
                    for r in store.rows("SELECT product_id, title, summary, image_sha256 FROM conversation_products"
                                        " WHERE conversation_id = ? AND list_contains(?, product_id)", [cid, ids])}
        profile = next(iter(store.rows(
            "SELECT u.name, u.gender, u.age, u.profession, s.text AS scenario, p.backstory"
            " FROM conversations c JOIN profiles p USING (profile_id) LEFT JOIN users u USING (user_id)"
            " LEFT JOIN scenarios s USING (scenario_id) WHERE c.conversation_id = ?", [cid])), None)
        items.append({"cid": cid, "turns": turns, "reply": reply, "slots": slots, "products": products,
                      "profile": profile,
                      "text_turns": _described(turns, products) if kind == "image-vs-text" else None})
    if len(items) < n:
        notes.append(f"only {len(items)} usable kept conversations; the study has {len(items)} items, not {n}")
    if not items:
        raise ValueError(f"no kept conversation has the turns a {kind} study asks annotators to write")

    people = [(secrets.token_hex(8), f"annotator {i + 1}", secrets.token_urlsafe(24)) for i in range(annotators)]
    with store.transaction() as con:
        con.execute("INSERT INTO studies (study_id, kind, seed, n_items, annotators, aspects) VALUES (?, ?, ?, ?, ?, ?)",
                    [study_id, kind, seed, len(items), annotators, list(ASPECTS[kind])])
        for annotator_id, label, token in people:
            con.execute("INSERT INTO study_annotators (annotator_id, study_id, label, kind, token_sha256)"
                        " VALUES (?, ?, ?, 'human', ?)", [annotator_id, study_id, label, _token_hash(token)])
        queues = {annotator_id: 0 for annotator_id, _, _ in people}
        item_ids = [secrets.token_urlsafe(9) for _ in items]
        writers = [people[position % annotators][0] if item["slots"] else None for position, item in enumerate(items)]
        sides = {annotator_id: balanced_sides(sum(writer != annotator_id for writer in writers))
                 for annotator_id, _, _ in people}

        def task(item_id: str, annotator_id: str, what: str, slot: int | None, side: str | None) -> None:
            con.execute("INSERT INTO study_tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [secrets.token_urlsafe(12), study_id, item_id, annotator_id, what, slot, side,
                         queues[annotator_id]])
            queues[annotator_id] += 1

        for position, (item_id, item, writer) in enumerate(zip(item_ids, items, writers)):
            con.execute("INSERT INTO study_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [item_id, study_id, position, item["cid"], json.dumps(item["turns"]), item["reply"],
                         item["slots"], json.dumps(item["products"]), json.dumps(item["profile"], default=str),
                         json.dumps(item["text_turns"]) if item["text_turns"] is not None else None, writer])
            for slot in item["slots"]:  # writes first in every queue: comparing waits for them
                task(item_id, writer, "write", slot, None)
        for item_id, writer in zip(item_ids, writers):
            for annotator_id, _, _ in people:
                if annotator_id != writer:
                    task(item_id, annotator_id, "compare", None, sides[annotator_id].pop())
    return CreatedStudy(study_id, kind, len(items), [(label, token) for _, label, token in people], notes)


def balanced_sides(k: int) -> list[str]:
    """Where muse's side sits in each of an annotator's k comparisons: A and B half each (one more
    A when k is odd), in an order drawn from the operating system's random source."""
    sides = ["AB"[i % 2] for i in range(k)]
    secrets.SystemRandom().shuffle(sides)
    return sides


# -- an annotator's view ------------------------------------------------------------------------------

def annotator_for(con: Any, token: str) -> dict[str, Any] | None:
    """The human annotator whose private token this is (None for any other string)."""
    if not token or len(token) > 200:
        return None
    row = con.execute("SELECT a.annotator_id, a.study_id, a.label, s.kind, s.aspects FROM study_annotators a"
                      " JOIN studies s USING (study_id) WHERE a.kind = 'human' AND a.token_sha256 = ?",
                      [_token_hash(token)]).fetchone()
    if row is None:
        return None
    return dict(zip(("annotator_id", "study_id", "label", "kind", "aspects"), row))


TASKS_SQL = """
SELECT t.task_id, t.task, t.slot, t.position, t.item_id,
       (r.task_id IS NOT NULL OR j.task_id IS NOT NULL) AS done,
       -- a compare task is ready once every turn of its item has been written
       (t.task = 'write' OR NOT EXISTS (
            SELECT 1 FROM study_tasks w LEFT JOIN study_responses wr USING (task_id)
            WHERE w.item_id = t.item_id AND w.task = 'write' AND wr.task_id IS NULL)) AS ready
FROM study_tasks t
LEFT JOIN study_responses r USING (task_id)
LEFT JOIN (SELECT DISTINCT task_id FROM study_judgments) j USING (task_id)
WHERE t.annotator_id = ?
ORDER BY t.position
"""


def queue(con: Any, annotator_id: str) -> list[dict[str, Any]]:
    """An annotator's tasks in order, each with `done` and `ready`."""
    cursor = con.execute(TASKS_SQL, [annotator_id])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def find_task(con: Any, annotator_id: str, task_id: str) -> dict[str, Any]:
    """One of this annotator's tasks; NotFound for any other id (another annotator's included)."""
    found = [t for t in queue(con, annotator_id) if t["task_id"] == task_id]
    if not found:
        raise NotFound("no such task in your assignments")
    return found[0]


def _item(con: Any, item_id: str) -> dict[str, Any]:
    cursor = con.execute("SELECT * FROM study_items WHERE item_id = ?", [item_id])
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    for name in ("turns", "products", "profile", "text_turns"):
        row[name] = json.loads(row[name]) if row[name] is not None else None
    return row


def _written(con: Any, item_id: str) -> dict[int, str]:
    return dict(con.execute("SELECT t.slot, r.text FROM study_tasks t JOIN study_responses r USING (task_id)"
                            " WHERE t.item_id = ? AND t.task = 'write'", [item_id]).fetchall())


def _shown(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turns as a page shows them: speaker, text, photos (no ids of turns, actions or sources)."""
    return [{"speaker": SPEAKER[t["role"]], "role": t["role"], "text": t["text"], "images": t["images"]}
            for t in turns]


def task_view(con: Any, annotator_id: str, task_id: str) -> dict[str, Any]:
    """What a task's page (or the model annotator) is shown. A compare task's sides are A and B
    only: which one is muse's is not in the view."""
    task = find_task(con, annotator_id, task_id)
    item = _item(con, task["item_id"])
    kind = con.execute("SELECT kind FROM studies WHERE study_id = ?", [item["study_id"]]).fetchone()[0]
    turns = item["turns"]
    view: dict[str, Any] = {"task": task, "kind": kind, "profile": item["profile"], "products": item["products"],
                            "shown_items": []}
    if task["task"] == "write":
        slot = next(t for t in turns if t["idx"] == task["slot"])
        before = [t for t in turns if t["idx"] < slot["idx"]]
        # the products the turn is about: those it names, and for a shopper's answer the item just
        # recommended (Appendix D.5 shows them); never the turn's own words
        about = slot["products"] + (before[-1]["products"] if slot["role"] == "user" and before else [])
        view.update(context=_shown(before), role=slot["role"], speaker=SPEAKER[slot["role"]], action=slot["action"],
                    shown_items=[p for p in dict.fromkeys(about) if p in item["products"]])
        return view
    if not task["ready"]:
        raise Conflict(WAITING)
    written = _written(con, task["item_id"])
    if kind == "utterance-ab":
        reply = next(t for t in turns if t["idx"] == item["reply_idx"])
        muse, other = reply["text"], written[item["reply_idx"]]
        view.update(context=_shown([t for t in turns if t["idx"] < item["reply_idx"]]), speaker=SPEAKER[reply["role"]],
                    shown_items=[p for p in reply["products"] if p in item["products"]])
    elif kind == "conversation-ab":
        muse = _shown(turns)
        other = _shown([{**t, "text": written.get(t["idx"], t["text"])} for t in turns])
        view.update(context=[])
    else:
        muse, other = _shown(turns), _shown(item["text_turns"])
        view.update(context=[])
    sides = {"A": muse, "B": other} if task_side(con, task_id) == "A" else {"A": other, "B": muse}
    view.update(sides=sides, aspects=list(ASPECTS[kind]), questions=ASPECT_QUESTIONS)
    return view


def photo(con: Any, annotator_id: str, product_id: str) -> tuple[bytes, str]:
    """The photo of a product one of this annotator's items shows, as it was when the conversation
    was made (bytes and mime type); NotFound for any other product."""
    shas = set()
    for (products,) in con.execute("SELECT DISTINCT i.products FROM study_tasks t JOIN study_items i USING (item_id)"
                                   " WHERE t.annotator_id = ?", [annotator_id]).fetchall():
        shas.add(json.loads(products).get(product_id, {}).get("image_sha256"))
    row = con.execute("SELECT image, image_mime FROM product_history WHERE product_id = ? AND image IS NOT NULL"
                      " AND list_contains(?, image_sha256) LIMIT 1", [product_id, sorted(shas - {None})]).fetchone()
    if row is None:
        raise NotFound("no photo of that item in your tasks")
    return bytes(row[0]), row[1]


def task_side(con: Any, task_id: str) -> str:
    return con.execute("SELECT muse_side FROM study_tasks WHERE task_id = ?", [task_id]).fetchone()[0]


# -- saving answers: the only writes annotation makes ----------------------------------------------------

ASKS = {"write": "a written response", "compare": "a comparison"}


def _open_task(con: Any, annotator_id: str, task_id: str, what: str) -> dict[str, Any]:
    """One of this annotator's `what` tasks that is ready and not answered yet, or the refusal."""
    task = find_task(con, annotator_id, task_id)
    if task["task"] != what:
        raise StudyError(f"this task asks for {ASKS[task['task']]}, not {ASKS[what]}")
    if task["done"]:
        raise Conflict(f"{ASKS[what]} was saved for this task already; it cannot be changed")
    if not task["ready"]:
        raise Conflict(WAITING)
    return task


def save_response(store: Store, annotator_id: str, task_id: str, answer: WrittenTurn) -> None:
    """Save a write task's turn once (Conflict if it was saved already)."""
    with store.transaction() as con:
        _open_task(con, annotator_id, task_id, "write")
        con.execute("INSERT INTO study_responses (task_id, text) VALUES (?, ?)", [task_id, answer.text])


def outcome(choice: str, side: str) -> str:
    """A choice as shown (A, B, tie) as an outcome for muse's side (win, tie, loss)."""
    return "tie" if choice == "tie" else ("win" if choice == side else "loss")


def save_judgment(store: Store, annotator_id: str, task_id: str, answer: Judgment, cache_key: str | None = None) -> None:
    """Save a compare task's choices, all aspects at once (Conflict if saved already or not ready)."""
    with store.transaction() as con:
        _open_task(con, annotator_id, task_id, "compare")
        aspects = con.execute("SELECT s.aspects FROM studies s JOIN study_tasks t USING (study_id)"
                              " WHERE t.task_id = ?", [task_id]).fetchone()[0]
        if set(answer.choices) != set(aspects):
            raise StudyError(f"choose A, B or tie for each of: {', '.join(aspects)}")
        side = task_side(con, task_id)
        comment = answer.comment.strip() or None
        for aspect in aspects:
            choice = answer.choices[aspect]
            con.execute("INSERT INTO study_judgments (task_id, aspect, choice, outcome, comment, cache_key)"
                        " VALUES (?, ?, ?, ?, ?, ?)", [task_id, aspect, choice, outcome(choice, side), comment,
                                                       cache_key])


def next_open(tasks: list[dict[str, Any]]) -> str | None:
    """The first task of a queue (`queue()`) that is open and ready, if any."""
    return next((t["task_id"] for t in tasks if not t["done"] and t["ready"]), None)

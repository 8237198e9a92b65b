"""A model as an annotator of a study's compare tasks (skill study_compare, the judge role by
default), through the Gateway like every other model call, so human-vs-model agreement can be
reported. The model gets the same blind view a person gets: sides A and B, drawn per (item,
annotator) like a person's (studies.balanced_sides)."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, create_model

from muse_core import studies
from muse_core.config import RoleConfig
from muse_core.llm import Gateway, LLMCallError
from muse_core.store import Store


@dataclass
class LLMAnnotation:
    annotator: str  # llm:<model>
    judged: int  # tasks judged by this call
    waiting: int  # compare tasks whose item still waits for written turns
    failed: list[str]  # one line per task a model could not answer


def verdict_model(aspects: list[str]) -> type[BaseModel]:
    """The answer the skill must give: {"choices": {aspect: "A" | "B" | "tie", ...}}, every aspect."""
    choices = create_model("StudyChoices", **{aspect: (studies.Choice, ...) for aspect in aspects})
    return create_model("StudyVerdict", choices=(choices, ...))


def _annotator(store: Store, study: dict[str, Any], model: str) -> str:
    """The model's annotator row and a compare task for every item (made once, then reused)."""
    label = f"llm:{model}"
    found = store.scalar("SELECT annotator_id FROM study_annotators WHERE study_id = ? AND label = ?",
                         [study["study_id"], label])
    if found:
        return found
    annotator_id = secrets.token_hex(8)
    with store.transaction() as con:
        con.execute("INSERT INTO study_annotators (annotator_id, study_id, label, kind, model) VALUES (?, ?, ?, 'llm', ?)",
                    [annotator_id, study["study_id"], label, model])
        items = con.execute("SELECT item_id, position FROM study_items WHERE study_id = ? ORDER BY position",
                            [study["study_id"]]).fetchall()
        sides = studies.balanced_sides(len(items))
        for (item_id, position), side in zip(items, sides):
            con.execute("INSERT INTO study_tasks VALUES (?, ?, ?, ?, 'compare', NULL, ?, ?)",
                        [secrets.token_urlsafe(12), study["study_id"], item_id, annotator_id, side, position])
    return annotator_id


def _profile(profile: dict[str, Any] | None) -> str:
    if not profile:
        return "(not given)"
    return (f"{profile['name']}, {profile['gender']}, {profile['age']}, {profile.get('profession') or 'no profession'}."
            f" Occasion: {profile.get('scenario') or '-'}. {profile.get('backstory') or ''}")


async def annotate_with_model(store: Store, gateway: Gateway, study_id: str, role: RoleConfig) -> LLMAnnotation:
    """Judge every ready, open compare task of the study as annotator `llm:<role.model>`."""
    found = store.rows("SELECT * FROM studies WHERE study_id = ?", [study_id])
    if not found:
        raise ValueError(f"no study {study_id!r}: see `muse study list`")
    study = found[0]
    annotator_id = _annotator(store, study, role.model)
    tasks = studies.queue(store.con, annotator_id)
    todo = [t for t in tasks if not t["done"] and t["ready"]]
    output = verdict_model(list(study["aspects"]))
    failed: list[str] = []

    async def one(task: dict[str, Any]) -> None:
        view = studies.task_view(store.con, annotator_id, task["task_id"])
        # the photos the sides show, once each (both sides of a conversation-ab item show the same)
        photos = list(dict.fromkeys(p for name in ("A", "B") if not isinstance(view["sides"][name], str)
                                    for t in view["sides"][name] for p in t["images"]))[:6]
        inputs = {"kind": view["kind"], "aspects": view["aspects"], "questions": view["questions"],
                  "profile": _profile(view["profile"]), "context": view["context"], "sides": view["sides"],
                  "speaker": view.get("speaker", "")}
        try:
            result = await gateway.run("study_compare", inputs, output=output, image_product_ids=photos,
                                       entity_id=f"study:{study_id}/{task['task_id']}", role=role)
        except LLMCallError as exc:  # no valid answer after the retries and re-asks: the rest go on
            failed.append(f"task {task['task_id']}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            return
        store.flush()  # the call's record first, then the judgment that cites it
        choices = result.value.choices.model_dump()
        studies.save_judgment(store, annotator_id, task["task_id"], studies.Judgment(choices=choices),
                              cache_key=result.cache_key)

    await asyncio.gather(*(one(task) for task in todo))
    waiting = sum(1 for t in tasks if not t["done"] and not t["ready"])
    return LLMAnnotation(f"llm:{role.model}", len(todo) - len(failed), waiting, failed)

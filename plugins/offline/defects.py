"""Measurable defects of a conversation, as the offline reviewer and judge read them from its text.

Both offline graders score from these counts (plus noise), so their scores vary with what is
really wrong with a conversation: said-again sentences and word pairs, terse turns, recommendations that never
name their product, complaints the assistant did not act on, a long search, and an accepted item
that lacks what the user asked for (or has what the user turned down). The user's wishes are read
the way the offline querier reads them (`plugins/offline/querier.stated_needs`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from muse_plugins.offline.lexicon import has_word
from muse_plugins.offline.needs import CLARIFY, attribute_terms
from muse_plugins.offline.querier import stated_needs

MIN_REPEAT_WORDS = 4  # "Thank you." twice is not a repetition worth a mark; a sentence of 4+ words is
TERSE_WORDS = 4  # a turn shorter than this says next to nothing


@dataclass
class Defects:
    repeated_sentences: int  # sentences of 4+ words said again in the conversation
    distinct_pairs: float  # distinct word pairs / all word pairs of the conversation (1: nothing repeats)
    terse_turns: int  # turns under 4 words
    mean_words: float  # per turn
    unnamed: int  # recommended products no assistant turn names
    ends_with_user: bool
    rejections: int  # user turns between the needs and the last one: complaints about a recommendation
    repeated_complaints: int  # a complaint about the same attribute words as an earlier one
    unmet_wishes: list[str] = field(default_factory=list)  # asked for, but the accepted item lacks it
    accepted_turned_down: list[str] = field(default_factory=list)  # turned down, but the accepted item has it


def sentences(text: str) -> list[str]:
    """A turn's sentences, lower-cased with punctuation dropped, for comparing."""
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [" ".join(words(p)) for p in parts if p.strip()]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def item_text(item: dict[str, Any]) -> str:
    """What a product shows a reader: title, summary and listed attributes, lower-cased."""
    facts = item.get("attributes") or {}
    listed = [str(v) for value in facts.values() for v in (value if isinstance(value, list) else [value])]
    return " ".join([item.get("title") or "", item.get("summary") or "", *listed]).lower()


def measure(conversation: list[dict[str, str]], accepted: dict[str, Any] | None,
            recommended_titles: list[str]) -> Defects:
    """The defects of a conversation (turns of {speaker, text}) whose user accepted `accepted`
    (None: nothing was accepted, or the reader cannot tell which item it was)."""
    said = Counter(s for t in conversation for s in sentences(t["text"]) if len(s.split()) >= MIN_REPEAT_WORDS)
    pairs = [pair for t in conversation for pair in zip(words(t["text"]), words(t["text"])[1:])]
    lengths = [len(t["text"].split()) for t in conversation]
    assistant = " ".join(t["text"] for t in conversation if t["speaker"] == "Assistant").lower()
    user = [t["text"] for t in conversation if t["speaker"] == "User"]
    complaints = [tuple(attribute_terms(text)) for text in user[2:-1]]  # after the opening and the needs
    defects = Defects(
        repeated_sentences=sum(n - 1 for n in said.values()),
        distinct_pairs=len(set(pairs)) / len(pairs) if pairs else 1.0,
        terse_turns=sum(1 for n in lengths if n < TERSE_WORDS),
        mean_words=sum(lengths) / len(lengths) if lengths else 0.0,
        unnamed=sum(1 for title in recommended_titles if title.lower() not in assistant),
        ends_with_user=bool(conversation) and conversation[-1]["speaker"] == "User",
        rejections=len(complaints),
        repeated_complaints=sum(1 for i, c in enumerate(complaints) if c and c in complaints[:i]),
    )
    if accepted is not None:
        shown = item_text(accepted)
        wanted, turned_down = stated_needs(conversation[:-1])  # what was said before the accept
        defects.unmet_wishes = [w for w in wanted if w not in CLARIFY and not w.startswith("suited to")
                                and not has_word(shown, w)]
        defects.accepted_turned_down = [w for w in turned_down if w not in CLARIFY and has_word(shown, w)]
    return defects

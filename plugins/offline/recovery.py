"""How much of what the simulated user means the offline querier's parser recovers.

The user simulator states needs in its own words (`shopper_words.py`); the querier reads them with
its own partial table (`needs.py`, `reading.py`). For statements where the truth is known (the
needs turn: the target's kind and the attribute its requirement came from; a rejection: the
target's value of the aspect that differs), `recovery` compares the attributes the user meant with
the attributes the querier would search for after reading the turn."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muse_core.config import OfflineConfig
from muse_plugins.offline import product_summary, user_simulator
from muse_plugins.offline.purchase_backstory import COLOUR_NEEDS, EXTRA_NEEDS, MATERIAL_NEEDS, PATTERN_NEEDS
from muse_plugins.offline.reading import read, search_attributes

ATTRIBUTE_ASPECTS = {"kind", "department", "colour", "material", "pattern"}


@dataclass(frozen=True)
class Recovery:
    """Micro-averaged over statements: recall = hits / meant, precision = hits / extracted."""
    recall: float
    precision: float
    meant: int
    extracted: int
    hits: int


def recovery(pairs: Iterable[tuple[Iterable[str], Iterable[str]]]) -> Recovery:
    """Recall and precision of (meant, extracted) attribute sets, pooled over all pairs. With
    nothing meant recall is 1 (nothing was lost); with nothing extracted precision is 1."""
    meant = extracted = hits = 0
    for m, e in pairs:
        m_set, e_set = set(m), set(e)
        meant, extracted, hits = meant + len(m_set), extracted + len(e_set), hits + len(m_set & e_set)
    return Recovery(hits / meant if meant else 1.0, hits / extracted if extracted else 1.0, meant, extracted, hits)


@dataclass(frozen=True)
class Statement:
    act: str  # "needs" | "reject"
    text: str
    meant: frozenset[str]
    extracted: frozenset[str]


def _requirement(target: dict[str, Any], rng: random.Random) -> tuple[str, set[str]]:
    """A requirement the backstory rule could have written for the target, and the attribute behind it."""
    facts = target.get("attributes") or {}
    options = [(need, m) for m in facts.get("materials") or [] for word, need in MATERIAL_NEEDS.items() if word in m]
    options += [(COLOUR_NEEDS[c], c) for c in (facts.get("colors") or [])[:1] if c in COLOUR_NEEDS]
    if facts.get("pattern") in PATTERN_NEEDS:
        options.append((PATTERN_NEEDS[facts["pattern"]], facts["pattern"]))
    if not options or rng.random() < 0.2:
        return rng.choice(EXTRA_NEEDS), set()
    need, attribute = rng.choice(options)
    return need, {attribute}


def _extracted(text: str) -> frozenset[str]:
    reading = read([{"speaker": "User", "text": text}])
    return frozenset(search_attributes(reading.wanted, reading.turned_down)[0])


def statements(products: list[dict[str, Any]], options: OfflineConfig, n: int, seed: int = 0) -> list[Statement]:
    """`n` needs turns and up to `n` rejections by the offline user simulator about random targets
    (each rejection of a random other product), with what the user meant and what the parser read."""
    out = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for p in products:
        by_kind.setdefault((p.get("attributes") or {}).get("product_type", "item"), []).append(p)
    for i in range(n):
        rng = random.Random(f"recovery-{seed}-{i}")
        target = rng.choice(products)
        kind = (target.get("attributes") or {}).get("product_type", "item")
        requirement, behind = _requirement(target, rng)
        profile = {"requirements": [requirement]}
        text = user_simulator.needs({"target_kind": kind, "requirement": requirement, "profile": profile}, [],
                                    random.Random(rng.random()), options)
        out.append(Statement("needs", text, frozenset({kind} | behind), _extracted(text)))
        same_kind = [p for p in by_kind[kind] if p is not target]
        rec = rng.choice(same_kind) if same_kind and rng.random() < 0.7 else rng.choice(products)
        truth = user_simulator.difference(rec, target, None, None)
        if rec is target or truth["aspect"] not in ATTRIBUTE_ASPECTS:
            continue
        said = user_simulator.compare({"product": rec, "target": target}, [], random.Random(rng.random()), options)
        text = user_simulator.reject({"difference": said, "conversation": []}, [], random.Random(rng.random()), options)
        out.append(Statement("reject", text, frozenset({truth["wanted"]}), _extracted(text)))
    return out


def measure(products: list[dict[str, Any]], options: OfflineConfig, n: int, seed: int = 0) -> dict[str, Recovery]:
    """Recovery over all statements and per act."""
    said = statements(products, options, n, seed)
    by_act = {act: recovery((s.meant, s.extracted) for s in said if s.act == act) for act in ("needs", "reject")}
    return {"all": recovery((s.meant, s.extracted) for s in said), **by_act}


def catalog_products(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Products of a catalog JSONL file with the offline summary's attributes (read from text only)."""
    products = []
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        raw = json.loads(line)
        facts = product_summary.answer({"product": raw}, [], random.Random(raw.get("parent_asin")), OfflineConfig())
        products.append({**raw, "attributes": facts, "summary": facts["summary"]})
    return products

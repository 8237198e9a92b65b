"""Every random choice derives from (run seed, entity id, stage), so a resumed run equals an
uninterrupted one whatever order the work happened in."""

from __future__ import annotations

import hashlib
import random


def derive_seed(run_seed: int, *parts: object) -> int:
    """A stable 63-bit seed for one entity at one stage."""
    text = "\x1f".join([str(run_seed), *map(str, parts)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def rng_for(run_seed: int, *parts: object) -> random.Random:
    return random.Random(derive_seed(run_seed, *parts))

"""The module muse loads through the `muse` entry point: the furniture domain, the
`second-look` action policy and the `room-bm25` retriever."""

from __future__ import annotations

from pathlib import Path

from muse_core.api import Domain, hookimpl

from muse_furniture.catalog import TAXONOMY, parse_record
from muse_furniture.complements import COMPLEMENTS
from muse_furniture.personas import sample_persona
from muse_furniture.policy import SecondLook
from muse_furniture.retriever import RoomBM25
from muse_furniture.scenarios import SEED_SCENARIOS

HERE = Path(__file__).resolve().parent

FURNITURE = Domain(
    name="furniture",
    description="home furniture and decor from a CSV catalog with an image folder (muse-furniture example)",
    parse_record=parse_record,
    # ingest reads JSON lines: the sample CSV converted by muse_furniture.catalog.csv_to_jsonl
    sample_catalog=HERE / "sample" / "catalog.jsonl",
    taxonomy=TAXONOMY,  # group -> categories, in the catalog's own words
    skills_dir=HERE / "skills",
    seed_scenarios=SEED_SCENARIOS,
    sample_persona=sample_persona,
    # share of each group (categories[2]) when a target is drawn by category: people furnish with
    # seating and tables first, then storage and textiles
    group_weights={"Seating": 0.28, "Tables & Desks": 0.2, "Storage": 0.15, "Textiles": 0.14, "Beds & Cribs": 0.1,
                   "Lighting": 0.08, "Decor": 0.05},
    complements=COMPLEMENTS,
)


@hookimpl
def muse_domains() -> list[Domain]:
    return [FURNITURE]


@hookimpl
def muse_action_policies() -> list[type]:
    return [SecondLook]


@hookimpl
def muse_retrievers() -> list[type]:
    return [RoomBM25]

"""`fashion` domain: Amazon Clothing, Shoes & Jewelry style catalogs, as in the MUSE paper."""

from __future__ import annotations

from importlib.resources import files

from muse_core import amazon2023
from muse_core.domain import Domain
from muse_core.hookspecs import hookimpl
from muse_plugins.fashion.complements import COMPLEMENTS
from muse_plugins.fashion.personas import sample_persona
from muse_plugins.fashion.scenarios import SEED_SCENARIOS

# The bundled sample (sample/catalog.jsonl, sample/images/*.png) is package data of muse_plugins.fashion,
# found through importlib.resources wherever muse is installed. Ingest opens the catalog and reads each
# photo beside it as a file; that needs no importlib.resources.as_file copy because pip installs a
# wheel (and an editable checkout points) into real directories, where files() is a pathlib.Path.
SAMPLE = files("muse_plugins.fashion") / "sample"

FASHION = Domain(
    name="fashion",
    description="clothing, shoes, jewelry and accessories (Amazon Reviews 2023 item metadata)",
    parse_record=amazon2023.parse_record,
    sample_catalog=SAMPLE / "catalog.jsonl",
    # Paper A.2: three top-level groups; "Jewelry" renamed "Decoration" there because wallets
    # and bags sit in it too. We keep the catalog's own words.
    taxonomy={
        "clothing": ["tops", "sweaters & hoodies", "outerwear", "dresses", "skirts", "trousers & jeans", "shorts",
                     "activewear", "swimwear", "suits & blazers"],
        "shoes": ["sneakers", "running shoes", "boots", "sandals", "heels", "flats & loafers", "slippers"],
        "jewelry & accessories": ["necklaces", "earrings", "rings", "bracelets", "watches", "bags", "wallets",
                                  "belts", "hats", "scarves", "sunglasses"],
    },
    seed_scenarios=SEED_SCENARIOS,
    sample_persona=sample_persona,
    # paper A.2: clothing dominates the mentioned products, then shoes, then "decoration"
    group_weights={"Clothing": 0.5, "Shoes": 0.25, "Jewelry": 0.1, "Accessories": 0.15},
    complements=COMPLEMENTS,
)


@hookimpl
def muse_domains() -> list[Domain]:
    return [FASHION]

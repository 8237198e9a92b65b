"""Writes the bundled sample catalog: 245 invented fashion products in the Amazon Reviews 2023 raw
item-metadata schema, each with one drawn PNG showing its type, colours and pattern.

    python plugins/fashion/sample/draw_catalog.py

Deterministic (seeded): rerunning rewrites identical files. The drawing code is
plugins/fashion/catalog_generator.py, which also draws larger catalogs (`muse sample-catalog`).
Everything here is written by the muse authors (CC0); brands and stores are invented.
"""

from __future__ import annotations

from pathlib import Path

from muse_plugins.fashion.catalog_generator import write_sample

HERE = Path(__file__).resolve().parent


def main() -> None:
    products = write_sample(HERE)
    print(f"wrote {len(products)} products to {HERE / 'catalog.jsonl'}")


if __name__ == "__main__":
    main()

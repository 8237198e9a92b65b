"""How much of what the offline user simulator means the offline querier's lossy parser recovers.

    python benchmarks/offline_language_bench.py [--n 1000] [--generated 5000] [--seed 0]

For `--n` targets drawn from each catalog (the bundled sample; a generated catalog of
`--generated` products, `muse sample-catalog --seed 0`, drawn into a temporary folder; 0 skips it)
the user simulator states its needs (the target's kind and one requirement) and rejects one
other product; the querier's parser reads each turn alone. Recall: the share of the attributes
the user meant (the target's kind, the attribute behind the requirement, the target's value of
the aspect a rejection is about) that the parser extracted; precision: the share of the extracted
attributes the user meant. Printed at the default [offline] settings and with
need_vague_p = need_omit_p = need_wrong_p = 0 (the shopper's own words remain: half of the
values it names are synonyms, and the querier knows only part of them)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from muse_core.config import OfflineConfig
from muse_plugins.fashion import FASHION
from muse_plugins.offline.recovery import catalog_products, measure

SETTINGS = {"default [offline]": OfflineConfig(),
            "need_*_p = 0": OfflineConfig(need_vague_p=0, need_omit_p=0, need_wrong_p=0)}


def report(name: str, catalog: Path, n: int, seed: int) -> None:
    products = catalog_products(catalog)
    print(f"\n{name}: {len(products):,} products, {n:,} needs turns and their rejections, seed {seed}")
    print(f"{'settings':<20} {'meant':>6} {'read':>6} {'recall':>7} {'precision':>9}   needs R/P    reject R/P")
    for label, options in SETTINGS.items():
        started = time.perf_counter()
        r = measure(products, options, n, seed)
        print(f"{label:<20} {r['all'].meant:>6,} {r['all'].extracted:>6,} {r['all'].recall:>7.3f} "
              f"{r['all'].precision:>9.3f}   {r['needs'].recall:.3f}/{r['needs'].precision:.3f}"
              f"   {r['reject'].recall:.3f}/{r['reject'].precision:.3f}   ({time.perf_counter() - started:.1f}s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--generated", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report("bundled sample", FASHION.sample_catalog, args.n, args.seed)
    if args.generated:
        from muse_plugins.fashion.catalog_generator import generate_catalog

        with tempfile.TemporaryDirectory() as folder:
            catalog = generate_catalog(args.generated, 0, Path(folder))
            report(f"generated catalog (muse sample-catalog --n {args.generated} --seed 0)", catalog, args.n, args.seed)


if __name__ == "__main__":
    main()

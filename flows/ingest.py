"""`muse ingest`: catalog file -> products and rejects -> summaries -> BM25 + vector index."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect import flow, task

from muse_flows.common import domain_gateway, progress, recorded_run
from muse_core.config import MuseConfig
from muse_core.indexing import build_index
from muse_core.ingest import ingest_catalog
from muse_core.plugins import registry
from muse_core.store import Store
from muse_core.summaries import summarize_products


# Not cached by Prefect: whether a catalog is already in a database is a fact of that database
# (ingest compares content hashes), and a copied file carries any identity a cache key could use.
@task(name="ingest-catalog")
def ingest_task(config: dict, catalog: str, run_id: str, show_progress: bool) -> dict:
    cfg = MuseConfig.model_validate(config)
    domain = registry().get("domain", cfg.domain)
    with Store(cfg.db) as store:
        report = asyncio.run(ingest_catalog(store, Path(catalog), domain, cfg.ingest, run_id, progress(show_progress)))
    return report.as_dict()


@task(name="summarize-products")
def summarize_task(config: dict, run_id: str, show_progress: bool) -> dict:
    cfg = MuseConfig.model_validate(config)
    with Store(cfg.db) as store:
        gateway, _ = domain_gateway(store, cfg, run_id)
        report = asyncio.run(summarize_products(gateway, progress(show_progress)))
    return {"summarized": report.summarized, "already": report.already, "cache_hits": report.cache_hits,
            "cost_usd": report.cost_usd, "failures": report.failures}


@task(name="build-index")
def index_task(config: dict, show_progress: bool) -> dict:
    cfg = MuseConfig.model_validate(config)
    embedder = registry().get("embedder", cfg.retrieval.embedder)
    # BM25 alone needs no vectors: embedding a large catalog on a CPU takes most of an ingest
    vectors = getattr(registry().get("retriever", cfg.retrieval.retriever), "uses_vectors", True)
    with Store(cfg.db) as store:
        report = build_index(store, embedder.load, embedder.model_id, progress(show_progress), vectors=vectors)
    return report.__dict__


@flow(name="muse-ingest")
def ingest_flow(config: dict, catalog: str, command: str = "ingest", show_progress: bool = True) -> dict:
    """Ingest one catalog file into the configured database, summarise and index its products."""
    cfg = MuseConfig.model_validate(config)
    catalog_path = Path(catalog).resolve()
    if not catalog_path.is_file():
        raise FileNotFoundError(f"catalog file not found: {catalog_path}")
    with recorded_run(cfg, command) as run:
        ingest = ingest_task(config, str(catalog_path), run["run_id"], show_progress)
        summaries = summarize_task(config, run["run_id"], show_progress)
        index = index_task(config, show_progress)
    return {"run_id": run["run_id"], "ingest": ingest, "summaries": summaries, "index": index}

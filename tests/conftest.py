"""Shared fixtures: offline configs, a store, the tiny catalog, a generated 5,000-product catalog."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # flows run in process: keep their INFO lines out

from muse_core.config import MuseConfig, load_config  # noqa: E402
from muse_core.store import Store  # noqa: E402
from tests.helpers import write_tiny_catalog  # noqa: E402


@pytest.fixture
def tiny_catalog(tmp_path: Path) -> Path:
    return write_tiny_catalog(tmp_path / "catalog")


@pytest.fixture(scope="session")
def generated_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """catalog.jsonl of a 5,000-product generated catalog (`muse sample-catalog --n 5000 --seed 0`),
    drawn once per test session; its images sit beside it. Read it, do not change it."""
    from muse_plugins.fashion.catalog_generator import generate_catalog

    return generate_catalog(5000, 0, tmp_path_factory.mktemp("generated-catalog"))


@pytest.fixture
def offline_config(tmp_path: Path) -> MuseConfig:
    return load_config(db=tmp_path / "muse.duckdb").with_offline_engine()


@pytest.fixture
def store(offline_config: MuseConfig):
    with Store(offline_config.db) as opened:
        yield opened

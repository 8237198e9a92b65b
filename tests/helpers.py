"""Test helpers: the shared data folder, and a tiny catalog drawn on the fly."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

needs_shared_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent")


def draw_product(path: Path, color: tuple[int, int, int], stripes: bool = False) -> Path:
    """A product-like picture: a coloured block on a light background, optionally striped."""
    img = Image.new("RGB", (128, 128), (240, 240, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle([30, 20, 98, 110], fill=color)
    if stripes:
        for y in range(24, 106, 10):
            draw.rectangle([34, y, 94, y + 4], fill=(250, 250, 250))
    draw.rectangle([30, 20, 98, 110], outline=(0, 0, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


TINY_PRODUCTS = [
    ("T1", "Women's Red Cotton T-Shirt Crew Neck Short Sleeve", (200, 30, 40), False,
     ["100% Cotton", "Perfect gift for her!", "Machine wash cold"], 12.99),
    ("T2", "Men's Navy Striped Linen Shirt for Summer Beach", (25, 35, 90), True,
     ["Linen", "Relaxed fit", "Button closure"], 29.5),
    ("T3", "Waterproof Green Leather Hiking Boots", (40, 140, 60), False,
     ["Leather upper", "Rubber sole", "Great for trail hiking"], 89.0),
    ("T4", "Sterling Silver Pendant Necklace", (192, 192, 200), False,
     ["925 sterling silver", "18 inch chain"], 45.0),
    ("T5", "Kids Yellow Rain Jacket with Hood", (240, 210, 50), False,
     ["Polyester shell", "Waterproof", "For school and travel"], 25.0),
]


def write_tiny_catalog(folder: Path, products: list[tuple] = TINY_PRODUCTS) -> Path:
    rows = []
    for pid, title, color, stripes, features, price in products:
        draw_product(folder / "images" / f"{pid}.png", color, stripes)
        rows.append({
            "main_category": "AMAZON FASHION", "title": title, "average_rating": 4.5, "rating_number": 10,
            "features": features, "description": [], "price": price,
            "images": [{"thumb": None, "large": f"images/{pid}.png", "hi_res": None, "variant": "MAIN"}],
            "videos": [], "store": "Muse Test Co", "categories": [], "details": {"Department": "Unisex"},
            "parent_asin": pid, "bought_together": None,
        })
    path = folder / "catalog.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def run_stages(config, names: tuple[str, ...], progress=None, command: str = "fixture") -> dict:
    """The named stages of muse_core.stages, in pipeline order, in process, under one run and one
    event loop (the gateway's limits belong to the loop they were made in)."""
    import asyncio

    from muse_core.context import StageContext
    from muse_core.runs import start_run
    from muse_core.stages import run_stages as run
    from muse_core.store import Store

    with Store(config.db) as store:
        run_id = start_run(store, command, config)

        async def stages() -> dict:
            return await run(StageContext.open(store, config, run_id, progress), names)

        return asyncio.run(stages())


def build_sample_db(db: Path) -> Path:
    """The bundled sample catalog ingested, summarised and BM25-indexed offline (no embeddings)."""
    from muse_core.config import load_config

    run_stages(load_config(db=db, retrieval={"retriever": "bm25"}).with_offline_engine(),
               ("ingest", "summaries", "index"))
    return db


def over_http(api_base: str, **gateway: Any) -> dict[str, Any]:
    """`run_conversation_stages` overrides that play every role through a muse offline server at
    `api_base` (litellm -> openai client -> HTTP), with quick retries."""
    from muse_core.config import RoleConfig, load_config

    config = load_config()
    role = {"provider": "litellm", "model": "openai/gpt-4o-mini", "api_base": api_base, "timeout_s": 1.0,
            "send_inputs": True}
    roles = {name: RoleConfig(**{**role, "temperature": r.temperature}) for name, r in config.roles.items()}
    settings = config.gateway.model_copy(update={"backoff_base_s": 0.01, "backoff_max_s": 0.05, "max_retries": 6,
                                                 "structured_retries": 3, "requests_per_minute": None,
                                                 "tokens_per_minute": None, **gateway})
    return {"roles": roles, "gateway": settings}


def run_conversation_stages(db: Path, n: int, progress=None, **overrides) -> dict:
    """Simulate, rewrite and review `n` conversations in process, over BM25, offline unless
    `overrides` say otherwise (e.g. roles pointing at the loopback server)."""
    from muse_core.config import load_config

    config = load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"scenarios": 70},
                         conversations={"n": n, "concurrency": 6}).with_offline_engine()
    config = config.model_copy(update=overrides)
    return run_stages(config, ("simulate", "rewrite", "review"), progress, command="conversations")


def export_bytes(db: Path) -> bytes:
    """The muse-json export of a database, as written to a file."""
    import json

    from muse_core.muse_json import muse_json
    from muse_core.store import Store

    with Store(db, read_only=True) as store:
        return (json.dumps(muse_json(store, include_dropped=True), ensure_ascii=False, indent=2) + "\n").encode()


def build_profiles_db(db: Path, n: int) -> Path:
    """The bundled sample with `n` offline profiles (BM25 targets, 70 scenarios)."""
    from muse_core.config import load_config

    build_sample_db(db)
    config = load_config(db=db, retrieval={"retriever": "bm25"}, profiles={"n": n, "scenarios": 70}).with_offline_engine()
    run_stages(config, ("scenarios", "profiles"), command="profiles")
    return db


def write_sample_subset(folder: Path, n: int) -> Path:
    """The first `n` products of the bundled fashion sample, with their photos, as a catalog file."""
    import shutil

    from muse_plugins.fashion import FASHION

    source = FASHION.sample_catalog
    lines = source.read_text(encoding="utf-8").splitlines()[:n]
    for line in lines:
        for image in json.loads(line)["images"]:
            for size in ("thumb", "large", "hi_res"):
                if image.get(size):
                    (folder / image[size]).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(source.parent / image[size], folder / image[size])
    path = folder / "catalog.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shell_output(store, lines: list[str]) -> str:
    """What the interactive `muse sql` prompt prints for these input lines (EOF after the last)."""
    from rich.console import Console

    from muse_core.sql_shell import run_shell

    feed = iter(lines)

    def input_fn(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    console = Console(record=True, width=200)
    run_shell(store, console, input_fn)  # returns at EOF
    return console.export_text()


def muse_output(*args: str, cwd: Path, timeout: float = 900) -> str:
    """What `muse ARGS` prints, run as a user would in `cwd`; the test fails on a non-zero exit."""
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "muse_flows.cli", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "COLUMNS": "240"}, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


# a browser test needs Debian's chromium and chromedriver (.ci/run installs them)
needs_chromium = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason=f"{CHROMIUM} or {CHROMEDRIVER} is absent (apt-get install chromium chromium-driver)")


class BackgroundApp:
    """An ASGI app under uvicorn in a thread, on a free loopback port (`url`)."""

    def __init__(self, app) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as probe:  # a free port; uvicorn binds it right after
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "BackgroundApp":
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@contextmanager
def headless_chromium(prefix: str, keep_alerts: bool = False):
    """Debian's Chromium through its own chromedriver, headless, in a throwaway profile; Selenium
    Manager (which would download drivers) must not be consulted. `keep_alerts`: an alert stays up
    for the test to see."""
    import shutil
    import tempfile

    pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common import driver_finder

    profile = tempfile.mkdtemp(prefix=prefix)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1280,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if keep_alerts:
        options.unhandled_prompt_behavior = "ignore"

    def no_downloads(*_: object, **__: object) -> dict:
        raise AssertionError("Selenium Manager was consulted: it would try to download a driver")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(driver_finder.SeleniumManager, "binary_paths", no_downloads)
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)

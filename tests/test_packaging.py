"""The wheel carries what a non-editable install reads at run time: the SQL, the skills, the viewer's
templates and the fashion sample (catalog and photos), under the import names muse_core, muse_flows,
muse_plugins and muse_sql only. .ci/run installs that wheel into a fresh venv and runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"muse_core", "muse_flows", "muse_plugins", "muse_sql"}


def _source_copy(dest: Path) -> Path:
    """pyproject.toml, README.md and every folder pyproject maps to a package, copied to `dest`:
    the build writes its build/ and egg-info there, not into the shared checkout, and no stale
    build/lib of an earlier build can slip files into the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    for folder in set(config["tool"]["setuptools"]["package-dir"].values()):
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = _source_copy(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: setuptools of this venv builds it (seconds; no isolated env to install)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(source)], check=True, capture_output=True, text=True, timeout=300)
    (built,) = out.glob("muse_mcr-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _under(names: list[str], prefix: str, suffix: str) -> set[str]:
    return {name.removeprefix(prefix) for name in names if name.startswith(prefix) and name.endswith(suffix)}


def _expected(folder: str, pattern: str) -> set[str]:
    base = ROOT / folder
    return {str(p.relative_to(base)) for p in base.glob(pattern)}


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "package", "pattern"), [
    ("sql", "muse_sql", "schema/*.sql"),
    ("sql", "muse_sql", "views/*.sql"),
    ("sql", "muse_sql", "queries/*.sql"),
    ("muse_core", "muse_core", "skills/*.toml"),
    ("muse_core", "muse_core", "viewer_templates/*.html"),
    ("plugins/fashion", "muse_plugins/fashion", "sample/catalog.jsonl"),
    ("plugins/fashion", "muse_plugins/fashion", "sample/images/*.png"),
])
def test_wheel_holds_the_package_data(wheel_names: list[str], folder: str, package: str, pattern: str) -> None:
    expected = _expected(folder, pattern)
    assert expected, f"nothing matches {folder}/{pattern} in the checkout"
    suffix = pattern.rsplit("*", 1)[-1] if "*" in pattern else pattern
    shipped = _under(wheel_names, f"{package}/", suffix)
    assert expected <= shipped, f"missing from the wheel: {sorted(expected - shipped)[:10]}"


@pytest.mark.slow
def test_sample_photos_named_by_the_catalog_are_in_the_wheel(wheel_names: list[str]) -> None:
    names = set(wheel_names)
    lines = (ROOT / "plugins/fashion/sample/catalog.jsonl").read_text(encoding="utf-8").splitlines()
    photos = {image[key] for line in lines if line.strip() for image in json.loads(line).get("images", [])
              for key in ("thumb", "large", "hi_res") if image.get(key)}
    assert photos
    missing = sorted(p for p in photos if f"muse_plugins/fashion/sample/{p}" not in names)
    assert not missing, f"photos the sample catalog names but the wheel lacks: {missing[:10]}"


@pytest.mark.slow
def test_wheel_has_only_the_muse_import_names(wheel_names: list[str]) -> None:
    top = {name.split("/", 1)[0] for name in wheel_names if not name.split("/", 1)[0].endswith(".dist-info")}
    assert top == PACKAGES, f"top-level names in the wheel: {sorted(top)}"
    for package in PACKAGES:
        assert f"{package}/__init__.py" in wheel_names
    # the folders' own names must not leak in as packages (they would collide with other distributions)
    assert not {"plugins", "flows", "sql"} & top


@pytest.mark.slow
def test_wheel_needs_no_test_only_dependency(wheel: Path) -> None:
    """hypothesis and pytest are test dependencies: the wheel requires them only for the `test` extra."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [line.removeprefix("Requires-Dist:").strip()
                    for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist:")]
    for name in ("hypothesis", "pytest"):
        found = [r for r in requires if r.lower().startswith(name)]
        assert found and all('extra == "test"' in r for r in found), found

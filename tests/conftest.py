"""Shared fixtures: paths to the repository's catalog and reference data."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

# Small dense products dominate these tests; threaded BLAS only adds contention on the 2-core
# CI machine (measured: sparse LU up to 100× slower under load). Set before numpy loads (none of
# the imports above loads it).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
DEVICES = ROOT / "devices"
DATA = ROOT / "data"


def load_reference(name: str) -> dict:
    """Read ``data/<name>.toml`` (reference values with their provenance)."""
    with (DATA / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def devices_dir() -> Path:
    return DEVICES


@pytest.fixture
def stores_intact(tmp_path: Path):
    """After the test, every SQLite store it left under ``tmp_path`` passes
    ``PRAGMA integrity_check`` (files a test damages on purpose are named ``damaged*``, and
    stores moved aside carry ``.damaged-`` in their name)."""
    import sqlite3

    yield
    for path in sorted(tmp_path.rglob("*.sqlite")):
        if path.name.startswith("damaged") or ".damaged-" in path.name:
            continue
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", path

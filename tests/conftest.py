"""Shared fixtures: paths to the repository's catalog and reference data."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

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

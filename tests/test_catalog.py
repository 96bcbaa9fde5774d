"""Every file of the catalog is a test case: it loads, validates and translates."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from qnet_design.catalog import device_files, list_catalog, setup_files
from qnet_design.specs import load_device, load_setup
from qnet_design.translate import translate
from qnet_design.translate.qubits import translate_qubit

from .conftest import DEVICES

DEVICE_FILES = device_files(DEVICES)
SETUP_FILES = setup_files(DEVICES)


def _id(path: Path) -> str:
    return str(path.relative_to(DEVICES))


def test_catalog_is_large_enough():
    # issue 2: at least one setup per scheme; issue 18: at least 20 devices
    assert len(DEVICE_FILES) >= 20
    schemes = {load_setup(p).scheme for p in SETUP_FILES}
    assert schemes >= {"dual_rail", "thermal_link", "cv_routing", "cv_replication", "cooperative"}


@pytest.mark.parametrize("path", DEVICE_FILES, ids=_id)
def test_device_file_loads(path):
    device = load_device(path)
    assert device.reference.strip() and device.notes.strip() and device.name.strip()
    if device.kind in ("transmon", "siv") and "ej" not in device.values:
        q = translate_qubit(device)
        assert q.gamma > 0 and q.gamma_loss >= 0 and q.gamma_phi >= 0


@pytest.mark.parametrize("path", SETUP_FILES, ids=_id)
def test_setup_translates(path):
    tr = translate(load_setup(path))
    assert tr.reference.angular > 0
    for rate in tr.rates:
        assert math.isfinite(rate.angular), rate
        assert rate.hz == pytest.approx(rate.angular / (2 * math.pi))
    assert tr.to_dict()["scheme"] == tr.scheme


def test_list_catalog_names_every_file():
    names = {e.name for e in list_catalog(DEVICES)}
    assert {p.stem for p in DEVICE_FILES + SETUP_FILES} <= names


# issue 18 item 5: every number's origin carries a status word (devices/README.md, "Catalog")
STATUS_WORDS = ("VERIFIED", "DERIVED", "CORRECTED", "ASSUMPTION", "UNVERIFIED")


@pytest.mark.parametrize("path", DEVICE_FILES, ids=_id)
def test_device_notes_state_where_numbers_come_from(path):
    notes = load_device(path).notes
    assert any(word in notes for word in STATUS_WORDS), f"{path.name}: notes carry no status word"


def test_catalog_readme_lists_every_device_file():
    readme = (DEVICES / "README.md").read_text()
    missing = [_id(p) for p in DEVICE_FILES if f"`{_id(p)}`" not in readme]
    assert not missing, f"devices/README.md catalog table lacks {missing}"

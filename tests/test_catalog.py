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


# The sources quote an amplifier's total added noise A (quanta, or a noise temperature); the
# model's added_noise is the squeezed-thermal occupation n_T above the quantum limit, n_T = A − ½
# (devices/README.md, "Catalog"). Expected values are the abstracts' numbers, not the files'.
_H_OVER_KB = 6.62607015e-34 / 1.380649e-23  # K/Hz


@pytest.mark.parametrize(
    ("name", "total_low", "total_high"),
    [
        ("bell2025_inverse_kerr_twpa", 1.5, 1.5),  # arXiv:2507.17039: 1.5 photons
        ("kimpa2025_kinetic_inductance_paramp", 0.5, 1.3),  # arXiv:2504.17145: 0.5–1.3 quanta
        ("gaydamachenko2025_rfsquid_twpa", 0.8 + 0.5, 1.5 + 0.5),  # excess 0.8–1.5 above QL
    ],
)
def test_added_noise_is_the_excess_above_the_quantum_limit(name, total_low, total_high):
    device = load_device(DEVICES / "sources" / f"{name}.toml")
    low, high = total_low - 0.5, total_high - 0.5
    assert device.values["added_noise"] == pytest.approx((low + high) / 2)
    sigma = device.uncertainties["added_noise"].sigma if low != high else 0.0
    assert sigma == pytest.approx((high - low) / 2)


def test_kit_noise_temperature_converts_to_quanta_above_the_quantum_limit():
    # Malnou et al. (NIST 2021): the KIT adds 0.19 ± 0.1 K; A = k_B T/(h f) at the 4.5 GHz
    # band centre, n_T = A − ½; the file rounds to two decimals
    device = load_device(DEVICES / "sources" / "malnou2021_kinetic_inductance_twpa.toml")
    quantum = _H_OVER_KB * 4.5e9
    assert device.values["added_noise"] == pytest.approx(0.19 / quantum - 0.5, abs=0.005)
    assert device.uncertainties["added_noise"].sigma == pytest.approx(0.1 / quantum, abs=0.005)


# A directional emitter's `directionality` is forward/(forward + backward) power. The sources
# quote it as a percentage, a forward/backward ratio or a nonreciprocity in dB; each expected
# value is typed from the source (a lower bound where the source says "more than"/"exceeding").
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("kannan2023_directional_transmon", 0.96),  # MIT News 2023: "more than 96 percent"
        ("joshi2023_chiral_transmon", 100 / 101),  # arXiv:2212.11400: F/B ratio exceeding 100
        ("cao2024_parametric_chiral_interface", 1000 / 1001),  # arXiv:2405.15086: ~30 dB
    ],
)
def test_directionality_is_the_sources_figure(name, expected):
    device = load_device(DEVICES / "qubits" / f"{name}.toml")
    assert device.values["directionality"] == pytest.approx(expected, abs=5e-4)

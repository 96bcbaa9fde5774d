"""Find, list and load the device catalog (``devices/*.toml``); no physics here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import DeviceFileError
from .specs.devices import DeviceSpec, load_device, read_toml

#: The catalog shipped with the repository (next to the package in a source checkout).
REPO_CATALOG = Path(__file__).resolve().parents[1] / "devices"


def catalog_dir(explicit: str | Path | None = None) -> Path:
    """The catalog folder: ``explicit``, ``$QNET_DEVICES``, ``./devices`` or the repository's."""
    if explicit is not None:
        if not Path(explicit).is_dir():
            raise DeviceFileError(f"{explicit}: catalog folder not found")
        return Path(explicit)
    for candidate in (os.environ.get("QNET_DEVICES"), Path.cwd() / "devices"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    if REPO_CATALOG.is_dir():
        return REPO_CATALOG
    raise DeviceFileError("no device catalog found: pass --catalog DIR or set QNET_DEVICES")


@dataclass(frozen=True)
class CatalogEntry:
    """One catalog file: ``name`` is its stem (what ``devices show`` takes)."""

    name: str
    path: Path
    kind: str
    title: str
    reference: str


def device_files(folder: Path) -> list[Path]:
    """Device files (everything but setups) below ``folder``, sorted."""
    return sorted(p for p in folder.rglob("*.toml") if "setups" not in p.relative_to(folder).parts)


def setup_files(folder: Path) -> list[Path]:
    return sorted((folder / "setups").glob("*.toml")) if (folder / "setups").is_dir() else []


def list_catalog(folder: Path | None = None) -> list[CatalogEntry]:
    """Every device and setup of the catalog (setups have kind ``setup:<scheme>``)."""
    folder = catalog_dir(folder)
    entries = []
    for path in device_files(folder):
        data = read_toml(path)
        entries.append(
            CatalogEntry(
                path.stem,
                path,
                str(data.get("kind")),
                str(data.get("name")),
                str(data.get("reference", "")),
            )
        )
    for path in setup_files(folder):
        data = read_toml(path)
        entries.append(
            CatalogEntry(path.stem, path, f"setup:{data.get('scheme')}", str(data.get("name")), "")
        )
    return entries


def find(name: str, folder: Path | None = None) -> Path:
    """Resolve a file path or a catalog name (file stem) to a path."""
    if Path(name).is_file():
        return Path(name)
    matches = [e.path for e in list_catalog(folder) if e.name == name]
    if not matches:
        raise DeviceFileError(f"{name}: no such file or catalog entry (see `qnet-design devices`)")
    return matches[0]


def load(name: str, folder: Path | None = None) -> DeviceSpec:
    """Load a catalog device by name or path."""
    return load_device(find(name, folder))

"""Writer shared by the ``data/make_*.py`` scripts: reference entries → a commented TOML file.

Each entry is a table with ``value``, optional argument keys, ``source`` and ``note``; lists
longer than four items are wrapped four to a line so the files diff well. Kept next to the
scripts (not in qnet_design) because the references must not depend on the code they check.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

Entries = Mapping[str, Mapping[str, object]]


def format_value(value: object) -> str:
    """One TOML value: strings JSON-quoted, numbers as Python floats, lists wrapped."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        items = [format_value(v) for v in value]
        if len(items) <= 4:
            return "[" + ", ".join(items) + "]"
        lines = [", ".join(items[i : i + 4]) for i in range(0, len(items), 4)]
        return "[\n    " + ",\n    ".join(lines) + ",\n]"
    return repr(float(value))  # type: ignore[arg-type]


def render(head: list[str], data: Entries) -> str:
    """``head`` comment lines, then one table per entry (value, arguments, source, note)."""
    body = []
    for name, entry in data.items():
        body.append(f"\n[{name}]")
        keys = ["value", *[k for k in entry if k not in ("value", "source", "note")]]
        body += [f"{k} = {format_value(entry[k])}" for k in [*keys, "source", "note"]]
    return "\n".join(head + body) + "\n"


def main(
    entries: Callable[[], Entries], head: list[str], output: Path, argv: list[str] | None
) -> int:
    """``python data/make_x.py [OUT.toml]``: write the entries to OUT (default ``output``)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else output
    target.write_text(render(head, entries()), encoding="utf-8")
    print(f"wrote {target}")
    return 0

"""Assemble benchmarks/RESULTS.md from the per-scheme sections in benchmarks/results/.

Each ``bench_<name>.py`` runs the toolkit's route and a plain QuTiP/SciPy route in the same run
and writes ``results/<name>.md`` (machine, date, times, ratio, peak memory). This script only
concatenates them under one heading, in a fixed order.

    python benchmarks/bench_thermal_link.py      # (each benchmark; see benchmarks/README.md)
    python benchmarks/collect.py                 # -> benchmarks/RESULTS.md
"""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["dual_rail", "thermal_link", "cv_routing", "cv_replication", "cooperative", "sweep"]


def main() -> None:
    sections = {p.stem: p.read_text().strip() for p in sorted((HERE / "results").glob("*.md"))}
    names = [n for n in ORDER if n in sections] + sorted(set(sections) - set(ORDER))
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        "# Benchmark results\n\n"
        f"Collected {stamp} on {platform.platform()} ({os.cpu_count()} cores) by "
        "`python benchmarks/collect.py`. Each section names the command that produced it, the "
        "machine and its load; routes are timed side by side in the same run.\n"
    )
    (HERE / "RESULTS.md").write_text(head + "\n" + "\n\n".join(sections[n] for n in names) + "\n")
    print(f"wrote {HERE / 'RESULTS.md'} ({len(names)} sections)")


if __name__ == "__main__":
    main()

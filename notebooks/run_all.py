"""Run every notebook (notebooks/NN_*.py) as a script and report its runtime.

    python notebooks/run_all.py                # fast mode (QNET_FAST=1, ~1 min), what the tests run
    python notebooks/run_all.py --full         # full mode (~1 h): fine grids, figures -> figures/
    python notebooks/run_all.py --gallery      # fast mode, small figures -> gallery/ (committed)
    python notebooks/run_all.py --full 01 03   # only the notebooks whose names start with 01 or 03

Each notebook runs in its own process with MPLBACKEND=Agg and ``-W error`` (as in the tests);
wall-clock and CPU (user + sys) times are printed at the end. ``--gallery`` rewrites
``gallery/README.md``, the page that shows every figure with its notebook.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GALLERY = HERE / "gallery"


def write_gallery_page(folder: Path, books: list[Path]) -> Path:
    """gallery/README.md: every PNG of the folder under the notebook that drew it."""
    lines = [
        "# Gallery (fast mode)",
        "",
        "Every figure the notebooks draw in fast mode (`QNET_FAST=1`: coarse grids, short",
        "traces), at low resolution, written by `python notebooks/run_all.py --gallery`. The",
        "full-mode figures (fine grids; some panels exist in full mode only) come from",
        "`python notebooks/run_all.py --full` into `notebooks/figures/` (not committed).",
        "",
    ]
    images = sorted(folder.glob("*.png"))
    for book in books:
        prefix = book.stem.split("_")[0]
        paper = book.stem.rsplit("paper", 1)[-1] if "_paper" in book.stem else None
        mine = [p for p in images if p.stem.split("_")[0] in {prefix, paper}]
        if not mine:
            continue
        lines += [f"## {book.name}", ""]
        lines += [f"![{p.stem}]({p.name})" for p in mine]
        lines.append("")
    page = folder / "README.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fast", action="store_true", help="QNET_FAST=1 (default): coarse grids")
    mode.add_argument("--full", action="store_true", help="QNET_FAST=0: fine grids, ~1 h, figures")
    mode.add_argument("--gallery", action="store_true", help="fast mode, small PNGs -> gallery/")
    parser.add_argument("prefixes", nargs="*", help="run only notebooks starting with these")
    args = parser.parse_args(argv)

    books = sorted(HERE.glob("[0-9][0-9]_*.py"))
    if args.prefixes:
        books = [b for b in books if b.name.startswith(tuple(args.prefixes))]
    fast = not args.full
    env = dict(os.environ, QNET_FAST="1" if fast else "0", MPLBACKEND="Agg")
    if args.gallery:
        GALLERY.mkdir(exist_ok=True)
        env.update(QNET_GALLERY="1", QNET_FIGURES=str(GALLERY))
    label = "gallery" if args.gallery else ("fast" if fast else "full")
    timings, failed = [], []
    for book in books:
        print(f"=== {book.name} ({label} mode)", flush=True)
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-W", "error", book.name], cwd=HERE, env=env, check=False
        )
        wall = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        timings.append((book.name, wall, cpu, proc.returncode))
        if proc.returncode:
            failed.append(book.name)
    print("\nnotebook                                   wall [s]   cpu [s]   status")
    for name, wall, cpu, rc in timings:
        print(f"{name:42s} {wall:8.1f} {cpu:9.1f}   {'ok' if rc == 0 else f'FAILED ({rc})'}")
    total_wall = sum(t[1] for t in timings)
    total_cpu = sum(t[2] for t in timings)
    print(f"{'total':42s} {total_wall:8.1f} {total_cpu:9.1f}")
    if args.gallery:
        print(f"gallery: {write_gallery_page(GALLERY, sorted(HERE.glob('[0-9][0-9]_*.py')))}")
    elif not fast:
        print(f"figures: {HERE / 'figures'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

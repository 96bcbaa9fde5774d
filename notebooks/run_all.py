"""Run every notebook (notebooks/NN_*.py) as a script and report its runtime.

    python notebooks/run_all.py            # full mode: fine grids, figures -> notebooks/figures/
    python notebooks/run_all.py --fast     # fast mode (QNET_FAST=1), what the tests run
    python notebooks/run_all.py 01 03      # only the notebooks whose names start with 01 or 03

Each notebook runs in its own process with MPLBACKEND=Agg and ``-W error`` (as in the tests);
wall-clock and CPU (user + sys) times are printed at the end.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fast", action="store_true", help="QNET_FAST=1: coarse grids, no figures")
    mode.add_argument("--full", action="store_true", help="QNET_FAST=0 (default): write figures")
    parser.add_argument("prefixes", nargs="*", help="run only notebooks starting with these")
    args = parser.parse_args(argv)

    books = sorted(HERE.glob("[0-9][0-9]_*.py"))
    if args.prefixes:
        books = [b for b in books if b.name.startswith(tuple(args.prefixes))]
    env = dict(os.environ, QNET_FAST="1" if args.fast else "0", MPLBACKEND="Agg")
    timings, failed = [], []
    for book in books:
        print(f"=== {book.name} ({'fast' if args.fast else 'full'} mode)", flush=True)
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-W", "error", book.name], cwd=HERE, env=env, check=False)
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
    if not args.fast:
        print(f"figures: {HERE / 'figures'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

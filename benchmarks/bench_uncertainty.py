"""Monte Carlo budget: samples per second on 1 and 2 local processes, and the cached re-run.

One run, the same draws on every route: ``qd.budget(setup, uncertainty=True, samples=N)`` on
``devices/setups/thermal_link_transmon_uncertain.toml`` (six uncertain inputs; each sample a
headline budget of the chiral thermal link: hierarchy steady state), with

* workers=1, no store;
* workers=2, a fresh store (every sample written);
* workers=2 again on that store (every sample read back);
* the linear propagation (2k + 1 = 13 budgets) for comparison.

BLAS is pinned to one thread per process before numpy loads. The machine is shared: the script
records the load average and the parallelism a pure-Python CPU burn gets, so a ratio below the
2x of an idle machine can be read against it.

Run: ``python benchmarks/bench_uncertainty.py [--samples N] [--quick]`` (``--quick``: 20
samples, no file written).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import concurrent.futures as cf  # noqa: E402
import datetime as _dt  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import qnet_design as qd  # noqa: E402
from qnet_design.runs import ResultStore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "devices" / "setups" / "thermal_link_transmon_uncertain.toml"
RESULTS = Path(__file__).parent / "results" / "uncertainty.md"


def _burn(n: int) -> int:
    return sum(i * i for i in range(n))


def _parallelism() -> float:
    """Wall-time ratio of 4 CPU burns serial vs on a 2-process pool (2.00 on an idle machine)."""
    t0 = time.perf_counter()
    for _ in range(4):
        _burn(3_000_000)
    serial = time.perf_counter() - t0
    with cf.ProcessPoolExecutor(2) as pool:
        t0 = time.perf_counter()
        list(pool.map(_burn, [3_000_000] * 4))
        parallel = time.perf_counter() - t0
    return serial / parallel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 20 if args.quick else args.samples
    setup = qd.load_setup(SETUP)
    load0, par0 = os.getloadavg()[0], _parallelism()

    def timed(**kw: object) -> tuple[float, object]:
        t0 = time.perf_counter()
        result = qd.budget(setup, uncertainty=True, samples=n, seed=0, **kw)
        return time.perf_counter() - t0, result

    t1, r1 = timed(workers=1, store=False)
    with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "s.sqlite") as store:
        t2, r2 = timed(workers=2, store=store)
        t3, r3 = timed(workers=2, store=store)
    t0 = time.perf_counter()
    qd.budget(setup, uncertainty="linear", store=False)
    t_lin = time.perf_counter() - t0
    load1, par1 = os.getloadavg()[0], _parallelism()
    c1, c2 = r1["concurrence"], r2["concurrence"]  # type: ignore[index]
    same = (c1.median, c1.low68, c1.high68) == (c2.median, c2.low68, c2.high68)
    lines = [
        "# Monte Carlo budget benchmark",
        "",
        f"- date: {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.platform()}, os.cpu_count() = {os.cpu_count()}, "
        f"Python {sys.version.split()[0]}",
        f"- load average (1 min) before / after: {load0:.1f} / {load1:.1f}; parallelism of a "
        f"pure CPU burn on 2 processes (ideal 2.00x) before / after: {par0:.2f}x / {par1:.2f}x",
        f"- command: `python benchmarks/bench_uncertainty.py --samples {n}`",
        f"- setup: `devices/setups/thermal_link_transmon_uncertain.toml`, {n} samples, seed 0",
        "",
        "| route | wall time (s) | samples per second | vs workers=1 |",
        "|---|---|---|---|",
        f"| workers=1, no store | {t1:.2f} | {n / t1:.1f} | 1.00x |",
        f"| workers=2, fresh store | {t2:.2f} | {n / t2:.1f} | **{t1 / t2:.2f}x** |",
        f"| workers=2, all read from the store | {t3:.3f} | {n / t3:.0f} | {t1 / t3:.0f}x |",
        f"| linear propagation (13 budgets) | {t_lin:.2f} | - | - |",
        "",
        f"- the 1- and 2-process runs give identical intervals: {same} "
        f"(C median {c1.median:.4f}, 68 % [{c1.low68:.4f}, {c1.high68:.4f}])",
        f"- read back from the store: {r3.n_cached} of {n} samples",  # type: ignore[attr-defined]
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()

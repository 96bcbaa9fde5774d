"""Cooperative scheme (paper 003): permutation-symmetric route at N = 50 vs the generic solver
at N = 10 vs plain QuTiP ``mesolve`` at the sizes it can do.

Routes, all in one run:

* dicke   — ``evolve(..., method="dicke")``: Dicke-basis population rate equation built from
  ``qutip.piqs`` and propagated exactly (expm_multiply), N = 50;
* generic — ``evolve(..., method="generic")``: excitation-sector blocks, exact sparse
  propagation, any detunings/phases, N up to 10;
* final   — ``final_state``: the t → ∞ state from the dark-subspace cascade (no integration);
* qutip   — plain ``qutip.mesolve`` with the full 4^N Liouvillian and the same collapse
  operators (``CooperativeArray.collapse_operators``), rtol 1e-8, at N = 4, 6, 8.

Problem: N qubits, κ = 1, α = 0.02, half of the qubits excited ("11…100…0"), 21 times in
κt ∈ [0, 2]; also |10…0⟩.  Each route's energy trace is compared with the generic one where
both run.  BLAS is pinned to one thread (set before numpy is imported): the machine is shared
and multithreaded BLAS on small blocks only adds contention.  Peak memory: tracemalloc peak of
the Python/numpy allocations during a second
(warm) call; wall times are of the first (cold) call, without tracemalloc.

Run: ``python benchmarks/bench_cooperative.py [--quick]`` (``--quick``: smaller sizes, no file
written).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime as _dt  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import qutip  # noqa: E402

from qnet_design.schemes.cooperative import (  # noqa: E402
    CooperativeArray,
    evolve,
    final_state,
    product_state,
)

RESULTS = Path(__file__).parent / "results" / "cooperative.md"


def measure(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, cold wall seconds, tracemalloc peak MiB of a second, warm call).

    The wall time is taken without tracemalloc (which slows Python-level loops several-fold)
    and includes building any cached operators; the memory peak is that of a repeated call.
    """
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, wall, peak / 2**20


def plain_qutip_energy(model: CooperativeArray, bits: str, times: np.ndarray) -> np.ndarray:
    n_op = sum(
        (model.lowering(i).dag() * model.lowering(i) for i in range(model.qubits)),
        start=0 * model.lowering(0),
    )
    res = qutip.mesolve(
        model.hamiltonian(),
        product_state(bits),
        times,
        c_ops=model.collapse_operators(),
        e_ops=[n_op],
        options={"rtol": 1e-8, "atol": 1e-10},
    )
    return np.asarray(res.expect[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, no file written")
    args = parser.parse_args()
    times = np.linspace(0.0, 2.0, 21)
    rows: list[tuple[str, int, str, float, float, str]] = []

    def half(n: int) -> str:
        return "1" * (n // 2) + "0" * (n - n // 2)

    # --- generic vs plain qutip where both run ---
    sizes = [4, 6] if args.quick else [4, 6, 8]
    for n in sizes:
        model = CooperativeArray(n, kappa=1.0, alpha=0.02)
        gen, t_gen, m_gen = measure(
            lambda m=model, n=n: evolve(m, half(n), times, method="generic")
        )
        ref, t_q, m_q = measure(lambda m=model, n=n: plain_qutip_energy(m, half(n), times))
        diff = float(np.max(np.abs(gen.energy - ref)))
        rows.append(("generic", n, half(n), t_gen, m_gen, f"max |ΔE| vs qutip {diff:.1e}"))
        rows.append(
            ("qutip mesolve", n, half(n), t_q, m_q, f"generic is {t_q / t_gen:.1f}x faster")
        )
        print(rows[-2], rows[-1], flush=True)

    # --- generic at N = 10 ---
    n10 = 8 if args.quick else 10
    model = CooperativeArray(n10, kappa=1.0, alpha=0.02)
    for bits in ("1" + "0" * (n10 - 1), half(n10)):
        gen, t_gen, m_gen = measure(lambda m=model, b=bits: evolve(m, b, times, method="generic"))
        dic, t_d, m_d = measure(lambda m=model, b=bits: evolve(m, b, times, method="dicke"))
        diff = float(np.max(np.abs(gen.energy - dic.energy)))
        rows.append(("generic", n10, bits, t_gen, m_gen, f"E(2/κ) = {gen.energy[-1]:.6f}"))
        rows.append(("dicke", n10, bits, t_d, m_d, f"max |ΔE| vs generic {diff:.1e}"))
        print(rows[-2], rows[-1], flush=True)
    ideal = CooperativeArray(n10, kappa=1.0)
    fs, t_f, m_f = measure(lambda: final_state(ideal, half(n10), method="generic"))
    rows.append(
        ("final (generic cascade)", n10, half(n10), t_f, m_f, f"dark weight {fs.dark_weight:.6f}")
    )
    print(rows[-1], flush=True)

    # --- Dicke route at N = 50 ---
    n50 = 20 if args.quick else 50
    model = CooperativeArray(n50, kappa=1.0, alpha=0.02)
    for bits in ("1" + "0" * (n50 - 1), half(n50)):
        dic, t_d, m_d = measure(lambda m=model, b=bits: evolve(m, b, times, method="dicke"))
        label = f"E(2/κ) = {dic.energy[-1]:.6f}, dark weight {dic.dark_weight[-1]:.6f}"
        rows.append(("dicke", n50, bits[:3] + "…", t_d, m_d, label))
        print(rows[-1], flush=True)
    ideal = CooperativeArray(n50, kappa=1.0)
    bits = "1" + "0" * (n50 - 1)
    fs, t_f, m_f = measure(lambda: final_state(ideal, bits))
    rows.append(
        (
            "final (dicke)",
            n50,
            "100…",
            t_f,
            m_f,
            f"dark weight {fs.dark_weight:.6f} (exact {(n50 - 1) / n50:.6f})",
        )
    )
    gen, t_gen, m_gen = measure(lambda: evolve(ideal, bits, times, method="generic"))
    rows.append(
        (
            "generic (1 excitation)",
            n50,
            "100…",
            t_gen,
            m_gen,
            f"dark weight {gen.dark_weight[-1]:.6f}",
        )
    )
    print(rows[-2], rows[-1], flush=True)

    lines = [
        "## cooperative (paper 003)",
        "",
        f"- date: {_dt.datetime.now(_dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} at the end "
        "(shared machine)",
        "- problem: κ = 1, α = 0.02, 21 times in κt ∈ [0, 2]; BLAS pinned to 1 thread",
        "- command: `python benchmarks/bench_cooperative.py`",
        "",
        "| route | N | initial | wall, cold (s) | peak tracemalloc, warm (MiB) | note |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r} | {n} | `{b}` | {t:.2f} | {m:.1f} | {note} |" for r, n, b, t, m, note in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

"""Cost of one preconditioned product of the dual-rail cascade's Krylov stages, per pass.

Builds one extension stage (the source at ``--photons`` photons and ``--qubits`` qubits; the
last stage of k pairs has 2k qubits) at β = 10, r = 1, γ_φ = 0.01 and times, on a random
packed Hermitian vector, the kernels of :class:`qnet_design.solvers._block_kernels.
HermitianKernels`: ℒ, the symmetric Gauss–Seidel sweeps (the right-preconditioned product is
ℒ + both), Eisenstat's split product, and its forward and backward solves alone. Prints CPU
time (all threads) and wall time per pass and per stored entry; nothing is written to
results/ (the figures are quoted in results/dual_rail.md with the machine's load).

    python benchmarks/bench_block_kernels.py --qubits 7 --photons 7 --reps 5
    NUMBA_NUM_THREADS=1 python benchmarks/bench_block_kernels.py ...   # one thread
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numba
import numpy as np

from qnet_design.schemes import dual_rail as dr
from qnet_design.solvers._block_kernels import HermitianKernels
from qnet_design.solvers.cascaded import BlockLiouvillian, Blocks


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qubits", type=int, default=6)
    parser.add_argument("--photons", type=int, default=7)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument(
        "--delta", type=float, default=0.0, help="detuning step: δ_A,i = i·step (units of γ)"
    )
    args = parser.parse_args()
    step = args.delta
    network = dr.DualRail(4, 1.0, [step * i for i in range(4)], beta=10.0, gamma_phi=0.01)
    model = dr._prefix_model(network, args.qubits, args.photons)
    lay = Blocks(model.charges, model.dim)
    kern = HermitianKernels(BlockLiouvillian(model, lay), model.dims[-1])
    r = np.random.default_rng(1).normal(size=lay.size)
    out = np.zeros(lay.size)
    passes = {
        "L": lambda: kern.apply(r, out),
        "SGS (two sweeps)": lambda: kern.sweeps(r, out),
        "Eisenstat product": lambda: kern.split_apply(r.copy(), out),
        "forward solve": lambda: kern.lower(r, out),
        "backward solve": lambda: kern.upper(r, out),
    }
    print(
        f"{args.qubits} qubits, {args.photons} photons: {lay.size} stored entries, "
        f"{lay.sizes.size} blocks (largest {lay.sizes.max()}), exact split {kern.exact_split}, "
        f"{numba.get_num_threads()} thread(s), load {os.getloadavg()[0]:.1f}"
    )
    for name, run in passes.items():
        run()  # compiled and warm
        c0, w0 = _cpu(), time.perf_counter()
        for _ in range(args.reps):
            run()
        cpu = (_cpu() - c0) / args.reps
        wall = (time.perf_counter() - w0) / args.reps
        print(
            f"{name:18s} CPU {1e3 * cpu:8.1f} ms ({1e9 * cpu / lay.size:5.1f} ns/entry)   "
            f"wall {1e3 * wall:8.1f} ms"
        )


if __name__ == "__main__":
    main()

"""Benchmark of the dual_rail finite-bandwidth solver against plain QuTiP (issues 3 and 8).

Model: paper 000, Eq. 11, β = 10, r = 1, γ_φ = 0.01, δ = 0 (units of γ).

* toolkit route: :func:`qnet_design.schemes.dual_rail.steady_state` — pair-by-pair cascaded
  extension (sparse LU for small stages, BiCGSTAB + Jacobi on the charge blocks for large
  ones), source in the Bogoliubov frame, truncation widened until C_kk changes by < 1e-5 (all
  widening steps are included in the time; each widened solve starts from the previous one);
* plain route: ``qutip.steadystate(H, c_ops)`` (default method) on the full Liouvillian of the
  same truncated model (source + k pairs, at the truncation the toolkit chose), then C_kk.

Every task runs in its own subprocess so that its peak memory (ru_maxrss) and wall time are its
own; a plain-route task that would exceed ``--plain-limit`` Liouville dimensions is reported as
not run. Also timed: N_ent (C11, C22) and the broadband T_prep for N = 4.

Usage: ``python benchmarks/bench_dual_rail.py [--quick] [--plain-timeout S]`` (``--quick``:
k ≤ 2 only; the default runs k = 1 … 4, the plain route wherever its Liouvillian is below
``--plain-limit``; k = 4 takes ~25 min and ~7 GiB).
Writes ``benchmarks/results/dual_rail.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
PARAMS = {"r": 1.0, "beta": 10.0, "gamma_phi": 0.01}


def _task(name: str, k: int, photons: int) -> dict:
    import resource

    import numpy as np
    import qutip

    from qnet_design.metrics import concurrence
    from qnet_design.schemes import dual_rail as dr

    t0 = time.perf_counter()
    out: dict = {"task": name, "k": k}
    if name == "toolkit":
        model = dr.DualRail(k, **PARAMS)
        st = dr.steady_state(model)
        rho = st.rho.full()
        out["photons"] = st.source_photons
        out["convergence"] = str(st.convergence)
        out["stages"] = st.to_frame().to_dict(orient="list")
    elif name == "plain":
        model = dr.DualRail(k, **PARAMS)
        full = dr._prefix_model(model, 2 * k, photons)
        dims = [list(full.dims)] * 2
        h = qutip.Qobj(full.hamiltonian, dims=dims)
        c_ops = [qutip.Qobj(c, dims=dims) for c in full.jumps]
        rho_full = qutip.steadystate(h, c_ops)
        rho = rho_full.ptrace(list(range(1, 2 * k + 1))).full()
        out["photons"] = photons
    elif name == "n_ent":
        res = dr.n_ent(dr.DualRail(2, **PARAMS))
        out.update(estimate=res.estimate, c_kk=list(res.c_kk))
        rho = None
    elif name == "t_prep":
        res = dr.prep_time(dr.DualRail(4, 1.0))
        out.update(t_prep=res.t_prep)
        rho = None
    else:  # pragma: no cover
        raise SystemExit(f"unknown task {name}")
    out["seconds"] = time.perf_counter() - t0
    if rho is not None:
        q = qutip.Qobj(np.asarray(rho), dims=[[2] * (2 * k)] * 2)
        out["c_kk"] = concurrence(q.ptrace([2 * k - 2, 2 * k - 1]).full())
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run(name: str, k: int = 0, photons: int = 0, timeout: float = 3600) -> dict:
    cmd = [sys.executable, __file__, "--task", name, str(k), str(photons)]
    try:
        proc = subprocess.run(
            cmd, env=ENV, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"task": name, "k": k, "error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"task": name, "k": k, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="k <= 2 only")
    ap.add_argument("--plain-limit", type=float, default=1.5e6, help="max Liouville dim (plain)")
    ap.add_argument("--plain-timeout", type=float, default=1200, help="seconds per plain solve")
    ap.add_argument("--task", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.task:
        print(json.dumps(_task(args.task[0], int(args.task[1]), int(args.task[2]))))
        return
    ks = [1, 2] if args.quick else [1, 2, 3, 4]
    rows = []
    for k in ks:
        tk = _run("toolkit", k)
        print("toolkit", tk, flush=True)
        photons = tk.get("photons") or 0
        src_dim = (photons + 1) * (photons + 2) // 2
        ldim = (src_dim * 4**k) ** 2
        if ldim > args.plain_limit:
            pl = {"error": f"not run: Liouville dimension {ldim:.2e} > {args.plain_limit:.1e}"}
        else:
            pl = _run("plain", k, photons, timeout=args.plain_timeout)
        print("plain", pl, flush=True)
        rows.append((k, tk, pl, ldim))
    extra = [_run("n_ent"), _run("t_prep")]
    for e in extra:
        print(e, flush=True)

    lines = [
        "## dual_rail: finite-bandwidth steady state (β = 10, r = 1, γ_φ = 0.01)",
        "",
        f"- date: {_dt.datetime.now(_dt.UTC).isoformat(timespec='minutes')}",
        f"- machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"os.cpu_count() = {os.cpu_count()}; OPENBLAS_NUM_THREADS=1 for both routes",
        f"- load average at the end: {os.getloadavg()} (the machine was shared with other "
        "sessions; wall times are upper bounds)",
        "- command: `python benchmarks/bench_dual_rail.py" + (" --quick`" if args.quick else "`"),
        "",
        "| k | source photons | toolkit s | toolkit MiB | plain s | plain MiB | ratio | "
        "abs ΔC_kk | C_kk |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for k, tk, pl, _ldim in rows:
        if "error" in tk:
            lines.append(f"| {k} | – | {tk['error']} | | | | | | |")
            continue
        if "error" in pl:
            plain = f"{pl['error']}"
            lines.append(
                f"| {k} | {tk['photons']} | {tk['seconds']:.1f} | {tk['peak_mib']:.0f} | "
                f"{plain} | – | – | – | {tk['c_kk']:.6f} |"
            )
        else:
            lines.append(
                f"| {k} | {tk['photons']} | {tk['seconds']:.1f} | {tk['peak_mib']:.0f} | "
                f"{pl['seconds']:.1f} | {pl['peak_mib']:.0f} | "
                f"{pl['seconds'] / tk['seconds']:.1f} | {abs(pl['c_kk'] - tk['c_kk']):.1e} | "
                f"{tk['c_kk']:.6f} |"
            )
    lines += ["", "Convergence of the source truncation (toolkit):", ""]
    for k, tk, _, _ in rows:
        if "convergence" in tk:
            lines.append(f"- k = {k}: {tk['convergence']}")
    big = [tk for _, tk, _, _ in rows if "stages" in tk]
    if big:
        tk = big[-1]
        st = tk["stages"]
        lines += [
            "",
            f"Cascade stages of the final truncation at k = {tk['k']} (source, A₁, B₁, …):",
            "",
            "| stage | unknowns | solver | iterations | residual | s |",
            "|---|---|---|---|---|---|",
        ]
        for row in zip(
            st["stage"],
            st["unknowns"],
            st["solver"],
            st["iterations"],
            st["residual"],
            st["wall_time_s"],
            strict=True,
        ):
            lines.append(
                f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} | {row[4]:.1e} | {row[5]:.1f} |"
            )
    lines += ["", "Other figures:", ""]
    for e in extra:
        if "error" in e:
            lines.append(f"- {e['task']}: {e['error']}")
        elif e["task"] == "n_ent":
            lines.append(
                f"- N_ent (C11, C22 at β = 10, r = 1, γ_φ = 0.01): estimate {e['estimate']:.2f}, "
                f"C_kk = {[round(c, 6) for c in e['c_kk']]}, {e['seconds']:.1f} s, "
                f"{e['peak_mib']:.0f} MiB"
            )
        else:
            lines.append(
                f"- broadband T_prep, N = 4, r = 1, δ = 0: {e['t_prep']:.3f}/γ in "
                f"{e['seconds']:.1f} s, {e['peak_mib']:.0f} MiB"
            )
    out = Path(__file__).resolve().parent / "results" / "dual_rail.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

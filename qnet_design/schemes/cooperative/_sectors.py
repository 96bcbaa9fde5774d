"""Excitation-number block structure of the cooperative master equation (generic solver).

Every term of paper 003's master equation either keeps the excitation number (H, dephasing)
or lowers it by one (o⁻, σ_i⁻).  Writing ρ in blocks ρ_{nm} = P_n ρ P_m (P_n projects on the
C(N, n) basis states with n excitations) the equation becomes

    dρ_nm/dt = −i(K_n ρ_nm − ρ_nm K_m†) + W_nm ∘ ρ_nm + Σ_c C_c ρ_{n+1,m+1} C_c†,

with the non-Hermitian K = H − iκ o⁺o − iα Σ_i σ_i⁺σ_i⁻ (paper's factor-2 convention, so the
anticommutator of 2κ D[o] is κ{o⁺o, ·}), collapse operators C = √(2κ) o⁻, √(2α) σ_i⁻, and the
dephasing mask W_bb' = −γ_φ · (number of qubits in which b and b' differ).  Blocks with a fixed
n − m form closed "chains" fed only from above, so the solver integrates only the chains and
excitation sectors that the initial state populates (e.g. two blocks of sizes N² and 1 for
|10…0⟩).  Time evolution: exact sparse propagation (expm_multiply) of the stacked blocks.
The t → ∞ limit (without dephasing) is the cascade of :meth:`SectorLayout.asymptotic`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from ...errors import ConvergenceError, ParameterError
from ...solvers.convergence import Convergence
from ...solvers.propagate import propagate
from .model import CooperativeArray

#: Largest number of complex density-matrix entries the generic solver integrates at once.
MAX_CHAIN_ENTRIES = 400_000


def _null_space(a: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Orthonormal basis (columns) of ker a, via SVD with a relative cut."""
    if a.shape[0] == 0:
        return np.eye(a.shape[1], dtype=complex)
    _u, s, vh = np.linalg.svd(a)
    scale = max(1.0, float(s[0]) if s.size else 1.0)
    rank = int(np.sum(s > tol * scale))
    return vh[rank:].conj().T


def _complement(v: np.ndarray, dim: int) -> np.ndarray:
    """Orthonormal basis of the orthogonal complement of the columns of ``v`` in C^dim."""
    if v.shape[1] == 0:
        return np.eye(dim, dtype=complex)
    q, _ = np.linalg.qr(np.hstack([v, np.eye(dim, dtype=complex)]))
    return q[:, v.shape[1] : dim]


class _Sectors:
    """states[k]: sorted basis-state integers with k excitations (qubit 0 = top bit)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._data: dict[int, np.ndarray] = {}

    def __getitem__(self, k: int) -> np.ndarray:
        if k not in self._data:
            n = self.n
            idx = [sum(1 << (n - 1 - q) for q in c) for c in combinations(range(n), k)]
            self._data[k] = np.array(sorted(idx), dtype=np.int64)
        return self._data[k]


class _Positions:
    """pos[k][b]: position of basis state b inside sector k."""

    def __init__(self, states: _Sectors) -> None:
        self.states = states
        self._data: dict[int, dict[int, int]] = {}

    def __getitem__(self, k: int) -> dict[int, int]:
        if k not in self._data:
            self._data[k] = {int(b): p for p, b in enumerate(self.states[k])}
        return self._data[k]


@dataclass
class SectorLayout:
    """Basis states, sector operators and dark subspaces of one :class:`CooperativeArray`."""

    model: CooperativeArray

    def __post_init__(self) -> None:
        self.n = self.model.qubits
        # sectors are enumerated lazily: N = 50 from |10…0⟩ needs only sectors 0 and 1
        self.states = _Sectors(self.n)
        self.pos = _Positions(self.states)
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    # ---- sector operators ----
    def dim(self, k: int) -> int:
        return comb(self.n, k)

    def bits(self, k: int) -> np.ndarray:
        """(C(N,k), N) array of 0/1 occupations of the sector-k basis states."""
        s = self.states[k]
        shifts = np.arange(self.n - 1, -1, -1)
        return ((s[:, None] >> shifts[None, :]) & 1).astype(np.int64)

    def energies(self, k: int) -> np.ndarray:
        """Rotating-frame energies Σ_i δ_i b_i of the sector-k basis states."""
        return self.bits(k) @ self.model.delta

    def lowering_maps(self, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each qubit i: (positions in sector k with b_i = 1, their images in sector k−1)."""
        out = []
        b = self.bits(k)
        for i in range(self.n):
            src = np.nonzero(b[:, i])[0]
            flip = 1 << (self.n - 1 - i)
            dst = np.array([self.pos[k - 1][int(self.states[k][p]) ^ flip] for p in src])
            out.append((src, dst.astype(np.int64)))
        return out

    def collective(self, k: int) -> np.ndarray:
        """Dense matrix of o⁻ = Σ e^{iφ_i} σ_i⁻ from sector k to sector k−1."""
        key = ("O", k)
        if key not in self._cache:
            o = np.zeros((self.dim(k - 1), self.dim(k)), dtype=complex)
            for i, (src, dst) in enumerate(self.lowering_maps(k)):
                o[dst, src] += np.exp(1j * self.model.phi[i])
            self._cache[key] = o
        return self._cache[key]

    def k_matrix(self, k: int) -> np.ndarray:
        """K_k = H − iκ o⁺o − iα Σ σ⁺σ⁻ restricted to sector k (rotating frame)."""
        key = ("K", k)
        if key not in self._cache:
            m = self.model
            kk = np.diag(self.energies(k) - 1j * m.alpha * k).astype(complex)
            if k > 0:
                o = self.collective(k)
                kk = kk - 1j * m.kappa * (o.conj().T @ o)
            self._cache[key] = kk
        return self._cache[key]

    def dephasing_mask(self, k: int, j: int) -> np.ndarray:
        """W_bb' = −γ_φ · Hamming(b, b') for b in sector k, b' in sector j."""
        bk, bj = self.bits(k), self.bits(j)
        ham = np.abs(bk[:, None, :] - bj[None, :, :]).sum(axis=2)
        return -self.model.dephasing * ham

    def dark_basis(self, k: int) -> np.ndarray:
        """Orthonormal basis of ker(o⁻) in sector k ≥ 1 (columns, sector coordinates)."""
        if k == 0:
            return np.ones((1, 1), dtype=complex)
        return _null_space(self.collective(k))

    def stationary_dark(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Largest K-invariant subspace annihilated by every lowering jump operator.

        Returns (V, E): orthonormal columns V and their rotating-frame energies E.  Such a
        vector v has K v = H v, i.e. it neither decays nor leaves the subspace (real eigenvalue
        of K).  Built from the H eigenspaces (H is diagonal): in each group of equal
        Σ δ_i b_i, the null space of o⁻ (and of every σ_i⁻ if α > 0).
        """
        dim = self.dim(k)
        if k == 0:
            return np.ones((1, 1), dtype=complex), np.zeros(1)
        if self.model.alpha > 0:
            # σ_i⁻ v = 0 for all i forces v = 0 in every sector k ≥ 1
            return np.zeros((dim, 0), dtype=complex), np.zeros(0)
        e = self.energies(k)
        scale = max(1.0, float(np.max(np.abs(e))))
        keys = np.round(e / (1e-9 * scale)).astype(np.int64)
        o = self.collective(k)
        cols, ens = [], []
        for key in np.unique(keys):
            group = np.nonzero(keys == key)[0]
            ns = _null_space(o[:, group])
            if ns.shape[1]:
                full = np.zeros((dim, ns.shape[1]), dtype=complex)
                full[group] = ns
                cols.append(full)
                ens += [float(np.mean(e[group]))] * ns.shape[1]
        if not cols:
            return np.zeros((dim, 0), dtype=complex), np.zeros(0)
        return np.hstack(cols), np.array(ens)

    # ---- block decomposition of a full density matrix ----
    def blocks_from_bitstring(self, bits: str) -> dict[tuple[int, int], np.ndarray]:
        k = bits.count("1")
        blk = np.zeros((self.dim(k), self.dim(k)), dtype=complex)
        p = self.pos[k][int(bits, 2)]
        blk[p, p] = 1.0
        return {(k, k): blk}

    def blocks_from_matrix(self, rho: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
        out = {}
        for k in range(self.n + 1):
            for j in range(self.n + 1):
                blk = rho[np.ix_(self.states[k], self.states[j])]
                if np.any(np.abs(blk) > 0):
                    out[(k, j)] = blk.astype(complex)
        return out

    def to_matrix(self, blocks: dict[tuple[int, int], np.ndarray]) -> scipy.sparse.csr_array:
        """Assemble blocks into a sparse 2^N × 2^N matrix (qutip tensor order)."""
        rows, cols, vals = [], [], []
        for (k, j), blk in blocks.items():
            r, c = np.nonzero(blk)
            rows.append(self.states[k][r])
            cols.append(self.states[j][c])
            vals.append(blk[r, c])
        dim = 2**self.n
        if not rows:
            return scipy.sparse.csr_array((dim, dim), dtype=complex)
        return scipy.sparse.csr_array(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(dim, dim),
        )

    # ---- chains ----
    def chains(self, blocks: dict[tuple[int, int], np.ndarray]) -> dict[int, list[tuple[int, int]]]:
        """For each populated n − m, the blocks reachable from the populated ones (top first)."""
        out: dict[int, list[tuple[int, int]]] = {}
        for d in sorted({k - j for (k, j) in blocks}):
            tops = [k for (k, j) in blocks if k - j == d]
            top = max(tops)
            lo = max(0, d)
            out[d] = [(k, k - d) for k in range(top, lo - 1, -1)]
        size = sum(self.dim(k) * self.dim(j) for ch in out.values() for (k, j) in ch)
        if size > MAX_CHAIN_ENTRIES:
            raise ParameterError(
                f"`initial` populates {size} density-matrix entries of the N = {self.n} model, "
                f"more than the generic solver's limit {MAX_CHAIN_ENTRIES}; use identical qubits "
                f"with method='dicke' or an initial state with fewer excitations"
            )
        return out

    def _selection(self, k: int, i: int) -> scipy.sparse.csr_array:
        """σ_i⁻ from sector k to sector k−1 as a sparse 0/1 matrix."""
        src, dst = self.lowering_maps(k)[i]
        return scipy.sparse.csr_array(
            (np.ones(src.size), (dst, src)), shape=(self.dim(k - 1), self.dim(k))
        )

    def chain_generator(self, chain: list[tuple[int, int]]):
        """Sparse generator G of one chain: d vec(ρ)/dt = G vec(ρ) (row-major blocks, stacked).

        Uses vec(A X B) = (A ⊗ Bᵀ) vec(X) for row-major vectorisation:
        −i(K_k ⊗ 𝟙 − 𝟙 ⊗ K_j^*) + diag(W) on the diagonal blocks, Σ_c C_c ⊗ C_c^* from the
        block above.  One sparse mat-vec per right-hand side (single-threaded scipy).
        """
        m = self.model
        shapes = [(self.dim(k), self.dim(j)) for (k, j) in chain]
        offsets = np.cumsum([0] + [a * b for a, b in shapes])
        rows: list[list[Any]] = [[None] * len(chain) for _ in chain]
        for idx, (k, j) in enumerate(chain):
            kk = scipy.sparse.csr_array(self.k_matrix(k))
            kj = scipy.sparse.csr_array(self.k_matrix(j))
            eye_k = scipy.sparse.identity(self.dim(k), format="csr")
            eye_j = scipy.sparse.identity(self.dim(j), format="csr")
            diag = -1j * (scipy.sparse.kron(kk, eye_j) - scipy.sparse.kron(eye_k, kj.conj()))
            if m.dephasing > 0:
                diag = diag + scipy.sparse.diags_array(self.dephasing_mask(k, j).reshape(-1))
            rows[idx][idx] = diag
            if idx > 0:
                ok = scipy.sparse.csr_array(self.collective(k + 1))
                oj = scipy.sparse.csr_array(self.collective(j + 1))
                feed = 2 * m.kappa * scipy.sparse.kron(ok, oj.conj())
                if m.alpha > 0:
                    for i in range(self.n):
                        feed = feed + 2 * m.alpha * scipy.sparse.kron(
                            self._selection(k + 1, i), self._selection(j + 1, i)
                        )
                rows[idx][idx - 1] = feed
        gen = scipy.sparse.block_array(rows, format="csr")
        return scipy.sparse.csr_array(gen), shapes, offsets

    def rhs_factory(self, chain: list[tuple[int, int]]):
        """Right-hand side f(t, y) = G y of one chain (see :meth:`chain_generator`)."""
        gen, shapes, offsets = self.chain_generator(chain)

        def rhs(_t: float, y: np.ndarray) -> np.ndarray:
            return gen @ y

        return rhs, shapes, offsets

    def evolve(
        self, blocks: dict[tuple[int, int], np.ndarray], times: np.ndarray
    ) -> tuple[list[dict[tuple[int, int], np.ndarray]], Convergence]:
        """Propagate every populated chain exactly: y(t_{k+1}) = exp(G Δt) y(t_k).

        ``scipy.sparse.linalg.expm_multiply`` (Al-Mohy & Higham 2011) works to double
        precision with sparse mat-vecs only, so there is no integrator tolerance to tune; the
        evidence is the largest trace error on the grid (the exact flow preserves the trace).
        """
        per_time: list[dict[tuple[int, int], np.ndarray]] = [{} for _ in times]
        entries = 0
        for chain in self.chains(blocks).values():
            gen, shapes, offsets = self.chain_generator(chain)
            entries += int(offsets[-1])
            y = np.concatenate(
                [
                    blocks.get(kj, np.zeros(s, dtype=complex)).reshape(-1)
                    for kj, s in zip(chain, shapes, strict=True)
                ]
            )
            ys = propagate(gen, y, times - times[0], method="expm")
            for t_idx in range(len(times)):
                for idx, kj in enumerate(chain):
                    per_time[t_idx][kj] = ys[t_idx, offsets[idx] : offsets[idx + 1]].reshape(
                        shapes[idx]
                    )
        trace_err = max(
            abs(sum(np.trace(b) for (k, j), b in bl.items() if k == j) - 1.0) for bl in per_time
        )
        conv = Convergence(
            "expm_multiply_steps",
            float(len(times) - 1),
            float(trace_err),
            1e-9,
            f"exact sparse propagation of {entries} density-matrix entries; change = "
            "max |Tr rho - 1| over the time grid",
        )
        if not conv.converged:
            raise ConvergenceError(f"generic cooperative solver lost the trace: {conv}")
        return per_time, conv

    def asymptotic(
        self, blocks: dict[tuple[int, int], np.ndarray]
    ) -> dict[tuple[int, int], np.ndarray]:
        """t → ∞ (time-averaged) blocks without dephasing: the dark-subspace cascade.

        For each chain from the top: M = ρ_nm(0) + Σ_nm (Σ = population fed from above).
        Its projection V_n†MV_m on the stationary dark subspaces stays forever (entries whose
        two energies differ oscillate and average to zero); the rest X = ∫₀^∞ Q ρ_nm Q dt solves
        the Sylvester equation K_Q,n X − X K_Q,m† = −i Q M Q (unique: all eigenvalues of K_Q
        have Im < 0) and feeds the next block, Σ_{n−1,m−1} = Σ_c C_c X C_c†.
        """
        if self.model.dephasing > 0:
            raise ParameterError("`model` has dephasing: its t → ∞ state is the ground state")
        m = self.model
        out: dict[tuple[int, int], np.ndarray] = {}
        dark = {}
        for chain in self.chains(blocks).values():
            fed = None
            for k, j in chain:
                mat = blocks.get((k, j), np.zeros((self.dim(k), self.dim(j)), dtype=complex))
                if fed is not None:
                    mat = mat + fed
                for s in (k, j):
                    if s not in dark:
                        v, e = self.stationary_dark(s)
                        dark[s] = (v, e, _complement(v, self.dim(s)))
                vk, ek, uk = dark[k]
                vj, ej, uj = dark[j]
                core = vk.conj().T @ mat @ vj
                same = np.abs(ek[:, None] - ej[None, :]) <= 1e-9 * max(
                    1.0, float(np.max(np.abs(m.delta)))
                )
                out[(k, j)] = vk @ (core * same) @ vj.conj().T
                if k == 0 or j == 0 or uk.shape[1] == 0 or uj.shape[1] == 0:
                    fed = None
                    continue
                kq = uk.conj().T @ self.k_matrix(k) @ uk
                kqj = uj.conj().T @ self.k_matrix(j) @ uj
                rhs = -1j * (uk.conj().T @ mat @ uj)
                x = scipy.linalg.solve_sylvester(kq, -kqj.conj().T, rhs)
                xf = uk @ x @ uj.conj().T
                ok, oj = self.collective(k), self.collective(j)
                fed = 2 * m.kappa * (ok @ xf @ oj.conj().T)
                if m.alpha > 0:
                    for (sk, dk), (sj, dj) in zip(
                        self.lowering_maps(k), self.lowering_maps(j), strict=True
                    ):
                        fed[np.ix_(dk, dj)] += 2 * m.alpha * xf[np.ix_(sk, sj)]
        return out

"""Matrix-product density operators (MPDO) for cascaded Lindblad chains — experimental.

A chain of subsystems s₀, s₁, … coupled in one direction through shared channels (waveguides,
rails): every subsystem x on channel c couples through an operator o_x with amplitude √(rate)
a_x, and the field travelling from x to a later y is attenuated by the amplitude transmission
T_xy (product of the per-site ``transmission`` factors of the channel's sites after x up to y).
The cascaded master equation (Gardiner, PRL 70, 2269 (1993); Carmichael, PRL 70, 2273 (1993))
with K_xy = a_x a_y T_xy is

    ℒρ = −i(H_eff ρ − ρ H_eff†) + Σ_xy K_xy o_x ρ o_y† + Σ_local C ρ C†,
    H_eff = Σ_x [h_x − (i/2)(K_xx o_x†o_x + Σ C†C)] − i Σ_{x<y} K_xy o_y† o_x,

(the T-operator form below Eq. 11 of Agustí et al., PRL 131, 250801 (2023), rewritten: the
cascaded Hamiltonian and the anticommutator combine into the one-way term −iK o_y†o_x). Each
channel therefore needs two matrix-product-operator (MPO) bond states — "o_x placed on the
ket" and "o_x* placed on the bra" — so the Liouvillian is an MPO of bond dimension 2 + 2·channels.

Vectorisation: each site's ρ_ij is the super-ket index i·d + j (row major), so
vec(XρY) = (X ⊗ Yᵀ) vec ρ site by site.

Steady state: ℒ is singular, so we solve the non-singular linear system

    (ℒ − c|v⟩⟨t|) x = −c v,      t = vec(1) (the trace), v a product state of trace 1,

whose solution is the steady state with Tr x = 1 (the spectrum is that of ℒ without its zero,
plus −c). It is solved by the two-site alternating linear scheme (Holtz, Rohwedder, Schneider,
SIAM J. Sci. Comput. 34, A683 (2012)): sweep over neighbouring site pairs, solve the projected
(Galerkin) problem with GMRES, split by SVD keeping at most ``bond`` singular values. Sites are
added one at a time (a subsystem never influences earlier ones, so each prefix is the previous
steady state plus correlations with the new site) with ``sweeps`` sweeps after each addition.

Status (issue 19): the MPO equals the dense Liouvillian to round-off and the solver reproduces
the exact cascade when no bond is truncated (tests/test_mpdo.py); its accuracy under truncation
deep in a chain is NOT established — do not report its numbers as results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import ConvergenceError

__all__ = [
    "CascadedSite",
    "MPDOState",
    "MPOTensor",
    "cascaded_mpo",
    "mpo_to_dense",
    "steady_state_mpdo",
    "two_site_marginal",
]

#: Super-ket dimension from which MPO blocks are stored sparse (the source site, d² ≥ 100).
_SPARSE_FROM = 64


@dataclass(frozen=True)
class CascadedSite:
    """One subsystem of a cascaded chain (all rates in the caller's units).

    ``couplings`` maps a channel name to (o, amplitude, transmission): the site couples to the
    channel through o with amplitude a (rate a²), and a field passing through or arriving at this
    site from an earlier site of the channel is multiplied by ``transmission``.
    """

    hamiltonian: np.ndarray
    jumps: tuple[np.ndarray, ...] = ()
    couplings: Mapping[str, tuple[np.ndarray, float, float]] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return int(self.hamiltonian.shape[0])


@dataclass(frozen=True)
class MPOTensor:
    """One MPO site: bond dimensions and its non-zero blocks (left, right, D × D matrix).

    ``dense`` is the (left, right, D, D) array for small sites (qubits), where one tensordot
    beats a loop over blocks; large sites (the source) keep sparse blocks only.
    """

    left: int
    right: int
    blocks: tuple[tuple[int, int, np.ndarray | sp.csr_matrix], ...]
    dense: np.ndarray | None = None


def _local_superoperator(site: CascadedSite) -> np.ndarray:
    d = site.dim
    eye = np.eye(d)
    heff = np.asarray(site.hamiltonian, dtype=complex)
    out = np.zeros((d * d, d * d), dtype=complex)
    for o, amp, _ in site.couplings.values():
        heff = heff - 0.5j * amp**2 * (o.conj().T @ o)
        out += amp**2 * np.kron(o, o.conj())
    for c in site.jumps:
        heff = heff - 0.5j * (c.conj().T @ c)
        out += np.kron(c, c.conj())
    return out - 1j * np.kron(heff, eye) + 1j * np.kron(eye, heff.conj())


def cascaded_mpo(
    sites: Sequence[CascadedSite],
    channels: Sequence[str],
    *,
    fix_rate: float = 0.0,
    fix_state: Sequence[np.ndarray] | None = None,
) -> list[MPOTensor]:
    """MPO of ℒ − c|v⟩⟨t| on the super-kets of ``sites`` (c = ``fix_rate``, v = ⊗ ``fix_state``).

    ``fix_state`` holds one vectorised local density matrix per site (trace 1); with
    ``fix_rate=0`` the MPO is ℒ itself. Bond states: 0 = nothing placed yet, then a "ket" and a
    "bra" state per channel, then the rank-one term, last = complete.
    """
    n = len(sites)
    if n < 2:
        raise ValueError("a cascaded MPO needs at least two sites")
    chans = [(c, kind) for c in channels for kind in ("ket", "bra")]
    rank1, done = 1 + len(chans), 2 + len(chans)
    out = []
    for s, site in enumerate(sites):
        d = site.dim
        eye, big = np.eye(d), np.eye(d * d)
        blocks: dict[tuple[int, int], np.ndarray] = {(0, 0): big, (done, done): big}
        blocks[(0, done)] = _local_superoperator(site)
        for ci, (chan, kind) in enumerate(chans, start=1):
            if chan not in site.couplings:
                blocks[(ci, ci)] = big
                continue
            o, amp, trans = site.couplings[chan]
            if kind == "ket":  # −K o_y†o_x ρ and K o_x ρ o_y†
                blocks[(0, ci)] = amp * np.kron(o, eye)
                close = -np.kron(o.conj().T, eye) + np.kron(eye, o.conj())
            else:  # −K ρ o_x†o_y and K o_y ρ o_x†
                blocks[(0, ci)] = amp * np.kron(eye, o.conj())
                close = -np.kron(eye, o.T) + np.kron(o, eye)
            blocks[(ci, done)] = amp * trans * close
            blocks[(ci, ci)] = trans * big
        if fix_rate:
            assert fix_state is not None
            vt = np.outer(fix_state[s], eye.reshape(-1))
            blocks[(rank1, rank1)] = vt
            if s == 0:
                blocks[(0, rank1)] = -fix_rate * vt
            if s == n - 1:
                blocks[(rank1, done)] = vt
        rows = [0] if s == 0 else list(range(done + 1))
        cols = [done] if s == n - 1 else list(range(done + 1))
        kept = []
        for (i, j), m in blocks.items():
            if i in rows and j in cols and np.any(m):
                mat = sp.csr_matrix(m) if m.shape[0] >= _SPARSE_FROM else m
                kept.append((rows.index(i), cols.index(j), mat))
        dense = None
        if d * d < _SPARSE_FROM:
            dense = np.zeros((len(rows), len(cols), d * d, d * d), dtype=complex)
            for i, j, m in kept:
                dense[i, j] = m
        out.append(MPOTensor(len(rows), len(cols), tuple(kept), dense))
    return out


def mpo_to_dense(mpo: Sequence[MPOTensor]) -> np.ndarray:
    """Dense superoperator (super-ket indices site-major, each site i·d + j); tests only."""
    acc = {0: np.ones((1, 1), dtype=complex)}
    for t in mpo:
        new: dict[int, np.ndarray] = {}
        for i, j, m in t.blocks:
            if i in acc:
                m_dense = m.toarray() if isinstance(m, sp.csr_matrix) else m
                term = np.kron(acc[i], m_dense)
                new[j] = new[j] + term if j in new else term
        acc = new
    return acc[0]


def _apply(t: np.ndarray, w: MPOTensor, site: int, bond: int, side: str) -> np.ndarray:
    """Apply MPO site ``w`` to t: contract t's ``site`` axis with the input index and t's
    ``bond`` axis with w's ``side`` ("left"/"right") bond; result axes: t's other axes in
    order, then w's other bond, then the output site index."""
    if w.dense is not None:
        return np.tensordot(t, w.dense, axes=([site, bond], [3, 0 if side == "left" else 1]))
    rest = [ax for ax in range(t.ndim) if ax not in (site, bond)]
    other = w.right if side == "left" else w.left
    d_out = w.blocks[0][2].shape[0]
    out = np.zeros((*(t.shape[ax] for ax in rest), other, d_out), dtype=complex)
    for i, j, m in w.blocks:
        k_in, k_out = (i, j) if side == "left" else (j, i)
        tk = np.take(t, k_in, axis=bond)
        s_ax = site if site < bond else site - 1
        tk = np.moveaxis(tk, s_ax, -1)
        out[..., k_out, :] += np.asarray((m @ tk.reshape(-1, tk.shape[-1]).T).T).reshape(
            (*tk.shape[:-1], d_out)
        )
    return out


def _left_env(env: np.ndarray, x: np.ndarray, w: MPOTensor) -> np.ndarray:
    """(bra bond, MPO bond, ket bond) environment of the sites up to and including x."""
    t = np.tensordot(env, x, axes=(2, 0))  # a' w s b
    t = _apply(t, w, 2, 1, "left")  # a' b u s'
    return np.tensordot(x.conj(), t, axes=([0, 1], [0, 3])).transpose(0, 2, 1)


def _right_env(env: np.ndarray, x: np.ndarray, w: MPOTensor) -> np.ndarray:
    t = np.tensordot(x, env, axes=(2, 2))  # a s b' v
    t = _apply(t, w, 1, 3, "right")  # a b' u s'
    return np.tensordot(x.conj(), t, axes=([1, 2], [3, 1])).transpose(0, 2, 1)


def _two_site_apply(
    left: np.ndarray, w1: MPOTensor, w2: MPOTensor, right: np.ndarray, theta: np.ndarray
) -> np.ndarray:
    t = np.tensordot(theta, right, axes=(3, 2))  # a s1 s2 b' v
    t = _apply(t, w2, 2, 4, "right")  # a s1 b' u s2'
    t = _apply(t, w1, 1, 3, "right")  # a b' s2' w s1'
    t = np.tensordot(left, t, axes=([1, 2], [3, 0]))  # a' b' s2' s1'
    return t.transpose(0, 3, 2, 1)


@dataclass(frozen=True)
class MPDOState:
    """Super-ket MPS tensors (left bond, d², right bond) and the truncation evidence.

    ``discarded`` is the largest discarded weight Σ s²_dropped / Σ s² of any SVD split in the
    last sweep of each site addition; ``bond`` the largest bond kept; ``iterations`` the GMRES
    iterations summed over all local solves.
    """

    tensors: tuple[np.ndarray, ...]
    dims: tuple[int, ...]
    discarded: float
    bond: int
    iterations: int


def _sweep(
    mpo: Sequence[MPOTensor],
    rhs: Sequence[np.ndarray],
    x: list[np.ndarray],
    bond: int,
    rtol: float,
) -> tuple[float, int, int]:
    n = len(mpo)
    for s in range(n - 1, 0, -1):  # right-canonical form
        a, d, b = x[s].shape
        q, r = np.linalg.qr(x[s].reshape(a, d * b).T)
        x[s] = q.T.reshape(-1, d, b)
        x[s - 1] = np.tensordot(x[s - 1], r.T, axes=(2, 0))
    one3, one2 = np.ones((1, 1, 1), dtype=complex), np.ones((1, 1), dtype=complex)
    lenv: list[np.ndarray] = [one3] * n
    renv: list[np.ndarray] = [one3] * n
    lvec: list[np.ndarray] = [one2] * n
    rvec: list[np.ndarray] = [one2] * n
    for s in range(n - 1, 0, -1):
        renv[s - 1] = _right_env(renv[s], x[s], mpo[s])
        t = np.tensordot(rhs[s], rvec[s], axes=(2, 1))
        rvec[s - 1] = np.tensordot(x[s].conj(), t, axes=([1, 2], [1, 2]))
    discarded, kept, iterations = 0.0, 1, 0
    order = [(i, True) for i in range(n - 1)] + [(i, False) for i in range(n - 2, -1, -1)]
    for i, rightward in order:
        theta = np.tensordot(x[i], x[i + 1], axes=(2, 0))
        shape = theta.shape
        b = np.tensordot(np.tensordot(lvec[i], rhs[i], axes=(1, 0)), rhs[i + 1], axes=(2, 0))
        b = np.tensordot(b, rvec[i + 1], axes=(3, 1))

        def matvec(v: np.ndarray, i: int = i, shape: tuple[int, ...] = shape) -> np.ndarray:
            th = v.reshape(shape)
            return _two_site_apply(lenv[i], mpo[i], mpo[i + 1], renv[i + 1], th).reshape(-1)

        count = [0]

        def counter(_: object, count: list[int] = count) -> None:
            count[0] += 1

        op = spla.LinearOperator((theta.size, theta.size), matvec=matvec, dtype=complex)
        sol, info = spla.gmres(
            op,
            b.reshape(-1),
            x0=theta.reshape(-1),
            rtol=rtol,
            atol=0.0,
            restart=40,
            maxiter=50,
            callback=counter,
            callback_type="pr_norm",
        )
        iterations += count[0]
        if info != 0:
            raise ConvergenceError(
                f"GMRES did not reach rtol={rtol:g} on the MPDO sites {i},{i + 1}"
            )
        a, d1, d2, bb = shape
        u, sv, vh = np.linalg.svd(sol.reshape(a * d1, d2 * bb), full_matrices=False)
        weight = sv**2 / np.sum(sv**2)
        k = min(bond, len(sv))
        discarded = max(discarded, float(np.sum(weight[k:])))
        kept = max(kept, k)
        u, sv, vh = u[:, :k], sv[:k], vh[:k]
        if rightward:
            x[i], x[i + 1] = u.reshape(a, d1, k), (sv[:, None] * vh).reshape(k, d2, bb)
            lenv[i + 1] = _left_env(lenv[i], x[i], mpo[i])
            t = np.tensordot(lvec[i], rhs[i], axes=(1, 0))
            lvec[i + 1] = np.tensordot(x[i].conj(), t, axes=([0, 1], [0, 1]))
        else:
            x[i], x[i + 1] = (u * sv).reshape(a, d1, k), vh.reshape(k, d2, bb)
            renv[i] = _right_env(renv[i + 1], x[i + 1], mpo[i + 1])
            t = np.tensordot(rhs[i + 1], rvec[i + 1], axes=(2, 1))
            rvec[i] = np.tensordot(x[i + 1].conj(), t, axes=([1, 2], [1, 2]))
    return discarded, kept, iterations


def steady_state_mpdo(
    sites: Sequence[CascadedSite],
    channels: Sequence[str],
    head_state: np.ndarray,
    *,
    bond: int,
    sweeps: int = 1,
    rtol: float = 1e-9,
    fix_rate: float = 1.0,
) -> MPDOState:
    """Steady state of a cascaded chain as an MPDO, built one site at a time.

    ``head_state`` is the (exact) steady state of ``sites[0]`` alone, a d₀ × d₀ matrix. Each
    further site enters in its first basis state |0⟩⟨0| and ``sweeps`` two-site sweeps over
    the whole prefix follow (bond dimension ≤ ``bond``). The rank-one fix uses v = the head
    state ⊗ |0⟩⟨0| ⊗ … and rate ``fix_rate``.
    """
    if bond < 1 or sweeps < 1:
        raise ValueError(f"bond and sweeps must be >= 1, got {bond}, {sweeps}")
    fix = [np.asarray(head_state, dtype=complex).reshape(-1)]
    for site in sites[1:]:
        e0 = np.zeros((site.dim, site.dim), dtype=complex)
        e0[0, 0] = 1.0
        fix.append(e0.reshape(-1))
    x = [fix[0].reshape(1, -1, 1).copy()]
    discarded, kept, iterations = 0.0, 1, 0
    for m in range(1, len(sites)):
        mpo = cascaded_mpo(sites[: m + 1], channels, fix_rate=fix_rate, fix_state=fix[: m + 1])
        rhs = [f.reshape(1, -1, 1) for f in fix[: m + 1]]
        rhs[0] = -fix_rate * rhs[0]
        x.append(fix[m].reshape(1, -1, 1).copy())
        for _ in range(sweeps):
            disc, k, its = _sweep(mpo, rhs, x, bond, rtol)
        discarded, kept, iterations = max(discarded, disc), max(kept, k), iterations + its
    return MPDOState(tuple(x), tuple(s.dim for s in sites), discarded, kept, iterations)


def two_site_marginal(state: MPDOState, i: int) -> np.ndarray:
    """Reduced density matrix of sites i, i + 1 (factors in that order), trace 1."""
    x, dims = state.tensors, state.dims
    left = np.ones(1, dtype=complex)
    for s in range(i):
        left = np.einsum("a,asb,s->b", left, x[s], np.eye(dims[s]).reshape(-1))
    right = np.ones(1, dtype=complex)
    for s in range(len(x) - 1, i + 1, -1):
        right = np.einsum("asb,s,b->a", x[s], np.eye(dims[s]).reshape(-1), right)
    th = np.einsum("a,asb,btc,c->st", left, x[i], x[i + 1], right)
    d1, d2 = dims[i], dims[i + 1]
    rho = th.reshape(d1, d1, d2, d2).transpose(0, 2, 1, 3).reshape(d1 * d2, d1 * d2)
    return np.asarray(rho / np.trace(rho))

"""Steady states of cascaded (unidirectional) Lindblad networks, one subsystem at a time.

In a cascaded network a subsystem never influences the subsystems before it. If the Hilbert
space is ordered ``head ⊗ s₁ ⊗ s₂ ⊗ …`` along the direction of propagation, the reduced state
of every prefix ``head ⊗ s₁ ⊗ … ⊗ s_m`` obeys its own closed master equation ℒ_m, and

    Tr_{s_m} ℒ_m(ρ) = ℒ_{m-1}(Tr_{s_m} ρ).

So the steady state is built recursively: solve the (small) head, then for each new subsystem
``s`` of dimension d write ρ = ρ_prev ⊗ |0⟩⟨0| + ρ′ with Tr_s ρ′ = 0, and solve

    R ℒ_m E u = −R ℒ_m (ρ_prev ⊗ |0⟩⟨0|),      ρ′ = E u,

where E embeds the d² − 1 blocks spanning ker Tr_s (off-diagonal blocks |a⟩⟨b| and the
differences |a⟩⟨a| − |0⟩⟨0|) and R reads them back. This operator is non-singular whenever the
network has a unique steady state (its spectrum is that of ℒ_m on ker Tr_s, all Re λ < 0), so
unlike the singular problem ℒρ = 0 it is well suited to Krylov solvers. Small extensions are
solved with a sparse direct solver (:func:`scipy.sparse.linalg.splu`), large ones matrix-free
with IDR(s) (GMRES as fallback) and a symmetric Gauss–Seidel preconditioner on the charge
blocks; either way the residual ‖ℒρ‖ is recorded.

Storage: with a conserved charge Q (every jump shifts it by a definite amount) the steady state
is Q-block diagonal, and every prefix state lives on its charge blocks only
(:class:`BlockState`; at four dual-rail pairs 1/18 of the dense 9216² matrix); no dense state
of the whole prefix is ever formed. ℒ is held block by block (:class:`BlockLiouvillian`:
diagonal jumps and the diagonal of H_eff as one diagonal, the rest as sparse blocks); its
sparse × dense form (:meth:`BlockLiouvillian.apply`) serves the residuals and the small
stages. The Krylov unknowns are the real parameters of the Hermitian ρ′ (:meth:`Blocks.pack`),
8 bytes per stored entry; on them ℒ and the Gauss–Seidel sweeps run as compiled loops
(:mod:`._block_kernels`, numba), entry by entry, so a sweep can update in place. Where ℒ
commutes with complex conjugation (checked exactly on its blocks) the steady state is real
symmetric and the stages take the real route instead (:mod:`.block_krylov`,
:mod:`._real_kernels`): the entries i ≤ j, half the unknowns, in real arithmetic.

The Krylov variants and preconditioners measured on these stages (Jacobi, Gauss–Seidel,
spilu, block and excitation-triangular preconditioners; BiCGSTAB vs IDR(s)) are tabulated in
``benchmarks/results/dual_rail.md``; the matrix-free symmetric Gauss–Seidel sweep in the
storage order (the cascade order: new subsystems are the fastest index) is the one that pays.

Vectorisation is column stacking, vec(A X B) = (Bᵀ ⊗ A) vec X, and the new subsystem is always
the last (fastest) tensor factor. All rates are in the caller's units.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..progress import progress
from ._real_kernels import SymmetricKernels, is_real
from .blas import serial_blas
from .block_krylov import _embed, hermitian_extension, real_extension
from .krylov import IDR_S
from .steady import steady_density_matrix

__all__ = [
    "BlockLiouvillian",
    "BlockState",
    "Blocks",
    "CascadedSolveInfo",
    "LindbladModel",
    "apply_lindblad",
    "cascaded_block_states",
    "cascaded_steady_states",
    "liouvillian",
    "steady_state_direct",
]

#: Largest extension (number of unknowns) solved with the sparse direct solver.
DIRECT_LIMIT = 4_000


@dataclass(frozen=True)
class LindbladModel:
    """ℒρ = −i[H, ρ] + Σ_k D[C_k]ρ on a tensor-product space with factor dimensions ``dims``.

    ``hamiltonian`` and every jump operator are sparse matrices of size prod(dims).
    ``charges`` (optional, one integer per basis state) is a conserved charge Q: H conserves it
    and every jump operator shifts it by a definite amount. Then ℒ maps the Q-block-diagonal
    operators onto themselves, and the unique steady state is Q-block diagonal; the solver
    uses this to work on the blocks only.
    """

    dims: tuple[int, ...]
    hamiltonian: sp.csr_matrix
    jumps: tuple[sp.csr_matrix, ...]
    charges: np.ndarray | None = None

    @property
    def dim(self) -> int:
        return int(np.prod(self.dims))

    def effective_hamiltonian(self) -> sp.csr_matrix:
        """H_eff = H − (i/2) Σ C†C (the non-Hermitian part of the Lindbladian)."""
        heff = sp.csr_matrix(self.hamiltonian, dtype=complex)
        for c in self.jumps:
            heff = heff - 0.5j * (c.conj().T @ c)
        return sp.csr_matrix(heff)


@dataclass(frozen=True)
class CascadedSolveInfo:
    """What one extension step did: unknowns, method, iterations, residual, wall time.

    ``iterations`` counts the Krylov solve's ℒ-products (IDR(s) takes one per step; 0 for LU).
    """

    stage: int
    unknowns: int
    method: str
    iterations: int
    residual: float
    seconds: float
    notes: dict[str, float] = field(default_factory=dict)


def liouvillian(model: LindbladModel) -> sp.csr_matrix:
    """Sparse Liouvillian in the column-stacking convention."""
    d = model.dim
    eye = sp.identity(d, dtype=complex, format="csr")
    heff = model.effective_hamiltonian()
    lv = -1j * sp.kron(eye, heff) + 1j * sp.kron(heff.conj(), eye)
    for c in model.jumps:
        lv = lv + sp.kron(c.conj(), c)
    return sp.csr_matrix(lv)


def apply_lindblad(model: LindbladModel, rho: np.ndarray, heff: sp.csr_matrix) -> np.ndarray:
    """ℒρ for a dense (not necessarily Hermitian) ρ, matrix-free.

    Uses only sparse-operator × dense-matrix products: ρH† = (Hρ†)† and CρC† = (C(Cρ)†)†.
    ``heff`` is :meth:`LindbladModel.effective_hamiltonian`, passed in to build it once.
    """
    out = -1j * (heff @ rho) + 1j * (heff @ rho.conj().T).conj().T
    for c in model.jumps:
        cr = c @ rho
        out += (c @ cr.conj().T).conj().T
    return np.asarray(out)


def steady_state_direct(model: LindbladModel) -> np.ndarray:
    """Unique steady state of a (small) model by a sparse LU solve, the population of the first
    basis state pinned (:func:`.steady.steady_density_matrix`)."""
    return steady_density_matrix(liouvillian(model), model.dim)


def _residual(model: LindbladModel, rho: np.ndarray, heff: sp.csr_matrix) -> float:
    """‖ℒρ‖_F / ‖ρ‖_F, the steady-state residual."""
    return float(np.linalg.norm(apply_lindblad(model, rho, heff)) / np.linalg.norm(rho))


class Blocks:
    """Charge blocks of a Q-block-diagonal operator on a space of dimension ``dim``.

    Block b holds the basis states ``index[b]`` (charge ``values[b]``, ascending); an operator is
    stored as one flat vector, block after block, each block row-major (C order). ``block[i]``
    and ``local[i]`` locate basis state i; ``rows``/``cols`` are the full indices of every flat
    entry. Without charges there is one block holding the whole space.
    """

    def __init__(self, charges: np.ndarray | None, dim: int) -> None:
        q = np.zeros(dim, dtype=np.int64) if charges is None else np.asarray(charges)
        self.dim = dim
        self.charges = q
        self.values, self.block = np.unique(q, return_inverse=True)
        self.index = tuple(np.nonzero(self.block == b)[0] for b in range(self.values.size))
        self.local = np.empty(dim, dtype=np.int64)
        for ix in self.index:
            self.local[ix] = np.arange(ix.size)
        self.sizes = np.array([ix.size for ix in self.index], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes**2)])

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    @cached_property
    def _itype(self) -> type:
        return np.int32 if max(self.dim, self.size) < 2**31 else np.int64  # 4 bytes/entry saved

    @cached_property
    def rows(self) -> np.ndarray:
        return np.concatenate([np.repeat(ix, ix.size) for ix in self.index]).astype(self._itype)

    @cached_property
    def cols(self) -> np.ndarray:
        return np.concatenate([np.tile(ix, ix.size) for ix in self.index]).astype(self._itype)

    def positions(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Flat positions of the entries (rows, cols), which must lie in the blocks."""
        b = self.block[rows]
        return self.offsets[b] + self.local[rows] * self.sizes[b] + self.local[cols]

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        return [
            flat[self.offsets[b] : self.offsets[b + 1]].reshape(n, n)
            for b, n in enumerate(self.sizes)
        ]

    @cached_property
    def _lower(self) -> list[np.ndarray]:
        return [np.tri(n, n, -1, dtype=bool) for n in self.sizes]

    def pack(self, flat: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Hermitian complex blocks → real flat vector of the same length: Re X_ij on and above
        the diagonal, Im X_ji = −Im X_ij below it. Every charge block is mapped onto itself by
        †, so these are all the real parameters of a Hermitian block operator."""
        for x, r, low in zip(self.views(flat), self.views(out), self._lower, strict=True):
            np.copyto(r, x.real)
            np.negative(x.imag, out=r, where=low)
        return out

    def unpack(self, flat: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`pack`: the Hermitian complex blocks of a real flat vector."""
        for r, x, low in zip(self.views(flat), self.views(out), self._lower, strict=True):
            xr, xi = x.real, x.imag
            np.copyto(xr, r)
            np.copyto(xr, r.T, where=low)
            np.copyto(xi, r.T)
            np.negative(r, out=xi, where=low)
            xi[np.diag_indices(r.shape[0])] = 0.0
        return out


@dataclass(frozen=True)
class BlockState:
    """A Q-block-diagonal density matrix stored on its charge blocks only (:class:`Blocks`).

    At four dual-rail pairs the blocks hold 1/18 of the dense 9216² matrix, so the cascade never
    forms the dense state; :meth:`dense` does, for small systems and tests.
    """

    layout: Blocks
    flat: np.ndarray = field(repr=False)

    @property
    def dim(self) -> int:
        return self.layout.dim

    @classmethod
    def from_dense(cls, rho: np.ndarray, charges: np.ndarray | None) -> BlockState:
        """Keep the entries of a dense ρ inside the charge blocks (the others must vanish)."""
        lay = Blocks(charges, rho.shape[0])
        return cls(lay, np.ascontiguousarray(rho[lay.rows, lay.cols], dtype=complex))

    def dense(self) -> np.ndarray:
        out = np.zeros((self.dim, self.dim), dtype=complex)
        for ix, blk in zip(self.layout.index, self.layout.views(self.flat), strict=True):
            out[np.ix_(ix, ix)] = blk
        return out

    def trace(self) -> complex:
        return complex(sum(np.trace(b) for b in self.layout.views(self.flat)))

    def reduce(self, head: int) -> np.ndarray:
        """Dense state of the tail after tracing out the first factor(s) of dimension ``head``."""
        tail = self.dim // head
        out = np.zeros((tail, tail), dtype=complex)
        for ix, blk in zip(self.layout.index, self.layout.views(self.flat), strict=True):
            h, t = ix // tail, ix % tail
            for value in np.unique(h):
                sel = np.nonzero(h == value)[0]
                out[np.ix_(t[sel], t[sel])] += blk[np.ix_(sel, sel)]
        return out

    def widen(self, mapping: np.ndarray, charges: np.ndarray) -> BlockState:
        """This state embedded in a larger space: basis state i becomes ``mapping[i]``.

        ``charges`` are those of the larger space; every state keeps its charge.
        """
        lay = Blocks(charges, charges.size)
        flat = np.zeros(lay.size, dtype=complex)
        old = self.layout
        flat[lay.positions(mapping[old.rows], mapping[old.cols])] = self.flat
        return BlockState(lay, flat)


class BlockLiouvillian:
    """ℒ of a charge-conserving model applied to block-stored operators (flat vectors).

    ℒX = Dg∘X − i(H X − X H†) + Σ C X C† with H the off-diagonal part of H_eff, C the jump
    operators that are not diagonal, and Dg the diagonal of ℒ (−i h_a + i h̄_b from the diagonal
    of H_eff plus c_a c̄_b of every diagonal jump, e.g. dephasing). Right products use
    X H† = (H̄ Xᵀ)ᵀ and Y C† = (C̄ Yᵀ)ᵀ, so no conjugated copy of X is ever formed.
    """

    def __init__(self, model: LindbladModel, lay: Blocks) -> None:
        q = lay.charges
        heff = sp.csr_matrix(model.effective_hamiltonian())
        coo = heff.tocoo()
        big = np.abs(coo.data) > 1e-14 * max(1.0, float(np.max(np.abs(coo.data), initial=0.0)))
        if np.any(q[coo.row[big]] != q[coo.col[big]]):
            raise ValueError("the Hamiltonian does not conserve the charges")
        hd = heff.diagonal()
        diag_jumps: list[np.ndarray] = []
        self.jumps: list[tuple[int, int, sp.csr_matrix, sp.csr_matrix]] = []
        self.jump_diag: np.ndarray | float = 0.0  # c_aa c̄_bb of the other jumps (Jacobi only)
        jump_diags: list[np.ndarray] = []
        for c in model.jumps:
            cc = c.tocoo()
            keep = np.abs(cc.data) > 1e-14 * max(1.0, float(np.max(np.abs(cc.data), initial=0.0)))
            if np.all(cc.row[keep] == cc.col[keep]):
                diag_jumps.append(c.diagonal())
                continue
            shifts = np.unique(q[cc.row[keep]] - q[cc.col[keep]])
            if shifts.size != 1:
                raise ValueError(f"a jump operator has no definite charge shift: {shifts.tolist()}")
            dc = c.diagonal()
            if np.any(dc):
                jump_diags.append(dc)
            self.jumps += _jump_blocks(cc, int(shifts[0]), lay)
        self.diag = np.empty(lay.size, dtype=complex)
        for ix, blk in zip(lay.index, lay.views(self.diag), strict=True):
            np.add.outer(-1j * hd[ix], 1j * hd[ix].conj(), out=blk)
        _add_outer(lay, diag_jumps, self.diag)
        if jump_diags:
            self.jump_diag = _add_outer(lay, jump_diags, np.zeros(lay.size, dtype=complex))
        off = sp.csr_matrix(heff - sp.diags(hd))
        off.eliminate_zeros()
        self.h = [h for _, _, h in _blocks_of(off.tocoo(), lay, 0)]
        self.hbar = [_conjugate(h) for h in self.h]
        self.lay = lay
        self.d = model.dims[-1]

    def apply(self, flat: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """ℒ on a flat block vector; ``out`` (same shape) is overwritten and returned."""
        res = np.empty_like(flat) if out is None else out
        np.multiply(self.diag, flat, out=res)
        x, o = self.lay.views(flat), self.lay.views(res)
        for b, (h, hbar) in enumerate(zip(self.h, self.hbar, strict=True)):
            if h.nnz:
                t = h @ x[b]
                t *= -1j
                o[b] += t
                t = hbar @ x[b].T
                t *= 1j
                o[b] += t.T
        for tgt, src, c, cbar in self.jumps:
            o[tgt] += (cbar @ (c @ x[src]).T).T
        return res


def _csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple) -> sp.csr_matrix:
    return sp.csr_matrix((data, indices, indptr), shape=shape)


def _blocks_of(coo: sp.coo_matrix, lay: Blocks, shift: int) -> list[tuple[int, int, sp.csr_matrix]]:
    """The blocks (t, s, block) of an operator whose stored entries (explicit zeros included)
    take charge block s to block t with values[t] = values[s] + ``shift``, for every s (with
    ``shift`` = 0 every diagonal block, empty or not; else only the blocks holding entries).

    One grouping of the entries instead of two fancy slicings of the operator per block
    (the jumps of three pairs have ~70 blocks per stage: ~60 000 sparse constructions and
    13 000 slicings in the twpa budget). Each block's entries keep the operator's order, so
    for a canonical (row-sorted, column-sorted) operator each block equals the slice
    ``op[index[t]][:, index[s]]`` array for array.
    """
    src = lay.block[coo.col]
    tgt = np.searchsorted(lay.values, lay.values[src] + shift)
    inside = tgt < lay.values.size
    inside[inside] = lay.values[tgt[inside]] == lay.values[src[inside]] + shift
    inside &= lay.block[coo.row] == np.where(inside, tgt, -1)
    pos = np.nonzero(inside)[0]
    order = pos[np.argsort(src[pos], kind="stable")]
    blocks = src[order]
    starts = np.searchsorted(blocks, np.arange(lay.values.size + 1))
    itype = np.int32 if lay.dim < 2**31 else np.int64
    rows, cols = lay.local[coo.row[order]], lay.local[coo.col[order]].astype(itype)
    data = coo.data[order]
    out = []
    for s in range(lay.values.size):
        lo, hi = starts[s], starts[s + 1]
        if hi == lo and shift != 0:
            continue
        t = s if shift == 0 else int(tgt[order[lo]])
        n_t = int(lay.sizes[t])
        ptr = np.zeros(n_t + 1, dtype=itype)
        np.cumsum(np.bincount(rows[lo:hi], minlength=n_t), out=ptr[1:])
        out.append((t, s, _csr(data[lo:hi].copy(), cols[lo:hi], ptr, (n_t, int(lay.sizes[s])))))
    return out


def _conjugate(c: sp.csr_matrix) -> sp.csr_matrix:
    """The entrywise complex conjugate of ``c`` (its own index arrays)."""
    return _csr(c.data.conj(), c.indices.copy(), c.indptr.copy(), c.shape)


def _jump_blocks(
    coo: sp.coo_matrix, shift: int, lay: Blocks
) -> list[tuple[int, int, sp.csr_matrix, sp.csr_matrix]]:
    """The nonempty blocks of a jump operator (:class:`BlockLiouvillian`) with their conjugates."""
    return [(t, s, c, _conjugate(c)) for t, s, c in _blocks_of(coo, lay, shift)]


def _add_outer(lay: Blocks, vecs: list[np.ndarray], out: np.ndarray) -> np.ndarray:
    """out += Σ_c v_c(a) v̄_c(b) on the blocks (a matrix product per block, not one
    stored-entry-sized temporary per vector)."""
    if vecs:
        m = np.array(vecs)
        for ix, blk in zip(lay.index, lay.views(out), strict=True):
            v = m[:, ix]
            blk += v.T @ v.conj()
    return out


def _extension(
    model: LindbladModel, prev: BlockState, lay: Blocks
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Index bookkeeping of one extension step on the blocks of ``lay``.

    Returns (base, unknown, diag_type, targets, base_values): flat positions of the entries
    |p0⟩⟨q0| of the new factor (known: ρ_prev), of the unknowns (all others), of the
    diagonal-type unknowns |pa⟩⟨qa| (a ≥ 1) and of the base entry each of them enters with −1
    (ker Tr_s), and ρ_prev on the base entries.
    """
    d = model.dims[-1]
    rows, cols = lay.rows, lay.cols
    sub_r, sub_c = rows % d, cols % d
    is_base = (sub_r == 0) & (sub_c == 0)
    itype = lay.rows.dtype
    base = np.nonzero(is_base)[0].astype(itype)
    unknown = np.nonzero(~is_base)[0].astype(itype)
    diag_type = np.nonzero((sub_r == sub_c) & (sub_r > 0))[0].astype(itype)
    del sub_c, is_base
    shift = sub_r[diag_type]  # = the column's sub-index for diagonal-type entries
    targets = lay.positions(rows[diag_type] - shift, cols[diag_type] - shift).astype(itype)
    values = prev.flat[prev.layout.positions(rows[base] // d, cols[base] // d)]
    return base, unknown, diag_type, targets, values


def _extend(
    model: LindbladModel,
    prev: BlockState,
    *,
    stage: int,
    direct_limit: int,
    rtol: float,
    guess: BlockState | None,
    hint: str,
    real: bool = True,
) -> tuple[BlockState, CascadedSolveInfo]:
    """One extension step: the steady state of prefix m from that of prefix m − 1; a Krylov
    step takes the real route (:mod:`.block_krylov`) where ℒ is real and ``real`` is set."""
    t0 = time.perf_counter()
    lay = Blocks(model.charges, model.dim)
    op = BlockLiouvillian(model, lay)
    base, unknown, diag_type, targets, base_values = _extension(model, prev, lay)
    n = unknown.size
    d = model.dims[-1]
    direct = (d * d - 1) * prev.dim**2 <= direct_limit  # ker Tr_s's dimension without charges
    route = "real symmetric" if real and not direct and is_real(op) else "Hermitian"
    method = f"idr({IDR_S})+gauss-seidel, {route}" + (
        "" if model.charges is None else ", charge blocks"
    )
    if direct:
        method, iterations = "splu", 0
        rho = np.zeros(lay.size, dtype=complex)
        rho[base] = base_values
        rhs = -op.apply(rho)[unknown]
        u = spla.splu(_assembled(model, lay, unknown, diag_type, targets)).solve(rhs)
        rho += _embed(u, np.zeros(lay.size, dtype=complex), (base, unknown, diag_type, targets))
    elif route == "Hermitian":
        x0 = None if guess is None else lay.pack(guess.flat, np.empty(lay.size))[unknown]
        guess = None  # drop the widened guess (16 bytes per entry) before the Krylov vectors
        index = (base, unknown, diag_type, targets)
        packed, iterations = hermitian_extension(
            op, base_values, x0, index, rtol, stage=stage, hint=hint
        )
        rho = lay.unpack(packed, np.empty(lay.size, dtype=complex))
        del packed
        rho[base] += base_values
    else:  # half the unknowns, real arithmetic (solvers/_real_kernels.py)
        del unknown, diag_type, targets
        kern = SymmetricKernels(op, d)
        x0 = None if guess is None else kern.gather(guess.flat)
        guess = None
        n = kern.size
        rho, iterations = real_extension(kern, base, base_values, x0, rtol, stage=stage, hint=hint)
        del kern
    state = BlockState(lay, _hermitian(lay, rho))
    res = float(np.linalg.norm(op.apply(state.flat)) / np.linalg.norm(state.flat))
    return state, CascadedSolveInfo(stage, n, method, iterations, res, time.perf_counter() - t0)


def _hermitian(lay: Blocks, flat: np.ndarray) -> np.ndarray:
    """(ρ + ρ†)/2 block by block (each charge block is mapped onto itself by †)."""
    for blk in lay.views(flat):
        blk[...] = 0.5 * (blk + blk.conj().T)
    return flat


def _assembled(
    model: LindbladModel,
    lay: Blocks,
    unknown: np.ndarray,
    diag_type: np.ndarray,
    targets: np.ndarray,
) -> sp.csc_matrix:
    """The extension operator R ℒ E as a sparse matrix (small stages: sparse LU)."""
    d = model.dim
    lv = sp.csr_matrix(liouvillian(model))
    vec = lay.cols * d + lay.rows  # column stacking
    col_of = np.full(lay.size, -1, dtype=np.int64)
    col_of[unknown] = np.arange(unknown.size)
    e_rows = np.concatenate([vec[unknown], vec[targets]])
    e_cols = np.concatenate([col_of[unknown], col_of[diag_type]])
    e_vals = np.concatenate([np.ones(unknown.size), -np.ones(diag_type.size)])
    emb = sp.csc_matrix((e_vals, (e_rows, e_cols)), shape=(d * d, unknown.size))
    return sp.csc_matrix(lv[vec[unknown], :] @ emb)


def cascaded_block_states(
    build: Callable[[int], LindbladModel],
    stages: int,
    *,
    direct_limit: int = DIRECT_LIMIT,
    rtol: float = 1e-10,
    guesses: Sequence[BlockState | None] | None = None,
    hint: str = "",
    label: str = "cascade",
    real: bool = True,
) -> Iterator[tuple[BlockState, CascadedSolveInfo]]:
    """Yield the steady state of every prefix of a cascaded network on its charge blocks.

    Parameters
    ----------
    build
        ``build(m)`` returns the closed model of the prefix ``head ⊗ s₁ ⊗ … ⊗ s_m``
        (``m = 0`` is the head alone). Each prefix must be the previous one with one more
        tensor factor appended; a model's ``charges`` (if any) must extend the previous ones.
    stages
        Number of subsystems appended after the head.
    direct_limit
        Extensions with at most this many unknowns use sparse LU, larger ones a Krylov solver.
    rtol
        Relative residual tolerance of the Krylov solver.
    guesses
        Optional initial guesses (prefix states on the same blocks), e.g. a coarser solution
        widened into this space (:meth:`BlockState.widen`); ``None`` entries are ignored.
    hint
        What the caller's user can change if a Krylov solve fails (appended to the error).
    label
        Name of the solve in the progress lines.
    real
        Let a Krylov stage whose ℒ is real (:func:`._real_kernels.is_real`) take the real route
        (half the unknowns, real arithmetic); ``False`` keeps every stage on the Hermitian route.

    Yields
    ------
    (state, info)
        Steady state of prefix m (m = 0 … stages) as a :class:`BlockState` and its record.
    """
    t0 = time.perf_counter()
    head = build(0)
    rho = steady_state_direct(head)
    res = _residual(head, rho, head.effective_hamiltonian())
    state = BlockState.from_dense(rho, head.charges)
    yield state, CascadedSolveInfo(0, head.dim**2, "splu-pinned", 0, res, time.perf_counter() - t0)
    for m in range(1, stages + 1):
        model = build(m)
        if model.dim != state.dim * model.dims[-1]:
            raise ValueError(f"prefix {m} does not extend prefix {m - 1} by one factor")
        progress(label, f"stage {m}/{stages}, dimension {model.dim}")
        # One BLAS thread: IDR's small products (shadow @ v) gain nothing from a second one,
        # which spins: three pairs, default OpenBLAS on the loaded 2-core machine, 10.3 → 5.7
        # CPU-s, 33 → 21.5 s wall (benchmarks/results/dual_rail.md).
        with serial_blas():
            state, info = _extend(
                model,
                state,
                stage=m,
                direct_limit=direct_limit,
                rtol=rtol,
                guess=None if guesses is None else guesses[m],  # no reference kept here
                hint=hint,
                real=real,
            )
        yield state, info


def cascaded_steady_states(
    build: Callable[[int], LindbladModel],
    stages: int,
    *,
    direct_limit: int = DIRECT_LIMIT,
    rtol: float = 1e-10,
) -> Iterator[tuple[np.ndarray, CascadedSolveInfo]]:
    """:func:`cascaded_block_states` with every prefix state as a dense matrix (small systems)."""
    for state, info in cascaded_block_states(build, stages, direct_limit=direct_limit, rtol=rtol):
        yield state.dense(), info

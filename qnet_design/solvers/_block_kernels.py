"""Compiled kernels of the charge-block cascade: ℒ on a Hermitian operator and Gauss–Seidel
sweeps, entry by entry on the packed real parameters (:meth:`.cascaded.Blocks.pack`).

Entry (i, j) of ℒX in a charge block is

    (ℒX)_ij = Dg_ij X_ij − i Σ_k H_ik X_kj + i Σ_l X_il H̄_jl + Σ_C Σ_kl C_ik X_kl C̄_jl,

with H the off-diagonal part of H_eff inside the block, Dg the diagonal of ℒ and C the jump
blocks that end in this block (:class:`.cascaded.BlockLiouvillian`). For a Hermitian X only the
entries i ≤ j are computed, (ℒX)_ji is their conjugate. Computing one entry at a time is what
lets a Gauss–Seidel sweep update the entries in place; it also avoids the complex temporaries
of sparse × dense products.

Packing of a Hermitian block (row-major, local indices): r_ij = Re X_ij for i ≤ j and
r_ij = Im X_ji for i > j (:mod:`._block_passes`: packing and the element-wise passes).

Where the sweeps split R ℒ E = L + Dg + U exactly (the dual-rail cascade,
:meth:`HermitianKernels._splits_exactly`), the symmetric Gauss–Seidel preconditioner is applied
in Eisenstat's form (:meth:`HermitianKernels.split_apply`: a backward and a forward solve per
product instead of two sweeps and an ℒ-product; S. C. Eisenstat, SIAM J. Sci. Stat. Comput. 2,
1 (1981)), and the blocks are swept as two independent chains on two threads
(:func:`exact_sweep`).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import numba
import numpy as np
from numba import njit, prange

if "NUMBA_THREADING_LAYER" not in os.environ:
    # numba's own pool: its idle threads sleep. The OpenMP layer's spin between the parallel
    # sweeps and cost ~40 % more CPU time (measured, three pairs' last stage) for no speed.
    # The pool may not be entered from two Python threads at once (it aborts the process), so
    # solves outside the main thread (a thread pool, Dask's worker threads) sweep serially:
    # the same blocks in the same order, the same result (HermitianKernels._solve).
    numba.config.THREADING_LAYER = "workqueue"  # type: ignore[attr-defined]

from ._block_passes import eisenstat_middle, pack, scaled_pack, unpack

RESIDUE = 1e-13  # relative size of the coefficients the kernels drop as rounding residue

if TYPE_CHECKING:
    from .cascaded import BlockLiouvillian


# ``ops`` (HermitianKernels._args): sizes, offsets, diag, then K = −i H as stacked CSR (h_ptr,
# h_idx, h_val; block b's rows from row h_row0[b]), then the jump blocks: those ending in block b
# are jl_ptr[b] … jl_ptr[b + 1] − 1, jump q starts from block j_src[q], its rows from row
# j_row0[q] of the stacked CSR (c_ptr, c_idx, c_val), then h_mid (row r of K: its columns < r
# from h_ptr[r], the others from h_mid[r]). Column indices are block-local. h_val and
# c_val are float64 when real (every dual-rail model: its H off the diagonal is imaginary, its
# jumps real; a detuning sits on the diagonal): numba compiles the same kernels for them with
# real × complex products, half the arithmetic of complex ones (three pairs' last stage,
# detuned: 95 → 74 ns per stored entry and Eisenstat product).


@njit(cache=True, fastmath=True)
def _skipped(src, b, skip):
    """Whether the jump block from ``src`` into ``b`` (their ranks in the sweep order) is left
    out: ``skip`` = 1 leaves out the later source blocks, −1 the earlier ones, 0 none."""
    return (skip > 0 and src > b) or (skip < 0 and src < b)


@njit(cache=True, fastmath=True)
def _row_h(x, y, o, n, i, j0, ops, hr):
    """y[j] += (K X)_ij for j ≥ j0 (K = −i H), row i of the block at offset o (size n, rows
    of K from row hr)."""
    h_ptr, h_idx, h_val = ops[3], ops[4], ops[5]
    for t in range(h_ptr[hr + i], h_ptr[hr + i + 1]):
        c = h_val[t]
        row = o + h_idx[t] * n
        for j in range(j0, n):
            y[j] += c * x[row + j]


@njit(cache=True, fastmath=True)
def _row_h_lean(x, y, o, n, i, j0, ops, hr, sub, skip):
    """:func:`_row_h` without the rows k that hold zeros in a solve from zero: those of a new
    factor's state ≠ 0 (no base entries in them) after row i (``skip`` = 1) or before it (−1)."""
    h_ptr, h_idx, h_val = ops[3], ops[4], ops[5]
    for t in range(h_ptr[hr + i], h_ptr[hr + i + 1]):
        k = h_idx[t]
        if sub[k] != 0 and (k - i) * skip > 0:
            continue
        c = h_val[t]
        row = o + k * n
        for j in range(j0, n):
            y[j] += c * x[row + j]


@njit(cache=True, fastmath=True)
def _col_h(x, o, n, i, ops, hr):
    """(K X)_ii = (−i H X)_ii read now (the entries X_ki = X̄_ik of row i may have changed in
    the sweep)."""
    h_ptr, h_idx, h_val = ops[3], ops[4], ops[5]
    s = 0j
    for t in range(h_ptr[hr + i], h_ptr[hr + i + 1]):
        s += h_val[t] * x[o + h_idx[t] * n + i]
    return s


@njit(cache=True, fastmath=True)
def _row_jumps(x, y, w, b, i, ops, skip, rank, sub, bstart):
    """y[j] += (Σ_C C X_src C†)_ij for j ≥ i in row i of block b, over the jump blocks not
    :func:`_skipped` by ``skip``: W = (C X_src)_i (a few rows of X_src, contiguous) into ``w``,
    then (W C†)_ij from row j of C (``sub``, ``bstart`` as in the layout; only read with
    ``skip`` ≠ 0).

    With ``skip`` ≠ 0 (an exact sweep, :attr:`HermitianKernels.exact_split`) a row i of the new
    factor's state 0 leaves out the base entries of X_src: they reach only base entries of
    block b (not unknowns), and another thread may be changing them. Rows of state ≠ 0 meet no
    base entries (jumps carry base entries only into base entries)."""
    sizes, offsets = ops[0], ops[1]
    jl_ptr, j_src, j_row0, c_ptr, c_idx, c_val = ops[7:13]
    n = sizes[b]
    base_i = skip != 0 and sub[bstart[b] + i] == 0
    for q in range(jl_ptr[b], jl_ptr[b + 1]):
        src = j_src[q]
        if _skipped(rank[src], rank[b], skip):
            continue
        ns = sizes[src]
        os_ = offsets[src]
        cr = j_row0[q]
        w[:ns] = 0.0
        for t in range(c_ptr[cr + i], c_ptr[cr + i + 1]):
            c = c_val[t]
            row = os_ + c_idx[t] * ns
            if base_i and sub[bstart[src] + c_idx[t]] == 0:
                for l in range(ns):
                    if sub[bstart[src] + l] != 0:
                        w[l] += c * x[row + l]
            else:
                for l in range(ns):
                    w[l] += c * x[row + l]
        for j in range(i, n):
            acc = 0j
            for u in range(c_ptr[cr + j], c_ptr[cr + j + 1]):
                acc += w[c_idx[u]] * np.conj(c_val[u])
            y[j] += acc


@njit(cache=True, fastmath=True, inline="always")
def _right_h(x, o, n, i, t0, t1, ops):
    """(i X H†)_ij = (X K†)_ij of block (o, n), the terms t0 … t1 − 1 of row j of K."""
    h_idx, h_val = ops[4], ops[5]
    r = o + i * n
    s0 = 0j  # two sums, two dependency chains (the loop is too short for vector gathers)
    s1 = 0j
    t = t0
    while t + 1 < t1:
        s0 += x[r + h_idx[t]] * np.conj(h_val[t])
        s1 += x[r + h_idx[t + 1]] * np.conj(h_val[t + 1])
        t += 2
    if t < t1:
        s0 += x[r + h_idx[t]] * np.conj(h_val[t])
    return s0 + s1


@njit(cache=True, fastmath=True)
def hermitian_apply(
    x: np.ndarray,
    out: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    ops: tuple,
) -> None:
    """out = pack(ℒX) for the Hermitian complex X in ``x`` (all blocks; ``ops`` as
    :meth:`HermitianKernels._args`). ``y`` holds K X = −i H X of one block (then i X H† = (K X)†,
    as X = X†), ``z`` a row of C X_src (:func:`_row_jumps`)."""
    sizes, offsets, diag, h_row0 = ops[0], ops[1], ops[2], ops[6]
    for b in range(sizes.size):
        n = sizes[b]
        o = offsets[b]
        hr = h_row0[b]
        for i in range(n):
            k = y[i * n : (i + 1) * n]
            k[:] = 0.0
            _row_h(x, k, o, n, i, 0, ops, hr)
        for i in range(n):
            row = y[n * n : n * n + n]
            for j in range(i, n):
                row[j] = diag[o + i * n + j] * x[o + i * n + j] + y[i * n + j]
                row[j] += y[j * n + i].conjugate()
            _row_jumps(x, row, z, b, i, ops, 0, sizes, sizes, sizes)
            for j in range(i, n):
                out[o + i * n + j] = row[j].real
                if j > i:
                    out[o + j * n + i] = row[j].imag


@njit(cache=True, fastmath=True)
def gauss_seidel(
    x: np.ndarray,
    v: np.ndarray,
    y: np.ndarray,
    z: np.ndarray,
    backward: bool,
    exact: bool,
    order: np.ndarray,
    rank: np.ndarray,
    layout: tuple,
    ops: tuple,
) -> None:
    """One Gauss–Seidel sweep for R ℒ E u = v on the Hermitian unknowns, in place on the
    complex X = E u in ``x`` (``v`` packed; ``y``, ``z`` scratch as for hermitian_apply).

    Visits the unknowns (i, j), i ≤ j, row by row and block by block, the blocks in ``order``
    (``rank`` = its inverse; ``backward``: all reversed) and sets
    X_ij += (V_ij − (ℒX)_ij)/ℒ_(ij),(ij) (pivots ``dinv``), X_ji = X̄_ij. The terms of ℒX from
    other rows (H X, C X C†) are formed once per row, i X H† entry by entry, so the entries of
    a row see each other's updates. The base entry |p0⟩⟨q0| of a diagonal-type unknown
    |pa⟩⟨qa| is kept at minus their sum, as E does. ``glob`` is the
    global basis index of every block-local state (block b from ``bstart[b]``), ``sub`` its
    state of the new factor; ``block``/``local`` locate a global index (``layout`` = glob,
    bstart, block, local, dinv, sub).

    ``exact``: a sweep *from zero* of an operator for which :attr:`HermitianKernels.exact_split`
    holds, which then solves (D + L) X = V (forward) or (D + U) X = V (backward) exactly, with
    R ℒ E = L + Dg + U split by the sweep order. It reads (ℒX)_ii afresh (row i has changed by
    then in a backward sweep) and skips what is still zero: the jump blocks from source blocks
    not yet visited and the rows k of H X not yet visited that hold no base entry.
    """
    nb = order.size
    for bi in range(nb):
        b = order[nb - 1 - bi] if backward else order[bi]
        _sweep_block(x, v, y, z, b, backward, exact, rank, layout, ops)


@njit(cache=True, fastmath=True)
def _sweep_block(x, v, y, z, b, backward, exact, rank, layout, ops):
    """The sweep of :func:`gauss_seidel` through block b (``rank``: the blocks' positions in
    the sweep order)."""
    glob, bstart, block, local, dinv, sub = layout
    sizes, offsets, diag, h_ptr, h_row0, h_mid = ops[0], ops[1], ops[2], ops[3], ops[6], ops[13]
    skip = 0
    if exact:
        skip = -1 if backward else 1
    n = sizes[b]
    o = offsets[b]
    g0 = bstart[b]
    hr = h_row0[b]
    sb = sub[g0 : g0 + n]
    for ii in range(n):
        i = n - 1 - ii if backward else ii
        gi = glob[g0 + i]
        si = sb[i]
        if exact:  # row i holds zeros still (base entries aside, which are not unknowns)
            y[i:n] = 0.0
        else:
            for j in range(i, n):  # the terms of ℒX from other rows, before this row's updates
                y[j] = diag[o + i * n + j] * x[o + i * n + j]
        if exact:
            _row_h_lean(x, y, o, n, i, i + 1 if backward else i, ops, hr, sb, skip)
        else:
            _row_h(x, y, o, n, i, i, ops, hr)
        _row_jumps(x, y, z, b, i, ops, skip, rank, sub, bstart)
        for jj in range(n - i):
            j = n - 1 - jj if backward else i + jj
            sj = sb[j]
            if si == 0 and sj == 0:
                continue  # a base entry: not an unknown
            p = o + i * n + j
            t0, t1 = h_ptr[hr + j], h_ptr[hr + j + 1]
            if exact and si != 0:  # X_il = 0 on the unvisited side of j (no base entries)
                if backward:
                    t0 = h_mid[hr + j]
                else:
                    t1 = h_mid[hr + j]
            yv = y[j] + _right_h(x, o, n, i, t0, t1, ops)
            if exact and backward and j == i:
                yv += _col_h(x, o, n, i, ops, hr)
            if j > i:
                delta = complex(v[p] - yv.real, v[o + j * n + i] - yv.imag) * dinv[p]
            else:
                delta = complex((v[p] - yv.real) * dinv[p].real, 0.0)
            x[p] += delta
            if j > i:
                x[o + j * n + i] += delta.conjugate()
            if si == sj:  # diagonal type: the base entry follows (ker Tr_s)
                gb = gi - si
                hb = glob[g0 + j] - si
                bb = block[gb]
                nbb = sizes[bb]
                ob = offsets[bb]
                x[ob + local[gb] * nbb + local[hb]] -= delta
                if j > i:
                    x[ob + local[hb] * nbb + local[gb]] -= delta.conjugate()


@njit(cache=True, fastmath=True, parallel=True)
def exact_sweep(
    x: np.ndarray,
    v: np.ndarray,
    ys: np.ndarray,
    zs: np.ndarray,
    backward: bool,
    order: np.ndarray,
    rank: np.ndarray,
    cut: np.ndarray,
    layout: tuple,
    ops: tuple,
) -> None:
    """:func:`gauss_seidel` with ``exact``, the blocks of ``order[:cut[0]]`` and
    ``order[cut[0]:cut[1]]`` (two chains that do not touch each other) on two threads, then the
    rest (backward: the rest first, then the chains reversed). Each block is swept by the same
    arithmetic whichever thread runs it, so the result does not depend on the thread count.
    ``ys``, ``zs``: one row of scratch per thread."""
    nb = order.size
    if backward:
        for bi in range(nb - 1, cut[1] - 1, -1):
            _sweep_block(x, v, ys[0], zs[0], order[bi], True, True, rank, layout, ops)
    for t in prange(2):
        lo = 0 if t == 0 else cut[0]
        hi = cut[0] if t == 0 else cut[1]
        for bi in range(hi - lo):
            b = order[hi - 1 - bi] if backward else order[lo + bi]
            _sweep_block(x, v, ys[t], zs[t], b, backward, True, rank, layout, ops)
    if not backward:
        for bi in range(cut[1], nb):
            _sweep_block(x, v, ys[0], zs[0], order[bi], False, True, rank, layout, ops)


def _main_thread() -> bool:
    """Whether the parallel kernels may run: numba's workqueue pool must not be entered from two
    Python threads at once, so solves outside the main thread stay on one thread."""
    return threading.current_thread() is threading.main_thread()


class BlockStructure:
    """The layout of a :class:`.cascaded.BlockLiouvillian` for compiled kernels: block sizes
    and offsets, the basis states of every block and their state of the new factor (``sub``),
    K = −i H and the jump blocks as stacked CSR (float64 where real; K's rows sorted, split at
    the diagonal by ``h_mid``), whether the sweeps split R ℒ E exactly and the sweep order of
    the blocks. Shared by :class:`HermitianKernels` and the real route
    (:class:`._real_kernels.SymmetricKernels`)."""

    dinv: np.ndarray  # the pivots 1/diag(R ℒ E), set by each route in its own precision

    def __init__(self, op: BlockLiouvillian, d: int) -> None:
        lay = op.lay
        self.d = d
        self.sizes = lay.sizes.astype(np.int64)
        self.offsets = lay.offsets.astype(np.int64)
        self.bstart = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        self.glob = np.concatenate(lay.index).astype(np.int64)
        self.sub = (self.glob % d).astype(np.int64)
        self.block = lay.block.astype(np.int64)
        self.local = lay.local.astype(np.int64)
        self.h = (*_stack([-1j * h for h in op.h]), self.bstart[:-1].copy())  # K = −i H
        # row r of K: its columns < r from h_ptr[r], the others from h_mid[r] (sorted columns)
        h_ptr, h_idx = self.h[0], self.h[1]
        row = np.arange(self.glob.size) - np.repeat(self.bstart[:-1], self.sizes)
        before = h_idx < np.repeat(row, np.diff(h_ptr))
        cum = np.concatenate([[0], np.cumsum(before)])
        self.h_mid = (h_ptr[:-1] + cum[h_ptr[1:]] - cum[h_ptr[:-1]]).astype(np.int64)
        order = sorted(range(len(op.jumps)), key=lambda q: op.jumps[q][0])
        jumps = [op.jumps[q] for q in order]
        counts = np.bincount([t for t, *_ in jumps], minlength=self.sizes.size)
        jl_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        j_src = np.array([s for _, s, *_ in jumps], dtype=np.int64)
        blocks = [c for _, _, c, _ in jumps]
        j_row0 = np.concatenate([[0], np.cumsum([c.shape[0] for c in blocks])])[:-1]
        self.c = (jl_ptr, j_src, j_row0.astype(np.int64), *_stack(blocks))
        self.big = int(self.sizes.max())
        zsize = np.zeros(self.sizes.size, dtype=np.int64)
        for t, src, *_ in jumps:
            zsize[t] += self.sizes[t] * self.sizes[src]
        self.zsize = int(zsize.max(initial=0))  # X C† of one block
        self.exact_split = self._splits_exactly(jumps)
        self.natural = np.arange(self.sizes.size, dtype=np.int64)
        self.order, self.cut = self._chains(jumps)
        self.rank = np.argsort(self.order).astype(np.int64)

    def _layout(self) -> tuple:
        """The index arrays of the sweeps with the pivots ``dinv`` each route sets."""
        return (self.glob, self.bstart, self.block, self.local, self.dinv, self.sub)

    def _splits_exactly(self, jumps: list) -> bool:
        """Whether a sweep from zero solves a triangular part of R ℒ E exactly.

        A sweep reads the jump terms C X_src C† from a product X_src C† formed at the start of
        the target block, and the H X terms of a row at the start of the row. That is exact if
        nothing those products read changes meanwhile: no jump stays within a block, the base
        entry of a diagonal-type unknown lies in another block than the unknown (so the H X
        of a block reads only base entries that do not change while the block is swept), and
        jumps carry base entries (state 0 of the new factor on both sides) only into base
        entries (so the base entries a block's sweep changes in a source block do not matter).
        True for the dual-rail cascade (a qubit's excitation carries charge, jumps lower it).
        """
        if any(t == s for t, s, *_ in jumps):
            return False
        raised = self.sub > 0
        g = self.glob[raised]
        if np.any(self.block[g - self.sub[raised]] == self.block[g]):
            return False
        for t, s, c, _ in jumps:
            rows = np.repeat(np.arange(c.shape[0]), np.diff(c.indptr))
            from_base = self.sub[self.bstart[s] + c.indices] == 0
            if np.any(self.sub[self.bstart[t] + rows[from_base]] != 0):
                return False
        return True

    def _chains(self, jumps: list) -> tuple[np.ndarray, np.ndarray]:
        """Sweep order of the blocks for the exact sweeps: two chains for two threads, then the
        rest, and the ends of the chains.

        If every coupling between blocks (jumps, base entries) joins neighbours b, b ± 1 (a
        charge that every jump and the new factor's excitation shift by ±1), the blocks before
        a middle block c (ascending) and after it (descending) never touch each other: two
        chains, swept at once, then c. c balances the two threads. Otherwise: the storage
        order, no chains. The order is the same for any thread count (and costs no products:
        three pairs, 6 → 7 photons, last stage 41 → 40).
        """
        nb = self.sizes.size
        nat = self.natural
        raised = self.sub > 0
        g = self.glob[raised]
        far = bool(np.any(np.abs(self.block[g] - self.block[g - self.sub[raised]]) != 1))
        far = far or any(abs(t - s) != 1 for t, s, *_ in jumps)
        if not self.exact_split or nb < 3 or far:
            return nat, np.array([0, 0], dtype=np.int64)
        work = self.sizes.astype(float) ** 2
        cum = np.concatenate([[0.0], np.cumsum(work)])
        wall = [max(cum[c], cum[-1] - cum[c + 1]) + work[c] for c in range(nb)]
        c = int(np.argmin(wall))
        order = np.concatenate([nat[:c], nat[c + 1 :][::-1], [c]]).astype(np.int64)
        return order, np.array([c, nb - 1], dtype=np.int64)


class HermitianKernels(BlockStructure):
    """The arrays of a :class:`.cascaded.BlockLiouvillian` laid out for the kernels above, and
    the operations the Krylov stages need: ℒ on packed Hermitian operators, the symmetric
    Gauss–Seidel preconditioner (a forward then a backward sweep from zero) and, when the sweeps
    split R ℒ E exactly (:attr:`exact_split`), Eisenstat's form of it."""

    def __init__(self, op: BlockLiouvillian, d: int) -> None:
        super().__init__(op, d)
        self.diag = op.diag
        self.work = np.zeros(op.lay.size, dtype=complex)  # X as complex blocks
        dg = op.diag + op.jump_diag
        dg[np.abs(dg) < 1e-12] = 1.0
        self.dinv = np.reciprocal(dg).astype(np.complex64)  # a preconditioner: 8 bytes do
        del dg
        big = self.big
        self.row = np.zeros(big, dtype=complex)
        self.k = np.zeros(big * big + big, dtype=complex)  # −i H X of one block, and a row
        self.z = np.zeros(self.big, dtype=complex)  # a row of C X_src
        self.ys = np.zeros((2, big), dtype=complex)  # row scratch of the two threads
        self.zs = np.zeros((2, self.z.size), dtype=complex) if self.exact_split else self.z[None]

    def _args(self) -> tuple:
        h_ptr, h_idx, h_val, h_row0 = self.h
        head = (self.sizes, self.offsets, self.diag, h_ptr, h_idx, h_val, h_row0)
        return (*head, *self.c, self.h_mid)

    def apply(self, r: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = pack(ℒX), X the packed Hermitian operator ``r``."""
        unpack(r, self.work, self.sizes, self.offsets)
        hermitian_apply(self.work, out, self.k, self.z, self._args())
        return out

    def sweeps(self, v: np.ndarray, r: np.ndarray) -> np.ndarray:
        """r = M⁻¹v (packed) for the symmetric Gauss–Seidel M of R ℒ E: a forward and a
        backward sweep from zero (``v`` packed on the same layout)."""
        self.work[:] = 0.0
        lay = self._layout()
        nat = (self.natural, self.natural)
        gauss_seidel(self.work, v, self.row, self.z, False, False, *nat, lay, self._args())
        gauss_seidel(self.work, v, self.row, self.z, True, False, *nat, lay, self._args())
        pack(self.work, r, self.sizes, self.offsets)
        return r

    def _solve(self, v: np.ndarray, backward: bool) -> None:
        """work = (D + L)⁻¹V (forward) or (D + U)⁻¹V (backward), embedded by E; needs
        :attr:`exact_split`. Two threads from the main thread, else one (same result: the
        chains do not touch, so sweeping them one after the other changes nothing)."""
        self.work[:] = 0.0
        lay, ops, order, rank = self._layout(), self._args(), self.order, self.rank
        if _main_thread():
            exact_sweep(self.work, v, self.ys, self.zs, backward, order, rank, self.cut, lay, ops)
        else:  # numba's workqueue pool must not be entered from two threads at once
            y, z = self.ys[0], self.zs[0]
            gauss_seidel(self.work, v, y, z, backward, True, order, rank, lay, ops)

    def lower(self, v: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = D (D + L)⁻¹ v, packed (the right side of the split system, :meth:`split_apply`)."""
        self._solve(v, False)
        scaled_pack(self.work, out, False, self._layout(), self.sizes, self.offsets)
        return out

    def upper(self, v: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = (D + U)⁻¹ v, packed (the solution of the split system back)."""
        self._solve(v, True)
        pack(self.work, out, self.sizes, self.offsets)
        return out

    def split_apply(self, w: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out = D (D + L)⁻¹ A (D + U)⁻¹ w with Eisenstat's trick (packed; ``w`` is overwritten).

        A = R ℒ E = (D + L) + (D + U) − (2D − Dg) (D the pivots 1/``dinv``, Dg A's diagonal), so
        with t = (D + U)⁻¹ w: (D + L)⁻¹ A t = t + (D + L)⁻¹(w − (2D − Dg) t): a backward and a
        forward solve instead of the two sweeps and the ℒ-product of the preconditioned product
        A M⁻¹ (M = (D + L) D⁻¹ (D + U), the symmetric Gauss–Seidel; the split operator is
        similar to A M⁻¹, so the Krylov solver sees the same spectrum).
        """
        lay = self._layout()
        self._solve(w, True)
        eisenstat_middle(self.work, out, w, lay, self.sizes, self.offsets, self.diag)
        self._solve(w, False)
        scaled_pack(self.work, out, True, lay, self.sizes, self.offsets)
        return out


def _stack(mats: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pointers, column indices and values of CSR matrices stacked on top of each other
    (values float64 if all are real), without the real or imaginary parts of at most
    :data:`RESIDUE` times the largest entry."""
    if not mats:
        return np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, complex)
    mats = [m if m.has_sorted_indices else m.sorted_indices() for m in mats]  # no copy
    nnz = np.cumsum([0] + [m.nnz for m in mats])
    ptr = np.concatenate(
        [mats[0].indptr[:1]] + [m.indptr[1:] + nnz[q] for q, m in enumerate(mats)]
    ).astype(np.int64)
    idx = np.concatenate([m.indices for m in mats]).astype(np.int32)
    val = np.concatenate([m.data for m in mats]).astype(complex)
    # rounding residue: a cascade's H_eff holds the upstream halves of (i/2)K_xy(o_x†o_y − h.c.)
    # and −(i/2)L†L, which cancel exactly in theory and to ~1e-16 in floating point (46 % of
    # K's stored entries at three pairs, β = 10)
    cut = RESIDUE * np.max(np.abs(val), initial=0.0)
    val.real[np.abs(val.real) <= cut] = 0.0
    val.imag[np.abs(val.imag) <= cut] = 0.0
    keep = val != 0
    if not keep.all():
        rows = np.repeat(np.arange(ptr.size - 1), np.diff(ptr))
        counts = np.bincount(rows[keep], minlength=ptr.size - 1)
        ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        idx, val = idx[keep], val[keep]
    if not np.any(val.imag):
        val = val.real.copy()
    return ptr, idx, val

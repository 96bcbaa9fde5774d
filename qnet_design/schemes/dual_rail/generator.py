"""ℒ of the truncated dual-rail network (paper 000, Eq. 11) on the real parameters of its
Hermitian charge blocks (:meth:`.Blocks.pack`): the generator of the finite-bandwidth dynamics
(:mod:`.dynamics`), assembled entry by entry by a compiled kernel, and the partial trace over
the source on the same parameters."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from numba import njit

from ...solvers._halves import MIN_SPLIT, _both
from ...solvers.cascaded import Blocks, LindbladModel

#: Entries of the real generator below this fraction of the largest of their row are rounding
#: residue (and H_eff's entries below this fraction of its largest).
ROUNDING_CUT = 1e-13


@njit(cache=True, inline="always")
def _slot(up, low, keys, acc, used, count):
    """Slot of the pair of entries up = (a, b), low = (b, a), a ≤ b, in the row's hash table
    (open addressing, linear probing, keyed by up); a new pair gets zero sums and its slot is
    appended to used[:count]. Returns (slot, count)."""
    mask = keys.shape[0] - 1
    h = (up * 2654435761) & mask
    while True:
        k = keys[h, 0]
        if k == up:
            return h, count
        if k < 0:
            keys[h, 0] = up
            keys[h, 1] = low
            acc[h, :] = 0.0
            used[count] = h
            return h, count + 1
        h = (h + 1) & mask


@njit(cache=True, inline="always")
def _add(zr, zi, a, b, lay, keys, acc, used, count):
    """z X_ab on the real parameters of the pair {a, b}: X_ab = r_up + i r_low for a < b,
    r_up − i r_low for a > b (up/low: the entry of the pair above/below the diagonal), r_aa
    for a = b (:meth:`.Blocks.unpack`). Re z X_ab into acc[h, 0:2], Im into acc[h, 2:4]
    (columns up, low)."""
    block, local, sizes, offsets = lay
    s = block[a]
    if block[b] != s:  # outside the charge blocks (rounding residue of a charge-mixing term)
        return count
    la, lb, n, o = local[a], local[b], sizes[s], offsets[s]
    lo, hi = min(la, lb), max(la, lb)
    h, count = _slot(o + lo * n + hi, o + hi * n + lo, keys, acc, used, count)
    sign = 1.0 if la < lb else -1.0  # 0 on the diagonal: r_low is r_up there
    if la == lb:
        sign = 0.0
    acc[h, 0] += zr
    acc[h, 1] -= sign * zi
    acc[h, 2] += zi
    acc[h, 3] += sign * zr
    return count


@njit(cache=True, inline="always")
def _gather(i, j, heff, jumps, lay, keys, acc, used):
    """Row (i, j) of ℒ on the real parameters into the hash table (:func:`_slot`): the slots
    of the pairs of columns it touches (used[:count]), Re and Im of (ℒX)_ij per column.
    Returns count.

    (ℒX)_ij = −i Σ_a H_ia X_aj + i Σ_b X_ib H̄_jb + Σ_k Σ_ab C_k,ia X_ab C̄_k,jb (H = H_eff);
    jumps of one sparsity pattern are one group, Σ_k C_k,ia C̄_k,jb summed per (a, b)."""
    h_ptr, h_idx, h_val = heff
    c_ptr, c_idx, c_val, width, dim = jumps
    count = 0
    for p in range(h_ptr[i], h_ptr[i + 1]):  # −i H_ia X_aj
        h = h_val[p]
        count = _add(h.imag, -h.real, h_idx[p], j, lay, keys, acc, used, count)
    for p in range(h_ptr[j], h_ptr[j + 1]):  # i H̄_jb X_ib
        h = h_val[p]
        count = _add(h.imag, h.real, i, h_idx[p], lay, keys, acc, used, count)
    for g in range(width.size):
        ri, rj = g * dim + i, g * dim + j
        for p in range(c_ptr[ri], c_ptr[ri + 1]):
            for q in range(c_ptr[rj], c_ptr[rj + 1]):
                z = 0j
                for k in range(width[g]):
                    z += c_val[p, k] * np.conj(c_val[q, k])
                count = _add(z.real, z.imag, c_idx[p], c_idx[q], lay, keys, acc, used, count)
    return count


@njit(cache=True, nogil=True)
def _assemble(glob, bstart, heff, jumps, lay, slots, cut, indptr, indices, data, fill, part, parts):
    """Both passes of :func:`_real_generator`: the length of every row into indptr[1:], or
    (``fill``) the rows themselves from indptr (columns in the order the terms reach them).

    Row (i, j), i ≤ j, of the complex ℒ gives the real rows of both its parameters: Re into
    r_ij's row and, above the diagonal, Im into r_ji's (pack: r_ji = Im X_ij). An entry is
    kept if it is nonzero and at least ``cut`` times the largest of its row: sums of terms
    that cancel in exact arithmetic are left at ≤ 1.8e-15 by rounding, against ≥ 0.61 for
    every physical entry (three twpa pairs, 4 photons: 0.87·10⁶ such entries besides the
    3.29·10⁶ kept), and the memory-bound products should read only ℒ's own entries.

    ``slots``: a power of two above twice the most column pairs a row touches, so that the
    hash table stays in the L1 cache (a dense accumulator over all columns took 2× as long:
    a cache miss per term). Only the rows (t, li) whose running number is ``part`` modulo
    ``parts``: the parts write disjoint rows, each row the same whichever part computes it."""
    sizes, offsets = lay[2], lay[3]
    keys = np.full((slots, 2), -1, dtype=np.int64)
    acc = np.zeros((slots, 4))
    used = np.empty(slots, dtype=np.int64)
    item = -1
    for t in range(sizes.size):
        n, o = sizes[t], offsets[t]
        for li in range(n):
            item += 1
            if item % parts != part:
                continue
            i = glob[bstart[t] + li]
            for lj in range(li, n):
                j = glob[bstart[t] + lj]
                up, low = o + li * n + lj, o + lj * n + li
                count = _gather(i, j, heff, jumps, lay, keys, acc, used)
                big_re, big_im = 0.0, 0.0
                for q in range(count):
                    h = used[q]
                    big_re = max(big_re, abs(acc[h, 0]), abs(acc[h, 1]))
                    big_im = max(big_im, abs(acc[h, 2]), abs(acc[h, 3]))
                cut_re, cut_im = cut * big_re, cut * big_im
                a, b = (indptr[up], indptr[low]) if fill else (0, 0)
                for q in range(count):
                    h = used[q]
                    for e in range(2 if keys[h, 1] != keys[h, 0] else 1):
                        v = acc[h, e]
                        if v != 0.0 and abs(v) >= cut_re:
                            if fill:
                                indices[a] = keys[h, e]
                                data[a] = v
                            a += 1
                        v = acc[h, 2 + e]
                        if li < lj and v != 0.0 and abs(v) >= cut_im:
                            if fill:
                                indices[b] = keys[h, e]
                                data[b] = v
                            b += 1
                    keys[h, 0] = -1  # empty the table for the next row
                if not fill:
                    indptr[up + 1] = a
                    if li < lj:
                        indptr[low + 1] = b


def _jump_groups(jumps: tuple[sp.csr_matrix, ...], dim: int) -> tuple:
    """The jump operators as groups of one sparsity pattern each (the cascaded rails' jumps
    share one: three twpa pairs, 5 photons, 52 of 79 terms per row of ℒ become 17), stacked:
    row pointers and columns of group g's rows at g·dim …, values (entry, jump in group)."""
    groups: dict[tuple[bytes, bytes], list[sp.csr_matrix]] = {}
    for c in jumps:
        c = sp.csr_matrix(c, dtype=complex, copy=True)
        c.eliminate_zeros()  # explicit zeros, e.g. of kron's dense blocks
        c.sort_indices()
        groups.setdefault((c.indptr.tobytes(), c.indices.tobytes()), []).append(c)
    mats = list(groups.values())
    width = np.array([len(m) for m in mats], dtype=np.int64)
    ptr = np.zeros(width.size * dim + 1, dtype=np.int64)
    idx, val = [], []
    for g, m in enumerate(mats):
        ptr[g * dim + 1 : (g + 1) * dim + 1] = m[0].indptr[1:] + ptr[g * dim]
        idx.append(m[0].indices)
        v = np.zeros((m[0].nnz, int(width.max(initial=1))), dtype=complex)
        for k, c in enumerate(m):
            v[:, k] = c.data
        val.append(v)
    cols = np.concatenate(idx).astype(np.int64) if idx else np.zeros(0, dtype=np.int64)
    vals = np.concatenate(val) if val else np.zeros((0, 1), dtype=complex)
    return ptr, cols, vals, width, dim


def _halved(run: Callable[[int, int], object], lay: Blocks) -> None:
    """run(0, 2) and run(1, 2) on two threads (the compiled kernel releases the GIL; plain
    Python threads as in :mod:`.solvers._halves`, so any thread may assemble), or run(0, 1)
    for small generators (the hand-off costs ~50 µs)."""
    if lay.size < MIN_SPLIT:
        run(0, 1)
    else:
        _both(lambda: run(0, 2), lambda: run(1, 2))


def _real_generator(full: LindbladModel, lay: Blocks) -> sp.csr_matrix:
    """ℒ of ``full`` on the real parameters of a Hermitian block operator: pack ∘ ℒ ∘ unpack.

    ℒ maps Hermitian operators to Hermitian ones, so this real matrix is exact; it has about
    as many nonzeros as ℒ, and the Krylov basis of the propagation is real: a product takes
    0.7× and the Gram–Schmidt a quarter of the complex flops (three pairs, 3 photons, 4/γ:
    3.2 → 1.1 CPU-s, same states to 5e-13).

    Assembled directly (:func:`_assemble`, two passes: the length of every row, then the
    rows): row (i, j), i ≤ j, of ℒ sums H_eff's and every jump's terms per pair of columns in
    a small hash table and gives the real rows of r_ij and r_ji at once; no complex ℒ, no
    sparse products. Three twpa pairs at 4 and 5 photons (3.3·10⁶ and 5.9·10⁶ nonzeros):
    2.3 → 0.6 CPU-s for both (``_Network``, loaded machine, in one run), peak 52 → 25 bytes
    per nonzero, same nonzeros, entries within 1.4e-14 of the former pack · ℒ · unpack with
    scipy (largest 95).
    """
    heff = sp.csr_matrix(full.effective_hamiltonian(), dtype=complex, copy=True)  # cut below
    # H_eff's rounding residue (the cascade's cancelling halves, ≤ 2e-15; 35 % of its entries
    # at three pairs) and explicit zeros would only add terms
    heff.data[np.abs(heff.data) < ROUNDING_CUT * np.abs(heff.data).max(initial=0.0)] = 0.0
    heff.eliminate_zeros()
    h = (heff.indptr.astype(np.int64), heff.indices.astype(np.int64), heff.data)
    jumps = _jump_groups(full.jumps, full.dim)
    layout = (lay.block.astype(np.int64), lay.local, lay.sizes, lay.offsets.astype(np.int64))
    glob = np.concatenate(lay.index).astype(np.int64)
    bstart = np.concatenate([[0], np.cumsum(lay.sizes)]).astype(np.int64)
    # a row (i, j) touches at most as many pairs of columns as it has terms: H_eff's rows i
    # and j, each jump group's rows i × j
    most = 2 * int(np.diff(heff.indptr).max(initial=0)) + sum(
        int(np.diff(jumps[0][g * full.dim : (g + 1) * full.dim + 1]).max(initial=0)) ** 2
        for g in range(jumps[3].size)
    )
    args = (glob, bstart, h, jumps, layout, 1 << max(6, (2 * most).bit_length()), ROUNDING_CUT)
    none_i, none_v = np.zeros(0, dtype=np.int32), np.zeros(0)
    indptr = np.zeros(lay.size + 1, dtype=np.int64)
    _halved(lambda part, parts: _assemble(*args, indptr, none_i, none_v, False, part, parts), lay)
    np.cumsum(indptr, out=indptr)
    if indptr[-1] >= 2**31:
        raise ValueError("the real generator has 2**31 nonzeros or more")  # guarded before
    indices, data = np.empty(indptr[-1], dtype=np.int32), np.empty(indptr[-1])
    starts = indptr[:-1].copy()
    _halved(lambda part, parts: _assemble(*args, starts, indices, data, True, part, parts), lay)
    return sp.csr_matrix((data, indices, indptr), shape=(lay.size, lay.size))


def _source_trace(lay: Blocks, dq: int) -> sp.csr_matrix:
    """Tr_source ∘ unpack as one sparse matrix: the qubits' state (dq × dq, row-major) from the
    real parameters of a Hermitian block operator whose last factor(s) have dimension ``dq``.

    Entry (s a, s b) of the blocks adds X_(sa)(sb) to (a, b), with X from the parameters as in
    :meth:`.Blocks.unpack`: r_f + i r_g above the diagonal (g the transposed entry),
    r_g − i r_f below it, r_f on it."""
    rows, cols = lay.rows.astype(np.int64), lay.cols.astype(np.int64)
    f = np.nonzero(rows // dq == cols // dq)[0]
    a, b = rows[f] % dq, cols[f] % dq
    g = lay.positions(cols[f], rows[f])
    up, low = a < b, a > b
    tgt = a * dq + b
    one = np.where(low, g, f)  # the real part
    imag = np.where(up, g, f)[a != b]  # the imaginary part, +1 above and −1 below
    sign = np.where(up, 1j, -1j)[a != b]
    return sp.csr_matrix(
        (
            np.concatenate([np.ones(f.size, dtype=complex), sign]),
            (np.concatenate([tgt, tgt[a != b]]), np.concatenate([one, imag])),
        ),
        shape=(dq * dq, lay.size),
    )

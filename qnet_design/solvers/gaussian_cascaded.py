"""Steady covariance of a cascaded linear bosonic network, block by block (O(B²) small solves).

Conventions and the dense solver are in :mod:`.gaussian`; this module only exploits a drift
that is block lower-bidiagonal in cascade order (cv_routing's chains).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ParameterError, UnstableError

__all__ = ["steady_covariance_cascaded"]


def steady_covariance_cascaded(
    a: np.ndarray,
    d: np.ndarray,
    blocks: Sequence[Sequence[int | None]],
    *,
    hint: str | None = None,
) -> np.ndarray:
    """Steady state for a *cascaded* drift: block lower-bidiagonal after grouping modes.

    Group the modes into equally sized ``blocks`` (lists of mode indices, in cascade order;
    ``None`` pads a short block with a decoupled dummy mode). If, in that order, A couples each
    block only to itself and to the previous block (``A_{b,c} = 0`` unless ``c ∈ {b−1, b}``), the
    Lyapunov equation is solved blockwise by
    ``A_bb V_bc + V_bc A_ccᵀ = −D_bc − A_{b,b−1} V_{b−1,c} − V_{b,c−1} A_{c,c−1}ᵀ``,
    all blocks of one anti-diagonal b + c at once (vectorised small Sylvester solves). Cost
    O(B²) small solves for B blocks instead of a dense O(n³) solve. D may be any symmetric matrix.

    ``a`` and ``d`` may carry leading batch dimensions ``(..., 2n, 2n)`` (many systems with the
    same structure, e.g. a parameter grid); they are solved together and V has the same shape.

    Stability is checked on the diagonal blocks (their eigenvalues are those of A).

    Raises
    ------
    ParameterError
        If ``blocks`` is not a partition of the modes or A is not cascaded in that order.
    UnstableError
        If a diagonal block has an eigenvalue with Re λ ≥ 0 (in any batch member).
    """
    a = np.asarray(a, dtype=float)
    d = np.asarray(d, dtype=float)
    if a.shape != d.shape or a.shape[-1] != a.shape[-2] or a.shape[-1] % 2:
        raise ParameterError(f"`a` and `d` must be (..., 2n, 2n) of equal shape, got {a.shape}")
    batch = a.shape[:-2]
    n = a.shape[-1] // 2
    a = a.reshape(-1, 2 * n, 2 * n)
    d = d.reshape(-1, 2 * n, 2 * n)
    g = a.shape[0]
    sizes = {len(b) for b in blocks}
    if len(sizes) != 1:
        raise ParameterError(f"`blocks` must all have the same length, got sizes {sorted(sizes)}")
    bm = sizes.pop()
    flat = [m for b in blocks for m in b if m is not None]
    if sorted(flat) != list(range(n)):
        raise ParameterError(f"`blocks` must partition the modes 0..{n - 1} exactly once")
    nb = len(blocks)
    q = 2 * bm  # quadratures per block
    size = nb * q
    # permuted, padded system: dummy modes decay at rate 1 to the vacuum (decoupled)
    perm = np.full(size, -1, dtype=int)
    for b, block in enumerate(blocks):
        for k, m in enumerate(block):
            if m is not None:
                perm[b * q + 2 * k] = 2 * m
                perm[b * q + 2 * k + 1] = 2 * m + 1
    real = perm >= 0
    ri = np.flatnonzero(real)
    src = perm[real]
    ap = np.zeros((g, size, size))
    dp = np.zeros((g, size, size))
    identity = np.array_equal(src, np.arange(2 * n)) and np.array_equal(ri, np.arange(2 * n))
    if identity:  # modes already in cascade order, padding (if any) at the end: plain slices
        ap[:, : 2 * n, : 2 * n] = a
        dp[:, : 2 * n, : 2 * n] = d
    else:
        ap[:, ri[:, None], ri[None, :]] = a[:, src[:, None], src[None, :]]
        dp[:, ri[:, None], ri[None, :]] = d[:, src[:, None], src[None, :]]
    dummy = np.flatnonzero(~real)
    ap[:, dummy, dummy] = -0.5
    dp[:, dummy, dummy] = 0.5
    ab = ap.reshape(g, nb, q, nb, q).transpose(0, 1, 3, 2, 4)  # ab[:, b, c] = block (b, c)
    db = dp.reshape(g, nb, q, nb, q).transpose(0, 1, 3, 2, 4)
    mask = np.zeros((nb, nb), dtype=bool)
    idx = np.arange(nb)
    mask[idx, idx] = True
    mask[idx[1:], idx[:-1]] = True
    off = np.abs(ab[:, ~mask]).max() if (~mask).any() else 0.0
    # exact cancellations (e.g. J − Γ/4 in a matched nonreciprocal edge) leave rounding residue
    if off > 1e-12 * max(1.0, float(np.abs(ap).max())):
        raise ParameterError(
            "`a` is not cascaded in the given block order: it couples non-adjacent blocks or a "
            f"block to a later one (largest such entry {off:.3g})"
        )
    diag = ab[:, idx, idx]  # (g, nb, q, q)
    lam = float(np.linalg.eigvals(diag).real.max())
    if not lam < 0:
        by = f", made unstable by {hint}" if hint else ""
        raise UnstableError(
            f"the linear network has no steady state: max Re eig(A) = {lam:.6g} >= 0{by}"
        )
    sub = np.zeros((g, nb, q, q))
    sub[:, 1:] = ab[:, idx[1:], idx[:-1]]  # A_{b, b-1}
    eye = np.eye(q)
    # Sylvester operators vec(A_bb X + X A_ccᵀ) = (A_bb ⊗ 𝟙 + 𝟙 ⊗ A_cc) vec(X) (row-major vec).
    # Uniform chains have few distinct diagonal blocks: then invert each distinct operator once.
    uniq, labels = np.unique(diag.reshape(g * nb, q * q), axis=0, return_inverse=True)
    table = None
    if uniq.shape[0] <= 16:
        ud = uniq.reshape(-1, q, q)
        kl = np.einsum("uij,kl->uikjl", ud, eye).reshape(-1, q * q, q * q)
        kr = np.einsum("ij,ukl->uikjl", eye, ud).reshape(-1, q * q, q * q)
        table = np.linalg.inv(kl[:, None] + kr[None, :])
        labels = labels.reshape(g, nb)
    else:
        kron_left = np.einsum("gbij,kl->gbikjl", diag, eye).reshape(g, nb, q * q, q * q)
        kron_right = np.einsum("ij,gckl->gcikjl", eye, diag).reshape(g, nb, q * q, q * q)
    vb = np.zeros((g, nb, nb, q, q))  # lower triangle (b >= c) filled, upper mirrored
    for s in range(2 * nb - 1):
        bs = np.arange(max(0, s - (nb - 1)), min(s, nb - 1) + 1)
        bs = bs[bs >= s - bs]
        cs = s - bs
        rhs = -db[:, bs, cs]
        pb = bs >= 1
        if pb.any():
            # V_{b-1, c} (upper-triangle entries were mirrored when written)
            rhs[:, pb] -= sub[:, bs[pb]] @ vb[:, bs[pb] - 1, cs[pb]]
        pc = cs >= 1
        if pc.any():
            rhs[:, pc] -= vb[:, bs[pc], cs[pc] - 1] @ np.swapaxes(sub[:, cs[pc]], -1, -2)
        if table is not None:
            sol = (table[labels[:, bs], labels[:, cs]] @ rhs.reshape(g, -1, q * q, 1)).reshape(
                g, -1, q, q
            )
        else:
            ops = kron_left[:, bs] + kron_right[:, cs]
            sol = np.linalg.solve(ops, rhs.reshape(g, -1, q * q, 1)).reshape(g, -1, q, q)
        vb[:, bs, cs] = sol
        vb[:, cs, bs] = np.swapaxes(sol, -1, -2)
    vp = vb.transpose(0, 1, 3, 2, 4).reshape(g, size, size)
    if identity:
        v = vp[:, : 2 * n, : 2 * n]
    else:
        v = np.empty((g, 2 * n, 2 * n))
        v[:, src[:, None], src[None, :]] = vp[:, ri[:, None], ri[None, :]]
    v = 0.5 * (v + np.swapaxes(v, -1, -2))
    return v.reshape(*batch, 2 * n, 2 * n)

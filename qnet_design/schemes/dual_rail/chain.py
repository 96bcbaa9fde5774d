"""The dual-rail cascade as a chain of sites for the MPDO solver (issue 19) — experimental.

Sites in cascade order: the NDPA source (both modes, Bogoliubov frame, total-photon truncation
as in :func:`.operators._source_ops`), then A₁, B₁, A₂, B₂, …. Channels are the rails "A" and
"B" with amplitudes √κ_A, √κ_B for the source and 1 for the qubits (units of γ), so
K_xy = a_x a_y √(1−p)^{|n_x−n_y|} reproduces Eq. 11 of paper 000 (Agustí et al., PRL 131,
250801 (2023)) with the node loss of :mod:`.operators` (the source sits at node 1).

Status: :func:`_chain_concurrences_mpdo` is NOT verified deep in the chain (see the issue-19
note); nothing public calls it.
"""

from __future__ import annotations

import math

import numpy as np

from ...metrics import concurrence
from ...solvers.cascaded import steady_state_direct
from ...solvers.mpdo import CascadedSite, MPDOState, steady_state_mpdo, two_site_marginal
from .model import DualRail
from .operators import _prefix_model, _source_ops

_SM = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)
_SZ = np.diag([-1.0, 1.0]).astype(complex)


def _chain_sites(model: DualRail, pairs: int, photons: int) -> list[CascadedSite]:
    """Source and the qubits of the first ``pairs`` pairs as cascaded sites (finite β only)."""
    if model.broadband:
        raise ValueError("the MPDO chain needs a finite source bandwidth (beta)")
    a, b = (np.asarray(op.toarray()) for op in _source_ops(model, photons))
    assert model.g is not None and model.kappa_a is not None and model.kappa_b is not None
    pair = a.conj().T @ b.conj().T
    h_src = 1j * model.g * (pair - pair.conj().T)
    rails = {"A": (a, math.sqrt(model.kappa_a), 1.0), "B": (b, math.sqrt(model.kappa_b), 1.0)}
    sites = [CascadedSite(h_src, (), rails)]
    tau = math.sqrt(1.0 - model.p_loss)
    jumps = []
    if model.gamma_loss > 0:
        jumps.append(math.sqrt(model.gamma_loss) * _SM)
    if model.gamma_phi > 0:
        jumps.append(math.sqrt(model.gamma_phi / 2) * _SZ)
    for i in range(pairs):
        for rail, delta in (("A", model.delta_a[i]), ("B", model.delta_b[i])):  # type: ignore[index]
            # transmission: no loss from the source to node 1, √(1−p) per node after that
            trans = 1.0 if i == 0 else tau
            sites.append(CascadedSite(0.5 * delta * _SZ, tuple(jumps), {rail: (_SM, 1.0, trans)}))
    return sites


def _chain_concurrences_mpdo(
    model: DualRail, pairs: int, *, photons: int, bond: int, sweeps: int = 1
) -> tuple[tuple[float, ...], MPDOState]:
    """C_kk, k = 1 … ``pairs``, from the MPDO steady state (experimental, see module doc)."""
    sites = _chain_sites(model, pairs, photons)
    head = steady_state_direct(_prefix_model(model, 0, photons))
    state = steady_state_mpdo(sites, "AB", head, bond=bond, sweeps=sweeps)
    ckk = tuple(concurrence(two_site_marginal(state, 1 + 2 * k)) for k in range(pairs))
    return ckk, state

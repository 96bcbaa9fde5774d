r"""Effective spin model of the Jaynes–Cummings arrays of paper 004 (cavities eliminated).

Zippilli, Paternostro, Adesso, Illuminati, PRL 110, 040503 (2013), p. 4: "for weak couplings g_j
[...] we can adiabatically eliminate the cavity fields to find a closed equation for the atoms.
The resulting spin model exhibits nontrivial long-range interactions and collective decay of the
spins" (details in the paper's Supplement, which we do not have). This module derives that model
independently, at second order in g (Born–Markov), with the two cavity arrays as a Gaussian bath.
It is used by :func:`~qnet_design.schemes.cv_replication.atom_array_steady_state` with
``method="effective"`` (and ``"auto"`` for N ≥ 2); Fig. 3(b) uses it at N = 3, g = 0.01Γ.

Conventions (as in :mod:`.spins`): Γ, κ_j are *amplitude* rates (the paper's 2LρL† − {L†L, ρ}
form), ħ = 1, all rates in units of one reference rate; atoms resonant with the cavities (the
paper has no detuning), everything in the frame rotating at that frequency. Qubit basis
{0 = |1⟩ ground, 1 = |2⟩ excited}, σ = ``qutip.destroy(2)``, tensor order 1, ..., 2N.

Derivation
----------
1. *Bath.* Without atoms the cavities are linear (:mod:`.oscillators`): with
   v = (a_1, ..., a_2N, a_1†, ..., a_2N†) the means obey d⟨v⟩/dt = 𝕄⟨v⟩,
   𝕄 = diag(M_a, M_a*), M_a = −i h − diag(Γδ_{j,1} + Γδ_{j,N+1} + κ_j) (h: hopping matrix of
   both arrays; the anomalous m̄ terms of L_S do not enter the means). The steady second moments
   G_kl = ⟨v_k v_l⟩ = [T (V + iΩ/2) Tᵀ]_kl follow from the Lyapunov covariance V of the Gaussian
   engine (vacuum V = 𝟙/2; T maps (x_k, p_k) to a_k = (x_k + i p_k)/√2 and a_k†).
2. *Interaction.* H_cs = Σ_α S_α B_α with S = (σ_1†, ..., σ_2N†, σ_1, ..., σ_2N) and
   B = (g a_1, ..., g a_2N, g a_1†, ..., g a_2N†) (g_j for sites j and N+j); the list is closed
   under †: S_α† = S_ᾱ, B_α† = B_ᾱ with ᾱ = α ± 2N. The atomic operators are time independent
   in the interaction picture (resonance), so no secular approximation is needed.
3. *Born–Markov* (second order in g, bath correlation time τ_c ≪ atomic time scales):
   ρ̇ = X + X†, X = Σ_αβ Γ_αβ (S_β ρ S_α − S_α S_β ρ), with the one-sided integrals
   Γ_αβ = ∫₀^∞ ⟨B_α(τ) B_β(0)⟩ dτ. By the quantum regression theorem
   ⟨v(τ) v_l(0)⟩ = e^{𝕄τ} G e_l, hence the closed form (no time integration)

       Γ = g (−𝕄)⁻¹ G g,     g = diag(g_1..g_N, g_1..g_N, g_1..g_N, g_1..g_N).

4. *GKS form.* With K_βα' = Γ_ᾱ'β the generator is

       ρ̇ = −i[H_LS, ρ] + Σ_βα' γ_βα' (S_β ρ S_α'† − ½{S_α'† S_β, ρ}),
       γ = K + K†,   η = (K − K†)/(2i),   H_LS = Σ_βα' η_βα' S_α'† S_β.

   γ_βα' = ∫_{−∞}^{∞} ⟨B_α'†(τ) B_β(0)⟩ dτ is the bath spectral matrix at the atomic
   frequency, positive semidefinite by Bochner's theorem: the code checks this (eigenvalues
   below −1e-10·max raise, smaller negative round-off is clipped to 0) and diagonalises
   γ = U diag(γ_k) U† into the collective jump operators L_k = √γ_k Σ_β U_βk S_β, which
   involve the atoms of all sites (dissipative long-range couplings; rank γ = 4 for lossless
   cavities: two driven inputs and their adjoints). H_LS holds XX-type couplings σ_i†σ_j within
   each array and pairing terms σ_iσ_k + H.c. between the arrays (for N = 3, λ = Γ: atoms 2–3
   and the pairs (2, N+3), (3, N+2), of size ~g²/λ, the pairing ones ∝ m̄). Paper:
   "long-range interactions and collective decay of the spins".

Checks of the derivation (tests): N = 1, λ = 0 reduces to the paper's L_S acting directly on
the atoms at rate g²/Γ with m̄ → −m̄ (the spin-chain sign of :mod:`.spins`), η = 0; in the
single-excitation sector with a vacuum drive −iH_LS − ½Σ L_k†L_k equals the amplitude-level
adiabatic elimination g²M_a⁻¹ (an independent derivation, which fixes the sign of H_LS); a
squeezed-vacuum drive gives exactly Eq. (1) (below); N = 1 agrees with the exact master equation
with an error ∝ g² (measured).

Eq. (1) is exact in the effective model: in the squeezed frame of the paper the bath is the
vacuum, only ⟨a a†⟩ survives, and every jump operator and H_LS are built from C_j, D_j and
their products C†C-type. The paper's |ψ⟩ obeys C_j|ψ⟩ = D_j|ψ⟩ = 0, so it is dark; the
second-order generator depends on the bath only through its two-point functions, so it
transforms covariantly and the same holds in the lab frame.

Validity
--------
All effective rates scale as g², so for a uniform g the effective steady state does not depend
on g: it is the g → 0 limit of the atoms' steady state; g enters only through the validity
estimate. The neglected terms are of relative order ε² = γ_max τ_c: the fastest effective
atomic rate γ_max (largest eigenvalue of γ, which scales as g² τ_c (2n̄+1)) times the bath
correlation time τ_c = 1/min_k |Re μ_k(M_a)| (the slowest cavity normal mode). For N = 1,
λ = 0, n̄ = 1 this is ε ≈ 2.45 g/Γ; measured against the exact master equation (N = 1, n̄ = 1,
m̄ = 1.39) the atoms' trace-distance error is ≈ 0.09 ε² at g = 0.01, 0.02, 0.04 (∝ g², as
expected). We warn (:class:`WeakCouplingWarning`) for ε > 0.1, i.e. a neglected order above
~1 %, which for N = 1, n̄ = 1 is g > 0.041Γ — the same order as the rule of thumb
g < 0.1·min(Γ, λ), but it also accounts for slow cavity normal modes (long arrays: τ_c = 4.65/Γ
for N = 3, λ = Γ, so ε = 0.075 at the paper's g = 0.01Γ and the warning starts at g ≈ 0.013Γ)
and for thermal enhancement (large n̄).

Symmetry used for the solve
---------------------------
The cavity dynamics conserves Q = (photons in array 1) − (photons in array 2) in the weak sense
(the superoperator conserves Q_ket − Q_bra; two-mode squeezing adds one photon to each array),
and so does the effective atomic generator (cross-array ⟨a†a⟩ and same-array ⟨aa⟩ vanish).
The steady state therefore lives in the sector Q_atoms(ket) = Q_atoms(bra), of dimension
C(4N, 2N) (924 for N = 3 instead of 4096), solved densely.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import qutip
import scipy.linalg

from ...errors import ConvergenceError, ParameterError, WeakCouplingWarning
from .oscillators import ReplicationArrays, covariance

__all__ = ["EffectiveSpinModel", "WeakCouplingWarning", "effective_spin_model"]

# Warn when the estimated neglected order ε² = γ_max τ_c exceeds 1 % (module docstring).
VALIDITY_THRESHOLD = 0.1
# Largest N solved: the Q-sector has C(4N, 2N) elements (924 for N = 3, 12870 for N = 4, too
# large for the dense solve).
MAX_SITES = 3
# Relative size of negative Kossakowski eigenvalues treated as round-off (clipped) rather than
# as a failure (raised): Γ comes from one Lyapunov solve and one linear solve, both ~1e-15.
_PSD_SLACK = 1e-10


@dataclass(frozen=True)
class EffectiveSpinModel:
    """Master equation of the 2N atoms with the cavity arrays eliminated (module docstring).

    ρ̇ = −i[H_LS, ρ] + Σ_βα' γ_βα' (S_β ρ S_α'† − ½{S_α'†S_β, ρ}),
    S = (σ_1†, ..., σ_2N†, σ_1, ..., σ_2N).

    Attributes
    ----------
    sites
        N.
    kossakowski
        γ, (4N, 4N) Hermitian, after clipping of round-off negative eigenvalues.
    lamb
        η, (4N, 4N) Hermitian: H_LS = Σ η_βα' S_α'† S_β.
    hamiltonian
        H_LS as a Qobj on the 2N qubits.
    jump_operators
        Collective jump operators L_k (the Lindblad form of γ).
    min_kossakowski_eigenvalue
        Smallest eigenvalue of γ before clipping (≥ −1e-10·max by construction).
    correlation_time
        τ_c = 1/(slowest damping rate of the cavity normal modes).
    small_parameter
        ε = √(γ_max τ_c); ε² estimates the relative size of the neglected order.
    """

    sites: int
    kossakowski: np.ndarray = field(repr=False)
    lamb: np.ndarray = field(repr=False)
    hamiltonian: qutip.Qobj = field(repr=False)
    jump_operators: tuple[qutip.Qobj, ...] = field(repr=False)
    min_kossakowski_eigenvalue: float
    correlation_time: float
    small_parameter: float

    @property
    def valid(self) -> bool:
        """Whether ε ≤ 0.1 (neglected order ≤ ~1 %)."""
        return self.small_parameter <= VALIDITY_THRESHOLD

    def liouvillian(self) -> qutip.Qobj:
        return qutip.liouvillian(self.hamiltonian, list(self.jump_operators))

    def to_frame(self) -> pd.DataFrame:
        """Kossakowski eigenvalues (collective decay rates) in decreasing order."""
        w = np.sort(np.linalg.eigvalsh(self.kossakowski))[::-1]
        return pd.DataFrame({"channel": np.arange(1, w.size + 1), "rate": w})

    def __str__(self) -> str:
        w = np.linalg.eigvalsh(self.kossakowski)
        return (
            f"effective spin model, N={self.sites}: {len(self.jump_operators)} collective "
            f"channels, rates {w.max():.3e}..{max(w.min(), 0.0):.1e}, "
            f"max |Lamb| {np.max(np.abs(self.lamb)):.2e}; tau_c={self.correlation_time:.3g}, "
            f"epsilon={self.small_parameter:.3g} ({'valid' if self.valid else 'NOT small'})"
        )


def _moments(model: ReplicationArrays) -> np.ndarray:
    """G_kl = ⟨v_k v_l⟩, v = (a_1..a_2N, a_1†..a_2N†), from the engine's covariance."""
    m = 2 * model.sites
    v = covariance(model)
    t = np.zeros((2 * m, 2 * m), dtype=complex)
    idx = np.arange(m)
    t[idx, 2 * idx] = t[m + idx, 2 * idx] = 1.0 / math.sqrt(2.0)
    t[idx, 2 * idx + 1] = 1j / math.sqrt(2.0)
    t[m + idx, 2 * idx + 1] = -1j / math.sqrt(2.0)
    omega = np.kron(np.eye(m), np.array([[0.0, 1.0], [-1.0, 0.0]]))
    return t @ (v + 0.5j * omega) @ t.T


def _mode_drift(model: ReplicationArrays) -> np.ndarray:
    """M_a: d⟨a⟩/dt = M_a⟨a⟩ for the 2N cavities (amplitude rates Γ, κ_j)."""
    n = model.sites
    damping = model.losses.copy()
    damping[0] += model.drive_rate
    damping[n] += model.drive_rate
    return -1j * model.hopping_hamiltonian - np.diag(damping)


def _qubit_ops(m: int) -> list[qutip.Qobj]:
    sm = qutip.destroy(2)
    return [qutip.tensor([sm if k == i else qutip.qeye(2) for k in range(m)]) for i in range(m)]


def effective_spin_model(
    sites: int,
    hopping: np.ndarray,
    coupling_g: np.ndarray,
    drive_rate: float,
    nbar: float,
    mbar: float,
    loss: np.ndarray,
) -> EffectiveSpinModel:
    """Build the effective atomic master equation (module docstring), validated inputs.

    Parameters are those of :func:`~qnet_design.schemes.cv_replication.atom_array_steady_state`
    after validation: ``hopping`` N−1 values shared by both arrays, ``coupling_g`` N values
    (site j and N+j), ``loss`` 2N values. Raises ``UnstableError`` (from the Gaussian engine)
    if a cavity normal mode is undamped, ``ConvergenceError`` if γ is not PSD beyond round-off.
    """
    n = int(sites)
    g = np.asarray(coupling_g, dtype=float)
    if np.any(g == 0.0):
        raise ParameterError(
            "`coupling_g` must be nonzero at every site for the effective model (an uncoupled "
            f"atom has no unique steady state), got {g.tolist()}"
        )
    model = ReplicationArrays(n, np.asarray(hopping, dtype=float), drive_rate, nbar, mbar, loss)
    m = 2 * n
    moments = _moments(model)
    ma = _mode_drift(model)
    drift = scipy.linalg.block_diag(ma, ma.conj())
    gg = np.tile(g, 4)
    gam = gg[:, None] * np.linalg.solve(-drift, moments) * gg[None, :]
    bar = np.concatenate([np.arange(m, 2 * m), np.arange(m)])
    k = gam[bar, :].T  # K_βα' = Γ_ᾱ'β
    gamma = k + k.conj().T
    eta = (k - k.conj().T) / 2j
    w, u = np.linalg.eigh(gamma)
    scale = max(float(w.max()), 0.0)
    if w.min() < -_PSD_SLACK * scale:
        raise ConvergenceError(
            f"effective model: Kossakowski matrix not positive semidefinite (min eigenvalue "
            f"{w.min():.3e}, max {scale:.3e}); the cavity bath is numerically ill-conditioned"
        )
    w_clipped = np.clip(w, 0.0, None)
    gamma = (u * w_clipped) @ u.conj().T
    gamma = 0.5 * (gamma + gamma.conj().T)
    sig = _qubit_ops(m)
    s_ops = [s.dag() for s in sig] + sig
    h_ls = 0 * sig[0]
    for b in range(2 * m):
        for a in range(2 * m):
            if eta[b, a] != 0.0:
                h_ls = h_ls + eta[b, a] * (s_ops[a].dag() * s_ops[b])
    h_ls = 0.5 * (h_ls + h_ls.dag())
    jumps = []
    for kk in range(2 * m):
        if w_clipped[kk] > _PSD_SLACK * scale:
            op = sum(u[b, kk] * s_ops[b] for b in range(2 * m))
            jumps.append(math.sqrt(w_clipped[kk]) * op)
    tau_c = 1.0 / float(np.min(np.abs(np.linalg.eigvals(ma).real)))
    eps = math.sqrt(scale * tau_c)
    return EffectiveSpinModel(n, gamma, eta, h_ls, tuple(jumps), float(w.min()), tau_c, eps)


def warn_if_invalid(model: EffectiveSpinModel, g_max: float, *, stacklevel: int = 2) -> None:
    """Emit :class:`WeakCouplingWarning` when ε > 0.1 (module docstring)."""
    if not model.valid:
        warnings.warn(
            f"effective spin model outside its weak-coupling regime: epsilon = sqrt(gamma_max "
            f"tau_c) = {model.small_parameter:.3g} > {VALIDITY_THRESHOLD} (max g = {g_max:g}, "
            f"tau_c = {model.correlation_time:.3g}); neglected O(g^4) terms ~ "
            f"{model.small_parameter**2:.1%}. Use smaller g or method='exact' (N = 1)",
            WeakCouplingWarning,
            stacklevel=stacklevel,
        )


def _charges(m: int) -> np.ndarray:
    """Q = (excitations in qubits 1..N) − (in N+1..2N) of every basis state (qutip order)."""
    n = m // 2
    bits = (np.arange(2**m)[:, None] >> np.arange(m - 1, -1, -1)[None, :]) & 1
    return bits[:, :n].sum(axis=1) - bits[:, n:].sum(axis=1)


def steady_state_in_sector(liouvillian: qutip.Qobj, sites: int) -> tuple[qutip.Qobj, float]:
    """Steady state of a Q-conserving 2N-qubit Liouvillian, solved in the Q_ket = Q_bra sector.

    Returns (ρ, ‖𝓛ρ‖_F) with the residual taken with the *full* Liouvillian, so a generator that
    does not conserve Q shows up as a large residual.
    """
    m = 2 * sites
    d = 2**m
    q = _charges(m)
    # qutip vectorisation is column stacking: ρ[x, y] ↦ index x + d·y
    xs, ys = np.nonzero(q[:, None] == q[None, :])
    keep = xs + d * ys
    lmat = liouvillian.to("csr").data_as("csr_matrix")
    block = lmat[keep][:, keep].toarray()
    diag = np.nonzero(xs == ys)[0]
    rhs = np.zeros(keep.size, dtype=complex)
    # replace the first equation by the trace condition Σ ρ_xx = 1
    block[0, :] = 0.0
    block[0, diag] = 1.0
    rhs[0] = 1.0
    sol = scipy.linalg.solve(block, rhs)
    rho = np.zeros((d, d), dtype=complex)
    rho[xs, ys] = sol
    rho = 0.5 * (rho + rho.conj().T)
    rho /= np.trace(rho).real
    dims = [[2] * m, [2] * m]
    state = qutip.Qobj(rho, dims=dims)
    vec = rho.reshape(-1, order="F")
    residual = float(np.linalg.norm(lmat @ vec))
    return state, residual

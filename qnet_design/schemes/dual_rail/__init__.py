"""Dual-rail network driven by a two-mode squeezing source (paper 000, Agustí et al., PRL 131,
250801 (2023)).

Two waveguides η = A, B each carry N qubits; a nondegenerate parametric amplifier (NDPA) feeds
correlated photons into both. The qubit-waveguide coupling is fully directional, so qubit i only
influences qubits j > i on its own rail.

Units and conventions
---------------------
* Every rate is in units of the qubit waveguide decay rate γ = 1; times are in units of 1/γ.
* Qubit basis: |0⟩ = ground (index 0), |1⟩ = excited; σ⁻ = |0⟩⟨1|, σ_z = |1⟩⟨1| − |0⟩⟨0|
  (excited = +1), so a detuning δ enters as (δ/2)σ_z.
* Qubit states are :class:`qutip.Qobj` with tensor factors ordered A₁, B₁, A₂, B₂, …
* Source (finite bandwidth, Eq. 11): H_χ = ig(a_A†a_B† − a_A a_B), decays κ_η·D[a_η] with κ_η
  the *energy* decay rate, β = κ_A/γ and β_B = κ_B/γ (default β_B = β). The squeezing
  parameter is defined at zero frequency, r = 2 artanh(2g/√(κ_Aκ_B)), which is the paper's
  r = 2 artanh(2g/κ) for κ_A = κ_B (README, "Units and conventions"). For κ_A ≠ κ_B the
  zero-frequency output is
  still a pure two-mode squeezed vacuum with this r, so Eq. 1 keeps its form (paper text above
  "Conclusions").
* Phase convention: with this H_χ and the cascaded coupling √(κγ) T[a_η, σ⁻_{η,i}] of Eq. 11
  the qubits see the output field a_out = −(cosh r a_in + sinh r b_in†) at zero frequency; the
  common sign drops out of ⟨a_out b_out⟩ = +cosh r sinh r, so the broadband limit of Eq. 11 is
  exactly Eq. 1 with J_A = cosh r L_A − sinh r L_B† (Eq. 3-4) and the one-pair steady state is
  Eq. 5 with a *positive* sinh r amplitude; no local phase rotation is needed (checked in
  tests/test_dual_rail.py).
* Detunings: δ_A is a vector (or a scalar, broadcast); δ_B = −P δ_A, i.e. δ_{B,i} =
  −δ_{A,P[i]} with ``permutation`` P a sequence of 0-based indices (``None`` = identity). The
  reversed permutation of Fig. 2(e) is ``P = (N−1, …, 0)``.
* Imperfections: ``gamma_phi`` enters as (γ_φ/2)·D[σ_z] (README, "Units and conventions"),
  ``gamma_loss`` = γ′ as
  γ′·D[σ⁻] (decay into non-guided modes). ``p_loss`` is the probability that a photon is lost
  between consecutive nodes of a rail; as in paper 001, Eq. 48, every cascaded coupling is
  scaled by the amplitude transmission, √(1−p)^{|j−i|} between nodes i < j and
  √(1−p)^{i−1} from the source to node i (the source sits at the first node: no loss before
  node 1 — a fixed insertion loss there would only reduce the effective squeezing).
* Broadband model with loss: the lossy cascade has dissipator Σ_{ij} t_ij (σ_i ρ σ_j† − …); the
  squeezed input reaches node i with amplitude t_{0i}. Writing the input in terms of vacuum
  modes (Bogoliubov) gives ℒ = −i[H_det + H_casc(t), ·] + Σ_{ij} K_ij(…) − Σ_η D[Λ_η]
  + Σ_η D[J_η] with Λ_η = Σ_i t_{0i} σ⁻_{η,i} and J_A = cosh r Λ_A − sinh r Λ_B† (and A↔B).
  For p = 0 this is exactly Eq. 1-4; for p > 0 it is the β → ∞ limit of the lossy Eq. 11
  (checked in the tests).

Paper typo: the printed "×" that starts the second line of Eq. 11 is a "+".

Numerics
--------
* Steady states are built pair by pair along the cascade (source, A₁, B₁, A₂, …), see
  :mod:`qnet_design.solvers.cascaded`; pair k needs only the source and pairs ≤ k.
* The charge Q = (excitations on rail A) − (rail B) is conserved by H and shifted by ±1 by every
  jump operator, so the steady state is block diagonal in Q (≈ 13× fewer unknowns).
* The two NDPA modes are written in the Bogoliubov frame in which their free steady state is
  thermal (occupation 0.064 instead of 0.136 per mode at r = 1) and truncated at a total photon
  number ``source_photons``; this is widened from ``FOCK_START`` until C of the last pair moves
  by less than ``FOCK_TOLERANCE`` (at β = 10, r = 1: 7 photons, 36 states).
"""

from .analytic import analytic_concurrences, analytic_state
from .dynamics import evolve, prep_time
from .model import DualRail

# _prefix_model, _run_cascade, _widen_source: internals the tests and benchmarks use
from .operators import _prefix_model as _prefix_model
from .results import (
    ENTANGLED_CONCURRENCE,
    ConcurrenceMatrix,
    Entropies,
    Evolution,
    NEnt,
    PrepTime,
    SteadyState,
    count_entangled,
)
from .steady import (
    FOCK_LIMIT,
    FOCK_START,
    FOCK_TOLERANCE,
    _run_cascade as _run_cascade,
    _widen_source as _widen_source,
    concurrence_matrix,
    entropies,
    n_ent,
    steady_state,
)

__all__ = [
    "ENTANGLED_CONCURRENCE",
    "FOCK_LIMIT",
    "FOCK_START",
    "FOCK_TOLERANCE",
    "ConcurrenceMatrix",
    "DualRail",
    "Entropies",
    "Evolution",
    "NEnt",
    "PrepTime",
    "SteadyState",
    "analytic_concurrences",
    "analytic_state",
    "concurrence_matrix",
    "count_entangled",
    "entropies",
    "evolve",
    "n_ent",
    "prep_time",
    "steady_state",
]

"""Scheme ``cv_replication`` (paper 004): entanglement replication in driven dissipative arrays.

Zippilli, Paternostro, Adesso, Illuminati, "Entanglement replication in driven dissipative
many-body systems", PRL 110, 040503 (2013) (README, "The papers").

Two equal, non-interacting arrays (sites 1..N and N+1..2N) are driven at their first sites
(1, N+1) by a broadband two-mode squeezed (thermal) field. In the steady state the driving
entanglement is copied onto every inter-array pair (j, N+j): exactly for lossless oscillator
arrays, as the pure pair state of Eq. (1) for atoms and XX spins under a squeezed-vacuum drive.

Modules: :mod:`.oscillators` (Gaussian cavity arrays, engine :mod:`qnet_design.solvers.gaussian`),
:mod:`.spins` (master equations for XX spin chains and Jaynes–Cummings arrays, QuTiP),
:mod:`.effective` (the atoms' effective spin model with the cavities eliminated, Fig. 3b),
:mod:`._bath` (the driving field).

Symbols reconstructed from the garbled extraction
-------------------------------------------------
The text extraction replaced most Greek letters by "�"; each was rebuilt from context:

=============================  =================================================================
symbol (code name)             meaning, and the context that fixes it
=============================  =================================================================
ρ                              density matrix ("_� = −i[H, �] + L_D� + L_S�", "~� = U⁺�U")
â_j, â_j† ("âþj")              cavity annihilation / creation operator ("þ" is the dagger "+")
λ_j (``hopping``)              nearest-neighbour cavity coupling, "coupling with strength �_j"
                               in H_c; the letter itself is lost (the spin coupling J_j is
                               printed in clear, so it is not J); we write λ_j, Fig. 2 uses
                               "λ_j = λ ∀j, Γ = λ": λ is the unit of the figures
g_j (``coupling_g``)           atom–cavity coupling in H_cs (printed in clear)
σ̂_j, σ̂_j† ("�̂j")             two-level lowering / raising operator (atoms, spins)
κ_j (``loss``)                 cavity decay rate in L_D = Σ κ_j(2aρa† − {a†a, ρ}) (amplitude
                               rate; "dissipation of the cavities (at rate �_j)")
Γ (``drive_rate``)             rate of the squeezed drive L_S ("driving (at rate �)")
n̄, m̄ (``nbar``, ``mbar``)     bath occupation and inter-mode correlation ("�n", "�m";
                               "m̄ ≤ √(n̄(n̄+1)) with equality in the squeezed vacuum")
r(ω), r₀, n̄_T, ρ_T             squeezing spectrum, its flat value, thermal photons and thermal
                               state of the source: n̄ = n̄_T + (2n̄_T+1)sinh²r₀,
                               m̄ = (n̄_T + ½) sinh 2r₀ (:func:`squeezed_thermal_bath`)
ν₋ ("��")                      smallest partially transposed symplectic eigenvalue of the drive,
                               ν₋ = 2n̄ + 1 − 2m̄ (vacuum = 1 convention), E_N = max(0, −ln ν₋)
U, U_{j,N+j}, θ_j              squeezing transformation, exponent (−1)^j r₀
C_j(n̄), D_j(n̄)                transformed atomic operators √(n̄+1)σ_j + (−1)^j √n̄ σ†_{N+j}, ...
c_n̄                            Eq. (1) amplitude √(n̄/(2n̄+1))
|1⟩, |2⟩                       ground / excited state (spins: "up" / "down" as labels)
E_N^(cav) = E_N/(1+E_N)        normalised cavity log-negativity of Figs. 2, 3a (natural log)
E_N^(at), E_N^(spins)          log₂‖ρ^{PT}‖₁ of an atom or spin pair (base 2, p. 4)
J_j                            XX spin–spin coupling (clear); Fig. 3c "J_j = 	": read J_j = Γ
δ_j, Δλ (Fig. 3a)              λ_j = λ₀ + δ_j, δ_j uniform in a range Δλ ("�0 + �j", "��"):
                               read as the full width, δ_j ∈ [−Δλ/2, Δλ/2] (``width``)
=============================  =================================================================

Figure parameters as reconstructed: Fig. 2 — Γ = λ; (a) N = 20, κ_j = κ₀ ∀j (several κ₀);
(b) κ_j = 0.1λ; (c), (d) κ_j = 0.1λ, N = 10; (a), (b), (e) n̄ = 1, m̄ = √2; (e) only κ_N = κ_2N ≠ 0.
Fig. 3a — N = 10, n̄ = 1, m̄ = √2, Γ = λ₀, κ_j = 0.02λ₀, 500 realisations. Fig. 3b, c — n̄ = 1,
N = 3, κ_j = 0, Γ = λ, g = 0.01λ (atoms), J_j = Γ (spins).
"""

from ._bath import squeezed_thermal_bath as squeezed_thermal_bath
from .effective import (
    EffectiveSpinModel as EffectiveSpinModel,
    WeakCouplingWarning as WeakCouplingWarning,
)
from .oscillators import (
    DisorderAverage as DisorderAverage,
    PairLogNegativities as PairLogNegativities,
    ReplicationArrays as ReplicationArrays,
    covariance as covariance,
    disorder_average as disorder_average,
    pair_log_negativities as pair_log_negativities,
)
from .spins import (
    PairStates as PairStates,
    analytic_pair_state as analytic_pair_state,
    atom_array_steady_state as atom_array_steady_state,
    spin_chain_steady_state as spin_chain_steady_state,
)

__all__ = [
    "DisorderAverage",
    "EffectiveSpinModel",
    "PairLogNegativities",
    "PairStates",
    "ReplicationArrays",
    "WeakCouplingWarning",
    "analytic_pair_state",
    "atom_array_steady_state",
    "covariance",
    "disorder_average",
    "pair_log_negativities",
    "spin_chain_steady_state",
    "squeezed_thermal_bath",
]

"""Figures read off curves of a figure of merit: crossing times (T_prep) and N_ent."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError


def n_ent_extrapolated(c11: float, c22: float) -> float:
    """Paper 000's estimate N_ent = C₁₁/(C₁₁ − C₂₂) (linear extrapolation of C_kk to zero).

    Returns ``inf`` when C₂₂ ≥ C₁₁ (no decay along the chain is resolved) and 0 when C₁₁ = 0.
    """
    if c11 <= 0.0:
        return 0.0
    if c22 >= c11:
        return float("inf")
    return float(c11 / (c11 - c22))


def crossing_time(times: np.ndarray, values: np.ndarray, threshold: float) -> float:
    """First time at which ``values`` falls to ``threshold``, by linear interpolation.

    Raises :class:`ParameterError` if the curve never gets there within ``times`` (the caller
    should integrate longer rather than report the end of the grid).
    """
    times = np.asarray(times, dtype=float)
    values = np.asarray(values, dtype=float)
    below = np.nonzero(values <= threshold)[0]
    if below.size == 0:
        raise ParameterError(
            f"the curve never reaches {threshold:g} before t = {times[-1]:g}; integrate longer"
        )
    k = int(below[0])
    if k == 0:
        return float(times[0])
    t0, t1, v0, v1 = times[k - 1], times[k], values[k - 1], values[k]
    return float(t0 + (threshold - v0) * (t1 - t0) / (v1 - v0))


__all__ = ["crossing_time", "n_ent_extrapolated"]

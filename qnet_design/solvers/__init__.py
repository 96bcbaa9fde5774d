"""Numerics only: steady states, dynamics, hierarchies, Gaussian covariance solvers."""

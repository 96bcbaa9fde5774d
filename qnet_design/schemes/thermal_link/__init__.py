"""Scheme `thermal_link` (paper 001): two qubits entangled by filtered thermal noise."""

from .model import ThermalLink as ThermalLink

__all__ = ["ThermalLink"]

"""Translators: the only place where lab units become the dimensionless rates of the models."""

from ._base import Parameter as Parameter, Rate as Rate, Translation as Translation
from .setups import translate as translate

__all__ = ["Parameter", "Rate", "Translation", "translate"]

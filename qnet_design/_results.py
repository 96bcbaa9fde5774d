"""The one convention for result objects across schemes: a result that stands for a number
behaves as that number, one that stands for an array behaves as that array, and the others do
not pretend to be either.

* :class:`ScalarResult` — ``float(result)`` and ordering against numbers (``result > 0.5``);
  equality stays the dataclass's (compare ``float(result) == x``). Example:
  ``thermal_link.ConcurrenceResult``.
* :class:`ArrayResult` — ``np.asarray(result)``, ``len``, indexing, slicing and iteration, all
  over the same array. Examples: ``cv_replication.PairLogNegativities``,
  ``budget.Profile``.
* Everything else (states, maps, evolutions with several arrays) exposes named fields and
  ``to_frame()`` only: no ``__len__`` without indexing, no ``__float__`` for a record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


class ScalarResult:
    """Mixin: the result is the number ``self._scalar()`` for ``float`` and ``<, <=, >, >=``."""

    def _scalar(self) -> float:
        raise NotImplementedError

    def __float__(self) -> float:
        return float(self._scalar())

    def __lt__(self, other: Any) -> bool:
        return float(self) < float(other)

    def __le__(self, other: Any) -> bool:
        return float(self) <= float(other)

    def __gt__(self, other: Any) -> bool:
        return float(self) > float(other)

    def __ge__(self, other: Any) -> bool:
        return float(self) >= float(other)


class ArrayResult:
    """Mixin: the result is the array ``self._array()`` for numpy, ``len``, ``[]`` and ``iter``."""

    def _array(self) -> np.ndarray:
        raise NotImplementedError

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self._array(), dtype=dtype)

    def __len__(self) -> int:
        return len(self._array())

    def __getitem__(self, index: Any) -> Any:
        return self._array()[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._array())

"""What a release model is: the interface Mondrian's and the full-domain release share.

:func:`anonymize` produces the released quasi-identifiers through a *release
model* (:class:`~._mondrian_release.MondrianRelease` or
:class:`~._global_release.GlobalRelease`) and keeps it in the result: the
result's :meth:`~AnonymizationResult.generalize` and ``covers``, the linkage
attack and the live panel's utility model all talk to it through the seven
methods below, never to one kind in particular.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

__all__ = ["Release"]


@runtime_checkable
class Release(Protocol):
    """A release's generalization of the input rows, and how raw records map onto it.

    Attributes
    ----------
    kind : {"mondrian", "global"}
    numeric_columns : frozenset of str
        Quasi-identifiers released as numbers (midpoints or means) rather than as labels.
    """

    kind: str
    numeric_columns: frozenset[str]

    def release(self) -> pd.DataFrame:
        """The released quasi-identifier values of every input row, in input order."""
        ...

    def label_codes(self) -> np.ndarray:
        """Integer code of every input row's released value per column, shape (rows, columns)."""
        ...

    def label_values(self, j: int) -> np.ndarray:
        """The released value of each code of column ``j``."""
        ...

    def row_positions(self, index: pd.Index) -> np.ndarray:
        """Input row positions of the given input index labels."""
        ...

    def codes_for(self, frame: pd.DataFrame, *, encoded: np.ndarray | None = None,
                  cache: MutableMapping | None = None) -> np.ndarray:
        """Label codes of raw records mapped onto the release (-1: suppressed or never released).

        ``encoded`` (Mondrian) is the frame's encoding computed earlier;
        ``cache`` (full-domain) keeps the frame's generalized labels across
        releases. Each kind ignores the other's.
        """
        ...

    def generalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Raw records' quasi-identifiers as this release shows them (missing: suppressed)."""
        ...

    def covers(self, column: str, labels: np.ndarray, raw: pd.Series) -> np.ndarray:
        """Boolean matrix: can released label ``i`` of ``column`` stand for raw value ``r``?"""
        ...

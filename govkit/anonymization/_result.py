"""What :func:`anonymize` did and achieved: :class:`AnonymizationResult`."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._assess import Assessment
from ._checks import RENAMED_ATTRIBUTE
from ._release import Release

__all__ = ["AnonymizationResult"]

GENERALIZE_FRAME = (
    "AnonymizationResult.generalize: frame must be a pandas DataFrame of raw records, got {kind}."
)
GENERALIZE_COLUMNS = (
    "AnonymizationResult.generalize: frame lacks the quasi-identifier column(s) {columns}; pass "
    "raw records with the same columns as the anonymized data."
)
COVERS_COLUMN = (
    "AnonymizationResult.covers: {column!r} is not a quasi-identifier of this release "
    "({quasi_identifiers}); other columns are released unchanged."
)


@dataclass(frozen=True, eq=False)
class AnonymizationResult:
    """What :func:`anonymize` did and achieved.

    Attributes
    ----------
    method : {"mondrian", "global"}
    quasi_identifiers : tuple of str
    sensitive_column : str or None
        The column whose diversity (l) and closeness (t) were required.
    k, l, t : requested privacy model (``l``/``t`` None when not asked)
    diversity : {"distinct", "entropy"}
    max_suppression : float
        The allowed share of suppressed rows.
    numeric_release : {"range", "midpoint", "mean"}
    assessment : Assessment
        :func:`assess` of the release (achieved k, l, t, risks, information loss).
    rows : int
        Input rows.
    suppressed : int
        Rows withheld from the release.
    levels : dict or None
        Full-domain search: column -> chosen level.
    level_names : dict or None
        Full-domain search: column -> the chosen level's name (e.g. ``"width 10"``).
    classes : int
        Equivalence classes in the release.
    lattice : dict or None
        Full-domain search: nodes evaluated and lattice size.
    identifiers : dict
        What happened to the direct identifiers (``{"dropped": [...]}`` or
        ``{"pseudonymized": [...], "key_source": ...}``).
    recodings : dict
        Columns that were one-to-one recodings of a quasi-identifier (column
        -> quasi-identifier); dropped from the release unless
        ``drop_recodings=False``.
    source_index : pandas.Index
        The input index label of each released row, in release order. This is
        the data holder's link back to the source: never publish it.
    suppressed_index : pandas.Index
        Input index labels of the suppressed rows.
    seconds : float
        Wall time of the anonymization (generalization and measurement).
    release_model : Release
        The data holder's description of the generalization (Mondrian's
        tree or the chosen levels), used by :meth:`generalize` and :meth:`covers`.
    """

    method: str
    quasi_identifiers: tuple[str, ...]
    sensitive_column: str | None
    k: int
    l: float | None  # noqa: E741 - the privacy model's name
    diversity: str
    t: float | None
    max_suppression: float
    numeric_release: str
    assessment: Assessment
    rows: int
    suppressed: int
    levels: dict[str, int] | None
    level_names: dict[str, str] | None
    classes: int
    lattice: dict[str, int] | None
    identifiers: dict[str, Any]
    recodings: dict[str, str]
    source_index: pd.Index = field(repr=False)
    suppressed_index: pd.Index = field(repr=False)
    seconds: float
    release_model: Release = field(repr=False)

    @property
    def sensitive(self) -> str | None:
        """Deprecated name of :attr:`sensitive_column` (one more release, with a FutureWarning)."""
        warnings.warn(RENAMED_ATTRIBUTE.format(owner="AnonymizationResult"), FutureWarning,
                      stacklevel=2)
        return self.sensitive_column

    @property
    def achieved_k(self) -> int:
        return self.assessment.k

    @property
    def achieved_l(self) -> int | None:
        """Achieved distinct l (``None`` without a sensitive attribute)."""
        return self.assessment.l_distinct

    @property
    def achieved_l_entropy(self) -> float | None:
        return self.assessment.l_entropy

    @property
    def achieved_t(self) -> float | None:
        return self.assessment.t

    @property
    def suppressed_share(self) -> float:
        return self.suppressed / self.rows if self.rows else 0.0

    @property
    def information_loss(self) -> float | None:
        return self.assessment.information_loss

    def generalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Map raw records onto the release: their quasi-identifiers as this release shows them.

        Mondrian follows the recorded cuts to the class a record falls into;
        the full-domain release applies the chosen levels. Records that land
        in a suppressed class get missing quasi-identifiers (the release says
        nothing about such people), and categories the release never saw are
        treated as missing. Other columns are unchanged; ``frame`` is not
        modified.

        Parameters
        ----------
        frame : DataFrame
            Raw records with the quasi-identifier columns (e.g. ``test.X``).

        Returns
        -------
        DataFrame
            Same index and columns as ``frame``.
        """
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(GENERALIZE_FRAME.format(kind=type(frame).__name__))
        lacking = [c for c in self.quasi_identifiers if c not in frame.columns]
        if lacking:
            raise ValueError(GENERALIZE_COLUMNS.format(columns=lacking))
        generalized = self.release_model.generalize(frame)
        out = frame.copy()
        for column in self.quasi_identifiers:
            if column in self.release_model.numeric_columns:
                out[column] = generalized[column].to_numpy(dtype=float)
            else:
                out[column] = generalized[column].to_numpy(dtype=object)
        return out

    def covers(self, column: str, labels: Sequence[Any], raw: pd.Series) -> np.ndarray:
        """``matrix[i, r]``: can released value ``labels[i]`` of ``column`` stand for ``raw[r]``?

        Used by :func:`linkage_attack` to match an attacker's raw knowledge
        against generalized values.
        """
        if column not in self.quasi_identifiers:
            raise ValueError(COVERS_COLUMN.format(column=column,
                                                  quasi_identifiers=list(self.quasi_identifiers)))
        return self.release_model.covers(column, np.asarray(list(labels), dtype=object),
                                         pd.Series(raw).reset_index(drop=True))

    def to_metrics(self) -> dict[str, Any]:
        """Flat metrics for the ledger: the assessment plus suppression and search figures."""
        metrics = {
            "rows_in": self.rows,
            "rows_released": self.rows - self.suppressed,
            "suppressed_share": self.suppressed_share,
            **self.assessment.to_metrics(),
            "seconds": self.seconds,
        }
        if self.level_names is not None:
            metrics["levels"] = dict(self.level_names)
        if self.lattice is not None:
            metrics.update(self.lattice)
        return metrics

    def summary(self) -> pd.DataFrame:
        """The request next to what was achieved, in plain words."""
        rows = [
            ("method", self.method, ""),
            ("quasi-identifiers", ", ".join(self.quasi_identifiers), ""),
            ("k", self.k, self.achieved_k),
        ]
        if self.sensitive_column is not None:
            rows.append((f"l ({self.diversity}, {self.sensitive_column})",
                         "-" if self.l is None else f"{self.l:g}",
                         self.achieved_l if self.diversity == "distinct"
                         else f"{self.achieved_l_entropy:.3f}"))
            rows.append((f"t ({self.sensitive_column})", "-" if self.t is None else f"{self.t:g}",
                         f"{self.achieved_t:.3f}"))
        rows += [
            ("suppressed rows", f"<= {self.max_suppression:.1%}",
             f"{self.suppressed:,} ("
             + ("<0.01%" if 0 < self.suppressed_share < 1e-4 else f"{self.suppressed_share:.2%}")
             + ")"),
            ("equivalence classes", "", f"{self.classes:,}"),
            ("information loss", "", f"{self.information_loss:.1%}"),
            ("prosecutor: highest / average risk", "",
             f"{self.assessment.prosecutor.highest:.1%} / {self.assessment.prosecutor.average:.2%}"),
        ]
        if self.level_names is not None:
            rows.append(("levels", "", ", ".join(f"{c}: {n}" for c, n in self.level_names.items())))
        return pd.DataFrame(rows, columns=["", "requested", "achieved"]).set_index("")

    def _repr_html_(self) -> str:
        return self.summary().to_html(escape=True)

    def __repr__(self) -> str:
        return (
            f"AnonymizationResult(method={self.method!r}, k={self.k} -> {self.achieved_k}, "
            f"classes={self.classes}, suppressed={self.suppressed} of {self.rows}, "
            f"information_loss={self.information_loss:.3f})"
        )

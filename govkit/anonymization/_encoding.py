"""Quasi-identifiers as ordered integer codes, and the information loss measured on codes.

Mondrian cuts on codes (numbers by value, categories in their hierarchy's
leaf order, missing values after everything), and both kinds of release
measure their information loss on the codes of the original values rather
than on text labels. :func:`encoding_for` keeps one encoding per set of
quasi-identifiers in a dict the caller owns, so the live panel encodes a
frame once.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence

import numpy as np
import pandas as pd

from ._hierarchies import Hierarchy

__all__ = ["Encoding", "coded_information_loss", "encoding_for", "unique_ints"]


class Encoding:
    """Quasi-identifiers as ordered integer codes; missing values get the last code.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import default_hierarchies
    >>> from govkit.anonymization._encoding import Encoding
    >>> frame = pd.DataFrame({"age": [40, 30, None], "sex": ["M", "F", "F"]})
    >>> encoding = Encoding(frame, ["age", "sex"], default_hierarchies(frame, ["age", "sex"]))
    >>> encoding.encode(frame).tolist()
    [[1, 1], [0, 0], [2, 0]]
    """

    def __init__(self, frame: pd.DataFrame, columns: Sequence[str],
                 hierarchies: Mapping[str, Hierarchy]) -> None:
        self.columns = list(columns)
        self.numeric: list[bool] = []
        self.values: list[np.ndarray] = []
        self.has_missing: list[bool] = []
        self.positions: list[np.ndarray] = []
        for column in self.columns:
            series = frame[column]
            numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
            has_missing = bool(series.isna().any())
            if numeric:
                values = np.unique(series.dropna().to_numpy(dtype=float))
                positions = values.astype(float)
            else:
                order = hierarchies[column].order(series)
                values = np.array(order, dtype=object)
                positions = np.arange(len(values), dtype=float)
            if has_missing:
                beyond = positions[-1] + max(positions[-1] - positions[0], 1.0)
                positions = np.append(positions, beyond)
            self.numeric.append(numeric)
            self.values.append(values)
            self.has_missing.append(has_missing)
            self.positions.append(positions)
        self.lookup: list[pd.Index | None] = [None] * len(self.columns)
        # label text already built, per column (reused by later releases of the same encoding)
        self.label_cache: list[dict] = [{} for _ in self.columns]

    def encode_column(self, j: int, series: pd.Series) -> np.ndarray:
        """Codes of one column; numbers between known values get the next code up (the tree
        compares ``value <= threshold value``), unseen categories count as missing."""
        missing_code = len(self.values[j])
        if self.numeric[j]:
            raw = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
            code = np.searchsorted(self.values[j], raw, side="left").astype(np.int64)
            code[np.isnan(raw)] = missing_code
            return code
        if self.lookup[j] is None:
            self.lookup[j] = pd.Index(self.values[j])
        codes = self.lookup[j].get_indexer(series.to_numpy(dtype=object)).astype(np.int64)
        codes[codes < 0] = missing_code  # missing values and categories never seen
        return codes

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """Codes of ``frame``'s quasi-identifiers, shape (rows, columns)."""
        codes = np.empty((len(frame), len(self.columns)), dtype=np.int64)
        for j, column in enumerate(self.columns):
            codes[:, j] = self.encode_column(j, frame[column])
        return codes


def encoding_for(
    frame: pd.DataFrame,
    columns: tuple[str, ...],
    hierarchies: Mapping[str, Hierarchy],
    kept: MutableMapping | None = None,
) -> tuple[Encoding, np.ndarray]:
    """The encoding of ``columns`` and the codes of ``frame``, from ``kept`` when it has them.

    ``kept`` (a dict the caller keeps for this frame, or None) maps a tuple
    of quasi-identifiers to its ``(encoding, codes)``.
    """
    if kept is not None and columns in kept:
        return kept[columns]
    encoding = Encoding(frame, columns, hierarchies)
    encoded = (encoding, encoding.encode(frame))
    if kept is not None:
        kept[columns] = encoded
    return encoded


def unique_ints(key: np.ndarray, span: int) -> np.ndarray:
    """Sorted distinct values of non-negative ints below ``span`` (a bincount when ``span`` is small)."""
    if span <= max(32 * len(key), 1 << 16):
        return np.flatnonzero(np.bincount(key, minlength=span))
    return np.unique(key)


def coded_information_loss(encoding: Encoding, codes: np.ndarray, label_codes: np.ndarray,
                           suppressed: int) -> float:
    """Generalized information loss from integer codes (same definition as :func:`assess`).

    ``codes`` are the kept rows' original codes, ``label_codes`` their released
    values' codes. For each released value, the original values of the kept
    rows carrying it define what it covers; range and domain are the whole
    input column's.
    """
    rows, m = codes.shape
    total = 0.0
    for j in range(m):
        labels = label_codes[:, j]
        n_labels = int(labels.max()) + 1 if rows else 1
        original = codes[:, j]
        n_values = len(encoding.values[j])
        if encoding.numeric[j]:
            values = encoding.values[j].astype(float)
            span = float(values[-1] - values[0]) if n_values > 1 else 0.0
            if span <= 0:
                continue
            present = original < n_values
            low = np.full(n_labels, np.inf)
            high = np.full(n_labels, -np.inf)
            np.minimum.at(low, labels[present], values[original[present]])
            np.maximum.at(high, labels[present], values[original[present]])
            width = np.where(np.isfinite(low), high - low, 0.0)
            total += float((width[labels] / span).sum())
        else:
            domain = n_values + int(encoding.has_missing[j])
            if domain <= 1:
                continue
            pairs = unique_ints(labels * (n_values + 1) + original, n_labels * (n_values + 1))
            covered = np.bincount(pairs // (n_values + 1), minlength=n_labels)
            total += float(((covered[labels] - 1) / (domain - 1)).sum())
    total += suppressed * m
    return total / ((rows + suppressed) * m)

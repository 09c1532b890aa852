"""The full-domain release: one hierarchy level per quasi-identifier, some classes withheld.

Every row's quasi-identifiers are generalized to the levels the search chose
(numbers as interval labels or their midpoints); the classes that still break
the privacy model are suppressed. New raw records are generalized the same
way, and land in a suppressed class or not. Implements
:class:`~._release.Release`.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import numpy as np
import pandas as pd

from ._hierarchies import Hierarchy, IntervalHierarchy

__all__ = ["GlobalRelease"]


class GlobalRelease:
    """One hierarchy level per column; suppressed classes; how to map raw records onto them.

    Parameters
    ----------
    frame : DataFrame
        The input rows.
    hierarchies : dict
        Column -> Hierarchy.
    levels : dict
        Column -> the chosen level.
    suppressed : ndarray of bool
        The withheld rows.
    numeric_release : {"range", "midpoint"}
    cache : dict, optional
        Kept by the caller for this frame: the generalized labels of every
        (column, level) already computed, and their codes.
    """

    kind = "global"

    def __init__(self, frame: pd.DataFrame, hierarchies: Mapping[str, Hierarchy],
                 levels: Mapping[str, int], suppressed: np.ndarray, numeric_release: str,
                 cache: MutableMapping | None = None) -> None:
        self.columns = list(levels)
        self.hierarchies = dict(hierarchies)
        self.levels = dict(levels)
        self.numeric_release = numeric_release
        self.numeric_columns = frozenset(
            c for c in self.columns
            if self.hierarchies[c].kind == "numeric" and numeric_release == "midpoint"
        )
        self.ranges = {}
        for column in self.columns:
            series = frame[column]
            if self.hierarchies[column].kind == "numeric":
                self.ranges[column] = (float(series.min()), float(series.max()))
        self.cache = cache
        released = self.release_values(frame, cache)
        self._released = released
        self._suppressed_mask = np.asarray(suppressed, dtype=bool)
        self._suppressed_classes = None

    def _column(self, series: pd.Series, column: str, cache: MutableMapping | None = None) -> pd.Series:
        """``series`` at this release's level; ``cache`` (one dict per frame) keeps the labels
        of every (column, level) already computed for that frame."""
        key = (column, self.levels[column], self.numeric_release)
        if cache is not None and key in cache:
            return cache[key]
        labels = self._column_uncached(series, column)
        if cache is not None:
            cache[key] = labels
        return labels

    def _column_uncached(self, series: pd.Series, column: str) -> pd.Series:
        """``series`` at this release's level (a number's midpoint under ``"midpoint"``)."""
        hierarchy, level = self.hierarchies[column], self.levels[column]
        labels = hierarchy.generalize(series, level, column=column)
        if self.numeric_release != "midpoint" or hierarchy.kind != "numeric" or level == 0:
            return labels
        low, high = self.ranges[column]
        if level == hierarchy.n_levels - 1:
            return pd.Series((low + high) / 2, index=series.index, name=series.name, dtype=float)
        values = series.to_numpy(dtype=float)
        if isinstance(hierarchy, IntervalHierarchy):
            lower, upper = hierarchy.bounds(values, level)
            lower = np.where(np.isinf(lower), low, lower)
            upper = np.where(np.isinf(upper), high, upper)
            return pd.Series((lower + upper) / 2, index=series.index, name=series.name)
        return labels  # pragma: no cover - numeric hierarchies are intervals or flat

    def release_values(self, frame: pd.DataFrame, cache: MutableMapping | None = None
                       ) -> pd.DataFrame:
        """``frame``'s quasi-identifiers generalized to this release's levels."""
        return pd.DataFrame(
            {column: self._column(frame[column], column, cache) for column in self.columns},
            index=frame.index,
        )

    def _class_keys(self, codes: np.ndarray) -> np.ndarray:
        """One key per combination of label codes (rows with an unknown label: -1).

        Integers when the combinations fit in 62 bits (always, for realistic
        hierarchies); otherwise the code tuples as text.
        """
        sizes = [len(index) + 1 for index in self._label_index]
        if float(np.prod(np.asarray(sizes, dtype=float))) >= 2.0**62:
            keys = np.array([",".join(map(str, row)) for row in codes.tolist()], dtype=object)
            keys[(codes < 0).any(axis=1)] = "-1"
            return keys
        key = np.zeros(len(codes), dtype=np.int64)
        for j, size in enumerate(sizes):
            key = key * size + (codes[:, j] + 1)
        key[(codes < 0).any(axis=1)] = -1
        return key

    @property
    def suppressed_keys(self) -> np.ndarray:
        """Class keys of the suppressed classes."""
        if self._suppressed_classes is None:
            codes = self.label_codes()[self._suppressed_mask]
            self._suppressed_classes = np.unique(self._class_keys(codes))
        return self._suppressed_classes

    def _raw_codes(self, frame: pd.DataFrame, cache: MutableMapping | None) -> np.ndarray:
        """Label codes of raw records at this release's levels (-1: a value never released)."""
        self.label_codes()
        for column in self.columns:  # raw values outside a hierarchy are treated as missing
            hierarchy = self.hierarchies[column]
            if cache is not None and (column, self.levels[column], self.numeric_release) in cache:
                continue
            if hierarchy.kind == "categorical" and hasattr(hierarchy, "leaves"):
                frame = frame.assign(**{column: frame[column].where(
                    frame[column].isin(hierarchy.leaves))})
        released = self.release_values(frame, cache)
        out = np.empty((len(frame), len(self.columns)), dtype=np.int64)
        for j, column in enumerate(self.columns):
            out[:, j] = self._label_index[j].get_indexer(released[column].to_numpy(dtype=object))
        return out

    def release(self) -> pd.DataFrame:
        """The released quasi-identifier values of every input row."""
        return self._released.reset_index(drop=True)

    def label_codes(self) -> np.ndarray:
        """Integer code of every input row's released value per column (rows, columns)."""
        if not hasattr(self, "_label_codes"):
            codes, uniques = [], []
            for column in self.columns:
                key = ("codes", column, self.levels[column], self.numeric_release)
                if self.cache is not None and key in self.cache:
                    c, u = self.cache[key]
                else:
                    c, u = pd.factorize(self._released[column].to_numpy(dtype=object),
                                        use_na_sentinel=False)
                    c, u = c.astype(np.int64), pd.Index(np.asarray(u, dtype=object))
                    if self.cache is not None:
                        self.cache[key] = (c, u)
                codes.append(c)
                uniques.append(u)
            self._label_codes = np.stack(codes, axis=1)
            self._label_index = uniques
        return self._label_codes

    def label_values(self, j: int) -> np.ndarray:
        """The released value of each code of column ``j``."""
        self.label_codes()
        return np.asarray(self._label_index[j], dtype=object)

    def row_positions(self, index: pd.Index) -> np.ndarray:
        """Input row positions of the given index labels."""
        return self._released.index.get_indexer(index)

    def codes_for(self, frame: pd.DataFrame, *, encoded: np.ndarray | None = None,
                  cache: MutableMapping | None = None) -> np.ndarray:
        """Label codes of raw records mapped onto the release (-1: suppressed or unseen).

        ``cache`` keeps generalized labels of ``frame`` across releases (one dict per frame);
        ``encoded`` is Mondrian's and is not used here.
        """
        out = self._raw_codes(frame, cache)
        withheld = np.isin(self._class_keys(out), self.suppressed_keys)
        out[withheld] = -1
        return out

    def generalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Raw records at this release's levels; a suppressed class gives missing values."""
        codes = self._raw_codes(frame, None)
        withheld = np.isin(self._class_keys(codes), self.suppressed_keys)
        released = pd.DataFrame(index=frame.index)
        for j, column in enumerate(self.columns):
            values = self._label_index[j].to_numpy(dtype=object)
            column_codes = codes[:, j]
            out = np.full(len(frame), np.nan, dtype=object)
            known = column_codes >= 0
            out[known] = values[column_codes[known]]
            out[withheld] = np.nan
            released[column] = pd.Series(out, index=frame.index, dtype=object)
        return released

    def covers(self, column: str, labels: np.ndarray, raw: pd.Series) -> np.ndarray:
        """Boolean matrix: released label ``i`` is raw value ``r`` generalized to this level."""
        raw = raw.reset_index(drop=True)
        if self.hierarchies[column].kind == "numeric":
            raw = pd.to_numeric(raw, errors="coerce")
        generalized = self._column_uncached(raw, column).to_numpy(dtype=object)
        label_series = pd.Series(labels, dtype=object)
        matrix = np.zeros((len(labels), len(raw)), dtype=bool)
        for i, label in enumerate(label_series):
            if pd.isna(label):
                matrix[i] = pd.isna(pd.Series(generalized, dtype=object)).to_numpy()
            else:
                matrix[i] = generalized == label
        return matrix

"""``anonymize``: one call from a Dataset to a k-anonymous (l-diverse, t-close) release.

It drops or pseudonymizes the direct identifiers, generalizes the
quasi-identifiers with Mondrian or the full-domain search, withholds (and
counts) the rows that cannot be released, shuffles the released rows (row
order and index labels would otherwise link them back to the source), measures
the result with :func:`assess`, and writes one ledger record.

The result keeps the data holder's side of the release: which source row each
released row came from, and a ``generalize`` method that maps *new raw*
records onto the release's classes (used to score a model trained on the
release against raw test data, and by the linkage attack).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govkit.datasets import Dataset, check_identifiers

from ._assess import Assessment, assess, find_recodings, sensitive_codes
from ._checks import (
    BAD_DIVERSITY,
    as_frame,
    check_k,
    check_l,
    check_max_suppression,
    check_quasi_identifiers,
    check_sensitive,
    check_t,
)
from ._hierarchies import Hierarchy, IntervalHierarchy, _fmt, check_hierarchies
from ._identifiers import pseudonymize_frame
from ._mondrian import MondrianTree, mondrian
from ._search import Lattice

__all__ = ["METHODS", "NUMERIC_RELEASES", "AnonymizationResult", "anonymize"]

METHODS = ("mondrian", "global")
NUMERIC_RELEASES = ("range", "midpoint", "mean")
IDENTIFIER_ACTIONS = ("drop", "pseudonymize")

BAD_METHOD = (
    "anonymize: method={value!r} is not one of {methods}; 'mondrian' cuts the data into "
    "boxes (LeFevre et al.), 'global' picks one hierarchy level per column (ARX's full-domain "
    "search)."
)
BAD_NUMERIC_RELEASE = (
    "anonymize: numeric_release={value!r} is not one of {choices}; 'range' releases "
    "'[lo, hi]', 'midpoint' the middle of the range, 'mean' the class mean."
)
MEAN_NEEDS_MONDRIAN = (
    "anonymize: numeric_release='mean' needs method='mondrian' (a full-domain release "
    "generalizes whole columns, so it releases intervals or their midpoints); pass "
    "numeric_release='range' or 'midpoint'."
)
BAD_IDENTIFIERS = (
    "anonymize: identifiers={value!r} is not one of {choices}; direct identifiers are either "
    "removed ('drop') or replaced by keyed pseudonyms ('pseudonymize'), never released."
)
LT_NEED_SENSITIVE = (
    "anonymize: l and t need a sensitive attribute, and data is a DataFrame; pass "
    "sensitive='<column>'."
)
BAD_RANDOM_STATE = (
    "anonymize: random_state={value!r} must be an int (or None for a fresh shuffle); it seeds "
    "the shuffle of the released rows."
)
GENERALIZE_COLUMNS = (
    "AnonymizationResult.generalize: frame lacks the quasi-identifier column(s) {columns}; pass "
    "raw records with the same columns as the anonymized data."
)


# -- encoding quasi-identifiers as ordered codes ----------------------------------------


class _Encoding:
    """Quasi-identifiers as ordered integer codes; missing values get the last code."""

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


def _unique_ints(key: np.ndarray, span: int) -> np.ndarray:
    """Sorted distinct values of non-negative ints below ``span`` (a bincount when ``span`` is small)."""
    if span <= max(32 * len(key), 1 << 16):
        return np.flatnonzero(np.bincount(key, minlength=span))
    return np.unique(key)


def _coded_information_loss(encoding: _Encoding, codes: np.ndarray, label_codes: np.ndarray,
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
            pairs = _unique_ints(labels * (n_values + 1) + original, n_labels * (n_values + 1))
            covered = np.bincount(pairs // (n_values + 1), minlength=n_labels)
            total += float(((covered[labels] - 1) / (domain - 1)).sum())
    total += suppressed * m
    return total / ((rows + suppressed) * m)


# -- the two kinds of release ---------------------------------------------------------------


class _MondrianRelease:
    """Per-leaf released values of a Mondrian tree, and how to map raw records onto them."""

    kind = "mondrian"

    def __init__(self, encoding: _Encoding, tree: MondrianTree, codes: np.ndarray,
                 numeric_release: str, index: pd.Index | None = None) -> None:
        self.encoding = encoding
        self.tree = tree
        self.numeric_release = numeric_release
        self.index = index if index is not None else pd.RangeIndex(len(codes))
        self.numeric_columns = frozenset(
            c for c, numeric in zip(encoding.columns, encoding.numeric, strict=True)
            if numeric and numeric_release != "range"
        )
        n_nodes = len(tree.left)
        released = ~tree.suppressed[tree.row_leaf]
        rows = np.flatnonzero(released)
        leaf = tree.row_leaf[rows]
        self.labels: list[np.ndarray] = []
        self.low: list[np.ndarray | None] = []
        self.high: list[np.ndarray | None] = []
        self.missing: list[np.ndarray] = []
        self.pairs: list[tuple[np.ndarray, np.ndarray] | None] = []
        for j in range(len(encoding.columns)):
            code = codes[rows, j]
            n_values = len(encoding.values[j])
            is_missing = code == n_values
            has_missing = np.bincount(leaf[is_missing], minlength=n_nodes) > 0
            labels = np.full(n_nodes, np.nan, dtype=object)
            if encoding.numeric[j]:
                values = encoding.values[j]
                present = ~is_missing
                present_leaf = leaf[present]
                present_code = code[present]
                low_code = np.full(n_nodes, np.iinfo(np.int64).max)
                high_code = np.full(n_nodes, -1, dtype=np.int64)
                np.minimum.at(low_code, present_leaf, present_code)
                np.maximum.at(high_code, present_leaf, present_code)
                nodes_with_values = np.flatnonzero(high_code >= 0)
                low = np.full(n_nodes, np.nan)
                high = np.full(n_nodes, np.nan)
                low[nodes_with_values] = values[low_code[nodes_with_values]]
                high[nodes_with_values] = values[high_code[nodes_with_values]]
                if numeric_release == "range":
                    cache_text = encoding.label_cache[j]
                    for node in nodes_with_values.tolist():
                        key = (low[node], high[node], bool(has_missing[node]))
                        text = cache_text.get(key)
                        if text is None:
                            lo, hi = key[0], key[1]
                            text = _fmt(lo) if lo == hi else f"[{_fmt(lo)}, {_fmt(hi)}]"
                            text += " or missing" if key[2] else ""
                            cache_text[key] = text
                        labels[node] = text
                elif numeric_release == "midpoint":
                    labels[nodes_with_values] = (low[nodes_with_values] + high[nodes_with_values]) / 2
                else:
                    sums = np.bincount(present_leaf, weights=values[present_code], minlength=n_nodes)
                    counts = np.bincount(present_leaf, minlength=n_nodes)
                    labels[nodes_with_values] = sums[nodes_with_values] / counts[nodes_with_values]
                self.low.append(low)
                self.high.append(high)
                self.pairs.append(None)
            else:
                key = _unique_ints(leaf * (n_values + 1) + code, n_nodes * (n_values + 1))
                pair_leaf, pair_code = key // (n_values + 1), key % (n_values + 1)
                values = np.append(encoding.values[j].astype(object), np.nan)
                per_leaf = np.bincount(pair_leaf, minlength=n_nodes)
                single = per_leaf[pair_leaf] == 1
                labels[pair_leaf[single]] = values[pair_code[single]]
                names = np.array(
                    [str(v) for v in encoding.values[j]] + ["missing"], dtype=object
                )
                several = ~single
                if several.any():
                    cache = encoding.label_cache[j]
                    multi_leaf, multi_code = pair_leaf[several], pair_code[several]
                    boundaries = np.flatnonzero(np.diff(multi_leaf)) + 1
                    starts = np.concatenate(([0], boundaries))
                    ends = np.concatenate((boundaries, [len(multi_leaf)]))
                    code_list = multi_code.tolist()
                    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                        members = tuple(code_list[start:end])
                        text = cache.get(members)
                        if text is None:
                            text = "{" + ", ".join(names[list(members)]) + "}"
                            cache[members] = text
                        labels[multi_leaf[start]] = text
                self.low.append(None)
                self.high.append(None)
                self.pairs.append((pair_leaf, pair_code))
            self.missing.append(has_missing)
            self.labels.append(labels)
        # integer codes of the labels (one code per distinct label), per node
        self.label_code: list[np.ndarray] = []
        self.label_uniques: list[np.ndarray] = []
        leaves = np.flatnonzero(tree.left < 0)
        for labels in self.labels:
            code = np.full(n_nodes, -1, dtype=np.int64)
            codes, uniques = pd.factorize(labels[leaves], use_na_sentinel=False)
            code[leaves] = codes
            self.label_code.append(code)
            self.label_uniques.append(np.asarray(uniques, dtype=object))

    def label_codes(self) -> np.ndarray:
        """Integer code of every input row's released value per column (rows, columns)."""
        if not hasattr(self, "_row_codes"):
            leaf = self.tree.row_leaf
            self._row_codes = np.stack([code[leaf] for code in self.label_code], axis=1)
        return self._row_codes

    def label_values(self, j: int) -> np.ndarray:
        """The released value of each code of column ``j``."""
        return self.label_uniques[j]

    def row_positions(self, index: pd.Index) -> np.ndarray:
        """Input row positions of the given index labels."""
        return self.index.get_indexer(index)

    def codes_for(self, frame: pd.DataFrame, encoded: np.ndarray | None = None) -> np.ndarray:
        """Label codes of raw records mapped onto the release (-1: a suppressed class).

        ``encoded`` may pass ``self.encoding.encode(frame)`` computed earlier.
        """
        leaf = self.tree.route(self.encoding.encode(frame) if encoded is None else encoded)
        out = np.stack([code[leaf] for code in self.label_code], axis=1)
        out[self.tree.suppressed[leaf]] = -1
        return out

    def release(self) -> pd.DataFrame:
        """The released quasi-identifier values of every input row (NaN rows are suppressed)."""
        leaf = self.tree.row_leaf
        return pd.DataFrame(
            {column: self.labels[j][leaf] for j, column in enumerate(self.encoding.columns)}
        )

    def generalize(self, frame: pd.DataFrame) -> pd.DataFrame:
        codes = self.encoding.encode(frame)
        leaf = self.tree.route(codes)
        suppressed = self.tree.suppressed[leaf]
        out = {}
        for j, column in enumerate(self.encoding.columns):
            values = self.labels[j][leaf].copy()
            values[suppressed] = np.nan
            out[column] = values
        return pd.DataFrame(out, index=frame.index)

    def covers(self, column: str, labels: np.ndarray, raw: pd.Series) -> np.ndarray:
        """Boolean matrix: released label ``i`` can stand for raw value ``r``."""
        j = self.encoding.columns.index(column)
        leaves = self.tree.leaves
        leaf_label = self.labels[j][leaves]
        label_index = pd.Index(pd.Series(labels, dtype=object))
        position = label_index.get_indexer(pd.Series(leaf_label, dtype=object))
        matrix = np.zeros((len(labels), len(raw)), dtype=bool)
        keep = position >= 0
        leaves, position = leaves[keep], position[keep]
        raw_missing = raw.isna().to_numpy()
        if self.encoding.numeric[j]:
            values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            low, high = self.low[j][leaves], self.high[j][leaves]
            inside = (low[:, None] <= values[None, :]) & (values[None, :] <= high[:, None])
            inside |= self.missing[j][leaves][:, None] & raw_missing[None, :]
            np.logical_or.at(matrix, position, inside)
        else:
            pair_leaf, pair_code = self.pairs[j]
            node_to_position = np.full(len(self.tree.left), -1)
            node_to_position[leaves] = position
            pair_position = node_to_position[pair_leaf]
            ok = pair_position >= 0
            n_values = len(self.encoding.values[j])
            table = np.zeros((len(labels), n_values + 1), dtype=bool)
            table[pair_position[ok], pair_code[ok]] = True
            raw_codes = self.encoding.encode_column(j, raw)
            unseen = ~raw_missing & (raw_codes == n_values)
            matrix = table[:, raw_codes]
            matrix[:, unseen] = False
        return matrix


class _GlobalRelease:
    """One hierarchy level per column; suppressed classes; how to map raw records onto them."""

    kind = "global"

    def __init__(self, frame: pd.DataFrame, hierarchies: Mapping[str, Hierarchy],
                 levels: Mapping[str, int], suppressed: np.ndarray, numeric_release: str,
                 cache: dict | None = None) -> None:
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

    def _column(self, series: pd.Series, column: str, cache: dict | None = None) -> pd.Series:
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

    def release_values(self, frame: pd.DataFrame, cache: dict | None = None) -> pd.DataFrame:
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

    def _raw_codes(self, frame: pd.DataFrame, cache: dict | None) -> np.ndarray:
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

    def codes_for(self, frame: pd.DataFrame, encoded: np.ndarray | None = None,
                  cache: dict | None = None) -> np.ndarray:
        """Label codes of raw records mapped onto the release (-1: suppressed or unseen).

        ``cache`` keeps generalized labels of ``frame`` across releases (one dict per frame).
        """
        out = self._raw_codes(frame, cache)
        withheld = np.isin(self._class_keys(out), self.suppressed_keys)
        out[withheld] = -1
        return out

    def generalize(self, frame: pd.DataFrame) -> pd.DataFrame:
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


# -- the result ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AnonymizationResult:
    """What :func:`anonymize` did and achieved.

    Attributes
    ----------
    method : {"mondrian", "global"}
    quasi_identifiers : tuple of str
    sensitive : str or None
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
    """

    method: str
    quasi_identifiers: tuple[str, ...]
    sensitive: str | None
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
    release_model: Any = field(repr=False)

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
            raise TypeError(
                "AnonymizationResult.generalize: frame must be a pandas DataFrame of raw records, "
                f"got {type(frame).__name__}."
            )
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
            raise ValueError(
                f"AnonymizationResult.covers: {column!r} is not a quasi-identifier of this "
                f"release ({list(self.quasi_identifiers)}); other columns are released unchanged."
            )
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
        if self.sensitive is not None:
            rows.append((f"l ({self.diversity}, {self.sensitive})",
                         "-" if self.l is None else f"{self.l:g}",
                         self.achieved_l if self.diversity == "distinct"
                         else f"{self.achieved_l_entropy:.3f}"))
            rows.append((f"t ({self.sensitive})", "-" if self.t is None else f"{self.t:g}",
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


# -- anonymize ------------------------------------------------------------------------------


def anonymize(
    data,
    *,
    quasi_identifiers: Sequence[str] | None = None,
    k: int,
    l: float | None = None,  # noqa: E741 - the privacy model's name
    t: float | None = None,
    sensitive: str | None = None,
    method: str = "mondrian",
    max_suppression: float = 0.01,
    diversity: str = "distinct",
    hierarchies: Mapping[str, Hierarchy] | None = None,
    numeric_release: str = "range",
    identifiers: str = "drop",
    drop_recodings: bool = True,
    random_state: int | None = 0,
    ledger=None,
):
    """Release ``data`` so that every record hides in a class of at least ``k`` (l-diverse, t-close).

    Parameters
    ----------
    data : Dataset or DataFrame
        The data to release; never modified.
    quasi_identifiers : list of str, optional
        Columns an attacker could know. Default: the Dataset's quasi-identifiers.
    k : int
        Smallest allowed class size (2 <= k <= rows).
    l : float, optional
        Require ``l`` distinct (or, with ``diversity="entropy"``, entropy-``l``)
        sensitive values in every class.
    t : float, optional
        Require every class's sensitive distribution within Earth Mover's
        Distance ``t`` (0 < t <= 1) of the whole data's.
    sensitive : str, optional
        The sensitive column. Default for a Dataset: its target.
    method : {"mondrian", "global"}
        Mondrian multidimensional partitioning, or the exact full-domain
        search over ``hierarchies`` (ARX's model).
    max_suppression : float
        Largest share of rows that may be withheld (default 1%). Mondrian
        uses it to cut outliers off, the full-domain search to drop classes
        that still break the model. Suppressed rows are counted in the
        result and the ledger.
    diversity : {"distinct", "entropy"}
        Which l-diversity ``l`` refers to.
    hierarchies : dict, optional
        Column -> :class:`Hierarchy`; defaults from :func:`default_hierarchies`
        (Adult's shipped ones where they apply). Mondrian uses categorical
        hierarchies' leaf order to keep related values together.
    numeric_release : {"range", "midpoint", "mean"}
        How numeric quasi-identifiers are released: ``"[lo, hi]"`` text, the
        range midpoint, or (Mondrian) the class mean.
    identifiers : {"drop", "pseudonymize"}
        What happens to the direct identifiers of a Dataset.
    drop_recodings : bool
        Drop columns that recode a quasi-identifier one to one (Adult's
        ``education-num`` recodes ``education``; see :func:`find_recodings`):
        released raw, they would undo its generalization. They add nothing the
        generalized quasi-identifier does not already say.
    random_state : int or None
        Seed of the shuffle of released rows.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/anonymize`` record is appended.

    Returns
    -------
    released : Dataset or DataFrame
        The release (same kind and roles as ``data``), suppressed rows
        removed, rows shuffled, index reset.
    result : AnonymizationResult

    Examples
    --------
    >>> from govkit.anonymization import anonymize
    >>> from govkit.datasets import load_adult
    >>> released, result = anonymize(load_adult(), k=10)
    >>> result.achieved_k >= 10, len(released) + result.suppressed == 32561
    (True, True)
    """
    request = _validate_request(
        data, quasi_identifiers=quasi_identifiers, k=k, l=l, t=t, sensitive=sensitive,
        method=method, max_suppression=max_suppression, diversity=diversity,
        hierarchies=hierarchies, numeric_release=numeric_release, identifiers=identifiers,
        drop_recodings=drop_recodings, random_state=random_state, func="anonymize",
    )
    check_identifiers(data)  # an undeclared e-mail or name column must not reach a release
    released_frame, result = _execute(request)
    dataset = request.dataset
    if dataset is not None:
        kept_ids = tuple(request.id_columns) if identifiers == "pseudonymize" else ()
        released: Any = dataset.replace(
            frame=released_frame,
            identifiers=kept_ids,
            name=f"{dataset.name}-anonymized",
        )
    else:
        released = released_frame
    if ledger is not None:
        ledger.append(
            "anonymization",
            "anonymize",
            parameters={
                "method": result.method,
                "quasi_identifiers": list(result.quasi_identifiers),
                "k": result.k,
                "l": result.l,
                "diversity": result.diversity,
                "t": result.t,
                "sensitive": result.sensitive,
                "max_suppression": result.max_suppression,
                "numeric_release": result.numeric_release,
                "hierarchies": {c: repr(request.hierarchies[c]) for c in result.quasi_identifiers},
                "identifiers": result.identifiers,
                "recoded_columns": result.recodings,
                "recoded_columns_dropped": bool(drop_recodings and result.recodings),
                "random_state": random_state,
            },
            inputs={"data": data if dataset is not None else request.frame},
            outputs={"released": released},
            metrics=result.to_metrics(),
        )
    return released, result


@dataclass(frozen=True, eq=False)
class _Request:
    """A validated anonymization request."""

    frame: pd.DataFrame
    dataset: Dataset | None
    quasi_identifiers: tuple[str, ...]
    k: int
    l: float | None  # noqa: E741
    t: float | None
    sensitive: str | None
    method: str
    max_suppression: float
    diversity: str
    hierarchies: dict[str, Hierarchy]
    numeric_release: str
    identifiers: str
    id_columns: list[str]
    drop_recodings: bool
    random_state: int | None


def _validate_request(
    data, *, quasi_identifiers, k, l, t, sensitive, method, max_suppression,  # noqa: E741
    diversity, hierarchies, numeric_release, identifiers, drop_recodings, random_state, func,
    hierarchies_checked: bool = False,
) -> _Request:
    """Check every argument of :func:`anonymize` (messages name the parameter, value and fix)."""
    frame, dataset = as_frame(data, func)
    if quasi_identifiers is None and dataset is not None:
        quasi_identifiers = dataset.quasi_identifiers
    qis = check_quasi_identifiers(
        frame, quasi_identifiers if quasi_identifiers is not None else (), func,
        why="" if quasi_identifiers is not None else " (and data is not a Dataset with them)",
    )
    k = check_k(k, len(frame), func)
    if method not in METHODS:
        raise ValueError(BAD_METHOD.format(value=method, methods=", ".join(map(repr, METHODS))))
    if numeric_release not in NUMERIC_RELEASES:
        raise ValueError(BAD_NUMERIC_RELEASE.format(value=numeric_release,
                                                    choices=", ".join(map(repr, NUMERIC_RELEASES))))
    if numeric_release == "mean" and method != "mondrian":
        raise ValueError(MEAN_NEEDS_MONDRIAN)
    if identifiers not in IDENTIFIER_ACTIONS:
        raise ValueError(BAD_IDENTIFIERS.format(value=identifiers,
                                                choices=", ".join(map(repr, IDENTIFIER_ACTIONS))))
    if random_state is not None and (isinstance(random_state, bool)
                                     or not isinstance(random_state, (int, np.integer))):
        raise TypeError(BAD_RANDOM_STATE.format(value=random_state))
    max_suppression = check_max_suppression(max_suppression, func)
    if diversity not in ("distinct", "entropy"):
        raise ValueError(BAD_DIVERSITY.format(func=func, value=diversity))
    t = check_t(t, func)
    if sensitive is None and dataset is not None:
        sensitive = dataset.target
    if sensitive is None and (l is not None or t is not None):
        raise ValueError(LT_NEED_SENSITIVE)
    if sensitive is not None:
        sensitive = check_sensitive(frame, sensitive, qis, func, "l-diversity and t-closeness")
        l = check_l(l, diversity, frame[sensitive], sensitive, func)  # noqa: E741
    id_columns = [c for c in dataset.identifiers if c not in qis] if dataset is not None else []
    if hierarchies_checked:  # the caller validated these exact hierarchies against this frame
        chosen = {c: hierarchies[c] for c in qis}
    else:
        chosen = check_hierarchies(hierarchies, frame, qis, func)
    return _Request(
        frame=frame, dataset=dataset, quasi_identifiers=qis, k=k, l=l, t=t, sensitive=sensitive,
        method=method, max_suppression=max_suppression, diversity=diversity, hierarchies=chosen,
        numeric_release=numeric_release, identifiers=identifiers, id_columns=id_columns,
        drop_recodings=bool(drop_recodings), random_state=random_state,
    )


def _sensitive_model(request: _Request):
    """Sensitive codes, their count, the reference distribution and the distance kind."""
    if request.sensitive is None:
        return None, 0, None, False
    codes, n_values, ordered = sensitive_codes(request.frame[request.sensitive])
    reference = np.bincount(codes, minlength=n_values) / len(codes)
    return codes, n_values, reference, ordered


def _execute(
    request: _Request,
    *,
    lattice: Lattice | None = None,
    recodings: dict[str, str] | None = None,
    encodings: dict | None = None,
    columns: Sequence[str] | None = None,
    label_cache: dict | None = None,
) -> tuple[pd.DataFrame, AnonymizationResult]:
    """Run a validated request: generalize, suppress, build and measure the release.

    ``lattice`` (a prepared, caching :class:`Lattice` of the same frame,
    quasi-identifiers and hierarchies), ``recodings`` and ``encodings`` (a
    dict the caller keeps, filled with Mondrian's encodings per
    quasi-identifier set) let the live panel reuse work across calls;
    ``columns`` limits the released frame to the columns the caller shows;
    ``label_cache`` (a dict the caller keeps for this frame) keeps the
    full-domain release's generalized columns per (column, level).
    """
    start = time.perf_counter()
    frame = request.frame
    qis = request.quasi_identifiers
    n = len(frame)
    s_codes, n_values, reference, ordered = _sensitive_model(request)
    l, t, diversity = request.l, request.t, request.diversity  # noqa: E741
    l_distinct = int(l) if (l is not None and diversity == "distinct") else None
    l_entropy = float(l) if (l is not None and diversity == "entropy") else None
    max_suppressed = int(np.floor(request.max_suppression * n + 1e-9))
    constrained = l is not None or t is not None

    levels = level_names = lattice_info = None
    if request.method == "mondrian":
        if encodings is not None and qis in encodings:
            encoding, codes = encodings[qis]
        else:
            encoding = _Encoding(frame, qis, request.hierarchies)
            codes = encoding.encode(frame)
            if encodings is not None:
                encodings[qis] = (encoding, codes)
        tree = mondrian(
            codes, encoding.positions, k=request.k, sensitive=s_codes if constrained else None,
            n_values=n_values, reference=reference, ordered=ordered, l_distinct=l_distinct,
            l_entropy=l_entropy, t=t, max_suppressed=max_suppressed,
            categorical=~np.asarray(encoding.numeric, dtype=bool),
        )
        model: Any = _MondrianRelease(encoding, tree, codes, request.numeric_release,
                                      index=frame.index)
        suppressed_mask = tree.suppressed[tree.row_leaf]
    else:
        if lattice is None:
            lattice = Lattice(frame, request.hierarchies, sensitive=s_codes if constrained else None,
                              n_values=n_values, reference=reference, ordered=ordered)
        found = lattice.search(k=request.k, l_distinct=l_distinct, l_entropy=l_entropy, t=t,
                               max_suppressed=max_suppressed)
        suppressed_mask = found.suppressed
        model = _GlobalRelease(frame, request.hierarchies, found.levels, suppressed_mask,
                               request.numeric_release, cache=label_cache)
        levels = found.levels
        level_names = {c: request.hierarchies[c].level_names[lvl] for c, lvl in levels.items()}
        lattice_info = {"nodes_evaluated": found.nodes_evaluated,
                        "lattice_size": found.lattice_size}

    release_qis = model.release()
    key_source = None
    id_columns = request.id_columns
    if id_columns and request.identifiers == "pseudonymize":
        out, key_source = pseudonymize_frame(frame, id_columns)
    elif id_columns:
        out = frame.drop(columns=id_columns)
    else:
        out = frame
    if recodings is None:
        dataset = request.dataset
        never_dropped = {request.sensitive, dataset.target if dataset is not None else None}
        recodings = {
            column: qi
            for column, qi in find_recodings(frame.drop(columns=id_columns),
                                             quasi_identifiers=qis).items()
            if column not in never_dropped
        }
    if request.drop_recodings and recodings:
        out = out.drop(columns=list(recodings))
    kept_positions = np.flatnonzero(~suppressed_mask)
    rng = np.random.default_rng(request.random_state)
    order = kept_positions[rng.permutation(len(kept_positions))]
    # assemble the release column by column (object columns stay object: no text inference)
    assembled = {}
    for column in out.columns:
        if columns is not None and column not in columns:
            continue
        if column in qis:
            values = release_qis[column].to_numpy()[order]
            dtype = float if column in model.numeric_columns else object
            assembled[column] = pd.Series(values.astype(dtype), dtype=dtype)
        else:
            assembled[column] = out[column].iloc[order].reset_index(drop=True)
    released_frame = pd.DataFrame(assembled)
    source_index = frame.index[order]
    # measure on integer codes of the released values: a one-to-one relabelling, so every
    # measure is the same as on the labels, without hashing text
    label_codes = model.label_codes()[order]
    coded = pd.DataFrame(label_codes, columns=list(qis), index=source_index)
    reference = None
    if request.sensitive is not None:
        coded[request.sensitive] = frame[request.sensitive].to_numpy()[order]
        reference = frame[request.sensitive].value_counts(normalize=True)
    suppressed_count = int(suppressed_mask.sum())
    if request.method == "mondrian":
        # distinct leaves have distinct released values, so the leaves are the classes; and
        # the encoding holds the original values as codes: measure the loss on them
        leaf_ids, leaf_classes = np.unique(model.tree.row_leaf[order], return_inverse=True)
        assessment = assess(coded, quasi_identifiers=qis, sensitive=request.sensitive,
                            k=request.k, t_reference=reference,
                            _classes=(leaf_classes.astype(np.int64), len(leaf_ids)))
        loss = _coded_information_loss(encoding, codes[order], label_codes, suppressed_count)
        assessment = dataclasses.replace(
            assessment,
            information_loss=loss,
            suppressed=suppressed_count,
            discernibility=assessment.discernibility + suppressed_count * n,
        )
    else:
        assessment = assess(coded, quasi_identifiers=qis, sensitive=request.sensitive,
                            k=request.k, t_reference=reference)
        if encodings is not None and qis in encodings:
            encoding, codes = encodings[qis]
        else:
            encoding = _Encoding(frame, qis, request.hierarchies)
            codes = encoding.encode(frame)
            if encodings is not None:
                encodings[qis] = (encoding, codes)
        loss = _coded_information_loss(encoding, codes[order], label_codes, suppressed_count)
        assessment = dataclasses.replace(
            assessment,
            information_loss=loss,
            suppressed=suppressed_count,
            discernibility=assessment.discernibility + suppressed_count * n,
        )
    if request.identifiers == "pseudonymize" and id_columns:
        id_info: dict[str, Any] = {"pseudonymized": id_columns, "key_source": key_source}
    else:
        id_info = {"dropped": id_columns}
    result = AnonymizationResult(
        method=request.method,
        quasi_identifiers=qis,
        sensitive=request.sensitive,
        k=request.k,
        l=l,
        diversity=diversity,
        t=t,
        max_suppression=request.max_suppression,
        numeric_release=request.numeric_release,
        assessment=assessment,
        rows=n,
        suppressed=int(suppressed_mask.sum()),
        levels=levels,
        level_names=level_names,
        classes=assessment.classes,
        lattice=lattice_info,
        identifiers=id_info,
        recodings=dict(recodings),
        source_index=source_index,
        suppressed_index=frame.index[suppressed_mask],
        seconds=time.perf_counter() - start,
        release_model=model,
    )
    return released_frame, result

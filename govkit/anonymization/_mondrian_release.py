"""Mondrian's release: the released values of every leaf, and how raw records map onto them.

A leaf (an equivalence class) releases, per quasi-identifier, the range of its
numbers (``"[lo, hi]"``, its midpoint or its mean) or the set of its
categories (``"{a, b}"``, or the value itself when there is one). New raw
records follow the tree's recorded cuts to a leaf. Implements
:class:`~._release.Release`.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import numpy as np
import pandas as pd

from ._encoding import Encoding, unique_ints
from ._hierarchies import format_number
from ._mondrian import MondrianTree

__all__ = ["MondrianRelease"]


class MondrianRelease:
    """Per-leaf released values of a Mondrian tree, and how to map raw records onto them.

    Parameters
    ----------
    encoding : Encoding
        How the quasi-identifiers were coded for the tree.
    tree : MondrianTree
    codes : ndarray of int
        The input rows' codes (what the tree partitioned).
    numeric_release : {"range", "midpoint", "mean"}
    index : pandas.Index, optional
        The input rows' index labels (default: positions).
    """

    kind = "mondrian"

    def __init__(self, encoding: Encoding, tree: MondrianTree, codes: np.ndarray,
                 numeric_release: str, index: pd.Index | None = None) -> None:
        self.encoding = encoding
        self.tree = tree
        self.numeric_release = numeric_release
        self.index = index if index is not None else pd.RangeIndex(len(codes))
        self.numeric_columns = frozenset(
            c for c, numeric in zip(encoding.columns, encoding.numeric, strict=True)
            if numeric and numeric_release != "range"
        )
        self.labels: list[np.ndarray] = []
        self.low: list[np.ndarray | None] = []
        self.high: list[np.ndarray | None] = []
        self.missing: list[np.ndarray] = []
        self.pairs: list[tuple[np.ndarray, np.ndarray] | None] = []
        rows = np.flatnonzero(~tree.suppressed[tree.row_leaf])  # the released rows
        leaf = tree.row_leaf[rows]
        for j in range(len(encoding.columns)):
            code = codes[rows, j]
            is_missing = code == len(encoding.values[j])
            has_missing = np.bincount(leaf[is_missing], minlength=self.n_nodes) > 0
            if encoding.numeric[j]:
                labels = self._numeric_labels(j, leaf, code, is_missing, has_missing)
            else:
                labels = self._categorical_labels(j, leaf, code)
            self.missing.append(has_missing)
            self.labels.append(labels)
        self.label_code, self.label_uniques = self._code_labels()

    @property
    def n_nodes(self) -> int:
        return len(self.tree.left)

    def _numeric_labels(self, j: int, leaf: np.ndarray, code: np.ndarray, is_missing: np.ndarray,
                        has_missing: np.ndarray) -> np.ndarray:
        """Per node, the released value of numeric column ``j`` (range text, midpoint or mean)."""
        n_nodes = self.n_nodes
        values = self.encoding.values[j]
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
        labels = np.full(n_nodes, np.nan, dtype=object)
        if self.numeric_release == "range":
            cache_text = self.encoding.label_cache[j]
            for node in nodes_with_values.tolist():
                key = (low[node], high[node], bool(has_missing[node]))
                text = cache_text.get(key)
                if text is None:
                    lo, hi = key[0], key[1]
                    text = format_number(lo) if lo == hi else f"[{format_number(lo)}, {format_number(hi)}]"
                    text += " or missing" if key[2] else ""
                    cache_text[key] = text
                labels[node] = text
        elif self.numeric_release == "midpoint":
            labels[nodes_with_values] = (low[nodes_with_values] + high[nodes_with_values]) / 2
        else:
            sums = np.bincount(present_leaf, weights=values[present_code], minlength=n_nodes)
            counts = np.bincount(present_leaf, minlength=n_nodes)
            labels[nodes_with_values] = sums[nodes_with_values] / counts[nodes_with_values]
        self.low.append(low)
        self.high.append(high)
        self.pairs.append(None)
        return labels

    def _categorical_labels(self, j: int, leaf: np.ndarray, code: np.ndarray) -> np.ndarray:
        """Per node, the released value of categorical column ``j``: its one value, or ``{a, b}``."""
        n_nodes = self.n_nodes
        n_values = len(self.encoding.values[j])
        labels = np.full(n_nodes, np.nan, dtype=object)
        key = unique_ints(leaf * (n_values + 1) + code, n_nodes * (n_values + 1))
        pair_leaf, pair_code = key // (n_values + 1), key % (n_values + 1)
        values = np.append(self.encoding.values[j].astype(object), np.nan)
        per_leaf = np.bincount(pair_leaf, minlength=n_nodes)
        single = per_leaf[pair_leaf] == 1
        labels[pair_leaf[single]] = values[pair_code[single]]
        several = ~single
        if several.any():
            names = np.array([str(v) for v in self.encoding.values[j]] + ["missing"], dtype=object)
            cache = self.encoding.label_cache[j]
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
        return labels

    def _code_labels(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Integer codes of the labels (one code per distinct label) per node, and the labels."""
        label_code, label_uniques = [], []
        leaves = np.flatnonzero(self.tree.left < 0)
        for labels in self.labels:
            code = np.full(self.n_nodes, -1, dtype=np.int64)
            codes, uniques = pd.factorize(labels[leaves], use_na_sentinel=False)
            code[leaves] = codes
            label_code.append(code)
            label_uniques.append(np.asarray(uniques, dtype=object))
        return label_code, label_uniques

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

    def codes_for(self, frame: pd.DataFrame, *, encoded: np.ndarray | None = None,
                  cache: MutableMapping | None = None) -> np.ndarray:
        """Label codes of raw records mapped onto the release (-1: a suppressed class).

        ``encoded`` may pass ``self.encoding.encode(frame)`` computed earlier;
        ``cache`` is the full-domain release's and is not used here.
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
        """Raw records routed to their leaf; a suppressed leaf gives missing values."""
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

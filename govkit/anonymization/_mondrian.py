"""Mondrian multidimensional k-anonymity (LeFevre, DeWitt & Ramakrishnan, ICDE 2006).

Mondrian splits the data recursively, like a k-d tree: a partition is cut at
the median of the quasi-identifier in which it is widest (relative to that
column's full range), as long as both halves still satisfy the privacy model;
when no cut on any column is allowed, the partition is final and becomes one
equivalence class. It is "strict" partitioning: rows equal to the median all
go to one side (the side that keeps the halves most balanced).

The privacy model is checked on both halves of every cut: at least ``k``
rows, and optionally ``l``-diverse (distinct or entropy) and ``t``-close
(Earth Mover's Distance to the whole data's sensitive distribution), which is
how Machanavajjhala et al. and Li et al. adapt Mondrian. Both properties
hold on the whole data (checked beforehand), and every cut keeps them, so
every final class satisfies them without suppressing anything.

**Suppression** (``max_suppressed > 0``) lets Mondrian cut further by
withholding a few outlying rows: after the ordinary run, every final class is
offered the cuts that peel off its smallest or largest values in one column,
where the kept side satisfies the model and the peeled side does not. A cut is
taken only when it lowers the information loss (the kept rows' narrower range
outweighs the withheld rows becoming fully lost), those withholding the fewest
rows first, while the total stays within the limit; the kept sides are
partitioned again. This is how a class ``[30, 85]`` with one 85-year-old
becomes ``[30, 34]`` plus one withheld row.

The implementation is level-synchronous: each round cuts *every* open
partition at once with a handful of numpy sorts and ``bincount`` calls
instead of recursing one partition at a time in Python. That is what makes
1,000,000 rows take seconds. Neither anjana nor pycanon implements Mondrian
(anjana generalizes whole columns with hierarchies), and the Mondrian code
published with papers recurses in pure Python; hence this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._assess import class_diversity
from ._encoding import unique_ints
from ._requirements import Requirements

__all__ = ["MondrianTree", "mondrian"]


@dataclass(frozen=True)
class MondrianTree:
    """The cuts Mondrian made, as arrays indexed by node id (the root is 0).

    Attributes
    ----------
    dim : ndarray of int
        Column cut at each internal node (-1 at leaves).
    threshold : ndarray of int
        Rows whose code is ``<= threshold`` go left.
    left, right : ndarray of int
        Child node ids (-1 at leaves).
    suppressed : ndarray of bool
        True for leaves whose rows are withheld.
    row_leaf : ndarray of int
        The leaf each input row ended in.
    """

    dim: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    suppressed: np.ndarray
    row_leaf: np.ndarray

    @property
    def leaves(self) -> np.ndarray:
        """Ids of the leaves that hold released rows."""
        return np.flatnonzero((self.left < 0) & ~self.suppressed & (np.bincount(
            self.row_leaf, minlength=len(self.left)) > 0))

    def route(self, codes: np.ndarray) -> np.ndarray:
        """The leaf each row of ``codes`` (n, d) falls into, following the recorded cuts."""
        node = np.zeros(len(codes), dtype=np.int64)
        open_rows = np.arange(len(codes))
        while open_rows.size:
            current = node[open_rows]
            internal = self.left[current] >= 0
            open_rows, current = open_rows[internal], current[internal]
            if not open_rows.size:
                break
            go_left = codes[open_rows, self.dim[current]] <= self.threshold[current]
            node[open_rows] = np.where(go_left, self.left[current], self.right[current])
        return node


class _Model:
    """The privacy model checked on each side of a cut."""

    def __init__(self, requirements: Requirements) -> None:
        self.requirements = requirements
        self.k = requirements.k
        self.sensitive = requirements.sensitive_codes
        self.uses_sensitive = requirements.uses_sensitive

    def allowed(self, sizes: np.ndarray, hist: np.ndarray | None) -> np.ndarray:
        if hist is None:
            return sizes >= self.k
        requirements = self.requirements
        distinct, entropy, emd = class_diversity(hist, requirements.reference, requirements.ordered)
        return ~requirements.class_fails(sizes, distinct, entropy, emd)

    def sides(self, rows, group, n_groups, go_left):
        """Sizes and allowed flags of the left and right side of a cut of each group."""
        left_size = np.bincount(group, weights=go_left, minlength=n_groups).astype(np.int64)
        size = np.bincount(group, minlength=n_groups)
        right_size = size - left_size
        if self.uses_sensitive:
            s = self.requirements.n_values
            key = (group * 2 + go_left) * s + self.sensitive[rows]
            hist = np.bincount(key, minlength=n_groups * 2 * s).reshape(n_groups, 2, s)
            left_ok = self.allowed(left_size, hist[:, 1])
            right_ok = self.allowed(right_size, hist[:, 0])
        else:
            left_ok = self.allowed(left_size, None)
            right_ok = self.allowed(right_size, None)
        return left_size, right_size, left_ok, right_ok


class _Builder:
    """Grows the tree round by round."""

    def __init__(self, codes, positions, model, categorical=None):
        self.codes = codes
        self.categorical = (np.zeros(codes.shape[1], dtype=bool) if categorical is None
                            else np.asarray(categorical, dtype=bool))
        self.n, self.d = codes.shape
        self.positions = positions
        self.spans = np.array(
            [float(p[-1] - p[0]) if len(p) > 1 else 0.0 for p in positions]
        )
        self.model = model
        capacity = 1024
        self.dim = np.full(capacity, -1, dtype=np.int64)
        self.threshold = np.full(capacity, -1, dtype=np.int64)
        self.left = np.full(capacity, -1, dtype=np.int64)
        self.right = np.full(capacity, -1, dtype=np.int64)
        self.suppressed = np.zeros(capacity, dtype=bool)
        self.n_nodes = 1
        self.row_leaf = np.zeros(self.n, dtype=np.int64)
        self.max_code = int(codes.max()) + 2 if codes.size else 2

    # -- helpers --------------------------------------------------------------------
    def _new_nodes(self, count: int) -> int:
        """Reserve ``count`` node ids (growing the arrays geometrically) and return the first."""
        first = self.n_nodes
        needed = first + count
        if needed > len(self.dim):
            size = max(needed, 2 * len(self.dim))
            for name, fill in (("dim", -1), ("threshold", -1), ("left", -1), ("right", -1)):
                grown = np.full(size, fill, dtype=np.int64)
                grown[: self.n_nodes] = getattr(self, name)[: self.n_nodes]
                setattr(self, name, grown)
            grown = np.zeros(size, dtype=bool)
            grown[: self.n_nodes] = self.suppressed[: self.n_nodes]
            self.suppressed = grown
        self.n_nodes = needed
        return first

    def _cut(self, parents: np.ndarray, dims: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
        """Cut each of ``parents`` on ``dims`` at ``thresholds`` into two new children; return
        the left children's ids (each right child is its left one + 1)."""
        first = self._new_nodes(2 * len(parents))
        left_ids = first + 2 * np.arange(len(parents))
        self.dim[parents] = dims
        self.threshold[parents] = thresholds
        self.left[parents] = left_ids
        self.right[parents] = left_ids + 1
        return left_ids

    def _bounds(self, rows: np.ndarray, group: np.ndarray, n_groups: int):
        """Per group: smallest and largest code per column, and the cut order of the columns."""
        counts = np.bincount(group, minlength=n_groups)
        lo = np.empty((n_groups, self.d), dtype=np.int64)
        hi = np.empty((n_groups, self.d), dtype=np.int64)
        for j in range(self.d):  # 1-d ufunc.at per column: several times faster than a sort
            column = self.codes[rows, j]
            low = np.full(n_groups, np.iinfo(np.int64).max)
            high = np.full(n_groups, -1, dtype=np.int64)
            np.minimum.at(low, group, column)
            np.maximum.at(high, group, column)
            lo[:, j] = low
            hi[:, j] = high
        widths = np.zeros(lo.shape)
        for j in range(self.d):
            if self.spans[j] > 0:
                widths[:, j] = (self.positions[j][hi[:, j]] - self.positions[j][lo[:, j]]) / self.spans[j]
        cut_order = np.argsort(-widths, axis=1, kind="stable")
        splittable = (hi > lo).sum(axis=1)
        return lo, hi, cut_order, splittable, counts

    # -- phase 1: ordinary Mondrian ----------------------------------------------------
    def partition(self, nodes: np.ndarray, rows: np.ndarray, group: np.ndarray) -> None:
        """Partition the rows of ``nodes`` (``group[i]`` = index into nodes of ``rows[i]``)."""
        k = self.model.k
        n_groups = len(nodes)
        if not n_groups:
            return
        _, _, cut_order, splittable, counts = self._bounds(rows, group, n_groups)
        keep = (counts >= 2 * k) & (splittable > 0)
        nodes, rows, group, cut_order, splittable = self._select(
            keep, nodes, rows, group, cut_order, splittable
        )
        attempt = np.zeros(len(nodes), dtype=np.int64)
        while len(nodes):
            n_groups = len(nodes)
            dims = cut_order[np.arange(n_groups), attempt]
            values = self.codes[rows, dims[group]].astype(np.int64)
            key = group.astype(np.int64) * self.max_code + values
            sorted_key = np.sort(key)
            size = np.bincount(group, minlength=n_groups)
            starts = np.concatenate(([0], np.cumsum(size)[:-1]))
            median = sorted_key[starts + (size - 1) // 2] - np.arange(n_groups) * self.max_code
            base = np.arange(n_groups, dtype=np.int64) * self.max_code
            left_a = np.searchsorted(sorted_key, base + median, side="right") - starts
            left_b = np.searchsorted(sorted_key, base + median, side="left") - starts
            ok_a = (left_a >= k) & (size - left_a >= k)
            ok_b = (left_b >= k) & (size - left_b >= k)
            if self.model.uses_sensitive:
                for threshold, ok in ((median, ok_a), (median - 1, ok_b)):
                    if ok.any():
                        go_left = (values <= threshold[group]).astype(np.int64)
                        _, _, left_ok, right_ok = self.model.sides(rows, group, n_groups, go_left)
                        ok &= left_ok & right_ok
            balance_a = np.minimum(left_a, size - left_a)
            balance_b = np.minimum(left_b, size - left_b)
            use_a = ok_a & (~ok_b | (balance_a >= balance_b))
            cut = ok_a | ok_b
            threshold = np.where(use_a, median, median - 1)

            # partitions that cannot be cut on this column try the next one
            attempt = np.where(cut, attempt, attempt + 1)
            waiting = ~cut & (attempt < splittable)

            # record the cuts
            cut_idx = np.flatnonzero(cut)
            if cut_idx.size:
                left_ids = self._cut(nodes[cut_idx], dims[cut_idx], threshold[cut_idx])
                child_of = np.full(n_groups, -1, dtype=np.int64)
                child_of[cut_idx] = np.arange(cut_idx.size)
                in_cut = cut[group]
                cut_rows = rows[in_cut]
                cut_group = group[in_cut]
                goes_left = values[in_cut] <= threshold[cut_group]
                child = 2 * child_of[cut_group] + (~goes_left)
                child_nodes = left_ids.repeat(2) + np.tile([0, 1], cut_idx.size)
                self.row_leaf[cut_rows] = child_nodes[child]
                _, _, child_order, child_splittable, child_counts = self._bounds(
                    cut_rows, child, 2 * cut_idx.size
                )
                child_keep = (child_counts >= 2 * k) & (child_splittable > 0)
            else:
                child_nodes = np.zeros(0, dtype=np.int64)
                child_keep = np.zeros(0, dtype=bool)

            # the next round: waiting partitions plus the new children that can still be cut
            wait_idx = np.flatnonzero(waiting)
            new_local = np.full(n_groups, -1, dtype=np.int64)
            new_local[wait_idx] = np.arange(wait_idx.size)
            in_wait = waiting[group]
            next_rows = [rows[in_wait]]
            next_group = [new_local[group[in_wait]]]
            next_nodes = [nodes[wait_idx]]
            next_order = [cut_order[wait_idx]]
            next_splittable = [splittable[wait_idx]]
            next_attempt = [attempt[wait_idx]]
            if cut_idx.size and child_keep.any():
                keep_idx = np.flatnonzero(child_keep)
                child_local = np.full(child_keep.size, -1, dtype=np.int64)
                child_local[keep_idx] = wait_idx.size + np.arange(keep_idx.size)
                in_keep = child_keep[child]
                next_rows.append(cut_rows[in_keep])
                next_group.append(child_local[child[in_keep]])
                next_nodes.append(child_nodes[keep_idx])
                next_order.append(child_order[keep_idx])
                next_splittable.append(child_splittable[keep_idx])
                next_attempt.append(np.zeros(keep_idx.size, dtype=np.int64))
            rows = np.concatenate(next_rows)
            group = np.concatenate(next_group)
            nodes = np.concatenate(next_nodes)
            cut_order = np.concatenate(next_order)
            splittable = np.concatenate(next_splittable)
            attempt = np.concatenate(next_attempt)

    @staticmethod
    def _select(keep, nodes, rows, group, cut_order, splittable):
        keep_idx = np.flatnonzero(keep)
        local = np.full(keep.size, -1, dtype=np.int64)
        local[keep_idx] = np.arange(keep_idx.size)
        in_keep = keep[group]
        return (nodes[keep_idx], rows[in_keep], local[group[in_keep]], cut_order[keep_idx],
                splittable[keep_idx])

    # -- phase 2: suppression of outlying rows ------------------------------------------
    def _column_loss(self, j: int, rows: np.ndarray, group: np.ndarray, n_groups: int,
                     mask: np.ndarray | None = None) -> np.ndarray:
        """Generalized information loss, per group, of column ``j`` over the (masked) rows.

        Numbers: the range of the group's values over the column's; categories:
        (distinct values - 1) / (column values - 1). The same definition as
        :func:`assess`, so a cut judged to lower it does lower the release's.
        """
        values = self.codes[rows, j]
        if mask is not None:
            values, group = values[mask], group[mask]
        if self.categorical[j]:
            domain = len(self.positions[j])
            if domain <= 1:
                return np.zeros(n_groups)
            pairs = unique_ints(group * domain + values, n_groups * domain)
            distinct = np.bincount(pairs // domain, minlength=n_groups)
            return np.maximum(distinct - 1, 0) / (domain - 1)
        if self.spans[j] <= 0:
            return np.zeros(n_groups)
        low = np.full(n_groups, np.iinfo(np.int64).max)
        high = np.full(n_groups, -1, dtype=np.int64)
        np.minimum.at(low, group, values)
        np.maximum.at(high, group, values)
        present = high >= 0
        out = np.zeros(n_groups)
        out[present] = (self.positions[j][high[present]]
                        - self.positions[j][low[present]]) / self.spans[j]
        return out

    def carve(self, budget: int) -> int:
        """Withhold outlying rows of final classes, where it pays, within ``budget``.

        A cut that withholds ``s`` rows costs them their remaining information
        (each becomes fully lost) and gains the narrower range of the kept
        rows in the cut column. Only cuts whose gain exceeds their cost are
        taken, those withholding the fewest rows first. Returns the rows used.
        """
        used = 0
        fresh_from = 0  # classes older than this had no cut that pays; their rows did not change
        for _ in range(64):  # each pass re-partitions what it kept; a few passes suffice
            if used >= budget:
                break
            left_arr = self.left[: self.n_nodes]
            suppressed = self.suppressed[: self.n_nodes]
            is_open_leaf = (left_arr < 0) & ~suppressed
            is_open_leaf[:fresh_from] = False
            fresh_from = self.n_nodes
            row_ok = is_open_leaf[self.row_leaf]
            rows = np.flatnonzero(row_ok)
            if not rows.size:
                break
            leaf_ids, group = np.unique(self.row_leaf[rows], return_inverse=True)
            n_groups = leaf_ids.size
            lo, hi, _, _, size = self._bounds(rows, group, n_groups)
            column_loss = [self._column_loss(j, rows, group, n_groups) for j in range(self.d)]
            row_loss = sum(column_loss)  # the loss of each row of a class, summed over columns
            best_cost = np.full(n_groups, np.iinfo(np.int64).max)
            best_dim = np.full(n_groups, -1)
            best_threshold = np.zeros(n_groups, dtype=np.int64)
            best_keep_left = np.zeros(n_groups, dtype=bool)
            for j in range(self.d):
                values = self.codes[rows, j].astype(np.int64)
                splittable = hi[:, j] > lo[:, j]
                if not splittable.any():
                    continue
                # peel off the smallest or the largest values; a cut nearer the middle would
                # withhold about half a class, which no narrowing can pay for
                candidates = (lo[:, j], hi[:, j] - 1)
                for threshold in candidates:
                    valid = splittable & (threshold >= lo[:, j]) & (threshold < hi[:, j])
                    if not valid.any():
                        continue
                    go_left = (values <= threshold[group]).astype(np.int64)
                    left_size, right_size, left_ok, right_ok = self.model.sides(
                        rows, group, n_groups, go_left
                    )
                    keep_left = left_ok & ~right_ok & (right_size > 0)
                    keep_right = right_ok & ~left_ok & (left_size > 0)
                    cost = np.where(keep_left, right_size, np.where(keep_right, left_size, -1))
                    # what the kept rows gain in column j, what the withheld rows lose
                    kept_rows = np.where(keep_left[group], go_left == 1, go_left == 0)
                    after = self._column_loss(j, rows, group, n_groups, mask=kept_rows)
                    kept_size = size - np.maximum(cost, 0)
                    gain = kept_size * (column_loss[j] - after)
                    price = np.maximum(cost, 0) * (self.d - row_loss)
                    pays = gain > price
                    better = valid & (cost > 0) & pays & (cost < best_cost)
                    best_cost = np.where(better, cost, best_cost)
                    best_dim = np.where(better, j, best_dim)
                    best_threshold = np.where(better, threshold, best_threshold)
                    best_keep_left = np.where(better, keep_left, best_keep_left)
            candidates_idx = np.flatnonzero(best_dim >= 0)
            if not candidates_idx.size:
                break
            ranked = candidates_idx[np.argsort(best_cost[candidates_idx], kind="stable")]
            cumulative = used + np.cumsum(best_cost[ranked])
            chosen = ranked[cumulative <= budget]
            if not chosen.size:
                break
            used += int(best_cost[chosen].sum())
            left_ids = self._cut(leaf_ids[chosen], best_dim[chosen], best_threshold[chosen])
            keep_left = best_keep_left[chosen]
            self.suppressed[np.where(keep_left, left_ids + 1, left_ids)] = True
            kept_nodes = np.where(keep_left, left_ids, left_ids + 1)
            chosen_mask = np.zeros(n_groups, dtype=bool)
            chosen_mask[chosen] = True
            in_chosen = chosen_mask[group]
            moved = rows[in_chosen]
            moved_group = group[in_chosen]
            dims = best_dim[moved_group]
            goes_left = self.codes[moved, dims] <= best_threshold[moved_group]
            parent = leaf_ids[moved_group]
            left_child = self.left[parent]
            self.row_leaf[moved] = np.where(goes_left, left_child, left_child + 1)
            # partition the kept sides again
            kept = np.asarray(kept_nodes, dtype=np.int64)
            kept_rows = moved[np.isin(self.row_leaf[moved], kept)]
            kept_local = np.searchsorted(np.sort(kept), self.row_leaf[kept_rows])
            self.partition(np.sort(kept), kept_rows, kept_local)
        return used

    def tree(self) -> MondrianTree:
        n = self.n_nodes
        return MondrianTree(
            dim=self.dim[:n].copy(),
            threshold=self.threshold[:n].copy(),
            left=self.left[:n].copy(),
            right=self.right[:n].copy(),
            suppressed=self.suppressed[:n].copy(),
            row_leaf=self.row_leaf.copy(),
        )


def mondrian(
    codes: np.ndarray,
    positions: list[np.ndarray],
    requirements: Requirements,
    *,
    categorical: np.ndarray | None = None,
) -> MondrianTree:
    """Partition rows with Mondrian; the low-level entry point used by :func:`anonymize`.

    Parameters
    ----------
    codes : ndarray of int, shape (n, d)
        Each quasi-identifier encoded as ordered codes ``0..cardinality-1``.
    positions : list of ndarray
        Per column, the position of each code on its scale (numbers: the
        value; categories: the code), used to find the widest column.
    requirements : Requirements
        k, the optional l and t (checked when its ``sensitive_codes`` are
        given), and ``max_suppressed``, the rows that may be withheld to cut
        outliers off.
    categorical : array of bool, optional
        Which columns are categories (their loss counts distinct values, not
        the code range); used to judge whether a suppression pays.

    Returns
    -------
    MondrianTree

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.anonymization._mondrian import mondrian
    >>> from govkit.anonymization._requirements import Requirements
    >>> codes = np.array([[0], [1], [2], [3], [4], [5]])
    >>> tree = mondrian(codes, [np.arange(6.0)], Requirements(k=3))
    >>> np.bincount(tree.row_leaf)[tree.leaves].tolist()
    [3, 3]
    """
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    builder = _Builder(codes, positions, _Model(requirements), categorical)
    rows = np.arange(len(codes))
    builder.partition(np.zeros(1, dtype=np.int64), rows, np.zeros(len(codes), dtype=np.int64))
    if requirements.max_suppressed > 0:
        builder.carve(int(requirements.max_suppressed))
    return builder.tree()

"""Mondrian's tree: classes, routing of new records, suppression."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.anonymization._mondrian import mondrian
from govkit.anonymization._requirements import Requirements


def test_distinct_values_give_classes_between_k_and_2k_minus_1():
    codes = np.arange(100)[:, None]
    tree = mondrian(codes, [np.arange(100.0)], Requirements(k=10))
    sizes = np.bincount(tree.row_leaf)[tree.leaves]
    assert sizes.sum() == 100 and sizes.min() >= 10 and sizes.max() <= 19


def test_the_widest_column_is_cut_first():
    codes = np.column_stack([np.repeat([0, 1], 50), np.arange(100)])
    positions = [np.array([0.0, 1.0]), np.arange(100.0)]
    tree = mondrian(codes, positions, Requirements(k=50))
    # both columns are full width (1.0); ties go to the first; cutting it gives two classes
    assert tree.dim[0] == 0 and len(tree.leaves) == 2


def test_sensitive_constraints_hold_in_every_class():
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 30, (400, 2))
    sensitive = rng.integers(0, 3, 400)
    reference = np.bincount(sensitive, minlength=3) / 400
    tree = mondrian(codes, [np.arange(30.0)] * 2,
                    Requirements(k=5, sensitive_codes=sensitive, n_values=3, reference=reference,
                                 l_distinct=3, t=0.15))
    for leaf in tree.leaves:
        members = sensitive[tree.row_leaf == leaf]
        shares = np.bincount(members, minlength=3) / len(members)
        assert len(members) >= 5 and len(set(members)) == 3
        assert 0.5 * np.abs(shares - reference).sum() <= 0.15 + 1e-12


@settings(max_examples=40, deadline=None)
@given(
    codes=st.integers(20, 120).flatmap(
        lambda n: st.lists(st.tuples(st.integers(0, 9), st.integers(0, 4)), min_size=n, max_size=n)
    ),
    k=st.integers(2, 8),
    budget=st.integers(0, 10),
)
def test_routing_and_suppression_properties(codes, k, budget):
    codes = np.asarray(codes)
    tree = mondrian(codes, [np.arange(10.0), np.arange(5.0)],
                    Requirements(k=k, max_suppressed=budget), categorical=np.array([False, True]))
    # the recorded cuts send every training row to the leaf it ended in
    np.testing.assert_array_equal(tree.route(codes), tree.row_leaf)
    suppressed = tree.suppressed[tree.row_leaf]
    assert suppressed.sum() <= budget
    sizes = np.bincount(tree.row_leaf[~suppressed])
    assert sizes[sizes > 0].min() >= k
    # internal nodes are never leaves of a row
    assert (tree.left[np.unique(tree.row_leaf)] < 0).all()


def test_deterministic():
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 50, (500, 3))
    a = mondrian(codes, [np.arange(50.0)] * 3, Requirements(k=7))
    b = mondrian(codes, [np.arange(50.0)] * 3, Requirements(k=7))
    np.testing.assert_array_equal(a.row_leaf, b.row_leaf)


def test_one_class_when_nothing_can_be_cut():
    codes = np.zeros((5, 1), dtype=int)
    tree = mondrian(codes, [np.array([0.0])], Requirements(k=2))
    assert tree.leaves.tolist() == [0]


@pytest.mark.parametrize("n", [1_000, 5_000])
def test_scales_to_more_rows(n):
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 80, (n, 4))
    tree = mondrian(codes, [np.arange(80.0)] * 4, Requirements(k=10))
    assert np.bincount(tree.row_leaf)[tree.leaves].min() >= 10

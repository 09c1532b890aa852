"""The vectorised bootstrap: resamples, counts and AUC equal the slow, obvious computation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from govkit.fairness._bootstrap import (
    AucPlan,
    auc_from_weights,
    cell_counts,
    percentile_interval,
    rates_from_counts,
    resample_weights,
)


def test_resamples_draw_n_rows_each_and_are_reproducible():
    first = np.vstack(list(resample_weights(50, 7, np.random.default_rng(3))))
    again = np.vstack(list(resample_weights(50, 7, np.random.default_rng(3))))
    assert first.shape == (7, 50)
    assert (first.sum(axis=1) == 50).all()
    assert (first == again).all()
    assert not (first == np.vstack(list(resample_weights(50, 7, np.random.default_rng(4))))).all()


def test_resamples_are_uniform_over_rows():
    weights = np.vstack(list(resample_weights(20, 4000, np.random.default_rng(0))))
    # each row is drawn Binomial(20, 1/20) times: mean 1, variance 0.95
    assert abs(weights.mean() - 1.0) < 0.01
    assert abs(weights.var() - 0.95) < 0.05


def test_blocks_do_not_depend_on_how_many_are_asked_for():
    rng_a, rng_b = np.random.default_rng(1), np.random.default_rng(1)
    few = np.vstack(list(resample_weights(10, 3, rng_a)))
    many = np.vstack(list(resample_weights(10, 3, rng_b)))
    assert (few == many).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=40), st.integers(min_value=0, max_value=10_000))
def test_cell_counts_equal_counting_the_resampled_rows(n, seed):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 3, n)
    y_true, y_pred = rng.integers(0, 2, n), rng.integers(0, 2, n)
    weights = rng.integers(0, 4, (5, n))
    counts = cell_counts(weights, codes, y_true, y_pred, 3)
    for b in range(5):
        rows = np.repeat(np.arange(n), weights[b])
        for g in range(3):
            mine = rows[codes[rows] == g]
            assert counts.rows[b, g] == len(mine)
            assert counts.positives[b, g] == y_true[mine].sum()
            assert counts.true_positives[b, g] == (y_true[mine] & y_pred[mine]).sum()
            assert counts.false_positives[b, g] == ((1 - y_true[mine]) & y_pred[mine]).sum()


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=2, max_value=60), st.integers(min_value=0, max_value=10_000),
       st.integers(min_value=2, max_value=8))
def test_weighted_auc_equals_sklearn_on_the_repeated_rows(n, seed, levels):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    scores = rng.integers(0, levels, n) / levels  # many ties
    weights = rng.integers(0, 3, n)
    rows = np.repeat(np.arange(n), weights)
    value = auc_from_weights(AucPlan.for_rows(np.arange(n), y, scores), weights)[0]
    if len(rows) == 0 or len(set(y[rows])) < 2:
        assert np.isnan(value)
    else:
        assert abs(value - roc_auc_score(y[rows], scores[rows])) < 1e-12


def test_rates_are_nan_where_the_denominator_is_zero():
    from govkit.fairness._bootstrap import Counts

    rates = rates_from_counts(Counts(np.array([5]), np.array([0]), np.array([0]), np.array([0])))
    assert np.isnan(rates["tpr"][0]) and np.isnan(rates["precision"][0])
    assert rates["fpr"][0] == 0.0 and rates["selection_rate"][0] == 0.0


def test_percentile_interval_ignores_undefined_resamples_and_all_nan_columns():
    replicates = np.c_[np.r_[np.arange(99.0), np.nan], np.full(100, np.nan)]
    low, high = percentile_interval(replicates, 0.9)
    assert np.isclose(low[0], np.quantile(np.arange(99.0), 0.05))
    assert np.isclose(high[0], np.quantile(np.arange(99.0), 0.95))
    assert np.isnan(low[1]) and np.isnan(high[1])
    low, high = percentile_interval(np.zeros((0, 2)), 0.95)
    assert np.isnan(low).all()

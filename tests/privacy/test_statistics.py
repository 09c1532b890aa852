"""DP count, sum, mean and histogram through OpenDP, charged to a budget."""

from __future__ import annotations

import math
import warnings
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from govkit.exceptions import BudgetExceededError, PrivacyLeakWarning
from govkit.privacy import (
    PrivacyBudget,
    _statistics,
    dp_count,
    dp_histogram,
    dp_mean,
    dp_sum,
    gaussian_sigma,
)

FRAME = pd.DataFrame({"x": [1.0, 4.0, 7.0, 10.0, 3.0], "g": ["a", "b", "a", "z", None]})


def big_budget(delta=0.0, accountant="pld"):
    return PrivacyBudget(epsilon=1e6, delta=delta, accountant=accountant)


def test_sum_sensitivity_and_scale_come_from_the_public_bounds():
    release = dp_sum(FRAME, "x", bounds=(0, 10), budget=big_budget(), epsilon=0.5)
    assert release.sensitivity == pytest.approx(10.0, rel=1e-6)  # OpenDP adds a float allowance
    assert release.noise_scale == pytest.approx(release.sensitivity / 0.5)
    assert release.noise_std == pytest.approx(math.sqrt(2) * release.noise_scale)


def test_sum_errors_follow_laplace_with_scale_delta_over_epsilon():
    budget = big_budget()
    releases = [dp_sum(FRAME, "x", bounds=(0, 10), budget=budget, epsilon=2.0) for _ in range(300)]
    errors = np.array([r.value for r in releases]) - FRAME["x"].sum()
    scale = releases[0].noise_scale
    assert stats.kstest(errors, stats.laplace(scale=scale).cdf).pvalue > 1e-6
    assert stats.kstest(errors, stats.laplace(scale=2 * 2.0 / 10).cdf).pvalue < 1e-12
    assert len(budget.charges) == 300


def test_gaussian_count_errors_have_the_analytic_sigma():
    budget = big_budget(delta=1e-6, accountant="rdp")  # RDP: fast for 300 Gaussian charges
    releases = [dp_count(FRAME, budget=budget, epsilon=1.0, mechanism="gaussian", delta=1e-7)
                for _ in range(300)]
    sigma = gaussian_sigma(1.0, 1.0, 1e-7)
    assert releases[0].noise_scale == pytest.approx(sigma)
    errors = np.array([r.value for r in releases]) - len(FRAME)
    assert stats.kstest(errors, stats.norm(scale=sigma).cdf).pvalue > 1e-6


@pytest.mark.parametrize("call", [
    lambda b: dp_count(FRAME, budget=b, epsilon=2.0),
    lambda b: dp_sum(FRAME, "x", bounds=(0, 10), budget=b, epsilon=2.0),
    lambda b: dp_mean(FRAME, "x", bounds=(0, 10), budget=b, epsilon=2.0),
    lambda b: dp_histogram(FRAME, "g", categories=["a", "b"], budget=b, epsilon=2.0),
])
def test_refusal_happens_before_any_noise_is_drawn(call):
    budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    with mock.patch.object(_statistics, "_then_noise", wraps=_statistics._then_noise) as noise:
        with pytest.raises(BudgetExceededError, match="no noise was drawn"):
            call(budget)
    noise.assert_not_called()  # the noise measurement was never even built
    assert budget.charges == () and budget.spent_epsilon == 0.0


def test_a_release_that_fits_builds_the_noise_once_and_charges():
    budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    with mock.patch.object(_statistics, "_then_noise", wraps=_statistics._then_noise) as noise:
        dp_count(FRAME, budget=budget, epsilon=0.5)
    assert noise.call_count == 1
    assert budget.spent_epsilon == pytest.approx(0.5, abs=1e-4)


def test_mean_is_clamped_and_splits_epsilon():
    frame = pd.DataFrame({"x": [100.0] * 2000})
    release = dp_mean(frame, "x", bounds=(0, 50), budget=big_budget(), epsilon=5.0)
    assert 45 < release.value <= 50  # clamping bias: the data's 100s count as 50
    assert release.noise_scale == pytest.approx(release.sensitivity / 2.5)
    assert release.count_noise_scale == pytest.approx(1 / 2.5)


def test_mean_costs_its_epsilon_in_total():
    budget = PrivacyBudget(epsilon=1.0, delta=0.0)
    dp_mean(FRAME, "x", bounds=(0, 10), budget=budget, epsilon=0.6)
    assert budget.spent_epsilon == pytest.approx(0.6)


def test_histogram_counts_other_and_missing_bins():
    release = dp_histogram(FRAME, "g", categories=["a", "b"], budget=big_budget(), epsilon=1e4)
    assert release.value.index.tolist() == ["a", "b", "missing", "other"]
    assert release.value.round().tolist() == [2, 1, 1, 1]
    assert release.sensitivity == 1.0


def test_gaussian_histogram():
    release = dp_histogram(FRAME, "g", categories=["a", "b"], budget=big_budget(1e-5, "rdp"),
                           epsilon=300.0, mechanism="gaussian", delta=1e-6)
    assert release.value.round().tolist() == [2, 1, 1, 1]


def test_bounds_from_the_data_warn_without_revealing_them():
    with pytest.warns(PrivacyLeakWarning, match="minimum and maximum were read") as caught:
        release = dp_sum(FRAME, "x", budget=big_budget(), epsilon=1.0)
    assert release.bounds == (1.0, 10.0)
    assert "10" not in str(caught[0].message).split("Fix:")[0].replace("column 'x'", "")
    assert caught[0].filename == __file__  # stacklevel: the warning points at the caller
    with pytest.warns(PrivacyLeakWarning, match="dp_mean: no bounds given") as caught:
        dp_mean(FRAME, "x", budget=big_budget(), epsilon=1.0)
    assert caught[0].filename == __file__


def test_categories_from_the_data_warn():
    with pytest.warns(PrivacyLeakWarning, match="list of values present"):
        dp_histogram(FRAME, "g", budget=big_budget(), epsilon=1.0)


def test_adult_uses_public_bounds_without_warning(adult_test):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        release = dp_mean(adult_test, "hours-per-week", budget=big_budget(), epsilon=1.0)
        histogram = dp_histogram(adult_test, "race", budget=big_budget(), epsilon=1.0)
    assert release.bounds == (1.0, 99.0)
    assert "Amer-Indian-Eskimo" in histogram.value.index


def test_missing_values_need_a_public_fill_value():
    frame = pd.DataFrame({"x": [1.0, None, 3.0]})
    with pytest.raises(ValueError, match=r"column 'x' has 1 missing value.*fill_value=5"):
        dp_sum(frame, "x", bounds=(0, 10), budget=big_budget(), epsilon=1.0)
    release = dp_sum(frame, "x", bounds=(0, 10), fill_value=2.0, budget=big_budget(), epsilon=1e4)
    assert release.value == pytest.approx(6.0, abs=0.1)
    with pytest.raises(ValueError, match="outside bounds"):
        dp_sum(frame, "x", bounds=(0, 10), fill_value=20.0, budget=big_budget(), epsilon=1.0)


def test_inputs_are_not_modified():
    frame = FRAME.copy()
    dp_mean(frame, "x", bounds=(0, 5), budget=big_budget(), epsilon=1.0)
    dp_histogram(frame, "g", categories=["a"], budget=big_budget(), epsilon=1.0)
    pd.testing.assert_frame_equal(frame, FRAME)


@pytest.mark.parametrize("kwargs, message", [
    ({"column": "nope"}, "column 'nope' is not in the data"),
    ({"column": "g"}, "column 'g' has dtype"),
    ({"mechanism": "exponential"}, r"dp_sum: mechanism='exponential' is not one of \('laplace', "
                                   r"'gaussian'\)"),
    ({"mechanism": "laplace", "delta": 1e-6}, "pure epsilon-DP and spends no delta"),
    ({"mechanism": "gaussian"}, "needs delta > 0"),
    ({"epsilon": 0}, "dp_sum: epsilon=0.0"),
    ({"bounds": (5, 5)}, r"bounds=\(5, 5\) are not valid"),
])
def test_bad_arguments_are_named(kwargs, message):
    arguments = {"column": "x", "bounds": (0, 10), "epsilon": 1.0, **kwargs}
    column = arguments.pop("column")
    with pytest.raises(ValueError, match=message):
        dp_sum(FRAME, column, budget=big_budget(1e-5), **arguments)


def test_budget_and_data_types_are_checked():
    with pytest.raises(TypeError, match="explicit budget"):
        dp_count(FRAME, budget=None, epsilon=1.0)
    with pytest.raises(TypeError, match="dp_count: data must be a govkit Dataset or a pandas "
                                        "DataFrame, got list"):
        dp_count([1, 2, 3], budget=big_budget(), epsilon=1.0)
    with pytest.raises(ValueError, match="categories="):
        dp_histogram(FRAME, "g", categories=[], budget=big_budget(), epsilon=1.0)


def test_large_delta_warns():
    with pytest.warns(PrivacyLeakWarning, match="1/n"):
        dp_count(FRAME, budget=big_budget(0.5), epsilon=1.0, mechanism="gaussian", delta=0.3)


def test_ledger_record_carries_the_privacy_accounting(ledger):
    budget = PrivacyBudget(epsilon=2.0, delta=1e-6, name="fixture")
    release = dp_mean(FRAME, "x", bounds=(0, 10), budget=budget, epsilon=0.5, ledger=ledger)
    record = ledger.records()[-1]
    assert (record["stage"], record["operation"]) == ("privacy", "dp_mean")
    parameters, metrics = record["parameters"], record["metrics"]
    assert parameters["epsilon"] == 0.5 and parameters["delta"] == 0.0
    assert parameters["accountant"] == "pld"
    assert parameters["neighbouring_relation"] == "add or remove one record"
    assert parameters["bounds"] == [0.0, 10.0] and parameters["budget_name"] == "fixture"
    assert metrics["released"] == pytest.approx(release.value)
    assert metrics["budget_spent_epsilon"] == pytest.approx(budget.spent_epsilon)
    assert metrics["budget_remaining_epsilon"] == pytest.approx(budget.remaining_epsilon)
    assert len(record["inputs"]["data"]) == 64  # a fingerprint, not data
    assert ledger.verify().ok


def test_data_derived_bounds_and_categories_stay_out_of_the_ledger(ledger):
    with pytest.warns(PrivacyLeakWarning):
        dp_sum(FRAME, "x", budget=big_budget(), epsilon=1.0, ledger=ledger)
    with pytest.warns(PrivacyLeakWarning):
        dp_histogram(FRAME, "g", budget=big_budget(), epsilon=1.0, ledger=ledger)
    sum_record, histogram_record = ledger.records()
    assert sum_record["parameters"]["bounds"] is None
    assert sum_record["parameters"]["bounds_source"].startswith("read from the private data")
    assert isinstance(histogram_record["metrics"]["released"], list)  # no data-derived labels
    assert "z" not in str(histogram_record)

"""PrivacyBudget: validation, tight composition by dp-accounting, refusal before spending."""

from __future__ import annotations

import math

import dp_accounting
import numpy as np
import pytest
from dp_accounting import pld, rdp

from govkit.exceptions import BudgetExceededError, PrivacyLeakWarning
from govkit.privacy import PrivacyBudget, compare_accountants, dpsgd_event, epsilon_of
from govkit.privacy._budget import (
    make_accountant,
    pld_discretization,
    pure_epsilon,
    warn_if_delta_large,
)

LAPLACE_QUARTER = dp_accounting.LaplaceDpEvent(noise_multiplier=4.0)  # epsilon 0.25


@pytest.mark.parametrize("epsilon", [0, -1, math.inf, math.nan])
def test_epsilon_must_be_positive_and_finite(epsilon):
    with pytest.raises(ValueError, match=r"epsilon.*finite number > 0.*epsilon=1.0"):
        PrivacyBudget(epsilon=epsilon, delta=1e-6)


@pytest.mark.parametrize("delta", [-1e-9, 1.0, 2.0, math.nan])
def test_delta_must_lie_in_zero_one(delta):
    with pytest.raises(ValueError, match=r"delta.*\[0, 1\)"):
        PrivacyBudget(epsilon=1.0, delta=delta)


@pytest.mark.parametrize("bad", ["1", None, True])
def test_non_numbers_are_type_errors(bad):
    with pytest.raises(TypeError, match="epsilon"):
        PrivacyBudget(epsilon=bad, delta=1e-6)


def test_both_epsilon_and_delta_are_required():
    with pytest.raises(TypeError):
        PrivacyBudget(epsilon=1.0)  # no hidden default delta
    with pytest.raises(TypeError):
        PrivacyBudget(1.0, 1e-6)  # keyword-only


def test_unknown_accountant_is_refused():
    with pytest.raises(ValueError, match="accountant='moments'"):
        PrivacyBudget(epsilon=1, delta=1e-6, accountant="moments")


def test_composition_equals_a_direct_dp_accounting_computation():
    budget = PrivacyBudget(epsilon=5.0, delta=1e-5)
    events = [
        dp_accounting.LaplaceDpEvent(noise_multiplier=10.0),
        dp_accounting.GaussianDpEvent(noise_multiplier=5.0),
        dpsgd_event(0.01, 1.1, 300),
    ]
    for event in events:
        budget.charge(event, operation="op", epsilon=0.1, mechanism="m")
    direct = pld.PLDAccountant(value_discretization_interval=pld_discretization(5.0))
    direct.compose(dp_accounting.ComposedDpEvent(events))
    assert budget.spent_epsilon == pytest.approx(direct.get_epsilon(1e-5), rel=1e-9)
    assert budget.remaining_epsilon == pytest.approx(5.0 - budget.spent_epsilon)


def test_rdp_budget_uses_the_rdp_accountant():
    budget = PrivacyBudget(epsilon=10.0, delta=1e-5, accountant="rdp")
    event = dpsgd_event(0.01, 1.0, 500)
    budget.charge(event, operation="op", epsilon=1.0, mechanism="m")
    direct = rdp.RdpAccountant()
    direct.compose(event)
    assert budget.spent_epsilon == pytest.approx(direct.get_epsilon(1e-5))


def test_tight_composition_beats_summing_epsilons_for_gaussians():
    budget = PrivacyBudget(epsilon=10.0, delta=1e-6)
    event = dp_accounting.GaussianDpEvent(noise_multiplier=20.0)
    single = epsilon_of(event, 1e-6)
    for _ in range(20):
        budget.charge(event, operation="count", epsilon=single, mechanism="gaussian")
    assert budget.naive_sum_epsilon == pytest.approx(20 * single)
    assert budget.spent_epsilon < 0.3 * budget.naive_sum_epsilon  # ~ sqrt(20) instead of 20


def test_refusal_names_what_is_left_and_changes_nothing():
    budget = PrivacyBudget(epsilon=1.0, delta=1e-6, name="census")
    budget.charge(LAPLACE_QUARTER, operation="dp_count", epsilon=0.25, mechanism="laplace")
    before = (budget.spent_epsilon, len(budget.charges))
    big = dp_accounting.LaplaceDpEvent(noise_multiplier=1.0)  # epsilon 1
    with pytest.raises(BudgetExceededError) as caught:
        budget.charge(big, operation="dp_mean", epsilon=1.0, mechanism="laplace")
    message = str(caught.value)
    assert "dp_mean" in message and "'census'" in message
    assert "0.75 is left" in message and "no noise was drawn" in message
    assert (budget.spent_epsilon, len(budget.charges)) == before


def test_a_budget_smaller_than_one_operation_refuses_it():
    budget = PrivacyBudget(epsilon=0.1, delta=1e-6)
    with pytest.raises(BudgetExceededError, match="0.1 is left"):
        budget.check(dp_accounting.LaplaceDpEvent(noise_multiplier=2.0), operation="dp_sum")


def test_exactly_filling_the_budget_is_allowed():
    budget = PrivacyBudget(epsilon=1.0, delta=0.0)
    for _ in range(4):
        budget.charge(LAPLACE_QUARTER, operation="op", epsilon=0.25, mechanism="laplace")
    assert budget.remaining_epsilon == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(BudgetExceededError):
        budget.charge(LAPLACE_QUARTER, operation="op", epsilon=0.25, mechanism="laplace")


def test_pure_dp_budget_sums_exactly_and_refuses_gaussian_noise():
    budget = PrivacyBudget(epsilon=1.0, delta=0.0)
    budget.charge(LAPLACE_QUARTER, operation="op", epsilon=0.25, mechanism="laplace")
    assert budget.spent_epsilon == 0.25
    with pytest.raises(BudgetExceededError, match="needs delta > 0"):
        budget.check(dp_accounting.GaussianDpEvent(noise_multiplier=100.0), operation="g")


def test_pure_epsilon_of_composed_and_subsampled_events():
    composed = dp_accounting.ComposedDpEvent(
        [LAPLACE_QUARTER, dp_accounting.SelfComposedDpEvent(LAPLACE_QUARTER, 2)]
    )
    assert pure_epsilon(composed) == pytest.approx(0.75)
    sampled = dp_accounting.PoissonSampledDpEvent(0.1, dp_accounting.LaplaceDpEvent(1.0))
    assert pure_epsilon(sampled) == pytest.approx(math.log1p(0.1 * math.expm1(1.0)))
    assert pure_epsilon(dp_accounting.GaussianDpEvent(1.0)) == math.inf


def test_epsilon_after_is_a_preview():
    budget = PrivacyBudget(epsilon=2.0, delta=1e-6)
    after = budget.epsilon_after(LAPLACE_QUARTER)
    assert after == pytest.approx(0.25, abs=1e-4)
    assert budget.spent_epsilon == 0.0 and budget.charges == ()


def test_copy_is_independent():
    budget = PrivacyBudget(epsilon=2.0, delta=1e-6)
    what_if = budget.copy()
    what_if.charge(LAPLACE_QUARTER, operation="op", epsilon=0.25, mechanism="laplace")
    assert budget.spent_epsilon == 0.0 and what_if.spent_epsilon > 0


def test_summary_and_ledger_fields():
    budget = PrivacyBudget(epsilon=2.0, delta=1e-6, name="b")
    charge = budget.charge(LAPLACE_QUARTER, operation="dp_count", epsilon=0.25,
                           mechanism="laplace", sampling="none")
    table = budget.summary()
    assert list(table.columns) == ["operation", "mechanism", "epsilon", "delta",
                                   "composed epsilon", "naive sum", "left"]
    parameters, metrics = charge.ledger_fields(budget)
    for key in ("epsilon", "delta", "mechanism", "accountant", "neighbouring_relation",
                "sampling", "budget_epsilon", "budget_delta"):
        assert key in parameters
    assert parameters["neighbouring_relation"] == "add or remove one record"
    assert set(metrics) == {"epsilon_spent", "delta_spent", "budget_spent_epsilon",
                            "budget_remaining_epsilon", "budget_naive_sum_epsilon"}


def test_charge_needs_an_operation_name_and_an_event():
    budget = PrivacyBudget(epsilon=2.0, delta=1e-6)
    with pytest.raises(ValueError, match="operation"):
        budget.charge(LAPLACE_QUARTER, operation=" ", epsilon=0.25, mechanism="laplace")
    with pytest.raises(TypeError, match="DpEvent"):
        budget.epsilon_after(0.25)


def test_delta_not_far_below_one_over_n_warns():
    with pytest.warns(PrivacyLeakWarning, match=r"1/n.*publishes one random record"):
        warn_if_delta_large(1e-3, 10_000, "test")
    warn_if_delta_large(1e-6, 10_000, "test")  # no warning


def test_design_numbers_for_dp_sgd_accounting():
    """DESIGN.md: N=60,000, batch 256, sigma 1.1, 60 epochs, delta 1e-5."""
    steps = math.ceil(60 * 60_000 / 256)
    event = dpsgd_event(256 / 60_000, 1.1, steps)
    assert epsilon_of(event, 1e-5, accountant="rdp") == pytest.approx(2.60, abs=0.01)
    library_default = make_accountant("pld", epsilon=0.5)  # 1e-4, dp-accounting's default
    library_default.compose(event)
    assert library_default.get_epsilon(1e-5) == pytest.approx(2.38, abs=0.01)
    ours = epsilon_of(event, 1e-5)  # 1e-3 above epsilon 1: pessimistic by at most ~0.01
    assert 2.38 - 0.005 <= ours <= 2.40


def test_discretisation_choice():
    assert pld_discretization(1.0) == 1e-3 and pld_discretization(0.999) == 1e-4
    # the fine interval keeps small epsilons honest: within 2% of a 10x finer computation
    event = dpsgd_event(256 / 32561, 10.27, 1272)
    fine = pld.PLDAccountant(value_discretization_interval=1e-5)
    fine.compose(event)
    assert epsilon_of(event, 1e-6) == pytest.approx(fine.get_epsilon(1e-6), rel=0.02)
    assert np.isfinite(epsilon_of(event, 1e-6))


def test_compare_accountants_orders_the_analyses():
    steps = math.ceil(60 * 60_000 / 256)
    table = compare_accountants(dpsgd_event(256 / 60_000, 1.1, steps), 1e-5)
    assert table["epsilon"].round(2).tolist() == [2.38, 2.60, 3.01]
    assert table["epsilon"].is_monotonic_increasing
    with pytest.raises(TypeError, match="DpEvent"):
        compare_accountants("sgd", 1e-5)


def test_accountant_helpers_check_epsilon():
    with pytest.raises(ValueError, match="pld_discretization: epsilon=-1.0"):
        pld_discretization(-1.0)
    with pytest.raises(ValueError, match="make_accountant: epsilon=0.0"):
        make_accountant("pld", epsilon=0)
    with pytest.raises(ValueError, match="make_accountant: accountant='moments' is not one of"):
        make_accountant("moments")

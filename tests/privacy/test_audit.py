"""Membership-inference audit: attacks, the DP bound, the empirical epsilon lower bound."""

from __future__ import annotations

import math

import numpy as np
import pytest

from govkit.privacy import (
    attack_metrics,
    dp_tpr_bound,
    empirical_epsilon,
    membership_inference_audit,
    plot_attack_roc,
    tpr_at_fpr,
)


def test_dp_bound_formula():
    fpr = np.array([0.0, 0.001, 0.01, 0.5, 1.0])
    bound = dp_tpr_bound(1.0, 1e-5, fpr)
    expected = np.minimum(np.e * fpr + 1e-5, 1 - np.exp(-1.0) * (1 - 1e-5 - fpr))
    np.testing.assert_allclose(bound, np.clip(expected, 0, 1))
    assert bound[2] == pytest.approx(np.e * 0.01 + 1e-5)
    assert bound[-1] == 1.0


def laplace_mechanism_scores(epsilon, n, random_state):
    """Scores of the optimal attack on a Laplace mechanism: a member shifts the output by 1."""
    rng = np.random.default_rng(1000 + random_state)
    b = 1 / epsilon
    return rng.laplace(1.0, b, n), rng.laplace(0.0, b, n)


@pytest.mark.parametrize("epsilon", [0.5, 2.0, 4.0])
def test_the_empirical_bound_never_exceeds_the_true_epsilon(epsilon):
    """Validity: on a mechanism whose epsilon is known, the lower bound stays below it."""
    for random_state in range(3):
        members, others = laplace_mechanism_scores(epsilon, 20_000, random_state)
        assert empirical_epsilon(members, others, random_state=random_state) <= epsilon


@pytest.mark.parametrize("epsilon", [1.0, 4.0])
def test_the_empirical_bound_is_close_to_the_true_epsilon(epsilon):
    """Power: with 20,000 records per side the bound recovers most of a known epsilon."""
    members, others = laplace_mechanism_scores(epsilon, 20_000, 0)
    assert empirical_epsilon(members, others) > 0.8 * epsilon


def test_no_leak_gives_zero():
    rng = np.random.default_rng(1)
    assert empirical_epsilon(rng.normal(size=5000), rng.normal(size=5000)) == 0.0


def test_tpr_at_fpr_and_metrics():
    members, others = [3.0, 2.0, 1.0, 0.0], [0.5, -1.0, -2.0, -3.0]
    assert tpr_at_fpr(members, others, 0.2) == 0.75
    assert tpr_at_fpr(members, others, 0.25) == 1.0
    metrics = attack_metrics(*laplace_mechanism_scores(1.0, 4000, 0))
    assert 0.5 < metrics["attack_auc"] < 0.8
    assert metrics["tpr_at_1%_fpr"] <= dp_tpr_bound(1.0, 0.0, 0.01) + 0.02


@pytest.mark.parametrize("call, message", [
    (lambda: tpr_at_fpr([], [1.0], 0.1), "member_scores must be a non-empty"),
    (lambda: tpr_at_fpr([1.0], [np.nan], 0.1), "nonmember_scores"),
    (lambda: tpr_at_fpr([1.0], [0.0], 1.5), r"tpr_at_fpr: fpr=1.5 is outside \(0, 1\)"),
    (lambda: empirical_epsilon([1.0], [0.0], confidence=95), "confidence=95"),
    (lambda: empirical_epsilon([1.0], [0.0], random_state=-3), "random_state=-3"),
    (lambda: dp_tpr_bound(0, 0, 0.1), "dp_tpr_bound: epsilon=0"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.fixture(scope="module")
def small_audit(small_train, small_test, small_domain):
    return membership_inference_audit(
        small_train, small_test, models=["overfit_forest", "dp_ebm"],
        epsilons=[1.0], n_reference=2, n_jobs=1, domain=small_domain,
    )


def test_audit_table_and_curves(small_audit):
    table = small_audit.table
    assert set(table["attack"]) == {"loss", "calibrated"}
    assert list(table.columns) == ["model", "epsilon", "delta", "attack", "attack_auc",
                                   "tpr_at_1%_fpr", "tpr_at_0.1%_fpr", "epsilon_lower_bound",
                                   "test_auc"]
    forest = table[table["model"] == "overfit_forest"]
    dp = table[table["model"] == "dp_ebm"]
    assert (forest["epsilon"] == math.inf).all() and (dp["epsilon"] == 1.0).all()
    assert forest["attack_auc"].max() > dp["attack_auc"].max()
    assert (dp["epsilon_lower_bound"] <= 1.0).all()  # consistent with its guarantee
    assert set(small_audit.curves) == {(m, e, a) for m, e in [("overfit_forest", math.inf),
                                                              ("dp_ebm", 1.0)]
                                       for a in ("loss", "calibrated")}
    assert small_audit.settings["members"] + small_audit.settings["non_members"] == 1200


def test_audit_ledger_record(small_train, small_test, small_domain, small_audit, ledger):
    membership_inference_audit(small_train, small_test, models=["overfit_forest", "dp_ebm"],
                               epsilons=[1.0], n_reference=2, domain=small_domain, ledger=ledger)
    record = ledger.records()[-1]
    assert record["operation"] == "membership_inference_audit"
    models = record["metrics"]["models"]
    assert set(models) == {"overfit_forest", "dp_ebm@eps=1"}
    for attack in ("loss", "calibrated"):
        assert set(models["dp_ebm@eps=1"][attack]) == {
            "attack_auc", "tpr_at_1pct_fpr", "tpr_at_0.1pct_fpr", "epsilon_lower_bound"}
    assert record["parameters"]["charged_to_budget"] is False


def test_audit_plot(small_audit):
    figure = plot_attack_roc(small_audit)
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert any(label.startswith("best possible attack on (ε=1") for label in labels)
    with pytest.raises(ValueError, match="attack='lira'"):
        plot_attack_roc(small_audit, attack="lira")


def test_audit_arguments(small_train, small_test):
    with pytest.raises(ValueError, match=r"membership_inference_audit: models='svm' is not one of"):
        membership_inference_audit(small_train, small_test, models=["svm"])
    with pytest.raises(ValueError, match=r"membership_inference_audit: n_reference=1 is outside "
                                         r"\[2, inf\)"):
        membership_inference_audit(small_train, small_test, n_reference=1)
    with pytest.raises(ValueError, match="models=\\[\\] is empty"):
        membership_inference_audit(small_train, small_test, models=[])
    with pytest.raises(TypeError, match=r"membership_inference_audit: random_state=True \(bool\)"):
        membership_inference_audit(small_train, small_test, random_state=True)
    tiny = small_train.replace(frame=small_train.frame.head(50))
    with pytest.raises(ValueError, match="at least 200"):
        membership_inference_audit(tiny, small_test)


@pytest.mark.integration
def test_adult_audit_separates_an_overfit_model_from_a_dp_one(adult_train, adult_test):
    audit = membership_inference_audit(adult_train, adult_test,
                                       models=["overfit_forest", "dp_ebm"],
                                       epsilons=[1.0], n_reference=2)
    table = audit.table.set_index(["model", "attack"])
    assert table.loc[("overfit_forest", "calibrated"), "attack_auc"] > 0.6
    assert table.loc[("overfit_forest", "calibrated"), "tpr_at_1%_fpr"] > 0.02
    assert table.loc[("dp_ebm", "calibrated"), "attack_auc"] < 0.53
    assert (table.loc["dp_ebm", "epsilon_lower_bound"] <= 1.0).all()

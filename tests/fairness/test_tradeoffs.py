"""The mitigation sweep, its Pareto front and plot."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from govkit.fairness import mitigate, mitigation_sweep, plot_pareto
from govkit.fairness._tradeoffs import pareto_front

CONFIGURATIONS = [
    ("none", None, None),
    ("unawareness", None, None),
    ("correlation_remover", None, "strong"),
    ("grid_search", "demographic_parity", "medium"),
    ("threshold_optimizer", "demographic_parity", "strong"),
    ("threshold_optimizer", "equalized_odds", None),
]


@pytest.fixture(scope="module")
def sweep(small_train, small_test):
    return mitigation_sweep(small_train, small_test, configurations=CONFIGURATIONS, n_boot=100,
                            grid_size=5, protected="sex")


def test_one_row_per_configuration_with_intervals(sweep):
    results = sweep.results
    assert len(results) == len(CONFIGURATIONS) == len(sweep.models) == len(sweep.reports)
    assert results.index[0] == "no mitigation"
    for name in ("accuracy", "demographic_parity", "equalized_odds"):
        assert (results[f"{name}_lower"] <= results[name] + 1e-12).all()
        assert (results[name] <= results[f"{name}_upper"] + 1e-12).all()
    assert results.loc["ThresholdOptimizer · equalized odds · exact",
                       "uses_sensitive_at_prediction"]
    assert not results.loc["without the protected attribute", "uses_sensitive_at_prediction"]
    assert (results["fit_seconds"] > 0).all()
    assert "fit time (s, cold)" in sweep.table().columns


def test_pareto_front_is_the_set_of_non_dominated_points():
    results = pd.DataFrame({"accuracy": [0.85, 0.84, 0.83, 0.82],
                            "demographic_parity": [0.18, 0.08, 0.10, 0.01]},
                           index=["base", "good", "dominated", "fairest"])
    assert set(pareto_front(results, "demographic_parity")) == {"base", "good", "fairest"}


def test_sweep_front_is_sorted_and_complete(sweep):
    front = sweep.pareto_front("demographic_parity")
    values = sweep.results.loc[front, "demographic_parity"]
    assert values.is_monotonic_increasing
    results = sweep.results
    most_accurate = results[results["accuracy"] == results["accuracy"].max()]
    best_accuracy = most_accurate["demographic_parity"].idxmin()  # ties: the fairer one
    fairest_rows = results[results["demographic_parity"] == results["demographic_parity"].min()]
    fairest = fairest_rows["accuracy"].idxmax()
    assert best_accuracy in front and fairest in front


def test_plot_marks_families_front_and_choice(sweep, small_train, small_test):
    fig = plot_pareto(sweep, disparity="equalized_odds",
                      highlight="ThresholdOptimizer · equalized odds · exact")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Pareto front" in legend and "uses the protected attribute to decide" in legend
    plt.close(fig)
    extra = mitigate("threshold_optimizer", small_train, small_test, protected="sex",
                     constraint="demographic_parity", strength="weak", n_boot=100, grid_size=5)
    fig = plot_pareto(sweep, highlight=extra)
    assert any(t.get_text().startswith("your choice") for t in fig.axes[0].texts)
    plt.close(fig)
    with pytest.raises(ValueError, match=r"highlight: 'nope' is not a configuration"):
        plot_pareto(sweep, highlight="nope")
    with pytest.raises(ValueError, match=r"plot_pareto: disparity='accuracy' is not one of"):
        plot_pareto(sweep, disparity="accuracy")


def test_sweep_is_recorded_and_bad_configurations_refused(small_train, small_test, ledger):
    mitigation_sweep(small_train, small_test, configurations=CONFIGURATIONS[:2], n_boot=50,
                     protected="sex", ledger=ledger)
    (record,) = ledger.records()
    assert record["operation"] == "mitigation_sweep"
    assert [r["label"] for r in record["metrics"]["results"]] == [
        "no mitigation", "without the protected attribute"]
    assert set(record["metrics"]["pareto_front"]) == {"demographic_parity", "equalized_odds"}
    with pytest.raises(ValueError, match=r"configurations: expected a list of \(method"):
        mitigation_sweep(small_train, small_test, configurations=[("none", None)])
    with pytest.raises(ValueError, match=r"mitigation_sweep: method='magic' is not one of"):
        mitigation_sweep(small_train, small_test, configurations=[("magic", None, None)])

"""compare_models: one table of every model's group rates and their paired changes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from govkit.fairness import (
    compare_models,
    evaluate_model,
    fit_mitigated_model,
    plot_model_comparison,
)


@pytest.fixture(scope="module")
def models(small_train):
    return {
        "raw": fit_mitigated_model("none", small_train, protected="sex"),
        "without sex": fit_mitigated_model("unawareness", small_train, protected="sex"),
        "threshold optimizer": fit_mitigated_model("threshold_optimizer", small_train,
                                                   constraint="equalized_odds", protected="sex"),
    }


def test_table_values_and_deltas(models, small_test):
    result = compare_models(models, small_test, protected="sex", n_boot=200)
    assert result.reference == "raw"
    table = result.table
    assert list(table.index.get_level_values("model").unique()) == list(models)
    for name, model in models.items():
        alone = evaluate_model(model, small_test, protected="sex", n_boot=200)
        for group in ("Male", "Female"):
            assert table.loc[(name, group), "fpr"] == alone.groups.loc[group, "fpr"]
            assert table.loc[(name, group), "fpr_lower"] == alone.lower.loc[group, "fpr"]
    raw = table.loc["raw"]
    assert (raw["tpr_delta"] == 0).all() and (raw["tpr_delta_upper"] == 0).all()
    row = table.loc[("threshold optimizer", "Female")]
    assert row["tpr_delta"] == pytest.approx(row["tpr"] - raw.loc["Female", "tpr"])
    assert row["tpr_delta_lower"] <= row["tpr_delta"] <= row["tpr_delta_upper"]
    text = result.deltas("tpr")
    assert text.loc["Female", "threshold optimizer (change, points)"].startswith(("+", "-"))
    assert text.loc["Female", "raw (true positive rate, %)"][0].isdigit()
    assert result.disparity_deltas().shape == (5, 3)
    assert "Compared with raw" in result._repr_html_()


def test_paired_intervals_are_narrower_than_unpaired(models, small_test):
    result = compare_models(models, small_test, protected="sex", n_boot=300)
    row = result.table.loc[("without sex", "overall")]
    paired = row["accuracy_delta_upper"] - row["accuracy_delta_lower"]
    alone = row["accuracy_upper"] - row["accuracy_lower"]
    assert paired < alone  # the two models mostly agree; pairing removes the shared noise


def test_reference_threshold_and_errors(models, small_test):
    result = compare_models(models, small_test, protected=["sex", "race"],
                            reference="without sex", threshold=0.5, n_boot=50)
    assert result.reference == "without sex"
    assert ("raw", "Male × A") in result.table.index
    with pytest.raises(ValueError, match=r"compare_models: reference='best' is not one of"):
        compare_models(models, small_test, protected="sex", reference="best")
    with pytest.raises(TypeError, match=r"models: expected a dict"):
        compare_models(list(models.values()), small_test, protected="sex")
    with pytest.raises(ValueError, match=r"models: the dict is empty"):
        compare_models({}, small_test, protected="sex")
    with pytest.raises(ValueError, match=r"metrics: \['auc'\] are not comparable"):
        compare_models(models, small_test, protected="sex", metrics=("auc",))


def test_plot_and_ledger(models, small_test, ledger):
    result = compare_models(models, small_test, protected="sex", n_boot=100,
                            ledger=ledger)
    fig = plot_model_comparison(result, metrics=("tpr", "fpr", "selection_rate"))
    heatmaps = [ax for ax in fig.axes if ax.get_title()]
    assert len(heatmaps) == 3
    cells = [t.get_text() for t in heatmaps[0].texts]
    assert len(cells) == 3 * 2  # (overall + 2 groups) x 2 other models
    plt.close(fig)
    (record,) = ledger.records()
    assert record["operation"] == "compare_models"
    entry = record["metrics"]["models"]["threshold optimizer"]
    assert set(entry["groups"]) == {"overall", "Male", "Female"}
    assert {"delta", "delta_lower", "delta_upper"} <= set(entry["groups"]["Female"]["fpr"])
    assert set(entry["disparities"]["equalized_odds"]) >= {"difference", "delta"}
    assert set(record["inputs"]) == {"test", "decisions: raw", "decisions: without sex",
                                     "decisions: threshold optimizer"}
    assert np.isfinite(entry["groups"]["overall"]["accuracy"]["value"])

"""Per-group curves and the forest plot: the numbers in the legends are scikit-learn's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from govkit.fairness import GroupCurves, group_report, plot_group_curves, plot_group_report


def _data(n=900, seed=0):
    rng = np.random.default_rng(seed)
    group = pd.Series(rng.choice(["a", "b", "tiny"], n, p=[0.6, 0.39, 0.01]), name="g")
    y = (rng.random(n) < np.where(group == "a", 0.35, 0.2)).astype(int)
    score = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
    return y, score, group


def test_summary_auc_and_ap_are_sklearns():
    y, score, group = _data()
    curves = GroupCurves(y, score, sensitive_features=group)
    for label in ("a", "b"):
        mask = (group == label).to_numpy()
        assert curves.summary.loc[label, "auc"] == roc_auc_score(y[mask], score[mask])
        assert curves.summary.loc[label, "average_precision"] == \
            average_precision_score(y[mask], score[mask])
    assert np.isnan(curves.summary.loc["tiny", "auc"])
    assert "too few for curves" in curves.summary.loc["tiny", "note"]


def test_legends_carry_auc_and_ap():
    y, score, group = _data()
    fig = plot_group_curves(y, score, sensitive_features=group, thresholds=0.5)
    roc, pr, calibration, selection = fig.axes
    mask = (group == "a").to_numpy()
    texts = [t.get_text() for t in roc.get_legend().get_texts()]
    assert any(f"AUC {roc_auc_score(y[mask], score[mask]):.3f}" in t for t in texts)
    assert any(t.startswith("tiny:") for t in texts)
    assert any("AP " in t.get_text() for t in pr.get_legend().get_texts())
    assert calibration.get_xlabel().startswith("mean predicted probability")
    assert selection.get_xlabel() == "decision threshold"
    plt.close(fig)


def test_operating_point_is_the_rate_at_the_threshold():
    y, score, group = _data()
    curves = GroupCurves(y, score, sensitive_features=group)
    point = curves.operating_point("a", 0.6)
    mask = (group == "a").to_numpy()
    chosen = score[mask] >= 0.6
    assert point["selection_rate"] == chosen.mean()
    assert point["tpr"] == chosen[y[mask] == 1].mean()
    assert point["fpr"] == chosen[y[mask] == 0].mean()


def test_selection_rate_curve_falls_with_the_threshold():
    y, score, group = _data()
    fig, ax = plt.subplots()
    GroupCurves(y, score, sensitive_features=group).draw("selection_rate", ax)
    line = ax.get_lines()[0]
    assert np.all(np.diff(line.get_ydata()) <= 0)
    plt.close(fig)


def test_forest_plot_and_bad_arguments():
    y, score, group = _data()
    report = group_report(y, (score >= 0.5).astype(int), score, sensitive_features=group,
                          n_boot=50)
    fig = plot_group_report(report, metrics=("tpr", "auc"), highlight="tpr")
    assert [ax.get_title() for ax in fig.axes] == ["true positive rate (%)", "ROC AUC"]
    plt.close(fig)
    with pytest.raises(ValueError, match=r"metrics: 'count' is not in the report"):
        plot_group_report(report, metrics=("count",))
    with pytest.raises(TypeError, match=r"report must be a GroupReport"):
        plot_group_report(report.groups)
    with pytest.raises(ValueError, match=r"kinds: 'det' is not a curve kind"):
        plot_group_curves(y, score, sensitive_features=group, kinds=("det",))

"""The fairness panels without a browser: pure render functions and the panels' behaviour."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from govkit.fairness import fit_mitigated_model, mitigation_sweep
from govkit.widgets import (
    ThresholdData,
    mitigation_panel,
    parse_group_thresholds,
    render_mitigation,
    render_threshold,
    threshold_panel,
)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    plt.close(fig)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def model(small_train):
    return fit_mitigated_model("none", small_train, protected="sex")


@pytest.fixture(scope="module")
def threshold_data(model, small_test):
    scores = model.predict_proba(small_test.X)[:, 1]
    return ThresholdData(small_test.y.to_numpy(), scores, small_test.frame[["sex", "race"]],
                         name="toy", n_boot=100)


def test_parse_group_thresholds():
    assert parse_group_thresholds(" Female=0.3 ,Male : 0.55 ") == {"Female": 0.3, "Male": 0.55}
    for text, message in [("Female", "not of the form group=threshold"),
                          ("Female=high", "'high' \\(for 'Female'\\) is not a number"),
                          ("Female=1.2", "is not a number between 0 and 1"),
                          ("Female=0.3, Female=0.4", "'Female' is given twice")]:
        with pytest.raises(ValueError, match=message):
            parse_group_thresholds(text)


def test_threshold_render_is_pure(threshold_data):
    inputs = (threshold_data.y_true.copy(), threshold_data.y_score.copy(),
              threshold_data.sensitive_features.copy())
    kwargs = {"threshold": 0.42, "protected": ("sex", "race"), "metric": "fpr",
              "group_thresholds": "Female × A=0.3"}
    first = render_threshold(threshold_data, **kwargs)
    second = render_threshold(threshold_data, **kwargs)
    assert first[0] == second[0]
    pd.testing.assert_frame_equal(first[1].data, second[1].data)
    assert _png(first[2]) == _png(second[2])
    np.testing.assert_array_equal(threshold_data.y_true, inputs[0])
    np.testing.assert_array_equal(threshold_data.y_score, inputs[1])
    pd.testing.assert_frame_equal(threshold_data.sensitive_features, inputs[2])


def test_threshold_render_responds_to_every_control(threshold_data):
    base = {"threshold": 0.5, "protected": ("sex",), "metric": "tpr", "group_thresholds": ""}
    headline, table, fig = render_threshold(threshold_data, **base)
    plt.close(fig)
    assert "score ≥ 0.50" in headline and "demographic parity" in headline
    assert list(table.data.index) == ["overall", "Male", "Female"]
    lower = render_threshold(threshold_data, **{**base, "threshold": 0.3})
    plt.close(lower[2])
    assert lower[1].data.loc["overall", "selection rate"] != table.data.loc["overall", "selection rate"]
    per_group = render_threshold(threshold_data, **{**base, "group_thresholds": "Female=0.2"})
    plt.close(per_group[2])
    assert "Female: ≥ 0.20" in per_group[0]
    assert per_group[1].data.loc["Male", "true positive rate"] == table.data.loc["Male", "true positive rate"]
    assert per_group[1].data.loc["Female", "selection rate"] != table.data.loc["Female", "selection rate"]
    with pytest.raises(ValueError, match=r"'Martian' is not a group of sex"):
        render_threshold(threshold_data, **{**base, "group_thresholds": "Martian=0.2"})
    with pytest.raises(ValueError, match=r"render_threshold: metric='auc' is not one of"):
        render_threshold(threshold_data, **{**base, "metric": "auc"})


def test_threshold_panel(model, small_test, capsys):
    panel = threshold_panel(model, small_test, name="toy", n_boot=100)
    assert "govkit-primary" in panel.controls["threshold"]._dom_classes
    assert [label for label, _ in panel.controls["protected"].options] == ["sex", "race", "sex × race"]
    panel.set(threshold=0.6)
    panel.set(protected=("sex", "race"), metric="precision")
    assert "updated" in panel.status.value
    panel.set(group_thresholds="Nobody=0.3")
    assert "rejected the input" in panel.status.value
    assert len(panel.durations) == 4
    capsys.readouterr()


@pytest.fixture(scope="module")
def sweep(small_train, small_test):
    return mitigation_sweep(small_train, small_test, protected="sex", n_boot=100, grid_size=5,
                            configurations=[
        ("none", None, None),
        ("threshold_optimizer", "equalized_odds", None),
        ("correlation_remover", None, "strong"),
    ])


def test_mitigation_render_is_pure_and_reports_progress(sweep, small_train, small_test):
    calls = []
    kwargs = {"method": "threshold_optimizer", "constraint": "equalized_odds",
              "strength": "strong", "n_boot": 100}
    first = render_mitigation(sweep, small_train, small_test, **kwargs,
                              progress=lambda f, m: calls.append((f, m)))
    second = render_mitigation(sweep, small_train, small_test, **kwargs)
    assert first[0] == second[0]
    assert _png(first[1]) == _png(second[1])
    assert calls and calls[0][0] < calls[-1][0] <= 1
    assert "enforces equalized odds exactly" in first[0]
    assert "<b>use</b> the protected attribute" in first[0]


def test_mitigation_render_new_configuration_and_notes(sweep, small_train, small_test):
    summary, fig = render_mitigation(sweep, small_train, small_test, method="correlation_remover",
                                     constraint="demographic_parity", strength="weak",
                                     n_boot=100)
    assert "takes no fairness constraint" in summary
    assert any(t.get_text().startswith("your choice") for t in fig.axes[0].texts)
    plt.close(fig)
    with pytest.raises(ValueError, match=r"render_mitigation: method='magic' is not one of"):
        render_mitigation(sweep, small_train, small_test, method="magic",
                          constraint="demographic_parity", strength="weak")


def test_mitigation_panel(sweep, small_train, small_test, capsys):
    panel = mitigation_panel(sweep, small_train, small_test, n_boot=100)
    assert "govkit-primary" in panel.controls["method"]._dom_classes
    assert panel.controls["method"].options[0][1] == "none"  # what the browser test moves to
    panel.set(method="none")
    assert "updated" in panel.status.value
    assert panel.progress.layout.visibility == "hidden"
    capsys.readouterr()


def test_threshold_panel_groupings_and_refusals(model, small_test):
    panel = threshold_panel(model, small_test, protected="race", n_boot=20)
    assert [label for label, _ in panel.controls["protected"].options] == ["race"]
    with pytest.raises(ValueError, match=r"threshold_panel: protected column 'gender' is not in "
                                         r"the data"):
        threshold_panel(model, small_test, protected="gender")
    with pytest.raises(TypeError, match=r"threshold_panel: test must be a govkit Dataset"):
        threshold_panel(model, small_test.frame)
    with pytest.raises(TypeError, match=r"threshold_panel: model object has no predict_proba"):
        threshold_panel(object(), small_test)


def test_mitigation_panel_offers_the_stage_vocabulary(sweep, small_train, small_test):
    from govkit.fairness import FAIRNESS_CONSTRAINTS, MITIGATIONS

    panel = mitigation_panel(sweep, small_train, small_test, n_boot=20)
    assert [key for _, key in panel.controls["method"].options] == list(MITIGATIONS)
    assert [key for _, key in panel.controls["constraint"].options] == list(FAIRNESS_CONSTRAINTS)

"""The privacy panels: pure renderers, memoised releases, latency-friendly lookups."""

from __future__ import annotations

import contextlib
import io
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from govkit.exceptions import BudgetExceededError
from govkit.privacy import PrivacyBudget, dp_mean
from govkit.widgets import mechanism_panel, privacy_utility_panel
from govkit.widgets._privacy import (
    MODEL_LABELS,
    release_budget_preview,
    render_privacy_utility,
    render_release,
)


def fake_sweep() -> pd.DataFrame:
    rows = []
    for model, epsilons in [("dp_sgd_logistic", (0.3, 1.0)), ("dp_ebm", (0.3, 1.0)),
                            ("logistic_regression", (math.inf,))]:
        for epsilon in epsilons:
            for seed in (0, 1):
                base = 0.8 if math.isfinite(epsilon) else 0.85
                accuracy = base + 0.01 * seed + (0.02 if epsilon == 1.0 else 0.0)
                rows.append(dict(model=model, epsilon=epsilon, seed=seed, attribute="overall",
                                 group="all", n=100, accuracy=accuracy, tpr=0.6, auc=accuracy + 0.05,
                                 attack_auc=0.5))
                for group, n in (("F", 40), ("M", 60)):
                    rows.append(dict(model=model, epsilon=epsilon, seed=seed, attribute="sex",
                                     group=group, n=n, accuracy=accuracy - 0.01, tpr=0.5,
                                     auc=accuracy, attack_auc=float("nan")))
    return pd.DataFrame(rows)


def figure_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def test_render_privacy_utility_is_pure():
    sweep = fake_sweep()
    before = sweep.copy()
    remaining = {("dp_ebm", 1.0): (1.5, 1.5)}
    first = render_privacy_utility(sweep, model="dp_ebm", epsilon=1.0, remaining=remaining,
                                   budget_epsilon=3.0)
    second = render_privacy_utility(sweep, model="dp_ebm", epsilon=1.0, remaining=remaining,
                                    budget_epsilon=3.0)
    assert first[0] == second[0]
    assert figure_bytes(first[1]) == figure_bytes(second[1])
    pd.testing.assert_frame_equal(sweep, before)
    assert remaining == {("dp_ebm", 1.0): (1.5, 1.5)}


def test_render_privacy_utility_reports_the_numbers():
    text, figure = render_privacy_utility(fake_sweep(), model="dp_sgd_logistic", epsilon=0.3,
                                          remaining={("dp_sgd_logistic", 0.3): (3.2, -0.2)},
                                          budget_epsilon=3.0)
    plt.close(figure)
    assert "80.5%" in text  # mean of 0.80 and 0.81
    assert "(logistic regression (not private): 85.5%)" in text
    assert "over budget by 0.2" in text
    with pytest.raises(ValueError, match="no rows for model='dp_ebm' at epsilon=3.0"):
        render_privacy_utility(fake_sweep(), model="dp_ebm", epsilon=3.0)
    with pytest.raises(ValueError, match="lacking columns"):
        render_privacy_utility(fake_sweep().drop(columns="tpr"), model="dp_ebm", epsilon=1.0)


def test_privacy_utility_panel_moves():
    with contextlib.redirect_stdout(io.StringIO()):
        panel = privacy_utility_panel(fake_sweep())
        assert panel.values == {"epsilon": 1.0, "model": "dp_sgd_logistic"}
        panel.set(epsilon=0.3, model="dp_ebm")
    assert len(panel.durations) == 2
    assert "govkit-primary" in panel.controls["epsilon"]._dom_classes
    assert "more privacy" in panel.controls["epsilon"].description


def test_budget_preview_charges_nothing(small_train, small_domain):
    budget = PrivacyBudget(epsilon=3.0, delta=1e-5)
    preview = release_budget_preview(budget, small_train, ["dp_ebm"], [1.0, 2.0],
                                     domain=small_domain)
    spent, left = preview[("dp_ebm", 1.0)]
    assert 0 < spent <= 1.0 and left == pytest.approx(3.0 - spent)
    assert preview[("dp_ebm", 2.0)][0] > spent
    assert budget.charges == () and budget.spent_epsilon == 0.0


def test_render_release_is_pure(adult_test):
    budget = PrivacyBudget(epsilon=1.0, delta=0.0)
    release = dp_mean(adult_test, "age", budget=budget, epsilon=0.5)
    status = dict(budget.status())
    first = render_release(release, exact=38.7, budget=status)
    second = render_release(release, exact=38.7, budget=status)
    assert first[0] == second[0] and figure_bytes(first[1]) == figure_bytes(second[1])
    assert status == dict(budget.status())
    assert "0.5 left" in first[0] and "non-private answer" in first[0]
    with pytest.raises(TypeError, match="DPRelease"):
        render_release(0.5)


def test_mechanism_panel_memoises_releases(adult_test):
    budget = PrivacyBudget(epsilon=2.0, delta=0.0)
    with contextlib.redirect_stdout(io.StringIO()):
        panel = mechanism_panel(adult_test, budget=budget, epsilons=(0.1, 0.5))
        spent = budget.spent_epsilon
        output = panel.render(**panel.values)
        again = panel.render(**panel.values)
    assert output[0] == again[0]  # same setting: the same release, shown again
    assert budget.spent_epsilon == spent == pytest.approx(0.5)
    with contextlib.redirect_stdout(io.StringIO()):
        panel.set(epsilon=0.1)
        panel.set(query="count", column="hours-per-week")
        panel.set(column="age")  # a count ignores the column: no new release
    assert len(panel.releases) == 3
    assert budget.spent_epsilon == pytest.approx(0.7)


def test_mechanism_panel_reports_an_exhausted_budget(adult_test):
    budget = PrivacyBudget(epsilon=0.6, delta=0.0)
    with contextlib.redirect_stdout(io.StringIO()):
        panel = mechanism_panel(adult_test, budget=budget, epsilons=(0.1, 0.5))
        with pytest.raises(BudgetExceededError):
            panel.render(epsilon=0.5, query="sum", column="age", bounds="public range")
        panel.set(query="sum")  # the panel shows the refusal instead of a traceback
    assert "rejected the input" in panel.status.value


def test_mechanism_panel_bounds_choices_change_the_clamp(adult_test):
    budget = PrivacyBudget(epsilon=5.0, delta=0.0)
    with contextlib.redirect_stdout(io.StringIO()):
        panel = mechanism_panel(adult_test, budget=budget, epsilons=(1.0,))
        panel.set(bounds="too narrow: the middle half of the public range")
        panel.set(bounds="too wide: ten times the public range")
    bounds = sorted({release.bounds for release, _, _ in panel.releases.values()})
    assert bounds == [(17.0, 90.0), (17.0, 747.0), (35.25, 71.75)]
    narrow = [r for r, _, _ in panel.releases.values() if r.bounds == (35.25, 71.75)][0]
    assert narrow.value > adult_test.frame["age"].mean()  # clamping biases the mean upwards
    assert np.isfinite(narrow.margin_95)


def test_mechanism_panel_arguments(adult_test):
    with pytest.raises(TypeError, match="PrivacyBudget"):
        mechanism_panel(adult_test, budget=None)


def test_the_panels_offer_the_privacy_stages_own_model_vocabulary():
    from govkit.models import MODEL_KINDS
    from govkit.privacy import PRIVATE_MODELS

    assert set(MODEL_LABELS) == {*PRIVATE_MODELS, *MODEL_KINDS}
    with contextlib.redirect_stdout(io.StringIO()):
        panel = privacy_utility_panel(fake_sweep())
    offered = [value for _, value in panel.controls["model"].options]
    assert offered == [m for m in PRIVATE_MODELS if m in {"dp_sgd_logistic", "dp_ebm"}]


def test_group_labels_in_chinese_draw_without_missing_glyphs():
    import matplotlib

    sweep = fake_sweep()
    sweep["group"] = sweep["group"].replace({"F": "女", "M": "男"})
    sweep["attribute"] = sweep["attribute"].replace({"sex": "性别"})
    matplotlib.rcdefaults()  # no CJK font unless the renderer adds it
    _, figure = render_privacy_utility(sweep, model="dp_ebm", epsilon=1.0)
    assert len(figure_bytes(figure)) > 0

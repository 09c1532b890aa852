"""group_report and ThresholdExplorer: fairlearn's numbers, honest intervals, pure functions."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equal_opportunity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

from govkit.fairness import ThresholdExplorer, evaluate_model, group_report


def _synthetic(n=800, random_state=0):
    rng = np.random.default_rng(random_state)
    group = pd.Series(rng.choice(["a", "b", "c"], n, p=[0.5, 0.35, 0.15]), name="group")
    y = (rng.random(n) < np.where(group == "a", 0.35, 0.2)).astype(int)
    score = np.clip(0.35 * y + 0.65 * rng.random(n), 0, 1)
    return y, score, group


def _same_report(first, second, *, exact=True):
    compare = np.testing.assert_array_equal if exact else np.testing.assert_allclose
    for name in ("groups", "lower", "upper", "overall"):
        compare(getattr(first, name).to_numpy(dtype=float), getattr(second, name).to_numpy(dtype=float))
    numeric = [c for c in first.disparities.columns
               if c not in ("highest_group", "lowest_group", "driven_by")]
    compare(first.disparities[numeric].to_numpy(dtype=float),
            second.disparities[numeric].to_numpy(dtype=float))
    assert first.undefined.equals(second.undefined)


def test_reproducible_and_seed_dependent():
    y, score, group = _synthetic()
    pred = (score >= 0.5).astype(int)
    first = group_report(y, pred, score, sensitive_features=group, n_boot=200, random_state=3)
    _same_report(first, group_report(y, pred, score, sensitive_features=group, n_boot=200,
                                     random_state=3))
    other = group_report(y, pred, score, sensitive_features=group, n_boot=200, random_state=4)
    assert not np.allclose(first.lower.drop(columns="count").to_numpy(float),
                           other.lower.drop(columns="count").to_numpy(float), equal_nan=True)


def test_inputs_are_not_modified():
    y, score, group = _synthetic()
    y_series = pd.Series(y, name="y")
    frame = pd.DataFrame({"group": group, "other": np.where(y == 1, "x", "z")})
    copies = (y_series.copy(), score.copy(), frame.copy())
    group_report(y_series, (score > 0.5).astype(int), score, sensitive_features=frame, n_boot=20)
    pd.testing.assert_series_equal(y_series, copies[0])
    np.testing.assert_array_equal(score, copies[1])
    pd.testing.assert_frame_equal(frame, copies[2])


def test_every_value_lies_in_its_interval_and_groups_are_largest_first():
    y, score, group = _synthetic()
    report = group_report(y, (score >= 0.5).astype(int), score, sensitive_features=group,
                          n_boot=300)
    assert report.groups.index.tolist() == ["a", "b", "c"]
    rates = report.groups.drop(columns="count")
    assert (report.lower.drop(columns="count") <= rates + 1e-12).all().all()
    assert (rates <= report.upper.drop(columns="count") + 1e-12).all().all()
    assert report.table().index[0] == "overall"
    assert set(report.to_frame()["group"]) == {"overall", "a", "b", "c"}
    assert "Disparities between groups" in report._repr_html_()


def test_no_bootstrap_gives_values_without_intervals():
    y, score, group = _synthetic()
    report = group_report(y, (score >= 0.5).astype(int), sensitive_features=group, n_boot=0)
    assert report.lower.isna().all().all() and "auc" not in report.groups
    assert report.table().loc["a", "selection rate"].endswith("%")


def test_small_denominators_are_undefined_with_the_reason():
    y, score, group = _synthetic(n=400, random_state=5)
    pred = (score >= 0.8).astype(int)  # few predicted positives in small groups
    report = group_report(y, pred, score, sensitive_features=group, n_boot=50, min_count=15)
    for row in report.undefined.itertuples():
        assert np.isnan(report.groups.loc[row.group, row.metric]) if row.group != "overall" else True
        assert "fewer than min_count=15" in row.reason
    positives = pd.Series(pred).groupby(group.to_numpy()).sum()
    for name, predicted in positives.items():
        assert np.isnan(report.groups.loc[name, "precision"]) == (predicted < 15)


def test_threshold_explorer_equals_group_report():
    y, score, group = _synthetic(n=900, random_state=2)
    explorer = ThresholdExplorer(y, score, sensitive_features=group, n_boot=150, random_state=7)
    for threshold, per_group in [(0.5, None), (0.3, None), (0.5, {"c": 0.2, "a": 0.7})]:
        decisions = explorer.decisions(threshold, per_group)
        expected = group_report(y, decisions, score, sensitive_features=group, n_boot=150,
                                random_state=7)
        _same_report(explorer.report(threshold, per_group), expected)
    with pytest.raises(ValueError, match=r"'z' is not a group of group; the groups are"):
        explorer.report(0.5, {"z": 0.3})
    with pytest.raises(ValueError, match=r"threshold=1.5 is outside \[0, 1\]"):
        explorer.report(1.5)


def test_intervals_cover_the_truth_at_the_nominal_rate():
    """Coverage by simulation: a population with known group rates, 200 samples of 1,500 rows."""
    base = {"a": 0.30, "b": 0.15}
    tpr = {"a": 0.70, "b": 0.55}
    fpr = {"a": 0.10, "b": 0.05}
    share_a = 0.6
    selection = {g: base[g] * tpr[g] + (1 - base[g]) * fpr[g] for g in base}
    truth = {("a", "selection_rate"): selection["a"], ("b", "selection_rate"): selection["b"],
             ("a", "tpr"): tpr["a"], ("b", "tpr"): tpr["b"],
             ("a", "fpr"): fpr["a"], ("b", "fpr"): fpr["b"]}
    true_gap = selection["a"] - selection["b"]
    rng = np.random.default_rng(2026)
    hits = {key: 0 for key in truth}
    gap_hits = 0
    simulations = 200
    for _ in range(simulations):
        n = 1500
        group = np.where(rng.random(n) < share_a, "a", "b")
        y = (rng.random(n) < np.where(group == "a", base["a"], base["b"])).astype(int)
        hit_rate = np.where(y == 1, np.where(group == "a", tpr["a"], tpr["b"]),
                            np.where(group == "a", fpr["a"], fpr["b"]))
        pred = (rng.random(n) < hit_rate).astype(int)
        report = group_report(y, pred, sensitive_features=group, n_boot=300,
                              random_state=int(rng.integers(1 << 30)))
        for (g, metric), value in truth.items():
            hits[(g, metric)] += report.lower.loc[g, metric] <= value <= report.upper.loc[g, metric]
        row = report.disparities.loc["demographic_parity"]
        gap_hits += row["difference_lower"] <= true_gap <= row["difference_upper"]
    for key, count_ in hits.items():
        assert 0.89 <= count_ / simulations <= 0.99, (key, count_ / simulations)
    assert 0.89 <= gap_hits / simulations <= 0.99, gap_hits / simulations


def test_ledger_record_carries_groups_intervals_and_disparities(ledger):
    y, score, group = _synthetic()
    group_report(y, (score >= 0.5).astype(int), score, sensitive_features=group, n_boot=50,
                 name="toy model", ledger=ledger)
    (record,) = ledger.records()
    assert (record["stage"], record["operation"]) == ("fairness", "group_report")
    assert record["parameters"]["name"] == "toy model"
    assert record["parameters"]["sensitive_features"] == ["group"]
    assert set(record["inputs"]) == {"y_true", "y_pred", "y_score"}
    metrics = record["metrics"]
    assert set(metrics["groups"]) == {"a", "b", "c"}
    interval = metrics["groups"]["a"]["tpr"]
    assert interval["lower"] <= interval["value"] <= interval["upper"]
    assert set(metrics["disparities"]) == {"demographic_parity", "equal_opportunity",
                                           "equalized_odds", "predictive_parity",
                                           "accuracy_parity"}
    assert json.loads(json.dumps(metrics)) == metrics
    assert ledger.verify().ok


# -- Adult: the numbers are fairlearn's ---------------------------------------------------

FAIRLEARN_METRICS = {
    "count": count,
    "selection_rate": selection_rate,
    "accuracy": accuracy_score,
    "tpr": true_positive_rate,
    "fpr": false_positive_rate,
    "precision": lambda y, p: precision_score(y, p, zero_division=np.nan),
    "base_rate": lambda y, p: np.mean(y),
}


@pytest.mark.integration
@pytest.mark.parametrize("columns", [["sex"], ["race"], ["sex", "race"]])
def test_every_number_equals_fairlearn_on_adult(adult_test, adult_scores, columns):
    y = adult_test.y
    pred = (adult_scores >= 0.5).astype(int)
    sensitive = adult_test.frame[columns]
    report = group_report(y, pred, adult_scores, sensitive_features=sensitive, n_boot=20,
                          min_count=1)
    frame = MetricFrame(metrics=FAIRLEARN_METRICS, y_true=y, y_pred=pred,
                        sensitive_features=sensitive)
    auc = MetricFrame(metrics=roc_auc_score, y_true=y, y_pred=adult_scores,
                      sensitive_features=sensitive)
    expected = frame.by_group
    expected.index = [" × ".join(k) if isinstance(k, tuple) else k for k in expected.index]
    expected["auc"] = auc.by_group.to_numpy()
    for metric in FAIRLEARN_METRICS:
        got = report.groups[metric]
        assert got.to_dict() == pytest.approx(expected.loc[got.index, metric].astype(float).to_dict(),
                                              rel=0, abs=0), metric
        assert report.overall.loc[metric, "value"] == pytest.approx(float(frame.overall[metric]),
                                                                    rel=0, abs=0)
    np.testing.assert_allclose(report.groups["auc"], expected.loc[report.groups.index, "auc"],
                               rtol=0, atol=1e-15)
    assert report.overall.loc["auc", "value"] == roc_auc_score(y, adult_scores)
    d = report.disparities
    kwargs = {"sensitive_features": sensitive}
    assert d.loc["demographic_parity", "difference"] == demographic_parity_difference(y, pred, **kwargs)
    assert d.loc["demographic_parity", "ratio"] == demographic_parity_ratio(y, pred, **kwargs)
    assert d.loc["equal_opportunity", "difference"] == equal_opportunity_difference(y, pred, **kwargs)
    assert d.loc["equal_opportunity", "ratio"] == equal_opportunity_ratio(y, pred, **kwargs)
    assert d.loc["equalized_odds", "difference"] == equalized_odds_difference(y, pred, **kwargs)
    assert d.loc["equalized_odds", "ratio"] == equalized_odds_ratio(y, pred, **kwargs)
    # fairlearn's own MetricFrame comes with the report, on the same inputs
    native = report.metric_frame.by_group
    assert native["selection_rate"].to_numpy() == pytest.approx(
        frame.by_group["selection_rate"].to_numpy(), abs=0)


@pytest.mark.integration
def test_adult_small_groups_show_their_uncertainty(adult_model, adult_test):
    report = evaluate_model(adult_model, adult_test, protected=["sex", "race"],
                            threshold=0.5, name="logistic regression")
    width = (report.upper - report.lower)["selection_rate"]
    assert width["Female × Other"] > 5 * width["Male × White"]
    # metrics from fewer than 10 cases are undefined, with the count in the reason
    reasons = report.undefined.set_index(["group", "metric"])["reason"]
    assert reasons[("Female × Amer-Indian-Eskimo", "tpr")] == \
        "only 3 actual positives (fewer than min_count=10)"
    assert np.isnan(report.groups.loc["Female × Other", "tpr"])
    race = evaluate_model(adult_model, adult_test, protected="race", threshold=0.5)
    assert race.undefined["group"].tolist() == ["Amer-Indian-Eskimo"]  # 8 predicted positives
    assert np.isfinite(race.groups.loc["Other"].drop("precision")).all()  # wide but defined
    other = race.upper.loc["Other", "tpr"] - race.lower.loc["Other", "tpr"]
    assert other > 0.3


@pytest.mark.integration
def test_adult_explorer_matches_group_report(adult_scores, adult_test):
    sensitive = adult_test.frame[["sex", "race"]]
    explorer = ThresholdExplorer(adult_test.y, adult_scores, sensitive_features=sensitive,
                                 n_boot=200)
    for threshold in (0.3, 0.62):
        expected = group_report(adult_test.y, (adult_scores >= threshold).astype(int),
                                adult_scores, sensitive_features=sensitive, n_boot=200)
        _same_report(explorer.report(threshold), expected)


# -- evaluate_model keeps seeded reports in the workspace cache ---------------------------

class _CountingModel:
    """A fixed-score classifier that counts its predict_proba calls."""

    def __init__(self, frame):
        self.calls = 0
        self.score = np.clip(0.3 * (frame["sex"] == "Male") + 0.7 * (frame["signal"] > 0.5),
                             0, 1).to_numpy(dtype=float)

    def predict_proba(self, X):
        self.calls += 1
        return np.column_stack([1 - self.score[: len(X)], self.score[: len(X)]])


def test_evaluate_model_cache_hit_equals_a_fresh_report_and_warns_alike(small_test, ledger,
                                                                         monkeypatch):
    from govkit.exceptions import SmallGroupWarning
    from govkit.fairness import _evaluate

    computed = []
    real = _evaluate.compute_report
    monkeypatch.setattr(_evaluate, "compute_report",
                        lambda *a, **k: computed.append(1) or real(*a, **k))
    model = _CountingModel(small_test.frame)
    settings = dict(protected=["sex", "race"], n_boot=80, min_count=60,
                    name="cache test", random_state=11)
    with pytest.warns(SmallGroupWarning, match="fewer than min_count=60"):
        first = evaluate_model(model, small_test, **settings)
    with pytest.warns(SmallGroupWarning, match="fewer than min_count=60"):  # replayed on a hit
        second = evaluate_model(model, small_test, ledger=ledger, **settings)
    assert len(computed) == 1 and model.calls == 2  # scored twice, bootstrapped once
    _same_report(first, second)
    np.testing.assert_array_equal(first.replicates["tpr"], second.replicates["tpr"])
    assert [r["operation"] for r in ledger.records()] == ["group_report"]  # recorded on a hit
    # other decisions, settings or an unseeded report are computed afresh
    with pytest.warns(SmallGroupWarning):
        evaluate_model(model, small_test, threshold=0.6, **settings)
    with pytest.warns(SmallGroupWarning):
        evaluate_model(model, small_test, **{**settings, "n_boot": 81})
    with pytest.warns(SmallGroupWarning):
        evaluate_model(model, small_test, **{**settings, "random_state": None})
        evaluate_model(model, small_test, **{**settings, "random_state": None})
    assert len(computed) == 5


# -- SmallGroupWarning points at the line that called govkit ----------------------------

def test_small_group_warning_points_at_the_caller(small_test):
    """The warning names this test file, whichever public function assembled the report.

    Before, group_report's warning pointed one frame too shallow (into govkit), and the
    cached path of evaluate_model pointed at its own replay.
    """
    from govkit.exceptions import SmallGroupWarning

    y, score, group = _synthetic(n=300, random_state=4)
    group = group.where(np.arange(300) >= 5, "tiny")  # a group of 5 rows
    with pytest.warns(SmallGroupWarning) as record:
        group_report(y, (score >= 0.5).astype(int), sensitive_features=group, n_boot=10)
    assert record[0].filename == __file__
    explorer = ThresholdExplorer(y, score, sensitive_features=group, n_boot=10)
    with pytest.warns(SmallGroupWarning) as record:
        explorer.report(0.4)
    assert record[0].filename == __file__

    class Scores:
        def predict_proba(self, X):
            p = np.linspace(0.05, 0.95, len(X))
            return np.column_stack([1 - p, p])

    settings = dict(protected=["sex", "race"], n_boot=10, min_count=80, random_state=21,
                    name="stacklevel test")
    for _ in ("computed", "read back from the cache"):
        with pytest.warns(SmallGroupWarning) as record:
            evaluate_model(Scores(), small_test, **settings)
        assert record[0].filename == __file__

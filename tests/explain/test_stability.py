"""LIME's stability across seeds and sample sizes."""

from __future__ import annotations

import pytest

from govkit.explain import TabularLime, lime_stability
from govkit.explain._stability import _jaccard, _metrics


def test_jaccard_and_metrics_by_hand():
    import pandas as pd

    assert _jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    matrix = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [0.5, -0.5, 0.5], "c": [0.1, 0.2, 0.9]})
    result = _metrics(matrix, top_k=1, fidelity=[0.5, 0.7, 0.9])
    # top-1 per seed: a, a, a  -> every pair agrees... except seed 3 where c (0.9) < a (1.0): still a
    assert result["top_k_jaccard"] == 1.0
    assert result["sign_flips"] == pytest.approx(1 / 3)  # only b changes sign
    assert result["weight_spread"] == pytest.approx(matrix.std().mean())
    assert result["mean_fidelity"] == pytest.approx(0.7)


@pytest.fixture(scope="module")
def people_lime(people, people_models):
    return TabularLime(people_models["gradient_boosting"], people)


def test_more_samples_make_lime_more_stable(people, people_lime, ledger):
    result = lime_stability(people_lime, people, rows=[0], seeds=range(10),
                            num_samples=(100, 1000), top_k=3, ledger=ledger)
    summary = result.summary
    assert summary.index.tolist() == [100, 1000]
    # the spread of a weight across seeds falls roughly like 1/sqrt(samples): sqrt(10) ~ 3.2x
    assert summary.loc[1000, "weight_spread"] < summary.loc[100, "weight_spread"] / 2
    assert summary.loc[1000, "top_k_jaccard"] >= summary.loc[100, "top_k_jaccard"]
    assert len(result.per_row) == 2
    assert len(result.weights) == 2 * 10 * len(people.feature_names)
    assert result.seeds == list(range(10)) and result.top_k == 3
    (record,) = ledger.records()
    assert record["parameters"]["top_k"] == 3 and "k" not in record["parameters"]
    assert record["operation"] == "lime_stability"
    assert record["parameters"]["seeds"] == list(range(10))
    assert record["parameters"]["num_samples"] == [100, 1000]
    assert record["metrics"]["1000"]["top_k_jaccard"] == pytest.approx(summary.loc[1000, "top_k_jaccard"])


def test_stability_is_itself_reproducible(people, people_lime):
    one = lime_stability(people_lime, people, rows=[3], seeds=[0, 1, 2], num_samples=[200])
    two = lime_stability(people_lime, people, rows=[3], seeds=[0, 1, 2], num_samples=[200])
    assert one.summary.equals(two.summary)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"seeds": [0]}, ValueError, "at least 2 seeds"),
        ({"num_samples": [5]}, ValueError, "num_samples must be whole numbers >= 10"),
        ({"num_samples": []}, ValueError, "num_samples must be whole numbers >= 10"),
        ({"top_k": 0}, ValueError, r"lime_stability: top_k=0 is outside \[1, inf\)"),
        ({"seeds": [0, True]}, TypeError, "lime_stability: seeds must be a whole number"),
        ({"seeds": [0, -1]}, ValueError, r"lime_stability: seeds=-1 is outside \[0, inf\)"),
        ({"rows": [999]}, ValueError, "row 999 is out of range"),
    ],
)
def test_bad_input(people, people_lime, kwargs, error, message):
    arguments = {"rows": [0], "seeds": [0, 1], "num_samples": [100]} | kwargs
    with pytest.raises(error, match=message):
        lime_stability(people_lime, people, **arguments)


def test_explainer_must_be_tabular_lime(people, people_models):
    with pytest.raises(TypeError, match="expected a govkit.explain.TabularLime"):
        lime_stability(people_models["gradient_boosting"], people, rows=[0])


@pytest.mark.integration
def test_lime_on_adult_stabilises_with_more_samples(adult_models, adult_train, adult_test):
    lime = TabularLime(adult_models["gradient_boosting"], adult_train)
    result = lime_stability(lime, adult_test, rows=[0], seeds=range(10), num_samples=(300, 3000))
    summary = result.summary
    assert summary.loc[3000, "weight_spread"] < summary.loc[300, "weight_spread"] / 2
    assert summary.loc[3000, "top_k_jaccard"] >= summary.loc[300, "top_k_jaccard"]


def test_top_k_is_capped_at_the_number_of_features(people, people_lime):
    result = lime_stability(people_lime, people, rows=[0], seeds=[0, 1], num_samples=[100],
                            top_k=99)
    assert result.top_k == len(people.feature_names)


def test_the_old_keyword_k_and_attribute_k_warn(people, people_lime):
    with pytest.warns(FutureWarning, match="the keyword k= is now top_k="):
        result = lime_stability(people_lime, people, rows=[0], seeds=[0, 1], num_samples=[100],
                                k=2)
    assert result.top_k == 2
    with pytest.warns(FutureWarning, match=r"StabilityResult.k is now StabilityResult.top_k"):
        assert result.k == 2

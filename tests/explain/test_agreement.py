"""The disagreement metrics of Krishna et al. (2022), and LIME-vs-SHAP agreement on rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.explain import (
    AGREEMENT_METRICS,
    TabularLime,
    agreement,
    explain_lime,
    explain_shap,
    lime_shap_agreement,
)

FEATURES = ["a", "b", "c", "d", "e"]


def test_identical_explanations_agree_fully():
    values = pd.Series([0.5, -0.4, 0.3, -0.2, 0.1], index=FEATURES)
    result = agreement(values, values * 3, top_k=3)
    assert result == pytest.approx(dict.fromkeys(AGREEMENT_METRICS, 1.0))
    assert all(type(value) is float for value in result.values())


def test_a_worked_example_by_hand():
    a = pd.Series({"a": 0.9, "b": -0.5, "c": 0.3, "d": 0.05, "e": 0.0})
    b = pd.Series({"a": 0.2, "b": 0.6, "c": -0.1, "d": 0.4, "e": 0.01})
    # top-3 of a: a, b, c; of b: b, d, a  -> common {a, b}: feature agreement 2/3
    # same position: none (a vs b, b vs d, c vs a)  -> rank agreement 0
    # common with the same sign: a (+,+); b is (-,+)  -> sign agreement 1/3
    result = agreement(a, b, top_k=3)
    assert result["feature_agreement"] == pytest.approx(2 / 3)
    assert result["rank_agreement"] == 0.0
    assert result["sign_agreement"] == pytest.approx(1 / 3)
    assert result["signed_rank_agreement"] == 0.0
    # |a| ranks 5,4,3,2,1 ; |b| ranks 3,5,2,4,1 -> d² sums to 10 -> spearman 1 - 60/120 = 0.5
    assert result["rank_correlation"] == pytest.approx(0.5)
    # pairs ordered the same way: 7 of 10
    assert result["pairwise_rank_agreement"] == pytest.approx(0.7)


def test_order_of_the_index_does_not_matter():
    a = pd.Series({"a": 0.9, "b": -0.5, "c": 0.3})
    b = pd.Series({"c": 0.1, "a": 0.8, "b": -0.2})
    assert agreement(a, b, top_k=2)["signed_rank_agreement"] == 1.0


def test_constant_explanation_has_no_rank_correlation():
    a = pd.Series([0.0, 0.0, 0.0], index=["a", "b", "c"])
    b = pd.Series([0.3, 0.2, 0.1], index=["a", "b", "c"])
    assert math.isnan(agreement(a, b, top_k=1)["rank_correlation"])


attributions = st.lists(
    st.floats(min_value=-5, max_value=5, allow_nan=False), min_size=5, max_size=5
)


@settings(max_examples=60, deadline=None)
@given(attributions, attributions, st.integers(min_value=1, max_value=5))
def test_metrics_are_bounded_and_ordered(x, y, k):
    a, b = pd.Series(x, index=FEATURES), pd.Series(y, index=FEATURES)
    result = agreement(a, b, top_k=k)
    for name in AGREEMENT_METRICS:
        value = result[name]
        if name == "rank_correlation":
            assert math.isnan(value) or -1 - 1e-12 <= value <= 1 + 1e-12
        else:
            assert 0 <= value <= 1
    # each stricter metric is at most the looser one
    assert result["signed_rank_agreement"] <= result["rank_agreement"] <= result["feature_agreement"]
    assert result["sign_agreement"] <= result["feature_agreement"]
    assert result["signed_rank_agreement"] <= result["sign_agreement"]


@settings(max_examples=40, deadline=None)
@given(attributions, attributions)
def test_feature_agreement_is_symmetric(x, y):
    a, b = pd.Series(x, index=FEATURES), pd.Series(y, index=FEATURES)
    assert agreement(a, b, top_k=3)["feature_agreement"] == agreement(b, a, top_k=3)["feature_agreement"]


def test_bad_input():
    a = pd.Series({"a": 1.0, "b": 2.0})
    with pytest.raises(ValueError, match=r"only in a: \['b'\]; only in b: \['c'\]"):
        agreement(a, pd.Series({"a": 1.0, "c": 2.0}))
    with pytest.raises(ValueError, match="top_k=3 is larger than the number of features"):
        agreement(a, a, top_k=3)
    with pytest.raises(TypeError, match="pandas Series of attributions"):
        agreement([1.0, 2.0], a)


@pytest.fixture(scope="module")
def gb_explained(people, people_models):
    model = people_models["gradient_boosting"]
    shap_values = explain_shap(model, people, cache=False, name="gradient boosting")
    lime = explain_lime(TabularLime(model, people), people, rows=range(10), num_samples=1000,
                        random_state=0)
    return shap_values, lime


def test_lime_shap_agreement_per_row_and_summary(gb_explained, ledger):
    shap_values, lime = gb_explained
    result = lime_shap_agreement(shap_values, lime, top_k=3, ledger=ledger)
    assert result.per_row.index.equals(lime.weights.index)
    assert list(result.per_row.columns) == [*AGREEMENT_METRICS, "fidelity"]
    first = result.per_row.iloc[0]
    direct = agreement(shap_values.values.iloc[0], lime.weights.iloc[0], top_k=3)
    assert first["feature_agreement"] == direct["feature_agreement"]
    assert result.summary["rank_correlation"] == pytest.approx(result.per_row["rank_correlation"].mean())
    table = result.by_fidelity(0.5)
    assert table["rows"].sum() == 10
    (record,) = ledger.records()
    assert record["operation"] == "lime_shap_agreement"
    assert record["parameters"]["shap_explainer"] == "TreeExplainer"
    assert record["parameters"]["lime"]["random_state"] == 0
    assert record["parameters"]["lime"]["num_samples"] == 1000
    assert record["metrics"]["feature_agreement"] == pytest.approx(result.summary["feature_agreement"])
    assert len(record["metrics"]["shap_top_features"]) == 5


def test_on_the_synthetic_population_the_two_agree_on_what_matters(gb_explained):
    """age and job drive the outcome: both methods should put them near the top most of the time."""
    shap_values, lime = gb_explained
    result = lime_shap_agreement(shap_values, lime, top_k=3)
    assert result.summary["feature_agreement"] >= 0.5
    assert result.summary["pairwise_rank_agreement"] > 0.5


def test_rows_lime_explained_but_shap_did_not(people, people_models, gb_explained):
    _, lime = gb_explained
    partial = explain_shap(people_models["gradient_boosting"], people, rows=[0, 1], cache=False)
    with pytest.raises(ValueError, match="8 row\\(s\\) that the SHAP explanation does not cover"):
        lime_shap_agreement(partial, lime)
    with pytest.raises(TypeError, match="expected a govkit ShapExplanation"):
        lime_shap_agreement(lime, lime)
    with pytest.raises(TypeError, match="expected a govkit LimeResult"):
        lime_shap_agreement(partial, partial)


@pytest.mark.integration
def test_agreement_on_adult(adult_models, adult_train, adult_test):
    model = adult_models["gradient_boosting"]
    rows = list(range(0, 400, 50))
    shap_values = explain_shap(model, adult_test, rows=rows, cache=False)
    lime = explain_lime(TabularLime(model, adult_train), adult_test, rows=rows, random_state=0)
    result = lime_shap_agreement(shap_values, lime, top_k=5)
    assert len(result.per_row) == 8
    summary = result.summary
    # measured here: feature agreement ~0.6, sign agreement ~0.6, rank agreement ~0.1
    assert 0.3 <= summary["feature_agreement"] <= 0.95
    assert summary["rank_agreement"] < summary["feature_agreement"]
    assert np.isfinite(summary["rank_correlation"])


def test_lime_shap_agreement_caps_top_k_at_the_number_of_features(gb_explained, ledger):
    """Before: top_k above the feature count raised from agreement(); compare_importances capped."""
    shap_values, lime = gb_explained
    features = len(shap_values.values.columns)
    result = lime_shap_agreement(shap_values, lime, top_k=features + 10, ledger=ledger)
    assert result.top_k == features
    assert result.parameters["top_k"] == features
    assert ledger.records()[0]["parameters"]["top_k"] == features
    # every feature is in both top sets: full feature agreement on every row
    assert (result.per_row["feature_agreement"] == 1.0).all()
    with pytest.raises(ValueError, match=r"lime_shap_agreement: top_k=0 is outside \[1, inf\)"):
        lime_shap_agreement(shap_values, lime, top_k=0)


def test_the_old_keyword_k_and_attribute_k_warn(gb_explained):
    shap_values, lime = gb_explained
    with pytest.warns(FutureWarning, match="lime_shap_agreement: the keyword k= is now top_k="):
        result = lime_shap_agreement(shap_values, lime, k=2)
    with pytest.warns(FutureWarning, match=r"AgreementResult.k is now AgreementResult.top_k"):
        assert result.k == 2
    a = pd.Series({"x": 1.0, "y": -2.0})
    with pytest.warns(FutureWarning, match="agreement: the keyword k= is now top_k="):
        assert agreement(a, a, k=1) == agreement(a, a, top_k=1)
    with pytest.raises(TypeError, match="pass top_k= only"):
        agreement(a, a, k=1, top_k=1)

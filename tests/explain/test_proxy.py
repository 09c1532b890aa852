"""Proxies: association with a protected attribute beside importance, and importance by group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.explain import (
    ShapExplanation,
    explain_shap,
    feature_association,
    group_importance,
    proxy_analysis,
)
from govkit.ledger import fingerprint


def _explanation(values: dict, features: pd.DataFrame) -> ShapExplanation:
    frame = pd.DataFrame(values, index=features.index)
    return ShapExplanation(frame, 0.0, frame.sum(axis=1), features, "log_odds", "TreeExplainer",
                           "", "demo")


def test_a_perfect_proxy_has_v_one_and_an_independent_feature_v_near_zero():
    rng = np.random.default_rng(0)
    sex = rng.choice(["F", "M"], 2000)
    frame = pd.DataFrame({
        "sex": sex,
        "relationship": np.where(sex == "F", "Wife", "Husband"),
        "noise": rng.choice(["x", "y", "z"], 2000),
        "age": rng.integers(18, 80, 2000),
    })
    association = feature_association(frame, protected="sex")
    assert association["relationship"] == pytest.approx(1.0)
    assert association["noise"] < 0.08
    assert association["age"] < 0.1
    assert "sex" not in association.index
    assert association.index[0] == "relationship"


def test_a_number_dominated_by_one_value_is_split_at_that_value():
    """capital-gain is 0 for most people: quantile bins collapse; 0 vs the rest still measures."""
    sex = np.array(["F", "M"] * 500)
    gain = np.where((sex == "M") & (np.arange(1000) % 4 == 1), np.arange(1000) * 10, 0)
    frame = pd.DataFrame({"sex": sex, "gain": gain})
    assert feature_association(frame, protected="sex")["gain"] > 0.4


def test_missing_values_are_a_category():
    frame = pd.DataFrame({"sex": ["F", "M"] * 50, "job": [None, "a"] * 50})
    assert feature_association(frame, protected="sex")["job"] == pytest.approx(1.0)


def test_group_importance_by_hand():
    features = pd.DataFrame({"a": [1, 2, 3, 4], "b": [0, 0, 0, 0]}, index=[10, 11, 12, 13])
    explanation = _explanation({"a": [1.0, -3.0, 2.0, 0.0], "b": [0.5, 0.1, 0.3, 0.1]}, features)
    groups = pd.Series(["F", "M", "F", "M"], index=[10, 11, 12, 13], name="sex")
    table = group_importance(explanation, sensitive_features=groups)
    assert table.loc["F", "a"] == pytest.approx(1.5)
    assert table.loc["M", "a"] == pytest.approx(1.5)
    assert table.loc["F", "b"] == pytest.approx(0.4)
    assert table["rows"].to_dict() == {"F": 2, "M": 2}
    assert table.index.name == "sex"
    # a Series is aligned by index, not position
    shuffled = groups.iloc[[3, 2, 1, 0]]
    assert group_importance(explanation, sensitive_features=shuffled).equals(table)


def test_group_importance_bad_input():
    features = pd.DataFrame({"a": [1, 2]})
    explanation = _explanation({"a": [1.0, 2.0]}, features)
    with pytest.raises(ValueError, match="has 3 values but the explanation has 2 rows"):
        group_importance(explanation, sensitive_features=["F", "M", "F"])
    with pytest.raises(ValueError, match="1 of the explained rows have no group"):
        group_importance(explanation, sensitive_features=pd.Series(["F"], index=[0]))
    with pytest.raises(TypeError, match="expected a govkit ShapExplanation"):
        group_importance(features, sensitive_features=["F", "M"])


def test_proxy_analysis_shares_and_roles(ledger):
    frame = pd.DataFrame({"sex": ["F", "M"] * 4, "relationship": ["Wife", "Husband"] * 4,
                          "age": [20, 20, 30, 30] * 2})
    explanation = _explanation(
        {"sex": [0.5, -0.5] * 4, "relationship": [1.0, -1.0] * 4, "age": [0.5] * 8},
        frame,
    )
    result = proxy_analysis(explanation, frame, protected="sex", ledger=ledger)
    assert result.direct_share == pytest.approx(0.25)
    assert result.proxy_share == pytest.approx(0.5)
    assert result.table.loc["sex", "role"] == "protected"
    assert result.table.loc["relationship", "role"] == "proxy"
    assert result.table.loc["age", "role"] == ""
    assert result.table["importance_share"].sum() == pytest.approx(1.0)
    (record,) = ledger.records()
    assert record["operation"] == "proxy_analysis"
    assert record["metrics"]["proxy_features"] == ["relationship"]
    assert record["parameters"]["association_measure"].startswith("Cramér's V")
    assert record["metrics"]["group_rows"] == {"F": 4, "M": 4}


def test_proxy_analysis_bad_input():
    frame = pd.DataFrame({"sex": ["F", "M"], "a": [1, 2]})
    explanation = _explanation({"a": [1.0, 2.0]}, frame[["a"]])
    with pytest.raises(ValueError, match="proxy_analysis: protected='Sex' is not a column of the "
                                         "data .did you mean 'sex'.*sex, a"):
        proxy_analysis(explanation, frame, protected="Sex")
    with pytest.raises(ValueError, match=r"proxy_analysis: threshold=1.5 is outside \[0, 1\]"):
        proxy_analysis(explanation, frame, protected="sex", threshold=1.5)
    with pytest.raises(TypeError, match="proxy_analysis: data must be a govkit Dataset or a pandas "
                                        "DataFrame"):
        proxy_analysis(explanation, [1, 2], protected="sex")
    with pytest.raises(ValueError, match="protected=None means the Dataset's protected attribute, "
                                         "but data is a DataFrame"):
        proxy_analysis(explanation, frame)
    with pytest.raises(TypeError, match="protected must be the name of one column"):
        proxy_analysis(explanation, frame, protected=["sex"])


def test_protected_defaults_to_the_datasets_protected_attribute(people, people_models):
    explanation = explain_shap(people_models["gradient_boosting"], people, rows=range(50),
                               cache=False)
    assert proxy_analysis(explanation, people).protected == "sex"
    assert feature_association(people).name == "association with sex"
    two = people.replace(protected=("sex", "relationship"))
    with pytest.raises(ValueError, match=r"data.protected is \['sex', 'relationship'\]; pass one "
                                         r"of them, e.g. protected='sex'"):
        feature_association(two)


def test_proxy_analysis_when_the_protected_attribute_is_not_a_model_feature(people):
    """A model trained without sex (data.exclude) can still rely on sex's proxies. Before, the
    Dataset's frame was cut to the model's features and the protected column was 'not in the
    data'."""
    from govkit.models import fit_model

    blind = people.replace(exclude=("sex",))
    model = fit_model("logistic_regression", blind)
    explanation = explain_shap(model, blind, rows=range(100), cache=False)
    assert "sex" not in explanation.values.columns
    result = proxy_analysis(explanation, blind, protected="sex")
    assert result.direct_share == 0.0
    assert "sex" not in result.table.index
    assert result.table.loc["relationship", "role"] == "proxy"
    assert result.proxy_share > 0
    assert set(result.by_group.index) == {"Female", "Male"}
    assert result.by_group["rows"].sum() == 100
    association = feature_association(blind)  # protected=None: blind.protected, still 'sex'
    assert association.index[0] == "relationship" and "income" not in association.index


def test_inputs_are_not_modified(people, people_models):
    frame = people.frame
    before = fingerprint(frame)
    explanation = explain_shap(people_models["gradient_boosting"], people, cache=False)
    proxy_analysis(explanation, people, protected="sex")
    assert fingerprint(frame) == before


def test_synthetic_relationship_is_flagged_as_a_proxy_for_sex(people, people_models):
    explanation = explain_shap(people_models["gradient_boosting"], people, cache=False)
    result = proxy_analysis(explanation, people, protected="sex")
    assert result.table.loc["relationship", "role"] == "proxy"
    assert result.table.loc["relationship", "association"] > 0.7
    assert result.table.loc["job", "association"] < 0.2
    assert set(result.by_group.index) == {"Female", "Male"}


@pytest.mark.integration
def test_relationship_and_marital_status_are_proxies_for_sex_on_adult(adult_models, adult_train,
                                                                      adult_test):
    association = feature_association(adult_train, protected="sex")
    assert association.index[0] == "relationship"
    assert 0.6 < association["relationship"] < 0.7  # measured: 0.649
    assert association["marital-status"] > 0.4
    assert association["fnlwgt"] < 0.1
    explanation = explain_shap(adult_models["gradient_boosting"], adult_test, rows=slice(0, 2000),
                               cache=False)
    result = proxy_analysis(explanation, adult_test, protected="sex")
    assert {"relationship", "marital-status"} <= set(result.table.index[result.table["role"] == "proxy"])
    assert result.proxy_share > result.direct_share  # more reliance through proxies than directly
    assert result.by_group["rows"].sum() == 2000

"""The exercise checkers of notebook 04: right answers pass, wrong ones get a useful hint."""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.check import lime_spread_exercise, strongest_proxy_exercise, top_feature_exercise
from govkit.explain import ShapExplanation, StabilityResult, explain_shap


@pytest.fixture(scope="module")
def explanation(people, people_models):
    return explain_shap(people_models["gradient_boosting"], people, cache=False)


def test_top_feature(explanation):
    top = explanation.importance().index[0]
    assert top_feature_exercise(explanation, top).ok
    assert top_feature_exercise(explanation, f"  {top} ").ok
    assert "Replace None" in top_feature_exercise(explanation, None).message
    second = explanation.importance().index[1]
    assert "ranks 2 of" in top_feature_exercise(explanation, second).message
    assert "one-hot column" in top_feature_exercise(explanation, "job_engineer").message
    assert "not a feature" in top_feature_exercise(explanation, "salary").message
    assert "as a string" in top_feature_exercise(explanation, 3).message


def test_strongest_proxy(people):
    assert strongest_proxy_exercise(people, "relationship").ok
    assert "Other than sex itself" in strongest_proxy_exercise(people, "sex").message
    assert "one feature scores higher" in strongest_proxy_exercise(people, "job").message
    assert "Replace None" in strongest_proxy_exercise(people, None).message


@pytest.fixture
def stability():
    summary = pd.DataFrame({"weight_spread": [0.032, 0.010]},
                           index=pd.Index([500, 5000], name="num_samples"))
    return StabilityResult(summary, pd.DataFrame(), pd.DataFrame(), 5, list(range(10)))


def test_lime_spread(stability):
    feedback = lime_spread_exercise(stability, 3.2)
    assert feedback.ok and "sqrt(10) = 3.2" in feedback.message
    assert not lime_spread_exercise(stability, 3.7).ok  # outside 10 %
    assert "other way round" in lime_spread_exercise(stability, 1 / 3.2).message
    assert "Divide weight_spread" in lime_spread_exercise(stability, 9).message
    assert "a number" in lime_spread_exercise(stability, "three").message
    assert "finite" in lime_spread_exercise(stability, float("inf")).message


def test_feedback_on_a_real_explanation_type(explanation):
    assert isinstance(explanation, ShapExplanation)
    assert str(top_feature_exercise(explanation, "sex")).startswith("Not yet. Hint:")

"""An EBM's own shape functions and importances beside SHAP on it (also for DP-EBM)."""

from __future__ import annotations

import numpy as np
import pytest
from interpret.glassbox import ExplainableBoostingClassifier
from interpret.privacy import DPExplainableBoostingClassifier

from govkit.explain import explain_shap, fit_ebm, glassbox_vs_shap, shape_function
from govkit.ledger import fingerprint


def test_fit_ebm_fills_missing_categories_and_keeps_the_column_order(people):
    before = fingerprint(people.frame)
    model = fit_ebm(people)
    assert fingerprint(people.frame) == before
    assert list(model[-1].term_names_) == list(people.feature_names)
    assert all(len(term) == 1 for term in model[-1].term_features_)
    assert "missing" in shape_function(model, "relationship")["category"].tolist()
    with pytest.raises(TypeError, match="must be a govkit Dataset"):
        fit_ebm(people.X)


def test_shap_on_a_main_effects_ebm_is_its_centred_shape_functions(people, people_models, ledger):
    model = people_models["ebm"]
    explanation = explain_shap(model, people, rows=range(100), background_size=60, cache=False)
    result = glassbox_vs_shap(model, explanation, ledger=ledger)
    assert result.max_difference < 1e-9
    assert result.interaction_terms == []
    assert set(result.table.index) == set(people.feature_names)
    assert result.rank_correlation > 0.8
    (record,) = ledger.records()
    assert record["operation"] == "glassbox_vs_shap"
    assert record["parameters"]["glassbox"] == "ExplainableBoostingClassifier"
    assert record["metrics"]["max_difference"] < 1e-9


def test_interaction_terms_are_listed_and_split_by_shap(people):
    frame = people.X[["age", "hours", "job"]]
    ebm = ExplainableBoostingClassifier(interactions=[(0, 1)], outer_bags=1, max_rounds=200,
                                        n_jobs=1, random_state=0).fit(frame, people.y)
    explanation = explain_shap(ebm, frame, rows=range(10), max_evals=30, background_size=20,
                               cache=False)
    assert explanation.explainer == "PermutationExplainer"
    result = glassbox_vs_shap(ebm, explanation)
    assert result.interaction_terms == ["age & hours"]
    assert result.max_difference > 1e-6  # SHAP shares the pair's effect between age and hours


def test_shape_function_tables(people, people_models):
    model = people_models["ebm"]
    age = shape_function(model, "age")
    assert list(age.columns) == ["lower", "upper", "score"]
    assert (age["upper"] > age["lower"]).all()
    job = shape_function(model, "job")
    assert set(job["category"]) >= {"clerk", "engineer", "farmer"}
    # engineers earn more in the synthetic population
    scores = job.set_index("category")["score"]
    assert scores["engineer"] > scores["clerk"]
    with pytest.raises(ValueError, match="feature='salary' has no main-effect term"):
        shape_function(model, "salary")


def test_a_model_that_is_not_a_glass_box_is_refused(people, people_models):
    explanation = explain_shap(people_models["gradient_boosting"], people, rows=[0], cache=False)
    with pytest.raises(TypeError, match="not an additive glass-box model"):
        glassbox_vs_shap(people_models["gradient_boosting"], explanation)
    with pytest.raises(TypeError, match="not an additive glass-box model"):
        shape_function(people_models["logistic_regression"], "age")
    with pytest.raises(TypeError, match="expected a govkit ShapExplanation"):
        glassbox_vs_shap(people_models["ebm"], "values")


def test_features_of_another_model_are_refused(people, people_models):
    frame = people.X[["age", "hours"]]
    ebm = ExplainableBoostingClassifier(outer_bags=1, max_rounds=20, n_jobs=1,
                                        random_state=0).fit(frame, people.y)
    explanation = explain_shap(people_models["ebm"], people, rows=[0, 1], cache=False)
    with pytest.raises(ValueError, match="differ from the model's"):
        glassbox_vs_shap(ebm, explanation)


@pytest.mark.integration
def test_dp_ebm_shape_functions_beside_shap(adult_train, adult_test):
    """The wiring point 5 needs: a DP-EBM trained with explicit privacy bounds explains like an EBM."""
    train = adult_train.replace(frame=adult_train.frame.sample(8000, random_state=0))
    columns = list(train.categorical)
    X = train.X.assign(**{c: train.X[c].fillna("missing") for c in columns})
    bounds = {"age": (17, 90), "fnlwgt": (10_000, 1_500_000), "education-num": (1, 16),
              "capital-gain": (0, 100_000), "capital-loss": (0, 5_000), "hours-per-week": (1, 99)}
    # random_state=None: interpret warns that a fixed seed makes DP noise deterministic
    types = ["nominal" if c in columns else "continuous" for c in X.columns]
    model = DPExplainableBoostingClassifier(epsilon=1.0, delta=1e-6, privacy_bounds=bounds,
                                            feature_types=types, random_state=None).fit(X, train.y)
    test = adult_test.X.iloc[:300]
    test = test.assign(**{c: test[c].fillna("missing") for c in columns})
    explanation = explain_shap(model, test, background=X, cache=False)
    assert explanation.explainer == "AdditiveExplainer"
    assert explanation.additivity_error() < 1e-6
    result = glassbox_vs_shap(model, explanation)
    assert result.max_difference < 1e-6
    assert result.interaction_terms == []
    assert np.isfinite(result.table.to_numpy(dtype=float)).all()
    assert len(shape_function(model, "age")) > 2

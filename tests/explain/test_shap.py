"""SHAP: the explainer choice, additivity, one-hot grouping, caching, the ledger, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shap
from interpret.glassbox import ExplainableBoostingClassifier
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from govkit.explain import choose_explainer, explain_shap
from govkit.explain._codec import CategoryCodec
from govkit.explain._shap import _additive_values
from govkit.ledger import fingerprint
from govkit.models import make_model, make_preprocessor


def _logit(p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return np.log(p / (1 - p))


def _reference_output(model, frame, output):
    proba = model.predict_proba(frame)[:, 1]
    return proba if output == "probability" else _logit(proba)


# -- the choice ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kind", "output", "name", "algorithm"),
    [
        ("gradient_boosting", "log_odds", "TreeExplainer", "tree_path_dependent"),
        ("gradient_boosting", "probability", "TreeExplainer", "tree_interventional"),
        ("logistic_regression", "log_odds", "LinearExplainer", "linear"),
        ("logistic_regression", "probability", "PermutationExplainer", "permutation"),
        ("ebm", "log_odds", "AdditiveExplainer", "additive"),
        ("ebm", "probability", "PermutationExplainer", "permutation"),
    ],
)
def test_choice_per_model_family(people_models, kind, output, name, algorithm):
    choice = choose_explainer(people_models[kind], output=output)
    assert (choice.name, choice.algorithm) == (name, algorithm)
    assert "KernelExplainer" not in choice.name
    assert len(choice.reason) > 40 and str(choice).startswith(name)


def test_anything_else_gets_the_permutation_explainer_never_kernel(people):
    knn = make_pipeline(make_preprocessor(people), KNeighborsClassifier()).fit(people.X, people.y)
    choice = choose_explainer(knn, background_size=50)
    assert choice.name == "PermutationExplainer"
    assert "neither a tree ensemble nor a linear model" in choice.reason
    assert "50-row background" in choice.reason


def test_forest_log_odds_are_not_additive_so_permutation(people):
    forest = make_pipeline(
        make_preprocessor(people), RandomForestClassifier(n_estimators=5, random_state=0)
    ).fit(people.X, people.y)
    assert choose_explainer(forest).name == "PermutationExplainer"
    assert choose_explainer(forest, output="probability").algorithm == "tree_path_dependent"


def test_ebm_with_interactions_is_not_treated_as_additive(people):
    frame = people.X[["age", "hours"]]
    ebm = ExplainableBoostingClassifier(
        interactions=[(0, 1)], outer_bags=1, max_rounds=50, n_jobs=1, random_state=0
    ).fit(frame, people.y)
    assert any(len(term) == 2 for term in ebm.term_features_)
    assert choose_explainer(ebm).name == "PermutationExplainer"


# -- additivity and grouping on the synthetic population ---------------------------------

@pytest.mark.parametrize(
    ("kind", "output"),
    [
        ("gradient_boosting", "log_odds"),
        ("gradient_boosting", "probability"),
        ("logistic_regression", "log_odds"),
        ("logistic_regression", "probability"),
        ("ebm", "log_odds"),
        ("ebm", "probability"),
    ],
)
def test_values_add_up_to_the_model_output(people, people_models, kind, output):
    model = people_models[kind]
    result = explain_shap(model, people, rows=range(12), output=output, background_size=40,
                          max_evals=60, cache=False)
    assert result.additivity_error() < 1e-6
    reference = _reference_output(model, people.X.iloc[:12], output)
    np.testing.assert_allclose(result.model_output.to_numpy(), reference, atol=1e-6)
    assert list(result.values.columns) == list(people.feature_names)
    assert result.values.index.equals(people.frame.index[:12])


def test_one_hot_columns_are_summed_back_to_their_feature(people, people_models):
    model = people_models["logistic_regression"]
    result = explain_shap(model, people, rows=range(20), cache=False)
    native = result.native
    assert native.values.shape[1] > len(people.feature_names)  # the one-hot space
    names = list(native.feature_names)
    job_columns = [i for i, n in enumerate(names) if n.startswith("cat__job_")]
    assert len(job_columns) == 3
    np.testing.assert_allclose(result.values["job"], native.values[:, job_columns].sum(axis=1))
    # for a linear model the grouped value is the coefficients times the centred one-hot block
    coefficients = model[-1].coef_[0][job_columns]
    centred = native.data[:, job_columns] - model[:-1].transform(result.background)[:, job_columns].mean(0)
    np.testing.assert_allclose(result.values["job"], centred @ coefficients, atol=1e-10)


def test_batched_additive_values_equal_shaps_additive_explainer(people, people_models):
    model = people_models["ebm"]
    frame = people.X
    codec = CategoryCodec(frame, categorical=list(people.categorical))

    def predict(codes):
        return _logit(model.predict_proba(codec.decode(codes))[:, 1])

    background = codec.encode(frame.iloc[:30])
    rows = codec.encode(frame.iloc[30:36])
    ours, base = _additive_values(predict, rows, background)
    masker = shap.maskers.Independent(background, max_samples=len(background))
    theirs = shap.explainers.AdditiveExplainer(predict, masker)(rows, silent=True)
    np.testing.assert_allclose(ours, theirs.values, atol=1e-9)
    np.testing.assert_allclose(base, theirs.base_values[0], atol=1e-9)


def test_permutation_values_are_reproducible_and_leave_numpys_global_stream_alone(people, people_models):
    model = people_models["logistic_regression"]
    np.random.seed(123)  # noqa: NPY002 - the global stream is what is tested
    expected_next = np.random.random()  # noqa: NPY002 - the global stream is what is tested
    np.random.seed(123)  # noqa: NPY002 - the global stream is what is tested
    one = explain_shap(model, people, rows=[0, 1], output="probability", background_size=20,
                       max_evals=40, random_state=7, cache=False)
    assert np.random.random() == expected_next  # noqa: NPY002 - the global stream is what is tested
    two = explain_shap(model, people, rows=[0, 1], output="probability", background_size=20,
                       max_evals=40, random_state=7, cache=False)
    pd.testing.assert_frame_equal(one.values, two.values)


def test_the_background_sample_follows_random_state(people, people_models):
    model = people_models["logistic_regression"]
    a = explain_shap(model, people, rows=[0], background_size=30, random_state=1, cache=False)
    b = explain_shap(model, people, rows=[0], background_size=30, random_state=2, cache=False)
    assert not a.background.index.equals(b.background.index)
    assert a.parameters["background_seed"] == 1 and a.parameters["background_size"] == 30


def test_path_dependent_tree_shap_needs_no_background(people, people_models):
    result = explain_shap(people_models["gradient_boosting"], people, rows=[0, 1], cache=False)
    assert result.background is None
    assert result.parameters["background_size"] == 0


def test_results_are_cached_in_the_workspace(people, people_models, _isolated_workspace):
    model = people_models["gradient_boosting"]
    before = set((_isolated_workspace / "cache").glob("explain-shap-*")) if (
        _isolated_workspace / "cache").exists() else set()
    first = explain_shap(model, people, rows=range(5), random_state=11)
    after = set((_isolated_workspace / "cache").glob("explain-shap-*"))
    assert len(after - before) == 1
    second = explain_shap(model, people, rows=range(5), random_state=11)
    pd.testing.assert_frame_equal(first.values, second.values)
    assert set((_isolated_workspace / "cache").glob("explain-shap-*")) == after


def test_inputs_are_not_modified(people, people_models):
    frame = people.X
    before = fingerprint(frame)
    explain_shap(people_models["ebm"], frame, rows=range(5), cache=False)
    assert fingerprint(frame) == before


def test_importance_is_mean_absolute_value(people, people_models):
    result = explain_shap(people_models["gradient_boosting"], people, cache=False)
    importance = result.importance()
    assert importance.is_monotonic_decreasing
    assert importance["age"] == pytest.approx(result.values["age"].abs().mean())
    assert set(importance.index[:3]) >= {"age"}


def test_to_shap_gives_shaps_own_object_in_original_names(people, people_models):
    result = explain_shap(people_models["gradient_boosting"], people, rows=range(10), cache=False)
    native = result.to_shap()
    assert isinstance(native, shap.Explanation)
    assert list(native.feature_names) == list(people.feature_names)
    sex = list(people.feature_names).index("sex")
    assert np.isnan(native.data[:, sex]).all()  # categories are grey, not coloured by a code
    assert native.display_data[0, sex] == people.X["sex"].iloc[0]


def test_a_ledger_record_carries_explainer_parameters_seeds_and_top_features(people, people_models, ledger):
    result = explain_shap(people_models["logistic_regression"], people, rows=range(30),
                          background_size=25, random_state=3, name="logistic regression",
                          cache=False, ledger=ledger)
    (record,) = ledger.records()
    assert (record["stage"], record["operation"]) == ("explain", "shap")
    assert record["parameters"]["explainer"] == "LinearExplainer"
    assert record["parameters"]["random_state"] == 3
    assert record["parameters"]["background_size"] == 25
    assert record["parameters"]["model"] == "logistic regression"
    assert record["metrics"]["top_features"] == result.importance().index[:5].tolist()
    assert record["metrics"]["max_additivity_error"] < 1e-9
    assert set(record["inputs"]) == {"rows", "background"}
    assert "Female" not in str(record) and "Husband" not in str(record)  # no row values
    assert ledger.verify().ok


# -- bad input ------------------------------------------------------------------------

def test_a_model_without_predict_proba_is_refused(people):
    svc = make_pipeline(make_preprocessor(people), LinearSVC()).fit(people.X, people.y)
    with pytest.raises(TypeError, match="has no predict_proba.*CalibratedClassifierCV"):
        explain_shap(svc, people, cache=False)


def test_an_unfitted_model_is_refused(people):
    with pytest.raises(ValueError, match="not fitted yet.*fit"):
        explain_shap(make_model("gradient_boosting", people), people, cache=False)


def test_features_that_do_not_match_the_model_are_named(people, people_models):
    frame = people.X.drop(columns=["job"]).assign(zip_code="12345")
    with pytest.raises(ValueError, match=r"Missing from the data: \['job'\].*\['zip_code'\]"):
        explain_shap(people_models["gradient_boosting"], frame, cache=False)


def test_columns_in_another_order_are_realigned(people, people_models):
    frame = people.X[list(reversed(people.feature_names))]
    result = explain_shap(people_models["gradient_boosting"], frame, rows=[0], cache=False)
    assert list(result.values.columns) == list(people.feature_names)


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        (400, ValueError, r"row 400 is out of range: the data has 400 rows.*0 to 399"),
        ([0, -1], ValueError, "row -1 is out of range"),
        ([], ValueError, "selection is empty"),
        (["a"], TypeError, "whole numbers"),
        (1.5, TypeError, "whole numbers"),
    ],
)
def test_bad_rows(people, people_models, rows, error, message):
    with pytest.raises(error, match=message):
        explain_shap(people_models["gradient_boosting"], people, rows=rows, cache=False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output": "logit"}, r"explain_shap: output='logit' is not one of \('log_odds', "
                              r"'probability'\)"),
        ({"background_size": 0}, r"explain_shap: background_size=0 is outside \[1, inf\)"),
        ({"random_state": -1}, r"explain_shap: random_state=-1 \(a negative number\)"),
        ({"max_evals": 5}, r"max_evals=5 is too small.*11"),
    ],
)
def test_bad_parameters(people, people_models, kwargs, message):
    with pytest.raises(ValueError, match=message):
        explain_shap(people_models["gradient_boosting"], people, cache=False, **kwargs)


def test_data_must_be_a_frame(people, people_models):
    with pytest.raises(TypeError, match="explain_shap: data must be a govkit Dataset or a pandas "
                                        "DataFrame, got list"):
        explain_shap(people_models["gradient_boosting"], [[1, 2, 3]], cache=False)
    with pytest.raises(TypeError, match="explain_shap: background must be a govkit Dataset"):
        explain_shap(people_models["gradient_boosting"], people, background=[[1]], cache=False)


def test_a_multiclass_model_is_refused(people):
    labels = np.arange(len(people.X)) % 3
    model = make_pipeline(make_preprocessor(people), LogisticRegression()).fit(people.X, labels)
    with pytest.raises(ValueError, match="3 classes.*binary"):
        explain_shap(model, people, cache=False)


def test_a_bare_estimator_on_numeric_columns(people):
    frame = people.X[["age", "hours"]]
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(frame, people.y)
    result = explain_shap(model, frame, rows=range(10), cache=False)
    assert result.explainer == "TreeExplainer"
    assert result.additivity_error() < 1e-9


# -- Adult ------------------------------------------------------------------------------

@pytest.mark.integration
@pytest.mark.parametrize(
    ("kind", "output", "rows", "explainer"),
    [
        ("gradient_boosting", "log_odds", slice(0, 1000), "TreeExplainer"),
        ("gradient_boosting", "probability", slice(0, 100), "TreeExplainer"),
        ("logistic_regression", "log_odds", slice(0, 1000), "LinearExplainer"),
        ("ebm", "log_odds", slice(0, 1000), "AdditiveExplainer"),
        ("logistic_regression", "probability", slice(0, 4), "PermutationExplainer"),
    ],
)
def test_additivity_on_adult_for_each_model_family(adult_models, adult_train, adult_test, kind,
                                                    output, rows, explainer):
    model = adult_models[kind]
    result = explain_shap(model, adult_test, rows=rows, output=output, background=adult_train,
                          cache=False)
    assert result.explainer == explainer
    assert result.additivity_error() < 1e-6
    proba = model.predict_proba(adult_test.X.iloc[rows])[:, 1]
    reference = proba if output == "probability" else _logit(proba)
    not_saturated = (proba > 1e-9) & (proba < 1 - 1e-9)  # logit(p) loses precision at 0 and 1
    np.testing.assert_allclose(
        result.model_output.to_numpy()[not_saturated], reference[not_saturated], atol=1e-6
    )
    assert list(result.values.columns) == list(adult_test.feature_names)  # age, sex, ... not one-hot


def test_a_feature_the_preprocessing_drops_gets_zero(people):
    from govkit.models import fit_model

    blind = fit_model("gradient_boosting", people, drop=["sex"])
    result = explain_shap(blind, people, rows=range(20), cache=False)
    assert (result.values["sex"] == 0).all()
    assert result.additivity_error() < 1e-9


def test_dp_sgd_logistic_regression_gets_the_exact_linear_explainer(people):
    """govkit's DP-SGD logistic regression is linear in log-odds: LinearExplainer, exact, grouped."""
    from govkit.privacy import PrivacyBudget, PublicDomain, fit_private_model

    domain = PublicDomain.from_config({
        "numeric": {c: [float(people.frame[c].min()), float(people.frame[c].max())]
                    for c in people.numeric},
        "categorical": {c: sorted(people.frame[c].dropna().unique()) for c in people.categorical},
        "source": "the test's toy frame",
    })
    model = fit_private_model("dp_sgd_logistic", people, budget=PrivacyBudget(epsilon=5.0, delta=1e-5),
                              epsilon=5.0, delta=1e-5, domain=domain, random_state=0)
    result = explain_shap(model, people, rows=range(40), cache=False)
    assert result.explainer == "LinearExplainer"
    assert result.additivity_error() < 1e-9
    assert list(result.values.columns) == list(people.feature_names)  # sex=F, sex=M summed to sex
    np.testing.assert_allclose(result.model_output.to_numpy(),
                               model.decision_function(people.X.iloc[:40]), atol=1e-9)
    # Exact SHAP of a linear model: coefficient x (encoded value - background mean), per feature.
    encoder, classifier = model[:-1], model[-1]
    encoded = np.asarray(encoder.transform(people.X), dtype=float)
    names = [str(n) for n in encoder.get_feature_names_out()]
    age = [i for i, n in enumerate(names) if n == "age"]
    background_mean = encoded[:, age].mean()  # the default background: these rows, summarized
    expected = classifier.coef_[age[0]] * (encoded[:40, age[0]] - background_mean)
    np.testing.assert_allclose(result.values["age"].to_numpy(), expected, atol=0.05 * np.abs(expected).max())

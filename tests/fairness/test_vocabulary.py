"""One vocabulary: protected= for column names, sensitive_features= for row-aligned values.

Each renamed keyword and attribute keeps working for one release with a FutureWarning
(one test per alias); the defaults are the data's declared protected columns, never an
Adult-specific column; the choice vocabularies are public constants.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import govkit.fairness as fairness
from govkit.fairness import (
    FAIRNESS_CONSTRAINTS,
    MITIGATIONS,
    MITIGATORS,
    MitigatedClassifier,
    compare_models,
    evaluate_model,
    fit_mitigated_model,
    mitigate,
    mitigation_sweep,
    proxy_check,
)

ONE_CONFIGURATION = [("none", None, None)]


@pytest.fixture(scope="module")
def model(small_train):
    return fit_mitigated_model("none", small_train, protected="sex")


def test_no_public_signature_uses_an_old_name_or_a_column_default():
    for name in fairness.__all__:
        obj = getattr(fairness, name)
        if not callable(obj):
            continue
        for parameter in inspect.signature(obj).parameters.values():
            assert parameter.name not in ("seed", "attribute", "sensitive", "k"), (name, parameter)
            if parameter.name in ("protected", "sensitive_features"):
                assert not isinstance(parameter.default, str), (name, parameter)


def test_the_choice_vocabularies_are_what_the_stage_supports():
    assert MITIGATIONS == tuple(MITIGATORS)
    assert set(MITIGATIONS) >= {"threshold_optimizer", "exponentiated_gradient",
                                "correlation_remover", "none"}
    assert FAIRNESS_CONSTRAINTS == ("demographic_parity", "equalized_odds")
    for method in MITIGATIONS:
        MitigatedClassifier(method=method, constraint=FAIRNESS_CONSTRAINTS[0])  # both accepted


def test_protected_defaults_to_the_data_s_protected_columns(model, small_train, small_test):
    report = evaluate_model(model, small_test, n_boot=0, min_count=1)
    assert report.protected == ("sex", "race") == small_test.protected
    assert report.title == "sex × race"
    fitted = fit_mitigated_model("unawareness", small_train)  # leaves out every protected column
    flipped = small_test.X.assign(race="A", sex="Female")
    np.testing.assert_array_equal(fitted.predict_proba(flipped),
                                  fitted.predict_proba(small_test.X))


@pytest.mark.parametrize("call", [
    lambda m, train, test: evaluate_model(m, test, sensitive_features="sex", n_boot=0),
    lambda m, train, test: compare_models({"m": m}, test, sensitive_features="sex", n_boot=0),
    lambda m, train, test: fit_mitigated_model("none", train, sensitive_features="sex"),
    lambda m, train, test: mitigate("none", train, test, sensitive_features="sex", n_boot=0),
    lambda m, train, test: mitigation_sweep(train, test, sensitive_features="sex", n_boot=0,
                                            configurations=ONE_CONFIGURATION),
    lambda m, train, test: MitigatedClassifier(method="none", sensitive_features="sex"),
], ids=["evaluate_model", "compare_models", "fit_mitigated_model", "mitigate",
        "mitigation_sweep", "MitigatedClassifier"])
def test_sensitive_features_as_column_names_still_works_with_a_future_warning(
        call, model, small_train, small_test):
    with pytest.warns(FutureWarning, match=r"the keyword sensitive_features= is now protected="):
        call(model, small_train, small_test)


def test_old_keyword_gives_the_same_result(model, small_test):
    new = evaluate_model(model, small_test, protected="sex", n_boot=20)
    with pytest.warns(FutureWarning):
        old = evaluate_model(model, small_test, sensitive_features="sex", n_boot=20)
    assert old.groups.equals(new.groups) and old.protected == ("sex",)
    with pytest.raises(TypeError, match=r"pass protected= only"):
        evaluate_model(model, small_test, protected="sex", sensitive_features="sex")
    estimator = MitigatedClassifier(method="none", protected="race")
    assert estimator.get_params()["protected"] == "race"


def test_proxy_check_attribute_is_now_protected(small_train, small_test):
    with pytest.warns(FutureWarning, match=r"the keyword attribute= is now protected="):
        check = proxy_check(small_train, small_test, attribute="sex")
    assert check.protected == "sex"
    with pytest.warns(FutureWarning, match=r"ProxyCheck.attribute is now ProxyCheck.protected"):
        assert check.attribute == "sex"
    with pytest.raises(TypeError, match=r"proxy_check: protected must be one column name"):
        proxy_check(small_train, small_test, protected=["sex", "race"])
    seeded = proxy_check(small_train, small_test, protected="sex",
                         random_state=np.random.default_rng(1))
    assert 0.5 <= seeded.auc <= 1


def test_result_attributes_renamed_with_an_alias(model, small_train, small_test):
    report = evaluate_model(model, small_test, protected="sex", n_boot=0)
    with pytest.warns(FutureWarning, match=r"GroupReport.sensitive_features is now "
                                           r"GroupReport.protected"):
        assert report.sensitive_features == ("sex",)
    sweep = mitigation_sweep(small_train, small_test, protected="sex", n_boot=0,
                             configurations=ONE_CONFIGURATION)
    with pytest.warns(FutureWarning, match=r"MitigationSweep.sensitive_features is now"):
        assert sweep.sensitive_features == ("sex",)


def test_widget_keywords_renamed(model, small_test):
    from govkit.widgets import ThresholdData, render_threshold, threshold_panel

    scores = model.predict_proba(small_test.X)[:, 1]
    with pytest.warns(FutureWarning, match=r"the keyword sensitive= is now sensitive_features="):
        data = ThresholdData(small_test.y, scores, sensitive=small_test.frame[["sex"]], n_boot=0)
    with pytest.warns(FutureWarning, match=r"the keyword sensitive= is now protected="):
        render_threshold(data, threshold=0.5, sensitive=("sex",), metric="tpr")[2].clear()
    with pytest.warns(FutureWarning, match=r"the keyword sensitive_features= is now protected="):
        threshold_panel(model, small_test, sensitive_features=["sex"], n_boot=0)


def test_exercise_finds_the_protected_column_with_both_groups(model, small_test):
    from govkit.check import equal_opportunity_threshold_exercise

    reordered = small_test.replace(protected=("race", "sex"))  # 'race' has no Female/Male
    assert equal_opportunity_threshold_exercise(model, reordered, 0.5).message == \
        equal_opportunity_threshold_exercise(model, small_test, 0.5).message
    missing = equal_opportunity_threshold_exercise(model, small_test, 0.5, protected="race")
    assert not missing and "in its column 'race'" in missing.message
    assert "finite" in equal_opportunity_threshold_exercise(model, small_test, float("nan")).message
    assert "number" in equal_opportunity_threshold_exercise(model, small_test, True).message


def test_default_protected_columns_must_be_features_to_mitigate(small_train):
    excluded = small_train.replace(exclude=("race",))
    with pytest.raises(ValueError, match=r"fit_mitigated_model: protected column 'race' is not a "
                                         r"feature of the data \(protected=None means "
                                         r"train.protected, \['sex', 'race'\]\)"):
        fit_mitigated_model("none", excluded)
    fit_mitigated_model("none", excluded, protected="sex")  # naming the feature works

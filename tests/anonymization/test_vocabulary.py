"""One vocabulary and one validation layer: renamed names warn, random_state has one contract,
the choice lists are public constants, and the models handle quasi-identifiers that are no features."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import govkit.anonymization as anonymization
from govkit.anonymization import (
    ANONYMIZATION_METHODS,
    AnonymizationExplorer,
    AnonymizedClassifier,
    anonymize,
    assess,
    compare_utility,
    default_hierarchies,
    fit_anonymized_model,
    plot_utility,
    public_register,
)
from govkit.datasets import Dataset, make_credit
from govkit.exceptions import UndeclaredIdentifierError
from govkit.widgets import anonymization_panel

SMALL = pd.DataFrame(
    {"age": [30, 31, 32, 40, 41, 42, 50, 51], "edu": list("aabbccdd"), "s": list("xyxyxyxy")}
)


# -- renamed keywords and attributes: one more release with a FutureWarning ---------------------

def test_anonymize_sensitive_keyword_still_works_with_a_warning():
    with pytest.warns(FutureWarning, match="sensitive= is now sensitive_column="):
        _, old = anonymize(SMALL, quasi_identifiers=["age", "edu"], k=2, l=2, sensitive="s")
    _, new = anonymize(SMALL, quasi_identifiers=["age", "edu"], k=2, l=2, sensitive_column="s")
    assert old.to_metrics().keys() == new.to_metrics().keys()
    assert old.sensitive_column == new.sensitive_column == "s"
    with pytest.raises(TypeError, match="pass sensitive_column= only"):
        anonymize(SMALL, quasi_identifiers=["age"], k=2, sensitive="s", sensitive_column="s")


def test_assess_sensitive_keyword_still_works_with_a_warning():
    with pytest.warns(FutureWarning, match="sensitive= is now sensitive_column="):
        old = assess(SMALL, quasi_identifiers=["edu"], sensitive="s")
    assert old.l_distinct == assess(SMALL, quasi_identifiers=["edu"], sensitive_column="s").l_distinct


def test_the_sensitive_attributes_still_read_with_a_warning():
    _, result = anonymize(SMALL, quasi_identifiers=["age"], k=2, sensitive_column="s")
    with pytest.warns(FutureWarning, match="AnonymizationResult.sensitive is now"):
        assert result.sensitive == "s"
    with pytest.warns(FutureWarning, match="Assessment.sensitive is now"):
        assert result.assessment.sensitive == "s"


def test_fit_sensitive_keyword_still_works_with_a_warning(credit):
    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5, l=2)
    values = credit.frame["housing"]
    with pytest.warns(FutureWarning, match="sensitive= is now sensitive_values="):
        model.fit(credit.X, credit.y, sensitive=values)
    assert model.result_.achieved_l >= 2


def test_methods_constant_is_renamed_and_used_by_the_panel(adult_test):
    assert ANONYMIZATION_METHODS == ("mondrian", "global")
    with pytest.warns(FutureWarning, match="METHODS is now govkit.anonymization.ANONYMIZATION_METHODS"):
        assert anonymization.METHODS == ANONYMIZATION_METHODS
    panel = anonymization_panel(adult_test.replace(frame=adult_test.frame.head(500)))
    assert tuple(value for _, value in panel.controls["method"].options) == ANONYMIZATION_METHODS
    with pytest.raises(AttributeError):
        anonymization.NO_SUCH_NAME  # noqa: B018


@pytest.mark.parametrize("method", ANONYMIZATION_METHODS)
def test_both_release_models_implement_the_release_protocol(method):
    from govkit.anonymization._release import Release

    _, result = anonymize(SMALL, quasi_identifiers=["age", "edu"], k=2, method=method)
    assert isinstance(result.release_model, Release) and result.release_model.kind == method


def test_a_wrong_method_names_the_choices_and_what_they_do():
    with pytest.raises(ValueError, match=r"method='mondrain'.*did you mean 'mondrian'.*boxes"):
        anonymize(SMALL, quasi_identifiers=["age"], k=2, method="mondrain")


def test_default_hierarchies_names_an_unknown_column():
    with pytest.raises(ValueError, match="default_hierarchies: quasi-identifier 'agee' is not a "
                                         "column of the data \\(did you mean 'age'\\?\\)"):
        default_hierarchies(SMALL, ["agee"])
    with pytest.raises(TypeError, match="default_hierarchies: frame must be a govkit Dataset or"):
        default_hierarchies(SMALL.to_numpy(), ["age"])


# -- one random_state contract -----------------------------------------------------------------

def test_anonymize_takes_numpy_integers_and_generators():
    kwargs = {"quasi_identifiers": ["age", "edu"], "k": 2}
    plain = anonymize(SMALL, random_state=3, **kwargs)[1].source_index
    assert anonymize(SMALL, random_state=np.int64(3), **kwargs)[1].source_index.equals(plain)
    generated = anonymize(SMALL, random_state=np.random.default_rng(3), **kwargs)[1]
    assert sorted(generated.source_index) == sorted(plain)
    anonymize(SMALL, random_state=np.random.RandomState(3), **kwargs)


@pytest.mark.parametrize("value, error", [(True, TypeError), (-1, ValueError), (1.5, TypeError)])
def test_anonymize_refuses_a_bad_random_state(value, error):
    with pytest.raises(error, match=r"anonymize: random_state=.* is not a valid seed"):
        anonymize(SMALL, quasi_identifiers=["age"], k=2, random_state=value)


def test_a_generator_is_recorded_by_its_kind(ledger):
    anonymize(SMALL, quasi_identifiers=["age"], k=2, random_state=np.random.default_rng(0),
              ledger=ledger)
    assert ledger.records()[-1]["parameters"]["random_state"] == "<Generator>"


def test_public_register_and_the_models_take_the_same_random_states(credit):
    columns = ("applicant_name", "age", "sex")
    same = public_register(credit, columns=columns, size=20, random_state=np.int64(4))
    assert same.index.equals(public_register(credit, columns=columns, size=20, random_state=4).index)
    generated = public_register(credit, columns=columns, size=20,
                                random_state=np.random.default_rng(4))
    assert len(generated) == 20
    with pytest.raises(TypeError, match="public_register: random_state=True"):
        public_register(credit, columns=columns, size=20, random_state=True)
    with pytest.raises(ValueError, match="size=0 is outside"):
        public_register(credit, columns=columns, size=0)
    model = fit_anonymized_model(credit, k=5, quasi_identifiers=["age", "sex"],
                                 random_state=np.random.default_rng(1))
    assert model.result_.achieved_k >= 5
    with pytest.raises(TypeError, match="fit_anonymized_model: random_state='x'"):
        fit_anonymized_model(credit, k=5, random_state="x")


def test_the_explorer_takes_a_generator(credit):
    train = credit.replace(frame=credit.frame.iloc[:400].reset_index(drop=True))
    test = credit.replace(frame=credit.frame.iloc[400:].reset_index(drop=True))
    explorer = AnonymizationExplorer(train, test=test, random_state=np.random.default_rng(0))
    snapshot = explorer.snapshot(quasi_identifiers=("age", "sex"), k=5)
    assert snapshot.result.achieved_k >= 5 and 0 <= snapshot.utility["auc"] <= 1
    with pytest.raises(TypeError, match="AnonymizationExplorer: random_state=True"):
        AnonymizationExplorer(train, random_state=True)


# -- quasi-identifiers that are not model features -----------------------------------------------

@pytest.fixture(scope="module")
def credit():
    frame = make_credit(600, random_state=0)
    return Dataset(frame, target="repaid", positive_label="yes",
                   identifiers=["applicant_name", "email"],
                   quasi_identifiers=["age", "sex", "postcode"], categorical=["postcode"])


@pytest.fixture(scope="module")
def excluded(credit):
    return credit.replace(exclude=["postcode"])


def test_fit_anonymized_model_leaves_out_a_quasi_identifier_that_is_no_feature(excluded, ledger):
    model = fit_anonymized_model(excluded, k=5, ledger=ledger)
    assert model.quasi_identifiers == ["age", "sex"]
    assert model.result_.quasi_identifiers == ("age", "sex")
    parameters = ledger.records()[-1]["parameters"]
    assert parameters["quasi_identifiers"] == ["age", "sex"]
    assert parameters["quasi_identifiers_not_features"] == ["postcode"]
    assert model.predict_proba(excluded.X.head(4)).shape == (4, 2)


def test_compare_utility_leaves_it_out_too(excluded, ledger):
    train = excluded.replace(frame=excluded.frame.iloc[:400].reset_index(drop=True))
    test = excluded.replace(frame=excluded.frame.iloc[400:].reset_index(drop=True))
    table = compare_utility(train, test, ks=(5,), ledger=ledger)
    assert table["method"].tolist() == ["raw", "mondrian"]
    parameters = ledger.records()[-1]["parameters"]
    assert parameters["quasi_identifiers"] == ["age", "sex"]
    assert parameters["quasi_identifiers_not_features"] == ["postcode"]


def test_every_quasi_identifier_being_no_feature_is_refused(excluded):
    with pytest.raises(ValueError, match=r"none of the quasi-identifiers \['postcode'\] is a feature"):
        fit_anonymized_model(excluded, k=5, quasi_identifiers=["postcode"])
    with pytest.raises(ValueError, match="fit_anonymized_model: quasi-identifier 'agee' is not a "
                                         "column of the data \\(did you mean 'age'\\?\\)"):
        fit_anonymized_model(excluded, k=5, quasi_identifiers=["agee", "sex"])


def test_all_features_keep_the_cache_key_and_record(credit, ledger):
    fit_anonymized_model(credit, k=5, quasi_identifiers=["age", "sex", "postcode"], ledger=ledger)
    assert "quasi_identifiers_not_features" not in ledger.records()[-1]["parameters"]


# -- not_identifiers travel as an argument, not in DataFrame.attrs ---------------------------------

def test_the_classifier_takes_not_identifiers_explicitly():
    frame = make_credit(300, random_state=0).assign(customer_id=lambda f: [i % 7 for i in range(len(f))])
    X = frame.drop(columns=["repaid", "applicant_name", "email"])
    X.attrs.clear()  # nothing travels with the frame
    y = (frame["repaid"] == "yes").astype(int)
    with pytest.raises(UndeclaredIdentifierError, match="customer_id"):
        AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5).fit(X, y)
    model = AnonymizedClassifier(quasi_identifiers=["age", "sex"], k=5,
                                 not_identifiers=["customer_id"]).fit(X, y)
    assert "customer_id" in model.release_columns_
    assert model.get_params()["not_identifiers"] == ["customer_id"]


def test_fit_anonymized_model_passes_the_datasets_not_identifiers():
    frame = make_credit(300, random_state=0).assign(customer_id=lambda f: [i % 7 for i in range(len(f))])
    data = Dataset(frame, target="repaid", positive_label="yes",
                   identifiers=["applicant_name", "email"], quasi_identifiers=["age", "sex"],
                   not_identifiers=["customer_id"])
    model = fit_anonymized_model(data, k=5, random_state=0)
    assert model.not_identifiers == ("customer_id",)


# -- figures with the data's own words ------------------------------------------------------------

def test_plot_utility_draws_chinese_labels_without_missing_glyph_warnings():
    table = pd.DataFrame({"method": ["raw", "蒙德里安", "蒙德里安"], "k": [1, 5, 50],
                          "accuracy": [0.85, 0.84, 0.83], "auc": [0.90, 0.89, 0.87]})
    figure = plot_utility(table, title="匿名化的代价")
    figure.savefig(io.BytesIO(), format="png")  # pytest turns a missing-glyph warning into an error

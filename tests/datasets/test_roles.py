"""Column kinds and the exclude / not_identifiers roles: no feature is ever dropped silently."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from govkit.datasets import Dataset, make_credit, record_load
from govkit.models import fit_model

CREDIT_IDS = ["applicant_name", "email"]


@pytest.fixture(scope="module")
def credit():
    return make_credit(300, random_state=0)


def test_declaring_postcode_categorical_keeps_every_other_feature(credit):
    # the bug: with categorical=["postcode"] and numeric omitted, sex, nationality, ... had no
    # kind and the model dropped them without a word
    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   protected=["sex", "nationality"], categorical=["postcode"])
    kinds = set(data.numeric) | set(data.categorical)
    assert kinds == set(data.feature_names)
    assert not set(data.numeric) & set(data.categorical)
    assert {"sex", "nationality", "housing", "loan_purpose"} <= set(data.categorical)
    assert data.categorical[0] == "postcode"  # declared columns first, in declared order
    assert "income" in data.numeric and "postcode" not in data.numeric


def test_the_model_sees_every_feature(credit):
    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   categorical=["postcode"])
    model = fit_model("logistic_regression", data, random_state=0)
    used = set(model[:-1].get_feature_names_out())
    for column in ("sex", "nationality", "marital_status", "housing"):
        assert any(name.startswith(f"cat__{column}_") for name in used), column


def test_declaring_some_numeric_columns_infers_the_others():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5], "c": ["x", "y", "x"],
                          "t": [0, 1, 0]})
    data = Dataset(frame, target="t", positive_label=1, numeric=["b"])
    assert data.numeric == ("b", "a") and data.categorical == ("c",)
    both = Dataset(frame, target="t", positive_label=1, numeric=["b"], categorical=["a"])
    assert both.numeric == ("b",) and both.categorical == ("a", "c")


def test_a_column_in_both_kinds_is_refused():
    frame = pd.DataFrame({"a": [1, 2, 3], "c": ["x", "y", "x"], "t": [0, 1, 0]})
    with pytest.raises(ValueError, match=r"numeric/categorical: column\(s\) \['a'\] are listed in both"):
        Dataset(frame, target="t", positive_label=1, numeric=["a"], categorical=["a", "c"])


def test_numeric_looking_text_declared_categorical_stays_text():
    frame = pd.DataFrame({"code": ["007", "012", "007"], "t": [0, 1, 0]})
    data = Dataset(frame, target="t", positive_label=1, categorical=["code"])
    assert data.categorical == ("code",)
    assert data.X["code"].tolist() == ["007", "012", "007"]


def test_exclude_keeps_the_column_out_of_the_model_but_in_the_frame(credit):
    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   protected=["sex"], exclude=["sex", "postcode"], categorical=["postcode"])
    for column in ("sex", "postcode"):
        assert column in data.frame.columns
        assert column not in data.feature_names
        assert column not in data.X.columns
        assert column not in data.numeric and column not in data.categorical
    assert list(data.sensitive_features.columns) == ["sex"]  # still a protected attribute
    assert data.roles["exclude"] == ["sex", "postcode"]


def test_exclude_and_not_identifiers_are_validated(credit):
    base = dict(frame=credit, target="repaid", positive_label="yes")
    with pytest.raises(ValueError, match=r"exclude: column 'postcod' is not in the data \(did you mean 'postcode'\?\)"):
        Dataset(**base, exclude=["postcod"])
    with pytest.raises(ValueError, match="exclude: the target column 'repaid' cannot also be"):
        Dataset(**base, exclude=["repaid"])
    with pytest.raises(ValueError, match="not_identifiers: column 'email' is also listed in identifiers"):
        Dataset(**base, identifiers=["email"], not_identifiers=["email"])
    with pytest.raises(ValueError, match="exclude: column 'email' is also listed in identifiers"):
        Dataset(**base, identifiers=["email"], exclude=["email"])
    with pytest.raises(TypeError, match="not_identifiers: column names must be strings"):
        Dataset(**base, not_identifiers=[3])


def test_roles_fingerprint_and_replace_carry_the_new_roles(credit):
    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   not_identifiers=["postcode"], exclude=["loan_term_months"],
                   read_options={"encoding": "utf-8", "sep": ","})
    plain = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS)
    assert data.roles["not_identifiers"] == ["postcode"]
    assert data.fingerprint != plain.fingerprint  # roles are part of the fingerprint
    renamed = data.replace(name="other")
    assert renamed.exclude == ("loan_term_months",) and renamed.not_identifiers == ("postcode",)
    assert renamed.read_options["encoding"] == "utf-8"
    smaller = data.replace(frame=credit.drop(columns=["postcode", "loan_term_months"]))
    assert smaller.exclude == () and smaller.not_identifiers == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.exclude = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        data.read_options["sep"] = ";"  # read-only


def test_read_options_do_not_change_the_fingerprint(credit):
    a = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS)
    b = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                read_options={"encoding": "gb18030"})
    assert a.fingerprint == b.fingerprint


def test_a_dataset_with_read_options_pickles(credit):
    import pickle

    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   read_options={"encoding": "utf-8", "detected": ["encoding"]})
    copy = pickle.loads(pickle.dumps(data))  # process-parallel sweeps send Datasets to workers
    assert copy.read_options == {"encoding": "utf-8", "detected": ("encoding",)}
    assert copy.fingerprint == data.fingerprint


def test_bad_read_options():
    frame = pd.DataFrame({"a": [1, 2], "t": [0, 1]})
    with pytest.raises(TypeError, match="read_options must be a mapping"):
        Dataset(frame, target="t", positive_label=1, read_options="utf-8")


def test_record_load_carries_the_read_options(credit, ledger):
    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   read_options={"encoding": "gb18030", "sep": ";", "decimal": ",",
                                 "thousands": None, "detected": ["encoding"]})
    record = record_load(data, ledger, source="credit.csv")
    assert record["parameters"]["read_options"]["encoding"] == "gb18030"
    assert record["parameters"]["roles"]["exclude"] == []


def test_x_carries_not_identifiers_for_stages_that_rebuild_a_dataset(credit):
    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   not_identifiers=["postcode"])
    assert data.X.attrs["govkit_not_identifiers"] == ("postcode",)
    assert "govkit_not_identifiers" not in Dataset(credit, target="repaid", positive_label="yes",
                                                   identifiers=CREDIT_IDS).X.attrs

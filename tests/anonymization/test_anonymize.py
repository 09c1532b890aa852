"""anonymize: the contract, the privacy properties (Hypothesis), bad input, the ledger."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govkit.anonymization import (
    AnonymizationResult,
    IntervalHierarchy,
    MappingHierarchy,
    anonymize,
    assess,
    default_hierarchies,
)
from govkit.datasets import Dataset, add_synthetic_identifiers

ZIPS = ["02139", "02141", "10001", "10002", "94110"]


# -- independent checks of a release ---------------------------------------------------------

def mondrian_label_covers(label, value, numeric: bool) -> bool:
    """Does a Mondrian label ('[a, b]', 'a', '{x, y}', 'x', NaN) stand for the raw value?"""
    if isinstance(label, float) and np.isnan(label):
        return pd.isna(value)
    if numeric:
        text = str(label)
        if pd.isna(value):
            return text.endswith(" or missing")
        text = text.removesuffix(" or missing")
        match = re.fullmatch(r"\[(.+), (.+)\]", text)
        low, high = (float(match[1]), float(match[2])) if match else (float(text), float(text))
        return low <= float(value) <= high
    if isinstance(label, str) and label.startswith("{"):
        members = label[1:-1].split(", ")
        return ("missing" if pd.isna(value) else str(value)) in members
    return (not pd.isna(value)) and label == value


def class_distances(released: pd.DataFrame, qis, sensitive: str, reference: pd.Series) -> pd.Series:
    """Equal-distance EMD of each class's sensitive distribution from ``reference``."""
    def emd(values: pd.Series) -> float:
        shares = values.value_counts(normalize=True).reindex(reference.index, fill_value=0.0)
        return 0.5 * float((shares - reference).abs().sum())

    return released.groupby(list(qis), dropna=False)[sensitive].apply(emd)


frames = st.integers(min_value=6, max_value=50).flatmap(
    lambda n: st.fixed_dictionaries(
        {
            "age": st.lists(st.integers(18, 70), min_size=n, max_size=n),
            "zip_code": st.lists(st.sampled_from([*ZIPS, None]), min_size=n, max_size=n),
            "sex": st.lists(st.sampled_from(["F", "M"]), min_size=n, max_size=n),
            "s": st.lists(st.sampled_from(["p", "q", "r"]), min_size=n, max_size=n),
        }
    )
).map(pd.DataFrame)

QIS = ["age", "zip_code", "sex"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    frame=frames,
    method=st.sampled_from(["mondrian", "global"]),
    k=st.integers(2, 5),
    use_l=st.booleans(),
    t=st.one_of(st.none(), st.floats(0.2, 1.0)),
    max_suppression=st.sampled_from([0.0, 0.1]),
)
def test_release_properties(frame, method, k, use_l, t, max_suppression):
    assume(k <= len(frame))
    l = 2 if use_l and frame["s"].nunique() >= 2 else None  # noqa: E741
    before = frame.copy()
    released, result = anonymize(
        frame, quasi_identifiers=QIS, k=k, l=l, t=t, sensitive_column="s", method=method,
        max_suppression=max_suppression,
    )
    # the input is never modified
    pd.testing.assert_frame_equal(frame, before)
    # released + suppressed = input rows, within the suppression limit
    assert len(released) + result.suppressed == len(frame)
    assert result.suppressed <= int(np.floor(max_suppression * len(frame) + 1e-9))
    assert sorted([*result.source_index, *result.suppressed_index]) == list(frame.index)
    if len(released) == 0:
        return
    # every class has >= k rows, >= l distinct sensitive values, distance <= t
    groups = released.groupby(QIS, dropna=False)
    assert groups.size().min() >= k
    if l is not None:
        assert groups["s"].nunique().min() >= l
    if t is not None:
        reference = frame["s"].value_counts(normalize=True)
        assert class_distances(released, QIS, "s", reference).max() <= t + 1e-9
    # every released value generalizes the original one
    source = frame.loc[result.source_index].reset_index(drop=True)
    if method == "mondrian":
        for column, numeric in (("age", True), ("zip_code", False), ("sex", False)):
            for label, value in zip(released[column], source[column], strict=True):
                assert mondrian_label_covers(label, value, numeric), (column, label, value)
    else:
        hierarchies = default_hierarchies(frame, QIS)
        for column in QIS:
            expected = hierarchies[column].generalize(source[column], result.levels[column])
            assert released[column].astype(object).equals(expected.astype(object)) or (
                released[column].astype(str).tolist() == expected.astype(str).tolist()
            )
    # the reported measures are those of the release
    check = assess(released, quasi_identifiers=QIS, sensitive_column="s")
    assert result.achieved_k == check.k and result.classes == check.classes


# -- the Dataset path -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def people(adult_test):
    return add_synthetic_identifiers(adult_test, random_state=3)


def test_dataset_release_keeps_roles_and_drops_identifiers_and_recodings(adult_test):
    released, result = anonymize(adult_test, k=10)
    assert isinstance(released, Dataset)
    assert released.target == "income" and released.protected == adult_test.protected
    assert released.quasi_identifiers == adult_test.quasi_identifiers
    assert "education-num" not in released.frame.columns
    assert result.recodings == {"education-num": "education"}
    assert isinstance(released.frame.index, pd.RangeIndex)
    assert len(released) + result.suppressed == len(adult_test)
    assert result.sensitive_column == "income" and result.achieved_k >= 10


def test_rows_are_shuffled_reproducibly(adult_test):
    a = anonymize(adult_test, k=10, random_state=1)[1].source_index
    b = anonymize(adult_test, k=10, random_state=1)[1].source_index
    c = anonymize(adult_test, k=10, random_state=2)[1].source_index
    assert a.equals(b) and not a.equals(c)
    assert not a.equals(pd.Index(sorted(a)))  # not in source order


def test_direct_identifiers_are_dropped(people):
    released, result = anonymize(people, k=10)
    assert not set(people.identifiers) & set(released.frame.columns)
    assert released.identifiers == ()
    assert result.identifiers == {"dropped": list(people.identifiers)}


def test_direct_identifiers_can_be_pseudonymized_without_leaking_key(people, ledger, monkeypatch):
    key = "k" * 40
    monkeypatch.setenv("GOVKIT_HMAC_KEY", key)
    released, result = anonymize(people, k=10, identifiers="pseudonymize", ledger=ledger)
    ids = released.frame["national_id"]
    assert ids.str.fullmatch(r"[0-9a-f]{20}").all()
    assert not set(ids) & set(people.frame["national_id"])
    assert released.identifiers == people.identifiers
    assert result.identifiers["key_source"] == "environment variable GOVKIT_HMAC_KEY"
    text = ledger.path.read_text()
    assert key not in text and key not in repr(result) and "900-" not in text


def test_ledger_record_carries_what_the_report_needs(adult_test, ledger):
    released, result = anonymize(adult_test, k=10, l=2, method="mondrian", ledger=ledger)
    record = ledger.records()[-1]
    assert (record["stage"], record["operation"]) == ("anonymization", "anonymize")
    parameters, metrics = record["parameters"], record["metrics"]
    assert parameters["quasi_identifiers"] == list(adult_test.quasi_identifiers)
    assert parameters["method"] == "mondrian" and parameters["k"] == 10 and parameters["l"] == 2
    for key in ("k", "l_distinct", "t", "suppressed_rows", "suppressed_share",
                "prosecutor_highest_risk", "prosecutor_average_risk", "journalist_highest_risk",
                "marketer_risk", "information_loss", "rows_in", "rows_released"):
        assert key in metrics, key
    assert metrics["k"] >= 10 and metrics["l_distinct"] >= 2
    assert record["inputs"]["data"] == adult_test.fingerprint
    assert record["outputs"]["released"] == released.fingerprint


@pytest.mark.parametrize("method", ["mondrian", "global"])
def test_reported_measures_equal_assess_on_the_release(adult_test, method):
    released, result = anonymize(adult_test, k=10, method=method)
    reference = adult_test.frame["income"].value_counts(normalize=True)
    check = assess(released.frame.set_axis(result.source_index), sensitive_column="income",
                   quasi_identifiers=adult_test.quasi_identifiers, original=adult_test.frame,
                   k=10, t_reference=reference)
    assert result.assessment.to_metrics() == pytest.approx(check.to_metrics())


def test_global_release_reports_levels(adult_test):
    released, result = anonymize(adult_test, k=10, method="global")
    assert set(result.levels) == set(adult_test.quasi_identifiers)
    assert result.level_names["sex"] in ("original", "*")
    assert result.lattice["lattice_size"] == 5 * 2 * 2 * 4 * 4 * 4 * 3 * 3
    assert result.achieved_k >= 10 and result.suppressed_share <= 0.01


@pytest.mark.parametrize("method", ["mondrian", "global"])
def test_generalize_maps_raw_records_onto_the_release(adult_test, method):
    released, result = anonymize(adult_test, k=10, method=method)
    raw = adult_test.frame.loc[result.source_index]
    mapped = result.generalize(raw).reset_index(drop=True)
    for column in adult_test.quasi_identifiers:
        a = mapped[column].astype(object).fillna("<NA>").tolist()
        b = released.frame[column].astype(object).fillna("<NA>").tolist()
        assert a == b, column
    withheld = result.generalize(adult_test.frame.loc[result.suppressed_index])
    assert withheld[list(adult_test.quasi_identifiers)].isna().all().all()
    assert len(result.generalize(adult_test.frame.head(3))) == 3  # frame untouched, rows kept


@pytest.mark.parametrize("release", ["midpoint", "mean"])
def test_numeric_release_as_numbers(adult_test, release):
    released, result = anonymize(adult_test, k=10, numeric_release=release)
    assert pd.api.types.is_float_dtype(released.frame["age"])
    assert "age" in released.numeric
    mapped = result.generalize(adult_test.frame.loc[result.source_index])
    np.testing.assert_allclose(mapped["age"].to_numpy(), released.frame["age"].to_numpy())


def test_global_midpoints(adult_test):
    released, result = anonymize(adult_test, k=10, method="global", numeric_release="midpoint")
    assert pd.api.types.is_float_dtype(released.frame["age"])


def test_custom_hierarchies_are_used(adult_test):
    age = IntervalHierarchy(widths=(10, 50))
    released, result = anonymize(adult_test, k=5, method="global", hierarchies={"age": age},
                                 quasi_identifiers=["age", "sex"])
    assert result.level_names["age"] in ("original", "width 10", "width 50", "*")


def test_entropy_diversity(adult_test):
    _, result = anonymize(adult_test, k=10, l=1.5, diversity="entropy")
    assert result.achieved_l_entropy >= 1.5 - 1e-9


def test_mondrian_suppression_only_where_it_pays(adult_test):
    _, none = anonymize(adult_test, k=50, max_suppression=0)
    _, some = anonymize(adult_test, k=50, max_suppression=0.05)
    assert none.suppressed == 0
    assert some.suppressed <= int(0.05 * len(adult_test))
    assert some.information_loss <= none.information_loss + 1e-3


def test_result_summary_and_repr(adult_test):
    _, result = anonymize(adult_test, k=10)
    assert isinstance(result, AnonymizationResult)
    assert "k=10 -> " in repr(result)
    table = result.summary()
    assert table.loc["k", "requested"] == 10
    assert "<table" in result._repr_html_()


# -- bad input -----------------------------------------------------------------------------------

SMALL = pd.DataFrame(
    {"age": [30, 31, 32, 40, 41, 42], "edu": ["a", "a", "b", "b", "c", "c"],
     "s": ["x", "y", "x", "y", "x", "x"], "empty": [None] * 6}
)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"quasi_identifiers": ["agee"]}, ValueError, "'agee' is not a column.*did you mean 'age'"),
        ({"k": 1}, ValueError, "k=1 is below 2"),
        ({"k": 7}, ValueError, "k=7 exceeds the number of rows \\(6\\)"),
        ({"k": 2.5}, TypeError, "k must be a whole number"),
        ({"l": 3}, ValueError, "l=3 exceeds the 2 distinct values of the sensitive column 's'"),
        ({"l": 1.9, "diversity": "entropy"}, ValueError, "entropy l-diversity with l=1.9 is impossible"),
        ({"l": 1.5}, ValueError, "must be a whole number"),
        ({"diversity": "recursive"}, ValueError, "diversity='recursive'"),
        ({"t": 0}, ValueError, "t=0.0 is outside \\(0, 1\\]"),
        ({"t": 1.5}, ValueError, "t=1.5 is outside"),
        ({"max_suppression": 2}, ValueError, "max_suppression=2.0"),
        ({"method": "kanon"}, ValueError, "method='kanon'"),
        ({"numeric_release": "median"}, ValueError, "numeric_release='median'"),
        ({"method": "global", "numeric_release": "mean"}, ValueError, "needs method='mondrian'"),
        ({"identifiers": "keep"}, ValueError, "identifiers='keep'"),
        ({"random_state": "seed"}, TypeError, "random_state='seed'"),
        ({"quasi_identifiers": ["age", "empty"]}, ValueError, "'empty' has no values at all"),
        ({"quasi_identifiers": ["edu"], "method": "global",
          "hierarchies": {"edu": MappingHierarchy({"a": "A", "b": "B"})}}, ValueError,
         "does not cover the value 'c'"),
        ({"quasi_identifiers": ["age"], "hierarchies": {"age": "5-year"}}, TypeError,
         "not a govkit Hierarchy"),
        ({"sensitive_column": "age"}, ValueError, "both a quasi-identifier and the sensitive attribute"),
    ],
)
def test_bad_input_names_parameter_value_and_fix(kwargs, error, message):
    arguments = {"quasi_identifiers": ["age", "edu"], "k": 2, "sensitive_column": "s", **kwargs}
    with pytest.raises(error, match=message):
        anonymize(SMALL, **arguments)


def test_l_without_a_sensitive_column():
    with pytest.raises(ValueError, match="pass sensitive_column="):
        anonymize(SMALL, quasi_identifiers=["age"], k=2, l=2)


def test_not_a_frame():
    with pytest.raises(TypeError, match="Dataset or a pandas DataFrame"):
        anonymize(SMALL.to_numpy(), quasi_identifiers=["age"], k=2)


def test_missing_quasi_identifiers_default():
    with pytest.raises(ValueError, match="quasi_identifiers is empty"):
        anonymize(SMALL, k=2)

"""assess: every measure against a hand computation and an independent pandas reference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from govkit.anonymization import assess, find_recodings

# Two classes on (age, zip): A = first three rows, B = the last two.
RELEASE = pd.DataFrame(
    {
        "age": ["[30, 40)", "[30, 40)", "[30, 40)", "[40, 50)", "[40, 50)"],
        "zip": ["021*", "021*", "021*", "100*", "100*"],
        "income": ["low", "high", "low", "low", "low"],
        "hours": [40, 50, 40, 60, 20],
    },
    index=[10, 11, 12, 13, 14],
)
# The same people before generalization, plus one row (15) the release suppressed.
ORIGINAL = pd.DataFrame(
    {
        "age": [31, 35, 39, 41, 48, 20],
        "zip": ["02139", "02141", "02139", "10001", "10002", "00000"],
        "income": ["low", "high", "low", "low", "low", "high"],
        "hours": [40, 50, 40, 60, 20, 10],
    },
    index=[10, 11, 12, 13, 14, 15],
)
QIS = ["age", "zip"]


def test_hand_computed_class_measures():
    a = assess(RELEASE, quasi_identifiers=QIS, sensitive_column="income", k=2, risk_threshold=0.4)
    assert (a.rows, a.classes, a.k) == (5, 2, 2)
    assert a.class_sizes.to_dict() == {2: 1, 3: 1}
    assert a.l_distinct == 1  # class B holds only "low"
    assert a.l_entropy == pytest.approx(1.0)  # exp(entropy 0 of class B)
    # equal distance: overall (low .8, high .2); A (2/3, 1/3) -> 0.1333; B (1, 0) -> 0.2
    assert a.t == pytest.approx(0.2)
    assert a.homogeneous_share == pytest.approx(2 / 5)
    assert a.unique_share == 0.0
    assert a.prosecutor.highest == pytest.approx(1 / 2)
    assert a.prosecutor.average == pytest.approx(2 / 5)  # classes / rows
    assert a.prosecutor.records_at_risk == pytest.approx(2 / 5)  # B's rows: 0.5 > 0.4
    assert a.journalist == a.prosecutor  # no population: the release is its own
    assert a.marketer == pytest.approx(2 / 5)
    assert a.discernibility == 3**2 + 2**2
    assert a.average_class_size == pytest.approx((5 / 2) / 2)
    assert a.information_loss is None and a.suppressed == 0


def test_hand_computed_ordered_distance_for_a_numeric_sensitive_column():
    # values 20, 40, 50, 60 with overall shares .2 .4 .2 .2
    # A: (0, 2/3, 1/3, 0): cumulative differences -.2, .0667, .2 -> .4667 / 3 = .1556
    # B: (.5, 0, 0, .5):  cumulative differences .3, -.1, -.3 -> .7 / 3 = .2333
    a = assess(RELEASE, quasi_identifiers=QIS, sensitive_column="hours")
    assert a.t == pytest.approx(0.7 / 3)


def test_hand_computed_information_loss_with_a_suppressed_row():
    a = assess(RELEASE, quasi_identifiers=QIS, original=ORIGINAL)
    # age span of the whole column: 48 - 20 = 28; A covers 31..39 (8), B covers 41..48 (7)
    # zip domain: 5 values; each released zip covers 2 -> (2 - 1) / (5 - 1)
    # suppressed row 15 counts 1 per quasi-identifier
    total = 3 * 8 / 28 + 2 * 7 / 28 + 5 * 0.25 + 2
    assert a.information_loss == pytest.approx(total / (6 * 2))
    assert a.suppressed == 1
    assert a.discernibility == 13 + 1 * 6


def test_hand_computed_journalist_and_marketer_with_a_population():
    population = pd.concat([RELEASE, RELEASE.iloc[:3]])[QIS]  # A has 6 people, B 2
    a = assess(RELEASE, quasi_identifiers=QIS, population=population, risk_threshold=0.4)
    assert a.journalist.highest == pytest.approx(1 / 2)
    assert a.journalist.average == pytest.approx((3 / 6 + 2 / 2) / 5)
    assert a.journalist.records_at_risk == pytest.approx(2 / 5)
    assert a.marketer == pytest.approx((3 / 6 + 2 / 2) / 5)


def test_t_reference_measures_against_the_given_distribution():
    shares = pd.Series({"low": 0.5, "high": 0.5})
    a = assess(RELEASE, quasi_identifiers=QIS, sensitive_column="income", t_reference=shares)
    # A: |2/3 - 1/2| -> 1/6 ; B: |1 - 1/2| -> 1/2
    assert a.t == pytest.approx(0.5)


def test_a_dataset_brings_its_quasi_identifiers(adult_test):
    a = assess(adult_test, sensitive_column="income")
    b = assess(adult_test.frame, quasi_identifiers=adult_test.quasi_identifiers, sensitive_column="income")
    assert a.to_metrics() == b.to_metrics()


def test_missing_values_form_their_own_class():
    frame = pd.DataFrame({"a": ["x", None, None, "x"]})
    assert assess(frame, quasi_identifiers=["a"]).classes == 2


def test_table_and_str_read_in_plain_words():
    a = assess(RELEASE, quasi_identifiers=QIS, sensitive_column="income", original=ORIGINAL)
    table = a.table()
    assert table.loc["k (smallest class)", "value"] == "2"
    assert "generalized information loss" in str(a)
    assert "<table" in a._repr_html_()


def test_ledger_record(ledger):
    assess(RELEASE, quasi_identifiers=QIS, sensitive_column="income", ledger=ledger)
    record = ledger.records()[-1]
    assert (record["stage"], record["operation"]) == ("anonymization", "assess")
    assert record["metrics"]["k"] == 2 and record["metrics"]["prosecutor_highest_risk"] == 0.5
    assert record["parameters"]["quasi_identifiers"] == QIS


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"quasi_identifiers": ["agee"]}, ValueError, "'agee' is not a column.*did you mean 'age'"),
        ({"quasi_identifiers": []}, ValueError, "quasi_identifiers is empty"),
        ({"quasi_identifiers": QIS, "sensitive_column": "age"}, ValueError, "both a quasi-identifier"),
        ({"quasi_identifiers": QIS, "sensitive_column": "salary"}, ValueError, "'salary' is not in"),
        ({"quasi_identifiers": QIS, "risk_threshold": 0}, ValueError, "risk_threshold=0"),
        ({"quasi_identifiers": QIS, "k": 0}, ValueError, "k=0"),
        ({"quasi_identifiers": QIS, "original": ORIGINAL.drop(index=[10])}, ValueError,
         "1 index label"),
        ({"quasi_identifiers": QIS, "population": RELEASE.iloc[:1][QIS]}, ValueError,
         "fewer records than the release"),
        ({"quasi_identifiers": QIS, "sensitive_column": "income", "t_reference": {"low": 1}}, TypeError,
         "pandas Series"),
        ({"quasi_identifiers": QIS, "t_reference": pd.Series({"low": 1.0})}, ValueError,
         "without sensitive"),
        ({"quasi_identifiers": QIS, "sensitive_column": "income", "t_reference": pd.Series({"low": 1.0})},
         ValueError, "no share for sensitive value"),
    ],
)
def test_bad_input_is_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        assess(RELEASE, **kwargs)


def test_all_missing_quasi_identifier_is_refused():
    frame = RELEASE.assign(zip=None)
    with pytest.raises(ValueError, match="'zip' has no values at all"):
        assess(frame, quasi_identifiers=QIS)


def test_not_a_frame():
    with pytest.raises(TypeError, match="Dataset or a pandas DataFrame"):
        assess([[1, 2]], quasi_identifiers=["a"])


# -- agreement with an independent pandas computation ---------------------------------------

def reference_measures(frame: pd.DataFrame, qis: list[str], sensitive: str) -> dict:
    """Plain groupby computations of the measures, written independently of govkit."""
    groups = frame.groupby(qis, dropna=False)
    sizes = groups.size()
    n = len(frame)
    overall = frame[sensitive].value_counts(normalize=True)
    distinct, entropy, distance = [], [], []
    for _, rows in groups:
        shares = rows[sensitive].value_counts(normalize=True)
        distinct.append(rows[sensitive].nunique())
        entropy.append(float(-(shares * np.log(shares)).sum()))
        distance.append(0.5 * float((shares.reindex(overall.index, fill_value=0) - overall).abs().sum()))
    per_record = 1.0 / frame.groupby(qis, dropna=False)[sensitive].transform("size").to_numpy()
    return {
        "k": int(sizes.min()),
        "classes": len(sizes),
        "l_distinct": int(min(distinct)),
        "l_entropy": math.exp(min(entropy)),
        "t": max(distance),
        "highest": float(per_record.max()),
        "average": float(per_record.mean()),
        "at_risk": float((per_record > 0.2).mean()),
        "unique": float((per_record == 1).mean()),
        "discernibility": float((sizes**2).sum()),
        "homogeneous": float(sum(size for size, d in zip(sizes, distinct, strict=True) if d == 1) / n),
    }


frames = st.integers(min_value=2, max_value=40).flatmap(
    lambda n: st.fixed_dictionaries(
        {
            "a": st.lists(st.sampled_from(["x", "y", "z", None]), min_size=n, max_size=n),
            "b": st.lists(st.integers(0, 3), min_size=n, max_size=n),
            "s": st.lists(st.sampled_from(["p", "q", "r"]), min_size=n, max_size=n),
        }
    )
).map(pd.DataFrame)


@settings(max_examples=60, deadline=None)
@given(frames)
def test_assess_agrees_with_a_plain_pandas_computation(frame):
    assume(frame["a"].notna().any())  # an all-missing quasi-identifier is refused (tested above)
    expected = reference_measures(frame, ["a", "b"], "s")
    got = assess(frame, quasi_identifiers=["a", "b"], sensitive_column="s")
    assert got.k == expected["k"] and got.classes == expected["classes"]
    assert got.l_distinct == expected["l_distinct"]
    assert got.l_entropy == pytest.approx(expected["l_entropy"])
    assert got.t == pytest.approx(expected["t"])
    assert got.prosecutor.highest == pytest.approx(expected["highest"])
    assert got.prosecutor.average == pytest.approx(expected["average"])
    assert got.prosecutor.records_at_risk == pytest.approx(expected["at_risk"])
    assert got.unique_share == pytest.approx(expected["unique"])
    assert got.discernibility == pytest.approx(expected["discernibility"])
    assert got.homogeneous_share == pytest.approx(expected["homogeneous"])


@settings(max_examples=40, deadline=None)
@given(frames, st.data())
def test_information_loss_agrees_with_a_row_by_row_computation(frame, data):
    assume(frame["a"].notna().any())
    # generalize column b by integer division and drop a random subset of rows
    released = frame.assign(b=(frame["b"] // 2).map({0: "0-1", 1: "2-3"}))
    keep = data.draw(st.lists(st.booleans(), min_size=len(frame), max_size=len(frame)))
    if not any(keep):
        keep[0] = True
    released = released[keep]
    assume(released["a"].notna().any())
    got = assess(released, quasi_identifiers=["a", "b"], original=frame).information_loss
    total = 0.0
    for column in ("a", "b"):
        domain = frame[column].nunique(dropna=False)
        span = frame[column].max() - frame[column].min() if column == "b" else None
        for label in released[column].unique():
            rows = released.index[released[column].eq(label) | (pd.isna(label) & released[column].isna())]
            original = frame.loc[rows, column]
            if column == "b":
                loss = (original.max() - original.min()) / span if span else 0.0
            else:
                loss = (original.nunique(dropna=False) - 1) / (domain - 1) if domain > 1 else 0.0
            total += loss * len(rows)
    total += (len(frame) - len(released)) * 2
    assert got == pytest.approx(total / (len(frame) * 2))


def test_find_recodings(adult_train):
    assert find_recodings(adult_train) == {"education-num": "education"}
    frame = pd.DataFrame({"code": [1, 2, 1, 3], "label": ["a", "b", "a", "c"], "x": [1, 1, 2, 2]})
    assert find_recodings(frame, quasi_identifiers=["label"]) == {"code": "label"}
    assert find_recodings(frame, quasi_identifiers=["x"]) == {}

"""The Dataset object: roles validated, views are copies, the frame is never modified."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from govkit.datasets import Dataset


def _frame():
    return pd.DataFrame(
        {"age": [30, 40, 50, 60], "sex": ["F", "M", "F", "M"], "name": list("abcd"),
         "hired": ["y", "n", "y", "n"]}
    )


def test_roles_and_views():
    data = Dataset(_frame(), target="hired", positive_label="y", protected="sex",
                   identifiers=["name"], quasi_identifiers=("age", "sex"))
    assert data.feature_names == ("age", "sex")
    assert data.numeric == ("age",) and data.categorical == ("sex",)
    assert data.y.tolist() == [1, 0, 1, 0]
    assert list(data.sensitive_features.columns) == ["sex"]
    features = data.X
    features.loc[0, "age"] = 99
    assert data.frame.loc[0, "age"] == 30


def test_fingerprint_depends_on_values_and_roles():
    a = Dataset(_frame(), target="hired", positive_label="y")
    b = Dataset(_frame(), target="hired", positive_label="y")
    c = Dataset(_frame(), target="hired", positive_label="y", protected="sex")
    changed = _frame()
    changed.loc[3, "age"] = 61
    d = Dataset(changed, target="hired", positive_label="y")
    assert a.fingerprint == b.fingerprint
    assert len({a.fingerprint, c.fingerprint, d.fingerprint}) == 3


def test_replace_reinfers_kinds_for_a_new_frame():
    data = Dataset(_frame(), target="hired", positive_label="y")
    generalized = data.frame.assign(age=["[30-40)", "[40-50)", "[50-60)", "[60-70)"])
    assert data.replace(frame=generalized).categorical == ("age", "sex", "name")


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"frame": [1, 2]}, TypeError, "frame must be a pandas DataFrame, got list"),
        ({"frame": _frame().iloc[:0]}, ValueError, "no rows"),
        ({"protected": "gender"}, ValueError, r"protected: column 'gender' is not in the data"),
        ({"protected": [1]}, TypeError, r"protected: column names must be strings, got 1"),
        ({"protected": 5}, TypeError, r"protected: expected a column name or a list"),
        ({"identifiers": ["sex"], "protected": ["sex"]}, ValueError, r"identifiers: column 'sex' is also listed in protected"),
        ({"numeric": ["sex"]}, ValueError, r"numeric: column 'sex' has dtype"),
    ],
)
def test_bad_roles(kwargs, error, pattern):
    arguments = {"frame": _frame(), "target": "hired", "positive_label": "y", **kwargs}
    with pytest.raises(error, match=pattern):
        Dataset(**arguments)


@settings(max_examples=40, deadline=None)
@given(
    data_frames(
        [
            column("a", elements=st.integers(-5, 5)),
            column("b", elements=st.sampled_from(["x", "y", None])),
            column("t", elements=st.sampled_from([0, 1])),
        ],
    ).filter(lambda f: f["t"].nunique() == 2)
)
def test_constructing_and_viewing_never_mutates_the_frame(frame):
    before = frame.copy(deep=True)
    data = Dataset(frame, target="t", positive_label=1, protected=["b"])
    _ = (data.X, data.y, data.sensitive_features, data.fingerprint, data.roles, repr(data))
    pd.testing.assert_frame_equal(frame, before)

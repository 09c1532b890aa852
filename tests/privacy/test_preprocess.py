"""DomainEncoder and DomainClipper: preprocessing that learns nothing from the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from govkit.privacy import DomainClipper, DomainEncoder, PublicDomain

DOMAIN = PublicDomain.from_config({
    "numeric": {"age": [20, 70], "pay": [0, 1000]},
    "categorical": {"sex": ["F", "M"]},
    "log_scale": ["pay"],
})


def frame(ages, pays, sexes):
    return pd.DataFrame({"age": ages, "pay": pays, "sex": sexes})


def test_encoding_is_public_and_bounded():
    X = frame([10, 45, 99, None], [0.0, 1000.0, 5000.0, 10.0], ["F", "X", None, "M"])
    out = DomainEncoder(domain=DOMAIN).set_output(transform="pandas").fit_transform(X)
    assert list(out.columns) == ["age", "pay", "sex=F", "sex=M", "sex=missing", "sex=other"]
    assert out["age"].tolist() == [0.0, 0.5, 1.0, 0.5]  # clamped; missing -> middle of range
    assert out["pay"].tolist()[:3] == [0.0, 1.0, 1.0]
    assert out.filter(like="sex=").sum(axis=1).tolist() == [1.0] * 4
    assert out["sex=other"].tolist() == [0, 1, 0, 0] and out["sex=missing"].tolist() == [0, 0, 1, 0]


def test_fit_learns_nothing_from_the_values():
    a = frame([20, 21], [1.0, 2.0], ["F", "F"])
    b = frame([69, 70], [900.0, 1000.0], ["M", "M"])
    probe = frame([30, 60, 80], [5.0, 50.0, 500.0], ["M", "F", "Q"])
    for transformer in (DomainEncoder(domain=DOMAIN), DomainClipper(domain=DOMAIN)):
        fitted_a = clone(transformer).fit(a).transform(probe)
        fitted_b = clone(transformer).fit(b).transform(probe)
        if isinstance(fitted_a, pd.DataFrame):
            pd.testing.assert_frame_equal(fitted_a, fitted_b)
        else:
            np.testing.assert_array_equal(fitted_a, fitted_b)


def test_inputs_are_not_modified():
    X = frame([10, 99], [1.0, 2.0], ["F", None])
    copy = X.copy()
    DomainEncoder(domain=DOMAIN).fit_transform(X)
    DomainClipper(domain=DOMAIN).fit_transform(X)
    pd.testing.assert_frame_equal(X, copy)


def test_clipper_keeps_units_and_tells_interpret_the_public_facts():
    X = frame([10, 45], [2000.0, 1.0], ["M", "Z"])
    clipper = DomainClipper(domain=DOMAIN).fit(X)
    out = clipper.transform(X)
    assert out.to_dict("list") == {"age": [20.0, 45.0], "pay": [1000.0, 1.0], "sex": ["M", "other"]}
    assert clipper.feature_types() == ["continuous", "continuous", "nominal"]
    assert clipper.privacy_bounds() == {"age": (20.0, 70.0), "pay": (0.0, 1000.0)}


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match="domain must be a govkit.privacy.PublicDomain"):
        DomainEncoder().fit(frame([1], [1.0], ["F"]))
    with pytest.raises(TypeError, match="pandas DataFrame"):
        DomainEncoder(domain=DOMAIN).fit(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"column\(s\) \['extra'\]"):
        DomainEncoder(domain=DOMAIN).fit(frame([1], [1.0], ["F"]).assign(extra=1))
    fitted = DomainEncoder(domain=DOMAIN).fit(frame([1], [1.0], ["F"]))
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['sex'\]"):
        fitted.transform(frame([1], [1.0], ["F"]).drop(columns="sex"))
    with pytest.raises(ValueError, match="column 'age' has public numeric bounds"):
        fitted.transform(frame(["old"], [1.0], ["F"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()),
                min_size=1, max_size=20))
def test_encoded_numbers_always_lie_in_the_unit_interval(values):
    X = pd.DataFrame({"age": pd.array(values, dtype="Float64").astype(float),
                      "pay": 1.0, "sex": "F"})
    out = DomainEncoder(domain=DOMAIN).fit_transform(X)
    assert np.all(np.isfinite(out)) and np.all((out >= 0) & (out <= 1))

"""The label encoding LIME and the model-agnostic SHAP path work in: a lossless round trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkit.exceptions import DataQualityWarning
from govkit.explain._codec import CategoryCodec

categories = st.sampled_from(["a", "b", "c", "missing", None])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-50, 50), categories, st.sampled_from(["x", "y"])),
             min_size=1, max_size=30)
)
def test_decode_inverts_encode(rows):
    frame = pd.DataFrame(rows, columns=["n", "c", "d"]).astype({"c": "str", "d": "category"})
    codec = CategoryCodec(frame, categorical=["c", "d"])
    codes = codec.encode(frame)
    assert codes.dtype == float and codes.shape == frame.shape
    back = codec.decode(codes)
    pd.testing.assert_frame_equal(back, frame.astype({"n": float}), check_categorical=False)
    assert back["d"].dtype == frame["d"].dtype


def test_missing_is_its_own_named_category_even_next_to_a_real_missing_label():
    frame = pd.DataFrame({"c": ["missing", None, "a"]})
    codec = CategoryCodec(frame, categorical=["c"])
    assert codec.categorical_names[0] == ["a", "missing", "(missing)"]
    assert codec.decode(codec.encode(frame))["c"].isna().tolist() == [False, True, False]


def test_unseen_values_are_named():
    codec = CategoryCodec(pd.DataFrame({"c": ["a", "b"]}), categorical=["c"])
    with pytest.raises(ValueError, match="column 'c': value 'z' does not occur"):
        codec.encode(pd.DataFrame({"c": ["z"]}))
    with pytest.raises(ValueError, match="column 'c': value None does not occur"):
        codec.encode(pd.DataFrame({"c": [None]}))


def test_filling_missing_numbers_warns_and_leaves_the_input_alone():
    frame = pd.DataFrame({"n": [1.0, np.nan, 3.0], "c": ["a", "b", "a"]})
    codec = CategoryCodec(frame, categorical=["c"])
    codes = codec.encode(frame)
    with pytest.warns(DataQualityWarning, match=r"\['n'\]: 1 missing numeric value"):
        filled = codec.fill_numeric(codes)
    assert filled[1, 0] == 2.0 and np.isnan(codes[1, 0])
    assert codec.label("c", 1.0) == "b"

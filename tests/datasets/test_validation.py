"""govkit.datasets.as_frame / check_dataset: the one check of a ``data`` argument."""

import numpy as np
import pandas as pd
import pytest

from govkit.datasets import Dataset, as_frame, check_dataset


def _dataset() -> Dataset:
    frame = pd.DataFrame({"age": [30, 41, 52, 25], "hired": ["yes", "no", "yes", "no"]})
    return Dataset(frame, target="hired", positive_label="yes")


def test_as_frame_returns_the_dataset_frame_and_the_dataset():
    data = _dataset()
    frame, dataset = as_frame(data, func="f")
    assert frame is data.frame and dataset is data


def test_as_frame_returns_a_dataframe_and_none():
    frame = pd.DataFrame({"a": [1, 2]})
    got, dataset = as_frame(frame, func="f")
    assert got is frame and dataset is None


@pytest.mark.parametrize("value, kind", [
    ([1, 2], "list"), (np.zeros((2, 2)), "ndarray"), ("adult.csv", "str"), (None, "NoneType"),
    (pd.Series([1, 2]), "Series"),
])
def test_as_frame_refuses_anything_else_naming_function_parameter_and_type(value, kind):
    with pytest.raises(TypeError, match=(
            rf"^assess_risk: release must be a govkit Dataset or a pandas DataFrame, "
            rf"got {kind}; load it with govkit\.datasets\.load_adult\(\)")):
        as_frame(value, func="assess_risk", param="release")


def test_check_dataset_returns_the_dataset():
    data = _dataset()
    assert check_dataset(data, func="f") is data


@pytest.mark.parametrize("value, kind", [
    (pd.DataFrame({"a": [1]}), "DataFrame"), ([1], "list"), ("adult.csv", "str"),
])
def test_check_dataset_refuses_anything_else_with_the_fix(value, kind):
    with pytest.raises(TypeError, match=(
            rf"^fit_model: train must be a govkit Dataset, got {kind}; .*"
            r"govkit\.datasets\.Dataset\(frame, target=\.\.\., positive_label=\.\.\.\)")):
        check_dataset(value, func="fit_model", param="train")


def test_default_parameter_name_is_data():
    with pytest.raises(TypeError, match=r"^roles_table: data must be a govkit Dataset"):
        check_dataset(3, func="roles_table")
    with pytest.raises(TypeError, match=r"^group_summary: data must be a govkit Dataset or"):
        as_frame(3, func="group_summary")


@pytest.mark.parametrize(("value", "error"), [(True, TypeError), (-1, ValueError), ("0", TypeError)])
def test_make_credit_random_state_follows_the_one_contract(value, error):
    from govkit.datasets import make_credit

    with pytest.raises(error, match=rf"^make_credit: random_state={value!r} .*is not a valid seed"):
        make_credit(100, random_state=value)


def test_make_credit_accepts_numpy_integers_and_generators_and_checks_n_rows():
    from govkit.datasets import make_credit

    pd.testing.assert_frame_equal(make_credit(100, random_state=np.int64(3)),
                                  make_credit(100, random_state=3))
    assert len(make_credit(100, random_state=np.random.default_rng(0))) == 100
    with pytest.raises(ValueError, match=r"^make_credit: n_rows=99 is outside \[100, 1e\+06\]"):
        make_credit(99)
    with pytest.raises(TypeError, match=r"^make_credit: n_rows must be a whole number, got float"):
        make_credit(100.0)


def test_add_synthetic_identifiers_follows_the_random_state_contract():
    from govkit.datasets import add_synthetic_identifiers

    frame = pd.DataFrame({"age": [30, 41, 52, 25], "sex": ["F", "M", "F", "M"],
                          "hired": ["yes", "no", "yes", "no"]})
    data = Dataset(frame, target="hired", positive_label="yes")
    same = add_synthetic_identifiers(data, random_state=np.int64(5)).frame
    pd.testing.assert_frame_equal(same, add_synthetic_identifiers(data, random_state=5).frame)
    with pytest.raises(TypeError, match=r"^add_synthetic_identifiers: random_state=True"):
        add_synthetic_identifiers(data, random_state=True)


def test_record_load_refuses_what_is_not_a_dataset(ledger):
    from govkit.datasets import record_load

    with pytest.raises(TypeError, match=r"^record_load: data must be a govkit Dataset, got str"):
        record_load("adult.csv", ledger)
    assert not ledger.path.exists()  # nothing was appended


def test_add_synthetic_identifiers_checks_random_state_before_the_columns():
    from govkit.datasets import add_synthetic_identifiers

    frame = pd.DataFrame({"email": ["a", "b"], "hired": ["yes", "no"]})  # clashes with a new column
    with pytest.raises(TypeError, match=r"add_synthetic_identifiers: random_state='zero'"):
        add_synthetic_identifiers(Dataset(frame, target="hired", positive_label="yes"),
                                  random_state="zero")

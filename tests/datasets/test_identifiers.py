"""Synthetic identifiers: deterministic, unique where they must be, visibly fake."""

from __future__ import annotations

import pytest

from govkit.datasets import add_synthetic_identifiers
from govkit.datasets._identifiers import SYNTHETIC_IDENTIFIERS
from govkit.ledger import Ledger


@pytest.mark.integration
def test_deterministic_unique_and_labelled(adult_train):
    a = add_synthetic_identifiers(adult_train, random_state=0)
    b = add_synthetic_identifiers(adult_train, random_state=0)
    c = add_synthetic_identifiers(adult_train, random_state=1)
    assert a.frame.equals(b.frame)
    assert not a.frame["email"].equals(c.frame["email"])
    frame = a.frame
    assert frame["email"].is_unique and frame["national_id"].is_unique
    assert frame["email"].str.endswith("@example.org").all()
    assert frame["national_id"].str.fullmatch(r"900-\d{2}-\d{4}").all()
    assert frame["zip_code"].str.fullmatch(r"\d{5}").all()
    assert a.identifiers == SYNTHETIC_IDENTIFIERS
    assert a.quasi_identifiers[-1] == "zip_code"
    assert not set(SYNTHETIC_IDENTIFIERS) & set(a.feature_names)
    # the original columns are untouched and the input dataset unchanged
    assert frame[list(adult_train.frame.columns)].equals(adult_train.frame)
    assert "name" not in adult_train.frame.columns


@pytest.mark.integration
def test_first_names_follow_the_sex_column(adult_train):
    from govkit.datasets._identifiers import _FEMALE

    frame = add_synthetic_identifiers(adult_train).frame
    first = frame["name"].str.split(" ").str[0]
    assert first[frame["sex"] == "Female"].isin(_FEMALE).all()
    assert not first[frame["sex"] == "Male"].isin(_FEMALE).any()


def test_the_ledger_refuses_the_values(tmp_path, adult_train):
    row = add_synthetic_identifiers(adult_train).frame.iloc[0]
    ledger = Ledger(tmp_path / "l.jsonl")
    for column in ("email", "national_id"):
        with pytest.raises(ValueError, match="looks like a direct identifier"):
            ledger.append("datasets", "oops", metrics={"example": row[column]})


def test_clash_with_existing_columns(adult_train):
    once = add_synthetic_identifiers(adult_train)
    with pytest.raises(ValueError, match=r"already has column\(s\) \['name', 'email'"):
        add_synthetic_identifiers(once)

"""UCI Adult as shipped: the original files, their checksums, and the loader's cleaning."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from govkit.datasets import ADULT_COLUMNS, adult_data_dir, load_adult
from govkit.datasets._adult import ADULT_SHA256

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("name", sorted(ADULT_SHA256))
def test_shipped_files_match_the_published_checksums(name):
    raw = gzip.decompress((DATA / f"{name}.gz").read_bytes())
    assert hashlib.sha256(raw).hexdigest() == ADULT_SHA256[name]


def test_data_readme_publishes_the_same_checksums_and_row_counts():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for name, digest in ADULT_SHA256.items():
        assert re.search(rf"{re.escape(name)}.*{digest}", readme), f"{name} checksum missing"
    assert "32,561" in readme and "16,281" in readme
    assert "CC BY 4.0" in readme


def test_loader_finds_the_repository_data_folder():
    assert adult_data_dir().resolve() in (DATA.resolve(), (DATA.parent / "govkit" / "_data").resolve())


@pytest.mark.integration
def test_row_counts_and_positive_rate():
    train, test, both = load_adult("train"), load_adult("test"), load_adult("all")
    assert (len(train), len(test), len(both)) == (32_561, 16_281, 48_842)
    assert round(train.y.mean(), 3) == 0.241
    assert list(train.frame.columns) == list(ADULT_COLUMNS)
    assert both.frame.index.equals(pd.RangeIndex(48_842))


@pytest.mark.integration
def test_labels_are_cleaned_and_missing_values_read_as_missing():
    test = load_adult("test")
    assert set(test.frame["income"]) == {"<=50K", ">50K"}  # the trailing '.' is gone
    train = load_adult("train")
    raw = gzip.decompress((DATA / "adult.data.gz").read_bytes()).decode()
    question_marks = {
        column: sum(1 for line in raw.splitlines() if line and line.split(", ")[i] == "?")
        for i, column in enumerate(ADULT_COLUMNS)
    }
    missing = train.frame.isna().sum().to_dict()
    assert missing == question_marks
    assert missing["occupation"] == 1843 and missing["workclass"] == 1836


def test_roles_are_the_documented_defaults(adult_train):
    assert adult_train.target == "income" and adult_train.positive_label == ">50K"
    assert adult_train.protected == ("sex", "race")
    assert adult_train.quasi_identifiers == (
        "age", "sex", "race", "marital-status", "education", "native-country", "workclass",
        "occupation",
    )
    assert adult_train.identifiers == ()
    assert "income" not in adult_train.feature_names


def test_each_load_returns_an_independent_copy():
    first = load_adult("train")
    first.frame.loc[0, "age"] = -1
    assert load_adult("train").frame.loc[0, "age"] == 39


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match=r"split='validation'.*'train', 'test', 'all'"):
        load_adult("validation")


def test_a_damaged_file_is_noticed(tmp_path, monkeypatch):
    from govkit.datasets import _adult

    for name in ADULT_SHA256:
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(b"39, State-gov\n"))
    monkeypatch.setenv("GOVKIT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(_adult, "_RAW_CACHE", {})
    with pytest.raises(ValueError, match="does not match the published sha256"):
        load_adult("train")


def test_load_records_provenance_in_the_ledger(ledger):
    load_adult("test", ledger=ledger)
    (record,) = ledger.records()
    assert record["stage"] == "datasets" and record["operation"] == "load"
    assert record["parameters"]["licence"] == "CC BY 4.0"
    assert record["parameters"]["files"] == {"adult.test": ADULT_SHA256["adult.test"]}
    assert record["metrics"]["rows"] == 16_281

"""from_csv: an analyst's own file, read with its roles, bad input refused clearly."""

from __future__ import annotations

import hashlib

import pytest

from govkit.datasets import from_csv

GOOD = "age,sex,zip,score,approved\n31,F,10001,0.5,yes\n45,M,10002,0.7,no\n52,F,10003,?,yes\n"


@pytest.fixture
def csv(tmp_path):
    def write(text: str, name: str = "loans.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reads_roles_and_kinds(csv):
    path = csv(GOOD)
    data = from_csv(path, target="approved", positive_label="yes", protected="sex",
                    quasi_identifiers=["age", "zip", "sex"])
    assert data.y.tolist() == [1, 0, 1]
    assert data.protected == ("sex",)
    assert data.numeric == ("age", "zip", "score") and data.categorical == ("sex",)
    assert data.frame["score"].isna().sum() == 1  # '?' is missing, and the row is kept
    assert len(data) == 3
    assert data.name == "loans"


def test_numeric_label_given_as_text(csv):
    data = from_csv(csv("x,y\n1,0\n2,1\n"), target="y", positive_label="1")
    assert data.y.tolist() == [0, 1]


@pytest.mark.parametrize(
    ("text", "kwargs", "pattern"),
    [
        (GOOD, {"target": "approve"}, r"target: column 'approve' is not in loans.csv \(did you mean 'approved'\?\)"),
        (GOOD, {"target": "approved", "protected": ["gender"]}, r"protected: column 'gender' is not in the data.*Fix the name"),
        (GOOD, {"target": "approved", "identifiers": ["name"]}, r"identifiers: column 'name' is not in the data"),
        (GOOD, {"target": "approved", "quasi_identifiers": ["approved"]}, r"quasi_identifiers: the target column 'approved' cannot also be"),
        ("age,grade\n1,a\n2,b\n3,c\n", {"target": "grade"}, r"target: column 'grade' has 3 distinct values \('a', 'b', 'c'\).*Binarize it"),
        ("age,ok\n1,yes\n2,yes\n", {"target": "ok"}, r"target: column 'ok' has a single value \('yes'\)"),
        ("age,ok\n1,yes\n2,\n", {"target": "ok"}, r"target: column 'ok' has 1 missing value\(s\) \(first at row 1\).*never drops rows"),
        (GOOD, {"target": "approved", "positive_label": "approved"}, r"positive_label: 'approved' does not occur in target column 'approved', whose values are 'yes', 'no'"),
        ("", {"target": "approved"}, r"is empty \(0 bytes\)"),
        ("age,approved\n", {"target": "approved"}, r"is empty \(a header line but no data rows\)"),
        ("\n\n", {"target": "approved"}, r"is empty \(no header line\)"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_the_file_unchanged(csv, text, kwargs, pattern):
    path = csv(text)
    before = _digest(path)
    kwargs = {"positive_label": "yes", **kwargs}
    with pytest.raises(ValueError, match=pattern):
        from_csv(path, **kwargs)
    assert _digest(path) == before


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist; check the path"):
        from_csv(tmp_path / "nope.csv", target="y", positive_label=1)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(ValueError, match="is a folder, not a CSV file"):
        from_csv(tmp_path, target="y", positive_label=1)


def test_load_is_recorded_without_the_folder(csv, ledger):
    path = csv(GOOD)
    from_csv(path, target="approved", positive_label="yes", ledger=ledger)
    (record,) = ledger.records()
    assert record["parameters"]["source"] == "loans.csv"
    assert record["parameters"]["file_sha256"] == _digest(path)
    assert str(path.parent) not in str(record)


def test_a_column_declared_categorical_is_read_as_text(csv):
    path = csv("age,postcode,approved\n31,01234,yes\n45,10002,no\n52,01234,yes\n")
    data = from_csv(path, target="approved", positive_label="yes", categorical=["postcode"])
    assert data.frame["postcode"].tolist() == ["01234", "10002", "01234"]  # leading zero kept
    assert data.categorical == ("postcode",) and data.numeric == ("age",)
    inferred = from_csv(path, target="approved", positive_label="yes")
    assert "postcode" in inferred.numeric  # without the declaration pandas parses digits as numbers

"""Dataset.profile and check_data: every problem a run would hit, said before any work."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from govkit.datasets import DataCheck, Dataset, check_data, make_credit
from govkit.exceptions import DataCheckError

CREDIT_IDS = ["applicant_name", "email"]


def _people(n: int = 120, **changes) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "age": rng.integers(18, 80, n),
        "sex": rng.choice(["F", "M"], n),
        "region": rng.choice(["north", "south"], n),
        "hired": rng.choice(["yes", "no"], n),
    })
    return frame.assign(**changes)


def test_profile_columns_and_roles():
    credit = make_credit(400, random_state=0)
    data = Dataset(credit, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                   protected=["sex"], quasi_identifiers=["age", "sex", "postcode"],
                   exclude=["loan_term_months"], categorical=["postcode"])
    table = data.profile()
    assert list(table.index) == list(credit.columns)
    assert list(table.columns) == ["role", "kind", "dtype", "missing", "missing_share", "distinct",
                                   "likely_identifier", "identifier_reason", "problem", "note"]
    assert table.loc["repaid", "role"] == "target"
    assert table.loc["email", "role"] == "identifier"
    assert table.loc["sex", "role"] == "protected, quasi-identifier, feature"
    assert table.loc["loan_term_months", "role"] == "excluded"
    assert table.loc["postcode", "kind"] == "categorical" and table.loc["income", "kind"] == "numeric"
    assert table.loc["employment_years", "missing"] == credit["employment_years"].isna().sum()
    assert bool(table.loc["email", "likely_identifier"]) and table.loc["email", "problem"] == ""
    assert "e-mail address" in table.loc["email", "identifier_reason"]
    assert (table["problem"] == "").all()


def test_profile_never_shows_a_value():
    credit = make_credit(200, random_state=3)
    text = Dataset(credit, target="repaid", positive_label="yes").profile().to_string()
    for value in (*credit["email"], *credit["applicant_name"]):
        assert value not in text


def test_each_problem_is_found():
    frame = _people(
        sex=["F", "M", None] + ["F", "M"] * 58 + ["F"],
        notes=[None] * 120,
        email=[f"person{i}@example.org" for i in range(120)],
        income=np.arange(120) * 1000.0,
        constant="same",
    )
    data = Dataset(frame, target="hired", positive_label="yes", protected=["sex", "income"])
    report = check_data(data, min_group_size=2)
    problems = "\n".join(report.problems)
    assert "column 'sex' (train): 1 missing value(s) in a protected column; fill them" in problems
    assert "column 'notes' (train): every value is missing; remove the column" in problems
    assert re.search(r"column 'email' \(train\): looks like a direct identifier \(its name "
                     r"contains 'email'; 100% of its values match the e-mail address pattern.*"
                     r"identifiers=\['email'\] to remove it or not_identifiers=\['email'\]",
                     problems)
    assert "column 'income' (train): protected column is numeric with 120 distinct values; bin it" in problems
    assert "column 'constant': a single value in every row" in "\n".join(report.notes)
    assert "income" not in set(report.groups["attribute"])  # no group per income value
    assert not report.ok
    with pytest.raises(DataCheckError, match=r"has 4 problem\(s\) that would stop a run:\n  - column 'sex'"):
        report.raise_for_problems()


def test_small_groups_in_train_and_test():
    train = Dataset(_people(sex=["F"] * 100 + ["X"] * 20), target="hired", positive_label="yes",
                    protected="sex")
    test = Dataset(_people(60, sex=["F"] * 55 + ["M"] * 5), target="hired", positive_label="yes",
                   protected="sex")
    report = check_data(train, test=test, min_group_size=10)
    problems = report.problems
    assert "group sex='M' has 0 row(s) in train, fewer than min_group_size=10" in problems[0]
    assert any("group sex='M' has 5 row(s) in test" in p for p in problems)
    assert any("group sex='X' has 0 row(s) in test" in p for p in problems)
    assert not any("sex='F'" in p for p in problems)
    assert not any("sex='X' has 20" in p for p in problems)
    groups = report.groups.set_index("value")
    assert groups.loc["F", "train_rows"] == 100 and groups.loc["F", "test_rows"] == 55
    assert groups.loc["X", "test_rows"] == 0
    expected = train.frame.loc[train.frame["sex"] == "F", "hired"].eq("yes").mean()
    assert groups.loc["F", "train_positive_rate"] == pytest.approx(expected)
    assert any("never occur in train" in n for n in report.notes)  # M is new in test


def test_missing_protected_values_form_their_own_group_reported_once():
    frame = _people(sex=["F"] * 60 + ["M"] * 55 + [None] * 5)
    report = check_data(Dataset(frame, target="hired", positive_label="yes", protected="sex"))
    groups = report.groups.set_index("value")
    assert groups.loc["(missing)", "train_rows"] == 5
    assert report.problems == ("column 'sex' (train): 5 missing value(s) in a protected column; "
                               "fill them (e.g. 'unknown') in the source data",)


def test_the_test_split_must_have_the_training_columns():
    train = Dataset(_people(), target="hired", positive_label="yes", protected="sex")
    test = Dataset(_people(60).drop(columns=["region"]).assign(extra=1), target="hired",
                   positive_label="yes", protected="sex")
    report = check_data(train, test=test, min_group_size=1)
    assert report.problems == ("test lacks the training column(s) ['region']; a model trained "
                               "on train needs them: load a test file with the same columns",)
    assert any("test has column(s) ['extra']" in n for n in report.notes)


def test_a_clean_credit_split_is_ok_and_reads_well(tmp_path):
    credit = make_credit(2000, random_state=0)
    path = tmp_path / "credit.csv"
    credit.iloc[:1400].to_csv(path, index=False, sep=";", decimal=",")
    from govkit.datasets import from_csv

    train = from_csv(path, target="repaid", positive_label="yes", identifiers=CREDIT_IDS,
                     protected=["sex", "nationality"], categorical=["postcode"])
    test = Dataset(credit.iloc[1400:].reset_index(drop=True), target="repaid",
                   positive_label="yes", identifiers=CREDIT_IDS, protected=["sex", "nationality"],
                   categorical=["postcode"])
    report = check_data(train, test=test)
    assert report.ok, report.problems
    assert report.raise_for_problems() is report
    assert "was read with encoding='utf-8' (detected), sep=';' (detected), decimal=','" \
        in report.notes[0]
    text = str(report)
    assert text.startswith("Data check of credit (1400 rows): OK\n")
    assert "Columns:" in text and "Groups:" in text and "foreign-born" in text
    html = report._repr_html_()
    assert html.startswith("<div class='govkit-data-check'>") and "<table" in html
    for value in credit["email"].head(20):
        assert value not in text and value not in html


def test_html_escapes_names():
    frame = _people(**{"<b>x</b>": 1})
    report = check_data(Dataset(frame, target="hired", positive_label="yes", protected="sex"))
    assert "<b>x</b>" not in report._repr_html_()


def test_data_check_is_frozen():
    report = check_data(Dataset(_people(), target="hired", positive_label="yes", protected="sex"))
    assert isinstance(report, DataCheck)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.problems = ()  # type: ignore[misc]


def test_check_data_does_not_modify_the_frames():
    frame = _people(sex=["F", None] * 60)
    before = frame.copy()
    check_data(Dataset(frame, target="hired", positive_label="yes", protected="sex"))
    pd.testing.assert_frame_equal(frame, before)

"""find_identifiers / check_identifiers: undeclared direct identifiers are found and refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.datasets import (
    Dataset,
    add_synthetic_identifiers,
    check_identifiers,
    find_identifiers,
    make_credit,
)
from govkit.datasets._identifier_rules import name_match
from govkit.exceptions import UndeclaredIdentifierError

N = 30


def _flagged(frame: pd.DataFrame) -> dict[str, str | None]:
    table = find_identifiers(frame)
    return dict(zip(table["column"], table["pattern"], strict=True))


@pytest.mark.parametrize(
    "column",
    ["applicant_name", "E-Mail", "email", "customer_id", "CustomerID", "phone_number", "Tel",
     "mobile", "SSN", "passport_no", "IBAN", "home_address", "first_name", "Surname",
     "身份证号", "身份证", "客户姓名", "姓名", "手机号", "联系电话", "邮箱", "住址"],
)
def test_identifier_like_names_are_flagged(column):
    assert name_match(column) is not None
    frame = pd.DataFrame({column: ["a", "b", "a"]})
    assert list(find_identifiers(frame)["column"]) == [column]


@pytest.mark.parametrize(
    "column", ["idle_time", "valid", "hidden", "hotel", "paid", "telemetry", "named_entity",
               "identity", "age", "zip_code", "postcode", "income", "fnlwgt", "年龄", "性别"],
)
def test_ordinary_names_are_not_flagged(column):
    assert name_match(column) is None
    assert find_identifiers(pd.DataFrame({column: ["a", "b", "a"]})).empty


def _cycle(values, n=N):
    return [values[i % len(values)] for i in range(n)]


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        (["ann@example.org", "b.c+tag@mail.example.com"], "e-mail address"),
        (["+49 30 1234567", "(555) 010-0199", "13812345678", "07700 900123"], "phone number"),
        (["11010519491231002X", "440524188001010014"], "China resident ID"),
        (["123-45-6789", "900-12-3456"], "US SSN"),
        (["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"], "IBAN"),
        (["4111 1111 1111 1111", "5500-0000-0000-0004"], "payment card number"),
    ],
)
def test_value_patterns_flag_a_column_with_an_innocent_name(values, pattern):
    frame = pd.DataFrame({"contact": _cycle(values)})  # few distinct values: not uniqueness
    assert _flagged(frame) == {"contact": pattern}


@pytest.mark.parametrize(
    "values",
    [
        ["110105194912310021", "440524188001010015"],        # resident IDs with a wrong check
        ["GB82 WEST 1234 5698 7654 33"],                      # IBAN with a wrong check
        ["4111 1111 1111 1112"],                              # card with a wrong Luhn digit
        ["2023-01-05", "12.05.2023", "05/12/2023"],           # dates are not phone numbers
        ["45,600", "1.234", "3.5"],                           # numbers are not phone numbers
        ["000-12-3456", "123-00-4567"],                       # never-issued SSN shapes
    ],
)
def test_near_misses_are_not_patterns(values):
    assert find_identifiers(pd.DataFrame({"contact": _cycle(values)})).empty


def test_a_pattern_needs_most_cells():
    emails = ["ann@example.org"] * 10 + ["-"] * 20
    assert find_identifiers(pd.DataFrame({"contact": emails})).empty
    assert not find_identifiers(pd.DataFrame({"contact": emails}), pattern_share=0.3).empty


def test_uniqueness_flags_text_columns_with_enough_rows():
    unique = [f"r{i}" for i in range(20)]
    assert _flagged(pd.DataFrame({"code": unique})) == {"code": None}
    # 19 non-missing values: too few to tell
    assert find_identifiers(pd.DataFrame({"code": unique[:19] + [None]})).empty
    # 18 distinct among 20 = 0.9 is flagged, 17 of 20 is not
    assert not find_identifiers(pd.DataFrame({"code": unique[:18] + ["r0", "r1"]})).empty
    assert find_identifiers(pd.DataFrame({"code": unique[:17] + ["r0", "r1", "r2"]})).empty
    reason = find_identifiers(pd.DataFrame({"code": unique}))["reason"].iloc[0]
    assert reason == "100% of its 20 non-missing values are distinct"


def test_numbers_are_not_flagged_for_uniqueness_only(adult_train):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"weight": rng.normal(size=500), "count": np.arange(500)})
    assert find_identifiers(frame).empty
    assert "fnlwgt" not in set(find_identifiers(adult_train)["column"])


def test_id_numbers_stored_as_integers_are_flagged():
    frame = pd.DataFrame({
        "resident": _cycle([110105199003071239, 440524188001010014]),
        "card": _cycle([4111111111111111, 5500000000000004]),
        "amount": _cycle([123456789, 987654321]),  # an SSN-shaped number is not evidence
    })
    assert _flagged(frame) == {"resident": "China resident ID", "card": "payment card number"}


def test_adult_and_credit_with_declared_identifiers_pass(adult_train):
    check_identifiers(adult_train)
    people = add_synthetic_identifiers(adult_train.replace(frame=adult_train.frame.head(2000)))
    found = check_identifiers(people)
    assert set(found["column"]) == {"name", "email", "national_id"}
    credit = Dataset(make_credit(500, random_state=1), target="repaid", positive_label="yes",
                     identifiers=["applicant_name", "email"], categorical=["postcode"])
    check_identifiers(credit)


def test_credit_without_identifiers_is_refused_naming_both_columns_and_no_value():
    frame = make_credit(500, random_state=1)
    data = Dataset(frame, target="repaid", positive_label="yes")
    with pytest.raises(UndeclaredIdentifierError) as caught:
        check_identifiers(data)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert "'applicant_name' (its name contains 'name';" in message
    assert "'email' (its name contains 'email'; 100% of its values match the e-mail" in message
    assert "identifiers=['applicant_name', 'email']" in message
    assert "not_identifiers=['applicant_name', 'email']" in message
    assert "data.identifiers / data.not_identifiers" in message
    for value in (*frame["email"].head(50), *frame["applicant_name"].head(50)):
        assert value not in message
    assert "@" not in message


def test_not_identifiers_keeps_a_flagged_column_as_a_feature():
    frame = pd.DataFrame({"customer_id": range(30), "ok": [0, 1] * 15})
    with pytest.raises(UndeclaredIdentifierError, match="'customer_id' \\(its name contains 'id'\\)"):
        check_identifiers(Dataset(frame, target="ok", positive_label=1))
    kept = Dataset(frame, target="ok", positive_label=1, not_identifiers=["customer_id"])
    check_identifiers(kept)
    assert "customer_id" in kept.feature_names


def test_a_plain_frame_has_no_roles_so_every_flagged_column_is_refused():
    frame = pd.DataFrame({"email": ["a@example.org", "b@example.org"], "ok": [0, 1]})
    with pytest.raises(UndeclaredIdentifierError, match="plain DataFrame, which has no roles"):
        check_identifiers(frame)


def test_the_target_is_never_an_identifier():
    frame = pd.DataFrame({"age": [30, 40, 50], "has_phone": ["yes", "no", "yes"]})
    check_identifiers(Dataset(frame, target="has_phone", positive_label="yes"))


def test_the_frame_is_not_modified():
    frame = pd.DataFrame({"email": ["a@example.org", None, "c@example.org"], "n": [1.5, 2.5, None]})
    before = frame.copy()
    find_identifiers(frame)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"data": [1, 2]}, TypeError, "find_identifiers: data must be a govkit Dataset or a pandas DataFrame, got list"),
        ({"min_rows": 0}, ValueError,
         r"find_identifiers: min_rows=0 is outside \[1, inf\); .*e\.g\. min_rows=20"),
        ({"min_rows": True}, TypeError, r"find_identifiers: min_rows must be a whole number, got bool"),
        ({"unique_share": 1.5}, ValueError,
         r"find_identifiers: unique_share=1.5 is outside \(0, 1\]; .*e\.g\. unique_share=0.9"),
        ({"pattern_share": "most"}, TypeError,
         r"find_identifiers: pattern_share must be a number, got str \('most'\)"),
    ],
)
def test_bad_arguments(kwargs, error, pattern):
    arguments = {"data": pd.DataFrame({"a": [1]}), **kwargs}
    with pytest.raises(error, match=pattern):
        find_identifiers(**arguments)

"""Notebook 05's exercise checkers: right answers pass, wrong ones get a useful hint."""

from __future__ import annotations

import pytest

from govkit.check import (
    budget_spent_exercise,
    head_hash_exercise,
    mystery_ledger,
    tampered_record_exercise,
)
from govkit.ledger import GENESIS_HASH, Ledger, verify


@pytest.fixture
def original(tmp_path):
    ledger = Ledger(tmp_path / "original" / "ledger.jsonl")
    ledger.append("datasets", "load", outputs={"data": "ab" * 32}, metrics={"rows": 100})
    for spent, naive in ((1.0, 1.0), (1.7, 2.0), (2.2, 3.0)):
        ledger.append("privacy", "dp_count",
                      parameters={"budget_name": "b", "budget_epsilon": 4.0, "epsilon": 1.0},
                      metrics={"epsilon_spent": 1.0, "budget_spent_epsilon": spent,
                               "budget_naive_sum_epsilon": naive})
    ledger.append("privacy", "dp_count",  # another budget with a single charge
                  parameters={"budget_name": "c", "budget_epsilon": 1.0, "epsilon": 0.5},
                  metrics={"epsilon_spent": 0.5, "budget_spent_epsilon": 0.5,
                           "budget_naive_sum_epsilon": 0.5})
    ledger.append("fairness", "group_report", metrics={"rows": 50})
    return ledger


@pytest.fixture
def mystery(original, tmp_path):
    return mystery_ledger(original, tmp_path / "mystery", random_state=5)


def test_the_mystery_is_a_copy_with_one_record_edited(original, mystery):
    result = verify(mystery)
    assert not result.ok and 1 <= result.bad_record < len(original)
    assert original.verify().ok
    assert mystery_ledger(original, mystery.parent.parent / "again", random_state=5).read_bytes() \
        == mystery.read_bytes()


def test_tampered_record(mystery):
    right = verify(mystery).bad_record
    assert tampered_record_exercise(mystery, right)
    assert "none of them can be trusted" in tampered_record_exercise(mystery, right).message
    assert tampered_record_exercise(mystery, float(right))
    cases = [
        (right - 1, "index"),
        (right + 1, "first record that fails"),
        (None, "Replace None"),
        ("three", "number"),
        (True, "number"),
    ]
    if right >= 3:
        cases.append((right - 2, "still verify"))
    for answer, words in cases:
        feedback = tampered_record_exercise(mystery, answer)
        assert not feedback and words in feedback.message, (answer, feedback.message)


def test_tampered_record_on_an_intact_ledger_says_so(original):
    feedback = tampered_record_exercise(original.path, 1)
    assert not feedback and "verifies: nothing in it was edited" in feedback.message


@pytest.mark.parametrize(
    ("answer", "ok", "words"),
    [
        ((2.2, 3.0), True, "claims 3.000, 0.800 more"),
        ([2.21, 3], True, ""),
        ((3.0, 2.2), False, "swapped"),
        ((4.0, 3.0), False, "budget's total"),
        ((1.0, 3.0), False, "last charge's own ε"),
        ((2.2, 2.0), False, "accountant's number is right"),
        ((0.5, 0.5), False, "budget 'b' (3 charges)"),
        (None, False, "Replace None"),
        (2.2, False, "two numbers"),
        ("2.2, 3", False, "two numbers"),
        ((2.2, "x"), False, "number"),
        ((2.2, float("nan")), False, "finite"),
    ],
)
def test_budget_spent(original, answer, ok, words):
    feedback = budget_spent_exercise(original, answer)
    assert bool(feedback) is ok and words in feedback.message, feedback.message


def test_budget_spent_without_dp(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.append("datasets", "load")
    feedback = budget_spent_exercise(ledger, (1, 1))
    assert not feedback and "no differentially private" in feedback.message


def test_head_hash(original):
    records = original.records()
    head = original.head_hash
    assert head_hash_exercise(original, head)
    assert head_hash_exercise(original, head[:12].upper() + "…")
    assert head_hash_exercise(original.path, f"  {head}  ")
    cases = [
        (GENESIS_HASH, "genesis"),
        (records[0]["hash"], "record 1's hash"),
        (records[-1]["prev_hash"], f"record {len(records) - 1}'s hash"),
        ("ab" * 32, "data fingerprint"),
        (head[:8], "at least the first 12"),
        ("f" * 64, "not in this ledger"),
        ("xyz", "hexadecimal"),
        (None, "Replace None"),
        (12345, "string"),
    ]
    for answer, words in cases:
        feedback = head_hash_exercise(original, answer)
        assert not feedback and words in feedback.message, (answer, feedback.message)


def test_head_hash_of_an_empty_ledger(tmp_path):
    feedback = head_hash_exercise(Ledger(tmp_path / "empty.jsonl"), "0" * 64)
    assert not feedback and "empty" in feedback.message

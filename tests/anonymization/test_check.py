"""The exercise checkers of notebook 01."""

from __future__ import annotations

import pytest

from govkit.anonymization import anonymize, assess, linkage_attack, public_register
from govkit.check import (
    forgotten_quasi_identifier_exercise,
    homogeneity_exercise,
    unique_records_exercise,
)
from govkit.datasets import add_synthetic_identifiers


@pytest.fixture(scope="module")
def people(adult_test):
    return add_synthetic_identifiers(adult_test, random_state=0)


@pytest.fixture(scope="module")
def register(people):
    return public_register(people, size=500)


def test_unique_records(adult_test):
    truth = 100 * assess(adult_test).unique_share
    assert unique_records_exercise(adult_test, None).message.startswith("Replace None")
    assert unique_records_exercise(adult_test, truth + 0.3).ok
    assert "fraction" in unique_records_exercise(adult_test, truth / 100).message
    assert not unique_records_exercise(adult_test, truth + 5).ok
    assert "number" in unique_records_exercise(adult_test, "many").message


def test_homogeneity(adult_test):
    _, result = anonymize(adult_test, k=10)
    truth = 100 * result.assessment.homogeneous_share
    assert homogeneity_exercise(adult_test, truth).ok
    feedback = homogeneity_exercise(adult_test, truth + 3)
    assert not feedback.ok and "homogeneous_share" in feedback.message


def test_forgotten_quasi_identifier(people, register):
    qis = [c for c in people.quasi_identifiers if c != "zip_code"]
    released, result = anonymize(people, quasi_identifiers=qis, k=10)
    truth = 100 * linkage_attack(register, released, result=result).reidentified_share
    assert truth > 0
    assert forgotten_quasi_identifier_exercise(people, register, truth).ok
    assert not forgotten_quasi_identifier_exercise(people, register, 0).ok
    assert not forgotten_quasi_identifier_exercise(people, register, float("nan")).ok

"""The linkage attack: exact on raw releases, generalization-aware on anonymized ones."""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.anonymization import anonymize, drop_identifiers, linkage_attack, public_register
from govkit.anonymization._linkage import linkage_from_release
from govkit.datasets import add_synthetic_identifiers


@pytest.fixture(scope="module")
def people(adult_test):
    return add_synthetic_identifiers(adult_test, random_state=4)


@pytest.fixture(scope="module")
def register(people):
    return public_register(people, size=500, random_state=1)


def test_hand_checked_attack():
    release = pd.DataFrame({"zip": ["1", "1", "2", "3"], "age": [30, 40, 30, 50]}, index=[7, 8, 9, 10])
    register = pd.DataFrame({"name": ["A", "B", "C", "D"], "zip": ["1", "2", "2", "4"],
                             "age": [30, 30, 31, 50]}, index=[7, 9, 99, 10])
    result = linkage_attack(register, release)
    # A -> row 7 (unique, right); B -> row 9 (unique, right); C and D match nothing
    assert (result.matched, result.unique, result.correct) == (2, 2, 2)
    assert result.reidentified_share == 0.5 and result.on == ("zip", "age")
    wrong = linkage_attack(register.set_axis([8, 9, 99, 10]), release)
    assert wrong.correct == 1  # A's unique match is row 7, not the claimed row 8


def test_register_lists_names_and_quasi_identifiers(people, register):
    assert list(register.columns) == ["name", "zip_code", "age", "sex"]
    assert len(register) == 500 and register.index.isin(people.frame.index).all()


def test_raw_release_is_re_identified_and_k_anonymity_stops_it(people, register, ledger):
    raw = linkage_attack(register, drop_identifiers(people), ledger=ledger)
    assert raw.reidentified_share > 0.2
    record = ledger.records()[-1]
    assert record["operation"] == "linkage_attack" and record["parameters"]["release"] == "raw"
    assert "name" not in record["parameters"]["on"]
    for method in ("mondrian", "global"):
        released, result = anonymize(people, k=5, method=method)
        attack = linkage_attack(register, released, result=result)
        assert attack.unique == 0 and attack.correct == 0  # every class has >= 5 members
        released_people = len(register) - int(register.index.isin(result.suppressed_index).sum())
        assert attack.matched >= released_people  # everyone released matches at least their row


def test_forgetting_a_quasi_identifier_brings_the_attack_back(people, register):
    qis = [c for c in people.quasi_identifiers if c != "zip_code"]
    released, result = anonymize(people, quasi_identifiers=qis, k=10)
    attack = linkage_attack(register, released, result=result)
    assert attack.correct > 0


def test_fast_path_matches_the_general_attack(people, register):
    for method in ("mondrian", "global"):
        released, result = anonymize(people, k=3, method=method)
        general = linkage_attack(register, released, result=result)
        fast = linkage_from_release(register, result, on=["zip_code", "age", "sex"])
        assert general == fast


def test_linkage_errors(people, register):
    with pytest.raises(ValueError, match="share no column"):
        linkage_attack(register[["name"]], drop_identifiers(people))
    with pytest.raises(ValueError, match="'zip' is missing from the register"):
        linkage_attack(register, drop_identifiers(people), on=["zip"])
    with pytest.raises(TypeError, match="DataFrame"):
        linkage_attack([1, 2], people)
    with pytest.raises(TypeError, match="is a direct identifier"):
        public_register(drop_identifiers(people))
    with pytest.raises(ValueError, match="size=0"):
        public_register(people, size=0)

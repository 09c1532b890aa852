"""Direct identifiers: HMAC pseudonyms, dropping, and the dictionary attack on plain hashes."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from govkit.anonymization import (
    _identifiers,
    dictionary_attack,
    drop_identifiers,
    national_id_candidates,
    pseudonymize,
    unsalted_hash,
)
from govkit.datasets import add_synthetic_identifiers

KEY = "an-example-key-that-is-long-enough-0123456789"


@pytest.fixture
def people(adult_test):
    return add_synthetic_identifiers(adult_test.replace(frame=adult_test.frame.head(400)),
                                     random_state=5)


def test_pseudonyms_are_keyed_hmacs_with_domain_separation(people, monkeypatch):
    monkeypatch.setenv("GOVKIT_HMAC_KEY", KEY)
    out = pseudonymize(people)
    value = people.frame["national_id"].iloc[0]
    expected = hmac.new(KEY.encode(), b"national_id\x00" + value.encode(), hashlib.sha256).hexdigest()
    assert out.frame["national_id"].iloc[0] == expected[:20]
    # the same value in another column gets another pseudonym
    both = pseudonymize(pd.DataFrame({"a": ["x"], "b": ["x"]}), columns=["a", "b"])
    assert both["a"].iloc[0] != both["b"].iloc[0]
    # stable under the same key, the input untouched
    assert out.frame["email"].equals(pseudonymize(people).frame["email"])
    assert people.frame["national_id"].iloc[0] == value


def test_session_key_is_random_and_stays_in_memory(people, monkeypatch, ledger):
    monkeypatch.delenv("GOVKIT_HMAC_KEY", raising=False)
    monkeypatch.setattr(_identifiers, "_SESSION_KEY", None)
    first = pseudonymize(people, ledger=ledger)
    again = pseudonymize(people)
    assert first.frame["name"].equals(again.frame["name"])  # consistent within the session
    monkeypatch.setattr(_identifiers, "_SESSION_KEY", None)
    other = pseudonymize(people)
    assert not first.frame["name"].equals(other.frame["name"])  # a new session, new pseudonyms
    record = ledger.records()[-1]
    assert record["operation"] == "pseudonymize"
    assert "session" in record["parameters"]["key_source"]
    assert "@" not in ledger.path.read_text()


def test_short_key_is_refused_without_echoing_it(people, monkeypatch):
    monkeypatch.setenv("GOVKIT_HMAC_KEY", "short-secret")
    with pytest.raises(ValueError) as error:
        pseudonymize(people)
    assert "12 characters" in str(error.value) and "short-secret" not in str(error.value)


def test_drop_identifiers(people, ledger):
    out = drop_identifiers(people, ledger=ledger)
    assert out.identifiers == () and not {"name", "email", "national_id"} & set(out.frame.columns)
    assert "zip_code" in out.quasi_identifiers
    assert ledger.records()[-1]["metrics"]["columns_dropped"] == 3


def test_identifier_errors(adult_test):
    with pytest.raises(ValueError, match="no identifier columns"):
        pseudonymize(adult_test)
    with pytest.raises(ValueError, match="'ssn' is not in the data"):
        drop_identifiers(adult_test.frame, columns=["ssn"])


def decoys_and(ids: pd.Series) -> list[str]:
    """A dictionary holding the true IDs among decoys (the attacker's best case, and fast)."""
    return [f"900-99-{i:04d}" for i in range(2000)] + ids.tolist()


def test_unsalted_sha256_falls_to_a_dictionary_attack(people, ledger):
    ids = people.frame["national_id"]
    leaked = unsalted_hash(ids)
    assert leaked.iloc[0] == hashlib.sha256(ids.iloc[0].encode()).hexdigest()
    attack = dictionary_attack(leaked, decoys_and(ids), truth=ids, ledger=ledger)
    assert attack.recovered == attack.targets == ids.nunique()
    assert attack.correct == len(ids)
    assert "900-" not in repr(attack) and "900-" not in str(attack)
    assert "900-" not in ledger.path.read_text()


def test_hmac_pseudonyms_resist_the_same_attack(people, monkeypatch):
    monkeypatch.setenv("GOVKIT_HMAC_KEY", KEY)
    ids = people.frame["national_id"]
    pseudonyms = pseudonymize(people).frame["national_id"]
    # even a dictionary holding every true ID recovers nothing without the key
    attack = dictionary_attack(pseudonyms, decoys_and(ids))
    assert attack.recovered == 0 and attack.candidates == 2000 + len(ids)


def test_the_candidate_space_is_the_synthetic_id_space():
    candidates = national_id_candidates()
    first = [next(candidates) for _ in range(3)]
    assert first == ["900-00-0000", "900-00-0001", "900-00-0002"]


def test_dictionary_attack_rejects_a_string_dictionary():
    with pytest.raises(TypeError, match="iterable of strings"):
        dictionary_attack(["abc"], "900-00-0000")

"""On the real data: the numbers the notebook and the report rely on."""

from __future__ import annotations

import pytest

from govkit.anonymization import (
    anonymize,
    assess,
    dictionary_attack,
    drop_identifiers,
    fit_anonymized_model,
    linkage_attack,
    national_id_candidates,
    public_register,
    unsalted_hash,
)
from govkit.datasets import add_synthetic_identifiers
from govkit.models import score_model

pytestmark = pytest.mark.integration


def test_raw_adult_is_highly_identifying(adult_train):
    raw = assess(adult_train, sensitive_column="income")
    assert raw.k == 1
    assert 0.45 < raw.unique_share < 0.50  # 47.5% unique on the eight quasi-identifiers
    assert raw.prosecutor.highest == 1.0


def test_mondrian_on_adult_train(adult_train):
    released, result = anonymize(adult_train, k=10)
    assert result.achieved_k >= 10 and result.suppressed <= 325
    assert result.classes > 2000 and result.information_loss < 0.08
    assert result.assessment.prosecutor.highest <= 0.1
    _, diverse = anonymize(adult_train, k=10, l=2)
    assert diverse.achieved_l == 2 and diverse.assessment.homogeneous_share == 0
    assert diverse.information_loss > result.information_loss  # diversity costs precision


def test_full_domain_search_on_adult_train(adult_train):
    released, result = anonymize(adult_train, k=5, method="global", max_suppression=0.01)
    assert result.achieved_k >= 5 and result.suppressed <= 325
    assert result.lattice["lattice_size"] == 11_520
    assert result.lattice["nodes_evaluated"] < 3_000  # monotonicity prunes the rest
    # Mondrian's partitions fit the data far more closely than whole-column recoding
    _, mondrian = anonymize(adult_train, k=5)
    assert mondrian.information_loss < result.information_loss / 3


def test_linkage_on_adult_train(adult_train):
    people = add_synthetic_identifiers(adult_train, random_state=0)
    register = public_register(people, size=1000, random_state=0)
    raw = linkage_attack(register, drop_identifiers(people))
    assert 0.2 < raw.reidentified_share < 0.3
    released, result = anonymize(people, k=5)
    assert linkage_attack(register, released, result=result).correct == 0


def test_dictionary_attack_recovers_every_synthetic_id(adult_test):
    people = add_synthetic_identifiers(adult_test, random_state=0)
    ids = people.frame["national_id"]
    attack = dictionary_attack(unsalted_hash(ids), national_id_candidates(), truth=ids)
    assert attack.recovered == attack.targets == len(ids) == attack.correct


def test_anonymized_model_utility_on_adult(adult_train, adult_test):
    model = fit_anonymized_model(adult_train, k=50)
    scores = score_model(model, adult_test)
    assert scores["auc"] > 0.88 and scores["accuracy"] > 0.83
    assert model.result_.achieved_k >= 50

"""`python -m govkit run` with no config: Adult, and the same numbers as the notebooks on the same seeds.

The pipeline runs once on the bundled data (cold cache: about a minute and a
half). Each check then redoes one notebook's call exactly as the notebook
writes it and compares with what the pipeline recorded in its ledger.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from govkit.anonymization import anonymize, drop_identifiers, linkage_attack, public_register
from govkit.datasets import add_synthetic_identifiers, load_adult
from govkit.explain import explain_shap
from govkit.models import fit_model
from govkit.pipeline import PipelineConfig, run_pipeline
from govkit.privacy import PrivacyBudget, fit_private_model

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    out = tmp_path_factory.mktemp("adult") / "results"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Adult's tiny intersectional groups warn; tested elsewhere
        result = run_pipeline(PipelineConfig.adult(), out, progress=False)
    assert result.verified
    return [json.loads(line) for line in result.ledger.read_text().splitlines()]


@pytest.fixture(scope="module")
def train():
    return load_adult("train")


@pytest.fixture(scope="module")
def test_split():
    return load_adult("test")


def _records(records, stage, operation):
    return [r for r in records if r["stage"] == stage and r["operation"] == operation]


def test_the_release_is_notebook_01s(records, train):
    people = add_synthetic_identifiers(train, random_state=0)
    _, mondrian = anonymize(people, k=10, method="mondrian")  # notebook 01, section 5
    recorded = _records(records, "anonymization", "anonymize")[-1]["metrics"]
    expected = mondrian.to_metrics()
    for key in ("k", "classes", "suppressed_rows", "information_loss", "prosecutor_highest_risk",
                "prosecutor_average_risk", "discernibility"):
        assert recorded[key] == pytest.approx(expected[key], rel=1e-12), key
    assert recorded["k"] >= 10


def test_the_linkage_attack_is_notebook_01s(records, train):
    people = add_synthetic_identifiers(train, random_state=0)
    register = public_register(people, columns=("name", "zip_code", "age", "sex"), size=1000)
    raw = linkage_attack(register, drop_identifiers(people))  # notebook 01, section 3
    recorded = _records(records, "anonymization", "linkage_attack")[0]["metrics"]
    assert recorded["reidentified"] == raw.correct
    assert recorded["register_size"] == 1000


def test_the_dp_model_is_notebook_02s(records, train, test_split):
    budget = PrivacyBudget(epsilon=3.0, delta=1e-6)
    dp_ebm = fit_private_model("dp_ebm", train, budget=budget, epsilon=1.0)  # notebook 02
    predicted = np.asarray(dp_ebm.predict(test_split.X)) == np.asarray(test_split.y)
    compared = _records(records, "fairness", "compare_models")[-1]["metrics"]["models"]
    women = test_split.frame["sex"] == "Female"
    recorded = compared["DP (dp_ebm)"]["groups"]["Female"]["accuracy"]["value"]
    assert recorded == pytest.approx(float(np.mean(predicted[women])), abs=1e-12)


def test_the_shap_values_are_notebook_04s(records, train, test_split):
    logistic = fit_model("logistic_regression", train)  # notebook 04's (and 03's) reference model
    rows = test_split.frame.sample(n=PipelineConfig.adult().explain_rows, random_state=0).index
    shap = explain_shap(logistic, test_split, rows=rows, background=train)
    recorded = _records(records, "explain", "shap")[0]
    assert recorded["parameters"]["explainer"] == "LinearExplainer"
    mean_abs = shap.values.abs().mean()
    for feature, value in recorded["metrics"]["mean_abs_shap"].items():
        assert value == pytest.approx(float(mean_abs[feature]), rel=1e-9), feature

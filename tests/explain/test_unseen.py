"""Rows the training data did not prepare for: explained, never refused (no late failures).

A category seen only in the test split, a missing category in a column that
had none, and a missing number in the row to explain all used to stop the
explanation stage of a pipeline run with a ValueError nothing in a config
could fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from govkit.explain import TabularLime, explain_lime, explain_shap
from govkit.explain._codec import UNSEEN_SUFFIX, CategoryCodec
from govkit.ledger import Ledger, fingerprint


class Recording:
    """Wraps a model and keeps every frame LIME made it predict on."""

    def __init__(self, model):
        self.model = model
        self.frames: list[pd.DataFrame] = []
        self.classes_ = model.classes_
        self.feature_names_in_ = model.feature_names_in_
        self.steps = getattr(model, "steps", None)

    def predict_proba(self, frame):
        self.frames.append(frame.copy())
        return self.model.predict_proba(frame)

    def __sklearn_is_fitted__(self):
        return True


def _row(people, **changes) -> pd.DataFrame:
    row = people.X.iloc[[0]].copy()
    for column, value in changes.items():
        if value is None:
            row[column] = row[column].astype(object)
        row.loc[row.index[0], column] = value
    return row


def test_a_test_only_category_is_explained_the_way_the_model_treats_it(people, people_models):
    model = people_models["logistic_regression"]
    recording = Recording(model)
    lime = TabularLime(recording, people)
    row = _row(people, job="astronaut")
    explanation = lime.explain(row, num_samples=500, random_state=0)
    assert explanation.conditions["job"] == "job=astronaut" + UNSEEN_SUFFIX
    assert explanation.unseen == ("job",)
    # the model saw the row's own value (one-hot: all zeros), so LIME's prediction at the row
    # is the model's prediction on the raw row
    assert explanation.model_prediction == pytest.approx(model.predict_proba(row)[0, 1])
    (frame,) = recording.frames
    assert frame["job"].iloc[0] == "astronaut"
    # perturbations still draw only categories that exist in the background
    assert set(frame["job"].iloc[1:]) <= set(people.X["job"])
    assert np.isfinite(explanation.weights).all()


def test_a_missing_category_in_a_column_that_never_had_one(people, people_models):
    lime = TabularLime(people_models["gradient_boosting"], people)
    row = _row(people, job=None)
    explanation = lime.explain(row, num_samples=300)
    assert explanation.conditions["job"] == "job=missing" + UNSEEN_SUFFIX
    expected = people_models["gradient_boosting"].predict_proba(row)[0, 1]
    assert explanation.model_prediction == pytest.approx(expected)


def test_a_missing_number_is_explained_as_the_model_sees_it_after_imputation(people, people_models):
    model = people_models["gradient_boosting"]
    lime = TabularLime(model, people)
    row = _row(people, hours=np.nan)
    explanation = lime.explain(row, num_samples=300)
    imputer = model.named_steps["preprocess"].named_transformers_["num"][0]
    median = float(imputer.statistics_[list(people.numeric).index("hours")])
    assert explanation.imputed == {"hours": median}
    # the model fills the gap with that same value, so its prediction does not change
    assert explanation.model_prediction == pytest.approx(model.predict_proba(row)[0, 1])
    assert np.isfinite(explanation.weights).all()
    assert np.isnan(row["hours"].iloc[0])  # the caller's row is left alone


def test_a_model_without_an_imputer_gets_the_background_median():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X["a"] + rng.normal(scale=0.5, size=200) > 0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y)
    lime = TabularLime(model, X)
    row = X.iloc[[3]].copy()
    row.loc[row.index[0], "a"] = np.nan
    explanation = lime.explain(row, num_samples=300)
    assert explanation.imputed == {"a": pytest.approx(float(X["a"].median()))}
    assert lime.imputation_source == "the background median"


def test_explain_lime_says_which_rows_were_imputed_or_unseen(people, people_models, tmp_path):
    test = people.X.iloc[:6].copy()
    test["job"] = test["job"].astype(object)
    test.loc[test.index[1], "job"] = "astronaut"
    test.loc[test.index[2], "age"] = np.nan
    test.loc[test.index[4], "age"] = np.nan
    before = fingerprint(test)
    ledger = Ledger(tmp_path / "ledger.jsonl")
    lime = TabularLime(people_models["gradient_boosting"], people)
    result = explain_lime(lime, test, num_samples=200, ledger=ledger)
    assert fingerprint(test) == before
    assert len(result) == 6 and np.isfinite(result.weights.to_numpy()).all()
    imputed, unseen = result.notes
    assert imputed.startswith("2 of 6 explained row(s) had missing numbers (age)")
    assert "the model's own imputer value" in imputed
    assert unseen.startswith("1 of 6 explained row(s) had categories not in the training data (job)")
    assert "astronaut" not in " ".join(result.notes)  # counts and columns, never values
    (record,) = ledger.records()
    assert record["metrics"]["rows_imputed"] == 2
    assert record["metrics"]["rows_with_unseen_categories"] == 1
    assert record["metrics"]["notes"] == list(result.notes)


def test_an_unseen_value_keeps_its_code_and_label_across_rows():
    codec = CategoryCodec(pd.DataFrame({"c": ["a", None]}), categorical=["c"])
    first = codec.encode(pd.DataFrame({"c": ["z", "y", "z"]}), unseen="extend")
    assert first[:, 0].tolist() == [2.0, 3.0, 2.0]
    assert codec.categorical_names[0] == ["a", "missing", "z" + UNSEEN_SUFFIX, "y" + UNSEEN_SUFFIX]
    assert codec.decode(first)["c"].tolist() == ["z", "y", "z"]
    assert codec.decode(codec.encode(pd.DataFrame({"c": ["a", None]})))["c"].isna().tolist() == [
        False, True]
    with pytest.raises(ValueError, match="unseen: got 'ignore'"):
        codec.encode(pd.DataFrame({"c": ["a"]}), unseen="ignore")


@pytest.mark.parametrize("model_name", ["gradient_boosting", "logistic_regression", "ebm"])
def test_shap_explains_unseen_categories_and_missing_values(people, people_models, model_name):
    test = people.X.iloc[:5].copy()
    test["job"] = test["job"].astype(object)
    test.loc[test.index[0], "job"] = "astronaut"
    test.loc[test.index[1], "hours"] = np.nan
    test.loc[test.index[2], "sex"] = None
    explanation = explain_shap(people_models[model_name], test, background=people, cache=False,
                               background_size=50)
    assert np.isfinite(explanation.values.to_numpy()).all()
    assert explanation.additivity_error() < 1e-6

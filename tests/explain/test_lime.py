"""LIME: categories perturbed as categories, decoded names, fixed seeds, the ledger, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lime.lime_tabular import LimeTabularExplainer

from govkit.exceptions import DataQualityWarning
from govkit.explain import LimeExplanation, TabularLime, explain_lime
from govkit.ledger import fingerprint


class Recording:
    """Wraps a model and keeps every frame LIME made it predict on."""

    def __init__(self, model):
        self.model = model
        self.frames: list[pd.DataFrame] = []
        self.classes_ = model.classes_
        self.feature_names_in_ = model.feature_names_in_

    def predict_proba(self, frame):
        self.frames.append(frame.copy())
        return self.model.predict_proba(frame)

    def __sklearn_is_fitted__(self):
        return True


def test_perturbed_categories_stay_inside_each_features_category_set(people, people_models):
    model = Recording(people_models["gradient_boosting"])
    lime = TabularLime(model, people)
    lime.explain(people.X.iloc[0], num_samples=2000, random_state=0)
    (frame,) = model.frames
    assert len(frame) == 2000
    for column in people.categorical:
        allowed = set(people.X[column].dropna())
        seen = set(frame[column].dropna())
        assert seen <= allowed, f"{column}: LIME invented {seen - allowed}"
        assert len(seen) == len(allowed)  # every category is sampled, not only the row's own
    assert frame["relationship"].isna().any()  # "missing" is perturbed as its own category


def test_categories_are_drawn_at_their_training_frequencies(people, people_models):
    model = Recording(people_models["logistic_regression"])
    TabularLime(model, people).explain(people.X.iloc[3], num_samples=5000, random_state=1)
    frame = model.frames[0].iloc[1:]  # row 0 is the explained person
    expected = people.X["job"].value_counts(normalize=True)
    observed = frame["job"].value_counts(normalize=True)
    for job in expected.index:
        assert observed[job] == pytest.approx(expected[job], abs=0.03)


def test_explanations_use_the_original_feature_names_and_decoded_categories(people, people_models):
    lime = TabularLime(people_models["gradient_boosting"], people)
    row = people.X.iloc[5]
    explanation = lime.explain(row, num_samples=1000)
    assert isinstance(explanation, LimeExplanation)
    assert list(explanation.weights.index) == list(people.feature_names)
    assert explanation.conditions["sex"] == f"sex={row['sex']}"
    assert explanation.conditions["job"] == f"job={row['job']}"
    assert "age" in explanation.conditions["age"]  # a bin such as "30.00 < age <= 42.00"
    assert explanation.native.as_list(1)  # lime's own object stays available


def test_same_seed_same_explanation_other_seed_other_explanation(people, people_models):
    lime = TabularLime(people_models["gradient_boosting"], people)
    row = people.X.iloc[7]
    first = lime.explain(row, num_samples=800, random_state=4)
    lime.explain(row, num_samples=800, random_state=99)  # advances nothing that matters
    again = lime.explain(row, num_samples=800, random_state=4)
    other = lime.explain(row, num_samples=800, random_state=5)
    pd.testing.assert_series_equal(first.weights, again.weights)
    assert not first.weights.equals(other.weights)


def test_reseeding_matches_a_fresh_lime_explainer_with_that_seed(people, people_models):
    """Guards the lime internals we reseed (explainer, LimeBase and discretizer generators)."""
    model = people_models["logistic_regression"]
    ours = TabularLime(model, people)
    ours.explain(people.X.iloc[1], num_samples=300, random_state=0)  # use the generator once
    codec = ours.codec
    fresh = LimeTabularExplainer(
        codec.fill_numeric(codec.encode(people.X)), mode="classification",
        feature_names=codec.features, categorical_features=codec.categorical_indices,
        categorical_names=codec.categorical_names, discretize_continuous=True,
        feature_selection="none", random_state=21,
    )
    row = people.X.iloc[2]
    native = fresh.explain_instance(codec.encode(row.to_frame().T)[0], ours.predict, labels=(1,),
                                    num_features=len(codec.features), num_samples=700)
    mine = ours.explain(row, num_samples=700, random_state=21)
    expected = pd.Series(dict(native.as_map()[1])).sort_index().to_numpy()
    np.testing.assert_allclose(mine.weights.to_numpy(), expected)


def test_a_model_that_uses_one_category_is_explained_by_it(people):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    y = (people.X["job"] == "engineer").astype(int)
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["job"]), remainder="drop"),
        LogisticRegression(C=100),
    ).fit(people.X, y)
    explanation = TabularLime(model, people.X).explain(people.X.iloc[0], num_samples=2000)
    weights = explanation.weights.abs()
    assert weights.idxmax() == "job"
    assert weights.drop("job").max() < 0.1 * weights["job"]


def test_explain_lime_tables_and_ledger_record(people, people_models, ledger):
    lime = TabularLime(people_models["gradient_boosting"], people, name="gradient boosting")
    result = explain_lime(lime, people, rows=[0, 4, 9], num_samples=600, random_state=2,
                          ledger=ledger)
    assert result.weights.shape == (3, len(people.feature_names))
    assert result.weights.index.tolist() == [0, 4, 9]
    assert result.conditions.loc[4, "sex"].startswith("sex=")
    assert result.fidelity.between(-1, 1).all()
    np.testing.assert_allclose(
        result.model_prediction,
        people_models["gradient_boosting"].predict_proba(people.X.iloc[[0, 4, 9]])[:, 1],
    )
    # a row's explanation does not depend on the other rows explained with it
    alone = lime.explain(people.X.iloc[[4]], num_samples=600, random_state=2)
    pd.testing.assert_series_equal(result.weights.loc[4], alone.weights, check_names=False)
    (record,) = ledger.records()
    assert (record["stage"], record["operation"]) == ("explain", "lime")
    assert record["parameters"]["random_state"] == 2
    assert record["parameters"]["num_samples"] == 600
    assert record["parameters"]["explainer"] == "LimeTabularExplainer"
    assert record["metrics"]["top_features"] == result.importance().index[:5].tolist()
    assert record["inputs"]["background"] == fingerprint(people.X)


def test_inputs_are_not_modified(people, people_models):
    frame = people.X
    before = fingerprint(frame)
    lime = TabularLime(people_models["ebm"], frame)
    explain_lime(lime, frame, rows=[1], num_samples=200)
    assert fingerprint(frame) == before


def test_missing_numbers_in_the_background_are_filled_with_a_warning(people, people_models):
    frame = people.X
    frame.loc[frame.index[:3], "age"] = np.nan
    with pytest.warns(DataQualityWarning, match=r"\['age'\]: 3 missing numeric value"):
        lime = TabularLime(people_models["gradient_boosting"], frame)
    # a missing number in the row is explained as the model sees it after imputation
    # (tests/explain/test_unseen.py covers this in detail)
    imputer = people_models["gradient_boosting"].named_steps["preprocess"].named_transformers_["num"][0]
    median_age = float(imputer.statistics_[list(people.numeric).index("age")])
    assert lime.explain(frame.iloc[0], num_samples=200).imputed == {"age": median_age}
    assert np.isfinite(lime.explain(frame.iloc[5], num_samples=200).weights).all()


def test_a_category_the_background_never_saw_is_named(people, people_models):
    lime = TabularLime(people_models["gradient_boosting"], people)
    row = people.X.iloc[0].copy()
    row["job"] = "astronaut"
    explanation = lime.explain(row, num_samples=200)  # tests/explain/test_unseen.py: the details
    assert explanation.conditions["job"] == "job=astronaut (not in the training data)"
    assert explanation.unseen == ("job",)


@pytest.mark.parametrize(
    ("row", "error", "message"),
    [
        ([1, 2, 3], TypeError, "pandas Series or a one-row DataFrame"),
        ("two rows", ValueError, "exactly one row, got 2"),
    ],
)
def test_bad_rows(people, people_models, row, error, message):
    lime = TabularLime(people_models["gradient_boosting"], people)
    if row == "two rows":
        row = people.X.iloc[:2]
    with pytest.raises(error, match=message):
        lime.explain(row)


def test_bad_parameters(people, people_models):
    model = people_models["gradient_boosting"]
    with pytest.raises(ValueError, match="TabularLime: discretizer='kmeans' is not one of"):
        TabularLime(model, people, discretizer="kmeans")
    lime = TabularLime(model, people)
    with pytest.raises(ValueError, match=r"TabularLime.explain: num_samples=5 is outside \[10, inf\)"):
        lime.explain(people.X.iloc[0], num_samples=5)
    with pytest.raises(ValueError, match=r"explain_lime: num_samples=0 is outside \[10, inf\)"):
        explain_lime(lime, people, rows=[0], num_samples=0)
    with pytest.raises(TypeError, match=r"explain_lime: random_state='zero' \(str\)"):
        explain_lime(lime, people, rows=[0], random_state="zero")
    with pytest.raises(TypeError, match="expected a govkit.explain.TabularLime"):
        explain_lime(model, people)
    with pytest.raises(ValueError, match="row 1000 is out of range"):
        explain_lime(lime, people, rows=[1000])


def test_a_model_without_predict_proba_is_refused(people):
    from sklearn.svm import LinearSVC

    with pytest.raises(TypeError, match="has no predict_proba"):
        TabularLime(LinearSVC(), people)


@pytest.mark.integration
def test_lime_on_adult_keeps_perturbations_in_the_category_sets(adult_models, adult_train, adult_test):
    model = Recording(adult_models["gradient_boosting"])
    lime = TabularLime(model, adult_train)
    explanation = lime.explain(adult_test.X.iloc[0], num_samples=5000, random_state=0)
    frame = model.frames[-1]
    for column in adult_train.categorical:
        assert set(frame[column].dropna()) <= set(adult_train.X[column].dropna()), column
    assert set(explanation.weights.index) == set(adult_train.feature_names)
    assert explanation.conditions["sex"] in ("sex=Male", "sex=Female")
    again = lime.explain(adult_test.X.iloc[0], num_samples=5000, random_state=0)
    pd.testing.assert_series_equal(explanation.weights, again.weights)


def test_random_state_accepts_numpy_ints_and_generators(people, people_models):
    lime = TabularLime(people_models["gradient_boosting"], people)
    as_int = explain_lime(lime, people, rows=[0], num_samples=200, random_state=3)
    as_numpy = explain_lime(lime, people, rows=[0], num_samples=200, random_state=np.int64(3))
    assert as_int.weights.equals(as_numpy.weights)
    drawn = explain_lime(lime, people, rows=[0], num_samples=200,
                         random_state=np.random.default_rng(1))
    seed = drawn.parameters["random_state"]
    assert isinstance(seed, int)  # the seed drawn from the generator is recorded, and replays
    replay = explain_lime(lime, people, rows=[0], num_samples=200, random_state=seed)
    assert drawn.weights.equals(replay.weights)

"""Across models: importances side by side, rank correlation, top-k overlap."""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.explain import ShapExplanation, compare_importances, explain_shap


def _fake(values: dict, output: str = "log_odds", index=(0, 1)) -> ShapExplanation:
    frame = pd.DataFrame(values, index=list(index))
    return ShapExplanation(frame, 0.0, frame.sum(axis=1), frame.copy(), output, "TreeExplainer",
                           "", "demo")


def test_importances_shares_correlation_and_overlap_by_hand(ledger):
    one = _fake({"a": [2.0, -2.0], "b": [1.0, 1.0], "c": [0.1, 0.0]})
    two = _fake({"a": [0.2, 0.2], "b": [3.0, 1.0], "c": [0.0, 0.1]})
    result = compare_importances({"one": one, "two": two}, top_k=2, ledger=ledger)
    assert result.importance.loc["a", "one"] == pytest.approx(2.0)
    assert result.share["one"].sum() == pytest.approx(1.0)
    assert result.share.loc["b", "two"] == pytest.approx(2.0 / 2.25)
    assert result.rank_correlation.loc["one", "two"] == pytest.approx(0.5)
    assert result.top_k_overlap.loc["one", "two"] == 1.0  # top-2 {a, b} for both
    assert result.top_features() == {"one": ["a", "b"], "two": ["b", "a"]}
    (record,) = ledger.records()
    assert record["operation"] == "compare_models"
    assert record["metrics"]["rank_correlation"] == {"one vs two": pytest.approx(0.5)}
    assert record["metrics"]["min_rank_correlation"] == pytest.approx(0.5)


def test_bad_input():
    one = _fake({"a": [1.0, 2.0], "b": [1.0, 1.0]})
    with pytest.raises(ValueError, match="at least two named ShapExplanations"):
        compare_importances({"one": one})
    with pytest.raises(TypeError, match=r"explanations\['two'\]: expected a govkit ShapExplanation"):
        compare_importances({"one": one, "two": "x"})
    with pytest.raises(ValueError, match="explains different rows"):
        compare_importances({"one": one, "two": _fake({"a": [1.0, 2.0], "b": [1.0, 1.0]}, index=(5, 6))})
    with pytest.raises(ValueError, match="compare models trained on the same features"):
        compare_importances({"one": one, "two": _fake({"a": [1.0, 2.0], "c": [1.0, 1.0]})})
    with pytest.raises(ValueError, match="same output="):
        compare_importances({"one": one, "two": _fake({"a": [1.0, 2.0], "b": [1.0, 1.0]}, "probability")})


def test_three_model_families_on_the_synthetic_population(people, people_models):
    explanations = {
        name: explain_shap(model, people, rows=range(200), cache=False)
        for name, model in people_models.items()
    }
    result = compare_importances(explanations, top_k=3)
    assert list(result.importance.columns) == list(people_models)
    # age, job and hours drive the outcome: every family ranks them above sex
    for model in result.importance.columns:
        ranking = result.importance[model].sort_values(ascending=False).index.tolist()
        assert ranking.index("age") < ranking.index("sex")
    assert (result.rank_correlation.to_numpy() > 0.3).all()


@pytest.mark.integration
def test_models_on_adult_rely_on_similar_features(adult_models, adult_train, adult_test):
    rows = list(range(0, 16000, 32))
    explanations = {
        name: explain_shap(model, adult_test, rows=rows, background=adult_train, cache=False)
        for name, model in adult_models.items()
    }
    result = compare_importances(explanations, top_k=5)
    # measured: Spearman 0.80 (LR vs GB) to 0.93 (GB vs EBM); marital-status on top for all
    assert (result.rank_correlation.to_numpy() > 0.6).all()
    assert all(top[0] == "marital-status" for top in result.top_features().values())


def test_top_k_is_capped_and_recorded(ledger):
    one = _fake({"a": [1.0, 2.0], "b": [1.0, 1.0]})
    two = _fake({"a": [2.0, 2.0], "b": [0.5, 1.0]})
    result = compare_importances({"one": one, "two": two}, top_k=9, ledger=ledger)
    assert result.top_k == 2
    assert ledger.records()[0]["parameters"]["top_k"] == 2
    with pytest.raises(TypeError, match=r"compare_importances: top_k must be a whole number"):
        compare_importances({"one": one, "two": two}, top_k=2.5)


def test_old_names_warn_and_still_work():
    import govkit.explain

    one = _fake({"a": [1.0, 2.0], "b": [1.0, 1.0]})
    two = _fake({"a": [2.0, 2.0], "b": [0.5, 1.0]})
    with pytest.warns(FutureWarning, match="compare_importances: the keyword k= is now top_k="):
        result = compare_importances({"one": one, "two": two}, k=1)
    with pytest.warns(FutureWarning, match=r"ImportanceComparison.k is now .*top_k"):
        assert result.k == 1
    with pytest.warns(FutureWarning, match="ModelComparison is now govkit.explain.ImportanceComparison"):
        old_class = govkit.explain.ModelComparison
    assert old_class is govkit.explain.ImportanceComparison and isinstance(result, old_class)
    with pytest.warns(FutureWarning, match="plot_model_comparison is now .*plot_importance_comparison"):
        from govkit.explain import plot_model_comparison
    assert plot_model_comparison is govkit.explain.plot_importance_comparison
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        govkit.explain.no_such_name  # noqa: B018

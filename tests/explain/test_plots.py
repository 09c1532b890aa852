"""Figures: each draws what it says, in original feature names, deterministically."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

from govkit.explain import (
    TabularLime,
    compare_importances,
    explain_lime,
    explain_shap,
    lime_shap_agreement,
    lime_stability,
    plot_agreement,
    plot_beeswarm,
    plot_dependence,
    plot_group_importance,
    plot_importance,
    plot_importance_comparison,
    plot_lime,
    plot_person,
    plot_proxy,
    plot_shape_function,
    plot_stability,
    plot_waterfall,
    proxy_analysis,
)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=50)
    plt.close(figure)
    return buffer.getvalue()


def _labels(figure, axis=0) -> list[str]:
    return [t.get_text() for t in figure.axes[axis].get_yticklabels()]


@pytest.fixture(scope="module")
def explained(people, people_models):
    model = people_models["gradient_boosting"]
    shap_values = explain_shap(model, people, cache=False, name="gradient boosting")
    lime = TabularLime(model, people)
    lime_result = explain_lime(lime, people, rows=range(6), num_samples=500)
    return shap_values, lime, lime_result


def test_importance_bars_in_original_feature_names(explained):
    shap_values, _, lime_result = explained
    figure = plot_importance(shap_values, top=3)
    assert _labels(figure)[::-1] == shap_values.importance().index[:3].tolist()
    assert "log-odds" in figure.axes[0].get_xlabel()
    assert _labels(plot_importance(lime_result.importance()))[-1] == lime_result.importance().index[0]


def test_beeswarm_is_reproducible_and_leaves_numpys_global_stream_alone(explained):
    shap_values, _, _ = explained
    np.random.seed(5)  # noqa: NPY002 - the global stream is what is tested
    expected = np.random.random()  # noqa: NPY002 - the global stream is what is tested
    np.random.seed(5)  # noqa: NPY002 - the global stream is what is tested
    first = _png(plot_beeswarm(shap_values))
    assert np.random.random() == expected  # noqa: NPY002 - the global stream is what is tested
    assert first == _png(plot_beeswarm(shap_values))
    figure = plot_beeswarm(shap_values, top=4)
    assert set(_labels(figure)) == set(shap_values.importance().index[:4])


def test_dependence_for_a_number_and_for_a_category(explained):
    shap_values, _, _ = explained
    numeric = plot_dependence(shap_values, "age")
    assert numeric.axes[0].get_xlabel() == "age"
    categorical = plot_dependence(shap_values, "job")
    ticks = [t.get_text() for t in categorical.axes[0].get_xticklabels()]
    assert set(ticks) == {"clerk", "engineer", "farmer"}
    with pytest.raises(ValueError, match="'agee' is not a feature.*did you mean 'age'"):
        plot_dependence(shap_values, "agee")


def test_waterfall_starts_at_the_base_value_and_ends_at_the_output(explained):
    shap_values, _, _ = explained
    row = shap_values.values.index[3]
    figure = plot_waterfall(shap_values, row, top=3)
    labels = _labels(figure)
    assert labels[-1] == f"{len(shap_values.values.columns) - 3} other features"
    bars = figure.axes[0].patches
    ends = sorted([bar.get_x() for bar in bars] + [bar.get_x() + bar.get_width() for bar in bars])
    assert min(ends) <= min(shap_values.base_value, shap_values.model_output[row]) + 1e-9
    assert max(ends) >= max(shap_values.base_value, shap_values.model_output[row]) - 1e-9
    assert sum(bar.get_width() for bar in bars) == pytest.approx(
        shap_values.model_output[row] - shap_values.base_value
    )
    assert any(label.startswith("age = ") for label in labels)
    with pytest.raises(ValueError, match="row=9999 is not one of the explained rows"):
        plot_waterfall(shap_values, 9999)


def test_person_shows_shap_and_lime_for_the_same_features_in_the_same_order(explained):
    shap_values, lime, _ = explained
    explanation = lime.explain(shap_values.features.iloc[[2]], num_samples=500)
    figure = plot_person(shap_values, explanation, top=4)
    left, right = (_labels(figure, 0), _labels(figure, 1))
    shap_features = [label.split(" = ")[0] for label in left[:4]]
    lime_features = [next(f for f in shap_values.values.columns if f in label) for label in right]
    assert shap_features == lime_features
    assert "LIME" in figure.axes[1].get_title()


def test_lime_bars_use_lime_conditions(explained):
    _, _, lime_result = explained
    figure = plot_lime(lime_result.explanations[0], top=3)
    assert all(label in lime_result.conditions.iloc[0].tolist() for label in _labels(figure))
    with pytest.raises(TypeError, match="LimeExplanation"):
        plot_lime(lime_result)


def test_summary_figures(explained, people, people_models):
    shap_values, lime, lime_result = explained
    agreement = lime_shap_agreement(shap_values, lime_result)
    assert len(_labels(plot_agreement(agreement))) == 6
    stability = lime_stability(lime, people, rows=[0], seeds=[0, 1, 2], num_samples=[100, 300])
    figure = plot_stability(stability)
    assert "Jaccard" in figure.axes[0].get_ylabel()
    proxy = proxy_analysis(shap_values, people, protected="sex")
    assert "sex" in plot_proxy(proxy).axes[0].get_xlabel()
    assert "Female" in " ".join(t.get_text() for t in plot_group_importance(proxy).axes[0]
                                .get_legend().get_texts())
    comparison = compare_importances({
        "boosting": shap_values,
        "logistic": explain_shap(people_models["logistic_regression"], people, cache=False),
    })
    legend = plot_importance_comparison(comparison).axes[0].get_legend().get_texts()
    assert [t.get_text() for t in legend] == ["boosting", "logistic"]


def test_shape_function_figure(people, people_models):
    model = people_models["ebm"]
    explanation = explain_shap(model, people, rows=range(50), background_size=30, cache=False)
    figure = plot_shape_function(model, "age", explanation=explanation)
    assert "age" in figure.axes[0].get_title()
    figure = plot_shape_function(model, "job", explanation=explanation)
    ticks = {t.get_text() for t in figure.axes[0].get_xticklabels()}
    assert {"clerk", "engineer", "farmer"} <= ticks


def test_wrong_objects_are_refused(explained):
    shap_values, _, lime_result = explained
    with pytest.raises(TypeError, match="expected a govkit ShapExplanation"):
        plot_beeswarm(lime_result)
    for plot in (plot_agreement, plot_stability, plot_proxy, plot_importance_comparison):
        with pytest.raises(TypeError, match="expected"):
            plot(shap_values)


def test_every_plot_draws_chinese_column_names_and_values(people):
    """Each plot turns on govkit's CJK fallback font itself, even after matplotlib's defaults
    were restored: no "Glyph missing" warning (an error in this suite) for 性别, 女, ..."""
    import matplotlib
    from sklearn.linear_model import LogisticRegression

    names = {"age": "年龄", "sex": "性别", "relationship": "关系", "job": "职业", "hours": "工时"}
    frame = people.frame.rename(columns=names)
    frame["性别"] = frame["性别"].map({"Female": "女", "Male": "男"})
    data = people.replace(frame=frame, protected=("性别",), numeric=None, categorical=None)
    X = people.X.rename(columns=names)
    model = LogisticRegression(max_iter=500).fit(X[["年龄", "工时"]], people.y)
    small = X[["年龄", "工时"]]
    shap_values = explain_shap(model, small, rows=range(40), cache=False)
    lime = TabularLime(model, small)
    lime_result = explain_lime(lime, small, rows=[0, 1], num_samples=200)
    proxy = proxy_analysis(shap_values, data.frame.iloc[:40], protected="性别")
    comparison = compare_importances({"模型一": shap_values, "模型二": shap_values})
    figures = [
        lambda: plot_importance(shap_values), lambda: plot_beeswarm(shap_values),
        lambda: plot_dependence(shap_values, "年龄"), lambda: plot_waterfall(shap_values, 0),
        lambda: plot_lime(lime_result.explanations[0]),
        lambda: plot_person(shap_values, lime_result.explanations[0]),
        lambda: plot_agreement(lime_shap_agreement(shap_values, lime_result)),
        lambda: plot_stability(lime_stability(lime, small, rows=[0], seeds=[0, 1],
                                              num_samples=[100, 200])),
        lambda: plot_proxy(proxy), lambda: plot_group_importance(proxy),
        lambda: plot_importance_comparison(comparison),
    ]
    for draw in figures:
        matplotlib.rcdefaults()  # DejaVu Sans only: no CJK glyphs unless the plot adds them
        assert len(_png(draw())) > 0

"""Panels of notebook 04: explain one person (SHAP beside LIME), and the global view per model.

govkit.explain is imported inside the functions: it loads shap, lime and
interpret (about 3 s), which the other notebooks' panels should not pay for
when they import govkit.widgets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np
import pandas as pd

from govkit._validation import check_choice, check_interval, renamed_keywords
from govkit.datasets import Dataset

from ._panel import Panel

if TYPE_CHECKING:  # pragma: no cover
    from govkit.explain import ShapExplanation, TabularLime

__all__ = ["global_panel", "person_panel", "render_global", "render_person"]

ANYONE = "anyone"
ANY_PREDICTION = "any prediction"
WRONG = "wrong predictions"
LIME_SAMPLE_CHOICES = (500, 1000, 5000, 10000)
PLOTS = ("importance", "beeswarm", "dependence")

_NO_MATCH = (
    "No row matches these filters ({filters}); choose another group or prediction."
)
_BAD_ROW = "row={row!r} is out of range: pick a row from 0 to {last:,}."
_NOT_COVERED = (
    "explanation: it covers {n:,} rows but the data has {m:,}; explain every row of the data "
    "(explain_shap(model, data)) so that any person can be picked."
)
_BAD_GROUP = "group={group!r} is not a column = value pair of the data; pick one from the list."
_BAD_PREDICTION = "prediction={prediction!r} is not one of {options}."
_UNKNOWN_MODEL = "model={model!r} is not one of the explained models: {models}."


def _probabilities(explanation: ShapExplanation) -> pd.Series:
    output = explanation.model_output
    if explanation.output == "probability":
        return output
    return 1.0 / (1.0 + np.exp(-output))


def prediction_options(data: Dataset) -> list[str]:
    """The prediction filters of the person panel, in the data's own labels."""
    return [ANY_PREDICTION, f"predicted {data.positive_label}", f"predicted not {data.positive_label}",
            WRONG]


def group_options(data: Dataset) -> list[tuple[str, Any]]:
    """``(label, (column, value))`` for every value of every protected attribute, after "anyone"."""
    options: list[tuple[str, Any]] = [(ANYONE, None)]
    for column in data.protected:
        for value in sorted(data.frame[column].dropna().unique().tolist(), key=str):
            options.append((f"{column} = {value}", (column, value)))
    return options


def _matches(explanation: ShapExplanation, data: Dataset, group: Any, prediction: str) -> np.ndarray:
    mask = np.ones(len(explanation), dtype=bool)
    index = explanation.values.index
    if group is not None:
        try:
            column, value = group
        except (TypeError, ValueError):
            raise ValueError(_BAD_GROUP.format(group=group)) from None
        if column not in data.frame.columns:
            raise ValueError(_BAD_GROUP.format(group=group))
        mask &= (data.frame.loc[index, column] == value).to_numpy()
    options = prediction_options(data)
    if prediction not in options:
        raise ValueError(_BAD_PREDICTION.format(prediction=prediction, options=options))
    predicted = (_probabilities(explanation) >= 0.5).to_numpy()
    if prediction == options[1]:
        mask &= predicted
    elif prediction == options[2]:
        mask &= ~predicted
    elif prediction == WRONG:
        mask &= predicted != data.y.loc[index].to_numpy().astype(bool)
    return mask


@renamed_keywords(seed="random_state", k="top_k")
def render_person(
    explanation: ShapExplanation,
    lime: TabularLime,
    data: Dataset,
    *,
    row: int,
    group: Any = None,
    prediction: str = ANY_PREDICTION,
    num_samples: int = 5000,
    random_state: int = 0,
    top_k: int = 5,
):
    """One person's prediction explained by SHAP and by LIME, side by side (the person panel).

    The person is the first row at or after position ``row`` that matches the
    filters (wrapping around to the start).

    Parameters
    ----------
    explanation : ShapExplanation
        SHAP values of every row of ``data`` (cached once for the split).
    lime : TabularLime
        A LIME explainer for the same model.
    data : Dataset
        The explained data (for groups and true labels).
    row : int
        Position to start looking from.
    group : tuple (column, value) or None
        Only people in this protected group.
    prediction : str
        One of :func:`prediction_options`.
    num_samples : int
        LIME's sample count.
    random_state : int
        LIME's seed.
    top_k : int
        Top-k size for the agreement metrics (at most the number of features).

    Returns
    -------
    tuple
        A Markdown summary (prediction, truth, agreement) and the side-by-side figure.
    """
    from govkit.explain import agreement, plot_person

    if len(explanation) != len(data):
        raise ValueError(_NOT_COVERED.format(n=len(explanation), m=len(data)))
    if isinstance(row, bool) or not isinstance(row, (int, np.integer)) or not 0 <= row < len(data):
        raise ValueError(_BAD_ROW.format(row=row, last=len(data) - 1))
    top_k = min(check_interval(top_k, param="top_k", func="render_person", low=1, integer=True,
                               example=5), len(explanation.values.columns))
    mask = _matches(explanation, data, group, prediction)
    candidates = np.flatnonzero(mask)
    if candidates.size == 0:
        filters = ", ".join(
            [f"{group[0]} = {group[1]}"] if group is not None else []
        ) or ANYONE
        raise ValueError(_NO_MATCH.format(filters=f"{filters}; {prediction}"))
    after = candidates[candidates >= row]
    position = int(after[0] if after.size else candidates[0])
    label = explanation.values.index[position]
    person = explanation.features.iloc[[position]]
    lime_explanation = lime.explain(person, num_samples=num_samples, random_state=random_state)
    scores = agreement(explanation.values.loc[label], lime_explanation.weights, top_k=top_k)
    probability = float(_probabilities(explanation).loc[label])
    positive = data.positive_label
    predicted = positive if probability >= 0.5 else f"not {positive}"
    actual = positive if int(data.y.loc[label]) == 1 else f"not {positive}"
    where = "" if position == row else (
        f" (the first row at or after {row:,} matching the filters)" if after.size
        else " (no match after the chosen row, so the first match from the start)"
    )
    summary = (
        f"**Row {position:,}**{where}. "
        f"The model ({explanation.model}) gives P({positive}) = **{probability:.2f}**, "
        f"so it predicts **{predicted}**; the recorded outcome is **{actual}**.  \n"
        f"SHAP ({explanation.explainer}) and LIME share "
        f"**{round(scores['feature_agreement'] * top_k)} of their top {top_k}** features (same "
        f"sign for {round(scores['sign_agreement'] * top_k)}); "
        f"rank correlation over all features **{scores['rank_correlation']:.2f}**. "
        f"LIME's local fit R² = **{lime_explanation.fidelity:.2f}**"
        + (" (low: LIME's line is a poor summary of the model here, trust SHAP's ranking)."
           if lime_explanation.fidelity < 0.5 else ".")
    )
    return summary, plot_person(explanation, lime_explanation, top=8)


def person_panel(explanation: ShapExplanation, lime: TabularLime, data: Dataset) -> Panel:
    """Pick a person (by row, group and prediction) and see SHAP and LIME side by side.

    Parameters
    ----------
    explanation : ShapExplanation
        SHAP values of every row of ``data``.
    lime : TabularLime
        LIME for the same model.
    data : Dataset

    Returns
    -------
    Panel
        Named ``explain-person``.
    """
    if len(explanation) != len(data):
        raise ValueError(_NOT_COVERED.format(n=len(explanation), m=len(data)))
    controls = {
        "row": widgets.BoundedIntText(value=0, min=0, max=len(data) - 1, description="row",
                                      layout={"width": "170px"}),
        "group": widgets.Dropdown(options=group_options(data), description="group"),
        "prediction": widgets.Dropdown(options=prediction_options(data), description="prediction"),
        "num_samples": widgets.Dropdown(options=list(LIME_SAMPLE_CHOICES), value=5000,
                                        description="LIME samples"),
        "random_state": widgets.BoundedIntText(value=0, min=0, max=9999,
                                               description="LIME seed",
                                               layout={"width": "170px"}),
    }
    return Panel(
        name="explain-person",
        title="Why this prediction? SHAP and LIME for one person",
        description=(
            "Type a row number, or filter by group and prediction: the panel shows the first "
            "matching person at or after that row. Change LIME's seed to see how much its "
            "answer moves; SHAP's does not."
        ),
        controls=controls,
        render=lambda **values: render_person(explanation, lime, data, **values),
    )


def render_global(
    explanations: Mapping[str, ShapExplanation], *, model: str, plot: str, feature: str
):
    """The global view of one model's SHAP values (the global panel).

    Parameters
    ----------
    explanations : dict
        Model name -> ShapExplanation.
    model : str
        Which model.
    plot : {"importance", "beeswarm", "dependence"}
    feature : str
        The feature of the dependence plot.

    Returns
    -------
    tuple
        A one-line Markdown note and a matplotlib Figure.
    """
    from govkit.explain import plot_beeswarm, plot_dependence, plot_importance

    if model not in explanations:
        raise ValueError(_UNKNOWN_MODEL.format(model=model, models=list(explanations)))
    check_choice(plot, PLOTS, param="plot", func="render_global")
    explanation = explanations[model]
    if plot == "importance":
        figure = plot_importance(explanation)
    elif plot == "beeswarm":
        figure = plot_beeswarm(explanation)
    else:
        figure = plot_dependence(explanation, feature)
    note = (
        f"**{model}**: {explanation.explainer} on {len(explanation):,} rows, values in "
        f"{explanation.output.replace('_', '-')}. Top three: "
        + ", ".join(explanation.importance().index[:3])
        + "."
    )
    return note, figure


def global_panel(explanations: Mapping[str, ShapExplanation]) -> Panel:
    """Switch between models and between importance, beeswarm and dependence plots.

    Parameters
    ----------
    explanations : dict
        Model name -> ShapExplanation (ideally on the same rows).

    Returns
    -------
    Panel
        Named ``explain-global``.
    """
    from govkit.explain import ShapExplanation

    explanations = dict(explanations)
    if not explanations or not all(isinstance(e, ShapExplanation) for e in explanations.values()):
        raise TypeError(
            "explanations: pass a dict of model name -> ShapExplanation (from explain_shap)."
        )
    first = next(iter(explanations.values()))
    features = list(first.importance().index)
    controls = {
        "model": widgets.Dropdown(options=list(explanations), description="model"),
        "plot": widgets.ToggleButtons(options=list(PLOTS), description="plot"),
        "feature": widgets.Dropdown(options=features, description="dependence on"),
    }
    return Panel(
        name="explain-global",
        title="What does each model rely on overall?",
        description=(
            "Importance: mean |SHAP| per feature. Beeswarm: every person's SHAP value, coloured "
            "by the feature's value. Dependence: how one feature's value moves the prediction."
        ),
        controls=controls,
        render=lambda **values: render_global(explanations, **values),
    )

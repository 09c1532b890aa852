"""Glass-box models beside SHAP: an EBM's own shape functions and term importances.

An Explainable Boosting Machine (interpret-core's ``ExplainableBoostingClassifier``
and its differentially private sibling ``DPExplainableBoostingClassifier``) is
additive: its log-odds are an intercept plus one shape function per feature
(plus optional pairwise terms). It explains itself, so it is the natural
yardstick for SHAP: for a main-effects-only EBM, the exact SHAP value of a
feature is its shape-function value minus that function's mean over the
background. :func:`glassbox_vs_shap` checks exactly that, and puts the EBM's
own term importances beside mean |SHAP|.

:func:`fit_ebm` fits the workbook's EBM: missing categories become the
category ``"missing"`` (as in govkit's reference recipe; interpret warns about
raw missing values), main effects only, and settings fast enough for a
laptop (one bag, learning rate 0.1, at most 1,000 rounds: about 3 s on Adult,
where interpret's defaults take minutes for a gain of about 0.001 AUC).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from interpret.glassbox import ExplainableBoostingClassifier
from scipy.stats import spearmanr
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from govkit._validation import as_seed, check_interval
from govkit.datasets import Dataset, check_dataset
from govkit.models import check_classifier

from ._checks import final_estimator
from ._shap import ShapExplanation

__all__ = [
    "GlassboxComparison",
    "fill_missing_categories",
    "fit_ebm",
    "glassbox_vs_shap",
    "shape_function",
]

_NOT_GLASSBOX = (
    "model: {kind} is not an additive glass-box model; glassbox_vs_shap and shape_function "
    "need an interpret ExplainableBoostingClassifier or DPExplainableBoostingClassifier "
    "(alone or as the last step of a Pipeline), e.g. govkit.explain.fit_ebm(train)."
)
_NOT_SHAP = "explanation: expected a govkit ShapExplanation (from explain_shap), got {kind}."
_FEATURES_DIFFER = (
    "explanation: its features {got} differ from the model's {expected}; explain this model "
    "with explain_shap(model, data) first."
)
_NOT_MAIN_EFFECT = (
    "feature={feature!r} has no main-effect term in this model (its terms are {terms}); pick "
    "one of them."
)


def fill_missing_categories(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` whose missing values in ``columns`` are the category ``"missing"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain._glassbox import fill_missing_categories
    >>> frame = pd.DataFrame({"job": ["a", None], "age": [1.0, None]})
    >>> fill_missing_categories(frame, ["job"])["job"].tolist()
    ['a', 'missing']
    >>> frame["job"].isna().sum()  # the input is untouched
    np.int64(1)
    """
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "missing")
    return frame


def fit_ebm(
    data: Dataset,
    *,
    interactions: int = 0,
    outer_bags: int = 1,
    learning_rate: float = 0.1,
    max_rounds: int = 1000,
    random_state: int = 0,
) -> Pipeline:
    """Fit an Explainable Boosting Machine on ``data`` (missing categories filled first).

    Parameters
    ----------
    data : Dataset
    interactions : int
        Pairwise interaction terms (0: a pure main-effects model, whose SHAP
        values are exactly its centred shape functions).
    outer_bags, learning_rate, max_rounds : int, float, int
        interpret's settings; the defaults here are chosen for speed.
    random_state : None, int, numpy Generator or RandomState
        Seeds the EBM (None, a Generator or a RandomState give a seed drawn
        from them).

    Returns
    -------
    sklearn.pipeline.Pipeline
        ``fill`` (missing categories -> ``"missing"``, see
        :func:`fill_missing_categories`) then ``classifier`` (the EBM).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.explain import fit_ebm
    >>> train = load_adult()
    >>> small = train.replace(frame=train.frame.sample(2000, random_state=0))
    >>> model = fit_ebm(small)
    >>> model[-1].term_names_[:3]
    ['age', 'workclass', 'fnlwgt']
    """
    func = "fit_ebm"
    check_dataset(data, func=func)
    interactions = check_interval(interactions, param="interactions", func=func, low=0,
                                  integer=True, example=0)
    outer_bags = check_interval(outer_bags, param="outer_bags", func=func, low=1, integer=True,
                                example=1)
    learning_rate = check_interval(learning_rate, param="learning_rate", func=func, low=0,
                                   low_open=True, example=0.1)
    max_rounds = check_interval(max_rounds, param="max_rounds", func=func, low=1, integer=True,
                                example=1000)
    random_state = as_seed(random_state, func=func)
    fill = FunctionTransformer(
        fill_missing_categories,
        kw_args={"columns": list(data.categorical)},
        feature_names_out="one-to-one",
    )
    model = Pipeline([
        ("fill", fill),
        ("classifier", ExplainableBoostingClassifier(
            interactions=interactions, outer_bags=outer_bags, learning_rate=learning_rate,
            max_rounds=max_rounds, random_state=random_state, n_jobs=1,
        )),
    ])
    return model.fit(data.X, data.y)


def _glassbox(model: Any, func: str) -> tuple[Any, Any]:
    """(preprocessing or None, the EBM) of a model, or a clear TypeError."""
    check_classifier(model, func=func)
    ebm = final_estimator(model)
    needed = ("term_features_", "term_names_", "term_importances", "eval_terms", "explain_global")
    if not all(hasattr(ebm, attribute) for attribute in needed):
        raise TypeError(_NOT_GLASSBOX.format(kind=type(ebm).__name__))
    steps = getattr(model, "steps", None)
    return (model[:-1] if steps and len(steps) > 1 else None), ebm


def _main_terms(ebm: Any) -> dict[str, int]:
    return {
        ebm.term_names_[i]: i for i, term in enumerate(ebm.term_features_) if len(term) == 1
    }


def shape_function(model: Any, feature: str) -> pd.DataFrame:
    """An EBM's shape function for one feature: its contribution to the log-odds.

    Parameters
    ----------
    model : fitted EBM, DP-EBM, or a Pipeline ending in one
    feature : str

    Returns
    -------
    pandas.DataFrame
        For a numeric feature, one row per bin: ``lower``, ``upper``, ``score``;
        for a categorical one: ``category``, ``score``.

    Examples
    --------
    >>> import pandas as pd
    >>> from interpret.glassbox import ExplainableBoostingClassifier
    >>> from govkit.explain import shape_function
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0] * 25})
    >>> ebm = ExplainableBoostingClassifier(outer_bags=1, max_rounds=50, n_jobs=1, random_state=0)
    >>> table = shape_function(ebm.fit(X, [0, 0, 1, 1] * 25), "x")
    >>> list(table.columns), len(table)
    (['lower', 'upper', 'score'], 4)
    """
    _, ebm = _glassbox(model, "shape_function")
    terms = _main_terms(ebm)
    if feature not in terms:
        raise ValueError(_NOT_MAIN_EFFECT.format(feature=feature, terms=list(ebm.term_names_)))
    data = ebm.explain_global().data(terms[feature])
    names, scores = list(data["names"]), np.asarray(data["scores"], dtype=float)
    if len(names) == len(scores) + 1:
        return pd.DataFrame({"lower": names[:-1], "upper": names[1:], "score": scores})
    return pd.DataFrame({"category": [str(n) for n in names], "score": scores})


@dataclass(frozen=True, eq=False)
class GlassboxComparison:
    """An EBM's own importances beside mean |SHAP| on it.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per main-effect feature: ``glassbox_importance`` (the EBM's
        term importance: mean |shape-function value| over the training data),
        ``shap_importance`` (mean |SHAP|), and their ranks.
    rank_correlation : float
        Spearman correlation of the two importances.
    max_difference : float or None
        Largest |SHAP value - (shape-function value - its background mean)|
        over the explained rows and main-effect features; about 1e-12 for a
        main-effects EBM, larger when interaction terms are split by SHAP.
        None when the explanation has no background.
    interaction_terms : list of str
    """

    table: pd.DataFrame
    rank_correlation: float
    max_difference: float | None
    interaction_terms: list


def glassbox_vs_shap(model: Any, explanation: ShapExplanation, *, ledger=None) -> GlassboxComparison:
    """Put an EBM's (or DP-EBM's) own term importances beside SHAP values computed on it.

    Parameters
    ----------
    model : fitted EBM, DP-EBM, or a Pipeline ending in one
    explanation : ShapExplanation
        ``explain_shap(model, data)`` for the same model.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``explain/glassbox_vs_shap`` record is appended.

    Returns
    -------
    GlassboxComparison

    Examples
    --------
    >>> import pandas as pd
    >>> from interpret.glassbox import ExplainableBoostingClassifier
    >>> from govkit.explain import explain_shap, glassbox_vs_shap
    >>> X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0] * 25, "z": [1.0, 0.0] * 50})
    >>> ebm = ExplainableBoostingClassifier(interactions=0, outer_bags=1, max_rounds=50,
    ...                                     n_jobs=1, random_state=0).fit(X, [0, 0, 1, 1] * 25)
    >>> comparison = glassbox_vs_shap(ebm, explain_shap(ebm, X, cache=False))
    >>> comparison.max_difference < 1e-9, comparison.table.index.tolist()
    (True, ['x', 'z'])
    """
    preprocess, ebm = _glassbox(model, "glassbox_vs_shap")
    if not isinstance(explanation, ShapExplanation):
        raise TypeError(_NOT_SHAP.format(kind=type(explanation).__name__))
    features = [str(f) for f in getattr(model, "feature_names_in_", explanation.values.columns)]
    if set(features) != set(explanation.values.columns):
        raise ValueError(
            _FEATURES_DIFFER.format(got=list(explanation.values.columns), expected=features)
        )
    terms = _main_terms(ebm)
    importances = ebm.term_importances("avg_weight")
    main = [f for f in explanation.values.columns if f in terms]
    table = pd.DataFrame(
        {
            "glassbox_importance": [float(importances[terms[f]]) for f in main],
            "shap_importance": explanation.values[main].abs().mean().to_numpy(),
        },
        index=pd.Index(main, name="feature"),
    ).sort_values("glassbox_importance", ascending=False, kind="stable")
    table["glassbox_rank"] = table["glassbox_importance"].rank(ascending=False, method="min").astype(int)
    table["shap_rank"] = table["shap_importance"].rank(ascending=False, method="min").astype(int)
    correlation = float(spearmanr(table["glassbox_importance"], table["shap_importance"]).statistic)

    max_difference = None
    if explanation.background is not None:
        def contributions(frame: pd.DataFrame) -> pd.DataFrame:
            inputs = preprocess.transform(frame) if preprocess is not None else frame
            return pd.DataFrame(ebm.eval_terms(inputs), columns=list(ebm.term_names_),
                                index=frame.index)

        centre = contributions(explanation.background)[main].mean()
        expected = contributions(explanation.features)[main] - centre
        max_difference = float((explanation.values[main] - expected).abs().to_numpy().max())
    interactions = [ebm.term_names_[i] for i, t in enumerate(ebm.term_features_) if len(t) > 1]
    result = GlassboxComparison(
        table=table, rank_correlation=correlation, max_difference=max_difference,
        interaction_terms=interactions,
    )
    if ledger is not None:
        ledger.append(
            "explain",
            "glassbox_vs_shap",
            parameters={
                "model": explanation.model,
                "glassbox": type(ebm).__name__,
                "explainer": explanation.explainer,
                "glassbox_importance": "term_importances('avg_weight')",
                **explanation.parameters,
            },
            inputs={"rows": explanation.features},
            metrics={
                "rank_correlation": correlation,
                "max_difference": max_difference,
                "interaction_terms": interactions,
                "glassbox_importance": table["glassbox_importance"].to_dict(),
                "shap_importance": table["shap_importance"].to_dict(),
                "top_features_glassbox": table.index[:5].tolist(),
                "top_features_shap": table.sort_values("shap_importance", ascending=False)
                .index[:5].tolist(),
            },
        )
    return result

"""Across the pipeline: do different models (raw, private, mitigated) rely on the same features?

Given SHAP explanations of several models on the same rows, this puts their
global importances side by side, normalised to shares so that models with
different output ranges compare, and measures how far their rankings agree
(Spearman's correlation from pandas/scipy, and top-k overlap).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govkit._validation import check_interval, renamed_keywords

from ._checks import renamed_attribute
from ._shap import ShapExplanation

__all__ = ["ImportanceComparison", "compare_importances"]

_TOO_FEW = (
    "explanations: pass a dict of at least two named ShapExplanations, e.g. "
    "{{'logistic regression': e1, 'gradient boosting': e2}}; got {n}."
)
_NOT_SHAP = (
    "explanations[{name!r}]: expected a govkit ShapExplanation (from explain_shap), got {kind}."
)
_DIFFERENT_ROWS = (
    "explanations[{name!r}] explains different rows than explanations[{first!r}]; importances "
    "are only comparable on the same rows: pass the same data and rows= to explain_shap for "
    "every model."
)
_DIFFERENT_FEATURES = (
    "explanations[{name!r}] has features {got}, explanations[{first!r}] has {expected}; "
    "compare models trained on the same features."
)
_DIFFERENT_OUTPUT = (
    "explanations[{name!r}] is in {got} units, explanations[{first!r}] in {expected}; explain "
    "every model with the same output= (log-odds by default)."
)


@dataclass(frozen=True, eq=False)
class ImportanceComparison:
    """Global importances of several models, side by side (what each relies on).

    Named apart from :class:`govkit.fairness.ModelComparison`, which
    compares the models' fairness and accuracy; this compares their
    explanations.

    Attributes
    ----------
    importance : pandas.DataFrame
        Features x models: mean |SHAP|.
    share : pandas.DataFrame
        The same, each column divided by its total (each model's reliance
        as shares that sum to 1).
    rank_correlation : pandas.DataFrame
        Models x models: Spearman correlation of the importances.
    top_k_overlap : pandas.DataFrame
        Models x models: share of the top-k features the two have in common.
    top_k : int
        How many top features the overlap compares.
    """

    importance: pd.DataFrame
    share: pd.DataFrame
    rank_correlation: pd.DataFrame
    top_k_overlap: pd.DataFrame
    top_k: int

    @property
    def k(self) -> int:
        """Deprecated name of :attr:`top_k` (a FutureWarning says so)."""
        return renamed_attribute(self, "k", "top_k")

    def top_features(self) -> dict[str, list[str]]:
        """Each model's top-k features, most important first."""
        return {
            model: self.importance[model].sort_values(ascending=False).index[: self.top_k].tolist()
            for model in self.importance.columns
        }


@renamed_keywords(k="top_k")
def compare_importances(
    explanations: Mapping[str, ShapExplanation], *, top_k: int = 5, ledger=None
) -> ImportanceComparison:
    """Compare what several models rely on, from their SHAP explanations on the same rows.

    Parameters
    ----------
    explanations : dict
        Model name -> :class:`ShapExplanation`, all on the same rows, the same
        features and the same output scale.
    top_k : int
        Top-k size for the overlap; capped at the number of features.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``explain/compare_models`` record is appended.

    Returns
    -------
    ImportanceComparison

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, compare_importances
    >>> rows = pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": [5, 6]})
    >>> def fake(values):
    ...     return ShapExplanation(pd.DataFrame(values), 0.0, pd.Series([0.0, 0.0]), rows,
    ...                            "log_odds", "TreeExplainer", "", "demo")
    >>> one = fake({"a": [2.0, -2.0], "b": [1.0, 1.0], "c": [0.1, 0.0]})
    >>> two = fake({"a": [0.2, 0.2], "b": [3.0, 1.0], "c": [0.0, 0.1]})
    >>> comparison = compare_importances({"one": one, "two": two}, top_k=1)
    >>> comparison.top_features()
    {'one': ['a'], 'two': ['b']}
    >>> float(comparison.rank_correlation.loc["one", "two"])
    0.5
    """
    if not isinstance(explanations, Mapping) or len(explanations) < 2:
        raise ValueError(_TOO_FEW.format(n=len(explanations) if hasattr(explanations, "__len__") else 0))
    names = [str(n) for n in explanations]
    first_name = names[0]
    first = None
    for name, explanation in explanations.items():
        if not isinstance(explanation, ShapExplanation):
            raise TypeError(_NOT_SHAP.format(name=name, kind=type(explanation).__name__))
        if first is None:
            first = explanation
            continue
        if set(explanation.values.columns) != set(first.values.columns):
            raise ValueError(_DIFFERENT_FEATURES.format(
                name=name, first=first_name, got=list(explanation.values.columns),
                expected=list(first.values.columns)))
        if not explanation.values.index.equals(first.values.index):
            raise ValueError(_DIFFERENT_ROWS.format(name=name, first=first_name))
        if explanation.output != first.output:
            raise ValueError(_DIFFERENT_OUTPUT.format(
                name=name, first=first_name, got=explanation.output, expected=first.output))
    top_k = check_interval(top_k, param="top_k", func="compare_importances", low=1,
                           integer=True, example=5)
    top_k = min(top_k, len(first.values.columns))
    importance = pd.DataFrame({str(n): e.importance() for n, e in explanations.items()})
    importance = importance.loc[importance.mean(axis=1).sort_values(ascending=False).index]
    share = importance / importance.sum()
    correlation = importance.corr(method="spearman")
    tops = {
        model: set(importance[model].sort_values(ascending=False).index[:top_k])
        for model in importance.columns
    }
    overlap = pd.DataFrame(
        [[len(tops[a] & tops[b]) / top_k for b in importance.columns]
         for a in importance.columns],
        index=importance.columns, columns=importance.columns,
    )
    result = ImportanceComparison(importance, share, correlation, overlap, top_k)
    if ledger is not None:
        pairs = list(itertools.combinations(importance.columns, 2))
        ledger.append(
            "explain",
            "compare_models",
            parameters={
                "models": {str(n): {"model": e.model, "explainer": e.explainer, **e.parameters}
                           for n, e in explanations.items()},
                "top_k": top_k,
                "output": first.output,
            },
            inputs={"rows": first.features},
            metrics={
                "top_features": result.top_features(),
                "importance_share": {m: share[m].round(6).to_dict() for m in share.columns},
                "rank_correlation": {f"{a} vs {b}": float(correlation.loc[a, b]) for a, b in pairs},
                "top_k_overlap": {f"{a} vs {b}": float(overlap.loc[a, b]) for a, b in pairs},
                "min_rank_correlation": float(
                    np.nanmin([correlation.loc[a, b] for a, b in pairs])
                ),
            },
        )
    return result

"""Proxies: does the model lean on features that stand in for a protected attribute?

Leaving ``sex`` out of a model does not make it blind to sex when
``relationship`` says ``Husband`` or ``Wife``. This module puts two numbers
side by side for every feature: how much the model relies on it (mean |SHAP|)
and how strongly it is associated with the protected attribute (Cramér's V,
from ``scipy.stats.contingency.association``; numeric features are binned into
quantiles first so that one measure on one 0-1 scale covers every feature).
It also breaks the importance down by protected group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats.contingency import association

from govkit._validation import check_interval
from govkit.datasets import as_frame

from ._shap import ShapExplanation

__all__ = ["ProxyResult", "feature_association", "group_importance", "proxy_analysis"]

MEASURE = "Cramér's V (numeric features binned into quantiles)"

_NO_PROTECTED = (
    "{func}: protected={column!r} is not a column of the data{hint}; pass one of its columns "
    "({columns})."
)
_WHICH_PROTECTED = (
    "{func}: protected=None means the Dataset's protected attribute, but data.protected is "
    "{protected}; pass one of them, e.g. protected={first!r}."
)
_NO_PROTECTED_DECLARED = (
    "{func}: protected=None means the Dataset's protected attribute, but {what}; pass the "
    "column, e.g. protected='sex', or declare it with Dataset(..., protected=...)."
)
_NOT_A_COLUMN_NAME = (
    "{func}: protected must be the name of one column (a str), got {kind} ({value!r}); pass "
    "e.g. protected='sex'."
)
_NOT_SHAP = "explanation: expected a govkit ShapExplanation (from explain_shap), got {kind}."
_MISALIGNED = (
    "sensitive_features: {n} of the explained rows have no group (first: {first!r}); pass a "
    "Series indexed like the data that was explained, e.g. test.frame['sex']."
)
_LENGTH = (
    "sensitive_features: has {got} values but the explanation has {want} rows; pass one group "
    "label per explained row (a Series indexed like the data is safest)."
)


def _protected_frame(data: Any, protected: str | None, func: str) -> tuple[pd.DataFrame, str]:
    """The features and the protected column (a Dataset's even when it is not a feature)."""
    frame, dataset = as_frame(data, func=func)
    if protected is None:
        if dataset is None or not dataset.protected:
            what = "data is a DataFrame" if dataset is None else "data.protected is empty"
            raise ValueError(_NO_PROTECTED_DECLARED.format(func=func, what=what))
        if len(dataset.protected) > 1:
            raise ValueError(_WHICH_PROTECTED.format(
                func=func, protected=list(dataset.protected), first=dataset.protected[0]))
        protected = dataset.protected[0]
    if not isinstance(protected, str):
        raise TypeError(_NOT_A_COLUMN_NAME.format(func=func, kind=type(protected).__name__,
                                                  value=protected))
    if protected not in frame.columns:
        close = [c for c in frame.columns if str(c).lower() == protected.lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(_NO_PROTECTED.format(func=func, column=protected, hint=hint,
                                              columns=", ".join(map(str, frame.columns))))
    if dataset is not None:
        # the model's features, and the protected attribute even when the model does not use it
        # (data.exclude): its proxies are exactly what such a model can still rely on
        columns = [*dataset.feature_names]
        frame = frame.loc[:, columns + ([protected] if protected not in columns else [])]
    return frame, protected


def _as_categories(values: pd.Series, bins: int) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        if values.nunique(dropna=True) > bins:
            binned = pd.qcut(values, bins, duplicates="drop")
            if binned.nunique(dropna=True) < 2:
                # one value dominates (capital-gain is 0 for 92% of people): that value vs the rest
                mode = values.mode().iloc[0]
                binned = values.eq(mode).map({True: f"= {mode}", False: f"!= {mode}"}).where(
                    values.notna()
                )
            values = binned
    return values.astype(object).where(values.notna(), "missing").astype(str)


def _cramers_v(x: pd.Series, y: pd.Series) -> float:
    table = pd.crosstab(x, y)
    if table.shape[0] < 2 or table.shape[1] < 2:
        return float("nan")  # a constant column is associated with nothing
    return float(association(table.to_numpy(), method="cramer"))


def feature_association(data: Any, *, protected: str | None = None, bins: int = 10) -> pd.Series:
    """Cramér's V between each feature and a protected attribute, strongest first.

    Parameters
    ----------
    data : Dataset or DataFrame
        Must hold the protected column. A Dataset's features are measured
        (not its target or identifiers); its protected column may be one the
        model does not use (``Dataset.exclude``).
    protected : str, optional
        The protected attribute's column, e.g. ``"sex"``; by default the
        Dataset's protected attribute (``data.protected``, when it names one).
    bins : int
        Numeric features with more distinct values than this are cut into
        this many quantile bins.

    Returns
    -------
    pandas.Series
        Feature -> V in [0, 1] (0: no association; 1: the feature determines
        the protected attribute). The protected column itself is left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import feature_association
    >>> frame = pd.DataFrame({"sex": ["F", "M"] * 50,
    ...                       "relationship": ["Wife", "Husband"] * 50,
    ...                       "age": range(100)})
    >>> feature_association(frame, protected="sex").round(2).to_dict()
    {'relationship': 1.0, 'age': 0.0}
    """
    frame, protected = _protected_frame(data, protected, "feature_association")
    return _association(frame, protected, bins, "feature_association")


def _association(frame: pd.DataFrame, protected: str, bins: Any, func: str) -> pd.Series:
    bins = check_interval(bins, param="bins", func=func, low=2, integer=True, example=10)
    target = _as_categories(frame[protected], bins)
    values = {
        str(column): _cramers_v(_as_categories(frame[column], bins), target)
        for column in frame.columns
        if column != protected
    }
    return pd.Series(values, name=f"association with {protected}").sort_values(
        ascending=False, kind="stable"
    )


def _aligned_groups(explanation: ShapExplanation, sensitive_features: Any) -> pd.Series:
    index = explanation.values.index
    if isinstance(sensitive_features, pd.Series):
        missing = index.difference(sensitive_features.index)
        if len(missing):
            raise ValueError(_MISALIGNED.format(n=len(missing), first=missing[0]))
        return sensitive_features.loc[index]
    values = np.asarray(sensitive_features, dtype=object)
    if len(values) != len(index):
        raise ValueError(_LENGTH.format(got=len(values), want=len(index)))
    return pd.Series(values, index=index)


def group_importance(explanation: ShapExplanation, *, sensitive_features: Any) -> pd.DataFrame:
    """Mean |SHAP| per feature within each group of a protected attribute.

    Parameters
    ----------
    explanation : ShapExplanation
    sensitive_features : pandas.Series or array-like
        The group of each explained row (a Series indexed like the data).

    Returns
    -------
    pandas.DataFrame
        Groups x features (features in overall importance order), plus a
        ``rows`` column with each group's size.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, group_importance
    >>> e = ShapExplanation(pd.DataFrame({"a": [1.0, -3.0, 2.0], "b": [0.5, 0.1, 0.3]}), 0.0,
    ...                     pd.Series([1.5, -2.9, 2.3]), pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 3]}),
    ...                     "log_odds", "TreeExplainer", "", "demo")
    >>> group_importance(e, sensitive_features=["F", "M", "F"])["a"].to_dict()
    {'F': 1.5, 'M': 3.0}
    """
    if not isinstance(explanation, ShapExplanation):
        raise TypeError(_NOT_SHAP.format(kind=type(explanation).__name__))
    groups = _aligned_groups(explanation, sensitive_features)
    groups = groups.astype(object).where(groups.notna(), "missing")
    table = explanation.values.abs().groupby(groups.to_numpy()).mean()
    table = table[list(explanation.importance().index)]
    table["rows"] = groups.value_counts()
    table.index.name = getattr(sensitive_features, "name", None) or "group"
    return table


@dataclass(frozen=True, eq=False)
class ProxyResult:
    """Importance beside association with a protected attribute, and importance per group.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per feature: ``importance`` (mean |SHAP|), ``importance_share``,
        ``association`` (Cramér's V with the protected attribute; 1 for the
        attribute itself) and ``role`` (``"protected"``, ``"proxy"`` when the
        association reaches the threshold, else ``""``).
    by_group : pandas.DataFrame
        :func:`group_importance` for the protected attribute.
    protected : str
    threshold : float
    direct_share : float
        Share of the total importance carried by the protected attribute itself
        (0 when the model does not use it).
    proxy_share : float
        Share carried by features associated with it at or above the threshold.
    """

    table: pd.DataFrame
    by_group: pd.DataFrame
    protected: str
    threshold: float
    direct_share: float
    proxy_share: float


def proxy_analysis(
    explanation: ShapExplanation,
    data: Any,
    *,
    protected: str | None = None,
    threshold: float = 0.3,
    bins: int = 10,
    ledger=None,
) -> ProxyResult:
    """How much of the model's reliance sits on a protected attribute and its proxies.

    Parameters
    ----------
    explanation : ShapExplanation
        SHAP values of the model on rows of ``data``.
    data : Dataset or DataFrame
        Holds the protected column for (at least) the explained rows; the
        association is measured on all of its rows. The protected attribute
        need not be a feature of the model (a model trained without ``sex``
        can still rely on its proxies: then ``direct_share`` is 0).
    protected : str, optional
        The protected attribute's column, e.g. ``"sex"``; by default the
        Dataset's protected attribute (``data.protected``, when it names one).
    threshold : float
        Cramér's V at or above which a feature counts as a proxy (0.3 is a
        common reading of "moderate" association).
    bins : int
        Quantile bins for numeric features.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``explain/proxy_analysis`` record is appended.

    Returns
    -------
    ProxyResult

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, proxy_analysis
    >>> frame = pd.DataFrame({"sex": ["F", "M"] * 4, "relationship": ["Wife", "Husband"] * 4,
    ...                       "age": [20, 20, 30, 30] * 2})
    >>> e = ShapExplanation(pd.DataFrame({"relationship": [1.0, -1.0] * 4, "age": [0.5] * 8}),
    ...                     0.0, pd.Series([1.5, -0.5] * 4), frame[["relationship", "age"]],
    ...                     "log_odds", "TreeExplainer", "", "demo")
    >>> round(proxy_analysis(e, frame, protected="sex").proxy_share, 3)
    0.667
    """
    if not isinstance(explanation, ShapExplanation):
        raise TypeError(_NOT_SHAP.format(kind=type(explanation).__name__))
    func = "proxy_analysis"
    threshold = check_interval(threshold, param="threshold", func=func, low=0, high=1,
                               example=0.3)
    frame, protected = _protected_frame(data, protected, func)
    association_ = _association(frame, protected, bins, func)
    importance = explanation.importance()
    total = float(importance.sum())
    table = pd.DataFrame({"importance": importance})
    table["importance_share"] = importance / total if total > 0 else 0.0
    table["association"] = [
        1.0 if feature == protected else float(association_.get(feature, np.nan))
        for feature in table.index
    ]
    table["role"] = [
        "protected" if feature == protected
        else ("proxy" if association >= threshold else "")
        for feature, association in zip(table.index, table["association"], strict=True)
    ]
    direct = float(table.loc[table["role"] == "protected", "importance_share"].sum())
    proxy = float(table.loc[table["role"] == "proxy", "importance_share"].sum())
    by_group = group_importance(explanation, sensitive_features=frame[protected])
    result = ProxyResult(
        table=table, by_group=by_group, protected=protected, threshold=threshold,
        direct_share=direct, proxy_share=proxy,
    )
    if ledger is not None:
        ledger.append(
            "explain",
            "proxy_analysis",
            parameters={
                "model": explanation.model,
                "explainer": explanation.explainer,
                "protected": protected,
                "threshold": threshold,
                "association_measure": MEASURE,
                "bins": bins,
                "rows": len(explanation),
            },
            inputs={"data": frame},
            metrics={
                "direct_share": direct,
                "proxy_share": proxy,
                "proxy_features": table.index[table["role"] == "proxy"].tolist(),
                "association": {k: float(v) for k, v in association_.items()},
                "mean_abs_shap": {k: float(v) for k, v in importance.items()},
                "group_top_features": {
                    str(group): row.drop("rows").sort_values(ascending=False).index[:3].tolist()
                    for group, row in by_group.iterrows()
                },
                "group_rows": {str(g): int(n) for g, n in by_group["rows"].items()},
            },
        )
    return result


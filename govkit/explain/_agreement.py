"""Do two explanations of the same prediction agree? The metrics of Krishna et al. (2022).

Krishna, Han, Gu, Pombra, Jabbari, Wu and Lakkaraju, "The Disagreement Problem
in Explainable Machine Learning: A Practitioner's Perspective" (2022), define
how to compare two attributions of the same row over its top-k features (by
absolute value):

- feature agreement: the share of the top-k features the two have in common;
- rank agreement: the share of top-k positions holding the same feature;
- sign agreement: the share of top-k features in common *and* of the same sign;
- signed rank agreement: same feature, same position, same sign;
- rank correlation: Spearman's correlation of the two rankings over all features;
- pairwise rank agreement: the share of feature pairs ordered the same way.

No maintained library implements these for pandas inputs (the authors' code
is research code for PyTorch models), and each is a line or two, hence this
module. Spearman's correlation comes from scipy.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from govkit._validation import check_interval, renamed_keywords

from ._checks import check_attributions, renamed_attribute
from ._lime import LimeResult
from ._shap import ShapExplanation

__all__ = ["AGREEMENT_METRICS", "AgreementResult", "agreement", "lime_shap_agreement"]

AGREEMENT_METRICS = (
    "feature_agreement",
    "rank_agreement",
    "sign_agreement",
    "signed_rank_agreement",
    "rank_correlation",
    "pairwise_rank_agreement",
)

_DIFFERENT_FEATURES = (
    "{a} and {b} explain different features: only in {a}: {only_a}; only in {b}: {only_b}. "
    "Compare explanations of the same model inputs."
)
_K_TOO_LARGE = (
    "agreement: top_k={top_k} is larger than the number of features ({n}); pass top_k <= {n}."
)
_NOT_SHAP = (
    "shap_explanation: expected a govkit ShapExplanation (from explain_shap), got {kind}."
)
_NOT_LIME = "lime_result: expected a govkit LimeResult (from explain_lime), got {kind}."
_ROWS_NOT_EXPLAINED = (
    "lime_result explains {n} row(s) that the SHAP explanation does not cover (first: "
    "{first!r}); explain the same rows with both, e.g. SHAP on the whole test split."
)


def _top(values: pd.Series, top_k: int) -> list[str]:
    order = np.argsort(-np.abs(values.to_numpy()), kind="stable")
    return [values.index[i] for i in order[:top_k]]


def _check_top_k(top_k: object, func: str) -> int:
    return check_interval(top_k, param="top_k", func=func, low=1, integer=True, example=5)


@renamed_keywords(k="top_k")
def agreement(a: pd.Series, b: pd.Series, *, top_k: int = 5) -> dict[str, float]:
    """The six disagreement-problem metrics between two attributions of one row.

    Parameters
    ----------
    a, b : pandas.Series
        Attributions indexed by feature name (e.g. a row of SHAP values and
        the same row's LIME weights); the same features in any order.
    top_k : int
        How many top features (by absolute value) the top-k metrics look at;
        at most the number of features.

    Returns
    -------
    dict
        Metric name -> value in [0, 1] (rank correlation in [-1, 1]; NaN when
        one explanation gives every feature the same weight).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import agreement
    >>> shap_row = pd.Series({"age": 0.9, "sex": -0.5, "race": 0.1})
    >>> lime_row = pd.Series({"age": 0.4, "sex": 0.2, "race": 0.0})
    >>> result = agreement(shap_row, lime_row, top_k=2)
    >>> result["feature_agreement"], result["sign_agreement"]
    (1.0, 0.5)
    """
    a = check_attributions("a", a)
    b = check_attributions("b", b)
    if set(a.index) != set(b.index):
        raise ValueError(
            _DIFFERENT_FEATURES.format(
                a="a", b="b", only_a=sorted(set(a.index) - set(b.index)),
                only_b=sorted(set(b.index) - set(a.index)),
            )
        )
    top_k = _check_top_k(top_k, "agreement")
    if top_k > len(a):
        raise ValueError(_K_TOO_LARGE.format(top_k=top_k, n=len(a)))
    b = b.reindex(a.index)
    top_a, top_b = _top(a, top_k), _top(b, top_k)
    common = set(top_a) & set(top_b)
    same_sign = {f for f in common if np.sign(a[f]) == np.sign(b[f])}
    same_rank = [i for i in range(top_k) if top_a[i] == top_b[i]]
    abs_a, abs_b = a.abs().to_numpy(), b.abs().to_numpy()
    if np.ptp(abs_a) == 0 or np.ptp(abs_b) == 0:
        correlation = float("nan")
    else:
        correlation = float(spearmanr(abs_a, abs_b).statistic)
    pairs = list(itertools.combinations(range(len(a)), 2))
    concordant = sum(
        np.sign(abs_a[i] - abs_a[j]) == np.sign(abs_b[i] - abs_b[j]) for i, j in pairs
    )
    return {
        "feature_agreement": len(common) / top_k,
        "rank_agreement": len(same_rank) / top_k,
        "sign_agreement": len(same_sign) / top_k,
        "signed_rank_agreement": float(
            sum(np.sign(a[top_a[i]]) == np.sign(b[top_b[i]]) for i in same_rank) / top_k
        ),
        "rank_correlation": correlation,
        "pairwise_rank_agreement": float(concordant / len(pairs)) if pairs else float("nan"),
    }


@dataclass(frozen=True, eq=False)
class AgreementResult:
    """LIME-vs-SHAP agreement for a set of rows.

    Attributes
    ----------
    per_row : pandas.DataFrame
        One row per explained row, one column per metric in
        :data:`AGREEMENT_METRICS`, plus LIME's ``fidelity``.
    summary : pandas.Series
        The mean of each metric over the rows.
    top_k : int
        How many top features the top-k metrics looked at.
    parameters : dict
        Both explainers' types and parameters (seeds included).
    """

    per_row: pd.DataFrame
    summary: pd.Series
    top_k: int
    parameters: dict

    @property
    def k(self) -> int:
        """Deprecated name of :attr:`top_k` (a FutureWarning says so)."""
        return renamed_attribute(self, "k", "top_k")

    def by_fidelity(self, threshold: float = 0.5) -> pd.DataFrame:
        """Mean agreement for rows whose LIME fit is good (R² >= threshold) and the others."""
        good = self.per_row["fidelity"] >= threshold
        label = good.map({True: f"LIME R² >= {threshold}", False: f"LIME R² < {threshold}"})
        table = self.per_row[list(AGREEMENT_METRICS)].groupby(label).mean()
        table["rows"] = label.value_counts()
        return table


@renamed_keywords(k="top_k")
def lime_shap_agreement(
    shap_explanation: ShapExplanation,
    lime_result: LimeResult,
    *,
    top_k: int = 5,
    ledger=None,
) -> AgreementResult:
    """How far LIME and SHAP agree on each row both explain.

    Parameters
    ----------
    shap_explanation : ShapExplanation
        From :func:`explain_shap`; must cover every row LIME explained.
    lime_result : LimeResult
        From :func:`explain_lime`.
    top_k : int
        Top-k size for the top-k metrics; capped at the number of features
        (as :func:`compare_importances` does).
    ledger : govkit.ledger.Ledger, optional
        When given, an ``explain/lime_shap_agreement`` record is appended with
        both explainers' types, parameters and seeds and the mean metrics.

    Returns
    -------
    AgreementResult

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import TabularLime, explain_lime, explain_shap, lime_shap_agreement
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0] * 5, "b": [1.0, 0.0, 1.0, 0.0] * 5})
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1] * 5)
    >>> shap_values = explain_shap(model, X, cache=False)
    >>> lime = explain_lime(TabularLime(model, X), X, rows=[0, 3], num_samples=500)
    >>> lime_shap_agreement(shap_values, lime, top_k=1).per_row.shape
    (2, 7)
    """
    if not isinstance(shap_explanation, ShapExplanation):
        raise TypeError(_NOT_SHAP.format(kind=type(shap_explanation).__name__))
    if not isinstance(lime_result, LimeResult):
        raise TypeError(_NOT_LIME.format(kind=type(lime_result).__name__))
    shap_values = shap_explanation.values
    missing = [r for r in lime_result.weights.index if r not in shap_values.index]
    if missing:
        raise ValueError(_ROWS_NOT_EXPLAINED.format(n=len(missing), first=missing[0]))
    if set(shap_values.columns) != set(lime_result.weights.columns):
        raise ValueError(
            _DIFFERENT_FEATURES.format(
                a="shap_explanation", b="lime_result",
                only_a=sorted(set(shap_values.columns) - set(lime_result.weights.columns)),
                only_b=sorted(set(lime_result.weights.columns) - set(shap_values.columns)),
            )
        )
    top_k = min(_check_top_k(top_k, "lime_shap_agreement"), len(shap_values.columns))
    rows = {
        label: agreement(shap_values.loc[label], lime_result.weights.loc[label], top_k=top_k)
        for label in lime_result.weights.index
    }
    per_row = pd.DataFrame.from_dict(rows, orient="index")[list(AGREEMENT_METRICS)]
    per_row["fidelity"] = lime_result.fidelity
    summary = per_row.mean().rename("mean")
    parameters: dict[str, Any] = {
        "top_k": top_k,
        "model": shap_explanation.model,
        "shap_explainer": shap_explanation.explainer,
        "shap": dict(shap_explanation.parameters),
        "lime_explainer": "LimeTabularExplainer",
        "lime": dict(lime_result.parameters),
    }
    result = AgreementResult(per_row=per_row, summary=summary, top_k=top_k,
                             parameters=parameters)
    if ledger is not None:
        ledger.append(
            "explain",
            "lime_shap_agreement",
            parameters=parameters,
            inputs={"rows": shap_explanation.features.loc[list(lime_result.weights.index)]},
            metrics={
                "rows": len(per_row),
                **{name: float(summary[name]) for name in AGREEMENT_METRICS},
                "mean_lime_fidelity": float(summary["fidelity"]),
                "shap_top_features": shap_explanation.values.loc[
                    list(lime_result.weights.index)
                ].abs().mean().sort_values(ascending=False).index[:5].tolist(),
                "lime_top_features": lime_result.importance().index[:5].tolist(),
            },
        )
    return result

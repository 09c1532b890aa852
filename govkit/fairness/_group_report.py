"""Group metrics with bootstrap confidence intervals and disparities, built on fairlearn.

:func:`group_report` computes, per group of one sensitive feature or of an
intersection (``sex`` × ``race``): count, base rate, selection rate,
accuracy, true and false positive rate, precision and (given scores) ROC AUC.
The metric definitions are fairlearn's and scikit-learn's (see
:mod:`govkit.fairness._metrics`); ``GroupReport.metric_frame`` is fairlearn's
own ``MetricFrame`` for the same inputs, so a user can continue in fairlearn.
The rates are computed from the four counts per group (rows, positives, true
and false positives) with those definitions' formulas, because MetricFrame's
per-call overhead alone (it re-stacks every column for every metric and group)
takes about two seconds on the Adult test split, longer than the whole
bootstrap; the MetricFrame is therefore built when first asked for, and the
tests check on Adult that every number equals fairlearn's. The intervals come
from a vectorised bootstrap (:mod:`govkit.fairness._bootstrap`, which says why
fairlearn's own is not used); the disparities are fairlearn's definitions
(largest minus smallest group value, smallest over largest) with intervals
from the same resamples (:mod:`govkit.fairness._assemble`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govkit._validation import as_generator, check_random_state

from ._assemble import assemble_report
from ._bootstrap import Counts, bootstrap_replicates, cell_counts, rates_from_counts
from ._metrics import auc_or_nan
from ._report import GroupReport, ReportInputs
from ._validation import (
    Groups,
    as_binary,
    as_scores,
    check_report_settings,
    groups_from,
    reference_of,
)

__all__ = ["compute_report", "group_report", "point_estimates", "record_report",
           "report_parameters"]


def report_parameters(n_boot: int, confidence: float, min_count: int, random_state: Any,
                      rows: int, names: tuple[str, ...],
                      extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """How a report was computed, as its ``parameters`` (and its ledger record's)."""
    parameters = {
        "sensitive_features": list(names),
        "n_boot": int(n_boot),
        "confidence": float(confidence),
        "min_count": int(min_count),
        "random_state": random_state if isinstance(random_state, (int, type(None))) else "generator",
        "rows": int(rows),
        "interval": "percentile bootstrap over rows (multinomial resampling of the whole sample)",
    }
    parameters.update(extra or {})
    return parameters


def point_estimates(y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray | None,
                    groups: Groups) -> tuple[Counts, dict, dict]:
    """Counts, per-group values and overall values on the data itself (no resampling)."""
    counts = cell_counts(np.ones(len(y_true), dtype=np.int64), groups.codes, y_true, y_pred,
                         len(groups.labels))
    point = rates_from_counts(counts)
    overall = {k: float(v[0]) for k, v in rates_from_counts(counts.total()).items()}
    if y_score is not None:
        point["auc"] = np.array([
            auc_or_nan(y_true[groups.codes == g], y_score[groups.codes == g])
            for g in range(len(groups.labels))
        ])
        overall["auc"] = auc_or_nan(y_true, y_score)
    return counts, point, overall


def compute_report(y_true, y_pred, y_score, *, sensitive_features, n_boot, confidence,
                   min_count, random_state, name, func: str = "group_report",
                   extra_parameters=None) -> GroupReport:
    """:func:`group_report` without the ledger (``func`` names the public caller in messages)."""
    n_boot, confidence, min_count = check_report_settings(n_boot, confidence, min_count,
                                                          func=func)
    random_state = check_random_state(random_state, func=func)
    y_t = as_binary(y_true, "y_true")
    reference = reference_of(y_true, len(y_t))
    y_p = as_binary(y_pred, "y_pred", reference)
    y_s = as_scores(y_score, reference) if y_score is not None else None
    groups = groups_from(sensitive_features, reference)
    rng = as_generator(random_state, func=func)
    point_counts, point, overall_point = point_estimates(y_t, y_p, y_s, groups)
    auc_denominator = (np.minimum(point_counts.positives, point_counts.negatives)
                       if y_s is not None else None)
    replicates, overall_replicates = bootstrap_replicates(
        y_t, y_p, y_s, groups.codes, len(groups.labels), n_boot, rng)
    parameters = report_parameters(n_boot, confidence, min_count, random_state, len(y_t),
                                   groups.names, extra_parameters)
    return assemble_report(
        name=name, groups=groups, point=point, overall_point=overall_point,
        point_counts=point_counts, auc_denominator=auc_denominator, replicates=replicates,
        overall_replicates=overall_replicates, parameters=parameters,
        inputs=ReportInputs(y_t, y_p, y_s, groups),
    )


def record_report(report: GroupReport, ledger, inputs: dict[str, Any]) -> None:
    """Append the ``fairness/group_report`` record of ``report`` to ``ledger``."""
    ledger.append(
        "fairness",
        "group_report",
        parameters={"name": report.name, **report.parameters},
        inputs=inputs,
        metrics=report.ledger_metrics(),
    )


def group_report(
    y_true,
    y_pred,
    y_score=None,
    *,
    sensitive_features,
    n_boot: int = 1000,
    confidence: float = 0.95,
    min_count: int = 10,
    random_state: int | np.random.Generator | None = 0,
    name: str = "model",
    ledger=None,
) -> GroupReport:
    """Per-group metrics with bootstrap confidence intervals, and the disparities between groups.

    Parameters
    ----------
    y_true, y_pred : array-like of 0/1
        Actual outcomes and decisions, one per row.
    y_score : array-like of float, optional
        Scores (e.g. ``predict_proba(X)[:, 1]``); adds ROC AUC per group.
    sensitive_features : Series, DataFrame or array-like
        The group of every row (values, as in fairlearn). Several columns
        define intersections (``data.frame[["sex", "race"]]`` gives
        ``Female × Black`` and so on). Missing values are an error: give them
        an explicit label first.
    n_boot : int
        Bootstrap resamples for the intervals (0 skips them).
    confidence : float
        Interval level (percentile bootstrap).
    min_count : int
        A rate whose denominator (rows, actual positives, actual negatives,
        predicted positives) is smaller than this is reported as undefined,
        with the reason, and left out of the disparities; a whole group
        smaller than this also raises a :class:`~govkit.exceptions.SmallGroupWarning`
        (pointing at the line that called govkit).
    random_state : None, int, numpy Generator or RandomState
        Seeds the resampling. The same seed and number of rows give the same
        resamples, so reports of two models on the same rows are paired.
    name : str
        What is evaluated (shown in tables, plots and the ledger).
    ledger : govkit.ledger.Ledger, optional
        When given, a ``fairness/group_report`` record is appended.

    Returns
    -------
    GroupReport

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govkit.fairness import group_report
    >>> rng = np.random.default_rng(0)
    >>> sex = pd.Series(rng.choice(["F", "M"], 400), name="sex")
    >>> y_true = rng.integers(0, 2, 400)
    >>> y_pred = np.where(sex == "M", rng.random(400) < 0.6, rng.random(400) < 0.3).astype(int)
    >>> report = group_report(y_true, y_pred, sensitive_features=sex, n_boot=200)
    >>> report.groups.index.tolist()
    ['M', 'F']
    >>> row = report.disparities.loc["demographic_parity"]
    >>> bool(row["difference_lower"] < row["difference"] < row["difference_upper"])
    True
    """
    report = compute_report(
        y_true, y_pred, y_score, sensitive_features=sensitive_features, n_boot=n_boot,
        confidence=confidence, min_count=min_count, random_state=random_state, name=str(name),
    )
    if ledger is not None:
        inputs = {"y_true": np.asarray(as_binary(y_true, "y_true")),
                  "y_pred": np.asarray(as_binary(y_pred, "y_pred"))}
        if y_score is not None:
            inputs["y_score"] = np.asarray(y_score, dtype=np.float64)
        record_report(report, ledger, inputs)
    return report

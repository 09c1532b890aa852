"""Group metrics with bootstrap confidence intervals and disparities, built on fairlearn.

:func:`group_report` computes, per group of one sensitive feature or of an
intersection (``sex`` × ``race``): count, base rate, selection rate,
accuracy, true and false positive rate, precision and (given scores) ROC AUC.
The metric definitions are fairlearn's and scikit-learn's (selection_rate,
true_positive_rate, false_positive_rate, accuracy_score, precision_score,
roc_auc_score); ``GroupReport.metric_frame`` is fairlearn's own
``MetricFrame`` for the same inputs, so a user can continue in fairlearn. The
rates are computed from the four counts per group (rows, positives, true and
false positives) with those definitions' formulas, because MetricFrame's
per-call overhead alone (it re-stacks every column for every metric and
group) takes about two seconds on the Adult test split, longer than the whole
bootstrap; the MetricFrame is therefore built when first asked for, and the
tests check on Adult that every number equals fairlearn's. The intervals come
from a vectorised bootstrap (:mod:`govkit.fairness._bootstrap`, which says
why fairlearn's own is not used); the disparities are fairlearn's definitions
(largest minus smallest group value, smallest over largest) with intervals
from the same resamples.

:class:`ThresholdExplorer` answers "what if the decision threshold were t
(for everyone, or per group)?" in milliseconds, without refitting or
re-resampling, for the threshold panel; its reports equal
``group_report(y_true, y_score >= t, y_score, ...)`` number for number.
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

from govkit.exceptions import SmallGroupWarning
from govkit.ledger import fingerprint
from govkit.workspace import cached

from ._bootstrap import (
    AucPlan,
    CellPlan,
    Counts,
    auc_from_weights,
    cell_counts,
    percentile_interval,
    rates_from_counts,
    resample_weights,
)
from ._validation import (
    Groups,
    as_binary,
    as_column_list,
    as_scores,
    check_random_state_seed,
    groups_from,
    reference_of,
)

__all__ = [
    "DISPARITIES",
    "METRICS",
    "GroupReport",
    "ThresholdExplorer",
    "evaluate_model",
    "group_report",
]

#: Metric key -> plain-words name, in the order of every table.
METRICS = {
    "count": "rows",
    "base_rate": "base rate",
    "selection_rate": "selection rate",
    "accuracy": "accuracy",
    "tpr": "true positive rate",
    "fpr": "false positive rate",
    "precision": "precision",
    "auc": "ROC AUC",
}
RATE_METRICS = tuple(m for m in METRICS if m != "count")

#: Disparity criterion -> the group metric(s) whose spread it measures (fairlearn's definitions).
DISPARITIES = {
    "demographic_parity": ("selection_rate",),
    "equal_opportunity": ("tpr",),
    "equalized_odds": ("tpr", "fpr"),
    "predictive_parity": ("precision",),
    "accuracy_parity": ("accuracy",),
}
DISPARITY_NAMES = {
    "demographic_parity": "demographic parity (selection rate)",
    "equal_opportunity": "equal opportunity (true positive rate)",
    "equalized_odds": "equalized odds (worse of TPR and FPR)",
    "predictive_parity": "predictive parity (precision)",
    "accuracy_parity": "accuracy",
}
_DENOMINATOR_WORDS = {
    "count": ("row", "rows"),
    "base_rate": ("row", "rows"),
    "selection_rate": ("row", "rows"),
    "accuracy": ("row", "rows"),
    "tpr": ("actual positive", "actual positives"),
    "fpr": ("actual negative", "actual negatives"),
    "precision": ("predicted positive", "predicted positives"),
    "auc": ("row in its rarer outcome class", "rows in its rarer outcome class"),
}


def _how_many(number: int, metric: str) -> str:
    singular, plural = _DENOMINATOR_WORDS[metric]
    return f"{number} {singular if number == 1 else plural}"

_BAD_N_BOOT = (
    "n_boot: expected a whole number of bootstrap resamples >= 0, got {value!r}; pass e.g. "
    "n_boot=1000 (or 0 to skip the intervals)."
)
_BAD_CONFIDENCE = (
    "confidence: expected a level strictly between 0 and 1, got {value!r}; pass e.g. "
    "confidence=0.95 for 95% intervals."
)
_BAD_MIN_COUNT = (
    "min_count: expected a whole number >= 1, got {value!r}; pass e.g. min_count=10 (a rate "
    "from fewer cases is reported as undefined)."
)
_SMALL_GROUPS = (
    "group_report: {groups} {have} fewer than min_count={min_count} rows; {their} metrics are "
    "reported as undefined and left out of the disparities, because a rate from so few people "
    "says almost nothing. Merge small groups, or evaluate on more data; lower min_count only "
    "if you accept extremely wide intervals."
)
_NO_PREDICT_PROBA = (
    "model: {kind} has no predict_proba method; pass a fitted classifier (e.g. "
    "govkit.models.fit_model('logistic_regression', train))."
)
_BAD_PROBA = (
    "model: predict_proba returned an array of shape {shape} for {rows} rows; expected "
    "({rows}, 2) for a binary classifier."
)
_NOT_A_DATASET = (
    "{func}: data must be a govkit Dataset, got {kind}; load it with "
    "govkit.datasets.load_adult('test') or govkit.datasets.from_csv(...)."
)
_UNKNOWN_COLUMN = (
    "sensitive_features: column {column!r} is not in the data; its columns are {columns}. "
    "Pass one or more of them, e.g. sensitive_features=['sex', 'race']."
)
_BAD_THRESHOLD = (
    "{name}: expected a decision threshold between 0 and 1, got {value!r}; pass e.g. 0.5 "
    "(rows whose score is at least the threshold are predicted positive)."
)
_UNKNOWN_GROUP = (
    "group_thresholds: {group!r} is not a group of {title}; the groups are {groups}. Use "
    "their labels exactly as the report shows them."
)


# -- metric functions handed to fairlearn's MetricFrame ------------------------------
# fairlearn's and scikit-learn's own functions, guarded so that an empty denominator
# gives NaN (which the report then marks undefined) instead of a warning or an error.

def _base_rate(y_true, y_pred) -> float:
    return float(np.mean(y_true))


def _true_positive_rate(y_true, y_pred) -> float:
    return true_positive_rate(y_true, y_pred, pos_label=1) if np.any(y_true == 1) else np.nan


def _false_positive_rate(y_true, y_pred) -> float:
    return false_positive_rate(y_true, y_pred, pos_label=1) if np.any(y_true == 0) else np.nan


def _precision(y_true, y_pred) -> float:
    return precision_score(y_true, y_pred, zero_division=np.nan) if np.any(y_pred == 1) else np.nan


def _auc(y_true, y_score) -> float:
    return roc_auc_score(y_true, y_score) if 0 < np.mean(y_true) < 1 else np.nan


_LABEL_METRICS = {
    "count": count,
    "base_rate": _base_rate,
    "selection_rate": selection_rate,
    "accuracy": accuracy_score,
    "tpr": _true_positive_rate,
    "fpr": _false_positive_rate,
    "precision": _precision,
}


# -- the result ------------------------------------------------------------------------

class _Inputs:
    """The evaluated arrays, kept so fairlearn's MetricFrames can be built on demand."""

    def __init__(self, y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray | None,
                 groups: Groups) -> None:
        self.y_true, self.y_pred, self.y_score, self.groups = y_true, y_pred, y_score, groups
        self._frames: dict[str, MetricFrame] = {}

    def metric_frame(self) -> MetricFrame:
        if "labels" not in self._frames:
            self._frames["labels"] = MetricFrame(
                metrics=_LABEL_METRICS, y_true=self.y_true, y_pred=self.y_pred,
                sensitive_features=self.groups.frame,
            )
        return self._frames["labels"]

    def score_metric_frame(self) -> MetricFrame | None:
        if self.y_score is None:
            return None
        if "scores" not in self._frames:
            self._frames["scores"] = MetricFrame(
                metrics={"auc": _auc}, y_true=self.y_true, y_pred=self.y_score,
                sensitive_features=self.groups.frame,
            )
        return self._frames["scores"]



@dataclass(frozen=True, eq=False)
class GroupReport:
    """Group metrics with confidence intervals, and the disparities between groups.

    Attributes
    ----------
    name : str
        What was evaluated (a model's name).
    sensitive_features : tuple of str
        The sensitive feature(s); several mean intersections.
    groups : pandas.DataFrame
        Point estimates, one row per group (largest first), one column per
        metric (see :data:`METRICS`). Undefined values are NaN.
    lower, upper : pandas.DataFrame
        The bootstrap confidence interval's bounds, same shape as ``groups``.
    overall : pandas.DataFrame
        The metrics over all rows: columns ``value``, ``lower``, ``upper``.
    disparities : pandas.DataFrame
        One row per criterion (:data:`DISPARITIES`): ``difference`` (largest
        minus smallest group value) and ``ratio`` (smallest over largest), each
        with ``_lower``/``_upper`` bounds, the groups at either end, the metric
        that drives it and how many groups were compared.
    undefined : pandas.DataFrame
        Every (group, metric) reported as undefined, with the reason.
    metric_frame, score_metric_frame : fairlearn.metrics.MetricFrame
        fairlearn's own objects for the label metrics and for AUC on the same
        inputs (built on first access).
    replicates, overall_replicates : dict
        Metric -> bootstrap values, shape (resamples, groups) and (resamples,);
        used for paired comparisons of models evaluated on the same rows.
    disparity_replicates : dict
        Criterion -> {"difference": array, "ratio": array} per resample.
    parameters : dict
        How the report was computed (n_boot, confidence, min_count, ...).
    """

    name: str
    sensitive_features: tuple[str, ...]
    groups: pd.DataFrame
    lower: pd.DataFrame
    upper: pd.DataFrame
    overall: pd.DataFrame
    disparities: pd.DataFrame
    undefined: pd.DataFrame
    parameters: dict[str, Any]
    replicates: dict[str, np.ndarray] = field(repr=False)
    overall_replicates: dict[str, np.ndarray] = field(repr=False)
    disparity_replicates: dict[str, dict[str, np.ndarray]] = field(repr=False)
    inputs: _Inputs = field(repr=False)

    @property
    def metric_frame(self) -> MetricFrame:
        """fairlearn's ``MetricFrame`` of the label metrics on the same inputs (built on first use)."""
        return self.inputs.metric_frame()

    @property
    def score_metric_frame(self) -> MetricFrame | None:
        """fairlearn's ``MetricFrame`` of ROC AUC per group, or None without scores."""
        return self.inputs.score_metric_frame()

    @property
    def title(self) -> str:
        """The grouping, e.g. ``"sex × race"``."""
        return " × ".join(self.sensitive_features)

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(self.groups.columns)

    def interval(self, group: str, metric: str) -> tuple[float, float, float]:
        """``(value, lower, upper)`` of one metric for one group (``"overall"`` for all rows)."""
        if group == "overall":
            row = self.overall.loc[metric]
            return float(row["value"]), float(row["lower"]), float(row["upper"])
        return (float(self.groups.loc[group, metric]), float(self.lower.loc[group, metric]),
                float(self.upper.loc[group, metric]))

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (group, metric) with value, lower, upper; ``overall`` first."""
        rows = []
        for metric in self.metrics:
            value, low, high = self.overall.loc[metric, ["value", "lower", "upper"]]
            rows.append(("overall", metric, value, low, high))
        for group in self.groups.index:
            for metric in self.metrics:
                rows.append((group, metric, self.groups.loc[group, metric],
                             self.lower.loc[group, metric], self.upper.loc[group, metric]))
        return pd.DataFrame(rows, columns=["group", "metric", "value", "lower", "upper"])

    def table(self, metrics: tuple[str, ...] | None = None) -> pd.DataFrame:
        """A readable table: ``31.1% [30.2, 32.0]`` per cell, ``n/a`` where undefined.

        Rates are percentages with their interval in points; AUC is a
        fraction; the first row is the overall population.
        """
        metrics = tuple(metrics or self.metrics)
        unknown = [m for m in metrics if m not in self.metrics]
        if unknown:
            raise ValueError(
                f"table: metrics {unknown} are not in this report; choose from {list(self.metrics)}."
            )
        cells = {}
        for metric in metrics:
            column = [_format_cell(metric, *self.overall.loc[metric, ["value", "lower", "upper"]])]
            for group in self.groups.index:
                column.append(_format_cell(metric, self.groups.loc[group, metric],
                                           self.lower.loc[group, metric],
                                           self.upper.loc[group, metric]))
            cells[METRICS[metric]] = column
        index = pd.Index(["overall", *self.groups.index], name=self.title)
        return pd.DataFrame(cells, index=index)

    def disparity_table(self) -> pd.DataFrame:
        """A readable table of the disparities with their intervals."""
        rows = {}
        for criterion, row in self.disparities.iterrows():
            rows[DISPARITY_NAMES[criterion]] = {
                "difference (points)": _format_points(row["difference"], row["difference_lower"],
                                                      row["difference_upper"]),
                "ratio": _format_fraction(row["ratio"], row["ratio_lower"], row["ratio_upper"]),
                "highest": row["highest_group"] or "",
                "lowest": row["lowest_group"] or "",
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def ledger_metrics(self) -> dict[str, Any]:
        """The report as plain numbers for a ledger record (what the accountability report reads)."""
        def triple(value, low, high) -> dict[str, float]:
            return {"value": float(value), "lower": float(low), "upper": float(high)}

        groups = {}
        for group in self.groups.index:
            entry: dict[str, Any] = {"count": int(self.groups.loc[group, "count"])}
            for metric in self.metrics:
                if metric != "count":
                    entry[metric] = triple(self.groups.loc[group, metric],
                                           self.lower.loc[group, metric],
                                           self.upper.loc[group, metric])
            groups[str(group)] = entry
        overall = {m: triple(*self.overall.loc[m, ["value", "lower", "upper"]])
                   for m in self.metrics if m != "count"}
        overall["count"] = int(self.overall.loc["count", "value"])
        disparities = {}
        for criterion, row in self.disparities.iterrows():
            disparities[criterion] = {
                key: (float(row[key]) if key not in ("highest_group", "lowest_group", "driven_by")
                      else row[key])
                for key in ("difference", "difference_lower", "difference_upper", "ratio",
                            "ratio_lower", "ratio_upper", "highest_group", "lowest_group",
                            "driven_by")
            }
        return {
            "rows": int(self.overall.loc["count", "value"]),
            "overall": overall,
            "groups": groups,
            "disparities": disparities,
            "undefined": self.undefined.to_dict(orient="records"),
        }

    def plot(self, metrics: tuple[str, ...] = ("selection_rate", "tpr", "fpr"), **kwargs):
        """Forest plot of ``metrics`` per group with intervals; see :func:`plot_group_report`."""
        from ._plots import plot_group_report

        return plot_group_report(self, metrics=metrics, **kwargs)

    def _repr_html_(self) -> str:
        parameters = self.parameters
        head = (
            f"<b>{html.escape(self.name)}</b> by {html.escape(self.title)}: "
            f"{int(self.overall.loc['count', 'value']):,} rows; "
            f"{parameters['confidence']:.0%} bootstrap intervals from "
            f"{parameters['n_boot']:,} resamples"
        )
        notes = ""
        if len(self.undefined):
            items = "".join(
                f"<li>{html.escape(r.group)} · {html.escape(METRICS[r.metric])}: "
                f"{html.escape(r.reason)}</li>"
                for r in self.undefined.itertuples()
            )
            notes = f"<div style='font-size:85%'>n/a = undefined:<ul>{items}</ul></div>"
        return (
            f"<div>{head}{self.table().to_html()}<br><b>Disparities between groups</b>"
            f"{self.disparity_table().to_html()}{notes}</div>"
        )


def _format_cell(metric: str, value: float, low: float, high: float) -> str:
    if metric == "count":
        return f"{int(value):,}"
    if not np.isfinite(value):
        return "n/a"
    if metric == "auc":
        return _format_fraction(value, low, high)
    return _format_points(value, low, high, percent=True)


def _format_points(value: float, low: float, high: float, percent: bool = False) -> str:
    if not np.isfinite(value):
        return "n/a"
    text = f"{100 * value:.1f}{'%' if percent else ''}"
    if np.isfinite(low) and np.isfinite(high):
        text += f" [{100 * low:.1f}, {100 * high:.1f}]"
    return text


def _format_fraction(value: float, low: float, high: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    text = f"{value:.3f}"
    if np.isfinite(low) and np.isfinite(high):
        text += f" [{low:.3f}, {high:.3f}]"
    return text


# -- assembling a report from point values and replicates -----------------------------

def _spread(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Difference (max - min) and ratio (min / max) over the defined groups, on the last axis."""
    finite = np.isfinite(values)
    enough = finite.sum(axis=-1) >= 2
    high_values = np.where(finite, values, -np.inf)
    low_values = np.where(finite, values, np.inf)
    highest = high_values.argmax(axis=-1)
    lowest = low_values.argmin(axis=-1)
    high = high_values.max(axis=-1)
    low = low_values.min(axis=-1)
    difference = np.where(enough, high - low, np.nan)
    safe_high = np.where(enough & (high > 0), high, 1.0)
    ratio = np.where(enough & (high > 0), low / safe_high, np.nan)
    return difference, ratio, highest, lowest


def _check_settings(n_boot: object, confidence: object, min_count: object) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ValueError(_BAD_N_BOOT.format(value=n_boot))
    if (isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.floating))
            or not 0 < confidence < 1):
        raise ValueError(_BAD_CONFIDENCE.format(value=confidence))
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(_BAD_MIN_COUNT.format(value=min_count))


def _assemble(
    *,
    name: str,
    groups: Groups,
    point: Mapping[str, np.ndarray],
    overall_point: Mapping[str, float],
    point_counts: Counts,
    auc_denominator: np.ndarray | None,
    replicates: Mapping[str, np.ndarray],
    overall_replicates: Mapping[str, np.ndarray],
    parameters: dict[str, Any],
    inputs: _Inputs,
) -> GroupReport:
    min_count = parameters["min_count"]
    confidence = parameters["confidence"]
    metrics = [m for m in METRICS if m in point]
    labels = list(groups.labels)
    denominators = point_counts.denominators()
    if auc_denominator is not None:
        denominators["auc"] = auc_denominator
    overall_counts = point_counts.total()
    overall_denominators = overall_counts.denominators()
    if auc_denominator is not None:
        overall_denominators["auc"] = np.minimum(overall_counts.positives,
                                                 overall_counts.negatives)

    small = np.flatnonzero(point_counts.rows < min_count)
    if len(small):
        described = ", ".join(f"{labels[i]!r} ({int(point_counts.rows[i])} rows)" for i in small)
        warnings.warn(
            _SMALL_GROUPS.format(groups=described, have="has" if len(small) == 1 else "have",
                                 min_count=min_count, their="its" if len(small) == 1 else "their"),
            SmallGroupWarning,
            stacklevel=3,
        )

    undefined_rows = []
    values, lows, highs, masked_replicates = {}, {}, {}, {}
    for metric in metrics:
        value = np.asarray(point[metric], dtype=np.float64).copy()
        reps = np.asarray(replicates[metric], dtype=np.float64).copy()
        if metric != "count":
            denominator = np.asarray(denominators[metric])
            for i in range(len(labels)):
                reason = None
                if point_counts.rows[i] < min_count:
                    reason = (f"only {_how_many(int(point_counts.rows[i]), 'count')} "
                              f"(fewer than min_count={min_count})")
                elif denominator[i] < min_count:
                    reason = (f"only {_how_many(int(denominator[i]), metric)} "
                              f"(fewer than min_count={min_count})")
                elif not np.isfinite(value[i]):
                    reason = f"no {_DENOMINATOR_WORDS[metric][1]}"
                if reason is not None:
                    value[i] = np.nan
                    reps[:, i] = np.nan
                    undefined_rows.append({"group": labels[i], "metric": metric, "reason": reason})
        low, high = percentile_interval(reps, confidence) if metric != "count" else (
            np.full(len(labels), np.nan), np.full(len(labels), np.nan))
        values[metric], lows[metric], highs[metric] = value, low, high
        masked_replicates[metric] = reps

    overall_rows, masked_overall = [], {}
    for metric in metrics:
        value = float(overall_point[metric])
        reps = np.asarray(overall_replicates[metric], dtype=np.float64).copy()
        masked_overall[metric] = reps
        if metric == "count":
            overall_rows.append((metric, value, np.nan, np.nan))
            continue
        denominator = float(np.asarray(overall_denominators[metric]).reshape(-1)[0])
        if denominator < min_count or not math.isfinite(value):
            undefined_rows.append({"group": "overall", "metric": metric,
                                   "reason": f"too few {_DENOMINATOR_WORDS[metric][1]} overall"})
            overall_rows.append((metric, np.nan, np.nan, np.nan))
            reps[:] = np.nan
            continue
        low, high = percentile_interval(reps, confidence)
        overall_rows.append((metric, value, float(low), float(high)))

    disparity_rows, disparity_replicates = [], {}
    for criterion, parts in DISPARITIES.items():
        if not all(p in values for p in parts):
            continue
        best = None
        rep_difference = rep_ratio = None
        for part in parts:
            difference, ratio, highest, lowest = _spread(values[part])
            d_rep, r_rep, _, _ = _spread(masked_replicates[part])
            compared = int(np.isfinite(values[part]).sum())
            candidate = (float(difference), float(ratio), part, int(highest), int(lowest), compared)
            if best is None or (np.isfinite(candidate[0]) and not candidate[0] <= best[0]):
                best = candidate
            rep_difference = d_rep if rep_difference is None else np.fmax(rep_difference, d_rep)
            rep_ratio = r_rep if rep_ratio is None else np.fmin(rep_ratio, r_rep)
        ratio_point = min((float(_spread(values[p])[1]) for p in parts),
                          key=lambda r: (not np.isfinite(r), r))
        difference, _, driven_by, highest, lowest, compared = best
        d_low, d_high = percentile_interval(rep_difference, confidence)
        r_low, r_high = percentile_interval(rep_ratio, confidence)
        defined = np.isfinite(difference)
        disparity_rows.append({
            "criterion": criterion,
            "difference": difference,
            "difference_lower": float(d_low),
            "difference_upper": float(d_high),
            "ratio": ratio_point,
            "ratio_lower": float(r_low),
            "ratio_upper": float(r_high),
            "highest_group": labels[highest] if defined else None,
            "lowest_group": labels[lowest] if defined else None,
            "driven_by": driven_by,
            "groups_compared": compared,
        })
        disparity_replicates[criterion] = {"difference": rep_difference, "ratio": rep_ratio}

    index = pd.Index(labels, name=groups.title)
    report = GroupReport(
        name=name,
        sensitive_features=groups.names,
        groups=pd.DataFrame(values, index=index)[metrics],
        lower=pd.DataFrame(lows, index=index)[metrics],
        upper=pd.DataFrame(highs, index=index)[metrics],
        overall=pd.DataFrame(overall_rows, columns=["metric", "value", "lower", "upper"])
        .set_index("metric"),
        disparities=pd.DataFrame(disparity_rows).set_index("criterion"),
        undefined=pd.DataFrame(undefined_rows, columns=["group", "metric", "reason"]),
        parameters=parameters,
        replicates=masked_replicates,
        overall_replicates=masked_overall,
        disparity_replicates=disparity_replicates,
        inputs=inputs,
    )
    return report


def _bootstrap(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    y_score: np.ndarray | None,
    groups: Groups,
    n_boot: int,
    rng: np.random.Generator,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Replicates of every metric, per group (B, G) and overall (B,)."""
    n_groups = len(groups.labels)
    plans = []
    if y_score is not None:
        plans = [AucPlan.for_rows(np.flatnonzero(groups.codes == g), y_true, y_score)
                 for g in range(n_groups)]
        plans.append(AucPlan.for_rows(np.arange(len(y_true)), y_true, y_score))
    parts: list[Counts] = []
    aucs: list[np.ndarray] = []
    cells = CellPlan.for_rows(groups.codes, y_true, y_pred, n_groups)
    for weights in resample_weights(len(y_true), n_boot, rng):
        parts.append(cell_counts(weights, groups.codes, y_true, y_pred, n_groups, plan=cells))
        if plans:
            aucs.append(np.column_stack([auc_from_weights(plan, weights) for plan in plans]))
    if parts:
        counts = Counts(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                          ("rows", "positives", "true_positives", "false_positives")))
    else:
        empty = np.zeros((0, n_groups), dtype=np.int64)
        counts = Counts(empty, empty, empty, empty)
    replicates = rates_from_counts(counts)
    overall = {k: v[:, 0] for k, v in rates_from_counts(counts.total()).items()}
    if y_score is not None:
        auc = np.concatenate(aucs) if aucs else np.zeros((0, n_groups + 1))
        replicates["auc"] = auc[:, :n_groups]
        overall["auc"] = auc[:, n_groups]
    return replicates, overall


def _report_parameters(n_boot, confidence, min_count, random_state, rows, names, extra=None):
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


def _point_estimates(y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray | None,
                     groups: Groups) -> tuple[Counts, dict, dict]:
    """Counts, per-group values and overall values on the data itself (no resampling)."""
    counts = cell_counts(np.ones(len(y_true), dtype=np.int64), groups.codes, y_true, y_pred,
                         len(groups.labels))
    point = rates_from_counts(counts)
    overall = {k: float(v[0]) for k, v in rates_from_counts(counts.total()).items()}
    if y_score is not None:
        point["auc"] = np.array([
            _auc(y_true[groups.codes == g], y_score[groups.codes == g])
            for g in range(len(groups.labels))
        ])
        overall["auc"] = float(_auc(y_true, y_score))
    return counts, point, overall


def _compute_report(y_true, y_pred, y_score, *, sensitive_features, n_boot, confidence,
                    min_count, random_state, name, extra_parameters=None) -> GroupReport:
    _check_settings(n_boot, confidence, min_count)
    y_t = as_binary(y_true, "y_true")
    reference = reference_of(y_true, len(y_t))
    y_p = as_binary(y_pred, "y_pred", reference)
    y_s = as_scores(y_score, reference) if y_score is not None else None
    groups = groups_from(sensitive_features, reference)
    rng = check_random_state_seed(random_state)
    point_counts, point, overall_point = _point_estimates(y_t, y_p, y_s, groups)
    auc_denominator = (np.minimum(point_counts.positives, point_counts.negatives)
                       if y_s is not None else None)
    replicates, overall_replicates = _bootstrap(y_t, y_p, y_s, groups, n_boot, rng)
    parameters = _report_parameters(n_boot, confidence, min_count, random_state, len(y_t),
                                    groups.names, extra_parameters)
    return _assemble(
        name=name, groups=groups, point=point, overall_point=overall_point,
        point_counts=point_counts, auc_denominator=auc_denominator, replicates=replicates,
        overall_replicates=overall_replicates, parameters=parameters,
        inputs=_Inputs(y_t, y_p, y_s, groups),
    )


def _record(report: GroupReport, ledger, inputs: dict[str, Any]) -> None:
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
        The group of every row. Several columns define intersections
        (``data.frame[["sex", "race"]]`` gives ``Female × Black`` and so on).
        Missing values are an error: give them an explicit label first.
    n_boot : int
        Bootstrap resamples for the intervals (0 skips them).
    confidence : float
        Interval level (percentile bootstrap).
    min_count : int
        A rate whose denominator (rows, actual positives, actual negatives,
        predicted positives) is smaller than this is reported as undefined,
        with the reason, and left out of the disparities; a whole group
        smaller than this also raises a :class:`~govkit.exceptions.SmallGroupWarning`.
    random_state : int, Generator or None
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
    report = _compute_report(
        y_true, y_pred, y_score, sensitive_features=sensitive_features, n_boot=n_boot,
        confidence=confidence, min_count=min_count, random_state=random_state, name=str(name),
    )
    if ledger is not None:
        inputs = {"y_true": np.asarray(as_binary(y_true, "y_true")),
                  "y_pred": np.asarray(as_binary(y_pred, "y_pred"))}
        if y_score is not None:
            inputs["y_score"] = np.asarray(y_score, dtype=np.float64)
        _record(report, ledger, inputs)
    return report


def _check_dataset(data: object, func: str):
    from govkit.datasets import Dataset

    if not isinstance(data, Dataset):
        raise TypeError(_NOT_A_DATASET.format(func=func, kind=type(data).__name__))


def sensitive_frame(data, sensitive_features) -> pd.DataFrame:
    """The named columns of ``data.frame`` (validated), for the fairness functions."""
    columns = as_column_list(sensitive_features)
    for column in columns:
        if column not in data.frame.columns:
            raise ValueError(_UNKNOWN_COLUMN.format(column=column,
                                                    columns=list(data.frame.columns)))
    return data.frame.loc[:, columns]


def model_scores(model, X: pd.DataFrame) -> np.ndarray:
    """``model.predict_proba(X)[:, 1]`` with a clear error when the model cannot give it."""
    if not hasattr(model, "predict_proba"):
        raise TypeError(_NO_PREDICT_PROBA.format(kind=type(model).__name__))
    proba = np.asarray(model.predict_proba(X))
    if proba.ndim != 2 or proba.shape != (len(X), 2):
        raise ValueError(_BAD_PROBA.format(shape=proba.shape, rows=len(X)))
    return proba[:, 1].astype(np.float64)


def model_decisions(model, X: pd.DataFrame, scores: np.ndarray, threshold: float | None):
    """The decisions: ``scores >= threshold``, or the model's own ``predict`` when threshold is None."""
    if threshold is not None:
        check_threshold(threshold, "threshold")
        return (scores >= threshold).astype(np.int8)
    if hasattr(model, "predict"):
        return as_binary(np.asarray(model.predict(X)), "model.predict(X)")
    return (scores >= 0.5).astype(np.int8)


def check_threshold(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(_BAD_THRESHOLD.format(name=name, value=value))
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(_BAD_THRESHOLD.format(name=name, value=value))
    return float(value)


def _with_warnings(compute) -> tuple[GroupReport, list[tuple[str, type[Warning]]]]:
    """``compute()`` and the warnings it raised, as (message, category) pairs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = compute()
    return report, [(str(w.message), w.category) for w in caught]


def _evaluate_report(model, data, *, sensitive_features, threshold, name, n_boot, confidence,
                     min_count, random_state, cache: bool = True):
    """:func:`evaluate_model` without the ledger: (report, decisions, scores).

    ``cache=False`` for callers that cache the report under their own key.
    """
    _check_dataset(data, "evaluate_model")
    sensitive = sensitive_frame(data, sensitive_features)
    X = data.X
    scores = model_scores(model, X)
    decisions = model_decisions(model, X, scores, threshold)
    label = name or type(model).__name__
    extra = {"data": data.name,
             "threshold": threshold if threshold is not None else "model's own predict"}

    def compute() -> GroupReport:
        return _compute_report(
            data.y, decisions, scores, sensitive_features=sensitive, n_boot=n_boot,
            confidence=confidence, min_count=min_count, random_state=random_state, name=label,
            extra_parameters=extra,
        )

    seeded = isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool)
    if cache and seeded:
        # A seeded report is a function of the decisions, scores, outcomes and groups:
        # cache it under their fingerprints (any model, no stale hit possible), and
        # replay the warnings its computation raised, so a cache hit warns alike.
        key = {"y_true": fingerprint(data.y), "sensitive": fingerprint(sensitive),
               "y_pred": fingerprint(np.asarray(decisions)), "y_score": fingerprint(scores),
               "name": label, "n_boot": n_boot, "confidence": confidence,
               "min_count": min_count, "random_state": int(random_state), **extra}
        report, caught = cached("fairness-group-report", key,
                                lambda: _with_warnings(compute))
        for message, category in caught:
            warnings.warn(message, category, stacklevel=3)
    else:
        report = compute()
    return report, decisions, scores


def evaluate_model(
    model,
    data,
    *,
    sensitive_features,
    threshold: float | None = None,
    name: str | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    min_count: int = 10,
    random_state: int | None = 0,
    ledger=None,
) -> GroupReport:
    """Score a fitted classifier on a Dataset and return its :class:`GroupReport`.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``predict_proba`` on raw ``data.X`` (a govkit model
        pipeline, a mitigated model, ...).
    data : govkit.datasets.Dataset
        The evaluation data (usually the test split).
    sensitive_features : str or list of str
        Column(s) of ``data.frame``; several give intersections.
    threshold : float, optional
        Decide ``score >= threshold``. None (default) uses the model's own
        ``predict`` (which for randomized mitigators draws with their fixed seed).
    name : str, optional
        Label for tables and the ledger; defaults to the model's class name.
    n_boot, confidence, min_count, random_state
        See :func:`group_report`. With an int ``random_state`` (the default)
        the report is kept in the workspace cache (:func:`govkit.workspace.cached`),
        keyed by fingerprints of the decisions, scores, outcomes and groups
        and by these settings, so re-evaluating the same decisions skips the
        bootstrap; its warnings are raised again on a cache hit.
    ledger : govkit.ledger.Ledger, optional
        When given, a ``fairness/group_report`` record is appended (with the
        data's fingerprint, the threshold and the model's name), also on a
        cache hit.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.fairness import evaluate_model
    >>> from govkit.models import fit_model
    >>> train, test = load_adult("train"), load_adult("test")
    >>> model = fit_model("logistic_regression", train)  # doctest: +SKIP
    >>> report = evaluate_model(model, test, sensitive_features="sex")  # doctest: +SKIP
    >>> report.groups["selection_rate"].round(2).to_dict()  # doctest: +SKIP
    {'Male': 0.26, 'Female': 0.07}
    """
    report, decisions, scores = _evaluate_report(
        model, data, sensitive_features=sensitive_features, threshold=threshold, name=name,
        n_boot=n_boot, confidence=confidence, min_count=min_count, random_state=random_state,
    )
    if ledger is not None:
        _record(report, ledger, {"data": data, "y_pred": np.asarray(decisions),
                                 "y_score": scores})
    return report


# -- the threshold explorer -----------------------------------------------------------

class ThresholdExplorer:
    """Group reports at any decision threshold, global or per group, in milliseconds.

    The bootstrap resamples are drawn once; for each (group, actual label)
    the rows are sorted by score and the resample counts are summed from the
    top down, so the true and false positives at any threshold are a lookup.
    Memory: about ``n_boot x rows`` small integers (33 MB for 1,000 resamples
    of the Adult test split).

    Parameters
    ----------
    y_true, y_score : array-like
        Actual 0/1 outcomes and scores.
    sensitive_features : Series, DataFrame or array-like
        As in :func:`group_report`.
    n_boot, confidence, min_count, random_state, name
        As in :func:`group_report`; a report at threshold ``t`` equals
        ``group_report(y_true, y_score >= t, y_score, ...)`` with the same
        settings.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.fairness import ThresholdExplorer
    >>> rng = np.random.default_rng(1)
    >>> group = rng.choice(["a", "b"], 500)
    >>> y = rng.integers(0, 2, 500)
    >>> score = np.clip(0.3 * y + rng.random(500) * 0.7, 0, 1)
    >>> explorer = ThresholdExplorer(y, score, sensitive_features=group, n_boot=100)
    >>> low, high = explorer.report(0.3), explorer.report(0.7)
    >>> bool(low.overall.loc["selection_rate", "value"] > high.overall.loc["selection_rate", "value"])
    True
    >>> per_group = explorer.report(0.5, group_thresholds={"a": 0.2})
    >>> per_group.parameters["thresholds"]
    {'b': 0.5, 'a': 0.2}
    """

    def __init__(self, y_true, y_score, *, sensitive_features, n_boot: int = 1000,
                 confidence: float = 0.95, min_count: int = 10,
                 random_state: int | None = 0, name: str = "model") -> None:
        _check_settings(n_boot, confidence, min_count)
        self.y_true = as_binary(y_true, "y_true")
        reference = reference_of(y_true, len(self.y_true))
        self.y_score = as_scores(y_score, reference)
        self.groups = groups_from(sensitive_features, reference)
        self.name = str(name)
        self.n_boot, self.confidence, self.min_count = int(n_boot), float(confidence), int(min_count)
        self.random_state = random_state
        n, n_groups = len(self.y_true), len(self.groups.labels)
        dtype = np.int16 if n < 2**15 else np.int32
        self._segments = []  # per (group, label): sorted scores and top-down resample sums
        segment_rows = []
        for g in range(n_groups):
            for label in (0, 1):
                rows = np.flatnonzero((self.groups.codes == g) & (self.y_true == label))
                rows = rows[np.argsort(self.y_score[rows], kind="stable")]
                segment_rows.append(rows)
                self._segments.append({"scores": self.y_score[rows],
                                       "suffix": np.zeros((self.n_boot, len(rows) + 1), dtype)})
        plans = [AucPlan.for_rows(np.flatnonzero(self.groups.codes == g), self.y_true,
                                  self.y_score) for g in range(n_groups)]
        plans.append(AucPlan.for_rows(np.arange(n), self.y_true, self.y_score))
        rng = check_random_state_seed(random_state)
        done = 0
        aucs = []
        for weights in resample_weights(n, self.n_boot, rng):
            size = weights.shape[0]
            for rows, segment in zip(segment_rows, self._segments, strict=True):
                block = weights[:, rows]
                segment["suffix"][done:done + size, :-1] = np.cumsum(block[:, ::-1], axis=1)[:, ::-1]
            aucs.append(np.column_stack([auc_from_weights(plan, weights) for plan in plans]))
            done += size
        auc = np.concatenate(aucs) if aucs else np.zeros((0, n_groups + 1))
        self._auc_replicates, self._auc_overall_replicates = auc[:, :n_groups], auc[:, n_groups]
        self._auc_point = np.array([
            _auc(self.y_true[self.groups.codes == g], self.y_score[self.groups.codes == g])
            for g in range(n_groups)
        ])
        self._auc_overall = float(_auc(self.y_true, self.y_score))

    def _thresholds(self, threshold: float, group_thresholds: Mapping[str, float] | None):
        thresholds = {label: check_threshold(threshold, "threshold") for label in self.groups.labels}
        for group, value in (group_thresholds or {}).items():
            if group not in thresholds:
                raise ValueError(_UNKNOWN_GROUP.format(group=group, title=self.groups.title,
                                                       groups=list(self.groups.labels)))
            thresholds[group] = check_threshold(value, f"group_thresholds[{group!r}]")
        return thresholds

    def decisions(self, threshold: float = 0.5,
                  group_thresholds: Mapping[str, float] | None = None) -> np.ndarray:
        """The 0/1 decisions at these thresholds (``score >= threshold of the row's group``)."""
        thresholds = self._thresholds(threshold, group_thresholds)
        cut = np.array([thresholds[label] for label in self.groups.labels])[self.groups.codes]
        return (self.y_score >= cut).astype(np.int8)

    def report(self, threshold: float = 0.5,
               group_thresholds: Mapping[str, float] | None = None) -> GroupReport:
        """The :class:`GroupReport` when rows with ``score >= threshold`` are selected.

        ``group_thresholds`` maps group labels to their own thresholds; the
        other groups use ``threshold``.
        """
        thresholds = self._thresholds(threshold, group_thresholds)
        n_groups = len(self.groups.labels)
        point = np.zeros((4, n_groups), dtype=np.int64)
        reps = np.zeros((4, self.n_boot, n_groups), dtype=np.int64)
        for g, label in enumerate(self.groups.labels):
            cut = thresholds[label]
            for y in (0, 1):
                segment = self._segments[2 * g + y]
                k = int(np.searchsorted(segment["scores"], cut, side="left"))
                size = len(segment["scores"])
                point[0, g] += size
                reps[0, :, g] += segment["suffix"][:, 0]
                selected_point = size - k
                selected = segment["suffix"][:, k]
                if y == 1:
                    point[1, g] += size
                    reps[1, :, g] += segment["suffix"][:, 0]
                    point[2, g] += selected_point
                    reps[2, :, g] += selected
                else:
                    point[3, g] += selected_point
                    reps[3, :, g] += selected
        point_counts = Counts(*point)
        rep_counts = Counts(*reps)
        point_values = rates_from_counts(point_counts)
        overall_values = {k: float(v[0]) for k, v in rates_from_counts(point_counts.total()).items()}
        replicates = rates_from_counts(rep_counts)
        overall_replicates = {k: v[:, 0] for k, v in rates_from_counts(rep_counts.total()).items()}
        point_values["auc"] = self._auc_point
        overall_values["auc"] = self._auc_overall
        replicates["auc"] = self._auc_replicates
        overall_replicates["auc"] = self._auc_overall_replicates
        parameters = _report_parameters(
            self.n_boot, self.confidence, self.min_count, self.random_state, len(self.y_true),
            self.groups.names, {"thresholds": thresholds},
        )
        return _assemble(
            name=self.name, groups=self.groups, point=point_values, overall_point=overall_values,
            point_counts=point_counts,
            auc_denominator=np.minimum(point_counts.positives, point_counts.negatives),
            replicates=replicates, overall_replicates=overall_replicates, parameters=parameters,
            inputs=_Inputs(self.y_true, self.decisions(threshold, group_thresholds), self.y_score,
                           self.groups),
        )

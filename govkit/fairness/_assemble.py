"""From point values and bootstrap replicates to a :class:`GroupReport`, in four steps.

Every report (from :func:`govkit.fairness.group_report`, from
:func:`govkit.fairness.evaluate_model` or from a
:class:`govkit.fairness.ThresholdExplorer` at some threshold) is assembled
here from the same inputs: per-group and overall point values of every
metric, their bootstrap replicates, and the counts the metrics divide by.

1. :func:`warn_small_groups`: a group smaller than ``min_count`` is named in a
   :class:`~govkit.exceptions.SmallGroupWarning`;
2. :func:`group_intervals`: a rate whose denominator is smaller than
   ``min_count`` (or zero) is undefined, with the reason, in the point value
   and in every replicate; the others get percentile intervals;
3. :func:`overall_intervals`: the same over all rows;
4. :func:`disparities`: fairlearn's definitions of each criterion (largest
   minus smallest defined group value; smallest over largest) on the data and
   on every replicate, hence the intervals.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govkit.exceptions import SmallGroupWarning

from ._bootstrap import Counts, percentile_interval
from ._metrics import DENOMINATOR_WORDS, DISPARITIES, METRICS, how_many
from ._report import GroupReport, ReportInputs
from ._validation import Groups, user_stacklevel

__all__ = [
    "assemble_report",
    "disparities",
    "group_intervals",
    "overall_intervals",
    "spread",
    "warn_small_groups",
]

SMALL_GROUPS = (
    "group_report: {groups} {have} fewer than min_count={min_count} rows; {their} metrics are "
    "reported as undefined and left out of the disparities, because a rate from so few people "
    "says almost nothing. Merge small groups, or evaluate on more data; lower min_count only "
    "if you accept extremely wide intervals."
)


@dataclass
class Intervals:
    """Values, interval bounds and replicates per metric, undefined ones set to NaN."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    lower: dict[str, np.ndarray] = field(default_factory=dict)
    upper: dict[str, np.ndarray] = field(default_factory=dict)
    replicates: dict[str, np.ndarray] = field(default_factory=dict)
    undefined: list[dict[str, str]] = field(default_factory=list)


def warn_small_groups(labels: list[str], rows: np.ndarray, min_count: int) -> None:
    """Warn, naming them, about the groups with fewer than ``min_count`` rows.

    The warning points at the code that called govkit (the first frame outside
    the package), however deep in govkit the report was assembled.
    """
    small = np.flatnonzero(rows < min_count)
    if not len(small):
        return
    described = ", ".join(f"{labels[i]!r} ({int(rows[i])} rows)" for i in small)
    one = len(small) == 1
    warnings.warn(
        SMALL_GROUPS.format(groups=described, have="has" if one else "have",
                            min_count=min_count, their="its" if one else "their"),
        SmallGroupWarning,
        stacklevel=user_stacklevel(),
    )


def _undefined_reason(rows: int, denominator: int, value: float, metric: str,
                      min_count: int) -> str | None:
    """Why a group's metric is undefined, or None when it is defined."""
    if rows < min_count:
        return f"only {how_many(rows, 'count')} (fewer than min_count={min_count})"
    if denominator < min_count:
        return f"only {how_many(denominator, metric)} (fewer than min_count={min_count})"
    if not np.isfinite(value):
        return f"no {DENOMINATOR_WORDS[metric][1]}"
    return None


def group_intervals(metrics: list[str], labels: list[str], point: Mapping[str, np.ndarray],
                    replicates: Mapping[str, np.ndarray], rows: np.ndarray,
                    denominators: Mapping[str, np.ndarray], *, min_count: int,
                    confidence: float) -> Intervals:
    """Per group and metric: the value and its interval, or NaN with the reason it is undefined."""
    result = Intervals()
    for metric in metrics:
        value = np.asarray(point[metric], dtype=np.float64).copy()
        reps = np.asarray(replicates[metric], dtype=np.float64).copy()
        if metric == "count":
            low = high = np.full(len(labels), np.nan)
        else:
            denominator = np.asarray(denominators[metric])
            for i, label in enumerate(labels):
                reason = _undefined_reason(int(rows[i]), int(denominator[i]), value[i], metric,
                                           min_count)
                if reason is not None:
                    value[i] = np.nan
                    reps[:, i] = np.nan
                    result.undefined.append({"group": label, "metric": metric, "reason": reason})
            low, high = percentile_interval(reps, confidence)
        result.values[metric], result.lower[metric], result.upper[metric] = value, low, high
        result.replicates[metric] = reps
    return result


def overall_intervals(metrics: list[str], point: Mapping[str, float],
                      replicates: Mapping[str, np.ndarray], denominators: Mapping[str, Any], *,
                      min_count: int, confidence: float) -> tuple[list[tuple], Intervals]:
    """Over all rows: ``(metric, value, lower, upper)`` rows, and the (masked) replicates."""
    rows, result = [], Intervals()
    for metric in metrics:
        value = float(point[metric])
        reps = np.asarray(replicates[metric], dtype=np.float64).copy()
        result.replicates[metric] = reps
        if metric == "count":
            rows.append((metric, value, np.nan, np.nan))
            continue
        denominator = float(np.asarray(denominators[metric]).reshape(-1)[0])
        if denominator < min_count or not math.isfinite(value):
            result.undefined.append({"group": "overall", "metric": metric,
                                     "reason": f"too few {DENOMINATOR_WORDS[metric][1]} overall"})
            rows.append((metric, np.nan, np.nan, np.nan))
            reps[:] = np.nan
            continue
        low, high = percentile_interval(reps, confidence)
        rows.append((metric, value, float(low), float(high)))
    return rows, result


def spread(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Difference (max - min) and ratio (min / max) over the defined groups, on the last axis.

    Also the positions of the highest and the lowest group.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.fairness._assemble import spread
    >>> difference, ratio, highest, lowest = spread(np.array([0.2, np.nan, 0.5]))
    >>> float(difference), float(ratio), int(highest), int(lowest)
    (0.3, 0.4, 2, 0)
    """
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


def _disparity(criterion: str, parts: tuple[str, ...], per_group: Intervals, labels: list[str],
               confidence: float) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """One criterion: the worst of its parts (equalized odds: TPR and FPR), with intervals."""
    best = None
    rep_difference = rep_ratio = None
    for part in parts:
        difference, ratio, highest, lowest = spread(per_group.values[part])
        d_rep, r_rep, _, _ = spread(per_group.replicates[part])
        compared = int(np.isfinite(per_group.values[part]).sum())
        candidate = (float(difference), float(ratio), part, int(highest), int(lowest), compared)
        if best is None or (np.isfinite(candidate[0]) and not candidate[0] <= best[0]):
            best = candidate
        rep_difference = d_rep if rep_difference is None else np.fmax(rep_difference, d_rep)
        rep_ratio = r_rep if rep_ratio is None else np.fmin(rep_ratio, r_rep)
    ratio_point = min((float(spread(per_group.values[p])[1]) for p in parts),
                      key=lambda r: (not np.isfinite(r), r))
    difference, _, driven_by, highest, lowest, compared = best
    d_low, d_high = percentile_interval(rep_difference, confidence)
    r_low, r_high = percentile_interval(rep_ratio, confidence)
    defined = np.isfinite(difference)
    row = {
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
    }
    return row, {"difference": rep_difference, "ratio": rep_ratio}


def disparities(per_group: Intervals, labels: list[str], confidence: float,
                ) -> tuple[list[dict[str, Any]], dict[str, dict[str, np.ndarray]]]:
    """Every criterion of :data:`DISPARITIES` whose metrics the report has: rows and replicates."""
    rows, replicates = [], {}
    for criterion, parts in DISPARITIES.items():
        if all(p in per_group.values for p in parts):
            row, replicates[criterion] = _disparity(criterion, parts, per_group, labels,
                                                    confidence)
            rows.append(row)
    return rows, replicates


def _denominators(counts: Counts, auc_denominator: np.ndarray | None):
    """What each metric divides by, per group and overall (AUC: the rarer outcome's rows)."""
    per_group = counts.denominators()
    total = counts.total()
    overall = total.denominators()
    if auc_denominator is not None:
        per_group["auc"] = auc_denominator
        overall["auc"] = np.minimum(total.positives, total.negatives)
    return per_group, overall


def assemble_report(
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
    inputs: ReportInputs,
) -> GroupReport:
    """The :class:`GroupReport` of these point values and replicates (see the module docstring)."""
    min_count, confidence = parameters["min_count"], parameters["confidence"]
    metrics = [m for m in METRICS if m in point]
    labels = list(groups.labels)
    warn_small_groups(labels, point_counts.rows, min_count)
    denominators, overall_denominators = _denominators(point_counts, auc_denominator)
    per_group = group_intervals(metrics, labels, point, replicates, point_counts.rows,
                                denominators, min_count=min_count, confidence=confidence)
    overall_rows, overall = overall_intervals(metrics, overall_point, overall_replicates,
                                              overall_denominators, min_count=min_count,
                                              confidence=confidence)
    disparity_rows, disparity_replicates = disparities(per_group, labels, confidence)
    index = pd.Index(labels, name=groups.title)
    return GroupReport(
        name=name,
        protected=groups.names,
        groups=pd.DataFrame(per_group.values, index=index)[metrics],
        lower=pd.DataFrame(per_group.lower, index=index)[metrics],
        upper=pd.DataFrame(per_group.upper, index=index)[metrics],
        overall=pd.DataFrame(overall_rows, columns=["metric", "value", "lower", "upper"])
        .set_index("metric"),
        disparities=pd.DataFrame(disparity_rows).set_index("criterion"),
        undefined=pd.DataFrame(per_group.undefined + overall.undefined,
                               columns=["group", "metric", "reason"]),
        parameters=parameters,
        replicates=per_group.replicates,
        overall_replicates=overall.replicates,
        disparity_replicates=disparity_replicates,
        inputs=inputs,
    )

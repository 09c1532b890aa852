"""The result of a group evaluation: :class:`GroupReport`, its tables, HTML and ledger form.

A report holds per-group metrics with bootstrap confidence intervals and the
disparities between groups (computed by :func:`govkit.fairness.group_report`,
:func:`govkit.fairness.evaluate_model` or a
:class:`govkit.fairness.ThresholdExplorer`), and offers them as readable
tables, as HTML in a notebook, as plain numbers for a ledger record, and as
fairlearn's own ``MetricFrame`` (built on first access, so a user can continue
in fairlearn).

This module computes nothing and draws nothing: the plots import the report,
never the reverse (as scikit-learn's ``RocCurveDisplay`` imports ``roc_curve``).
:meth:`GroupReport.plot` draws with the forest plot that
:mod:`govkit.fairness._plots` registers here through :func:`use_forest_plot`
when the package is imported.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

from ._metrics import DISPARITY_NAMES, LABEL_METRICS, METRICS, auc_or_nan
from ._validation import Groups

__all__ = ["CACHE_LAYOUT", "GroupReport", "ReportInputs", "use_forest_plot"]

#: Part of every fairness cache key: the attributes of the cached result classes. A cached
#: object is unpickled with the attributes it had when stored, so this is bumped whenever a
#: cached class changes them (2: ``sensitive_features`` became ``protected``).
CACHE_LAYOUT = 2

_UNKNOWN_TABLE_METRICS = "table: metrics {unknown} are not in this report; choose from {metrics}."
_RENAMED_ATTRIBUTE = (
    "{cls}.sensitive_features is now {cls}.protected (the names of the grouping columns; "
    "sensitive_features means row-aligned group values in govkit, as in fairlearn). The old "
    "name works in this release and will be removed in the next."
)
_NO_FOREST_PLOT = "GroupReport.plot: the forest plot is not available; use plot_group_report."

#: The forest plot behind GroupReport.plot (set by govkit.fairness._plots, see use_forest_plot).
_forest_plot: list[Callable[..., Any]] = []


def use_forest_plot(plot: Callable[..., Any]) -> None:
    """Make ``plot(report, metrics=..., **kwargs)`` the drawing behind :meth:`GroupReport.plot`.

    :mod:`govkit.fairness._plots` calls it with
    :func:`~govkit.fairness.plot_group_report` when imported (the package
    imports it), so that the plotting module imports this one and not the
    reverse.
    """
    _forest_plot[:] = [plot]


class ReportInputs:
    """The evaluated arrays, kept so fairlearn's MetricFrames can be built on demand."""

    def __init__(self, y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray | None,
                 groups: Groups) -> None:
        self.y_true, self.y_pred, self.y_score, self.groups = y_true, y_pred, y_score, groups
        self._frames: dict[str, MetricFrame] = {}

    def metric_frame(self) -> MetricFrame:
        if "labels" not in self._frames:
            self._frames["labels"] = MetricFrame(
                metrics=LABEL_METRICS, y_true=self.y_true, y_pred=self.y_pred,
                sensitive_features=self.groups.frame,
            )
        return self._frames["labels"]

    def score_metric_frame(self) -> MetricFrame | None:
        if self.y_score is None:
            return None
        if "scores" not in self._frames:
            self._frames["scores"] = MetricFrame(
                metrics={"auc": auc_or_nan}, y_true=self.y_true, y_pred=self.y_score,
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
    protected : tuple of str
        The names of the grouping column(s); several mean intersections.
        (Called ``sensitive_features`` before; that name still works for one
        release, with a ``FutureWarning``.)
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
    protected: tuple[str, ...]
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
    inputs: ReportInputs = field(repr=False)

    @property
    def sensitive_features(self) -> tuple[str, ...]:
        """Deprecated name of :attr:`protected`."""
        warnings.warn(_RENAMED_ATTRIBUTE.format(cls="GroupReport"), FutureWarning, stacklevel=2)
        return self.protected

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
        return " × ".join(self.protected)

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
            raise ValueError(_UNKNOWN_TABLE_METRICS.format(unknown=unknown,
                                                           metrics=list(self.metrics)))
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
        if not _forest_plot:
            raise RuntimeError(_NO_FOREST_PLOT)
        return _forest_plot[0](self, metrics=metrics, **kwargs)

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

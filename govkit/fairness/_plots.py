"""Figures of the fairness stage: group metrics with intervals, and curves per group.

The plots import the computation, never the reverse (as scikit-learn's
``RocCurveDisplay`` and fairlearn's ``_plotter.py`` do): this module reads a
:class:`~govkit.fairness.GroupReport` and registers :func:`plot_group_report`
as the drawing behind ``GroupReport.plot`` (see
:func:`govkit.fairness._report.use_forest_plot`).

The curves are scikit-learn's (``roc_curve``, ``precision_recall_curve``,
``average_precision_score``, ``calibration_curve``) computed per group;
fairlearn's ``plot_roc_curve_by_group`` draws ROC only, without operating
points, PR or calibration, hence :class:`GroupCurves`. The curves are computed
once and drawn many times (the threshold panel redraws them on every change).
Group labels come from the data (Chinese column names and values included), so
every figure is drawn after :func:`govkit._fonts.use_cjk_fallback`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from govkit._fonts import use_cjk_fallback

from ._metrics import METRICS
from ._report import GroupReport, use_forest_plot
from ._validation import as_binary, as_scores, groups_from, reference_of

__all__ = ["CURVE_KINDS", "GroupCurves", "plot_group_curves", "plot_group_report"]

#: Curve kind -> title.
CURVE_KINDS = {
    "roc": "ROC curve",
    "pr": "precision-recall curve",
    "calibration": "calibration",
    "selection_rate": "selection rate vs threshold",
}
_MAX_POINTS = 400  # points drawn per curve; more change nothing visible

_BAD_KIND = "kinds: {kind!r} is not a curve kind; choose from {kinds}."
_BAD_METRIC = "metrics: {metric!r} is not in the report; choose from {metrics}."
_NOT_A_REPORT = (
    "plot_group_report: report must be a GroupReport (from group_report or evaluate_model), "
    "got {kind}."
)


def _colours(n: int) -> list:
    palette = plt.get_cmap("tab10").colors
    return [palette[i % len(palette)] for i in range(n)]


def plot_group_report(
    report: GroupReport,
    *,
    metrics: Sequence[str] = ("selection_rate", "tpr", "fpr"),
    title: str | None = None,
    highlight: str | None = None,
) -> plt.Figure:
    """Forest plot: each metric per group as a point with its confidence interval.

    The dashed line is the overall value; groups whose metric is undefined
    show ``n/a`` and the reason is in ``report.undefined``.

    Parameters
    ----------
    report : GroupReport
    metrics : list of str
        Keys of :data:`METRICS` (not ``count``).
    title : str, optional
    highlight : str, optional
        A metric whose panel gets a thicker frame (the panel's chosen metric).

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.fairness import group_report, plot_group_report
    >>> rng = np.random.default_rng(0)
    >>> report = group_report(rng.integers(0, 2, 300), rng.integers(0, 2, 300),
    ...                       sensitive_features=rng.choice(["a", "b"], 300), n_boot=50)
    >>> len(plot_group_report(report, metrics=("tpr", "fpr")).axes)
    2
    """
    if not isinstance(report, GroupReport):
        raise TypeError(_NOT_A_REPORT.format(kind=type(report).__name__))
    metrics = list(metrics)
    for metric in metrics:
        if metric not in report.metrics or metric == "count":
            raise ValueError(_BAD_METRIC.format(
                metric=metric, metrics=[m for m in report.metrics if m != "count"]))
    labels = [f"{g}  (n={int(n):,})" for g, n in report.groups["count"].items()]
    height = max(2.2, 0.32 * len(labels) + 1.3)
    use_cjk_fallback()  # group labels are the data's own values
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.6 * len(metrics) + 1.6, height),
                             sharey=True, squeeze=False)
    positions = np.arange(len(labels))
    for ax, metric in zip(axes[0], metrics, strict=True):
        value = report.groups[metric].to_numpy()
        low = report.lower[metric].to_numpy()
        high = report.upper[metric].to_numpy()
        scale = 1.0 if metric == "auc" else 100.0
        defined = np.isfinite(value)
        has_interval = defined & np.isfinite(low) & np.isfinite(high)
        ax.errorbar(
            scale * value[has_interval], positions[has_interval],
            xerr=scale * np.vstack([value[has_interval] - low[has_interval],
                                    high[has_interval] - value[has_interval]]),
            fmt="o", color="#4C72B0", ecolor="#4C72B0", capsize=3, markersize=5,
        )
        plain = defined & ~has_interval
        ax.plot(scale * value[plain], positions[plain], "o", color="#4C72B0", markersize=5)
        overall = report.overall.loc[metric, "value"]
        if np.isfinite(overall):
            ax.axvline(scale * overall, color="black", linestyle="--", linewidth=1,
                       label=f"overall {scale * overall:.{3 if metric == 'auc' else 1}f}")
            ax.legend(loc="lower right", fontsize=7, frameon=False)
        for position in positions[~defined]:
            ax.annotate("n/a", (0.02, position), xycoords=("axes fraction", "data"),
                        va="center", fontsize=8, color="#a00")
        ax.set_title(METRICS[metric] + ("" if metric == "auc" else " (%)"), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if metric == highlight:
            for side in ("left", "bottom"):
                ax.spines[side].set_linewidth(2)
            ax.set_facecolor("#f7f9fc")
    axes[0][0].set_yticks(positions, labels, fontsize=8)
    axes[0][0].invert_yaxis()
    level = report.parameters.get("confidence", 0.95)
    fig.suptitle(title or f"{report.name} by {report.title} ({level:.0%} bootstrap intervals)",
                 fontsize=11)
    fig.tight_layout()
    return fig


def _thin(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    length = len(arrays[0])
    if length <= _MAX_POINTS:
        return arrays
    keep = np.unique(np.r_[np.linspace(0, length - 1, _MAX_POINTS).astype(int), length - 1])
    return tuple(a[keep] for a in arrays)


class GroupCurves:
    """ROC, precision-recall, calibration and selection-rate curves per group, computed once.

    Parameters
    ----------
    y_true, y_score : array-like
        Actual 0/1 outcomes and scores in [0, 1] (probabilities; calibration
        needs them).
    sensitive_features : Series, DataFrame or array-like
        As in :func:`group_report`; several columns give intersections.
    min_count : int
        Groups with fewer rows, or fewer than this many rows of either
        outcome, get no ROC/PR/calibration curve (they are listed in
        ``summary`` with the reason).
    n_bins : int
        Bins of the calibration curves (quantile bins per group).

    Attributes
    ----------
    summary : pandas.DataFrame
        Per group: rows, positives, base rate, ROC AUC and average precision
        (NaN with a ``note`` where undefined).

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.fairness import GroupCurves
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> curves = GroupCurves(y, np.clip(0.4 * y + 0.6 * rng.random(400), 0, 1),
    ...                      sensitive_features=rng.choice(["a", "b"], 400))
    >>> curves.summary.columns.tolist()
    ['rows', 'positives', 'base_rate', 'auc', 'average_precision', 'note']
    >>> len(curves.plot(kinds=("roc", "selection_rate"), thresholds=0.5).axes)
    2
    """

    def __init__(self, y_true, y_score, *, sensitive_features, min_count: int = 10,
                 n_bins: int = 10) -> None:
        y = as_binary(y_true, "y_true")
        reference = reference_of(y_true, len(y))
        scores = as_scores(y_score, reference)
        groups = groups_from(sensitive_features, reference)
        self.title = groups.title
        self.labels = list(groups.labels)
        self.min_count = int(min_count)
        self._curves: dict[str, dict] = {}
        rows = []
        for g, label in enumerate(self.labels):
            mask = groups.codes == g
            y_g, s_g = y[mask], scores[mask]
            positives = int(y_g.sum())
            negatives = len(y_g) - positives
            entry = {
                "positive_scores": np.sort(s_g[y_g == 1]),
                "negative_scores": np.sort(s_g[y_g == 0]),
                "all_scores": np.sort(s_g),
            }
            note = ""
            auc = average_precision = np.nan
            if min(positives, negatives) < self.min_count:
                note = (f"{positives} positives and {negatives} negatives: too few for curves "
                        f"(min_count={self.min_count})")
            else:
                fpr, tpr, _ = roc_curve(y_g, s_g)
                auc = float(roc_auc_score(y_g, s_g))
                precision, recall, _ = precision_recall_curve(y_g, s_g)
                average_precision = float(average_precision_score(y_g, s_g))
                bins = max(2, min(n_bins, len(y_g) // self.min_count))
                observed, predicted = calibration_curve(y_g, s_g, n_bins=bins, strategy="quantile")
                entry.update(
                    roc=_thin(fpr, tpr), pr=_thin(recall, precision),
                    calibration=(predicted, observed),
                )
            self._curves[label] = entry
            rows.append({"group": label, "rows": len(y_g), "positives": positives,
                         "base_rate": positives / len(y_g), "auc": auc,
                         "average_precision": average_precision, "note": note})
        self.summary = pd.DataFrame(rows).set_index("group").rename_axis(self.title)

    def operating_point(self, group: str, threshold: float) -> dict[str, float]:
        """TPR, FPR, precision and selection rate of ``group`` when ``score >= threshold``."""
        entry = self._curves[group]
        def share_at_or_above(sorted_scores: np.ndarray) -> tuple[int, int]:
            above = len(sorted_scores) - int(np.searchsorted(sorted_scores, threshold, "left"))
            return above, len(sorted_scores)

        tp, positives = share_at_or_above(entry["positive_scores"])
        fp, negatives = share_at_or_above(entry["negative_scores"])
        selected, rows = share_at_or_above(entry["all_scores"])
        return {
            "tpr": tp / positives if positives else np.nan,
            "fpr": fp / negatives if negatives else np.nan,
            "precision": tp / selected if selected else np.nan,
            "selection_rate": selected / rows if rows else np.nan,
        }

    def colours(self) -> dict[str, tuple]:
        """The colour of each group's curves (the same in every kind of plot)."""
        return dict(zip(self.labels, _colours(len(self.labels)), strict=True))

    def draw(self, kind: str, ax: plt.Axes,
             thresholds: float | Mapping[str, float] | None = None, *,
             legend: bool = True) -> None:
        """Draw one kind of curve for every group on ``ax``, with operating points if given.

        ``legend=False`` leaves the legend out (a caller that colours the
        group names elsewhere, like the threshold panel, saves the drawing time).
        """
        if kind not in CURVE_KINDS:
            raise ValueError(_BAD_KIND.format(kind=kind, kinds=list(CURVE_KINDS)))
        use_cjk_fallback()  # group labels are the data's own values
        colours = _colours(len(self.labels))
        grid = np.linspace(0.0, 1.0, 101)
        for colour, label in zip(colours, self.labels, strict=True):
            entry = self._curves[label]
            summary = self.summary.loc[label]
            cut = (thresholds.get(label) if isinstance(thresholds, Mapping) else thresholds)
            point = self.operating_point(label, cut) if cut is not None else None
            if kind == "selection_rate":
                scores = entry["all_scores"]
                rate = 1.0 - np.searchsorted(scores, grid, "left") / len(scores)
                ax.plot(grid, rate, color=colour, linewidth=1.4,
                        label=f"{label} (n={int(summary['rows']):,})")
                if point is not None:
                    ax.plot([cut], [point["selection_rate"]], "o", color=colour, markersize=6,
                            markeredgecolor="black")
                continue
            if kind not in entry:
                ax.plot([], [], color=colour, linestyle=":", label=f"{label}: {summary['note']}")
                continue
            x, y = entry[kind]
            if kind == "roc":
                text = f"{label} (AUC {summary['auc']:.3f}, n={int(summary['rows']):,})"
                ax.plot(x, y, color=colour, linewidth=1.4, label=text)
                if point is not None:
                    ax.plot([point["fpr"]], [point["tpr"]], "o", color=colour, markersize=6,
                            markeredgecolor="black")
            elif kind == "pr":
                text = f"{label} (AP {summary['average_precision']:.3f})"
                ax.plot(x, y, color=colour, linewidth=1.4, label=text)
                if point is not None and np.isfinite(point["precision"]):
                    ax.plot([point["tpr"]], [point["precision"]], "o", color=colour,
                            markersize=6, markeredgecolor="black")
            else:
                ax.plot(x, y, "o-", color=colour, linewidth=1.2, markersize=3,
                        label=f"{label} (n={int(summary['rows']):,})")
        if kind == "roc":
            ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
            ax.set(xlabel="false positive rate", ylabel="true positive rate")
        elif kind == "pr":
            ax.set(xlabel="recall (true positive rate)", ylabel="precision")
        elif kind == "calibration":
            ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1,
                    label="perfectly calibrated")
            ax.set(xlabel="mean predicted probability (bin)", ylabel="observed share positive")
        else:
            if thresholds is not None and not isinstance(thresholds, Mapping):
                ax.axvline(thresholds, color="black", linestyle="--", linewidth=1)
            ax.set(xlabel="decision threshold", ylabel="share selected")
        ax.set(xlim=(0, 1), ylim=(0, 1.02))
        ax.set_title(CURVE_KINDS[kind], fontsize=10)
        if legend:
            ax.legend(fontsize=7, frameon=False,
                      loc="lower right" if kind in ("roc", "calibration") else "upper right")
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)

    def plot(self, kinds: Sequence[str] = tuple(CURVE_KINDS),
             thresholds: float | Mapping[str, float] | None = None,
             title: str | None = None) -> plt.Figure:
        """A figure with one panel per kind of curve.

        ``thresholds`` (one for all groups, or group -> threshold) marks each
        group's operating point on the ROC, PR and selection-rate curves.
        """
        kinds = list(kinds)
        for kind in kinds:
            if kind not in CURVE_KINDS:
                raise ValueError(_BAD_KIND.format(kind=kind, kinds=list(CURVE_KINDS)))
        use_cjk_fallback()
        fig, axes = plt.subplots(1, len(kinds), figsize=(4.3 * len(kinds), 4.0), squeeze=False)
        for ax, kind in zip(axes[0], kinds, strict=True):
            self.draw(kind, ax, thresholds)
        fig.suptitle(title or f"Curves by {self.title}", fontsize=11)
        fig.tight_layout()
        return fig


def plot_group_curves(
    y_true,
    y_score,
    *,
    sensitive_features,
    kinds: Sequence[str] = tuple(CURVE_KINDS),
    thresholds: float | Mapping[str, float] | None = None,
    min_count: int = 10,
    title: str | None = None,
) -> plt.Figure:
    """ROC and precision-recall curves (AUC / AP in the legend), calibration and selection rate per group.

    A shortcut for ``GroupCurves(...).plot(...)``.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.fairness import plot_group_curves
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> fig = plot_group_curves(y, np.clip(0.4 * y + 0.6 * rng.random(400), 0, 1),
    ...                         sensitive_features=rng.choice(["a", "b"], 400))
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['ROC curve', 'precision-recall curve']
    """
    curves = GroupCurves(y_true, y_score, sensitive_features=sensitive_features,
                         min_count=min_count)
    return curves.plot(kinds=kinds, thresholds=thresholds, title=title)


use_forest_plot(plot_group_report)  # GroupReport.plot draws with it

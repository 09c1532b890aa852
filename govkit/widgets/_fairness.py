"""Panels of notebook 03 (fairness): decision thresholds, and mitigators on the Pareto plot.

The render functions are pure functions of the control values (and of the
data captured when the panel is built): the same values give the same
tables and figures. The slow parts are computed once and reused: the
threshold panel keeps one :class:`~govkit.fairness.ThresholdExplorer` and one
:class:`~govkit.fairness.GroupCurves` per grouping (built when the grouping
is first chosen), so a threshold change costs a lookup and a redraw; the
mitigation panel reads fitted models and their evaluations from the
workspace cache and shows a progress bar while a new one is fitted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from govkit._fonts import use_cjk_fallback
from govkit._validation import check_choice, renamed_keywords
from govkit.datasets import Dataset, check_dataset
from govkit.fairness import (
    DISPARITY_NAMES,
    FAIRNESS_CONSTRAINTS,
    METRICS,
    MITIGATIONS,
    MITIGATORS,
    STRENGTHS,
    GroupCurves,
    MitigationSweep,
    ThresholdExplorer,
    mitigate,
    plot_pareto,
)
from govkit.models import positive_scores

from ._panel import Panel

__all__ = [
    "ThresholdData",
    "mitigation_panel",
    "parse_group_thresholds",
    "render_mitigation",
    "render_threshold",
    "threshold_panel",
]

#: The metrics the threshold panel can focus on, with the curve that shows them best.
THRESHOLD_METRICS = {
    "selection_rate": "selection_rate",
    "tpr": "roc",
    "fpr": "roc",
    "precision": "pr",
    "accuracy": "selection_rate",
}
_TABLE_METRICS = ("count", "selection_rate", "tpr", "fpr", "precision", "accuracy")

_BAD_PAIR = (
    "per-group thresholds: {part!r} is not of the form group=threshold; write e.g. "
    "'Female=0.35, Male=0.5'."
)
_BAD_VALUE = (
    "per-group thresholds: {value!r} (for {group!r}) is not a number between 0 and 1; write "
    "e.g. '{group}=0.35'."
)
_REPEATED = "per-group thresholds: {group!r} is given twice; keep one threshold per group."
_UNKNOWN_GROUPING = "protected: {value!r} is not one of the panel's groupings {choices}."
_UNKNOWN_COLUMN = (
    "threshold_panel: protected column {column!r} is not in the data; its columns are "
    "{columns}. Pass one or more of them, or leave protected=None for the data's protected "
    "columns {declared}."
)
_NO_PROTECTED = (
    "threshold_panel: the data declares no protected columns; pass protected=<column or list "
    "of columns> (its columns are {columns})."
)


def parse_group_thresholds(text: str) -> dict[str, float]:
    """Read ``"Female=0.35, Male=0.5"`` (``:`` works too) into ``{"Female": 0.35, "Male": 0.5}``.

    Examples
    --------
    >>> from govkit.widgets import parse_group_thresholds
    >>> parse_group_thresholds("Female = 0.35; Male: 0.5")
    {'Female': 0.35, 'Male': 0.5}
    >>> parse_group_thresholds("")
    {}
    """
    thresholds: dict[str, float] = {}
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        separator = "=" if "=" in part else ":" if ":" in part else None
        if separator is None:
            raise ValueError(_BAD_PAIR.format(part=part))
        group, value = (piece.strip() for piece in part.rsplit(separator, 1))
        if not group:
            raise ValueError(_BAD_PAIR.format(part=part))
        try:
            number = float(value)
        except ValueError:
            raise ValueError(_BAD_VALUE.format(value=value, group=group)) from None
        if not 0.0 <= number <= 1.0:
            raise ValueError(_BAD_VALUE.format(value=value, group=group))
        if group in thresholds:
            raise ValueError(_REPEATED.format(group=group))
        thresholds[group] = number
    return thresholds


class ThresholdData:
    """What the threshold panel needs, computed once per grouping and kept.

    Parameters
    ----------
    y_true, y_score : array-like
        Outcomes and scores of the evaluation rows.
    sensitive_features : pandas.DataFrame
        The values of the candidate grouping columns, one row per evaluation
        row (``sensitive=`` is this parameter's old name).
    name : str
        The model's name for titles.
    n_boot, random_state
        Bootstrap settings of the :class:`~govkit.fairness.ThresholdExplorer`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from govkit.widgets import ThresholdData, render_threshold
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 300)
    >>> data = ThresholdData(y, np.clip(0.4 * y + 0.6 * rng.random(300), 0, 1),
    ...                      pd.DataFrame({"sex": rng.choice(["F", "M"], 300)}), n_boot=50)
    >>> items = render_threshold(data, threshold=0.5, protected=("sex",), metric="tpr")
    >>> len(items)
    3
    """

    @renamed_keywords(sensitive="sensitive_features")
    def __init__(self, y_true, y_score, sensitive_features, *, name: str = "model",
                 n_boot: int = 1000, random_state: int = 0) -> None:
        self.y_true = np.asarray(y_true)
        self.y_score = np.asarray(y_score, dtype=np.float64)
        self.sensitive_features = sensitive_features.reset_index(drop=True)
        self.name = name
        self.n_boot = n_boot
        self.random_state = random_state
        self._explorers: dict[tuple[str, ...], ThresholdExplorer] = {}
        self._curves: dict[tuple[str, ...], GroupCurves] = {}

    def groupings(self) -> list[tuple[str, tuple[str, ...]]]:
        """Dropdown options: each column, then the intersection of the first two."""
        columns = list(self.sensitive_features.columns)
        options = [(column, (column,)) for column in columns]
        if len(columns) >= 2:
            options.append((" × ".join(columns[:2]), tuple(columns[:2])))
        return options

    def _check(self, columns: Sequence[str]) -> tuple[str, ...]:
        columns = tuple(columns)
        if columns not in [value for _, value in self.groupings()]:
            raise ValueError(_UNKNOWN_GROUPING.format(
                value=columns, choices=[value for _, value in self.groupings()]))
        return columns

    def explorer(self, columns: Sequence[str]) -> ThresholdExplorer:
        columns = self._check(columns)
        if columns not in self._explorers:
            self._explorers[columns] = ThresholdExplorer(
                self.y_true, self.y_score,
                sensitive_features=self.sensitive_features[list(columns)],
                n_boot=self.n_boot, random_state=self.random_state, name=self.name,
            )
        return self._explorers[columns]

    def curves(self, columns: Sequence[str]) -> GroupCurves:
        columns = self._check(columns)
        if columns not in self._curves:
            self._curves[columns] = GroupCurves(
                self.y_true, self.y_score,
                sensitive_features=self.sensitive_features[list(columns)])
        return self._curves[columns]


def _headline(report, threshold: float, group_thresholds: Mapping[str, float]) -> str:
    parts = []
    for criterion in ("demographic_parity", "equalized_odds"):
        row = report.disparities.loc[criterion]
        if np.isfinite(row["difference"]):
            parts.append(
                f"<b>{DISPARITY_NAMES[criterion]}</b>: difference {100 * row['difference']:.1f} "
                f"points [{100 * row['difference_lower']:.1f}, "
                f"{100 * row['difference_upper']:.1f}] ({row['highest_group']} vs "
                f"{row['lowest_group']})"
            )
    accuracy = report.overall.loc["accuracy"]
    parts.append(f"<b>accuracy</b> {100 * accuracy['value']:.1f}% "
                 f"[{100 * accuracy['lower']:.1f}, {100 * accuracy['upper']:.1f}]")
    rule = f"score ≥ {threshold:.2f}"
    if group_thresholds:
        rule += " (" + ", ".join(f"{g}: ≥ {t:.2f}" for g, t in group_thresholds.items()) + ")"
    level = report.parameters["confidence"]
    return (f"<div style='font-size:92%'>Decision: {rule}. {level:.0%} bootstrap intervals "
            f"({report.parameters['n_boot']:,} resamples).<br>" + " · ".join(parts) + "</div>")


@renamed_keywords(sensitive="protected")
def render_threshold(data: ThresholdData, *, threshold: float, protected: Sequence[str],
                     metric: str, group_thresholds: str = ""):
    """The threshold panel's output: headline disparities, a table with intervals, two plots.

    Parameters
    ----------
    data : ThresholdData
    threshold : float
        The decision threshold for every group not listed in ``group_thresholds``.
    protected : tuple of str
        The grouping: column name(s), one of ``data.groupings()``
        (``sensitive=`` is this keyword's old name).
    metric : str
        The metric to focus on (highlighted column, forest plot, and its curve).
    group_thresholds : str
        Per-group thresholds, e.g. ``"Female=0.35"`` (see :func:`parse_group_thresholds`).

    Returns
    -------
    tuple
        HTML headline, a styled table, a matplotlib Figure.
    """
    check_choice(metric, tuple(THRESHOLD_METRICS), param="metric", func="render_threshold")
    per_group = parse_group_thresholds(group_thresholds)
    explorer = data.explorer(protected)
    report = explorer.report(threshold, per_group)
    table = report.table(_TABLE_METRICS)
    styled = table.style.set_properties(
        subset=[METRICS[metric]], **{"background-color": "#eef3fb", "font-weight": "bold"})
    if len(report.undefined):
        notes = "; ".join(f"{r.group} · {METRICS[r.metric]}: {r.reason}"
                          for r in report.undefined.itertuples() if r.metric in _TABLE_METRICS)
        if notes:
            styled = styled.set_caption(f"n/a = undefined: {notes}")
    # A plain Figure with fixed margins: pyplot's registry and tight_layout would cost more
    # than everything else in this render (the panel redraws on every threshold change).
    use_cjk_fallback()  # group labels are the data's own values
    rows = len(report.groups)
    fig = Figure(figsize=(10.5, max(3.2, 0.28 * rows + 1.9)))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1]})
    fig.subplots_adjust(left=0.24 if rows > 2 else 0.12, right=0.98, top=0.86, bottom=0.14,
                        wspace=0.25)
    curves = data.curves(protected)
    _draw_forest(report, metric, left, curves.colours())
    cuts = {label: per_group.get(label, threshold) for label in report.groups.index}
    curves.draw(THRESHOLD_METRICS[metric], right, cuts, legend=False)
    if THRESHOLD_METRICS[metric] == "selection_rate" and not per_group:
        right.axvline(threshold, color="black", linestyle="--", linewidth=1)
    fig.suptitle(f"{data.name}: {METRICS[metric]} by {report.title} at the chosen threshold(s); "
                 "dots on the curves are the operating points", fontsize=10)
    return _headline(report, threshold, per_group), styled, fig


def _draw_forest(report, metric: str, ax, colours: Mapping[str, tuple]) -> None:
    """Draw the forest plot of one metric on ``ax`` (intervals as bars, overall dashed).

    The group names are coloured like their curves, which makes a legend unnecessary.
    """
    value = report.groups[metric].to_numpy()
    low, high = report.lower[metric].to_numpy(), report.upper[metric].to_numpy()
    positions = np.arange(len(value))
    ok = np.isfinite(value) & np.isfinite(low) & np.isfinite(high)
    ax.errorbar(100 * value[ok], positions[ok],
                xerr=100 * np.vstack([value[ok] - low[ok], high[ok] - value[ok]]),
                fmt="o", color="#4C72B0", capsize=3)
    for position in positions[~np.isfinite(value)]:
        ax.annotate("n/a (too few cases)", (0.02, position), xycoords=("axes fraction", "data"),
                    va="center", fontsize=8, color="#a00")
    overall = report.overall.loc[metric, "value"]
    if np.isfinite(overall):
        ax.axvline(100 * overall, color="black", linestyle="--", linewidth=1,
                   label=f"overall {100 * overall:.1f}%")
        ax.legend(fontsize=7, loc="lower right", frameon=False)
    labels = [f"{g} (n={int(n):,})" for g, n in report.groups["count"].items()]
    ax.set_yticks(positions, labels, fontsize=8)
    for tick, group in zip(ax.get_yticklabels(), report.groups.index, strict=True):
        tick.set_color(colours.get(group, "black"))
    ax.invert_yaxis()
    ax.set_xlabel(f"{METRICS[metric]} (%)")
    ax.set_title(f"{METRICS[metric]} per group with its interval", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)


def _protected_values(test: Dataset, protected: str | Sequence[str] | None):
    """The values of the panel's candidate grouping columns (the data's protected ones by default)."""
    columns = list(test.protected) if protected is None else (
        [protected] if isinstance(protected, str) else list(protected))
    if not columns:
        raise ValueError(_NO_PROTECTED.format(columns=list(test.frame.columns)))
    for column in columns:
        if column not in test.frame.columns:
            raise ValueError(_UNKNOWN_COLUMN.format(column=column, columns=list(test.frame.columns),
                                                    declared=list(test.protected)))
    return test.frame.loc[:, columns]


@renamed_keywords(sensitive_features="protected")
def threshold_panel(model, test: Dataset, *, protected: str | Sequence[str] | None = None,
                    name: str | None = None, n_boot: int = 1000,
                    random_state: int = 0) -> Panel:
    """Move the decision threshold (for everyone or per group) and watch every group's rates.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``predict_proba`` on raw ``test.X``; scored once.
    test : govkit.datasets.Dataset
    protected : str or list of str, optional
        Candidate grouping columns; defaults to the data's protected columns
        (and their intersection). (``sensitive_features=`` is this keyword's
        old name.)
    name : str, optional
    n_boot, random_state
        Bootstrap settings for the intervals.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.datasets import Dataset
    >>> from govkit.widgets import threshold_panel
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=300), "sex": rng.choice(["F", "M"], 300)})
    >>> frame["y"] = (frame["x"] + rng.normal(size=300) > 0).astype(int)
    >>> data = Dataset(frame, target="y", positive_label=1, protected=("sex",))
    >>> model = LogisticRegression().fit(data.X[["x"]], data.y)
    >>> class OnX:  # a model that reads the column it was trained on
    ...     def predict_proba(self, X): return model.predict_proba(X[["x"]])
    >>> panel = threshold_panel(OnX(), data, n_boot=50)
    >>> panel.set(threshold=0.6)
    >>> panel.values["threshold"]
    0.6
    """
    check_dataset(test, func="threshold_panel", param="test")
    values = _protected_values(test, protected)
    scores = positive_scores(model, test, func="threshold_panel")
    data = ThresholdData(test.y.to_numpy(), scores, values,
                         name=name or type(model).__name__, n_boot=n_boot,
                         random_state=random_state)
    controls = {
        "threshold": widgets.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.01,
                                         description="decision threshold (all groups)",
                                         readout_format=".2f"),
        "protected": widgets.Dropdown(options=data.groupings(), description="compare groups by"),
        "metric": widgets.Dropdown(options=[(METRICS[m], m) for m in THRESHOLD_METRICS],
                                   value="tpr", description="focus on"),
        "group_thresholds": widgets.Text(value="", placeholder="e.g. Female=0.35",
                                         description="per-group thresholds (optional)"),
    }
    return Panel(
        name="fairness-threshold",
        title="Where should the decision threshold be, and for whom?",
        description=(
            "People whose score is at least the threshold are selected (predicted &gt;50K). "
            "Move it for everyone, or give groups their own thresholds (e.g. "
            "<code>Female=0.35</code>, press Enter). Intervals are 95% bootstrap intervals: "
            "small groups have wide ones. No model is refitted."
        ),
        controls=controls,
        render=lambda threshold, protected, metric, group_thresholds: render_threshold(
            data, threshold=threshold, protected=protected, metric=metric,
            group_thresholds=group_thresholds),
        primary="threshold",
    )


def _format_changes(result) -> str:
    rows = []
    for measure, row in result.changes.iterrows():
        label = "accuracy" if measure == "accuracy" else DISPARITY_NAMES[
            measure.removesuffix(" difference")] + " difference"
        interval = f"[{100 * row['change_lower']:+.1f}, {100 * row['change_upper']:+.1f}]"
        star = " *" if row["change_lower"] > 0 or row["change_upper"] < 0 else ""
        rows.append(
            f"<tr><td>{label}</td><td>{100 * row['before']:.1f}</td><td>{100 * row['after']:.1f}"
            f"</td><td>{100 * row['change']:+.1f} {interval}{star}</td></tr>"
        )
    return ("<table><tr><th>measure (points)</th><th>no mitigation</th><th>mitigated</th>"
            "<th>change [95% paired interval]</th></tr>" + "".join(rows) + "</table>")


def render_mitigation(
    sweep: MitigationSweep,
    train: Dataset,
    test: Dataset,
    *,
    method: str,
    constraint: str,
    strength: str,
    kind: str = "logistic_regression",
    n_boot: int = 1000,
    random_state: int = 0,
    progress: Callable[[float, str], None] | None = None,
):
    """The mitigation panel's output: what the method did, before/after, and the Pareto plot.

    Returns
    -------
    tuple
        An HTML summary with the before/after table, and a Figure.
    """
    check_choice(method, MITIGATIONS, param="method", func="render_mitigation")
    mitigator = MITIGATORS[method]
    notes = []
    if not mitigator.needs_constraint:
        notes.append(f"{mitigator.name} takes no fairness constraint; the choice of "
                     "constraint only changes which disparity the plot shows.")
    if mitigator.knob is None:
        notes.append("It has no strength setting.")
    elif method == "threshold_optimizer" and constraint == "equalized_odds":
        notes.append("fairlearn enforces equalized odds exactly, so the strength has no effect.")
    if progress is not None:
        progress(0.1, f"{mitigator.name}: fitting on the training split, or reading the "
                      "cached fit (a new ExponentiatedGradient takes 10-30 s)")
    result = mitigate(method, train, test, constraint=constraint, strength=strength,
                      protected=list(sweep.protected), kind=kind,
                      n_boot=n_boot, random_state=random_state)
    if progress is not None:
        progress(0.9, "drawing")
    uses = result.model.uses_sensitive_at_prediction_
    summary = (
        f"<div><b>{result.model.describe()}</b> ({mitigator.family}): {mitigator.description}. "
        f"Decisions {'<b>use</b>' if uses else 'do not use'} the protected attribute "
        f"{' × '.join(sweep.protected)} at decision time."
        + (" " + " ".join(notes) if notes else "")
        + f"<br>{_format_changes(result)}"
        "<div style='font-size:85%;color:#555'>* the paired interval excludes zero. "
        "Evaluated on the test split.</div></div>"
    )
    disparity = constraint if constraint in FAIRNESS_CONSTRAINTS else "demographic_parity"
    figure = plot_pareto(sweep, disparity=disparity, highlight=result)
    return summary, figure


def mitigation_panel(sweep: MitigationSweep, train: Dataset, test: Dataset, *,
                     kind: str = "logistic_regression", n_boot: int = 1000,
                     random_state: int = 0) -> Panel:
    """Choose a mitigator, a constraint and a strength; see its result on the Pareto plot.

    Configurations already in ``sweep`` (or fitted before) come from the
    workspace cache at once; a new one is fitted with a progress bar.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.fairness import mitigation_sweep
    >>> from govkit.widgets import mitigation_panel
    >>> train, test = load_adult("train"), load_adult("test")
    >>> sweep = mitigation_sweep(train, test)  # doctest: +SKIP
    >>> panel = mitigation_panel(sweep, train, test)  # doctest: +SKIP
    >>> panel.set(method="none")  # doctest: +SKIP
    """
    controls = {
        "method": widgets.Dropdown(
            options=[(f"{MITIGATORS[key].name} ({MITIGATORS[key].family})", key)
                     for key in MITIGATIONS],
            value="threshold_optimizer", description="mitigator"),
        "constraint": widgets.ToggleButtons(
            options=[(key.replace("_", " "), key) for key in FAIRNESS_CONSTRAINTS],
            value="equalized_odds", description="constraint"),
        "strength": widgets.ToggleButtons(options=list(STRENGTHS), value="strong",
                                          description="constraint strength"),
    }

    def render(method, constraint, strength, progress):
        return render_mitigation(sweep, train, test, method=method, constraint=constraint,
                                 strength=strength, kind=kind, n_boot=n_boot,
                                 random_state=random_state, progress=progress)

    return Panel(
        name="fairness-mitigation",
        title="Mitigate: what does each method buy, and what does it cost?",
        description=(
            "Pre-processing changes the data, in-processing the training, post-processing the "
            "decisions. The plot places your choice among all the configurations of the sweep "
            "(hollow markers use the protected attribute when deciding). A configuration not "
            "fitted before takes a few seconds to half a minute."
        ),
        controls=controls,
        render=render,
        primary="method",
    )

"""Accuracy/fairness trade-offs across mitigators and constraint strengths, and the Pareto plot.

:func:`mitigation_sweep` fits (or loads from the cache) one model per
configuration, evaluates each on the test split with bootstrap intervals, and
returns the table behind :func:`plot_pareto`: accuracy against a disparity,
one point per configuration, with the Pareto front (the configurations no
other beats on both at once).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd

from govkit._fonts import use_cjk_fallback
from govkit._validation import check_choice, renamed_keywords
from govkit.datasets import Dataset, check_dataset

from ._metrics import DISPARITY_NAMES
from ._mitigation import (
    MITIGATORS,
    MitigatedClassifier,
    MitigationResult,
    _cache_key,
    _fit_cached,
    _resolve,
    check_data_settings,
    evaluate_cached,
)
from ._report import GroupReport

__all__ = ["DEFAULT_SWEEP", "MitigationSweep", "mitigation_sweep", "plot_pareto"]

#: (method, constraint, strength) of the configurations the notebook compares.
DEFAULT_SWEEP = (
    ("none", None, None),
    ("unawareness", None, None),
    ("correlation_remover", None, "weak"),
    ("correlation_remover", None, "strong"),
    ("exponentiated_gradient", "demographic_parity", "strong"),
    ("exponentiated_gradient", "equalized_odds", "strong"),
    ("grid_search", "demographic_parity", "medium"),
    ("threshold_optimizer", "demographic_parity", "weak"),
    ("threshold_optimizer", "demographic_parity", "strong"),
    ("threshold_optimizer", "equalized_odds", None),
)
PARETO_DISPARITIES = ("demographic_parity", "equalized_odds")
_MARKERS = {"baseline": "*", "pre-processing": "s", "in-processing": "o", "post-processing": "^"}
_COLOURS = {
    "none": "black",
    "unawareness": "#937860",
    "correlation_remover": "#8172B3",
    "exponentiated_gradient": "#4C72B0",
    "grid_search": "#55A868",
    "threshold_optimizer": "#DD8452",
}

_BAD_CONFIGURATIONS = (
    "configurations: expected a list of (method, constraint, strength) triples, got {value!r}; "
    "see govkit.fairness.DEFAULT_SWEEP for an example."
)
_RENAMED_ATTRIBUTE = (
    "MitigationSweep.sensitive_features is now MitigationSweep.protected (the names of the "
    "grouping columns; sensitive_features means row-aligned group values in govkit, as in "
    "fairlearn). The old name works in this release and will be removed in the next."
)
_UNKNOWN_LABEL = "highlight: {value!r} is not a configuration of the sweep; its labels are {labels}."


def _row(model: MitigatedClassifier, report: GroupReport) -> dict:
    row = {
        "label": model.describe(),
        "method": model.method,
        "family": MITIGATORS[model.method].family,
        "constraint": model.constraint_,
        "knob": MITIGATORS[model.method].knob,
        "strength": model.strength_,
        "accuracy": report.overall.loc["accuracy", "value"],
        "accuracy_lower": report.overall.loc["accuracy", "lower"],
        "accuracy_upper": report.overall.loc["accuracy", "upper"],
    }
    for criterion in PARETO_DISPARITIES:
        disparity = report.disparities.loc[criterion]
        row[criterion] = disparity["difference"]
        row[f"{criterion}_lower"] = disparity["difference_lower"]
        row[f"{criterion}_upper"] = disparity["difference_upper"]
    row["uses_sensitive_at_prediction"] = bool(model.uses_sensitive_at_prediction_)
    row["fit_seconds"] = float(model.fit_seconds_)
    return row


def pareto_front(results: pd.DataFrame, disparity: str) -> list[str]:
    """Labels of the configurations no other beats on both accuracy and ``disparity``."""
    front = []
    for label, row in results.iterrows():
        dominated = (
            (results["accuracy"] >= row["accuracy"]) & (results[disparity] <= row[disparity])
            & ((results["accuracy"] > row["accuracy"]) | (results[disparity] < row[disparity]))
        ).any()
        if not dominated:
            front.append(label)
    return front


@dataclass(frozen=True, eq=False)
class MitigationSweep:
    """The outcome of :func:`mitigation_sweep`.

    Attributes
    ----------
    results : pandas.DataFrame
        One row per configuration (indexed by its label): method, family,
        constraint, the knob and its value, accuracy and the demographic
        parity and equalized odds differences on the test split (each with
        ``_lower``/``_upper`` bounds), whether decisions use the protected
        attribute, and the (cold) fit time in seconds.
    models : dict
        Label -> fitted :class:`MitigatedClassifier`.
    reports : dict
        Label -> :class:`GroupReport` on the test split.
    protected : tuple of str
        The protected column(s) the mitigations protect and the disparities
        are measured on (called ``sensitive_features`` before; that name still
        works for one release, with a ``FutureWarning``).
    """

    results: pd.DataFrame
    models: dict[str, MitigatedClassifier]
    reports: dict[str, GroupReport]
    protected: tuple[str, ...]

    @property
    def sensitive_features(self) -> tuple[str, ...]:
        """Deprecated name of :attr:`protected`."""
        warnings.warn(_RENAMED_ATTRIBUTE, FutureWarning, stacklevel=2)
        return self.protected

    def pareto_front(self, disparity: str = "demographic_parity") -> list[str]:
        """Labels on the accuracy/``disparity`` Pareto front, lowest disparity first."""
        _check_disparity(disparity, "MitigationSweep.pareto_front")
        labels = pareto_front(self.results, disparity)
        return sorted(labels, key=lambda label: self.results.loc[label, disparity])

    def table(self) -> pd.DataFrame:
        """A readable version of ``results`` (percentages with intervals)."""
        def cell(row, name):
            return (f"{100 * row[name]:.1f} [{100 * row[name + '_lower']:.1f}, "
                    f"{100 * row[name + '_upper']:.1f}]")

        rows = {}
        for label, row in self.results.iterrows():
            rows[label] = {
                "family": row["family"],
                "accuracy (%)": cell(row, "accuracy"),
                "demographic parity diff. (points)": cell(row, "demographic_parity"),
                "equalized odds diff. (points)": cell(row, "equalized_odds"),
                "uses protected attribute to decide": "yes" if row["uses_sensitive_at_prediction"]
                else "no",
                "fit time (s, cold)": f"{row['fit_seconds']:.1f}",
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def _repr_html_(self) -> str:
        return self.table().to_html()


def _check_disparity(disparity: str, func: str) -> None:
    check_choice(disparity, PARETO_DISPARITIES, param="disparity", func=func)


@renamed_keywords(sensitive_features="protected")
def mitigation_sweep(
    train: Dataset,
    test: Dataset,
    *,
    configurations: Sequence[tuple[str, str | None, object]] = DEFAULT_SWEEP,
    protected: str | Sequence[str] | None = None,
    kind: str = "logistic_regression",
    grid_size: int = 10,
    n_boot: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
    ledger=None,
    progress: Callable[[float, str], None] | None = None,
) -> MitigationSweep:
    """Fit and evaluate every mitigation configuration: the data of the Pareto plot.

    Fits and evaluations go through the workspace cache, so a second run
    (or another notebook) reads them back in a second.

    Parameters
    ----------
    train, test : govkit.datasets.Dataset
    configurations : list of (method, constraint, strength)
        Defaults to :data:`DEFAULT_SWEEP` (10 configurations: no mitigation,
        without the protected attribute, CorrelationRemover weak and strong,
        ExponentiatedGradient for both constraints, GridSearch for demographic
        parity, ThresholdOptimizer at three settings).
    protected : str or list of str, optional
        The column(s) the mitigation protects and the disparities are measured
        on; None (default) means ``train.protected``. (``sensitive_features=``
        is this keyword's old name.)
    kind, grid_size, random_state
        See :func:`fit_mitigated_model`.
    n_boot, confidence
        See :func:`group_report`.
    ledger : govkit.ledger.Ledger, optional
        When given, one ``fairness/mitigation_sweep`` record is appended with
        every configuration's accuracy and disparities (with intervals) and
        the Pareto fronts.
    progress : callable, optional
        ``progress(fraction, message)`` is called before each configuration.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.fairness import mitigation_sweep
    >>> train, test = load_adult("train"), load_adult("test")
    >>> sweep = mitigation_sweep(train, test, protected="sex", configurations=[
    ...     ("none", None, None), ("threshold_optimizer", "equalized_odds", None)])  # doctest: +SKIP
    >>> sweep.pareto_front("equalized_odds")  # doctest: +SKIP
    ['ThresholdOptimizer · equalized odds · exact', 'no mitigation']
    """
    func = "mitigation_sweep"
    columns, random_state = check_data_settings(func, train, protected, kind, random_state)
    check_dataset(test, func=func, param="test")
    try:
        configurations = [tuple(c) for c in configurations]
    except TypeError:
        raise TypeError(_BAD_CONFIGURATIONS.format(value=configurations)) from None
    if not configurations or any(len(c) != 3 for c in configurations):
        raise ValueError(_BAD_CONFIGURATIONS.format(value=configurations))
    resolved = [(method, *_resolve(method, constraint, strength, func))
                for method, constraint, strength in configurations]
    rows, models, reports = [], {}, {}
    for number, (method, constraint, value) in enumerate(resolved):
        if progress is not None:
            progress(number / len(resolved),
                     f"{MITIGATORS[method].name} ({number + 1} of {len(resolved)})")
        model = _fit_cached(method, train, constraint, value, columns, kind, grid_size,
                            random_state)
        key = _cache_key(train, method, constraint, value, columns, kind, grid_size, random_state)
        report = evaluate_cached(model, key, test, columns, n_boot, confidence, random_state,
                                 func=func)
        row = _row(model, report)
        if row["label"] in models:
            continue  # the same configuration listed twice
        rows.append(row)
        models[row["label"]] = model
        reports[row["label"]] = report
    if progress is not None:
        progress(1.0, "done")
    results = pd.DataFrame(rows).set_index("label")
    sweep = MitigationSweep(results=results, models=models, reports=reports,
                            protected=tuple(columns))
    if ledger is not None:
        ledger.append(
            "fairness",
            "mitigation_sweep",
            parameters={
                "configurations": list(results.index), "sensitive_features": columns,
                "kind": kind, "grid_size": grid_size, "n_boot": n_boot,
                "confidence": confidence, "random_state": random_state,
            },
            inputs={"train": train, "test": test},
            metrics={
                "results": results.reset_index().to_dict(orient="records"),
                "pareto_front": {d: sweep.pareto_front(d) for d in PARETO_DISPARITIES},
            },
        )
    return sweep


def plot_pareto(
    sweep: MitigationSweep,
    *,
    disparity: str = "demographic_parity",
    highlight: str | MitigationResult | None = None,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Accuracy against disparity for every configuration, with intervals and the Pareto front.

    Marker shape shows the family (star: no mitigation, square: pre-, circle:
    in-, triangle: post-processing); hollow markers use the protected
    attribute at decision time. The dashed line joins the Pareto front.

    Parameters
    ----------
    sweep : MitigationSweep
    disparity : {"demographic_parity", "equalized_odds"}
    highlight : str or MitigationResult, optional
        A configuration's label (ringed), or a result from :func:`mitigate`
        (added as "your choice" if it is not in the sweep).
    ax : matplotlib Axes, optional

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.fairness import MitigationSweep, plot_pareto
    >>> results = pd.DataFrame({
    ...     "label": ["no mitigation", "ThresholdOptimizer · equalized odds · exact"],
    ...     "method": ["none", "threshold_optimizer"], "family": ["baseline", "post-processing"],
    ...     "accuracy": [0.85, 0.83], "accuracy_lower": [0.84, 0.82], "accuracy_upper": [0.86, 0.84],
    ...     "demographic_parity": [0.18, 0.08], "demographic_parity_lower": [0.17, 0.07],
    ...     "demographic_parity_upper": [0.19, 0.09], "uses_sensitive_at_prediction": [False, True],
    ... }).set_index("label")
    >>> fig = plot_pareto(MitigationSweep(results, {}, {}, ("sex",)))
    >>> fig.axes[0].get_xlabel()
    'demographic parity (selection rate) difference (points, lower is fairer)'
    """
    _check_disparity(disparity, "plot_pareto")
    results = sweep.results.copy()
    extra_label = None
    if isinstance(highlight, MitigationResult):
        label = highlight.model.describe()
        if label not in results.index:
            extra = pd.DataFrame([_row(highlight.model, highlight.mitigated)]).set_index("label")
            results = pd.concat([results, extra])
            extra_label = label
        highlight = label
    elif highlight is not None and highlight not in results.index:
        raise ValueError(_UNKNOWN_LABEL.format(value=highlight, labels=list(results.index)))
    use_cjk_fallback()  # labels and the title hold the data's own names
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 5.2))
    else:
        fig = ax.figure
    front = pareto_front(results, disparity)
    for label, row in results.iterrows():
        colour = _COLOURS.get(row["method"], "grey")
        marker = _MARKERS.get(row["family"], "o")
        x, y = 100 * row[disparity], 100 * row["accuracy"]
        ax.errorbar(
            x, y,
            xerr=[[x - 100 * row[f"{disparity}_lower"]], [100 * row[f"{disparity}_upper"] - x]],
            yerr=[[y - 100 * row["accuracy_lower"]], [100 * row["accuracy_upper"] - y]],
            fmt="none", ecolor=colour, alpha=0.45, linewidth=1,
        )
        hollow = bool(row["uses_sensitive_at_prediction"])
        ax.plot(x, y, marker=marker, markersize=12 if marker == "*" else 8, color=colour,
                markerfacecolor="white" if hollow else colour, markeredgewidth=1.6,
                linestyle="none")
        short = label.replace("demographic parity", "DP").replace("equalized odds", "EO")
        if label == extra_label:
            short = "your choice: " + short
        ax.annotate(short, (x, y), xytext=(5, 4), textcoords="offset points", fontsize=6.5,
                    color="#333")
        if label == highlight:
            ax.plot(x, y, "o", markersize=20, markerfacecolor="none", markeredgecolor="red",
                    markeredgewidth=2)
    points = results.loc[front].sort_values(disparity)
    ax.plot(100 * points[disparity], 100 * points["accuracy"], "--", color="grey", linewidth=1,
            label="Pareto front", zorder=0)
    for family, marker in _MARKERS.items():
        ax.plot([], [], marker=marker, color="grey", linestyle="none", label=family)
    ax.plot([], [], "o", color="grey", markerfacecolor="white", linestyle="none",
            label="uses the protected attribute to decide")
    ax.legend(fontsize=7, loc="lower right", frameon=False)
    ax.set_xlabel(f"{DISPARITY_NAMES[disparity]} difference (points, lower is fairer)")
    ax.set_ylabel("accuracy on the test split (%)")
    ax.set_title(f"Accuracy vs {DISPARITY_NAMES[disparity]} across mitigators "
                 f"(by {' × '.join(sweep.protected)}; bars: bootstrap intervals)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig

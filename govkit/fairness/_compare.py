"""Which governance step moved which group's error rate: several models, one table, one plot.

:func:`compare_models` evaluates any number of fitted models (raw, without
the protected attribute, mitigated, trained on anonymized or differentially
private data, ...) on the same test rows, with the same bootstrap resamples,
and reports per model and group the selection rate, true and false positive
rate and accuracy with intervals, and their change against a reference
model with *paired* intervals (the resamples are shared, so a change is
judged against its own noise, not against two independent noises).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govkit._fonts import use_cjk_fallback
from govkit._validation import check_choice, renamed_keywords
from govkit.datasets import Dataset, check_dataset

from ._bootstrap import percentile_interval
from ._evaluate import evaluate_report
from ._metrics import DISPARITY_NAMES, METRICS
from ._report import GroupReport

__all__ = ["COMPARE_METRICS", "ModelComparison", "compare_models", "plot_model_comparison"]

#: The metrics the comparison reports per model and group.
COMPARE_METRICS = ("selection_rate", "tpr", "fpr", "accuracy")

_BAD_MODELS = (
    "models: expected a dict mapping a name to a fitted classifier, got {kind}; pass e.g. "
    "{{'logistic regression': model, 'without sex': other_model}}."
)
_EMPTY_MODELS = "models: the dict is empty; pass at least one fitted classifier."
_BAD_NAME = "models: every name must be a non-empty string, got {name!r}."
_BAD_METRICS = "metrics: {value!r} are not comparable metrics; choose from {choices}."
_NOT_A_COMPARISON = (
    "plot_model_comparison: comparison must be what compare_models returns, got {kind}."
)


@dataclass(frozen=True, eq=False)
class ModelComparison:
    """The outcome of :func:`compare_models`.

    Attributes
    ----------
    reference : str
        The model the others are compared with.
    metrics : tuple of str
    table : pandas.DataFrame
        Indexed by (model, group), ``overall`` first in each model: ``count``
        and, per metric, its value, ``_lower``, ``_upper``, and ``_delta``
        (minus the reference's) with ``_delta_lower``/``_delta_upper``.
    disparities : pandas.DataFrame
        Indexed by (model, criterion): ``difference`` with its interval and
        its change against the reference, with a paired interval.
    reports : dict
        Model name -> :class:`GroupReport`.
    """

    reference: str
    metrics: tuple[str, ...]
    table: pd.DataFrame
    disparities: pd.DataFrame
    reports: dict[str, GroupReport]

    @property
    def models(self) -> list[str]:
        return list(self.reports)

    def deltas(self, metric: str = "fpr") -> pd.DataFrame:
        """Groups x models: the change in ``metric`` against the reference, in points, as text.

        ``*`` marks a change whose interval excludes zero.
        """
        _check_metrics([metric], self.metrics)
        frame = {}
        for model in self.models:
            column = {}
            for group in self.table.loc[model].index:
                row = self.table.loc[(model, group)]
                if model == self.reference:
                    column[group] = _points(row[metric], row[f"{metric}_lower"],
                                            row[f"{metric}_upper"], signed=False)
                else:
                    column[group] = _points(row[f"{metric}_delta"], row[f"{metric}_delta_lower"],
                                            row[f"{metric}_delta_upper"], signed=True)
            heading = (f"{model} ({METRICS[metric]}, %)" if model == self.reference
                       else f"{model} (change, points)")
            frame[heading] = column
        return pd.DataFrame(frame)

    def disparity_deltas(self) -> pd.DataFrame:
        """Criteria x models: each disparity (reference) and its change (others), in points."""
        frame = {}
        for model in self.models:
            column = {}
            for criterion in self.disparities.loc[model].index:
                row = self.disparities.loc[(model, criterion)]
                if model == self.reference:
                    column[DISPARITY_NAMES[criterion]] = _points(
                        row["difference"], row["difference_lower"], row["difference_upper"],
                        signed=False)
                else:
                    column[DISPARITY_NAMES[criterion]] = _points(
                        row["delta"], row["delta_lower"], row["delta_upper"], signed=True)
            frame[model if model == self.reference else f"{model} (change)"] = column
        return pd.DataFrame(frame)

    def _repr_html_(self) -> str:
        parts = [f"<b>Compared with {html.escape(self.reference)}</b>"]
        for metric in self.metrics:
            parts.append(f"<br><i>{html.escape(METRICS[metric])}</i>"
                         + self.deltas(metric).to_html())
        parts.append("<br><i>disparities (difference between groups, points)</i>"
                     + self.disparity_deltas().to_html())
        return "".join(parts)


def _points(value: float, low: float, high: float, *, signed: bool) -> str:
    if not np.isfinite(value):
        return "n/a"
    text = f"{100 * value:+.1f}" if signed else f"{100 * value:.1f}"
    if np.isfinite(low) and np.isfinite(high):
        text += f" [{100 * low:+.1f}, {100 * high:+.1f}]" if signed else \
            f" [{100 * low:.1f}, {100 * high:.1f}]"
        if signed and (low > 0 or high < 0):
            text += " *"
    return text


def _check_metrics(metrics: Sequence[str], allowed: Sequence[str]) -> list[str]:
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    bad = [m for m in metrics if m not in allowed]
    if bad or not metrics:
        raise ValueError(_BAD_METRICS.format(value=bad or metrics, choices=list(allowed)))
    return metrics


@renamed_keywords(sensitive_features="protected")
def compare_models(
    models: Mapping[str, Any],
    test: Dataset,
    *,
    protected: str | Sequence[str] | None = None,
    reference: str | None = None,
    threshold: float | None = None,
    metrics: Sequence[str] = COMPARE_METRICS,
    n_boot: int = 1000,
    confidence: float = 0.95,
    min_count: int = 10,
    random_state: int = 0,
    ledger=None,
) -> ModelComparison:
    """Evaluate several models on the same rows and compare each group's rates with a reference.

    Parameters
    ----------
    models : dict
        Name -> fitted classifier with ``predict_proba`` on raw ``test.X``
        (a govkit model, a mitigated model, a model trained on anonymized or
        differentially private data...). Insertion order is kept.
    test : govkit.datasets.Dataset
    protected : str or list of str, optional
        The column(s) of ``test`` whose values define the groups; several give
        intersections. None (default) means ``test.protected``.
        (``sensitive_features=`` is this keyword's old name.)
    reference : str, optional
        The model the others are compared with (one of the names in
        ``models``); defaults to the first.
    threshold : float, optional
        Decide ``score >= threshold`` for every model; None (default) uses
        each model's own ``predict``.
    metrics : list of str
        Which of :data:`COMPARE_METRICS` to compare.
    n_boot, confidence, min_count, random_state
        See :func:`group_report`; every model gets the same resamples.
    ledger : govkit.ledger.Ledger, optional
        When given, one ``fairness/compare_models`` record is appended with
        every model's group metrics, disparities and changes (with intervals).

    Returns
    -------
    ModelComparison

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.dummy import DummyClassifier
    >>> from govkit.datasets import Dataset
    >>> from govkit.fairness import compare_models
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=400), "sex": rng.choice(["F", "M"], 400),
    ...                       "y": rng.integers(0, 2, 400)})
    >>> data = Dataset(frame, target="y", positive_label=1, protected=("sex",))
    >>> always = DummyClassifier(strategy="constant", constant=1).fit(data.X, data.y)
    >>> never = DummyClassifier(strategy="constant", constant=0).fit(data.X, data.y)
    >>> result = compare_models({"always": always, "never": never}, data, n_boot=100)
    >>> float(result.table.loc[("never", "overall"), "selection_rate_delta"])
    -1.0
    """
    if not isinstance(models, Mapping):
        raise TypeError(_BAD_MODELS.format(kind=type(models).__name__))
    if not models:
        raise ValueError(_EMPTY_MODELS)
    for name in models:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(_BAD_NAME.format(name=name))
    check_dataset(test, func="compare_models", param="test")
    names = list(models)
    reference = names[0] if reference is None else reference
    check_choice(reference, names, param="reference", func="compare_models")
    metrics = _check_metrics(metrics, COMPARE_METRICS)
    reports = {
        name: evaluate_report(model, test, protected=protected, threshold=threshold, name=name,
                              n_boot=n_boot, confidence=confidence, min_count=min_count,
                              random_state=random_state, func="compare_models")[0]
        for name, model in models.items()
    }
    base = reports[reference]
    rows, disparity_rows = [], []
    for name, report in reports.items():
        groups = ["overall", *report.groups.index]
        for group in groups:
            row: dict[str, Any] = {"model": name, "group": group}
            if group == "overall":
                row["count"] = int(report.overall.loc["count", "value"])
            else:
                row["count"] = int(report.groups.loc[group, "count"])
            for metric in metrics:
                value, low, high = report.interval(group, metric)
                reference_value = base.interval(group, metric)[0] if (
                    group == "overall" or group in base.groups.index) else np.nan
                if group == "overall":
                    mine = report.overall_replicates[metric]
                    theirs = base.overall_replicates[metric]
                else:
                    mine = report.replicates[metric][:, report.groups.index.get_loc(group)]
                    theirs = base.replicates[metric][:, base.groups.index.get_loc(group)]
                d_low, d_high = percentile_interval(mine - theirs, confidence)
                row.update({
                    metric: value, f"{metric}_lower": low, f"{metric}_upper": high,
                    f"{metric}_delta": value - reference_value,
                    f"{metric}_delta_lower": float(d_low), f"{metric}_delta_upper": float(d_high),
                })
            rows.append(row)
        for criterion in report.disparities.index:
            mine = report.disparities.loc[criterion]
            theirs = base.disparities.loc[criterion]
            d_low, d_high = percentile_interval(
                report.disparity_replicates[criterion]["difference"]
                - base.disparity_replicates[criterion]["difference"], confidence)
            disparity_rows.append({
                "model": name, "criterion": criterion,
                "difference": mine["difference"], "difference_lower": mine["difference_lower"],
                "difference_upper": mine["difference_upper"],
                "delta": mine["difference"] - theirs["difference"],
                "delta_lower": float(d_low), "delta_upper": float(d_high),
            })
    table = pd.DataFrame(rows).set_index(["model", "group"])
    disparities = pd.DataFrame(disparity_rows).set_index(["model", "criterion"])
    comparison = ModelComparison(reference=reference, metrics=tuple(metrics), table=table,
                                 disparities=disparities, reports=reports)
    if ledger is not None:
        _record(comparison, test, models, threshold, ledger)
    return comparison


def _record(comparison: ModelComparison, test: Dataset, models, threshold, ledger) -> None:
    reference_report = comparison.reports[comparison.reference]
    entries = {}
    for name in comparison.models:
        groups = {}
        for group in comparison.table.loc[name].index:
            row = comparison.table.loc[(name, group)]
            groups[str(group)] = {"count": int(row["count"])}
            for metric in comparison.metrics:
                groups[str(group)][metric] = {
                    "value": float(row[metric]), "lower": float(row[f"{metric}_lower"]),
                    "upper": float(row[f"{metric}_upper"]),
                    "delta": float(row[f"{metric}_delta"]),
                    "delta_lower": float(row[f"{metric}_delta_lower"]),
                    "delta_upper": float(row[f"{metric}_delta_upper"]),
                }
        disparities = {
            criterion: {key: float(value) for key, value in
                        comparison.disparities.loc[(name, criterion)].items()}
            for criterion in comparison.disparities.loc[name].index
        }
        entries[name] = {"groups": groups, "disparities": disparities}
    inputs = {"test": test}
    for name, report in comparison.reports.items():
        inputs[f"decisions: {name}"] = np.asarray(report.inputs.y_pred)
    ledger.append(
        "fairness",
        "compare_models",
        parameters={
            "models": comparison.models,
            "model_types": {name: type(model).__name__ for name, model in models.items()},
            "reference": comparison.reference,
            "sensitive_features": list(reference_report.protected),
            "threshold": threshold if threshold is not None else "each model's own predict",
            "metrics": list(comparison.metrics),
            **{k: reference_report.parameters[k]
               for k in ("n_boot", "confidence", "min_count", "random_state")},
        },
        inputs=inputs,
        metrics={"models": entries},
    )


def plot_model_comparison(
    comparison: ModelComparison,
    *,
    metrics: Sequence[str] = ("tpr", "fpr"),
    title: str | None = None,
) -> plt.Figure:
    """Heat maps: how each model changed each group's rates against the reference (points).

    One panel per metric; rows are the overall population and the groups
    (with the reference's own value), columns the other models. Cells show
    the change in percentage points; ``*`` marks changes whose paired
    interval excludes zero; ``n/a`` marks undefined values.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.dummy import DummyClassifier
    >>> from govkit.datasets import Dataset
    >>> from govkit.fairness import compare_models, plot_model_comparison
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"x": rng.normal(size=300), "sex": rng.choice(["F", "M"], 300),
    ...                       "y": rng.integers(0, 2, 300)})
    >>> data = Dataset(frame, target="y", positive_label=1, protected=("sex",))
    >>> models = {name: DummyClassifier(strategy=name).fit(data.X, data.y)
    ...           for name in ("prior", "stratified")}
    >>> fig = plot_model_comparison(compare_models(models, data, n_boot=50), metrics=("tpr",))
    >>> len(fig.axes) >= 1
    True
    """
    if not isinstance(comparison, ModelComparison):
        raise TypeError(_NOT_A_COMPARISON.format(kind=type(comparison).__name__))
    metrics = _check_metrics(metrics, comparison.metrics)
    others = [m for m in comparison.models if m != comparison.reference]
    groups = list(comparison.table.loc[comparison.reference].index)
    columns = max(1, len(others))
    width = 2.2 + 1.25 * columns
    use_cjk_fallback()  # group labels are the data's own values
    fig, axes = plt.subplots(1, len(metrics), figsize=(width * len(metrics) + 1.5,
                                                       0.42 * len(groups) + 2.2),
                             squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        values = np.full((len(groups), columns), np.nan)
        texts = [["" for _ in range(columns)] for _ in groups]
        for j, model in enumerate(others):
            for i, group in enumerate(groups):
                if (model, group) not in comparison.table.index:
                    texts[i][j] = "–"
                    continue
                row = comparison.table.loc[(model, group)]
                delta = row[f"{metric}_delta"]
                if not np.isfinite(delta):
                    texts[i][j] = "n/a"
                    continue
                values[i, j] = 100 * delta
                low, high = row[f"{metric}_delta_lower"], row[f"{metric}_delta_upper"]
                star = "*" if np.isfinite(low) and (low > 0 or high < 0) else ""
                texts[i][j] = f"{100 * delta:+.1f}{star}"
        limit = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 1.0
        limit = max(limit, 1.0)
        image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        for i in range(len(groups)):
            for j in range(columns):
                dark = np.isfinite(values[i, j]) and abs(values[i, j]) > 0.6 * limit
                ax.text(j, i, texts[i][j], ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
        reference_rows = comparison.table.loc[comparison.reference]
        labels = []
        for group in groups:
            value = reference_rows.loc[group, metric]
            shown = f"{100 * value:.1f}%" if np.isfinite(value) else "n/a"
            labels.append(f"{group} ({shown})")
        ax.set_yticks(range(len(groups)), labels, fontsize=8)
        ax.set_xticks(range(len(others)), [m.replace(" · ", "\n") for m in others], fontsize=7,
                      rotation=30, ha="right")
        ax.set_title(f"{METRICS[metric]}: change vs {comparison.reference}\n"
                     f"(points; reference value in brackets)", fontsize=9)
        fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    fig.suptitle(title or "Which step moved which group's rates? (* = interval excludes 0)",
                 fontsize=11)
    fig.tight_layout()
    return fig

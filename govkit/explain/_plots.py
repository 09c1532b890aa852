"""Figures for explanations: importance, beeswarm, dependence, waterfall, LIME, comparisons.

The numbers come from shap and lime; the drawing is ours, for three reasons.
shap's ``waterfall`` draws on pyplot's current figure, resizes it and switches
pyplot's interactive mode off, so it cannot sit beside LIME's bars in one
figure; its ``beeswarm`` shuffles numpy's *global* random generator (the same
call draws a different picture, and changes the caller's random stream) and
colours categories by meaningless codes. Ours are deterministic, take an
``ax``, use the original feature names, grey out unordered categories, and
keep shap's red-blue colours so they read like shap's.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap

from govkit._fonts import use_cjk_fallback
from govkit._validation import as_generator, check_interval

from ._agreement import AGREEMENT_METRICS, AgreementResult
from ._checks import check_feature
from ._compare import ImportanceComparison
from ._glassbox import _glassbox, _main_terms, shape_function
from ._lime import LimeExplanation
from ._proxy import ProxyResult
from ._shap import ShapExplanation
from ._stability import StabilityResult

__all__ = [
    # one model's SHAP values
    "plot_importance", "plot_beeswarm", "plot_dependence", "plot_waterfall",
    # LIME, and LIME beside SHAP
    "plot_lime", "plot_person", "plot_agreement", "plot_stability",
    # protected attributes, several models, glass boxes
    "plot_proxy", "plot_group_importance", "plot_importance_comparison", "plot_shape_function",
]

POSITIVE = "#ff0051"  # shap's red: pushes the prediction up
NEGATIVE = "#008bfb"  # shap's blue: pushes it down
GREY = "#8c8c8c"
PALETTE = [NEGATIVE, POSITIVE, "#9a50ff", "#ffa600", GREY, "#2ca02c"]  # one colour per series
RED_BLUE = LinearSegmentedColormap.from_list("govkit_red_blue", [NEGATIVE, "#9a50ff", POSITIVE])
_OUTPUT_LABEL = {"log_odds": "log-odds", "probability": "probability"}

_NOT_SHAP = "{name}: expected a govkit ShapExplanation (from explain_shap), got {kind}."
_ROW_NOT_EXPLAINED = (
    "row={row!r} is not one of the explained rows ({n} rows, labels {first!r} ... {last!r}); "
    "pass the index label of an explained row."
)
_NOT_COMPARISON = (
    "plot_importance_comparison: comparison: expected an ImportanceComparison (what "
    "compare_importances returns), got {kind}."
)
_LIME_FEATURES = (
    "lime_explanation explains features {got}, the SHAP explanation {expected}; explain the "
    "same model inputs with both."
)


def _axes(ax, size=(7, 4)):
    use_cjk_fallback()  # labels are the data's column names and values (性别, 收入, ...)
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=size)
    return fig, ax


def _subplots(*args, **kwargs):
    """``plt.subplots`` with CJK glyphs available for the data's own labels."""
    use_cjk_fallback()
    return plt.subplots(*args, **kwargs)


def _top(top: Any, func: str) -> int:
    return check_interval(top, param="top", func=func, low=1, integer=True, example=10)


def _check_shap(explanation: Any, name: str = "explanation") -> ShapExplanation:
    if not isinstance(explanation, ShapExplanation):
        raise TypeError(_NOT_SHAP.format(name=name, kind=type(explanation).__name__))
    return explanation


def _is_numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _short(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:,.4g}"
    if pd.isna(value):
        return "missing"
    return str(value)


def plot_importance(explanation: Any, *, top: int = 10, ax=None, title: str | None = None):
    """Horizontal bars of mean |SHAP| per feature (global importance).

    Parameters
    ----------
    explanation : ShapExplanation or pandas.Series
        A Series is drawn as given (e.g. ``LimeResult.importance()``).
    top : int
        How many features to show.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import explain_shap, plot_importance
    >>> X = pd.DataFrame({"age": [25, 38, 52, 61] * 5, "hours": [20, 40, 45, 60] * 5})
    >>> explanation = explain_shap(LogisticRegression().fit(X, [0, 0, 1, 1] * 5), X, cache=False)
    >>> plot_importance(explanation).axes[0].get_xlabel()
    'mean |SHAP value| (log-odds)'
    """
    top = _top(top, "plot_importance")
    if isinstance(explanation, pd.Series):
        importance, label = explanation.sort_values(ascending=False), explanation.name or "importance"
    else:
        explanation = _check_shap(explanation)
        importance = explanation.importance()
        label = f"mean |SHAP value| ({_OUTPUT_LABEL[explanation.output]})"
        title = title or f"{explanation.model}: global importance ({explanation.explainer})"
    shown = importance.iloc[:top][::-1]
    fig, ax = _axes(ax, (7, 0.35 * len(shown) + 1.2))
    ax.barh(shown.index, shown.to_numpy(), color=NEGATIVE)
    ax.set_xlabel(label)
    if title:
        ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _colour_values(values: pd.Series) -> np.ndarray | None:
    """Feature values scaled to [0, 1] by rank (5th-95th percentile), or None for categories."""
    if not _is_numeric(values):
        return None
    numbers = values.to_numpy(dtype=float)
    low, high = np.nanpercentile(numbers, [5, 95]) if np.isfinite(numbers).any() else (0, 0)
    if high <= low:
        low, high = np.nanmin(numbers), np.nanmax(numbers)
    if not np.isfinite(high - low) or high <= low:
        return np.full(len(numbers), 0.5)
    return np.clip((numbers - low) / (high - low), 0, 1)


def plot_beeswarm(explanation: ShapExplanation, *, top: int = 10, ax=None, random_state: int = 0):
    """Every row's SHAP value per feature, coloured by the feature's value.

    Red is a high value, blue a low one; unordered categories are grey (a
    colour scale would invent an order). Points are jittered vertically where
    they pile up; the jitter is seeded, so the picture is reproducible.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, plot_beeswarm
    >>> rows = pd.DataFrame({"age": [23, 35, 47, 59], "job": ["cook", "nurse", "cook", "clerk"]})
    >>> values = pd.DataFrame({"age": [-0.8, -0.1, 0.4, 0.9], "job": [0.2, -0.3, 0.2, 0.0]})
    >>> explanation = ShapExplanation(values, -1.0, values.sum(axis=1) - 1.0, rows, "log_odds",
    ...                               "LinearExplainer", "a demo", "demo model")
    >>> [label.get_text() for label in plot_beeswarm(explanation).axes[0].get_yticklabels()]
    ['job', 'age']
    """
    explanation = _check_shap(explanation)
    top = _top(top, "plot_beeswarm")
    order = explanation.importance().index[:top]
    rng = as_generator(random_state, func="plot_beeswarm")
    fig, ax = _axes(ax, (7.5, 0.45 * len(order) + 1.4))
    scatter = None
    for position, feature in enumerate(order[::-1]):
        values = explanation.values[feature].to_numpy()
        span = np.ptp(values) or 1.0
        bins = np.round(60 * (values - values.min()) / span).astype(int)
        counts = np.bincount(bins)
        density = counts[bins] / counts.max()
        jitter = rng.uniform(-1, 1, len(values)) * 0.38 * np.sqrt(density)
        colours = _colour_values(explanation.features[feature])
        if colours is None:
            ax.scatter(values, position + jitter, s=6, color=GREY, alpha=0.6, linewidths=0,
                       rasterized=len(values) > 500)
        else:
            scatter = ax.scatter(values, position + jitter, s=6, c=colours, cmap=RED_BLUE,
                                 vmin=0, vmax=1, alpha=0.8, linewidths=0,
                                 rasterized=len(values) > 500)
    ax.axvline(0, color="#999999", lw=0.8, zorder=-1)
    ax.set_yticks(range(len(order)), list(order[::-1]))
    ax.set_xlabel(f"SHAP value ({_OUTPUT_LABEL[explanation.output]}; right = towards the positive class)")
    ax.set_title(f"{explanation.model}: SHAP values of {len(explanation):,} rows", fontsize=10)
    ax.spines[["top", "right", "left"]].set_visible(False)
    if scatter is not None:
        bar = fig.colorbar(scatter, ax=ax, ticks=[0, 1], aspect=40, pad=0.02)
        bar.ax.set_yticklabels(["low", "high"])
        bar.set_label("feature value (grey: category)", fontsize=8)
    fig.tight_layout()
    return fig


def plot_dependence(explanation: ShapExplanation, feature: str, *, ax=None, random_state: int = 0):
    """SHAP value of one feature against its value (a strip per category for categories).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, plot_dependence
    >>> people = pd.DataFrame({"hours": [10, 40, 60], "sex": ["F", "M", "F"]})
    >>> shap_values = pd.DataFrame({"hours": [-0.5, 0.1, 0.6], "sex": [-0.2, 0.3, -0.2]})
    >>> e = ShapExplanation(shap_values, 0.0, shap_values.sum(axis=1), people, "log_odds",
    ...                     "TreeExplainer", "a demo", "demo")
    >>> [tick.get_text() for tick in plot_dependence(e, "sex").axes[0].get_xticklabels()]
    ['F', 'M']
    """
    explanation = _check_shap(explanation)
    feature = check_feature("feature", feature, explanation.values.columns)
    shap_values = explanation.values[feature].to_numpy()
    raw = explanation.features[feature]
    fig, ax = _axes(ax, (7, 4))
    rng = as_generator(random_state, func="plot_dependence")
    if _is_numeric(raw):
        ax.scatter(raw.to_numpy(dtype=float), shap_values, s=7, color=NEGATIVE, alpha=0.5,
                   linewidths=0, rasterized=len(raw) > 500)
        ax.set_xlabel(feature)
    else:
        labels = raw.astype(object).where(raw.notna(), "missing").astype(str)
        means = pd.Series(shap_values, index=labels.index).groupby(labels).mean().sort_values()
        positions = labels.map({c: i for i, c in enumerate(means.index)}).to_numpy(dtype=float)
        ax.scatter(positions + rng.uniform(-0.3, 0.3, len(positions)), shap_values, s=7,
                   color=NEGATIVE, alpha=0.4, linewidths=0, rasterized=len(raw) > 500)
        ax.plot(range(len(means)), means.to_numpy(), "_", color=POSITIVE, ms=22, mew=2,
                label="mean")
        ax.set_xticks(range(len(means)), list(means.index), rotation=40, ha="right", fontsize=8)
        ax.legend(loc="best", fontsize=8, frameon=False)
    ax.axhline(0, color="#999999", lw=0.8, zorder=-1)
    ax.set_ylabel(f"SHAP value of {feature} ({_OUTPUT_LABEL[explanation.output]})")
    ax.set_title(f"{explanation.model}: how {feature} moves the prediction", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _row(explanation: ShapExplanation, row: Any) -> tuple[pd.Series, pd.Series, float]:
    index = explanation.values.index
    if row not in index:
        raise ValueError(
            _ROW_NOT_EXPLAINED.format(row=row, n=len(index), first=index[0], last=index[-1])
        )
    return (explanation.values.loc[row], explanation.features.loc[row],
            float(explanation.model_output.loc[row]))


def _waterfall_order(values: pd.Series, top: int) -> list[str]:
    return list(values.abs().sort_values(ascending=False, kind="stable").index[:top])


def plot_waterfall(explanation: ShapExplanation, row: Any, *, top: int = 10, ax=None):
    """How each feature moves one row's prediction from the base value to the model output.

    Parameters
    ----------
    explanation : ShapExplanation
    row : index label of an explained row
    top : int
        Features shown individually; the rest are summed in one bar.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import explain_shap, plot_waterfall
    >>> X = pd.DataFrame({"income": [1.0, 2.5, 4.0, 5.5] * 3, "debt": [3.0, 1.0, 2.0, 0.5] * 3})
    >>> shap_values = explain_shap(LogisticRegression().fit(X, [0, 0, 1, 1] * 3), X, cache=False)
    >>> plot_waterfall(shap_values, row=2).axes[0].get_title()
    'SHAP (LinearExplainer): row 2'
    """
    explanation = _check_shap(explanation)
    top = _top(top, "plot_waterfall")
    values, features, output = _row(explanation, row)
    order = _waterfall_order(values, top)
    rest = values.drop(order)
    labels = [f"{f} = {_short(features[f])}" for f in order]
    contributions = [float(values[f]) for f in order]
    if len(rest):
        labels.append(f"{len(rest)} other features")
        contributions.append(float(rest.sum()))
    fig, ax = _axes(ax, (7, 0.4 * len(labels) + 1.4))
    # draw from the bottom (smallest) up to the top (largest), cumulating from the base value
    position = explanation.base_value
    starts = []
    for value in reversed(contributions):
        starts.append(position)
        position += value
    starts = starts[::-1]
    y = np.arange(len(labels))[::-1]
    colours = [POSITIVE if c >= 0 else NEGATIVE for c in contributions]
    ax.barh(y, contributions, left=starts, color=colours, height=0.7)
    span = max(abs(v) for v in contributions) if contributions else 1.0
    for yy, start, value in zip(y, starts, contributions, strict=True):
        ax.text(start + value + (0.02 * span if value >= 0 else -0.02 * span), yy,
                f"{value:+.3f}", va="center", ha="left" if value >= 0 else "right", fontsize=8)
    ends = np.r_[starts, np.add(starts, contributions)]
    low, high = float(ends.min()), float(ends.max())
    pad = 0.18 * (high - low or 1.0)
    ax.set_xlim(low - pad, high + pad)
    ax.axvline(explanation.base_value, color="#999999", lw=0.8, ls="--")
    ax.axvline(output, color="#333333", lw=0.8, ls="--")
    ax.set_yticks(y, labels, fontsize=8)
    unit = _OUTPUT_LABEL[explanation.output]
    ax.set_xlabel(f"model output ({unit}): base {explanation.base_value:.3f} -> {output:.3f}")
    ax.set_title(f"SHAP ({explanation.explainer}): row {row}", fontsize=10)
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_lime(lime_explanation: LimeExplanation, *, features: list[str] | None = None,
              top: int = 10, ax=None):
    """LIME's weights for one row as bars labelled with its conditions.

    Parameters
    ----------
    lime_explanation : LimeExplanation
    features : list of str, optional
        Order of the bars (e.g. the SHAP waterfall's); default: by |weight|.
    top : int

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import TabularLime, plot_lime
    >>> X = pd.DataFrame({"tenure": [1, 4, 7, 10] * 5, "visits": [9, 3, 6, 2] * 5})
    >>> lime = TabularLime(LogisticRegression().fit(X, [0, 0, 1, 1] * 5), X)
    >>> figure = plot_lime(lime.explain(X.iloc[0], num_samples=300))
    >>> figure.axes[0].get_title().startswith("LIME: 300 samples, seed 0")
    True
    """
    if not isinstance(lime_explanation, LimeExplanation):
        raise TypeError(
            f"lime_explanation: expected a govkit LimeExplanation, got {type(lime_explanation).__name__}."
        )
    weights = lime_explanation.weights
    if features is None:
        features = _waterfall_order(weights, _top(top, "plot_lime"))
    else:
        for feature in features:
            check_feature("features", feature, weights.index)
    labels = [lime_explanation.conditions[f] for f in features]
    values = [float(weights[f]) for f in features]
    fig, ax = _axes(ax, (7, 0.4 * len(labels) + 1.4))
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=[POSITIVE if v >= 0 else NEGATIVE for v in values], height=0.7)
    span = max([abs(v) for v in values] + [1e-9])
    for yy, value in zip(y, values, strict=True):
        ax.text(value + (0.02 * span if value >= 0 else -0.02 * span), yy, f"{value:+.3f}",
                va="center", ha="left" if value >= 0 else "right", fontsize=8)
    ax.set_xlim(min(min(values, default=0), 0) - 0.2 * span, max(max(values, default=0), 0) + 0.2 * span)
    ax.axvline(0, color="#999999", lw=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("LIME weight (probability of the positive class)")
    ax.set_title(
        f"LIME: {lime_explanation.num_samples:,} samples, seed {lime_explanation.random_state}, "
        f"fit R² {lime_explanation.fidelity:.2f}",
        fontsize=10,
    )
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_person(explanation: ShapExplanation, lime_explanation: LimeExplanation, *,
                top: int = 8):
    """SHAP waterfall and LIME bars for the same row, side by side, same features in the same order.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import TabularLime, explain_shap, plot_person
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0] * 5, "b": [1.0, 0.0, 1.0, 0.0] * 5})
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1] * 5)
    >>> lime_row = TabularLime(model, X).explain(X.iloc[[3]], num_samples=300)
    >>> len(plot_person(explain_shap(model, X, cache=False), lime_row).axes)
    2
    """
    explanation = _check_shap(explanation)
    top = _top(top, "plot_person")
    values, _, _ = _row(explanation, lime_explanation.row)
    if set(lime_explanation.weights.index) != set(values.index):
        raise ValueError(_LIME_FEATURES.format(
            got=list(lime_explanation.weights.index), expected=list(values.index)))
    order = _waterfall_order(values, top)
    height = 0.42 * (len(order) + 1) + 1.6
    fig, (left, right) = _subplots(1, 2, figsize=(13, height),
                                      gridspec_kw={"width_ratios": [1.1, 1]})
    plot_waterfall(explanation, lime_explanation.row, top=top, ax=left)
    plot_lime(lime_explanation, features=order, ax=right)
    right.set_ylim(left.get_ylim()[0] - 1, left.get_ylim()[1] - 1)  # align the shared features
    fig.tight_layout()
    return fig


def plot_agreement(result: AgreementResult):
    """Distribution over rows of each LIME-vs-SHAP agreement metric (box) and its mean (dot).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import (TabularLime, explain_lime, explain_shap, lime_shap_agreement,
    ...                             plot_agreement)
    >>> X = pd.DataFrame({"x1": [0.5, 1.5, 2.5, 3.5] * 5, "x2": [2.0, 1.0, 0.0, 1.0] * 5})
    >>> model = LogisticRegression().fit(X, [0, 0, 1, 1] * 5)
    >>> lime = explain_lime(TabularLime(model, X), X, rows=[0, 1], num_samples=300)
    >>> result = lime_shap_agreement(explain_shap(model, X, cache=False), lime, top_k=1)
    >>> plot_agreement(result).axes[0].get_xlabel()
    'agreement between LIME and SHAP over 2 rows (top-1 metrics; 1 = full agreement)'
    """
    if not isinstance(result, AgreementResult):
        raise TypeError(f"result: expected an AgreementResult, got {type(result).__name__}.")
    metrics = list(AGREEMENT_METRICS)
    fig, ax = _subplots(figsize=(8, 3.6))
    data = [result.per_row[m].dropna().to_numpy() for m in metrics]
    ax.boxplot(data, orientation="horizontal", widths=0.5, showfliers=False)
    ax.scatter([result.summary[m] for m in metrics], range(1, len(metrics) + 1), color=POSITIVE,
               zorder=3, label="mean")
    ax.set_yticks(range(1, len(metrics) + 1), [m.replace("_", " ") for m in metrics])
    ax.set_xlim(-1.05, 1.05)
    ax.axvline(0, color="#999999", lw=0.8)
    ax.set_xlabel(f"agreement between LIME and SHAP over {len(result.per_row)} rows "
                  f"(top-{result.top_k} metrics; 1 = full agreement)")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_stability(result: StabilityResult):
    """LIME's stability against its sample size: top-k Jaccard (left), weight spread (right).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import TabularLime, lime_stability, plot_stability
    >>> X = pd.DataFrame({"p": [0.1, 0.4, 0.7, 0.9] * 5, "q": [5.0, 3.0, 4.0, 1.0] * 5})
    >>> lime = TabularLime(LogisticRegression().fit(X, [0, 0, 1, 1] * 5), X)
    >>> result = lime_stability(lime, X, rows=[1], seeds=range(3), num_samples=(100, 300))
    >>> plot_stability(result).axes[0].get_ylabel()
    'top-2 Jaccard index across 3 seeds'
    """
    if not isinstance(result, StabilityResult):
        raise TypeError(f"result: expected a StabilityResult, got {type(result).__name__}.")
    summary = result.summary
    fig, (left, right) = _subplots(1, 2, figsize=(12, 4))
    sizes = summary.index.to_numpy()
    left.plot(sizes, summary["top_k_jaccard"], "o-", color=NEGATIVE, label="mean over seed pairs")
    left.plot(sizes, summary["min_top_k_jaccard"], "o--", color=GREY, label="worst seed pair")
    left.set_xscale("log")
    left.set_ylim(0, 1.05)
    left.set_xlabel("LIME samples per explanation")
    left.set_ylabel(f"top-{result.top_k} Jaccard index across {len(result.seeds)} seeds")
    left.set_title("Do different seeds pick the same top features?", fontsize=10)
    left.legend(fontsize=8, frameon=False)
    first = result.weights[result.weights["row"] == result.weights["row"].iloc[0]]
    features = (first.groupby("feature")["weight"].apply(lambda w: w.abs().mean())
                .sort_values(ascending=False).index[:8])
    smallest, largest = sizes.min(), sizes.max()
    for offset, size, colour in ((-0.18, smallest, GREY), (0.18, largest, NEGATIVE)):
        chunk = first[first["num_samples"] == size]
        data = [chunk.loc[chunk["feature"] == f, "weight"].to_numpy() for f in features]
        right.boxplot(data, positions=np.arange(len(features)) + offset, widths=0.3,
                      orientation="horizontal", showfliers=False,
                      boxprops={"color": colour}, medianprops={"color": colour},
                      whiskerprops={"color": colour}, capprops={"color": colour})
        right.plot([], [], color=colour, label=f"{size:,} samples")
    right.set_yticks(range(len(features)), list(features))
    right.invert_yaxis()
    right.axvline(0, color="#999999", lw=0.8)
    right.set_xlabel(f"LIME weight across {len(result.seeds)} seeds (row {first['row'].iloc[0]})")
    right.set_title("Spread of each weight across seeds", fontsize=10)
    right.legend(fontsize=8, frameon=False)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_proxy(result: ProxyResult):
    """Each feature's importance against its association with the protected attribute.

    Features in the top-right corner are what the model relies on *and* what
    stands in for the protected attribute.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, plot_proxy, proxy_analysis
    >>> people = pd.DataFrame({"gender": ["F", "M"] * 4, "title": ["Ms", "Mr"] * 4,
    ...                        "score": [1, 1, 2, 2] * 2})
    >>> values = pd.DataFrame({"title": [0.6, -0.6] * 4, "score": [0.2, -0.1, 0.0, 0.3] * 2})
    >>> explanation = ShapExplanation(values, 0.0, values.sum(axis=1), people[["title", "score"]],
    ...                               "log_odds", "LinearExplainer", "a demo", "demo")
    >>> result = proxy_analysis(explanation, people, protected="gender")
    >>> result.table["role"].to_dict(), plot_proxy(result).axes[0].get_xlabel()
    ({'title': 'proxy', 'score': ''}, "association with gender (Cramér's V)")
    """
    if not isinstance(result, ProxyResult):
        raise TypeError(f"result: expected a ProxyResult, got {type(result).__name__}.")
    table = result.table
    fig, ax = _subplots(figsize=(7.5, 4.6))
    colours = table["role"].map({"protected": POSITIVE, "proxy": "#9a50ff"}).fillna(GREY)
    ax.scatter(table["association"], table["importance_share"], c=colours.tolist(), s=40)
    for feature, row in table.iterrows():
        ax.annotate(feature, (row["association"], row["importance_share"]), fontsize=8,
                    xytext=(4, 3), textcoords="offset points")
    ax.axvline(result.threshold, color="#999999", ls="--", lw=0.8)
    ax.text(result.threshold, ax.get_ylim()[0], f" proxy threshold V = {result.threshold}",
            fontsize=8, va="bottom", color="#666666")
    ax.set_xlabel(f"association with {result.protected} (Cramér's V)")
    ax.set_ylabel("share of the model's total mean |SHAP|")
    ax.set_title(
        f"Reliance on {result.protected}: direct {result.direct_share:.1%}, through proxies "
        f"{result.proxy_share:.1%}", fontsize=10,
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _grouped_bars(table: pd.DataFrame, labels: list[str], *, row_height: float, xlabel: str,
                  title: str):
    """Horizontal bars of a features x series table: one bar per series, side by side."""
    fig, ax = _subplots(figsize=(8, row_height * len(table) + 1.5))
    height = 0.8 / table.shape[1]
    for i, (column, label) in enumerate(zip(table.columns, labels, strict=True)):
        ax.barh(np.arange(len(table)) + i * height, table[column].to_numpy(), height=height,
                color=PALETTE[i % len(PALETTE)], label=label)
    ax.set_yticks(np.arange(len(table)) + 0.4 - height / 2, [str(f) for f in table.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def plot_group_importance(result: ProxyResult, *, top: int = 8):
    """Mean |SHAP| of the top features within each group of the protected attribute.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, plot_group_importance, proxy_analysis
    >>> frame = pd.DataFrame({"race": ["a", "b", "c"] * 3, "zip": [10, 20, 30] * 3,
    ...                       "hours": [1, 2, 3, 3, 2, 1, 2, 2, 2]})
    >>> shap_values = pd.DataFrame({"zip": [0.3, -0.2, 0.1] * 3, "hours": [0.05] * 9})
    >>> e = ShapExplanation(shap_values, 0.0, shap_values.sum(axis=1), frame[["zip", "hours"]],
    ...                     "log_odds", "TreeExplainer", "a demo", "demo")
    >>> plot_group_importance(proxy_analysis(e, frame, protected="race")).axes[0].get_title()
    'What the model relies on, by race'
    """
    if not isinstance(result, ProxyResult):
        raise TypeError(f"result: expected a ProxyResult, got {type(result).__name__}.")
    table = result.by_group.drop(columns="rows")
    features = list(table.columns[: _top(top, "plot_group_importance")])
    labels = [f"{group} ({int(rows):,} rows)" for group, rows in result.by_group["rows"].items()]
    return _grouped_bars(table[features].T, labels, row_height=0.5,
                         xlabel="mean |SHAP value| within the group",
                         title=f"What the model relies on, by {result.protected}")


def plot_importance_comparison(comparison: ImportanceComparison, *, top: int = 10):
    """Each model's share of importance per feature, side by side.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.explain import ShapExplanation, compare_importances, plot_importance_comparison
    >>> rows = pd.DataFrame({"age": [30, 50], "hours": [20, 45]})
    >>> def explained(age, hours):
    ...     values = pd.DataFrame({"age": age, "hours": hours})
    ...     return ShapExplanation(values, 0.0, values.sum(axis=1), rows, "log_odds",
    ...                            "LinearExplainer", "a demo", "demo")
    >>> comparison = compare_importances({"raw": explained([0.9, -0.7], [0.1, 0.2]),
    ...                                   "private": explained([0.2, -0.1], [0.6, -0.5])})
    >>> legend = plot_importance_comparison(comparison).axes[0].get_legend()
    >>> [text.get_text() for text in legend.get_texts()]
    ['raw', 'private']
    """
    if not isinstance(comparison, ImportanceComparison):
        raise TypeError(_NOT_COMPARISON.format(kind=type(comparison).__name__))
    share = comparison.share.iloc[: _top(top, "plot_importance_comparison")]
    return _grouped_bars(share, list(share.columns), row_height=0.55,
                         xlabel="share of the model's total mean |SHAP|",
                         title="What each model relies on")


def plot_shape_function(model: Any, feature: str, *, explanation: ShapExplanation | None = None,
                        ax=None):
    """An EBM's shape function for one feature, with SHAP values on it as dots.

    For a main-effects EBM the dots (SHAP value + the term's background mean)
    lie exactly on the curve: SHAP recovers what the glass box shows.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.datasets import Dataset
    >>> from govkit.explain import fit_ebm, plot_shape_function
    >>> frame = pd.DataFrame({"age": list(range(20, 60)) * 3, "job": ["a", "b", "c"] * 40})
    >>> frame["hired"] = (frame["age"] > 40).map({True: "yes", False: "no"})
    >>> model = fit_ebm(Dataset(frame, target="hired", positive_label="yes"), max_rounds=50)
    >>> plot_shape_function(model, "job").axes[0].get_title()
    'ExplainableBoostingClassifier: shape function of job'
    """
    preprocess, ebm = _glassbox(model, "plot_shape_function")
    table = shape_function(model, feature)
    fig, ax = _axes(ax, (7, 4))
    positions = None
    if "category" in table.columns:
        positions = {c: i for i, c in enumerate(table["category"])}
        ax.bar(range(len(table)), table["score"], color=GREY, alpha=0.5, label="EBM shape function")
        ax.set_xticks(range(len(table)), table["category"], rotation=40, ha="right", fontsize=8)
    else:
        ax.step(np.r_[table["lower"], table["upper"].iloc[-1]],
                np.r_[table["score"], table["score"].iloc[-1]], where="post", color=GREY,
                label="EBM shape function")
    if explanation is not None:
        explanation = _check_shap(explanation)
        check_feature("feature", feature, explanation.values.columns)
        centre = 0.0
        if explanation.background is not None:
            inputs = (preprocess.transform(explanation.background) if preprocess is not None
                      else explanation.background)
            centre = float(ebm.eval_terms(inputs)[:, _main_terms(ebm)[feature]].mean())
        raw = explanation.features[feature]
        y = explanation.values[feature].to_numpy() + centre
        if positions is None:
            ax.scatter(raw.to_numpy(dtype=float), y, s=8, color=POSITIVE, alpha=0.5,
                       label="SHAP value + background mean", zorder=3)
        else:
            labels = raw.astype(object).where(raw.notna(), "missing").astype(str)
            x = labels.map(positions).to_numpy(dtype=float)
            ax.scatter(x, y, s=8, color=POSITIVE, alpha=0.5,
                       label="SHAP value + background mean", zorder=3)
    ax.axhline(0, color="#999999", lw=0.8)
    ax.set_ylabel("contribution to the log-odds")
    ax.set_title(f"{type(ebm).__name__}: shape function of {feature}", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig

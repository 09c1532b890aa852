"""Panels of notebook 02 (differential privacy): the privacy-utility slider and the mechanism lab.

- :func:`privacy_utility_panel`: an epsilon slider (more privacy <-> more
  accuracy) and a model choice, over a precomputed
  :func:`~govkit.privacy.privacy_utility_sweep`: accuracy overall and per
  group, what the release would leave of the budget, and the membership
  attack's AUC. Pure lookups and one figure, so it answers in well under a
  second; retraining per move would take seconds.
- :func:`mechanism_panel`: a query, a column, epsilon and clamping bounds ->
  a real OpenDP release charged to the panel's own budget, with its error
  distribution. A release is memoised per setting: moving back to a setting
  shows the *same* answer at no new cost, which is the right practice (a
  fresh draw for the same question would cost again, and averaging fresh
  draws wears the noise away). That memo is what keeps the panel's output a
  function of its controls; the rendering itself (:func:`render_release`)
  is pure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from govkit._fonts import use_cjk_fallback
from govkit._validation import check_choice
from govkit.datasets import Dataset
from govkit.privacy import (
    PRIVATE_MODELS,
    DPRelease,
    PrivacyBudget,
    PublicDomain,
    dp_count,
    dp_mean,
    dp_sum,
    noise_density,
    plan_private_model,
)

from ._panel import Panel

__all__ = [
    "BOUNDS_CHOICES",
    "MODEL_LABELS",
    "mechanism_panel",
    "privacy_utility_panel",
    "release_budget_preview",
    "render_privacy_utility",
    "render_release",
]

MODEL_LABELS = {
    "dp_sgd_logistic": "DP-SGD logistic regression",
    "dp_sgd_mlp": "DP-SGD neural network (one hidden layer)",
    "dp_ebm": "DP explainable boosting (DP-EBM)",
    "logistic_regression": "logistic regression (not private)",
    "gradient_boosting": "gradient boosting (not private)",
}
BOUNDS_CHOICES = {
    "public range": 1.0,
    "too narrow: the middle half of the public range": 0.5,
    "too wide: ten times the public range": 10.0,
}
EPSILON_LABEL = "more privacy ← ε → more accuracy"
_NOT_A_SWEEP = (
    "privacy_utility_panel: sweep must be the DataFrame returned by "
    "govkit.privacy.privacy_utility_sweep, got {kind}{missing}."
)
_UNKNOWN_SETTING = (
    "render_privacy_utility: the sweep has no rows for model={model!r} at epsilon={epsilon!r}; "
    "it covers models {models} and epsilons {epsilons}."
)


def _check_sweep(sweep) -> None:
    needed = {"model", "epsilon", "seed", "attribute", "group", "n", "accuracy", "tpr", "auc",
              "attack_auc"}
    if not isinstance(sweep, pd.DataFrame):
        raise TypeError(_NOT_A_SWEEP.format(kind=type(sweep).__name__, missing=""))
    missing = needed - set(sweep.columns)
    if missing:
        raise ValueError(_NOT_A_SWEEP.format(kind="a DataFrame",
                                             missing=f" lacking columns {sorted(missing)}"))


def release_budget_preview(
    budget: PrivacyBudget, train: Dataset, models, epsilons, *, delta: float | None = None,
    domain: PublicDomain | None = None,
) -> dict[tuple[str, float], tuple[float, float]]:
    """For each (model, epsilon): the budget's composed epsilon and what is left if it were released.

    Nothing is charged (a what-if on a copy of the accountant). Computed once
    for the panel so that its updates are lookups.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget
    >>> from govkit.widgets._privacy import release_budget_preview
    >>> budget = PrivacyBudget(epsilon=3.0, delta=1e-5)
    >>> preview = release_budget_preview(budget, load_adult(), ["dp_ebm"], [1.0])
    >>> spent, left = preview[("dp_ebm", 1.0)]
    >>> round(spent + left, 6), budget.spent_epsilon
    (3.0, 0.0)
    """
    if not isinstance(budget, PrivacyBudget):
        raise TypeError(
            f"release_budget_preview: budget must be a PrivacyBudget, got {type(budget).__name__}."
        )
    preview = {}
    for model in models:
        for epsilon in epsilons:
            kwargs = {} if delta is None else {"delta": delta}
            plan = plan_private_model(model, train, epsilon=float(epsilon), domain=domain, **kwargs)
            after = budget.epsilon_after(plan.event)
            preview[(model, float(epsilon))] = (after, budget.epsilon - after)
    return preview


def _group_table(sweep: pd.DataFrame, model: str, epsilon: float) -> pd.DataFrame:
    rows = sweep[(sweep["model"] == model) & (sweep["epsilon"] == epsilon)]
    return rows.groupby(["attribute", "group"], sort=False).agg(
        n=("n", "first"), accuracy=("accuracy", "mean"), accuracy_sd=("accuracy", "std"),
        tpr=("tpr", "mean"), auc=("auc", "mean"), attack_auc=("attack_auc", "mean"),
    )


def render_privacy_utility(
    sweep: pd.DataFrame,
    *,
    model: str,
    epsilon: float,
    baseline: str = "logistic_regression",
    remaining: Mapping[tuple[str, float], tuple[float, float]] | None = None,
    budget_epsilon: float | None = None,
):
    """Summary text and figure for one (model, epsilon) of a privacy-utility sweep.

    Parameters
    ----------
    sweep : DataFrame
        From :func:`~govkit.privacy.privacy_utility_sweep`.
    model : str
        A DP model kind in the sweep.
    epsilon : float
    baseline : str
        The non-private model to compare with.
    remaining : dict, optional
        ``(model, epsilon) -> (composed epsilon, left)`` from
        :func:`release_budget_preview`.
    budget_epsilon : float, optional
        The budget's total, for the text.

    Returns
    -------
    tuple
        A Markdown string and a matplotlib Figure (per-group accuracy and TPR
        against the baseline; AUC across epsilon).

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.widgets._privacy import render_privacy_utility
    >>> rows = []
    >>> for model, eps, acc in [("dp_ebm", 1.0, 0.80), ("logistic_regression", float("inf"), 0.85)]:
    ...     rows.append(dict(model=model, epsilon=eps, seed=0, attribute="overall", group="all",
    ...                      n=100, accuracy=acc, tpr=0.6, auc=0.88, attack_auc=0.5))
    ...     rows.append(dict(model=model, epsilon=eps, seed=0, attribute="sex", group="Female",
    ...                      n=40, accuracy=acc + 0.05, tpr=0.5, auc=0.87, attack_auc=float("nan")))
    >>> text, figure = render_privacy_utility(pd.DataFrame(rows), model="dp_ebm", epsilon=1.0)
    >>> "80.0%" in text
    True
    """
    _check_sweep(sweep)
    epsilon = float(epsilon)
    overall = sweep[sweep["attribute"] == "overall"]
    chosen = overall[(overall["model"] == model) & (overall["epsilon"] == epsilon)]
    if chosen.empty:
        dp_rows = overall[np.isfinite(overall["epsilon"])]
        raise ValueError(_UNKNOWN_SETTING.format(
            model=model, epsilon=epsilon, models=sorted(dp_rows["model"].unique()),
            epsilons=sorted(dp_rows["epsilon"].unique())))
    base = overall[overall["model"] == baseline]
    seeds = chosen["seed"].nunique()
    accuracy, accuracy_sd = chosen["accuracy"].mean(), chosen["accuracy"].std()
    auc = chosen["auc"].mean()
    attack = chosen["attack_auc"].mean()
    name = MODEL_LABELS.get(model, model)
    lines = [
        f"**{name} at ε = {epsilon:g}** (mean of {seeds} training runs)",
        "",
        f"* test accuracy **{accuracy:.1%}**"
        + (f" ± {accuracy_sd:.2%}" if seeds > 1 else "")
        + (f" ({MODEL_LABELS.get(baseline, baseline)}: {base['accuracy'].mean():.1%})"
           if not base.empty else ""),
        f"* test ROC AUC **{auc:.3f}**"
        + (f" (without privacy: {base['auc'].mean():.3f})" if not base.empty else ""),
        f"* membership attack AUC **{attack:.3f}** (0.5 = guessing; loss-threshold attack, "
        "training vs test records)",
    ]
    if remaining is not None and (model, epsilon) in remaining:
        spent, left = remaining[(model, epsilon)]
        total = f" of {budget_epsilon:g}" if budget_epsilon is not None else ""
        lines.append(
            f"* releasing it would bring the budget to ε = {spent:.3g}{total}: "
            + (f"**{left:.3g} left**" if left >= 0 else
               f"**over budget by {-left:.3g}: the release would be refused**")
        )
    text = "\n".join(lines)

    groups = _group_table(sweep, model, epsilon).drop(index="overall", level="attribute",
                                                      errors="ignore")
    base_groups = (_group_table(sweep, baseline, math.inf)
                   .drop(index="overall", level="attribute", errors="ignore")
                   if not base.empty else None)
    use_cjk_fallback()  # the group labels are the data's own values (女, 男, ...)
    fig, (left_ax, right_ax) = plt.subplots(1, 2, figsize=(10, 4.2),
                                            gridspec_kw={"width_ratios": [1.6, 1]})
    labels = [f"{group} (n={int(row.n):,})" for (attribute, group), row in groups.iterrows()]
    positions = np.arange(len(groups))
    left_ax.barh(positions + 0.2, groups["accuracy"], height=0.4, color="#3182bd",
                 xerr=groups["accuracy_sd"].fillna(0), label=f"accuracy, ε={epsilon:g}")
    left_ax.barh(positions - 0.2, groups["tpr"], height=0.4, color="#9ecae1",
                 label=f"true-positive rate, ε={epsilon:g}")
    if base_groups is not None:
        aligned = base_groups.reindex(groups.index)
        left_ax.scatter(aligned["accuracy"], positions + 0.2, marker="|", s=200, color="black",
                        label="not private", zorder=3)
        left_ax.scatter(aligned["tpr"], positions - 0.2, marker="|", s=200, color="black", zorder=3)
    left_ax.set_yticks(positions, labels, fontsize=8)
    left_ax.invert_yaxis()
    left_ax.set_xlim(0, 1)
    left_ax.set_xlabel("rate on the test split")
    left_ax.set_title("per group: accuracy and true-positive rate", fontsize=10)
    left_ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
                   frameon=False)

    curve = overall[overall["model"] == model].groupby("epsilon")["auc"].agg(["mean", "std"])
    # evenly spaced positions labelled with epsilon: the sweep's grid is roughly
    # logarithmic, and a categorical axis draws several times faster than a log one
    steps = np.arange(len(curve))
    right_ax.errorbar(steps, curve["mean"], yerr=curve["std"].fillna(0), marker="o",
                      color="#3182bd", capsize=3, label=name)
    here = int(np.flatnonzero(curve.index.to_numpy() == epsilon)[0])
    right_ax.scatter([here], [auc], s=160, facecolors="none", edgecolors="#a50f15", lw=2,
                     zorder=3, label="selected")
    if not base.empty:
        right_ax.axhline(base["auc"].mean(), ls="--", color="black", lw=1, label="not private")
    right_ax.set_xticks(steps, [f"{e:g}" for e in curve.index])
    right_ax.set_xlabel("ε (left: more private)")
    right_ax.set_ylabel("test ROC AUC")
    right_ax.set_title("utility across ε", fontsize=10)
    right_ax.legend(fontsize=7, loc="lower right")
    fig.subplots_adjust(left=0.22, right=0.98, bottom=0.24, top=0.92, wspace=0.35)
    return text, fig


def privacy_utility_panel(
    sweep: pd.DataFrame,
    *,
    budget: PrivacyBudget | None = None,
    train: Dataset | None = None,
    domain: PublicDomain | None = None,
    baseline: str = "logistic_regression",
) -> Panel:
    """An epsilon slider and a model choice over a precomputed privacy-utility sweep.

    Parameters
    ----------
    sweep : DataFrame
        From :func:`~govkit.privacy.privacy_utility_sweep`.
    budget : PrivacyBudget, optional
        With ``train``: show what releasing each model would leave of it
        (previewed once, nothing charged).
    train : Dataset, optional
        The training data the sweep used (needed for the budget preview).
    domain : PublicDomain, optional
        Its public domain (Adult's by default for Adult).
    baseline : str
        The non-private model to compare with.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import privacy_utility_sweep
    >>> from govkit.widgets import privacy_utility_panel
    >>> sweep = privacy_utility_sweep(load_adult(), load_adult("test"))  # doctest: +SKIP
    >>> panel = privacy_utility_panel(sweep)  # doctest: +SKIP
    >>> panel.set(epsilon=0.3)  # doctest: +SKIP
    """
    _check_sweep(sweep)
    dp_rows = sweep[np.isfinite(sweep["epsilon"])]
    epsilons = sorted(float(e) for e in dp_rows["epsilon"].unique())
    models = [m for m in PRIVATE_MODELS if m in set(dp_rows["model"])]
    if not epsilons or not models:
        raise ValueError("privacy_utility_panel: the sweep has no DP models; run it with models=.")
    remaining = None
    if budget is not None and train is not None:
        remaining = release_budget_preview(budget, train, models, epsilons, domain=domain)
    start = 1.0 if 1.0 in epsilons else epsilons[len(epsilons) // 2]
    epsilon = widgets.SelectionSlider(
        options=[(f"{e:g}", e) for e in epsilons], value=start, description=EPSILON_LABEL,
        layout={"width": "480px"},
    )
    model = widgets.Dropdown(options=[(MODEL_LABELS.get(m, m), m) for m in models], value=models[0],
                             description="model")
    total = budget.epsilon if budget is not None else None

    def render(epsilon, model):
        return render_privacy_utility(sweep, model=model, epsilon=epsilon, baseline=baseline,
                                      remaining=remaining, budget_epsilon=total)

    return Panel(
        name="privacy-utility",
        title="How much accuracy does privacy cost, and whom does it cost most?",
        description=(
            "Move ε: smaller ε means more noise in training and a stronger guarantee. The bars "
            "show every group's accuracy and true-positive rate (ticks: the non-private model); "
            "small groups usually lose most."
        ),
        controls={"epsilon": epsilon, "model": model},
        render=render,
    )


# -- the mechanism lab ---------------------------------------------------------------
QUERIES = ("mean", "sum", "count")


def render_release(release: DPRelease, *, exact: float | None = None, budget: Mapping | None = None):
    """Text and figure for one DP release: the answer, its noise distribution, the budget.

    Parameters
    ----------
    release : DPRelease
    exact : float, optional
        The non-private answer of the *unclamped* query, for teaching only:
        the figure then marks this release's actual error and the bias the
        clamping causes.
    budget : dict, optional
        ``{"epsilon", "spent_epsilon", "remaining_epsilon"}`` of the budget
        right after the release (:meth:`PrivacyBudget.status`).

    Returns
    -------
    tuple
        A Markdown string and a matplotlib Figure.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget, dp_mean
    >>> from govkit.widgets._privacy import render_release
    >>> budget = PrivacyBudget(epsilon=1.0, delta=0)
    >>> release = dp_mean(load_adult("test"), "age", budget=budget, epsilon=0.5)
    >>> text, figure = render_release(release, budget=budget.status())
    >>> "ε = 0.5" in text
    True
    """
    if not isinstance(release, DPRelease):
        raise TypeError(f"render_release: release must be a DPRelease, got {type(release).__name__}.")
    where = f" of `{release.column}`" if release.column else ""
    bounds = (f", clamped to [{release.bounds[0]:g}, {release.bounds[1]:g}]"
              if release.bounds else "")
    lines = [
        f"**DP {release.query}{where}** at ε = {release.epsilon:g}{bounds}: "
        f"**{float(release.value):,.4g}**",
        "",
        f"* {release.mechanism} noise, scale {release.noise_scale:.4g} "
        + (f"(= sensitivity {release.sensitivity:.4g} / (ε/2) on the sum; the count gets the "
           "other half of ε)" if release.query == "mean"
           else f"(= sensitivity {release.sensitivity:.4g} / ε)"),
        f"* 95% of releases land within ±{release.margin_95:.3g} of the clamped query's exact answer",
    ]
    if exact is not None:
        lines.append(f"* non-private answer (shown for teaching; a real release never shows it): "
                     f"{exact:,.4g}")
    if budget is not None:
        lines.append(f"* panel budget: ε = {budget['spent_epsilon']:.3g} of {budget['epsilon']:g} "
                     f"spent, **{budget['remaining_epsilon']:.3g} left**")
    text = "\n".join(lines)

    use_cjk_fallback()
    fig, ax = plt.subplots(figsize=(6.5, 3.0))
    spread = release.noise_std
    half = 5 * spread  # about 99.9% of Laplace noise, more of Gaussian
    centre = 0.0
    if exact is not None:
        centre = float(release.value) - exact
        half = max(half, abs(centre) * 1.2)
    grid = np.linspace(-half, half, 400)
    if release.query == "mean":
        density = noise_density("gaussian", spread, grid)  # sum/count: approximately normal
        label = f"error distribution (≈ normal, sd {spread:.3g})"
    else:
        density = noise_density(release.mechanism, release.noise_scale, grid)
        label = f"error distribution ({release.mechanism}, scale {release.noise_scale:.3g})"
    ax.fill_between(grid, density, color="#c6dbef", label=label)
    for sign in (-1, 1):
        ax.axvline(sign * release.margin_95, color="#08519c", ls="--", lw=1)
    if exact is not None:
        ax.axvline(centre, color="#a50f15", lw=2, label=f"this release's error: {centre:+.3g}")
    ax.set_xlabel("released answer minus the true answer")
    ax.set_yticks([])
    ax.legend(fontsize=7, loc="upper right")
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.18, top=0.95)
    return text, fig


def _scaled_bounds(bounds: tuple[float, float], factor: float) -> tuple[float, float]:
    lower, upper = bounds
    middle, half = (lower + upper) / 2, (upper - lower) / 2
    if factor >= 1 and lower >= 0:  # widen upwards only: negative ages are not "wider", just wrong
        return lower, lower + (upper - lower) * factor
    return middle - half * factor, middle + half * factor


def mechanism_panel(
    data: Dataset,
    *,
    budget: PrivacyBudget,
    domain: PublicDomain | None = None,
    epsilons=(0.01, 0.03, 0.1, 0.3, 1.0),
    show_exact: bool = False,
) -> Panel:
    """Make DP releases of a statistic and see the noise, the clamping bias and the budget.

    Parameters
    ----------
    data : Dataset
    budget : PrivacyBudget
        The panel's budget. Every new setting is a real release charged to
        it; a repeated setting shows the memoised release at no cost. When it
        runs out, the panel says so.
    domain : PublicDomain, optional
        Public bounds (Adult's by default for Adult).
    epsilons : list of float
        The slider's values.
    show_exact : bool
        Also show the non-private answer (teaching only).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget
    >>> from govkit.widgets import mechanism_panel
    >>> panel = mechanism_panel(load_adult("test"), budget=PrivacyBudget(epsilon=2.0, delta=0))
    >>> panel.set(epsilon=0.3)
    >>> len(panel.releases)
    2
    """
    if not isinstance(budget, PrivacyBudget):
        raise TypeError(
            "mechanism_panel: budget must be a PrivacyBudget (the panel's own, e.g. "
            f"PrivacyBudget(epsilon=2.0, delta=0)), got {type(budget).__name__}."
        )
    domain = PublicDomain.resolve(data, domain)
    columns = [c for c in data.numeric if c in domain.numeric]
    if not columns:
        raise ValueError("mechanism_panel: the data has no numeric column with public bounds.")
    releases: dict[tuple, tuple[DPRelease, dict[str, Any], float | None]] = {}
    frame = data.frame

    def release(query, column, epsilon, bounds):
        key = (query, None, float(epsilon), None) if query == "count" else \
            (query, column, float(epsilon), bounds)
        if key not in releases:
            check_choice(query, QUERIES, param="query", func="mechanism_panel")
            clamp = _scaled_bounds(domain.numeric[column], BOUNDS_CHOICES[bounds])
            if query == "count":
                result = dp_count(frame, budget=budget, epsilon=epsilon)
                exact = float(len(frame))
            elif query == "sum":
                result = dp_sum(frame, column, bounds=clamp, budget=budget, epsilon=epsilon)
                exact = float(frame[column].sum())
            else:
                result = dp_mean(frame, column, bounds=clamp, budget=budget, epsilon=epsilon)
                exact = float(frame[column].mean())
            releases[key] = (result, dict(budget.status()), exact if show_exact else None)
        return releases[key]

    def render(epsilon, query, column, bounds):
        result, status, exact = release(query, column, epsilon, bounds)
        return render_release(result, exact=exact, budget=status)

    panel = Panel(
        name="dp-mechanism",
        title="A DP release: what the noise does, and what it costs",
        description=(
            "Each new setting is a real release through OpenDP, charged to this panel's budget. "
            "Going back to a setting shows the same release again for free; asking again for "
            "a fresh draw would cost again."
        ),
        controls={
            "epsilon": widgets.SelectionSlider(
                options=[(f"{e:g}", float(e)) for e in epsilons], value=float(epsilons[-1]),
                description=EPSILON_LABEL, layout={"width": "480px"}),
            "query": widgets.Dropdown(options=list(QUERIES), value="mean", description="query"),
            "column": widgets.Dropdown(options=columns, value=columns[0], description="column"),
            "bounds": widgets.Dropdown(options=list(BOUNDS_CHOICES), value="public range",
                                       description="clamping bounds", layout={"width": "420px"}),
        },
        render=render,
    )
    panel.releases = releases
    return panel

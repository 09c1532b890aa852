"""How stable is LIME? The same rows explained with many seeds and sample sizes.

LIME fits a line to randomly drawn perturbations, so each seed gives a
slightly different line. With too few perturbations the *ranking* of the
features changes from seed to seed, which is the instability users complain
about. This module measures it: for each sample size, the rows are explained
with every seed and the explanations are compared pairwise (top-k Jaccard
index) and per feature (spread of the weights across seeds). The Jaccard
index and the spread are one line each with numpy, hence no library.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import check_interval, renamed_keywords

from ._checks import align_features, features_of, renamed_attribute, row_positions
from ._lime import TabularLime

__all__ = ["StabilityResult", "lime_stability"]

_FEW_SEEDS = (
    "seeds: stability needs at least 2 seeds (10 or more give a usable estimate), got {n}; "
    "pass e.g. seeds=range(10)."
)
_BAD_SAMPLES = (
    "lime_stability: num_samples must be whole numbers >= 10, got {value!r}; pass e.g. "
    "num_samples=(500, 5000)."
)
_NOT_EXPLAINER = (
    "explainer: expected a govkit.explain.TabularLime, got {kind}; build one with "
    "TabularLime(model, background=train)."
)


@dataclass(frozen=True, eq=False)
class StabilityResult:
    """LIME's stability across seeds, per sample size.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per sample size (index ``num_samples``): ``top_k_jaccard`` (mean
        pairwise Jaccard index of the top-k feature sets across seeds; 1 means
        every seed picks the same top-k), ``min_top_k_jaccard``,
        ``weight_spread`` (mean over features of the standard deviation of a
        weight across seeds), ``relative_spread`` (that spread divided by the
        mean |weight|), ``sign_flips`` (share of features whose sign changes
        between seeds) and ``mean_fidelity`` (LIME's R²); averaged over rows.
    per_row : pandas.DataFrame
        The same metrics per (row, num_samples).
    weights : pandas.DataFrame
        Long table of every weight: columns ``row``, ``num_samples``, ``seed``,
        ``feature``, ``weight``.
    top_k : int
        The size of the top-k feature sets the Jaccard index compares.
    seeds : list of int
        The ``random_state`` of each LIME run.
    """

    summary: pd.DataFrame
    per_row: pd.DataFrame
    weights: pd.DataFrame
    top_k: int
    seeds: list

    @property
    def k(self) -> int:
        """Deprecated name of :attr:`top_k` (a FutureWarning says so)."""
        return renamed_attribute(self, "k", "top_k")


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _metrics(matrix: pd.DataFrame, top_k: int, fidelity: list[float]) -> dict[str, float]:
    """Stability metrics for one row and one sample size; ``matrix`` is seeds x features."""
    tops = [
        set(matrix.columns[np.argsort(-np.abs(row), kind="stable")[:top_k]])
        for row in matrix.to_numpy()
    ]
    pairs = [_jaccard(a, b) for a, b in itertools.combinations(tops, 2)]
    spread = matrix.std(axis=0, ddof=1)
    values = matrix.to_numpy()
    flips = np.mean((values > 0).any(axis=0) & (values < 0).any(axis=0))
    mean_abs = float(matrix.abs().to_numpy().mean())
    return {
        "top_k_jaccard": float(np.mean(pairs)),
        "min_top_k_jaccard": float(np.min(pairs)),
        "weight_spread": float(spread.mean()),
        "relative_spread": float(spread.mean() / mean_abs) if mean_abs > 0 else float("nan"),
        "sign_flips": float(flips),
        "mean_fidelity": float(np.mean(fidelity)),
    }


@renamed_keywords(k="top_k")
def lime_stability(
    explainer: TabularLime,
    data: Any,
    *,
    rows: Any,
    seeds: Iterable[int] = range(10),
    num_samples: Iterable[int] = (500, 1000, 5000),
    top_k: int = 5,
    ledger=None,
) -> StabilityResult:
    """Explain ``rows`` with every seed at every sample size and measure the spread.

    Parameters
    ----------
    explainer : TabularLime
    data : Dataset or DataFrame
        Holds the rows.
    rows : int, list of int or slice
        Positions of the rows to study (a few suffice: cost is rows x seeds x
        sample sizes LIME runs).
    seeds : iterable of int
        The ``random_state`` of each LIME run (whole numbers >= 0): at least
        2; 10 or more for a usable estimate.
    num_samples : iterable of int
        LIME sample sizes to compare.
    top_k : int
        Top-k size for the Jaccard index; capped at the number of features.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``explain/lime_stability`` record is appended.

    Returns
    -------
    StabilityResult

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from govkit.explain import TabularLime, lime_stability
    >>> X = pd.DataFrame({"x": range(20), "z": [0.5, -0.5] * 10})
    >>> explainer = TabularLime(LogisticRegression().fit(X, [0] * 10 + [1] * 10), X)
    >>> result = lime_stability(explainer, X, rows=[0], seeds=range(3), num_samples=[200],
    ...                         top_k=1)
    >>> result.summary.index.tolist(), result.top_k
    ([200], 1)
    """
    if not isinstance(explainer, TabularLime):
        raise TypeError(_NOT_EXPLAINER.format(kind=type(explainer).__name__))
    seeds = [check_interval(s, param="seeds", func="lime_stability", low=0, integer=True,
                            example="range(10)") for s in seeds]
    if len(seeds) < 2:
        raise ValueError(_FEW_SEEDS.format(n=len(seeds)))
    sizes = list(num_samples)
    if not sizes or any(
        isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 10 for n in sizes
    ):
        raise ValueError(_BAD_SAMPLES.format(value=num_samples))
    sizes = [int(n) for n in sizes]
    top_k = check_interval(top_k, param="top_k", func="lime_stability", low=1, integer=True,
                           example=5)
    frame = align_features(explainer.model, features_of(data, func="lime_stability"))
    top_k = min(top_k, frame.shape[1])
    positions = row_positions(rows, len(frame))
    long_rows, per_row = [], []
    for position in positions:
        row = frame.iloc[[position]]
        label = frame.index[position]
        for size in sizes:
            results = [explainer.explain(row, num_samples=size, random_state=s) for s in seeds]
            matrix = pd.DataFrame([r.weights for r in results], index=seeds)
            per_row.append(
                {"row": label, "num_samples": size,
                 **_metrics(matrix, top_k, [r.fidelity for r in results])}
            )
            for seed, result in zip(seeds, results, strict=True):
                long_rows += [
                    {"row": label, "num_samples": size, "seed": seed, "feature": f, "weight": w}
                    for f, w in result.weights.items()
                ]
    per_row_frame = pd.DataFrame(per_row)
    summary = per_row_frame.drop(columns="row").groupby("num_samples").mean()
    result = StabilityResult(
        summary=summary,
        per_row=per_row_frame,
        weights=pd.DataFrame(long_rows),
        top_k=top_k,
        seeds=seeds,
    )
    if ledger is not None:
        ledger.append(
            "explain",
            "lime_stability",
            parameters={
                "model": explainer.name,
                "explainer": "LimeTabularExplainer",
                "seeds": seeds,
                "num_samples": sizes,
                "top_k": top_k,
                "rows": len(positions),
                "discretizer": explainer.discretizer,
            },
            inputs={"rows": frame.iloc[positions]},
            metrics={
                str(size): {name: float(value) for name, value in summary.loc[size].items()}
                for size in sizes
            },
        )
    return result

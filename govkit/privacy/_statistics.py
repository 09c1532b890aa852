"""Differentially private statistics (count, sum, mean, histogram) through OpenDP.

Each function builds an OpenDP measurement (clamp to the public bounds, sum
or count, then Laplace or Gaussian noise), takes the sensitivity from OpenDP
itself (which accounts for floating-point rounding in sums), checks the
budget *before* invoking the measurement, invokes it once, and charges the
budget. Neighbouring datasets differ by one added or removed record (OpenDP's
``symmetric_distance``), the same relation the accountant uses.

A mean is a noisy sum divided by a noisy count, each given half the epsilon
(and half the delta): the number of rows is private too, so it cannot be
used as a public denominator.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import dp_accounting
import numpy as np
import opendp.prelude as dp
import pandas as pd

from govkit._validation import check_choice
from govkit.datasets import Dataset, as_frame
from govkit.exceptions import PrivacyLeakWarning

from ._budget import Charge, PrivacyBudget, warn_if_delta_large
from ._domain import PublicDomain
from ._mechanisms import MECHANISMS, gaussian_sigma, noise_quantile
from ._preprocess import MISSING, OTHER
from ._validation import check_bounds, check_delta, check_epsilon

dp.enable_features("contrib")

__all__ = ["DPRelease", "dp_count", "dp_histogram", "dp_mean", "dp_sum"]

_NO_COLUMN = "{func}: column {column!r} is not in the data; available columns: {available}."
_NOT_NUMERIC = (
    "{func}: column {column!r} has dtype {dtype}; a DP {what} needs numbers. Use dp_histogram "
    "for a categorical column, or convert it first."
)
_HAS_MISSING = (
    "{func}: column {column!r} has {count:,} missing value(s). govkit does not drop rows "
    "silently (that would change the count the guarantee is about); pass fill_value= a public "
    "constant within the bounds, e.g. fill_value={example}."
)
_FILL_OUTSIDE = (
    "{func}: fill_value={value!r} lies outside bounds {bounds}; pick a value inside the public "
    "range."
)
_NEEDS_DELTA = (
    "{func}: mechanism='gaussian' needs delta > 0 (got delta={value!r}); pass e.g. delta=1e-6, "
    "or use mechanism='laplace' (pure epsilon-DP)."
)
_LAPLACE_DELTA = (
    "{func}: mechanism='laplace' is pure epsilon-DP and spends no delta, got delta={value!r}; "
    "leave delta out (or 0), or use mechanism='gaussian'."
)
_NOT_A_BUDGET = (
    "{func}: budget must be a govkit.privacy.PrivacyBudget, got {kind}. Every DP operation "
    "draws from an explicit budget: create one with PrivacyBudget(epsilon=1.0, delta=1e-6) "
    "and pass budget=it."
)
_BOUNDS_FROM_DATA = (
    "{func}: no bounds given for column {column!r}, so its minimum and maximum were read from "
    "the private data. They can reveal the most extreme person (the oldest age, the largest "
    "income) and are not covered by epsilon. Fix: pass bounds=(lower, upper) from domain "
    "knowledge (a codebook, a form's limits, common sense), or a PublicDomain via domain=."
)
_CATEGORIES_FROM_DATA = (
    "{func}: no categories given for column {column!r}, so the list of values present was read "
    "from the private data. A rare value's mere presence can reveal a person. Fix: pass "
    "categories= from a codebook, or a PublicDomain via domain=."
)
_BAD_CATEGORIES = (
    "{func}: categories={value!r} must be a non-empty list of labels from a codebook, "
    "e.g. ['Female', 'Male']."
)


@dataclass(frozen=True)
class DPRelease:
    """A differentially private answer and everything needed to read it.

    Attributes
    ----------
    value : float or pandas.Series
        The noisy answer (a Series of noisy counts for a histogram).
    query : str
        ``count``, ``sum``, ``mean`` or ``histogram``.
    column : str or None
    epsilon, delta : float
        The release's own guarantee.
    mechanism : str
        ``laplace`` or ``gaussian``.
    sensitivity : float
        How much one record can move the exact answer (from OpenDP).
    noise_scale : float
        Laplace ``b`` or Gaussian ``sigma`` of the noise on the answer (for a
        mean: on the sum; the count's noise is in ``count_noise_scale``).
    bounds : tuple or None
        The clamping bounds used.
    noise_std : float
        Standard deviation of the answer's error (approximate for a mean).
    margin_95 : float
        95% of releases fall within this distance of the exact answer of the
        clamped query (approximate for a mean).
    charge : Charge
        What the budget recorded.
    count_noise_scale : float or None
        For a mean: the noise scale on the count.
    bounds_from_data : bool
        True when the bounds (or categories) were read from the data; the
        ledger then records that fact instead of the values.
    """

    value: Any
    query: str
    column: str | None
    epsilon: float
    delta: float
    mechanism: str
    sensitivity: float
    noise_scale: float
    bounds: tuple[float, float] | None
    noise_std: float
    margin_95: float
    charge: Charge
    count_noise_scale: float | None = None
    bounds_from_data: bool = False

    def __repr__(self) -> str:
        value = self.value
        shown = (
            f"{len(value)} noisy counts" if isinstance(value, pd.Series) else f"{float(value):.6g}"
        )
        where = f" of {self.column!r}" if self.column else ""
        return (
            f"DPRelease({self.query}{where} = {shown} ± {self.margin_95:.3g} (95%), "
            f"epsilon={self.epsilon:g}, delta={self.delta:g}, {self.mechanism})"
        )


# -- argument handling -----------------------------------------------------------
def _column(frame: pd.DataFrame, column: str, func: str) -> pd.Series:
    if column not in frame.columns:
        raise ValueError(
            _NO_COLUMN.format(func=func, column=column, available=[str(c) for c in frame.columns])
        )
    return frame[column]


def _budget(budget, func: str) -> PrivacyBudget:
    if not isinstance(budget, PrivacyBudget):
        raise TypeError(_NOT_A_BUDGET.format(func=func, kind=type(budget).__name__))
    return budget


def _privacy_args(func: str, epsilon, mechanism: str, delta) -> tuple[float, float]:
    epsilon = check_epsilon(epsilon, func=func)
    check_choice(mechanism, MECHANISMS, param="mechanism", func=func)
    if mechanism == "laplace":
        if delta not in (None, 0, 0.0):
            raise ValueError(_LAPLACE_DELTA.format(func=func, value=delta))
        return epsilon, 0.0
    if delta is None:
        raise ValueError(_NEEDS_DELTA.format(func=func, value=delta))
    delta = check_delta(delta, func=func)
    if delta == 0:
        raise ValueError(_NEEDS_DELTA.format(func=func, value=delta))
    return epsilon, delta


def _public_domain(dataset: Dataset | None, domain) -> PublicDomain | None:
    if domain is not None:
        return domain if isinstance(domain, PublicDomain) else PublicDomain.from_config(domain)
    if dataset is not None and dataset.target == "income" and "age" in dataset.frame.columns:
        adult = PublicDomain.adult()
        if set(dataset.feature_names) <= set(adult.numeric) | set(adult.categorical):
            return adult
    return None


def _bounds(func, frame, dataset, column, values, bounds, domain) -> tuple[tuple[float, float], bool]:
    """The clamping bounds, and whether they had to be read from the data."""
    if bounds is not None:
        return check_bounds(bounds), False
    public = _public_domain(dataset, domain)
    if public is not None and column in public.numeric:
        return public.numeric[column], False
    # the caller of dp_sum / dp_mean (through _clamped_column)
    warnings.warn(_BOUNDS_FROM_DATA.format(func=func, column=column), PrivacyLeakWarning,
                  stacklevel=4)
    finite = values[np.isfinite(values)]
    lower, upper = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    return ((lower, upper) if lower < upper else (lower, lower + 1.0)), True


def _numeric_values(func, frame, column, fill_value, bounds_known: tuple[float, float] | None,
                    what: str) -> np.ndarray:
    series = _column(frame, column, func)
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise ValueError(_NOT_NUMERIC.format(func=func, column=column, dtype=series.dtype, what=what))
    # a writable copy: OpenDP reads the buffer directly and refuses read-only views
    values = np.array(series.to_numpy(dtype=float, na_value=np.nan), dtype=float, copy=True)
    missing = int(np.isnan(values).sum())
    if missing and fill_value is None:
        example = (bounds_known[0] + bounds_known[1]) / 2 if bounds_known else 0
        raise ValueError(_HAS_MISSING.format(func=func, column=column, count=missing,
                                             example=example))
    return values


def _record(ledger, operation, release: DPRelease, budget: PrivacyBudget, inputs, extra=None):
    if ledger is None:
        return
    parameters, metrics = release.charge.ledger_fields(budget)
    parameters.update(
        {
            "query": release.query,
            "column": release.column,
            # data-derived bounds are the data's extremes: record the fact, not the values
            "bounds": (list(release.bounds) if release.bounds and not release.bounds_from_data
                       else None),
            "bounds_source": ("read from the private data (PrivacyLeakWarning)"
                              if release.bounds_from_data else "public"),
            "sensitivity": release.sensitivity,
            "noise_scale": release.noise_scale,
            "noise_library": "OpenDP (exact samplers, secure randomness)",
            **(extra or {}),
        }
    )
    value = release.value
    if isinstance(value, pd.Series) and release.bounds_from_data:
        # category labels read from the data may themselves be revealing: keep the counts only
        released = [float(v) for v in value.to_numpy()]
    elif isinstance(value, pd.Series):
        released = {str(k): float(v) for k, v in value.items()}
    else:
        released = float(value)
    metrics.update({"released": released, "noise_std": release.noise_std,
                    "margin_95": release.margin_95})
    ledger.append("privacy", operation, parameters=parameters, inputs=inputs, metrics=metrics)


def _noise_event(mechanism: str, scale: float, sensitivity: float) -> dp_accounting.DpEvent:
    if mechanism == "laplace":
        return dp_accounting.LaplaceDpEvent(noise_multiplier=scale / sensitivity)
    return dp_accounting.GaussianDpEvent(noise_multiplier=scale / sensitivity)


def _scale(mechanism: str, sensitivity: float, epsilon: float, delta: float) -> float:
    if mechanism == "laplace":
        return sensitivity / epsilon
    return gaussian_sigma(sensitivity, epsilon, delta)


def _then_noise(mechanism: str, scale: float):
    return dp.m.then_laplace(scale) if mechanism == "laplace" else dp.m.then_gaussian(scale)


def _std(mechanism: str, scale: float) -> float:
    return scale * math.sqrt(2) if mechanism == "laplace" else scale


_FLOATS = dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()
_FLOATS_NAN = dp.vector_domain(dp.atom_domain(T=float, nan=True)), dp.symmetric_distance()


def _sum_query(bounds: tuple[float, float], fill_value):
    query = _FLOATS if fill_value is None else _FLOATS_NAN
    if fill_value is not None:
        query = query >> dp.t.then_impute_constant(float(fill_value))
    query = query >> dp.t.then_clamp(bounds) >> dp.t.then_sum()
    return query


def _count_query():
    return _FLOATS_NAN >> dp.t.then_count(TO=float)


# -- public functions -------------------------------------------------------------
def dp_count(
    data,
    *,
    budget: PrivacyBudget,
    epsilon: float,
    mechanism: str = "laplace",
    delta: float | None = None,
    ledger=None,
) -> DPRelease:
    """Differentially private number of rows.

    Parameters
    ----------
    data : Dataset or pandas.DataFrame
        The rows to count (filter them first with a public condition to count
        a subgroup).
    budget : PrivacyBudget
        Checked before the noise is drawn, then charged.
    epsilon : float
        Privacy loss of this release.
    mechanism : {"laplace", "gaussian"}
    delta : float, optional
        Needed (> 0) for the Gaussian mechanism only.
    ledger : govkit.ledger.Ledger, optional
        Appends a ``privacy/dp_count`` record.

    Returns
    -------
    DPRelease

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget, dp_count
    >>> budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    >>> release = dp_count(load_adult("test"), budget=budget, epsilon=0.5)
    >>> release.noise_scale, abs(release.value - 16281) < 100
    (2.0, True)
    """
    func = "dp_count"
    frame, _ = as_frame(data, func=func)
    budget = _budget(budget, func)
    epsilon, delta = _privacy_args(func, epsilon, mechanism, delta)
    query = _count_query()
    sensitivity = float(query.map(1))
    scale = _scale(mechanism, sensitivity, epsilon, delta)
    event = _noise_event(mechanism, scale, sensitivity)
    budget.check(event, operation=func)
    warn_if_delta_large(delta, len(frame), func)
    measurement = query >> _then_noise(mechanism, scale)
    value = float(measurement(np.zeros(len(frame))))
    charge = budget.charge(event, operation=func, epsilon=epsilon, delta=delta, mechanism=mechanism)
    release = DPRelease(value, "count", None, epsilon, delta, mechanism, sensitivity, scale, None,
                        _std(mechanism, scale), noise_quantile(mechanism, scale), charge)
    _record(ledger, func, release, budget, {"data": frame})
    return release


def dp_sum(
    data,
    column: str,
    *,
    budget: PrivacyBudget,
    epsilon: float,
    bounds: tuple[float, float] | None = None,
    domain: PublicDomain | None = None,
    mechanism: str = "laplace",
    delta: float | None = None,
    fill_value: float | None = None,
    ledger=None,
) -> DPRelease:
    """Differentially private sum of a numeric column, clamped to public bounds.

    Parameters
    ----------
    data : Dataset or pandas.DataFrame
    column : str
    budget : PrivacyBudget
    epsilon : float
    bounds : (float, float), optional
        Public clamping range. If omitted: the domain's (``domain=``, or
        Adult's public domain for Adult); otherwise read from the data with a
        :class:`~govkit.exceptions.PrivacyLeakWarning`.
    domain : PublicDomain, optional
    mechanism : {"laplace", "gaussian"}
    delta : float, optional
        For the Gaussian mechanism.
    fill_value : float, optional
        Public constant for missing values (an error is raised if the column
        has missing values and none is given).
    ledger : govkit.ledger.Ledger, optional
        Appends a ``privacy/dp_sum`` record.

    Returns
    -------
    DPRelease
        Sensitivity ``max(|lower|, |upper|)`` (plus OpenDP's allowance for
        float rounding).

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget, dp_sum
    >>> budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    >>> release = dp_sum(load_adult("test"), "hours-per-week", bounds=(1, 99),
    ...                  budget=budget, epsilon=0.5)
    >>> round(release.sensitivity), round(release.noise_scale)
    (99, 198)
    """
    func = "dp_sum"
    frame, budget, epsilon, delta, values, bounds, derived = _clamped_column(
        func, data, column, budget, epsilon, mechanism, delta, bounds, domain, fill_value, "sum")
    query = _sum_query(bounds, fill_value)
    sensitivity = float(query.map(1))
    scale = _scale(mechanism, sensitivity, epsilon, delta)
    event = _noise_event(mechanism, scale, sensitivity)
    budget.check(event, operation=func)
    warn_if_delta_large(delta, len(frame), func)
    value = float((query >> _then_noise(mechanism, scale))(values))
    charge = budget.charge(event, operation=func, epsilon=epsilon, delta=delta, mechanism=mechanism)
    release = DPRelease(value, "sum", column, epsilon, delta, mechanism, sensitivity, scale, bounds,
                        _std(mechanism, scale), noise_quantile(mechanism, scale), charge,
                        bounds_from_data=derived)
    _record(ledger, func, release, budget, {"data": frame[[column]]})
    return release


def _clamped_column(func, data, column, budget, epsilon, mechanism, delta, bounds, domain,
                    fill_value, what):
    """The checks and data of a clamped numeric query (a sum, a mean), in the order they matter.

    Returns ``(frame, budget, epsilon, delta, values, bounds, bounds_from_data)``.
    """
    frame, dataset = as_frame(data, func=func)
    budget = _budget(budget, func)
    epsilon, delta = _privacy_args(func, epsilon, mechanism, delta)
    known = check_bounds(bounds) if bounds is not None else None
    values = _numeric_values(func, frame, column, fill_value, known, what)
    bounds, derived = _bounds(func, frame, dataset, column, values, bounds, domain)
    if fill_value is not None and not (bounds[0] <= float(fill_value) <= bounds[1]):
        raise ValueError(_FILL_OUTSIDE.format(func=func, value=fill_value, bounds=bounds))
    return frame, budget, epsilon, delta, values, bounds, derived


def dp_mean(data, column: str, *, budget: PrivacyBudget, epsilon: float,
            bounds: tuple[float, float] | None = None, domain: PublicDomain | None = None,
            mechanism: str = "laplace", delta: float | None = None,
            fill_value: float | None = None, ledger=None) -> DPRelease:
    """Differentially private mean: a noisy clamped sum over a noisy count.

    Half of ``epsilon`` (and of ``delta``) goes to each; the accountant
    composes the two. The result is clamped into the bounds (post-processing,
    free). Parameters as in :func:`dp_sum`.

    Returns
    -------
    DPRelease
        ``noise_std`` and ``margin_95`` are first-order approximations.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget, dp_mean
    >>> budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    >>> release = dp_mean(load_adult("test"), "age", budget=budget, epsilon=0.5)
    >>> release.bounds, 37 < release.value < 40
    ((17.0, 90.0), True)
    """
    func = "dp_mean"
    frame, budget, epsilon, delta, values, bounds, derived = _clamped_column(
        func, data, column, budget, epsilon, mechanism, delta, bounds, domain, fill_value, "mean")
    sum_query = _sum_query(bounds, fill_value)
    count_query = _count_query()
    sum_sensitivity = float(sum_query.map(1))
    count_sensitivity = float(count_query.map(1))
    half_eps, half_delta = epsilon / 2, delta / 2
    sum_scale = _scale(mechanism, sum_sensitivity, half_eps, half_delta)
    count_scale = _scale(mechanism, count_sensitivity, half_eps, half_delta)
    event = dp_accounting.ComposedDpEvent([
        _noise_event(mechanism, sum_scale, sum_sensitivity),
        _noise_event(mechanism, count_scale, count_sensitivity),
    ])
    budget.check(event, operation=func)
    warn_if_delta_large(delta, len(frame), func)
    noisy_sum = float((sum_query >> _then_noise(mechanism, sum_scale))(values))
    noisy_count = float((count_query >> _then_noise(mechanism, count_scale))(values))
    charge = budget.charge(event, operation=func, epsilon=epsilon, delta=delta,
                           mechanism=f"{mechanism} (sum and count, half the budget each)")
    count = max(noisy_count, 1.0)
    value = float(np.clip(noisy_sum / count, *bounds))
    std = math.sqrt(_std(mechanism, sum_scale) ** 2 + (value * _std(mechanism, count_scale)) ** 2)
    std /= count
    margin = 1.959964 * std
    release = DPRelease(value, "mean", column, epsilon, delta, mechanism, sum_sensitivity,
                        sum_scale, bounds, std, margin, charge, count_noise_scale=count_scale,
                        bounds_from_data=derived)
    _record(ledger, func, release, budget, {"data": frame[[column]]},
            {"count_noise_scale": count_scale, "epsilon_split": "half to the sum, half to the count"})
    return release


def dp_histogram(
    data,
    column: str,
    *,
    budget: PrivacyBudget,
    epsilon: float,
    categories=None,
    domain: PublicDomain | None = None,
    mechanism: str = "laplace",
    delta: float | None = None,
    ledger=None,
) -> DPRelease:
    """Differentially private counts per category of a column.

    One record falls in one bin, so the whole histogram has sensitivity 1
    and costs one epsilon, however many bins. Values outside the public
    categories are counted in an ``other`` bin and missing values in a
    ``missing`` bin, so the output never reveals which rare values occur.

    Parameters
    ----------
    data : Dataset or pandas.DataFrame
    column : str
    budget : PrivacyBudget
    epsilon : float
    categories : list of str, optional
        Public category labels. If omitted: the domain's (or Adult's public
        codebook for Adult); otherwise read from the data with a
        :class:`~govkit.exceptions.PrivacyLeakWarning`.
    domain : PublicDomain, optional
    mechanism : {"laplace", "gaussian"}
    delta : float, optional
    ledger : govkit.ledger.Ledger, optional
        Appends a ``privacy/dp_histogram`` record.

    Returns
    -------
    DPRelease
        ``value`` is a Series indexed by category, then ``missing`` and ``other``.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> from govkit.privacy import PrivacyBudget, dp_histogram
    >>> budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    >>> counts = dp_histogram(load_adult("test"), "sex", budget=budget, epsilon=0.5).value
    >>> counts.index.tolist()
    ['Female', 'Male', 'missing', 'other']
    """
    func = "dp_histogram"
    frame, dataset = as_frame(data, func=func)
    budget = _budget(budget, func)
    epsilon, delta = _privacy_args(func, epsilon, mechanism, delta)
    series = _column(frame, column, func)
    derived = False
    if categories is None:
        public = _public_domain(dataset, domain)
        if public is not None and column in public.categorical:
            categories = list(public.categorical[column])
        else:
            derived = True
            warnings.warn(_CATEGORIES_FROM_DATA.format(func=func, column=column),
                          PrivacyLeakWarning, stacklevel=2)
            categories = sorted(str(v) for v in series.dropna().unique())
    elif isinstance(categories, str) or not list(categories):
        raise ValueError(_BAD_CATEGORIES.format(func=func, value=categories))
    labels = list(dict.fromkeys([*(str(c) for c in categories), MISSING]))
    text = series.astype("string").fillna(MISSING).astype(object).to_numpy(dtype=str)
    metric = dp.L1Distance[float] if mechanism == "laplace" else dp.L2Distance[float]
    query = (dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance()) >> \
        dp.t.then_count_by_categories(categories=labels, null_category=True, MO=metric, TOA=float)
    sensitivity = float(query.map(1))
    scale = _scale(mechanism, sensitivity, epsilon, delta)
    event = _noise_event(mechanism, scale, sensitivity)
    budget.check(event, operation=func)
    warn_if_delta_large(delta, len(frame), func)
    noisy = (query >> _then_noise(mechanism, scale))(list(text))
    charge = budget.charge(event, operation=func, epsilon=epsilon, delta=delta, mechanism=mechanism)
    value = pd.Series(np.asarray(noisy, dtype=float), index=[*labels, OTHER], name=f"{column} (DP counts)")
    release = DPRelease(value, "histogram", column, epsilon, delta, mechanism, sensitivity, scale,
                        None, _std(mechanism, scale), noise_quantile(mechanism, scale), charge,
                        bounds_from_data=derived)
    _record(ledger, func, release, budget, {"data": frame[[column]]},
            {"categories": len(labels) + 1})
    return release

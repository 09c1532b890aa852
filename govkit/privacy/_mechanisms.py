"""Noise calibration for the Laplace and Gaussian mechanisms, and OpenDP's samplers.

- Laplace: scale ``b = Δ / ε`` for an L1 sensitivity ``Δ`` (not ``2ε/Δ`` or
  ``Δ·ε``, two errors common in blog posts). Pure ε-DP.
- Gaussian, classic (Dwork & Roth, Thm A.1): ``σ = Δ·sqrt(2 ln(1.25/δ)) / ε``,
  proven only for ε < 1.
- Gaussian, analytic (Balle & Wang 2018): the smallest σ that satisfies
  (ε, δ)-DP exactly, for any ε; computed by dp-accounting's
  ``get_sigma_gaussian``. Always at most the classic σ.

Noise is drawn by OpenDP, whose samplers are exact and resist the
floating-point attacks (Mironov 2012) that break textbook ``numpy`` noise. They
use the operating system's secure randomness and cannot be seeded, on purpose:
noise that can be replayed from a seed can be subtracted.
"""

from __future__ import annotations

import math

import dp_accounting
import matplotlib.pyplot as plt
import numpy as np
import opendp.prelude as dp
from scipy import stats

from govkit._fonts import use_cjk_fallback
from govkit._validation import check_choice, check_interval

from ._validation import check_delta, check_epsilon

dp.enable_features("contrib")

__all__ = [
    "MECHANISMS",
    "gaussian_sigma",
    "laplace_scale",
    "noise_density",
    "noise_samples",
    "plot_noise",
]

MECHANISMS = ("laplace", "gaussian")
GAUSSIAN_METHODS = ("analytic", "classic")
MAX_SAMPLES = 200_000

_BAD_SENSITIVITY = (
    "sensitivity={value!r} must be a finite number > 0: the most one person's record can change "
    "the query's answer (1 for a count, max(|lower|, |upper|) for a clamped sum)."
)
_CLASSIC_EPSILON = (
    "method='classic': the classic Gaussian bound sigma = Δ·sqrt(2 ln(1.25/δ))/ε is proven only "
    "for epsilon < 1, got epsilon={epsilon}. Use method='analytic', which is exact for every "
    "epsilon (and gives less noise)."
)
_GAUSSIAN_DELTA = (
    "delta={value!r}: the Gaussian mechanism needs delta > 0 (it has no pure-epsilon guarantee); "
    "pass e.g. delta=1e-6, or use mechanism='laplace'."
)
_BAD_SCALE = "scale={value!r} must be a finite number > 0 (the noise's Laplace b or Gaussian sigma)."


def _check_sensitivity(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(_BAD_SENSITIVITY.format(value=value))
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(_BAD_SENSITIVITY.format(value=value))
    return value


def _check_mechanism(mechanism: str, func: str) -> str:
    return check_choice(mechanism, MECHANISMS, param="mechanism", func=func)


def laplace_scale(sensitivity: float, epsilon: float) -> float:
    """Laplace noise scale ``b = sensitivity / epsilon`` for epsilon-DP.

    Parameters
    ----------
    sensitivity : float
        L1 sensitivity of the query.
    epsilon : float
        Privacy loss of the release.

    Examples
    --------
    >>> from govkit.privacy import laplace_scale
    >>> laplace_scale(1, 0.5)        # a count at epsilon = 0.5
    2.0
    """
    return _check_sensitivity(sensitivity) / check_epsilon(epsilon, func="laplace_scale")


def gaussian_sigma(
    sensitivity: float, epsilon: float, delta: float, *, method: str = "analytic"
) -> float:
    """Gaussian noise standard deviation for (epsilon, delta)-DP.

    Parameters
    ----------
    sensitivity : float
        L2 sensitivity of the query.
    epsilon, delta : float
        The guarantee wanted; delta must be > 0.
    method : {"analytic", "classic"}
        ``analytic`` (Balle & Wang 2018, via dp-accounting) is exact and valid
        for every epsilon; ``classic`` is the textbook formula, valid for
        epsilon < 1 only, and always noisier.

    Examples
    --------
    >>> from govkit.privacy import gaussian_sigma
    >>> classic = gaussian_sigma(1, 0.5, 1e-5, method="classic")
    >>> analytic = gaussian_sigma(1, 0.5, 1e-5)
    >>> round(classic, 2), round(analytic, 2)
    (9.69, 7.03)
    """
    check_choice(method, GAUSSIAN_METHODS, param="method", func="gaussian_sigma")
    sensitivity = _check_sensitivity(sensitivity)
    epsilon = check_epsilon(epsilon, func="gaussian_sigma")
    delta = check_delta(delta, func="gaussian_sigma")
    if delta == 0:
        raise ValueError(_GAUSSIAN_DELTA.format(value=delta))
    if method == "classic":
        if epsilon >= 1:
            raise ValueError(_CLASSIC_EPSILON.format(epsilon=epsilon))
        return sensitivity * math.sqrt(2 * math.log(1.25 / delta)) / epsilon
    return sensitivity * float(dp_accounting.get_sigma_gaussian(epsilon, delta))


def _check_scale(scale) -> float:
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.number)):
        raise TypeError(_BAD_SCALE.format(value=scale))
    scale = float(scale)
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(_BAD_SCALE.format(value=scale))
    return scale


def noise_samples(mechanism: str, scale: float, size: int) -> np.ndarray:
    """``size`` draws of the noise OpenDP adds (to a constant zero: no data, no privacy cost).

    Parameters
    ----------
    mechanism : {"laplace", "gaussian"}
    scale : float
        Laplace ``b`` or Gaussian ``sigma``.
    size : int
        Number of draws (at most 200,000; OpenDP's exact samplers are slower
        than numpy's, a few microseconds each).

    Returns
    -------
    numpy.ndarray
        The noise values. Unseeded by design (see the module notes).

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.privacy import noise_samples
    >>> draws = noise_samples("laplace", 2.0, 2000)
    >>> bool(abs(np.mean(np.abs(draws)) - 2.0) < 0.3)     # E|Laplace(b)| = b
    True
    """
    _check_mechanism(mechanism, "noise_samples")
    scale = _check_scale(scale)
    size = check_interval(size, param="size", func="noise_samples", low=1, high=MAX_SAMPLES,
                          integer=True, example=2000)
    domain = dp.vector_domain(dp.atom_domain(T=float, nan=False))
    if mechanism == "laplace":
        measurement = dp.m.make_laplace(domain, dp.l1_distance(T=float), scale=scale)
    else:
        measurement = dp.m.make_gaussian(domain, dp.l2_distance(T=float), scale=scale)
    return np.asarray(measurement(np.zeros(int(size))), dtype=float)


def noise_density(mechanism: str, scale: float, x) -> np.ndarray:
    """The theoretical density of the noise at ``x`` (Laplace(0, b) or Normal(0, sigma)).

    Examples
    --------
    >>> from govkit.privacy import noise_density
    >>> float(noise_density("laplace", 2.0, 0.0))      # 1 / (2b)
    0.25
    """
    _check_mechanism(mechanism, "noise_density")
    scale = _check_scale(scale)
    x = np.asarray(x, dtype=float)
    if mechanism == "laplace":
        return stats.laplace(scale=scale).pdf(x)
    return stats.norm(scale=scale).pdf(x)


def noise_quantile(mechanism: str, scale: float, confidence: float = 0.95) -> float:
    """Half-width ``h`` with P(|noise| <= h) = confidence."""
    _check_mechanism(mechanism, "noise_quantile")
    distribution = stats.laplace(scale=scale) if mechanism == "laplace" else stats.norm(scale=scale)
    return float(distribution.ppf(0.5 + confidence / 2))


def plot_noise(mechanism: str, scale: float, samples=None, *, ax=None, label: str | None = None):
    """Histogram of noise draws against the theoretical density.

    Parameters
    ----------
    mechanism : {"laplace", "gaussian"}
    scale : float
        Laplace ``b`` or Gaussian ``sigma``.
    samples : array-like, optional
        Draws to show (e.g. from :func:`noise_samples`); only the density is
        drawn when omitted.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from govkit.privacy import plot_noise
    >>> figure = plot_noise("laplace", 2.0)
    >>> figure.axes[0].get_xlabel()
    'noise added to the true answer'
    """
    _check_mechanism(mechanism, "plot_noise")
    scale = _check_scale(scale)
    use_cjk_fallback()  # the label may be the user's own text
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.2))
    else:
        fig = ax.figure
    half = noise_quantile(mechanism, scale, 0.999)
    grid = np.linspace(-half, half, 400)
    if samples is not None:
        samples = np.asarray(samples, dtype=float)
        ax.hist(samples, bins=80, range=(-half, half), density=True, color="#9ecae1",
                label=f"{len(samples):,} OpenDP draws")
    name = f"Laplace(b={scale:.3g})" if mechanism == "laplace" else f"Normal(σ={scale:.3g})"
    ax.plot(grid, noise_density(mechanism, scale, grid), color="#08519c", lw=2,
            label=label or f"theory: {name}")
    h95 = noise_quantile(mechanism, scale, 0.95)
    for sign in (-1, 1):
        ax.axvline(sign * h95, color="#a50f15", ls="--", lw=1)
    ax.plot([], [], color="#a50f15", ls="--", lw=1, label=f"95% of the noise within ±{h95:.3g}")
    ax.set_xlabel("noise added to the true answer")
    ax.set_ylabel("density")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig

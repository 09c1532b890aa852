"""Noise calibration (Laplace b = Δ/ε; classic and analytic Gaussian) and OpenDP's samplers."""

from __future__ import annotations

import math

import dp_accounting
import numpy as np
import pytest
from scipy import integrate, stats

from govkit.privacy import (
    gaussian_sigma,
    laplace_scale,
    noise_density,
    noise_samples,
    plot_noise,
)


@pytest.mark.parametrize("sensitivity, epsilon", [(1, 0.5), (99, 0.5), (90, 2.0), (0.5, 0.1)])
def test_laplace_scale_is_sensitivity_over_epsilon(sensitivity, epsilon):
    assert laplace_scale(sensitivity, epsilon) == pytest.approx(sensitivity / epsilon)
    assert laplace_scale(sensitivity, epsilon) != pytest.approx(2 * epsilon / sensitivity)


@pytest.mark.parametrize("bad", [0, -1, math.inf])
def test_bad_sensitivity_and_epsilon(bad):
    with pytest.raises(ValueError, match="sensitivity"):
        laplace_scale(bad, 1.0)
    with pytest.raises(ValueError, match="laplace_scale: epsilon"):
        laplace_scale(1.0, bad)


def test_classic_gaussian_matches_the_textbook_formula():
    assert gaussian_sigma(2.0, 0.5, 1e-5, method="classic") == pytest.approx(
        2.0 * math.sqrt(2 * math.log(1.25 / 1e-5)) / 0.5
    )


def test_classic_gaussian_refuses_epsilon_of_one_or_more():
    with pytest.raises(ValueError, match="only for epsilon < 1.*method='analytic'"):
        gaussian_sigma(1.0, 1.0, 1e-5, method="classic")


@pytest.mark.parametrize("epsilon, delta", [(0.1, 1e-6), (0.5, 1e-5), (0.9, 1e-8)])
def test_analytic_gaussian_is_exact_and_tighter(epsilon, delta):
    sigma = gaussian_sigma(3.0, epsilon, delta)
    assert sigma < gaussian_sigma(3.0, epsilon, delta, method="classic")
    # exactly (epsilon, delta)-DP: dp-accounting's epsilon of that noise equals the target
    assert dp_accounting.get_epsilon_gaussian(sigma / 3.0, delta) == pytest.approx(epsilon, rel=1e-6)


def test_gaussian_needs_delta():
    with pytest.raises(ValueError, match="delta > 0"):
        gaussian_sigma(1.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="method='exact'"):
        gaussian_sigma(1.0, 0.5, 1e-5, method="exact")


def test_laplace_samples_follow_laplace_with_scale_delta_over_epsilon():
    """KS test of OpenDP's draws against Laplace(b = Δ/ε), and against the common wrong scale.

    OpenDP's samplers use the OS's secure randomness and cannot be seeded (by
    design), so the test uses a strict level: a false alarm has probability
    1e-6, while the wrong scale is rejected with overwhelming power.
    """
    sensitivity, epsilon = 2.0, 0.5
    b = laplace_scale(sensitivity, epsilon)
    draws = noise_samples("laplace", b, 4000)
    assert stats.kstest(draws, stats.laplace(scale=b).cdf).pvalue > 1e-6
    assert stats.kstest(draws, stats.laplace(scale=2 * epsilon / sensitivity).cdf).pvalue < 1e-12
    assert stats.kstest(draws, stats.norm(scale=b * math.sqrt(2)).cdf).pvalue < 1e-6


def test_gaussian_samples_have_the_configured_standard_deviation():
    draws = noise_samples("gaussian", 3.0, 4000)
    assert stats.kstest(draws, stats.norm(scale=3.0).cdf).pvalue > 1e-6
    assert np.std(draws) == pytest.approx(3.0, rel=0.06)


@pytest.mark.parametrize(("size", "error", "message"), [
    (0, ValueError, r"noise_samples: size=0 is outside \[1, 200000\]"),
    (-5, ValueError, "size=-5"),
    (10**7, ValueError, "size=10000000"),
    (2.5, TypeError, r"noise_samples: size must be a whole number, got float \(2.5\)"),
])
def test_sample_size_is_checked(size, error, message):
    with pytest.raises(error, match=message):
        noise_samples("laplace", 1.0, size)


def test_unknown_mechanism():
    with pytest.raises(ValueError, match="mechanism='exponential'"):
        noise_samples("exponential", 1.0, 10)


@pytest.mark.parametrize("mechanism", ["laplace", "gaussian"])
def test_density_integrates_to_one(mechanism):
    total, _ = integrate.quad(lambda x: float(noise_density(mechanism, 2.0, x)), -200, 200,
                              points=[0.0])
    assert total == pytest.approx(1.0, abs=1e-6)


def test_plot_noise_overlays_draws_and_theory():
    figure = plot_noise("laplace", 2.0, noise_samples("laplace", 2.0, 500))
    labels = figure.axes[0].get_legend_handles_labels()[1]
    assert any("OpenDP draws" in label for label in labels)
    assert any("Laplace(b=2)" in label for label in labels)

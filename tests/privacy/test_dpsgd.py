"""DPSGDClassifier: clipping, noise, Poisson sampling, accounting, the scikit-learn contract."""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pytest
from dp_accounting import pld, rdp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.estimator_checks import parametrize_with_checks

from govkit.exceptions import BudgetExceededError, PrivacyLeakWarning
from govkit.privacy import (
    DPSGDClassifier,
    PrivacyBudget,
    calibrate_noise_multiplier,
    dpsgd_event,
    epsilon_of,
)
from govkit.privacy._budget import pld_discretization


def data(n=600, d=4, random_state=0):
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n, d))
    y = (X @ np.arange(1, d + 1) + rng.normal(size=n) > 0).astype(int)
    return X, y


@parametrize_with_checks([
    DPSGDClassifier(noise_multiplier=0.5, epochs=30, learning_rate=0.5, random_state=0),
    DPSGDClassifier(hidden_units=8, noise_multiplier=0.5, epochs=30, learning_rate=0.5,
                    random_state=0),
])
def test_scikit_learn_contract(estimator, check):
    check(estimator)


def params_for(kind, d, random_state=0):
    model = DPSGDClassifier(hidden_units=None if kind == "lr" else 5, noise_multiplier=1.0)
    params = model._init_params(d, np.random.RandomState(random_state))
    if kind == "lr":
        params = {"w": np.random.RandomState(random_state + 1).normal(size=d) * 3, "b": np.array([0.5])}
    return params


@pytest.mark.parametrize("kind", ["lr", "mlp"])
def test_per_example_gradients_match_finite_differences(kind):
    X, y = data(n=5, d=3)
    params = params_for(kind, 3)
    grads = DPSGDClassifier._per_example_gradients(params, X, y.astype(float))
    flat = np.concatenate([v.ravel() for v in params.values()])

    def loss(vector, i):
        pieces, start = {}, 0
        for key, value in params.items():
            pieces[key] = vector[start:start + value.size].reshape(value.shape)
            start += value.size
        z = DPSGDClassifier._logit(pieces, X[i:i + 1])[0]
        return np.logaddexp(0, z) - y[i] * z

    for i in range(len(X)):
        numeric = np.array([
            (loss(flat + e, i) - loss(flat - e, i)) / 2e-6
            for e in np.eye(flat.size) * 1e-6
        ])
        order = _order(params)
        np.testing.assert_allclose(grads[i], numeric[order], rtol=1e-5, atol=1e-7)


def _order(params):
    """Map _per_example_gradients' column order to the flattened parameter order."""
    sizes = {k: v.size for k, v in params.items()}
    starts, start = {}, 0
    for key in params:
        starts[key] = start
        start += sizes[key]
    keys = ["w", "b"] if "w" in params else ["W1", "b1", "w2", "b2"]
    return np.concatenate([np.arange(starts[k], starts[k] + sizes[k]) for k in keys])


@settings(max_examples=25, deadline=None)
@given(clip=st.floats(0.01, 5.0), scale=st.floats(0.1, 50.0), random_state=st.integers(0, 10_000),
       kind=st.sampled_from(["lr", "mlp"]))
def test_clipping_bounds_every_per_example_gradient(clip, scale, random_state, kind):
    rng = np.random.default_rng(random_state)
    X = rng.normal(scale=scale, size=(40, 3))
    y = rng.integers(0, 2, size=40).astype(float)
    params = params_for(kind, 3, random_state % 100)
    per_example = DPSGDClassifier._per_example_gradients(params, X, y)
    norms = np.linalg.norm(per_example, axis=1)
    clipped = per_example * np.minimum(1.0, clip / np.maximum(norms, 1e-12))[:, None]
    assert np.all(np.linalg.norm(clipped, axis=1) <= clip * (1 + 1e-9))
    # the fast path (no per-example matrices) sums exactly these clipped gradients
    fast = DPSGDClassifier._clipped_gradient_sum(params, X, y, clip)
    flat = np.concatenate([fast[k].ravel() for k in (["w", "b"] if kind == "lr" else
                                                      ["W1", "b1", "w2", "b2"])])
    np.testing.assert_allclose(flat, clipped.sum(axis=0), rtol=1e-8, atol=1e-10)
    # and one example can move the sum by at most the clip norm (the sensitivity)
    without_first = DPSGDClassifier._clipped_gradient_sum(params, X[1:], y[1:], clip)
    change = np.sqrt(sum(np.sum((fast[k] - without_first[k]) ** 2) for k in fast))
    assert change <= clip * (1 + 1e-9)


def test_noise_has_the_configured_standard_deviation():
    rng = np.random.RandomState(0)
    zero = {"w": np.zeros(50_000), "b": np.zeros(1)}
    noisy = DPSGDClassifier._add_noise(zero, 1.3 * 0.7, rng)
    assert np.std(noisy["w"]) == pytest.approx(1.3 * 0.7, rel=0.02)
    assert abs(np.mean(noisy["w"])) < 0.02


def test_training_adds_sigma_times_c_noise_to_the_summed_gradient():
    X, y = data()
    model = DPSGDClassifier(noise_multiplier=2.5, clip_norm=0.4, epochs=1, random_state=0)
    with mock.patch.object(DPSGDClassifier, "_add_noise", wraps=DPSGDClassifier._add_noise) as add:
        model.fit(X, y)
    stds = [call.args[1] for call in add.call_args_list]
    assert stds == pytest.approx([2.5 * 0.4] * len(stds))
    assert add.call_count == model.steps_


def test_batches_are_poisson_samples():
    X, y = data(n=2000)
    sizes = []
    original = DPSGDClassifier._clipped_gradient_sum

    def record(params, Xb, yb, clip, norms=None):
        sizes.append(len(Xb))
        return original(params, Xb, yb, clip, norms)

    model = DPSGDClassifier(noise_multiplier=1.0, batch_size=100, epochs=20, random_state=0)
    with mock.patch.object(DPSGDClassifier, "_clipped_gradient_sum", side_effect=record):
        model.fit(X, y)
    q = 100 / 2000
    assert model.sampling_probability_ == q and model.steps_ == 400 == len(sizes)
    # binomial(n, q): mean nq = 100, variance nq(1-q) = 95; fixed-size batches would have 0
    assert np.mean(sizes) == pytest.approx(100, abs=3)
    assert np.var(sizes) == pytest.approx(95, rel=0.25)


def test_epsilon_equals_a_direct_dp_accounting_computation():
    X, y = data(n=1000)
    model = DPSGDClassifier(noise_multiplier=1.1, batch_size=50, epochs=3, delta=1e-5,
                            random_state=0).fit(X, y)
    steps = math.ceil(3 / 0.05)
    direct = pld.PLDAccountant(value_discretization_interval=pld_discretization(model.epsilon_))
    direct.compose(dpsgd_event(0.05, 1.1, steps))
    assert model.steps_ == steps
    assert model.epsilon_ == pytest.approx(direct.get_epsilon(1e-5), rel=1e-12)
    rdp_model = DPSGDClassifier(noise_multiplier=1.1, batch_size=50, epochs=3, delta=1e-5,
                                accountant="rdp", random_state=0).fit(X, y)
    direct = rdp.RdpAccountant()
    direct.compose(dpsgd_event(0.05, 1.1, steps))
    assert rdp_model.epsilon_ == pytest.approx(direct.get_epsilon(1e-5), rel=1e-12)
    assert rdp_model.epsilon_ > model.epsilon_  # PLD is tighter


@pytest.mark.parametrize("target", [0.3, 2.0])
def test_target_epsilon_calibrates_the_noise(target):
    X, y = data(n=1000)
    model = DPSGDClassifier(target_epsilon=target, batch_size=100, epochs=2, delta=1e-5,
                            random_state=0).fit(X, y)
    assert model.epsilon_ <= target
    assert model.epsilon_ >= 0.97 * target  # no more noise than needed
    looser = epsilon_of(dpsgd_event(0.1, model.noise_multiplier_ - 0.01, 20), 1e-5)
    assert looser > target
    assert calibrate_noise_multiplier(target, 1e-5, sampling_probability=0.1, steps=20) == \
        model.noise_multiplier_


def test_refusal_happens_before_any_random_number_is_drawn():
    X, y = data()
    rng = np.random.RandomState(7)
    before = rng.get_state()[1].copy(), rng.get_state()[2]
    budget = PrivacyBudget(epsilon=0.5, delta=1e-5)
    model = DPSGDClassifier(noise_multiplier=0.8, random_state=rng)
    with mock.patch.object(DPSGDClassifier, "_add_noise") as noise:
        with pytest.raises(BudgetExceededError, match="DP-SGD training"):
            model.fit(X, y, budget=budget)
    noise.assert_not_called()
    after = rng.get_state()
    np.testing.assert_array_equal(after[1], before[0])
    assert after[2] == before[1]
    assert budget.charges == () and not hasattr(model, "epsilon_")


def test_fit_charges_the_budget():
    X, y = data()
    budget = PrivacyBudget(epsilon=20.0, delta=1e-4)
    model = DPSGDClassifier(noise_multiplier=1.0, delta=1e-5, random_state=0).fit(X, y, budget=budget)
    assert len(budget.charges) == 1
    assert budget.charges[0].epsilon == model.epsilon_
    assert budget.charges[0].sampling.startswith("Poisson subsampling")


def test_predictions_and_labels():
    X, y = data()
    labels = np.where(y == 1, "hired", "rejected")
    model = DPSGDClassifier(noise_multiplier=0.5, epochs=20, random_state=0).fit(X, labels)
    assert set(model.predict(X)) <= {"hired", "rejected"}
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.score(X, labels) > 0.8
    assert model.coef_.shape == (4,) and isinstance(model.intercept_, float)


def test_same_seed_same_model():
    X, y = data()
    a = DPSGDClassifier(hidden_units=4, noise_multiplier=1.0, random_state=3).fit(X, y)
    b = DPSGDClassifier(hidden_units=4, noise_multiplier=1.0, random_state=3).fit(X, y)
    c = DPSGDClassifier(hidden_units=4, noise_multiplier=1.0, random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.allclose(a.predict_proba(X), c.predict_proba(X))


@pytest.mark.parametrize("y, message", [
    (np.arange(600) % 3, r"exactly two classes, got 3 \(0, 1, 2\)"),
    (np.zeros(600), r"only one class \(0.0\)"),
])
def test_non_binary_targets_are_refused(y, message):
    X, _ = data()
    with pytest.raises(ValueError, match=message):
        DPSGDClassifier(noise_multiplier=1.0).fit(X, y)


@pytest.mark.parametrize("kwargs, message", [
    ({}, "give exactly one of noise_multiplier"),
    ({"noise_multiplier": 1.0, "target_epsilon": 1.0}, "give exactly one"),
    ({"noise_multiplier": -1.0}, "noise_multiplier=-1.0 must be a finite number > 0"),
    ({"target_epsilon": math.inf}, "target_epsilon=inf"),
    ({"noise_multiplier": 1.0, "delta": 1.5}, "delta=1.5"),
    ({"noise_multiplier": 1.0, "clip_norm": 0}, "clip_norm=0"),
    ({"noise_multiplier": 1.0, "batch_size": 0}, "batch_size=0"),
    ({"noise_multiplier": 1.0, "hidden_units": 0}, "hidden_units=0"),
    ({"noise_multiplier": 1.0, "momentum": 1.0}, "momentum=1.0"),
    ({"noise_multiplier": 1.0, "accountant": "moments"}, "accountant='moments'"),
])
def test_bad_parameters_are_explained(kwargs, message):
    X, y = data()
    with pytest.raises(ValueError, match=message):
        DPSGDClassifier(**kwargs).fit(X, y)


def test_large_delta_warns():
    X, y = data(n=100)
    with pytest.warns(PrivacyLeakWarning, match="1/n"):
        DPSGDClassifier(noise_multiplier=1.0, delta=0.05, epochs=1, random_state=0).fit(X, y)


def test_privacy_event_needs_no_data():
    event = DPSGDClassifier(noise_multiplier=1.0, batch_size=256, epochs=10).privacy_event(32561)
    assert event.count == math.ceil(10 * 32561 / 256)
    assert event.event.sampling_probability == pytest.approx(256 / 32561)

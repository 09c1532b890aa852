"""DP-SGD refuses parameters it cannot give a finite, computable guarantee for, in fit, with the reason."""

from __future__ import annotations

import math

import numpy as np
import pytest
from dp_accounting import mechanism_calibration
from sklearn.base import clone

from govkit.exceptions import PrivacyLeakWarning
from govkit.privacy import DPSGDClassifier, PrivacyBudget, _dpsgd, calibrate_noise_multiplier


def data(n: int = 2000):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("kwargs", [{"noise_multiplier": 1.0}, {"target_epsilon": 1.0}],
                         ids=["noise_multiplier", "target_epsilon"])
def test_delta_zero_is_refused_with_the_reason(kwargs):
    X, y = data()
    model = DPSGDClassifier(delta=0, epochs=1, **kwargs)  # scikit-learn: __init__ only stores
    assert model.get_params()["delta"] == 0 and clone(model).delta == 0
    with pytest.raises(ValueError, match=r"delta=0 cannot be used with DP-SGD's Gaussian noise: "
                                         r"Gaussian noise gives no pure-epsilon guarantee, so "
                                         r"with delta=0 no finite epsilon exists.*1/n.*1e-6"):
        model.fit(X, y)
    assert not hasattr(model, "epsilon_")  # before: epsilon_ = inf, or a bracketing traceback


@pytest.mark.parametrize(
    ("delta", "error", "reason"),
    [
        (0.0, ValueError, "no finite epsilon exists"),
        (-1e-5, ValueError, r"it must lie in \[0, 1\)"),
        (1.0, ValueError, r"delta >= 1 promises nothing"),
        (1.5, ValueError, r"it must lie in \[0, 1\)"),
        (math.nan, ValueError, r"it must lie in \[0, 1\)"),
        (math.inf, ValueError, r"it must lie in \[0, 1\)"),
        (1e-300, ValueError, "cannot resolve a delta below 1e-12"),
        (1e-13, ValueError, "cannot resolve a delta below 1e-12"),
        ("1e-5", TypeError, "delta must be a number"),
        (None, TypeError, "delta must be a number"),
        (True, TypeError, "delta must be a number"),
    ],
)
def test_every_unusable_delta_is_refused_in_fit_and_privacy_event(delta, error, reason):
    X, y = data()
    model = DPSGDClassifier(noise_multiplier=1.0, delta=delta, epochs=1)
    shown = repr(delta).replace("(", r"\(").replace(".", r"\.").replace("-", r"\-")
    for call in (lambda: model.fit(X, y), lambda: model.privacy_event(len(X)),
                 lambda: calibrate_noise_multiplier(1.0, delta, sampling_probability=0.1,
                                                    steps=10)):
        with pytest.raises(error, match=rf"delta={shown} cannot be used.*{reason}"):
            call()


def test_a_refused_delta_draws_no_random_number_and_charges_nothing():
    X, y = data()
    rng = np.random.RandomState(7)
    state = rng.get_state()[1].copy()
    budget = PrivacyBudget(epsilon=10.0, delta=1e-5)
    with pytest.raises(ValueError, match="delta=0"):
        DPSGDClassifier(noise_multiplier=1.0, delta=0, epochs=1, random_state=rng).fit(
            X, y, budget=budget)
    assert np.array_equal(rng.get_state()[1], state)
    assert budget.spent_epsilon == 0


def test_the_smallest_delta_accepted_gives_a_finite_epsilon():
    X, y = data()
    model = DPSGDClassifier(noise_multiplier=1.0, delta=1e-12, epochs=1, random_state=0).fit(X, y)
    assert math.isfinite(model.epsilon_) and model.delta_ == 1e-12


def test_numpy_deltas_are_numbers():
    X, y = data()
    model = DPSGDClassifier(noise_multiplier=1.0, delta=np.float32(1e-5), epochs=1,
                            random_state=0).fit(X, y)
    assert math.isfinite(model.epsilon_)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        # before: the PLD accountant ran for minutes
        ({"noise_multiplier": 1e-3}, r"noise_multiplier=0\.001 is below 0\.1: .*protects nobody"),
        # before: OverflowError inside dp-accounting
        ({"noise_multiplier": 1e300}, r"noise_multiplier=1e\+300 is above 1e6.*dp-accounting overflows"),
        # before: numpy overflow in the clipping
        ({"noise_multiplier": 1.0, "clip_norm": 1e300}, r"clip_norm=1e\+300 is above 1e6"),
        # before: numpy overflow in the hidden layer
        ({"noise_multiplier": 1.0, "hidden_units": 4, "learning_rate": 1e300},
         r"learning_rate=1e\+300 is above 1e6"),
        # before: dp-accounting's NoBracketIntervalFoundError
        ({"target_epsilon": 1e4}, r"target_epsilon=10000\.0 is above 100: .*protects nobody"),
        # before: weights growing as 1.5**steps, a meaningless model
        ({"noise_multiplier": 1.0, "l2": 20.0},
         r"learning_rate \* l2 = 4 \(learning_rate=0\.2, l2=20\.0\) must be below "
         r"2 \* \(1 \+ momentum\) = 3\.8"),
        # before: a loop over 1e300 steps
        ({"noise_multiplier": 1.0, "epochs": 1e300},
         r"epochs=1e\+300 with batch_size=256 on 2,000 records means 7\.81e\+300 noisy steps"),
    ],
    ids=["tiny-noise", "huge-noise", "huge-clip", "huge-learning-rate", "huge-target",
         "diverging-decay", "endless-steps"],
)
def test_bad_training_parameters_get_a_clear_message_not_a_library_traceback(kwargs, pattern):
    X, y = data()
    model = DPSGDClassifier(**{"epochs": 1, **kwargs})
    with pytest.raises(ValueError, match=pattern):
        model.fit(X, y)


def test_a_huge_batch_size_means_full_batches():
    X, y = data()
    model = DPSGDClassifier(noise_multiplier=1.0, batch_size=10**400, epochs=1,
                            random_state=0).fit(X, y)  # before: OverflowError in batch_size / n
    assert model.sampling_probability_ == 1.0 and model.steps_ == 1


def test_the_edges_of_the_accepted_ranges_train():
    X, y = data()
    quiet = DPSGDClassifier(noise_multiplier=0.1, epochs=1, accountant="rdp", random_state=0)
    assert math.isfinite(quiet.fit(X, y).epsilon_)
    decay = DPSGDClassifier(noise_multiplier=1.0, l2=18.0, epochs=1, random_state=0).fit(X, y)
    assert np.all(np.isfinite(decay.coef_))


def test_a_calibration_dp_accounting_cannot_solve_is_explained(monkeypatch):
    def no_bracket(*args, **kwargs):
        raise mechanism_calibration.NoBracketIntervalFoundError("Unable to find bracketing interval")

    monkeypatch.setattr(_dpsgd, "calibrate_noise_multiplier", no_bracket)
    X, y = data()
    with pytest.raises(ValueError, match=r"found no noise multiplier that meets "
                                         r"target_epsilon=50\.0 at delta=0\.5") as caught:
        DPSGDClassifier(target_epsilon=50.0, delta=0.5, epochs=1).fit(X, y)
    assert isinstance(caught.value.__cause__, mechanism_calibration.NoBracketIntervalFoundError)


def test_a_large_delta_still_only_warns():
    X, y = data()
    with pytest.warns(PrivacyLeakWarning, match="delta=0.05"):
        DPSGDClassifier(noise_multiplier=1.0, delta=0.05, epochs=1, random_state=0).fit(X, y)

"""DP-SGD (Abadi et al. 2016) for logistic regression and a one-hidden-layer MLP.

Each step:

1. **Poisson subsampling**: every training record joins the batch
   independently with probability ``q = batch_size / n`` (the sampling
   scheme the accountant's privacy amplification assumes; shuffled
   fixed-size batches would need a different, weaker analysis).
2. **Per-example gradients, clipped** to L2 norm at most ``C = clip_norm``,
   so no single record can move the sum by more than ``C``.
3. **Gaussian noise** with standard deviation ``sigma * C`` on every
   coordinate of the *summed* clipped gradient; the result is divided by the
   expected batch size ``q * n``.

The guarantee comes from dp-accounting: ``T = ceil(epochs / q)`` compositions
of a Poisson-subsampled Gaussian mechanism with noise multiplier ``sigma``,
composed by its PLD (or RDP) accountant. Either give ``noise_multiplier`` and
read ``epsilon_`` after ``fit``, or give ``target_epsilon`` and the noise
multiplier is calibrated (dp-accounting's ``calibrate_dp_mechanism``).

Why not Opacus or TensorFlow Privacy: both need a deep-learning framework of
several hundred MB for models this small. Per-example gradients of a linear
or one-hidden-layer model are a few matrix products (the per-example norm of
a dense layer's gradient is ``|delta_i| * |a_i|``, Goodfellow 2015), so plain
numpy is fast and readable; the hard part, the accounting, is dp-accounting's.

What is *not* released: the training loss. A loss curve computed on the
private data after each step is itself a data-dependent output outside the
guarantee, so the classifier does not keep one.
"""

from __future__ import annotations

import math
import numbers

import dp_accounting
import numpy as np
from dp_accounting import mechanism_calibration
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from govkit._validation import as_seed, check_choice
from govkit.workspace import cached

from ._budget import (
    ACCOUNTANTS,
    PrivacyBudget,
    epsilon_of,
    make_accountant,
    pld_discretization,
    quiet_absl,
    warn_if_delta_large,
)
from ._validation import check_epsilon

__all__ = ["DPSGDClassifier", "calibrate_noise_multiplier", "dpsgd_event"]

SAMPLING = "Poisson subsampling: each record joins each batch independently with probability q"

_BOTH_OR_NEITHER = (
    "DPSGDClassifier: give exactly one of noise_multiplier= (then read epsilon_ after fit) or "
    "target_epsilon= (then the noise multiplier is calibrated); got noise_multiplier={sigma!r}, "
    "target_epsilon={target!r}. Example: DPSGDClassifier(target_epsilon=1.0, delta=1e-5)."
)
_BAD_POSITIVE = "DPSGDClassifier: {name}={value!r} must be a finite number > 0; pass e.g. {name}={example}."
_BAD_NONNEGATIVE = "DPSGDClassifier: {name}={value!r} must be a finite number >= 0; pass e.g. {name}={example}."
_BAD_INT = "DPSGDClassifier: {name}={value!r} must be a whole number >= 1; pass e.g. {name}={example}."
_BAD_HIDDEN = (
    "DPSGDClassifier: hidden_units={value!r} must be None (logistic regression) or a whole "
    "number >= 1 (a one-hidden-layer MLP), e.g. hidden_units=32."
)
_NOT_BINARY = (
    "DPSGDClassifier.fit: Only binary classification is supported. y must have exactly two "
    "classes, got {count} ({values}); binarize the target first (1 = favourable outcome, "
    "0 otherwise)."
)
_ONE_CLASS = (
    "DPSGDClassifier.fit: y has only one class ({values}); a classifier needs examples of both "
    "outcomes. Check the target column and any filtering applied before training."
)
_NOT_LABELS = (
    "DPSGDClassifier.fit: Unknown label type: y looks {kind}, not like class labels. DP-SGD "
    "here trains binary classifiers; pass two class labels (e.g. 0/1)."
)

# Gaussian noise and dp-accounting set the usable ranges below; each message says why.
MIN_DELTA = 1e-12
MIN_NOISE_MULTIPLIER = 0.1
MAX_TARGET_EPSILON = 100.0
MAX_SCALE = 1e6  # for noise_multiplier, clip_norm, learning_rate
MAX_STEPS = 1_000_000
_BAD_GAUSSIAN_DELTA = (
    "{func}: delta={value!r} cannot be used with DP-SGD's Gaussian noise: {reason}. Pass "
    "1e-12 <= delta < 1, well below 1/n for n training records, e.g. delta=1e-6."
)
_DELTA_NOT_A_NUMBER = "delta must be a number"
_DELTA_ZERO = (
    "Gaussian noise gives no pure-epsilon guarantee, so with delta=0 no finite epsilon "
    "exists (the accountant would report epsilon=inf, or fail to calibrate the noise)"
)
_DELTA_TINY = (
    "dp-accounting cannot resolve a delta below 1e-12 (its PLD accountant reports "
    "epsilon=inf there), and so small a delta buys nothing over 1e-10"
)
_DELTA_RANGE = "delta is a probability of failure: it must lie in [0, 1), and delta >= 1 promises nothing"
_SMALL_NOISE = (
    "DPSGDClassifier: noise_multiplier={value!r} is below 0.1: noise that small next to "
    "clip_norm protects nobody (epsilon runs into the hundreds or thousands), and "
    "dp-accounting's PLD accountant can take minutes to account it. Typical values are 0.5 to "
    "5; pass e.g. noise_multiplier=1.0, or target_epsilon= to have the noise calibrated."
)
_TOO_LARGE = (
    "DPSGDClassifier: {name}={value!r} is above 1e6, far beyond any useful value: {why} "
    "Pass e.g. {name}={example}."
)
_LARGE_WHY = {
    "noise_multiplier": "noise that large drowns every gradient (epsilon is already 0 at 1e4), "
                        "and dp-accounting overflows.",
    "clip_norm": "it clips nothing and multiplies the noise (its standard deviation is "
                 "noise_multiplier * clip_norm), and the arithmetic overflows.",
    "learning_rate": "steps that large make the weights meaningless, and a hidden layer's "
                     "arithmetic overflows.",
}
_TARGET_TOO_LARGE = (
    "DPSGDClassifier: target_epsilon={value!r} is above 100: a guarantee that weak (the "
    "probability of any outcome may change by a factor e^100) protects nobody, and the "
    "noise it calls for is below what the calibration searches. Pass a target between 0.1 and "
    "10 (1 is common), or noise_multiplier= for a run with a given noise."
)
_UNSTABLE_DECAY = (
    "DPSGDClassifier: learning_rate * l2 = {product:g} (learning_rate={lr!r}, l2={l2!r}) must "
    "be below 2 * (1 + momentum) = {limit:g}: a larger weight-decay step overshoots and the "
    "weights grow without bound until they overflow. Lower l2 (1e-4 is typical) or "
    "learning_rate."
)
_TOO_MANY_STEPS = (
    "DPSGDClassifier.fit: epochs={epochs!r} with batch_size={batch_size!r} on {n:,} records "
    "means {steps} noisy steps; govkit stops at 1,000,000 (hours of training). Lower epochs "
    "or raise batch_size."
)
_NOT_CALIBRATED = (
    "DPSGDClassifier.fit: dp-accounting found no noise multiplier that meets "
    "target_epsilon={target!r} at delta={delta!r} for {steps:,} steps with sampling "
    "probability {q:.3g} (accountant={accountant!r}); the target is too weak for that delta "
    "and sampling. Pass a smaller target_epsilon (1 is common), a delta well below 1/n, or "
    "noise_multiplier= directly."
)


def check_gaussian_delta(value, func: str) -> float:
    """Return ``value`` as a float if it is a usable delta for Gaussian noise, else raise.

    Gaussian noise needs ``delta > 0`` (no finite epsilon exists at
    ``delta=0``) and dp-accounting resolves deltas down to :data:`MIN_DELTA`.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(_BAD_GAUSSIAN_DELTA.format(func=func, value=value,
                                                   reason=_DELTA_NOT_A_NUMBER))
    number = float(value)
    if math.isfinite(number) and MIN_DELTA <= number < 1.0:
        return number
    if number == 0:
        reason = _DELTA_ZERO
    elif 0 < number < MIN_DELTA:
        reason = _DELTA_TINY
    else:
        reason = _DELTA_RANGE
    raise ValueError(_BAD_GAUSSIAN_DELTA.format(func=func, value=value, reason=reason))
_NOT_A_BUDGET = (
    "DPSGDClassifier.fit: budget must be a govkit.privacy.PrivacyBudget or None, got {kind}; "
    "create one with PrivacyBudget(epsilon=..., delta=...)."
)


def dpsgd_event(sampling_probability: float, noise_multiplier: float, steps: int):
    """The dp-accounting event of DP-SGD: ``steps`` Poisson-subsampled Gaussian mechanisms.

    Examples
    --------
    >>> from govkit.privacy import dpsgd_event, epsilon_of
    >>> event = dpsgd_event(256 / 60_000, 1.1, 14_063)   # 60 epochs
    >>> round(epsilon_of(event, 1e-5, accountant="rdp"), 2)
    2.6
    """
    return dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(
            sampling_probability, dp_accounting.GaussianDpEvent(noise_multiplier)
        ),
        int(steps),
    )


_CALIBRATION_CACHE: dict[tuple, float] = {}


def calibrate_noise_multiplier(
    target_epsilon: float,
    delta: float,
    *,
    sampling_probability: float,
    steps: int,
    accountant: str = "pld",
) -> float:
    """The smallest noise multiplier whose DP-SGD run meets (target_epsilon, delta).

    Uses dp-accounting's ``calibrate_dp_mechanism`` (Brent's method over the
    accountant); the result's epsilon is at most ``target_epsilon``.
    Memoised, since the search runs the accountant a dozen times.

    Examples
    --------
    >>> from govkit.privacy import calibrate_noise_multiplier, dpsgd_event, epsilon_of
    >>> sigma = calibrate_noise_multiplier(1.0, 1e-5, sampling_probability=0.01, steps=100,
    ...                                    accountant="rdp")
    >>> epsilon_of(dpsgd_event(0.01, sigma, 100), 1e-5, accountant="rdp") <= 1.0
    True
    """
    target_epsilon = check_epsilon(target_epsilon, "target_epsilon", "calibrate_noise_multiplier")
    delta = check_gaussian_delta(delta, "calibrate_noise_multiplier")
    key = (target_epsilon, delta, float(sampling_probability), int(steps), accountant)
    if key not in _CALIBRATION_CACHE:
        _CALIBRATION_CACHE[key] = cached(
            "privacy-calibration",
            {"target_epsilon": target_epsilon, "delta": delta, "q": key[2], "steps": key[3],
             "accountant": accountant,
             "pld_discretization": pld_discretization(target_epsilon)},
            lambda: _calibrate(target_epsilon, delta, key[2], key[3], accountant),
        )
    return _CALIBRATION_CACHE[key]


def _calibrate(target_epsilon, delta, sampling_probability, steps, accountant) -> float:
    def event(sigma):
        return dpsgd_event(sampling_probability, sigma, steps)

    # The RDP accountant is fast and looser than PLD (it needs at least as much
    # noise), so its answer is an upper end for the PLD search.
    with quiet_absl():  # RDP logs orders it skips at large sampling rates; not our user's concern
        upper = dp_accounting.calibrate_dp_mechanism(
            lambda: make_accountant("rdp"), event, target_epsilon, delta,
            bracket_interval=dp_accounting.LowerEndpointAndGuess(0.05, 1.0), tol=1e-3,
        ) + 1e-3
    if accountant == "rdp":
        sigma = upper
    else:
        # PLD is rarely more than 20% tighter than RDP here; small noise
        # multipliers are the slow ones to account, so search near the top first.
        for lower in (0.8 * upper, 0.5 * upper, 0.05):
            if epsilon_of(event(lower), delta, accountant=accountant) > target_epsilon:
                break
        sigma = dp_accounting.calibrate_dp_mechanism(
            lambda: make_accountant(accountant, epsilon=target_epsilon), event, target_epsilon,
            delta, bracket_interval=dp_accounting.ExplicitBracketInterval(lower, upper),
            tol=1e-3,
        )
    # Brent's method returns a point within tol of the boundary; step up
    # until the accountant confirms the target is met.
    while epsilon_of(event(sigma), delta, accountant=accountant) > target_epsilon:
        sigma += 1e-3
    return float(sigma)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # numerically stable logistic


class DPSGDClassifier(ClassifierMixin, BaseEstimator):
    """Binary classifier trained by differentially private SGD (numpy, scikit-learn API).

    Parameters
    ----------
    hidden_units : int or None
        ``None``: logistic regression. An int: one hidden ReLU layer of that
        width.
    noise_multiplier : float, optional
        Noise standard deviation as a multiple of ``clip_norm``, from 0.1 to
        1e6. Give this or ``target_epsilon``.
    target_epsilon : float, optional
        The epsilon to reach at ``delta`` (at most 100); the noise multiplier
        is calibrated.
    delta : float
        The delta of the guarantee, with ``1e-12 <= delta < 1``: Gaussian noise
        gives no pure-epsilon guarantee, so ``delta=0`` is refused (no finite
        epsilon exists). Keep it well below 1/n, e.g. 1e-6.
    clip_norm : float
        L2 bound ``C`` on every per-example gradient (at most 1e6).
    batch_size : int
        Expected batch size; the sampling probability is ``batch_size / n``.
    epochs : float
        Expected passes over the data; steps = ``ceil(epochs * n / batch_size)``,
        at most 1,000,000.
    learning_rate : float
        Step size of SGD with momentum (momentum is post-processing of the
        noisy gradients, so it costs no privacy); at most 1e6, and
        ``learning_rate * l2 < 2 * (1 + momentum)`` so that weight decay
        cannot diverge.
    momentum : float
    l2 : float
        Weight decay (independent of the data, so free).
    accountant : {"pld", "rdp"}
        dp-accounting accountant for ``epsilon_`` and the calibration.
    random_state : None, int, numpy Generator or RandomState
        Seeds initialisation, batch sampling and the noise (DP-SGD's noise is
        numpy's Gaussian; OpenDP's hardened samplers are for the statistics).
        A Generator gives a seed drawn from it.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (n_features,)
        Logistic regression weights (``hidden_units=None`` only).
    intercept_ : float
        Logistic regression bias (``hidden_units=None`` only).
    params_ : dict of ndarray
        All weights (``W1, b1, w2, b2`` for the MLP; ``w, b`` for LR).
    noise_multiplier_ : float
        The noise multiplier used (given or calibrated).
    epsilon_ : float
        dp-accounting's epsilon of this training at ``delta``.
    delta_ : float
    sampling_probability_ : float
    steps_ : int
    dp_event_ : dp_accounting.DpEvent
        What the accountant composed.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from govkit.privacy import DPSGDClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(10000, 3)); y = (X[:, 0] > 0).astype(int)
    >>> model = DPSGDClassifier(noise_multiplier=1.0, epochs=3, random_state=0).fit(X, y)
    >>> round(model.epsilon_, 2), model.score(X, y) > 0.9
    (1.93, True)
    """

    def __init__(
        self,
        *,
        hidden_units: int | None = None,
        noise_multiplier: float | None = None,
        target_epsilon: float | None = None,
        delta: float = 1e-5,
        clip_norm: float = 1.0,
        batch_size: int = 256,
        epochs: float = 10,
        learning_rate: float = 0.2,
        momentum: float = 0.9,
        l2: float = 0.0,
        accountant: str = "pld",
        random_state=None,
    ) -> None:
        self.hidden_units = hidden_units
        self.noise_multiplier = noise_multiplier
        self.target_epsilon = target_epsilon
        self.delta = delta
        self.clip_norm = clip_norm
        self.batch_size = batch_size
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.l2 = l2
        self.accountant = accountant
        self.random_state = random_state

    # -- validation -----------------------------------------------------------------
    def _check_params(self) -> None:
        def positive(name, example):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
                math.isfinite(value) and value > 0
            ):
                raise ValueError(_BAD_POSITIVE.format(name=name, value=value, example=example))

        def nonnegative(name, example):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
                math.isfinite(value) and value >= 0
            ):
                raise ValueError(_BAD_NONNEGATIVE.format(name=name, value=value, example=example))

        def at_most_a_million(name, example):
            value = getattr(self, name)
            if value > MAX_SCALE:
                raise ValueError(_TOO_LARGE.format(name=name, value=value, example=example,
                                                   why=_LARGE_WHY[name]))

        if (self.noise_multiplier is None) == (self.target_epsilon is None):
            raise ValueError(
                _BOTH_OR_NEITHER.format(sigma=self.noise_multiplier, target=self.target_epsilon)
            )
        if self.noise_multiplier is not None:
            positive("noise_multiplier", 1.0)
            if self.noise_multiplier < MIN_NOISE_MULTIPLIER:
                raise ValueError(_SMALL_NOISE.format(value=self.noise_multiplier))
            at_most_a_million("noise_multiplier", 1.0)
        else:
            check_epsilon(self.target_epsilon, "target_epsilon", "DPSGDClassifier")
            if self.target_epsilon > MAX_TARGET_EPSILON:
                raise ValueError(_TARGET_TOO_LARGE.format(value=self.target_epsilon))
        check_gaussian_delta(self.delta, "DPSGDClassifier")
        positive("clip_norm", 1.0)
        at_most_a_million("clip_norm", 1.0)
        positive("epochs", 10)
        positive("learning_rate", 0.2)
        at_most_a_million("learning_rate", 0.2)
        nonnegative("l2", 1e-4)
        if not (isinstance(self.momentum, numbers.Real) and 0 <= self.momentum < 1):
            raise ValueError(_BAD_NONNEGATIVE.format(name="momentum", value=self.momentum,
                                                     example=0.9) + " It must also be < 1.")
        if self.learning_rate * self.l2 >= 2 * (1 + self.momentum):
            raise ValueError(_UNSTABLE_DECAY.format(
                product=self.learning_rate * self.l2, lr=self.learning_rate, l2=self.l2,
                limit=2 * (1 + self.momentum)))
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, numbers.Integral) \
                or self.batch_size < 1:
            raise ValueError(_BAD_INT.format(name="batch_size", value=self.batch_size, example=256))
        hidden = self.hidden_units
        if hidden is not None and (
            isinstance(hidden, bool) or not isinstance(hidden, numbers.Integral) or hidden < 1
        ):
            raise ValueError(_BAD_HIDDEN.format(value=hidden))
        check_choice(self.accountant, ACCOUNTANTS, param="accountant", func="DPSGDClassifier")

    def _privacy_plan(self, n: int) -> tuple[float, int, float]:
        """Sampling probability, steps and noise multiplier (calibrated if needed)."""
        q = 1.0 if self.batch_size >= n else self.batch_size / n  # no float overflow
        steps = int(math.ceil(self.epochs / q))
        if steps > MAX_STEPS:
            shown = f"{steps:,}" if steps < 10**12 else f"{float(steps):.3g}"
            raise ValueError(_TOO_MANY_STEPS.format(epochs=self.epochs, n=n, steps=shown,
                                                    batch_size=self.batch_size))
        if self.noise_multiplier is not None:
            sigma = float(self.noise_multiplier)
        else:
            try:
                sigma = calibrate_noise_multiplier(
                    self.target_epsilon, self.delta, sampling_probability=q, steps=steps,
                    accountant=self.accountant,
                )
            except (mechanism_calibration.NoBracketIntervalFoundError, ValueError) as error:
                # parameters were checked above: what is left is dp-accounting's search failing
                raise ValueError(_NOT_CALIBRATED.format(
                    target=self.target_epsilon, delta=self.delta, steps=steps, q=q,
                    accountant=self.accountant)) from error
        return q, steps, sigma

    def privacy_event(self, n: int) -> dp_accounting.DpEvent:
        """The dp-accounting event a fit on ``n`` records will be (no data needed).

        Examples
        --------
        >>> from govkit.privacy import DPSGDClassifier
        >>> event = DPSGDClassifier(noise_multiplier=1.0, epochs=2).privacy_event(1024)
        >>> event.count, event.event.sampling_probability
        (8, 0.25)
        """
        self._check_params()
        q, steps, sigma = self._privacy_plan(int(n))
        return dpsgd_event(q, sigma, steps)

    # -- the model ------------------------------------------------------------------
    def _init_params(self, n_features: int, rng) -> dict[str, np.ndarray]:
        if self.hidden_units is None:
            return {"w": np.zeros(n_features), "b": np.zeros(1)}
        h = int(self.hidden_units)
        return {
            "W1": rng.normal(0.0, math.sqrt(2.0 / max(n_features, 1)), size=(n_features, h)),
            "b1": np.zeros(h),
            "w2": rng.normal(0.0, math.sqrt(1.0 / h), size=h),
            "b2": np.zeros(1),
        }

    @staticmethod
    def _logit(params, X: np.ndarray) -> np.ndarray:
        if "w" in params:
            return X @ params["w"] + params["b"][0]
        hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
        return hidden @ params["w2"] + params["b2"][0]

    @staticmethod
    def _clipped_gradient_sum(params, X, y, clip_norm, row_sq_norms=None):
        """Sum over the rows of the per-example log-loss gradients, each clipped to clip_norm.

        Returns the summed gradient (same keys as ``params``) without forming
        the per-example gradients: a dense layer's per-example gradient is an
        outer product ``a_i delta_i^T`` whose norm is ``|a_i| |delta_i|``.
        """
        if row_sq_norms is None:
            row_sq_norms = np.einsum("ij,ij->i", X, X)
        if "w" in params:
            residual = _sigmoid(X @ params["w"] + params["b"][0]) - y
            norms = np.abs(residual) * np.sqrt(row_sq_norms + 1.0)
            scaled = residual * np.minimum(1.0, clip_norm / np.maximum(norms, 1e-12))
            return {"w": X.T @ scaled, "b": np.array([scaled.sum()])}
        pre = X @ params["W1"] + params["b1"]
        hidden = np.maximum(pre, 0.0)
        residual = _sigmoid(hidden @ params["w2"] + params["b2"][0]) - y
        d_hidden = residual[:, None] * params["w2"][None, :] * (pre > 0)
        sq = residual**2 * (np.einsum("ij,ij->i", hidden, hidden) + 1.0)
        sq += np.einsum("ij,ij->i", d_hidden, d_hidden) * (row_sq_norms + 1.0)
        factor = np.minimum(1.0, clip_norm / np.maximum(np.sqrt(sq), 1e-12))
        d_hidden *= factor[:, None]
        scaled = residual * factor
        return {
            "W1": X.T @ d_hidden,
            "b1": d_hidden.sum(axis=0),
            "w2": hidden.T @ scaled,
            "b2": np.array([scaled.sum()]),
        }

    @staticmethod
    def _per_example_gradients(params, X, y) -> np.ndarray:
        """Unclipped per-example gradients, flattened, shape (n, n_params) (for tests and teaching)."""
        if "w" in params:
            residual = _sigmoid(X @ params["w"] + params["b"][0]) - y
            return np.hstack([residual[:, None] * X, residual[:, None]])
        pre = X @ params["W1"] + params["b1"]
        hidden = np.maximum(pre, 0.0)
        residual = _sigmoid(hidden @ params["w2"] + params["b2"][0]) - y
        d_hidden = residual[:, None] * params["w2"][None, :] * (pre > 0)
        w1 = (X[:, :, None] * d_hidden[:, None, :]).reshape(len(X), -1)
        return np.hstack([w1, d_hidden, residual[:, None] * hidden, residual[:, None]])

    @staticmethod
    def _add_noise(gradient_sum, noise_std: float, rng):
        """Add N(0, noise_std^2) to every coordinate of the summed gradient."""
        return {k: v + rng.normal(0.0, noise_std, size=v.shape) for k, v in gradient_sum.items()}

    # -- scikit-learn API -----------------------------------------------------------
    def fit(self, X, y, *, budget: PrivacyBudget | None = None):
        """Train with DP-SGD.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric features. For a DP guarantee that covers the whole
            pipeline, scale them with public bounds
            (:class:`~govkit.privacy.DomainEncoder`), never with statistics of
            the data.
        y : array-like of shape (n_samples,)
            Two classes.
        budget : PrivacyBudget, optional
            If given, the training's event is checked against it before any
            random number is drawn, and charged after training.

        Returns
        -------
        self
        """
        self._check_params()
        if budget is not None and not isinstance(budget, PrivacyBudget):
            raise TypeError(_NOT_A_BUDGET.format(kind=type(budget).__name__))
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=False)
        target_type = type_of_target(y, input_name="y", raise_unknown=True)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(_NOT_LABELS.format(kind=target_type))
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) != 2:
            shown = ", ".join(repr(c) for c in classes[:6].tolist()) + (
                " ..." if len(classes) > 6 else "")
            if len(classes) < 2:
                raise ValueError(_ONE_CLASS.format(values=shown))
            raise ValueError(_NOT_BINARY.format(count=len(classes), values=shown))
        delta = check_gaussian_delta(self.delta, "DPSGDClassifier")
        n, n_features = X.shape
        q, steps, sigma = self._privacy_plan(n)
        event = dpsgd_event(q, sigma, steps)
        if budget is not None:
            budget.check(event, operation="DP-SGD training")  # before any randomness
        warn_if_delta_large(delta, n, "DPSGDClassifier.fit")

        random_state = self.random_state
        if not isinstance(random_state, np.random.RandomState):  # used as is, as scikit-learn does
            random_state = as_seed(random_state, func="DPSGDClassifier.fit", keep_none=True)
        rng = check_random_state(random_state)
        params = self._init_params(n_features, rng)
        velocity = {k: np.zeros_like(v) for k, v in params.items()}
        target = y_index.astype(np.float64)
        row_sq_norms = np.einsum("ij,ij->i", X, X)
        expected_batch = q * n
        noise_std = sigma * self.clip_norm
        # Thousands of small matrix products: BLAS threads only add contention here.
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in range(steps):
                batch = np.flatnonzero(rng.random_sample(n) < q)
                gradient = self._clipped_gradient_sum(
                    params, X[batch], target[batch], self.clip_norm, row_sq_norms[batch]
                )
                gradient = self._add_noise(gradient, noise_std, rng)
                for key, value in params.items():
                    step = gradient[key] / expected_batch + self.l2 * value
                    velocity[key] = self.momentum * velocity[key] - self.learning_rate * step
                    params[key] = value + velocity[key]

        self.classes_ = classes
        self.params_ = params
        if self.hidden_units is None:
            self.coef_ = params["w"].copy()
            self.intercept_ = float(params["b"][0])
        self.noise_multiplier_ = sigma
        self.sampling_probability_ = q
        self.steps_ = steps
        self.delta_ = delta
        self.dp_event_ = event
        self.epsilon_ = epsilon_of(event, delta, accountant=self.accountant)
        if budget is not None:
            budget.charge(
                event, operation="DP-SGD training", epsilon=self.epsilon_, delta=delta,
                mechanism="Poisson-subsampled Gaussian (DP-SGD)", sampling=SAMPLING,
            )
        return self

    def decision_function(self, X) -> np.ndarray:
        """The logit of the positive class (``classes_[1]``)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._logit(self.params_, X)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, 2)."""
        check_is_fitted(self)
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """The more probable class label."""
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

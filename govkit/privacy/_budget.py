"""One privacy budget for every DP operation, composed by Google's dp-accounting.

Each DP operation in govkit describes what it does to the data as a
``dp_accounting.DpEvent`` (a Laplace or Gaussian mechanism, a Poisson-subsampled
Gaussian repeated ``T`` times, ...). A :class:`PrivacyBudget` composes the
events of everything charged so far with a privacy-loss-distribution (PLD)
accountant, or a Rényi-DP (RDP) one, and reads off the epsilon spent at the
budget's delta. That is tighter than adding up the epsilons (which is valid,
but wasteful) and it is exactly how DP-SGD's guarantee is computed, so
statistics and training share one budget.

Before any operation draws noise it asks :meth:`PrivacyBudget.check`; an
over-spend raises :class:`~govkit.exceptions.BudgetExceededError`, which says
what is left. Refusing costs no privacy because nothing was computed.

The accountants are dp-accounting's; this module only keeps the list of
charges and the bookkeeping around them (what to tell the ledger).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dp_accounting
import numpy as np
import pandas as pd
from dp_accounting import pld, rdp

from govkit._validation import check_choice
from govkit.exceptions import BudgetExceededError, PrivacyLeakWarning

from ._validation import check_delta, check_epsilon

__all__ = [
    "ACCOUNTANTS",
    "NEIGHBOURING_RELATION",
    "PLD_DISCRETIZATION",
    "Charge",
    "PrivacyBudget",
    "compare_accountants",
    "epsilon_of",
    "make_accountant",
    "pld_discretization",
    "pure_epsilon",
]

ACCOUNTANTS = ("pld", "rdp")
#: dp-accounting's PLD accountant discretises the privacy loss; the estimate is
#: pessimistic (an upper bound) by roughly the interval times a small factor.
#: Where epsilon >= 1 govkit uses 1e-3 (about 8x faster than the library
#: default and within 0.1% of it on the workbook's DP-SGD runs); below 1 the
#: library default 1e-4, so that small epsilons are not over-stated by ~20%.
PLD_DISCRETIZATION = {"epsilon >= 1": 1e-3, "epsilon < 1": 1e-4}
#: Neighbouring datasets differ by adding or removing one person's record.
NEIGHBOURING_RELATION = "add or remove one record"
_NEIGHBOURING = dp_accounting.NeighboringRelation.ADD_OR_REMOVE_ONE
_TOLERANCE = 1e-9

_BAD_EVENT = (
    "{func}: event must be a dp_accounting.DpEvent describing the mechanism, got {kind}; e.g. "
    "dp_accounting.LaplaceDpEvent(noise_multiplier=1 / epsilon)."
)
_BAD_OPERATION = "{func}: operation={value!r} must be a short non-empty name, e.g. 'dp_mean'."
_EXCEEDED = (
    "{operation} would spend more privacy than the budget {name!r} has left: with it, the "
    "composed epsilon would be {after:.4g} (at delta={delta:g}) but the budget allows "
    "{total:.4g}; {spent:.4g} is spent already, {left:.4g} is left. Nothing was computed and no "
    "noise was drawn. Fix: ask for a smaller epsilon (preview a request with "
    "budget.epsilon_after(event); tight composition often fits more than the {left:.3g} left "
    "suggests), or start a new budget only if the data owner agrees that this data may be "
    "used again."
)
_NEEDS_DELTA = (
    "{operation} uses the Gaussian mechanism, which needs delta > 0, but the budget {name!r} "
    "has delta=0 (pure epsilon-DP). Fix: use mechanism='laplace', or create the budget with a "
    "small delta, e.g. PrivacyBudget(epsilon=..., delta=1e-6)."
)
_LARGE_DELTA = (
    "{where}: delta={delta:g} is not much smaller than 1/n = {inverse:.3g} (n={n:,} records). "
    "A mechanism that publishes one random record in the clear satisfies (0, 1/n)-DP, so "
    "this delta allows a real leak. Fix: use delta well below 1/n, e.g. delta={suggest:.0e}."
)


def pld_discretization(epsilon: float) -> float:
    """The PLD discretisation interval govkit uses around a given epsilon (see PLD_DISCRETIZATION).

    Examples
    --------
    >>> from govkit.privacy._budget import pld_discretization
    >>> pld_discretization(3.0), pld_discretization(0.3)
    (0.001, 0.0001)
    """
    epsilon = check_epsilon(epsilon, func="pld_discretization")
    return PLD_DISCRETIZATION["epsilon >= 1" if epsilon >= 1 else "epsilon < 1"]


@contextlib.contextmanager
def quiet_absl():
    """Silence dp-accounting's absl log lines for the duration (they go to stderr).

    Its RDP accountant logs each order it skips because a series did not
    converge (at large sampling rates); skipping an order only makes the
    epsilon more conservative, and the line means nothing to a workbook user.
    """
    logger = logging.getLogger("absl")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def make_accountant(accountant: str = "pld", *, epsilon: float = 1.0) -> dp_accounting.PrivacyAccountant:
    """A fresh dp-accounting accountant for the add/remove-one neighbouring relation.

    Parameters
    ----------
    accountant : {"pld", "rdp"}
    epsilon : float
        The epsilon the accountant will be asked about (sets the PLD
        discretisation, see :func:`pld_discretization`).

    Examples
    --------
    >>> from govkit.privacy._budget import make_accountant
    >>> type(make_accountant("rdp")).__name__
    'RdpAccountant'
    """
    check_choice(accountant, ACCOUNTANTS, param="accountant", func="make_accountant")
    epsilon = check_epsilon(epsilon, func="make_accountant")
    if accountant == "pld":
        return pld.PLDAccountant(
            neighboring_relation=_NEIGHBOURING,
            value_discretization_interval=pld_discretization(epsilon),
        )
    return rdp.RdpAccountant(neighboring_relation=_NEIGHBOURING)


_EPSILON_CACHE: dict[tuple[str, float, str], float] = {}


def pure_epsilon(event: dp_accounting.DpEvent) -> float:
    """Epsilon at delta = 0 (pure DP): the sum over the composed pure-DP events, inf otherwise.

    For delta = 0 this basic composition is exact (no accountant does better),
    while the PLD and RDP accountants only answer for delta > 0. Laplace
    with noise multiplier ``b / Δ`` is ``Δ / b``-DP; Poisson subsampling with
    rate ``q`` turns epsilon into ``log(1 + q (e^eps - 1))``.

    Examples
    --------
    >>> import dp_accounting
    >>> from govkit.privacy._budget import pure_epsilon
    >>> laplace = dp_accounting.LaplaceDpEvent(noise_multiplier=4.0)      # epsilon 0.25
    >>> pure_epsilon(dp_accounting.SelfComposedDpEvent(laplace, 3))
    0.75
    >>> pure_epsilon(dp_accounting.GaussianDpEvent(noise_multiplier=1.0))
    inf
    """
    if isinstance(event, (dp_accounting.NoOpDpEvent,)):
        return 0.0
    if isinstance(event, dp_accounting.LaplaceDpEvent):
        return 1.0 / event.noise_multiplier if event.noise_multiplier > 0 else math.inf
    if isinstance(event, dp_accounting.SelfComposedDpEvent):
        return event.count * pure_epsilon(event.event)
    if isinstance(event, dp_accounting.ComposedDpEvent):
        return float(sum(pure_epsilon(e) for e in event.events))
    if isinstance(event, dp_accounting.PoissonSampledDpEvent):
        inner = pure_epsilon(event.event)
        q = event.sampling_probability
        return math.log1p(q * math.expm1(inner)) if math.isfinite(inner) else math.inf
    return math.inf


def epsilon_of(event: dp_accounting.DpEvent, delta: float, *, accountant: str = "pld") -> float:
    """Epsilon of ``event`` at ``delta`` computed by a fresh dp-accounting accountant.

    With the PLD accountant the answer is computed at the coarse
    discretisation first and, if it is below 1, again at the fine one (see
    :func:`pld_discretization`). Results are memoised per event (PLD
    accounting of thousands of DP-SGD steps takes a fraction of a second).

    Examples
    --------
    >>> import dp_accounting
    >>> from govkit.privacy import epsilon_of
    >>> round(epsilon_of(dp_accounting.LaplaceDpEvent(noise_multiplier=2.0), 0.0), 3)
    0.5
    """
    if not isinstance(event, dp_accounting.DpEvent):
        raise TypeError(_BAD_EVENT.format(func="epsilon_of", kind=type(event).__name__))
    delta = check_delta(delta, func="epsilon_of")
    key = (repr(event), float(delta), accountant)
    if key not in _EPSILON_CACHE and delta == 0:
        _EPSILON_CACHE[key] = pure_epsilon(event)
    if key not in _EPSILON_CACHE:
        with quiet_absl():
            acc = make_accountant(accountant, epsilon=1.0)
            acc.compose(event)
            value = float(acc.get_epsilon(delta))
            if accountant == "pld" and value < 1:
                acc = make_accountant(accountant, epsilon=value)
                acc.compose(event)
                value = float(acc.get_epsilon(delta))
        _EPSILON_CACHE[key] = value
    return _EPSILON_CACHE[key]


def compare_accountants(event: dp_accounting.DpEvent, delta: float) -> pd.DataFrame:
    """Epsilon of one event at ``delta`` under three analyses, tightest first.

    - PLD (dp-accounting): numerically tight for the mechanism as described.
    - RDP (dp-accounting): Rényi DP, converted to (epsilon, delta) with the
      improved conversion (Canonne, Kamath & Steinke 2020; Asoodeh et al.).
    - RDP, classic conversion ``min over orders of RDP(a) + log(1/delta)/(a-1)``
      (Mironov 2017), the one TensorFlow Privacy's tutorials used. It reads
      the accountant's RDP curve, which dp-accounting keeps in private
      attributes, so the row is NaN if a future version renames them.

    All three are valid upper bounds on the same mechanism; they differ in
    how much slack the analysis leaves.

    Examples
    --------
    >>> import math
    >>> from govkit.privacy import compare_accountants, dpsgd_event
    >>> event = dpsgd_event(256 / 60_000, 1.1, math.ceil(60 * 60_000 / 256))
    >>> compare_accountants(event, 1e-5)["epsilon"].round(2).tolist()
    [2.38, 2.6, 3.01]
    """
    if not isinstance(event, dp_accounting.DpEvent):
        raise TypeError(_BAD_EVENT.format(func="compare_accountants", kind=type(event).__name__))
    delta = check_delta(delta, func="compare_accountants")
    with quiet_absl():
        tight = pld.PLDAccountant(neighboring_relation=_NEIGHBOURING)  # library default 1e-4
        tight.compose(event)
        renyi = rdp.RdpAccountant(neighboring_relation=_NEIGHBOURING)
        renyi.compose(event)
        orders = getattr(renyi, "_orders", None)
        curve = getattr(renyi, "_rdp", None)
        classic = math.nan
        if orders is not None and curve is not None and delta > 0:
            orders, curve = np.asarray(orders, dtype=float), np.asarray(curve, dtype=float)
            keep = orders > 1
            classic = float(np.min(curve[keep] + math.log(1 / delta) / (orders[keep] - 1)))
        rows = [
            ("PLD (privacy loss distribution)", float(tight.get_epsilon(delta))),
            ("RDP, improved conversion", float(renyi.get_epsilon(delta))),
            ("RDP, classic conversion (TF Privacy tutorial)", classic),
        ]
    return pd.DataFrame(rows, columns=["analysis", "epsilon"])


@dataclass(frozen=True)
class Charge:
    """One DP operation charged to a budget.

    Attributes
    ----------
    operation : str
        What ran (``dp_mean``, ``fit_private_model``...).
    epsilon, delta : float
        The operation's own guarantee.
    mechanism : str
        The noise mechanism (``laplace``, ``gaussian``, ``poisson-subsampled gaussian``...).
    sampling : str
        The sampling scheme the accountant assumed for it.
    event : dp_accounting.DpEvent
        What the accountant composed.
    spent_after, remaining_after : float
        The budget's composed epsilon, and what was left, right after this charge.
    naive_sum_after : float
        The plain sum of the operations' epsilons up to here (for comparison only).
    """

    operation: str
    epsilon: float
    delta: float
    mechanism: str
    sampling: str
    event: dp_accounting.DpEvent = field(repr=False)
    spent_after: float
    remaining_after: float
    naive_sum_after: float

    def ledger_fields(self, budget: PrivacyBudget) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(parameters, metrics)`` every DP ledger record carries about its privacy cost."""
        parameters = {
            "epsilon": self.epsilon,
            "delta": self.delta,
            "mechanism": self.mechanism,
            "accountant": budget.accountant if budget.delta > 0 else "pure-DP sum",
            "accountant_library": (f"dp-accounting {_version('dp-accounting')}"
                                   if budget.delta > 0 else "none: exact at delta = 0"),
            "neighbouring_relation": NEIGHBOURING_RELATION,
            "sampling": self.sampling,
            "composition": "all charges of the budget composed by the accountant",
            "budget_name": budget.name,
            "budget_epsilon": budget.epsilon,
            "budget_delta": budget.delta,
        }
        metrics = {
            "epsilon_spent": self.epsilon,
            "delta_spent": self.delta,
            "budget_spent_epsilon": self.spent_after,
            "budget_remaining_epsilon": self.remaining_after,
            "budget_naive_sum_epsilon": self.naive_sum_after,
        }
        return parameters, metrics


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - the package is a dependency
        return "unknown"


def warn_if_delta_large(delta: float, n: int, where: str) -> None:
    """PrivacyLeakWarning when ``delta >= 1/n`` (a delta that permits leaking a record)."""
    if n > 0 and delta >= 1.0 / n:
        warnings.warn(
            _LARGE_DELTA.format(
                where=where, delta=delta, inverse=1.0 / n, n=n, suggest=10 ** math.floor(math.log10(0.1 / n))
            ),
            PrivacyLeakWarning,
            stacklevel=3,
        )


class PrivacyBudget:
    """A total (epsilon, delta) that every DP operation on one dataset draws from.

    Parameters
    ----------
    epsilon : float
        The total privacy loss allowed (> 0, finite).
    delta : float
        The total failure probability allowed, in [0, 1); keep it well
        below 1/n. 0 allows only pure-DP (Laplace) operations, composed by
        summing their epsilons, which is exact at delta = 0 (the accountants
        answer only for delta > 0).
    accountant : {"pld", "rdp"}
        dp-accounting's privacy-loss-distribution accountant (tightest, the
        default) or its Rényi-DP accountant.
    name : str
        A label for the ledger (e.g. ``"adult-train"``).

    Attributes
    ----------
    charges : tuple of Charge
        Everything charged so far, oldest first.
    spent_epsilon : float
        Composed epsilon of all charges at the budget's delta.
    remaining_epsilon : float
        ``epsilon - spent_epsilon`` (never below 0).

    Examples
    --------
    >>> import dp_accounting
    >>> from govkit.privacy import PrivacyBudget
    >>> budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
    >>> laplace = dp_accounting.LaplaceDpEvent(noise_multiplier=1 / 0.25)   # an epsilon=0.25 release
    >>> for _ in range(3):
    ...     _ = budget.charge(laplace, operation="dp_count", epsilon=0.25, mechanism="laplace")
    >>> round(budget.spent_epsilon, 2) <= 0.75, budget.remaining_epsilon > 0.25
    (True, True)
    """

    def __init__(
        self, *, epsilon: float, delta: float, accountant: str = "pld", name: str = "privacy budget"
    ) -> None:
        self.epsilon = check_epsilon(epsilon, "epsilon", "PrivacyBudget")
        self.delta = check_delta(delta, "delta", "PrivacyBudget")
        check_choice(accountant, ACCOUNTANTS, param="accountant", func="PrivacyBudget")
        self.accountant = accountant
        self.name = str(name)
        self._accountant = make_accountant(accountant, epsilon=self.epsilon)
        self._trial: tuple[str, dp_accounting.PrivacyAccountant, float] | None = None
        self._charges: list[Charge] = []
        self._spent = 0.0

    # -- state --------------------------------------------------------------------
    @property
    def charges(self) -> tuple[Charge, ...]:
        return tuple(self._charges)

    @property
    def spent_epsilon(self) -> float:
        return self._spent

    @property
    def remaining_epsilon(self) -> float:
        return max(0.0, self.epsilon - self._spent)

    @property
    def naive_sum_epsilon(self) -> float:
        """The sum of the charged operations' epsilons (what basic composition would say)."""
        return float(sum(c.epsilon for c in self._charges))

    def __repr__(self) -> str:
        return (
            f"PrivacyBudget(epsilon={self.epsilon:g}, delta={self.delta:g}, name={self.name!r}: "
            f"spent {self._spent:.3g}, left {self.remaining_epsilon:.3g}, "
            f"{len(self._charges)} charge(s), accountant={self.accountant!r})"
        )

    def copy(self) -> PrivacyBudget:
        """An independent copy (a what-if: charging it leaves this budget alone)."""
        return copy.deepcopy(self)

    # -- accounting ---------------------------------------------------------------
    def epsilon_after(self, event: dp_accounting.DpEvent) -> float:
        """The composed epsilon (at the budget's delta) if ``event`` were charged now.

        Nothing is charged; use it to preview a release.
        """
        if not isinstance(event, dp_accounting.DpEvent):
            raise TypeError(_BAD_EVENT.format(func="epsilon_after", kind=type(event).__name__))
        key = f"{len(self._charges)}|{event!r}"
        if self.delta == 0:  # pure DP: basic composition is exact, accountants need delta > 0
            return self._spent + pure_epsilon(event)
        if self._trial is None or self._trial[0] != key:
            trial = copy.deepcopy(self._accountant)
            with quiet_absl():
                trial.compose(event)
                self._trial = (key, trial, float(trial.get_epsilon(self.delta)))
        return self._trial[2]

    def check(self, event: dp_accounting.DpEvent, *, operation: str = "this operation") -> float:
        """Raise BudgetExceededError if charging ``event`` would over-spend; else return the new total.

        Call it before drawing any noise.
        """
        after = self.epsilon_after(event)
        if self.delta == 0 and _uses_gaussian(event):
            raise BudgetExceededError(_NEEDS_DELTA.format(operation=operation, name=self.name))
        if not (after <= self.epsilon * (1 + _TOLERANCE)):
            raise BudgetExceededError(
                _EXCEEDED.format(
                    operation=operation,
                    name=self.name,
                    after=after,
                    delta=self.delta,
                    total=self.epsilon,
                    spent=self._spent,
                    left=self.remaining_epsilon,
                )
            )
        return after

    def charge(
        self,
        event: dp_accounting.DpEvent,
        *,
        operation: str,
        epsilon: float,
        delta: float = 0.0,
        mechanism: str,
        sampling: str = "none: every record is used once",
    ) -> Charge:
        """Charge one operation (after checking it fits) and return its :class:`Charge`.

        Parameters
        ----------
        event : dp_accounting.DpEvent
            What the mechanism does, for the accountant.
        operation : str
            A short name (``dp_mean``).
        epsilon, delta : float
            The operation's own guarantee, for the record.
        mechanism : str
            The noise mechanism, for the record.
        sampling : str
            The sampling scheme the event assumes, for the record.
        """
        if not isinstance(operation, str) or not operation.strip():
            raise ValueError(_BAD_OPERATION.format(func="PrivacyBudget.charge", value=operation))
        after = self.check(event, operation=operation)
        if self.delta > 0:
            self._accountant = self._trial[1]  # the accountant check() composed the event into
        self._trial = None
        self._spent = after
        charge = Charge(
            operation=operation,
            epsilon=float(epsilon),
            delta=float(delta),
            mechanism=mechanism,
            sampling=sampling,
            event=event,
            spent_after=after,
            remaining_after=max(0.0, self.epsilon - after),
            naive_sum_after=self.naive_sum_epsilon + float(epsilon),
        )
        self._charges.append(charge)
        return charge

    def summary(self) -> pd.DataFrame:
        """One row per charge: the operation's own (epsilon, delta) and the running totals.

        ``composed epsilon`` is what the accountant says the budget has spent
        after that charge; ``naive sum`` is the plain sum of epsilons, which
        over-states the loss.

        Examples
        --------
        >>> import dp_accounting
        >>> from govkit.privacy import PrivacyBudget
        >>> budget = PrivacyBudget(epsilon=1.0, delta=1e-6)
        >>> _ = budget.charge(dp_accounting.LaplaceDpEvent(noise_multiplier=10.0),
        ...                   operation="dp_count", epsilon=0.1, mechanism="laplace")
        >>> budget.summary()[["operation", "epsilon"]].to_dict("records")
        [{'operation': 'dp_count', 'epsilon': 0.1}]
        """
        return pd.DataFrame(
            [
                {
                    "operation": c.operation,
                    "mechanism": c.mechanism,
                    "epsilon": c.epsilon,
                    "delta": c.delta,
                    "composed epsilon": c.spent_after,
                    "naive sum": c.naive_sum_after,
                    "left": c.remaining_after,
                }
                for c in self._charges
            ],
            columns=["operation", "mechanism", "epsilon", "delta", "composed epsilon",
                     "naive sum", "left"],
        )

    def status(self) -> Mapping[str, float]:
        """Total, spent and remaining epsilon, and delta, as a dict."""
        return {
            "epsilon": self.epsilon,
            "delta": self.delta,
            "spent_epsilon": self._spent,
            "remaining_epsilon": self.remaining_epsilon,
            "charges": len(self._charges),
        }


def _uses_gaussian(event: dp_accounting.DpEvent) -> bool:
    if isinstance(event, dp_accounting.GaussianDpEvent):
        return True
    inner = getattr(event, "event", None)
    if isinstance(inner, dp_accounting.DpEvent):
        return _uses_gaussian(inner)
    return any(_uses_gaussian(e) for e in getattr(event, "events", ()) or ())

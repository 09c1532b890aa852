"""Checks particular to the privacy stage: epsilon, delta, clamping bounds, seeds.

Every message names the parameter, the value received and the fix. What every
stage checks alike comes from govkit's one validation layer: the data argument
from :func:`govkit.datasets.check_dataset`, choices and plain numbers from
:mod:`govkit._validation`, whose ``random_state`` contract :func:`seed_of`
applies. Epsilon and delta keep their own checks: their messages say what the
numbers mean (smaller epsilon is more private, delta well below 1/n).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = [
    "check_bounds",
    "check_delta",
    "check_epsilon",
]

BAD_EPSILON = (
    "{where}{name}={value!r} is not a valid privacy loss: epsilon must be a finite number > 0 "
    "(smaller means more private; 0.1 is strong, 1 is common, 10 is weak). Pass e.g. "
    "{name}=1.0."
)
BAD_DELTA = (
    "{where}{name}={value!r} is not a valid failure probability: delta must be a number in [0, 1) "
    "(0 for pure epsilon-DP; otherwise much smaller than 1/n, e.g. 1e-6). Pass e.g. "
    "{name}=1e-6."
)
BAD_BOUNDS = (
    "{name}={value!r} are not valid clamping bounds: pass a pair (lower, upper) of finite "
    "numbers with lower < upper, taken from domain knowledge (e.g. age (17, 90)), never "
    "from the private data."
)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_epsilon(value: Any, name: str = "epsilon", func: str = "") -> float:
    """Return ``value`` as a float if it is a finite epsilon > 0, else raise ValueError/TypeError."""
    where = f"{func}: " if func else ""
    if not _is_number(value):
        raise TypeError(BAD_EPSILON.format(where=where, name=name, value=value))
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(BAD_EPSILON.format(where=where, name=name, value=value))
    return value


def check_delta(value: Any, name: str = "delta", func: str = "") -> float:
    """Return ``value`` as a float if it lies in [0, 1), else raise ValueError/TypeError."""
    where = f"{func}: " if func else ""
    if not _is_number(value):
        raise TypeError(BAD_DELTA.format(where=where, name=name, value=value))
    value = float(value)
    if not (math.isfinite(value) and 0.0 <= value < 1.0):
        raise ValueError(BAD_DELTA.format(where=where, name=name, value=value))
    return value


def check_bounds(value: Any, name: str = "bounds") -> tuple[float, float]:
    """Return ``(lower, upper)`` as floats if finite with lower < upper, else raise."""
    try:
        lower, upper = value
    except (TypeError, ValueError):
        raise TypeError(BAD_BOUNDS.format(name=name, value=value)) from None
    if not (_is_number(lower) and _is_number(upper)):
        raise TypeError(BAD_BOUNDS.format(name=name, value=value))
    lower, upper = float(lower), float(upper)
    if not (math.isfinite(lower) and math.isfinite(upper) and lower < upper):
        raise ValueError(BAD_BOUNDS.format(name=name, value=value))
    return lower, upper



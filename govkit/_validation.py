"""Parameter checks shared by every stage: one contract for random_state, choices and intervals.

Each stage used to restate these (three contracts for ``random_state``, choice
lists copied into the pipeline's config and the widgets, number checks written
per module); a user then got a different message, or a different verdict, for
the same mistake depending on the function. These checks are the one place
that decides what a valid value is, and every message names the function, the
parameter, the value received and the fix.

The checks that need a :class:`govkit.datasets.Dataset` (``as_frame``,
``check_dataset``) live beside it in :mod:`govkit.datasets`, so that this
module imports nothing from govkit and every stage, ``datasets`` included, can
use it without an import cycle.

Why not scikit-learn's ``_param_validation``: it is private to scikit-learn
(no stability promise, and its messages name neither the function nor a fix),
and ``sklearn.utils.check_random_state`` accepts ``bool`` (``True`` is a seed of
1) and has no notion of numpy ``Generator``.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = [
    "renamed_keywords",
    "renamed_names",
    "as_generator",
    "as_seed",
    "as_sklearn_random_state",
    "check_choice",
    "check_interval",
    "check_random_state",
]

BAD_RANDOM_STATE = (
    "{where}random_state={value!r} ({kind}) is not a valid seed: pass None (fresh randomness), "
    "a whole number >= 0 (e.g. random_state=0, reproducible), or a numpy Generator or "
    "RandomState."
)
BAD_CHOICE = "{where}{param}={value!r} is not one of {options}{hint}; pass one of them."
BAD_CHOICE_TYPE = "{where}{param} must be a string, got {kind} ({value!r}); pass one of {options}."
BAD_NUMBER = "{where}{param} must be a {what}, got {kind} ({value!r}); pass e.g. {param}={example}."
RENAMED_KEYWORD = (
    "{func}: the keyword {old}= is now {new}= (govkit's one vocabulary, see CONTRIBUTING.md); "
    "{old}= still works in this release and will be removed in the next. Write {new}=... instead."
)
RENAMED_NAME = (
    "{module}.{old} is now {module}.{new}{why}; {old} still works in this release and will be "
    "removed in the next."
)
BOTH_KEYWORDS = "{func}: pass {new}= only; {old}= is its old name, and both were given."
OUT_OF_INTERVAL = "{where}{param}={value!r} is outside {interval}; pass a value in {interval}, e.g. {param}={example}."


def _where(func: str) -> str:
    return f"{func}: " if func else ""


def check_random_state(random_state: Any, *, func: str = "") -> Any:
    """Validate a ``random_state`` and return it (a whole number as a Python ``int``).

    One contract for every govkit function: ``None``, a whole number ``>= 0``
    (Python or numpy integer; not ``bool``), a ``numpy.random.Generator`` or a
    ``numpy.random.RandomState``.

    Parameters
    ----------
    random_state : object
        The value received.
    func : str
        The calling function's name, for the message.

    Returns
    -------
    None, int, numpy.random.Generator or numpy.random.RandomState

    Examples
    --------
    >>> import numpy as np
    >>> from govkit._validation import check_random_state
    >>> check_random_state(np.int64(3)), check_random_state(None)
    (3, None)
    >>> check_random_state(True, func="fit_model")
    Traceback (most recent call last):
    ...
    TypeError: fit_model: random_state=True (bool) is not a valid seed: ...
    """
    if random_state is None or isinstance(random_state, (np.random.Generator, np.random.RandomState)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, (bool, np.bool_)):
        if random_state < 0:
            raise ValueError(BAD_RANDOM_STATE.format(
                where=_where(func), value=random_state, kind="a negative number"))
        return int(random_state)
    raise TypeError(BAD_RANDOM_STATE.format(
        where=_where(func), value=random_state, kind=type(random_state).__name__))


def as_generator(random_state: Any, *, func: str = "") -> np.random.Generator:
    """Return a numpy ``Generator`` for any valid ``random_state`` (see :func:`check_random_state`).

    A ``RandomState`` seeds a new Generator from its stream (so it advances, as
    scikit-learn's estimators advance it); a Generator is returned as it is.

    Examples
    --------
    >>> from govkit._validation import as_generator
    >>> int(as_generator(0).integers(100)) == int(as_generator(0).integers(100))
    True
    """
    random_state = check_random_state(random_state, func=func)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(int(random_state.randint(0, 2**31 - 1)))
    return np.random.default_rng(random_state)



def as_sklearn_random_state(random_state: Any, *, func: str = "") -> Any:
    """A valid ``random_state`` as scikit-learn and fairlearn take it.

    They accept None, a whole number or a ``RandomState``, not a numpy
    ``Generator``: a Generator gives a whole number drawn from it.

    Examples
    --------
    >>> import numpy as np
    >>> from govkit._validation import as_sklearn_random_state
    >>> as_sklearn_random_state(np.int64(4), func="proxy_check")
    4
    >>> isinstance(as_sklearn_random_state(np.random.default_rng(0)), int)
    True
    """
    random_state = check_random_state(random_state, func=func)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**31 - 1))
    return random_state


def as_seed(random_state: Any, *, func: str = "", keep_none: bool = False) -> int | None:
    """A valid ``random_state`` as one whole-number seed (for shap, lime, interpret, cache keys).

    A whole number is kept; a Generator or a RandomState gives a seed drawn
    from it, so the seed actually used can be recorded and cached. ``None``
    means fresh randomness: kept as ``None`` when ``keep_none`` (e.g. a DP fit
    whose noise must not be seeded), otherwise a fresh seed is drawn.

    Examples
    --------
    >>> from govkit._validation import as_seed
    >>> as_seed(7), as_seed(None, keep_none=True), isinstance(as_seed(None), int)
    (7, None, True)
    """
    random_state = check_random_state(random_state, func=func)
    if random_state is None and keep_none:
        return None
    if isinstance(random_state, int):
        return random_state
    return int(as_generator(random_state, func=func).integers(2**31 - 1))

def check_choice(value: Any, options: Iterable[str], *, param: str, func: str = "") -> str:
    """Return ``value`` if it is one of ``options``; otherwise say which are allowed.

    Examples
    --------
    >>> from govkit._validation import check_choice
    >>> check_choice("mondrian", ("mondrian", "global"), param="method")
    'mondrian'
    >>> check_choice("mondrain", ("mondrian", "global"), param="method", func="anonymize")
    Traceback (most recent call last):
    ...
    ValueError: anonymize: method='mondrain' is not one of ('mondrian', 'global') (did you mean 'mondrian'?); pass one of them.
    """
    import difflib

    options = tuple(options)
    if not isinstance(value, str):
        raise TypeError(BAD_CHOICE_TYPE.format(
            where=_where(func), param=param, kind=type(value).__name__, value=value,
            options=options))
    if value not in options:
        close = difflib.get_close_matches(value, options, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(BAD_CHOICE.format(
            where=_where(func), param=param, value=value, options=options, hint=hint))
    return value


def check_interval(
    value: Any,
    *,
    param: str,
    func: str = "",
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
    example: Any = None,
) -> float | int:
    """Return ``value`` (as ``int`` or ``float``) if it is a finite number in the interval.

    Parameters
    ----------
    value : object
        The value received.
    param, func : str
        The parameter's and the calling function's names, for the message.
    low, high : float
        The interval's ends (infinite by default).
    low_open, high_open : bool
        Whether an end is excluded.
    integer : bool
        Require a whole number (``bool`` is never a number here).
    example : object, optional
        A valid value to suggest in the message.

    Examples
    --------
    >>> from govkit._validation import check_interval
    >>> check_interval(0.3, param="test_size", low=0, high=1, low_open=True, high_open=True)
    0.3
    >>> check_interval(1, param="k", func="anonymize", low=2, integer=True, example=5)
    Traceback (most recent call last):
    ...
    ValueError: anonymize: k=1 is outside [2, inf); pass a value in [2, inf), e.g. k=5.
    """
    opening = "(" if low_open or math.isinf(low) else "["
    closing = ")" if high_open or math.isinf(high) else "]"
    interval = f"{opening}{_plain(low)}, {_plain(high)}{closing}"
    if example is None:
        example = _example(low, high, low_open, high_open, integer)
    what = "whole number" if integer else "number"
    kinds = (numbers.Integral,) if integer else (numbers.Real,)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kinds):
        raise TypeError(BAD_NUMBER.format(
            where=_where(func), param=param, what=what, kind=type(value).__name__, value=value,
            example=example))
    number = int(value) if integer else float(value)
    if not math.isfinite(number):
        raise ValueError(OUT_OF_INTERVAL.format(
            where=_where(func), param=param, value=value, interval=interval, example=example))
    too_low = number < low or (low_open and number == low)
    too_high = number > high or (high_open and number == high)
    if too_low or too_high:
        raise ValueError(OUT_OF_INTERVAL.format(
            where=_where(func), param=param, value=value, interval=interval, example=example))
    return number


def _plain(number: float) -> str:
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return f"{number:g}"


def _example(low: float, high: float, low_open: bool, high_open: bool, integer: bool) -> Any:
    if math.isfinite(low) and math.isfinite(high):
        middle = (low + high) / 2
        return round(middle) if integer else round(middle, 3)
    if math.isfinite(low):
        return int(low) + 1 if (integer or low_open) else low
    if math.isfinite(high):
        return int(high) - 1 if (integer or high_open) else high
    return 1


def renamed_keywords(**renames: str) -> Callable:
    """Accept a keyword's old name for one release, with a ``FutureWarning`` naming the new one.

    Parameters
    ----------
    **renames : str
        ``old_name="new_name"`` pairs.

    Examples
    --------
    >>> import warnings
    >>> from govkit._validation import renamed_keywords
    >>> @renamed_keywords(seed="random_state")
    ... def draw(*, random_state=None):
    ...     return random_state
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     draw(seed=3), caught[0].category.__name__
    (3, 'FutureWarning')
    """

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(BOTH_KEYWORDS.format(func=function.__qualname__, old=old, new=new))
                    warnings.warn(
                        RENAMED_KEYWORD.format(func=function.__qualname__, old=old, new=new),
                        FutureWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        wrapper.__govkit_renamed__ = dict(renames)
        return wrapper

    return decorate


def renamed_names(module: str, namespace: dict[str, Any], renames: dict[str, str],
                  why: str = "") -> Callable[[str], Any]:
    """A module ``__getattr__`` under which a renamed public name works for one more release.

    The old name gives the new object with a ``FutureWarning`` when it is used
    (not when the module is imported).

    Parameters
    ----------
    module : str
        The module's name (``__name__``).
    namespace : dict
        The module's ``globals()``, where the new names live.
    renames : dict
        ``{"old": "new"}``.
    why : str, optional
        A short reason, shown in the warning after the new name.

    Examples
    --------
    >>> import warnings
    >>> from govkit._validation import renamed_names
    >>> __getattr__ = renamed_names("demo", {"NEW": 1}, {"OLD": "NEW"})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     __getattr__("OLD"), str(caught[0].message)
    (1, 'demo.OLD is now demo.NEW; OLD still works in this release and will be removed in the next.')
    """
    why = f" ({why})" if why else ""

    def __getattr__(name: str) -> Any:
        if name in renames:
            warnings.warn(RENAMED_NAME.format(module=module, old=name, new=renames[name], why=why),
                          FutureWarning, stacklevel=2)
            return namespace[renames[name]]
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__

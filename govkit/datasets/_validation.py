"""The checks every stage makes on its ``data`` argument: a Dataset, or a Dataset or a DataFrame.

They live here, beside :class:`~govkit.datasets.Dataset`, rather than in
:mod:`govkit._validation` (which imports nothing from govkit), so that every
stage refuses a wrong ``data`` with the same message: the function, the
parameter, what was received, and how to get a Dataset.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ._dataset import Dataset

__all__ = ["as_frame", "check_dataset"]

NOT_DATA = (
    "{where}{param} must be a govkit Dataset or a pandas DataFrame, got {kind}; load it with "
    "govkit.datasets.load_adult() or govkit.datasets.from_csv(path, ...), or wrap a frame in "
    "govkit.datasets.Dataset(frame, target=..., positive_label=...)."
)
NOT_A_DATASET = (
    "{where}{param} must be a govkit Dataset, got {kind}; load it with "
    "govkit.datasets.load_adult() or govkit.datasets.from_csv(path, ...), or wrap a frame in "
    "govkit.datasets.Dataset(frame, target=..., positive_label=...)."
)


def _where(func: str) -> str:
    return f"{func}: " if func else ""


def as_frame(data: Any, *, func: str, param: str = "data") -> tuple[pd.DataFrame, Dataset | None]:
    """Return ``(frame, dataset)`` for a Dataset, ``(frame, None)`` for a DataFrame.

    The frame is the Dataset's own (not a copy): callers must not modify it.

    Parameters
    ----------
    data : Dataset or pandas.DataFrame
        The value received.
    func : str
        The calling function's name, for the message.
    param : str, default "data"
        The parameter's name, for the message.

    Returns
    -------
    tuple of (pandas.DataFrame, Dataset or None)

    Raises
    ------
    TypeError
        For anything else, naming ``func``, ``param`` and the type received.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.datasets import as_frame
    >>> frame, dataset = as_frame(pd.DataFrame({"age": [30, 41]}), func="find_identifiers")
    >>> list(frame.columns), dataset
    (['age'], None)
    >>> as_frame([1, 2], func="find_identifiers")
    Traceback (most recent call last):
    ...
    TypeError: find_identifiers: data must be a govkit Dataset or a pandas DataFrame, got list; ...
    """
    if isinstance(data, Dataset):
        return data.frame, data
    if isinstance(data, pd.DataFrame):
        return data, None
    raise TypeError(NOT_DATA.format(where=_where(func), param=param, kind=type(data).__name__))


def check_dataset(data: Any, *, func: str, param: str = "data") -> Dataset:
    """Return ``data`` if it is a :class:`Dataset`; otherwise say how to get one.

    Parameters
    ----------
    data : Dataset
        The value received.
    func : str
        The calling function's name, for the message.
    param : str, default "data"
        The parameter's name, for the message.

    Returns
    -------
    Dataset

    Raises
    ------
    TypeError
        For anything else (a DataFrame included), naming ``func``, ``param`` and the type.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.datasets import Dataset, check_dataset
    >>> frame = pd.DataFrame({"age": [30, 41], "hired": ["yes", "no"]})
    >>> check_dataset(Dataset(frame, target="hired", positive_label="yes"), func="fit_model").target
    'hired'
    >>> check_dataset(pd.DataFrame({"a": [1]}), func="fit_model", param="train")
    Traceback (most recent call last):
    ...
    TypeError: fit_model: train must be a govkit Dataset, got DataFrame; ...
    """
    if not isinstance(data, Dataset):
        raise TypeError(NOT_A_DATASET.format(where=_where(func), param=param,
                                             kind=type(data).__name__))
    return data

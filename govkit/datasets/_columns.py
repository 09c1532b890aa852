"""Small helpers on column lists and column dtypes, shared by the Dataset and its checks.

They sit below :mod:`._dataset` so that the column profile and the identifier
rules (which :meth:`Dataset.profile` uses) can share them without importing
the Dataset class.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = ["NOT_IDENTIFIERS_ATTR", "as_columns", "is_number", "values_text"]

#: Name of the DataFrame.attrs entry that carries a Dataset's not_identifiers along with
#: ``Dataset.X``, so that a stage rebuilding a Dataset from X keeps the user's statement.
NOT_IDENTIFIERS_ATTR = "govkit_not_identifiers"

_NOT_COLUMNS = (
    "{role}: expected a column name or a list of column names, got {kind} ({value!r}); pass "
    "e.g. {role}=['sex', 'race']."
)
_NOT_A_NAME = (
    "{role}: column names must be strings, got {column!r} ({kind}); pass the column's name as "
    "it appears in the header."
)


def as_columns(value: str | Iterable[str] | None, role: str) -> tuple[str, ...]:
    """A column name or a list of them as a tuple (order kept, repeats dropped); ``role`` names it."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    try:
        columns = tuple(value)
    except TypeError:
        raise TypeError(_NOT_COLUMNS.format(role=role, kind=type(value).__name__,
                                            value=value)) from None
    for column in columns:
        if not isinstance(column, str):
            raise TypeError(_NOT_A_NAME.format(role=role, column=column,
                                               kind=type(column).__name__))
    return tuple(dict.fromkeys(columns))  # keep order, drop repeats


def values_text(values: Iterable[Any], limit: int = 8) -> str:
    """Up to ``limit`` values as their reprs, and how many more there are."""
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f", ... ({len(values) - limit} more)" if len(values) > limit else "")


def is_number(column: pd.Series) -> bool:
    """Numeric dtype and not boolean: what govkit treats as a numeric column."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)

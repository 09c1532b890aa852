"""Load an analyst's own CSV file with its column roles."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from govkit.ledger import fingerprint

from ._dataset import Dataset, record_load

__all__ = ["from_csv"]

_NOT_FOUND = (
    "from_csv: file {path} does not exist; check the path (relative paths start at {cwd})."
)
_NOT_A_FILE = "from_csv: {path} is a folder, not a CSV file; pass the path of the .csv file."
_EMPTY_FILE = (
    "from_csv: {path} is empty{what}; a CSV with a header line and at least one data row is "
    "needed."
)
_PARSE = (
    "from_csv: {path} could not be read as CSV ({error}); check the separator (sep={sep!r}) "
    "and the quoting of the line it names."
)
_MISSING_TARGET = (
    "target: column {column!r} is not in {path}{hint}; its columns are {available}. Pass the "
    "name of the outcome column as target=."
)


def from_csv(
    path: str | os.PathLike,
    *,
    target: str,
    positive_label: Any,
    protected: str | Iterable[str] = (),
    quasi_identifiers: str | Iterable[str] = (),
    identifiers: str | Iterable[str] = (),
    numeric: Iterable[str] | None = None,
    categorical: Iterable[str] | None = None,
    na_values: Iterable[str] = ("?", ""),
    sep: str = ",",
    name: str | None = None,
    ledger=None,
) -> Dataset:
    """Read a CSV file into a :class:`Dataset` with the given column roles.

    The file is only read, never written. Every role column must exist, the
    target must be binary with no missing values, and ``positive_label`` must
    be one of its two values; otherwise a ``ValueError`` names the column, the
    value found and the fix. No row is ever dropped.

    Parameters
    ----------
    path : path-like
        The CSV file, with a header line.
    target : str
        The outcome column.
    positive_label : object
        The favourable outcome's value (``">50K"``, ``1``, ``"approved"``).
    protected, quasi_identifiers, identifiers : str or list of str
        Column roles; see :class:`Dataset`.
    numeric, categorical : list of str, optional
        Column kinds; inferred from the parsed dtypes when omitted. Columns
        listed in ``categorical`` are read as text (a postcode keeps its
        leading zeros and is never averaged).
    na_values : list of str
        Cell contents read as missing, besides pandas' defaults.
    sep : str
        Field separator.
    name : str, optional
        Label for reports; defaults to the file's stem.
    ledger : govkit.ledger.Ledger, optional
        When given, a ``datasets/load`` record is appended with the file's
        name and sha256 (not its folder, which may name a person).

    Returns
    -------
    Dataset

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.datasets import from_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "loans.csv"
    >>> _ = path.write_text("age,sex,approved\\n31,F,yes\\n45,M,no\\n")
    >>> data = from_csv(path, target="approved", positive_label="yes", protected="sex")
    >>> data.y.tolist()
    [1, 0]
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(_NOT_FOUND.format(path=path, cwd=Path.cwd()))
    if path.is_dir():
        raise ValueError(_NOT_A_FILE.format(path=path))
    if path.stat().st_size == 0:
        raise ValueError(_EMPTY_FILE.format(path=path, what=" (0 bytes)"))
    try:
        # Columns declared categorical are read as text: a postcode or a code like 007 is a
        # label, not a number (and must keep its leading zeros).
        declared = [categorical] if isinstance(categorical, str) else list(categorical or ())
        text_columns = {str(c): str for c in declared}
        frame = pd.read_csv(
            path, sep=sep, na_values=list(na_values), skipinitialspace=True, low_memory=False,
            dtype=text_columns or None,
        )
    except pd.errors.EmptyDataError:
        raise ValueError(_EMPTY_FILE.format(path=path, what=" (no header line)")) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ValueError(_PARSE.format(path=path, error=error, sep=sep)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) == 0:
        raise ValueError(_EMPTY_FILE.format(path=path, what=" (a header line but no data rows)"))
    if target not in frame.columns:
        close = difflib.get_close_matches(str(target), list(frame.columns), n=1)
        raise ValueError(
            _MISSING_TARGET.format(
                column=target,
                path=path.name,
                hint=f" (did you mean {close[0]!r}?)" if close else "",
                available=list(frame.columns),
            )
        )
    data = Dataset(
        frame,
        target=target,
        positive_label=positive_label,
        protected=protected,
        quasi_identifiers=quasi_identifiers,
        identifiers=identifiers,
        numeric=numeric,
        categorical=categorical,
        name=name or path.stem,
    )
    if ledger is not None:
        record_load(data, ledger, source=path.name, file_sha256=fingerprint(path))
    return data

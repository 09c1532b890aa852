"""Load an analyst's own CSV file with its column roles.

:func:`from_csv` reads ordinary exports: it detects the encoding, the
separator, the decimal mark and the thousands separator (see
``py`` for the rules), records what it decided on the Dataset
(``read_options``) and in the ledger, warns where it had to guess, and refuses
with a sentence (never a pandas or codec traceback) what it cannot read right:
duplicate or empty column names, ragged lines, a column that is mostly numbers
but not quite, numbers whose format is ambiguous.
"""

from __future__ import annotations

import difflib
import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from govkit.exceptions import CSVFormatWarning
from govkit.ledger import fingerprint

from ._columns import as_columns
from ._dataset import Dataset
from ._header import (
    EMPTY_FILE,
    WRONG_ENCODING,
    CSVHeader,
    check_character,
    check_csv_path,
    open_header,
)
from ._provenance import record_load
from ._reading import (
    DETECT_ROWS,
    AmbiguousNumbers,
    NumberFormat,
    column_kinds,
    detect_numbers,
    fitting_separators,
    number_like,
    sampled,
    shown_words,
    text_numbers,
)

__all__ = ["from_csv"]

_PARSE = (
    "from_csv: {file} could not be read as CSV ({reason}); check the separator (sep={sep!r}) "
    "and that fields containing it are quoted."
)
_RAGGED = (
    "from_csv: line {line} of {file} has {saw} fields but the header has {expected}; check the "
    "separator (sep={sep!r}{how}) and that fields containing it are quoted, or fix that line."
)
_LONGER_THAN_HEADER = (
    "from_csv: the first data line of {file} has more fields than the header ({expected}); "
    "pandas would take the extra field for a row index and shift every column. Add the "
    "missing name to the header, or check the separator (sep={sep!r}{how})."
)
_UNCLOSED_QUOTE = (
    "from_csv: {file} has a quoted field that is never closed{where}; close the quote (\") or "
    "remove it."
)
_MISSING_TARGET = (
    "target: column {column!r} is not in {path}{hint}; its columns are {available}. Pass the "
    "name of the outcome column as target=."
)
_ONE_COLUMN = (
    " (read with sep={sep!r}, the header is a single column, but the file fits sep={other!r}: "
    "pass sep={other!r}, or sep=None to detect it)"
)
_EMPTY_NAME = (
    "from_csv: field {position} of the header of {file} (after {before!r}) has no name, but "
    "the column holds data; give it a name in the header line."
)
_SAME_MARKS = (
    "decimal/thousands: both are {value!r}; a number needs different marks, e.g. decimal=',' "
    "with thousands='.'."
)
_BAD_NA_VALUES = (
    "na_values: expected a list of strings read as missing (e.g. ['?', 'n/a']), got "
    "{kind} ({value!r})."
)
_MOSTLY_NUMBERS = (
    "column {column!r}: {numbers} of its {cells} non-missing cells are numbers and the other "
    "{others} are not{examples}; read as text it would become a category with {distinct} "
    "levels. Declare the non-numbers missing with na_values={na_values}, or, if the column is "
    "a code rather than a number, declare categorical=[{column!r}] (or exclude=[{column!r}])."
)
_OTHER_FORMAT = (
    "column {column!r}: {count} of its {cells} non-missing cells are numbers written with "
    "decimal={decimal!r} and thousands={thousands!r}, but the file was read with "
    "decimal={read_decimal!r} and thousands={read_thousands!r} (decided from the first {rows} "
    "rows); pass decimal={decimal!r}, thousands={thousands!r} if that is how the whole file "
    "writes numbers."
)
_GUESSED_ENCODING = (
    "from_csv: {file} is not UTF-8; it was read as {encoding!r}{why}. If names or labels look "
    "wrong, pass the right encoding (e.g. encoding='gb18030', 'cp1252' or 'latin-1'); pass "
    "encoding={encoding!r} to confirm this choice and silence this warning."
)
_GUESSED_SEPARATOR = (
    "from_csv: several separators fit the first lines of {file} ({fitting}); sep={sep!r} was "
    "chosen. Pass sep=... to choose explicitly and silence this warning."
)
_ENCODING_WHY = {
    "gb18030": " (GB18030 covers GBK and GB2312; the file's two-byte characters look Chinese)",
    "cp1252": " (Windows Western European)",
    "latin-1": " (ISO 8859-1, the fallback: every byte is a character)",
}
_EMPTY_LAST = "_govkit_empty_last_column"


def _na_values(na_values: Any) -> list[str]:
    if isinstance(na_values, str):
        return [na_values]
    try:
        values = list(na_values)
    except TypeError:
        raise TypeError(_BAD_NA_VALUES.format(kind=type(na_values).__name__,
                                              value=na_values)) from None
    if not all(isinstance(v, str) for v in values):
        raise TypeError(_BAD_NA_VALUES.format(kind="a list with non-strings", value=values))
    return values


def _pandas_error(error: Exception, file: str, sep: str, how: str, width: int) -> ValueError:
    """Our sentence for a pandas parser error (its own text is not shown)."""
    text = str(error)
    ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if ragged:
        return ValueError(_RAGGED.format(line=ragged[2], file=file, saw=ragged[3],
                                         expected=ragged[1], sep=sep, how=how))
    if "EOF inside string" in text or "EOF while parsing" in text:
        row = re.search(r"starting at row (\d+)", text)
        where = f" (it opens on data row {int(row[1]) + 1})" if row else ""
        return ValueError(_UNCLOSED_QUOTE.format(file=file, where=where))
    reason = re.sub(r"^Error tokenizing data\. C error: ", "", text).strip().rstrip(".")
    return ValueError(_PARSE.format(file=file, reason=reason.splitlines()[0] if reason else
                                    "unreadable", sep=sep))


def _read(path: Path, *, names: list[str], file: str, sep: str, how: str, **options: Any
          ) -> pd.DataFrame:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(path, sep=sep, header=0, names=names, index_col=False,
                                skipinitialspace=True, **options)
        except pd.errors.EmptyDataError:
            raise ValueError(EMPTY_FILE.format(func="from_csv", path=path,
                                               what=" (no header line)")) from None
        except pd.errors.ParserError as error:
            raise _pandas_error(error, file, sep, how, len(names)) from None
        except UnicodeDecodeError:  # checked before reading; kept so no codec text escapes
            raise ValueError(WRONG_ENCODING.format(file=file, value=options.get("encoding"),
                                                   line="?", detected="latin-1")) from None
    for warning in caught:
        if issubclass(warning.category, pd.errors.ParserWarning) \
                and "Length of header" in str(warning.message):
            raise ValueError(_LONGER_THAN_HEADER.format(file=file, expected=len(names),
                                                        sep=sep, how=how))
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno)
    return frame


def _check_number_columns(frame: pd.DataFrame, skip: set[str], numbers: NumberFormat,
                          ) -> None:
    """Refuse a column pandas kept as text although most of its cells are numbers."""
    for column in frame.columns:
        values = frame[column]
        if column in skip or pd.api.types.is_numeric_dtype(values) \
                or pd.api.types.is_bool_dtype(values):
            continue
        if not number_like(column_kinds(sampled(values.dropna()))):
            continue
        number_count, cells, odd = text_numbers(values, numbers.decimal,
                                                         numbers.thousands)
        if number_like(column_kinds(sampled(odd))):
            # the cells that did not parse are numbers too, written another way
            try:
                own = detect_numbers(sampled(odd).to_frame(), sep=";",
                                              decimal=None, thousands=None)
            except AmbiguousNumbers as error:
                raise ValueError(f"column {column!r}: {error}") from None
            raise ValueError(_OTHER_FORMAT.format(
                column=column, count=len(odd), cells=cells, decimal=own.decimal,
                thousands=own.thousands, read_decimal=numbers.decimal,
                read_thousands=numbers.thousands, rows=DETECT_ROWS))
        shown = shown_words(odd)
        examples = f" (such as {', '.join(map(repr, shown))})" if shown else ""
        raise ValueError(_MOSTLY_NUMBERS.format(
            column=column, numbers=number_count, cells=cells, others=len(odd),
            examples=examples, distinct=values.nunique(),
            na_values=repr(["?", *shown]) if shown else "[...]"))


def _warn_guesses(header: CSVHeader) -> None:
    """A CSVFormatWarning for an encoding or a separator that had to be guessed."""
    if "encoding" in header.detected and header.encoding in _ENCODING_WHY:
        warnings.warn(
            _GUESSED_ENCODING.format(file=header.path.name, encoding=header.encoding,
                                     why=_ENCODING_WHY[header.encoding]),
            CSVFormatWarning, stacklevel=3,
        )
    if header.other_separators:
        warnings.warn(_GUESSED_SEPARATOR.format(file=header.path.name,
                                                fitting=[header.sep, *header.other_separators],
                                                sep=header.sep),
                      CSVFormatWarning, stacklevel=3)


def _number_format(header: CSVHeader, names: list[str], options: dict[str, Any],
                   declared_text: set[str], decimal: str | None, thousands: str | None,
                   ) -> tuple[NumberFormat, list[str], list[str]]:
    """Decide decimal mark and thousands separator from the first rows read as text.

    Returns the format, which of the two were detected, and notes for ``read_options``.
    """
    how = ", detected" if "sep" in header.detected else ""
    sample = _read(header.path, names=names, file=header.path.name, sep=header.sep, how=how,
                   nrows=DETECT_ROWS, dtype=str, **options)
    try:
        numbers = detect_numbers(sample.drop(columns=list(declared_text & set(names))),
                                 sep=header.sep, decimal=decimal, thousands=thousands)
    except AmbiguousNumbers as error:
        raise ValueError(str(error)) from None
    detected, notes = [], []
    if decimal is None:
        detected.append("decimal")
        if numbers.decimal == "," and numbers.evidence.get("decimal_comma"):
            notes.append(f"numbers use a decimal comma (seen in {numbers.evidence['decimal_comma']})")
    if thousands is None:
        detected.append("thousands")
        if numbers.thousands is not None:
            notes.append(f"numbers group thousands with {numbers.thousands!r} "
                         f"(seen in {numbers.evidence.get('thousands', [])})")
    return numbers, detected, notes


def _drop_empty_columns(frame: pd.DataFrame, names: list[str], empty: list[int], file: str
                        ) -> tuple[pd.DataFrame, list[str]]:
    """Drop unnamed columns without data (a trailing separator); refuse unnamed ones with data."""
    notes = []
    for position in empty:
        column = names[position]
        if frame[column].isna().all():  # a separator at the end of the header (and lines)
            frame = frame.drop(columns=[column])
            notes.append(f"dropped an unnamed, empty column at position {position + 1} "
                         "(a separator at the end of the lines)")
        else:
            raise ValueError(_EMPTY_NAME.format(position=position + 1, file=file,
                                                before=names[position - 1] if position else ""))
    return frame, notes


def _read_frame(header: CSVHeader, na: list[str], declared_text: set[str], decimal: str | None,
                thousands: str | None) -> tuple[pd.DataFrame, NumberFormat, dict[str, Any]]:
    """The whole file as a frame, its number format, and ``read_options`` (what was decided)."""
    empty = [i for i, n in enumerate(header.names) if not n]
    names = [n if n else f"{_EMPTY_LAST}{i}" for i, n in enumerate(header.names)]
    options = dict(encoding=header.encoding, na_values=na, low_memory=False)
    numbers, detected, notes = _number_format(header, names, options, declared_text, decimal,
                                              thousands)
    how = ", detected" if "sep" in header.detected else ""
    frame = _read(header.path, names=names, file=header.path.name, sep=header.sep, how=how,
                  dtype={c: str for c in declared_text if c in names} or None,
                  decimal=numbers.decimal, thousands=numbers.thousands, **options)
    frame, dropped = _drop_empty_columns(frame, names, empty, header.path.name)
    if len(frame) == 0:
        raise ValueError(EMPTY_FILE.format(func="from_csv", path=header.path,
                                           what=" (a header line but no data rows)"))
    read_options = {"encoding": header.encoding, "sep": header.sep, "decimal": numbers.decimal,
                    "thousands": numbers.thousands,
                    "detected": [*header.detected, *detected], "notes": [*notes, *dropped]}
    return frame, numbers, read_options


def _check_target_column(frame: pd.DataFrame, target: str, header: CSVHeader) -> None:
    if target in frame.columns:
        return
    close = difflib.get_close_matches(str(target), [str(c) for c in frame.columns], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    if len(frame.columns) == 1 and "sep" not in header.detected:
        fitting = fitting_separators(header.head, header.truncated)
        if fitting:
            hint = _ONE_COLUMN.format(sep=header.sep, other=fitting[0])
    raise ValueError(_MISSING_TARGET.format(column=target, path=header.path.name, hint=hint,
                                            available=list(frame.columns)))


def from_csv(
    path: str | os.PathLike,
    *,
    target: str,
    positive_label: Any,
    protected: str | Iterable[str] = (),
    quasi_identifiers: str | Iterable[str] = (),
    identifiers: str | Iterable[str] = (),
    exclude: str | Iterable[str] = (),
    not_identifiers: str | Iterable[str] = (),
    numeric: Iterable[str] | None = None,
    categorical: Iterable[str] | None = None,
    na_values: Iterable[str] = ("?", ""),
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
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
    protected, quasi_identifiers, identifiers, exclude, not_identifiers : str or list of str
        Column roles; see :class:`Dataset`.
    numeric, categorical : list of str, optional
        Column kinds; a feature column declared in neither gets its kind from
        the parsed dtype. Columns listed in ``categorical`` are read as text (a
        postcode keeps its leading zeros and is never averaged).
    na_values : list of str
        Cell contents read as missing, besides pandas' defaults.
    encoding : str, optional
        The file's text encoding. None detects it: UTF-8 (with or without a
        byte-order mark), then GB18030 (covers GBK), then Latin-1 (cp1252
        when it fits better); the last two are guesses and raise a
        ``CSVFormatWarning`` saying what was chosen.
    sep : str, optional
        Field separator. None detects it among ``,`` ``;`` tab ``|`` (a
        warning when several fit).
    decimal, thousands : str, optional
        Decimal mark and thousands separator of numbers. None detects them
        from the first 2,000 rows (``45,6`` proves a decimal comma, ``3.5`` a
        decimal point, ``1.234.567`` a thousands dot); numbers that read two
        ways (``45,600``: 45.6 or 45600) with nothing in the file to decide
        are refused, never guessed.
    name : str, optional
        Label for reports; defaults to the file's stem.
    ledger : govkit.ledger.Ledger, optional
        When given, a ``datasets/load`` record is appended with the file's
        name and sha256 (not its folder, which may name a person) and how it
        was read (``read_options``).

    Returns
    -------
    Dataset
        With ``read_options``: ``encoding``, ``sep``, ``decimal``,
        ``thousands``, ``detected`` (which of them were detected) and
        ``notes``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.datasets import from_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "loans.csv"
    >>> _ = path.write_text("age,sex,approved\\n31,F,yes\\n45,M,no\\n")
    >>> data = from_csv(path, target="approved", positive_label="yes", protected="sex")
    >>> data.y.tolist()
    [1, 0]

    A semicolon-separated export with a decimal comma is read as numbers:

    >>> _ = path.write_text("age;income;approved\\n31;45,6;yes\\n45;1.051,2;no\\n",
    ...                     encoding="utf-8")
    >>> data = from_csv(path, target="approved", positive_label="yes")
    >>> data.frame["income"].tolist(), data.read_options["sep"], data.read_options["decimal"]
    ([45.6, 1051.2], ';', ',')
    """
    path = check_csv_path(path, func="from_csv")
    decimal = check_character(decimal, "decimal", "'.' or ','")
    thousands = check_character(thousands, "thousands", "',', '.' or ' '")
    if decimal is not None and decimal == thousands:
        raise ValueError(_SAME_MARKS.format(value=decimal))
    na = _na_values(na_values)
    declared_text = set(as_columns(categorical, "categorical"))
    header = open_header(path, encoding=encoding, sep=sep, func="from_csv")
    _warn_guesses(header)
    frame, numbers, read_options = _read_frame(header, na, declared_text, decimal, thousands)
    _check_target_column(frame, target, header)
    skip = declared_text | {target} | set(as_columns(identifiers, "identifiers")) \
        | set(as_columns(exclude, "exclude"))
    _check_number_columns(frame, skip, numbers)
    data = Dataset(
        frame,
        target=target,
        positive_label=positive_label,
        protected=protected,
        quasi_identifiers=quasi_identifiers,
        identifiers=identifiers,
        exclude=exclude,
        not_identifiers=not_identifiers,
        numeric=numeric,
        categorical=categorical,
        name=name or path.stem,
        read_options=read_options,
    )
    if ledger is not None:
        record_load(data, ledger, source=path.name, file_sha256=fingerprint(path))
    return data

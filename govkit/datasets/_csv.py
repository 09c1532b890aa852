"""Load an analyst's own CSV file with its column roles.

:func:`from_csv` reads ordinary exports: it detects the encoding, the
separator, the decimal mark and the thousands separator (see
``_reading.py`` for the rules), records what it decided on the Dataset
(``read_options``) and in the ledger, warns where it had to guess, and refuses
with a sentence (never a pandas or codec traceback) what it cannot read right:
duplicate or empty column names, ragged lines, a column that is mostly numbers
but not quite, numbers whose format is ambiguous.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from govkit.exceptions import CSVFormatWarning
from govkit.ledger import fingerprint

from . import _reading
from ._dataset import Dataset, _as_columns, record_load

__all__ = ["from_csv"]

_NOT_FOUND = (
    "from_csv: file {path} does not exist; check the path (relative paths start at {cwd})."
)
_NOT_A_FILE = "from_csv: {path} is a folder, not a CSV file; pass the path of the .csv file."
_BAD_PATH = (
    "from_csv: path must be a file path (str or pathlib.Path), got {kind}; pass e.g. "
    "from_csv('loans.csv', ...)."
)
_EMPTY_FILE = (
    "from_csv: {path} is empty{what}; a CSV with a header line and at least one data row is "
    "needed."
)
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
_DUPLICATE_HEADER = (
    "from_csv: the header of {file} names {names} more than once (pandas would silently "
    "rename the second one to {renamed!r}); give every column a unique name in the header line."
)
_EMPTY_NAME = (
    "from_csv: field {position} of the header of {file} (after {before!r}) has no name, but "
    "the column holds data; give it a name in the header line."
)
_BAD_ENCODING_NAME = (
    "encoding: {value!r} is not an encoding Python knows; pass e.g. encoding='utf-8', "
    "'gb18030' or 'latin-1', or encoding=None to detect it."
)
_WRONG_ENCODING = (
    "encoding: {file} is not valid {value!r} (the first bad byte is on line {line}); it reads "
    "as {detected!r}: pass encoding={detected!r}, or encoding=None to detect it."
)
_BAD_CHARACTER = (
    "{name}: {value!r} must be a single character such as {examples}, or None to detect it."
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


def _character(value: Any, name: str, examples: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 1 or value.isalnum() or value in "\"\r\n":
        raise ValueError(_BAD_CHARACTER.format(name=name, value=value, examples=examples))
    return value


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


def _encoding(path: Path, encoding: Any) -> tuple[str, bool]:
    """The encoding to read with, and whether it was detected."""
    if encoding is None:
        chosen = _reading.detect_encoding(path)
        if chosen in _ENCODING_WHY:
            warnings.warn(
                _GUESSED_ENCODING.format(file=path.name, encoding=chosen,
                                         why=_ENCODING_WHY[chosen]),
                CSVFormatWarning, stacklevel=3,
            )
        return chosen, True
    if not isinstance(encoding, str):
        raise TypeError(_BAD_ENCODING_NAME.format(value=encoding))
    try:
        canonical = codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(_BAD_ENCODING_NAME.format(value=encoding)) from None
    if canonical == "utf-8":
        with open(path, "rb") as handle:
            if handle.read(3) == codecs.BOM_UTF8:
                encoding = "utf-8-sig"  # the byte-order mark is not part of the first name
    bad = _reading.first_bad_byte(path, encoding)
    if bad is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CSVFormatWarning)
            detected = _reading.detect_encoding(path)
        raise ValueError(_WRONG_ENCODING.format(file=path.name, value=encoding,
                                                line=_reading.line_of(path, bad),
                                                detected=detected))
    return encoding, False


def _header(head: str, sep: str, file: str) -> list[str]:
    rows = _reading.records(head, sep, truncated=False, limit=1)
    if not rows:
        return []
    names = [name.strip().lstrip("\ufeff").strip() for name in rows[0]]
    duplicated = [name for name, count in Counter(names).items() if count > 1 and name]
    if duplicated:
        raise ValueError(_DUPLICATE_HEADER.format(file=file, names=duplicated,
                                                  renamed=f"{duplicated[0]}.1"))
    return names


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
            raise ValueError(_EMPTY_FILE.format(path=path, what=" (no header line)")) from None
        except pd.errors.ParserError as error:
            raise _pandas_error(error, file, sep, how, len(names)) from None
        except UnicodeDecodeError:  # checked before reading; kept so no codec text escapes
            raise ValueError(_WRONG_ENCODING.format(file=file, value=options.get("encoding"),
                                                    line="?", detected="latin-1")) from None
    for warning in caught:
        if issubclass(warning.category, pd.errors.ParserWarning) \
                and "Length of header" in str(warning.message):
            raise ValueError(_LONGER_THAN_HEADER.format(file=file, expected=len(names),
                                                        sep=sep, how=how))
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno)
    return frame


def _check_number_columns(frame: pd.DataFrame, skip: set[str], numbers: _reading.NumberFormat,
                          ) -> None:
    """Refuse a column pandas kept as text although most of its cells are numbers."""
    for column in frame.columns:
        values = frame[column]
        if column in skip or pd.api.types.is_numeric_dtype(values) \
                or pd.api.types.is_bool_dtype(values):
            continue
        if not _reading.number_like(_reading.column_kinds(_reading.sampled(values.dropna()))):
            continue
        number_count, cells, odd = _reading.text_numbers(values, numbers.decimal,
                                                         numbers.thousands)
        if _reading.number_like(_reading.column_kinds(_reading.sampled(odd))):
            # the cells that did not parse are numbers too, written another way
            try:
                own = _reading.detect_numbers(_reading.sampled(odd).to_frame(), sep=";",
                                              decimal=None, thousands=None)
            except _reading.AmbiguousNumbers as error:
                raise ValueError(f"column {column!r}: {error}") from None
            raise ValueError(_OTHER_FORMAT.format(
                column=column, count=len(odd), cells=cells, decimal=own.decimal,
                thousands=own.thousands, read_decimal=numbers.decimal,
                read_thousands=numbers.thousands, rows=_reading.DETECT_ROWS))
        shown = _reading.shown_words(odd)
        examples = f" (such as {', '.join(map(repr, shown))})" if shown else ""
        raise ValueError(_MOSTLY_NUMBERS.format(
            column=column, numbers=number_count, cells=cells, others=len(odd),
            examples=examples, distinct=values.nunique(),
            na_values=repr(["?", *shown]) if shown else "[...]"))


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
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(_BAD_PATH.format(kind=type(path).__name__))
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(_NOT_FOUND.format(path=path, cwd=Path.cwd()))
    if path.is_dir():
        raise ValueError(_NOT_A_FILE.format(path=path))
    if path.stat().st_size == 0:
        raise ValueError(_EMPTY_FILE.format(path=path, what=" (0 bytes)"))
    file = path.name
    sep = _character(sep, "sep", "',', ';', '\\t' or '|'")
    decimal = _character(decimal, "decimal", "'.' or ','")
    thousands = _character(thousands, "thousands", "',', '.' or ' '")
    if decimal is not None and decimal == thousands:
        raise ValueError(_SAME_MARKS.format(value=decimal))
    na = _na_values(na_values)
    declared_text = set(_as_columns(categorical, "categorical"))
    detected = []

    encoding, guessed = _encoding(path, encoding)
    if guessed:
        detected.append("encoding")
    head, truncated = _reading.read_head(path, encoding)
    if not head.strip():
        raise ValueError(_EMPTY_FILE.format(path=path, what=" (no header line)"))
    others: list[str] = []
    if sep is None:
        sep, others = _reading.sniff_separator(head, truncated)
        detected.append("sep")
        if others:
            warnings.warn(_GUESSED_SEPARATOR.format(file=file, fitting=[sep, *others], sep=sep),
                          CSVFormatWarning, stacklevel=2)
    how = ", detected" if "sep" in detected else ""
    names = _header(head, sep, file)
    if not names:
        raise ValueError(_EMPTY_FILE.format(path=path, what=" (no header line)"))
    empty = [i for i, n in enumerate(names) if not n]
    names = [n if n else f"{_EMPTY_LAST}{i}" for i, n in enumerate(names)]
    options = dict(encoding=encoding, na_values=na, low_memory=False)

    notes = []
    sample = _read(path, names=names, file=file, sep=sep, how=how, nrows=_reading.DETECT_ROWS,
                   dtype=str, **options)
    try:
        numbers = _reading.detect_numbers(sample.drop(columns=list(declared_text & set(names))),
                                          sep=sep, decimal=decimal, thousands=thousands)
    except _reading.AmbiguousNumbers as error:
        raise ValueError(str(error)) from None
    if decimal is None:
        detected.append("decimal")
        if numbers.decimal == "," and numbers.evidence.get("decimal_comma"):
            notes.append(f"numbers use a decimal comma (seen in {numbers.evidence['decimal_comma']})")
    if thousands is None:
        detected.append("thousands")
        if numbers.thousands is not None:
            notes.append(f"numbers group thousands with {numbers.thousands!r} "
                         f"(seen in {numbers.evidence.get('thousands', [])})")

    frame = _read(path, names=names, file=file, sep=sep, how=how,
                  dtype={c: str for c in declared_text if c in names} or None,
                  decimal=numbers.decimal, thousands=numbers.thousands, **options)
    for position in empty:
        column = names[position]
        if frame[column].isna().all():  # a separator at the end of the header (and lines)
            frame = frame.drop(columns=[column])
            notes.append(f"dropped an unnamed, empty column at position {position + 1} "
                         "(a separator at the end of the lines)")
        else:
            raise ValueError(_EMPTY_NAME.format(position=position + 1, file=file,
                                                before=names[position - 1] if position else ""))
    if len(frame) == 0:
        raise ValueError(_EMPTY_FILE.format(path=path, what=" (a header line but no data rows)"))
    if target not in frame.columns:
        close = difflib.get_close_matches(str(target), [str(c) for c in frame.columns], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        if len(frame.columns) == 1 and "sep" not in detected:
            fitting = _reading.fitting_separators(head, truncated)
            if fitting:
                hint = _ONE_COLUMN.format(sep=sep, other=fitting[0])
        raise ValueError(
            _MISSING_TARGET.format(column=target, path=file, hint=hint,
                                   available=list(frame.columns))
        )
    skip = declared_text | {target} | set(_as_columns(identifiers, "identifiers")) \
        | set(_as_columns(exclude, "exclude"))
    _check_number_columns(frame, skip, numbers)
    read_options = {"encoding": encoding, "sep": sep, "decimal": numbers.decimal,
                    "thousands": numbers.thousands, "detected": detected, "notes": notes}
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

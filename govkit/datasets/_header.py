"""Open a CSV file as :func:`from_csv` does: the path, the encoding, the separator and the header.

:func:`read_header` is the public face of these steps: the pipeline's config
reads the column names with it before any work, so the names it checks are
the names :func:`from_csv` will load (same encoding order, byte-order mark
stripped, separator chosen by the file's structure). The detection rules
themselves are in :mod:`._reading`.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
from collections import Counter
from pathlib import Path
from typing import Any

from ._reading import detect_encoding, first_bad_byte, line_of, read_head, records, sniff_separator

__all__ = ["CSVHeader", "check_csv_path", "check_encoding", "open_header", "read_header"]

_NOT_FOUND = (
    "{func}: file {path} does not exist; check the path (relative paths start at {cwd})."
)
_NOT_A_FILE = "{func}: {path} is a folder, not a CSV file; pass the path of the .csv file."
_BAD_PATH = (
    "{func}: path must be a file path (str or pathlib.Path), got {kind}; pass e.g. "
    "{func}('loans.csv', ...)."
)
EMPTY_FILE = (
    "{func}: {path} is empty{what}; a CSV with a header line and at least one data row is "
    "needed."
)
_DUPLICATE_HEADER = (
    "{func}: the header of {file} names {names} more than once (pandas would silently "
    "rename the second one to {renamed!r}); give every column a unique name in the header line."
)
_BAD_ENCODING_NAME = (
    "encoding: {value!r} is not an encoding Python knows; pass e.g. encoding='utf-8', "
    "'gb18030' or 'latin-1', or encoding=None to detect it."
)
WRONG_ENCODING = (
    "encoding: {file} is not valid {value!r} (the first bad byte is on line {line}); it reads "
    "as {detected!r}: pass encoding={detected!r}, or encoding=None to detect it."
)
_BAD_CHARACTER = (
    "{name}: {value!r} must be a single character such as {examples}, or None to detect it."
)


def check_character(value: Any, name: str, examples: str) -> str | None:
    """A separator or number mark: None (detect it) or one punctuation character."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 1 or value.isalnum() or value in "\"\r\n":
        raise ValueError(_BAD_CHARACTER.format(name=name, value=value, examples=examples))
    return value


def check_csv_path(path: Any, *, func: str) -> Path:
    """The path of an existing, non-empty file; otherwise a message naming ``func`` and the fix."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(_BAD_PATH.format(func=func, kind=type(path).__name__))
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(_NOT_FOUND.format(func=func, path=path, cwd=Path.cwd()))
    if path.is_dir():
        raise ValueError(_NOT_A_FILE.format(func=func, path=path))
    if path.stat().st_size == 0:
        raise ValueError(EMPTY_FILE.format(func=func, path=path, what=" (0 bytes)"))
    return path


def check_encoding(path: Path, encoding: Any) -> tuple[str, bool]:
    """The encoding to read ``path`` with, and whether it was detected (``encoding=None``)."""
    if encoding is None:
        return detect_encoding(path), True
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
    bad = first_bad_byte(path, encoding)
    if bad is not None:
        raise ValueError(WRONG_ENCODING.format(file=path.name, value=encoding,
                                               line=line_of(path, bad),
                                               detected=detect_encoding(path)))
    return encoding, False


def _names(head: str, sep: str, file: str, func: str) -> list[str]:
    rows = records(head, sep, truncated=False, limit=1)
    if not rows:
        return []
    names = [name.strip().lstrip("\ufeff").strip() for name in rows[0]]
    duplicated = [name for name, count in Counter(names).items() if count > 1 and name]
    if duplicated:
        raise ValueError(_DUPLICATE_HEADER.format(func=func, file=file, names=duplicated,
                                                  renamed=f"{duplicated[0]}.1"))
    return names


@dataclasses.dataclass(frozen=True)
class CSVHeader:
    """What opening a CSV decided: its header and how to read the rest.

    ``names`` are the header's column names as written (an unnamed column is
    ``""``); ``head`` is the file's first text (whole lines), ``truncated``
    whether the file goes on after it; ``other_separators`` are separators
    that fit the first lines as well as ``sep`` (a guess, when not empty).
    """

    path: Path
    names: list[str]
    encoding: str
    sep: str
    detected: tuple[str, ...]
    head: str
    truncated: bool
    other_separators: tuple[str, ...] = ()


def open_header(path: Path, *, encoding: Any, sep: Any, func: str) -> CSVHeader:
    """Decide the encoding and the separator of ``path`` (a checked path) and read its header."""
    sep = check_character(sep, "sep", "',', ';', '\\t' or '|'")
    encoding, guessed = check_encoding(path, encoding)
    detected = ["encoding"] if guessed else []
    head, truncated = read_head(path, encoding)
    if not head.strip():
        raise ValueError(EMPTY_FILE.format(func=func, path=path, what=" (no header line)"))
    others: list[str] = []
    if sep is None:
        sep, others = sniff_separator(head, truncated)
        detected.append("sep")
    names = _names(head, sep, path.name, func)
    if not names:
        raise ValueError(EMPTY_FILE.format(func=func, path=path, what=" (no header line)"))
    return CSVHeader(path, names, encoding, sep, tuple(detected), head, truncated, tuple(others))


def read_header(
    path: str | os.PathLike, *, encoding: str | None = None, sep: str | None = None
) -> tuple[list[str], dict[str, Any]]:
    """The column names of a CSV file, read as :func:`from_csv` reads them, and how it read them.

    Only the first lines are parsed (the encoding is checked against the whole
    file). The encoding and the separator are decided as :func:`from_csv`
    decides them (see there); nothing is warned here: ``read_options["detected"]``
    says which were detected rather than given.

    Parameters
    ----------
    path : path-like
        The CSV file, with a header line.
    encoding : str, optional
        The file's text encoding; None detects it.
    sep : str, optional
        Field separator; None detects it among ``,`` ``;`` tab ``|``.

    Returns
    -------
    columns : list of str
        The header's names, byte-order mark and surrounding spaces removed (an
        unnamed column is ``""``).
    read_options : dict
        ``encoding``, ``sep`` and ``detected`` (which of the two were detected).

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ValueError
        An empty file, a file that is not valid in the given encoding, or a
        header that names a column twice; the message says what to fix.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.datasets import read_header
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "loans.csv"
    >>> _ = path.write_bytes("年龄;性别;是否还款\\n31;女;是\\n".encode("utf-8-sig"))
    >>> columns, options = read_header(path)
    >>> columns, options["encoding"], options["sep"], options["detected"]
    (['年龄', '性别', '是否还款'], 'utf-8-sig', ';', ['encoding', 'sep'])
    """
    header = open_header(check_csv_path(path, func="read_header"), encoding=encoding, sep=sep,
                         func="read_header")
    return list(header.names), {"encoding": header.encoding, "sep": header.sep,
                                "detected": list(header.detected)}

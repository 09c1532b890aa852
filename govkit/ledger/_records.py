"""Reading ledger records: the shape every record must have, strict and lenient readers.

Records are numbered from 1, as :func:`govkit.ledger.verify` counts: record
``n`` is line ``n`` of the file and carries ``"index": n - 1``. Every read
error names the record and the file; a line that is not JSON never escapes as
a bare :class:`json.JSONDecodeError`.

The standard library's ``json`` parses; what is left is checking each record's
fields and types, which no library does for this format, hence this module.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

from govkit.exceptions import LedgerRecordError

__all__ = [
    "FIELDS",
    "RecordProblem",
    "missing_ledger",
    "parse_line",
    "read_records",
    "record_problem",
    "split_lines",
]

FIELDS = (
    "index",
    "timestamp",
    "actor",
    "stage",
    "operation",
    "parameters",
    "inputs",
    "outputs",
    "metrics",
    "govkit_version",
    "prev_hash",
    "hash",
)
_TEXT_FIELDS = ("timestamp", "actor", "stage", "operation", "govkit_version")
_OBJECT_FIELDS = ("parameters", "inputs", "outputs", "metrics")
_HASH_RE = re.compile(r"[0-9a-f]{64}")

_NO_LEDGER = (
    "{func}: there is no ledger file at {path}. Check the path for a typo; a ledger file is "
    "created by its first append (run a notebook, or `python -m govkit run`), so there is "
    "nothing to {what} yet."
)
_UNREADABLE = (
    "Ledger {path}: record {record} {problem} The record cannot be read, so the ledger cannot be "
    "trusted from record {record} on. Run `python -m govkit verify {path}` for the full check; "
    "restore the file from a copy, or read what is left with "
    "govkit.ledger.read_records(path, strict=False), which lists every problem."
)
_TORN_PROBLEM = (
    "is an incomplete last line (an append was interrupted); it is not a record. "
    "Ledger(path).repair() moves it aside."
)


@dataclass(frozen=True)
class RecordProblem:
    """A line of a ledger file that :func:`read_records` could not read as a record.

    Attributes
    ----------
    record : int
        The record's number, from 1 (line ``record`` of the file).
    problem : str
        What is wrong with it.
    """

    record: int
    problem: str

    def __str__(self) -> str:
        return f"record {self.record} {self.problem}"


def missing_ledger(path: Path, func: str, what: str) -> FileNotFoundError:
    """The error for a ledger path with no file (``what``: the action there is nothing to do)."""
    return FileNotFoundError(_NO_LEDGER.format(func=func, path=path, what=what))


def split_lines(data: bytes) -> tuple[list[bytes], bool]:
    """The complete lines of a ledger file, and whether an incomplete last line follows them."""
    lines = data.split(b"\n")
    return lines[:-1], lines[-1] != b""


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def record_problem(record: Any) -> str | None:
    """Why ``record`` (a parsed line) is not a well-formed ledger record, or None if it is.

    Checks the shape only (fields and their types), not the hashes: that is
    :func:`govkit.ledger.verify`'s job.
    """
    if not isinstance(record, dict):
        return f"is not a JSON object (it is {_kind(record)}): it was edited or corrupted."
    missing = [name for name in FIELDS if name not in record]
    extra = sorted(set(record) - set(FIELDS))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"lacks the field(s) {', '.join(missing)}")
        if extra:
            parts.append(f"has field(s) the ledger never writes ({', '.join(map(repr, extra))})")
        return f"does not have the ledger's fields: it {' and '.join(parts)}; it was edited."
    index = record["index"]
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        return f"has index {index!r}, not a whole number >= 0: it was edited."
    for name in _TEXT_FIELDS:
        if not isinstance(record[name], str):
            return f"has {name} of type {_kind(record[name])}, not a string: it was edited."
    for name in _OBJECT_FIELDS:
        if not isinstance(record[name], dict):
            return f"has {name} of type {_kind(record[name])}, not an object: it was edited."
    for side in ("inputs", "outputs"):
        if not all(isinstance(v, str) for v in record[side].values()):
            return f"has {side} that are not all fingerprints (strings): it was edited."
    for name in ("prev_hash", "hash"):
        value = record[name]
        if not isinstance(value, str) or not _HASH_RE.fullmatch(value):
            return f"has a {name} that is not 64 hexadecimal characters: it was edited."
    return None


def parse_line(line: bytes) -> tuple[Any, str | None]:
    """``(record, problem)`` for one line; ``problem`` is None when the record is well-formed."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, "is not valid JSON: it was edited or corrupted."
    return record, record_problem(record)


@overload
def read_records(path: str | os.PathLike, *, strict: Literal[True] = ...) -> list[dict[str, Any]]: ...


@overload
def read_records(
    path: str | os.PathLike, *, strict: Literal[False]
) -> tuple[list[dict[str, Any]], list[RecordProblem]]: ...


def read_records(path, *, strict=True):
    """Read a ledger file's records, oldest first.

    Reading checks each record's shape (fields and types), not the hash
    chain: :func:`verify` says whether the records can be trusted.

    Parameters
    ----------
    path : path-like
        The ``.jsonl`` ledger file. It must exist (``FileNotFoundError``
        otherwise: a mistyped path must not read as an empty ledger).
    strict : bool, default True
        ``True``: return the records, and raise
        :class:`~govkit.exceptions.LedgerRecordError` naming the record number
        and the file at the first line that is not a well-formed record. An
        incomplete last line (an interrupted append) is skipped, as
        :func:`verify` does. ``False``: never raise for the content; return the
        well-formed records and a list of :class:`RecordProblem` (one per line
        that is not, the incomplete last line included), for a report that
        must still show what is left of a damaged ledger.

    Returns
    -------
    list of dict, or (list of dict, list of RecordProblem) when ``strict=False``

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govkit.ledger import Ledger, read_records
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl"
    >>> _ = Ledger(path).append("datasets", "load")
    >>> [r["operation"] for r in read_records(path)]
    ['load']
    >>> with open(path, "ab") as handle:
    ...     _ = handle.write(b"not json\\n")
    >>> records, problems = read_records(path, strict=False)
    >>> len(records), str(problems[0])
    (1, 'record 2 is not valid JSON: it was edited or corrupted.')
    """
    path = Path(path)
    if not path.is_file():
        raise missing_ledger(path, "read_records", "read")
    lines, torn = split_lines(path.read_bytes())
    records: list[dict[str, Any]] = []
    problems: list[RecordProblem] = []
    for number, line in enumerate(lines, start=1):
        record, problem = parse_line(line)
        if problem is None:
            records.append(record)
        elif strict:
            raise LedgerRecordError(
                _UNREADABLE.format(path=path, record=number, problem=problem),
                path=path, record=number,
            )
        else:
            problems.append(RecordProblem(number, problem))
    if strict:
        return records
    if torn:
        problems.append(RecordProblem(len(lines) + 1, _TORN_PROBLEM))
    return records, problems


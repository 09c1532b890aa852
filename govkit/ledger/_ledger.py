"""An append-only, hash-chained JSON-lines ledger of governance steps.

Each line is one record: when (UTC), which stage and operation, the parameters,
fingerprints of the input and output data, the metrics, and the hash of the
previous record. A record's ``hash`` is the sha256 of its canonical JSON
(sorted keys, no spaces) without the ``hash`` field, so editing, deleting,
inserting or reordering any record breaks the chain at a place
:func:`verify` names. Pin the head hash somewhere else (the report prints it)
to detect records cut off the end too.

Appends are crash-safe: the whole line is written with one ``write`` on a file
opened in append mode, under an exclusive lock, then ``fsync``-ed, so a killed
process leaves at worst a torn last line, which :func:`verify` reports
separately and :meth:`Ledger.repair` moves aside. An append never extends a
chain that does not verify: :meth:`Ledger.append` refuses, naming the record,
so damage cannot be buried under later records.

Records are numbered from 1 (record ``n`` is line ``n`` and carries
``"index": n - 1``); every message, :class:`Verification` and
:func:`read_records` count that way.

The ledger practises what the workbook teaches: parameters named like secrets
(``key``, ``secret``, ``token``, ``password``, ``salt``) and values that look
like direct identifiers (e-mail addresses, national-ID numbers) are refused, as
are whole data frames. Record fingerprints and summaries instead.

No library covered this small a need without a server or a database, hence
this module.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import math
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govkit import __version__
from govkit.exceptions import LedgerIntegrityError
from govkit.workspace import ledger_path

from ._fingerprint import fingerprint
from ._records import FIELDS, missing_ledger, parse_line, read_records, split_lines

try:  # POSIX advisory locks; Windows users get the single-write guarantee only
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None

__all__ = ["GENESIS_HASH", "STAGES", "Ledger", "Verification", "verify", "workbook_ledger"]

GENESIS_HASH = "0" * 64
STAGES = (
    "datasets",
    "anonymization",
    "privacy",
    "fairness",
    "explain",
    "pipeline",
    "report",
)
_BAD_STAGE = "Ledger.append: stage={value!r} is not a govkit stage; use one of {stages}."
_BAD_OPERATION = (
    "Ledger.append: operation={value!r} must be a non-empty string naming the step, "
    "e.g. 'anonymize' or 'dp_mean'."
)
_SECRET_NAME = (
    "Ledger.append: {where} is named like a secret ({name!r}); the ledger is shared with "
    "reviewers and must never hold keys or passwords. Record where it came from instead, "
    "e.g. {{'key_source': 'environment variable GOVKIT_HMAC_KEY'}}."
)
_IDENTIFIER_VALUE = (
    "Ledger.append: {where} holds a value that looks like a direct identifier "
    "({what}); the ledger must not contain raw identifiers. Record a count, a column "
    "name or a fingerprint (govkit.ledger.fingerprint) instead."
)
_NOT_JSON = (
    "Ledger.append: {where} has a value of type {kind} that the ledger cannot store; "
    "record numbers, strings, booleans, lists or dicts (summaries, not data), and pass "
    "data objects through inputs=/outputs= to store their fingerprints."
)
_CORRUPT = (
    "Ledger.append: {path} does not verify, so nothing was appended: {problem} Extending a "
    "broken chain would make the damage look like accepted history. Keep this file as "
    "evidence and restore the ledger from a copy that `python -m govkit verify` accepts, or "
    "start a new ledger at another path; never extend this one."
)
_CHANGED = (
    "Ledger.append: {path} changed under this Ledger object, so nothing was appended: record "
    "{record}, the last one this object verified or wrote, is no longer where it was (the file "
    "was cut or edited, not appended to). If you restored the file from a copy on purpose, "
    "open it again with a new Ledger(path), which verifies it whole; otherwise keep the file "
    "as evidence and restore it from a copy that `python -m govkit verify` accepts, or start "
    "a new ledger at another path."
)
_TORN = (
    "Ledger {path}: the last line is incomplete (a write was interrupted), so nothing can be "
    "appended after it. The {n} complete records are intact; call Ledger(path).repair() to "
    "move the torn line to {side} and continue."
)

_SECRET_RE = re.compile(
    r"(^|[_\-])(key|secret|password|passwd|passphrase|token|salt|pepper|apikey)$", re.I
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_NATIONAL_ID_RE = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")


def _canonical(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _record_hash(record: Mapping[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(_canonical(body)).hexdigest()


def _jsonable(value: Any, where: str) -> Any:
    """Convert ``value`` to plain JSON types, refusing secrets, identifiers and data."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None  # undefined metric -> null
    if isinstance(value, str):
        if _EMAIL_RE.search(value):
            raise ValueError(_IDENTIFIER_VALUE.format(where=where, what="an e-mail address"))
        if _NATIONAL_ID_RE.search(value):
            raise ValueError(_IDENTIFIER_VALUE.format(where=where, what="a national-ID number"))
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            name = str(key)
            child = f"{where}[{name!r}]"
            if _SECRET_RE.search(name) and item is not None and item is not False:
                raise ValueError(_SECRET_NAME.format(where=child, name=name))
            out[name] = _jsonable(item, child)
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(item, where) for item in value), key=repr)
    if isinstance(value, np.ndarray) and value.ndim <= 1 and value.size <= 1000:
        return [_jsonable(item, where) for item in value.tolist()]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        raise ValueError(_SECRET_NAME.format(where=where, name="<bytes value>"))
    raise TypeError(_NOT_JSON.format(where=where, kind=type(value).__name__))


def _fingerprints(objects: Mapping[str, Any] | None, where: str) -> dict[str, str]:
    if not objects:
        return {}
    if not isinstance(objects, Mapping):
        raise TypeError(
            f"Ledger.append: {where} must be a dict mapping a name to a data object, "
            f"got {type(objects).__name__}; pass e.g. {where}={{'train': data}}."
        )
    out = {}
    for name, obj in objects.items():
        is_digest = isinstance(obj, str) and len(obj) == 64 and all(
            c in "0123456789abcdef" for c in obj
        )
        out[str(name)] = obj if is_digest else fingerprint(obj)
    return out


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify`.

    Attributes
    ----------
    ok : bool
        True when every complete record verifies (and matches ``expected_head`` if given).
    n_records : int
        Number of complete records read.
    head_hash : str or None
        Hash of the last record that verified (``None`` for an empty ledger).
    bad_record : int or None
        1-based number of the first record that fails, if any.
    problem : str
        Human-readable explanation; empty when ``ok``.
    torn_tail : bool
        True when the file ends in an incomplete line (an interrupted append).
    """

    ok: bool
    n_records: int
    head_hash: str | None
    bad_record: int | None = None
    problem: str = ""
    torn_tail: bool = False

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if not self.ok:
            return f"ledger does NOT verify: {self.problem}"
        text = f"ledger verifies: {self.n_records} records, head hash {self.head_hash}"
        if self.torn_tail:
            text += " (an incomplete last line follows them: an append was interrupted)"
        return text


def _describe(record: Mapping[str, Any]) -> str:
    return f"({record.get('stage')}/{record.get('operation')} at {record.get('timestamp')})"


def _walk(
    lines: list[bytes], *, first: int = 1, previous: str = GENESIS_HASH
) -> tuple[int, str, int | None, str]:
    """Check ``lines`` as records number ``first``, ``first + 1``, ... chained after ``previous``.

    Returns how many records verified, the hash of the last one that did
    (``previous`` if none), and the number and problem of the first that did
    not (``None`` and ``""`` if all did).
    """
    for offset, line in enumerate(lines):
        number = first + offset
        record, problem = parse_line(line)
        if problem is None:
            if _record_hash(record) != record["hash"]:
                problem = (f"{_describe(record)} does not match its own hash: its content was "
                           "edited after it was written.")
            elif record["index"] != number - 1:
                problem = (
                    f"{_describe(record)} carries index {record['index']} but sits at position "
                    f"{number - 1}: a record was deleted, inserted or moved at or before it."
                )
            elif record["prev_hash"] != previous:
                problem = (
                    f"{_describe(record)} does not follow record {number - 1} (its prev_hash "
                    "differs): a record was deleted, inserted or reordered before it."
                )
        if problem is not None:
            return offset, previous, number, f"record {number} {problem}"
        previous = record["hash"]
    return len(lines), previous, None, ""


def _verify_bytes(data: bytes, expected_head: str | None) -> Verification:
    lines, torn = split_lines(data)
    good, previous, bad, problem = _walk(lines)
    if bad is not None:
        return Verification(False, good, previous if good else None, bad, problem, torn)
    head = previous if lines else None
    if expected_head is not None and head != expected_head:
        return Verification(
            False, len(lines), head, len(lines) or None,
            f"the head hash is {head} but {expected_head} was expected: records were removed "
            "from the end, or the ledger was replaced.",
            torn,
        )
    return Verification(True, len(lines), head, None, "", torn)


def verify(path: str | os.PathLike, *, expected_head: str | None = None) -> Verification:
    """Check a ledger file's hash chain and say which record breaks it.

    Parameters
    ----------
    path : path-like
        The ``.jsonl`` ledger file.
    expected_head : str, optional
        A head hash recorded elsewhere (e.g. in a report). When given, a
        ledger whose last records were cut off also fails.

    Returns
    -------
    Verification
        Truthy when the ledger verifies; ``problem`` names the first bad record otherwise.

    Raises
    ------
    FileNotFoundError
        When there is no file at ``path``: a mistyped path must not "verify"
        as an empty ledger.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from govkit.ledger import Ledger, verify
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl"
    >>> _ = Ledger(path).append("datasets", "load", parameters={"split": "train"})
    >>> bool(verify(path))
    True
    """
    path = Path(path)
    if not path.is_file():
        raise missing_ledger(path, "verify", "verify")
    return _verify_bytes(path.read_bytes(), expected_head)


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass(frozen=True)
class _Chain:
    """A verified prefix of a ledger file: which file, its size, record count, head, last line."""

    file: tuple[int, int]  # (device, inode): a replaced file is verified again
    size: int
    records: int
    head: str
    last_line: bytes


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return _read_from(fd)


def _read_from(fd: int) -> bytes:
    """Read from the current position to the end of the file."""
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


class Ledger:
    """An append-only, hash-chained record of governance steps in a JSON-lines file.

    Parameters
    ----------
    path : path-like
        The ledger file; created (with its folder) on the first append.
    actor : str, optional
        Who runs the steps (a role such as ``"workshop attendee"``; avoid
        personal names). Defaults to the environment variable
        ``GOVKIT_ACTOR`` or ``"unspecified"``.

    Notes
    -----
    :meth:`append` refuses to extend a file whose chain does not verify
    (:class:`~govkit.exceptions.LedgerIntegrityError` naming the record). The
    first append of each ``Ledger`` object verifies the whole file; later
    appends check only that the last record this object verified or wrote is
    still in place (so a file cut or edited at its end is refused too), and
    verify the records other writers (other ``Ledger`` objects, other
    processes) appended since. An append thus costs the same on a ledger of
    ten records or a million. An older record edited in place is caught by
    the next object's first append and by :func:`verify`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from govkit.ledger import Ledger
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> frame = pd.DataFrame({"age": [30, 40]})
    >>> record = ledger.append("datasets", "load", inputs={"raw": frame}, metrics={"rows": 2})
    >>> len(ledger), ledger.verify().ok
    (1, True)
    """

    def __init__(self, path: str | os.PathLike, *, actor: str | None = None) -> None:
        self.path = Path(path)
        self.actor = actor or os.environ.get("GOVKIT_ACTOR") or "unspecified"
        self._chain: _Chain | None = None  # what this object last verified or wrote

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r}, records={len(self)})"

    def append(
        self,
        stage: str,
        operation: str,
        *,
        parameters: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | None = None,
        outputs: Mapping[str, Any] | None = None,
        metrics: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Append one record and return it (with its hash).

        Parameters
        ----------
        stage : str
            One of :data:`STAGES`.
        operation : str
            What was done, e.g. ``"anonymize"`` or ``"dp_mean"``.
        parameters : dict, optional
            The settings of the step (JSON types; no secrets, no raw identifiers).
        inputs, outputs : dict, optional
            Name -> data object (DataFrame, Series, array, Dataset, file path) or
            an existing sha256 hex digest; only the fingerprints are stored.
        metrics : dict, optional
            The results of the step (JSON types; NaN and infinities become null).

        Returns
        -------
        dict
            The record as written.

        Raises
        ------
        LedgerIntegrityError
            The file's chain does not verify (the message names the record and
            the fix), the file changed under this object other than by
            appends, or it ends in a torn line (call :meth:`repair`). Nothing
            is written then.
        """
        if stage not in STAGES:
            raise ValueError(_BAD_STAGE.format(value=stage, stages=", ".join(STAGES)))
        if not isinstance(operation, str) or not operation.strip():
            raise ValueError(_BAD_OPERATION.format(value=operation))
        record = {
            "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds"),
            "actor": _jsonable(self.actor, "actor"),
            "stage": stage,
            "operation": operation,
            "parameters": _jsonable(dict(parameters or {}), "parameters"),
            "inputs": _fingerprints(inputs, "inputs"),
            "outputs": _fingerprints(outputs, "outputs"),
            "metrics": _jsonable(dict(metrics or {}), "metrics"),
            "govkit_version": __version__,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            with _locked(fd):
                chain = self._verified_chain(fd)
                record["index"] = chain.records
                record["prev_hash"] = chain.head
                record["hash"] = _record_hash(record)
                line = _canonical(record)
                self._chain = None  # until the write is known to be complete
                written = os.write(fd, line + b"\n")
                os.fsync(fd)
                if written == len(line) + 1:
                    self._chain = _Chain(chain.file, chain.size + written, chain.records + 1,
                                         record["hash"], line)
        finally:
            os.close(fd)
        return record

    def _verified_chain(self, fd: int) -> _Chain:
        """The chain the next record extends; raise if the file does not verify.

        Called under the lock. Verifies the whole file the first time (or when
        the file was replaced), then only what other writers appended after
        the last record this object verified or wrote, which must still be in
        place (see the class notes).
        """
        stat = os.fstat(fd)
        file = (stat.st_dev, stat.st_ino)
        known = self._chain
        if known is not None and known.file == file:
            # Same file: the record this object last saw must still end where it ended.
            start = known.size - len(known.last_line) - 1 if known.records else 0
            os.lseek(fd, start, os.SEEK_SET)
            data = _read_from(fd) if stat.st_size >= known.size else b""
            if known.records and not data.startswith(known.last_line + b"\n"):
                raise LedgerIntegrityError(_CHANGED.format(path=self.path, record=known.records))
            lines, torn = split_lines(data[known.size - start:])
            base, previous, size = known.records, known.head, known.size
        else:  # this object's first append, or the file was replaced (e.g. a restored copy)
            lines, torn = split_lines(_read_all(fd))
            base, previous, size = 0, GENESIS_HASH, 0
        good, head, bad, problem = _walk(lines, first=base + 1, previous=previous)
        if bad is not None:
            raise LedgerIntegrityError(_CORRUPT.format(path=self.path, problem=problem))
        if known is not None and known.records and base == 0 and (
            good < known.records or json.loads(lines[known.records - 1])["hash"] != known.head
        ):  # a replaced file must still hold the record this object last saw
            raise LedgerIntegrityError(_CHANGED.format(path=self.path, record=known.records))
        if torn:
            raise LedgerIntegrityError(
                _TORN.format(path=self.path, n=base + good, side=self._side_file())
            )
        size += sum(len(line) + 1 for line in lines)
        last = lines[-1] if lines else known.last_line if base else b""
        return _Chain(file, size, base + good, head, last)

    def records(self) -> list[dict[str, Any]]:
        """Return the records, oldest first (an incomplete last line is skipped).

        A new ledger (no file yet) has no records. Reading checks each
        record's fields and types, not the hash chain (that is :meth:`verify`).

        Raises
        ------
        LedgerRecordError
            A line is not a well-formed record; the message names its number
            and the file. ``read_records(path, strict=False)`` reads what is left.
        """
        if not self.path.exists():
            return []
        return read_records(self.path)

    def __len__(self) -> int:
        """The number of complete lines (records), without reading them; 0 for a new ledger."""
        if not self.path.exists():
            return 0
        return len(split_lines(self.path.read_bytes())[0])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records())

    @property
    def head_hash(self) -> str | None:
        """Hash of the newest record, or ``None`` when the ledger is empty."""
        records = self.records()
        return records[-1]["hash"] if records else None

    def verify(self, *, expected_head: str | None = None) -> Verification:
        """Verify this ledger's whole file; see :func:`govkit.ledger.verify`.

        Raises ``FileNotFoundError`` while the ledger has no file yet (nothing
        was appended): there is nothing to vouch for.
        """
        return verify(self.path, expected_head=expected_head)

    def to_frame(self) -> pd.DataFrame:
        """Return the records as a DataFrame, one row per record (a timeline).

        Columns: ``index``, ``timestamp`` (UTC), ``stage``, ``operation``,
        ``parameters`` and ``metrics`` (dicts), ``hash``.
        """
        columns = ["index", "timestamp", "stage", "operation", "parameters", "metrics", "hash"]
        frame = pd.DataFrame(self.records(), columns=FIELDS)[columns]
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
        return frame

    def _side_file(self) -> Path:
        return self.path.with_name(self.path.name + ".torn")

    def repair(self) -> int:
        """Move an incomplete last line (from an interrupted append) to ``<ledger>.torn``.

        Complete records are never touched. Returns the number of bytes moved
        (0 when there was nothing to repair).
        """
        if not self.path.exists():
            return 0
        fd = os.open(self.path, os.O_RDWR)
        try:
            with _locked(fd):
                data = _read_all(fd)
                cut = data.rfind(b"\n") + 1
                tail = data[cut:]
                if not tail:
                    return 0
                with open(self._side_file(), "ab") as side:
                    side.write(tail + b"\n")
                os.ftruncate(fd, cut)
                os.fsync(fd)
                return len(tail)
        finally:
            os.close(fd)


def workbook_ledger() -> Ledger:
    """Return the ledger the workbook's notebooks share.

    Its path is ``$GOVKIT_LEDGER`` or ``ledger.jsonl`` in the workspace (see
    :func:`govkit.workspace.workspace_dir`).

    Examples
    --------
    >>> from govkit.ledger import workbook_ledger
    >>> workbook_ledger().path.name
    'ledger.jsonl'
    """
    return Ledger(ledger_path())

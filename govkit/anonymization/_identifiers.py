"""Direct identifiers: drop them, or replace them with keyed pseudonyms (HMAC-SHA256).

A pseudonym must be impossible to reverse for anyone without the key. A
plain hash is not: the space of national-ID numbers, phone numbers or e-mail
addresses of a known shape is small enough to hash completely, and the table
of hashes reverses every pseudonym (a *dictionary attack*;
:func:`dictionary_attack` shows it on the workbook's synthetic IDs). A keyed
hash (HMAC) is a hash the attacker cannot compute without the key, so the
same attack recovers nothing.

The key comes from the environment variable ``GOVKIT_HMAC_KEY`` (at least 32
characters; keep it in a secrets manager, never in code) or, when that is
unset, from a random key generated once per Python session and kept only in
memory: pseudonyms are then consistent within the session and unlinkable
across sessions. The key never appears in a return value, a ledger record, a
repr or an error message; records say only where it came from.

Python's ``hmac`` and ``hashlib`` do the cryptography; this module adds the
key handling, per-column domain separation and the teaching attack.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from govkit.datasets import Dataset, as_frame

__all__ = [
    "DictionaryAttackResult",
    "KEY_VARIABLE",
    "dictionary_attack",
    "drop_identifiers",
    "national_id_candidates",
    "pseudonymize",
    "unsalted_hash",
]

KEY_VARIABLE = "GOVKIT_HMAC_KEY"
PSEUDONYM_LENGTH = 20  # hex characters (80 bits): no collision in any realistic table

KEY_TOO_SHORT = (
    "pseudonymize: the environment variable {variable} holds a key of {length} characters; "
    "use at least 32 random characters, e.g. the output of "
    "python -c \"import secrets; print(secrets.token_hex(32))\"."
)
NO_IDENTIFIERS = (
    "{func}: there are no identifier columns to {what}; pass columns=[...] or a Dataset whose "
    "identifiers role lists them (e.g. from govkit.datasets.add_synthetic_identifiers)."
)
UNKNOWN_COLUMN = (
    "{func}: identifier column {column!r} is not in the data; columns are {available}. Fix the "
    "name."
)
BAD_CANDIDATES = (
    "dictionary_attack: candidates must be an iterable of strings (the guesses to hash), got "
    "{kind}; pass e.g. national_id_candidates()."
)

_SESSION_KEY: bytes | None = None


def _key() -> tuple[bytes, str]:
    """The HMAC key and a description of its source (the description is safe to record)."""
    global _SESSION_KEY
    value = os.environ.get(KEY_VARIABLE)
    if value:
        if len(value) < 32:
            raise ValueError(KEY_TOO_SHORT.format(variable=KEY_VARIABLE, length=len(value)))
        return value.encode("utf-8"), f"environment variable {KEY_VARIABLE}"
    if _SESSION_KEY is None:
        _SESSION_KEY = secrets.token_bytes(32)
    return _SESSION_KEY, "random key generated for this Python session (kept in memory only)"


def _columns(frame: pd.DataFrame, dataset: Dataset | None, columns: Any, func: str,
             what: str) -> list[str]:
    if columns is None:
        columns = list(dataset.identifiers) if dataset is not None else []
    elif isinstance(columns, str):
        columns = [columns]
    else:
        columns = list(columns)
    if not columns:
        raise ValueError(NO_IDENTIFIERS.format(func=func, what=what))
    for column in columns:
        if column not in frame.columns:
            raise ValueError(
                UNKNOWN_COLUMN.format(func=func, column=column, available=list(map(str, frame.columns)))
            )
    return columns


def pseudonymize_frame(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, str]:
    """A copy of ``frame`` with ``columns`` replaced by HMAC pseudonyms, and the key's source."""
    key, source = _key()
    out = frame.copy()
    for column in columns:
        values = frame[column]
        prefix = f"{column}\x00".encode()  # domain separation: the same value differs by column
        uniques = pd.unique(values.dropna())
        tokens = {
            value: hmac.new(key, prefix + str(value).encode("utf-8"), hashlib.sha256).hexdigest()[
                :PSEUDONYM_LENGTH
            ]
            for value in uniques
        }
        out[column] = values.map(tokens).astype(object)
    return out, source


def pseudonymize(data, *, columns: Sequence[str] | None = None, ledger=None):
    """Replace direct identifiers with keyed pseudonyms (HMAC-SHA256, 80 bits, hex).

    The same value in the same column always gets the same pseudonym under
    one key, so records of one person stay linkable inside the release, but
    nobody without the key can compute or reverse a pseudonym. Missing values
    stay missing. The key is read from ``GOVKIT_HMAC_KEY`` or generated for
    the session (see the module docstring); it is never returned or recorded.

    Parameters
    ----------
    data : Dataset or DataFrame
    columns : list of str, optional
        Columns to pseudonymize; default: the Dataset's identifiers.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/pseudonymize`` record is appended
        (columns, key source, row count; never values or the key).

    Returns
    -------
    Dataset or DataFrame
        The same kind as ``data``; the input is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.anonymization import pseudonymize
    >>> frame = pd.DataFrame({"national_id": ["900-12-3456", "900-12-3456", None]})
    >>> out = pseudonymize(frame, columns=["national_id"])
    >>> out["national_id"].iloc[0] == out["national_id"].iloc[1], len(out["national_id"].iloc[0])
    (True, 20)
    >>> out["national_id"].isna().tolist()
    [False, False, True]
    """
    frame, dataset = as_frame(data, func="pseudonymize")
    columns = _columns(frame, dataset, columns, "pseudonymize", "pseudonymize")
    out, source = pseudonymize_frame(frame, columns)
    result = dataset.replace(frame=out, numeric=dataset.numeric, categorical=dataset.categorical) \
        if dataset is not None else out
    if ledger is not None:
        ledger.append(
            "anonymization",
            "pseudonymize",
            parameters={"columns": columns, "method": "HMAC-SHA256, 80-bit hex",
                        "key_source": source},
            inputs={"data": data if dataset is not None else frame},
            outputs={"pseudonymized": result},
            metrics={"rows": len(frame),
                     "distinct_pseudonyms": {c: int(out[c].nunique()) for c in columns}},
        )
    return result


def drop_identifiers(data, *, columns: Sequence[str] | None = None, ledger=None):
    """Remove direct identifier columns (the first, necessary and insufficient, step).

    Parameters
    ----------
    data : Dataset or DataFrame
    columns : list of str, optional
        Default: the Dataset's identifiers.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/drop_identifiers`` record is appended.

    Returns
    -------
    Dataset or DataFrame
        Without those columns (a Dataset loses them from its identifiers role).

    Examples
    --------
    >>> from govkit.anonymization import drop_identifiers
    >>> from govkit.datasets import add_synthetic_identifiers, load_adult
    >>> people = add_synthetic_identifiers(load_adult("test"))
    >>> drop_identifiers(people).identifiers
    ()
    """
    frame, dataset = as_frame(data, func="drop_identifiers")
    columns = _columns(frame, dataset, columns, "drop_identifiers", "drop")
    out = frame.drop(columns=columns)
    if dataset is not None:
        result = dataset.replace(
            frame=out,
            identifiers=tuple(c for c in dataset.identifiers if c not in columns),
            numeric=tuple(c for c in dataset.numeric if c not in columns),
            categorical=tuple(c for c in dataset.categorical if c not in columns),
            protected=tuple(c for c in dataset.protected if c not in columns),
            quasi_identifiers=tuple(c for c in dataset.quasi_identifiers if c not in columns),
        )
    else:
        result = out
    if ledger is not None:
        ledger.append(
            "anonymization",
            "drop_identifiers",
            parameters={"columns": columns},
            inputs={"data": data if dataset is not None else frame},
            outputs={"released": result},
            metrics={"rows": len(frame), "columns_dropped": len(columns)},
        )
    return result


def unsalted_hash(values: Iterable[Any]) -> pd.Series:
    """SHA-256 of each value, with no key and no salt: what *not* to do.

    Examples
    --------
    >>> from govkit.anonymization import unsalted_hash
    >>> unsalted_hash(["abc"]).iloc[0][:16]
    'ba7816bf8f01cfea'
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    return series.map(
        lambda v: v if pd.isna(v) else hashlib.sha256(str(v).encode("utf-8")).hexdigest()
    ).astype(object)


def national_id_candidates() -> Iterable[str]:
    """Every synthetic national ID (``900-00-0000`` ... ``900-99-9999``): the attacker's dictionary.

    The synthetic IDs of :func:`govkit.datasets.add_synthetic_identifiers`
    live in this space of 10**6 values; real US Social Security numbers have
    10**9, which a GPU hashes in under a second.

    Examples
    --------
    >>> from govkit.anonymization import national_id_candidates
    >>> candidates = list(national_id_candidates())
    >>> len(candidates), candidates[0]
    (1000000, '900-00-0000')
    """
    return (f"900-{v // 10_000:02d}-{v % 10_000:04d}" for v in range(1_000_000))


@dataclass(frozen=True, eq=False)
class DictionaryAttackResult:
    """The outcome of :func:`dictionary_attack`. Its repr shows counts, never recovered values.

    Attributes
    ----------
    targets : int
        Distinct hashes attacked.
    recovered : int
        Hashes whose input was found.
    candidates : int
        Guesses hashed.
    seconds : float
        Time to hash the dictionary and look every target up.
    correct : int or None
        Recovered values equal to the true ones (when ``truth`` was given).
    values : pandas.Series
        The recovered value per input position (NaN where not found). Treat it
        as the raw identifiers it is: do not print it.
    """

    targets: int
    recovered: int
    candidates: int
    seconds: float
    correct: int | None
    values: pd.Series = field(repr=False)

    @property
    def recovered_share(self) -> float:
        return self.recovered / self.targets if self.targets else 0.0

    def __str__(self) -> str:
        text = (
            f"recovered {self.recovered:,} of {self.targets:,} distinct hashes "
            f"({self.recovered_share:.1%}) by hashing {self.candidates:,} guesses in "
            f"{self.seconds:.2f} s"
        )
        if self.correct is not None:
            text += f"; {self.correct:,} recovered values match the originals"
        return text

    def _repr_html_(self) -> str:
        return f"<p><b>Dictionary attack:</b> {str(self)}.</p>"


def dictionary_attack(
    hashes: Iterable[Any], candidates: Iterable[str], *, truth: Iterable[Any] | None = None,
    ledger=None,
) -> DictionaryAttackResult:
    """Reverse unsalted SHA-256 pseudonyms by hashing every candidate value.

    Parameters
    ----------
    hashes : iterable of str
        The published pseudonyms (e.g. ``unsalted_hash(ids)`` or HMAC pseudonyms).
    candidates : iterable of str
        The attacker's guesses, e.g. :func:`national_id_candidates`.
    truth : iterable, optional
        The real values (same order as ``hashes``) to count correct recoveries.
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/dictionary_attack`` record is appended
        (counts and timing only).

    Returns
    -------
    DictionaryAttackResult

    Examples
    --------
    >>> from govkit.anonymization import dictionary_attack, unsalted_hash
    >>> leaked = unsalted_hash(["900-00-0042"])
    >>> dictionary_attack(leaked, (f"900-00-{i:04d}" for i in range(100))).recovered
    1
    """
    if isinstance(candidates, (str, bytes)) or not isinstance(candidates, Iterable):
        raise TypeError(BAD_CANDIDATES.format(kind=type(candidates).__name__))
    targets = hashes if isinstance(hashes, pd.Series) else pd.Series(list(hashes), dtype=object)
    wanted = set(targets.dropna())
    start = time.perf_counter()
    found: dict[str, str] = {}
    tried = 0
    sha256 = hashlib.sha256
    for guess in candidates:
        tried += 1
        digest = sha256(guess.encode("utf-8")).hexdigest()
        if digest in wanted:
            found[digest] = guess
            if len(found) == len(wanted):
                break
    seconds = time.perf_counter() - start
    values = targets.map(found).astype(object)
    correct = None
    if truth is not None:
        truth_series = pd.Series(list(truth), index=targets.index, dtype=object)
        correct = int((values == truth_series).sum())
    result = DictionaryAttackResult(
        targets=len(wanted), recovered=len(found), candidates=tried, seconds=seconds,
        correct=correct, values=values,
    )
    if ledger is not None:
        ledger.append(
            "anonymization",
            "dictionary_attack",
            parameters={"hash": "SHA-256, no key, no salt", "candidates": tried},
            metrics={"targets": result.targets, "recovered": result.recovered,
                     "recovered_share": result.recovered_share, "seconds": seconds},
        )
    return result

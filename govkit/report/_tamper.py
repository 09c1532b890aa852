"""Tamper with a *copy* of a ledger, the ways a forger would, and see what verification catches.

The original file is only read. Each action models one attacker:

``edit``
    change one number in a record (the naive forger): the record no longer
    matches its own hash.
``edit_and_rehash``
    change the number and recompute that record's hash (a forger who read the
    code): the next record's ``prev_hash`` no longer matches. On the last
    record nothing inside the file shows it.
``rewrite_chain``
    change the number and recompute every hash from there to the end: the file
    is internally consistent again, and only a head hash kept elsewhere
    (``expected_head``) exposes it.
``delete``
    remove one record: the records after it carry the wrong index. Removing
    the *last* record leaves a valid, shorter chain, which again only the
    kept head hash exposes.
``swap``
    swap a record with the next one (reorder history).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import as_generator, check_choice, check_random_state
from govkit.ledger import Ledger, Verification, verify

__all__ = ["TAMPER_ACTIONS", "TamperedCopy", "tamper_copy", "tamper_table"]

#: Action -> what the forger does (see the module docstring).
TAMPER_ACTIONS = {
    "edit": "change a number in the record",
    "edit_and_rehash": "change a number and recompute the record's own hash",
    "rewrite_chain": "change a number and recompute every hash from there on",
    "delete": "delete the record",
    "swap": "swap the record with the next one",
}

_BAD_RECORD = (
    "tamper_copy: record={record!r} must be a record number from 1 to {n} (as verify counts, "
    "from 1){extra}."
)
_SAME_FILE = (
    "tamper_copy: out_dir {out_dir} holds the original ledger; tamper only with a copy. "
    "Choose another folder, e.g. workspace_dir() / 'tamper-demo'."
)
_NO_NUMBER = (
    "tamper_copy: record {record} ({what}) has no number named {key!r} in its metrics or "
    "parameters; its numbers are {keys}."
)
_EMPTY = "tamper_copy: the ledger at {path} has no records to tamper with."


def _canonical(record: Mapping[str, Any]) -> bytes:
    # The ledger's own canonical form (sorted keys, no spaces): recomputed hashes then match.
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _rehash(record: dict[str, Any]) -> None:
    body = {k: v for k, v in record.items() if k != "hash"}
    record["hash"] = hashlib.sha256(_canonical(body)).hexdigest()


#: Numbers a forger would most like to "improve", first found first edited.
_HEADLINE = ("budget_spent_epsilon", "epsilon_spent", "reidentified_share", "information_loss",
             "prosecutor_highest_risk", "k", "accuracy", "auc", "max_additivity_error",
             "positive_rate", "rows")


def _numbers(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(section, key)`` of every top-level number in metrics, then parameters.

    Headline results come first (see ``_HEADLINE``), then the rest alphabetically.
    """
    found = []
    for section in ("metrics", "parameters"):
        for key, value in sorted((record.get(section) or {}).items()):
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                found.append((section, key))
    rank = {key: i for i, key in enumerate(_HEADLINE)}
    return sorted(found, key=lambda item: (item[0] != "metrics", rank.get(item[1], len(rank))))


def _edited(value: float | int) -> float | int:
    """A plausible "improvement": halve a non-zero float, add one to an integer or a zero."""
    if isinstance(value, float) and value != 0:
        return round(value / 2, 6)
    return value + 1


@dataclass(frozen=True)
class TamperedCopy:
    """A tampered copy of a ledger and what verification says about it.

    Attributes
    ----------
    path : pathlib.Path
        The tampered copy (``<out_dir>/ledger.jsonl``).
    action : str
        One of :data:`TAMPER_ACTIONS`.
    record : int
        The record (1-based) that was changed, removed or moved.
    change : str
        What was done, in words.
    original_head : str
        The head hash of the original ledger (what a reviewer should have kept).
    verification : Verification
        ``verify(path)``: the file checked on its own.
    verification_with_head : Verification
        ``verify(path, expected_head=original_head)``.
    """

    path: Path
    action: str
    record: int
    change: str
    original_head: str
    verification: Verification
    verification_with_head: Verification

    @property
    def detected(self) -> bool:
        """True when the file alone fails verification."""
        return not self.verification.ok

    def summary(self) -> pd.DataFrame:
        """Both verifications side by side: passed or not, first bad record, the problem."""
        rows = []
        for label, result in (("verify(copy)", self.verification),
                              ("verify(copy, expected_head=original head)",
                               self.verification_with_head)):
            rows.append({"check": label, "verifies": result.ok,
                         "first bad record": result.bad_record, "problem": result.problem or "—"})
        return pd.DataFrame(rows).set_index("check")

    def __str__(self) -> str:
        return (f"tampered copy {self.path}: {self.change}\n"
                f"  on its own:          {self.verification}\n"
                f"  with the kept head:  {self.verification_with_head}")

    def _repr_html_(self) -> str:
        import html

        caught = ("<b style='color:#cf222e'>caught</b>" if self.detected else
                  "<b style='color:#9a6700'>NOT caught</b> by the file alone")
        return (f"<p>Tampered copy: {html.escape(self.change)} &rarr; {caught}.</p>"
                + self.summary().to_html(escape=True))


def _edit_number(target: dict[str, Any], key: str | None, value: Any, record: int,
                 what: str) -> str:
    """Change one number of ``target`` in place (its timestamp if it has none); say what changed."""
    numbers = _numbers(target)
    if key is None:
        if not numbers:  # no number to "improve": backdate the record by a second instead
            old = target["timestamp"]
            new = (pd.Timestamp(old) - pd.Timedelta(seconds=1)).isoformat(timespec="milliseconds")
            target["timestamp"] = new
            return f"timestamp {old} -> {new}"
        section, name = numbers[0]
    else:
        matches = [(s, k) for s, k in numbers if k == key]
        if not matches:
            raise ValueError(_NO_NUMBER.format(record=record, what=what, key=key,
                                               keys=[k for _, k in numbers]))
        section, name = matches[0]
    old = target[section][name]
    new = _edited(old) if value is None else value
    target[section][name] = new
    return f"{section}[{name!r}] {old:g} -> {new:g}"


def tamper_copy(
    ledger: Ledger | str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    record: int | None = None,
    action: str = "edit",
    key: str | None = None,
    value: float | int | None = None,
    random_state: int | None = None,
) -> TamperedCopy:
    """Copy a ledger into ``out_dir``, tamper with the copy, and verify it two ways.

    Parameters
    ----------
    ledger : Ledger or path-like
        The original; only read.
    out_dir : path-like
        Folder for the copy (created); must not be the original's folder.
    record : int, optional
        The record to tamper with, numbered from 1 as :func:`~govkit.ledger.verify`
        reports. ``None`` picks one at random (with ``random_state``), never the last.
    action : str
        One of :data:`TAMPER_ACTIONS`.
    key : str, optional
        For the edit actions: the number to change, by name, in the record's
        metrics (or parameters). Defaults to its first number.
    value : number, optional
        The new value; defaults to half a non-zero float, or an integer plus one.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Seeds the choice of record when ``record`` is ``None``.

    Returns
    -------
    TamperedCopy

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import tamper_copy
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> ledger = Ledger(folder / "original" / "ledger.jsonl")
    >>> for k in (5, 10, 20):
    ...     _ = ledger.append("anonymization", "anonymize", metrics={"k": k})
    >>> copy = tamper_copy(ledger, folder / "copy", record=2)
    >>> copy.change
    "record 2 (anonymization/anonymize): metrics['k'] 10 -> 11"
    >>> copy.verification.bad_record, ledger.verify().ok
    (2, True)
    >>> cut = tamper_copy(ledger, folder / "cut", record=3, action="delete")
    >>> cut.verification.ok, cut.verification_with_head.ok
    (True, False)
    """
    check_choice(action, TAMPER_ACTIONS, param="action", func="tamper_copy")
    check_random_state(random_state, func="tamper_copy")
    source = ledger.path if isinstance(ledger, Ledger) else Path(ledger)
    out_dir = Path(out_dir)
    if out_dir.resolve() == source.parent.resolve():
        raise ValueError(_SAME_FILE.format(out_dir=out_dir))
    lines = [line for line in source.read_bytes().split(b"\n") if line.strip()]
    if not lines:
        raise ValueError(_EMPTY.format(path=source))
    records = [json.loads(line) for line in lines]
    n = len(records)
    original_head = records[-1].get("hash", "")
    if record is None:
        rng = as_generator(random_state, func="tamper_copy")
        record = int(rng.integers(1, n)) if n > 1 else 1
    if isinstance(record, bool) or not isinstance(record, (int, np.integer)) or not 1 <= record <= n:
        raise ValueError(_BAD_RECORD.format(record=record, n=n, extra=""))
    record = int(record)
    if action == "swap" and record == n:
        raise ValueError(_BAD_RECORD.format(record=record, n=n - 1,
                                            extra="; swap moves it after the next record"))
    target = records[record - 1]
    what = f"record {record} ({target.get('stage')}/{target.get('operation')})"
    if action in ("edit", "edit_and_rehash", "rewrite_chain"):
        change = what + ": " + _edit_number(target, key, value, record, what)
        if action == "edit_and_rehash":
            _rehash(target)
            change += ", own hash recomputed"
        elif action == "rewrite_chain":
            previous = records[record - 2]["hash"] if record > 1 else target["prev_hash"]
            for later in records[record - 1:]:
                later["prev_hash"] = previous
                _rehash(later)
                previous = later["hash"]
            change += ", every hash from there on recomputed"
        lines[record - 1:] = [_canonical(r) for r in records[record - 1:]]
    elif action == "delete":
        del lines[record - 1]
        change = f"{what} deleted" + (" (the last record)" if record == n else "")
    else:  # swap
        lines[record - 1], lines[record] = lines[record], lines[record - 1]
        change = f"{what} swapped with record {record + 1}"

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "ledger.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return TamperedCopy(
        path=path, action=action, record=record, change=change, original_head=original_head,
        verification=verify(path),
        verification_with_head=verify(path, expected_head=original_head),
    )


def tamper_table(
    ledger: Ledger | str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    record: int,
) -> pd.DataFrame:
    """Every tampering action on ``record`` and on the last record: which check catches it?

    Parameters
    ----------
    ledger : Ledger or path-like
    out_dir : path-like
        One sub-folder per case is written here.
    record : int
        A record in the middle of the ledger (1-based).

    Returns
    -------
    DataFrame
        One row per case: what was done, whether the file alone verifies, which
        record it names, and whether the kept head hash catches it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import tamper_table
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> ledger = Ledger(folder / "original" / "ledger.jsonl")
    >>> for k in (5, 10, 20, 40):
    ...     _ = ledger.append("anonymization", "anonymize", metrics={"k": k})
    >>> table = tamper_table(ledger, folder / "cases", record=2)
    >>> table["caught by the file alone"].tolist()
    [True, True, False, True, True, False, False]
    >>> bool(table["caught with the kept head hash"].all())
    True
    """
    source = ledger.path if isinstance(ledger, Ledger) else Path(ledger)
    n = len([line for line in source.read_bytes().split(b"\n") if line.strip()])
    cases = [(record, action) for action in TAMPER_ACTIONS]
    cases += [(n, "edit_and_rehash"), (n, "delete")]
    rows = []
    for number, action in cases:
        copy = tamper_copy(source, Path(out_dir) / f"{action}-{number}", record=number,
                           action=action)
        rows.append({
            "what the forger did": copy.change,
            "caught by the file alone": copy.detected,
            "first bad record": copy.verification.bad_record or pd.NA,
            "caught with the kept head hash": not copy.verification_with_head.ok,
        })
    frame = pd.DataFrame(rows)
    frame["first bad record"] = frame["first bad record"].astype("Int64")
    return frame

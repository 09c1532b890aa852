"""Checkers for the exercises of notebook 05 (accountability).

The right answers are read from the ledger under review, never typed in: the
record that fails verification, the budget's totals as recorded, the head hash.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from govkit.ledger import GENESIS_HASH, Ledger, verify
from govkit.report import budget_over_time, tamper_copy

from ._feedback import Feedback, number_answer

__all__ = [
    "budget_spent_exercise",
    "head_hash_exercise",
    "mystery_ledger",
    "tampered_record_exercise",
]

_HEX = set("0123456789abcdef")
_MIN_PREFIX = 12


def _path(ledger: Ledger | str | os.PathLike) -> Path:
    return ledger.path if isinstance(ledger, Ledger) else Path(ledger)


def mystery_ledger(
    ledger: Ledger | str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    random_state: int = 5,
) -> Path:
    """A copy of ``ledger`` in which one record (not the last) had a number changed; which one?

    The original is only read. Find the record with :func:`govkit.ledger.verify`
    and check your answer with :func:`tampered_record_exercise`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.check import mystery_ledger
    >>> from govkit.ledger import Ledger, verify
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> ledger = Ledger(folder / "original" / "ledger.jsonl")
    >>> for k in (5, 10, 20, 40):
    ...     _ = ledger.append("anonymization", "anonymize", metrics={"k": k})
    >>> path = mystery_ledger(ledger, folder / "mystery")
    >>> verify(path).ok, ledger.verify().ok
    (False, True)
    """
    return tamper_copy(ledger, out_dir, random_state=random_state).path


def tampered_record_exercise(mystery: str | os.PathLike, answer: object) -> Feedback:
    """Exercise 05.1: which record of the mystery ledger was edited (numbered from 1)?

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.check import mystery_ledger, tampered_record_exercise
    >>> from govkit.ledger import Ledger, verify
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> ledger = Ledger(folder / "original" / "ledger.jsonl")
    >>> for k in (5, 10, 20, 40):
    ...     _ = ledger.append("anonymization", "anonymize", metrics={"k": k})
    >>> path = mystery_ledger(ledger, folder / "mystery")
    >>> right = verify(path).bad_record   # what an attendee reads off
    >>> bool(tampered_record_exercise(path, right))
    True
    >>> print(tampered_record_exercise(path, right - 1).message.split(":")[0])
    That is the record's index
    """
    result = verify(mystery)
    if result.ok:
        return Feedback(False, f"The ledger at {mystery} verifies: nothing in it was edited. Pass "
                               "the mystery copy (the path mystery_ledger returned).")
    value = number_answer(answer, "12")
    if isinstance(value, Feedback):
        return value
    right = result.bad_record
    if value == right:
        return Feedback(True, f"Record {right}. {result.problem} Every record after it still "
                              "matches its own hash, but none of them can be trusted now: they "
                              "were chained to a record that was altered.")
    if value == right - 1:
        return Feedback(False, "That is the record's index: the `index` field counts from 0. "
                               "verify, the report and timeline_frame number records from 1.")
    if value > right:
        return Feedback(False, "Later records are suspect only because they follow the edited "
                               "one; verify stops at the first record that fails. Read its "
                               "problem line.")
    return Feedback(False, "The records before the edited one still verify. Run "
                           "verify(mystery) and read its problem: it names the record.")


def _target_budget(ledger):
    frame = budget_over_time(ledger)
    if frame.empty:
        return None, frame
    sizes = frame.groupby("budget", sort=False).agg(n=("charge", "size"), last=("record", "max"))
    name = sizes.sort_values(["n", "last"], ascending=False).index[0]
    return name, frame[frame["budget"] == name]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01 * abs(b), 0.0015)


def budget_spent_exercise(ledger: Ledger | str | os.PathLike, answer: object) -> Feedback:
    """Exercise 05.2: the budget with the most DP charges: ε spent by the accountant, and by a plain sum.

    Answer with a pair ``(accountant, plain_sum)``: the budget's ε after its
    last charge as the accountant composed it, and the plain sum of its
    charges' ε. Among budgets with as many charges, the latest counts (it is
    the first panel of :func:`govkit.report.plot_budget_over_time`).

    Examples
    --------
    >>> from govkit.check import budget_spent_exercise
    >>> def charge(eps, spent, naive):
    ...     return {"stage": "privacy", "operation": "dp_count", "timestamp": None,
    ...             "parameters": {"budget_name": "b", "budget_epsilon": 3.0, "epsilon": eps},
    ...             "metrics": {"budget_spent_epsilon": spent, "budget_naive_sum_epsilon": naive}}
    >>> records = [charge(1, 1, 1), charge(1, 1.8, 2)]
    >>> bool(budget_spent_exercise(records, (1.8, 2)))
    True
    >>> print(budget_spent_exercise(records, (2, 1.8)).message.split(":")[0])
    You swapped them
    """
    name, part = _target_budget(ledger)
    if name is None:
        return Feedback(False, "The ledger holds no differentially private release or training; "
                               "review a ledger from notebook 02 or the pipeline.")
    if answer is None:
        return Feedback.no_answer("(1.23, 1.5)")
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Sequence) or len(answer) != 2:
        return Feedback(False, "Answer with two numbers in a tuple: (accountant, plain sum), "
                               "e.g. (1.23, 1.5).")
    values = [number_answer(a, "1.23") for a in answer]
    for value in values:
        if isinstance(value, Feedback):
            return value
    spent_answer, naive_answer = values
    spent, naive = float(part["spent"].iloc[-1]), float(part["naive_sum"].iloc[-1])
    total = float(part["budget_epsilon"].iloc[-1])
    last_charge = float(part["epsilon"].iloc[-1])
    which = f"budget {name!r} ({len(part)} charges)"
    if _close(spent_answer, spent) and _close(naive_answer, naive):
        saved = naive - spent
        return Feedback(True, f"For {which} the accountant composed ε = {spent:.3f}; a plain sum "
                              f"claims {naive:.3f}" + (f", {saved:.3f} more. " if saved > 1e-9 else ". ")
                              + "Both are valid upper bounds on the privacy loss. The accountant "
                              "composes the mechanisms' actual privacy-loss distributions at the "
                              "budget's δ instead of adding worst cases, which pays off as charges "
                              "accumulate (for a few pure-ε releases it can be a hair above the "
                              "sum: its numerical slack).")
    if _close(spent_answer, naive) and _close(naive_answer, spent) and not _close(spent, naive):
        return Feedback(False, "You swapped them: give (accountant, plain sum), the accountant's "
                               "composed ε first.")
    if _close(spent_answer, total) or _close(naive_answer, total):
        return Feedback(False, f"{total:g} is the budget's total, what may be spent; the question "
                               f"is what {which} had spent after its last charge "
                               "(the budget_spent_epsilon of its last record).")
    if _close(spent_answer, last_charge) and not _close(spent, last_charge):
        return Feedback(False, "That is the last charge's own ε. The budget's spent ε after it "
                               "composes every charge so far: read budget_spent_epsilon in the "
                               "last row of budget_over_time for this budget.")
    if _close(spent_answer, spent):
        return Feedback(False, "The accountant's number is right. The plain sum adds up the ε "
                               "of every charge of this budget (budget_naive_sum_epsilon, or the "
                               "sum of the epsilon column).")
    return Feedback(False, f"Use {which}: in budget_over_time(ledger), its last row's `spent` is "
                           "the accountant's total and `naive_sum` the plain sum.")


def head_hash_exercise(ledger: Ledger | str | os.PathLike, answer: object) -> Feedback:
    """Exercise 05.3: which hash must a reviewer keep outside the ledger to detect truncation?

    Answer with the hash (at least its first 12 hex characters).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.check import head_hash_exercise
    >>> from govkit.ledger import GENESIS_HASH, Ledger
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> for k in (5, 10, 20):
    ...     _ = ledger.append("anonymization", "anonymize", metrics={"k": k})
    >>> bool(head_hash_exercise(ledger, ledger.head_hash))
    True
    >>> print(head_hash_exercise(ledger, GENESIS_HASH).message.split(":")[0])
    That is the genesis value
    """
    records = Ledger(_path(ledger)).records()
    if not records:
        return Feedback(False, "The ledger is empty: there is no head hash to keep yet.")
    if answer is None:
        return Feedback.no_answer('"3f9a0c…" (the hash, at least 12 characters)')
    if not isinstance(answer, str):
        return Feedback(False, "Answer with the hash as a string of hexadecimal characters, in "
                               "quotes.")
    text = answer.strip().strip("…").strip(".").lower()
    if not text or set(text) - _HEX:
        return Feedback(False, "A hash is written in hexadecimal (0-9, a-f); copy it from "
                               "print(ledger.verify()) or ledger.head_hash.")
    if len(text) < _MIN_PREFIX:
        return Feedback(False, f"Give at least the first {_MIN_PREFIX} characters of the hash: "
                               "shorter prefixes are easy to match by chance.")
    head = records[-1]["hash"]
    if head.startswith(text):
        return Feedback(True, "The head hash: the hash of the last record, which depends on every "
                              "record before it. Keep it outside the ledger's folder (a ticket, an "
                              "e-mail to the reviewer); `python -m govkit verify LEDGER "
                              "--expected-head HASH` then also detects records cut from the end "
                              "and a chain rewritten from any point.")
    if GENESIS_HASH.startswith(text):
        return Feedback(False, "That is the genesis value: the prev_hash of record 1, the same "
                               "zeros in every ledger, so it proves nothing.")
    for number, record in enumerate(records, start=1):
        if record["hash"].startswith(text):
            later = len(records) - number
            return Feedback(False, f"That is record {number}'s hash. It vouches for records 1 to "
                                   f"{number}, not for the {later} after it, which could be cut or "
                                   "rewritten unnoticed. Which record's hash depends on all of "
                                   "them?")
        fingerprints = {**(record.get("inputs") or {}), **(record.get("outputs") or {})}
        if any(str(value).startswith(text) for value in fingerprints.values()):
            return Feedback(False, "That is a data fingerprint (from a record's inputs or "
                                   "outputs): it identifies a dataset, not the ledger. The hash "
                                   "to keep is a record's `hash`.")
    return Feedback(False, "That hash is not in this ledger. print(ledger.verify()) ends with the "
                           "head hash; ledger.head_hash gives it too.")

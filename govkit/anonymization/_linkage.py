"""Sweeney's linkage attack: re-identify "anonymous" records through a public register.

In 1997 Latanya Sweeney bought the Cambridge, MA voter list (names, ZIP code,
birth date, sex) and joined it to a hospital-discharge release from which
names had been removed; the Governor's record was the only one matching his
ZIP code, birth date and sex. :func:`public_register` builds such a register
for a sample of the people in a dataset (their names plus a few
quasi-identifiers), and :func:`linkage_attack` joins it to a release:

- against a release with raw quasi-identifiers the join is exact;
- against an anonymized release the attacker matches each register entry to
  every released row whose generalized values are *compatible* with what the
  register says (age 37 is compatible with ``[35, 39]``, ZIP ``02139`` with
  ``021**`` or ``{02139, 02141}``), using the release's own description of
  its generalizations (:meth:`AnonymizationResult.covers`).

An entry is *re-identified* when exactly one released row is compatible and
it is that person's row. The register's index holds the true row of each
entry; the attack never reads it, only the scoring does.

Linkage attacks are usually shown as a one-off pandas merge; a merge cannot
match raw values against generalized ones, hence this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import check_interval, check_random_state
from govkit.datasets import Dataset, as_frame

__all__ = ["LinkageResult", "linkage_attack", "public_register"]

REGISTER_NEEDS_IDENTIFIERS = (
    "public_register: data must be a Dataset whose first register column {column!r} is a direct "
    "identifier (a name): Adult has none, so add synthetic ones with "
    "govkit.datasets.add_synthetic_identifiers(data); for your own data pass "
    "columns=(<identifier column>, <quasi-identifiers>...)."
)
REGISTER_COLUMN = (
    "public_register: column {column!r} is not in the data; columns are {available}. A register "
    "holds names and a few quasi-identifiers, e.g. columns=('name', 'zip_code', 'age', 'sex')."
)
NO_JOIN_COLUMNS = (
    "linkage_attack: the register and the release share no column to join on (register: "
    "{register}; release: {release}); pass on=[...] with quasi-identifiers both hold."
)
JOIN_COLUMN = (
    "linkage_attack: join column {column!r} is missing from the {where}; pass on= with columns "
    "that both the register and the release hold."
)
NOT_A_REGISTER = "linkage_attack: register must be a pandas DataFrame, got {kind}."
SOURCE_UNKNOWN = (
    "linkage_attack: the release has {rows} rows but result.source_index has {known}; pass the "
    "release and the result from the same anonymize() call."
)


@dataclass(frozen=True)
class LinkageResult:
    """How many register entries the attack re-identified.

    Attributes
    ----------
    register_size : int
    on : tuple of str
        The quasi-identifiers joined on.
    matched : int
        Entries with at least one compatible released row.
    unique : int
        Entries with exactly one compatible released row.
    correct : int
        Unique matches that are the right person (re-identifications).
    average_candidates : float
        Mean number of compatible rows over matched entries.
    release : str
        ``"raw"`` or the anonymization method.
    """

    register_size: int
    on: tuple[str, ...]
    matched: int
    unique: int
    correct: int
    average_candidates: float
    release: str

    @property
    def reidentified_share(self) -> float:
        """Share of register entries re-identified (uniquely and correctly)."""
        return self.correct / self.register_size if self.register_size else 0.0

    @property
    def unique_share(self) -> float:
        return self.unique / self.register_size if self.register_size else 0.0

    def to_metrics(self) -> dict[str, Any]:
        return {
            "register_size": self.register_size,
            "matched": self.matched,
            "unique_matches": self.unique,
            "reidentified": self.correct,
            "reidentified_share": self.reidentified_share,
            "unique_share": self.unique_share,
            "average_candidates": self.average_candidates,
        }

    def __str__(self) -> str:
        return (
            f"{self.correct:,} of {self.register_size:,} register entries re-identified "
            f"({self.reidentified_share:.1%}) through {', '.join(self.on)} in the {self.release} "
            f"release; {self.unique:,} matched a single row, matched entries had "
            f"{self.average_candidates:.1f} candidate rows on average"
        )

    def _repr_html_(self) -> str:
        return f"<p><b>Linkage attack:</b> {str(self)}.</p>"


def public_register(
    data: Dataset,
    *,
    columns: Sequence[str] = ("name", "zip_code", "age", "sex"),
    size: int = 1000,
    random_state: Any = 0,
) -> pd.DataFrame:
    """A public register (like a voter list) naming a random sample of the people in ``data``.

    Parameters
    ----------
    data : Dataset
        Data with direct identifiers: its own (``identifiers=`` role), or
        synthetic ones from ``add_synthetic_identifiers``.
    columns : sequence of str
        What the register lists: first a direct identifier (a name), then the
        quasi-identifiers an attacker can read in it.
    size : int
        Number of people listed (1 to the number of rows).
    random_state : None, int, numpy Generator or RandomState
        Seed of the sample.

    Returns
    -------
    DataFrame
        One row per listed person; the index is that person's row label in
        ``data`` (the ground truth used to score the attack, never to match).

    Examples
    --------
    >>> from govkit.anonymization import public_register
    >>> from govkit.datasets import add_synthetic_identifiers, load_adult
    >>> register = public_register(add_synthetic_identifiers(load_adult("test")), size=5)
    >>> register.columns.tolist()
    ['name', 'zip_code', 'age', 'sex']
    """
    random_state = check_random_state(random_state, func="public_register")
    columns = [columns] if isinstance(columns, str) else list(columns)
    if not isinstance(data, Dataset) or not columns or columns[0] not in data.identifiers:
        raise TypeError(REGISTER_NEEDS_IDENTIFIERS.format(column=columns[0] if columns else None))
    for column in columns:
        if column not in data.frame.columns:
            raise ValueError(
                REGISTER_COLUMN.format(column=column, available=list(map(str, data.frame.columns)))
            )
    rows = len(data.frame)
    size = check_interval(size, param="size", func="public_register", low=1, high=rows,
                          integer=True, example=min(1000, rows))
    sample = data.frame.sample(n=size, random_state=random_state)
    return sample.loc[:, columns].copy()


def linkage_attack(
    register: pd.DataFrame,
    release,
    *,
    on: Sequence[str] | None = None,
    result=None,
    ledger=None,
) -> LinkageResult:
    """Join a public register to a release and count the people re-identified.

    Parameters
    ----------
    register : DataFrame
        From :func:`public_register`; its index is the true source row of each entry.
    release : Dataset or DataFrame
        The published rows. Without ``result`` its index must be the source
        row labels (a raw release with names dropped); with ``result`` the
        release comes from :func:`anonymize` and ``result.source_index`` says
        which source row each released row is.
    on : list of str, optional
        Quasi-identifiers to join on; default: every register column the release also holds.
    result : AnonymizationResult, optional
        How the release was generalized (for compatible matching and scoring).
    ledger : govkit.ledger.Ledger, optional
        When given, an ``anonymization/linkage_attack`` record is appended
        (counts and shares; no names, no rows).

    Returns
    -------
    LinkageResult

    Examples
    --------
    >>> from govkit.anonymization import drop_identifiers, linkage_attack, public_register
    >>> from govkit.datasets import add_synthetic_identifiers, load_adult
    >>> people = add_synthetic_identifiers(load_adult("test"))
    >>> register = public_register(people, size=200)
    >>> print(linkage_attack(register, drop_identifiers(people)))  # doctest: +ELLIPSIS
    71 of 200 register entries re-identified (35.5%) through zip_code, age, sex in the raw release; ...
    """
    if not isinstance(register, pd.DataFrame):
        raise TypeError(NOT_A_REGISTER.format(kind=type(register).__name__))
    frame, _ = as_frame(release, func="linkage_attack", param="release")
    if on is None:
        on = [c for c in register.columns if c in frame.columns]
        if not on:
            raise ValueError(
                NO_JOIN_COLUMNS.format(register=list(register.columns), release=list(frame.columns))
            )
    on = [on] if isinstance(on, str) else list(on)
    for column in on:
        for where, table in (("register", register), ("release", frame)):
            if column not in table.columns:
                raise ValueError(JOIN_COLUMN.format(column=column, where=where))
    if result is not None:
        if len(result.source_index) != len(frame):
            raise ValueError(SOURCE_UNKNOWN.format(rows=len(frame), known=len(result.source_index)))
        source = np.asarray(result.source_index, dtype=object)
        kind = result.method
    else:
        source = np.asarray(frame.index, dtype=object)
        kind = "raw"

    published = frame.loc[:, on].reset_index(drop=True)
    codes, labels = [], []
    for column in on:
        c, u = pd.factorize(published[column].to_numpy(dtype=object), use_na_sentinel=False)
        codes.append(c.astype(np.int64))
        labels.append(np.asarray(u, dtype=object))
    matched, unique, correct, candidates_total = _attack(
        register, on, np.stack(codes, axis=1), labels, source, result
    )
    attack = LinkageResult(
        register_size=len(register),
        on=tuple(on),
        matched=matched,
        unique=unique,
        correct=correct,
        average_candidates=candidates_total / matched if matched else 0.0,
        release=kind,
    )
    if ledger is not None:
        ledger.append(
            "anonymization",
            "linkage_attack",
            parameters={"on": list(on), "release": kind, "register_size": len(register)},
            inputs={"release": frame},
            metrics=attack.to_metrics(),
        )
    return attack


def _attack(register: pd.DataFrame, on: Sequence[str], published: np.ndarray,
            labels: Sequence[np.ndarray], source: np.ndarray, result) -> tuple[int, int, int, int]:
    """Count matched, unique and correct entries.

    ``published`` holds, per released row and join column, the code of its
    value; ``labels[j]`` maps codes of column ``j`` back to values. Matching
    works on the distinct value combinations of the release, so its cost
    grows with those, not with the rows.
    """
    m = len(on)
    key = np.zeros(len(published), dtype=np.int64)
    for j in range(m):
        key = key * max(len(labels[j]), 1) + published[:, j]
    group_id, group_keys = pd.factorize(key)
    n_groups = len(group_keys)
    counts = np.bincount(group_id, minlength=n_groups)
    first = np.zeros(n_groups, dtype=np.int64)
    first[group_id[::-1]] = np.arange(len(group_id))[::-1]
    group_source = source[first]

    register_codes, coverage = [], []
    for j, column in enumerate(on):
        raw_codes, raw_uniques = pd.factorize(register[column].to_numpy(dtype=object),
                                              use_na_sentinel=False)
        raw_values = pd.Series(np.asarray(raw_uniques, dtype=object))
        if result is not None and column in result.quasi_identifiers:
            matrix = result.covers(column, labels[j], raw_values)
        else:
            matrix = np.zeros((len(labels[j]), len(raw_values)), dtype=bool)
            position = pd.Index(pd.Series(labels[j], dtype=object)).get_indexer(raw_values)
            found = position >= 0
            matrix[position[found], np.flatnonzero(found)] = True
        register_codes.append(raw_codes)
        coverage.append(matrix[published[first, j]])  # groups x register values

    truth = np.asarray(register.index, dtype=object)
    matched = unique = correct = candidates_total = 0
    chunk = max(1, int(4_000_000 // max(n_groups, 1)))
    for start in range(0, len(register), chunk):
        stop = min(start + chunk, len(register))
        compatible = np.ones((n_groups, stop - start), dtype=bool)
        for j in range(m):
            compatible &= coverage[j][:, register_codes[j][start:stop]]
        totals = counts @ compatible
        matched += int((totals > 0).sum())
        candidates_total += int(totals.sum())
        single = np.flatnonzero(totals == 1)
        unique += single.size
        if single.size:
            which = compatible[:, single].argmax(axis=0)
            correct += int((group_source[which] == truth[start + single]).sum())
    return matched, unique, correct, candidates_total


def linkage_from_release(register: pd.DataFrame, result, *, on: Sequence[str]) -> LinkageResult:
    """:func:`linkage_attack` on an anonymized release, using the release's own value codes.

    Faster than building the released frame and factorizing its text; used
    by the live panel. ``on`` must be quasi-identifiers of ``result``.
    """
    model = result.release_model
    kept = result.source_index
    positions = np.asarray(model.row_positions(kept))
    columns = [list(result.quasi_identifiers).index(c) for c in on]
    published = model.label_codes()[positions][:, columns]
    labels = [model.label_values(j) for j in columns]
    matched, unique, correct, candidates_total = _attack(
        register, list(on), published, labels, np.asarray(kept, dtype=object), result
    )
    return LinkageResult(
        register_size=len(register), on=tuple(on), matched=matched, unique=unique,
        correct=correct, average_candidates=candidates_total / matched if matched else 0.0,
        release=result.method,
    )

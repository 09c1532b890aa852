"""Find columns that look like direct identifiers, and refuse data that leaves them undeclared.

A CSV whose e-mail or name column is not listed under ``identifiers`` would
end up unchanged in an "anonymized" release. :func:`find_identifiers` flags
such columns (the rules are in :mod:`._identifier_rules`, which
:meth:`Dataset.profile` uses too); :func:`check_identifiers` refuses data in
which a flagged column has no declared role (``identifiers`` to remove it,
``not_identifiers`` to keep it as a feature). The anonymization stage calls it
before any release.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from govkit._validation import check_interval
from govkit.exceptions import UndeclaredIdentifierError

from ._identifier_rules import (
    declared_not_identifiers,
    identifier_findings,
    undeclared_findings,
    undeclared_message,
)
from ._validation import as_frame

__all__ = ["check_identifiers", "find_identifiers", "undeclared_identifiers"]


def find_identifiers(
    data,
    *,
    min_rows: int = 20,
    unique_share: float = 0.9,
    pattern_share: float = 0.5,
) -> pd.DataFrame:
    """Columns that look like direct identifiers (name, e-mail, phone, ID, account numbers).

    Every column is examined, whatever its declared role; see the module
    docstring for the rules. No value of the data appears in the result.

    Parameters
    ----------
    data : Dataset or DataFrame
    min_rows : int
        A text column is flagged for uniqueness only with at least this many
        non-missing values.
    unique_share : float
        Share of distinct values (among the non-missing ones) from which a
        text column counts as one value per person.
    pattern_share : float
        Share of non-missing values that must match a pattern.

    Notes
    -----
    A column is flagged when any of these holds: its name has an identifier
    word (name, email, phone, tel, mobile, id, ssn, passport, iban, address,
    ...; 姓名, 身份证, 手机, 电话, 邮箱, 住址, ...), matched as a whole word
    (``customer_id`` and ``E-Mail`` match, ``idle_time`` and ``valid`` do
    not); at least ``pattern_share`` of its non-missing values are e-mail
    addresses, phone numbers, China resident IDs (check character verified),
    US SSNs, IBANs (mod-97 verified) or payment card numbers (Luhn verified);
    or it is a text column with at least ``min_rows`` non-missing values of
    which at least ``unique_share`` are distinct. Numbers are flagged by name
    or by a pattern with a check digit only, never for being distinct (a
    continuous column such as Adult's ``fnlwgt`` is distinct by nature).

    Returns
    -------
    pandas.DataFrame
        One row per flagged column, in frame order: ``column``, ``reason``
        (a sentence), ``unique_share`` (distinct / non-missing values),
        ``pattern`` (the best-matching pattern, or None) and
        ``pattern_share``.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.datasets import find_identifiers
    >>> frame = pd.DataFrame({"contact": ["ann@example.org", "bob@example.org", None],
    ...                       "customer_id": [17, 18, 19], "age": [31, 45, 52]})
    >>> find_identifiers(frame)[["column", "pattern"]].values.tolist()
    [['contact', 'e-mail address'], ['customer_id', None]]
    >>> find_identifiers(frame)["reason"].iloc[1]
    "its name contains 'id'"
    """
    frame, dataset = as_frame(data, func="find_identifiers")
    min_rows = check_interval(min_rows, param="min_rows", func="find_identifiers", low=1,
                              integer=True, example=20)
    unique_share = check_interval(unique_share, param="unique_share", func="find_identifiers",
                                  low=0, high=1, low_open=True, example=0.9)
    pattern_share = check_interval(pattern_share, param="pattern_share", func="find_identifiers",
                                   low=0, high=1, low_open=True, example=0.5)
    return identifier_findings(frame, min_rows=min_rows, unique_share=unique_share,
                               pattern_share=pattern_share)


def undeclared_identifiers(data, findings: pd.DataFrame | None = None, **options: Any
                           ) -> pd.DataFrame:
    """The rows of :func:`find_identifiers` whose column has no declared role (nor is the target)."""
    frame, dataset = as_frame(data, func="check_identifiers")
    if findings is None:
        findings = find_identifiers(data, **options)
    declared = set(declared_not_identifiers(frame))
    if dataset is not None:
        declared |= {*dataset.identifiers, *dataset.not_identifiers, dataset.target}
    return undeclared_findings(findings, declared)


def check_identifiers(data, **options: Any) -> pd.DataFrame:
    """Refuse data with a column that looks like a direct identifier but has no declared role.

    A flagged column (see :func:`find_identifiers`) must be listed under
    ``identifiers`` (it is removed or pseudonymized before any release) or
    ``not_identifiers`` (the data holder states it identifies no one; it stays
    a feature). The target is never a direct identifier (it is binary). The
    anonymization stage calls this before producing a release.

    Parameters
    ----------
    data : Dataset or DataFrame
        A DataFrame has no roles, so every flagged column in it is refused.
    **options
        ``min_rows``, ``unique_share``, ``pattern_share`` of
        :func:`find_identifiers`.

    Returns
    -------
    pandas.DataFrame
        The :func:`find_identifiers` table (every flagged column is declared).

    Raises
    ------
    govkit.exceptions.UndeclaredIdentifierError
        A ``ValueError`` naming every undeclared column, why it was flagged
        and the two ways to declare it; never a value of the data.

    Examples
    --------
    >>> from govkit.datasets import Dataset, check_identifiers, make_credit
    >>> frame = make_credit(200, random_state=0)
    >>> data = Dataset(frame, target="repaid", positive_label="yes")
    >>> try:
    ...     check_identifiers(data)
    ... except ValueError as error:
    ...     print("identifiers=['applicant_name', 'email']" in str(error))
    True
    >>> declared = data.replace(identifiers=["applicant_name", "email"])
    >>> check_identifiers(declared)["column"].tolist()
    ['applicant_name', 'email']
    """
    frame, dataset = as_frame(data, func="check_identifiers")
    findings = find_identifiers(data, **options)
    undeclared = undeclared_identifiers(data, findings)
    if len(undeclared):
        raise UndeclaredIdentifierError(
            undeclared_message(undeclared, plain_frame=dataset is None)
        )
    return findings

"""Warnings and errors that govkit raises on purpose.

Each warning says what happened, why it matters and how to fix it; govkit raises
them with ``stacklevel=2`` so that they point at the caller's line.
"""

__all__ = [
    "BudgetExceededError",
    "DataQualityWarning",
    "GovkitWarning",
    "LedgerIntegrityError",
    "PrivacyLeakWarning",
    "SmallGroupWarning",
    "SuppressionWarning",
]


class GovkitWarning(UserWarning):
    """Base class of every warning govkit raises."""


class PrivacyLeakWarning(GovkitWarning):
    """A step leaks information outside the privacy guarantee.

    Typical cause: clamping bounds or a data range taken from the private data
    itself, which makes the released value depend on the data in a way the
    privacy budget does not account for. Supply bounds from domain knowledge.
    """


class SmallGroupWarning(GovkitWarning):
    """A group is too small for its metric to mean much (wide or undefined)."""


class SuppressionWarning(GovkitWarning):
    """Rows were suppressed (withheld from a release) to meet a privacy model."""


class DataQualityWarning(GovkitWarning):
    """The input data has a property that may distort the results (e.g. missing values)."""


class BudgetExceededError(ValueError):
    """A differentially private operation would spend more than the budget has left.

    Raised *before* any noise is drawn, so refusing costs no privacy.
    """


class LedgerIntegrityError(ValueError):
    """The ledger's hash chain does not verify, or its file has a torn last line."""

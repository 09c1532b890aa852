"""Warnings and errors that govkit raises on purpose.

Each warning says what happened, why it matters and how to fix it; govkit raises
them with ``stacklevel=2`` so that they point at the caller's line.
"""

__all__ = [
    "BudgetExceededError",
    "CSVFormatWarning",
    "DataCheckError",
    "DataQualityWarning",
    "GovkitWarning",
    "LedgerIntegrityError",
    "LedgerRecordError",
    "PrivacyLeakWarning",
    "SmallGroupWarning",
    "SuppressionWarning",
    "UndeclaredIdentifierError",
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


class CSVFormatWarning(GovkitWarning):
    """``from_csv`` guessed something about a file's format that could be wrong.

    Raised when the encoding was not given and the file is not UTF-8 (GB18030
    and Latin-1 are both plausible readings of many byte sequences), or when
    more than one separator fits the file. The message says what was chosen;
    pass it explicitly (``encoding=...``, ``sep=...``) once checked, and the
    warning goes away.
    """


class UndeclaredIdentifierError(ValueError):
    """A column looks like a direct identifier but has no declared role.

    Raised before anything is released: an e-mail or name column that is not
    listed under ``identifiers`` would otherwise end up unchanged in an
    "anonymized" release. Declare it: ``identifiers=[...]`` to remove it, or
    ``not_identifiers=[...]`` to keep it as a feature.
    """


class DataCheckError(ValueError):
    """``DataCheck.raise_for_problems``: the data has problems that would stop a run."""


class LedgerRecordError(LedgerIntegrityError):
    """A ledger record cannot be read: not JSON, not an object, missing fields or wrong types.

    Attributes
    ----------
    path : pathlib.Path
        The ledger file.
    record : int
        The record's number, counted from 1 as :func:`govkit.ledger.verify` counts
        (line ``record`` of the file, whose ``index`` field is ``record - 1``).
    """

    def __init__(self, message: str, *, path=None, record: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.record = record

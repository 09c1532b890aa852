"""The tamper-evident ledger every governance step appends to."""

from ._fingerprint import fingerprint
from ._ledger import GENESIS_HASH, STAGES, Ledger, Verification, verify, workbook_ledger
from ._records import RecordProblem, read_records

__all__ = [
    "GENESIS_HASH",
    "STAGES",
    "Ledger",
    "RecordProblem",
    "Verification",
    "fingerprint",
    "read_records",
    "verify",
    "workbook_ledger",
]

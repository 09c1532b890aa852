"""The tamper-evident ledger every governance step appends to."""

from ._fingerprint import fingerprint
from ._ledger import GENESIS_HASH, STAGES, Ledger, Verification, verify, workbook_ledger

__all__ = [
    "GENESIS_HASH",
    "STAGES",
    "Ledger",
    "Verification",
    "fingerprint",
    "verify",
    "workbook_ledger",
]

"""The governance report (model card with its evidence), rendered from the ledger alone.

Ledger records
--------------
``report/intended_use`` (from :func:`record_intended_use`)
    parameters: ``intended_use``, ``limitations``, ``model_licence``,
    ``model_kind``, ``name``, ``libraries`` (package -> version).
"""

from ._report import LIBRARIES, GovernanceReport, build_report, record_intended_use

__all__ = ["LIBRARIES", "GovernanceReport", "build_report", "record_intended_use"]

"""The governance report (model card with its evidence), rendered from the ledger alone.

Also what a reviewer looks at around it (notebook 05): the report framed in a
notebook (:func:`report_preview`), the timeline of governance steps
(:func:`timeline_frame`, :func:`stage_summary`, :func:`plot_timeline`), the
privacy budget spent over time (:func:`budget_over_time`,
:func:`plot_budget_over_time`) and tamper detection on a copy of the ledger
(:func:`tamper_copy`, :func:`tamper_table`).

Ledger records
--------------
``report/intended_use`` (from :func:`record_intended_use`)
    parameters: ``intended_use``, ``limitations``, ``model_licence``,
    ``model_kind``, ``name``, ``libraries`` (package -> version).
"""

from ._document import report_preview
from ._report import GovernanceReport, build_report, record_intended_use
from ._tamper import TAMPER_ACTIONS, TamperedCopy, tamper_copy, tamper_table
from ._timeline import (
    budget_over_time,
    plot_budget_over_time,
    plot_timeline,
    stage_summary,
    timeline_frame,
)

__all__ = [
    "TAMPER_ACTIONS",
    "GovernanceReport",
    "TamperedCopy",
    "budget_over_time",
    "build_report",
    "plot_budget_over_time",
    "plot_timeline",
    "record_intended_use",
    "report_preview",
    "stage_summary",
    "tamper_copy",
    "tamper_table",
    "timeline_frame",
]

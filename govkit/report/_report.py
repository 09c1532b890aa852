"""The governance report (a model card with its evidence), rendered from a ledger alone.

Nothing is recomputed: every number comes from a ledger record, so the report
shows what was done, not what would be obtained by running things again. The
ledger is verified first; a ledger that does not verify produces a report
whose first screen says so, and which record broke the chain.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from govkit import __version__
from govkit.ledger import Ledger, Verification, read_records, verify

from ._document import Section, render_html, render_markdown, report_preview
from ._sections import (
    anonymization_section,
    data_section,
    explanations_section,
    fairness_section,
    intended_use_section,
    licences_section,
    privacy_section,
    verification_section,
)

__all__ = ["GovernanceReport", "LIBRARIES", "build_report", "record_intended_use"]

CODE_LICENCE = "MIT (govkit)"
LIBRARIES = ("govkit", "numpy", "pandas", "scikit-learn", "fairlearn", "shap", "lime", "opendp",
             "dp-accounting", "interpret-core")
_NOT_A_LEDGER = (
    "build_report: ledger must be a govkit Ledger or the path of a ledger file, got {kind}; pass "
    "e.g. govkit.ledger.workbook_ledger()."
)
_NO_LEDGER = "build_report: there is no ledger at {path}; run a notebook or the pipeline first."


def _versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def record_intended_use(
    ledger: Ledger,
    *,
    intended_use: str,
    limitations: str,
    model_licence: str,
    model_kind: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Append the statement of intended use, limitations and model licence to the ledger.

    The report's first section is drawn from the latest such record. The
    library versions in use are recorded with it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import record_intended_use
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> record = record_intended_use(ledger, intended_use="teaching", limitations="1994 data",
    ...                              model_licence="CC BY 4.0")
    >>> record["operation"]
    'intended_use'
    """
    for label, value in (("intended_use", intended_use), ("limitations", limitations),
                         ("model_licence", model_licence)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"record_intended_use: {label}={value!r} must be a sentence; say what "
                             "the model is for, what it must not be used for, and under which licence.")
    return ledger.append(
        "report",
        "intended_use",
        parameters={"intended_use": intended_use, "limitations": limitations,
                    "model_licence": model_licence, "model_kind": model_kind, "name": name,
                    "libraries": _versions()},
    )


@dataclass
class GovernanceReport:
    """A rendered governance report; write it with :meth:`write`, show it with :meth:`html`."""

    title: str
    verification: Verification
    sections: list[Section]
    generated: str
    ledger_path: Path

    @property
    def banner(self) -> tuple[bool, str]:
        v = self.verification
        if v.ok:
            text = (f"Ledger verified: {v.n_records} records, hash chain intact, head hash "
                    f"{v.head_hash}.")
            if v.torn_tail:
                text += " An interrupted write left an incomplete last line, which is ignored."
            return True, text
        return False, (
            f"WARNING: THE LEDGER DOES NOT VERIFY. {v.problem} Everything in this report from "
            f"record {v.bad_record} on may have been altered after it was recorded; do not rely "
            "on it."
        )

    @property
    def meta(self) -> str:
        return (f"Generated {self.generated} by govkit {__version__} from the ledger "
                f"{self.ledger_path.name}; every figure below is read from the ledger, not recomputed.")

    def html(self) -> str:
        """The report as one self-contained HTML page."""
        return render_html(self.title, self.meta, self.banner, self.sections)

    def markdown(self, figure_dir: str = "report_files") -> tuple[str, dict[str, bytes]]:
        """The report as Markdown, and its figures (name -> PNG bytes) to put in ``figure_dir``."""
        return render_markdown(self.title, self.meta, self.banner, self.sections, figure_dir)

    def _repr_html_(self) -> str:
        # In a frame: the page's own style sheet would otherwise restyle the notebook around it.
        return report_preview(self).data

    def write(self, out_dir: str | os.PathLike, *, stem: str = "report") -> dict[str, Path]:
        """Write ``<stem>.html``, ``<stem>.md`` and ``<stem>_files/*.png`` into ``out_dir``."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        html_path = out_dir / f"{stem}.html"
        html_path.write_text(self.html(), encoding="utf-8")
        markdown, figures = self.markdown(f"{stem}_files")
        md_path = out_dir / f"{stem}.md"
        md_path.write_text(markdown, encoding="utf-8")
        if figures:
            (out_dir / f"{stem}_files").mkdir(exist_ok=True)
            for name, png in figures.items():
                (out_dir / f"{stem}_files" / name).write_bytes(png)
        return {"html": html_path, "markdown": md_path}


def build_report(
    ledger: Ledger | str | os.PathLike,
    *,
    expected_head: str | None = None,
    title: str | None = None,
) -> GovernanceReport:
    """Verify a ledger and render the governance report from its records.

    Parameters
    ----------
    ledger : Ledger or path-like
        The ledger to report on.
    expected_head : str, optional
        A head hash kept elsewhere; records cut from the end then fail too.
    title : str, optional
        Defaults to "Governance report" plus the name in the intended-use record.

    Returns
    -------
    GovernanceReport

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.datasets import load_adult
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import build_report
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> _ = load_adult("test", ledger=ledger)
    >>> report = build_report(ledger)
    >>> report.verification.ok, [s.title for s in report.sections][:2]
    (True, ['Intended use and limitations', 'Data provenance'])
    """
    if isinstance(ledger, Ledger):
        path = ledger.path
    elif isinstance(ledger, (str, os.PathLike)):
        path = Path(ledger)
    else:
        raise TypeError(_NOT_A_LEDGER.format(kind=type(ledger).__name__))
    if not path.is_file():
        raise FileNotFoundError(_NO_LEDGER.format(path=path))
    verification = verify(path, expected_head=expected_head)
    # Lenient: a damaged ledger still gets a report, which lists the lines left out.
    records, problems = read_records(path, strict=False)
    stated = [r for r in records if r["stage"] == "report" and r["operation"] == "intended_use"]
    name = stated[-1]["parameters"].get("name") if stated else None
    sections = [
        intended_use_section(records),
        data_section(records),
        anonymization_section(records),
        privacy_section(records),
        fairness_section(records),
        explanations_section(records),
        licences_section(records, code_licence=CODE_LICENCE, libraries=_versions()),
        verification_section(records, verification, problems),
    ]
    generated = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return GovernanceReport(
        title=title or ("Governance report" + (f": {name}" if name else "")),
        verification=verification,
        sections=sections,
        generated=generated,
        ledger_path=path,
    )

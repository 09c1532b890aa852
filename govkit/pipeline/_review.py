"""Which ledger to review: the notebooks' own, or a headless pipeline run's.

Notebook 05 reviews the ledger the earlier notebooks wrote. Run alone (on a
fresh machine, or by the test suite), that ledger holds no governance step,
so :func:`ledger_to_review` runs the headless pipeline on Adult into the
workspace and hands back *its* ledger, saying so.
"""

from __future__ import annotations

import html
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from govkit.exceptions import GovkitWarning
from govkit.ledger import Ledger, workbook_ledger
from govkit.workspace import workspace_dir

from ._config import PipelineConfig
from ._run import run_pipeline

__all__ = ["GOVERNANCE_STAGES", "LedgerToReview", "ledger_to_review"]

#: Stages whose records make a ledger worth reviewing (data loads alone do not).
GOVERNANCE_STAGES = ("anonymization", "privacy", "fairness", "explain")


@dataclass(frozen=True)
class LedgerToReview:
    """The ledger chosen for review and why.

    Attributes
    ----------
    ledger : Ledger
    source : {"workbook", "pipeline"}
        The notebooks' shared ledger, or a headless pipeline run's.
    message : str
        Which ledger, and why it was chosen, in a sentence or two.
    ran_pipeline : bool
        True when the pipeline ran just now (not reused from an earlier run).
    seconds : float
        Time spent choosing (and running the pipeline, if it ran).
    warnings : tuple of str
        Every warning raised while the pipeline ran: govkit's own (also in the
        ledger and the report) and libraries' (deprecations and the like).
    """

    ledger: Ledger
    source: str
    message: str
    ran_pipeline: bool = False
    seconds: float = 0.0
    warnings: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.message)}</p>"


def _stages(ledger: Ledger) -> set[str]:
    try:
        return {record.get("stage") for record in ledger.records()}
    except ValueError:  # a line that is not JSON: the ledger was damaged; still worth reviewing
        return set(GOVERNANCE_STAGES)


def ledger_to_review(
    ledger: Ledger | None = None,
    *,
    pipeline_dir: str | os.PathLike | None = None,
    rerun: bool = False,
    progress: bool = False,
    verbose: bool = False,
) -> LedgerToReview:
    """The workbook ledger if it records any governance step, else a pipeline run's ledger.

    Parameters
    ----------
    ledger : Ledger, optional
        Defaults to :func:`govkit.ledger.workbook_ledger`.
    pipeline_dir : path-like, optional
        Where the pipeline writes; defaults to ``<workspace>/pipeline``. A
        finished earlier run there (its report written) is reused unless
        ``rerun``.
    rerun : bool
        Run the pipeline again even if an earlier run is there.
    progress : bool
        Show the pipeline's progress bar (on standard error).
    verbose : bool
        Print one line (on standard output) before the pipeline starts, so that
        a notebook says what it is waiting for.

    Returns
    -------
    LedgerToReview

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.pipeline import ledger_to_review
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> _ = ledger.append("anonymization", "anonymize", metrics={"k": 10})
    >>> review = ledger_to_review(ledger)
    >>> review.source, review.ledger is ledger
    ('workbook', True)
    """
    start = time.perf_counter()
    ledger = ledger if ledger is not None else workbook_ledger()
    found = _stages(ledger) & set(GOVERNANCE_STAGES)
    if found:
        message = (f"Reviewing the workbook ledger {ledger.path} ({len(ledger)} records; stages "
                   f"{', '.join(s for s in GOVERNANCE_STAGES if s in found)}), written by the "
                   "notebooks run on this machine.")
        return LedgerToReview(ledger, "workbook", message, seconds=time.perf_counter() - start)

    folder = Path(pipeline_dir) if pipeline_dir is not None else workspace_dir() / "pipeline"
    why = (f"The workbook ledger {ledger.path} records no governance step yet "
           f"({len(ledger)} records): the earlier notebooks have not run on this machine, or "
           "this notebook runs on its own.")
    previous = folder / "ledger.jsonl"
    if not rerun and previous.is_file() and (folder / "report.html").is_file():
        pipeline = Ledger(previous)
        message = (f"{why} Reviewing instead the ledger of an earlier headless pipeline run on "
                   f"Adult (python -m govkit run), {previous} ({len(pipeline)} records).")
        return LedgerToReview(pipeline, "pipeline", message, seconds=time.perf_counter() - start)
    if verbose:
        print(f"{why} Running the headless pipeline on Adult into {folder}: about half a minute "
              "with a warm cache, a minute or two on a cold one ...", flush=True)
    with warnings.catch_warnings(record=True) as caught:
        # The run's own warnings (tiny intersectional groups) are written to its ledger and
        # listed on the report's first section; here they are summarised, not printed.
        warnings.simplefilter("always")
        result = run_pipeline(PipelineConfig.adult(), folder, force=True, progress=progress)
    raised = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    ours = {str(w.message) for w in caught if issubclass(w.category, GovkitWarning)}
    seconds = time.perf_counter() - start
    message = (f"{why} So the headless pipeline (python -m govkit run) has just run every stage "
               f"on Adult into {folder} in {seconds:.0f} s; reviewing its ledger "
               f"({len(Ledger(result.ledger))} records) instead."
               + (f" It raised {len(ours)} govkit warning(s), listed in the report's first "
                  "section." if ours else ""))
    return LedgerToReview(Ledger(result.ledger), "pipeline", message, ran_pipeline=True,
                          seconds=seconds, warnings=raised)

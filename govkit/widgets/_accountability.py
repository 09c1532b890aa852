"""Panel of notebook 05 (accountability): tamper with a copy of the ledger, see what catches it.

Pick a record, pick what a forger does to it (edit a number, recompute its
hash, rewrite the chain, delete, reorder) and whether the reviewer kept the
head hash elsewhere. The panel tampers with a *copy* in a private temporary
folder (the ledger itself is only read) and shows both verifications and the
timeline with the broken part hollow. :func:`render_tamper` is the pure part.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import ipywidgets as widgets

from govkit.ledger import Ledger
from govkit.report import TAMPER_ACTIONS, plot_timeline, tamper_copy

from ._panel import Panel

__all__ = ["render_tamper", "tamper_panel"]

_TOO_SHORT = (
    "tamper_panel: the ledger {path} has {n} record(s); tampering needs at least 2. Run a "
    "notebook or the pipeline first."
)


def _verdict(result, label: str) -> str:
    if result.ok:
        return f"* {label}: ✓ **verifies** ({result.n_records} records): nothing looks wrong"
    return (f"* {label}: ✗ **fails at record {result.bad_record}**: "
            f"{html.escape(result.problem, quote=False)}")


def render_tamper(
    ledger: Ledger | str | os.PathLike,
    workdir: str | os.PathLike,
    *,
    record: int,
    action: str,
    kept_head: bool,
):
    """Tamper with a copy of ``ledger`` in ``workdir``; the verdicts and the timeline.

    Parameters
    ----------
    ledger : Ledger or path-like
        The original ledger (only read).
    workdir : path-like
        Where the copy is written (overwritten on each call).
    record : int
        The record to tamper with (1-based).
    action : str
        One of :data:`govkit.report.TAMPER_ACTIONS`.
    kept_head : bool
        Also verify against the original head hash, as a reviewer who kept it would.

    Returns
    -------
    tuple
        A Markdown string and a matplotlib Figure.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.widgets import render_tamper
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> ledger = Ledger(folder / "original" / "ledger.jsonl")
    >>> for k in (5, 10, 20):
    ...     _ = ledger.append("anonymization", "anonymize", metrics={"k": k})
    >>> text, figure = render_tamper(ledger, folder / "work", record=3, action="delete",
    ...                              kept_head=True)
    >>> "NOT caught by the file alone" in text, "fails at record 2" in text
    (True, True)
    """
    copy = tamper_copy(ledger, workdir, record=record, action=action)
    caught_alone = copy.detected
    caught_head = not copy.verification_with_head.ok
    lines = [f"**The forger:** {html.escape(copy.change, quote=False)}.", ""]
    lines.append(_verdict(copy.verification, "`verify(copy)`, the file on its own"))
    if kept_head:
        lines.append(_verdict(copy.verification_with_head,
                              "`verify(copy, expected_head=...)`, with the head hash you kept"))
    lines.append("")
    if caught_alone:
        lines.append("Caught by the file alone: the hash chain itself breaks.")
    elif kept_head and caught_head:
        lines.append("**NOT caught by the file alone** (the chain is consistent again), but the "
                     "head hash you kept elsewhere exposes it.")
    else:
        lines.append("**NOT caught by the file alone.** Tick *I kept the head hash* to see "
                     "what catches it.")
    lines.append("")
    lines.append("The original ledger is untouched; only the copy was changed.")
    broken = copy.verification.bad_record
    if kept_head and broken is None:
        broken = copy.verification_with_head.bad_record
    highlight = None if action == "delete" else copy.record
    figure = plot_timeline(copy.path, x="record", highlight=highlight, broken_from=broken,
                           title=f"the tampered copy: {copy.verification.n_records} records "
                                 "that verify, then the rest (hollow)" if broken else
                                 "the tampered copy, record by record")
    return "\n".join(lines), figure


def tamper_panel(ledger: Ledger | str | os.PathLike) -> Panel:
    """Choose a record and a forgery; see whether verification catches it, with and without the head.

    Parameters
    ----------
    ledger : Ledger or path-like
        The ledger under review; only read. Copies go to a temporary folder.

    Returns
    -------
    Panel
        Named ``ledger-tamper``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.widgets import tamper_panel
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> for k in (5, 10, 20, 40):
    ...     _ = ledger.append("anonymization", "anonymize", metrics={"k": k})
    >>> panel = tamper_panel(ledger)
    >>> panel.set(record=4, action="delete")
    >>> panel.values["record"], ledger.verify().ok
    (4, True)
    """
    source = ledger.path if isinstance(ledger, Ledger) else Path(ledger)
    n = len(Ledger(source))
    if n < 2:
        raise ValueError(_TOO_SHORT.format(path=source, n=n))
    workdir = Path(tempfile.mkdtemp(prefix="govkit-tamper-"))
    controls = {
        "record": widgets.IntSlider(value=max(1, n // 2), min=1, max=n, description="record",
                                    layout={"width": "420px"}),
        "action": widgets.Dropdown(options=[(label, key) for key, label in TAMPER_ACTIONS.items()],
                                   value="edit", description="the forger will",
                                   layout={"width": "480px"}),
        "kept_head": widgets.Checkbox(value=False, description="I kept the head hash elsewhere",
                                      indent=False),
    }
    return Panel(
        name="ledger-tamper",
        title="Forge the record: does verification catch it?",
        description=(
            "Choose a record and what a forger does to it. The panel changes a copy of the "
            "ledger (never the ledger itself) and verifies the copy on its own and against the "
            "head hash a careful reviewer kept. Try the last record too."
        ),
        controls=controls,
        render=lambda record, action, kept_head: render_tamper(
            source, workdir, record=record, action=action, kept_head=kept_head),
        primary="record",
    )

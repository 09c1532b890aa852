"""Every notebook: committed clean, declares its panels, and runs on a fresh kernel on its own.

New notebooks are picked up automatically. The execution test runs the
notebooks in *reverse* order, each on a new kernel with a new, empty ledger,
which shows that none depends on an earlier one having run.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from govkit._notebooks import declared_panels, execute_notebook, list_notebooks
from govkit.ledger import verify

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = list_notebooks(ROOT / "notebooks")
IDS = [path.stem for path in NOTEBOOKS]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def test_there_are_notebooks():
    assert any(path.name.startswith("00_") for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        number
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"
    assert WIDGET_STATE not in notebook.metadata.get("widgets", {}), "widget state committed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_declares_its_panels_and_ends_with_exercises(path):
    notebook = nbformat.read(path, as_version=4)
    assert "govkit" in notebook.metadata, f"{path.name}: add metadata.govkit.panels (may be [])"
    panels = declared_panels(path)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in panels), panels
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    if path.stem[:2].isdigit():
        assert "## Summary" in text and "## Exercises" in text, (
            f"{path.name}: numbered notebooks end with a Summary and Exercises"
        )


def _panels_in_widget_state(notebook) -> set[str]:
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    found = set()
    for model in state.values():
        for css in model.get("state", {}).get("_dom_classes", []):
            if css.startswith("govkit-panel-"):
                found.add(css.removeprefix("govkit-panel-"))
    return found


@pytest.mark.notebook
@pytest.mark.parametrize("path", list(reversed(NOTEBOOKS)), ids=list(reversed(IDS)))
def test_runs_on_a_fresh_kernel(path, tmp_path, monkeypatch):
    ledger = tmp_path / "ledger.jsonl"
    monkeypatch.setenv("GOVKIT_LEDGER", str(ledger))  # the kernel inherits the environment
    run = execute_notebook(path, out_dir=tmp_path, html=False)
    assert run.ok, f"{path.name} failed:\n" + "\n".join(run.problems)

    executed = nbformat.read(run.executed, as_version=4)
    assert _panels_in_widget_state(executed) == set(declared_panels(path)), (
        "the panels the notebook shows differ from those declared in its metadata"
    )
    if ledger.exists():
        result = verify(ledger)
        assert result.ok, str(result)

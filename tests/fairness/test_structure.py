"""The fairness stage's modules: plots import the computation, no cycle, public names outside.

Every ``import`` counts, inside functions too (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2] / "govkit"
FAIRNESS = ROOT / "fairness"


def _imports(path: Path) -> set[str]:
    """Dotted names of the govkit modules ``path`` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("govkit")}


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)


def test_no_import_cycle_between_the_fairness_modules():
    graph = {}
    for path in FAIRNESS.glob("_[a-z]*.py"):
        graph[_module(path)] = {name for name in _imports(path)
                                if name.startswith("govkit.fairness._")
                                and name.count(".") == 2}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                pytest.fail("import cycle: " + " -> ".join([*trail, node, target]))
            if target not in state:
                visit(target, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_the_computation_never_imports_the_plots():
    for path in FAIRNESS.glob("_[a-z]*.py"):
        if path.name != "_plots.py":
            assert "govkit.fairness._plots" not in _imports(path), path.name


@pytest.mark.parametrize("path", [ROOT / "widgets" / "_fairness.py", ROOT / "check" / "_fairness.py"])
def test_widgets_and_checks_use_public_names_only(path):
    private = [name for name in _imports(path)
               if any(part.startswith("_") for part in name.split(".")[1:])
               and not name.startswith(("govkit._validation", "govkit._fonts"))
               and not name.startswith(f"govkit.{path.parent.name}.")]
    assert not private, private


def test_report_plot_draws_the_forest_plot():
    import matplotlib.pyplot as plt

    from govkit.fairness import group_report

    rng = np.random.default_rng(0)
    report = group_report(rng.integers(0, 2, 300), rng.integers(0, 2, 300),
                          sensitive_features=rng.choice(["a", "b"], 300), n_boot=20)
    fig = report.plot(metrics=("tpr",))
    assert [ax.get_title() for ax in fig.axes] == ["true positive rate (%)"]
    plt.close(fig)


def test_figures_draw_chinese_group_labels():
    """Group labels are the data's own values; under warnings-as-errors a missing glyph fails."""
    import matplotlib.pyplot as plt

    from govkit.fairness import GroupCurves, group_report, plot_group_report

    rng = np.random.default_rng(1)
    group = rng.choice(["男", "女"], 400)
    y = rng.integers(0, 2, 400)
    score = np.clip(0.4 * y + 0.6 * rng.random(400), 0, 1)
    report = group_report(y, (score >= 0.5).astype(int), score,
                          sensitive_features=group, n_boot=20, name="模型")
    for fig in (plot_group_report(report), GroupCurves(y, score, sensitive_features=group).plot()):
        fig.canvas.draw()
        plt.close(fig)

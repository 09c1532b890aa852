"""The package's structure: no import cycles, public names across subpackages, small units.

The import graph is read from the source (every ``import``, lazy ones inside
functions included), one node per module file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import govkit

PACKAGE = Path(govkit.__file__).resolve().parent
MAX_FILE_LINES = 800
MAX_FUNCTION_CODE_LINES = 100


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The govkit modules that ``name`` imports, anywhere in its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            # the deepest existing module a dotted name names
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert _cycles(GRAPH) == []


def _subpackage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_private_names_across_subpackages():
    """`govkit.<pkg>._x` is imported only inside `govkit.<pkg>`."""
    offenders = []
    for name, targets in GRAPH.items():
        for target in targets:
            parts = target.split(".")
            private = any(part.startswith("_") for part in parts[2:])
            if private and _subpackage(target) != _subpackage(name):
                offenders.append(f"{name} -> {target}")
    assert offenders == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_files_stay_small(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_FILE_LINES, f"{MODULES[name]} has {lines} lines; split it by concern"


def _code_lines(source: list[str], node: ast.AST) -> int:
    body = node.body
    start = body[0].lineno
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        start = body[1].lineno if len(body) > 1 else first.end_lineno + 1
    lines = source[start - 1 : node.end_lineno]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def test_functions_stay_short():
    long = []
    for name, path in MODULES.items():
        source = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(source))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = _code_lines(source, node)
                if lines > MAX_FUNCTION_CODE_LINES:
                    long.append(f"{name}.{node.name}: {lines} lines of code")
    assert long == []


def _code_only(path: Path) -> list[tuple[int, str]]:
    """(line number, whitespace-folded text) of the lines that carry code, docstrings included."""
    kept = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = " ".join(line.split())
        if text and not text.startswith(("#", "import ", "from ")) and text not in {")", "]", "}", "),"}:
            kept.append((number, text))
    return kept


def _repeated_runs(paths, length: int) -> list[str]:
    """Runs of ``length`` code lines that stand in two places (in two files, or twice in one)."""
    seen: dict[tuple[str, ...], tuple[Path, int]] = {}
    repeated = []
    for path in paths:
        lines = _code_only(path)
        for start in range(len(lines) - length + 1):
            window = tuple(text for _, text in lines[start : start + length])
            first = seen.setdefault(window, (path, lines[start][0]))
            overlapping = first[0] == path and lines[start][0] - first[1] < length
            if first != (path, lines[start][0]) and not overlapping:
                repeated.append(f"{path.name}:{lines[start][0]} repeats {first[0].name}:{first[1]}")
    return repeated


def test_the_copy_finder_finds_a_copy(tmp_path):
    body = "".join(f"    total = total + {i}\n" for i in range(11))
    (tmp_path / "a.py").write_text(f"def f(total):\n{body}    return total\n")
    (tmp_path / "b.py").write_text(f"def g(total):\n{body}    return total\n")
    (tmp_path / "c.py").write_text("def h(total):\n    return total\n")
    found = _repeated_runs([tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"], 11)
    assert found[0] == "b.py:2 repeats a.py:2" and not any("c.py" in f for f in found)
    assert _repeated_runs([tmp_path / "a.py", tmp_path / "c.py"], 11) == []


def test_no_copied_code():
    """No run of more than 10 code lines stands twice in govkit (copy it into one function)."""
    assert _repeated_runs(MODULES.values(), 11) == []

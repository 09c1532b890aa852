"""The widgets in a real browser: JupyterLab and Voila in Chromium, driven by Playwright.

For every notebook in notebooks/ (new ones are picked up automatically):
open a copy in JupyterLab, run all cells, assert that no cell shows an error
or writes to stderr, find every panel the notebook declares in its metadata,
move each panel's primary control and assert the panel's output changed.
Notebook 00 is also rendered under Voila and driven there.

Needs Debian's Chromium (``apt-get install -y chromium``; never
``playwright install``). Without it these tests skip with that message;
``.ci/run`` always installs it, so CI never skips them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest

from govkit._notebooks import declared_panels, list_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = list_notebooks(ROOT / "notebooks")
CHROMIUM = os.environ.get("GOVKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
RUN_TIMEOUT_S = 1200  # a whole notebook, cold cache included
CHANGE_TIMEOUT_S = 60  # one panel update after a control moved
SCREENSHOTS = ROOT / "build" / "screenshots"

if os.environ.get("GOVKIT_REQUIRE_BROWSER") == "1" and not Path(CHROMIUM).exists():
    raise RuntimeError(
        f"GOVKIT_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}; install it with "
        "apt-get install -y chromium (.ci/run does)."
    )

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=(
            f"Chromium not found at {CHROMIUM}: install Debian's package "
            "(sudo apt-get install -y chromium) to run the browser tests; CI always does."
        ),
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"server did not answer at {url} within {timeout} s")


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab on loopback, no token, throwaway Jupyter dirs, serving a copy of notebooks/."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", root)  # runs and autosaves write here, not into the repo
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No news or update checks: they reach for the internet and pop notifications over the page.
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    # Render every cell (Lab 4 otherwise virtualises cells outside the viewport).
    notebook_settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    (notebook_settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = home / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    port = _free_port()
    log = open(home / "server.log", "w")  # noqa: SIM115 - closed in teardown
    process = subprocess.Popen(
        [
            # JupyterLab, with Voila's kernel clients polling in slices (see patch_kernel_channels)
            sys.executable, "-c",
            "import sys; from govkit._notebooks import patch_kernel_channels; patch_kernel_channels(); "
            "from jupyterlab.labapp import main; sys.exit(main())",
            "--no-browser", "--allow-root",
            "--ip", "127.0.0.1", f"--port={port}",
            "--ServerApp.token=", "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={home / 'settings'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(f"{url}/api/status", process)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _offline(route):
    """Serve loopback; refuse everything else at once (CDN fonts, MathJax) instead of waiting."""
    host = route.request.url.split("/")[2].split(":")[0]
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort("internetdisconnected")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _offline)
    page = context.new_page()
    yield page
    context.close()


# -- helpers ------------------------------------------------------------------------

def _digest(locator) -> str:
    return hashlib.sha256(locator.inner_html().encode()).hexdigest()


def _wait_until(predicate, timeout: float, message: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message)


def _move(control, page) -> str:
    """Change a control's value the way a person would; return what was done."""
    classes = control.get_attribute("class") or ""
    if "widget-slider" in classes:
        handle = control.locator(".noUi-handle").first
        before = control.locator(".widget-readout").first.inner_text()
        handle.focus()
        page.keyboard.press("ArrowRight")
        time.sleep(0.3)
        if control.locator(".widget-readout").first.inner_text() == before:  # at the maximum
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
        return "slider moved with the arrow keys"
    if "widget-dropdown" in classes:
        select = control.locator("select").first
        values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
        current = select.input_value()
        choice = next(value for value in values if value != current)
        select.select_option(value=choice)
        return f"dropdown set to option {choice}"
    if "widget-toggle-buttons" in classes:
        control.locator("button:not(.mod-active)").first.click()
        return "another toggle button clicked"
    if "widget-radio" in classes:
        control.locator("input:not(:checked)").first.check()
        return "another radio option chosen"
    if "widget-checkbox" in classes:
        control.locator("input[type=checkbox]").first.click()
        return "checkbox toggled"
    if "widget-select-multiple" in classes or "widget-select" in classes:
        select = control.locator("select").first
        values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
        selected = select.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)")
        choice = [value for value in values if value not in selected][:1] or values[:1]
        select.select_option(value=choice)
        return f"selection changed to {choice}"
    if "widget-button" in classes or "jupyter-button" in classes:
        control.click()
        return "button clicked"
    if "widget-text" in classes or "widget-inline-hbox" in classes:
        box = control.locator("input").first
        value = box.input_value()
        try:
            new = str(int(float(value)) + 1)
        except ValueError:
            new = value + "x"
        box.fill(new)
        box.press("Enter")
        return f"text set to {new}"
    raise AssertionError(f"the browser test cannot drive a control with classes {classes!r}")


def _exercise_panels(page, scope, panels: list[str], where: str) -> None:
    for name in panels:
        panel = scope.locator(f".govkit-panel-{name}").first
        _wait_until(lambda panel=panel: panel.count() > 0, 120, f"{where}: panel {name!r} never appeared")
        panel.scroll_into_view_if_needed()
        output = panel.locator(".govkit-output").first
        _wait_until(lambda output=output: output.inner_text().strip() or output.locator("img").count(),
                    120, f"{where}: panel {name!r} shows no output")
        before = _digest(output)
        control = panel.locator(".govkit-primary").first
        action = _move(control, page)
        _wait_until(
            lambda output=output, before=before, panel=panel: _digest(output) != before
            and "computing" not in panel.locator(".govkit-status").first.inner_text(),
            CHANGE_TIMEOUT_S,
            f"{where}: panel {name!r}: output did not change after the primary control "
            f"({action})",
        )
        errors = panel.locator(".govkit-error")
        assert errors.count() == 0, f"{where}: panel {name!r} rejected the input: {errors.first.inner_text()}"


def _shut_down_kernels(server: str) -> None:
    """Stop the kernels a finished test left running: each holds its notebook's models in memory."""
    with urllib.request.urlopen(f"{server}/api/sessions", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{server}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def _screenshot_on_failure(page, request, name: str) -> None:
    """Keep what the browser showed when a test failed (a dialog, a stuck cell) for the log."""
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            _screenshot(page, name)
            dialogs = page.locator(".jp-Dialog").all_inner_texts()
            if dialogs:
                print(f"{name}: dialog(s) open: {dialogs}")
        except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
            print(f"{name}: no screenshot ({error})")


# -- tests --------------------------------------------------------------------------

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_in_jupyterlab(path, lab_server, page, request):
    request.addfinalizer(lambda: _shut_down_kernels(lab_server))
    # A workspace of its own, reset: otherwise Lab restores the notebooks earlier tests
    # opened, as hidden tabs whose cells and panels the locators below would also match.
    page.goto(f"{lab_server}/lab/workspaces/{path.stem}/tree/{path.name}?reset",
              wait_until="domcontentloaded")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    notebook.first.wait_for(timeout=120_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
        timeout=120_000
    )
    total = sum(cell["cell_type"] == "code" for cell in json.loads(path.read_text())["cells"])
    code_cells = notebook.locator(".jp-CodeCell")
    _wait_until(lambda: code_cells.count() == total, 120, f"{path.name}: cells did not render")

    def executed() -> int:
        prompts = code_cells.locator(".jp-InputPrompt").all_inner_texts()
        return sum(1 for text in prompts if any(ch.isdigit() for ch in text))

    def running() -> bool:
        return any("*" in text for text in code_cells.locator(".jp-InputPrompt").all_inner_texts())

    def idle() -> bool:
        return page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0

    # The first keystrokes can be lost while Lab wires up the kernel: retry until cells run.
    request.addfinalizer(lambda: _screenshot_on_failure(page, request, f"lab-{path.stem}-FAILED"))
    for _attempt in range(5):
        notebook.first.click()
        page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
        try:
            # started: a cell ran ([1]) or is running ([*]). Counting only finished cells sent
            # a second Run All while a slow first cell ran on a busy machine (CI, 03_fairness).
            _wait_until(lambda: executed() > 0 or running(), 30, "no cell started")
            break
        except AssertionError:
            continue

    def finished() -> bool:
        # Idle with nothing queued ("[*]") means the run ended: all cells ran, or one
        # failed and Lab dropped the rest. Ask twice to step over the gap between cells.
        if not idle() or any("*" in t for t in code_cells.locator(".jp-InputPrompt").all_inner_texts()):
            return False
        time.sleep(1.0)
        return idle() and not any(
            "*" in t for t in code_cells.locator(".jp-InputPrompt").all_inner_texts()
        )

    _wait_until(finished, RUN_TIMEOUT_S, f"{path.name}: the run did not finish", interval=1.0)
    stderr = notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert stderr.count() == 0, f"{path.name}: error or stderr output: {stderr.first.inner_text()[:800]}"
    tracebacks = notebook.locator(".jp-OutputArea-output", has_text="Traceback")
    assert tracebacks.count() == 0, f"{path.name}: {tracebacks.first.inner_text()[:800]}"
    assert executed() == total, f"{path.name}: only {executed()} of {total} code cells ran"

    panels = declared_panels(path)
    _exercise_panels(page, notebook.first, panels, f"JupyterLab {path.name}")
    _screenshot(page, f"lab-{path.stem}")


def test_start_here_under_voila(lab_server, page, request):
    request.addfinalizer(lambda: _shut_down_kernels(lab_server))
    path = ROOT / "notebooks" / "00_start_here.ipynb"
    page.goto(f"{lab_server}/voila/render/{path.name}", wait_until="domcontentloaded",
              timeout=300_000)
    panels = declared_panels(path)
    assert panels, "notebook 00 declares no panel"
    page.locator(f".govkit-panel-{panels[0]}").first.wait_for(timeout=300_000)
    _exercise_panels(page, page.locator("body"), panels, f"Voila {path.name}")
    _screenshot(page, f"voila-{path.stem}")


def test_governance_report_opens_offline(browser, tmp_path):
    """The pipeline's HTML report is self-contained: it renders in Chromium with the network off."""
    from govkit.exceptions import GovkitWarning
    from govkit.pipeline import load_config, run_pipeline
    from govkit.report import build_report

    out = tmp_path / "results"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_pipeline(load_config(ROOT / "examples" / "credit" / "config.yml"), out, progress=False)
    ours = {w.category.__name__ for w in caught if issubclass(w.category, GovkitWarning)}
    assert ours == {"DataQualityWarning"}, ours  # 3% of employment_years left empty in the CSV
    context = browser.new_context(viewport={"width": 1300, "height": 900}, offline=True)
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    try:
        page.goto((out / "report.html").as_uri())
        banner = page.locator(".ok").first
        assert "Ledger verified" in banner.inner_text()
        assert banner.bounding_box()["y"] < 900, "the verification banner is not on the first screen"
        images = page.locator("img")
        assert images.count() > 0
        widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert all(width > 0 for width in widths), "a figure did not render offline"
        assert all(url.startswith(("file:", "data:")) for url in requests), requests
        _screenshot(page, "report-first-screen")

        # The same report from a tampered copy of its ledger says so on its first screen.
        lines = (out / "ledger.jsonl").read_text().splitlines()
        record = json.loads(lines[3])
        record["parameters"]["edited"] = "after the fact"
        lines[3] = json.dumps(record)
        tampered = tmp_path / "tampered"
        tampered.mkdir()
        (tampered / "ledger.jsonl").write_text("\n".join(lines) + "\n")
        build_report(tampered / "ledger.jsonl").write(tampered)
        page.goto((tampered / "report.html").as_uri())
        alarm = page.locator(".bad").first
        assert "DOES NOT VERIFY" in alarm.inner_text()
        assert alarm.bounding_box()["y"] < 900
        _screenshot(page, "report-tampered-first-screen")
    finally:
        context.close()


def test_dashboard_under_voila(lab_server, page, request):
    request.addfinalizer(lambda: _shut_down_kernels(lab_server))
    """The one-page dashboard for non-coders: every declared panel appears under Voila and answers.

    With a cold workspace cache the page first computes notebook 02's privacy sweep and
    notebook 04's SHAP values (minutes on two cores); after ``make workbook`` it loads in seconds.
    """
    path = ROOT / "notebooks" / "dashboard.ipynb"
    panels = declared_panels(path)
    assert {"anonymization-explorer", "privacy-utility", "fairness-threshold",
            "explain-person"} <= set(panels), panels
    page.goto(f"{lab_server}/voila/render/{path.name}", wait_until="domcontentloaded",
              timeout=RUN_TIMEOUT_S * 1000)
    for name in panels:
        page.locator(f".govkit-panel-{name}").first.wait_for(timeout=RUN_TIMEOUT_S * 1000)
    errors = page.locator(".jp-OutputArea-output", has_text="Traceback")
    assert errors.count() == 0, errors.first.inner_text()[:800]
    _exercise_panels(page, page.locator("body"), panels, f"Voila {path.name}")
    _screenshot(page, f"voila-{path.stem}")

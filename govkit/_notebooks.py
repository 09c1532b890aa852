"""Execute the workbook's notebooks headless, on fresh kernels, into a build folder.

Used by ``python -m govkit notebooks`` (and so by ``make workbook``) and by
the test suite. nbclient runs each notebook top to bottom in a new kernel
whose working directory is the notebook's own folder; nbconvert writes an HTML
copy. The committed notebooks are only read.

The kernel client's channels are polled in short slices (:func:`poll_in_slices`):
zmq's asyncio poll can miss a reply that arrived while another coroutine was
reading, and then returns only when its timeout ends, so a cell that displays
widgets sometimes stalled for the whole cell timeout (jupyter/nbclient#312).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

__all__ = [
    "NotebookRun",
    "declared_panels",
    "execute_notebook",
    "find_problems",
    "list_notebooks",
    "patch_kernel_channels",
    "poll_in_slices",
]

POLL_SLICE_S = 0.5


def poll_in_slices(channel, slice_s: float = POLL_SLICE_S) -> None:
    """Make ``channel.get_msg(timeout=T)`` poll in slices of ``slice_s`` until ``T`` has passed.

    A message is then picked up at most ``slice_s`` after it arrived, even when
    one poll missed it; ``Empty`` is still raised once ``T`` (``None``: never)
    has passed with no message.

    Examples
    --------
    >>> import asyncio
    >>> from queue import Empty
    >>> class Flaky:  # misses the message on the first poll, as zmq's asyncio poll can
    ...     polls = 0
    ...     async def get_msg(self, timeout=None):
    ...         self.polls += 1
    ...         if self.polls == 1:
    ...             raise Empty
    ...         return {"msg": "reply"}
    >>> channel = Flaky()
    >>> poll_in_slices(channel, slice_s=0.01)
    >>> asyncio.run(channel.get_msg(timeout=60)), channel.polls
    ({'msg': 'reply'}, 2)
    """
    channel.get_msg = _sliced(channel.get_msg, slice_s)


def _sliced(get_msg, slice_s: float):
    async def sliced_get_msg(timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            try:
                return await get_msg(timeout=slice_s if left is None else max(0.0, min(slice_s, left)))
            except Empty:
                if left is not None and left <= slice_s:
                    raise

    return sliced_get_msg


def patch_kernel_channels(slice_s: float = POLL_SLICE_S) -> None:
    """Poll in slices in every asyncio kernel client of this process (Voila's, a Jupyter server's).

    :func:`poll_in_slices` for clients we create; this for the ones a server
    creates, e.g. Voila executing a dashboard (same stall, jupyter/nbclient#312).
    Idempotent.
    """
    from jupyter_client.channels import AsyncZMQSocketChannel

    if getattr(AsyncZMQSocketChannel.get_msg, "govkit_sliced", False):
        return
    original = AsyncZMQSocketChannel.get_msg

    async def get_msg(self, timeout: float | None = None):
        return await _sliced(lambda timeout: original(self, timeout=timeout), slice_s)(timeout)

    get_msg.govkit_sliced = True
    AsyncZMQSocketChannel.get_msg = get_msg


class _SlicedPollingClient(NotebookClient):
    """nbclient's client with its shell and IOPub channels polled in slices."""

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        poll_in_slices(client.shell_channel)
        poll_in_slices(client.iopub_channel)
        return client

STDERR_ALLOWED = (
    # progress bars written to stderr by tqdm's plain-text fallback are not problems
    "it/s]",
    "s/it]",
)


@dataclass
class NotebookRun:
    """What happened when a notebook ran: where its copies are, how long, what went wrong."""

    source: Path
    executed: Path | None
    html: Path | None
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def list_notebooks(folder: str | os.PathLike) -> list[Path]:
    """The notebooks in ``folder``, sorted by name (numbered ones first, in order)."""
    return sorted(Path(folder).glob("*.ipynb"))


def declared_panels(path: str | os.PathLike) -> list[str]:
    """The panel names a notebook declares in ``metadata["govkit"]["panels"]``."""
    metadata = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {})
    return list(metadata.get("govkit", {}).get("panels", []))


def find_problems(notebook: nbformat.NotebookNode) -> list[str]:
    """Error outputs and stderr text (warnings included) in an executed notebook.

    Examples
    --------
    >>> import nbformat
    >>> from govkit._notebooks import find_problems
    >>> cell = nbformat.v4.new_code_cell("1/0")
    >>> cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError",
    ...                 evalue="division by zero", traceback=[])]
    >>> find_problems(nbformat.v4.new_notebook(cells=[cell]))
    ['cell 1: ZeroDivisionError: division by zero']
    """
    problems = []
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {number}: {output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = output.get("text", "")
                if not any(marker in text for marker in STDERR_ALLOWED):
                    problems.append(f"cell {number}: wrote to stderr: {text.strip()[:500]}")
    return problems


def execute_notebook(
    source: str | os.PathLike,
    *,
    out_dir: str | os.PathLike,
    timeout: int = 1200,
    html: bool = True,
) -> NotebookRun:
    """Run ``source`` on a fresh kernel; write ``<out>/notebooks/<name>.ipynb`` and ``<out>/html/<name>.html``.

    Parameters
    ----------
    source : path-like
        The committed notebook (read only).
    out_dir : path-like
        Build folder; ``notebooks/`` and ``html/`` are created inside it.
    timeout : int
        Seconds allowed per cell.
    html : bool
        Also write an HTML copy.

    Returns
    -------
    NotebookRun
        ``problems`` lists errors and stderr output; an executed copy is
        written even when a cell fails, so the failure can be read.
    """
    source = Path(source)
    out_dir = Path(out_dir)
    notebook = nbformat.read(source, as_version=4)
    client = _SlicedPollingClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(source.parent.resolve())}},
        store_widget_state=True,
    )
    start = time.perf_counter()
    problems: list[str] = []
    try:
        client.execute()
    except CellExecutionError as error:
        problems.append(str(error).strip().splitlines()[-1] if str(error).strip() else repr(error))
    seconds = time.perf_counter() - start
    problems = find_problems(notebook) or problems

    executed_dir = out_dir / "notebooks"
    executed_dir.mkdir(parents=True, exist_ok=True)
    executed = executed_dir / source.name
    nbformat.write(notebook, executed)
    html_path = None
    if html:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
        html_dir = out_dir / "html"
        html_dir.mkdir(parents=True, exist_ok=True)
        html_path = html_dir / f"{source.stem}.html"
        html_path.write_text(body, encoding="utf-8")
    return NotebookRun(source, executed, html_path, seconds, problems)

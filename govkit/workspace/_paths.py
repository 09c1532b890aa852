"""Locations of the workspace, the result cache and the workbook ledger.

Resolution order, first match wins:

1. the environment variables ``GOVKIT_WORKSPACE`` (workspace folder),
   ``GOVKIT_CACHE_DIR`` and ``GOVKIT_LEDGER`` (override one location each);
2. inside a govkit checkout (a folder holding ``pyproject.toml`` and
   ``govkit/``, found from the current directory upwards): ``build/workspace``;
3. otherwise ``./govkit-workspace`` under the current directory.

Nothing is ever written into ``data/``: the workspace is always a separate
folder.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir", "ledger_path", "workspace_dir"]


def _checkout_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "govkit").is_dir():
            return folder
    return None


def workspace_dir() -> Path:
    """Return the folder for the workbook's ledger, cache and outputs (created if missing).

    Returns
    -------
    pathlib.Path
        ``$GOVKIT_WORKSPACE`` if set, else ``build/workspace`` of the govkit
        checkout the current directory lies in, else ``./govkit-workspace``.

    Examples
    --------
    >>> from govkit.workspace import workspace_dir
    >>> workspace_dir().is_dir()
    True
    """
    env = os.environ.get("GOVKIT_WORKSPACE")
    if env:
        folder = Path(env).expanduser()
    else:
        root = _checkout_root(Path.cwd().resolve())
        folder = root / "build" / "workspace" if root else Path.cwd() / "govkit-workspace"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_dir() -> Path:
    """Return the result-cache folder (``$GOVKIT_CACHE_DIR`` or ``<workspace>/cache``).

    Examples
    --------
    >>> from govkit.workspace import cache_dir
    >>> cache_dir().name
    'cache'
    """
    env = os.environ.get("GOVKIT_CACHE_DIR")
    folder = Path(env).expanduser() if env else workspace_dir() / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ledger_path() -> Path:
    """Return the path of the ledger the notebooks share (``$GOVKIT_LEDGER`` or ``<workspace>/ledger.jsonl``).

    Examples
    --------
    >>> from govkit.workspace import ledger_path
    >>> ledger_path().name
    'ledger.jsonl'
    """
    env = os.environ.get("GOVKIT_LEDGER")
    return Path(env).expanduser() if env else workspace_dir() / "ledger.jsonl"

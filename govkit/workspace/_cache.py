"""A small on-disk cache for slow, deterministic results.

``joblib.Memory`` would also do this, but it keys on the function's source code
and arguments by pickling them; govkit's keys are explicit (a data fingerprint
plus the parameters that matter, plus the govkit version), which makes a stale
hit impossible to miss in review and keeps the files human-named.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import joblib

from govkit import __version__

from ._paths import cache_dir

__all__ = ["cached", "clear_cache"]

T = TypeVar("T")

_BAD_NAME = (
    "cached: name={name!r} must be a short identifier made of letters, digits, '-' and '_' "
    "(it becomes part of a file name); pass e.g. name='privacy-sweep'."
)
_BAD_KEY = (
    "cached: key={key!r} cannot be written as JSON ({error}); build the key from strings, "
    "numbers, booleans, None, lists and dicts, e.g. {{'data': data.fingerprint, 'k': 5}}."
)


def _key_digest(name: str, key: Mapping[str, Any]) -> str:
    try:
        text = json.dumps(
            {"name": name, "key": key, "govkit": __version__},
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
    except (TypeError, ValueError) as error:
        raise TypeError(_BAD_KEY.format(key=key, error=error)) from None
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def cached(
    name: str,
    key: Mapping[str, Any],
    compute: Callable[[], T],
    *,
    directory: str | os.PathLike | None = None,
) -> T:
    """Return ``compute()``, reading it from disk if the same ``name`` and ``key`` ran before.

    Parameters
    ----------
    name : str
        Short name of the result, used in the file name (``privacy-sweep``).
    key : mapping
        Everything the result depends on: a data fingerprint, parameters,
        seeds. JSON-serialisable. The govkit version is added automatically.
    compute : callable
        Zero-argument function that produces the result; it must be
        deterministic given ``key``.
    directory : path, optional
        Cache folder; defaults to :func:`govkit.workspace.cache_dir`.
        Set the environment variable ``GOVKIT_NO_CACHE=1`` to always recompute.

    Returns
    -------
    object
        The computed or cached result.

    Examples
    --------
    >>> from govkit.workspace import cached
    >>> cached("doctest-square", {"x": 3}, lambda: 3 * 3)
    9
    """
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(_BAD_NAME.format(name=name))
    folder = Path(directory) if directory is not None else cache_dir()
    path = folder / f"{name}-{_key_digest(name, key)}.joblib"
    if os.environ.get("GOVKIT_NO_CACHE") != "1" and path.is_file():
        try:
            return joblib.load(path)
        except Exception:  # noqa: BLE001 - a damaged or incompatible cache file is recomputed
            path.unlink(missing_ok=True)
    result = compute()
    folder.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
    os.close(handle)
    try:
        joblib.dump(result, tmp)
        os.replace(tmp, path)  # atomic: readers never see a half-written file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return result


def clear_cache(*, directory: str | os.PathLike | None = None) -> int:
    """Delete every cached result and return how many files were removed.

    Examples
    --------
    >>> from govkit.workspace import clear_cache
    >>> clear_cache() >= 0
    True
    """
    folder = Path(directory) if directory is not None else cache_dir()
    removed = 0
    for path in folder.glob("*.joblib"):
        path.unlink()
        removed += 1
    return removed


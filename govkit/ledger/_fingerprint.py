"""Content fingerprints (sha256) of data frames, arrays, files and text.

A fingerprint identifies *which* data a governance step saw without storing
the data: the ledger records fingerprints, never rows.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["fingerprint"]

_UNSUPPORTED = (
    "fingerprint: cannot fingerprint an object of type {kind}; pass a pandas DataFrame or "
    "Series, a numpy array, a govkit Dataset, a file path (pathlib.Path), str or bytes."
)


def _frame_digest(frame: pd.DataFrame | pd.Series) -> str:
    digest = hashlib.sha256()
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    digest.update(repr(list(map(str, frame.columns))).encode())
    digest.update(repr([str(t) for t in frame.dtypes]).encode())
    # hash_pandas_object hashes values with a fixed key: stable across runs and
    # machines, and it treats missing values consistently.
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def fingerprint(obj) -> str:
    """Return the sha256 fingerprint (hex) of a data object.

    Parameters
    ----------
    obj : DataFrame, Series, ndarray, Dataset, pathlib.Path, str or bytes
        DataFrames and Series are hashed by column names, dtypes, index and
        values; a govkit ``Dataset`` by its ``fingerprint`` attribute; a
        ``pathlib.Path`` by the file's bytes; ``str``/``bytes`` by their
        content.

    Returns
    -------
    str
        64 hexadecimal characters.

    Examples
    --------
    >>> import pandas as pd
    >>> from govkit.ledger import fingerprint
    >>> a = fingerprint(pd.DataFrame({"x": [1, 2]}))
    >>> a == fingerprint(pd.DataFrame({"x": [1, 2]})), a == fingerprint(pd.DataFrame({"x": [2, 1]}))
    (True, False)
    """
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        return _frame_digest(obj)
    if isinstance(getattr(obj, "fingerprint", None), str):
        return obj.fingerprint
    if isinstance(obj, np.ndarray):
        digest = hashlib.sha256(f"{obj.dtype}|{obj.shape}|".encode())
        digest.update(np.ascontiguousarray(obj).tobytes())
        return digest.hexdigest()
    if isinstance(obj, Path) or isinstance(obj, os.PathLike):
        digest = hashlib.sha256()
        with open(obj, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    if isinstance(obj, str):
        return hashlib.sha256(obj.encode()).hexdigest()
    if isinstance(obj, bytes):
        return hashlib.sha256(obj).hexdigest()
    raise TypeError(_UNSUPPORTED.format(kind=type(obj).__name__))

"""The ``datasets/load`` ledger record: where data came from and how it was read, never its rows."""

from __future__ import annotations

from typing import Any

from ._dataset import Dataset
from ._validation import check_dataset

__all__ = ["record_load"]


def record_load(data: Dataset, ledger, **provenance: Any) -> dict[str, Any]:
    """Append a ``datasets/load`` record for ``data`` to ``ledger`` and return it.

    The record holds the provenance given (source, licence, file checksums,
    ...), how the file was read (``data.read_options``: encoding, separator,
    decimal mark, thousands separator, unless ``read_options=`` is given), the
    column roles, the data fingerprint and a few counts; never rows.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.datasets import load_adult
    >>> from govkit.ledger import Ledger
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> _ = load_adult("test", ledger=ledger)
    >>> ledger.records()[0]["metrics"]["rows"]
    16281
    """
    check_dataset(data, func="record_load")
    if data.read_options is not None:
        provenance.setdefault("read_options", dict(data.read_options))
    return ledger.append(
        "datasets",
        "load",
        parameters={"name": data.name, **provenance, "roles": data.roles},
        outputs={"data": data.fingerprint},
        metrics={
            "rows": len(data),
            "columns": data.frame.shape[1],
            "positive_rate": float(data.y.mean()),
            "missing_cells": int(data.frame.isna().sum().sum()),
        },
    )

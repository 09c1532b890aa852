"""Fingerprints identify data without storing it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govkit.ledger import fingerprint


def test_frames_by_values_columns_dtypes_and_index():
    base = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    assert fingerprint(base) == fingerprint(base.copy())
    variants = [
        base.rename(columns={"a": "c"}),
        base.astype({"a": "float64"}),
        base.set_axis([5, 6]),
        base.assign(b=["x", "y"]),
    ]
    assert len({fingerprint(base), *map(fingerprint, variants)}) == 5


def test_other_objects(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    assert fingerprint(path) == fingerprint(b"abc")
    assert fingerprint(np.arange(3)) != fingerprint(np.arange(3, dtype="int32"))
    assert fingerprint(pd.Series([1, 2])) == fingerprint(pd.Series([1, 2]))
    with pytest.raises(TypeError, match="cannot fingerprint an object of type dict"):
        fingerprint({"a": 1})

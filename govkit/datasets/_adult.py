"""UCI Adult (Census Income, 1994 CPS extract), shipped compressed in ``data/``.

The files are the original ``adult.data`` and ``adult.test`` byte for byte,
gzip-compressed; :func:`load_adult` checks their sha256 on every load, so a
changed or damaged file is noticed instead of silently analysed.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from pathlib import Path

import pandas as pd

from ._dataset import Dataset
from ._provenance import record_load

__all__ = [
    "ADULT_COLUMNS",
    "ADULT_PROTECTED",
    "ADULT_QUASI_IDENTIFIERS",
    "ADULT_LICENCE",
    "ADULT_SHA256",
    "ADULT_SOURCE",
    "adult_data_dir",
    "load_adult",
]

ADULT_COLUMNS = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education-num",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital-gain",
    "capital-loss",
    "hours-per-week",
    "native-country",
    "income",
)
ADULT_PROTECTED = ("sex", "race")
ADULT_QUASI_IDENTIFIERS = (
    "age",
    "sex",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
)
ADULT_POSITIVE_LABEL = ">50K"
ADULT_NUMERIC = ("age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week")
#: sha256 of the original (uncompressed) UCI files, as published in data/README.md.
ADULT_SHA256 = {
    "adult.data": "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
    "adult.test": "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
}
ADULT_ROWS = {"train": 32_561, "test": 16_281}

_SPLITS = {"train": ("adult.data",), "test": ("adult.test",), "all": ("adult.data", "adult.test")}
_BAD_SPLIT = "load_adult: split={split!r} is not one of 'train', 'test', 'all'; pass one of them."
_NOT_FOUND = (
    "load_adult: cannot find {name}.gz in any of {places}. The files ship in the repository's "
    "data/ folder; set the environment variable GOVKIT_DATA_DIR to the folder that holds them."
)
_CHECKSUM = (
    "load_adult: {path} does not match the published sha256 of {name} (got {got}, expected "
    "{expected}); the file was changed or damaged. Restore it from the repository "
    "(git checkout -- data/)."
)
_RAW_CACHE: dict[str, pd.DataFrame] = {}


def adult_data_dir() -> Path:
    """Return the folder that holds ``adult.data.gz`` and ``adult.test.gz``.

    Looks at ``$GOVKIT_DATA_DIR``, then the copy inside an installed wheel
    (``govkit/_data``), then the repository's ``data/`` folder.

    Examples
    --------
    >>> from govkit.datasets import adult_data_dir
    >>> (adult_data_dir() / "adult.data.gz").is_file()
    True
    """
    package = Path(__file__).resolve().parents[1]
    places = [package / "_data", package.parent / "data"]
    if os.environ.get("GOVKIT_DATA_DIR"):
        places.insert(0, Path(os.environ["GOVKIT_DATA_DIR"]).expanduser())
    for place in places:
        if (place / "adult.data.gz").is_file():
            return place
    raise FileNotFoundError(
        _NOT_FOUND.format(name="adult.data", places=", ".join(str(p) for p in places))
    )


def _read_original(name: str) -> pd.DataFrame:
    if name in _RAW_CACHE:
        return _RAW_CACHE[name]
    path = adult_data_dir() / f"{name}.gz"
    if not path.is_file():
        raise FileNotFoundError(_NOT_FOUND.format(name=name, places=path.parent))
    raw = gzip.decompress(path.read_bytes())
    digest = hashlib.sha256(raw).hexdigest()
    if digest != ADULT_SHA256[name]:
        raise ValueError(
            _CHECKSUM.format(path=path, name=name, got=digest, expected=ADULT_SHA256[name])
        )
    frame = pd.read_csv(
        io.BytesIO(raw),
        header=None,
        names=list(ADULT_COLUMNS),
        skipinitialspace=True,
        na_values=["?"],
        keep_default_na=False,
        skiprows=1 if name == "adult.test" else 0,  # adult.test opens with "|1x3 Cross validator"
        skip_blank_lines=True,
    )
    # adult.test writes its labels with a trailing full stop ("<=50K.").
    frame["income"] = frame["income"].str.rstrip(".")
    _RAW_CACHE[name] = frame
    return frame


ADULT_SOURCE = (
    "UCI Machine Learning Repository: Adult (Becker & Kohavi, 1996), "
    "https://doi.org/10.24432/C5XW20"
)
ADULT_LICENCE = "CC BY 4.0"


def load_adult(split: str = "train", *, ledger=None) -> Dataset:
    """Load UCI Adult with its column roles.

    Parameters
    ----------
    split : {"train", "test", "all"}
        ``train`` is ``adult.data`` (32,561 rows), ``test`` is ``adult.test``
        (16,281 rows, the official hold-out split), ``all`` is both, train
        first (48,842 rows, index 0..48841).
    ledger : govkit.ledger.Ledger, optional
        When given, a ``datasets/load`` record is appended: source, licence,
        the original files' sha256, the data fingerprint, row count and
        positive rate.

    Returns
    -------
    Dataset
        Target ``income`` (positive ``>50K``), protected ``sex`` and ``race``,
        the eight default quasi-identifiers, no direct identifiers (see
        :func:`add_synthetic_identifiers`). Missing values (``?`` in the
        files) are NaN in ``workclass``, ``occupation`` and ``native-country``.

    Examples
    --------
    >>> from govkit.datasets import load_adult
    >>> data = load_adult("train")
    >>> len(data), round(float(data.y.mean()), 3)
    (32561, 0.241)
    """
    if split not in _SPLITS:
        raise ValueError(_BAD_SPLIT.format(split=split))
    frames = [_read_original(name) for name in _SPLITS[split]]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()
    data = Dataset(
        frame,
        target="income",
        positive_label=ADULT_POSITIVE_LABEL,
        protected=ADULT_PROTECTED,
        quasi_identifiers=ADULT_QUASI_IDENTIFIERS,
        identifiers=(),
        numeric=ADULT_NUMERIC,
        name=f"adult-{split}",
    )
    if ledger is not None:
        record_load(
            data,
            ledger,
            source=ADULT_SOURCE,
            licence=ADULT_LICENCE,
            files={name: ADULT_SHA256[name] for name in _SPLITS[split]},
            split=split,
        )
    return data

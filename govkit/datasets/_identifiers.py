"""Clearly synthetic direct identifiers, for teaching identifier removal and linkage.

UCI Adult has no names or ID numbers. To show why removing them matters, and
why removing them is not enough, :func:`add_synthetic_identifiers` invents
them: deterministic given ``random_state``, and visibly fake.

- ``name``: a first name (drawn to match the ``sex`` column when there is one)
  and a surname from short lists of common US names.
- ``email``: ``first.last.NNNNNN@example.org``; ``example.org`` is reserved
  for documentation (RFC 2606), so no message can ever reach anyone.
- ``national_id``: ``900-NN-NNNN``, shaped like a US Social Security number,
  but area 900 is never issued. The space holds only 10**6 values, so the
  workbook's dictionary attack on unsalted hashes finishes in about a second;
  real SSNs (10**9 values) fall to the same attack on a GPU in under a second.
- ``zip_code``: a five-digit code from a pool of 400 with a skewed
  (Zipf-like) population, carrying no information about the person. It is a
  *quasi-identifier*, not a direct one: it is the ZIP in Sweeney's
  "ZIP + birth date + sex" linkage. It is registered as such.

Use the identified data only for the identifier and linkage lessons; train
models on the data without these columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from govkit._validation import as_generator

from ._dataset import Dataset
from ._validation import check_dataset

__all__ = ["SYNTHETIC_IDENTIFIERS", "add_synthetic_identifiers"]

SYNTHETIC_IDENTIFIERS = ("name", "email", "national_id")
_ZIP = "zip_code"

_FEMALE = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah "
    "Stephanie Rebecca Sharon Laura Cynthia"
).split()
_MALE = (
    "James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan"
).split()
_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts"
).split()

_TOO_MANY = (
    "add_synthetic_identifiers: the data has {rows} rows, but the synthetic ID space holds "
    "1,000,000 unique values; pass a sample, e.g. data.replace(frame=data.frame.sample(100_000, "
    "random_state=0))."
)
_CLASH = (
    "add_synthetic_identifiers: the data already has column(s) {columns}; rename them or "
    "drop them first, the synthetic identifiers need these names."
)


def add_synthetic_identifiers(data: Dataset, *, random_state: Any = 0) -> Dataset:
    """Return a copy of ``data`` with synthetic name, e-mail, national ID and ZIP code columns.

    Parameters
    ----------
    data : Dataset
        The data to decorate; it is not modified.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        The same whole number gives the same identifiers.

    Returns
    -------
    Dataset
        The four columns come first. ``name``, ``email`` and ``national_id``
        are registered as direct identifiers, ``zip_code`` as a
        quasi-identifier. E-mails and national IDs are unique per row; names
        repeat, as real names do.

    Examples
    --------
    >>> from govkit.datasets import add_synthetic_identifiers, load_adult
    >>> people = add_synthetic_identifiers(load_adult(), random_state=0)
    >>> people.identifiers
    ('name', 'email', 'national_id')
    >>> bool(people.frame["national_id"].str.startswith("900-").all())
    True
    """
    check_dataset(data, func="add_synthetic_identifiers")
    rng = as_generator(random_state, func="add_synthetic_identifiers")
    new_columns = (*SYNTHETIC_IDENTIFIERS, _ZIP)
    clash = [c for c in new_columns if c in data.frame.columns]
    if clash:
        raise ValueError(_CLASH.format(columns=clash))
    n = len(data.frame)
    if n > 1_000_000:
        raise ValueError(_TOO_MANY.format(rows=n))

    female = np.asarray(rng.choice(_FEMALE, size=n))
    male = np.asarray(rng.choice(_MALE, size=n))
    if "sex" in data.frame.columns:
        is_female = data.frame["sex"].astype(str).str.lower().str.startswith("f").to_numpy()
    else:
        is_female = rng.random(n) < 0.5
    first = np.where(is_female, female, male)
    last = np.asarray(rng.choice(_SURNAMES, size=n))
    names = pd.Series(first, dtype=object) + " " + pd.Series(last, dtype=object)

    serial = rng.choice(1_000_000, size=n, replace=False)
    emails = [
        f"{f.lower()}.{s.lower()}.{k:06d}@example.org" for f, s, k in zip(first, last, serial, strict=True)
    ]
    id_numbers = rng.choice(1_000_000, size=n, replace=False)
    national_ids = [f"900-{v // 10_000:02d}-{v % 10_000:04d}" for v in id_numbers]

    pool = np.sort(rng.choice(np.arange(10_000, 99_999), size=400, replace=False))
    weights = 1.0 / np.arange(1, pool.size + 1)
    zips = rng.choice(pool, size=n, p=weights / weights.sum())

    identifiers = pd.DataFrame(
        {
            "name": names.to_numpy(),
            "email": emails,
            "national_id": national_ids,
            _ZIP: [f"{z:05d}" for z in zips],
        },
        index=data.frame.index,
    )
    frame = pd.concat([identifiers, data.frame], axis=1)
    return data.replace(
        frame=frame,
        identifiers=(*data.identifiers, *SYNTHETIC_IDENTIFIERS),
        quasi_identifiers=(*data.quasi_identifiers, _ZIP),
        numeric=data.numeric,
        categorical=(*data.categorical, _ZIP),
        name=f"{data.name}-with-synthetic-identifiers",
    )

"""A small on-disk cache for slow, deterministic results, under exact keys.

``joblib.Memory`` would also do this, but it keys on the function's source code
and arguments by pickling them; govkit's keys are explicit (a data fingerprint
plus the parameters that matter), which makes a stale hit impossible to miss in
review and keeps the files human-named.

A key must never let two different inputs share a file, so it is encoded
exactly, never through ``str()`` (every ``RandomState`` prints alike, and
numpy shortens arrays of more than 1,000 items to ``...``):

- ``None``, ``bool``, ``int``, ``float`` (bit-exact, via ``float.hex``),
  ``str``, ``bytes``; ``list``, ``tuple`` (told apart), ``dict`` and other
  mappings (any order), ``set``/``frozenset`` (sorted by encoding);
- numpy arrays by dtype, shape and a sha256 of their bytes (object and
  variable-width string arrays item by item); numpy scalars by dtype and value;
- pandas ``DataFrame``, ``Series`` and ``Index`` by labels, dtypes and values:
  numpy-backed columns by their bytes, object columns item by item (pandas'
  own ``hash_pandas_object`` hashes those through ``str()``, so ``1`` and
  ``"1"`` would collide), categoricals by categories and codes, other
  extension columns by ``pandas.util.hash_array`` plus their missing-value mask;
- ``numpy.random.RandomState``, ``Generator``, ``BitGenerator`` and
  ``SeedSequence`` by their full state (a generator that has drawn numbers
  is a different key from a fresh one with the same seed);
- ``pathlib`` paths by the path (not the file's content: pass
  ``govkit.ledger.fingerprint(path)`` for that), ``Enum`` members by class and
  name, dataclass instances by class and fields.

Anything else is refused with a ``TypeError`` that names the key part: pass
a fingerprint or a plain value instead. Every key also holds the versions of
govkit, Python and the numeric and governance libraries installed (read with
:func:`importlib.metadata.version`, without importing them), so an upgrade
never returns a result computed by older code.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib.metadata
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import joblib
import numpy as np
import pandas as pd

from govkit import __version__

from ._paths import cache_dir

__all__ = ["cached", "clear_cache"]

T = TypeVar("T")

# Distributions whose version is part of every key (absent ones count as None).
VERSIONED_LIBRARIES = (
    "numpy",
    "pandas",
    "scikit-learn",
    "scipy",
    "joblib",
    "shap",
    "interpret",
    "interpret-core",
    "fairlearn",
    "opendp",
    "dp-accounting",
    "lime",
)
KEY_FORMAT = b"govkit-cache-key/2"

_BAD_NAME = (
    "cached: name={name!r} must be a short identifier made of letters, digits, '-' and '_' "
    "(it becomes part of a file name); pass e.g. name='privacy-sweep'."
)
_NOT_A_MAPPING = (
    "cached: key must be a dict of everything the result depends on, got {kind}; pass e.g. "
    "key={{'data': data.fingerprint, 'k': 5}}."
)
_UNKEYABLE = (
    "cached: {where} is a {kind}, which has no exact encoding for a cache key (its str() can "
    "be the same for different values, and another input's cached result would come back). "
    "Pass a fingerprint instead (govkit.ledger.fingerprint(data), dataset.fingerprint, "
    "joblib.hash(model)) or a plain value: str, number, bool, None, list, tuple, dict, set, "
    "numpy array or scalar, pandas object, Path, Enum, dataclass or numpy random generator."
)
_CYCLE = "cached: {where} contains itself; a cache key must be a finite tree of values."


class _Unkeyable(Exception):
    """Raised deep in the encoding; each container on the way out adds its part of the path."""

    def __init__(self, value: Any, *, cycle: bool = False) -> None:
        super().__init__()
        self.value = value
        self.cycle = cycle
        self.path: list[str] = []  # innermost first
        self.as_dict_key = False


def _framed(tag: bytes, *parts: bytes) -> bytes:
    """``tag`` then each part with its length: no two different sequences encode alike."""
    return tag + b"".join(len(part).to_bytes(8, "little") + part for part in parts)


def _text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def _qualified(kind: type) -> bytes:
    return _text(f"{kind.__module__}.{kind.__qualname__}")


def _inside(step: str, encode: Callable[[], bytes]) -> bytes:
    try:
        return encode()
    except _Unkeyable as error:
        error.path.append(step)
        raise


def _array(array: np.ndarray, seen: set[int]) -> bytes:
    dtype = array.dtype
    described = _text(repr(dtype.descr) if dtype.names else dtype.str)
    shape = _text(repr(tuple(int(n) for n in array.shape)))
    if dtype.kind in "OT":  # Python objects / numpy 2 variable-width strings: item by item
        items = array.reshape(-1)
        return _framed(b"a", described, shape, *(
            _inside(f"[{position}]", lambda item=item: _encode(item, seen))
            for position, item in enumerate(items.tolist() if dtype.kind == "T" else items)
        ))
    if dtype.hasobject:
        raise _Unkeyable(array)
    data = np.ascontiguousarray(array)
    try:
        digest = hashlib.sha256(data.reshape(-1).view(np.uint8)).digest()
    except (TypeError, ValueError):  # zero-size items
        digest = hashlib.sha256(data.tobytes()).digest()
    return _framed(b"A", described, shape, digest)


def _pandas_values(values: pd.Series | pd.Index, seen: set[int]) -> bytes:
    """The values of a Series or Index, exactly (see the module docstring)."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categorical = values.array
        return _framed(b"c", b"1" if dtype.ordered else b"0",
                       _inside(".categories", lambda: _encode(categorical.categories, seen)),
                       _array(np.asarray(categorical.codes), seen))
    if isinstance(dtype, np.dtype):
        return _array(values.to_numpy(), seen)
    # extension arrays (strings, nullable numbers, time zones, ...): values never go
    # through str() here; missing values are told apart by their mask
    hashed = pd.util.hash_array(values.array)
    missing = np.asarray(pd.isna(values.array), dtype=bool)
    return _framed(b"x", _text(str(dtype)), _array(np.asarray(hashed), seen),
                   _array(missing, seen))


def _index(index: pd.Index, seen: set[int]) -> bytes:
    if isinstance(index, pd.MultiIndex):
        return _framed(b"M", _encode(list(index.names), seen), *(
            _inside(f".levels[{level}]",
                    lambda level=level: _pandas_values(index.get_level_values(level), seen))
            for level in range(index.nlevels)
        ))
    return _framed(b"I", _inside(".name", lambda: _encode(index.name, seen)),
                   _text(str(index.dtype)), _pandas_values(index, seen))


def _container(value: Any, seen: set[int], encode: Callable[[], bytes]) -> bytes:
    if id(value) in seen:
        raise _Unkeyable(value, cycle=True)
    seen.add(id(value))
    try:
        return encode()
    finally:
        seen.discard(id(value))


def _mapping(value: Mapping, seen: set[int]) -> bytes:
    pairs = []
    for name, item in value.items():
        try:
            encoded_name = _encode(name, seen)
        except _Unkeyable as error:
            error.as_dict_key = True
            raise
        pairs.append((encoded_name, _inside(f"[{name!r}]", lambda item=item: _encode(item, seen))))
    pairs.sort()
    return _framed(b"D", *(part for pair in pairs for part in pair))


def _encode(value: Any, seen: set[int]) -> bytes:
    """The exact, canonical encoding of one key part (see the module docstring)."""
    if value is None:
        return b"N"
    if isinstance(value, bool):
        return b"B1" if value else b"B0"
    if isinstance(value, enum.Enum):
        return _framed(b"E", _qualified(type(value)), _text(value.name))
    if isinstance(value, np.generic):
        return _framed(b"g", _array(np.asarray(value), seen))
    if isinstance(value, int):
        return _framed(b"i", _text(str(int(value))))
    if isinstance(value, float):
        return _framed(b"f", _text(float(value).hex()))
    if isinstance(value, str):
        return _framed(b"s", _text(str(value)))
    if isinstance(value, (bytes, bytearray)):
        return _framed(b"b", bytes(value))
    if value is pd.NA:
        return b"na"
    if value is pd.NaT:
        return b"nat"
    if isinstance(value, pd.DataFrame):
        return _container(value, seen, lambda: _framed(
            b"F",
            _inside(".columns", lambda: _index(value.columns, seen)),
            _inside(".index", lambda: _index(value.index, seen)),
            *(_inside(f"[column {value.columns[i]!r}]",
                      lambda i=i: _pandas_values(value.iloc[:, i], seen))
              for i in range(value.shape[1])),
        ))
    if isinstance(value, pd.Series):
        return _container(value, seen, lambda: _framed(
            b"R",
            _inside(".name", lambda: _encode(value.name, seen)),
            _inside(".index", lambda: _index(value.index, seen)),
            _text(str(value.dtype)),
            _pandas_values(value, seen),
        ))
    if isinstance(value, pd.Index):
        return _index(value, seen)
    if isinstance(value, np.ma.MaskedArray):
        return _framed(b"m", _array(np.ma.getdata(value), seen),
                       _array(np.ma.getmaskarray(value), seen))
    if isinstance(value, np.ndarray):
        return _container(value, seen, lambda: _array(value, seen))
    if isinstance(value, np.random.RandomState):
        return _framed(b"r", _encode(value.get_state(legacy=False), seen))
    if isinstance(value, np.random.Generator):
        return _framed(b"G", _encode(value.bit_generator.state, seen))
    if isinstance(value, np.random.BitGenerator):
        return _framed(b"W", _encode(value.state, seen))
    if isinstance(value, np.random.SeedSequence):
        return _framed(b"Q", _encode([value.entropy, value.spawn_key, value.pool_size,
                                      value.n_children_spawned], seen))
    if isinstance(value, os.PathLike):
        return _framed(b"P", _encode(os.fspath(value), seen))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _container(value, seen, lambda: _framed(b"C", _qualified(type(value)), *(
            part
            for field in dataclasses.fields(value)
            for part in (_text(field.name), _inside(
                f".{field.name}", lambda field=field: _encode(getattr(value, field.name), seen)))
        )))
    if isinstance(value, Mapping):
        return _container(value, seen, lambda: _mapping(value, seen))
    if isinstance(value, (list, tuple)):
        tag = b"L" if isinstance(value, list) else b"T"
        return _container(value, seen, lambda: _framed(tag, *(
            _inside(f"[{i}]", lambda item=item: _encode(item, seen))
            for i, item in enumerate(value)
        )))
    if isinstance(value, (set, frozenset)):
        return _container(value, seen, lambda: _framed(b"S", *sorted(
            _inside("{...}", lambda item=item: _encode(item, seen)) for item in value
        )))
    raise _Unkeyable(value)


@functools.lru_cache(maxsize=1)
def _library_versions() -> dict[str, str | None]:
    """Installed versions of :data:`VERSIONED_LIBRARIES` (None when absent), read once."""
    versions: dict[str, str | None] = {}
    for name in VERSIONED_LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _key_digest(name: str, key: Mapping[str, Any]) -> str:
    """The hex digest naming the cache file of ``name`` under ``key`` (plus the versions)."""
    if not isinstance(key, Mapping):
        raise TypeError(_NOT_A_MAPPING.format(kind=type(key).__name__))
    envelope = {
        "name": name,
        "key": key,
        "govkit": __version__,
        "python": f"{sys.version_info.major}.{sys.version_info.minor}",
        "libraries": _library_versions(),
    }
    try:
        encoded = _encode(envelope, set())
    except _Unkeyable as error:
        parts = list(reversed(error.path))
        where = "key" + "".join(parts[1:]) if parts[:1] == ["['key']"] else "".join(parts)
        if error.cycle:
            raise TypeError(_CYCLE.format(where=where)) from None
        if error.as_dict_key:
            where = f"a dict key in {where}"
        kind = type(error.value)
        raise TypeError(_UNKEYABLE.format(
            where=where, kind=f"{kind.__module__}.{kind.__qualname__}")) from None
    return hashlib.sha256(KEY_FORMAT + encoded).hexdigest()[:32]


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
        seeds. Encoded exactly (see the module docstring); a part without an
        exact encoding raises ``TypeError`` naming it. The versions of govkit,
        Python and the numeric and governance libraries are added
        automatically.
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
    >>> import numpy as np
    >>> from govkit.workspace import cached
    >>> cached("doctest-square", {"x": 3}, lambda: 3 * 3)
    9
    >>> cached("doctest-sum", {"values": np.arange(5_000)}, lambda: int(np.arange(5_000).sum()))
    12497500
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

"""The result cache and the workspace locations."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from govkit.workspace import cache_dir, cached, clear_cache, ledger_path, workspace_dir
from govkit.workspace._cache import _key_digest


class Colour(enum.Enum):
    RED = 1


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: object


@dataclasses.dataclass(frozen=True)
class Pair:
    x: int
    y: object


def test_computes_once_per_key(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    assert cached("square", {"x": 1}, compute, directory=tmp_path) == {"value": 1}
    assert cached("square", {"x": 1}, compute, directory=tmp_path) == {"value": 1}
    assert cached("square", {"x": 2}, compute, directory=tmp_path) == {"value": 2}
    assert len(calls) == 2
    assert clear_cache(directory=tmp_path) == 2


def test_a_damaged_file_is_recomputed(tmp_path):
    cached("thing", {"a": 1}, lambda: 1, directory=tmp_path)
    (path,) = tmp_path.glob("thing-*.joblib")
    path.write_bytes(b"not a pickle")
    assert cached("thing", {"a": 1}, lambda: 2, directory=tmp_path) == 2


def test_no_cache_switch(tmp_path, monkeypatch):
    cached("thing", {}, lambda: 1, directory=tmp_path)
    monkeypatch.setenv("GOVKIT_NO_CACHE", "1")
    assert cached("thing", {}, lambda: 2, directory=tmp_path) == 2


def test_bad_names_and_keys(tmp_path):
    with pytest.raises(ValueError, match="name='../x' must be a short identifier"):
        cached("../x", {}, lambda: 1, directory=tmp_path)
    with pytest.raises(TypeError, match="a dict key in key is a builtins.complex"):
        cached("x", {1j: 1}, lambda: 1, directory=tmp_path)
    with pytest.raises(TypeError, match=r"key must be a dict .* got list"):
        cached("x", [("k", 1)], lambda: 1, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing computed, nothing written


def test_locations_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVKIT_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.delenv("GOVKIT_LEDGER", raising=False)
    monkeypatch.delenv("GOVKIT_CACHE_DIR", raising=False)
    assert workspace_dir() == tmp_path / "ws"
    assert cache_dir() == tmp_path / "ws" / "cache"
    assert ledger_path() == tmp_path / "ws" / "ledger.jsonl"
    monkeypatch.setenv("GOVKIT_LEDGER", str(tmp_path / "other.jsonl"))
    assert ledger_path() == tmp_path / "other.jsonl"


def test_default_workspace_is_build_inside_a_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("GOVKIT_WORKSPACE", raising=False)
    checkout = tmp_path / "checkout"
    (checkout / "govkit").mkdir(parents=True)
    (checkout / "notebooks").mkdir()
    (checkout / "pyproject.toml").write_text("")
    monkeypatch.chdir(checkout / "notebooks")
    assert workspace_dir() == checkout / "build" / "workspace"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert workspace_dir() == elsewhere / "govkit-workspace"


# -- exact keys: two different inputs never share a cached result -------------------------------


def test_different_random_states_get_different_keys(tmp_path):
    assert _key_digest("m", {"rng": np.random.RandomState(0)}) != \
        _key_digest("m", {"rng": np.random.RandomState(1)})  # str() of both is the same
    assert _key_digest("m", {"rng": np.random.RandomState(0)}) == \
        _key_digest("m", {"rng": np.random.RandomState(0)})
    drawn = np.random.RandomState(0)
    drawn.random_sample()
    assert _key_digest("m", {"rng": drawn}) != _key_digest("m", {"rng": np.random.RandomState(0)})
    assert _key_digest("m", {"rng": np.random.default_rng(0)}) != \
        _key_digest("m", {"rng": np.random.default_rng(1)})
    # end to end: the second state gets its own result, not the first one's
    assert cached("draw", {"rng": np.random.RandomState(0)}, lambda: "first", directory=tmp_path) \
        == "first"
    assert cached("draw", {"rng": np.random.RandomState(1)}, lambda: "second",
                  directory=tmp_path) == "second"


def test_long_arrays_differing_at_item_5000_get_different_keys():
    a = np.zeros(10_000)
    b = a.copy()
    b[5_000] = 1.0
    assert str(a) == str(b)  # what the old key was built from
    assert _key_digest("m", {"x": a}) != _key_digest("m", {"x": b})
    assert _key_digest("m", {"x": a}) == _key_digest("m", {"x": a.copy()})
    assert _key_digest("m", {"x": a}) != _key_digest("m", {"x": a.astype(np.float32)})
    assert _key_digest("m", {"x": a}) != _key_digest("m", {"x": a.reshape(100, 100)})
    assert _key_digest("m", {"x": a[::2]}) == _key_digest("m", {"x": a[::2].copy()})


def test_frames_differing_in_one_cell_get_different_keys():
    frame = pd.DataFrame({"age": np.arange(1_000) % 90,
                          "job": pd.Series(["clerk", "nurse"] * 500, dtype="str"),
                          "score": np.linspace(0, 1, 1_000)})
    for column, value in (("age", 91), ("job", "pilot"), ("score", 0.25)):
        other = frame.copy()
        other.loc[500, column] = value
        assert str(frame) == str(other)  # the middle rows are not printed
        assert _key_digest("m", {"data": frame}) != _key_digest("m", {"data": other}), column
    assert _key_digest("m", {"data": frame}) == _key_digest("m", {"data": frame.copy()})
    assert _key_digest("m", {"data": frame}) != _key_digest("m", {"data": frame.iloc[::-1]})
    renamed = frame.rename(columns={"age": "years"})
    assert _key_digest("m", {"data": frame}) != _key_digest("m", {"data": renamed})
    series = frame["job"]
    assert _key_digest("m", {"s": series}) != _key_digest("m", {"s": series.astype("category")})
    assert _key_digest("m", {"s": frame["age"]}) != _key_digest("m", {"s": frame["age"].values})


def test_values_that_print_alike_get_different_keys():
    pairs = [
        (pd.Series([1, "a"], dtype=object), pd.Series(["1", "a"], dtype=object)),
        (pd.Series([1.0, None], dtype="Float64"), pd.Series([1.0, 0.0], dtype="Float64")),
        (pd.Series(["x", None], dtype="str"), pd.Series(["x", "nan"], dtype="str")),
        (1, 1.0), (1, True), (1, "1"), ([1, 2], (1, 2)), (0.1 + 0.2, 0.3),
        (np.int64(1), 1), (np.int64(1), np.int32(1)),
        (Path("a/b"), "a/b"), (Colour.RED, "RED"), (Colour.RED, 1),
        (Point(1, 2), (1, 2)), (Point(1, 2), Point(2, 1)), (Point(1, 2), Pair(1, 2)),
        ({"a": 1, "b": 2}, {"a": 1, "b": 3}), ({1, 2}, {1, 3}),
    ]
    for first, second in pairs:
        assert _key_digest("m", {"v": first}) != _key_digest("m", {"v": second}), (first, second)


def test_order_free_containers_get_one_key():
    assert _key_digest("m", {"a": 1, "b": 2}) == _key_digest("m", {"b": 2, "a": 1})
    assert _key_digest("m", {"s": {"x", "y", "z"}}) == _key_digest("m", {"s": {"z", "y", "x"}})
    assert _key_digest("m", {"s": frozenset({3, 1})}) == _key_digest("m", {"s": {1, 3}})


def test_a_version_change_changes_every_key(monkeypatch):
    from govkit.workspace import _cache

    key = {"data": "abc", "k": 5}
    before = _key_digest("m", key)
    versions = dict(_cache._library_versions())
    monkeypatch.setattr(_cache, "_library_versions",
                        lambda: {**versions, "scikit-learn": "99.0"})
    assert _key_digest("m", key) != before
    monkeypatch.setattr(_cache, "_library_versions", lambda: {**versions, "shap": None})
    assert _key_digest("m", key) != before
    monkeypatch.setattr(_cache, "_library_versions", lambda: versions)
    assert _key_digest("m", key) == before
    monkeypatch.setattr(_cache, "__version__", "0.0.0-other")
    assert _key_digest("m", key) != before


def test_the_versions_come_from_package_metadata_without_importing_the_libraries():
    script = textwrap.dedent(
        """
        import sys
        from govkit.workspace._cache import VERSIONED_LIBRARIES, _library_versions
        versions = _library_versions()
        assert set(versions) == set(VERSIONED_LIBRARIES)
        heavy = ["shap", "sklearn", "lime", "fairlearn", "opendp", "dp_accounting", "interpret",
                 "scipy"]
        print(versions["numpy"], [name for name in heavy if name in sys.modules])
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split(" ", 1) == [np.__version__, "[]\n"]


@pytest.mark.parametrize(
    ("key", "where", "kind"),
    [
        ({"model": object()}, r"key\['model'\]", "builtins.object"),
        ({"model": LogisticRegression()}, r"key\['model'\]",
         "sklearn.linear_model._logistic.LogisticRegression"),
        ({"value": 1j}, r"key\['value'\]", "builtins.complex"),
        ({"when": datetime.date(2026, 1, 1)}, r"key\['when'\]", "datetime.date"),
        ({"grid": [1, {"inner": (2, lambda: 3)}]}, r"key\['grid'\]\[1\]\['inner'\]\[1\]",
         "builtins.function"),
        ({"data": pd.DataFrame({"t": [pd.Timestamp(0), 1]}, dtype=object)},
         r"key\['data'\]\[column 't'\]\[0\]", "pandas.Timestamp"),
        ({"values": np.array([object()], dtype=object)}, r"key\['values'\]\[0\]",
         "builtins.object"),
        ({"p": Point(1, object())}, r"key\['p'\]\.y", "builtins.object"),
    ],
    ids=["object", "estimator", "complex", "date", "nested", "frame-cell", "object-array",
         "dataclass-field"],
)
def test_a_value_without_an_exact_encoding_is_refused_naming_the_key_part(tmp_path, key, where,
                                                                          kind):
    with pytest.raises(TypeError, match=rf"cached: {where} is a {kind}, which has no exact "
                                        r"encoding.*fingerprint.*plain value"):
        cached("x", key, lambda: 1, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_key_that_contains_itself_is_refused():
    loop: list = []
    loop.append(loop)
    with pytest.raises(TypeError, match=r"key\['loop'\]\[0\] contains itself"):
        _key_digest("m", {"loop": loop})


_CROSS_PROCESS_KEY = textwrap.dedent(
    """
    import enum, dataclasses, pathlib
    import numpy as np, pandas as pd

    class Colour(enum.Enum):
        RED = 1

    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: object

    key = {
        "array": np.arange(5_000, dtype=np.int32).reshape(50, 100),
        "frame": pd.DataFrame({"a": [1.5, None], "b": pd.Series(["u", None], dtype="str"),
                               "c": pd.Categorical(["p", "q"]), "d": [{"x": 1}, (2, 3)]},
                              index=pd.Index(["r1", "r2"], name="row")),
        "strings": {"pear", "apple", "fig", "kiwi", "plum"},
        "rng": np.random.RandomState(3),
        "generator": np.random.default_rng(4),
        "seed_sequence": np.random.SeedSequence(5),
        "path": pathlib.Path("data/adult.csv"),
        "colour": Colour.RED,
        "point": Point(1, [np.float64(0.1), np.datetime64("2026-01-01")]),
        "nested": {"b": (1, 2.5, None, True), "a": [b"bytes", -0.0, float("nan")]},
    }
    """
)


def test_the_same_inputs_give_the_same_key_in_another_process():
    namespace: dict = {"__name__": "__main__"}  # classes named as in `python -c`
    exec(_CROSS_PROCESS_KEY, namespace)  # noqa: S102 - the same source in both processes
    here = _key_digest("cross", namespace["key"])
    script = _CROSS_PROCESS_KEY + textwrap.dedent(
        """
        from govkit.workspace._cache import _key_digest
        print(_key_digest("cross", key))
        """
    )
    for seed in ("0", "12345"):  # set and dict iteration orders differ between these
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                check=True, env=env)
        assert result.stdout.strip() == here

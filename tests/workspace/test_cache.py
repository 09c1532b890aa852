"""The result cache and the workspace locations."""

from __future__ import annotations

import pytest

from govkit.workspace import cache_dir, cached, clear_cache, ledger_path, workspace_dir


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
    with pytest.raises(TypeError, match="cannot be written as JSON"):
        cached("x", {1j: 1}, lambda: 1, directory=tmp_path)


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

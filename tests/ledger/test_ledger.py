"""The ledger: hash chain, tamper detection naming the record, crash safety, no secrets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govkit.exceptions import LedgerIntegrityError
from govkit.ledger import GENESIS_HASH, Ledger, fingerprint, verify


def _fill(ledger: Ledger, n: int = 4) -> list[dict]:
    return [
        ledger.append("fairness", f"step-{i}", parameters={"i": i, "k": [1, 2]},
                      metrics={"auc": 0.5 + i / 10, "nan": float("nan")})
        for i in range(n)
    ]


def test_chain_links_each_record_to_the_previous(ledger):
    records = _fill(ledger)
    assert records[0]["prev_hash"] == GENESIS_HASH
    assert [r["prev_hash"] for r in records[1:]] == [r["hash"] for r in records[:-1]]
    assert [r["index"] for r in records] == [0, 1, 2, 3]
    result = ledger.verify()
    assert result.ok and result.n_records == 4 and result.head_hash == records[-1]["hash"]
    assert records[0]["metrics"]["nan"] is None  # an undefined metric is stored as null
    assert ledger.head_hash == records[-1]["hash"]


def test_inputs_and_outputs_are_stored_as_fingerprints(ledger):
    frame = pd.DataFrame({"a": [1, 2]})
    record = ledger.append("datasets", "load", inputs={"raw": frame}, outputs={"n": np.arange(3)})
    assert record["inputs"] == {"raw": fingerprint(frame)}
    assert len(record["outputs"]["n"]) == 64
    assert "1" not in json.dumps(record["inputs"]).replace(fingerprint(frame), "")


def _lines(ledger):
    return ledger.path.read_bytes().split(b"\n")[:-1]


def _write(ledger, lines):
    ledger.path.write_bytes(b"\n".join(lines) + b"\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_editing_any_single_byte_names_that_record(tmp_path_factory, data):
    ledger = Ledger(tmp_path_factory.mktemp("l") / "ledger.jsonl")
    _fill(ledger)
    lines = _lines(ledger)
    target = data.draw(st.integers(0, len(lines) - 1), label="record")
    position = data.draw(st.integers(0, len(lines[target]) - 1), label="byte")
    old = lines[target][position]
    new = data.draw(st.integers(0, 255).filter(lambda b: b != old and b != 10), label="new byte")
    edited = bytearray(lines[target])
    edited[position] = new
    lines[target] = bytes(edited)
    _write(ledger, lines)
    result = verify(ledger.path)
    assert not result.ok
    assert result.bad_record == target + 1, result.problem
    assert f"record {target + 1}" in result.problem


def test_an_edited_value_with_a_recomputed_hash_breaks_the_next_link(ledger):
    _fill(ledger)
    lines = _lines(ledger)
    record = json.loads(lines[1])
    record["metrics"]["auc"] = 0.99
    from govkit.ledger._ledger import _canonical, _record_hash

    record["hash"] = _record_hash(record)  # a forger who knows the scheme
    lines[1] = _canonical(record)
    _write(ledger, lines)
    result = verify(ledger.path)
    assert not result.ok and result.bad_record == 3 and "prev_hash" in result.problem


@pytest.mark.parametrize(
    ("change", "bad", "words"),
    [
        (lambda ls: ls[:1] + ls[2:], 2, "deleted, inserted or moved"),
        (lambda ls: [ls[1], ls[0], *ls[2:]], 1, "carries index 1"),
        (lambda ls: ls[:2] + [ls[1]] + ls[2:], 3, "carries index 1"),
        (lambda ls: ls[:2] + [b""] + ls[2:], 3, "not valid JSON"),
    ],
    ids=["deleted", "reordered", "duplicated", "blank-line-inserted"],
)
def test_structural_tampering_is_located(ledger, change, bad, words):
    _fill(ledger)
    _write(ledger, change(_lines(ledger)))
    result = verify(ledger.path)
    assert not result.ok and result.bad_record == bad and words in result.problem


def test_records_cut_from_the_end_need_the_pinned_head(ledger):
    records = _fill(ledger)
    _write(ledger, _lines(ledger)[:-1])
    assert verify(ledger.path).ok  # a chain alone cannot know it was longer...
    result = verify(ledger.path, expected_head=records[-1]["hash"])
    assert not result.ok and "removed from the end" in result.problem  # ...a pinned head can


def test_torn_last_line_leaves_a_verifiable_prefix_and_repair(ledger):
    _fill(ledger, 3)
    with open(ledger.path, "ab") as handle:
        handle.write(b'{"index": 3, "stage": "fair')  # an append killed mid-write
    result = verify(ledger.path)
    assert result.ok and result.torn_tail and result.n_records == 3
    with pytest.raises(LedgerIntegrityError, match=r"repair\(\)"):
        ledger.append("fairness", "next")
    assert ledger.repair() > 0
    ledger.append("fairness", "next")
    assert ledger.verify().ok and len(ledger) == 4
    assert ledger.path.with_name("ledger.jsonl.torn").read_bytes().startswith(b'{"index": 3')


def test_killed_writer_leaves_a_verifiable_ledger(tmp_path):
    path = tmp_path / "ledger.jsonl"
    script = textwrap.dedent(
        f"""
        from govkit.ledger import Ledger
        ledger = Ledger({str(path)!r})
        i = 0
        while True:
            ledger.append("privacy", "charge", parameters={{"i": i, "pad": "x" * 5000}})
            i += 1
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not path.exists() or len(Ledger(path)) < 20):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    result = verify(path)
    assert result.ok, result.problem
    assert result.n_records >= 20


def test_concurrent_writers_keep_one_chain(tmp_path):
    path = tmp_path / "ledger.jsonl"
    script = textwrap.dedent(
        f"""
        import sys
        from govkit.ledger import Ledger
        ledger = Ledger({str(path)!r})
        for i in range(40):
            ledger.append("fairness", "writer-" + sys.argv[1], parameters={{"i": i}})
        """
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(3)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    result = verify(path)
    assert result.ok and result.n_records == 120


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"parameters": {"hmac_key": "s3cret"}}, ValueError, r"parameters\['hmac_key'\] is named like a secret"),
        ({"parameters": {"nested": {"password": "x"}}}, ValueError, "named like a secret"),
        ({"parameters": {"token": b"abc"}}, ValueError, "named like a secret"),
        ({"metrics": {"who": "jane.doe@example.org"}}, ValueError, "an e-mail address"),
        ({"metrics": {"ids": ["900-12-3456"]}}, ValueError, "a national-ID number"),
        ({"metrics": {"table": pd.DataFrame({"a": [1]})}}, TypeError, "type DataFrame that the ledger cannot store"),
        ({"inputs": [pd.DataFrame()]}, TypeError, "inputs must be a dict"),
    ],
)
def test_secrets_identifiers_and_data_are_refused(ledger, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        ledger.append("anonymization", "pseudonymize", **kwargs)
    assert len(ledger) == 0


def test_harmless_key_names_are_allowed(ledger):
    record = ledger.append("anonymization", "pseudonymize",
                           parameters={"key_source": "environment variable", "monkey": 1})
    assert record["parameters"]["key_source"] == "environment variable"


def test_stage_and_operation_are_checked(ledger):
    with pytest.raises(ValueError, match="stage='training' is not a govkit stage"):
        ledger.append("training", "fit")
    with pytest.raises(ValueError, match="operation=''"):
        ledger.append("fairness", "")


def test_timeline_frame(ledger):
    _fill(ledger, 2)
    frame = ledger.to_frame()
    assert list(frame["operation"]) == ["step-0", "step-1"]
    assert str(frame["timestamp"].dt.tz) == "UTC"


def test_a_new_ledger_has_no_records_but_a_missing_file_does_not_verify(tmp_path):
    ledger = Ledger(tmp_path / "none.jsonl")
    assert len(ledger) == 0 and ledger.records() == [] and ledger.head_hash is None
    # "verifies: 0 records" for a mistyped path would be a false assurance
    with pytest.raises(FileNotFoundError, match=r"no ledger file at .*none\.jsonl.*typo"):
        verify(ledger.path)
    with pytest.raises(FileNotFoundError, match="none.jsonl"):
        ledger.verify()
    with pytest.raises(FileNotFoundError, match=r"nowhere.*ledger\.jsonl"):
        verify(tmp_path / "nowhere" / "ledger.jsonl")
    ledger.append("datasets", "load")  # a new ledger is still created by its first append
    assert verify(ledger.path).ok and len(ledger) == 1


def test_an_empty_file_verifies_as_an_empty_ledger(tmp_path):
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b"")
    result = verify(path)
    assert result.ok and result.n_records == 0 and result.head_hash is None


def _rehashed(line: bytes, **changes) -> bytes:
    from govkit.ledger._ledger import _canonical, _record_hash

    record = {**json.loads(line), **changes}
    record["hash"] = _record_hash(record)
    return _canonical(record)


@pytest.mark.parametrize(
    ("damage", "bad"),
    [
        (lambda ls: ls[:1] + [ls[1][:-5]] + ls[2:], 2),  # a corrupt line
        (lambda ls: ls[:1] + [ls[1].replace(b'"auc":0.6', b'"auc":0.9')] + ls[2:], 2),  # own hash
        (lambda ls: ls[:1] + [_rehashed(ls[1], metrics={"auc": 0.9})] + ls[2:], 3),  # broken link
        (lambda ls: ls[:1] + ls[2:], 2),  # a deleted record
        (lambda ls: ls[:1] + [_rehashed(ls[1], metrics="0.9")] + ls[2:], 2),  # wrong type
    ],
    ids=["corrupt-line", "hash-mismatch", "broken-link", "deleted", "wrong-type"],
)
def test_append_refuses_to_extend_a_chain_that_does_not_verify(tmp_path, damage, bad):
    path = tmp_path / "ledger.jsonl"
    _fill(Ledger(path))
    _write(Ledger(path), damage(_lines(Ledger(path))))
    before = path.read_bytes()
    with pytest.raises(LedgerIntegrityError, match=rf"record {bad} .*restore the ledger from a "
                                                   r"copy.*start a new ledger"):
        Ledger(path).append("fairness", "next")
    assert path.read_bytes() == before  # nothing was appended
    assert verify(path).bad_record == bad


def test_an_object_refuses_a_file_cut_or_edited_at_its_end_since_it_last_wrote(ledger):
    _fill(ledger)
    lines = _lines(ledger)
    _write(ledger, lines[:-1])  # the last record removed: still a valid chain on its own
    with pytest.raises(LedgerIntegrityError, match=r"record 4, the last one this object"):
        ledger.append("fairness", "next")
    with pytest.raises(LedgerIntegrityError, match="record 4"):  # and it keeps refusing
        ledger.append("fairness", "next")
    _write(ledger, lines[:-1] + [lines[-1].replace(b'"auc":0.8', b'"auc":0.1')])
    with pytest.raises(LedgerIntegrityError, match="changed under this Ledger object"):
        ledger.append("fairness", "next")
    _write(ledger, lines)  # restored exactly: appending goes on
    ledger.append("fairness", "next")
    assert ledger.verify().ok and len(ledger) == 5


def test_an_object_refuses_a_replaced_file_without_its_last_record(ledger, tmp_path):
    _fill(ledger)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(b"".join(line + b"\n" for line in _lines(ledger)[:2]))
    os.replace(copy, ledger.path)  # an older copy put in place (a new file)
    with pytest.raises(LedgerIntegrityError, match="record 4"):
        ledger.append("fairness", "next")
    Ledger(ledger.path).append("fairness", "next")  # a new object on purpose: it verifies whole
    assert verify(ledger.path).n_records == 3


def test_appends_verify_only_what_other_writers_added(tmp_path, monkeypatch):
    from govkit.ledger import _ledger

    parsed = []
    real = _ledger.parse_line
    monkeypatch.setattr(_ledger, "parse_line", lambda line: (parsed.append(line), real(line))[1])
    path = tmp_path / "ledger.jsonl"
    notebook_a, notebook_b = Ledger(path), Ledger(path)
    _fill(notebook_a, 2)
    assert len(parsed) == 0  # an empty file, then its own records: nothing to re-read
    _fill(notebook_b, 3)
    assert len(parsed) == 2  # b's first append verifies the whole file once
    parsed.clear()
    notebook_a.append("fairness", "again")
    assert len(parsed) == 3  # only b's three records, not the whole file
    parsed.clear()
    notebook_a.append("fairness", "again")
    notebook_b.append("fairness", "again")
    assert len(parsed) == 2  # b checks only the two records a added since b last wrote
    assert verify(path).ok and verify(path).n_records == 8


def test_verify_checks_field_types_even_with_a_recomputed_hash(ledger):
    _fill(ledger)
    lines = _lines(ledger)
    lines[1] = _rehashed(lines[1], metrics=[0.9])
    _write(ledger, lines)
    result = verify(ledger.path)
    assert not result.ok and result.bad_record == 2
    assert "record 2 has metrics of type a list, not an object" in result.problem


def test_file_mode_is_not_world_writable(ledger):
    _fill(ledger, 1)
    assert not os.stat(ledger.path).st_mode & 0o002

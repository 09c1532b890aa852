"""Reading ledger records: every read error names the record and the file; lenient reading."""

from __future__ import annotations

import json

import pytest

from govkit.exceptions import LedgerIntegrityError, LedgerRecordError
from govkit.ledger import Ledger, RecordProblem, read_records


@pytest.fixture
def three(ledger):
    for k in (5, 10, 20):
        ledger.append("anonymization", "anonymize", metrics={"k": k})
    return ledger


def _replace_line(ledger, number: int, new: bytes) -> None:
    lines = ledger.path.read_bytes().split(b"\n")[:-1]
    lines[number - 1] = new
    ledger.path.write_bytes(b"".join(line + b"\n" for line in lines))


def _edited(ledger, number: int, **changes) -> bytes:
    record = json.loads(ledger.path.read_bytes().split(b"\n")[number - 1])
    record.update(changes)
    for name, value in list(record.items()):
        if value is _DROP:
            del record[name]
    return json.dumps(record).encode()


_DROP = object()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (lambda ledger: b'{"index": 1, "stage": "anonym', "is not valid JSON"),
        (lambda ledger: b"", "is not valid JSON"),
        (lambda ledger: b"\xff\xfe", "is not valid JSON"),
        (lambda ledger: b"[1, 2]", "is not a JSON object (it is a list)"),
        (lambda ledger: b'"text"', "is not a JSON object (it is a string)"),
        (lambda ledger: _edited(ledger, 2, metrics=_DROP), "lacks the field(s) metrics"),
        (lambda ledger: _edited(ledger, 2, extra=1), "has field(s) the ledger never writes ('extra')"),
        (lambda ledger: _edited(ledger, 2, metrics="k=10"), "has metrics of type a string, not an object"),
        (lambda ledger: _edited(ledger, 2, index=True), "has index True"),
        (lambda ledger: _edited(ledger, 2, stage=3), "has stage of type a number"),
        (lambda ledger: _edited(ledger, 2, inputs={"raw": 1}), "inputs that are not all fingerprints"),
        (lambda ledger: _edited(ledger, 2, hash="XYZ"), "hash that is not 64 hexadecimal"),
    ],
    ids=["torn-json", "blank", "not-utf8", "list", "string", "missing-field", "extra-field",
         "wrong-type", "bool-index", "number-stage", "input-not-fingerprint", "bad-hash"],
)
def test_every_read_error_names_the_record_and_the_file(three, line, words):
    _replace_line(three, 2, line(three))
    for read in (three.records, lambda: read_records(three.path), lambda: three.head_hash,
                 three.to_frame):
        with pytest.raises(LedgerRecordError) as caught:
            read()
        error = caught.value
        assert isinstance(error, LedgerIntegrityError) and isinstance(error, ValueError)
        assert not isinstance(error, json.JSONDecodeError)
        assert error.record == 2 and error.path == three.path
        message = str(error)
        assert "record 2 " in message and words in message and str(three.path) in message
        assert "strict=False" in message  # the fix: how to read what is left


def test_lenient_reading_returns_what_is_left_and_every_problem(three):
    _replace_line(three, 2, b"not json")
    with open(three.path, "ab") as handle:
        handle.write(b'{"index": 3, "sta')  # an interrupted append
    records, problems = read_records(three.path, strict=False)
    assert [r["metrics"]["k"] for r in records] == [5, 20]
    assert [p.record for p in problems] == [2, 4]
    assert problems[0] == RecordProblem(2, "is not valid JSON: it was edited or corrupted.")
    assert "incomplete last line" in str(problems[1]) and str(problems[1]).startswith("record 4 ")


def test_strict_reading_skips_an_interrupted_last_line_as_verify_does(three):
    with open(three.path, "ab") as handle:
        handle.write(b'{"index": 3, "sta')
    assert len(read_records(three.path)) == 3
    assert read_records(three.path, strict=False)[0] == read_records(three.path)


def test_reading_a_missing_file_is_an_error_but_a_new_ledger_is_empty(tmp_path):
    path = tmp_path / "typo.jsonl"
    for strict in (True, False):
        with pytest.raises(FileNotFoundError, match=r"read_records: there is no ledger file at "
                                                    r".*typo\.jsonl"):
            read_records(path, strict=strict)
    assert Ledger(path).records() == [] and Ledger(path).to_frame().empty


def test_a_clean_ledger_reads_the_same_strictly_and_leniently(three):
    strict = read_records(str(three.path))
    lenient, problems = read_records(three.path, strict=False)
    assert strict == lenient == three.records() and problems == []
    assert [r["index"] for r in strict] == [0, 1, 2]

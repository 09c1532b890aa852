"""Malformed input to from_csv, Dataset and check_data: refused with a sentence, never a traceback.

Every case checks the error type, that the message names the parameter or
column and the fix (``match=``), that no pandas or codec text leaks into it,
and that no pandas/codec exception is chained underneath it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.datasets import Dataset, check_data, from_csv

GOOD = "age,sex,income,approved\n31,F,45.5,yes\n45,M,51.0,no\n52,F,38.2,yes\n"
FRAME = pd.DataFrame({"age": [31, 45, 52, 28], "sex": ["F", "M", "F", "M"],
                      "approved": ["yes", "no", "yes", "no"]})
LEAKS = ("Error tokenizing", "C error", "codec can't decode", "Traceback", "UnicodeDecodeError",
         "ParserError", "EmptyDataError", "KeyError")


def _csv(text: str | bytes, **kwargs):
    """A case that writes ``text`` to data.csv and reads it with ``kwargs``."""
    def run(tmp_path):
        path = tmp_path / "data.csv"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        arguments = {"target": "approved", "positive_label": "yes", **kwargs}
        return from_csv(path, **arguments)

    return run


def _dataset(**kwargs):
    def run(tmp_path):
        arguments = {"frame": FRAME, "target": "approved", "positive_label": "yes", **kwargs}
        return Dataset(**arguments)

    return run


def _check(**kwargs):
    def run(tmp_path):
        train = Dataset(FRAME, target="approved", positive_label="yes", protected="sex")
        return check_data(**{"train": train, **kwargs})

    return run


def _missing_file(tmp_path):
    return from_csv(tmp_path / "nope.csv", target="approved", positive_label="yes")


def _folder(tmp_path):
    return from_csv(tmp_path, target="approved", positive_label="yes")


def _raise_for_problems(tmp_path):
    frame = FRAME.assign(sex=["F", None, "F", "M"])
    data = Dataset(frame, target="approved", positive_label="yes", protected="sex")
    return check_data(data, min_group_size=1).raise_for_problems()


CASES = [
    # -- the file ---------------------------------------------------------------------------
    ("missing file", _missing_file, FileNotFoundError, r"does not exist; check the path"),
    ("folder", _folder, ValueError, r"is a folder, not a CSV file; pass the path of the \.csv"),
    ("path not a path", lambda tmp_path: from_csv(123, target="a", positive_label=1), TypeError,
     r"path must be a file path \(str or pathlib.Path\), got int; pass e.g."),
    ("0 bytes", _csv(""), ValueError, r"is empty \(0 bytes\); a CSV with a header line"),
    ("blank lines only", _csv("\n\n  \n"), ValueError, r"is empty \(no header line\)"),
    ("header only", _csv("age,approved\n"), ValueError,
     r"is empty \(a header line but no data rows\)"),
    # -- the header ---------------------------------------------------------------------------
    ("duplicate header", _csv("age,sex,age,approved\n1,F,2,yes\n3,M,4,no\n"), ValueError,
     r"names \['age'\] more than once .*give every column a unique name"),
    ("empty name", _csv("age,,approved\n1,F,yes\n3,M,no\n"), ValueError,
     r"field 2 of the header of data.csv \(after 'age'\) has no name.*give it a name"),
    # -- the lines ----------------------------------------------------------------------------
    ("ragged line", _csv("age,sex,approved\n1,F,yes\n3,M,no,extra\n"), ValueError,
     r"line 3 of data.csv has 4 fields but the header has 3; check the separator \(sep=','"),
    ("first line longer", _csv("age,approved\n7,1,yes\n3,no\n", sep=","), ValueError,
     r"first data line of data.csv has more fields than the header \(2\).*Add the missing name"),
    ("unclosed quote", _csv('age,approved\n"1,yes\n3,no\n'), ValueError,
     r"quoted field that is never closed.*close the quote"),
    # -- encoding -----------------------------------------------------------------------------
    ("unknown encoding", _csv(GOOD, encoding="utf-9"), ValueError,
     r"encoding: 'utf-9' is not an encoding Python knows; pass e.g. encoding='utf-8'"),
    ("encoding not text", _csv(GOOD, encoding=8), TypeError, r"encoding: 8 is not an encoding"),
    ("gbk read as utf-8", _csv("姓名,approved\n张三,yes\n李四,no\n".encode("gb18030"),
                                encoding="utf-8"), ValueError,
     r"encoding: data.csv is not valid 'utf-8' \(the first bad byte is on line 1\); it reads as "
     r"'gb18030': pass encoding='gb18030'"),
    ("latin-1 read as gbk", _csv("name,approved\nJosé,yes\nAnn,no\n".encode("latin-1"),
                                 encoding="gbk"), ValueError,
     r"encoding: data.csv is not valid 'gbk'.*pass encoding='latin-1'"),
    # -- separator, decimal mark, thousands -----------------------------------------------
    ("sep too long", _csv(GOOD, sep=";;"), ValueError,
     r"sep: ';;' must be a single character such as ',', ';', '\\t' or '\|', or None"),
    ("sep a letter", _csv(GOOD, sep="x"), ValueError, r"sep: 'x' must be a single character"),
    ("decimal two chars", _csv(GOOD, decimal="ab"), ValueError,
     r"decimal: 'ab' must be a single character such as '.' or ','"),
    ("thousands a digit", _csv(GOOD, thousands="1"), ValueError,
     r"thousands: '1' must be a single character"),
    ("same marks", _csv(GOOD, decimal=",", thousands=","), ValueError,
     r"decimal/thousands: both are ','; a number needs different marks, e.g. decimal=','"),
    ("mixed decimal marks", _csv("a;b;approved\n1,5;2.5;yes\n2,5;3.5;no\n"), ValueError,
     r"decimal: the file mixes decimal marks: column\(s\) \['a'\] .* \['b'\] .*pass decimal=','"),
    ("45,600 ambiguous", _csv("age;income;approved\n31;45,600;yes\n45;12,300;no\n"), ValueError,
     r"column\(s\) \['income'\] have numbers with one ','.*Pass decimal=','.*thousands=','"),
    ("mostly numbers", _csv("age,income,approved\n1,2,yes\n2,3,no\n3,4,yes\n4,lots,no\n"),
     ValueError, r"column 'income': 3 of its 4 non-missing cells are numbers.*na_values=\['\?', "
     r"'lots'\].*categorical=\['income'\]"),
    ("na_values a number", _csv(GOOD, na_values=5), TypeError,
     r"na_values: expected a list of strings read as missing"),
    ("na_values with a number", _csv(GOOD, na_values=["?", 0]), TypeError,
     r"na_values: expected a list of strings"),
    # -- roles ------------------------------------------------------------------------------
    ("target misspelt", _csv(GOOD, target="aproved"), ValueError,
     r"target: column 'aproved' is not in data.csv \(did you mean 'approved'\?\).*Pass the name"),
    ("one column with the given sep", _csv("age;approved\n1;yes\n2;no\n", sep=","), ValueError,
     r"target: .*the header is a single column, but the file fits sep=';': pass sep=';'"),
    ("label not in target", _csv(GOOD, positive_label="maybe"), ValueError,
     r"positive_label: 'maybe' does not occur in target column 'approved'.*pass one of them"),
    ("text declared numeric", _csv(GOOD, numeric=["sex"]), ValueError,
     r"numeric: column 'sex' has dtype str and cannot be treated as numeric; move it"),
    ("both kinds", _csv(GOOD, numeric=["age"], categorical=["age"]), ValueError,
     r"numeric/categorical: column\(s\) \['age'\] are listed in both.*Remove each"),
    ("exclude unknown", _csv(GOOD, exclude=["incme"]), ValueError,
     r"exclude: column 'incme' is not in the data \(did you mean 'income'\?\).*Fix the name"),
    ("not_identifiers overlaps", _csv(GOOD, identifiers=["sex"], not_identifiers=["sex"]),
     ValueError, r"not_identifiers: column 'sex' is also listed in identifiers.*Keep it in one"),
    ("exclude the target", _dataset(exclude=["approved"]), ValueError,
     r"exclude: the target column 'approved' cannot also be in exclude; remove it"),
    ("protected not text", _dataset(protected=7), TypeError,
     r"protected: expected a column name or a list of column names, got int"),
    ("frame not a frame", _dataset(frame={"age": [1]}), TypeError,
     r"frame must be a pandas DataFrame, got dict; load data with"),
    ("read_options not a mapping", _dataset(read_options="utf-8"), TypeError,
     r"read_options must be a mapping .* or None, got str"),
    # -- check_data -------------------------------------------------------------------------
    ("train not a Dataset", lambda tmp_path: check_data(FRAME), TypeError,
     r"check_data: train must be a govkit Dataset, got DataFrame; load it with"),
    ("test not a Dataset", _check(test=FRAME), TypeError,
     r"check_data: test must be a govkit Dataset, got DataFrame"),
    ("min_group_size zero", _check(min_group_size=0), ValueError,
     r"check_data: min_group_size=0 is outside \[1, inf\); pass a value in \[1, inf\), "
     r"e\.g\. min_group_size=30"),
    ("min_group_size text", _check(min_group_size="30"), TypeError,
     r"check_data: min_group_size must be a whole number, got str \('30'\)"),
    ("test with another target", _check(test=Dataset(FRAME, target="sex", positive_label="F")),
     ValueError, r"check_data: test has target 'sex' but train has 'approved'; load both"),
    ("raise_for_problems", _raise_for_problems, ValueError,
     r"has 1 problem\(s\) that would stop a run:\n  - column 'sex' \(train\): 1 missing "
     r"value\(s\) in a protected column; fill them"),
]


@pytest.mark.parametrize(("call", "error", "pattern"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_malformed_input_is_refused_with_a_sentence(tmp_path, call, error, pattern):
    with pytest.raises(error, match=pattern) as caught:
        call(tmp_path)
    message = str(caught.value)
    for leak in LEAKS:
        assert leak not in message
    cause = caught.value
    assert cause.__cause__ is None
    assert cause.__context__ is None or cause.__suppress_context__


def test_there_are_at_least_25_cases():
    assert len(CASES) >= 25

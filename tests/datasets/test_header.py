"""govkit.datasets.read_header: the header as from_csv reads it, without reading the rows."""

import pytest

from govkit.datasets import from_csv, read_header
from govkit.exceptions import CSVFormatWarning


def test_read_header_detects_encoding_and_separator_as_from_csv_does(tmp_path):
    path = tmp_path / "loans.csv"
    path.write_bytes("年龄;性别;是否还款\n31;女;是\n45;男;否\n".encode("gb18030"))
    columns, options = read_header(path)
    assert columns == ["年龄", "性别", "是否还款"]
    assert options == {"encoding": "gb18030", "sep": ";", "detected": ["encoding", "sep"]}
    with pytest.warns(CSVFormatWarning, match="gb18030"):
        data = from_csv(path, target="是否还款", positive_label="是")
    assert list(data.frame.columns) == columns
    assert {k: data.read_options[k] for k in ("encoding", "sep")} == {"encoding": "gb18030",
                                                                      "sep": ";"}


def test_read_header_strips_the_byte_order_mark_and_keeps_given_settings(tmp_path):
    path = tmp_path / "loans.csv"
    path.write_bytes("\ufeffage|sex\n31|F\n".encode())
    columns, options = read_header(path, encoding="utf-8", sep="|")
    assert columns == ["age", "sex"]
    assert options == {"encoding": "utf-8-sig", "sep": "|", "detected": []}


def test_read_header_keeps_an_unnamed_column_as_an_empty_name(tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text("a,b,\n1,2,\n")
    assert read_header(path)[0] == ["a", "b", ""]


@pytest.mark.parametrize(("content", "error", "pattern"), [
    (b"", ValueError, r"^read_header: .*empty \(0 bytes\)"),
    (b"\n\n", ValueError, r"^read_header: .*empty \(no header line\)"),
    (b"a,a,b\n1,2,3\n", ValueError, r"^read_header: the header of bad\.csv names \['a'\] more than once"),
])
def test_read_header_refuses_what_from_csv_refuses(tmp_path, content, error, pattern):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(error, match=pattern):
        read_header(path)


def test_read_header_refuses_a_wrong_encoding_naming_the_detected_one(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("姓名,年龄\n张三,31\n".encode("gb18030"))
    with pytest.raises(ValueError, match=r"gbk\.csv is not valid 'utf-8' .* encoding='gb18030'"):
        read_header(path, encoding="utf-8")


def test_read_header_refuses_a_missing_file_and_a_bad_separator(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^read_header: file .*nope\.csv does not exist"):
        read_header(tmp_path / "nope.csv")
    (tmp_path / "ok.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"^sep: ';;' must be a single character"):
        read_header(tmp_path / "ok.csv", sep=";;")


def test_an_encoding_whose_codec_fails_without_a_position_is_refused_with_a_sentence(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"plain\.csv is not valid 'utf-16' .* it reads as 'utf-8'"):
        read_header(path, encoding="utf-16")

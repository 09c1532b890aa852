"""from_csv on ordinary exports: encodings, separators, decimal commas, thousands, headers."""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

from govkit.datasets import from_csv
from govkit.exceptions import CSVFormatWarning

CHINESE = (
    "姓名,性别,年龄,城市,批准\n"
    "张三,男,31,北京,是\n"
    "李四,女,45,上海,否\n"
    "王五,男,52,广州,是\n"
    "赵六,女,28,深圳,否\n"
)


@pytest.fixture
def write(tmp_path):
    def write(content: str | bytes, name: str = "data.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


# -- encodings ----------------------------------------------------------------------------------

def test_gbk_file_with_chinese_headers_and_values(write):
    path = write(CHINESE, encoding="gb18030")
    with pytest.warns(CSVFormatWarning, match=r"read as 'gb18030'.*pass encoding='gb18030' to confirm"):
        data = from_csv(path, target="批准", positive_label="是", protected="性别",
                        identifiers=["姓名"], quasi_identifiers=["年龄", "城市"])
    assert list(data.frame.columns) == ["姓名", "性别", "年龄", "城市", "批准"]
    assert data.frame["城市"].tolist() == ["北京", "上海", "广州", "深圳"]
    assert data.y.tolist() == [1, 0, 1, 0]
    assert data.protected == ("性别",) and data.numeric == ("年龄",)
    assert data.categorical == ("性别", "城市")
    assert data.read_options["encoding"] == "gb18030"
    assert "encoding" in data.read_options["detected"]
    # the same file, encoding confirmed: no warning, same data, same fingerprint
    again = from_csv(path, target="批准", positive_label="是", protected="性别",
                     identifiers=["姓名"], quasi_identifiers=["年龄", "城市"], encoding="gbk")
    assert again.fingerprint == data.fingerprint
    assert again.read_options["detected"] == ("sep", "decimal", "thousands")


def test_gbk_role_names_are_checked_in_chinese(write):
    path = write(CHINESE, encoding="gb18030")
    with pytest.raises(ValueError, match=r"protected: column '性' is not in the data \(did you mean '性别'\?\)"):
        from_csv(path, target="批准", positive_label="是", protected="性", encoding="gb18030")


def test_utf8_with_bom_never_reaches_the_first_header(write):
    path = write(codecs.BOM_UTF8 + b"approved,age\nyes,31\nno,45\n")
    data = from_csv(path, target="approved", positive_label="yes")
    assert list(data.frame.columns) == ["approved", "age"]
    assert data.read_options["encoding"] == "utf-8-sig"
    with pytest.raises(ValueError, match=r"did you mean 'approved'\?\); its columns are \['approved', 'age'\]"):
        from_csv(path, target="aproved", positive_label="yes")
    explicit = from_csv(path, target="approved", positive_label="yes", encoding="utf-8")
    assert list(explicit.frame.columns) == ["approved", "age"]


def test_latin1_file_is_read_with_a_warning_not_a_traceback(write):
    path = write("name,city,ok\nJosé,Zürich,yes\nMüller,Köln,no\n", encoding="latin-1")
    with pytest.warns(CSVFormatWarning, match=r"not UTF-8; it was read as 'latin-1'"):
        data = from_csv(path, target="ok", positive_label="yes", identifiers=["name"])
    assert data.frame["city"].tolist() == ["Zürich", "Köln"]
    assert from_csv(path, target="ok", positive_label="yes", identifiers=["name"],
                    encoding="latin-1").frame["name"].tolist() == ["José", "Müller"]


def test_latin1_that_also_decodes_as_gb18030_is_not_read_as_chinese(write):
    # "Müller" and "Zürich" are valid GB18030 byte pairs (ü + an ASCII letter); Chinese text
    # has second bytes of 0x80 and above, so these are read as Latin-1
    path = write("name,city,ok\nMüller,Zürich,yes\nKöhler,Bärn,no\n", encoding="latin-1")
    assert path.read_bytes().decode("gb18030")  # the trap is real
    with pytest.warns(CSVFormatWarning, match="'latin-1'"):
        data = from_csv(path, target="ok", positive_label="yes", identifiers=["name"])
    assert data.frame["city"].tolist() == ["Zürich", "Bärn"]


def test_windows_1252_is_preferred_when_its_extra_characters_are_used(write):
    path = write("item,price,ok\nCafé – 5 €,5,yes\nTee,3,no\n", encoding="cp1252")
    with pytest.warns(CSVFormatWarning, match="'cp1252'"):
        data = from_csv(path, target="ok", positive_label="yes")
    assert data.frame["item"].iloc[0] == "Café – 5 €"


def test_a_wrong_encoding_is_refused_with_the_line_and_the_fix(write):
    path = write("name,ok\nAnn,yes\nJosé,no\n", encoding="latin-1")
    with pytest.raises(ValueError, match=r"encoding: data.csv is not valid 'utf-8' \(the first bad byte is on line 3\); it reads as 'latin-1': pass encoding='latin-1'"):
        from_csv(path, target="ok", positive_label="yes", encoding="utf-8")


# -- separators and number formats ----------------------------------------------------------------

SEMICOLON = "age;income;score;approved\n31;45,6;1.234,5;yes\n45;51,25;987,0;no\n52;38,1;2.001,75;yes\n"


def test_semicolon_file_with_decimal_commas(write):
    data = from_csv(write(SEMICOLON), target="approved", positive_label="yes")
    assert data.frame["income"].tolist() == [45.6, 51.25, 38.1]
    assert data.frame["score"].tolist() == [1234.5, 987.0, 2001.75]
    assert data.numeric == ("age", "income", "score")
    options = data.read_options
    assert (options["sep"], options["decimal"], options["thousands"]) == (";", ",", ".")
    assert any("decimal comma" in note for note in options["notes"])


def test_thousands_45_600_alone_is_ambiguous_and_refused(write):
    path = write("age;income;approved\n31;45,600;yes\n45;12,300;no\n")
    with pytest.raises(ValueError, match=r"column\(s\) \['income'\] have numbers with one ',' followed by exactly three digits.*Pass decimal=',' .* or thousands=','"):
        from_csv(path, target="approved", positive_label="yes")
    assert from_csv(path, target="approved", positive_label="yes",
                    thousands=",").frame["income"].tolist() == [45600, 12300]
    assert from_csv(path, target="approved", positive_label="yes",
                    decimal=",").frame["income"].tolist() == [45.6, 12.3]


def test_thousands_45_600_is_settled_by_the_rest_of_the_file(write):
    # a decimal comma elsewhere proves 45,600 is 45.6
    comma = write("rate;income;approved\n3,5;45,600;yes\n1,25;12,300;no\n")
    assert from_csv(comma, target="approved", positive_label="yes").frame["income"].tolist() \
        == [45.6, 12.3]
    # a comma-separated file writes decimals with a point: quoted "45,600" is 45600
    quoted = write('age,income,approved\n31,"45,600",yes\n45,"1,012,300",no\n', name="q.csv")
    data = from_csv(quoted, target="approved", positive_label="yes")
    assert data.frame["income"].tolist() == [45600, 1012300]
    assert data.read_options["thousands"] == ","
    # a thousands dot with a decimal comma: 45.600 is 45600
    dots = write("income;rate;approved\n45.600;3,5;yes\n1.200;2,0;no\n", name="d.csv")
    assert from_csv(dots, target="approved", positive_label="yes").frame["income"].tolist() \
        == [45600, 1200]


def test_a_numeric_column_never_becomes_a_category_silently(write):
    lines = ["id;income;approved"] + [f"{i};{i % 50 + 20},5;yes" for i in range(300)]
    lines += [f"{i};unknown;no" for i in range(300, 310)]
    path = write("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"column 'income': 300 of its 310 non-missing cells are numbers and the other 10 are not \(such as 'unknown'\).*na_values=\['\?', 'unknown'\]"):
        from_csv(path, target="approved", positive_label="yes")
    data = from_csv(path, target="approved", positive_label="yes", na_values=["?", "unknown"])
    assert data.frame["income"].dtype == "float64" and data.frame["income"].isna().sum() == 10


def test_numbers_in_another_format_after_the_detection_rows_are_refused(write):
    lines = ["id;income;approved"] + [f"{i};{i % 90 + 10};yes" for i in range(2100)]
    lines += [f"{i};1.234,5;no" for i in range(2100, 2200)]
    with pytest.raises(ValueError, match=r"column 'income': 100 of its 2200 non-missing cells are numbers written with decimal=',' and thousands='.'.*first 2000 rows"):
        from_csv(write("\n".join(lines) + "\n"), target="approved", positive_label="yes")


@pytest.mark.parametrize(("sep", "name"), [("\t", "tab"), ("|", "pipe"), (";", "semicolon")])
def test_separators_are_detected(write, sep, name):
    path = write(sep.join(["age", "job title", "ok"]) + "\n" + sep.join(["31", "nurse, head", "yes"])
                 + "\n" + sep.join(["45", "clerk", "no"]) + "\n", name=f"{name}.csv")
    data = from_csv(path, target="ok", positive_label="yes")
    assert data.read_options["sep"] == sep
    assert data.frame["job title"].tolist() == ["nurse, head", "clerk"]


def test_an_ambiguous_separator_is_decided_with_a_warning(write):
    path = write("a,b;c,ok\n1,x;y,yes\n2,z;w,no\n")
    with pytest.warns(CSVFormatWarning, match=r"several separators fit the first lines of data.csv \(\[',', ';'\]\); sep=',' was chosen"):
        data = from_csv(path, target="ok", positive_label="yes")
    assert list(data.frame.columns) == ["a", "b;c", "ok"]


def test_a_given_separator_that_makes_one_column_gets_advice(write):
    path = write("age;ok\n31;yes\n45;no\n")
    with pytest.raises(ValueError, match=r"read with sep=',', the header is a single column, but the file fits sep=';': pass sep=';'"):
        from_csv(path, target="ok", positive_label="yes", sep=",")


# -- headers ---------------------------------------------------------------------------------------

def test_duplicate_headers_are_refused_naming_them(write):
    path = write("age,sex,age,income,sex,ok\n1,F,2,3,M,yes\n4,M,5,6,F,no\n")
    with pytest.raises(ValueError, match=r"names \['age', 'sex'\] more than once \(pandas would silently rename the second one to 'age.1'\)"):
        from_csv(path, target="ok", positive_label="yes")


def test_duplicates_after_trimming_spaces_are_refused(write):
    with pytest.raises(ValueError, match=r"names \['age'\] more than once"):
        from_csv(write("age, age ,ok\n1,2,yes\n3,4,no\n"), target="ok", positive_label="yes")


def test_a_trailing_separator_does_not_shift_the_columns(write):
    both = from_csv(write("age,sex,ok,\n31,F,yes,\n45,M,no,\n"), target="ok", positive_label="yes")
    assert list(both.frame.columns) == ["age", "sex", "ok"]
    assert both.frame["age"].tolist() == [31, 45]
    assert any("empty column" in note for note in both.read_options["notes"])
    rows_only = from_csv(write("age,sex,ok\n31,F,yes,\n45,M,no,\n", name="r.csv"),
                         target="ok", positive_label="yes")
    assert rows_only.frame["sex"].tolist() == ["F", "M"]  # pandas alone would shift by one


# -- what was decided is recorded --------------------------------------------------------------

def test_the_ledger_records_how_the_file_was_read(write, ledger):
    from_csv(write(SEMICOLON), target="approved", positive_label="yes", ledger=ledger)
    (record,) = ledger.records()
    options = record["parameters"]["read_options"]
    assert options["encoding"] == "utf-8" and options["sep"] == ";"
    assert options["decimal"] == "," and options["thousands"] == "."
    assert options["detected"] == ["encoding", "sep", "decimal", "thousands"]


def test_explicit_options_are_recorded_as_given(write):
    data = from_csv(write(SEMICOLON), target="approved", positive_label="yes", sep=";",
                    decimal=",", thousands=".", encoding="utf-8")
    assert data.read_options["detected"] == ()
    assert data.frame["score"].tolist() == [1234.5, 987.0, 2001.75]


def test_exclude_and_not_identifiers_pass_through(write):
    path = write("row,customer_id,age,ok\n1,17,31,yes\n2,18,45,no\n")
    data = from_csv(path, target="ok", positive_label="yes", exclude=["row"],
                    not_identifiers=["customer_id"])
    assert data.feature_names == ("customer_id", "age")
    assert data.exclude == ("row",)


def test_the_file_is_never_modified(write):
    path = write(CHINESE, encoding="gb18030")
    before = path.read_bytes()
    with pytest.warns(CSVFormatWarning):
        from_csv(path, target="批准", positive_label="是", identifiers=["姓名"])
    assert path.read_bytes() == before


def test_chinese_frames_work_without_a_file():
    from govkit.datasets import Dataset

    frame = pd.DataFrame({"性别": ["男", "女", "男"], "收入": [3.5, 4.0, 5.1], "批准": ["是", "否", "是"]})
    data = Dataset(frame, target="批准", positive_label="是", protected="性别")
    assert data.y.tolist() == [1, 0, 1]
    assert len(data.fingerprint) == 64
    assert data.profile().loc["性别", "role"] == "protected, feature"

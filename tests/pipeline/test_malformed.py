"""Malformed command lines, configs and data: exit 2, a message that names the key or column,
the value received and the fix, and never a traceback.

Every case is refused before any stage runs, so the whole table takes seconds.
"""

from __future__ import annotations

import pytest

from govkit.cli import main
from govkit.exceptions import DataCheckError
from govkit.pipeline import ConfigError, load_config, run_pipeline

from .conftest import chinese_loans, quick_settings, write_case


def _settings(change):
    def setup(folder):
        settings = quick_settings()
        settings["data"]["encoding"] = "gb18030"
        change(settings)
        return write_case(folder, settings=settings)
    return setup


def _frame(change, **settings_changes):
    def setup(folder):
        frame = chinese_loans()
        change(frame)
        settings = quick_settings()
        settings["data"]["encoding"] = "gb18030"
        settings["data"].update(settings_changes)
        return write_case(folder, frame, settings)
    return setup


def _raw_csv(text: bytes):
    def setup(folder):
        path = write_case(folder, settings=quick_settings())
        (folder / "loans.csv").write_bytes(text)
        return path
    return setup


def _missing_protected(frame):
    frame["性别"] = frame["性别"].astype(object)
    frame.loc[:3, "性别"] = None


def _tiny_group(frame):
    frame.loc[:5, "性别"] = "未知"


def _one_outcome(frame):
    frame["是否还款"] = "是"


def _three_outcomes(frame):
    frame.loc[:9, "是否还款"] = "不知道"


CASES = {
    # the config file itself
    "config file missing": (None, ["run", "--config", "{dir}/nope.yml"],
                            ["nope.yml", "does not exist", "--example-config"]),
    "config not YAML": ("data: [unclosed\n", ["run", "--config", "{config}"], ["not valid YAML"]),
    "config a list": ("- a\n- b\n", ["run", "--config", "{config}"], ["must hold a mapping", "list"]),
    "misspelt section": (_settings(lambda s: s.update(anonymisation={"k": 5})), None,
                         ["anonymisation", "did you mean 'anonymization'"]),
    "unknown data key": (_settings(lambda s: s["data"].update(seperator=";")), None,
                         ["data.seperator", "';'", "did you mean 'sep'"]),
    # columns and roles
    "target misspelt": (_settings(lambda s: s["data"].update(target="是否还")), None,
                        ["data.target", "'是否还'", "did you mean '是否还款'"]),
    "unquoted yes": (_settings(lambda s: s["data"].update(positive_label=True)), None,
                     ["data.positive_label", "True", 'quote the label']),
    "label not in the target": (_settings(lambda s: s["data"].update(positive_label="好")), None,
                                ["positive_label", "'好'", "'是'", "pass one of them"]),
    "protected column unknown": (_settings(lambda s: s["data"].update(protected=["性"])), None,
                                 ["data.protected", "'性'", "its columns are"]),
    "exclude unknown column": (_settings(lambda s: s["data"].update(exclude=["邮箱"])), None,
                               ["data.exclude", "'邮箱'", "no such column"]),
    "exclude the target": (_settings(lambda s: s["data"].update(exclude=["是否还款"])), None,
                           ["data.exclude", "'是否还款'", "remove it from this list"]),
    "every QI excluded": (_settings(lambda s: s["data"].update(exclude=["年龄", "性别", "地区"])),
                          None, ["data.exclude", "['年龄', '性别', '地区']",
                                 "keep at least one quasi-identifier"]),
    "protected excluded with mitigation": (
        _settings(lambda s: s["data"].update(exclude=["性别"])), None,
        ["data.exclude", "['性别']", "fairness.mitigation: none"]),
    "identifier and not": (_settings(lambda s: s["data"].update(identifiers=["地区"],
                                                                not_identifiers=["地区"])), None,
                           ["data.not_identifiers", "['地区']", "keep each in one list"]),
    # file format
    "unknown encoding": (_settings(lambda s: s["data"].update(encoding="utf9")), None,
                         ["data.encoding", "'utf9'", "gb18030"]),
    "wrong encoding": (_settings(lambda s: s["data"].update(encoding="utf-8")), None,
                       ["data.path", "'loans.csv'", "not valid 'utf-8'", "encoding='gb18030'",
                        "data.encoding"]),
    "separator of two characters": (_settings(lambda s: s["data"].update(sep=";;")), None,
                                    ["data.sep", "';;'", "one punctuation character"]),
    "decimal equals separator": (_settings(lambda s: s["data"].update(sep=",", decimal=",")), None,
                                 ["data.decimal", "','", 'sep: ";"']),
    "thousands equals decimal": (_settings(lambda s: s["data"].update(decimal=",", thousands=",")),
                                 None, ["data.thousands", "','", "thousands: '.'"]),
    "repeated header": (_raw_csv("年龄,年龄,性别,是否还款\n1,2,男,是\n".encode()), None,
                        ["data.path", "'loans.csv'", "['年龄']", "give every column a unique name"]),
    "empty file": (_raw_csv(b""), None, ["data.path", "empty", "header line"]),
    "test file with other columns": (
        lambda folder: (_frame(lambda f: None, test_path="other.csv")(folder),
                        (folder / "other.csv").write_text("a,b\n1,2\n"))[0],
        None, ["data.test_path", "'other.csv'", "differ from data.path"]),
    # stage settings
    "k of one": (_settings(lambda s: s["anonymization"].update(k=1)), None,
                 ["anonymization.k", "got 1", "[2, inf)", "e.g. anonymization.k=5"]),
    "model budget over the total": (_settings(lambda s: s["privacy"].update(model_epsilon=5.0)), None,
                                    ["privacy.model_epsilon", "5.0", "at most privacy.epsilon"]),
    "public domain misses a feature": (
        _settings(lambda s: s["privacy"]["public_domain"]["categorical"].pop("地区")), None,
        ["privacy.public_domain", "['地区']", "data.exclude"]),
    "no rows to explain": (_settings(lambda s: s["explain"].update(rows=0)), None,
                           ["explain.rows", "got 0", "[1, 500]"]),
    "unknown mitigation": (_settings(lambda s: s["fairness"].update(mitigation="reweighing")), None,
                           ["fairness.mitigation", "'reweighing'", "threshold_optimizer"]),
    "min_group_size of zero": (_settings(lambda s: s["data"].update(min_group_size=0)), None,
                               ["data.min_group_size", "got 0", "e.g. data.min_group_size=30"]),
    # the data, refused by the check before any work
    "missing protected values": (_frame(_missing_protected), None, ["性别", "missing", "fill"]),
    "a tiny group": (_frame(_tiny_group), None, ["性别='未知'", "min_group_size", "Merge"]),
    "one outcome only": (_frame(_one_outcome), None, ["是否还款", "'是'", "binary outcome needs two"]),
    "three outcomes": (_frame(_three_outcomes), None, ["是否还款", "'不知道'", "Binarize"]),
    # the command line
    "output inside the data folder": (_settings(lambda s: None),
                                      ["run", "--config", "{config}", "--out", "{dir}/out"],
                                      ["inside the data folder", "results/"]),
    "earlier results without force": (
        lambda folder: (_settings(lambda s: None)(folder),
                        (folder.parent / "results").mkdir(),
                        (folder.parent / "results" / "ledger.jsonl").write_text("{}\n"))[0],
        None, ["already holds results", "ledger.jsonl", "--force"]),
    "verify a missing ledger": (None, ["verify", "{dir}/ledger.jsonl"],
                                ["ledger.jsonl", "no such ledger file", "pass the path"]),
    "check-data on a bad config": (_settings(lambda s: s["data"].update(target="x")),
                                   ["check-data", "--config", "{config}"], ["data.target", "'x'"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_input_exits_2_with_the_key_the_value_and_the_fix(case, tmp_path, capsys):
    setup, argv, fragments = CASES[case]
    folder = tmp_path / "data"
    folder.mkdir()
    config = folder / "config.yml"
    if callable(setup):
        config = setup(folder)
    elif isinstance(setup, str):
        config.write_text(setup, encoding="utf-8")
    argv = argv or ["run", "--config", "{config}", "--out", "{results}", "--quiet"]
    argv = [a.format(config=config, dir=folder, results=tmp_path / "results") for a in argv]
    assert main(argv) == 2
    output = capsys.readouterr()
    message = output.err + output.out
    for fragment in fragments:
        assert fragment in message, f"{case}: {fragment!r} not in {message!r}"
    assert "Traceback" not in message
    if "results" in argv and case != "earlier results without force":
        assert not (tmp_path / "results").exists()  # refused before anything was written


def test_the_api_raises_the_same_refusals(tmp_path):
    config = _settings(lambda s: s["anonymization"].update(k=1))(tmp_path / "a")
    with pytest.raises(ConfigError, match=r"anonymization\.k"):
        load_config(config)
    config = _frame(_missing_protected)(tmp_path / "b")
    with pytest.raises(DataCheckError, match="性别"):
        run_pipeline(load_config(config), tmp_path / "results", progress=False)


def test_a_command_line_typo_is_an_argparse_error_with_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["check-data"])  # --config is required
    assert exited.value.code == 2
    assert "--config" in capsys.readouterr().err

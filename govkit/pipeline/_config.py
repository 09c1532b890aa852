"""The pipeline's configuration: a small YAML file describing the data and each stage's settings.

Everything is validated before any work starts: a bad config fails at once
with a message that names the key, the value received and the fix. See
:data:`EXAMPLE_CONFIG` for every key with its meaning.
"""

from __future__ import annotations

import codecs
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from govkit._validation import check_choice, check_interval
from govkit.anonymization import ANONYMIZATION_METHODS
from govkit.datasets import read_header
from govkit.fairness import FAIRNESS_CONSTRAINTS, MITIGATIONS
from govkit.models import MODEL_KINDS
from govkit.privacy import PRIVATE_MODELS

__all__ = ["EXAMPLE_CONFIG", "ConfigError", "PipelineConfig", "load_config"]

_EXAMPLE_TEMPLATE = """\
# govkit pipeline configuration. Paths are relative to this file.
name: credit-demo                 # a label for the report
random_state: 0                   # every random step is seeded from this

data:
  path: credit.csv                # a CSV with a header line
  test_path: null                 # optional held-out CSV; otherwise test_size is split off
  test_size: 0.3                  # share held out for evaluation (stratified by the target)
  target: repaid                  # the binary outcome column
  positive_label: "yes"           # its favourable value
  protected: [sex, nationality]   # for the fairness analysis
  quasi_identifiers: [age, sex, nationality, marital_status, postcode]
  identifiers: [applicant_name, email]   # removed before any analysis
  not_identifiers: []             # columns that look like identifiers but are features
  exclude: []                     # kept in the file but never model inputs (named in the report)
  categorical: [postcode]         # codes written as digits; other kinds are inferred
  encoding: null                  # null: detect (UTF-8, UTF-8 with BOM, GB18030/GBK, Latin-1)
  sep: null                       # null: detect among , ; tab |
  decimal: null                   # null: detect; "," for exports like 45,6
  thousands: null                 # null: detect; e.g. "." for 45.600 or "," for 45,600
  min_group_size: 30              # smaller protected groups stop the run (their metrics are noise)
  licence: "CC BY 4.0"            # the data's licence, for the report

model:
  kind: gradient_boosting         # <MODEL_KINDS>
  intended_use: "Teaching: ranking loan applications for manual review."
  limitations: "Synthetic data; not validated for any real decision."
  licence: "CC BY 4.0"            # the trained model's licence

anonymization:
  k: 5                            # every released record shares its QIs with >= k-1 others
  l: null                         # optional l-diversity of the sensitive column
  t: null                         # optional t-closeness (0 < t <= 1)
  method: mondrian                # <ANONYMIZATION_METHODS> (global: full-domain, needs hierarchies)
  max_suppression: 0.01           # share of rows that may be withheld

privacy:
  epsilon: 3.0                    # the total budget for everything DP in this run
  delta: 1.0e-6
  model: dp_ebm                   # <PRIVATE_MODELS>
  model_epsilon: 1.0              # the part of the budget spent on training
  public_domain:                  # bounds from domain knowledge, NOT from the data
    numeric: {age: [18, 100], income: [0, 500000]}
    source: "loan application form limits"

fairness:
  mitigation: threshold_optimizer # <MITIGATIONS>
  constraint: equalized_odds      # <FAIRNESS_CONSTRAINTS>

explain:
  rows: 20                        # people whose LIME and SHAP explanations are compared
"""

def _annotated(template: str) -> str:
    """The template with each ``<NAME>`` replaced by the stage constant's choices."""
    for name, options in (("MODEL_KINDS", MODEL_KINDS),
                          ("ANONYMIZATION_METHODS", ANONYMIZATION_METHODS),
                          ("PRIVATE_MODELS", PRIVATE_MODELS), ("MITIGATIONS", MITIGATIONS),
                          ("FAIRNESS_CONSTRAINTS", FAIRNESS_CONSTRAINTS)):
        template = template.replace(f"<{name}>", "one of " + ", ".join(options))
    return template


#: An annotated config with every key; the choices listed are the stages' own constants.
EXAMPLE_CONFIG = _annotated(_EXAMPLE_TEMPLATE)

_SECTIONS = {
    "name": None,
    "random_state": None,
    "data": {"path", "test_path", "test_size", "target", "positive_label", "protected",
             "quasi_identifiers", "identifiers", "not_identifiers", "exclude", "numeric",
             "categorical", "licence", "encoding", "sep", "decimal", "thousands", "min_group_size"},
    "model": {"kind", "intended_use", "limitations", "licence"},
    "anonymization": {"k", "l", "t", "method", "max_suppression"},
    "privacy": {"epsilon", "delta", "model", "model_epsilon", "public_domain"},
    "fairness": {"mitigation", "constraint"},
    "explain": {"rows"},
}


_ENCODING_KEY = (
    " In the config: set data.encoding to the file's encoding (e.g. gb18030 or latin-1), or "
    "remove data.encoding to detect it."
)


class ConfigError(ValueError):
    """The pipeline configuration is invalid; the message names the key and the fix."""


def _fail(key: str, value: Any, fix: str) -> ConfigError:
    return ConfigError(f"config key '{key}': got {value!r}; {fix}")


# what people call some settings in other tools (pandas, Excel, R)
_SYNONYMS = {"separator": "sep", "seperator": "sep", "delimiter": "sep", "delim": "sep",
             "charset": "encoding", "decimal_separator": "decimal", "dec": "decimal",
             "thousands_separator": "thousands", "drop": "exclude", "excluded": "exclude",
             "ignore": "exclude"}


def _suggest(word: str, options) -> str:
    synonym = _SYNONYMS.get(str(word).lower())
    if synonym in options:
        return f" (did you mean '{synonym}'?)"
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class PipelineConfig:
    """A validated pipeline configuration. Build it with :func:`load_config` or :meth:`adult`."""

    name: str = "adult"
    random_state: int = 0
    data_path: Path | None = None  # None: the bundled UCI Adult
    data_licence: str | None = None  # Adult's is recorded by load_adult
    test_path: Path | None = None
    test_size: float = 0.3
    target: str = "income"
    positive_label: Any = ">50K"
    protected: tuple[str, ...] = ("sex", "race")
    quasi_identifiers: tuple[str, ...] | None = None
    identifiers: tuple[str, ...] = ()
    not_identifiers: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    encoding: str | None = None  # None: detected by from_csv
    sep: str | None = None  # None: detected by from_csv
    decimal: str | None = None  # None: detected by from_csv
    thousands: str | None = None
    min_group_size: int = 30  # govkit.datasets.check_data's default
    numeric: tuple[str, ...] | None = None
    categorical: tuple[str, ...] | None = None
    model_kind: str = "logistic_regression"  # the workbook's reference model (notebooks 01, 03)
    intended_use: str = (
        "Teaching AI governance: predicting whether a 1994 US census respondent earned more "
        "than $50,000 a year. Not for decisions about people."
    )
    limitations: str = (
        "Trained on a 1994 US census extract with very unequal group sizes; income thresholds "
        "are not inflation-adjusted; not validated for any real use."
    )
    model_licence: str = "CC BY 4.0 (derived from UCI Adult)"
    k: int = 10  # notebook 01's release
    l: int | None = None  # noqa: E741 - the privacy model's name
    t: float | None = None
    method: str = "mondrian"
    max_suppression: float = 0.01
    epsilon: float = 3.0
    delta: float = 1e-6
    private_model: str = "dp_ebm"
    model_epsilon: float = 1.0
    public_domain: Mapping[str, Any] | None = None
    mitigation: str = "threshold_optimizer"
    constraint: str = "equalized_odds"
    explain_rows: int = 20
    source: str = "built-in defaults (UCI Adult)"
    extras: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def adult(cls) -> PipelineConfig:
        """The configuration used when no file is given: the bundled Adult data."""
        return cls()

    @property
    def is_adult(self) -> bool:
        return self.data_path is None

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain values (paths as file names only), for the ledger."""
        out = {}
        for key, value in self.__dict__.items():
            if isinstance(value, Path):
                value = value.name
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out


def _section(raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = raw.get(name) or {}
    if not isinstance(value, Mapping):
        raise _fail(name, value, f"'{name}' must be a mapping of keys to values (see the example config).")
    unknown = set(value) - _SECTIONS[name]
    if unknown:
        key = sorted(unknown)[0]
        raise _fail(f"{name}.{key}", value[key],
                    f"'{key}' is not a setting of '{name}'{_suggest(key, _SECTIONS[name])}; "
                    f"its settings are {sorted(_SECTIONS[name])}.")
    return value


def _columns(value: Any, key: str, header: list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise _fail(key, value, "give a column name or a list of column names, e.g. [sex, age].")
    if header is not None:
        for column in items:
            if column not in header:
                raise _fail(key, column, f"no such column in the CSV{_suggest(column, header)}; "
                                         f"its columns are {header}.")
    return tuple(items)


def _choice(value: Any, key: str, options: tuple[str, ...]) -> str:
    """``value`` if it is one of ``options`` (:func:`govkit._validation.check_choice`), named by key."""
    try:
        return check_choice(value, options, param=key)
    except (TypeError, ValueError) as error:
        raise _fail(key, value, str(error)) from None


def _number(value: Any, key: str, *, example: Any, **interval: Any) -> Any:
    """``value`` if it is a number in the interval (:func:`govkit._validation.check_interval`)."""
    try:
        return check_interval(value, param=key, example=example, **interval)
    except (TypeError, ValueError) as error:
        raise _fail(key, value, str(error)) from None


def _header(path: Path, key: str, *, encoding: str | None = None,
            sep: str | None = None) -> list[str]:
    """The CSV's column names, read by :func:`govkit.datasets.read_header` as from_csv reads them.

    Same encoding order, byte-order mark stripped, separator chosen by the
    file's structure: the names checked here are the names loaded later.
    """
    if not path.is_file():
        raise _fail(key, str(path), "no such file; paths are relative to the config file's folder.")
    if path.stat().st_size == 0:
        raise _fail(key, str(path), "the file is empty; it needs a header line and data rows.")
    try:
        names, _ = read_header(path, encoding=encoding, sep=sep)
    except ValueError as error:
        message = str(error).removeprefix("read_header: ")
        if message.startswith("encoding:"):
            message += _ENCODING_KEY
        raise _fail(key, path.name, message) from None
    return names


def _encoding(value: Any) -> str | None:
    if value is None:
        return None
    try:
        ok = isinstance(value, str) and codecs.lookup(value) is not None
    except LookupError:
        ok = False
    if not ok:
        raise _fail("data.encoding", value, "not a text encoding Python knows; use e.g. utf-8, "
                                            "utf-8-sig, gb18030 (covers GBK) or latin-1, or "
                                            "remove the key to detect it.")
    return value


def _character(value: Any, key: str, *, example: str, allow_none: bool = True) -> str | None:
    if value is None and allow_none:
        return None
    if value == "tab" and key == "data.sep":
        return "\t"
    if not isinstance(value, str) or len(value) != 1 or value in "\"\r\n" or value.isalnum():
        raise _fail(key, value, f"give one punctuation character in quotes, e.g. {key.split('.')[-1]}: "
                                f"{example}" + (", or remove the key to detect it." if allow_none
                                                 else "."))
    return value


def _read_settings(path: Path) -> Mapping[str, Any]:
    """The YAML file's top-level mapping, its sections' names checked."""
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist; pass the path of a YAML file "
                          "(python -m govkit run --example-config prints one).")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {path} is not valid YAML: {error}") from None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"config file {path} must hold a mapping of settings, got {type(raw).__name__}.")
    unknown = set(raw) - set(_SECTIONS)
    if unknown:
        key = sorted(unknown)[0]
        raise _fail(key, raw[key], f"not a config section{_suggest(key, _SECTIONS)}; sections are "
                                   f"{sorted(_SECTIONS)}.")
    return raw


def _file_settings(data: Mapping[str, Any], base: Path) -> tuple[dict[str, Any], list[str]]:
    """How to read the data file(s), and the header: ``data.path`` .. ``data.thousands``."""
    for required in ("path", "target", "positive_label"):
        if data.get(required) in (None, ""):
            raise _fail(f"data.{required}", data.get(required), "this key is required.")
    if not isinstance(data["path"], str):
        raise _fail("data.path", data["path"], "give the CSV's path as a string.")
    data_path = (base / data["path"]).resolve()
    encoding = _encoding(data.get("encoding"))
    sep = _character(data.get("sep"), "data.sep", example='";" or tab')
    decimal = _character(data.get("decimal"), "data.decimal", example='","')
    thousands = _character(data.get("thousands"), "data.thousands", example='"."')
    if decimal is not None and decimal == sep:
        raise _fail("data.decimal", decimal, f"it is also the separator (data.sep: {sep!r}); a file "
                                             "with decimal commas is usually ;-separated: sep: \";\".")
    if thousands is not None and thousands == decimal:
        raise _fail("data.thousands", thousands, f"it is also the decimal mark (data.decimal: "
                                                 f"{decimal!r}); use the other one, e.g. thousands: "
                                                 f"{'.' if decimal == ',' else ','!r}.")
    header = _header(data_path, "data.path", encoding=encoding, sep=sep)
    test_path = None
    if data.get("test_path"):
        test_path = (base / str(data["test_path"])).resolve()
        test_header = _header(test_path, "data.test_path", encoding=encoding, sep=sep)
        if test_header != header:
            raise _fail("data.test_path", data["test_path"],
                        f"its columns {test_header} differ from data.path's {header}.")
    settings = dict(data_path=data_path, test_path=test_path, encoding=encoding, sep=sep,
                    decimal=decimal, thousands=thousands)
    return settings, header


def _role_settings(data: Mapping[str, Any], header: list[str]) -> dict[str, Any]:
    """The column roles (``data.target`` .. ``data.categorical``), each column in the header."""
    if isinstance(data["positive_label"], bool):
        raise _fail("data.positive_label", data["positive_label"],
                    "YAML reads unquoted yes/no/true/false as booleans; quote the label as it is "
                    'written in the CSV, e.g. positive_label: "yes".')
    target = data["target"]
    if target not in header:
        raise _fail("data.target", target, f"no such column in the CSV{_suggest(str(target), header)}; "
                                           f"its columns are {header}.")
    for required in ("protected", "quasi_identifiers"):
        if not data.get(required):
            raise _fail(f"data.{required}", data.get(required),
                        "list at least one column: the " + (
                            "fairness stage compares groups of these columns."
                            if required == "protected"
                            else "anonymization stage generalizes these columns."))
    roles = {role: _columns(data.get(role), f"data.{role}", header)
             for role in ("identifiers", "not_identifiers", "exclude")}
    for role in ("exclude", "identifiers", "not_identifiers"):
        if target in roles[role]:
            raise _fail(f"data.{role}", target,
                        "that is the target (data.target); remove it from this list.")
    roles["quasi_identifiers"] = _columns(data.get("quasi_identifiers"), "data.quasi_identifiers",
                                          header)
    roles["protected"] = _columns(data.get("protected"), "data.protected", header)
    for kind in ("numeric", "categorical"):
        roles[kind] = _columns(data[kind], f"data.{kind}", header) if kind in data else None
    return dict(target=target, positive_label=data["positive_label"], **roles)


def _check_role_conflicts(roles: Mapping[str, Any], mitigation: Any) -> None:
    """Refuse role combinations that would fail late: in a stage, after the slow steps."""
    exclude = roles["exclude"]
    quasi_identifiers = roles["quasi_identifiers"]
    if exclude and quasi_identifiers and set(quasi_identifiers) <= set(exclude):
        raise _fail("data.exclude", list(exclude), "it excludes every quasi-identifier from the "
                                                   "model; the anonymization stage compares models "
                                                   "trained on the release, so keep at least one "
                                                   "quasi-identifier as a feature.")
    excluded_protected = [c for c in roles["protected"] if c in exclude]
    if excluded_protected and mitigation != "none":
        raise _fail("data.exclude", excluded_protected,
                    "the fairness stage's mitigation trains on the protected attribute(s) "
                    "listed; remove them from data.exclude, or set fairness.mitigation: none.")
    both = [c for c in roles["identifiers"] if c in roles["not_identifiers"]]
    if both:
        raise _fail("data.not_identifiers", both, "these columns are also in data.identifiers; "
                                                  "keep each in one list: identifiers are removed, "
                                                  "not_identifiers are kept as features.")


def _public_domain(privacy: Mapping[str, Any], header: list[str],
                   roles: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """``privacy.public_domain``, checked to cover every feature column (or None: none given)."""
    public_domain = privacy.get("public_domain")
    if public_domain is None:
        return None
    if not isinstance(public_domain, Mapping):
        raise _fail("privacy.public_domain", public_domain,
                    "give a mapping with 'numeric' (column: [low, high]) and/or 'categorical'.")
    # DP training needs every feature's range or categories from outside the data:
    # check now rather than after the slow steps.
    covered = {str(c) for part in ("numeric", "categorical")
               if isinstance(public_domain.get(part), Mapping) for c in public_domain[part]}
    uncovered = [c for c in header if c != roles["target"] and c not in roles["identifiers"]
                 and c not in roles["exclude"] and c not in covered]
    if uncovered:
        raise _fail("privacy.public_domain", sorted(covered),
                    f"it does not cover the feature column(s) {uncovered}; add each under "
                    "'numeric' ([low, high] from domain knowledge) or 'categorical' (the list "
                    "of possible values), or list it under data.exclude. Without "
                    "public_domain, bounds are taken from the data with a PrivacyLeakWarning.")
    return public_domain


def _privacy_settings(privacy: Mapping[str, Any], defaults: PipelineConfig) -> dict[str, Any]:
    epsilon = _number(privacy.get("epsilon", defaults.epsilon), "privacy.epsilon", low=0,
                      low_open=True, high_open=True, example=3.0)
    model_epsilon = _number(privacy.get("model_epsilon", min(defaults.model_epsilon, epsilon)),
                            "privacy.model_epsilon", low=0, high=epsilon, low_open=True,
                            example=f"{epsilon / 3:g} (at most privacy.epsilon)")
    return dict(
        epsilon=epsilon,
        model_epsilon=model_epsilon,
        delta=_number(privacy.get("delta", defaults.delta), "privacy.delta", low=0, high=1,
                      high_open=True, example=1e-6),
        private_model=_choice(privacy.get("model", defaults.private_model), "privacy.model",
                              PRIVATE_MODELS),
    )


def _stage_settings(sections: Mapping[str, Mapping[str, Any]],
                    defaults: PipelineConfig) -> dict[str, Any]:
    """The model, anonymization, fairness and explanation settings."""
    model, anonymization = sections["model"], sections["anonymization"]
    fairness, explain = sections["fairness"], sections["explain"]
    l_value, t_value = anonymization.get("l"), anonymization.get("t")
    return dict(
        model_kind=_choice(model.get("kind", defaults.model_kind), "model.kind", MODEL_KINDS),
        intended_use=str(model.get("intended_use") or "not stated in the config"),
        limitations=str(model.get("limitations") or "not stated in the config"),
        model_licence=str(model.get("licence") or "not stated in the config"),
        k=_number(anonymization.get("k", defaults.k), "anonymization.k", low=2, integer=True,
                  example=5),
        l=None if l_value is None else _number(l_value, "anonymization.l", low=2, integer=True,
                                               example=2),
        t=None if t_value is None else _number(t_value, "anonymization.t", low=0, high=1,
                                               low_open=True, example=0.2),
        method=_choice(anonymization.get("method", defaults.method), "anonymization.method",
                       ANONYMIZATION_METHODS),
        max_suppression=_number(anonymization.get("max_suppression", defaults.max_suppression),
                                "anonymization.max_suppression", low=0, high=1, high_open=True,
                                example=0.01),
        mitigation=_choice(fairness.get("mitigation", defaults.mitigation), "fairness.mitigation",
                           MITIGATIONS),
        constraint=_choice(fairness.get("constraint", defaults.constraint), "fairness.constraint",
                           FAIRNESS_CONSTRAINTS),
        explain_rows=_number(explain.get("rows", defaults.explain_rows), "explain.rows", low=1,
                             high=500, integer=True, example=20),
    )


def load_config(path: str | os.PathLike | None) -> PipelineConfig:
    """Read and validate a pipeline config file (``None``: the built-in Adult configuration).

    Parameters
    ----------
    path : path-like or None
        A YAML file shaped like :data:`EXAMPLE_CONFIG`.

    Returns
    -------
    PipelineConfig

    Raises
    ------
    ConfigError
        On the first invalid key, naming it, the value and the fix. The data
        file's header is read to check column names; nothing else is done.

    Examples
    --------
    >>> from govkit.pipeline import load_config
    >>> load_config(None).k
    10
    """
    if path is None:
        return PipelineConfig.adult()
    path = Path(path)
    raw = _read_settings(path)
    data = _section(raw, "data")
    files, header = _file_settings(data, path.parent)
    roles = _role_settings(data, header)
    sections = {name: _section(raw, name)
                for name in ("model", "anonymization", "privacy", "fairness", "explain")}
    defaults = PipelineConfig()
    privacy = _privacy_settings(sections["privacy"], defaults)
    _check_role_conflicts(roles, sections["fairness"].get("mitigation", defaults.mitigation))
    public_domain = _public_domain(sections["privacy"], header, roles)
    return PipelineConfig(
        name=str(raw.get("name") or path.stem),
        random_state=_number(raw.get("random_state", 0), "random_state", low=0, high=2**32 - 1,
                             integer=True, example=0),
        data_licence=str(data["licence"]) if data.get("licence") else None,
        min_group_size=_number(data.get("min_group_size", defaults.min_group_size),
                               "data.min_group_size", low=1, integer=True, example=30),
        test_size=_number(data.get("test_size", defaults.test_size), "data.test_size", low=0,
                          high=1, low_open=True, high_open=True, example=0.3),
        **files,
        **roles,
        **privacy,
        public_domain=public_domain,
        **_stage_settings(sections, defaults),
        source=path.name,
    )

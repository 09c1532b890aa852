"""The pipeline config fails fast, naming the key, the value and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from govkit.pipeline import EXAMPLE_CONFIG, ConfigError, PipelineConfig, load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "credit"


@pytest.fixture
def config_dir(tmp_path):
    shutil.copy(EXAMPLE / "credit.csv", tmp_path / "credit.csv")
    return tmp_path


def _write(folder: Path, settings: dict) -> Path:
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def _settings() -> dict:
    return yaml.safe_load((EXAMPLE / "config.yml").read_text())


def test_the_shipped_example_config_loads(config_dir):
    config = load_config(_write(config_dir, _settings()))
    assert config.target == "repaid" and config.positive_label == "yes"
    assert config.protected == ("sex", "nationality")
    assert config.identifiers == ("applicant_name", "email")
    assert config.k == 5 and config.epsilon == 3.0 and config.model_epsilon == 1.0
    assert config.data_path == (config_dir / "credit.csv").resolve()


def test_the_printed_template_is_valid_yaml_with_every_section():
    template = yaml.safe_load(EXAMPLE_CONFIG)
    assert set(template) >= {"data", "model", "anonymization", "privacy", "fairness", "explain"}


def test_no_config_means_the_bundled_adult():
    config = load_config(None)
    assert config == PipelineConfig.adult() and config.is_adult


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        (lambda s: s["data"].update(target="repayed"), "data.target", "did you mean 'repaid'"),
        (lambda s: s["data"].update(protected=["sex", "gender"]), "data.protected", "'gender'"),
        (lambda s: s["data"].update(quasi_identifiers=["age", "zip"]), "data.quasi_identifiers", "'zip'"),
        (lambda s: s["data"].update(path="missing.csv"), "data.path", "no such file"),
        (lambda s: s["data"].update(positive_label=True), "data.positive_label", "quote the label"),
        (lambda s: s["data"].pop("target"), "data.target", "required"),
        (lambda s: s["data"].update(protected=[]), "data.protected", "at least one column"),
        (lambda s: s["anonymization"].update(k=1), "anonymization.k", "outside [2, inf)"),
        (lambda s: s["anonymization"].update(k=2.5), "anonymization.k", "must be a whole number"),
        (lambda s: s["anonymization"].update(k="five"), "anonymization.k", "'five'"),
        (lambda s: s["anonymization"].update(method="arx"), "anonymization.method", "mondrian"),
        (lambda s: s["privacy"].update(epsilon=0), "privacy.epsilon", "(0, inf)"),
        (lambda s: s["privacy"].update(epsilon=-1), "privacy.epsilon", "-1"),
        (lambda s: s["privacy"].update(model_epsilon=5.0), "privacy.model_epsilon", "at most privacy.epsilon"),
        (lambda s: s["privacy"].update(delta=1.5), "privacy.delta", "1.5"),
        (lambda s: s["privacy"].update(model="dp_forest"), "privacy.model", "dp_ebm"),
        (lambda s: s["fairness"].update(mitigation="reweighing"), "fairness.mitigation", "threshold_optimizer"),
        (lambda s: s["model"].update(kind="svm"), "model.kind", "logistic_regression"),
        (lambda s: s["model"].update(colour="red"), "model.colour", "not a setting of 'model'"),
        (lambda s: s.update(anonymisation={"k": 5}), "anonymisation", "did you mean 'anonymization'"),
        (lambda s: s["explain"].update(rows=0), "explain.rows", "[1, 500]"),
    ],
)
def test_a_bad_config_names_the_key_the_value_and_the_fix(config_dir, change, key, fragment):
    settings = _settings()
    change(settings)
    with pytest.raises(ConfigError) as caught:
        load_config(_write(config_dir, settings))
    message = str(caught.value)
    assert key in message and fragment in message


def test_a_missing_config_file_says_how_to_get_one(tmp_path):
    with pytest.raises(ConfigError, match="--example-config"):
        load_config(tmp_path / "nope.yml")


def test_invalid_yaml_is_reported_as_such(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("data: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


def test_an_empty_data_file_is_refused_before_any_work(config_dir):
    (config_dir / "credit.csv").write_text("")
    with pytest.raises(ConfigError, match="data.path.*empty"):
        load_config(_write(config_dir, _settings()))


def test_a_public_domain_that_misses_a_feature_is_refused_before_any_work(config_dir):
    settings = _settings()
    del settings["privacy"]["public_domain"]["categorical"]["postcode"]
    with pytest.raises(ConfigError) as caught:
        load_config(_write(config_dir, settings))
    assert "privacy.public_domain" in str(caught.value) and "['postcode']" in str(caught.value)


def test_the_choices_are_the_stages_own_vocabularies(config_dir):
    from govkit.anonymization import ANONYMIZATION_METHODS
    from govkit.fairness import FAIRNESS_CONSTRAINTS, MITIGATIONS
    from govkit.models import MODEL_KINDS
    from govkit.privacy import PRIVATE_MODELS

    for section, key, options in (("model", "kind", MODEL_KINDS),
                                  ("anonymization", "method", ANONYMIZATION_METHODS),
                                  ("privacy", "model", PRIVATE_MODELS),
                                  ("fairness", "mitigation", MITIGATIONS),
                                  ("fairness", "constraint", FAIRNESS_CONSTRAINTS)):
        assert "one of " + ", ".join(options) in EXAMPLE_CONFIG
        for option in options:  # e.g. unawareness and grid_search, which the config once refused
            settings = _settings()
            settings[section][key] = option
            config = load_config(_write(config_dir, settings))
            assert option in config.as_dict().values()

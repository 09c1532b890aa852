"""The pipeline fits the reference model once: the utility comparison reuses it (at 1M rows a
second fit of the reference recipe costs minutes and gigabytes)."""

from __future__ import annotations

import govkit.pipeline._run as pipeline_run
from govkit.pipeline import load_config, run_pipeline

from .conftest import quick_settings, write_case


def test_the_utility_comparison_reuses_the_raw_data_model(tmp_path, monkeypatch):
    settings = quick_settings()
    settings["data"]["encoding"] = "gb18030"
    config = load_config(write_case(tmp_path / "data", settings=settings))
    seen = {}
    real = pipeline_run.compare_utility

    def spy(*args, reference_model=None, **kwargs):
        seen["reference_model"] = reference_model
        return real(*args, reference_model=reference_model, **kwargs)

    monkeypatch.setattr(pipeline_run, "compare_utility", spy)
    result = run_pipeline(config, tmp_path / "results", progress=False)
    assert result.verified
    assert seen["reference_model"] is not None
    assert hasattr(seen["reference_model"], "predict_proba")

"""The headless pipeline: every stage on the bundled data or an analyst's own CSV, from a config file.

Also :func:`ledger_to_review`, which notebook 05 uses to pick the ledger it
reviews: the notebooks' own, or (run alone) a pipeline run's.

Ledger records
--------------
``pipeline/configure``
    parameters: every setting of the run (:meth:`PipelineConfig.as_dict`;
    file names only, never folders).
``datasets/split`` (when a single CSV is split into train and test)
    parameters: ``test_size``, ``stratified_by``, ``random_state``; metrics:
    ``train_rows``, ``test_rows``, ``train_positive_rate``, ``test_positive_rate``.
``pipeline/check_data`` (before any work)
    parameters: ``min_group_size``; inputs: both splits' fingerprints; metrics:
    ``ok``, ``problems`` (count), ``notes`` (what was decided or noticed). A
    data problem stops the run right after this record.
``pipeline/model_features``
    parameters: ``model``, ``kind``, ``features`` (the data columns the fitted
    model takes as input, from its fitted preprocessor), ``not_used`` (declared
    features it does not use: also a ``DataQualityWarning``), ``excluded``
    (``data.exclude``), ``identifiers``; metrics: ``features_used``,
    ``features_declared``, ``encoded_columns``.
``pipeline/warnings``
    parameters: ``warnings`` (category and message of each govkit warning of
    the run); metrics: ``count``.
"""

from ._config import EXAMPLE_CONFIG, ConfigError, PipelineConfig, load_config
from ._review import LedgerToReview, ledger_to_review
from ._run import PipelineResult, failure_log_path, load_data, run_pipeline

__all__ = [
    "EXAMPLE_CONFIG",
    "ConfigError",
    "LedgerToReview",
    "PipelineConfig",
    "PipelineResult",
    "failure_log_path",
    "ledger_to_review",
    "load_config",
    "load_data",
    "run_pipeline",
]

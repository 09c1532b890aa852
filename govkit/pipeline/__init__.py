"""The headless pipeline: every stage on the bundled data or an analyst's own CSV, from a config file.

Ledger records
--------------
``pipeline/configure``
    parameters: every setting of the run (:meth:`PipelineConfig.as_dict`;
    file names only, never folders).
``datasets/split`` (when a single CSV is split into train and test)
    parameters: ``test_size``, ``stratified_by``, ``random_state``; metrics:
    ``train_rows``, ``test_rows``, ``train_positive_rate``, ``test_positive_rate``.
"""

from ._config import EXAMPLE_CONFIG, ConfigError, PipelineConfig, load_config
from ._run import OUTPUT_FILES, PipelineResult, run_pipeline

__all__ = [
    "EXAMPLE_CONFIG",
    "OUTPUT_FILES",
    "ConfigError",
    "PipelineConfig",
    "PipelineResult",
    "load_config",
    "run_pipeline",
]

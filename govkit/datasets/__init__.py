"""Load data with its column roles: UCI Adult (shipped) or an analyst's own CSV.

- :func:`load_adult`, :func:`from_csv` (encoding, separator and decimal mark
  detected and recorded), :func:`make_credit`, :class:`Dataset`.
- Before any work: :meth:`Dataset.profile`, :func:`check_data`, and the
  direct-identifier detector :func:`find_identifiers` /
  :func:`check_identifiers` (the anonymization stage refuses undeclared ones).
"""

from ._adult import ADULT_COLUMNS, adult_data_dir, load_adult
from ._csv import from_csv
from ._data_check import DataCheck, check_data
from ._dataset import Dataset
from ._header import read_header
from ._identifiers import add_synthetic_identifiers
from ._identifying import check_identifiers, find_identifiers
from ._provenance import record_load
from ._synthetic import CREDIT_POSTCODES, make_credit
from ._tour import group_summary, missing_summary, plot_group_summary, roles_table
from ._validation import as_frame, check_dataset

__all__ = [
    "CREDIT_POSTCODES",
    "ADULT_COLUMNS",
    "DataCheck",
    "Dataset",
    "add_synthetic_identifiers",
    "as_frame",
    "adult_data_dir",
    "check_data",
    "check_dataset",
    "check_identifiers",
    "find_identifiers",
    "from_csv",
    "group_summary",
    "load_adult",
    "make_credit",
    "missing_summary",
    "plot_group_summary",
    "read_header",
    "record_load",
    "roles_table",
]

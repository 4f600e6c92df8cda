"""Data: load the data package from the validator's parsed rows, validate it, and the review's rules.

* :mod:`analysis.data.validate` -- the validator behind ``python -m analysis validate``;
* :mod:`analysis.data.load` -- find the data folder and load its tables, validated, typed;
* :mod:`analysis.data.rules` -- the review's rules: which conditions form a chapter, what may be pooled.

The loading functions are re-exported here, so pages write ``from analysis.data import load_table``.
"""

from analysis.data.load import (
    DATA_DIR_ENV,
    READS_LOG_ENV,
    DataError,
    data_date,
    data_version,
    find_data_dir,
    load_table,
    record_read,
    validated_report,
)

__all__ = [
    "DATA_DIR_ENV",
    "READS_LOG_ENV",
    "DataError",
    "data_date",
    "data_version",
    "find_data_dir",
    "load_table",
    "record_read",
    "validated_report",
]

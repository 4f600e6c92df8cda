"""Find the data folder and load its tables as typed pandas DataFrames.

Every load validates the whole data package first (:func:`analysis.data.validate.validate_package`)
and refuses invalid data with the validator's own messages, so a book page can
never be built from data the validator rejects.

Every file read here is also logged for the book build (:mod:`analysis.tools.buildtools`):
when the environment variable ``KETAMINE_REVIEW_READS`` names a file, the absolute
path of each data file read is appended to it. That is how the build knows which
pages to re-execute when a data file changes.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.data.validate import DESCRIPTOR, Report, validate_package

READS_LOG_ENV = "KETAMINE_REVIEW_READS"
DATA_DIR_ENV = "KETAMINE_REVIEW_DATA"

# Table Schema type -> pandas dtype (nullable, so empty cells stay missing).
_DTYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string", "date": "string"}


class DataError(ValueError):
    """The data package is invalid; the message lists every problem as FILE:LINE: FIELD: why."""


def find_data_dir(start: str | Path | None = None) -> Path:
    """The data folder to use.

    In order: ``$KETAMINE_REVIEW_DATA``; else the nearest ``data/`` holding a
    ``datapackage.json`` in ``start`` (default: the working directory) or one of
    its parents. A notebook runs in ``book/``, so it finds the repository's ``data/``.
    """
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / DESCRIPTOR).is_file():
            return folder / "data"
    raise DataError(f"no data/{DESCRIPTOR} found in {here} or any folder above it; set {DATA_DIR_ENV}")


def record_read(path: Path) -> None:
    """Append a file read to the build's log of inputs (when the build asked for it)."""
    log = os.environ.get(READS_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{Path(path).resolve()}\n")


def _fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _validated(data_dir: Path, fingerprint: str) -> Report:
    report = validate_package(data_dir)
    if not report.ok:
        lines = "\n".join(str(p) for p in report.problems)
        raise DataError(f"the data in {data_dir} are invalid ({len(report.problems)} problems):\n{lines}")
    return report


def validated_report(data_dir: str | Path | None = None) -> Report:
    """Validate the package once per content (cached on a hash of every file)."""
    folder = Path(data_dir).resolve() if data_dir else find_data_dir()
    return _validated(folder, _fingerprint(folder))


def load_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load one resource of the data package (e.g. ``"outcomes"``) with the schema's types.

    Empty cells are missing values (``pd.NA``); integers are nullable ``Int64``.
    Raises :class:`DataError` if any file of the package is invalid.
    """
    folder = Path(data_dir).resolve() if data_dir else find_data_dir()
    fingerprint = _fingerprint(folder)
    report = _validated(folder, fingerprint)
    if name not in report.tables:
        raise DataError(f"{folder / DESCRIPTOR} has no resource named {name!r}; it has: {', '.join(report.tables)}")
    record_read(folder / DESCRIPTOR)
    record_read(folder / Path(report.tables[name].path).name)
    # A copy: callers may change their frame; the next caller gets the table as the data hold it.
    return _frame(folder, fingerprint, name).copy()


@lru_cache(maxsize=64)
def _frame(folder: Path, fingerprint: str, name: str) -> pd.DataFrame:
    """The typed frame of one resource, built once per content of the data folder."""
    table = _validated(folder, fingerprint).tables[name]
    # The validator has already read and parsed every row: build the frame from its rows (the raw
    # text of each cell) instead of reading the file a second time.
    columns = list(table.fields)
    frame = pd.DataFrame([[row.raw.get(c, "") for c in columns] for row in table.rows], columns=columns, dtype="string")
    frame = frame.fillna("")
    for column, spec in table.fields.items():
        values = frame[column].where(frame[column].str.strip() != "", pd.NA)  # empty or blank (the validator treats both as missing)
        kind = spec.get("type", "string")
        if kind in ("integer", "number"):
            values = pd.to_numeric(values)
        elif kind == "boolean":
            values = values.map({"true": True, "false": False}, na_action="ignore")
        frame[column] = values.astype(_DTYPES.get(kind, "string"))
    return frame


def data_version(data_dir: str | Path | None = None) -> str:
    """The data package's version number, as stated in ``datapackage.json``."""
    report = validated_report(data_dir)
    record_read(report.data_dir / DESCRIPTOR)
    return report.version or "unversioned"


def data_date(data_dir: str | Path | None = None) -> str:
    """The date of the data version (``created`` in ``datapackage.json``), as YYYY-MM-DD."""
    folder = Path(data_dir).resolve() if data_dir else find_data_dir()
    report = validated_report(folder)
    record_read(folder / DESCRIPTOR)
    created = report.descriptor.get("created")
    return str(created)[:10] if created else "undated"

"""The validator's rules against hostile or careless input (issue 14), one rule per test.

Each test breaks a private copy of the shipped data in one way, runs the validator in
process and checks the exact ``FILE:LINE: FIELD: message`` it reports.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from analysis.data.validate import Problem, validate_package

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the shipped data folder."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Replace one cell on a physical line (the shipped files have one record per line)."""
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([rows[0]]))
    record = next(csv.reader([rows[line - 1]]))
    record[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(record)
    rows[line - 1] = out.getvalue()
    path.write_text("".join(rows), encoding="utf-8")


def cell(path: Path, line: int, column: str) -> str:
    rows = path.read_text(encoding="utf-8").splitlines()
    return next(csv.reader([rows[line - 1]]))[next(csv.reader([rows[0]])).index(column)]


def reported(data: Path) -> list[str]:
    """Every problem as printed, with the file name relative to the data folder."""
    return [str(Problem(Path(p.file).relative_to(data).as_posix() if Path(p.file).is_relative_to(data) else p.file, p.line, p.field, p.message))
            for p in validate_package(data).problems]


# --------------------------------------------------------------------------
# Control characters and ANSI escapes are escaped in every message


def test_an_ansi_escape_in_a_bad_value_is_shown_escaped(data: Path):
    set_cell(data / "outcomes.csv", 2, "n", "\x1b[31m33")
    assert reported(data) == ["outcomes.csv:2: n: '\\x1b[31m33' is not an integer; write a whole number such as 12"]


def test_a_control_character_in_a_column_name_is_shown_escaped(data: Path):
    text = (data / "sof_questions.csv").read_text(encoding="utf-8")
    (data / "sof_questions.csv").write_text(text.replace("notes", "notes\x07\u202e", 1), encoding="utf-8")
    lines = reported(data)
    assert any(line.startswith("sof_questions.csv:1: notes\\x07\\u202e: unexpected column; the schema of ") for line in lines), lines
    assert all("\x07" not in line and "\u202e" not in line for line in lines)

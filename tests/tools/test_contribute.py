"""new-study: append-only template rows that cannot pass the validator until filled in.

Every test works on a private copy of the shipped data and adds only obviously
fictitious test studies to it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from contrib_helpers import edit_appended_rows, fill_study, read_lines

from analysis.data.validate import PLACEHOLDER, validate_package
from analysis.tools.contribute import NewStudyError, new_study

ROOT = Path(__file__).resolve().parents[2]
STUDY = "zz_fictitious2001"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_new_study_only_appends(data: Path):
    before = {p.name: read_lines(p) for p in data.glob("*.csv")}
    appended = new_study(STUDY, data)
    assert {a.path.name for a in appended} == {"studies.csv", "reports.csv", "outcomes.csv"}
    for path in data.glob("*.csv"):
        after = read_lines(path)
        old = before[path.name]
        assert after[: len(old)] == old, f"{path.name}: an existing line changed"
        grown = {a.path.name: a.count for a in appended}.get(path.name, 0)
        assert len(after) == len(old) + grown
    # the template rows start where new-study says
    outcomes = next(a for a in appended if a.path.name == "outcomes.csv")
    first = read_lines(data / "outcomes.csv")[outcomes.first_line - 1]
    assert first.startswith(f'{STUDY},"{PLACEHOLDER}: ')


def test_one_outcome_row_per_outcome_definition(data: Path):
    definitions = len(read_lines(data / "outcome_definitions.csv")) - 1
    appended = new_study(STUDY, data)
    assert next(a for a in appended if a.path.name == "outcomes.csv").count == definitions


def test_new_study_refuses_an_existing_or_malformed_id(data: Path):
    new_study(STUDY, data)
    before = snapshot(data)
    with pytest.raises(NewStudyError, match="already exists"):
        new_study(STUDY, data)
    with pytest.raises(NewStudyError, match="already exists"):
        new_study("correll2004", data)  # the shipped study
    with pytest.raises(NewStudyError, match="not a valid study_id"):
        new_study("Smith 2019", data)
    assert snapshot(data) == before


def test_new_study_command_line(data: Path):
    run = lambda *args: subprocess.run([sys.executable, "-m", "analysis", "new-study", *args], capture_output=True, text=True, cwd=ROOT)  # noqa: E731
    first = run(STUDY, "--data", str(data))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "studies.csv: line" in first.stdout and "outcomes.csv: lines" in first.stdout
    again = run(STUDY, "--data", str(data))
    assert again.returncode == 2
    assert "already exists" in again.stdout and "nothing was changed" in again.stdout


def test_placeholders_fail_with_precise_messages(data: Path):
    appended = new_study(STUDY, data)
    report = validate_package(data)
    assert not report.ok
    lines = {a.path.name: range(a.first_line, a.first_line + a.count) for a in appended}
    placeholder_problems = [p for p in report.problems if "placeholder not filled in" in p.message]
    # every problem is in the new rows: the existing data stay valid
    assert all(Path(p.file).name in lines and p.line in lines[Path(p.file).name] for p in report.problems)
    located = {(Path(p.file).name, p.line, p.field) for p in placeholder_problems}
    study_line = lines["studies.csv"][0]
    for field in ("label", "title", "year", "design", "condition", "population", "route", "comparator", "role",
                  "source_location", "source_quote", "source_kind", "status", "extractor", "verifier"):
        assert ("studies.csv", study_line, field) in located, field
    for line in lines["outcomes.csv"]:
        for field in ("arm", "timepoint", "population", "events", "n", "value_type", "source_kind", "status"):
            assert ("outcomes.csv", line, field) in located, (line, field)
    design = next(p for p in placeholder_problems if p.field == "design")
    assert "allowed: rct_parallel" in design.message  # says what to write, from the schema


def test_a_half_filled_study_does_not_pass(data: Path):
    appended = new_study(STUDY, data)
    fill_study(data, appended, 2001, {"complete_relief": (10, 20)})
    assert validate_package(data).ok
    # the same, with one placeholder left in one cell
    data2 = data.parent / "data2"
    shutil.copytree(ROOT / "data", data2)
    appended = new_study(STUDY, data2)
    fill_study(data2, appended, 2001, {"complete_relief": (10, 20)})
    studies = next(a for a in appended if a.path.name == "studies.csv")
    edit_appended_rows(data2 / "studies.csv", studies.first_line, lambda row: {**row, "comparator": "TODO: Comparator"})
    report = validate_package(data2)
    assert [(Path(p.file).name, p.line, p.field) for p in report.problems] == [("studies.csv", studies.first_line, "comparator")]


def test_every_mistake_of_a_submission_is_listed_at_once_and_nothing_is_rewritten(data: Path):
    original = {p.name: read_lines(p) for p in data.glob("*.csv")}
    appended = new_study(STUDY, data)
    fill_study(data, appended, 2001, {"complete_relief": (10, 20), "partial_relief": (3, 20)})
    at = {a.path.name: a.first_line for a in appended}
    # four mistakes in three files
    edit_appended_rows(data / "studies.csv", at["studies.csv"], lambda r: {**r, "design": "cohort", "year": "20x1"})
    edit_appended_rows(data / "reports.csv", at["reports.csv"], lambda r: {**r, "citation": "TODO: Full citation"})
    edit_appended_rows(data / "outcomes.csv", at["outcomes.csv"], lambda r: {**r, "events": "25"} if r["outcome_id"] == "complete_relief" else r)
    before = snapshot(data)
    result = subprocess.run([sys.executable, "-m", "analysis", "validate", str(data)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    out = result.stdout
    assert f"studies.csv:{at['studies.csv']}: design: 'cohort' is not an allowed value" in out
    assert f"studies.csv:{at['studies.csv']}: year: '20x1' is not an integer" in out
    assert f"reports.csv:{at['reports.csv']}: citation: placeholder not filled in" in out
    assert f"outcomes.csv:{at['outcomes.csv']}: events: 25 is greater than n (20)" in out
    assert "4 problem(s)" in out
    assert snapshot(data) == before  # validating wrote nothing
    for name, lines in original.items():  # and the existing rows are untouched
        assert read_lines(data / name)[: len(lines)] == lines

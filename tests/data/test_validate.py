"""The validator: one rule per test, on a copy of the shipped data with one mistake in it.

Each test breaks the copy the way a contributor might, runs the validator and checks
the exact FILE:LINE: FIELD it names. LINE is the physical line of the CSV, the
header being line 1.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from contrib_helpers import set_cell

from analysis.data.validate import Problem, validate_package

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(lines), encoding="utf-8")


def located(problems: list[Problem]) -> set[tuple[str, int, str]]:
    return {(Path(p.file).name, p.line, p.field) for p in problems}


def test_shipped_data_are_valid():
    report = validate_package(DATA)
    assert report.problems == []
    assert set(report.tables) >= {"studies", "outcomes", "reports", "outcome_definitions"}


def test_shipped_data_pass_frictionless_too():
    """Our schema is a standard Frictionless data package: the reference tool accepts it."""
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_duplicated_row(data: Path):
    rows = lines_of(data / "outcomes.csv")
    write_lines(data / "outcomes.csv", rows + [rows[1]])
    problems = validate_package(data).problems
    assert ("outcomes.csv", len(rows) + 1, "study_id, arm, outcome_id, timepoint, population") in located(problems)
    assert any("already on line 2" in p.message for p in problems)


def test_row_with_too_few_fields(data: Path):
    rows = lines_of(data / "outcomes.csv")
    rows[2] = ",".join(rows[2].split(",")[:5]) + "\n"
    write_lines(data / "outcomes.csv", rows)
    problems = validate_package(data).problems
    assert ("outcomes.csv", 3, "(row)") in located(problems)
    assert any("fields but the header has" in p.message for p in problems)


def test_missing_column(data: Path):
    import csv
    import io

    rows = list(csv.reader(io.StringIO((data / "outcomes.csv").read_text(encoding="utf-8"))))
    drop = rows[0].index("percent")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    (data / "outcomes.csv").write_text(out.getvalue(), encoding="utf-8")
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 1, "percent")}
    assert "missing column" in problems[0].message


def test_unexpected_column(data: Path):
    rows = lines_of(data / "studies.csv")
    write_lines(data / "studies.csv", [rows[0].rstrip("\n") + ",colour\n"] + [r.rstrip("\n") + ",\n" for r in rows[1:]])
    problems = validate_package(data).problems
    assert located(problems) == {("studies.csv", 1, "colour")}
    assert "unexpected column" in problems[0].message


def test_bytes_that_are_not_utf8(data: Path):
    raw = (data / "outcomes.csv").read_bytes().split(b"\n")
    raw[3] = raw[3].replace(b"after", b"apr\xe8s", 1)  # Latin-1 e-grave, as a spreadsheet might save it
    (data / "outcomes.csv").write_bytes(b"\n".join(raw))
    problems = validate_package(data).problems
    assert ("outcomes.csv", 4, "(file)") in located(problems)
    assert any("not UTF-8 (0xE8" in p.message for p in problems)


def test_text_in_a_numeric_field(data: Path):
    set_cell(data / "outcomes.csv", 2, "events", "twenty-five")
    problems = validate_package(data).problems
    assert ("outcomes.csv", 2, "events") in located(problems)
    assert any("'twenty-five' is not an integer" in p.message for p in problems)


def test_negative_count(data: Path):
    set_cell(data / "outcomes.csv", 3, "events", "-6")
    problems = validate_package(data).problems
    assert ("outcomes.csv", 3, "events") in located(problems)
    assert any("cannot be negative" in p.message for p in problems)


def test_events_greater_than_n(data: Path):
    set_cell(data / "outcomes.csv", 2, "events", "40")
    set_cell(data / "outcomes.csv", 2, "percent", "")
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 2, "events")}
    assert "40 is greater than n (33)" in problems[0].message


def test_outcome_whose_study_does_not_exist(data: Path):
    set_cell(data / "outcomes.csv", 4, "study_id", "smith2020")
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 4, "study_id")}
    assert "'smith2020' is not a study_id in" in problems[0].message


def test_percentage_inconsistent_with_counts(data: Path):
    set_cell(data / "outcomes.csv", 2, "percent", "80")
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 2, "percent")}
    assert "25/33 = 75.8%" in problems[0].message


def test_interval_that_excludes_its_estimate(data: Path):
    set_cell(data / "outcomes.csv", 2, "mean", "5")
    set_cell(data / "outcomes.csv", 2, "ci_low", "6")
    set_cell(data / "outcomes.csv", 2, "ci_high", "8")
    problems = validate_package(data).problems
    assert ("outcomes.csv", 2, "ci_low") in located(problems)


def test_value_not_in_the_allowed_list(data: Path):
    set_cell(data / "studies.csv", 2, "design", "RCT")
    problems = validate_package(data).problems
    assert located(problems) == {("studies.csv", 2, "design")}
    assert "allowed: rct_parallel" in problems[0].message


def test_required_value_missing(data: Path):
    set_cell(data / "outcomes.csv", 2, "source_quote", "")
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 2, "source_quote")}


def test_computed_value_needs_its_derivation(data: Path):
    set_cell(data / "outcomes.csv", 2, "derivation", "")
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 2, "derivation")}


def test_confirmed_value_must_come_from_the_primary_report(data: Path):
    set_cell(data / "outcomes.csv", 2, "status", "confirmed")  # but source_kind is still 'secondary'
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 2, "source_kind")}


def test_unknown_file(data: Path):
    (data / "notes.txt").write_text("scratch\n", encoding="utf-8")
    problems = validate_package(data).problems
    assert located(problems) == {("notes.txt", 1, "(file)")}


def test_quoted_value_spanning_lines_keeps_physical_line_numbers(data: Path):
    set_cell(data / "outcomes.csv", 2, "notes", "first line\nsecond line")  # record 1 now spans lines 2-3
    set_cell(data / "outcomes.csv", 5, "events", "x")  # the third record, on physical line 5
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 5, "events")}


def test_every_problem_is_reported_at_once(data: Path):
    set_cell(data / "outcomes.csv", 2, "events", "-1")
    set_cell(data / "outcomes.csv", 3, "n", "abc")
    set_cell(data / "studies.csv", 2, "year", "20o4")
    (data / "extra.csv").write_text("a\n", encoding="utf-8")
    found = located(validate_package(data).problems)
    assert {("outcomes.csv", 2, "events"), ("outcomes.csv", 3, "n"), ("studies.csv", 2, "year"), ("extra.csv", 1, "(file)")} <= found


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_validation_never_writes(data: Path):
    set_cell(data / "outcomes.csv", 2, "events", "40")
    raw = (data / "studies.csv").read_bytes().split(b"\n")
    raw[1] = raw[1] + b"\xff"
    (data / "studies.csv").write_bytes(b"\n".join(raw))
    before = tree_digest(data)
    assert validate_package(data).problems
    assert tree_digest(data) == before


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analysis", "validate", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_on_valid_data_prints_one_line_and_exits_0():
    result = run_cli("data")
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(result.stdout.strip().splitlines()) == 1
    assert "valid" in result.stdout


def test_cli_on_a_copied_folder_uses_the_schema_beside_the_data(data: Path):
    assert run_cli(str(data)).returncode == 0


def test_cli_lists_problems_as_file_line_field_and_exits_1(data: Path):
    set_cell(data / "outcomes.csv", 2, "events", "40")
    set_cell(data / "outcomes.csv", 2, "percent", "")
    result = run_cli(str(data))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{(data / 'outcomes.csv').as_posix()}:2: events: 40 is greater than n (33)")
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_on_a_folder_without_schema(tmp_path: Path):
    result = run_cli(str(tmp_path))
    assert result.returncode == 1
    assert "datapackage.json:1: (file): missing" in result.stdout


def test_claim_citing_a_study_that_does_not_exist(data: Path):
    lines = lines_of(data / "claims.csv")
    row = "src004_99,src004,section 'Evidence',\"33 patients, 76% complete relief\",efficacy,crps,33; 76%,correll2004;nobody1999,,,,tester,\n"
    write_lines(data / "claims.csv", lines + [row])
    problems = validate_package(data).problems
    assert located(problems) == {("claims.csv", len(lines) + 1, "cites")}
    assert "'nobody1999' is not a study_id" in problems[0].message


@pytest.mark.parametrize("value", ["=HYPERLINK(\"https://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_refused(data: Path, value: str):
    set_cell(data / "outcomes.csv", 2, "population", value)
    problems = validate_package(data).problems
    assert located(problems) == {("outcomes.csv", 2, "population")}
    assert "would run as a formula" in problems[0].message


@pytest.mark.parametrize("column, value", [("mean", "1e999"), ("events", "10000000000000000000000000"), ("percent", "inf")])
def test_infinite_or_absurd_numbers_are_refused(data: Path, column: str, value: str):
    set_cell(data / "outcomes.csv", 2, column, value)
    problems = [p for p in validate_package(data).problems if p.field == column]
    assert problems and problems[0].line == 2, [str(p) for p in validate_package(data).problems]


@pytest.mark.parametrize("blank", [" ", "\u00a0"])
def test_a_blank_optional_number_is_missing_for_the_validator_and_the_loader_alike(data: Path, blank: str):
    from analysis.data import load_table

    set_cell(data / "outcomes.csv", 2, "mean", blank)
    assert validate_package(data).ok
    frame = load_table("outcomes", data)
    assert frame["mean"].isna().iloc[0]

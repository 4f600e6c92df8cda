"""Helpers for the contributor tests: fill in new-study rows the way a contributor would.

Only obviously fictitious test studies are written, and only into temporary copies.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

# Values a contributor would type for a fictitious single-arm study (test data, not evidence).
FICTITIOUS_STUDY = {
    "label": "Fictitious Test {year}",
    "title": "FICTITIOUS TEST STUDY: not a real report",
    "year": "{year}",
    "design": "prospective_single_arm",
    "condition": "crps",
    "population": "Fictitious test patients",
    "route": "iv",
    "comparator": "none",
    "n_enrolled": "20",
    "role": "included",
    "source_location": "Table 1",
    "source_quote": "Fictitious test quote for a test study.",
    "source_kind": "primary",
    "status": "confirmed",
    "extractor": "test-extractor",
    "verifier": "test-verifier",
}
FICTITIOUS_REPORT = {"kind": "journal_article", "citation": "FICTITIOUS TEST REPORT {year}; not a real publication.", "year": "{year}"}
FICTITIOUS_OUTCOME = {
    "arm": "ketamine",
    "timepoint": "after first course",
    "population": "all patients treated",
    "value_type": "reported",
    "source_location": "Table 2",
    "source_quote": "Fictitious test quote for a test outcome.",
    "source_kind": "primary",
    "status": "confirmed",
    "extractor": "test-extractor",
    "verifier": "test-verifier",
}


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def edit_appended_rows(path: Path, first_line: int, edit) -> None:
    """Rewrite the rows from ``first_line`` on (the ones new-study appended) with ``edit(record) -> record | None``.

    Lines before ``first_line`` are written back byte for byte; a row for which
    ``edit`` returns None is deleted.
    """
    lines = read_lines(path)
    header = next(csv.reader([lines[0]]))
    kept, new = lines[: first_line - 1], lines[first_line - 1 :]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for record in csv.reader(io.StringIO("".join(new))):
        row = dict(zip(header, record))
        row = edit(row)
        if row is not None:
            writer.writerow([row[c] for c in header])
    path.write_text("".join(kept) + out.getvalue(), encoding="utf-8")


def fill_study(data: Path, appended, year: int, events: dict[str, tuple[int, int]]) -> None:
    """Fill in the rows new-study appended, as a contributor would.

    ``events`` maps an outcome_id to (events, n); outcome rows not in it are deleted,
    as CONTRIBUTING.md says to do for outcomes the report does not give.
    """
    by_file = {a.path.name: a for a in appended}

    def fill(values: dict[str, str]):
        def edit(row: dict[str, str]) -> dict[str, str]:
            for key, value in values.items():
                row[key] = value.format(year=year)
            for key, value in row.items():
                if value.startswith("TODO"):
                    row[key] = ""  # an optional cell the fictitious report does not give
            return row

        return edit

    edit_appended_rows(data / "studies.csv", by_file["studies.csv"].first_line, fill(FICTITIOUS_STUDY))
    edit_appended_rows(data / "reports.csv", by_file["reports.csv"].first_line, fill(FICTITIOUS_REPORT))

    def outcome(row: dict[str, str]) -> dict[str, str] | None:
        if row["outcome_id"] not in events:
            return None
        e, n = events[row["outcome_id"]]
        row = fill(FICTITIOUS_OUTCOME)(row)
        row.update(events=str(e), n=str(n))
        return row

    edit_appended_rows(data / "outcomes.csv", by_file["outcomes.csv"].first_line, outcome)


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Replace one cell on a physical line of a CSV file (the shipped files have one record per line)."""
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([rows[0]]))
    record = next(csv.reader([rows[line - 1]]))
    record[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(record)
    rows[line - 1] = out.getvalue()
    path.write_text("".join(rows), encoding="utf-8")

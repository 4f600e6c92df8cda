"""The validator's rules against hostile or careless input (issue 14), one rule per test.

Each test breaks a private copy of the shipped data in one way, runs the validator in
process and checks the exact ``FILE:LINE: FIELD: message`` it reports.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from contrib_helpers import set_cell

from analysis.data.validate import Problem, validate_package

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


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


# --------------------------------------------------------------------------
# Placeholders in any case

POPULATION = "Analysis population: which patients the denominator counts, e.g. 'all patients treated', 'completers', 'patients given a second course'"


@pytest.mark.parametrize("value, word", [("todo: who was treated", "todo"), ("Tbd", "Tbd"), ("all patients (fixme)", "fixme"), ("XXX", "XXX"),
                                         ("?", "?"), ("?? check", "??"), ("To-do: tbc", "tbc")])
def test_a_placeholder_in_any_case_is_refused(data: Path, value: str, word: str):
    set_cell(data / "outcomes.csv", 2, "population", value)
    assert reported(data) == [
        f"outcomes.csv:2: population: '{word}' is a placeholder; write {POPULATION}"
    ]


def test_the_templates_placeholder_keeps_its_message(data: Path):
    set_cell(data / "outcomes.csv", 2, "population", "TODO: who the denominator counts")
    assert reported(data) == [
        f"outcomes.csv:2: population: placeholder not filled in: write {POPULATION}"
    ]


@pytest.mark.parametrize("value", ["To do so, all patients", "mastodon", "photodocumented", "Is it? Yes", "XX"])
def test_words_that_merely_contain_a_placeholder_are_accepted(data: Path, value: str):
    set_cell(data / "outcomes.csv", 2, "population", value)
    assert reported(data) == []


# --------------------------------------------------------------------------
# Numbers written one way only; integers within 64 bits


@pytest.mark.parametrize("value, canonical", [("+25", "25"), ("025", "25"), ("0025", "25"), ("+0", "0"), ("-0", "0")])
def test_an_integer_with_a_sign_or_leading_zeros_is_refused(data: Path, value: str, canonical: str):
    set_cell(data / "outcomes.csv", 2, "events", value)
    assert reported(data)[0] == (
        f"outcomes.csv:2: events: '{value}' is not written plainly (no '+' sign, no leading zeros); write {canonical}"
    )


@pytest.mark.parametrize("value, canonical", [("+7.5", "7.5"), ("07.5", "7.5"), ("+0.5", "0.5")])
def test_a_number_with_a_sign_or_leading_zeros_is_refused(data: Path, value: str, canonical: str):
    set_cell(data / "outcomes.csv", 2, "mean", value)
    assert f"outcomes.csv:2: mean: '{value}' is not written plainly (no '+' sign, no leading zeros); write {canonical}" in reported(data)


@pytest.mark.parametrize("value", ["9223372036854775808", "-9223372036854775809", "1" + "0" * 40, "9" * 5000])
def test_an_integer_beyond_64_bits_is_refused_without_parsing_it(data: Path, value: str):
    set_cell(data / "outcomes.csv", 2, "events", value)
    shown = value if len(value) <= 100 else value[:100] + f"… ({len(value):,} characters)"
    assert reported(data) == [
        f"outcomes.csv:2: events: '{shown}' does not fit in a 64-bit integer (at most 9,223,372,036,854,775,807); check the number"
    ]


# --------------------------------------------------------------------------
# Keys: NFC, nothing invisible, compared ignoring case, spacing and invisible characters

KEY = "correll2004, ketamine, complete_relief, {}, all patients treated"


def append_copy_of_line_2(data: Path, timepoint: str) -> int:
    """Append outcomes.csv line 2 again with another time point; return the new line's number."""
    path = data / "outcomes.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(rows + [rows[1]]), encoding="utf-8")
    set_cell(path, len(rows) + 1, "timepoint", timepoint)
    return len(rows) + 1


@pytest.mark.parametrize("timepoint, shown", [("After First Course", "After First Course"), ("after  first course", "after  first course"),
                                              ("AFTER FIRST\u00a0COURSE", "AFTER FIRST\u00a0COURSE")])
def test_a_key_differing_only_by_case_or_spacing_is_a_duplicate_naming_both_lines(data: Path, timepoint: str, shown: str):
    line = append_copy_of_line_2(data, timepoint)
    assert reported(data) == [
        f"outcomes.csv:{line}: study_id, arm, outcome_id, timepoint, population: duplicate: ({KEY.format(shown)}) is already on line 2 "
        f"as ({KEY.format('after first course')}), the same once case, spacing and invisible characters are ignored; each row must be unique"
    ]


@pytest.mark.parametrize("char, name", [("\u200b", "U+200B ZERO WIDTH SPACE"), ("\u200d", "U+200D ZERO WIDTH JOINER"), ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
                                        ("\u00ad", "U+00AD SOFT HYPHEN"), ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
                                        ("\u200f", "U+200F RIGHT-TO-LEFT MARK")])
def test_a_duplicate_key_with_an_invisible_character_is_refused_twice(data: Path, char: str, name: str):
    timepoint = f"after first{char} course"
    line = append_copy_of_line_2(data, timepoint)
    code = ord(char)
    escaped = f"after first\\x{code:02x} course" if code <= 0xFF else f"after first\\u{code:04x} course"
    assert reported(data) == [
        f"outcomes.csv:{line}: study_id, arm, outcome_id, timepoint, population: duplicate: ({KEY.format(escaped)}) is already on line 2 "
        f"as ({KEY.format('after first course')}), the same once case, spacing and invisible characters are ignored; each row must be unique",
        f"outcomes.csv:{line}: timepoint: '{escaped}' contains a character that cannot be seen ({name}); delete it (retype the id in a plain text editor)",
    ]


def test_an_id_with_an_invisible_character_is_refused(data: Path):
    set_cell(data / "studies.csv", 2, "study_id", "correll\u200b2004")
    problems = reported(data)
    assert "studies.csv:2: study_id: 'correll\\u200b2004' contains a character that cannot be seen (U+200B ZERO WIDTH SPACE); " \
           "delete it (retype the id in a plain text editor)" in problems


def test_a_key_not_in_nfc_is_refused(data: Path):
    set_cell(data / "outcomes.csv", 2, "population", "all patients treate\u0301")
    assert reported(data) == [
        "outcomes.csv:2: population: 'all patients treate\u0301' is not in Unicode normal form NFC (a letter and its accent stored apart); "
        "retype it, or save the file NFC-normalised"
    ]


def test_the_same_key_in_nfc_and_decomposed_is_a_duplicate(data: Path):
    set_cell(data / "outcomes.csv", 2, "timepoint", "apr\u00e8s")
    line = append_copy_of_line_2(data, "apre\u0300s")
    decomposed, composed = KEY.format("apre\u0300s"), KEY.format("apr\u00e8s")
    assert f"outcomes.csv:{line}: study_id, arm, outcome_id, timepoint, population: duplicate: ({decomposed}) is already on line 2 " \
           f"as ({composed}), the same once case, spacing and invisible characters are ignored; each row must be unique" in reported(data)


# --------------------------------------------------------------------------
# Values within their outcome's scale


@pytest.mark.parametrize("column, value", [("mean", "15"), ("mean", "-3"), ("mean", "10.01"), ("ci_low", "-0.5"), ("ci_high", "11")])
def test_a_value_outside_its_outcomes_scale_is_refused(data: Path, column: str, value: str):
    set_cell(data / "outcomes.csv", 5, column, value)
    problems = [p for p in reported(data) if f": {column}: " in p]
    assert problems == [
        f"outcomes.csv:5: {column}: {float(value):g} is outside the scale of pain_intensity_nrs, 0 to 10 (outcome_definitions.csv line 4); "
        "check the value, or record it under the outcome whose scale it is on"
    ]


@pytest.mark.parametrize("value", ["0", "10", "9.99"])
def test_a_value_at_or_within_the_scales_ends_is_accepted(data: Path, value: str):
    set_cell(data / "outcomes.csv", 5, "mean", value)
    assert reported(data) == []


# --------------------------------------------------------------------------
# A quote or size problem is reported at the line where it starts

NEVER_CLOSED = ("a quoted value starts on this line and its closing quote never comes; "
                "add the closing quote (\") at the end of the value, and write a quote inside a value as two (\"\")")


def open_a_quote(path: Path, line: int) -> None:
    """Put a quote at the start of the second cell of a line, never closed there."""
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows[line - 1] = rows[line - 1].replace(",", ',"', 1)
    path.write_text("".join(rows), encoding="utf-8")


def test_an_unbalanced_quote_is_reported_where_it_opens_not_where_parsing_fails(data: Path):
    open_a_quote(data / "sof_questions.csv", 3)
    assert reported(data) == [
        "sof_questions.csv:3: (row): a quoted value starts on this line and is never closed (the next quote, on line 6, is followed by more text, "
        "so it cannot be the closing one); add the closing quote (\") at the end of the value, and write a quote inside a value as two (\"\")"
    ]


def test_a_quote_never_closed_before_the_end_of_the_file(data: Path):
    path = data / "prisma_flow.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines) + 'extra_field,1,"never closed\nand more text\n', encoding="utf-8")
    assert reported(data) == [f"prisma_flow.csv:{len(lines) + 1}: (row): {NEVER_CLOSED}"]


def test_a_quote_opened_in_a_large_file_is_not_reported_as_an_over_long_field(data: Path):
    path = data / "studies.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines) + 'new2024,"A title\n' + "that goes on, and on,\n" * 7000, encoding="utf-8")
    assert reported(data) == [f"studies.csv:{len(lines) + 1}: (row): {NEVER_CLOSED}"]


def test_an_over_long_value_is_reported_at_its_first_line(data: Path):
    path = data / "searches.csv"
    rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows[4] = rows[4].replace(",", ',"' + "x\n" * 70000 + '"', 1)
    path.write_text("".join(rows), encoding="utf-8")
    assert reported(data) == [
        "searches.csv:5: (row): a value that starts on this line is longer than 131,072 characters, more than any value of the review; "
        "if it is text, check for a quote that opens it and is never closed; otherwise shorten it"
    ]


def test_a_quote_problem_on_one_line_keeps_the_csv_modules_reason(data: Path):
    set_cell(data / "sof_questions.csv", 3, "notes", "PLACEHOLDERNOTE")
    path = data / "sof_questions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("PLACEHOLDERNOTE", '"a" b'), encoding="utf-8")
    assert reported(data) == ["sof_questions.csv:3: (row): the CSV cannot be parsed here: ',' expected after '\"'; check the quotes on this line"]


def test_a_table_cut_short_by_a_parse_error_does_not_flood_the_report_with_missing_references(data: Path):
    open_a_quote(data / "studies.csv", 3)
    assert reported(data) == ["studies.csv:3: (row): the CSV cannot be parsed here: ',' expected after '\"'; check the quotes on this line"]


# --------------------------------------------------------------------------
# No hidden or undeclared file anywhere under data/


@pytest.mark.parametrize("name", [".notes.csv", ".DS_Store", ".git/config", "sub/.x.csv", ".hidden/studies.csv"])
def test_a_hidden_file_in_the_data_folder_is_reported(data: Path, name: str):
    (data / name).parent.mkdir(parents=True, exist_ok=True)
    (data / name).write_text("a,b\n1,2\n", encoding="utf-8")
    assert reported(data) == [
        f"{name}:1: (file): hidden file (its name or folder starts with '.') in the data folder, where every file is data; "
        "remove it, or describe it in datapackage.json under a name without the '.'"
    ]


@pytest.mark.parametrize("name", ["extra.csv", "sub/studies.csv", "notes.txt"])
def test_an_undeclared_file_in_the_data_folder_is_reported(data: Path, name: str):
    (data / name).parent.mkdir(parents=True, exist_ok=True)
    (data / name).write_text("a,b\n1,2\n", encoding="utf-8")
    assert reported(data) == [f"{name}:1: (file): file is not described in datapackage.json; add it as a resource there, or remove it"]


# --------------------------------------------------------------------------
# BibTeX: parsed strictly, no duplicate keys, every key a report, every cited key present

SYNTAX_HINT = "check the braces, quotes and commas of the entry (each field is name = {value}, fields separated by commas, the entry closed by })"


def bib_lines(data: Path) -> list[str]:
    return (data / "references.bib").read_text(encoding="utf-8").splitlines(keepends=True)


def test_a_bibtex_entry_without_its_closing_brace_is_reported_with_its_line(data: Path):
    lines = bib_lines(data)
    assert lines[9] == "}\n" and lines[11].startswith("@article{schwartzman2009,")
    (data / "references.bib").write_text("".join(lines[:9] + lines[10:]), encoding="utf-8")
    assert reported(data) == [f"references.bib:11: (file): BibTeX syntax error (in the entry that starts on line 1): '}}' expected; {SYNTAX_HINT}"]


def test_a_bibtex_field_without_its_comma_is_reported_with_its_line(data: Path):
    lines = bib_lines(data)
    lines[1] = lines[1].rstrip(",\n") + "\n"
    (data / "references.bib").write_text("".join(lines), encoding="utf-8")
    assert reported(data) == [f"references.bib:3: (file): BibTeX syntax error (in the entry that starts on line 1): '}}' expected; {SYNTAX_HINT}"]


def test_a_bibtex_file_that_ends_inside_an_entry(data: Path):
    lines = bib_lines(data)
    (data / "references.bib").write_text("".join(lines) + "@misc{src000,\n  title = {unfinished\n", encoding="utf-8")
    problems = reported(data)
    assert problems == [
        f"references.bib:{len(lines) + 2}: (file): BibTeX syntax error (in the entry that starts on line {len(lines) + 1}): premature end of file; {SYNTAX_HINT}",
    ]


@pytest.mark.parametrize("key, note", [("correll2004", ""), ("Correll2004", " (as 'correll2004': BibTeX keys ignore case)")])
def test_a_duplicate_bibtex_key_is_reported_naming_both_lines(data: Path, key: str, note: str):
    lines = bib_lines(data)
    (data / "references.bib").write_text("".join(lines) + f"\n@misc{{{key},\n  title = {{Again}},\n  year = {{2004}}\n}}\n", encoding="utf-8")
    assert f"references.bib:{len(lines) + 2}: {key}: duplicate BibTeX key: '{key}' is already the key of the entry on line 1{note}; keep one entry per report" \
        in reported(data)


def test_a_bibtex_key_that_is_no_report_is_reported(data: Path):
    lines = bib_lines(data)
    (data / "references.bib").write_text("".join(lines) + "\n@misc{nobody1999,\n  title = {Nobody},\n  year = {1999}\n}\n", encoding="utf-8")
    assert reported(data) == [
        f"references.bib:{len(lines) + 2}: nobody1999: 'nobody1999' is not a report_id in reports.csv; each entry is keyed by the report_id of its report: "
        "correct the key, or add the report there first"
    ]


def test_a_key_cited_in_the_data_must_have_its_entry(data: Path):
    set_cell(data / "outcomes.csv", 2, "notes", "as in {cite:p}`correll2004,nobody1999`")
    assert reported(data) == [
        "outcomes.csv:2: notes: cites 'nobody1999', which has no entry in references.bib; add the entry (keyed by the report's report_id) or correct the key"
    ]


def test_a_key_cited_in_the_data_with_its_entry_is_accepted(data: Path):
    set_cell(data / "outcomes.csv", 2, "notes", "as in {cite}`correll2004`")
    assert reported(data) == []

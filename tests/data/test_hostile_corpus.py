"""A corpus of hostile and careless changes to the data (issue 14), each one change to a private copy of data/.

For each case the validator runs in process and the test checks either the exact
``FILE:LINE: FIELD: message`` it must report, or (text that is allowed, such as markup, which the
pages escape) that the data are accepted; and, for every case, that validation left every file
byte-identical. The classes: script and HTML in text fields, formula injection, values outside
their scale, non-finite and huge numbers, duplicates differing by case, spacing or an invisible
character, placeholders in any case, numbers written with a sign or leading zeros, BibTeX errors,
hidden and undeclared files, control characters and ANSI escapes, unbalanced quotes, over-long
values and a scale whose ends are reversed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.data.validate import Problem, validate_package

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

Change = Callable[[Path], None]


# --------------------------------------------------------------------------
# Changes


def set_cell(file: str, line: int, column: str, value: str, quote_all: bool = False) -> Change:
    """One cell replaced (quote_all: every cell of the line quoted, so that a carriage return stays inside its value)."""
    def change(data: Path) -> None:
        path = data / file
        rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        header = next(csv.reader([rows[0]]))
        record = next(csv.reader([rows[line - 1]]))
        record[header.index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerow(record)
        rows[line - 1] = out.getvalue()
        path.write_text("".join(rows), encoding="utf-8")
    return change


def duplicate_outcome(timepoint: str) -> Change:
    """outcomes.csv line 2 again, at the end (line 102), with another time point."""
    def change(data: Path) -> None:
        path = data / "outcomes.csv"
        rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(rows + [rows[1]]), encoding="utf-8")
        set_cell("outcomes.csv", len(rows) + 1, "timepoint", timepoint)(data)
    return change


def append(file: str, text: str) -> Change:
    def change(data: Path) -> None:
        with open(data / file, "a", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return change


def replace_line(file: str, line: int, old: str, new: str) -> Change:
    def change(data: Path) -> None:
        path = data / file
        rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert old in rows[line - 1]
        rows[line - 1] = rows[line - 1].replace(old, new, 1)
        path.write_text("".join(rows), encoding="utf-8")
    return change


def add_file(name: str) -> Change:
    def change(data: Path) -> None:
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text("a,b\n=HYPERLINK(\"https://evil.example\"),1\n", encoding="utf-8")
    return change


def n_lines(file: str) -> int:
    return len((DATA / file).read_text(encoding="utf-8").splitlines())


# --------------------------------------------------------------------------
# Expected messages

def formula(file: str, line: int, field: str, first: str) -> str:
    return (f"{file}:{line}: {field}: starts with '{first}', which a spreadsheet opening the published CSV would run as a formula; "
            "rephrase the start of the text (e.g. 'plus 25' or 'at least')")


POPULATION = "Analysis population: which patients the denominator counts, e.g. 'all patients treated', 'completers', 'patients given a second course'"
KEY = "correll2004, ketamine, complete_relief, {}, all patients treated"
DUPLICATE = ("outcomes.csv:102: study_id, arm, outcome_id, timepoint, population: duplicate: ({}) is already on line 2 as ({}), "
             "the same once case, spacing and invisible characters are ignored; each row must be unique")
SYNTAX_HINT = "check the braces, quotes and commas of the entry (each field is name = {value}, fields separated by commas, the entry closed by })"
NEVER_CLOSED = ("a quoted value starts on this line and its closing quote never comes; "
                "add the closing quote (\") at the end of the value, and write a quote inside a value as two (\"\")")
BIB = n_lines("references.bib")


def scale(column: str, value: str) -> str:
    return (f"outcomes.csv:5: {column}: {float(value):g} is outside the scale of pain_intensity_nrs, 0 to 10 (outcome_definitions.csv line 4); "
            "check the value, or record it under the outcome whose scale it is on")


def not_plain(field: str, value: str, canonical: str, line: int = 2) -> str:
    return f"outcomes.csv:{line}: {field}: '{value}' is not written plainly (no '+' sign, no leading zeros); write {canonical}"


def escaped(char: str) -> str:
    return f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"


CASES: list[tuple[str, Change, str | None]] = []

# Script, HTML and Markdown in text fields: accepted as text (the pages escape it; tests/pages check the rendering).
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=\"https://evil.example\"></iframe>",
          "[click](javascript:alert(1))", "a\n# Fake heading\n[link](https://evil.example)", "**bold** _it_ `code`",
          "<a href=\"https://evil.example\">x</a>", "{glue:text}`label`", "$\\cmd$ and $x^2$", "&lt;script&gt; &amp;", "<svg onload=alert(1)>"]
for i, text in enumerate(MARKUP):
    CASES.append((f"markup-outcomes-notes-{i}", set_cell("outcomes.csv", 2, "notes", text), None))
for i, (file, column) in enumerate([("reports.csv", "citation"), ("reports.csv", "file"), ("sof_questions.csv", "title"), ("sof_questions.csv", "population"),
                                    ("certainty_ratings.csv", "risk_of_bias_reason"), ("studies.csv", "population"), ("studies.csv", "title"),
                                    ("claims.csv", "notes"), ("facts.csv", "statement")]):
    CASES.append((f"markup-{file}-{column}", set_cell(file, 2, column, MARKUP[i % len(MARKUP)]), None))

# Formula injection (OWASP CSV injection), in several text fields; tab or carriage return first.
for file, column in [("outcomes.csv", "population"), ("reports.csv", "citation"), ("studies.csv", "title"), ("sof_questions.csv", "title"),
                     ("certainty_ratings.csv", "start_reason"), ("claims.csv", "notes")]:
    for value in ["=HYPERLINK(\"https://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)"]:
        CASES.append((f"formula-{file}-{column}-{value[0]}", set_cell(file, 2, column, value), formula(file, 2, column, value[0])))
CASES.append(("formula-minus", set_cell("outcomes.csv", 2, "population", "-2+3"), formula("outcomes.csv", 2, "population", "-")))
for char in ["\t", "\r"]:
    CASES.append((f"formula-leading-{escaped(char)}", set_cell("outcomes.csv", 2, "population", f"{char}=1+1", quote_all=True),
                  f"outcomes.csv:2: population: '{escaped(char)}=1+1' has spaces at its start or end; remove them"))

# Values outside their outcome's scale (0-10 NRS).
for column, value in [("mean", "15"), ("mean", "-3"), ("mean", "10.5"), ("ci_low", "-1"), ("ci_high", "12")]:
    CASES.append((f"scale-{column}-{value}", set_cell("outcomes.csv", 5, column, value), scale(column, value)))
CASES.append(("scale-at-its-ends", set_cell("outcomes.csv", 5, "mean", "10"), None))

# Non-finite and huge numbers.
CASES += [
    ("nonfinite-1e999", set_cell("outcomes.csv", 5, "mean", "1e999"),
     "outcomes.csv:5: mean: '1e999' is not a usable number (infinite, or more than 1,000,000,000); write the value as the report gives it"),
    ("nonfinite-inf", set_cell("outcomes.csv", 5, "mean", "inf"),
     "outcomes.csv:5: mean: 'inf' is not a number; write digits with a decimal point, e.g. 7.5 (no units, no % sign, no comma)"),
    ("nonfinite-nan", set_cell("outcomes.csv", 5, "se", "NaN"),
     "outcomes.csv:5: se: 'NaN' is not a number; write digits with a decimal point, e.g. 7.5 (no units, no % sign, no comma)"),
    ("nonfinite-minus-1e400", set_cell("outcomes.csv", 5, "mean", "-1e400"),
     "outcomes.csv:5: mean: '-1e400' is not a usable number (infinite, or more than 1,000,000,000); write the value as the report gives it"),
    ("huge-count", set_cell("outcomes.csv", 2, "events", "10000000000"),
     "outcomes.csv:2: events: '10000000000' is far larger than any study (more than 1,000,000,000); check the number"),
    ("huge-int64", set_cell("outcomes.csv", 2, "events", "9223372036854775808"),
     "outcomes.csv:2: events: '9223372036854775808' does not fit in a 64-bit integer (at most 9,223,372,036,854,775,807); check the number"),
    ("huge-10e25", set_cell("outcomes.csv", 2, "n", "10000000000000000000000000"),
     "outcomes.csv:2: n: '10000000000000000000000000' does not fit in a 64-bit integer (at most 9,223,372,036,854,775,807); check the number"),
    ("huge-5000-digits", set_cell("searches.csv", 2, "records", "9" * 5000),
     f"searches.csv:2: records: '{'9' * 100}… (5,000 characters)' does not fit in a 64-bit integer (at most 9,223,372,036,854,775,807); check the number"),
]

# Duplicates differing by case, spacing or an invisible character.
for timepoint in ["After First Course", "AFTER FIRST COURSE", "after  first course", "after first\u00a0course"]:
    CASES.append((f"duplicate-{timepoint}", duplicate_outcome(timepoint), DUPLICATE.format(KEY.format(timepoint), KEY.format("after first course"))))
for char in ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u2066", "\u200e"]:
    CASES.append((f"duplicate-invisible-{escaped(char)}", duplicate_outcome(f"after first{char} course"),
                  DUPLICATE.format(KEY.format(f"after first{escaped(char)} course"), KEY.format("after first course"))))
CASES.append(("id-invisible", set_cell("outcomes.csv", 2, "population", "all patients\u200b treated"),
              "outcomes.csv:2: population: 'all patients\\u200b treated' contains a character that cannot be seen (U+200B ZERO WIDTH SPACE); "
              "delete it (retype the id in a plain text editor)"))
CASES.append(("id-not-nfc", set_cell("outcomes.csv", 2, "population", "all patients treate\u0301"),
              "outcomes.csv:2: population: 'all patients treate\u0301' is not in Unicode normal form NFC (a letter and its accent stored apart); "
              "retype it, or save the file NFC-normalised"))

# Placeholders in any case.
for value, word in [("todo", "todo"), ("todo: who", "todo"), ("Todo", "Todo"), ("tbd", "tbd"), ("TBD", "TBD"), ("xxx", "xxx"), ("XXXX", "XXXX"),
                    ("fixme", "fixme"), ("FixMe later", "FixMe"), ("?", "?"), ("???", "???"), ("patients (tbc)", "tbc")]:
    CASES.append((f"placeholder-{value}", set_cell("outcomes.csv", 2, "population", value),
                  f"outcomes.csv:2: population: '{word}' is a placeholder; write {POPULATION}"))
CASES.append(("placeholder-template", set_cell("outcomes.csv", 2, "population", "TODO: who"),
              f"outcomes.csv:2: population: placeholder not filled in: write {POPULATION}"))
CASES.append(("placeholder-not-a-word", set_cell("outcomes.csv", 2, "population", "photodocumented; to do so"), None))

# Numbers written with a sign or leading zeros.
for value, canonical in [("+25", "25"), ("025", "25"), ("00", "0"), ("+0", "0"), ("-0", "0")]:
    CASES.append((f"canonical-int-{value}", set_cell("outcomes.csv", 2, "events", value), not_plain("events", value, canonical)))
for value, canonical in [("+2.68", "2.68"), ("02.68", "2.68")]:
    CASES.append((f"canonical-number-{value}", set_cell("outcomes.csv", 5, "mean", value), not_plain("mean", value, canonical, 5)))

# BibTeX.
CASES += [
    ("bib-missing-brace", replace_line("references.bib", 10, "}", ""),
     f"references.bib:12: (file): BibTeX syntax error (in the entry that starts on line 1): '}}' expected; {SYNTAX_HINT}"),
    ("bib-missing-comma", replace_line("references.bib", 2, "},", "}"),
     f"references.bib:3: (file): BibTeX syntax error (in the entry that starts on line 1): '}}' expected; {SYNTAX_HINT}"),
    ("bib-unterminated", append("references.bib", "@misc{src000,\n  title = {unfinished\n"),
     f"references.bib:{BIB + 2}: (file): BibTeX syntax error (in the entry that starts on line {BIB + 1}): premature end of file; {SYNTAX_HINT}"),
    ("bib-duplicate", append("references.bib", "\n@misc{correll2004,\n  title = {Again},\n  year = {2004}\n}\n"),
     f"references.bib:{BIB + 2}: correll2004: duplicate BibTeX key: 'correll2004' is already the key of the entry on line 1; keep one entry per report"),
    ("bib-duplicate-case", append("references.bib", "\n@misc{CORRELL2004,\n  title = {Again},\n  year = {2004}\n}\n"),
     f"references.bib:{BIB + 2}: CORRELL2004: duplicate BibTeX key: 'CORRELL2004' is already the key of the entry on line 1 "
     "(as 'correll2004': BibTeX keys ignore case); keep one entry per report"),
    ("bib-unknown-key", append("references.bib", "\n@misc{nobody1999,\n  title = {Nobody},\n  year = {1999}\n}\n"),
     f"references.bib:{BIB + 2}: nobody1999: 'nobody1999' is not a report_id in reports.csv; each entry is keyed by the report_id of its report: "
     "correct the key, or add the report there first"),
    ("bib-cited-missing", set_cell("outcomes.csv", 2, "notes", "see {cite}`nobody1999`"),
     "outcomes.csv:2: notes: cites 'nobody1999', which has no entry in references.bib; add the entry (keyed by the report's report_id) or correct the key"),
]

# Hidden and undeclared files.
HIDDEN = ("hidden file (its name or folder starts with '.') in the data folder, where every file is data; "
          "remove it, or describe it in datapackage.json under a name without the '.'")
for name in [".notes.csv", ".DS_Store", "sub/.x.csv", ".git/config"]:
    CASES.append((f"hidden-{name}", add_file(name), f"{name}:1: (file): {HIDDEN}"))
for name in ["extra.csv", "notes.txt"]:
    CASES.append((f"undeclared-{name}", add_file(name), f"{name}:1: (file): file is not described in datapackage.json; add it as a resource there, or remove it"))

# Control characters and ANSI escapes are shown escaped.
CASES += [
    ("control-ansi-integer", set_cell("outcomes.csv", 2, "n", "\x1b[31m33"), "outcomes.csv:2: n: '\\x1b[31m33' is not an integer; write a whole number such as 12"),
    ("control-clear-screen", set_cell("outcomes.csv", 5, "mean", "\x1b[2J2"),
     "outcomes.csv:5: mean: '\\x1b[2J2' is not a number; write digits with a decimal point, e.g. 7.5 (no units, no % sign, no comma)"),
    ("control-bell", set_cell("studies.csv", 2, "year", "20\x0704"), "studies.csv:2: year: '20\\x0704' is not an integer; write a whole number such as 12"),
    ("control-bidi", set_cell("outcomes.csv", 2, "events", "\u202e52"), "outcomes.csv:2: events: '\\u202e52' is not an integer; write a whole number such as 12"),
    ("control-date", set_cell("searches.csv", 2, "date", "2026-01-0\x1b1"), "searches.csv:2: date: '2026-01-0\\x1b1' is not a date; write YYYY-MM-DD"),
]

# Unbalanced quotes and over-long values.
CASES += [
    ("quote-unbalanced", replace_line("sof_questions.csv", 3, ",", ',"'),
     "sof_questions.csv:3: (row): a quoted value starts on this line and is never closed (the next quote, on line 6, is followed by more text, "
     "so it cannot be the closing one); add the closing quote (\") at the end of the value, and write a quote inside a value as two (\"\")"),
    ("quote-never-closed", append("prisma_flow.csv", 'extra_field,1,"never closed\nmore\n'), f"prisma_flow.csv:{n_lines('prisma_flow.csv') + 1}: (row): {NEVER_CLOSED}"),
    ("quote-never-closed-large", append("studies.csv", 'new2024,"A title\n' + "on, and on,\n" * 12000), f"studies.csv:{n_lines('studies.csv') + 1}: (row): {NEVER_CLOSED}"),
    ("field-over-long", replace_line("searches.csv", 5, ",", ',"' + "x\n" * 70000 + '"'),
     "searches.csv:5: (row): a value that starts on this line is longer than 131,072 characters, more than any value of the review; "
     "if it is text, check for a quote that opens it and is never closed; otherwise shorten it"),
]

# A scale whose ends are reversed.
CASES += [
    ("bad-scale-reversed", set_cell("outcome_definitions.csv", 4, "scale_min", "11"),
     "outcome_definitions.csv:4: scale_min: 11 is greater than scale_max (10). The scale's minimum cannot exceed its maximum."),
    ("bad-scale-text", set_cell("outcome_definitions.csv", 4, "scale_max", "ten"),
     "outcome_definitions.csv:4: scale_max: 'ten' is not a number; write digits with a decimal point, e.g. 7.5 (no units, no % sign, no comma)"),
]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_corpus_is_large_and_its_cases_distinct():
    assert len(CASES) >= 100
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("change, expected", [pytest.param(c, e, id=n) for n, c, e in CASES])
def test_hostile_change(tmp_path: Path, change: Change, expected: str | None):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    change(data)
    before = digest(data)
    problems = validate_package(data).problems
    shown = [str(Problem(Path(p.file).relative_to(data).as_posix() if Path(p.file).is_relative_to(data) else p.file, p.line, p.field, p.message))
             for p in problems]
    if expected is None:
        assert shown == [], "accepted text was refused"
    else:
        assert expected in shown, shown[:5]
        location = expected.split(": ", 1)[0]
        assert all(s.split(": ", 1)[0] == location for s in shown), f"problems reported elsewhere than {location}: {shown[:5]}"
    assert digest(data) == before, "the validator changed a file"

"""Validate the data package: every problem, at once, as ``FILE:LINE: FIELD: message``.

The schema lives with the data, in ``datapackage.json`` (a Frictionless Data
Package with Table Schemas). This module enforces it the way a contributor
needs to read it:

* LINE is the *physical* line of the CSV file, the header being line 1 (a quoted
  value that spans lines counts every line), so an editor can jump to it;
* every problem in every file is reported in one run, sorted by file and line;
* the data are only ever read (``open(..., "rb")``): nothing is rewritten.

Each rule is one small function named for what it checks (``check_encoding``,
``check_columns``, ``check_cell``, ``check_unique_keys``, ``check_foreign_keys``,
``check_list_foreign_keys`` for ``x-listForeignKeys`` and the cross-field rules
of ``x-checks``).

Table Schema cannot express rules across fields (events <= n, a reported
percentage that must agree with events/n, ci_low <= mean <= ci_high); each
resource's schema lists them under the custom property ``x-checks``, and
:data:`CROSS_FIELD_CHECKS` implements them.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DESCRIPTOR = "datapackage.json"
WHOLE_FILE = "(file)"
WHOLE_ROW = "(row)"
# A cell that starts with this marker is a placeholder left by ``python -m analysis
# new-study``; it is always an error, so a half-filled submission cannot pass.
PLACEHOLDER = "TODO"
# The data version: MAJOR.MINOR.PATCH (the datapackage's "version").
VERSION_PATTERN = r"^[0-9]+\.[0-9]+\.[0-9]+$"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located to a file, line and field."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        # A file or column name, too, comes from the contributor: nothing raw reaches the terminal.
        return f"{echo(self.file, UNLIMITED)}:{self.line}: {echo(self.field, UNLIMITED)}: {echo(self.message, UNLIMITED)}"


@dataclass
class Row:
    """A data row: its physical line, raw text values and parsed values."""

    line: int
    raw: dict[str, str]
    value: dict[str, Any] = field(default_factory=dict)


@dataclass
class Table:
    """A CSV resource as read for validation."""

    name: str
    path: str
    schema: dict[str, Any]
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    complete: bool = True  # False when the CSV could not be read to its end (rows are missing)

    @property
    def fields(self) -> dict[str, dict[str, Any]]:
        return {f["name"]: f for f in self.schema.get("fields", [])}


@dataclass
class Report:
    """The outcome of validating a data folder."""

    data_dir: Path
    problems: list[Problem]
    tables: dict[str, Table]
    version: str | None = None
    descriptor: dict[str, Any] = field(default_factory=dict)  # the parsed datapackage.json (the one parse of it)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for valid data: what was checked."""
        counts = ", ".join(f"{t.name} {len(t.rows)}" for t in self.tables.values())
        total = sum(len(t.rows) for t in self.tables.values())
        version = f" (data version {self.version})" if self.version else ""
        return (
            f"{self.data_dir}: valid{version}: {len(self.tables)} tables, {total} rows "
            f"({counts}); schema {DESCRIPTOR}"
        )


# --------------------------------------------------------------------------
# Showing a value in a message

# Longest part of a value echoed in a message (a longer value is cut, with its length stated).
ECHO_LIMIT = 100
UNLIMITED = 1 << 62


def echo(value: Any, limit: int = ECHO_LIMIT) -> str:
    """A value as a message may show it: every control, format (invisible, bidirectional) or
    line-breaking character written as an escape (``\\x1b``, ``\\u200b``), never raw, so a bad value
    cannot colour, move or hide the text of the report; a long value is cut to ``limit`` characters.

    Every message that echoes a value from the data goes through this function.
    """
    text = str(value)
    cut = len(text) > limit
    out = []
    for char in text[:limit] if cut else text:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out) + (f"… ({len(text):,} characters)" if cut else "")


# --------------------------------------------------------------------------
# Reading


def read_descriptor(data_dir: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Load ``datapackage.json``; a missing or malformed descriptor is a problem."""
    path = data_dir / DESCRIPTOR
    shown = path.as_posix()
    if not path.is_file():
        return None, [Problem(shown, 1, WHOLE_FILE, f"missing: {data_dir} has no {DESCRIPTOR}, so there is no schema to check the data against")]
    raw = path.read_bytes()
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, line, WHOLE_FILE, "bytes that are not UTF-8; save the file as UTF-8")]
    except json.JSONDecodeError as exc:
        return None, [Problem(shown, exc.lineno, WHOLE_FILE, f"not valid JSON: {exc.msg} (column {exc.colno})")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [Problem(shown, 1, "resources", "the descriptor must be a JSON object with a list of 'resources'")]
    return descriptor, []


def check_encoding(name: str, raw: bytes) -> tuple[str, list[Problem]]:
    """Decode UTF-8 (a leading byte-order mark is allowed), reporting each line with bad bytes.

    Returns the text with bad bytes replaced, so the rest of the file can still be checked.
    """
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for number, line in enumerate(raw.split(b"\n"), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = line[exc.start : exc.start + 1].hex().upper()
            problems.append(
                Problem(name, number, WHOLE_FILE, f"bytes that are not UTF-8 (0x{bad} at byte {exc.start + 1} of the line); save the file as UTF-8")
            )
    return raw.decode("utf-8", errors="replace"), problems


# The longest value a CSV cell may hold (the csv module's default limit, set here so that no other
# library that raises the process-wide limit changes what the validator accepts).
FIELD_SIZE_LIMIT = 131072


def parse_csv(name: str, text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Split CSV text into a header and rows, each row with its first physical line."""
    previous_limit = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        return _parse_csv(name, text)
    finally:
        csv.field_size_limit(previous_limit)


def _parse_csv(name: str, text: str) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not header and start == 1:
                header = record
                continue
            rows.append((start, record))
    except csv.Error as exc:
        located = locate_csv_error(text, previous_end + 1, FIELD_SIZE_LIMIT)
        if located:
            problems.append(Problem(name, located[0], WHOLE_ROW, located[1]))
        else:
            problems.append(Problem(name, reader.line_num, WHOLE_ROW, f"the CSV cannot be parsed here: {echo(exc)}; check the quotes on this line"))
    if not header:
        problems.append(Problem(name, 1, WHOLE_FILE, "the file is empty; it needs at least the header line"))
    return header, rows, problems


def locate_csv_error(text: str, start_line: int, limit: int) -> tuple[int, str] | None:
    """Where a CSV record that cannot be parsed goes wrong, as (line, message), with the line where the
    trouble *starts*: the opening quote of a quoted value that is never closed, or the first line of a
    value longer than ``limit`` characters. None when the record's own line is the right place to report.

    Reads the record as the ``csv`` module does (a value that starts with a quote runs to the next quote
    that is not doubled; a quote inside an unquoted value is text), from the record's first line.
    """
    i = sum(len(line) + 1 for line in text.split("\n")[: start_line - 1])
    line, end = start_line, len(text)
    while i < end:
        field_line, length = line, 0
        if text[i] == '"':
            i += 1
            while True:
                if i >= end:  # (however long the value has grown: the missing quote is the cause)
                    return field_line, ("a quoted value starts on this line and its closing quote never comes; "
                                        "add the closing quote (\") at the end of the value, and write a quote inside a value as two (\"\")")
                if text[i] == '"':
                    if text[i + 1 : i + 2] == '"':
                        i, length = i + 2, length + 1
                        continue
                    i += 1
                    if length > limit:
                        return field_line, too_long_message(limit)
                    if i < end and text[i] not in ",\r\n":
                        if field_line == line:
                            return None  # the quote trouble is on one line, the line the csv module names
                        return field_line, (f"a quoted value starts on this line and is never closed (the next quote, on line {line}, "
                                            "is followed by more text, so it cannot be the closing one); add the closing quote (\") at the end "
                                            "of the value, and write a quote inside a value as two (\"\")")
                    break
                if text[i] == "\n":
                    line += 1
                i, length = i + 1, length + 1
        else:
            while i < end and text[i] not in ",\r\n":
                i, length = i + 1, length + 1
                if length > limit:
                    return field_line, too_long_message(limit)
        if i < end and text[i] == ",":
            i += 1
            continue
        if text[i : i + 2] == "\r\n":
            i += 1
        if i < end and text[i] == "\n":
            line += 1
        i += 1
    return None


def too_long_message(limit: int) -> str:
    return (f"a value that starts on this line is longer than {limit:,} characters, more than any value of the review; "
            "if it is text, check for a quote that opens it and is never closed; otherwise shorten it")


# --------------------------------------------------------------------------
# Column and cell rules


def check_columns(table: Table) -> list[Problem]:
    """Every column of the schema present, once; no column the schema does not describe."""
    problems: list[Problem] = []
    expected = list(table.fields)
    seen: set[str] = set()
    for column in table.header:
        if column in seen:
            problems.append(Problem(table.path, 1, column, "column appears twice in the header; keep one"))
        seen.add(column)
        if column not in table.fields:
            problems.append(
                Problem(table.path, 1, column or "(empty)", f"unexpected column; the schema of {table.path} allows: {', '.join(expected)}")
            )
    for column in expected:
        if column not in seen:
            problems.append(Problem(table.path, 1, column, "missing column; add it to the header (values may be empty unless required)"))
    return problems


_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


# A number above this is no count or measurement of a study (and would not survive conversion to a float).
MAX_COUNT = 10**9
# Text cells may not start with these: spreadsheets run such cells as formulas (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@")


# Signed 64-bit integers: what a data frame column (Int64) can hold.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def check_int64(text: str) -> str | None:
    """An integer a 64-bit column can hold (checked on the digits, before Python parses them)."""
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 19 or not INT64_MIN <= int(text) <= INT64_MAX:
        return f"'{echo(text)}' does not fit in a 64-bit integer (at most {INT64_MAX:,}); check the number"
    return None


def check_canonical_number(kind: str, text: str) -> str | None:
    """Numbers written one way only: no '+' sign and no leading zero ('+25' and '025' are 25), so that a
    change of writing is never reported as a change of value."""
    canonical = text
    if canonical.startswith("+"):
        canonical = canonical[1:]
    sign = "-" if canonical.startswith("-") else ""
    body = canonical[len(sign):]
    if kind == "integer":
        body = body.lstrip("0") or "0"
        if sign and body == "0":
            sign = ""
    else:
        whole, dot, rest = body.partition(".")
        if len(whole) > 1 and whole.startswith("0"):
            whole = whole.lstrip("0") or "0"
        body = whole + dot + rest
    canonical = sign + body
    if canonical == text:
        return None
    return f"'{echo(text)}' is not written plainly (no '+' sign, no leading zeros); write {canonical}"


def parse_value(kind: str, text: str) -> tuple[Any, str | None]:
    """Parse one non-empty cell by Table Schema type; return (value, error)."""
    if kind in ("integer", "number") and (_INTEGER if kind == "integer" else _NUMBER).match(text):
        error = (check_int64(text) if kind == "integer" else None) or check_canonical_number(kind, text)
        if error:
            return None, error
    if kind == "integer":
        if _INTEGER.match(text):
            value = int(text)
            if abs(value) > MAX_COUNT:
                return None, f"'{echo(text)}' is far larger than any study (more than {MAX_COUNT:,}); check the number"
            return value, None
        return None, f"'{echo(text)}' is not an integer; write a whole number such as 12"
    if kind == "number":
        if _NUMBER.match(text):
            number = float(text)
            if not math.isfinite(number) or abs(number) > MAX_COUNT:
                return None, f"'{echo(text)}' is not a usable number (infinite, or more than {MAX_COUNT:,}); write the value as the report gives it"
            return number, None
        return None, f"'{echo(text)}' is not a number; write digits with a decimal point, e.g. 7.5 (no units, no % sign, no comma)"
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true", None
        return None, f"'{echo(text)}' is not a boolean; write true or false"
    if kind == "date":
        try:
            return _dt.date.fromisoformat(text), None
        except ValueError:
            return None, f"'{echo(text)}' is not a date; write YYYY-MM-DD"
    return text, None


def check_cell(table: Table, row: Row, name: str, spec: dict[str, Any]) -> list[Problem]:
    """Type, required, and the constraints of one cell."""
    text = row.raw.get(name, "")
    constraints = spec.get("constraints", {})
    where = (table.path, row.line, name)
    if text.strip() == "":
        row.value[name] = None
        if constraints.get("required"):
            return [Problem(*where, f"missing value; this field is required ({spec.get('description', '').rstrip('.')})")]
        return []
    placeholder = check_placeholder(text, spec)
    if placeholder:
        return [Problem(*where, placeholder)]
    if text != text.strip():
        return [Problem(*where, f"'{echo(text)}' has spaces at its start or end; remove them")]
    if spec.get("type", "string") == "string" and text[0] in FORMULA_STARTS:
        return [Problem(*where, f"starts with '{echo(text[0])}', which a spreadsheet opening the published CSV would run as a formula; "
                                "rephrase the start of the text (e.g. 'plus 25' or 'at least')")]
    value, error = parse_value(spec.get("type", "string"), text)
    if error:
        row.value[name] = None
        return [Problem(*where, error)]
    row.value[name] = value
    problems: list[Problem] = []
    if "enum" in constraints and value not in constraints["enum"]:
        problems.append(Problem(*where, f"'{echo(text)}' is not an allowed value; allowed: {', '.join(map(str, constraints['enum']))}"))
    if "minimum" in constraints and value < constraints["minimum"]:
        why = "; counts cannot be negative" if constraints["minimum"] == 0 and spec.get("type") == "integer" else ""
        problems.append(Problem(*where, f"{echo(text)} is below the minimum {constraints['minimum']}{why}"))
    if "maximum" in constraints and value > constraints["maximum"]:
        problems.append(Problem(*where, f"{echo(text)} is above the maximum {constraints['maximum']}"))
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], text):
        problems.append(Problem(*where, f"'{echo(text)}' does not have the required form (pattern {constraints['pattern']}): {spec.get('description', '')}"))
    if "minLength" in constraints and len(text) < constraints["minLength"]:
        problems.append(Problem(*where, f"too short ({len(text)} characters; at least {constraints['minLength']})"))
    if "maxLength" in constraints and len(text) > constraints["maxLength"]:
        problems.append(Problem(*where, f"too long ({len(text)} characters; at most {constraints['maxLength']}); shorten the quote"))
    return problems


# Placeholders, in any case: a word such as TODO, tbd or FixMe anywhere in a cell (as a word of its own),
# a cell of question marks or a cell that starts with one ('? check').
_PLACEHOLDER_WORD = re.compile(r"(?<![0-9A-Za-z_])(todo|tbd|tbc|tba|fixme|xxx+)(?![0-9A-Za-z_])", re.IGNORECASE)
_PLACEHOLDER_QUESTION = re.compile(r"^\?+(\s|$)")


def check_placeholder(text: str, spec: dict[str, Any]) -> str | None:
    """A placeholder left in a cell, in any case ('TODO: …', 'todo', 'Tbd', 'xxx', 'FIXME', '?'): what to write instead."""
    found = _PLACEHOLDER_WORD.search(text)
    if found is None and not _PLACEHOLDER_QUESTION.match(text):
        return None
    word = found.group(0) if found else text.split()[0]
    if text.startswith(PLACEHOLDER):  # the new-study template's own placeholder: its message is the template's
        return placeholder_message(spec)
    return f"'{echo(word)}' is a placeholder; " + placeholder_message(spec).replace("placeholder not filled in: ", "", 1)


def placeholder_message(spec: dict[str, Any]) -> str:
    """What to write instead of a new-study placeholder, from the field's schema."""
    constraints = spec.get("constraints", {})
    what = spec.get("description", "").rstrip(".") or spec.get("name", "a value")
    allowed = f"; allowed: {', '.join(map(str, constraints['enum']))}" if "enum" in constraints else ""
    kind = spec.get("type", "string")
    typed = f" ({'a whole number' if kind == 'integer' else 'a number'})" if kind in ("integer", "number") else ""
    empty = "" if constraints.get("required") else "; if it is not known, leave the cell empty (never guess a value)"
    return f"placeholder not filled in: write {what}{typed}{allowed}{empty}"


def check_rows(table: Table, records: list[tuple[int, list[str]]]) -> list[Problem]:
    """Ragged and empty rows, then every cell of every well-formed row."""
    problems: list[Problem] = []
    width = len(table.header)
    for line, record in records:
        if not record or record == [""] * len(record) and len(record) <= 1:
            problems.append(Problem(table.path, line, WHOLE_ROW, "empty line; remove it"))
            continue
        if len(record) != width:
            problems.append(
                Problem(
                    table.path,
                    line,
                    WHOLE_ROW,
                    f"row has {len(record)} fields but the header has {width}; "
                    "check for a missing or extra comma (put text containing commas in double quotes)",
                )
            )
            continue
        row = Row(line=line, raw=dict(zip(table.header, record)))
        for name, spec in table.fields.items():
            if name in row.raw:
                problems.extend(check_cell(table, row, name, spec))
        table.rows.append(row)
    return problems


def _key(row: Row, fields: list[str]) -> tuple[str, ...]:
    return tuple(row.raw.get(f, "").strip() for f in fields)


# Characters that cannot be seen but make two ids differ: zero-width space, non-joiner, joiner and word
# joiner, byte-order mark, soft hyphen, Mongolian vowel separator, combining grapheme joiner; and the
# bidirectional controls (left-to-right and right-to-left marks, embeddings, overrides and isolates).
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f")
BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def key_fields(table: Table) -> list[str]:
    """The fields that identify or point to rows: primary key, unique fields, foreign keys and list references."""
    names: list[str] = []
    pk = table.schema.get("primaryKey")
    names += [pk] if isinstance(pk, str) else list(pk or [])
    names += [n for n, spec in table.fields.items() if spec.get("constraints", {}).get("unique")]
    for fk in table.schema.get("foreignKeys", []):
        names += fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
    names += [fk["field"] for fk in table.schema.get("x-listForeignKeys", [])]
    return [n for n in dict.fromkeys(names) if n in table.header]


def check_key_text(table: Table) -> list[Problem]:
    """Ids and key fields are written in Unicode NFC and hold no invisible or bidirectional control
    character, so that two keys that look the same are the same."""
    problems: list[Problem] = []
    names = key_fields(table)
    for row in table.rows:
        for name in names:
            text = row.raw.get(name, "")
            if text.isascii() and text.isprintable():  # (no control, invisible or bidirectional character; NFC already)
                continue
            hidden = [c for c in text if c in INVISIBLE or c in BIDI_CONTROLS or unicodedata.category(c) in ("Cc", "Cf")]
            if hidden:
                what = ", ".join(dict.fromkeys(f"U+{ord(c):04X} {unicodedata.name(c, 'CONTROL CHARACTER')}" for c in hidden))
                problems.append(Problem(table.path, row.line, name, f"'{echo(text)}' contains a character that cannot be seen ({what}); "
                                                                    "delete it (retype the id in a plain text editor)"))
            elif unicodedata.normalize("NFC", text) != text:
                problems.append(Problem(table.path, row.line, name, f"'{echo(text)}' is not in Unicode normal form NFC (a letter and its accent "
                                                                    "stored apart); retype it, or save the file NFC-normalised"))
    return problems


def normal_key(text: str) -> str:
    """A key as the duplicate check compares it: NFC, case-folded, invisible and bidirectional characters
    removed, runs of white space made one space."""
    if text.isascii():  # (NFC already; no invisible or bidirectional character)
        return " ".join(text.casefold().split())
    text = "".join(c for c in unicodedata.normalize("NFC", text) if c not in INVISIBLE and c not in BIDI_CONTROLS)
    return " ".join(text.casefold().split())


def check_unique_keys(table: Table) -> list[Problem]:
    """The primary key and every ``unique`` field identify one row each."""
    problems: list[Problem] = []
    keys: list[list[str]] = []
    pk = table.schema.get("primaryKey")
    if pk:
        keys.append([pk] if isinstance(pk, str) else list(pk))
    for name, spec in table.fields.items():
        if spec.get("constraints", {}).get("unique") and [name] not in keys:
            keys.append([name])
    for fields in keys:
        if any(f not in table.header for f in fields):
            continue
        first: dict[tuple[str, ...], tuple[int, tuple[str, ...]]] = {}
        for row in table.rows:
            written = _key(row, fields)
            if all(k == "" for k in written):
                continue
            key = tuple(normal_key(k) for k in written)
            if key in first:
                line, before = first[key]
                shown = ", ".join(written)
                alike = "" if before == written else (
                    f" as ({echo(', '.join(before))}), the same once case, spacing and invisible characters are ignored"
                )
                problems.append(
                    Problem(table.path, row.line, ", ".join(fields), f"duplicate: ({echo(shown)}) is already on line {line}{alike}; each row must be unique")
                )
            else:
                first[key] = (row.line, written)
    return problems


def check_foreign_keys(table: Table, tables: dict[str, Table]) -> list[Problem]:
    """Each reference (e.g. an outcome's study_id) names a row that exists in the other table."""
    problems: list[Problem] = []
    for fk in table.schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        target_name = ref.get("resource") or table.name
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        target = tables.get(target_name)
        if target is None or any(f not in table.header for f in fields) or any(f not in target.header for f in ref_fields):
            continue  # the missing table or column is reported on its own
        if not target.complete:
            continue  # rows of the target could not be read: its parse error is reported, not every reference to them
        existing = {_key(r, ref_fields) for r in target.rows}
        for row in table.rows:
            key = _key(row, fields)
            if all(k == "" for k in key):
                continue  # empty optional reference
            if key not in existing:
                shown = ", ".join(key)
                problems.append(
                    Problem(
                        table.path,
                        row.line,
                        ", ".join(fields),
                        f"'{echo(shown)}' is not a {', '.join(ref_fields)} in {target.path}; add it there first or correct the id",
                    )
                )
    return problems


# --------------------------------------------------------------------------
# Cross-field rules (the schema's "x-checks")


def check_list_foreign_keys(table: Table, tables: dict[str, Table]) -> list[Problem]:
    """Each item of a list-valued reference (e.g. a claim's cited studies, 'a;b') exists in the other table.

    Declared in the schema under the custom property ``x-listForeignKeys``
    (Table Schema's foreignKeys cannot express a list in one cell).
    """
    problems: list[Problem] = []
    for fk in table.schema.get("x-listForeignKeys", []):
        name, separator = fk["field"], fk.get("separator", ";")
        target = tables.get(fk["reference"]["resource"])
        ref_field = fk["reference"]["fields"]
        ref_field = ref_field[0] if isinstance(ref_field, list) else ref_field
        if target is None or name not in table.header or ref_field not in target.header or not target.complete:
            continue
        existing = {r.raw.get(ref_field, "").strip() for r in target.rows}
        for row in table.rows:
            items = [item.strip() for item in row.raw.get(name, "").split(separator)]
            if row.raw.get(name, "").strip() and "" in items:
                problems.append(Problem(table.path, row.line, name, f"empty item in the list; separate ids with a single '{separator}'"))
            for item in items:
                if item and item not in existing:
                    problems.append(
                        Problem(table.path, row.line, name, f"'{echo(item)}' is not a {ref_field} in {target.path}; add it there first or correct the id")
                    )
    return problems


def _fmt(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def rule_less_or_equal(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    a, b = row.value.get(rule["field"]), row.value.get(rule["than"])
    if a is None or b is None or a <= b:
        return []
    return [Problem(table.path, row.line, rule["field"], f"{_fmt(a)} is greater than {rule['than']} ({_fmt(b)}). {rule.get('description', '')}".strip())]


def rule_percent_of(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    pct, num, den = (row.value.get(rule[k]) for k in ("percent", "numerator", "denominator"))
    if pct is None or num is None or den in (None, 0):
        return []
    exact = 100.0 * num / den
    tolerance = float(rule.get("tolerance", 0.5))
    if abs(exact - pct) <= tolerance + 1e-9:
        return []
    return [
        Problem(
            table.path,
            row.line,
            rule["percent"],
            f"{_fmt(pct)}% does not agree with {rule['numerator']}/{rule['denominator']} = {num}/{den} = {exact:.1f}% "
            f"(allowed difference {tolerance:g} points for rounding)",
        )
    ]


def rule_ordered(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    names = [n for n in rule["fields"] if row.value.get(n) is not None]
    values = [row.value[n] for n in names]
    if all(x <= y for x, y in zip(values, values[1:])):
        return []
    chain = " <= ".join(f"{n} ({_fmt(row.value[n])})" for n in names)
    return [Problem(table.path, row.line, names[0], f"{chain} does not hold. {rule.get('description', '')}".strip())]


def rule_required_together(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    trigger = rule.get("when_any", rule["fields"])
    if not any(row.raw.get(n, "").strip() for n in trigger):
        return []
    return [
        Problem(table.path, row.line, n, f"missing value; needed with {', '.join(t for t in trigger if row.raw.get(t, '').strip())}. {rule.get('description', '')}".strip())
        for n in rule["fields"]
        if not row.raw.get(n, "").strip()
    ]


def rule_at_least_one(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    if "if" in rule and not _condition_holds(row, rule["if"]):
        return []
    if any(row.raw.get(n, "").strip() for n in rule["fields"]):
        return []
    when = f" (required when {_condition_text(row, rule['if'])})" if "if" in rule else ""
    return [Problem(table.path, row.line, ", ".join(rule["fields"]), f"all empty; fill in at least one{when}. {rule.get('description', '')}".strip())]


def rule_at_most_one(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    filled = [n for n in rule["fields"] if row.raw.get(n, "").strip()]
    if len(filled) <= 1:
        return []
    return [Problem(table.path, row.line, ", ".join(filled), f"only one of these may be filled in. {rule.get('description', '')}".strip())]


def _conditions(cond: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return cond if isinstance(cond, list) else [cond]


def _condition_holds(row: Row, cond: dict[str, Any] | list[dict[str, Any]]) -> bool:
    """A condition ``{"field": f, "in": [...]}`` holds; a list of them holds when every one does."""
    return all(row.raw.get(c["field"], "").strip() in c["in"] for c in _conditions(cond))


def _condition_text(row: Row, cond: dict[str, Any] | list[dict[str, Any]]) -> str:
    return " and ".join(f"{c['field']} is {echo(row.raw.get(c['field']))}" for c in _conditions(cond))


def rule_required_if(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    cond = rule["if"]
    if not _condition_holds(row, cond) or row.raw.get(rule["field"], "").strip():
        return []
    return [
        Problem(table.path, row.line, rule["field"], f"missing value; required when {_condition_text(row, cond)}. {rule.get('description', '')}".strip())
    ]


def rule_implies(table: Table, row: Row, rule: dict[str, Any]) -> list[Problem]:
    cond, then = rule["if"], rule["then"]
    if not _condition_holds(row, cond) or _condition_holds(row, then):
        return []
    return [
        Problem(
            table.path,
            row.line,
            then["field"],
            f"'{echo(row.raw.get(then['field'], ''))}' is not allowed when {_condition_text(row, cond)}; "
            f"allowed: {', '.join(then['in'])}. {rule.get('description', '')}".strip(),
        )
    ]


# Values that are measured on an outcome's scale (outcome_definitions.scale_min .. scale_max).
SCALE_FIELDS = ("mean", "ci_low", "ci_high")


def check_outcome_scale(tables: dict[str, Table]) -> list[Problem]:
    """A mean and its interval lie within the scale of their outcome (``outcome_definitions``): a mean of
    15 on the 0-10 NRS is a typing error or a different scale."""
    outcomes, definitions = tables.get("outcomes"), tables.get("outcome_definitions")
    if outcomes is None or definitions is None:
        return []
    scales = {
        row.raw.get("outcome_id", "").strip(): (row.value["scale_min"], row.value["scale_max"], row.line)
        for row in definitions.rows
        if row.value.get("scale_min") is not None and row.value.get("scale_max") is not None
        and row.value["scale_min"] <= row.value["scale_max"]  # a reversed scale is reported by its own rule, once
    }
    problems: list[Problem] = []
    for row in outcomes.rows:
        outcome = row.raw.get("outcome_id", "").strip()
        if outcome not in scales:
            continue
        low, high, line = scales[outcome]
        for name in SCALE_FIELDS:
            value = row.value.get(name)
            if value is not None and not low <= value <= high:
                problems.append(Problem(outcomes.path, row.line, name, (
                    f"{_fmt(value)} is outside the scale of {outcome}, {_fmt(low)} to {_fmt(high)} ({Path(definitions.path).name} line {line}); "
                    "check the value, or record it under the outcome whose scale it is on")))
    return problems


CROSS_FIELD_CHECKS: dict[str, Callable[[Table, Row, dict[str, Any]], list[Problem]]] = {
    "less_or_equal": rule_less_or_equal,
    "percent_of": rule_percent_of,
    "ordered": rule_ordered,
    "required_together": rule_required_together,
    "at_least_one": rule_at_least_one,
    "at_most_one": rule_at_most_one,
    "required_if": rule_required_if,
    "implies": rule_implies,
}


def check_cross_field(table: Table) -> list[Problem]:
    """Apply the resource's ``x-checks`` to every row."""
    problems: list[Problem] = []
    for rule in table.schema.get("x-checks", []):
        check = CROSS_FIELD_CHECKS.get(rule.get("check", ""))
        if check is None:
            problems.append(Problem((Path(table.path).parent / DESCRIPTOR).as_posix(), 1, f"{table.name}.x-checks", f"unknown check {rule.get('check')!r}; known: {', '.join(CROSS_FIELD_CHECKS)}"))
            continue
        named = [rule.get(k) for k in ("field", "than", "percent", "numerator", "denominator")] + list(rule.get("fields", []))
        if any(n and n not in table.header for n in named):
            continue  # a missing column is reported once, by check_columns
        for row in table.rows:
            problems.extend(check(table, row, rule))
    return problems


def _descriptor_line(raw_text: str, key: str) -> int:
    """The line of the descriptor where a top-level key is written (1 if absent)."""
    for number, line in enumerate(raw_text.splitlines(), 1):
        if line.strip().startswith(f'"{key}"'):
            return number
    return 1


# --------------------------------------------------------------------------
# The bibliography (references.bib)

_BIB_ENTRY = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)
# A citation of a BibTeX key in a text cell, as MyST writes it: {cite}`key`, {cite:p}`a,b`.
_CITE_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")


@dataclass
class Bibliography:
    """The BibTeX file as read for validation: each entry's key and the line where the entry starts."""

    path: str
    keys: dict[str, int] = field(default_factory=dict)


def check_bibtex(shown: str, text: str) -> tuple[Bibliography, list[Problem]]:
    """The BibTeX file parses strictly (pybtex, as the book's references page reads it), each syntax error
    at its line; no key twice (BibTeX keys ignore case), naming both lines."""
    import pybtex.errors
    from pybtex.database.input import bibtex
    from pybtex.scanner import PybtexError

    bib = Bibliography(shown)
    problems: list[Problem] = []
    starts: list[int] = []
    seen: dict[str, tuple[int, str]] = {}
    for match in _BIB_ENTRY.finditer(text):
        kind, key = match.group(1).lower(), match.group(2)
        if kind in ("comment", "string", "preamble"):
            continue
        line = text.count("\n", 0, match.start()) + 1
        starts.append(line)
        if key.lower() in seen:
            first, written = seen[key.lower()]
            same = "" if written == key else f" (as '{echo(written)}': BibTeX keys ignore case)"
            problems.append(Problem(shown, line, key, f"duplicate BibTeX key: '{echo(key)}' is already the key of the entry on line {first}{same}; "
                                                      "keep one entry per report"))
        else:
            seen[key.lower()] = (line, key)
            bib.keys[key] = line
    strict = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    try:
        bibtex.Parser().parse_string(text)
    except PybtexError as exc:
        lineno = getattr(exc, "lineno", None)
        if lineno is None and "repeated bibliography entry" in str(exc):
            pass  # reported above, with both lines
        else:
            line = int(lineno or 1)
            entry = max((n for n in starts if n < line), default=None)
            within = f" (in the entry that starts on line {entry})" if entry else ""
            reason = str(exc).split(": ", 1)[-1] if str(exc).startswith("syntax error") else str(exc)
            problems.append(Problem(shown, line, WHOLE_FILE, f"BibTeX syntax error{within}: {echo(reason)}; check the braces, quotes and commas "
                                                             "of the entry (each field is name = {value}, fields separated by commas, the entry closed by })"))
    finally:
        pybtex.errors.set_strict_mode(strict)
    return bib, problems


def check_bibtex_keys(bib: Bibliography, tables: dict[str, Table]) -> list[Problem]:
    """Every BibTeX key is the report_id of a report in reports.csv, and every key cited in the data
    (a ``{cite}`key``` role in a text cell) has its entry in the BibTeX file."""
    problems: list[Problem] = []
    reports = tables.get("reports")
    if reports is not None and reports.complete and "report_id" in reports.header:
        ids = {r.raw.get("report_id", "").strip() for r in reports.rows}
        for key, line in bib.keys.items():
            if key not in ids:
                problems.append(Problem(bib.path, line, key, f"'{echo(key)}' is not a report_id in {Path(reports.path).name}; each entry is keyed by the "
                                                             "report_id of its report: correct the key, or add the report there first"))
    for table in tables.values():
        for row in table.rows:
            for name, text in row.raw.items():
                for match in _CITE_ROLE.finditer(text):
                    for key in (k.strip() for k in match.group(1).split(",")):
                        if key and key not in bib.keys:
                            problems.append(Problem(table.path, row.line, name, f"cites '{echo(key)}', which has no entry in {Path(bib.path).name}; "
                                                                                "add the entry (keyed by the report's report_id) or correct the key"))
    return problems


def check_data_version(descriptor: dict[str, Any], raw_text: str, shown: str) -> list[Problem]:
    """The package states its data version (MAJOR.MINOR.PATCH) and the date of that version (``created``)."""
    problems = []
    version = descriptor.get("version")
    if not isinstance(version, str) or not re.fullmatch(VERSION_PATTERN, version):
        problems.append(
            Problem(shown, _descriptor_line(raw_text, "version"), "version",
                    f"{version!r} is not a data version; write MAJOR.MINOR.PATCH as a string, e.g. \"0.2.0\" (see CONTRIBUTING.md, 'Releasing a data version')")
        )
    created = descriptor.get("created")
    try:
        if not isinstance(created, str):
            raise ValueError
        _dt.datetime.fromisoformat(created)
    except ValueError:
        problems.append(
            Problem(shown, _descriptor_line(raw_text, "created"), "created",
                    f"{created!r} is not the date of the data version; write an ISO 8601 date or time, e.g. \"2026-11-21\" or \"2026-11-21T00:00:00Z\"")
        )
    return problems


def check_unknown_files(data_dir: Path, described: Iterable[str]) -> list[Problem]:
    """Every file anywhere under the data folder is described by the descriptor, hidden files too
    (a ``.notes.csv`` would otherwise be published with the site unchecked)."""
    known = {DESCRIPTOR, *described}
    problems = []
    for path in sorted(data_dir.rglob("*")):
        rel = path.relative_to(data_dir).as_posix()
        if path.is_dir() or rel in known:
            continue
        if any(part.startswith(".") for part in path.relative_to(data_dir).parts):
            problems.append(Problem(path.as_posix(), 1, WHOLE_FILE, "hidden file (its name or folder starts with '.') in the data folder, "
                                                                    f"where every file is data; remove it, or describe it in {DESCRIPTOR} under a name without the '.'"))
        else:
            problems.append(Problem(path.as_posix(), 1, WHOLE_FILE, f"file is not described in {DESCRIPTOR}; add it as a resource there, or remove it"))
    return problems


# --------------------------------------------------------------------------
# The whole package


def validate_package(data_dir: str | Path) -> Report:
    """Check a data folder against its own ``datapackage.json``; read only, never write."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return Report(data_dir, [Problem(str(data_dir), 1, WHOLE_FILE, "not a folder; give the data folder, e.g. data/")], {})
    descriptor, problems = read_descriptor(data_dir)
    if descriptor is None:
        return Report(data_dir, problems, {})
    descriptor_path = data_dir / DESCRIPTOR
    problems.extend(check_data_version(descriptor, descriptor_path.read_text(encoding="utf-8-sig"), descriptor_path.as_posix()))
    tables: dict[str, Table] = {}
    bibliographies: list[Bibliography] = []
    described = []
    for index, resource in enumerate(descriptor["resources"]):
        name, path = resource.get("name"), resource.get("path")
        if not name or not isinstance(path, str):
            problems.append(Problem((data_dir / DESCRIPTOR).as_posix(), 1, f"resources[{index}]", "each resource needs a 'name' and a 'path'"))
            continue
        described.append(path)
        file = data_dir / path
        shown = file.as_posix()
        if not file.is_file():
            problems.append(Problem(shown, 1, WHOLE_FILE, f"missing: {DESCRIPTOR} describes resource '{name}' at {path}, but there is no such file"))
            continue
        raw = file.read_bytes()
        text, encoding_problems = check_encoding(shown, raw)
        problems.extend(encoding_problems)
        schema = resource.get("schema")
        if not isinstance(schema, dict):
            if path.endswith(".bib") or resource.get("format") == "bib":
                bib, bib_problems = check_bibtex(shown, text)
                bibliographies.append(bib)
                problems.extend(bib_problems)
            continue  # another non-tabular resource: only its encoding is checked
        header, records, parse_problems = parse_csv(shown, text)
        problems.extend(parse_problems)
        table = Table(name=name, path=shown, schema=schema, header=header, complete=not parse_problems)
        problems.extend(check_columns(table))
        problems.extend(check_rows(table, records))
        problems.extend(check_key_text(table))
        problems.extend(check_unique_keys(table))
        tables[name] = table
    for table in tables.values():
        problems.extend(check_foreign_keys(table, tables))
        problems.extend(check_list_foreign_keys(table, tables))
        problems.extend(check_cross_field(table))
    problems.extend(check_outcome_scale(tables))
    for bib in bibliographies:
        problems.extend(check_bibtex_keys(bib, tables))
    problems.extend(check_unknown_files(data_dir, described))
    return Report(data_dir, sorted(set(problems), key=lambda p: (p.file, p.line, p.field, p.message)), tables, descriptor.get("version"), descriptor)


def main(data_dir: str | Path = "data") -> int:
    """Command line: print every problem (exit 1) or a one-line summary (exit 0)."""
    report = validate_package(data_dir)
    if report.ok:
        print(report.summary())
        return 0
    for problem in report.problems:
        print(problem)
    print(f"{len(report.problems)} problem(s) in {report.data_dir}; nothing was changed.")
    return 1

"""Add a study: append clearly marked template rows for a contributor to fill in.

``python -m analysis new-study STUDY_ID [--data DIR] [--tables outcomes,...]``

Design (the guarantee the contributor relies on):

* **Append only.** The command opens each CSV file in append mode and writes new
  lines after the last one; no existing byte is rewritten (a missing final newline
  is the only thing it adds before its own rows).
* **Derived from the schema.** Which files, which columns and what goes in them is
  read from ``datapackage.json``, never from a list in this module:

  - one row in the study resource (``studies``), its primary key set to STUDY_ID;
  - one row in each resource the study row refers to through a foreign key (the
    report resource: its key is also STUDY_ID, and the study row's references
    point at it);
  - in each child resource named with ``--tables`` (default ``outcomes``), which
    refers to the study resource: one row per key of each *definition* resource it
    refers to (a resource with no foreign keys of its own, e.g. one outcome row
    per outcome in ``outcome_definitions.csv``), or one row if there is none.

* **Placeholders that cannot pass.** Every cell the contributor must write starts
  with ``TODO`` (:data:`analysis.data.validate.PLACEHOLDER`): the required fields, the
  fields a cross-field rule needs (``required_together``, the first field of
  ``at_least_one``) and the second extractor (``verifier``). The validator reports
  every such cell as ``FILE:LINE: FIELD: placeholder not filled in: write ...``
  (with the field's description and allowed values), and the book build refuses
  invalid data, so nothing half-filled can be merged or published.
* **Refuses** an id that does not have the schema's form, or that already exists
  (as a study, or as a key of a row it would add).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.data.validate import DESCRIPTOR, PLACEHOLDER, read_descriptor

STUDY_RESOURCE = "studies"
DEFAULT_CHILD_TABLES = ("outcomes",)
# Optional fields that a contributor is nevertheless asked to fill in (or clear).
ALWAYS_ASK = ("year", "verifier",)


class NewStudyError(ValueError):
    """The study cannot be added (bad or existing id, or an unreadable data folder)."""


@dataclass
class Appended:
    """Rows appended to one file: where they start and how many."""

    path: Path
    first_line: int
    count: int


def _as_list(x: Any) -> list[str]:
    return list(x) if isinstance(x, list) else [x]


def _fields(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in resource.get("schema", {}).get("fields", [])}


def _foreign_keys(resource: dict[str, Any]) -> list[tuple[list[str], str, list[str]]]:
    """(fields, referenced resource, referenced fields) for each foreign key."""
    out = []
    for fk in resource.get("schema", {}).get("foreignKeys", []):
        ref = fk["reference"]
        out.append((_as_list(fk["fields"]), ref.get("resource") or resource["name"], _as_list(ref["fields"])))
    return out


def _primary_key(resource: dict[str, Any]) -> list[str]:
    pk = resource.get("schema", {}).get("primaryKey")
    return _as_list(pk) if pk else []


def _read(path: Path) -> tuple[list[str], list[dict[str, str]], bytes]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows:
        raise NewStudyError(f"{path} is empty; it needs at least its header line")
    header = rows[0]
    return header, [dict(zip(header, r)) for r in rows[1:] if r], raw


def placeholder(spec: dict[str, Any]) -> str:
    """The text of a placeholder cell: 'TODO: <what to write>'."""
    what = spec.get("description", spec["name"]).strip()
    enum = spec.get("constraints", {}).get("enum")
    if enum:
        what += f" One of: {' | '.join(map(str, enum))}."
    return f"{PLACEHOLDER}: {what}"


def ask_fields(resource: dict[str, Any]) -> set[str]:
    """Fields given a placeholder: required ones, those cross-field rules need, and ALWAYS_ASK."""
    fields = _fields(resource)
    ask = {name for name, spec in fields.items() if spec.get("constraints", {}).get("required")}
    for rule in resource.get("schema", {}).get("x-checks", []):
        if rule.get("check") == "required_together":
            ask.update(rule["fields"])
        elif rule.get("check") == "at_least_one" and rule.get("fields"):
            ask.add(rule["fields"][0])
    ask.update(name for name in ALWAYS_ASK if name in fields)
    return ask


def _template_row(resource: dict[str, Any], known: dict[tuple[str, str], str], own_key: str | None) -> dict[str, str]:
    """One template row: references and keys filled in, placeholders where the contributor must write."""
    fields = _fields(resource)
    row = {name: "" for name in fields}
    ask = ask_fields(resource)
    for name in fields:
        if name in ask:
            row[name] = placeholder(fields[name])
    pk = _primary_key(resource)
    if own_key is not None and len(pk) == 1:
        row[pk[0]] = own_key
    for names, target, ref_fields in _foreign_keys(resource):
        for name, ref_field in zip(names, ref_fields):
            if (target, ref_field) in known and name in row:
                row[name] = known[(target, ref_field)]
    return row


def _append(path: Path, header: list[str], raw: bytes, rows: list[dict[str, str]]) -> Appended:
    newline = "\r\n" if b"\r\n" in raw else "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    prefix = "" if raw.endswith(b"\n") or not raw else newline
    first_line = raw.count(b"\n") + 1 + (1 if prefix else 0)
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(prefix + out.getvalue())
    return Appended(path, first_line, len(rows))


def new_study(study_id: str, data_dir: str | Path = "data", child_tables: tuple[str, ...] = DEFAULT_CHILD_TABLES) -> list[Appended]:
    """Append the template rows of a new study to the data in ``data_dir``; return where they went."""
    data_dir = Path(data_dir)
    descriptor_path = data_dir / DESCRIPTOR
    if not descriptor_path.is_file():
        raise NewStudyError(f"{data_dir} has no {DESCRIPTOR}; give the data folder with --data")
    descriptor, problems = read_descriptor(data_dir)
    if descriptor is None:
        raise NewStudyError("; ".join(str(p) for p in problems))
    resources = {r["name"]: r for r in descriptor.get("resources", []) if isinstance(r.get("schema"), dict)}
    if STUDY_RESOURCE not in resources:
        raise NewStudyError(f"{descriptor_path} describes no resource named {STUDY_RESOURCE!r}")
    studies = resources[STUDY_RESOURCE]
    (study_key,) = _primary_key(studies) or ["study_id"]
    pattern = _fields(studies).get(study_key, {}).get("constraints", {}).get("pattern")
    if pattern and not re.fullmatch(pattern, study_id):
        raise NewStudyError(f"'{study_id}' is not a valid {study_key}: {_fields(studies)[study_key].get('description', pattern)}")
    for name in child_tables:
        if name not in resources:
            raise NewStudyError(f"{descriptor_path} has no table named {name!r}; tables: {', '.join(resources)}")

    # The plan: (resource, rows). Keys of the rows added, for references: {(resource, field): value}.
    known: dict[tuple[str, str], str] = {(STUDY_RESOURCE, study_key): study_id}
    linked = [t for _, t, _ in _foreign_keys(studies) if t != STUDY_RESOURCE]
    linked = list(dict.fromkeys(linked))  # e.g. ["reports"]: the study's report
    for target in linked:
        for ref_field in _primary_key(resources[target])[:1]:
            known[(target, ref_field)] = study_id

    files: dict[str, tuple[Path, list[str], list[dict[str, str]], bytes]] = {}
    for name in [STUDY_RESOURCE, *linked, *child_tables]:
        path = data_dir / resources[name]["path"]
        header, rows, raw = _read(path)
        missing = [f for f in _fields(resources[name]) if f not in header]
        if missing:
            raise NewStudyError(f"{path} lacks the column(s) {', '.join(missing)}; run 'python -m analysis validate {data_dir}' and fix the header first")
        files[name] = (path, header, rows, raw)

    existing = {row.get(study_key, "").strip() for row in files[STUDY_RESOURCE][2]}
    if study_id in existing:
        raise NewStudyError(f"study '{study_id}' already exists in {files[STUDY_RESOURCE][0]}; choose another id (add a letter, e.g. {study_id}b) or edit the existing rows")
    for target in linked:
        for ref_field in _primary_key(resources[target])[:1]:
            if study_id in {row.get(ref_field, "").strip() for row in files[target][2]}:
                raise NewStudyError(f"{ref_field} '{study_id}' already exists in {files[target][0]}; choose another study id")

    plan: list[tuple[str, list[dict[str, str]]]] = [(STUDY_RESOURCE, [_template_row(studies, known, study_id)])]
    for target in linked:
        plan.append((target, [_template_row(resources[target], known, study_id)]))
    for name in child_tables:
        resource = resources[name]
        if not any(t == STUDY_RESOURCE for _, t, _ in _foreign_keys(resource)):
            raise NewStudyError(f"table {name!r} does not refer to {STUDY_RESOURCE}; it cannot hold rows of a study")
        rows = [_template_row(resource, known, None)]
        for fields, target, ref_fields in _foreign_keys(resource):
            target_resource = resources.get(target)
            if target in (STUDY_RESOURCE, *linked) or target_resource is None or _foreign_keys(target_resource):
                continue  # not a definition table
            _, definitions, _ = _read(data_dir / target_resource["path"])
            keys = [d.get(ref_fields[0], "") for d in definitions if d.get(ref_fields[0], "")]
            if keys and len(fields) == 1:
                rows = [{**row, fields[0]: key} for row in rows for key in keys]
        plan.append((name, rows))

    return [_append(files[name][0], files[name][1], files[name][3], rows) for name, rows in plan]


def main(study_id: str, data_dir: str | Path = "data", tables: str = ",".join(DEFAULT_CHILD_TABLES)) -> int:
    """Command line: append the template rows and say what to do next (exit 2 if refused)."""
    child_tables = tuple(t.strip() for t in tables.split(",") if t.strip())
    try:
        appended = new_study(study_id, data_dir, child_tables)
    except NewStudyError as exc:
        print(f"new-study: {exc}; nothing was changed.")
        return 2
    print(f"Added study '{study_id}' as template rows (nothing else was changed):")
    for a in appended:
        lines = f"line {a.first_line}" if a.count == 1 else f"lines {a.first_line}-{a.first_line + a.count - 1}"
        print(f"  {a.path.as_posix()}: {lines}")
    print(
        f"Next: replace every cell that starts with '{PLACEHOLDER}' with the value from the report (or leave an optional "
        "cell empty if the report does not give it; never guess a number), delete outcome rows the report does not "
        f"give, then run: python -m analysis validate {Path(data_dir).as_posix()}\n"
        "Until every placeholder is replaced the validator fails and the book will not build. See CONTRIBUTING.md."
    )
    return 0

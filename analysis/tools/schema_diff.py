"""What a change to ``data/datapackage.json`` does to the rules: ``python -m analysis schema-diff OLD NEW``.

The pull-request check runs it against the main branch's descriptor and puts the lines in its
summary, so a reviewer sees a rule that was weakened or dropped in the same pull request as the
data it would let through (issue 14). Each line names the file, the field and the change, e.g.
``studies.csv: field n_enrolled: constraint minimum 0 removed``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _resources(descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(r.get("name")): r for r in descriptor.get("resources", []) if isinstance(r, dict)}


def _fields(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    schema = resource.get("schema")
    return {str(f.get("name")): f for f in schema.get("fields", [])} if isinstance(schema, dict) else {}


def _field_diff(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = []
    if old.get("type", "string") != new.get("type", "string"):
        lines.append(f"{where}: type changed from {old.get('type', 'string')} to {new.get('type', 'string')}")
    before, after = old.get("constraints", {}), new.get("constraints", {})
    for key in sorted(set(before) | set(after)):
        if key == "enum" and key in before and key in after:
            removed = [v for v in before["enum"] if v not in after["enum"]]
            added = [v for v in after["enum"] if v not in before["enum"]]
            if removed:
                lines.append(f"{where}: allowed value(s) removed: {', '.join(map(str, removed))}")
            if added:
                lines.append(f"{where}: allowed value(s) added: {', '.join(map(str, added))}")
        elif key not in after:
            lines.append(f"{where}: constraint {key} {_show(before[key])} removed")
        elif key not in before:
            lines.append(f"{where}: constraint {key} {_show(after[key])} added")
        elif before[key] != after[key]:
            lines.append(f"{where}: constraint {key} changed from {_show(before[key])} to {_show(after[key])}")
    return lines


def _rule_list_diff(where: str, what: str, old: list[Any], new: list[Any]) -> list[str]:
    before, after = [_show(r) for r in old], [_show(r) for r in new]
    return ([f"{where}: {what} removed: {r}" for r in before if r not in after]
            + [f"{where}: {what} added: {r}" for r in after if r not in before])


def schema_diff(old_json: str, new_json: str) -> list[str]:
    """The rule changes between two ``datapackage.json`` texts, one human-readable line each (none: same rules)."""
    old, new = json.loads(old_json), json.loads(new_json)
    lines: list[str] = []
    old_res, new_res = _resources(old), _resources(new)
    for name in sorted(old_res.keys() - new_res.keys()):
        lines.append(f"{old_res[name].get('path', name)}: resource {name} removed")
    for name in sorted(new_res.keys() - old_res.keys()):
        lines.append(f"{new_res[name].get('path', name)}: resource {name} added")
    for name in sorted(old_res.keys() & new_res.keys()):
        a, b = old_res[name], new_res[name]
        where = str(b.get("path", name))
        if a.get("path") != b.get("path"):
            lines.append(f"{where}: path changed from {a.get('path')} to {b.get('path')}")
        fa, fb = _fields(a), _fields(b)
        lines += [f"{where}: field {f} removed" for f in fa if f not in fb]
        lines += [f"{where}: field {f} added" + (" (required)" if fb[f].get("constraints", {}).get("required") else "") for f in fb if f not in fa]
        for f in [f for f in fa if f in fb]:  # in the schema's order, the same on every run
            lines += _field_diff(f"{where}: field {f}", fa[f], fb[f])
        sa, sb = a.get("schema") or {}, b.get("schema") or {}
        if sa.get("primaryKey") != sb.get("primaryKey"):
            lines.append(f"{where}: primary key changed from {_show(sa.get('primaryKey'))} to {_show(sb.get('primaryKey'))}")
        for key, what in (("foreignKeys", "foreign key"), ("x-listForeignKeys", "list foreign key"), ("x-checks", "cross-field check")):
            lines += _rule_list_diff(where, what, sa.get(key, []), sb.get(key, []))
    return sorted(lines, key=lambda line: line.split(":", 1)[0]) if lines else []


def main(old: str, new: str) -> int:
    """Print the rule changes between two descriptors (files; '-' for none, as on a first commit)."""
    old_text = Path(old).read_text(encoding="utf-8-sig") if old != "-" else '{"resources": []}'
    lines = schema_diff(old_text, Path(new).read_text(encoding="utf-8-sig"))
    print("\n".join(lines) if lines else "No change to the rules of datapackage.json.")
    return 0


def add_parser(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "schema-diff", help="list the changes to the rules of datapackage.json between two versions (OLD NEW)")
    parser.add_argument("old", help="the earlier datapackage.json (e.g. from git show origin/main:data/datapackage.json)")
    parser.add_argument("new", help="the later datapackage.json (e.g. data/datapackage.json)")
    parser.set_defaults(func=lambda a: main(a.old, a.new))

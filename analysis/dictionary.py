"""The data dictionary, generated from ``datapackage.json`` (never written by hand).

:func:`resources` lists the package's resources; :func:`field_table` describes one
table's columns (type, whether required, allowed values and ranges, description);
:func:`rules` states its keys and cross-field rules in words.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .data import find_data_dir, record_read
from .validate import DESCRIPTOR


def load_descriptor(data_dir: str | Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of the data folder."""
    path = Path(data_dir or find_data_dir()) / DESCRIPTOR
    record_read(path)
    return json.loads(path.read_text(encoding="utf-8"))


def resources(descriptor: dict[str, Any]) -> pd.DataFrame:
    """One row per resource: file, title, what one row is."""
    return pd.DataFrame(
        [{"File": r["path"], "Title": r.get("title", r["name"]), "What it holds": r.get("description", "")} for r in descriptor["resources"]]
    )


def _allowed(spec: dict[str, Any]) -> str:
    c = spec.get("constraints", {})
    parts = []
    if "enum" in c:
        parts.append("one of: " + ", ".join(map(str, c["enum"])))
    if "minimum" in c and "maximum" in c:
        parts.append(f"from {c['minimum']} to {c['maximum']}")
    elif "minimum" in c:
        parts.append(f"at least {c['minimum']}")
    elif "maximum" in c:
        parts.append(f"at most {c['maximum']}")
    if "pattern" in c:
        parts.append(f"pattern {c['pattern']}")
    if "maxLength" in c:
        parts.append(f"at most {c['maxLength']} characters")
    if c.get("unique"):
        parts.append("unique")
    return "; ".join(parts)


def field_table(resource: dict[str, Any]) -> pd.DataFrame:
    """One row per column of a tabular resource."""
    return pd.DataFrame(
        [
            {
                "Column": f["name"],
                "Type": f.get("type", "string"),
                "Required": "yes" if f.get("constraints", {}).get("required") else "",
                "Allowed values": _allowed(f),
                "Description": f.get("description", ""),
            }
            for f in resource["schema"]["fields"]
        ]
    )


def rules(resource: dict[str, Any]) -> list[str]:
    """The table's keys and cross-field rules, in words."""
    schema = resource.get("schema", {})
    out = []
    pk = schema.get("primaryKey")
    if pk:
        out.append(f"Each row is identified by {' × '.join(pk if isinstance(pk, list) else [pk])}; no two rows may share it.")
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        out.append(f"{', '.join(fk['fields'])} must name an existing {', '.join(ref['fields'])} in {ref['resource']}.")
    for fk in schema.get("x-listForeignKeys", []):
        ref = fk["reference"]
        out.append(f"Each item of {fk['field']} (separated by '{fk.get('separator', ';')}') must name an existing {ref['fields']} in {ref['resource']}.")
    for rule in schema.get("x-checks", []):
        if rule.get("description"):
            out.append(rule["description"])
    return out

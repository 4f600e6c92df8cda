"""The data dictionary, generated from ``datapackage.json`` (never written by hand).

:func:`resources` lists the package's resources; :func:`field_table` describes one
table's columns (type, whether required, allowed values and ranges, description);
:func:`rules` states its keys and cross-field rules in words; :func:`downloads_html`
lists the files as the site serves them, with their sizes, for download.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data import find_data_dir, record_read, validated_report
from analysis.data.validate import DESCRIPTOR


def plural_by_words(text: str) -> str:
    """'Trial registry number(s)' -> 'Trial registry numbers': a schema's '(s)' read as a plural."""
    import re

    return re.sub(r"\b([A-Za-z]+)\((s|es)\)", r"\1\2", str(text))


def load_descriptor(data_dir: str | Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of the data folder."""
    folder = Path(data_dir or find_data_dir())
    record_read(folder / DESCRIPTOR)
    return validated_report(folder).descriptor


def resources(descriptor: dict[str, Any]) -> pd.DataFrame:
    """One row per resource: file, title, what one row is."""
    return pd.DataFrame(
        [{"File": r["path"], "Title": r.get("title", r["name"]), "What it holds": plural_by_words(r.get("description", ""))} for r in descriptor["resources"]]
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
                "Description": plural_by_words(f.get("description", "")),
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


def downloads_html(descriptor: dict[str, Any], data_dir: str | Path | None = None, href_prefix: str = "../data/") -> str:
    """An HTML list linking each file of the package where the site serves it (``href_prefix``).

    Each item gives the file's title, its number of data rows (CSV) and its size in
    bytes, all read from the files of this build; every text is HTML-escaped. The schema
    itself (``datapackage.json``) comes first, since it describes the others.
    """
    folder = Path(data_dir).resolve() if data_dir else find_data_dir()
    # Row counts from the validator's own reading of the files (the CSV tables it parsed).
    counts = {Path(t.path).name: len(t.rows) for t in validated_report(folder).tables.values()}
    entries = [(DESCRIPTOR, "Schema of every table (Frictionless Data Package)")]
    entries += [(Path(r["path"]).name, r.get("title", r["name"])) for r in descriptor["resources"] if not str(r["path"]).startswith(("http://", "https://"))]
    items = []
    for name, title in entries:
        path = folder / name
        record_read(path)
        rows = counts.get(name)
        count = f"{rows:,} rows, " if rows is not None else ""
        items.append(
            f'<li><a href="{html.escape(href_prefix + name, quote=True)}" download>{html.escape(name)}</a>: '
            f"{html.escape(title)} ({count}{path.stat().st_size:,} bytes)</li>"
        )
    return '<ul class="data-downloads">\n' + "\n".join(items) + "\n</ul>"

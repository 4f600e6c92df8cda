"""data/references.bib parses strictly (no warnings), with no duplicate keys."""

import re
from pathlib import Path

import pybtex.database
import pybtex.errors

BIB = Path(__file__).resolve().parents[2] / "data" / "references.bib"


def test_bibtex_parses_without_warnings():
    pybtex.errors.set_strict_mode(True)
    try:
        data = pybtex.database.parse_file(str(BIB))
    finally:
        pybtex.errors.set_strict_mode(False)
    assert data.entries


def test_no_duplicate_keys():
    keys = re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.MULTILINE)
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"duplicate BibTeX keys: {duplicates}"


def test_every_entry_the_plain_style_dates_has_a_year():
    """sphinxcontrib-bibtex's plain style warns (and the strict build fails) on a missing year; write {n.d.} if none was seen."""
    data = pybtex.database.parse_file(str(BIB))
    undated = sorted(key for key, entry in data.entries.items() if entry.type != "misc" and "year" not in entry.fields)
    assert not undated, f"entries without a year: {undated}"

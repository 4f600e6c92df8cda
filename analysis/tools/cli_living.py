"""Commands of the contributor workflow and the living review (see CONTRIBUTING.md).

* ``new-study STUDY_ID [--data DIR] [--tables outcomes,...]`` -- append template rows
  for a new study (:mod:`analysis.tools.contribute`);
* ``changes [OLD [NEW]]`` -- what changed between two versions of the data: studies,
  rows, corrected values, pooled results (:mod:`analysis.pages.changes`);
* ``release-snapshot`` -- copy the valid ``data/`` to ``releases/data-vVERSION/``.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(commands: Any) -> None:
    """Register the three sub-commands on the ``python -m analysis`` parser."""
    new = commands.add_parser(
        "new-study",
        help="append template rows for a new study (study, report, outcomes) to fill in; never changes existing rows",
        description="Append clearly marked template rows for a new study. Every cell starting with TODO must be "
        "filled in (or, if optional and not reported, emptied) before the data validate.",
    )
    new.add_argument("study_id", help="the new study's id: first author's surname and year, e.g. smith2019")
    new.add_argument("--data", default="data", help="the data folder (default: data)")
    new.add_argument("--tables", default="outcomes", help="child tables that get template rows, comma-separated (default: outcomes)")
    new.set_defaults(func=lambda a: __import__("analysis.tools.contribute", fromlist=["main"]).main(a.study_id, a.data, a.tables))

    changes = commands.add_parser(
        "changes",
        help="what changed between two versions of the data (folders or git revisions); default: last release -> data/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="List studies and rows added, removed and corrected (by primary key, old -> new), and pooled "
        "estimates that changed.\nOLD and NEW are data folders (or folders holding data/) or git revisions "
        "(read with git show; the work tree is untouched).\nDefault OLD: the newest releases/data-vX.Y.Z; default NEW: data/.",
    )
    changes.add_argument("old", nargs="?", default=None, help="the earlier version (default: the last release snapshot)")
    changes.add_argument("new", nargs="?", default=None, help="the later version (default: data/)")
    changes.add_argument("--root", default=".", help="the repository (default: .)")
    changes.add_argument("--format", choices=("text", "markdown"), default="text", help="output format (default: text)")
    changes.set_defaults(func=lambda a: __import__("analysis.pages.changes", fromlist=["main"]).main(a.old, a.new, a.root, a.format))

    snap = commands.add_parser("release-snapshot", help="copy the valid data/ to releases/data-vVERSION/ (the 'last release' the book compares with)")
    snap.add_argument("--root", default=".", help="the repository (default: .)")
    snap.set_defaults(func=lambda a: __import__("analysis.pages.changes", fromlist=["release_snapshot"]).release_snapshot(a.root))

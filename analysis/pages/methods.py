"""Facts the methods page states about how the review was done, computed at build time.

* :func:`software_versions`: the versions of Python and of the packages that compute and
  build the book, read from the running environment (PRISMA 2020 item 13d asks for
  software and versions), never typed by hand;
* :func:`extraction_summary`: per extraction table, how many rows there are, by how many
  extractors, and how many a second person has verified (the ``verifier`` column;
  PRISMA 2020 item 9);
* :func:`condition_groups`: the grouping of conditions used by the evidence chapters
  (:data:`analysis.data.rules.CONDITION_GROUPS`; PRISMA 2020 item 5).
"""

from __future__ import annotations

import platform
from importlib import metadata

import pandas as pd

from analysis.data.rules import CONDITION_GROUPS, GROUP_TITLES

# Distribution names as installed (pip), in the order the page lists them.
PACKAGES: tuple[str, ...] = (
    "numpy", "scipy", "pandas", "statsmodels", "matplotlib",
    "jupyter-book", "myst-nb", "sphinx", "sphinxcontrib-bibtex",
)  # fmt: skip

# Tables whose rows are extracted from reports and carry extractor/verifier columns,
# with the name of the person column (risk of bias uses 'assessor').
EXTRACTION_TABLES: dict[str, str] = {
    "studies": "extractor",
    "outcomes": "extractor",
    "adverse_events": "extractor",
    "trial_results": "extractor",
    "risk_of_bias": "assessor",
    "guideline_statements": "extractor",
    "dosing_protocols": "extractor",
    "facts": "extractor",
    "review_results": "extractor",
}

def software_versions() -> pd.DataFrame:
    """One row per piece of software: name and version as installed in the environment that built the page."""
    rows = [{"Software": "Python", "Version": platform.python_version()}]
    for name in PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "not installed"
        rows.append({"Software": name, "Version": version})
    return pd.DataFrame(rows)


def extraction_summary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per extraction table: rows, distinct extractors, rows with a verifier (second check)."""
    rows = []
    for name, person in EXTRACTION_TABLES.items():
        if name not in tables:
            continue
        frame = tables[name]
        verified = frame["verifier"].astype("string").str.strip().fillna("").ne("") if "verifier" in frame else pd.Series(False, index=frame.index)
        rows.append(
            {
                "Table": f"{name}.csv",
                "Rows": len(frame),
                "Extractors": int(frame[person].nunique()) if person in frame else 0,
                "Rows verified": int(verified.sum()),
            }
        )
    return pd.DataFrame(rows)


def condition_groups() -> pd.DataFrame:
    """The grouping by condition used for the syntheses: one row per evidence chapter."""
    return pd.DataFrame(
        [
            {"Chapter": GROUP_TITLES.get(group, group), "Conditions (values of studies.csv 'condition')": ", ".join(c.replace("_", " ") for c in conditions)}
            for group, conditions in CONDITION_GROUPS.items()
        ]
    )

"""The numbers and sentences the book glues into its prose.

Every proportion is written with its numerator, denominator and an interval
that names its method (never Wald): "25 of 33 (76%; 95% CI 59–87%, Wilson)".
Provenance is written next to the number it qualifies, so a second-hand value
is never shown as if it had been read in the primary paper.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.pages import names
from analysis.stats.effects import clopper_pearson_ci, wilson_ci
from analysis.stats.numeric import round_half_up
from analysis.text import counted  # noqa: F401 - pages import it from here with the other sentence helpers

CI_METHODS = {"wilson": ("Wilson", wilson_ci), "clopper-pearson": ("Clopper–Pearson", clopper_pearson_ci)}


@dataclass(frozen=True)
class Proportion:
    """``events`` of ``n`` with a 95% interval by a named method."""

    events: int
    n: int
    low: float
    high: float
    method: str

    @property
    def share(self) -> float:
        return self.events / self.n

    def percent_text(self) -> str:
        """'76%' (whole percentages)."""
        return f"{round_half_up(100 * self.share)}%"

    def ci_text(self) -> str:
        """'95% CI 59–87%, Wilson'."""
        return f"95% CI {round_half_up(100 * self.low)}–{round_half_up(100 * self.high)}%, {self.method}"

    def __str__(self) -> str:
        """'25 of 33 (76%; 95% CI 59–87%, Wilson)'."""
        return f"{self.events} of {self.n} ({self.percent_text()}; {self.ci_text()})"


def proportion(events: int, n: int, method: str = "wilson") -> Proportion:
    """A proportion with its 95% interval: ``method`` is 'wilson' (default) or 'clopper-pearson'."""
    if method not in CI_METHODS:
        raise ValueError(f"unknown interval method {method!r}; use one of {', '.join(CI_METHODS)} (never Wald)")
    name, interval = CI_METHODS[method]
    low, high = (float(np.asarray(bound).reshape(-1)[0]) for bound in interval(int(events), int(n)))
    return Proportion(int(events), int(n), low, high, name)


PROVENANCE_TEXT = {
    ("primary", "confirmed"): "read in the primary report",
    ("secondary", "secondary_only"): "second-hand only: not yet confirmed against the primary report",
    ("primary", "conflicting"): "sources disagree",
    ("secondary", "conflicting"): "sources disagree",
}


def provenance_text(row: pd.Series | dict[str, Any]) -> str:
    """A short plain-language label for where a value comes from."""
    kind, status = str(row["source_kind"]), str(row["status"])
    text = PROVENANCE_TEXT.get((kind, status), f"{kind} source, {status.replace('_', ' ')}")
    if str(row.get("value_type")) == "computed":
        text += "; count computed from a reported percentage"
    return text


# n/N with its percentage, and the two intervals side by side in one cell: seven columns, so that a
# study's table (with its name before them) shows whole at a desktop width (issue 13).
PROPORTION_COLUMNS = ["Outcome", "Time point", "Denominator", "n/N (%)", "95% CI: Wilson; Clopper–Pearson", "Source", "Provenance"]
NOT_IN_DATA = "not in the data"


def series_values(study_id: str, studies: pd.DataFrame, outcomes: pd.DataFrame) -> dict[str, str]:
    """The values the retrospective-series page states, each as text: the study's label and size, the
    complete and partial relief after the first course and complete relief after the second, the
    provenance and source of the complete-relief figure.

    A value whose row is missing from the data (an outcomes file with only its header, a study
    removed, a time point renamed) reads "not in the data": the page says so instead of failing.
    Where several rows match, the one with the largest denominator is used.
    """
    out = dict.fromkeys(("label", "n_patients", "complete", "complete_pct", "partial", "second", "second_ci_exact", "provenance",
                         "source_name", "source_quote"), NOT_IN_DATA)
    study = studies[studies["study_id"] == study_id]
    if not study.empty:
        out["label"] = str(study.iloc[0]["label"])
        if pd.notna(study.iloc[0]["n_enrolled"]):
            out["n_patients"] = str(study.iloc[0]["n_enrolled"])
    rows = outcomes[(outcomes["study_id"] == study_id)].dropna(subset=["events", "n"])

    def find(outcome_id: str, timepoint: str) -> pd.Series | None:
        match = rows[(rows["outcome_id"] == outcome_id) & (rows["timepoint"] == timepoint)]
        return None if match.empty else match.sort_values("n", ascending=False).iloc[0]

    complete, partial, second = (find("complete_relief", "after first course"), find("partial_relief", "after first course"),
                                 find("complete_relief", "after second course"))
    if complete is not None:
        out["complete"] = str(proportion(complete["events"], complete["n"]))
        out["complete_pct"] = proportion(complete["events"], complete["n"]).percent_text()
        out["provenance"] = provenance_text(complete)
        out["source_quote"] = str(complete["source_quote"])
        from analysis.pages.names import name as reader_name

        out["source_name"] = reader_name(complete["source_report"])
    if partial is not None:
        out["partial"] = str(proportion(partial["events"], partial["n"]))
    if second is not None:
        out["second"] = str(proportion(second["events"], second["n"]))
        out["second_ci_exact"] = proportion(second["events"], second["n"], "clopper-pearson").ci_text()
    return out


def proportions_table(outcomes: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """One display row per proportion outcome: n/N, %, Wilson and Clopper–Pearson intervals, source."""
    labels = definitions.set_index("outcome_id")["label"]
    rows = []
    for _, row in outcomes.dropna(subset=["events", "n"]).iterrows():
        wilson = proportion(row["events"], row["n"], "wilson")
        exact = proportion(row["events"], row["n"], "clopper-pearson")
        rows.append(
            {
                "Outcome": labels.get(row["outcome_id"], row["outcome_id"]),
                "Time point": row["timepoint"],
                "Denominator": row["population"],
                "n/N (%)": f"{wilson.events}/{wilson.n} ({wilson.percent_text()})",
                "95% CI: Wilson; Clopper–Pearson": f"{round_half_up(100 * wilson.low)}–{round_half_up(100 * wilson.high)}%; "
                                                   f"{round_half_up(100 * exact.low)}–{round_half_up(100 * exact.high)}%",
                "Source": names.source(row["source_report"], row["source_location"]),
                "Provenance": provenance_text(row),
            }
        )
    return pd.DataFrame(rows, columns=PROPORTION_COLUMNS)


def captioned(table: Any, caption: str, name: str | None = None, index: bool = False) -> Any:
    """A table for a page: a DataFrame's (or Styler's) display with its caption, the index hidden unless ``index``.

    The book's build numbers every captioned table ("Table 12.") and ``name`` ('tbl-…') makes it a
    target for ``{numref}`` (analysis/tools/numbering.py); the caption is escaped like the cells."""
    import html

    styler = table.style if isinstance(table, pd.DataFrame) else table
    if not index:
        styler = styler.hide(axis="index")
    styler = styler.set_caption(html.escape(caption))
    if name:
        styler = styler.set_table_attributes(f'data-ref="{html.escape(name, quote=True)}"')
    return styler


# --------------------------------------------------------------------------
# Links from a table to the references page

# The id of a bibliography entry on the references page: ``bibtex_cite_id`` in _config.yml
# ("cite-{key}"), made into an HTML id as docutils makes it.
CITE_ID = "cite-{key}"
_BIB_KEY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)


def bibliography_keys(path: str | Path = "../data/references.bib") -> set[str]:
    """The keys of the book's bibliography (the references page lists every entry); the file is
    recorded as an input of the page that asks."""
    from analysis.data import record_read

    record_read(Path(path))
    return set(_BIB_KEY.findall(Path(path).read_text(encoding="utf-8")))


def reference_link(text: str, key: object, keys: set[str]) -> str:
    """HTML for a name in a table: a link to its entry on the references page when ``key`` is an
    entry of the bibliography, else the name as plain text; the name is always escaped."""
    from docutils.nodes import make_id

    shown = html.escape(text)
    if isinstance(key, str) and key in keys:
        return f'<a href="references.html#{make_id(CITE_ID.format(key=key))}">{shown}</a>'
    return shown


def with_html_columns(styler: Any, columns: list[str]) -> Any:
    """A Styler whose cells are all escaped except ``columns``, which hold HTML built (and escaped) in Python."""
    return styler.format(escape="html").format(escape=None, subset=columns)

"""The numbers and sentences the book glues into its prose.

Every proportion is written with its numerator, denominator and an interval
that names its method (never Wald): "25 of 33 (76%; 95% CI 59–87%, Wilson)".
Provenance is written next to the number it qualifies, so a second-hand value
is never shown as if it had been read in the primary paper.
"""

from __future__ import annotations

from dataclasses import dataclass
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
                "n/N": f"{wilson.events}/{wilson.n}",
                "%": wilson.percent_text(),
                "95% CI (Wilson)": f"{round_half_up(100 * wilson.low)}–{round_half_up(100 * wilson.high)}%",
                "95% CI (Clopper–Pearson)": f"{round_half_up(100 * exact.low)}–{round_half_up(100 * exact.high)}%",
                "Source": names.source(row["source_report"], row["source_location"]),
                "Provenance": provenance_text(row),
            }
        )
    return pd.DataFrame(rows)


def review_result_text(row: pd.Series | dict[str, Any]) -> str:
    """A published pooled result as printed: '−1.83 0-10 NRS points (95% CI −2.35 to −1.31; 7 studies, 211 participants)'."""

    def num(x: float) -> str:
        return f"{x:g}".replace("-", "−")

    text = f"{num(row['estimate'])}"
    if str(row.get("measure")) == "proportion":
        text += "%"
    elif pd.notna(row.get("scale")):
        text += f" ({row['scale']})"
    if pd.notna(row.get("ci_low")) and pd.notna(row.get("ci_high")):
        unit = "%" if str(row.get("measure")) == "proportion" else ""
        text += f", 95% CI {num(row['ci_low'])}{unit} to {num(row['ci_high'])}{unit}"
    extent = []
    if pd.notna(row.get("k_studies")):
        extent.append(counted(row["k_studies"], "study", "studies"))
    if pd.notna(row.get("n_participants")):
        extent.append(counted(row["n_participants"], "participant"))
    return text + (f"; {', '.join(extent)}" if extent else "")


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

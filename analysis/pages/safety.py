"""Adverse events and withdrawals: per study arm, and compared between arms where a trial allows.

Counts are patients with the event of patients at risk, with Wilson intervals; a
between-arm comparison is a risk ratio on the log scale (metafor's default 0.5
correction for zero cells, :func:`analysis.stats.effects.log_risk_ratio`), shown only for
trials that report the same event in both arms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.rules import arm_label
from analysis.pages import names
from analysis.pages.report import proportion, provenance_text
from analysis.stats import effects
from analysis.stats.numeric import z_for_level

CATEGORY_LABELS = {
    "adverse_event": "adverse event",
    "serious_adverse_event": "serious adverse event",
    "withdrawal_all_causes": "withdrawal (any cause)",
    "withdrawal_adverse_event": "withdrawal (adverse event)",
    "death": "death",
}


def reported_share(row: pd.Series) -> str:
    """What a study reports when it gives no count: its percentage, the count alone, or that the event was reported without numbers."""
    if pd.notna(row.get("percent")):
        return f"{row['percent']:g}% (count not reported)"
    if pd.notna(row.get("events")):
        return f"{int(row['events'])} patients (number at risk not reported)"
    return "reported, without a count or percentage"


def events_table(adverse_events: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """One display row per study × arm × event: n/N with its Wilson interval, and provenance."""
    labels = studies.set_index("study_id")["label"]
    rows = []
    for _, r in adverse_events.sort_values(["study_id", "category", "event", "arm"]).iterrows():
        counted = pd.notna(r["events"]) and pd.notna(r["n"])
        rows.append(
            {
                "Study": labels[r["study_id"]],
                "Arm": arm_label(r["arm"]),
                "Category": CATEGORY_LABELS.get(r["category"], r["category"]),
                "Event": r["event"],
                "When": r["timepoint"],
                "Patients with the event": str(proportion(r["events"], r["n"])) if counted else reported_share(r),
                "Provenance": provenance_text(r),
            }
        )
    return pd.DataFrame(rows)


def between_arm_ratios(adverse_events: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """Risk ratios (ketamine vs the other arm) for events counted in both arms of a trial."""
    labels = studies.set_index("study_id")["label"]
    counted = adverse_events.dropna(subset=["events", "n"])
    rows = []
    for (study, _category, event, when), group in counted.groupby(["study_id", "category", "event", "timepoint"]):
        arms = group.set_index("arm")
        if "ketamine" not in arms.index or len(arms) != 2:
            continue
        other = [a for a in arms.index if a != "ketamine"][0]
        k, c = arms.loc["ketamine"], arms.loc[other]
        es = effects.log_risk_ratio(k["events"], k["n"], c["events"], c["n"])
        yi, vi = float(np.ravel(es.yi)[0]), float(np.ravel(es.vi)[0])
        half = z_for_level(0.95) * np.sqrt(vi)
        rows.append(
            {
                "Study": labels[study],
                "Event": event,
                "When": when,
                "Ketamine": f"{k['events']}/{k['n']}",
                other.capitalize(): f"{c['events']}/{c['n']}",
                "Risk ratio (95% CI)": f"{np.exp(yi):.2f} ({np.exp(yi - half):.2f} to {np.exp(yi + half):.2f})",
                "Values confirmed in primary report": "yes" if (group["status"] == "confirmed").all() else "no",
            }
        )
    return pd.DataFrame(rows)


SAFETY_TOPICS = ("contraindication", "monitoring", "long_term_harm")


def safety_facts_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Contraindications, monitoring and long-term harms as each source states them, with the source and provenance."""
    rows = facts[facts["topic"].isin(SAFETY_TOPICS)]
    return pd.DataFrame(
        [{"Topic": str(r["topic"]).replace("_", " "), "Statement (as the source gives it)": r["statement"],
          "Kind of source": str(r["claim_kind"]).replace("_", " "), "Source": names.source(r["source_report"], r["source_location"]),
          "Provenance": provenance_text(r)} for _, r in rows.iterrows()]
    )

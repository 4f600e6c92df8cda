"""Compare published ketamine protocols by the total dose of one course.

This is arithmetic on what guidelines and studies published, for comparison only:
total = rate × hours per session × sessions, with weight-based rates (mg/kg/h)
multiplied by a stated reference body weight. It is not a dosing recommendation.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.figures.style import OKABE_ITO, plain_label  # noqa: F401 - also selects the headless backend

# A conventional adult reference body weight (the 70 kg "reference man" of
# pharmacology texts); a parameter of the comparison, not a patient's weight.
REFERENCE_WEIGHT_KG = 70.0

OKABE_ITO_BLUE, OKABE_ITO_ORANGE = OKABE_ITO["blue"], OKABE_ITO["orange"]


def total_dose_mg(rate: float, rate_unit: str, hours_per_session: float, sessions: int, weight_kg: float = REFERENCE_WEIGHT_KG) -> float:
    """Total milligrams in one course: rate (× weight if per kg) × hours × sessions."""
    if rate_unit == "mg/h":
        per_hour = rate
    elif rate_unit == "mg/kg/h":
        per_hour = rate * weight_kg
    else:
        raise ValueError(f"unknown rate unit {rate_unit!r}; expected mg/h or mg/kg/h")
    return float(per_hour * hours_per_session * sessions)


def protocol_table(protocols: pd.DataFrame, weight_kg: float = REFERENCE_WEIGHT_KG) -> pd.DataFrame:
    """One display row per protocol, with its total dose per course at the reference weight."""
    from analysis.pages.names import reader_text

    rows = []
    for _, p in protocols.iterrows():
        total = total_dose_mg(p["rate"], p["rate_unit"], p["hours_per_session"], p["sessions"], weight_kg)
        rows.append(
            {
                "Protocol": p["label"],
                "As published": p["schedule_text"],
                "Attributed to": reader_text(p["attributed_to"]),
                "Rate": f"{p['rate']:g} {p['rate_unit']}",
                "Hours per session": f"{p['hours_per_session']:g}",
                "Sessions": str(p["sessions"]),
                f"Total per course at {weight_kg:g} kg (mg)": f"{total:,.0f}",
                "Computed from the text": "yes: " + str(p["derivation"]).replace("hours_per_session", "hours per session") if p["value_type"] == "computed" else "no",
            }
        )
    return pd.DataFrame(rows)


def protocol_figure(protocols: pd.DataFrame, weight_kg: float = REFERENCE_WEIGHT_KG) -> tuple[Figure, str]:
    """Horizontal bars of total dose per course; returns (figure, alt text)."""
    totals = [
        total_dose_mg(p["rate"], p["rate_unit"], p["hours_per_session"], p["sessions"], weight_kg) for _, p in protocols.iterrows()
    ]
    labels = list(protocols["label"])
    colours = [OKABE_ITO_ORANGE if unit == "mg/kg/h" else OKABE_ITO_BLUE for unit in protocols["rate_unit"]]
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(labels) + 1.4))
    y = list(range(len(labels)))[::-1]
    ax.barh(y, totals, color=colours)
    for yi, total in zip(y, totals):
        ax.text(total, yi, f" {total:,.0f} mg", va="center", fontsize=9)
    ax.set_yticks(y, [plain_label(x) for x in labels])
    ax.set_xlabel(f"Total ketamine in one course (mg), at a reference body weight of {weight_kg:g} kg")
    ax.set_xlim(0, max(totals) * 1.25 if totals else 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Published protocols compared (not a dosing recommendation)", fontsize=10, loc="left")
    handles = [plt.Rectangle((0, 0), 1, 1, color=OKABE_ITO_BLUE), plt.Rectangle((0, 0), 1, 1, color=OKABE_ITO_ORANGE)]
    ax.legend(handles, ["fixed rate (mg/h)", f"weight-based (mg/kg/h) × {weight_kg:g} kg"], loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    parts = "; ".join(f"{label}: {total:,.0f} mg" for label, total in zip(labels, totals))
    alt = f"Bar chart of the total ketamine dose in one course of each published protocol, at a reference body weight of {weight_kg:g} kg. {parts}."
    return fig, alt


def statements_table(statements: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """One row per guideline statement: guideline (its citation), condition (topic), level, grade and certainty as stated,
    the statement quoted, and its provenance; 'not confirmed' where no source stating a grade was read."""
    from analysis.data.rules import CONDITION_LABELS
    from analysis.pages.names import reader_text
    from analysis.pages.report import provenance_text

    citations = reports.set_index("report_id")["citation"]

    def given(value: object, missing: str = "") -> str:
        return missing if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

    return pd.DataFrame([
        {"Guideline": reader_text(citations.get(s["guideline"], s["guideline"])),
         # the topic goes with the condition: seven columns show whole at a desktop width (issue 13)
         "Condition (topic)": (CONDITION_LABELS.get(str(s["condition"]), "All chronic pain" if s["condition"] == "general" else str(s["condition"]).replace("_", " "))
                               + f" ({str(s['topic']).replace('_', ' ')})"),
         "Evidence level (as stated)": given(s["evidence_level"]),
         "Grade": given(s["grade"], "not confirmed"), "Certainty": given(s["certainty"], "not confirmed"),
         "Statement (quoted)": s["source_quote"], "Provenance": provenance_text(s)}
        for _, s in statements.iterrows()
    ])

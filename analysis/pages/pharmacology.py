"""Bioavailability by route, metabolism and half-life, from data/facts.csv; public claims beside them.

Bioavailability (F) is the fraction of a dose that reaches the systemic circulation, by
definition 100% for intravenous dosing; each value here is shown exactly as its source gives
it (a single value, or a range low–high), with the kind of statement (measured in a study,
review, clinic claim) and its provenance. A route with no value in the data is shown as
"no value in the data": nothing is filled in, averaged or inferred.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from analysis.figures.style import OKABE_ITO, plain_label  # noqa: F401 - also selects the headless backend
from analysis.pages import names
from analysis.pages.audit import claim_number
from analysis.pages.report import provenance_text  # noqa: E402

# The routes the chapter reports on, in display order, with their labels.
ROUTES = {
    "iv": "Intravenous",
    "im": "Intramuscular",
    "intranasal": "Intranasal",
    "sublingual": "Sublingual",
    "oral": "Oral",
    "rectal": "Rectal",
    "topical": "Topical",
}
NO_VALUE = "no value in the data"

# Okabe–Ito colours by status, markers by kind of statement.
STATUS_COLOURS = {"confirmed": OKABE_ITO["blue"], "secondary_only": OKABE_ITO["orange"], "conflicting": OKABE_ITO["vermillion"]}
KIND_MARKERS = {"measured_in_study": "o", "review": "s", "clinic_claim": "D", "drug_label": "^"}
KIND_LABELS = {
    "measured_in_study": "measured in a study",
    "review": "review",
    "drug_label": "label",
    "regulation": "regulation",
    "guideline": "guideline",
    "survey": "survey",
    "clinic_claim": "clinic claim",
    "patient_comment": "patient comment",
    "expert_opinion": "expert opinion",
}
STATUS_LABELS = {"confirmed": "read in the primary report", "secondary_only": "second-hand only", "conflicting": "sources disagree"}


def has_value(row: pd.Series) -> bool:
    """True if the row states a number (value_low present)."""
    return pd.notna(row.get("value_low"))


def value_text(low: float | None, high: float | None, unit: str = "") -> str:
    """'20%', '11–17%', '120 minutes'; NO_VALUE when there is no number."""
    if low is None or pd.isna(low):
        return NO_VALUE
    sep = "" if unit.startswith("%") else " "
    text = f"{low:g}" if high is None or pd.isna(high) or high == low else f"{low:g}–{high:g}"
    return f"{text}{sep}{unit}" if unit else text


def bioavailability_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The bioavailability facts of the chapter's routes, in route order (the 'mixed' summary row excluded)."""
    rows = facts[(facts["topic"] == "bioavailability") & facts["route"].isin(list(ROUTES))].copy()
    rows["_order"] = rows["route"].map(list(ROUTES).index)
    return rows.sort_values(["_order", "value_low"], na_position="last").drop(columns="_order")


def routes_without_value(facts: pd.DataFrame) -> list[str]:
    """Routes (keys of ROUTES) for which no fact in the data gives a number."""
    rows = bioavailability_facts(facts)
    with_value = set(rows.loc[rows["value_low"].notna(), "route"])
    return [r for r in ROUTES if r not in with_value]


def bioavailability_table(facts: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """One display row per bioavailability fact, plus a 'no value in the data' row for each route without one."""
    rows = bioavailability_facts(facts)
    out = []
    for route, label in ROUTES.items():
        of_route = rows[rows["route"] == route]
        valued = of_route[of_route["value_low"].notna()]
        for _, r in valued.iterrows():
            out.append(
                {
                    "Route": label,
                    "Bioavailability (as stated)": value_text(r["value_low"], r["value_high"], str(r["unit"])),
                    "Kind": KIND_LABELS.get(str(r["claim_kind"]), str(r["claim_kind"])),
                    "Source": names.source(r["source_report"], r["source_location"]),
                    "Provenance": provenance_text(r),
                    "Notes": "" if pd.isna(r["notes"]) else names.reader_text(r["notes"]),
                }
            )
        if valued.empty:
            note = "; ".join(str(s) for s in of_route["statement"]) if len(of_route) else "no source in the data states a value"
            out.append({"Route": label, "Bioavailability (as stated)": NO_VALUE, "Kind": "", "Source": "", "Provenance": "", "Notes": note})
    return pd.DataFrame(out)


def bioavailability_figure(facts: pd.DataFrame) -> tuple[Figure, str]:
    """Each route's values as points (single values) or bars (ranges), coloured by status, marked by kind; returns (figure, alt)."""
    rows = bioavailability_facts(facts)
    labels = list(ROUTES.values())
    fig, ax = plt.subplots(figsize=(8.5, 0.62 * len(labels) + 1.6))
    parts = []
    for i, (route, label) in enumerate(ROUTES.items()):
        y = len(labels) - 1 - i
        valued = rows[(rows["route"] == route) & rows["value_low"].notna()]
        if valued.empty:
            ax.text(1, y, NO_VALUE, va="center", fontsize=8.5, style="italic", color="#555555")
            parts.append(f"{label}: {NO_VALUE}")
            continue
        offsets = [0.0] if len(valued) == 1 else [(k - (len(valued) - 1) / 2) * 0.22 for k in range(len(valued))]
        texts = []
        for off, (_, r) in zip(offsets, valued.iterrows()):
            colour = STATUS_COLOURS.get(str(r["status"]), OKABE_ITO["grey"])
            marker = KIND_MARKERS.get(str(r["claim_kind"]), "o")
            low, high = float(r["value_low"]), float(r["value_high"]) if pd.notna(r["value_high"]) else float(r["value_low"])
            if high > low:
                ax.plot([low, high], [y + off, y + off], color=colour, lw=3, solid_capstyle="butt")
            ax.plot([low] if high == low else [low, high], [y + off] * (1 if high == low else 2), marker=marker, color=colour,
                    markersize=7, linestyle="none", markeredgecolor="black", markeredgewidth=0.5)
            tag = f"{value_text(low, high, '%')}, {names.brief(r['source_report'])}" + (" (S-ketamine)" if "S-ketamine" in str(r["statement"]) else "")
            ax.text(high + 1.5, y + off, plain_label(tag), va="center", fontsize=7, color="#333333")
            texts.append(f"{value_text(low, high, '%')}{' of S-ketamine' if 'S-ketamine' in str(r['statement']) else ''} ({KIND_LABELS.get(str(r['claim_kind']), r['claim_kind'])}, "
                         f"{STATUS_LABELS.get(str(r['status']), r['status'])}, {names.name(r['source_report'])})")
        parts.append(f"{label}: " + "; ".join(texts))
    ax.set_yticks(range(len(labels)), [plain_label(x) for x in labels[::-1]])
    ax.set_xlim(0, 125)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("Bioavailability (% of the dose reaching the circulation), as each source states it")
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    kinds_present = [k for k in KIND_MARKERS if k in set(rows.loc[rows["value_low"].notna(), "claim_kind"])]
    statuses_present = [s for s in STATUS_COLOURS if s in set(rows.loc[rows["value_low"].notna(), "status"])]
    handles = [Line2D([], [], marker=KIND_MARKERS[k], color="#777777", linestyle="none", label=KIND_LABELS[k]) for k in kinds_present]
    handles += [Line2D([], [], color=STATUS_COLOURS[s], lw=3, label=STATUS_LABELS[s]) for s in statuses_present]
    ax.legend(handles=handles, loc="upper left", fontsize=7.5, frameon=True, framealpha=0.9)
    fig.tight_layout()
    alt = "Chart of ketamine bioavailability by route, one row per route, each source's value as a point or its range as a bar. " + ". ".join(parts) + "."
    return fig, alt


def metabolism_table(facts: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Facts on metabolism, metabolite potency and half-life, each with its value (if any), kind and provenance."""
    order = ["metabolism", "metabolite_potency", "half_life"]
    rows = facts[facts["topic"].isin(order)].copy()
    rows["_order"] = rows["topic"].map(order.index)
    out = []
    for _, r in rows.sort_values("_order").iterrows():
        out.append(
            {
                "Topic": str(r["topic"]).replace("_", " "),
                "Value (as stated)": value_text(r["value_low"], r["value_high"], "" if pd.isna(r["unit"]) else str(r["unit"])) if has_value(r) else "",
                "Statement": r["statement"],
                "Kind": KIND_LABELS.get(str(r["claim_kind"]), str(r["claim_kind"])),
                "Source": names.source(r["source_report"], r["source_location"]),
                "Provenance": provenance_text(r),
            }
        )
    return pd.DataFrame(out)


def claim_speaker(row: pd.Series) -> str:
    """Whose claim a claims row is: the text's author, or a reader commenting on it."""
    text = names.name(row["source_report"])
    location = str(row["source_location"])
    if "comment" in location.lower():
        who = "the site host replying to a reader" if "reply" in location.lower() else "a reader's comment"
        return f"{who} ({location}) on {text}"
    return text


def quoted_claims_table(claims: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """The public texts' claims on the given topics, quoted, with whose claim it is and the audit's verdict (if made)."""
    rows = claims[claims["topic"].isin(topics)]
    out = []
    for _, c in rows.iterrows():
        verdict = "" if pd.isna(c["verdict"]) else str(c["verdict"]).replace("_", " ")
        out.append(
            {
                "Claim": claim_number(c["claim_id"]),
                "Whose claim": claim_speaker(c),
                "Where": c["source_location"],
                "Quoted": f"“{c['source_quote']}”",
                "Audit verdict": verdict or "not yet audited",
            }
        )
    return pd.DataFrame(out)


def facts_table(facts: pd.DataFrame, reports: pd.DataFrame, fact_ids: list[str]) -> pd.DataFrame:
    """The named facts, in the order given, as statements with kind of source, source and provenance (unknown ids refused)."""
    by_id = facts.set_index("fact_id")
    missing = [f for f in fact_ids if f not in by_id.index]
    if missing:
        raise KeyError(f"no such fact_id in facts.csv: {', '.join(missing)}")
    return pd.DataFrame(
        [
            {
                "Statement (as the source gives it)": by_id.loc[fid, "statement"],
                "Quoted": f"“{by_id.loc[fid, 'source_quote']}”",
                "Kind": KIND_LABELS.get(str(by_id.loc[fid, "claim_kind"]), str(by_id.loc[fid, "claim_kind"])),
                "Source": names.source(by_id.loc[fid, "source_report"], by_id.loc[fid, "source_location"]),
                "Provenance": provenance_text(by_id.loc[fid]),
            }
            for fid in fact_ids
        ]
    )


def mechanism_numbers(claims: pd.DataFrame, facts: pd.DataFrame) -> dict[str, str]:
    """The counts the mechanisms chapter states: the public texts' claims about mechanism, how many name the
    NMDA receptor, and the sources on norketamine's potency (how many were read in a primary report)."""
    from analysis.pages.report import counted, proportion

    mechanism = claims[claims["topic"] == "mechanism"]
    names_nmda = mechanism["source_quote"].str.contains("NMDA|N-methyl", case=False, regex=True)
    potency = facts[facts["topic"] == "metabolite_potency"]
    confirmed = int((potency["status"] == "confirmed").sum())
    return {
        "n_mech_claims": counted(len(mechanism), "claim"),
        "n_mech_texts": counted(mechanism["source_report"].nunique(), "public text"),
        "p_nmda": str(proportion(int(names_nmda.sum()), len(mechanism))),
        "norket_range": value_text(float(potency["value_low"].min()), float(potency["value_high"].max()), "%"),
        "n_potency": counted(len(potency), "source"),
        "potency_confirmed": ("none of them was read in a primary report that measured it" if confirmed == 0
                              else f"{counted(confirmed, 'of them was', 'of them were')} read in a primary report"),
    }

"""Cost per infusion, insurance statements and legal status, from data/facts.csv.

Prices are shown exactly as each source states them (a single amount or a range
low–high, in the source's own unit), labelled by the kind of source: a survey, a clinic's
claim, a patient's comment or a cost guide (recorded as 'review'). Nothing is averaged:
the sources differ in what they price (a session, a 4-hour infusion, an infusion for
pain) and none states how its figures were collected. A lower end recorded as 0 that
stands for "just a co-pay" is marked as such, not read as a price of zero.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import StrMethodFormatter  # noqa: E402

from analysis.figures.style import OKABE_ITO, plain_label  # noqa: F401 - also selects the headless backend
from analysis.pages import names  # noqa: E402
from analysis.pages.pharmacology import KIND_LABELS  # noqa: E402
from analysis.pages.report import provenance_text  # noqa: E402

# Okabe–Ito colours and markers by kind of source.
KIND_STYLE = {
    "survey": (OKABE_ITO["bluish_green"], "o"),
    "clinic_claim": (OKABE_ITO["vermillion"], "D"),
    "patient_comment": (OKABE_ITO["blue"], "s"),
    "review": (OKABE_ITO["reddish_purple"], "^"),
    "expert_opinion": (OKABE_ITO["orange"], "v"),
}
COST_KIND_LABELS = {**KIND_LABELS, "review": "cost guide (method not stated)"}
COST_KIND_PLURALS = {"clinic_claim": "clinic claims", "patient_comment": "patient comments", "review": "cost guides (method not stated)",
                     "survey": "surveys", "expert_opinion": "expert opinions"}


def is_copay_stand_in(row: pd.Series) -> bool:
    """True when a recorded lower end of 0 stands for an unstated co-pay, not a price of zero."""
    return pd.notna(row.get("value_low")) and float(row["value_low"]) == 0 and "co-pay" in str(row["statement"]).lower()


def cost_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts of topic cost_per_infusion, ordered by their upper amount."""
    rows = facts[facts["topic"] == "cost_per_infusion"].copy()
    return rows.sort_values(["value_high", "value_low"], na_position="last").reset_index(drop=True)


def source_label(row: pd.Series, reports: pd.DataFrame) -> str:
    """'Thervo. Ketamine… (cost guide; year not stated)': the source's name (brief) and its kind, with the year where stated."""
    year = "year not stated" if pd.isna(row.get("year")) else f"{int(row['year'])}"
    return f"{names.brief(row['source_report'])} ({COST_KIND_LABELS.get(str(row['claim_kind']), row['claim_kind'])}; {year})"


def amount_text(row: pd.Series) -> str:
    """'$415–$1,350 per infusion session'; a co-pay stand-in is written as 'a co-pay'."""
    unit = str(row["unit"]).replace("USD ", "")
    low, high = float(row["value_low"]), float(row["value_high"])
    if is_copay_stand_in(row):
        return f"from a co-pay (amount not stated) to ${high:,.0f} {unit}"
    return f"${low:,.0f} {unit}" if high == low else f"${low:,.0f}–${high:,.0f} {unit}"


def cost_table(facts: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """One display row per cost statement: amount as stated, kind of source, year, quote, provenance."""
    out = []
    for _, r in cost_facts(facts).iterrows():
        out.append(
            {
                "Amount (as stated)": amount_text(r),
                "Kind of source": COST_KIND_LABELS.get(str(r["claim_kind"]), str(r["claim_kind"])),
                "Year": "not stated" if pd.isna(r["year"]) else str(int(r["year"])),
                "Quoted": f"“{r['source_quote']}”",
                "Source": names.source(r["source_report"], r["source_location"]),
                "Provenance": provenance_text(r),
                "Notes": "" if pd.isna(r["notes"]) else names.reader_text(r["notes"]),
            }
        )
    return pd.DataFrame(out)


def cost_figure(facts: pd.DataFrame, reports: pd.DataFrame) -> tuple[Figure, str]:
    """One row per source: a point (single amount) or a bar (range), coloured and marked by kind; returns (figure, alt)."""
    rows = cost_facts(facts)
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.8))
    parts, kinds = [], []
    top = max([float(v) for v in rows["value_high"].dropna()] or [1.0])
    for i, (_, r) in enumerate(rows.iterrows()):
        y = len(rows) - 1 - i
        colour, marker = KIND_STYLE.get(str(r["claim_kind"]), (OKABE_ITO["grey"], "o"))
        kinds.append(str(r["claim_kind"]))
        low, high = float(r["value_low"]), float(r["value_high"])
        if is_copay_stand_in(r):
            ax.plot([low, high], [y, y], color=colour, lw=3, linestyle=(0, (1, 1)), solid_capstyle="butt")
            ax.plot([high], [y], marker=marker, color=colour, markersize=8, markeredgecolor="black", markeredgewidth=0.5)
            ax.text(low, y + 0.28, "from 'just a co-pay' (amount not stated)", fontsize=7, color="#444444")
        elif high > low:
            ax.plot([low, high], [y, y], color=colour, lw=3, solid_capstyle="butt")
            ax.plot([low, high], [y, y], marker=marker, color=colour, markersize=8, linestyle="none", markeredgecolor="black", markeredgewidth=0.5)
        else:
            ax.plot([low], [y], marker=marker, color=colour, markersize=8, markeredgecolor="black", markeredgewidth=0.5)
        tag = amount_text(r).split(" per ")[0] if not is_copay_stand_in(r) else f"up to ${high:,.0f}"
        ax.text(high + top * 0.02, y, plain_label(tag), va="center", fontsize=7.5)
        parts.append(f"{source_label(r, reports)}: {amount_text(r)}")
    ax.set_yticks(range(len(rows)), [plain_label(source_label(r, reports)) for _, r in rows.iterrows()][::-1], fontsize=8)
    ax.set_xlim(0, top * 1.3)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("US dollars per infusion, as each source states it\n(what is priced differs between sources: see the unit of each in the table)")
    ax.xaxis.set_major_formatter(StrMethodFormatter("${x:,.0f}"))
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    handles = [Line2D([], [], color=KIND_STYLE[k][0], marker=KIND_STYLE[k][1], lw=3, label=COST_KIND_LABELS[k]) for k in KIND_STYLE if k in kinds]
    ax.legend(handles=handles, loc="upper right", fontsize=7.5, frameon=True, framealpha=0.9)
    fig.tight_layout()
    alt = ("Chart of the cost of one ketamine infusion as stated by each source in the data, one row per source, a point for a single "
           "amount and a bar for a range, marked by kind of source. " + ". ".join(parts) + ".")
    return fig, alt


def cost_summary(facts: pd.DataFrame) -> dict[str, object]:
    """Counts and extremes for the prose: number of statements, of sources, by kind, lowest and highest amount stated."""
    rows = cost_facts(facts)
    stated_lows = [float(r["value_low"]) for _, r in rows.iterrows() if not is_copay_stand_in(r)]
    return {
        "n_statements": len(rows),
        "n_reports": rows["source_report"].nunique(),
        "by_kind": rows["claim_kind"].value_counts().to_dict(),
        "n_survey": int((rows["claim_kind"] == "survey").sum()),
        "n_with_year": int(rows["year"].notna().sum()),
        "lowest": min(stated_lows) if stated_lows else None,
        "highest": float(rows["value_high"].max()) if len(rows) else None,
    }


_ACRONYMS = {"dea": "DEA", "fda": "FDA", "ndc": "NDC", "us": "US"}


def quoted(quote: object) -> str:
    """A source's words in quotation marks; a field of a structured record (``"dea_schedule": "CIII"``)
    is written as the field's name in words and its value: 'record field DEA schedule: “CIII”'."""
    import re

    text = str(quote)
    field = re.fullmatch(r'\s*"([A-Za-z_]+)"\s*:\s*"([^"]*)"\s*', text)
    if field:
        words = " ".join(_ACRONYMS.get(w.lower(), w.lower()) for w in field.group(1).split("_"))
        return f"record field {words}: “{field.group(2)}”"
    return f"“{text}”"


def statements_table(facts: pd.DataFrame, reports: pd.DataFrame, topics: list[str]) -> pd.DataFrame:
    """Facts of the given topics (insurance, legal status, DEA schedule) as quoted statements with kind and provenance."""
    rows = facts[facts["topic"].isin(topics)]
    return pd.DataFrame(
        [
            {
                "Topic": str(r["topic"]).replace("_", " ").replace("dea", "DEA"),
                "Quoted": quoted(r["source_quote"]),
                "Kind of source": KIND_LABELS.get(str(r["claim_kind"]), str(r["claim_kind"])),
                "Source": names.source(r["source_report"], r["source_location"]),
                "Provenance": provenance_text(r),
            }
            for _, r in rows.iterrows()
        ]
    )

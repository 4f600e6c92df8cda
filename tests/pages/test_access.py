"""Cost per infusion: each source's amount as stated, by kind of source, a co-pay never read as $0."""

import pandas as pd

from analysis.pages.access import amount_text, cost_figure, cost_summary, cost_table, is_copay_stand_in

REPORTS = pd.DataFrame({"report_id": ["src000", "src002"], "citation": ["Wells blog", "Goordeen 2022"]})
BASE = {"topic": "cost_per_infusion", "route": "iv", "source_location": "x", "source_quote": "q", "source_kind": "secondary",
        "status": "secondary_only", "year": None, "notes": None}
FACTS = pd.DataFrame([
    # src002, 'Insurance and Cost': "$415-$1,350 per infusion session" (row cost_per_infusion_src002).
    {**BASE, "source_report": "src002", "value_low": 415.0, "value_high": 1350.0, "unit": "USD per infusion session",
     "claim_kind": "clinic_claim", "statement": "between $415 and $1,350"},
    # src000, paragraph 11: "from just a co-pay to $1,450 per 4 hour infusion" (row cost_per_infusion_src000).
    {**BASE, "source_report": "src000", "value_low": 0.0, "value_high": 1450.0, "unit": "USD per 4-hour infusion",
     "claim_kind": "clinic_claim", "statement": "from just a co-pay up to $1,450"},
    # src000, comment 1: "$750 per infusion" (row cost_per_infusion_src000_comment).
    {**BASE, "source_report": "src000", "value_low": 750.0, "value_high": 750.0, "unit": "USD per infusion",
     "claim_kind": "patient_comment", "statement": "$750", "year": 2016},
])


def test_copay_stand_in_is_not_a_price_of_zero():
    row = FACTS.iloc[1]
    assert is_copay_stand_in(row)
    assert amount_text(row) == "from a co-pay (amount not stated) to $1,450 per 4-hour infusion"
    assert cost_summary(FACTS)["lowest"] == 415


def test_amounts_as_stated():
    assert amount_text(FACTS.iloc[0]) == "$415–$1,350 per infusion session"
    assert amount_text(FACTS.iloc[2]) == "$750 per infusion"


def test_summary_counts_kinds_and_years():
    s = cost_summary(FACTS)
    assert s["n_statements"] == 3 and s["n_reports"] == 2 and s["n_survey"] == 0 and s["n_with_year"] == 1
    assert s["by_kind"] == {"clinic_claim": 2, "patient_comment": 1} and s["highest"] == 1450


def test_table_and_figure_one_row_per_source_labelled_by_kind_and_year():
    table = cost_table(FACTS, REPORTS)
    assert len(table) == 3 and set(table["Kind of source"]) == {"clinic claim", "patient comment"}
    assert list(table["Year"]) == ["2016", "not stated", "not stated"]
    fig, alt = cost_figure(FACTS, REPORTS)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    # sources by name, never by id (analysis/pages/names.py)
    assert "Clinic physician's blog post (Ketamine Blog) (patient comment; 2016)" in labels
    assert "ASRA Pain Medicine News article (2022) (clinic claim; year not stated)" in labels
    assert not any("src0" in label for label in labels)
    assert "$415–$1,350 per infusion session" in alt and "from a co-pay (amount not stated) to $1,450" in alt

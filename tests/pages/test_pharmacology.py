"""Bioavailability table and figure: values as stated, routes without a value shown as such, never filled in."""

import pandas as pd

from analysis.pages.pharmacology import (
    NO_VALUE,
    ROUTES,
    bioavailability_figure,
    bioavailability_table,
    claim_speaker,
    quoted_claims_table,
    routes_without_value,
    value_text,
)

REPORTS = pd.DataFrame({"report_id": ["a", "b"], "citation": ["Study A 2003", "Review B"]})


def facts(rows):
    base = {"topic": "bioavailability", "unit": "%", "claim_kind": "measured_in_study", "source_report": "a",
            "source_location": "abstract", "source_kind": "primary", "status": "confirmed", "notes": None, "statement": "s"}
    return pd.DataFrame([{**base, **r} for r in rows])


FACTS = facts([
    # Biopharm Drug Dispos 2003 abstract: tablet ~20%, nasal ~45% (rows bioavail_*_bdd2003_ketamine_preps).
    {"route": "oral", "value_low": 20.0, "value_high": 20.0},
    {"route": "intranasal", "value_low": 45.0, "value_high": 45.0},
    # Pharmacotherapy 2022 Table 6: intranasal F 11-17% (row bioavail_intranasal_phar2669).
    {"route": "intranasal", "value_low": 11.0, "value_high": 17.0},
    {"route": "im", "value_low": 93.0, "value_high": 93.0, "claim_kind": "review", "source_report": "b",
     "source_kind": "secondary", "status": "secondary_only"},
    {"route": "topical", "value_low": None, "value_high": None, "statement": "No value for topical ketamine was found."},
    {"route": "mixed", "value_low": None, "value_high": None},
])


def test_value_text():
    assert value_text(20, 20, "%") == "20%"
    assert value_text(11, 17, "%") == "11–17%"
    assert value_text(120, 120, "minutes") == "120 minutes"
    assert value_text(None, None, "%") == NO_VALUE


def test_routes_without_value_are_listed_not_filled_in():
    assert routes_without_value(FACTS) == ["iv", "sublingual", "rectal", "topical"]
    table = bioavailability_table(FACTS, REPORTS)
    missing = table[table["Bioavailability (as stated)"] == NO_VALUE]
    assert list(missing["Route"]) == [ROUTES[r] for r in ("iv", "sublingual", "rectal", "topical")]
    assert "No value for topical" in missing.set_index("Route").loc["Topical", "Notes"]


def test_each_value_keeps_its_kind_and_provenance():
    table = bioavailability_table(FACTS, REPORTS).set_index("Bioavailability (as stated)")
    assert table.loc["93%", "Kind"] == "review"
    assert table.loc["93%", "Provenance"].startswith("second-hand only")
    assert table.loc["11–17%", "Provenance"] == "read in the primary report"


def test_figure_marks_missing_routes_and_lists_values_in_alt():
    fig, alt = bioavailability_figure(FACTS)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count(NO_VALUE) == 4
    assert "Intranasal: 11–17%" in alt and "45%" in alt and f"Topical: {NO_VALUE}" in alt


def test_claims_say_whose_claim():
    claims = pd.DataFrame([
        {"claim_id": "src002_07", "source_report": "src002", "source_location": "section 'Introduction', paragraph 1",
         "source_quote": "norketamine ... 20%-30%", "topic": "pharmacology", "verdict": None},
        {"claim_id": "src000_39", "source_report": "src000", "source_location": "readers' comments, comment 1",
         "source_quote": "It was $750 per infusion", "topic": "cost", "verdict": None},
    ])
    assert claim_speaker(claims.iloc[0]) == "ASRA Pain Medicine News article (2022)"
    assert claim_speaker(claims.iloc[1]).startswith("a reader's comment")
    table = quoted_claims_table(claims, ["pharmacology"])
    assert list(table["Claim"]) == ["7"] and table.loc[0, "Audit verdict"] == "not yet audited"


def test_facts_table_keeps_order_and_refuses_unknown_ids():
    import pytest

    from analysis.pages.pharmacology import facts_table

    f = FACTS.assign(fact_id=[f"f{i}" for i in range(len(FACTS))], source_quote="q")
    table = facts_table(f, REPORTS, ["f3", "f0"])
    assert list(table["Statement (as the source gives it)"]) == list(f.set_index("fact_id").loc[["f3", "f0"], "statement"])
    assert "Fact" not in table.columns and table.loc[0, "Kind"] == "review"
    with pytest.raises(KeyError, match="nope"):
        facts_table(f, REPORTS, ["nope"])

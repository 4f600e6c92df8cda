"""Tables and numbers that used to be computed inside the chapters, now in the page modules."""

from __future__ import annotations

import pandas as pd

from analysis.data import load_table
from analysis.pages import dosing, grading, pharmacology, prisma, safety


def test_domain_table_shows_each_domain_move_and_the_certainty():
    rated = grading.rate(load_table("certainty_ratings"))
    table = grading.domain_table(rated)
    assert len(table) == len(rated) > 0
    assert set(grading.DOMAIN_LABELS[d] for d in grading.DOWN_DOMAINS) <= set(table.columns)
    assert all(c.endswith(("high", "moderate", "low", "very low", "evidence")) for c in table["Certainty"])


def test_guideline_statements_say_not_confirmed_where_no_grade_was_read():
    statements = load_table("guideline_statements")
    table = dosing.statements_table(statements, load_table("reports"))
    assert len(table) == len(statements)
    assert (table["Grade"] == "not confirmed").sum() == statements["grade"].isna().sum()
    assert not table["Condition"].str.contains("_").any()


def test_safety_facts_table_keeps_only_safety_topics():
    facts = load_table("facts")
    table = safety.safety_facts_table(facts)
    assert len(table) == facts["topic"].isin(safety.SAFETY_TOPICS).sum() > 0
    assert set(table["Topic"]) <= {"contraindication", "monitoring", "long term harm"}


def test_search_log_has_one_row_per_search_and_spaced_report_lists():
    searches = load_table("searches")
    log = prisma.search_log(searches)
    assert len(log) == len(searches)
    assert not log["Reports found"].str.contains(";[^ ]", regex=True).any()


def test_mechanism_numbers_count_the_claims_about_mechanism():
    claims = pd.DataFrame({"topic": ["mechanism", "mechanism", "cost"], "source_report": ["src001", "src002", "src001"],
                           "source_quote": ["blocks the NMDA receptor", "rewires the brain", "costs $500"]})
    facts = pd.DataFrame({"topic": ["metabolite_potency", "metabolite_potency"], "value_low": [20.0, 10.0], "value_high": [30.0, 33.0],
                          "status": ["secondary_only", "confirmed"]})
    n = pharmacology.mechanism_numbers(claims, facts)
    assert n["n_mech_claims"] == "2 claims" and n["n_mech_texts"] == "2 public texts"
    assert n["p_nmda"].startswith("1 of 2")
    assert n["n_potency"] == "2 sources" and n["potency_confirmed"] == "1 of them was read in a primary report"


def test_summary_of_findings_takes_the_synthesis_and_the_recorded_certainty():
    from analysis.pages.summary import findings

    f = findings()
    rated = grading.rate(load_table("certainty_ratings")).set_index("rating_id")
    assert list(f.sof["Certainty"]) == [rated.loc[r, "certainty"] for r in f.effects]
    table, notes = grading.sof_table("all_vs_placebo", rated.reset_index(), load_table("outcomes"), load_table("adverse_events"),
                                     load_table("studies"), f.effects)
    assert list(table["Relative effect (95% CI)"]) == [e[2] for e in f.effects.values()]
    assert notes and all(n[1] == "." for n in notes)

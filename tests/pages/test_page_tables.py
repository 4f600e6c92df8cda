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
    # the page shows it in two halves, which hold every column of the whole once (Outcome in both)
    down, up = grading.domain_table(rated, "down"), grading.domain_table(rated, "up")
    assert list(down.columns) == ["Outcome", "Start"] + [grading.DOMAIN_LABELS[d] for d in grading.DOWN_DOMAINS]
    assert list(up.columns) == ["Outcome"] + [grading.DOMAIN_LABELS[d] for d in grading.UP_DOMAINS] + ["Certainty"]
    assert pd.concat([down, up.drop(columns="Outcome")], axis=1).equals(table)


def test_guideline_statements_say_not_confirmed_where_no_grade_was_read():
    statements = load_table("guideline_statements")
    table = dosing.statements_table(statements, load_table("reports"))
    assert len(table) == len(statements)
    assert (table["Grade"] == "not confirmed").sum() == statements["grade"].isna().sum()
    assert not table["Condition (topic)"].str.contains("_").any()


def test_safety_facts_table_keeps_only_safety_topics():
    facts = load_table("facts")
    table = safety.safety_facts_table(facts)
    assert len(table) == facts["topic"].isin(safety.SAFETY_TOPICS).sum() > 0
    assert set(table["Topic"]) <= {"contraindication", "monitoring", "long term harm"}


def test_search_log_has_one_row_per_search_and_names_reports_in_words():
    searches = load_table("searches")
    log = prisma.search_log(searches, prisma.report_names(load_table("reports"), load_table("studies")))
    assert len(log) == len(searches)
    found = log["Records (relevant); reports found"]
    assert not found.str.contains(r"\b[a-z]+[0-9]{4}[a-z]?\b|_r[0-9]", regex=True).any(), "a report id is shown"
    assert found.str.contains("found Sigtermans 2009").any()


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


def test_grade_domains_computed_from_a_pooled_analysis():
    j = grading.judgements_from_synthesis
    # one trial: consistency not judged; a wide CI and few events: very serious imprecision
    assert j(1, 0.8, 3.0, 0.0, 20)["inconsistency"][0] == "not_applicable"
    assert j(1, 0.8, 3.0, 0.0, 20)["imprecision"][0] == "very_serious"
    # I² of 60%: serious inconsistency; a CI that excludes 1 with 400 events: not imprecise
    four = j(4, 1.5, 3.0, 60.0, 400, 0.9, 5.0, tau2=0.2)
    assert four["inconsistency"][0] == "serious" and four["imprecision"][0] == "not_serious"
    # no heterogeneity: a wide prediction interval does not count as inconsistency
    assert j(4, 2.3, 10.0, 0.0, 41, 0.5, 40.0, tau2=0.0)["inconsistency"][0] == "not_serious"
    # heterogeneity with a prediction interval that includes 1 while the CI does not: serious
    assert j(5, 1.2, 2.0, 30.0, 500, 0.8, 3.0, tau2=0.05)["inconsistency"][0] == "serious"
    # with the control arms' counts, imprecision is judged against the information size computed from their risk
    # (7 of 64, a 25% relative increase: 4524), not against 300 events
    small = j(2, 2.3, 10.0, 0.0, 41, control=(7, 64), size=128)["imprecision"]
    assert small[0] == "serious" and "128 patient-periods, fewer than the optimal information size of 4,524" in small[1]
    assert j(2, 1.1, 1.3, 0.0, 41, control=(7, 64), size=5000)["imprecision"][0] == "not_serious"  # 41 events, yet large enough
    assert j(2, 1.1, 1.3, 0.0, 400, control=(0, 64), size=128)["imprecision"][0] == "not_serious"  # no control risk: 300 events rule
    # publication bias is assessed only with ten trials or more
    assert "publication_bias" not in j(9, 1.2, 2.0, 0.0, 500, egger_p=0.01)
    assert j(10, 1.2, 2.0, 0.0, 500, egger_p=0.01)["publication_bias"][0] == "suspected"


def test_the_summary_rating_uses_the_computed_domains():
    from analysis.pages.summary import POOLED_RATING, computed_judgements

    computed = computed_judgements()[POOLED_RATING]
    rated = grading.rate(load_table("certainty_ratings"), {POOLED_RATING: computed}).set_index("rating_id")
    for domain, (judgement, reason) in computed.items():
        assert rated.loc[POOLED_RATING, domain] == judgement and rated.loc[POOLED_RATING, f"{domain}_reason"] == reason

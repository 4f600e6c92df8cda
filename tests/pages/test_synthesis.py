"""The synthesis rules, on small invented data (not review data): pairing arms, Mantel–Haenszel pooling,
effect directions, the sign test, time windows, unlabelled spreads and the overlap of reviews."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.data import load_table, rules
from analysis.pages import reviews as R
from analysis.pages import synthesis as S
from analysis.stats.numeric import binomial_two_sided_p

STUDY_COLS = ["study_id", "label", "design", "role", "condition", "n_enrolled", "n_ketamine", "n_control", "comparator"]
OUT_COLS = ["study_id", "arm", "outcome_id", "timepoint", "timepoint_days", "events", "n", "source_kind", "status", "verifier"]


def frame(rows: list[list[object]], cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=cols)


@pytest.fixture
def studies() -> pd.DataFrame:
    return frame(
        [["t1", "Trial 1", "rct_parallel", "included", "crps", 40, 20, 20, "placebo"],
         ["t2", "Trial 2", "rct_crossover", "included", "fibromyalgia", 12, 12, 12, "midazolam"],
         ["t3", "Trial 3", "rct_parallel", "included", "cancer_pain", 30, 15, 15, "morphine; placebo"],
         ["s1", "Series 1", "retrospective_case_series", "included", "crps", 50, None, None, "none"]],
        STUDY_COLS,
    )


def out(rows: list[list[object]]) -> pd.DataFrame:
    return frame(rows, OUT_COLS)


def test_pairs_prefer_placebo_and_add_up_ketamine_doses(studies):
    o = out([
        ["t3", "ketamine_low", "responders_50", "end of infusion", 0, 4, 8, "primary", "confirmed", "v2"],
        ["t3", "ketamine_high", "responders_50", "end of infusion", 0, 5, 7, "primary", "confirmed", "v2"],
        ["t3", "morphine", "responders_50", "end of infusion", 0, 6, 15, "primary", "confirmed", "v2"],
        ["t3", "placebo", "responders_50", "end of infusion", 0, 1, 15, "primary", "confirmed", "v2"],
    ])
    (p,) = S.binary_pairs(o, studies, "responders_50").to_dict("records")
    assert (p["e1"], p["n1"], p["e2"], p["n2"]) == (9, 15, 1, 15)
    assert p["control_role"] == "placebo" and p["window"] == "during or just after the infusion"


def test_same_day_arms_worded_differently_are_one_comparison_and_no_arm_is_counted_twice(studies):
    o = out([
        ["t2", "ketamine", "responders_50", "15 min after infusion", 0, 8, 12, "primary", "confirmed", "v1"],
        ["t2", "midazolam", "responders_50", "at 15 minutes", 0, 3, 12, "primary", "confirmed", "v1"],
        ["t2", "ketamine", "responders_50", "180 min", 0, 6, 12, "primary", "confirmed", "v1"],
    ])
    (p,) = S.binary_pairs(o, studies, "responders_50").to_dict("records")
    assert (p["e1"], p["n1"], p["e2"], p["n2"]) == (8, 12, 3, 12)
    assert p["crossover"] and p["control_role"] == "active_placebo"


def test_only_primary_confirmed_double_extracted_values_are_pooled(studies):
    o = out([
        ["t1", "ketamine", "responders_50", "end", 0, 10, 20, "primary", "confirmed", "v1"],
        ["t1", "placebo", "responders_50", "end", 0, 4, 20, "primary", "confirmed", None],
        ["t2", "ketamine", "responders_50", "end", 0, 7, 12, "secondary", "secondary_only", "v1"],
        ["t2", "midazolam", "responders_50", "end", 0, 2, 12, "secondary", "secondary_only", "v1"],
    ])
    pairs = S.binary_pairs(o, studies, "responders_50").set_index("study_id")
    assert not pairs.loc["t1", "primary"] and "second time" in pairs.loc["t1", "why_not"]
    assert not pairs.loc["t2", "primary"] and "second-hand" in pairs.loc["t2", "why_not"]
    assert S.pool_binary(pairs.reset_index(), "x").k == 0
    assert S.pool_binary(pairs.reset_index(), "x", include_second_hand=True).k == 1


def test_mantel_haenszel_risk_ratio_is_the_hand_formula(studies):
    o = out([
        ["t1", "ketamine", "responders_50", "end", 0, 10, 20, "primary", "confirmed", "v1"],
        ["t1", "placebo", "responders_50", "end", 0, 4, 20, "primary", "confirmed", "v1"],
        ["t2", "ketamine", "responders_50", "end", 0, 6, 12, "primary", "confirmed", "v1"],
        ["t2", "midazolam", "responders_50", "end", 0, 3, 12, "primary", "confirmed", "v1"],
    ])
    meta = S.pool_binary(S.binary_pairs(o, studies, "responders_50"), "x")
    # Mantel & Haenszel (1959): RR = sum(a n2 / N) / sum(c n1 / N) = (10*20/40 + 6*12/24) / (4*20/40 + 3*12/24) = 8 / 3.5
    assert meta.k == 2
    assert math.exp(meta.mh_rr.estimate) == pytest.approx(8 / 3.5)
    # risk difference = sum((a n2 - c n1)/N) / sum(n1 n2 / N) = (3 + 1.5) / (10 + 6)
    assert meta.mh_rd.estimate == pytest.approx(4.5 / 16)


def test_sign_test_counts_directions_and_uses_the_exact_binomial():
    d = pd.DataFrame({"domain": ["pain"] * 10, "direction": ["favours_ketamine"] * 7 + ["favours_control"] + ["no_difference"] * 2,
                      "verified": [True] * 10, "primary": [True] * 10})
    t = S.sign_test(d, "pain")
    assert (t.favour, t.against, t.no_direction) == (7, 1, 2)
    assert t.p == pytest.approx(0.0703125)  # R: binom.test(7, 8)$p.value
    assert t.low == pytest.approx(0.4734903, abs=1e-6) and t.high == pytest.approx(0.9968403, abs=1e-6)  # R: binom.test(7, 8)$conf.int


def test_binomial_p_matches_r():
    # R 4.x: binom.test(2, 20)$p.value = 0.0004024506; binom.test(5, 10)$p.value = 1
    assert binomial_two_sided_p(2, 20) == pytest.approx(0.0004024506, rel=1e-6)
    assert binomial_two_sided_p(5, 10) == 1.0


def test_direction_prefers_a_stated_placebo_result_at_the_first_time_point(studies):
    res = pd.DataFrame([
        {"study_id": "t3", "comparison": "ketamine vs morphine", "domain": "pain", "outcome": "pain", "timepoint": "day 1", "timepoint_days": 1,
         "direction": "favours_control", "p_value": "0.01", "verifier": "v", "source_kind": "primary"},
        {"study_id": "t3", "comparison": "ketamine vs placebo", "domain": "pain", "outcome": "pain", "timepoint": "week 4", "timepoint_days": 28,
         "direction": "no_difference", "p_value": "0.4", "verifier": "v", "source_kind": "primary"},
        {"study_id": "t3", "comparison": "ketamine vs placebo", "domain": "pain", "outcome": "pain", "timepoint": "day 1", "timepoint_days": 1,
         "direction": "favours_ketamine", "p_value": "0.02", "verifier": "v", "source_kind": "primary"},
        {"study_id": "t1", "comparison": "ketamine, before vs after treatment", "domain": "pain", "outcome": "pain", "timepoint": "day 1",
         "timepoint_days": 1, "direction": "favours_ketamine", "p_value": "", "verifier": "v", "source_kind": "primary"},
    ])
    empty_out = out([])
    ae = pd.DataFrame(columns=["study_id", "arm", "category", "event", "event_group", "timepoint", "events", "n", "source_kind", "status", "verifier"])
    rob = pd.DataFrame(columns=["study_id", "tool", "domain", "judgement"])
    d = S.direction_table(res, empty_out, ae, studies, rob)
    assert list(d["study_id"]) == ["t3"]  # a before-after change is not a direction of effect
    assert d.iloc[0]["direction"] == "favours_ketamine"


def test_time_windows_match_the_issue_of_record():
    assert [rules.time_window(x) for x in (0, 0.5, 2, 7, 14, 21, 35, 42, None)] == [
        "during or just after the infusion", "up to 48 hours", "up to 48 hours", "1 to 2 weeks", "1 to 2 weeks", "3 to 5 weeks",
        "3 to 5 weeks", "6 weeks or more", ""]


def test_unlabelled_spread_is_read_as_se_unless_implausible():
    sd, how = rules.read_unlabelled_spread(0.5, 25, scale_range=10)
    assert (sd, how) == (2.5, "read as an SE")
    sd, how = rules.read_unlabelled_spread(0.5, 25, scale_range=10, conservative=False)
    assert (sd, how) == (0.5, "read as an SD")
    sd, how = rules.read_unlabelled_spread(3.0, 25, scale_range=10)  # as an SE it would be an SD of 15 on a 0-10 scale
    assert (sd, how) == (3.0, "read as an SD")


def test_may_pool_needs_a_second_extraction():
    assert rules.may_pool("primary", "confirmed", "included", "second-extractor-V1")
    assert not rules.may_pool("primary", "confirmed", "included", None)
    assert not rules.may_pool("primary", "confirmed", "included", "")
    assert not rules.may_pool("secondary", "secondary_only", "included", "x")
    assert not rules.may_pool("primary", "confirmed", "excluded", "x")


def test_arm_roles():
    assert [rules.arm_role(a) for a in ("ketamine", "ketamine_0_5mg_kg", "placebo", "saline", "midazolam", "lidocaine")] == [
        "ketamine", "ketamine", "placebo", "placebo", "active_placebo", "active_drug"]


def test_corrected_covered_area_pieper_2014():
    # Pieper 2014: CCA = (N - r) / (r c - r). 3 trials, 2 reviews, 4 inclusions: (4 - 3) / (6 - 3) = 33.3%.
    m = pd.DataFrame({"Review A": [1, 1, 1], "Review B": [1, 0, 0]}, index=["T1", "T2", "T3"])
    assert R.corrected_covered_area(m) == pytest.approx(100 / 3)
    assert math.isnan(R.corrected_covered_area(m[["Review A"]]))


def test_arm_names_are_shown_in_words():
    assert [rules.arm_label(a) for a in ("ketamine_0_5mg_kg", "ketamine_0_25mg_kg_magnesium", "placebo")] == [
        "ketamine 0.5 mg/kg", "ketamine 0.25 mg/kg magnesium", "placebo"]


def test_mean_differences_on_other_scales_get_their_own_panel():
    assert [R.panel_of("MD", s) for s in ("0-10 NRS points", "0–10 scale", "0-100 mm VAS", None)] == ["MD", "MD", "MD_other", "MD_other"]
    assert R.panel_of("RR", None) == "RR"


# --------------------------------------------------------------------------- figures show exactly the eligible rows

def test_forest_plot_of_a_pooled_comparison_shows_exactly_the_pooled_trials(studies):
    from analysis.figures.forest import forest_plot

    o = out([
        ["t1", "ketamine", "responders_50", "end", 0, 10, 20, "primary", "confirmed", "v1"],
        ["t1", "placebo", "responders_50", "end", 0, 4, 20, "primary", "confirmed", "v1"],
        ["t2", "ketamine", "responders_50", "end", 0, 6, 12, "primary", "confirmed", "v1"],
        ["t2", "midazolam", "responders_50", "end", 0, 3, 12, "primary", "confirmed", "v1"],
        ["t3", "ketamine", "responders_50", "end", 0, 9, 15, "primary", "confirmed", None],  # not double-extracted: left out
        ["t3", "placebo", "responders_50", "end", 0, 1, 15, "primary", "confirmed", None],
    ])
    meta = S.pool_binary(S.binary_pairs(o, studies, "responders_50"), "x")
    assert list(meta.used["label"]) == ["Trial 1", "Trial 2"] and list(meta.left_out["label"]) == ["Trial 3"]
    fig, alt = forest_plot(meta.re_rr, measure="RR", labels=list(meta.used["label"]))
    labels = [t.get_text() for ax in fig.axes for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    assert labels == ["Trial 1", "Trial 2"]


def test_effect_direction_plot_has_one_row_per_trial_with_a_direction(studies):
    d = pd.DataFrame({
        "study_id": ["t1", "t1", "t3"], "domain": ["pain", "harms", "pain"],
        "direction": ["favours_ketamine", "favours_control", "no_difference"],
        "basis": ["x"] * 3, "result": ["r"] * 3, "verified": [True] * 3, "primary": [True] * 3,
        "label": ["Trial 1", "Trial 1", "Trial 3"], "group": ["crps", "crps", "cancer"], "n": [40, 40, 30],
        "rob": ["some_concerns", "some_concerns", "high"],
    })
    fig, alt = S.direction_figure(d)
    ax = fig.axes[0]
    assert [t.get_text().split(" (")[0] for t in ax.get_yticklabels()] == ["Trial 1", "Trial 3"]
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 3
    assert "Pain: 1 favours ketamine, 1 no difference stated." in alt


def test_results_list_every_synthesis_with_its_fields():
    import json

    from analysis.pages import results as RES

    records = RES.results()
    json.dumps(records, allow_nan=False)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert set(RES.FIELDS) <= set(r), r["id"]
    primary = next(r for r in records if r["id"] == "responders50_during_or_just_after_the_infusion")
    metas, _ = S.responder_analyses(load_table("outcomes"), load_table("studies"), load_table("risk_of_bias"))
    assert primary["k"] == metas[0].k and primary["estimate"] == pytest.approx(math.exp(metas[0].mh_rr.estimate), rel=1e-5)
    assert len(primary["sensitivity"]) == 5
    assert {"direction_pain", "direction_harms"} <= set(ids)


def test_results_command_prints_the_same_json():
    import json
    import subprocess
    import sys

    from analysis.pages import results as RES

    done = subprocess.run([sys.executable, "-m", "analysis", "results", "--json"], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == json.loads(json.dumps(RES.results()))


def test_pairs_table_links_trial_names_and_escapes_the_rest():
    import pandas as pd

    pairs = pd.DataFrame({
        "study_id": ["a", "b"], "label": ["Alpha <2001>", "Beta & co"], "crossover": [True, False], "timepoint": ["1 h", "2 h"],
        "e1": [1, 2], "n1": [10, 10], "e2": [0, 1], "n2": [10, 10], "control_role": ["placebo", "placebo"],
        "control_arm": ["placebo", "placebo"], "primary": [True, True], "why_not": ["", ""],
    })
    table = S.pairs_table(pairs, links={"a": '<a href="references.html#cite-a">Alpha &lt;2001&gt;</a>'})
    assert list(table["Trial"]) == ['<a href="references.html#cite-a">Alpha &lt;2001&gt;</a> (crossover)', "Beta &amp; co"]
    assert list(S.pairs_table(pairs)["Trial"]) == ["Alpha <2001> (crossover)", "Beta & co"]


def test_direction_display_links_trial_names_and_escapes_the_rest():
    import pandas as pd

    directions = pd.DataFrame({
        "study_id": ["a", "b"], "label": ["Alpha", "Beta <b>"], "group": [next(iter(rules.CONDITION_GROUPS))] * 2,
        "domain": ["pain", "pain"], "direction": ["favours_ketamine", "unclear"], "result": ["r", "r"], "basis": ["b", "b"],
        "n": [10, None], "rob": ["low", "high"],
    })
    table = S.direction_display(directions, links={"a": '<a href="references.html#cite-a">Alpha</a>'})
    assert list(table["Trial"]) == ['<a href="references.html#cite-a">Alpha</a>', "Beta &lt;b&gt;"]
    assert list(S.direction_display(directions)["Trial"]) == ["Alpha", "Beta <b>"]


def test_the_evidence_map_legend_has_one_column_per_variable_headed_by_its_name():
    """seaborn's legend is one flat list; cut into three columns it had put 'Route' at the foot of the sizes."""
    from analysis.data import load_table

    fig, _ = S.evidence_map(load_table("studies"), load_table("risk_of_bias"))
    legend = fig.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    height = len(texts) // 3  # three columns, filled one after the other (matplotlib's order)
    assert len(texts) == 3 * height, texts
    for column, heading in enumerate(("Risk of bias", "Participants", "Route")):
        cells = texts[column * height:(column + 1) * height]
        assert cells[0] == heading, texts
        assert all(c not in ("Risk of bias", "Participants", "Route") for c in cells[1:]), texts
    assert {t.get_text() for t in legend.get_texts() if t.get_fontweight() == "bold"} == {"Risk of bias", "Participants", "Route"}

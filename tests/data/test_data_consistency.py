"""Internal consistency of the shipped data (data/), read through analysis.data.load_table.

The validator checks each row against the schema; these tests check what only makes
sense across rows and tables: arms that add up, every study having its outcomes and
risk-of-bias rows, provenance on every row, and statuses that keep second-hand
numbers out of pooled analyses.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.data import find_data_dir, load_table

DATA = find_data_dir(__file__)

# An included study may lack outcome rows only when its notes say why, with this marker
# (e.g. "NO_OUTCOME_DATA: the results section of the abstract could not be read").
NO_OUTCOME_MARKER = "NO_OUTCOME_DATA:"
RCT_DESIGNS = {"rct_parallel", "rct_crossover", "n_of_1"}
SINGLE_ARM_DESIGNS = {"prospective_single_arm", "retrospective_case_series", "case_report"}
JBI_ITEMS = [f"Q{i}" for i in range(1, 11)]
ROB2_DOMAINS = ["D1", "D2", "D3", "D4", "D5"]


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    names = ["studies", "reports", "outcome_definitions", "outcomes", "adverse_events", "risk_of_bias", "trial_results", "searches", "prisma_flow"]
    return {name: load_table(name, DATA) for name in names}


def present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA and str(value).strip() != ""


def rows_with(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for c in columns:
        mask &= frame[c].notna()
    return frame[mask]


def where(frame: pd.DataFrame, index: int) -> str:
    """Physical CSV line of a row (header is line 1), for messages."""
    return f"line {index + 2}"


# --- percentages and counts ------------------------------------------------------

@pytest.mark.parametrize("table", ["outcomes", "adverse_events"])
def test_percent_agrees_with_counts(t, table):
    frame = rows_with(t[table], "percent", "events", "n")
    bad = [(where(frame, i), r.study_id, r.percent, r.events, r.n) for i, r in frame.iterrows()
           if abs(100.0 * r.events / r.n - r.percent) > 0.5 + 1e-9]
    assert not bad, f"{table}: percent does not match events/n within rounding: {bad}"


def test_there_are_percentages_to_check(t):
    """Guard: the check above must not pass vacuously."""
    assert len(rows_with(t["outcomes"], "percent", "events", "n")) > 0


def test_computed_counts_are_the_only_count_that_rounds_to_the_percent(t):
    """A count back-calculated from a percentage is kept only when exactly one integer fits."""
    frame = rows_with(t["outcomes"], "percent", "events", "n")
    frame = frame[frame["value_type"] == "computed"]
    for i, r in frame.iterrows():
        fits = [k for k in range(int(r.n) + 1) if abs(100.0 * k / r.n - r.percent) <= 0.5 + 1e-9]
        assert fits == [r.events], f"outcomes {where(frame, i)} {r.study_id}: counts fitting {r.percent}% of {r.n} are {fits}, row has {r.events}"


def test_adverse_event_percent_without_count_has_no_fitting_count(t):
    """A reported percentage kept without a count: if the denominator is known, no integer count may fit it
    (otherwise the count should have been recorded)."""
    frame = t["adverse_events"]
    frame = frame[frame["percent"].notna() & frame["events"].isna() & frame["n"].notna()]
    for i, r in frame.iterrows():
        fits = [k for k in range(int(r.n) + 1) if abs(100.0 * k / r.n - r.percent) <= 0.5 + 1e-9]
        assert not fits, f"adverse_events {where(frame, i)} {r.study_id}: count(s) {fits} fit {r.percent}% of {r.n}"


def test_events_not_above_denominator(t):
    for table in ("outcomes", "adverse_events"):
        frame = rows_with(t[table], "events", "n")
        assert (frame["events"] <= frame["n"]).all(), table


# --- arms add up -------------------------------------------------------------------

def test_arms_add_up_to_no_more_than_enrolled(t):
    """Parallel arms add up to no more than were enrolled; in a crossover every patient is in every arm, so each arm alone."""
    enrolled = t["studies"].set_index("study_id")["n_enrolled"]
    crossover = set(t["studies"].loc[t["studies"]["design"].isin(["rct_crossover", "n_of_1"]), "study_id"])
    for table in ("outcomes", "adverse_events"):
        frame = rows_with(t[table], "n")
        for _, r in frame[frame["study_id"].isin(crossover)].iterrows():
            cap = enrolled.get(r.study_id, pd.NA)
            assert pd.isna(cap) or r.n <= cap, f"{table} {r.study_id} arm {r.arm}: n {r.n} > n_enrolled {cap}"
        frame = frame[~frame["study_id"].isin(crossover)]
        keys = ["study_id", "outcome_id", "timepoint", "population"] if table == "outcomes" else ["study_id", "category", "event", "timepoint"]
        sums = frame.groupby(keys, dropna=False)["n"].sum()
        for key, total in sums.items():
            cap = enrolled.get(key[0], pd.NA)
            if pd.notna(cap):
                assert total <= cap, f"{table} {key}: arms add up to {total} > n_enrolled {cap}"


def test_n_analysed_not_above_enrolled(t):
    s = rows_with(t["studies"], "n_analysed", "n_enrolled")
    assert (s["n_analysed"] <= s["n_enrolled"]).all()


# --- referential completeness --------------------------------------------------------

@pytest.mark.parametrize("table", ["outcomes", "adverse_events", "risk_of_bias"])
def test_every_row_names_a_known_study(t, table):
    known = set(t["studies"]["study_id"])
    unknown = sorted(set(t[table]["study_id"]) - known)
    assert not unknown, f"{table} names studies not in studies.csv: {unknown}"


def test_every_included_study_has_outcomes_or_says_why_not(t):
    """Per-arm numbers (outcomes) or the authors' stated result (trial_results), or the marker saying why neither."""
    have = set(t["outcomes"]["study_id"]) | set(t["trial_results"]["study_id"])
    missing = []
    for _, s in t["studies"][t["studies"]["role"] == "included"].iterrows():
        if s.study_id in have:
            continue
        notes = s.notes if present(s.notes) else ""
        if NO_OUTCOME_MARKER not in notes:
            missing.append(s.study_id)
    assert not missing, f"included studies with no outcome row and no '{NO_OUTCOME_MARKER}' explanation: {missing}"


def test_most_included_studies_have_outcome_rows(t):
    """The escape hatch above must stay the exception."""
    included = set(t["studies"].loc[t["studies"]["role"] == "included", "study_id"])
    with_rows = included & set(t["outcomes"]["study_id"])
    assert len(with_rows) >= len(included) / 2, f"only {sorted(with_rows)} of {sorted(included)} have outcome rows"


def test_every_included_study_has_risk_of_bias(t):
    have = set(t["risk_of_bias"]["study_id"])
    included = t["studies"].loc[t["studies"]["role"] == "included", "study_id"]
    missing = sorted(set(included) - have)
    assert not missing, f"included studies without risk-of-bias rows: {missing}"


def test_risk_of_bias_tool_fits_design(t):
    design = t["studies"].set_index("study_id")["design"]
    for _, r in t["risk_of_bias"].iterrows():
        d = design[r.study_id]
        if d in RCT_DESIGNS:
            assert r.tool in {"rob2", "rob2_crossover"}, (r.study_id, d, r.tool)
        elif d in SINGLE_ARM_DESIGNS:
            assert r.tool == "jbi_case_series", (r.study_id, d, r.tool)
        elif d == "nonrandomised_comparative":
            assert r.tool == "robins_i", (r.study_id, d, r.tool)


def test_each_risk_of_bias_assessment_is_complete(t):
    rob = t["risk_of_bias"]
    for (study, result, tool), g in rob.groupby(["study_id", "result", "tool"]):
        domains = list(g["domain"])
        assert "overall" in domains, (study, result, tool)
        expected = ROB2_DOMAINS if tool.startswith("rob2") else JBI_ITEMS if tool == "jbi_case_series" else []
        for prefix in expected:
            assert sum(d.split(" ")[0] == prefix for d in domains) == 1, f"{study}/{result}/{tool}: item {prefix} missing or repeated"
        assert g["tool_version"].nunique() == 1, (study, tool)


def test_rob2_overall_is_no_better_than_worst_domain(t):
    order = {"low": 0, "some_concerns": 1, "no_information": 1, "high": 2}  # no information counts as some concerns
    rob = t["risk_of_bias"]
    for (study, _result, _tool), g in rob[rob["tool"].isin(["rob2", "rob2_crossover"])].groupby(["study_id", "result", "tool"]):
        overall = g.loc[g["domain"] == "overall", "judgement"].iloc[0]
        worst = max(order[j] for j in g.loc[g["domain"] != "overall", "judgement"])
        assert order[overall] >= worst, f"{study}: overall {overall} is better than its worst domain"


def test_outcome_rows_match_outcome_kind(t):
    kind = t["outcome_definitions"].set_index("outcome_id")["kind"]
    for i, r in t["outcomes"].iterrows():
        k = kind[r.outcome_id]
        if k == "proportion":
            assert pd.notna(r.events) and pd.notna(r.n), f"outcomes {where(t['outcomes'], i)}: proportion without events/n"
        else:
            assert pd.notna(r["mean"]), f"outcomes {where(t['outcomes'], i)}: {k} outcome without a mean"
            assert pd.isna(r.events), f"outcomes {where(t['outcomes'], i)}: {k} outcome with a count"


# --- provenance ----------------------------------------------------------------------

@pytest.mark.parametrize("table", ["studies", "outcomes", "adverse_events"])
def test_every_row_has_provenance(t, table):
    frame = t[table]
    for col in ("source_report", "source_location", "source_quote", "source_kind", "status", "extractor"):
        empty = frame[~frame[col].map(present)]
        assert empty.empty, f"{table}: empty {col} on rows {[where(frame, i) for i in empty.index]}"


def test_every_risk_of_bias_judgement_has_support(t):
    frame = t["risk_of_bias"]
    for col in ("support", "source_report", "source_location", "assessor", "tool_version"):
        empty = frame[~frame[col].map(present)]
        assert empty.empty, f"risk_of_bias: empty {col} on rows {[where(frame, i) for i in empty.index]}"


def test_computed_values_say_how(t):
    for table in ("outcomes", "adverse_events"):
        frame = t[table]
        bad = frame[(frame["value_type"] == "computed") & ~frame["derivation"].map(present)]
        assert bad.empty, f"{table}: computed rows without derivation: {list(bad.index + 2)}"


# --- statuses: second-hand numbers never pass for primary ------------------------------

@pytest.mark.parametrize("table", ["studies", "outcomes", "adverse_events"])
def test_no_confirmed_row_is_secondary(t, table):
    frame = t[table]
    bad = frame[(frame["status"] == "confirmed") & (frame["source_kind"] == "secondary")]
    assert bad.empty, f"{table}: 'confirmed' rows whose source is secondary: {[where(frame, i) for i in bad.index]}"


@pytest.mark.parametrize("table", ["studies", "outcomes", "adverse_events"])
def test_confirmed_rows_cite_the_studys_own_report(t, table):
    """'confirmed' means read in the study's own report: the source report must belong to that study."""
    report_study = t["reports"].set_index("report_id")["study_id"]
    frame = t[table][t[table]["status"] == "confirmed"]
    for i, r in frame.iterrows():
        owner = report_study.get(r.source_report, pd.NA)
        assert pd.notna(owner) and owner == r.study_id, (
            f"{table} {where(t[table], i)}: confirmed row of {r.study_id} cites {r.source_report} (a report of {owner})")


@pytest.mark.parametrize("table", ["outcomes", "adverse_events"])
def test_secondary_sources_are_never_poolable(t, table):
    """Pooled analyses take only rows read in the primary report (status 'confirmed'); every row from a
    second-hand source must therefore be secondary_only or conflicting."""
    frame = t[table]
    poolable = frame["status"] == "confirmed"
    from_secondary = frame["source_kind"] == "secondary"
    assert not (poolable & from_secondary).any()
    public_texts = set(t["reports"].loc[t["reports"]["kind"].isin(["public_text", "clinic_page", "other"]), "report_id"])
    from_pages = frame["source_report"].isin(public_texts)
    assert not (poolable & from_pages).any(), f"{table}: rows read on clinic pages or public texts are marked confirmed"
    assert (frame.loc[from_pages, "source_kind"] == "secondary").all(), f"{table}: rows from clinic pages/public texts must be source_kind secondary"


def test_conflicting_rows_explain_the_disagreement(t):
    for table in ("studies", "outcomes", "adverse_events"):
        frame = t[table]
        bad = frame[(frame["status"] == "conflicting") & ~frame["notes"].map(present)]
        assert bad.empty, f"{table}: conflicting rows need notes saying which sources disagree"


def test_context_and_excluded_studies_have_no_effect_rows(t):
    """Reviews, guidelines and excluded studies are described, not synthesised."""
    other = set(t["studies"].loc[t["studies"]["role"] != "included", "study_id"])
    assert not (set(t["outcomes"]["study_id"]) & other)


# --------------------------------------------------------------------------- the evidence base (randomised trials)


def test_every_included_trial_has_per_arm_numbers_or_a_reason(t):
    trials = t["studies"][t["studies"]["design"].isin(RCT_DESIGNS) & (t["studies"]["role"] == "included")]
    assert len(trials) >= 30, f"only {len(trials)} included randomised trials"
    bad = [s.study_id for _, s in trials.iterrows() if not present(s.n_ketamine) and not present(s.n_arms_note)]
    assert not bad, f"included trials with neither per-arm numbers nor a reason: {bad}"


def test_crossover_trials_are_marked_with_periods_and_washout(t):
    cross = t["studies"][t["studies"]["design"].isin(["rct_crossover", "n_of_1"]) & (t["studies"]["role"] == "included")]
    assert len(cross) > 0
    for _, s in cross.iterrows():
        assert present(s.crossover_periods) and int(s.crossover_periods) >= 2, s.study_id
        if s.design == "rct_crossover":
            assert present(s.washout), s.study_id


def test_excluded_studies_give_their_reason(t):
    excluded = t["studies"][t["studies"]["role"] == "excluded"]
    assert len(excluded) > 0
    assert excluded["exclusion_reason"].notna().all(), list(excluded.loc[excluded["exclusion_reason"].isna(), "study_id"])


def test_every_value_in_a_pooled_analysis_has_a_verifier(t):
    """What the synthesis pools (responders, harms, mean pain) was extracted twice: its rows name the second extraction."""
    from analysis.data.rules import TIME_WINDOWS
    from analysis.pages import synthesis as S

    studies, outcomes = t["studies"], t["outcomes"]
    pairs = S.binary_pairs(outcomes, studies, "responders_50")
    meta = S.pool_binary(pairs[pairs["control_role"].isin(["placebo", "active_placebo"]) & (pairs["window"] == TIME_WINDOWS[0][0])], "responders")
    assert meta.k >= 2, "the primary pooled analysis has fewer than two trials"
    used = outcomes[outcomes["study_id"].isin(meta.used["study_id"]) & (outcomes["outcome_id"] == "responders_50")]
    used = used[used["timepoint"].isin(set(meta.used["timepoint"])) | used["timepoint_days"].isin(set(meta.used["timepoint_days"]))]
    assert len(used) >= 2 * meta.k
    assert used["verifier"].notna().all(), used.loc[used["verifier"].isna(), ["study_id", "arm", "timepoint"]].to_string()


def test_trial_results_name_a_randomised_trial(t):
    design = t["studies"].set_index("study_id")["design"]
    assert set(design[t["trial_results"]["study_id"]]) <= RCT_DESIGNS


def test_every_search_is_counted_in_the_prisma_flow(t):
    """The flow counts every row of searches.csv: its number of searches and the records they returned."""
    from analysis.pages import prisma

    searches = t["searches"]
    flow = prisma.compute_flow(t["prisma_flow"], searches, load_table("claims", DATA), t["reports"], t["studies"])
    assert searches["search_id"].is_unique and len(searches) >= 250
    assert flow.searches == len(searches)
    assert flow["website_results"] + flow["database_results"] + flow["register_results"] == int(searches["records"].fillna(0).sum())

"""GRADE arithmetic: the certainty follows from the recorded judgements (Cochrane Handbook ch. 14).

Randomised evidence starts high, observational low; each serious concern moves it down
one level, very serious two; a large effect, a dose-response gradient or confounding
that would reduce a demonstrated effect move it up; it stays between very low and high.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.validate import validate_package
from analysis.pages import grading

ROOT = Path(__file__).resolve().parents[2]


def rating(**kw):
    row = {d: "not_serious" for d in ("risk_of_bias", "inconsistency", "indirectness", "imprecision")}
    row.update(publication_bias="undetected", large_effect="not_applicable", dose_response="not_applicable", confounding="not_applicable")
    row.update({f"{d}_reason": f"reason for {d}" for d in grading.DOWN_DOMAINS + grading.UP_DOMAINS})
    row.update(kw)
    return pd.Series(row)


@pytest.mark.parametrize(
    "kw,expected",
    [
        (dict(start_level="high"), "high"),
        (dict(start_level="high", risk_of_bias="serious"), "moderate"),
        (dict(start_level="high", risk_of_bias="serious", imprecision="very_serious"), "very low"),
        (dict(start_level="high", risk_of_bias="very_serious", imprecision="very_serious", indirectness="serious"), "very low"),  # floor
        (dict(start_level="low"), "low"),
        (dict(start_level="low", large_effect="large"), "moderate"),
        (dict(start_level="low", large_effect="very_large", dose_response="yes"), "high"),  # ceiling
        (dict(start_level="low", publication_bias="suspected"), "very low"),
        (dict(start_level="no_evidence"), "no evidence"),
    ],
)
def test_certainty_follows_the_judgements(kw, expected):
    assert grading.certainty(rating(**kw)) == expected


def test_every_move_has_a_footnote_with_its_reason():
    notes = grading.footnotes(rating(start_level="high", risk_of_bias="serious", imprecision="very_serious"))
    # the reasons are read as words: a name from the data ('risk_of_bias') is written 'risk of bias'
    assert notes == ["Risk of bias (−1): reason for risk of bias", "Imprecision (−2): reason for imprecision"]


def test_optimal_information_size_continuous():
    # 4 (1.959964 + 0.841621)^2 * 2^2 / 1^2 = 125.6 -> 126 (two arms of 63)
    assert grading.ois_continuous(sd=2.0, mid=1.0) == 126


def test_optimal_information_size_dichotomous():
    # p1 0.5, p2 0.375 (RRR 25%): per arm 7.8489 * (0.25 + 0.234375) / 0.125^2 = 243.3 -> 244; total 488
    assert grading.ois_dichotomous(0.5, 0.25) == 488
    # a 25% relative increase (response): p1 0.2, p2 0.25: per arm 7.8489 * (0.16 + 0.1875) / 0.05^2 = 1091.0 -> 1091; total 2182
    assert grading.ois_dichotomous(0.2, -0.25) == 2182
    # p1 7/64, p2 = 1.25 p1 (the shipped pooled analysis' control arms): per arm 7.8489 * 0.215439 / 0.0273438^2 = 2261.6 -> 2262
    assert grading.ois_dichotomous(7 / 64, -0.25) == 4524
    for risk, change in ((0.0, 0.25), (0.9, -0.25), (0.5, 0.0)):  # no risk to change, a risk above 1, no change to detect
        with pytest.raises(ValueError, match="no information size"):
            grading.ois_dichotomous(risk, change)


def test_shipped_ratings_each_have_a_certainty_and_reasons():
    from analysis.data import load_table

    rated = grading.rate(load_table("certainty_ratings"))
    assert set(rated["certainty"]) <= set(grading.LEVELS) | {"no evidence"}
    for _, r in rated.iterrows():
        for note in grading.footnotes(r):
            assert not note.endswith(": <NA>") and not note.endswith(": nan"), note


def test_validator_rejects_a_rating_moved_without_a_reason(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "certainty_ratings.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["rating_id"] == "crps_rct_pain_week1", "imprecision_reason"] = ""
    frame.to_csv(path, index=False, lineterminator="\n")
    problems = validate_package(data).problems
    line = int(frame.index[frame["rating_id"] == "crps_rct_pain_week1"][0]) + 2
    assert [(Path(p.file).name, p.line, p.field) for p in problems] == [("certainty_ratings.csv", line, "imprecision_reason")]
    assert "needs its reason" in problems[0].message


def test_randomised_evidence_is_not_rated_up(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "certainty_ratings.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["rating_id"] == "crps_rct_pain_week1", "large_effect"] = "large"
    frame.to_csv(path, index=False, lineterminator="\n")
    fields = {p.field for p in validate_package(data).problems}
    assert "large_effect" in fields


@pytest.mark.parametrize("value,cell", [("not_serious", "no concern"), ("serious", "−1"), ("very_serious", "−2"), ("large", "+1"), ("not_applicable", "n/a"), ("strongly_suspected", "−2")])
def test_domain_cells(value, cell):
    assert grading.domain_cell(value) == cell


def test_computed_inputs_of_a_count_with_a_comparison_group_are_not_those_of_a_harm():
    """The pooled responder rating (several trials, ketamine against placebo, midazolam or an active drug)
    had been told "not applicable to this harm outcome" because its rows have more than two arms."""
    from analysis.data import load_table

    rated = load_table("certainty_ratings")
    row = rated[rated["rating_id"] == "all_rct_responders_infusion"].iloc[0]
    out = grading.computed_inputs(row, load_table("outcomes"), load_table("adverse_events"), load_table("studies"))
    assert "harm" not in out["Against the MID"] and out["Against the MID"].startswith("not applicable: a count of patients")
    assert out["Optimal information size"].startswith("from the control arms' risk in the pooled analysis")


def test_computed_inputs_of_the_synthesis_outcomes_count_their_trials():
    """The direction-of-effect ratings have no single evidence table (evidence_table 'none'): their trials come from the
    synthesis, as in the Summary of Findings, and must not read '0 studies' beside a summary that counts them."""
    from analysis.data import load_table
    from analysis.pages import summary

    found = summary.findings()
    rated = load_table("certainty_ratings").set_index("rating_id", drop=False)
    args = (load_table("outcomes"), load_table("adverse_events"), load_table("studies"), found.counts)
    direction = grading.computed_inputs(rated.loc["all_rct_pain_direction"], *args)
    k = found.counts["all_rct_pain_direction"][0]
    assert k > 0 and direction["Studies"] == str(k) and "no studies" not in direction.values()
    sof = found.sof.set_index("Outcome").loc["Pain, direction of effect in every trial", "Trials (patient-periods)"]
    assert sof == str(k)
    pooled = grading.computed_inputs(rated.loc["all_rct_responders_infusion"], *args)
    k, periods = found.counts["all_rct_responders_infusion"]
    assert found.sof.set_index("Outcome").iloc[0]["Trials (patient-periods)"] == f"{k} ({periods})"
    assert (pooled["Studies"], pooled["Participants"]) == (str(k), f"{periods} patient-periods")


def test_the_glossary_states_the_minimal_important_difference_the_ratings_use():
    """The glossary (a page without code) names the threshold the GRADE ratings compute with (MID_NRS): if one
    changes, this fails until the other says the same."""
    from pathlib import Path

    from analysis.pages.grading import MID_NRS

    words = {1.0: "one point", 1.5: "1.5 points", 2.0: "two points"}
    glossary = (Path(__file__).resolve().parents[2] / "book" / "glossary.md").read_text(encoding="utf-8")
    assert MID_NRS in words, f"MID_NRS is {MID_NRS}: add its words here and say it in the glossary"
    assert f"a difference of {words[MID_NRS]} between groups" in glossary

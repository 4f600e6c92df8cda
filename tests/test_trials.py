"""Pairing trial arms and the sensitivity analyses, on small invented data (not review data)."""

import pandas as pd
import pytest

from analysis.pages import trials
from analysis.stats.pooling import pool


def frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


STUDY_COLS = ["study_id", "label", "design", "role"]
OUT_COLS = ["study_id", "arm", "outcome_id", "timepoint", "mean", "sd", "se", "n", "status"]


@pytest.fixture
def data():
    studies = frame(
        [["t1", "Trial 1", "rct_parallel", "included"], ["t2", "Trial 2", "rct_crossover", "included"],
         ["t3", "Trial 3", "rct_parallel", "included"], ["t4", "Trial 4", "rct_parallel", "included"],
         ["s1", "Series 1", "retrospective_case_series", "included"]],
        STUDY_COLS,
    )
    o = [
        ["t1", "ketamine", "pain_intensity_nrs", "week 1", 3.0, 2.0, None, 20, "confirmed"],
        ["t1", "placebo", "pain_intensity_nrs", "week 1", 5.0, 2.0, None, 20, "confirmed"],
        ["t2", "ketamine", "pain_intensity_nrs", "week 2", 4.0, None, 0.5, 16, "confirmed"],  # SE -> SD = 2
        ["t2", "placebo", "pain_intensity_nrs", "week 2", 5.0, None, 0.5, 16, "confirmed"],
        ["t3", "ketamine", "pain_intensity_nrs", "week 1", 2.0, None, None, 30, "confirmed"],  # no spread
        ["t3", "placebo", "pain_intensity_nrs", "week 1", 5.0, None, None, 30, "confirmed"],
        ["t4", "ketamine", "pain_intensity_nrs", "week 1", 4.5, 1.5, None, 12, "secondary_only"],
        ["t4", "placebo", "pain_intensity_nrs", "week 1", 5.0, 1.5, None, 12, "secondary_only"],
    ]
    return studies, frame(o, OUT_COLS)


def test_pairs_only_trials_with_confirmed_means_and_spread(data):
    studies, outcomes = data
    ts = trials.trial_set(outcomes, studies)
    assert list(ts.pairs["study_id"]) == ["t1", "t2"]
    assert ts.pairs.loc[ts.pairs["study_id"] == "t2", "sd1"].item() == pytest.approx(2.0)  # 0.5 * sqrt(16)
    reasons = dict(zip(ts.left_out["Trial"], ts.left_out["Why not pooled"]))
    assert "no SD or SE" in reasons["Trial 3"]
    assert "not confirmed" in reasons["Trial 4"]
    assert "Series 1" not in reasons


def test_primary_analysis_is_reml_hksj_on_mean_differences(data):
    studies, outcomes = data
    ts = trials.trial_set(outcomes, studies)
    result = trials.primary_analysis(ts)
    # MDs: -2 (var 2^2/20*2 = 0.4) and -1 (var 0.5); pooled by the engine itself for comparison.
    expected = pool([-2.0, -1.0], [0.4, 0.5], method="REML", ci="hk")
    assert result.estimate == pytest.approx(expected.estimate)
    assert result.ci_low == pytest.approx(expected.ci_low)


def test_sensitivity_table_names_each_analysis(data):
    studies, outcomes = data
    table = trials.sensitivity_table(trials.trial_set(outcomes, studies), high_risk=set())
    assert list(table["Analysis"])[:5] == [
        "Primary: REML, Hartung–Knapp–Sidik–Jonkman",
        "REML, HKSJ with the Wald SE as floor (hk-adhoc)",
        "DerSimonian–Laird, Wald",
        "Paule–Mandel, HKSJ",
        "Equal effects, Wald",
    ]


def test_fewer_than_two_trials_give_no_pooled_result(data):
    studies, outcomes = data
    ts = trials.trial_set(outcomes[outcomes["study_id"] == "t1"], studies)
    assert trials.primary_analysis(ts) is None
    assert trials.sensitivity_table(ts, set()).empty

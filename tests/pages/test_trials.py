"""Pairing trial arms and the sensitivity analyses, on small invented data (not review data)."""

import pandas as pd
import pytest

from analysis.pages import trials


def frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


STUDY_COLS = ["study_id", "label", "design", "role"]
OUT_COLS = ["study_id", "arm", "outcome_id", "timepoint", "mean", "sd", "se", "n", "status", "source_kind"]


@pytest.fixture
def data():
    studies = frame(
        [["t1", "Trial 1", "rct_parallel", "included"], ["t2", "Trial 2", "rct_crossover", "included"],
         ["t3", "Trial 3", "rct_parallel", "included"], ["t4", "Trial 4", "rct_parallel", "included"],
         ["s1", "Series 1", "retrospective_case_series", "included"]],
        STUDY_COLS,
    )
    o = [
        ["t1", "ketamine", "pain_intensity_nrs", "week 1", 3.0, 2.0, None, 20, "confirmed", "primary"],
        ["t1", "placebo", "pain_intensity_nrs", "week 1", 5.0, 2.0, None, 20, "confirmed", "primary"],
        ["t2", "ketamine", "pain_intensity_nrs", "week 2", 4.0, None, 0.5, 16, "confirmed", "primary"],  # SE -> SD = 2
        ["t2", "placebo", "pain_intensity_nrs", "week 2", 5.0, None, 0.5, 16, "confirmed", "primary"],
        ["t3", "ketamine", "pain_intensity_nrs", "week 1", 2.0, None, None, 30, "confirmed", "primary"],  # no spread
        ["t3", "placebo", "pain_intensity_nrs", "week 1", 5.0, None, None, 30, "confirmed", "primary"],
        ["t4", "ketamine", "pain_intensity_nrs", "week 1", 4.5, 1.5, None, 12, "secondary_only", "secondary"],
        ["t4", "placebo", "pain_intensity_nrs", "week 1", 5.0, 1.5, None, 12, "secondary_only", "secondary"],
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
    # Trial 1 with 16 per arm: both MDs (-2 and -1) then have variance 2^2/16 * 2 = 0.5.
    outcomes.loc[outcomes["study_id"] == "t1", "n"] = 16
    result = trials.primary_analysis(trials.trial_set(outcomes, studies))
    # Worked by hand. With equal variances v, REML tau^2 = max(0, s^2 - v) with s^2 the sample
    # variance of the MDs: ((-2) - (-1))^2 / 2 - 0.5 = 0. So mu = -1.5; HKSJ: q = sum w (y - mu)^2
    # / (k - 1) = 2 * (0.25 + 0.25) = 1, SE = sqrt(q / sum w) = sqrt(1 / 4) = 0.5, and the interval
    # is -1.5 +/- t(0.975, df 1) * 0.5, with t(0.975, 1) = 12.7062047 (any t table).
    assert result.tau2 == pytest.approx(0.0, abs=1e-8)
    assert result.estimate == pytest.approx(-1.5)
    assert result.se == pytest.approx(0.5)
    assert result.ci_low == pytest.approx(-1.5 - 12.7062047 * 0.5)
    assert result.ci_high == pytest.approx(-1.5 + 12.7062047 * 0.5)


def test_sensitivity_rows_use_the_estimator_they_name(data):
    """Each row is fitted with the estimator in its name: DL and equal effects worked by hand
    (closed forms), and REML and Paule-Mandel differ from DL on heterogeneous data."""
    studies, outcomes = data
    studies = pd.concat([studies, frame([["t5", "Trial 5", "rct_parallel", "included"]], STUDY_COLS)], ignore_index=True)
    extra = frame(
        [["t5", "ketamine", "pain_intensity_nrs", "week 1", 1.0, 2.0, None, 10, "confirmed", "primary"],
         ["t5", "placebo", "pain_intensity_nrs", "week 1", 5.0, 2.0, None, 10, "confirmed", "primary"]],
        OUT_COLS,
    )
    ts = trials.trial_set(pd.concat([outcomes, extra], ignore_index=True), studies)
    assert list(ts.pairs["study_id"]) == ["t1", "t2", "t5"]
    table = trials.sensitivity_table(ts, high_risk=set()).set_index("Analysis")
    y, v = [-2.0, -1.0, -4.0], [0.4, 0.5, 0.8]  # MDs and their variances (SD^2/n per arm, summed)
    w = [1 / x for x in v]
    ee = sum(wi * yi for wi, yi in zip(w, y)) / sum(w)
    q = sum(wi * (yi - ee) ** 2 for wi, yi in zip(w, y))
    tau2 = max(0.0, (q - 2) / (sum(w) - sum(wi**2 for wi in w) / sum(w)))  # DerSimonian & Laird 1986
    ws = [1 / (x + tau2) for x in v]
    dl = sum(wi * yi for wi, yi in zip(ws, y)) / sum(ws)
    assert table.loc["Equal effects, Wald", "MD"] == f"{ee:.2f}" == "-2.09"
    assert table.loc["DerSimonian–Laird, Wald", "MD"] == f"{dl:.2f}" == "-2.25"
    assert table.loc["DerSimonian–Laird, Wald", "tau²"] == f"{tau2:.3f}" == "1.341"
    # Paule & Mandel (1982): tau^2 solves Q(tau^2) = k - 1 (here 2); check it at the printed value.
    pm = float(table.loc["Paule–Mandel, HKSJ", "tau²"])
    wp = [1 / (x + pm) for x in v]
    mu_p = sum(wi * yi for wi, yi in zip(wp, y)) / sum(wp)
    assert sum(wi * (yi - mu_p) ** 2 for wi, yi in zip(wp, y)) == pytest.approx(2.0, abs=0.01)
    # REML is neither of the other two estimators on these data.
    assert table.loc["Primary: REML, Hartung–Knapp–Sidik–Jonkman", "tau²"] not in {f"{tau2:.3f}", f"{pm:.3f}"}


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

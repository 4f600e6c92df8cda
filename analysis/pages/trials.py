"""Meta-analysis of the randomised trials: mean differences in pain, with sensitivity analyses.

A trial enters when both arms report a mean with its SD (or an SE convertible to an SD
with the arm's n, :func:`analysis.stats.effects.se_to_sd`) on the same 0–10 scale, and its
values were confirmed in its primary report. Primary analysis: REML with a
Hartung–Knapp–Sidik–Jonkman interval; sensitivity: DerSimonian–Laird and
Paule–Mandel, equal effects, leave-one-out, and excluding trials at high risk of bias.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.rules import poolable, read_unlabelled_spread
from analysis.stats import effects
from analysis.stats.pooling import PoolResult, leave_one_out, pool


@dataclass
class TrialSet:
    """Trials with paired arms ready to pool, and the trials left out with the reason."""

    pairs: pd.DataFrame
    left_out: pd.DataFrame

    @property
    def k(self) -> int:
        return len(self.pairs)


def _sd(row: pd.Series, conservative: bool = True, scale_range: float | None = 10.0) -> float | None:
    """The arm's SD: as reported, from an SE, or from an unlabelled '±' value read by
    :func:`analysis.data.rules.read_unlabelled_spread` (as an SE in the primary analysis)."""
    if pd.notna(row["sd"]):
        return float(row["sd"])
    if pd.notna(row["se"]) and pd.notna(row["n"]):
        return float(np.ravel(effects.se_to_sd(row["se"], row["n"]))[0])
    if "spread_unlabelled" in row and pd.notna(row["spread_unlabelled"]) and pd.notna(row["n"]):
        return read_unlabelled_spread(float(row["spread_unlabelled"]), float(row["n"]), scale_range, conservative)[0]
    return None


def trial_set(outcomes: pd.DataFrame, studies: pd.DataFrame, outcome_id: str = "pain_intensity_nrs", conservative: bool = True) -> TrialSet:
    """Pair each trial's ketamine arm with its control arm for one outcome (first time point reported).

    ``conservative=False`` reads unlabelled spreads the other way (the sensitivity analysis)."""
    trials = studies[studies["design"].str.startswith("rct") & (studies["role"] == "included")]
    rows = outcomes[(outcomes["outcome_id"] == outcome_id) & outcomes["study_id"].isin(trials["study_id"]) & outcomes["mean"].notna()]
    labels = studies.set_index("study_id")["label"]
    pairs, left = [], []
    for study, group in rows.groupby("study_id"):
        timepoint = group["timepoint"].iloc[0]
        arms = group[group["timepoint"] == timepoint].set_index("arm")
        reasons = []
        if "ketamine" not in arms.index or len(arms) != 2:
            reasons.append("needs exactly a ketamine arm and one control arm")
        elif not poolable(arms).all():
            reasons.append("values not confirmed in the primary report")
        else:
            k, c = arms.loc["ketamine"], arms.loc[[a for a in arms.index if a != "ketamine"][0]]
            sd_k, sd_c = _sd(k, conservative), _sd(c, conservative)
            if sd_k is None or sd_c is None:
                reasons.append("an arm reports no SD or SE (or it is unclear which was reported)")
            elif pd.isna(k["n"]) or pd.isna(c["n"]):
                reasons.append("an arm's n is not reported")
            else:
                pairs.append(
                    {"study_id": study, "label": labels[study], "timepoint": timepoint,
                     "m1": float(k["mean"]), "sd1": sd_k, "n1": int(k["n"]), "m2": float(c["mean"]), "sd2": sd_c, "n2": int(c["n"])}
                )
                continue
        left.append({"Trial": labels[study], "Time point": timepoint, "Why not pooled": "; ".join(reasons)})
    for study in sorted(set(trials["study_id"]) - set(rows["study_id"])):
        left.append({"Trial": labels[study], "Time point": "", "Why not pooled": "what could be read of its report gives no mean pain score for each arm"})
    return TrialSet(pd.DataFrame(pairs), pd.DataFrame(left, columns=["Trial", "Time point", "Why not pooled"]))


def mean_differences(ts: TrialSet) -> tuple[np.ndarray, np.ndarray]:
    """yi, vi: ketamine minus control, per trial (:func:`analysis.stats.effects.mean_difference`)."""
    p = ts.pairs
    es = effects.mean_difference(p["m1"], p["sd1"], p["n1"], p["m2"], p["sd2"], p["n2"])
    return np.asarray(es.yi, float), np.asarray(es.vi, float)


def primary_analysis(ts: TrialSet) -> PoolResult | None:
    """REML + HKSJ, when at least two trials can be pooled."""
    if ts.k < 2:
        return None
    yi, vi = mean_differences(ts)
    return pool(yi, vi, method="REML", ci="hk", labels=list(ts.pairs["label"]))


def sensitivity_table(ts: TrialSet, high_risk: set[str]) -> pd.DataFrame:
    """Primary and alternative analyses side by side (empty when fewer than two trials)."""
    if ts.k < 2:
        return pd.DataFrame()
    yi, vi = mean_differences(ts)
    labels = list(ts.pairs["label"])
    rows = []

    def add(name: str, r: PoolResult) -> None:
        rows.append({"Analysis": name, "k": r.k, "MD": f"{r.estimate:.2f}", "95% CI": f"{r.ci_low:.2f} to {r.ci_high:.2f}",
                     "tau²": f"{r.tau2:.3f}" if np.isfinite(r.tau2) else "", "I²": f"{r.i2:.0f}%" if np.isfinite(r.i2) else ""})

    primary = primary_analysis(ts)
    assert primary is not None  # two trials or more
    add("Primary: REML, Hartung–Knapp–Sidik–Jonkman", primary)
    add("REML, HKSJ with the Wald SE as floor (hk-adhoc)", pool(yi, vi, "REML", "hk-adhoc", labels))
    add("DerSimonian–Laird, Wald", pool(yi, vi, "DL", "wald", labels))
    add("Paule–Mandel, HKSJ", pool(yi, vi, "PM", "hk", labels))
    add("Equal effects, Wald", pool(yi, vi, "EE", "wald", labels))
    keep = ~ts.pairs["study_id"].isin(high_risk).to_numpy()
    if keep.sum() >= 2 and not keep.all():
        add("Excluding trials at high risk of bias", pool(yi[keep], vi[keep], "REML", "hk", [l for l, k in zip(labels, keep) if k]))
    if ts.k >= 3:
        loo = leave_one_out(yi, vi, method="REML", ci="hk", labels=labels)
        for _, r in loo.iterrows():
            rows.append({"Analysis": f"Leaving out {r['omitted']}", "k": int(r["k"]), "MD": f"{r['estimate']:.2f}",
                         "95% CI": f"{r['ci_low']:.2f} to {r['ci_high']:.2f}", "tau²": f"{r['tau2']:.3f}", "I²": f"{r['i2']:.0f}%"})
    return pd.DataFrame(rows)


def high_risk_trials(risk_of_bias: pd.DataFrame) -> set[str]:
    """Trials whose overall RoB 2 judgement is high."""
    rob = risk_of_bias[risk_of_bias["tool"].str.startswith("rob2") & (risk_of_bias["domain"].str.lower() == "overall")]
    return set(rob.loc[rob["judgement"] == "high", "study_id"])

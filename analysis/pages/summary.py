"""The answer up front: the numbers of the structured abstract, the plain-language summary, the
summary of findings and the conclusions, computed once from the data for every page that states them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import load_table
from analysis.data.rules import CONDITION_GROUPS, GROUP_TITLES, group_of
from analysis.pages import synthesis as S
from analysis.text import counted, p_text


@dataclass
class Findings:
    """Everything the abstract, summary and conclusions say, as text ready to glue."""

    text: dict[str, str] = field(default_factory=dict)
    responders: S.BinaryMeta | None = None
    directions: pd.DataFrame = field(default_factory=pd.DataFrame)
    sof: pd.DataFrame = field(default_factory=pd.DataFrame)
    # by rating_id of the certainty ratings: (with comparator, with ketamine, relative effect, participants (studies))
    effects: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # by rating_id of the outcomes the synthesis computes: (trials, patient-periods; None for directions of effect)
    counts: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    # GRADE domains computed from the pooled analysis, by rating_id (applied to the certainty ratings)
    computed: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)



# The rating of the summary of findings whose inconsistency, imprecision and publication bias are
# computed from the pooled analysis, not recorded by hand.
POOLED_RATING = "all_rct_responders_infusion"


def computed_judgements(data_dir: str | None = None, main: S.BinaryMeta | None = None) -> dict[str, dict[str, tuple[str, str]]]:
    """GRADE domains computed from the primary pooled analysis (:func:`analysis.pages.grading.judgements_from_synthesis`);
    ``main`` is that analysis when the caller has it already (else it is computed from the data)."""
    from analysis.pages.grading import EGGER_MIN_TRIALS, judgements_from_synthesis
    from analysis.stats.pooling import egger_test

    if main is None:
        main = S.responder_analyses(load_table("outcomes", data_dir), load_table("studies", data_dir), load_table("risk_of_bias", data_dir))[0][0]
    if main.mh_rr is None:
        return {}
    rr = np.exp([main.mh_rr.ci_low, main.mh_rr.ci_high])
    re_ = main.re_rr
    pi = (float(np.exp(re_.pi_low)), float(np.exp(re_.pi_high))) if re_ is not None and re_.pi_low is not None and re_.pi_high is not None else (None, None)
    egger_p = None
    if main.k >= EGGER_MIN_TRIALS and re_ is not None:
        egger_p = float(egger_test(re_.yi, re_.vi).p)
    events = int(main.used["e1"].sum() + main.used["e2"].sum())
    tau2 = float(re_.tau2) if re_ is not None else 0.0
    control = (int(main.used["e2"].sum()), int(main.used["n2"].sum()))
    size = int(main.used["n1"].sum() + main.used["n2"].sum())
    return {POOLED_RATING: judgements_from_synthesis(main.k, float(rr[0]), float(rr[1]), float(main.mh_rr.i2), events, pi[0], pi[1], egger_p,
                                                     tau2=tau2, control=control, size=size)}


def findings(data_dir: str | None = None) -> Findings:
    studies = load_table("studies", data_dir)
    outcomes = load_table("outcomes", data_dir)
    adverse = load_table("adverse_events", data_dir)
    results = load_table("trial_results", data_dir)
    rob = load_table("risk_of_bias", data_dir)
    searches = load_table("searches", data_dir)
    reviews = load_table("review_results", data_dir)
    from analysis.pages.grading import rate

    metas, _ = S.responder_analyses(outcomes, studies, rob)
    main = metas[0]
    f_computed = computed_judgements(data_dir, main)
    rated = rate(load_table("certainty_ratings", data_dir), f_computed).set_index("rating_id")

    def certainty(rating_id: str) -> str:
        """This book's GRADE certainty for one outcome of the summary of findings (from the certainty ratings)."""
        return str(rated.loc[rating_id, "certainty"]) if rating_id in rated.index else "not rated"

    f = Findings()
    f.computed = f_computed
    t = f.text
    t["certainty_benefit"] = certainty("all_rct_responders_infusion")
    t["certainty_harms"] = certainty("all_rct_harms_direction")
    rcts = S.trials(studies)
    n = rcts["n_enrolled"].astype("Float64").fillna(rcts["n_ketamine"].astype("Float64") + rcts["n_control"].astype("Float64"))
    t["n_searches"] = counted(len(searches), "search", "searches")
    dates = searches["date"].dropna().astype(str)
    t["search_dates"] = f"{dates.min()} to {dates.max()}" if len(dates) else "not recorded"
    t["n_trials"] = counted(len(rcts), "randomised trial")
    t["n_participants"] = f"{int(n.sum())}"
    t["n_trials_no_n"] = counted(int(n.isna().sum()), "trial")
    t["median_n"] = f"{int(n.median())}" if n.notna().any() else "not known"
    by_group = rcts["condition"].map(lambda c: group_of(str(c))).value_counts()
    t["by_condition"] = "; ".join(f"{GROUP_TITLES[g]} {by_group[g]}" for g in CONDITION_GROUPS if g in by_group)
    t["n_crossover"] = counted(int((rcts["design"] != "rct_parallel").sum()), "trial")
    excluded = studies[studies["role"] == "excluded"]
    t["n_excluded"] = counted(len(excluded), "record")
    uncontrolled = studies[studies["design"].isin(["prospective_single_arm", "retrospective_case_series", "nonrandomised_comparative"]) & (studies["role"] == "included")]
    t["n_uncontrolled"] = counted(len(uncontrolled), "uncontrolled study", "uncontrolled studies")
    t["n_reviews"] = counted(int((studies["design"] == "systematic_review").sum()), "systematic review")
    overall = S.overall_rob(rob)
    judged = pd.Series([overall.get(s, "not assessed") for s in rcts["study_id"]])
    t["rob"] = ", ".join(f"{counted(int(v), 'trial')} {k.replace('_', ' ')}" for k, v in judged.value_counts().items())
    f.responders = main
    t["responders"] = main.sentence()
    if main.mh_rr is not None:
        used = main.used
        from analysis.pages.report import proportion

        with_k = proportion(int(used["e1"].sum()), int(used["n1"].sum()))
        with_c = proportion(int(used["e2"].sum()), int(used["n2"].sum()))
        t["responders_plain"] = (f"in {counted(main.k, 'small trial')}, at least half the pain was gone during or just after the infusion in "
                                 f"{with_k} of the treatment periods with ketamine and {with_c} of those with placebo or an active placebo")
        t["rr"] = f"{np.exp(main.mh_rr.estimate):.1f}"
    else:
        t["responders_plain"] = "too few trials reported how many patients had at least half their pain gone to combine them"
        t["rr"] = "not estimable"
    d = S.direction_table(results, outcomes, adverse, studies, rob)
    f.directions = d
    pain, harms = S.sign_test(d, "pain"), S.sign_test(d, "harms")
    t["sign_pain"] = pain.sentence()
    t["pain_fav"] = f"{pain.favour} of {pain.favour + pain.against}"
    t["pain_none"] = counted(pain.no_direction, "trial")
    t["harms"] = (f"{harms.against} of {harms.favour + harms.against} trials that state a direction for harms report more harms with ketamine"
                  if harms.favour + harms.against else "no trial states a direction for harms")
    t["later"] = "; ".join(f"{m.title}: {m.sentence()}" for m in metas[2:])
    from analysis.pages.reviews import panel_of

    md = reviews[[panel_of(m, s) == "MD" for m, s in zip(reviews["measure"], reviews["scale"])]]
    t["review_md"] = f"{md['estimate'].min():+.1f} to {md['estimate'].max():+.1f} points on a 0–10 scale" if len(md) else "not available"
    # Summary of findings: one row per main outcome, computed from the synthesis, by rating_id of the certainty
    # ratings; each with its trials and patient-periods (None where each trial gives only a direction of effect).
    def trials(rating: str) -> str:
        k, periods = f.counts[rating]
        return f"{k} ({periods})" if periods is not None else f"{k}"

    rows: dict[str, dict[str, str]] = {}
    if main.mh_rr is not None:
        used = main.used
        r2 = used["e2"].sum() / used["n2"].sum()
        rr = np.exp([main.mh_rr.estimate, main.mh_rr.ci_low, main.mh_rr.ci_high])
        f.counts["all_rct_responders_infusion"] = (main.k, int(used["n1"].sum() + used["n2"].sum()))
        rows["all_rct_responders_infusion"] = {
            "Outcome": "At least 50% pain relief, during or just after the infusion",
            "Risk with placebo or active placebo": f"{1000 * r2:.0f} per 1000",
            "Risk with ketamine": f"{1000 * r2 * rr[0]:.0f} per 1000 ({1000 * r2 * rr[1]:.0f} to {1000 * min(1.0, r2 * rr[2]):.0f})",
            "Relative effect (95% CI)": f"RR {rr[0]:.2f} ({rr[1]:.2f} to {rr[2]:.2f})",
            "Trials (patient-periods)": trials("all_rct_responders_infusion"),
            "Certainty": certainty("all_rct_responders_infusion"),
            "Comments": "Crossover periods analysed as parallel groups; risk of bias judged from abstracts; relief measured within hours."}
    f.counts["all_rct_pain_direction"] = (pain.favour + pain.against + pain.no_direction, None)
    rows["all_rct_pain_direction"] = {
        "Outcome": "Pain, direction of effect in every trial", "Risk with placebo or active placebo": "", "Risk with ketamine": "",
        "Relative effect (95% CI)": f"{pain.favour} of {pain.favour + pain.against} favour ketamine (sign test {p_text(pain.p)})" if pain.favour + pain.against else "no direction stated",
        "Trials (patient-periods)": trials("all_rct_pain_direction"), "Certainty": certainty("all_rct_pain_direction"),
        "Comments": f"{counted(pain.no_direction, 'trial')} stated no difference or no clear direction; sizes of effect not combined."}
    f.counts["all_rct_harms_direction"] = (harms.favour + harms.against + harms.no_direction, None)
    rows["all_rct_harms_direction"] = {
        "Outcome": "Harms, direction of effect in every trial", "Risk with placebo or active placebo": "", "Risk with ketamine": "",
        "Relative effect (95% CI)": f"{harms.against} of {harms.favour + harms.against} report more harms with ketamine" if harms.favour + harms.against else "no direction stated",
        "Trials (patient-periods)": trials("all_rct_harms_direction"), "Certainty": certainty("all_rct_harms_direction"),
        "Comments": "Psychotomimetic effects, sedation and nausea; small trials cannot detect rare or long-term harms."}
    f.sof = pd.DataFrame(list(rows.values()))
    for rating, row in rows.items():
        k, periods = f.counts[rating]
        who = f"{periods} patient-periods ({k})" if periods is not None else f"not applicable ({k})"
        f.effects[rating] = (row["Risk with placebo or active placebo"] or "not pooled", row["Risk with ketamine"] or "not pooled",
                             row["Relative effect (95% CI)"], who)
    return f

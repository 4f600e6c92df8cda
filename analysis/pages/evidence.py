"""The evidence for one condition: its studies, their results, and what may be pooled.

The chapters "Evidence by condition" call these functions; they hold the rules the
book applies, in one place:

* only values read in the primary report (``status == "confirmed"``) enter a pooled
  analysis (:func:`poolable`); second-hand or conflicting values are shown, labelled,
  and listed as left out, never silently dropped;
* pooled proportions from single-arm series are *descriptive* (the proportion of
  treated patients meeting a criterion), pooled on the logit scale by REML with a
  Hartung–Knapp–Sidik–Jonkman interval, and only for k >= 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.data.rules import CONDITION_GROUPS, arm_label, one_per_study, poolable
from analysis.pages.report import proportions_table, provenance_text
from analysis.stats.numeric import expit, round_half_up
from analysis.stats.pooling import PoolResult, pool_proportions
from analysis.text import counted

DESIGN_LABELS = {
    "rct_parallel": "randomised trial (parallel)",
    "rct_crossover": "randomised trial (crossover)",
    "n_of_1": "randomised n-of-1 trials",
    "nonrandomised_comparative": "non-randomised comparison",
    "prospective_single_arm": "prospective, single arm",
    "retrospective_case_series": "retrospective case series",
    "case_report": "case report",
    "systematic_review": "systematic review",
    "narrative_review": "narrative review",
    "guideline": "guideline",
}

EXCLUSION_WORDS = {
    "acute_or_perioperative": "excluded: acute or perioperative pain", "topical": "excluded: topical ketamine", "neuraxial": "excluded: epidural or intrathecal ketamine",
    "not_randomised": "excluded: not randomised", "healthy_volunteers": "excluded: healthy volunteers", "experimental_pain_only": "excluded: experimental pain only",
    "not_chronic": "excluded: pain not chronic", "children": "excluded: children", "not_ketamine": "excluded: not ketamine",
    "duplicate_report": "excluded: another report of an included study", "ongoing_no_results": "excluded: registered, no results yet",
    "case_report": "excluded: case report (fewer than 5 patients)", "other": "excluded: other reason (see the data)",
}
ROLE_WORDS = {"context": "a review or guideline, read for context", "excluded": "excluded"}

ROUTE_LABELS = {"iv": "intravenous", "im": "intramuscular", "sc": "subcutaneous", "oral": "oral", "intranasal": "intranasal", "sublingual": "sublingual",
                "mixed": "more than one route", "not_stated": "route not stated", "not_applicable": ""}


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def studies_for(studies: pd.DataFrame, group: str, roles: tuple[str, ...] = ("included",)) -> pd.DataFrame:
    """The studies of a condition group with the given roles, ordered by design then year."""
    conditions = CONDITION_GROUPS[group]
    chosen = studies[studies["condition"].isin(conditions) & studies["role"].isin(roles)]
    order = {d: i for i, d in enumerate(DESIGN_LABELS)}
    return chosen.assign(_o=chosen["design"].map(order)).sort_values(["_o", "year", "study_id"]).drop(columns="_o")


def characteristics_table(studies: pd.DataFrame) -> pd.DataFrame:
    """One display row per study: design and patients, ketamine regimen, co-medication, comparator, follow-up,
    provenance (the number of patients goes with the design: seven columns show whole at a desktop width)."""
    rows = []
    for _, s in studies.iterrows():
        regimen = "; ".join(x for x in (ROUTE_LABELS.get(_text(s["route"]), _text(s["route"])), _text(s["dose"]), _text(s["duration"])) if x)
        enrolled, analysed = _text(s["n_enrolled"]), _text(s["n_analysed"])
        if analysed and analysed != enrolled:
            patients = f"{enrolled} enrolled, {analysed} analysed" if enrolled else f"{analysed} analysed"
        else:
            patients = f"{enrolled} patients" if enrolled else "patients not stated"
        rows.append(
            {
                "Study": s["label"],
                "Design; patients": f"{DESIGN_LABELS.get(s['design'], s['design'])}; {patients}",
                "Ketamine": regimen or "not stated",
                "Co-medication": _text(s["co_medication"]),
                "Comparator": _text(s["comparator"]),
                "Follow-up": _text(s["follow_up"]),
                "Provenance": provenance_text(s),
            }
        )
    return pd.DataFrame(rows)


def proportion_results(outcomes: pd.DataFrame, studies: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """Every proportion outcome of the given studies, with its study label, n/N and intervals."""
    rows = outcomes[outcomes["study_id"].isin(studies["study_id"]) & outcomes["events"].notna() & outcomes["n"].notna()]
    table = proportions_table(rows, definitions)
    labels = studies.set_index("study_id")["label"]
    table.insert(0, "Study", [labels[s] for s in rows["study_id"]])
    return table


def continuous_results(outcomes: pd.DataFrame, studies: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """Every mean reported by the given studies, per arm, with its spread, n and provenance."""
    rows = outcomes[outcomes["study_id"].isin(studies["study_id"]) & outcomes["mean"].notna()]
    labels = studies.set_index("study_id")["label"]
    defs = definitions.set_index("outcome_id")
    out = []
    for _, r in rows.iterrows():
        d = defs.loc[r["outcome_id"]]
        spread = f"SD {r['sd']:g}" if pd.notna(r["sd"]) else f"SE {r['se']:g}" if pd.notna(r["se"]) else "not reported"
        out.append(
            {
                "Study": labels[r["study_id"]],
                "Outcome": f"{d['label']} ({_text(d['instrument'])})",
                "Arm": arm_label(r["arm"]),
                "Time point": r["timepoint"],
                "Mean": f"{r['mean']:g}",
                "Spread": spread,
                "n": _text(r["n"]),
                "Provenance": provenance_text(r),
            }
        )
    return pd.DataFrame(out)


@dataclass
class PooledProportion:
    """A descriptive pooled proportion, or the reason there is none."""

    outcome_id: str
    timepoint: str
    result: PoolResult | None
    included: pd.DataFrame
    left_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    reason: str = ""

    def sentence(self) -> str:
        """The pooled proportion in words, or why it was not computed."""
        if self.result is None:
            return self.reason
        r = self.result
        back = lambda x: round_half_up(100 * expit(x))  # noqa: E731 - inverse logit, in whole percent
        text = (
            f"{back(r.estimate)}% (95% CI {back(r.ci_low)}–{back(r.ci_high)}%; "
            f"{r.k} studies, {int(self.included['n'].sum())} patients; logit scale, REML, Hartung–Knapp–Sidik–Jonkman"
        )
        if r.pi_low is not None:
            text += f"; 95% prediction interval {back(r.pi_low)}–{back(r.pi_high)}%"
        return text + ")"


def pooled_proportion(outcomes: pd.DataFrame, outcome_id: str, timepoint: str, study_ids: pd.Series) -> PooledProportion:
    """Pool one proportion outcome across the given studies (descriptive; confirmed values only)."""
    rows = outcomes[
        outcomes["study_id"].isin(study_ids)
        & (outcomes["outcome_id"] == outcome_id)
        & (outcomes["timepoint"] == timepoint)
        & outcomes["events"].notna()
        & outcomes["n"].notna()
    ]
    ok = poolable(rows)
    usable, left_out = one_per_study(rows[ok]), rows[~ok]
    if len(usable) < 2:
        reason = (
            "No pooled estimate: 1 study has a value confirmed in its primary report and extracted twice"
            if len(usable) == 1
            else "No pooled estimate: no study has a value confirmed in its primary report and extracted twice"
        )
        if len(left_out):
            reason += f"; {counted(len(left_out), 'value')} second-hand, conflicting or not yet extracted twice {'is' if len(left_out) == 1 else 'are'} shown but not pooled"
        return PooledProportion(outcome_id, timepoint, None, usable, left_out, reason + ".")
    result = pool_proportions(usable["events"].to_numpy(float), usable["n"].to_numpy(float), labels=list(usable["study_id"]))
    return PooledProportion(outcome_id, timepoint, result, usable, left_out)


def _patients(studies: pd.DataFrame) -> str:
    """'113 patients', or '113 patients in the 4 studies that state their size' when some do not."""
    from analysis.pages.report import counted

    known = studies["n_enrolled"].dropna()
    text = counted(int(known.sum()), "patient")
    if len(known) < len(studies):
        text += f" in the {counted(len(known), 'study', 'studies')} that state their size"
    return text


@dataclass
class ConditionEvidence:
    """Everything a condition page shows, computed once from the data."""

    group: str
    studies: pd.DataFrame
    outcomes: pd.DataFrame
    definitions: pd.DataFrame
    included: pd.DataFrame
    other_roles: pd.DataFrame

    @classmethod
    def load(cls, group: str, data_dir: str | None = None) -> ConditionEvidence:
        from analysis.data import load_table

        studies = load_table("studies", data_dir)
        return cls(
            group=group,
            studies=studies,
            outcomes=load_table("outcomes", data_dir),
            definitions=load_table("outcome_definitions", data_dir),
            included=studies_for(studies, group),
            other_roles=studies_for(studies, group, roles=("context", "excluded")),
        )

    @property
    def trials(self) -> pd.DataFrame:
        return self.included[self.included["design"].isin(["rct_parallel", "rct_crossover", "n_of_1"])]

    @property
    def uncontrolled(self) -> pd.DataFrame:
        return self.included[~self.included["design"].isin(["rct_parallel", "rct_crossover", "n_of_1"])]

    def pooled(self) -> list[PooledProportion]:
        """A descriptive pooled proportion (or the reason for none) per relief outcome × time point."""
        rows = self.outcomes[self.outcomes["study_id"].isin(self.uncontrolled["study_id"]) & self.outcomes["events"].notna()]
        keys = rows[["outcome_id", "timepoint"]].drop_duplicates().itertuples(index=False)
        return [pooled_proportion(self.outcomes, o, t, self.uncontrolled["study_id"]) for o, t in keys]

    def key_numbers(self) -> dict[str, str]:
        """Texts to glue into the page's prose."""
        from analysis.pages.report import counted

        pooled = self.pooled()
        return {
            "n_studies": counted(len(self.included), "included study", "included studies"),
            "n_trials": counted(len(self.trials), "randomised trial"),
            "n_uncontrolled": counted(len(self.uncontrolled), "uncontrolled study", "uncontrolled studies"),
            "n_patients": _patients(self.included),
            "trial_patients": _patients(self.trials),
            "n_proportion_outcomes": counted(len(pooled), "relief outcome"),
            "n_pooled": str(sum(p.result is not None for p in pooled)),
            "n_other": counted(len(self.other_roles), "further record"),
            "trial_directions": self.direction_sentence(),
        }

    def show_pooled(self) -> None:
        """Print each pooled proportion (or why there is none) and display its forest plot."""
        from IPython.display import display

        from analysis.figures import html_figure
        from analysis.figures.forest import forest_plot

        labels = self.studies.set_index("study_id")["label"]
        names = self.definitions.set_index("outcome_id")["label"]
        for p in self.pooled():
            name = names[p.outcome_id]
            print(f"{name}, {p.timepoint}: {p.sentence()}")
            if p.result is None:
                continue
            fig, alt = forest_plot(
                p.result,
                measure="PLO",
                labels=list(labels[p.included["study_id"]]),
                data_columns={"n/N": [f"{e}/{n}" for e, n in zip(p.included["events"], p.included["n"])]},
            )
            display(
                html_figure(
                    fig,
                    alt,
                    f"{name}, {p.timepoint}: descriptive pooled proportion of treated patients (data/outcomes.csv; values "
                    "confirmed in the primary reports only; logit scale, REML, Hartung–Knapp–Sidik–Jonkman interval).",
                )
            )

    def other_records_table(self) -> pd.DataFrame:
        """Reviews, registered trials and excluded studies for this condition, with why they are not synthesised."""
        return pd.DataFrame(
            [
                {"Record": s["label"], "Design": DESIGN_LABELS.get(s["design"], s["design"]),
                 "Why it is not synthesised": EXCLUSION_WORDS.get(_text(s.get("exclusion_reason")), "") or ROLE_WORDS.get(_text(s["role"]), _text(s["role"])),
                 "Year": "" if pd.isna(s["year"]) else f"{int(s['year'])}"}
                for _, s in self.other_roles.iterrows()
            ]
        )

    def directions(self) -> pd.DataFrame:
        """The effect-direction rows (:func:`analysis.pages.synthesis.direction_table`) of this chapter's trials."""
        from analysis.data import load_table
        from analysis.pages import synthesis

        table = synthesis.direction_table(load_table("trial_results"), self.outcomes, load_table("adverse_events"), self.studies, load_table("risk_of_bias"))
        return table[table["group"] == self.group]

    def direction_sentence(self) -> str:
        """How many of this chapter's trials favour ketamine on pain, in words."""
        from analysis.pages.report import counted

        d = self.directions()
        pain = d[d["domain"] == "pain"]
        fav, against = int((pain["direction"] == "favours_ketamine").sum()), int((pain["direction"] == "favours_control").sum())
        rest = len(pain) - fav - against
        if len(pain) == 0:
            return "no trial in this chapter reports a result for pain that could be read"
        return (f"{fav} of {counted(len(pain), 'trial')} with a readable result for pain favour ketamine, {against} favour the control, "
                f"and {rest} state no difference or no clear direction")

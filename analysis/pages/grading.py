"""GRADE certainty of evidence, Summary of Findings tables, and how grading systems compare.

The judgements on each GRADE domain are recorded, with reasons, in
``data/certainty_ratings.csv``; they are human choices. This module only does
what can be computed:

* the certainty that follows from them (:func:`certainty`): start at high for
  randomised evidence or low for observational evidence, move down one level per
  serious concern (two per very serious; publication bias suspected -1, strongly
  suspected -2), up for a large (+1) or very large (+2) effect, a dose-response
  gradient (+1) or confounding that would reduce a demonstrated effect (+1), and
  stay within very low to high (Cochrane Handbook ch. 14; GRADE Handbook);
* the inputs a panel weighs (:func:`computed_inputs`): studies and participants,
  I² and the prediction interval when a pooled estimate exists, the interval
  against the minimal important difference, and the optimal information size;
* the Summary of Findings table of a question (:func:`sof_table`) and the
  comparison of the book's ratings with the guidelines' grades and the public
  texts' claims (:func:`grade_comparison`, :func:`comparison_heatmap`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis.data.rules import comparison_conditions
from analysis.figures.style import OKABE_ITO, plain_label  # noqa: F401 - also selects the headless backend
from analysis.pages.names import reader_text
from analysis.pages.report import counted, proportion  # noqa: E402
from analysis.stats import effects  # noqa: E402
from analysis.stats.numeric import normal_quantile, z_for_level
from analysis.text import p_text

LEVELS = ("very low", "low", "moderate", "high")
SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯", "no evidence": "—"}
START = {"high": 4, "low": 2}
DOWN_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
UP_DOMAINS = ("large_effect", "dose_response", "confounding")
STEPS = {
    "not_serious": 0, "serious": -1, "very_serious": -2, "not_applicable": 0,
    "undetected": 0, "suspected": -1, "strongly_suspected": -2,
    "no": 0, "large": 1, "very_large": 2, "yes": 1,
}
DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias", "inconsistency": "Inconsistency", "indirectness": "Indirectness",
    "imprecision": "Imprecision", "publication_bias": "Publication bias", "large_effect": "Large effect",
    "dose_response": "Dose-response", "confounding": "Plausible confounding",
}
# Minimal important difference for mean pain on a 0-10 scale (IMMPACT; Dworkin et al. 2008,
# J Pain 9:105-121), used as the threshold for imprecision, and responder thresholds of
# 30% and 50% reduction (Farrar et al. 2001, Pain 94:149-158).
MID_NRS = 1.0


def domain_cell(value: str) -> str:
    """A judgement as a compact table cell: 'no concern', '−1', '−2', '+1', 'n/a'."""
    if value == "not_applicable":
        return "n/a"
    step = STEPS[value]
    return "no concern" if step == 0 else f"{step:+d}".replace("-", "−")


def steps(row: pd.Series) -> dict[str, int]:
    """The levels each domain moves the rating (negative down, positive up)."""
    return {d: STEPS[str(row[d])] for d in DOWN_DOMAINS + UP_DOMAINS}


def certainty(row: pd.Series) -> str:
    """The certainty that follows from a rating's recorded judgements ('no evidence' if none)."""
    if row["start_level"] == "no_evidence":
        return "no evidence"
    level = START[str(row["start_level"])] + sum(steps(row).values())
    return LEVELS[min(4, max(1, level)) - 1]


def rate(ratings: pd.DataFrame, computed: dict[str, dict[str, tuple[str, str]]] | None = None) -> pd.DataFrame:
    """Ratings with their computed certainty and its symbols.

    ``computed`` (by rating_id) replaces recorded judgements with those computed from a pooled
    analysis (:func:`judgements_from_synthesis`): ``{domain: (judgement, reason)}``.
    """
    out = ratings.copy()
    for rating_id, domains in (computed or {}).items():
        at = out["rating_id"] == rating_id
        for domain, (judgement, reason) in domains.items():
            out.loc[at, domain] = judgement
            out.loc[at, f"{domain}_reason"] = reason
    out["certainty"] = [certainty(r) for _, r in ratings.iterrows()]
    out["symbols"] = out["certainty"].map(SYMBOLS)
    return out


def footnotes(row: pd.Series) -> list[str]:
    """One footnote per domain that moved the rating: 'Imprecision (−2): reason'."""
    notes = []
    for domain, step in steps(row).items():
        if step:
            sign = f"{step:+d}".replace("-", "−")
            notes.append(f"{DOMAIN_LABELS[domain]} ({sign}): {reader_text(row[f'{domain}_reason'])}")
    return notes


def study_list(row: pd.Series) -> list[str]:
    value = row.get("study_ids")
    return [s.strip() for s in str(value).split(";") if s.strip()] if pd.notna(value) else []


def evidence_rows(row: pd.Series, outcomes: pd.DataFrame, adverse_events: pd.DataFrame) -> pd.DataFrame:
    """The data rows a rating rests on."""
    studies = study_list(row)
    if row["evidence_table"] == "outcomes":
        sel = outcomes[outcomes["study_id"].isin(studies) & (outcomes["outcome_id"] == row["outcome_id"])]
    elif row["evidence_table"] == "adverse_events":
        sel = adverse_events[adverse_events["study_id"].isin(studies) & (adverse_events["event"] == row["event"])]
    else:
        return outcomes.iloc[0:0]
    if pd.notna(row.get("timepoint")):
        sel = sel[sel["timepoint"] == row["timepoint"]]
    return sel


def ois_continuous(sd: float, mid: float = MID_NRS, alpha: float = 0.05, power: float = 0.8) -> int:
    """Optimal information size for a mean difference: total N of a two-arm trial.

    N = 4 (z_{1-α/2} + z_{1-β})² σ² / Δ² (two equal arms of 2 (z+z)² σ²/Δ²), GRADE
    guideline 6 (Guyatt et al. 2011, J Clin Epidemiol 64:1283-1293).
    """
    z = normal_quantile(1 - alpha / 2) + normal_quantile(power)
    return int(math.ceil(4 * z**2 * sd**2 / mid**2))


def ois_dichotomous(control_risk: float, relative_reduction: float = 0.25, alpha: float = 0.05, power: float = 0.8) -> int:
    """Optimal information size for a risk ratio: total N of a two-arm trial.

    Two-proportion sample size, per arm (z_{1-α/2}+z_{1-β})² [p1(1-p1)+p2(1-p2)]/(p1-p2)²
    with p2 = p1 (1 - RRR); GRADE guideline 6 suggests RRR 25%. A negative ``relative_reduction``
    is a relative increase (an outcome the treatment should make more frequent, such as response).
    """
    p1, p2 = control_risk, control_risk * (1 - relative_reduction)
    if not (0 < p1 < 1 and 0 < p2 < 1) or relative_reduction == 0:
        raise ValueError(f"no information size for a control risk of {control_risk} and a relative change of {-relative_reduction:+.0%}")
    z = normal_quantile(1 - alpha / 2) + normal_quantile(power)
    return int(2 * math.ceil(z**2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2))


def _participants(row: pd.Series, rows: pd.DataFrame, studies: pd.DataFrame) -> int | None:
    ids = study_list(row)
    enrolled = studies.set_index("study_id").reindex(ids)["n_enrolled"]
    if len(ids) and enrolled.notna().all():
        return int(enrolled.sum())
    if "n" in rows and rows["n"].notna().any():
        return int(rows.groupby("study_id")["n"].max().sum())
    return None


def computed_inputs(row: pd.Series, outcomes: pd.DataFrame, adverse_events: pd.DataFrame, studies: pd.DataFrame,
                    synthesis: dict[str, tuple[int, int | None]] | None = None) -> dict[str, str]:
    """What can be computed for a rating, to show beside the recorded judgements. ``synthesis`` gives, by rating_id,
    the trials and patient-periods of the outcomes the synthesis computes across trials (patient-periods None where
    it counts each trial's direction of effect), as the Summary of Findings shows them."""
    if synthesis and row["rating_id"] in synthesis:
        k, periods = synthesis[row["rating_id"]]
        if periods is None:
            return {"Studies": str(k), "Participants": "not counted: each trial gives the direction of its effect",
                    "Heterogeneity": "not estimable: directions of effect, not sizes", "Against the MID": "not applicable: directions of effect, not sizes",
                    "Optimal information size": "not applicable: no pooled estimate"}
        out = computed_inputs(row, outcomes, adverse_events, studies)
        out.update({"Studies": str(k), "Participants": f"{periods} patient-periods",
                    "Heterogeneity": "see the pooled analysis" if k >= 2 else out["Heterogeneity"]})
        return out
    if row["evidence_table"] == "none":
        return {"Studies": "0", "Participants": "0", "Heterogeneity": "no studies", "Against the MID": "no studies", "Optimal information size": "no studies"}
    rows = evidence_rows(row, outcomes, adverse_events)
    k = len(study_list(row))
    n = _participants(row, rows, studies)
    out = {"Studies": str(k), "Participants": str(n) if n is not None else "not reported"}
    out["Heterogeneity"] = f"not estimable ({counted(k, 'study', 'studies')}; I² needs two, a prediction interval three)" if k < 2 else "see the pooled analysis"
    arms = set(rows["arm"]) if "arm" in rows else set()
    has_sd = "sd" in rows and rows["sd"].notna().all() and len(rows)
    if row["evidence_table"] == "outcomes" and len(arms) == 2 and "ketamine" in arms and has_sd:
        k_arm, c_arm = rows[rows["arm"] == "ketamine"].iloc[0], rows[rows["arm"] != "ketamine"].iloc[0]
        es = effects.mean_difference(k_arm["mean"], k_arm["sd"], k_arm["n"], c_arm["mean"], c_arm["sd"], c_arm["n"])
        md, half = float(np.ravel(es.yi)[0]), z_for_level(0.95) * math.sqrt(float(np.ravel(es.vi)[0]))
        crosses = (md - half) < -MID_NRS < (md + half) or (md - half) < MID_NRS < (md + half)
        out["Against the MID"] = f"MD {md:.2f} (95% CI {md - half:.2f} to {md + half:.2f}); {'crosses' if crosses else 'does not cross'} the MID of {MID_NRS:g} point"
        pooled_sd = math.sqrt((k_arm["sd"] ** 2 + c_arm["sd"] ** 2) / 2)
        out["Optimal information size"] = (f"{ois_continuous(pooled_sd, alpha=OIS_ALPHA, power=OIS_POWER)} participants "
                                           f"(SD {pooled_sd:.2f}, MID {MID_NRS:g}, α {OIS_ALPHA:g}, power {OIS_POWER:g})")
    elif row["evidence_table"] == "outcomes" and "ketamine" in arms and len(arms) >= 2 and "events" in rows and rows["events"].notna().all():
        # counts of patients with the outcome in each arm (responders): a risk, not a difference on a pain scale; the
        # pooled analysis computes the information size from its control arms' risk (judgements_from_synthesis)
        out["Against the MID"] = "not applicable: a count of patients with the outcome (the MID is a difference on a pain scale)"
        out["Optimal information size"] = f"from the control arms' risk in the pooled analysis ({ois_terms()}): see the imprecision reason"
    elif row["evidence_table"] == "outcomes" and len(arms) >= 2:
        out["Against the MID"] = "not computable: the arms' SDs are not available"
        out["Optimal information size"] = "not computable without an SD"
    elif len(arms) <= 1 and row["evidence_table"] == "outcomes":
        out["Against the MID"] = "not applicable: no comparison group, so no effect estimate"
        out["Optimal information size"] = "not applicable without a comparison group"
    else:
        out["Against the MID"] = "not applicable to this harm outcome"
        out["Optimal information size"] = "not computable: counts per arm not reported" if rows["events"].isna().any() else "see the safety chapter"
    return out


def _value_text(r: pd.Series) -> str:
    if pd.notna(r.get("events")) and pd.notna(r.get("n")):
        return str(proportion(r["events"], r["n"]))
    if pd.notna(r.get("percent")):
        return f"{r['percent']:g}% (count not reported)"
    if pd.notna(r.get("mean")):
        spread = f", SD {r['sd']:g}" if pd.notna(r.get("sd")) else f", SE {r['se']:g}" if pd.notna(r.get("se")) else ""
        return f"mean {r['mean']:g}{spread}"
    return "not reported"


def absolute_effects(row: pd.Series, outcomes: pd.DataFrame, adverse_events: pd.DataFrame) -> tuple[str, str, str]:
    """(with comparator, with ketamine, relative effect) as the SoF table shows them."""
    if row["evidence_table"] == "none":
        return "No studies", "No studies", "—"
    rows = evidence_rows(row, outcomes, adverse_events)
    ket, comp = rows[rows["arm"] == "ketamine"], rows[rows["arm"] != "ketamine"]
    with_k = "; ".join(
        (f"{_value_text(r)} ({r['population']})" if "population" in r and pd.notna(r["population"]) and len(ket) > 1 else _value_text(r))
        for _, r in ket.iterrows()
    )
    if comp.empty:
        return "no comparison group", with_k or "not reported", "not estimable (no comparator)"
    with_c = "; ".join(_value_text(r) for _, r in comp.iterrows())
    if len(ket) == 1 and len(comp) == 1 and pd.notna(ket.iloc[0].get("mean")) and pd.notna(comp.iloc[0].get("mean")):
        diff = float(ket.iloc[0]["mean"]) - float(comp.iloc[0]["mean"])
        with_k += f" ({abs(diff):.2f} {'lower' if diff < 0 else 'higher'})"
    return with_c, with_k, "not estimable (no interval can be computed from the data)"


def sof_table(
    question_id: str, rated: pd.DataFrame, outcomes: pd.DataFrame, adverse_events: pd.DataFrame, studies: pd.DataFrame,
    computed: dict[str, tuple[str, str, str, str]] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """A GRADE Summary of Findings table for one question, and its footnotes (letters a, b, …).

    ``computed`` gives, by rating_id, the effects a synthesis computed (with comparator, with ketamine,
    relative effect, participants and studies) for outcomes the single-table rows cannot express
    (pooled across time points, or counted by direction: :func:`analysis.pages.summary.findings`).
    """
    rows, notes = [], []
    computed = computed or {}
    for _, r in rated[rated["question_id"] == question_id].iterrows():
        if r["rating_id"] in computed:
            with_c, with_k, relative, participants = computed[r["rating_id"]]
        else:
            with_c, with_k, relative = absolute_effects(r, outcomes, adverse_events)
            rows_used = evidence_rows(r, outcomes, adverse_events)
            n = _participants(r, rows_used, studies) if r["evidence_table"] != "none" else 0
            participants = f"{n if n is not None else 'not reported'} ({len(study_list(r))})"
        marks = []
        for note in footnotes(r):
            notes.append(note)
            marks.append(chr(ord("a") + len(notes) - 1))
        label = f"{r['symbols']} {r['certainty']}" + (f" ({', '.join(marks)})" if marks else "")
        rows.append(
            {
                "Outcome": f"{r['outcome']} [{r['importance']}]",
                "With comparator": with_c,
                "With ketamine": with_k,
                "Relative effect (95% CI)": relative,
                "Participants (studies)": participants,
                "Certainty (GRADE)": label,
                "Comments": r["comments"] if pd.notna(r.get("comments")) else "",
            }
        )
    return pd.DataFrame(rows), [f"{chr(ord('a') + i)}. {n}" for i, n in enumerate(notes)]


# --------------------------------------------------------------------------
# Comparing grading systems

SYSTEMS = ("Public texts", "ASA/ASRA 2010 (as quoted in ASRA Pain Medicine News)", "2018 consensus guideline", "This book (GRADE)")
EVIDENCE_ORDER = {"none": 0, "weak or none": 1, "weak": 1, "moderate": 2, "strong": 3}
GRADE_ORDER = {"I": 0, "D": 1, "C": 2, "B": 3, "A": 4}


@dataclass
class Cell:
    """One system's appraisal of one condition: its words, and its rank on its own scale (0-1)."""

    text: str
    rank: float | None


def _statement_cell(statements: pd.DataFrame, guideline: str, conditions: tuple[str, ...]) -> Cell:
    s = statements[(statements["guideline"] == guideline) & statements["condition"].isin(conditions) & (statements["topic"] == "efficacy")]
    if s.empty:
        return Cell("no statement in the data", None)
    s = s.iloc[0]
    level = str(s["evidence_level"]) if pd.notna(s["evidence_level"]) else ""
    if pd.notna(s["grade"]):
        certainty_text = f", certainty {s['certainty']}" if pd.notna(s["certainty"]) else ", certainty not confirmed"
        return Cell(f"grade {s['grade']}{certainty_text} (evidence: {level})", GRADE_ORDER[str(s["grade"])] / 4)
    rank = EVIDENCE_ORDER.get(level)
    return Cell(f"evidence: {level} (grade not confirmed)" if level else "stated without a level", None if rank is None else rank / 3)


def _claims_cell(claims: pd.DataFrame, conditions: tuple[str, ...]) -> Cell:
    c = claims[claims["condition"].isin(conditions) & (claims["topic"] == "efficacy")]
    if c.empty:
        return Cell("no claim", 0.0)
    return Cell(f"claims benefit ({counted(len(c), 'claim')} in {counted(c['source_report'].nunique(), 'text')})", 1.0)


def _grade_cell(rated: pd.DataFrame, questions: pd.DataFrame, conditions: tuple[str, ...]) -> Cell:
    qs = questions[questions["condition"].isin(conditions)]["question_id"]
    r = rated[rated["question_id"].isin(qs)]
    if r.empty:
        return Cell("not rated (no study in the data)", None)
    if (r["certainty"] == "no evidence").all():
        return Cell("no evidence", 0.0)
    # GRADE's overall certainty is the lowest across critical outcomes; with none rated
    # critical, the lowest across the important ones, and the cell says which.
    kind = "critical" if (r["importance"] == "critical").any() else "important"
    levels = [LEVELS.index(c) for c in r.loc[r["importance"] == kind, "certainty"] if c in LEVELS]
    lowest = LEVELS[min(levels)]
    return Cell(f"{lowest} (lowest of {counted(len(levels), kind + ' outcome')})", (min(levels) + 1) / 4)


def grade_comparison(rated: pd.DataFrame, questions: pd.DataFrame, statements: pd.DataFrame, claims: pd.DataFrame) -> dict[str, dict[str, Cell]]:
    """{condition: {system: Cell}} for every condition the guidelines grade."""
    table: dict[str, dict[str, Cell]] = {}
    for name, conditions in comparison_conditions().items():
        table[name] = {
            SYSTEMS[0]: _claims_cell(claims, conditions),
            SYSTEMS[1]: _statement_cell(statements, "asa2010", conditions),
            SYSTEMS[2]: _statement_cell(statements, "cohen2018", conditions),
            SYSTEMS[3]: _grade_cell(rated, questions, conditions),
        }
    return table


def comparison_frame(table: dict[str, dict[str, Cell]]) -> pd.DataFrame:
    """The comparison as a display table of words."""
    return pd.DataFrame({system: [table[c][system].text for c in table] for system in SYSTEMS}, index=list(table)).rename_axis("Condition")


def comparison_heatmap(table: dict[str, dict[str, Cell]]) -> tuple[Figure, str]:
    """Heatmap: each cell coloured by the system's own level (0 lowest, 1 highest), labelled in its words."""
    conditions = list(table)
    ranks = np.array([[np.nan if table[c][s].rank is None else table[c][s].rank for s in SYSTEMS] for c in conditions])
    fig, ax = plt.subplots(figsize=(11, 0.55 * len(conditions) + 1.8))
    cmap = plt.get_cmap("cividis").copy()
    cmap.set_bad("#EEEEEE")
    ax.imshow(np.ma.masked_invalid(ranks), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i, c in enumerate(conditions):
        for j, s in enumerate(SYSTEMS):
            rank = ranks[i, j]
            colour = "black" if np.isnan(rank) or rank > 0.55 else "white"
            ax.text(j, i, plain_label(table[c][s].text.replace(" (", "\n(")), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(len(SYSTEMS)), [s.replace(" (", "\n(") for s in SYSTEMS], fontsize=8)
    ax.set_yticks(range(len(conditions)), [plain_label(c) for c in conditions], fontsize=8)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    fig.tight_layout()
    alt = "Heatmap comparing, for each condition, what the public texts claim, the evidence levels and grades of the 2010 and 2018 guidelines, and this book's GRADE certainty. " + " ".join(
        f"{c}: " + "; ".join(f"{s}: {table[c][s].text}" for s in SYSTEMS) + "." for c in conditions
    )
    return fig, alt


def domain_table(rated: pd.DataFrame, part: str = "all") -> pd.DataFrame:
    """This book's ratings domain by domain: the start level, each domain's move, and the certainty reached.

    ``part`` "down" gives the start level and the five domains that can lower a rating, "up" the three that
    can raise it and the certainty reached: the page shows the two halves as two tables, each of which
    shows whole at a desktop width (eleven columns did not, issue 13); "all" gives them in one."""
    down = part in ("all", "down")
    up = part in ("all", "up")
    rows = []
    for _, r in rated.iterrows():
        row = {"Outcome": r["outcome"]}
        if down:
            row["Start"] = str(r["start_level"]).replace("_", " ")
        for d in (DOWN_DOMAINS if down else ()) + (UP_DOMAINS if up else ()):
            row[DOMAIN_LABELS[d]] = domain_cell(str(r[d]))
        if up:
            row["Certainty"] = f"{r['symbols']} {r['certainty']}"
        rows.append(row)
    return pd.DataFrame(rows)


OIS_EVENTS = 300  # GRADE's rule of thumb for binary outcomes: fewer than 300 events is imprecise (Guyatt et al. 2011, GRADE guideline 6)
# The optimal information size of a pooled count of responders: a trial powered to detect this relative increase of
# the control arms' risk (GRADE guideline 6 suggests 25%), two-sided α, power.
OIS_RELATIVE_INCREASE, OIS_ALPHA, OIS_POWER = 0.25, 0.05, 0.8
I2_SERIOUS = 50  # I² (%) from which inconsistency is serious
EGGER_MIN_TRIALS, EGGER_P = 10, 0.10  # Egger's test only with this many trials; publication bias suspected below this p


def ois_terms() -> str:
    """The terms of the information size in words, as the reasons and the methods page give them."""
    return f"a {OIS_RELATIVE_INCREASE:.0%} relative increase, α {OIS_ALPHA:g}, power {OIS_POWER:g}"


def judgements_from_synthesis(k: int, ci_low: float, ci_high: float, i2: float, events: int, pi_low: float | None = None,
                              pi_high: float | None = None, egger_p: float | None = None, null: float = 1.0, tau2: float = 0.0,
                              control: tuple[int, int] | None = None, size: int | None = None) -> dict[str, tuple[str, str]]:
    """The GRADE domains a pooled binary analysis decides, with their reasons (ratios on their natural scale).

    ``control`` is (events, n) summed over the trials' control arms and ``size`` the analysis's size (its
    patient-periods): with both, imprecision is judged against the optimal information size computed from the
    control arms' risk (:func:`ois_dichotomous` with :func:`ois_terms`: the outcome is a response the treatment
    should make more frequent; GRADE guideline 6); without them, or where no size can be computed (a control risk
    of 0, or one the increase would take above 1), against GRADE's rule of thumb of :data:`OIS_EVENTS` events.

    * inconsistency: not applicable for one trial; serious when I² is :data:`I2_SERIOUS` % or more, or when (k >= 3) the
      between-trial variance is above zero and the prediction interval includes no effect although the
      confidence interval does not (with no between-trial variance a wide prediction interval reflects
      only the few trials, which imprecision already counts);
    * imprecision: serious when the confidence interval includes no effect or the analysis is smaller than the
      optimal information size (or, where none can be computed, holds fewer than :data:`OIS_EVENTS` events), very
      serious when both;
    * publication bias: assessed only with at least :data:`EGGER_MIN_TRIALS` trials (Egger's test, p < :data:`EGGER_P` suspected).
    """
    out: dict[str, tuple[str, str]] = {}
    if k < 2:
        out["inconsistency"] = ("not_applicable", "A single trial: consistency cannot be judged.")
    else:
        pi_crosses = tau2 > 1e-8 and pi_low is not None and pi_high is not None and pi_low < null < pi_high and not (ci_low < null < ci_high)
        if i2 >= I2_SERIOUS or pi_crosses:
            why = f"I² {i2:.0f}%" + ("; the prediction interval includes no effect" if pi_crosses else "")
            out["inconsistency"] = ("serious", f"Computed from the pooled analysis: {why}.")
        else:
            detail = ("between-trial variance estimated at zero" if tau2 <= 1e-8 else
                      "the prediction interval excludes no effect" if pi_low is not None else "no prediction interval (fewer than three trials)")
            out["inconsistency"] = ("not_serious", f"Computed from the pooled analysis: I² {i2:.0f}%; {detail}.")
    crosses = ci_low < null < ci_high
    ois = None
    if control is not None and size is not None and control[1] > 0:
        try:
            ois = ois_dichotomous(control[0] / control[1], relative_reduction=-OIS_RELATIVE_INCREASE, alpha=OIS_ALPHA, power=OIS_POWER)
        except ValueError:  # no responder in the control arms, or too many for the increase: the rule of thumb below
            pass
    if ois is not None and size is not None and control is not None:
        few = size < ois
        basis = (f"{size} patient-periods, {'fewer than' if few else 'at least'} the optimal information size of {ois:,} "
                 f"(control risk {control[0]} of {control[1]}, {ois_terms()})")
    else:
        few = events < OIS_EVENTS
        basis = f"{events} events, {'fewer than' if few else 'at least'} the {OIS_EVENTS} of GRADE's optimal-information-size rule of thumb"
    reasons = ([f"the 95% CI ({ci_low:.2f} to {ci_high:.2f}) includes no effect"] if crosses else []) + ([basis] if few else [])
    level = "very_serious" if crosses and few else "serious" if reasons else "not_serious"
    out["imprecision"] = (level, "Computed from the pooled analysis: " + ("; ".join(reasons) if reasons else f"the CI excludes no effect and {basis}") + ".")
    if k >= EGGER_MIN_TRIALS and egger_p is not None:
        out["publication_bias"] = ("suspected" if egger_p < EGGER_P else "undetected", f"Computed: Egger's test {p_text(egger_p)} ({k} trials).")
    return out

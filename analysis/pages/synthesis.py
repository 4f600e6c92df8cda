"""The synthesis of the randomised trials: pooled where the numbers allow, effect direction where they do not.

The rules, stated before any result (SWiM, Campbell et al., BMJ 2020):

* **Pairs.** Within a trial, every ketamine arm is compared with one control arm: placebo if the
  trial has one, else an active placebo (midazolam), else an active drug. Several ketamine arms
  (doses) are added together (Cochrane Handbook 23.3.4). Crossover trials are analysed as if
  their periods were parallel groups unless a paired result is reported (conservative;
  Cochrane Handbook 23.2.6), and each such trial is marked.
* **Pooling.** Binary outcomes (responders, harms) are pooled as risk ratios and risk differences
  by Mantel–Haenszel (the Cochrane default for sparse data, :mod:`analysis.stats.mh`), with a
  random-effects risk ratio (REML, Hartung–Knapp–Sidik–Jonkman) beside it; a pooled estimate
  needs at least two trials. Only values that :func:`analysis.data.rules.may_pool` accepts enter:
  primary, confirmed and double-extracted. Time windows are those of
  :data:`analysis.data.rules.TIME_WINDOWS`.
* **Effect direction.** For every trial and outcome domain (pain, function, mood, harms) one
  result is chosen: the comparison with placebo or active placebo if there is one, else with an
  active drug; of its time points the first one reported (nearest the treatment). Its direction
  is the one the report states (favours ketamine, favours control, no difference); where a trial
  states no result for the domain but gives per-arm counts, the direction of the counts is used.
  Before-after changes within the ketamine arm are not directions of effect and are not used.
  The sign test counts trials favouring ketamine among those with a direction (exact binomial
  test, Clopper–Pearson interval for the proportion).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.data.rules import CONDITION_GROUPS, GROUP_TITLES, arm_label, arm_role, group_of, may_pool, time_window, why_not_pooled
from analysis.figures.style import OKABE_ITO, legend_in_columns, plain_label
from analysis.stats import effects
from analysis.stats.pooling import PoolResult, pool
from analysis.text import counted, p_text

DOMAINS = ("pain", "function", "mood", "harms")
DOMAIN_TITLES = {"pain": "Pain", "function": "Function", "mood": "Mood", "harms": "Harms"}
RANDOMISED = ("rct_parallel", "rct_crossover", "n_of_1")
CONTROL_ORDER = ("placebo", "active_placebo", "active_drug")
PLACEBO_LIKE = ("placebo", "active_placebo")  # the comparators of the primary pooled analyses
CONTROL_WORDS = {"placebo": "placebo", "active_placebo": "active placebo", "active_drug": "active drug"}


def _text(x: Any) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


def trials(studies: pd.DataFrame) -> pd.DataFrame:
    """The included randomised trials (parallel, crossover and n-of-1)."""
    return studies[studies["design"].isin(RANDOMISED) & (studies["role"] == "included")]


def overall_rob(rob: pd.DataFrame) -> dict[str, str]:
    """Each study's overall risk-of-bias judgement (RoB 2), by study_id."""
    rows = rob[rob["domain"].astype(str).str.lower().eq("overall") & rob["tool"].isin(["rob2", "rob2_crossover"])]
    return dict(zip(rows["study_id"].astype(str), rows["judgement"].astype(str)))


# ---------------------------------------------------------------------------- pairs of arms


def _pairs(rows: pd.DataFrame, studies: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Ketamine arms against the preferred control arm, per study and per ``keys`` (outcome and time point)."""
    info = studies.set_index("study_id")
    out = []
    rows = rows.copy()
    if "timepoint" in keys and "timepoint_days" in rows:
        # Arms measured on the same day are one comparison even when the report words the time point
        # differently for each arm; the time point is then named as the study's first row of that day.
        when = rows["timepoint_days"].astype("Float64")
        day_key = rows["study_id"].astype(str) + "|" + when.astype(str)
        first_text = rows.groupby(day_key)["timepoint"].transform("first")
        rows["timepoint"] = first_text.where(when.notna(), rows["timepoint"])
    for key, group in rows.groupby(["study_id", *keys], sort=False):
        group = group.drop_duplicates("arm")  # one row per arm: the first the study reports for this time point
        study = key[0]
        group = group[group["events"].notna() & group["n"].notna()]
        roles = group["arm"].map(arm_role)
        ket = group[roles == "ketamine"]
        controls = [(r, group[roles == r]) for r in CONTROL_ORDER if (roles == r).any()]
        if ket.empty or not controls:
            continue
        role, ctl = controls[0]
        ctl = ctl.iloc[[0]]
        used = pd.concat([ket, ctl])
        s = info.loc[study]
        reasons = [why_not_pooled(r["source_kind"], r["status"], s["role"], r.get("verifier")) for _, r in used.iterrows()]
        reasons = [r for r in reasons if r]
        row = {
            "study_id": study, "label": s["label"], "group": group_of(str(s["condition"])), "design": s["design"],
            "crossover": s["design"] != "rct_parallel", "control_role": role, "control_arm": str(ctl["arm"].iloc[0]),
            "ketamine_arms": ", ".join(ket["arm"].astype(str)),
            "e1": int(ket["events"].sum()), "n1": int(ket["n"].sum()), "e2": int(ctl["events"].iloc[0]), "n2": int(ctl["n"].iloc[0]),
            "primary": all(may_pool(r["source_kind"], r["status"], s["role"], r.get("verifier")) for _, r in used.iterrows()),
            "second_hand": any(str(r["source_kind"]) != "primary" for _, r in used.iterrows()),
            "why_not": "; ".join(dict.fromkeys(reasons)),
        }
        for name, value in zip(keys, key[1:]):
            row[name] = value
        days = group["timepoint_days"].dropna() if "timepoint_days" in group else pd.Series(dtype=float)
        row["timepoint_days"] = float(days.iloc[0]) if len(days) else np.nan
        row["window"] = time_window(row["timepoint_days"])
        out.append(row)
    columns = ["study_id", "label", "group", "design", "crossover", "control_role", "control_arm", "ketamine_arms", "e1", "n1", "e2", "n2",
               "primary", "second_hand", "why_not", *keys, "timepoint_days", "window"]
    return pd.DataFrame(out, columns=columns)


def binary_pairs(outcomes: pd.DataFrame, studies: pd.DataFrame, outcome_id: str) -> pd.DataFrame:
    """One row per trial and time point of a binary outcome: ketamine events/n against control events/n."""
    rows = outcomes[(outcomes["outcome_id"] == outcome_id) & outcomes["study_id"].isin(trials(studies)["study_id"])]
    return _pairs(rows, studies, ["timepoint"])


def harm_pairs(adverse_events: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """One row per trial and harm (psychotomimetic, nausea or vomiting, dizziness, sedation, any, withdrawals)."""
    ae = adverse_events[adverse_events["study_id"].isin(trials(studies)["study_id"])].copy()
    ae["harm"] = np.where(ae["category"].astype(str).str.startswith("withdrawal"), ae["category"].astype(str), ae["event_group"].astype("string").fillna("other"))
    return _pairs(ae, studies, ["harm", "timepoint"])


# ---------------------------------------------------------------------------- pooling


@dataclass
class BinaryMeta:
    """A pooled binary comparison: the trials used, Mantel–Haenszel RR and RD, random-effects RR."""

    title: str
    used: pd.DataFrame
    left_out: pd.DataFrame
    mh_rr: Any = None
    mh_rd: Any = None
    re_rr: PoolResult | None = None

    @property
    def k(self) -> int:
        return len(self.used)

    def sentence(self) -> str:
        """The result in words, or why there is none."""
        if self.k < 2 or self.mh_rr is None:
            return f"no pooled estimate ({counted(self.k, 'trial')} with usable numbers; pooling needs two)"
        r = self.mh_rr
        text = (f"risk ratio {np.exp(r.estimate):.2f} (95% CI {np.exp(r.ci_low):.2f} to {np.exp(r.ci_high):.2f}; Mantel–Haenszel; "
                f"{counted(self.k, 'trial')}, {int(self.used['n1'].sum() + self.used['n2'].sum())} patient-periods)")
        if self.mh_rd is not None:
            text += f"; risk difference {100 * self.mh_rd.estimate:+.0f} percentage points (95% CI {100 * self.mh_rd.ci_low:+.0f} to {100 * self.mh_rd.ci_high:+.0f})"
        return text


def pool_binary(pairs: pd.DataFrame, title: str, include_second_hand: bool = False) -> BinaryMeta:
    """Pool one binary comparison: the first time point of each trial within the given pairs."""
    usable = pairs[pairs["primary"] | (include_second_hand & pairs["second_hand"])]
    usable = usable.sort_values(["study_id", "timepoint_days"]).drop_duplicates("study_id")
    left = pairs[~pairs["study_id"].isin(usable["study_id"])].drop_duplicates("study_id")
    meta = BinaryMeta(title, usable, left)
    if len(usable) >= 2:
        from analysis.stats.mh import pool_mh

        args = (usable["e1"].to_numpy(float), usable["n1"].to_numpy(float), usable["e2"].to_numpy(float), usable["n2"].to_numpy(float))
        meta.mh_rr = pool_mh(*args, measure="RR", labels=list(usable["label"]))
        meta.mh_rd = pool_mh(*args, measure="RD", labels=list(usable["label"]))
        es = effects.log_risk_ratio(*args)
        meta.re_rr = pool(es.yi, es.vi, method="REML", ci="hk", labels=list(usable["label"]))
    return meta


def pooled_table(metas: list[BinaryMeta]) -> pd.DataFrame:
    """One display row per pooled comparison."""
    rows = []
    for m in metas:
        if m.k >= 2 and m.mh_rr is not None:
            rr = m.mh_rr
            re = m.re_rr
            rows.append({
                "Comparison": m.title, "Trials": m.k,
                "Events, ketamine": f"{int(m.used['e1'].sum())} of {int(m.used['n1'].sum())}",
                "Events, control": f"{int(m.used['e2'].sum())} of {int(m.used['n2'].sum())}",
                "Risk ratio (Mantel–Haenszel)": f"{np.exp(rr.estimate):.2f} ({np.exp(rr.ci_low):.2f} to {np.exp(rr.ci_high):.2f})",
                "Risk difference": f"{100 * m.mh_rd.estimate:+.0f} ({100 * m.mh_rd.ci_low:+.0f} to {100 * m.mh_rd.ci_high:+.0f}) points",
                "Risk ratio (random effects)": "" if re is None else f"{np.exp(re.estimate):.2f} ({np.exp(re.ci_low):.2f} to {np.exp(re.ci_high):.2f})",
                "I²": f"{rr.i2:.0f}%" if np.isfinite(rr.i2) else "",
            })
        else:
            rows.append({"Comparison": m.title, "Trials": m.k, "Events, ketamine": "", "Events, control": "",
                         "Risk ratio (Mantel–Haenszel)": "not pooled (needs two trials)", "Risk difference": "", "Risk ratio (random effects)": "", "I²": ""})
    return pd.DataFrame(rows)


def pairs_table(pairs: pd.DataFrame, extra: str = "timepoint", links: dict[str, str] | None = None) -> pd.DataFrame:
    """The per-trial counts behind a pooled comparison, in words.

    With ``links`` (study id -> HTML of its name, e.g. from :func:`analysis.pages.report.reference_link`),
    the column "Trial" holds HTML, every name escaped: show it with ``report.with_html_columns``."""
    if links is None:
        trial = pairs["label"] + np.where(pairs["crossover"], " (crossover)", "")
    else:
        trial = pd.Series(
            [links.get(str(s)) or html.escape(str(label)) for s, label in zip(pairs["study_id"], pairs["label"])], index=pairs.index
        ) + np.where(pairs["crossover"], " (crossover)", "")
    return pd.DataFrame({
        "Trial": trial,
        "Time point": pairs[extra].astype(str) if extra in pairs else "",
        "Ketamine": [f"{e} of {n}" for e, n in zip(pairs["e1"], pairs["n1"])],
        "Control": [f"{e} of {n} ({CONTROL_WORDS[r]}" + ("" if arm_label(a) == CONTROL_WORDS[r] else f": {arm_label(a)}") + ")"
                    for e, n, r, a in zip(pairs["e2"], pairs["n2"], pairs["control_role"], pairs["control_arm"])],
        "Used in the primary analysis": np.where(pairs["primary"], "yes", "no: " + pairs["why_not"]),
    })


# ---------------------------------------------------------------------------- effect direction (SWiM)

DIRECTION_SYMBOL = {"favours_ketamine": "▲", "favours_control": "▼", "no_difference": "◆", "unclear": "?"}
DIRECTION_WORDS = {"favours_ketamine": "favours ketamine", "favours_control": "favours the control", "no_difference": "no difference stated", "unclear": "unclear"}


def _is_placebo_like(comparison: str) -> bool:
    c = comparison.lower()
    return any(w in c for w in ("placebo", "saline", "midazolam", "control"))


def direction_table(trial_results: pd.DataFrame, outcomes: pd.DataFrame, adverse_events: pd.DataFrame, studies: pd.DataFrame, rob: pd.DataFrame) -> pd.DataFrame:
    """One row per trial and domain, chosen by the module's rules, with size and risk of bias."""
    tr = trials(studies)
    info = tr.set_index("study_id")
    robs = overall_rob(rob)
    res = trial_results[trial_results["study_id"].isin(tr["study_id"]) & ~trial_results["comparison"].astype(str).str.contains("before vs after")].copy()
    res["_placebo"] = ~res["comparison"].astype(str).map(_is_placebo_like)
    res["_days"] = res["timepoint_days"].astype("Float64").fillna(1e9)
    res["_order"] = range(len(res))
    chosen = res.sort_values(["study_id", "domain", "_placebo", "_days", "_order"]).drop_duplicates(["study_id", "domain"])
    rows = []
    for _, r in chosen.iterrows():
        rows.append({"study_id": r["study_id"], "domain": r["domain"], "direction": r["direction"], "basis": "the report's stated result",
                     "result": f"{r['outcome']}, {r['timepoint']}" + (f" (p {r['p_value']})" if _text(r["p_value"]) else ""),
                     "verified": bool(_text(r["verifier"])), "primary": str(r["source_kind"]) == "primary"})
    have = {(r["study_id"], r["domain"]) for r in rows}
    # per-arm counts where no stated result: responders for pain, any adverse event for harms
    for domain, pairs in (("pain", binary_pairs(outcomes, studies, "responders_50")), ("harms", harm_pairs(adverse_events, studies))):
        for _, p in pairs.sort_values(["study_id", "timepoint_days"]).drop_duplicates("study_id").iterrows():
            if (p["study_id"], domain) in have:
                continue
            r1, r2 = p["e1"] / p["n1"], p["e2"] / p["n2"]
            better = r1 > r2 if domain == "pain" else r1 < r2
            direction = "no_difference" if r1 == r2 else "favours_ketamine" if better else "favours_control"
            rows.append({"study_id": p["study_id"], "domain": domain, "direction": direction, "basis": "per-arm counts",
                         "result": f"{p['e1']}/{p['n1']} vs {p['e2']}/{p['n2']} ({'responders' if domain == 'pain' else str(p.get('harm', 'harm')).replace('_', ' ')})",
                         "verified": p["primary"], "primary": not p["second_hand"]})
    out = pd.DataFrame(rows, columns=["study_id", "domain", "direction", "basis", "result", "verified", "primary"])
    out["label"] = out["study_id"].map(info["label"])
    out["group"] = out["study_id"].map(lambda s: group_of(str(info.loc[s, "condition"])))
    n = info["n_enrolled"].astype("Float64").fillna(info["n_ketamine"].astype("Float64") + info["n_control"].astype("Float64"))
    out["n"] = out["study_id"].map(n)
    out["rob"] = out["study_id"].map(robs).astype(object).fillna("not assessed")
    return out


@dataclass(frozen=True)
class SignTest:
    """The sign test of one domain: trials favouring ketamine among those with a direction."""

    domain: str
    favour: int
    against: int
    no_direction: int
    share: float
    low: float
    high: float
    p: float

    def sentence(self) -> str:
        n = self.favour + self.against
        if n == 0:
            return f"no trial states a direction for {self.domain}"
        return (f"{self.favour} of {n} trials with a direction favour ketamine ({100 * self.share:.0f}%, 95% CI {100 * self.low:.0f}–{100 * self.high:.0f}%, "
                f"Clopper–Pearson; sign test {p_text(self.p)}); {counted(self.no_direction, 'trial')} stated no difference or an unclear direction")


def sign_test(directions: pd.DataFrame, domain: str, verified_only: bool = False) -> SignTest:
    """Exact two-sided binomial test of the proportion of trials favouring ketamine (p = 1/2 under no effect).

    For harms, 'favours ketamine' means fewer harms with ketamine.
    """
    from analysis.stats.effects import clopper_pearson_ci
    from analysis.stats.numeric import binomial_two_sided_p

    d = directions[directions["domain"] == domain]
    if verified_only:
        d = d[d["verified"] & d["primary"]]
    fav = int((d["direction"] == "favours_ketamine").sum())
    against = int((d["direction"] == "favours_control").sum())
    n = fav + against
    if n == 0:
        return SignTest(domain, 0, 0, len(d), float("nan"), float("nan"), float("nan"), float("nan"))
    lo, hi = clopper_pearson_ci(fav, n)
    return SignTest(domain, fav, against, len(d) - n, fav / n, float(np.ravel(lo)[0]), float(np.ravel(hi)[0]), binomial_two_sided_p(fav, n))


def direction_figure(directions: pd.DataFrame) -> tuple[Figure, str]:
    """Effect-direction plot (Boon & Thomson 2021): trials down, domains across, arrow for the direction,
    size for the number of participants, colour for the overall risk of bias."""
    import matplotlib.pyplot as plt

    rob_colour = {"low": OKABE_ITO["bluish_green"], "some_concerns": OKABE_ITO["yellow"], "high": OKABE_ITO["vermillion"], "not assessed": OKABE_ITO["grey"]}
    order = list(CONDITION_GROUPS)
    trials_ = directions.drop_duplicates("study_id").assign(_g=lambda d: d["group"].map(order.index)).sort_values(["_g", "label"])
    labels = list(trials_["label"])
    height = max(3.0, 0.28 * len(labels) + 1.6)
    fig, ax = plt.subplots(figsize=(7.2, height))
    y_of = {s: len(labels) - i for i, s in enumerate(trials_["study_id"])}
    marker = {"favours_ketamine": "^", "favours_control": "v", "no_difference": "D", "unclear": "o"}
    sizes = directions["n"].astype(float).fillna(20).clip(lower=5)
    for (_, r), size in zip(directions.iterrows(), sizes):
        x = DOMAINS.index(r["domain"]) if r["domain"] in DOMAINS else None
        if x is None:
            continue
        ax.scatter(x, y_of[r["study_id"]], marker=marker.get(r["direction"], "o"), s=25 + 1.2 * size,
                   color=rob_colour.get(r["rob"], OKABE_ITO["grey"]), edgecolors="black", linewidths=0.6, zorder=3)
    ax.set_yticks([y_of[s] for s in trials_["study_id"]], [plain_label(f"{lab} ({GROUP_TITLES[g].split(',')[0]})") for lab, g in zip(trials_["label"], trials_["group"])], fontsize=7.5)
    ax.set_xticks(range(len(DOMAINS)), [DOMAIN_TITLES[d] for d in DOMAINS])
    ax.set_xlim(-0.6, len(DOMAINS) - 0.4)
    ax.set_ylim(0.3, len(labels) + 0.7)
    ax.grid(axis="x", color="#dddddd")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=marker[k], ls="", color="white", markeredgecolor="black", markersize=8, label=DIRECTION_WORDS[k]) for k in marker]
    handles += [Line2D([], [], marker="s", ls="", color=c, markeredgecolor="black", markersize=8, label=f"risk of bias: {k.replace('_', ' ')}") for k, c in rob_colour.items()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06 * 12 / height), ncol=2, fontsize=7.5, frameon=False)
    ax.set_title("Direction of effect of ketamine, per trial and outcome domain", fontsize=10)
    counts = {d: directions[directions["domain"] == d]["direction"].value_counts().to_dict() for d in DOMAINS}
    alt = ("Effect-direction plot of " + counted(len(labels), "randomised trial") + ". " + " ".join(
        f"{DOMAIN_TITLES[d]}: " + (", ".join(f"{v} {DIRECTION_WORDS[k]}" for k, v in counts[d].items()) or "no trial") + "." for d in DOMAINS)
        + " Upward triangles favour ketamine, downward triangles favour the control, diamonds mark no stated difference;"
        " marker size shows the number of participants and colour the overall risk of bias.")
    fig.tight_layout()
    return fig, alt


def direction_display(directions: pd.DataFrame, links: dict[str, str] | None = None) -> pd.DataFrame:
    """The effect-direction table in words. With ``links`` (as for :func:`pairs_table`), "Trial" holds HTML, every name escaped."""
    info = directions.assign(_g=directions["group"].map(list(CONDITION_GROUPS).index)).sort_values(["_g", "label", "domain"])
    trial = info["label"] if links is None else pd.Series(
        [links.get(str(s)) or html.escape(str(label)) for s, label in zip(info["study_id"], info["label"])], index=info.index
    )
    return pd.DataFrame({
        "Trial": trial, "Condition": info["group"].map(GROUP_TITLES), "Domain": info["domain"].map(lambda d: DOMAIN_TITLES.get(d, "Other")),
        "Direction": info["direction"].map(lambda d: f"{DIRECTION_SYMBOL[d]} {DIRECTION_WORDS[d]}"),
        # the result with its basis in one cell: seven columns show whole at a desktop width (issue 13)
        "Result used (basis)": [f"{r} ({b})" if pd.notna(b) and str(b).strip() else r for r, b in zip(info["result"], info["basis"])],
        "Participants": info["n"].map(lambda x: "" if pd.isna(x) else f"{int(x)}"),
        "Risk of bias": info["rob"].str.replace("_", " "),
    })


# ---------------------------------------------------------------------------- evidence map


def evidence_map(studies: pd.DataFrame, rob: pd.DataFrame) -> tuple[Figure, str]:
    """Every included randomised trial by condition and comparator, sized by participants, coloured by risk of bias (seaborn)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    tr = trials(studies).copy()
    robs = overall_rob(rob)
    tr["Condition"] = tr["condition"].map(lambda c: GROUP_TITLES[group_of(str(c))])
    kinds = {"placebo": "Placebo", "active_placebo": "Active placebo", "active_drug": "Active drug", "dose_comparison": "Another ketamine dose", "usual_care": "Usual care"}
    tr["Comparator"] = tr["comparator_kind"].map(kinds).fillna("Not stated")
    n = tr["n_enrolled"].astype("Float64").fillna(tr["n_ketamine"].astype("Float64") + tr["n_control"].astype("Float64"))
    tr["Participants"] = n.fillna(10).astype(float)
    tr["Risk of bias"] = tr["study_id"].map(robs).fillna("not assessed").str.replace("_", " ")
    routes = {"iv": "intravenous", "oral": "oral", "sc": "subcutaneous", "im": "intramuscular", "intranasal": "intranasal", "mixed": "mixed routes"}
    tr["Route"] = tr["route"].map(routes).fillna("other or not stated")
    rows = [GROUP_TITLES[g] for g in CONDITION_GROUPS if GROUP_TITLES[g] in set(tr["Condition"])]
    cols = [c for c in kinds.values() if c in set(tr["Comparator"])] + (["Not stated"] if "Not stated" in set(tr["Comparator"]) else [])
    rng = np.random.default_rng(20241204)
    tr["x"] = tr["Comparator"].map(cols.index) + rng.uniform(-0.28, 0.28, len(tr))
    tr["y"] = tr["Condition"].map(rows.index) + rng.uniform(-0.28, 0.28, len(tr))
    palette = {"low": OKABE_ITO["bluish_green"], "some concerns": OKABE_ITO["orange"], "high": OKABE_ITO["vermillion"], "not assessed": OKABE_ITO["grey"]}
    fig, ax = plt.subplots(figsize=(7.2, 0.6 * len(rows) + 4.2))
    sns.scatterplot(data=tr, x="x", y="y", size="Participants", sizes=(30, 500), hue="Risk of bias", palette=palette, style="Route",
                    edgecolor="black", linewidth=0.5, alpha=0.85, ax=ax, legend="brief")
    ax.set_xticks(range(len(cols)), [c.replace(" ", "\n", 1) for c in cols], fontsize=8)
    ax.set_yticks(range(len(rows)), [plain_label(r.replace(", ", ",\n", 1) if len(r) > 24 else r) for r in rows], fontsize=8)
    ax.set_xlim(-0.6, len(cols) - 0.4)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlabel("Comparator")
    ax.set_ylabel("")
    ax.grid(color="#eeeeee")
    legend_in_columns(ax, ("Risk of bias", "Participants", "Route"), bbox_to_anchor=(0.45, -0.16), fontsize=7, labelspacing=1.4)
    ax.set_title("The randomised trials: condition, comparator, size and risk of bias", fontsize=10)
    alt = (f"Evidence map of {counted(len(tr), 'randomised trial')} of ketamine for chronic pain. "
           + " ".join(f"{r}: {counted(int((tr['Condition'] == r).sum()), 'trial')} ({int(tr.loc[tr['Condition'] == r, 'Participants'].sum())} participants)." for r in rows)
           + " By comparator: " + ", ".join(f"{c.lower()} {int((tr['Comparator'] == c).sum())}" for c in cols) + ". "
           + "Overall risk of bias: " + ", ".join(f"{k} {v}" for k, v in tr["Risk of bias"].value_counts().items()) + ".")
    fig.tight_layout()
    return fig, alt


def by_condition(meta: BinaryMeta) -> tuple[pd.DataFrame, str]:
    """A pooled comparison split by chapter group: one Mantel–Haenszel estimate per group with at least
    two trials, and the test for subgroup differences (random effects per group, Borenstein 2009 ch. 19)
    when at least two groups can be pooled. Returns the table and the test in words."""
    from analysis.stats.mh import pool_mh
    from analysis.stats.pooling import subgroup_analysis

    used = meta.used
    rows = []
    for group, g in used.groupby("group", sort=False):
        row = {"Condition": GROUP_TITLES[str(group)], "Trials": len(g), "Events, ketamine": f"{int(g['e1'].sum())} of {int(g['n1'].sum())}",
               "Events, control": f"{int(g['e2'].sum())} of {int(g['n2'].sum())}", "Risk ratio (Mantel–Haenszel)": "not pooled (one trial)"}
        if len(g) >= 2:
            r = pool_mh(g["e1"].to_numpy(float), g["n1"].to_numpy(float), g["e2"].to_numpy(float), g["n2"].to_numpy(float), measure="RR")
            row["Risk ratio (Mantel–Haenszel)"] = f"{np.exp(r.estimate):.2f} ({np.exp(r.ci_low):.2f} to {np.exp(r.ci_high):.2f})"
        rows.append(row)
    pooled_groups = used.groupby("group").filter(lambda g: len(g) >= 2)
    if pooled_groups["group"].nunique() >= 2:
        es = effects.log_risk_ratio(pooled_groups["e1"], pooled_groups["n1"], pooled_groups["e2"], pooled_groups["n2"])
        sub = subgroup_analysis(es.yi, es.vi, list(pooled_groups["group"]), method="REML", ci="hk")
        test = f"test for subgroup differences: Q = {sub.q_between:.2f}, df = {sub.df}, {p_text(sub.p)}"
    else:
        test = "no test for subgroup differences: fewer than two conditions have two or more trials"
    return pd.DataFrame(rows), test


def responder_analyses(outcomes: pd.DataFrame, studies: pd.DataFrame, rob: pd.DataFrame) -> tuple[list[BinaryMeta], list[tuple[str, BinaryMeta]]]:
    """The responder meta-analyses of the book: one per time window (50% responders, placebo or active placebo),
    and the sensitivity analyses of the first window, each with its name."""
    from analysis.data.rules import TIME_WINDOWS
    from analysis.pages.trials import high_risk_trials

    responders = binary_pairs(outcomes, studies, "responders_50")
    placebo_like = responders[responders["control_role"].isin(["placebo", "active_placebo"])]
    metas = [pool_binary(placebo_like[placebo_like["window"] == w], f"Responders, {w}") for w, _, _ in TIME_WINDOWS]
    first = TIME_WINDOWS[0][0]
    any_def = pd.concat([responders, binary_pairs(outcomes, studies, "responders_other")])
    any_def = any_def[any_def["control_role"].isin(["placebo", "active_placebo"])]
    sens = [
        ("Primary: 50% responders, placebo or active placebo, during or just after the infusion", metas[0]),
        ("Including second-hand values", pool_binary(responders[responders["window"] == first], "second-hand", include_second_hand=True)),
        ("Any comparator (active drugs too)", pool_binary(responders[responders["window"] == first], "any comparator")),
        ("Parallel-group trials only (crossover trials left out)", pool_binary(placebo_like[(placebo_like["window"] == first) & ~placebo_like["crossover"]], "parallel only")),
        ("Without trials at high risk of bias",
         pool_binary(placebo_like[(placebo_like["window"] == first) & ~placebo_like["study_id"].isin(high_risk_trials(rob))], "no high risk")),
        ("Any responder definition, any time in the first two weeks", pool_binary(any_def[any_def["timepoint_days"].fillna(99) <= 14], "any definition")),
    ]
    return metas, sens

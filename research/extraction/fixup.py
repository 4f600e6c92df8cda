"""Fix-ups after merge.py wrote the extraction sheets into data/ (each one explained; run once)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"


def load(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames or []), list(r)


def save(name: str, cols: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (DATA / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8")


COMPARATOR_KIND = {  # read from each trial's comparator text
    "lemming2005": "placebo", "eide1995": "active_drug", "mahoney2012": "placebo", "nct02311777": "placebo", "lauretti1999": "active_drug",
    "afridi2013": "active_placebo", "schwartzman2009": "placebo", "sigtermans2009": "placebo", "blikkendaal2024": "placebo",
}


def main() -> None:
    cols, studies = load("studies")
    fixed = []
    for s in studies:
        sid = s["study_id"]
        if sid == "kiefer2008a":  # the same study as the curated kiefer2008 (anaesthetic-dose ketamine, 20 patients): dropped
            continue
        if s["design"] in ("rct_parallel", "rct_crossover", "n_of_1") and not s["comparator_kind"]:
            s["comparator_kind"] = COMPARATOR_KIND.get(sid, "")
        s["label"] = s["label"].strip().rstrip(",")
        if sid == "sigtermans2009":
            s.update(n_ketamine="30", n_control="30", n_arms_note="abstract: 'ketamine (n = 30) or placebo (n = 30)'", verifier="second-extractor-V1")
        if sid == "schwartzman2009":
            s["n_arms_note"] = "the abstract gives no numbers; the registry record gives only a planned enrolment of 40"
        if sid == "blikkendaal2024":
            s["exclusion_reason"] = "ongoing_no_results"
        if sid == "lumanauw2019":
            s["n_arms_note"] = "two ketamine arms (0.5 and 0.25 mg/kg) added up in n_ketamine"
        fixed.append(s)
    save("studies", cols, fixed)
    for name in ("outcomes", "adverse_events", "trial_results", "risk_of_bias", "reports"):
        cols, rows = load(name)
        rows = [r for r in rows if r.get("study_id") != "kiefer2008a" and r.get("report_id", "").split("_r")[0] != "kiefer2008a"]
        for r in rows:
            if r.get("value_type") == "stated":
                r["value_type"] = "reported"
            if r.get("ci_high") == "infinity":
                r["ci_high"] = ""
                r["notes"] = (r.get("notes", "") + "; upper limit printed as infinity (the interval includes no effect): not entered").strip("; ")
        if name == "risk_of_bias":  # schwartzman2009 already had a curated assessment: the new duplicate rows are dropped
            seen, kept = set(), []
            for r in rows:
                key = (r["study_id"], r["result"], r["tool"], r["domain"])
                if key not in seen:
                    seen.add(key)
                    kept.append(r)
            rows = kept
        save(name, cols, rows)


if __name__ == "__main__":
    main()


def sigtermans() -> None:
    """Sigtermans 2009 week-1 pain: the curated rows gain their '±' values (unlabelled in the abstract) and the
    second extraction; the two rows merge.py added for the same numbers are dropped."""
    cols, rows = load("outcomes")
    kept = []
    for r in rows:
        if r["study_id"] == "sigtermans2009" and r["outcome_id"] == "pain_intensity_nrs":
            if r["population"].startswith("as reported"):
                continue
            r["spread_unlabelled"] = "0.51" if r["arm"] == "ketamine" else "0.48"
            r["verifier"] = "second-extractor-V1"
        kept.append(r)
    save("outcomes", cols, kept)


JBI_ITEMS = [
    "Q1 clear inclusion criteria", "Q2 condition measured in a standard, reliable way", "Q3 valid methods to identify the condition",
    "Q4 consecutive inclusion", "Q5 complete inclusion", "Q6 clear reporting of demographics", "Q7 clear reporting of clinical information",
    "Q8 outcomes or follow-up results reported", "Q9 clear reporting of site/clinic demographic information", "Q10 appropriate statistical analysis",
]


def consistency() -> None:
    """Data-consistency fixes found by tests/test_data_consistency.py after the merge."""
    import json

    ex = Path(__file__).resolve().parent
    keymap = json.loads((ex / "keymap.json").read_text(encoding="utf-8"))
    cols, studies = load("studies")
    info = {s["study_id"]: s for s in studies}
    # Haines 1999: 21 patients entered the open titration, 9 went on to the randomised n-of-1 trials.
    s = info["haines1999"]
    s.update(n_enrolled="21", n_analysed="9", n_ketamine="9", n_control="9",
             n_arms_note="21 entered the open-label titration; the 9 who responded took part in the randomised n-of-1 trials, each receiving ketamine and placebo")
    # Included studies with no per-arm or per-patient number: say why.
    ocols, outcomes = load("outcomes")
    _, results = load("trial_results")
    have = {r["study_id"] for r in outcomes} | {r["study_id"] for r in results}
    for s in studies:
        if s["role"] == "included" and s["study_id"] not in have and "NO_OUTCOME_DATA:" not in s["notes"]:
            s["notes"] = ("NO_OUTCOME_DATA: the readable text (abstract or register record) gives no count, mean or stated comparison that could be entered. "
                          + s["notes"]).strip()
    save("studies", cols, studies)
    # Outcome rows with a mean under a proportion outcome: the continuous 'other' outcome.
    for r in outcomes:
        if r["outcome_id"] == "other_outcome" and r["mean"] and not r["events"]:
            r["outcome_id"] = "other_score"
    save("outcomes", ocols, outcomes)
    dcols, defs = load("outcome_definitions")
    if not any(d["outcome_id"] == "other_score" for d in defs):
        defs.append({"outcome_id": "other_score", "label": "Other outcomes (scores)", "kind": "continuous", "instrument": "As stated in the row's notes",
                     "scale_min": "", "scale_max": "", "unit": "", "direction": "not_applicable",
                     "definition": "Other outcomes reported as mean scores (e.g. relief of allodynia in percent).", "selection_rule": "As reported."})
    save("outcome_definitions", dcols, defs)
    # Quality of the uncontrolled studies: the JBI checklist items extractor E could judge, 'unclear' for the rest;
    # ROBINS-I overall 'no information' for the two non-randomised comparisons.
    rcols, rob = load("risk_of_bias")
    assessed = {r["study_id"] for r in rob}
    _, reports = load("reports")
    main = {r["study_id"]: r["report_id"] for r in reports if r["report_id"] == r["study_id"]}
    judged: dict[str, dict[str, dict[str, str]]] = {}
    with (ex / "E" / "quality.csv").open(encoding="utf-8", newline="") as fh:
        for q in csv.DictReader(fh):
            sid = keymap.get(q["key"], q["key"])
            judged.setdefault(sid, {})[q["item"].split(" ")[0]] = q
    for s in studies:
        sid = s["study_id"]
        if s["role"] != "included" or sid in assessed or s["design"] in ("rct_parallel", "rct_crossover", "n_of_1", "systematic_review"):
            continue
        src = main.get(sid, s["primary_report"])
        base = {"study_id": sid, "result": "all", "source_report": src, "source_location": "abstract", "assessor": "extractor-E", "verifier": "",
                "notes": "Judged from the abstract only; items the abstract does not address are 'unclear'."}
        if s["design"] == "nonrandomised_comparative":
            rob.append({**base, "tool": "robins_i", "tool_version": "ROBINS-I (2016)", "domain": "overall", "judgement": "no_information",
                        "support": "The abstract does not say how the groups were formed or whether confounding was addressed.", "support_quote": ""})
            continue
        items = judged.get(sid, {})
        marks = []
        for item in JBI_ITEMS:
            q = items.get(item.split(" ")[0])
            j = q["judgement"] if q and q["judgement"] in ("yes", "no", "unclear", "not_applicable") else "unclear"
            marks.append(j)
            rob.append({**base, "tool": "jbi_case_series", "tool_version": "JBI Critical Appraisal Checklist for Case Series (2020)", "domain": item,
                        "judgement": j, "support": (q["support"] if q else "") or "The abstract does not report this.",
                        "support_quote": q["support_quote"] if q else ""})
        rob.append({**base, "tool": "jbi_case_series", "tool_version": "JBI Critical Appraisal Checklist for Case Series (2020)", "domain": "overall",
                    "judgement": "high", "support": f"{marks.count('yes')} of 10 items met in the abstract; an uncontrolled series is at high risk of bias for any claim about effect.",
                    "support_quote": ""})
    save("risk_of_bias", rcols, rob)


def kapural() -> None:
    """Kapural 2010: a count of patients with less opioid use is a responder count, not a mean of rescue medication."""
    cols, rows = load("outcomes")
    for r in rows:
        if r["study_id"] == "kapural2010" and r["outcome_id"] == "rescue_medication" and r["events"] and not r["mean"]:
            r["outcome_id"] = "responders_other"
            r["notes"] = ("responder definition: maintaining less than 50% of baseline opioid use; " + r["notes"]).strip()
    save("outcomes", cols, rows)


def crossover_periods() -> None:
    """Crossover periods not stated: inferred from the number of treatments compared (each patient receives each once)
    where the comparator is known; left empty for excluded records whose comparator is not known."""
    cols, studies = load("studies")
    old = " Crossover periods not stated in the readable text; 2 is the minimum, not a reading."
    for s in studies:
        if old.strip() in s["notes"]:
            if s["role"] == "excluded" and s["comparator"] in ("not stated", ""):
                s["crossover_periods"] = ""
                s["notes"] = s["notes"].replace(old.strip(), "Crossover periods not stated.").strip()
            else:
                s["notes"] = s["notes"].replace(old.strip(), "Crossover periods not stated: 2 inferred from the two treatments compared (each patient receives each once).").strip()
    save("studies", cols, studies)


ROB_ORDER = {"low": 0, "no_information": 1, "some_concerns": 1, "high": 2}
ROB_CODES = {"D1": "D1 randomization process", "DS": "DS period and carryover effects", "D2": "D2 deviations from intended interventions",
             "D3": "D3 missing outcome data", "D4": "D4 measurement of the outcome", "D5": "D5 selection of the reported result", "overall": "overall"}


def second_rob() -> list[str]:
    """Compare the independent second RoB 2 assessment (research/extraction/R2) with the first.

    Agreement (the same judgement, or no information against some concerns, which count alike) names the
    second assessor in ``verifier``. Disagreement is resolved to the less favourable judgement, with both
    reasons kept in ``support``; every disagreement is returned for the research note."""
    cols, rob = load("risk_of_bias")
    second: dict[tuple[str, str], dict[str, str]] = {}
    with (Path(__file__).resolve().parent / "R2" / "rob.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            code = r["domain"].strip().split(" ")[0]
            if code.lower() == "overall":
                code = "overall"
            if code in ROB_CODES and r["judgement"] in ROB_ORDER:
                second[(r["key"], ROB_CODES[code])] = r
    log = []
    for r in rob:
        if not r["tool"].startswith("rob2"):
            continue
        s = second.get((r["study_id"], r["domain"]))
        if s is None:
            continue
        a, b = r["judgement"], s["judgement"]
        if ROB_ORDER[a] == ROB_ORDER[b]:
            r["verifier"] = "second-assessor-R2"
            continue
        worse = a if ROB_ORDER[a] > ROB_ORDER[b] else b
        if r["domain"] == "overall" and worse == "no_information":
            worse = "some_concerns"
        log.append(f"| {r['study_id']} | {r['domain']} | {a} | {b} | {worse} |")
        r["support"] = f"{r['support']} Second assessor ({b.replace('_', ' ')}): {s['support']} Resolved to the less favourable judgement."
        r["judgement"] = worse
        r["verifier"] = "second-assessor-R2 (disagreed; resolved)"
    # an overall judgement is never better than its worst domain
    by_study: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in rob:
        if r["tool"].startswith("rob2"):
            by_study.setdefault((r["study_id"], r["tool"]), []).append(r)
    for rows in by_study.values():
        worst = max((ROB_ORDER[r["judgement"]] for r in rows if r["domain"] != "overall"), default=0)
        for r in rows:
            if r["domain"] == "overall" and ROB_ORDER[r["judgement"]] < worst:
                log.append(f"| {r['study_id']} | overall | {r['judgement']} | (follows the domains) | high |")
                r["judgement"] = "high"
    save("risk_of_bias", cols, rob)
    return log

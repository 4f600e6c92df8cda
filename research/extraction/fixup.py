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

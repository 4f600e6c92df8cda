"""Merge the extraction sheets of research/extraction/{A,B,C,D,E} into data/*.csv, once.

Run from the repository root: ``python research/extraction/merge.py``. It appends rows; it never
changes an existing row (studies already in the data keep their curated rows; their new columns
are filled in by hand). Every decision it makes is written to research/extraction/merge-log.md.

The double extraction (research/extraction/V1, V2: a second extractor who saw neither the first
extraction nor the data) is compared here: a number that the second extraction also read, in the
same trial, arm and outcome, gets the second extractor in ``verifier``; every other number of an
included randomised trial is listed in research/notes/double-extraction.md with what the second
extraction found instead.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "research" / "extraction"
DATA = ROOT / "data"
DATE = "2026-12-04"
LOG: list[str] = []

EXTRACTOR = {"A": "extractor-A", "B": "extractor-B", "C": "extractor-C", "D": "extractor-D", "E": "extractor-E"}
VERIFIER = {"V1": "second-extractor-V1", "V2": "second-extractor-V2"}
GROUP_PURPOSE = {
    "A": "randomised trials in CRPS, fibromyalgia, musculoskeletal pain and pain with depression",
    "B": "randomised trials in neuropathic pain",
    "C": "randomised trials in cancer pain, headache, pelvic pain, ischaemic pain and mixed chronic pain",
    "D": "systematic reviews and their pooled results and included trials",
    "E": "single-arm series and cohorts",
    "V1": "second, independent extraction of trial numbers (double extraction)",
    "V2": "second, independent extraction of trial numbers (double extraction)",
}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in csv.DictReader(fh)]


def header(name: str) -> list[str]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def append(name: str, rows: list[dict[str, object]]) -> None:
    cols = header(name)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=cols, lineterminator="\n", extrasaction="raise")
    for r in rows:
        w.writerow({c: ("" if r.get(c) is None else r.get(c)) for c in cols})
    text = (DATA / f"{name}.csv").read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    (DATA / f"{name}.csv").write_text(text + out.getvalue(), encoding="utf-8")
    LOG.append(f"- {name}.csv: {len(rows)} rows appended")


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s if s and s[0].isalpha() else "x_" + s


def num(text: str) -> str:
    t = text.replace("−", "-").replace(",", "").strip()
    try:
        float(t)
        return t
    except ValueError:
        return ""


def integer(text: str) -> str:
    t = num(text)
    if t and float(t).is_integer():
        return str(int(float(t)))
    return ""


# ---------------------------------------------------------------------------- studies

ROUTES = {
    "intravenous": "iv", "iv": "iv", "intravenous pca": "iv", "oral": "oral", "intranasal": "intranasal", "intramuscular": "im",
    "subcutaneous": "sc", "sublingual": "sublingual", "topical": "topical", "topical cream": "topical", "topical cream 5%": "topical",
}


def route(text: str) -> str:
    t = text.lower().strip()
    if t in ROUTES:
        return ROUTES[t]
    if not t or t.startswith("not "):
        return "not_stated"
    if any(w in t for w in ("then", ";", " or ")):
        return "mixed"
    if "epidural" in t or "intrathecal" in t:
        return "not_applicable"
    if "iontophoresis" in t or "local intramuscular" in t:
        return "topical" if "iontophoresis" in t else "im"
    return "not_stated"


CONDITION_DETAIL_TO_ENUM = [
    ("whiplash", "musculoskeletal"),
    ("depression", "pain_with_depression"),
    ("trigeminal", "neuropathic_mixed"),
    ("orofacial", "neuropathic_mixed"),
]


def condition(row: dict[str, str]) -> str:
    c = row.get("condition", "") or "other"
    detail = (row.get("condition_detail", "") + " " + row.get("population", "")).lower()
    if c in ("other", "chronic_pain_mixed"):
        for word, value in CONDITION_DETAIL_TO_ENUM:
            if word in detail:
                return value
    return c


def exclusion(row: dict[str, str]) -> tuple[str, str]:
    reason = row.get("exclusion_reason", "")
    code, _, words = reason.partition(":")
    code = code.strip()
    allowed = {"acute_or_perioperative", "topical", "neuraxial", "not_randomised", "healthy_volunteers", "experimental_pain_only",
               "not_chronic", "children", "not_ketamine", "duplicate_report", "ongoing_no_results", "case_report", "other"}
    if code not in allowed:
        return "other", reason
    return code, words.strip()


def design(row: dict[str, str], group: str) -> str:
    d = row.get("design", "")
    if d in ("rct_parallel", "rct_crossover", "n_of_1", "nonrandomised_comparative", "prospective_single_arm", "retrospective_case_series"):
        return d
    if row.get("exclusion_reason", "").startswith("case_report"):
        return "case_report"
    LOG.append(f"- {row['key']}: design '{d}' recorded as nonrandomised_comparative (helper {group} wrote 'other'; see its notes)")
    return "nonrandomised_comparative"


AUTHORS = re.compile(r"^([A-ZÀ-Þ][\w'’\-]+( [A-Z]{1,3})?,? ?)+(et al)?$")


def title_of(citation: str, label: str) -> str:
    """The title within a citation 'Authors. Title. Journal year;vol:pages', or a placeholder saying it was not seen."""
    for part in re.split(r"\.\s+", citation)[1:] if AUTHORS.match(re.split(r"\.\s+", citation)[0].strip()) else re.split(r"\.\s+", citation):
        part = part.strip().rstrip(".")
        if len(part.split()) >= 4 and not re.search(r"(19|20)[0-9]{2};|[0-9]+\([0-9-]+\):|^\[|not seen|^https?:", part) and not AUTHORS.match(part):
            return part
    return f"{label} (title not seen)"


def label_of(row: dict[str, str]) -> str:
    key = row["key"].lower()
    if re.search(r"nct[0-9]{8}", key):
        return re.search(r"nct[0-9]{8}", key).group(0).upper() + " (registry record)"
    label = re.sub(r"\s*\(.*\)$", "", row.get("label", "")).strip()
    m = re.match(r"^(.+?\b(19|20)[0-9]{2}[a-z]?)\b", label)
    if m:
        return m.group(1)
    return label[:60] or row["key"]


STUDY_ID = re.compile(r"^([a-z][a-z_]*[0-9]{4}[a-z]?|[a-z][a-z_]*_nd|nct[0-9]{8}|actrn[0-9]{14})$")
RENAMED = {"unknownauthor_crps_duration": "crps_infusion_duration_nd", "cantund": "cantu_nd", "charlesnd": "charles_nd",
           "coremultiroundnd": "multiround_outpatient_nd", "kiefercase_nd": "kiefer_case_nd", "cantucases_nd": "cantu_cases_nd",
           "clusterketamine_cohort_nd": "cluster_headache_cohort_nd", "angstadtcase_nd": "angstadt_nd", "allevio_nd": "allevio_nd",
           "esketamine_phn_retro": "esketamine_phn_retrospective_nd", "ketamine_cbt_pilot": "ketamine_cbt_pilot_nd",
           "veterans_clbp_ketamine_pilot": "nct06419439", "vranken_ntr36563": "vranken_registry_nd", "gwu2016poster": "gwu2016",
           "gwu2018poster": "gwu2018", "bell_qsr": "bell_nd"}


def study_key(key: str) -> str:
    k = key.lower().strip()
    if k in RENAMED:
        return RENAMED[k]
    m = re.search(r"nct[0-9]{8}", k)
    if m:
        return m.group(0)
    if STUDY_ID.match(k):
        return k
    m = re.match(r"^([a-z][a-z_]*[0-9]{4})([a-z]+)$", k)
    if m:
        return m.group(1)
    raise ValueError(f"no study_id for {key!r}")


def comparator_kind(row: dict[str, str], d: str) -> str:
    kind = row.get("comparator_kind", "")
    if kind:
        return kind
    return "" if not d.startswith("rct") and d != "n_of_1" else "placebo" if "placebo" in row.get("comparator", "").lower() else ""


# ---------------------------------------------------------------------------- reports

SECONDARY_HOSTS = ("painmuse", "medwirenews", "scire", "epocrates", "blog", "news", "cochranelibrary")


def host(url: str) -> str:
    m = re.match(r"https?://([^/]+)/", url + "/")
    return m.group(1) if m else url


class Reports:
    def __init__(self, existing: set[str]):
        self.rows: list[dict[str, object]] = []
        self.by_url: dict[tuple[str, str], str] = {}
        self.ids = set(existing)

    def main(self, key: str, study: str, citation: str, year: str, url: str, pmid: str, doi: str, kind: str, note: str) -> str:
        rid = key
        if rid in self.ids:
            return rid
        self.ids.add(rid)
        self.rows.append({
            "report_id": rid, "study_id": study, "kind": kind, "citation": citation, "year": year,
            "doi": doi if re.match(r"^10\.[0-9]{4,9}/\S+$", doi) else "", "pmid": pmid if re.match(r"^[0-9]{1,9}$", pmid) else "",
            "url": url if re.match(r"^https?://\S+$", url) else "", "accessed": DATE, "notes": note,
        })
        if url:
            self.by_url[(study, url)] = rid
        return rid

    def for_url(self, study: str, url: str, main_id: str, source_kind: str, label: str) -> str:
        if not url or (study, url) in self.by_url:
            return self.by_url.get((study, url), main_id)
        n = 2
        while f"{main_id}_r{n}" in self.ids:
            n += 1
        rid = f"{main_id}_r{n}"
        self.ids.add(rid)
        secondary = source_kind == "secondary"
        self.rows.append({
            "report_id": rid, "study_id": "" if secondary else study,
            "kind": ("trial_register" if "clinicaltrials" in url or "trialsearch" in url or "anzctr" in url or "clinicaltrialsregister" in url
                     else "other" if secondary else "abstract"),
            "citation": (f"Web page at {host(url)} reporting on {label} (second-hand)" if secondary
                         else f"{label}: a copy of the report's abstract or register entry at {host(url)}"),
            "year": "", "doi": "", "pmid": "", "url": url if re.match(r"^https?://\S+$", url) else "", "accessed": DATE,
            "notes": "second-hand source: its values are shown but enter only sensitivity analyses" if secondary else "read as stored (often the opening only)",
        })
        self.by_url[(study, url)] = rid
        return rid


# ---------------------------------------------------------------------------- outcomes

def arm_name(arm: str, comparator: str) -> str:
    a = arm.strip().lower()
    if a in ("ketamine", "within_ketamine"):
        return "ketamine"
    if a.startswith("ketamine:"):
        return slug("ketamine " + a.split(":", 1)[1])
    if a.startswith("control:"):
        return slug(a.split(":", 1)[1])
    if a == "control":
        c = comparator.lower()
        for word in ("placebo", "saline", "midazolam", "lidocaine", "morphine", "magnesium", "diclofenac", "methadone", "alfentanil"):
            if word in c:
                return "placebo" if word == "saline" else word
        return "control"
    return slug(a)


def outcome_id(o: dict[str, str]) -> str:
    kind = o["outcome"].split(":")[0]
    text = (o["definition"] + " " + o["scale"]).lower()
    if kind in ("responders",) or (kind in ("pain_relief", "other") and o["events"]):
        if re.search(r"(>=|≥|>|minimum|at least)?\s*50\s*%", text):
            return "responders_50"
        if re.search(r"30\s*%", text):
            return "responders_30"
        if "complete" in text:
            return "complete_relief"
        return "responders_other"
    if kind == "pain_intensity":
        if "0-10" in text or "nrs" in text:
            return "pain_intensity_nrs"
        return "pain_intensity_other"
    if kind == "pain_change":
        return "pain_reduction_percent" if "%" in text else "pain_change_other"
    if kind == "pain_relief":
        return "pain_relief_percent" if "%" in text else "pain_relief_other"
    if kind == "rescue_medication":
        return "rescue_medication"
    if kind == "mood":
        return "mood_score"
    if kind == "function":
        return "function_score"
    return "other_outcome"


AE = {"ae_psychotomimetic": "psychotomimetic", "ae_nausea_vomiting": "nausea_vomiting", "ae_dizziness": "dizziness", "ae_sedation": "sedation", "ae_any": "any"}
DOMAIN = {"pain_intensity": "pain", "pain_change": "pain", "pain_relief": "pain", "responders": "pain", "rescue_medication": "pain", "function": "function",
          "mood": "mood", "withdrawal_ae": "harms", "withdrawal_any": "harms"}


def domain(o: dict[str, str]) -> str:
    k = o["outcome"].split(":")[0]
    if k.startswith("ae_"):
        return "harms"
    if k == "other":
        t = o["outcome"].lower() + " " + o["definition"].lower()
        if any(w in t for w in ("pain", "allodynia", "hyperalgesia", "analgesi")):
            return "pain"
        if any(w in t for w in ("adverse", "side effect", "toxicity")):
            return "harms"
        return "other"
    return DOMAIN.get(k, "other")


MEASURES = {"MD": "MD", "SMD": "SMD", "RR": "RR", "OR": "OR", "HR": "effect_size", "NNT": "NNT", "effect_size": "effect_size", "difference_in_change": "MD"}


def p_clean(p: str) -> str:
    t = p.replace(" ", "").replace("P", "").replace("p", "").replace("=", "").replace("≤", "<=").replace("<0", "<0").strip()
    t = t.replace("−", "-")
    if t.upper() in ("NS", "N.S.", "NOTSIGNIFICANT"):
        return "NS"
    if re.match(r"^(<|>|<=|>=)?(0?\.[0-9]+|1|0)$", t):
        return t
    return ""


def significant(p: str, direction: str) -> str:
    if p == "NS":
        return "no"
    m = re.match(r"^(<|>|<=|>=)?(0?\.[0-9]+|1|0)$", p)
    if m:
        v = float(m.group(2))
        if m.group(1) in ("<", "<=") and v <= 0.05:
            return "yes"
        if m.group(1) in (None, "") and v < 0.05:
            return "yes"
        if m.group(1) in (None, "", ">", ">=") and v >= 0.05:
            return "no"
    if direction == "no_difference":
        return "no"
    return "not_stated"


REVIEW_CONDITION = {
    "guimaraespereira2022": "neuropathic_mixed", "moradi2024": "chronic_pain_mixed", "ferraro2025": "chronic_pain_mixed", "aiyer2018": "neuropathic_mixed",
    "odutola2023": "chronic_pain_mixed", "jiao2024": "cancer_pain", "azari2024": "cancer_pain", "brunamejias2024": "neuropathic_mixed",
    "carvalho2024": "fibromyalgia", "pastrak2021": "fibromyalgia", "maher2017": "neuropathic_mixed", "kreutzwiser2019": "chronic_pain_mixed",
    "cadth2024": "chronic_pain_mixed", "bell2012": "cancer_pain", "kamp2019": "chronic_pain_mixed", "jonkman2017": "chronic_pain_mixed",
    "cospc2017": "cancer_pain", "sbu2018": "chronic_pain_mixed", "bell_nd": "cancer_pain",
}
NARRATIVE = {"maher2017", "kreutzwiser2019", "kamp2019", "jonkman2017", "cospc2017"}


def review_condition(r: dict[str, str]) -> str:
    if study_key(r["key"]) in REVIEW_CONDITION:
        return REVIEW_CONDITION[study_key(r["key"])]
    t = (r.get("scope", "") + " " + r.get("conditions", "") + " " + r.get("label", "")).lower()
    for word, value in (("cancer", "cancer_pain"), ("fibromyalgia", "fibromyalgia"), ("crps", "crps"), ("complex regional", "crps"), ("neuropathic", "neuropathic_mixed")):
        if word in t and not ("non-cancer" in t and value == "cancer_pain"):
            return value
    return "chronic_pain_mixed"


def main() -> None:
    studies_existing = {r["study_id"]: r for r in read(DATA / "studies.csv")}
    reports_existing = {r["report_id"] for r in read(DATA / "reports.csv")}
    rep = Reports(reports_existing)
    studies_new: list[dict[str, object]] = []
    keymap: dict[str, str] = {}
    trial_rows: dict[str, tuple[str, dict[str, str]]] = {}
    for g in ("A", "B", "C", "E"):
        for r in read(EX / g / "trials.csv"):
            k = study_key(r["key"])
            if k != r["key"]:
                LOG.append(f"- key {r['key']} (group {g}) stored as {k}")
            keymap[r["key"]] = k
            if k in trial_rows and trial_rows[k][1]["key"] != r["key"] and g == "E" and trial_rows[k][0] == "E":
                k = k + "b"
                keymap[r["key"]] = k
            if k in trial_rows:
                LOG.append(f"- {k}: also extracted by group {g}; the row of group {trial_rows[k][0]} is used, group {g}'s outcome rows are compared in double-extraction.md")
                continue
            trial_rows[k] = (g, r)
    keymap.update({"kiefer2008a": "kiefer2008"})
    for k, (g, r) in trial_rows.items():
        if k in studies_existing or (k == "kiefer2008"):
            LOG.append(f"- {k}: already in studies.csv (curated row kept; new columns filled by hand)")
            continue
        d = design(r, g)
        included = r["decision"] == "include"
        role = "included" if included else "excluded"
        reason, why = ("", "") if included else exclusion(r)
        kind = "trial_register" if ("clinicaltrials.gov" in r["source_url"] and not r["citation"]) or k.startswith("nct") else "journal_article"
        citation = r["citation"] or f"{label_of(r)} (citation not seen; see the source address)"
        main_id = rep.main(k, k, citation, r["year"], "" if r["source_kind"] == "secondary" else r["source_url"], r["pmid"], r["doi"], kind,
                           "Read: " + ("a second-hand source only" if r["source_kind"] == "secondary" else "the abstract or register record as stored (often its opening only); full text not readable here"))
        src = rep.for_url(k, r["source_url"], main_id, r["source_kind"], label_of(r)) if r["source_kind"] == "secondary" else main_id
        nk, nc = integer(r.get("n_randomised_ketamine", "")), integer(r.get("n_randomised_control", ""))
        ak, ac = integer(r.get("n_analysed_ketamine", "")), integer(r.get("n_analysed_control", ""))
        if not nk and ak:
            nk, nc = ak, ac
        if bool(nk) != bool(nc):
            nk = nc = ""
        rct = d in ("rct_parallel", "rct_crossover", "n_of_1")
        note = ""
        if rct and included and not nk:
            note = "per-arm numbers not given in the readable text" + (f" (total {r['n_randomised']})" if r.get("n_randomised") else "")
        elif rct and nk and d != "rct_parallel":
            note = "crossover: every patient received each treatment; numbers are patients analysed in each period"
        periods = integer(r.get("crossover_periods", "")) if d in ("rct_crossover", "n_of_1") else ""
        if d in ("rct_crossover", "n_of_1") and not periods:
            periods = "2"
            LOG.append(f"- {k}: crossover periods not stated; recorded as 2 (the minimum for a crossover), flagged in notes")
            r["notes"] = (r["notes"] + " Crossover periods not stated in the readable text; 2 is the minimum, not a reading.").strip()
        n_en = integer(r.get("n_randomised", ""))
        n_an = integer(r.get("n_analysed", ""))
        if n_en and n_an and int(n_an) > int(n_en):
            n_an = ""
        studies_new.append({
            "study_id": k, "label": label_of(r), "title": title_of(citation, label_of(r)), "year": integer(r["year"]) or next(iter(re.findall(r"(19[5-9][0-9]|20[0-9]{2})", k)), ""),
            "design": d, "condition": condition(r), "condition_detail": r.get("condition_detail", ""), "setting": "", "country": "",
            "population": r.get("population", "") or "not described in the readable text", "route": route(r.get("route", "")),
            "dose": r.get("dose", ""), "duration": r.get("schedule", ""), "co_medication": "", "comparator": r.get("comparator", "") or ("none" if not rct else "not stated"),
            "comparator_kind": comparator_kind(r, d) or ("none" if not rct else ""), "registry": ";".join(re.findall(r"NCT[0-9]{8}|ACTRN[0-9]{14}", r.get("registry", ""))),
            "n_enrolled": n_en, "n_analysed": n_an, "n_ketamine": nk, "n_control": nc, "n_arms_note": note,
            "crossover_periods": periods, "washout": (r.get("washout", "") or "not stated") if d == "rct_crossover" else r.get("washout", ""),
            "follow_up": r.get("follow_up", ""), "funding": r.get("funding", ""), "role": role, "exclusion_reason": reason,
            "primary_report": main_id, "source_report": src, "source_location": r.get("source_location", "") or "abstract",
            "source_quote": r.get("source_quote", "") or "(no quote recorded)", "source_kind": r["source_kind"] or "primary",
            "status": "confirmed" if r["source_kind"] == "primary" else "secondary_only", "extractor": EXTRACTOR[g], "verifier": "",
            "notes": "; ".join(x for x in (why and f"exclusion: {why}", r.get("notes", "")) if x),
        })
    # systematic reviews (group D)
    for r in read(EX / "D" / "reviews.csv"):
        k = study_key(r["key"])
        keymap[r["key"]] = k
        if k in studies_existing:
            LOG.append(f"- review {k}: already in studies.csv")
            continue
        citation = r["citation"] or label_of(r)
        main_id = rep.main(k, k, citation, r["year"], r["source_url"] if r["source_kind"] == "primary" else "", r["pmid"], r["doi"], "systematic_review",
                           "Read: the abstract as stored (often its opening only)" if r["source_kind"] == "primary" else "Read only second-hand")
        src = rep.for_url(k, r["source_url"], main_id, r["source_kind"], label_of(r)) if r["source_kind"] == "secondary" else main_id
        studies_new.append({
            "study_id": k, "label": label_of(r), "title": title_of(citation, label_of(r)), "year": integer(r["year"]) or next(iter(re.findall(r"(19[5-9][0-9]|20[0-9]{2})", k)), ""),
            "design": "narrative_review" if k in NARRATIVE else "systematic_review", "condition": review_condition(r), "condition_detail": r.get("conditions", ""), "population": r.get("scope", "") or "not stated",
            "route": "not_applicable", "comparator": "not applicable", "n_enrolled": integer(r.get("n_participants", "")),
            "role": "context", "primary_report": main_id, "source_report": src, "source_location": r.get("source_location", "") or "abstract",
            "source_quote": r.get("source_quote", "") or "(no quote recorded)", "source_kind": r["source_kind"] or "primary",
            "status": "confirmed" if r["source_kind"] == "primary" else "secondary_only", "extractor": EXTRACTOR["D"],
            "notes": "; ".join(x for x in (f"search date: {r['search_date']}" if r.get("search_date") else "", f"k = {r['k_trials']}" if r.get("k_trials") else "",
                                             r.get("designs_included", ""), r.get("notes", "")) if x),
        })
    (EX / "studies-new.json").write_text(json.dumps(studies_new, indent=1), encoding="utf-8")
    (EX / "reports-new.json").write_text(json.dumps(rep.rows, indent=1), encoding="utf-8")
    (EX / "keymap.json").write_text(json.dumps(keymap, indent=1), encoding="utf-8")
    (EX / "merge-log.md").write_text("# Merge log\n\n" + "\n".join(LOG) + "\n", encoding="utf-8")
    print(len(studies_new), "studies;", len(rep.rows), "reports")



# ============================================================================ stage 2: values

RESULT_MEASURE_WORDS = (("difference in proportion", "RD"), ("risk difference", "RD"), ("incidence", "IRR"), ("number needed", "NNT"), ("odds", "OR"))
ROB_DOMAINS = {"D1": "D1 randomization process", "DS": "DS period and carryover effects", "D2": "D2 deviations from intended interventions",
               "D3": "D3 missing outcome data", "D4": "D4 measurement of the outcome", "D5": "D5 selection of the reported result", "ov": "overall"}
NEW_DEFINITIONS = [
    ("responders_50", "Responders (50% or more pain reduction)", "proportion", "Pain intensity scale as the trial used it (NRS or VAS)", "higher_is_better",
     "Patients whose pain fell by at least half (the trial's own threshold of 50%, on its own scale and at its own time point).",
     "Per trial, arm and time point as reported; the pooled analyses use the time point closest to the end of the infusion within each time window."),
    ("responders_30", "Responders (30% or more pain reduction)", "proportion", "Pain intensity scale as the trial used it", "higher_is_better",
     "Patients whose pain fell by at least 30% (the trial's own threshold).", "As reported."),
    ("responders_other", "Responders (the trial's own definition)", "proportion", "As defined by each trial (definition in the row's notes)", "higher_is_better",
     "Patients meeting the trial's own definition of response, which differs between trials and is stated with each row.", "As reported; not pooled with the 50% threshold."),
    ("pain_intensity_other", "Pain intensity (other scales)", "continuous", "As stated in the row's notes (e.g. area under the daily pain curve, percent of initial pain)", "lower_is_better",
     "Mean pain intensity on a scale other than the 0-10 NRS; the scale is stated with each row.", "As reported; enters pooled analyses only as a standardised mean difference."),
    ("pain_reduction_percent", "Pain reduction (percent of baseline)", "continuous", "Percent reduction from baseline pain, as reported", "higher_is_better",
     "Mean percentage reduction in pain intensity from before treatment.", "As reported."),
    ("pain_change_other", "Change in pain (other measures)", "continuous", "As stated in the row's notes", "higher_is_better",
     "Change in pain from baseline on the trial's own measure.", "As reported."),
    ("pain_relief_percent", "Pain relief (percent)", "continuous", "Patient-rated percent pain relief", "higher_is_better",
     "Mean patient-rated pain relief in percent.", "As reported."),
    ("pain_relief_other", "Pain relief (other measures)", "proportion", "As stated in the row's notes", "higher_is_better",
     "Patients reporting pain relief as the trial defined it.", "As reported."),
    ("rescue_medication", "Rescue or background analgesic use", "continuous", "As stated in the row's notes", "lower_is_better",
     "Use of rescue or background analgesics (e.g. morphine dose increases), as each trial measured it.", "As reported."),
    ("mood_score", "Mood (depression or anxiety score)", "continuous", "As stated in the row's notes (e.g. HADS depression subscale)", "lower_is_better",
     "Mean score on a depression or anxiety scale.", "As reported."),
    ("function_score", "Function", "continuous", "As stated in the row's notes", "not_applicable", "Physical function or interference, as each trial measured it.", "As reported."),
    ("other_outcome", "Other outcomes", "proportion", "As stated in the row's notes", "not_applicable", "Other outcomes reported by the trials (e.g. evoked pain, allodynia).", "As reported."),
]


def same(a: str, b: str) -> bool:
    x, y = num(a), num(b)
    return bool(x) and bool(y) and abs(float(x) - float(y)) < 1e-9


def second_extractions(keymap: dict[str, str], trial_rows: dict) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """Every second reading of a trial's numbers: V1, V2, and the other group where two groups extracted the same trial."""
    out: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for v in ("V1", "V2"):
        for r in read(EX / v / "outcomes.csv"):
            out[keymap.get(r["key"], study_key(r["key"]))].append((VERIFIER[v], r))
    for g in ("A", "B", "C", "E"):
        for r in read(EX / g / "outcomes.csv"):
            k = keymap.get(r["key"], r["key"])
            if k in trial_rows and trial_rows[k][0] != g:
                out[k].append((EXTRACTOR[g] + " (independent second group)", r))
    return out


FAMILY = {"responders": "resp", "pain_relief": "resp", "other": "resp", "pain_intensity": "pain", "pain_change": "pain", "mood": "mood",
          "function": "function", "rescue_medication": "rescue"}


def family(outcome: str) -> str:
    k = outcome.split(":")[0]
    return "harm" if k.startswith("ae_") or k.startswith("withdrawal") else FAMILY.get(k, k)


def side(arm: str) -> str:
    a = arm.lower()
    return "between" if a == "between" else "ketamine" if a.startswith("ketamine") or a == "within_ketamine" else "control"


def match_number(o: dict[str, str], seconds: list[tuple[str, dict[str, str]]]) -> str:
    """The second extraction that read the same number for the same arm (ketamine or control side) and outcome family."""
    for who, s in seconds:
        if side(s["arm"]) != side(o["arm"]) or family(s["outcome"]) != family(o["outcome"]):
            continue
        if o["events"] and same(o["events"], s["events"]) and (not o["n"] or not s["n"] or same(o["n"], s["n"])):
            return who
        if o["mean"] and same(o["mean"], s["mean"]) and (not o["spread"] or not s["spread"] or same(o["spread"], s["spread"])):
            return who
    return ""


def match_result(o: dict[str, str], seconds: list[tuple[str, dict[str, str]]]) -> str:
    """The second extraction that read the same stated result: the same estimate, or the same p-value and direction,
    or (where neither gives a p-value) the same direction for the same outcome family and time point."""
    for who, s in seconds:
        if family(s["outcome"]) != family(o["outcome"]):
            continue
        if o["estimate"] and same(o["estimate"], s["estimate"]):
            return who
        if o["p_value"] and p_clean(o["p_value"]) and p_clean(o["p_value"]) == p_clean(s["p_value"]) and o["direction"] == s["direction"]:
            return who
        if (not o["p_value"] and not s["p_value"] and o["direction"] and o["direction"] == s["direction"]
                and (o["timepoint_days"] == s["timepoint_days"] or not o["timepoint"] or o["timepoint"].lower() == s["timepoint"].lower())):
            return who
    return ""


def stage2() -> None:
    studies = json.loads((EX / "studies-new.json").read_text(encoding="utf-8"))
    reports = json.loads((EX / "reports-new.json").read_text(encoding="utf-8"))
    keymap = json.loads((EX / "keymap.json").read_text(encoding="utf-8"))
    existing = {r["study_id"]: r for r in read(DATA / "studies.csv")}
    by_id = {s["study_id"]: s for s in studies} | {k: v for k, v in existing.items()}
    report_ids = {r["report_id"] for r in reports} | {r["report_id"] for r in read(DATA / "reports.csv")}
    rep = Reports(report_ids)
    rep.rows = []
    trial_rows: dict[str, tuple[str, dict[str, str]]] = {}
    for g in ("A", "B", "C", "E"):
        for r in read(EX / g / "trials.csv"):
            k = keymap.get(r["key"], r["key"])
            trial_rows.setdefault(k, (g, r))
    seconds = second_extractions(keymap, trial_rows)
    disagreements: list[str] = []
    outcomes, aes, results, rob = [], [], [], []
    out_keys = {(r["study_id"], r["arm"], r["outcome_id"], r["timepoint"], r["population"]) for r in read(DATA / "outcomes.csv")}
    ae_keys = {(r["study_id"], r["arm"], r["category"], r["event"], r["timepoint"]) for r in read(DATA / "adverse_events.csv")}
    res_keys: set[tuple[str, str, str, str]] = set()
    skipped = defaultdict(int)
    for g in ("A", "B", "C", "E"):
        for o in read(EX / g / "outcomes.csv"):
            k = keymap.get(o["key"], o["key"])
            if k not in by_id or trial_rows.get(k, (None,))[0] != g:
                skipped["other group or unknown study"] += 1
                continue
            s = by_id[k]
            if s["role"] != "included":
                skipped["study not included"] += 1
                continue
            rct = s["design"] in ("rct_parallel", "rct_crossover", "n_of_1")
            main_id = s["primary_report"] if s["primary_report"] in report_ids else k
            src = rep.for_url(k, o["source_url"], main_id, o["source_kind"], s["label"]) if o["source_url"] else main_id
            if o["source_kind"] == "primary" and s.get("source_kind") == "secondary" and src == main_id:
                pass
            prov = {"source_report": src, "source_location": o["source_location"] or "abstract", "source_quote": o["source_quote"] or "(no quote recorded)",
                    "source_kind": o["source_kind"] or "primary", "status": "confirmed" if (o["source_kind"] or "primary") == "primary" else "secondary_only",
                    "extractor": EXTRACTOR[g], "value_type": o["value_type"] or "reported", "derivation": o["derivation"]}
            if prov["value_type"] == "computed" and not prov["derivation"]:
                prov["derivation"] = "computed by the extractor (see notes)"
            kind = o["outcome"].split(":")[0]
            arm = arm_name(o["arm"], str(s.get("comparator", "")))
            has_number = bool(integer(o["events"]) and integer(o["n"])) or bool(num(o["mean"]))
            notes = "; ".join(x for x in (o["definition"], o["scale"] and f"scale: {o['scale']}", o["notes"]) if x)
            tp = o["timepoint"] or "not stated"
            if has_number and o["arm"] != "between":
                who = match_number(o, seconds.get(k, []))
                if rct and not who:
                    alts = [f"{w}: {r['arm']} {r['outcome']} events {r['events']}/{r['n']} mean {r['mean']} ± {r['spread']} ({r['timepoint']})" for w, r in seconds.get(k, [])
                            if r["outcome"].split(":")[0] == kind]
                    disagreements.append(f"| {k} | {arm} | {kind} | {tp} | events {o['events']}/{o['n']} mean {o['mean']} ± {o['spread']} | "
                                         + ("; ".join(alts) or "the second extraction recorded no such number") + " |")
                if kind.startswith("ae_") or kind.startswith("withdrawal"):
                    category = {"withdrawal_ae": "withdrawal_adverse_event", "withdrawal_any": "withdrawal_all_causes"}.get(kind, "adverse_event")
                    event = (o["definition"] or kind.replace("_", " ")).lower()[:120]
                    key = (k, arm, category, event, tp)
                    if key in ae_keys:
                        skipped["duplicate adverse-event row"] += 1
                        continue
                    ae_keys.add(key)
                    aes.append({"study_id": k, "arm": arm, "category": category, "event": event, "event_group": AE.get(kind, "other" if category == "adverse_event" else ""),
                                "timepoint": tp, "events": integer(o["events"]), "n": integer(o["n"]), "percent": num(o["percent"]), "verifier": who, "notes": o["notes"], **prov})
                    continue
                oid = outcome_id(o)
                spread = num(o["spread"])
                st = o["spread_type"].lower()
                row = {"study_id": k, "arm": arm, "outcome_id": oid, "timepoint": tp, "timepoint_days": num(o["timepoint_days"]),
                       "population": "patients analysed in this arm" if o["n"] else "as reported (denominator not stated)",
                       "events": integer(o["events"]), "n": integer(o["n"]), "percent": num(o["percent"]) if integer(o["events"]) else "",
                       "mean": num(o["mean"]), "sd": spread if st == "sd" else "", "se": spread if st == "se" else "",
                       "spread_unlabelled": spread if st == "unlabelled" else "", "ci_low": "", "ci_high": "", "verifier": who, "notes": notes, **prov}
                if row["events"] and not row["n"]:
                    row["events"] = ""
                if not row["events"] and not row["mean"]:
                    skipped["no usable number"] += 1
                    continue
                if row["percent"] and row["events"] and row["n"] and abs(100 * int(row["events"]) / int(row["n"]) - float(row["percent"])) > 0.5:
                    row["notes"] = (row["notes"] + f"; the report prints {row['percent']}%, which does not match {row['events']}/{row['n']}: percentage not entered").strip("; ")
                    row["percent"] = ""
                key = (k, arm, oid, tp, row["population"])
                n_dup = 2
                while key in out_keys:
                    key = (k, arm, oid, f"{tp} ({n_dup})", row["population"])
                    n_dup += 1
                row["timepoint"] = key[3]
                out_keys.add(key)
                outcomes.append(row)
                continue
            if not rct:
                skipped["single-arm stated result (descriptive only)"] += 1
                continue
            if not (o["direction"] or o["p_value"] or o["estimate"]):
                skipped["no number, p-value or direction"] += 1
                continue
            control = o["arm"].split(":", 1)[1] if o["arm"].startswith("control:") else ""
            within = o["arm"] in ("within_ketamine",)
            comp_word = arm_name("control", str(s.get("comparator", ""))) if not control else slug(control)
            comparison = "ketamine, before vs after treatment" if within else f"ketamine vs {comp_word.replace('_', ' ')}"
            measure = MEASURES.get(o["estimate_type"], "")
            if o["estimate"] and not measure:
                t = o["definition"].lower()
                measure = next((m for w, m in RESULT_MEASURE_WORDS if w in t), "effect_size")
            p = p_clean(o["p_value"])
            direction = o["direction"] if o["direction"] in ("favours_ketamine", "favours_control", "no_difference", "unclear") else "unclear"
            outcome_text = (o["outcome"].split(":", 1)[1].strip() if ":" in o["outcome"] else o["outcome"].replace("_", " ")) + (f" ({o['definition']})" if o["definition"] else "")
            key = (k, comparison, outcome_text[:200], tp)
            if key in res_keys:
                skipped["duplicate stated result"] += 1
                continue
            res_keys.add(key)
            est = num(o["estimate"])
            lo, hi = num(o["ci_low"]), num(o["ci_high"])
            if est and lo and hi and not (float(lo) <= float(est) <= float(hi)):
                lo = hi = ""
            who = match_result(o, seconds.get(k, []))
            results.append({"study_id": k, "comparison": comparison, "domain": domain(o), "outcome": outcome_text[:200], "timepoint": tp,
                            "timepoint_days": num(o["timepoint_days"]), "measure": measure or "none", "estimate": est if measure else "",
                            "ci_low": lo if measure else "", "ci_high": hi if measure else "", "p_value": p, "direction": direction,
                            "significant": significant(p, direction) if not o["p_value"].lower().startswith("significant") else "yes",
                            "verifier": who, "notes": "; ".join(x for x in (o["p_value"] and not p and f"p-value as printed: {o['p_value']}", o["notes"]) if x), **prov})
    # risk of bias
    for g in ("A", "B", "C"):
        for r in read(EX / g / "rob.csv"):
            k = keymap.get(r["key"], r["key"])
            if k not in by_id or by_id[k]["role"] != "included" or trial_rows.get(k, (None,))[0] != g:
                continue
            s = by_id[k]
            code = r["domain"].strip()[:2]
            dom = ROB_DOMAINS.get(code)
            if not dom:
                continue
            tool = "rob2_crossover" if s["design"] in ("rct_crossover", "n_of_1") else "rob2"
            if code == "DS" and tool == "rob2":
                continue
            judgement = r["judgement"] if r["judgement"] in ("low", "some_concerns", "high", "no_information") else "no_information"
            if dom == "overall" and judgement == "no_information":
                judgement = "some_concerns"
            main_id = s["primary_report"]
            rob.append({"study_id": k, "result": "all", "tool": tool, "tool_version": "RoB 2, 22 August 2019", "domain": dom, "judgement": judgement,
                        "support": r["support"] or "the readable text does not report this", "support_quote": r["support_quote"],
                        "source_report": rep.for_url(k, r["source_url"], main_id, "primary", s["label"]) if r["source_url"] else main_id,
                        "source_location": r["source_location"] or "abstract", "assessor": EXTRACTOR[g], "verifier": "",
                        "notes": "Judged from the abstract or register record only; provisional until the full text is read."})
    # outcome definitions
    have = {r["outcome_id"] for r in read(DATA / "outcome_definitions.csv")}
    defs = [{"outcome_id": i, "label": lab, "kind": kind, "instrument": ins, "direction": dirn, "definition": dfn, "selection_rule": rule}
            for i, lab, kind, ins, dirn, dfn, rule in NEW_DEFINITIONS if i not in have]
    # searches
    searches = []
    n = 1000
    for g in ("A", "B", "C", "D", "E", "V1", "V2"):
        for r in read(EX / g / "searches.csv"):
            kept = [keymap.get(x.strip(), x.strip()) for x in re.split(r"[;,]", r.get("kept", "")) if x.strip()]
            found = sorted({x for x in kept if x in report_ids or any(rr["report_id"] == x for rr in rep.rows)})
            records = integer(r.get("hits", "")) or "0"
            relevant = min(len(set(kept)), int(records))
            searches.append({"search_id": f"s{n}", "source": f"workplace search tool, corpus {r.get('corpus', 'pages') or 'pages'} (stored copies of public material; pages often cut after their opening)",
                             "date": r.get("date", DATE) or DATE, "query": r["query"], "purpose": GROUP_PURPOSE[g], "records": records, "relevant": str(relevant),
                             "reports_found": ";".join(found), "notes": "; ".join(x for x in (f"searcher: {EXTRACTOR.get(g, VERIFIER.get(g))}", r.get("notes", "")) if x)})
            n += 1
    # review results and included-trial lists
    review_rows, review_trials = [], []
    have_results = {(r["study_id"], r["estimate"]) for r in read(DATA / "review_results.csv")}
    enum_c = {"crps", "pelvic_pain", "pudendal_neuralgia", "cancer_pain", "neuropathic_mixed", "chronic_pain_mixed", "spinal_cord_injury", "fibromyalgia", "headache",
              "phantom_limb", "postherpetic_neuralgia", "ischaemic_pain", "low_back_pain", "musculoskeletal", "pain_with_depression", "other"}
    ids = set()
    for r in read(EX / "D" / "review_results.csv"):
        k = keymap.get(r["key"], study_key(r["key"]))
        m = {"MD": "MD", "SMD": "SMD", "RR": "RR", "OR": "OR", "proportion": "proportion"}.get(r["measure"].strip(), "")
        est = num(r["estimate"])
        if not m or not est or (k, est) in have_results or k not in by_id:
            skipped["review result not entered (measure not MD/SMD/RR/OR/proportion, no estimate, or already in the data)"] += 1
            continue
        s = by_id[k]
        rid = slug(f"{k} {r['result_label']}")[:60].rstrip("_")
        while rid in ids:
            rid += "_b"
        ids.add(rid)
        secondary = s.get("source_kind") == "secondary" or any(h in r["source_url"] for h in SECONDARY_HOSTS)
        src = rep.for_url(k, r["source_url"], s["primary_report"], "secondary" if secondary else "primary", s["label"])
        lo, hi = num(r["ci_low"]), num(r["ci_high"])
        if lo and hi and not (float(lo) <= float(est) <= float(hi)):
            lo = hi = ""
        review_rows.append({"result_id": rid, "study_id": k, "condition": r["condition"] if r["condition"] in enum_c else s["condition"],
                            "outcome": r["outcome"] or r["result_label"], "time_window": r["time_window"], "comparison": r["comparison"] or "ketamine vs control",
                            "measure": m, "scale": r["scale"], "estimate": est, "ci_low": lo, "ci_high": hi, "k_studies": integer(r["k"]),
                            "n_participants": integer(r["n"]), "heterogeneity": r["heterogeneity"], "certainty": r["certainty"],
                            "source_report": src, "source_location": r["source_location"] or "abstract", "source_quote": r["source_quote"] or "(no quote recorded)",
                            "source_kind": "secondary" if secondary else "primary", "status": "secondary_only" if secondary else "confirmed",
                            "extractor": EXTRACTOR["D"], "verifier": "", "notes": "; ".join(x for x in (r["p_value"] and f"p = {r['p_value']}", r["notes"]) if x)})
    labels = {}
    for sid, s in by_id.items():
        if s.get("design", "").startswith("rct") or s.get("design") == "n_of_1":
            labels[re.sub(r"[^a-z0-9]", "", str(s["label"]).lower().replace("ö", "o").replace("ø", "o"))] = sid
    for r in read(EX / "D" / "review_included.csv"):
        k = keymap.get(r["review_key"], study_key(r["review_key"]))
        if k not in by_id:
            continue
        lab = r["trial_label"]
        sid = labels.get(re.sub(r"[^a-z0-9]", "", lab.lower().replace("ö", "o").replace("ø", "o")), "")
        review_trials.append({"review_id": k, "trial_label": lab, "study_id": sid,
                              "source_report": rep.for_url(k, r["source_url"], by_id[k]["primary_report"], "primary", by_id[k]["label"]),
                              "source_location": r["source_location"] or "table of included studies", "extractor": EXTRACTOR["D"], "notes": r["notes"]})
    (EX / "stage2.json").write_text(json.dumps({"outcomes": outcomes, "adverse_events": aes, "trial_results": results, "risk_of_bias": rob,
                                                "outcome_definitions": defs, "searches": searches, "review_results": review_rows,
                                                "review_trials": review_trials, "reports": rep.rows}, indent=1), encoding="utf-8")
    (EX / "disagreements.md").write_text("| study | arm | outcome | time point | first extraction | second extraction(s) |\n|---|---|---|---|---|---|\n"
                                          + "\n".join(disagreements) + "\n", encoding="utf-8")
    print({k: len(v) for k, v in json.loads((EX / "stage2.json").read_text()).items()}, dict(skipped), len(disagreements), "unverified numbers")



def write() -> None:
    """Append stage 1 and stage 2 to data/*.csv (run once, after reviewing the JSON files)."""
    studies = json.loads((EX / "studies-new.json").read_text(encoding="utf-8"))
    reports = json.loads((EX / "reports-new.json").read_text(encoding="utf-8"))
    keymap = json.loads((EX / "keymap.json").read_text(encoding="utf-8"))
    s2 = json.loads((EX / "stage2.json").read_text(encoding="utf-8"))
    second = defaultdict(list)
    for v in ("V1", "V2"):
        for r in read(EX / v / "trials.csv"):
            second[keymap.get(r["key"], r["key"])].append((VERIFIER[v], r))
    for s in studies:
        for who, r in second.get(s["study_id"], []):
            pairs = [(r.get("n_randomised_ketamine", ""), r.get("n_randomised_control", "")), (r.get("n_analysed_ketamine", ""), r.get("n_analysed_control", ""))]
            if s.get("n_ketamine") and any(same(str(s["n_ketamine"]), a) and same(str(s["n_control"]), b) for a, b in pairs):
                s["verifier"] = who
            elif not s.get("n_ketamine") and s.get("n_enrolled") and same(str(s["n_enrolled"]), r.get("n_randomised", "")):
                s["verifier"] = who
    append("reports", reports + s2["reports"])
    append("studies", studies)
    append("outcome_definitions", s2["outcome_definitions"])
    for name in ("outcomes", "adverse_events", "trial_results", "risk_of_bias", "searches", "review_results", "review_trials"):
        append(name, s2[name])
    with (EX / "merge-log.md").open("a", encoding="utf-8") as fh:
        fh.write("\n## Written\n\n" + "\n".join(LOG) + "\n")


if __name__ == "__main__":
    import sys

    {"values": stage2, "write": write}.get(sys.argv[1] if sys.argv[1:] else "", main)()

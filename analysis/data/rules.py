"""The review's rules, each stated once: which conditions form a chapter, and what may be pooled.

Every page and tool that groups studies by condition or decides what enters a pooled
estimate calls these functions; none restates a rule.

* :data:`CONDITION_LABELS` -- each value of ``studies.condition`` in words;
* :data:`CONDITION_GROUPS` -- the evidence chapters and the conditions each covers
  (PRISMA 2020 item 5); :data:`GROUP_TITLES` their titles;
* :func:`comparison_conditions` -- the rows of the grade comparison: each chapter group,
  with the "other conditions" group split into its conditions;
* :func:`may_pool` / :func:`poolable` -- a value enters a pooled analysis only if it belongs to
  an included study, was read, and confirmed, in the study's own report (primary), and was
  extracted a second time independently (its ``verifier`` is filled in); second-hand or
  conflicting values are shown, labelled, and enter only sensitivity analyses;
* :data:`TIME_WINDOWS` / :func:`time_window` -- the time windows of the pooled analyses;
* :func:`arm_role` -- what an arm is: ketamine, placebo, active placebo or an active drug;
* :func:`read_unlabelled_spread` -- how a '±' value that the report does not label is read;
* :func:`one_per_study` -- where a study gives several rows for the same result, the one with
  the largest denominator is used, so that no patient is counted twice.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

CONDITION_LABELS: dict[str, str] = {
    "crps": "CRPS",
    "pelvic_pain": "Pelvic pain",
    "pudendal_neuralgia": "Pudendal neuralgia",
    "cancer_pain": "Cancer pain",
    "neuropathic_mixed": "Neuropathic pain (mixed or other causes)",
    "chronic_pain_mixed": "Chronic pain (mixed causes)",
    "spinal_cord_injury": "Spinal cord injury",
    "fibromyalgia": "Fibromyalgia",
    "headache": "Headache",
    "phantom_limb": "Phantom limb pain",
    "postherpetic_neuralgia": "Postherpetic neuralgia",
    "ischaemic_pain": "Ischaemic pain",
    "low_back_pain": "Low back pain",
    "musculoskeletal": "Whiplash and musculoskeletal pain",
    "pain_with_depression": "Chronic pain with depression",
    "other": "Other conditions",
}

# The evidence chapters (values of studies.condition in each).
CONDITION_GROUPS: dict[str, tuple[str, ...]] = {
    "crps": ("crps",),
    "pelvic": ("pelvic_pain", "pudendal_neuralgia"),
    "cancer": ("cancer_pain",),
    "neuropathic": ("neuropathic_mixed", "postherpetic_neuralgia", "spinal_cord_injury", "phantom_limb"),
    "fibromyalgia": ("fibromyalgia", "musculoskeletal"),
    "headache": ("headache",),
    "mixed": ("chronic_pain_mixed", "pain_with_depression"),
    "other": ("ischaemic_pain", "low_back_pain", "other"),
}

GROUP_TITLES: dict[str, str] = {
    "crps": "CRPS",
    "pelvic": "Pelvic pain and pudendal neuralgia",
    "cancer": "Cancer pain",
    "neuropathic": "Neuropathic pain",
    "fibromyalgia": "Fibromyalgia, whiplash and musculoskeletal pain",
    "headache": "Headache and migraine",
    "mixed": "Mixed and refractory chronic pain",
    "other": "Other conditions",
}


def group_of(condition: str) -> str:
    """The chapter group a condition belongs to."""
    for group, conditions in CONDITION_GROUPS.items():
        if condition in conditions:
            return group
    raise KeyError(f"condition {condition!r} belongs to no chapter group")


def comparison_conditions() -> dict[str, tuple[str, ...]]:
    """Rows of the grade comparison: each chapter group, with 'other' split into its conditions."""
    rows: dict[str, tuple[str, ...]] = {}
    for group, conditions in CONDITION_GROUPS.items():
        if group == "other":
            rows.update({CONDITION_LABELS[c]: (c,) for c in conditions if c != "other"})
        else:
            rows[GROUP_TITLES[group]] = conditions
    return rows


POOLED_ROLES = ("included",)


def _filled(value: Any) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value)) and str(value).strip() != ""


def may_pool(source_kind: Any, status: Any, role: Any = "included", verifier: Any = "checked") -> bool:
    """The rule for one value: an included study's value, read and confirmed in its own report, and
    extracted twice (a second, independent extraction named in ``verifier``)."""
    return (str(role or "included") in POOLED_ROLES and str(source_kind) == "primary" and str(status) == "confirmed"
            and _filled(verifier))


def why_not_pooled(source_kind: Any, status: Any, role: Any = "included", verifier: Any = "checked") -> str:
    """The reason :func:`may_pool` refuses a value, in words ('' when it may be pooled)."""
    if str(role or "included") not in POOLED_ROLES:
        return "the study is not an included study"
    if str(source_kind) != "primary" or str(status) != "confirmed":
        return "read only second-hand (enters the sensitivity analysis with second-hand values)"
    if not _filled(verifier):
        return "not yet extracted a second time"
    return ""


def poolable(rows: pd.DataFrame, studies: pd.DataFrame | None = None) -> pd.Series:
    """:func:`may_pool` for every row of an outcome table (True where the row may be pooled).

    ``studies`` (optional) supplies each row's study role; without it every study counts as included.
    A table without a ``verifier`` column counts every row as double-extracted.
    """
    roles = rows["study_id"].map(studies.set_index("study_id")["role"]) if studies is not None else pd.Series("included", index=rows.index)
    verifiers = rows["verifier"] if "verifier" in rows else pd.Series("checked", index=rows.index)
    return pd.Series(
        [may_pool(k, s, r, v) for k, s, r, v in zip(rows["source_kind"], rows["status"], roles, verifiers)], index=rows.index, dtype=bool
    )


# Time windows of the pooled analyses, in days after the start of treatment (timepoint_days), as the
# issue of record sets them to match the 2024 network meta-analysis: (label, lower bound exclusive, upper bound inclusive).
TIME_WINDOWS: tuple[tuple[str, float, float], ...] = (
    ("during or just after the infusion", -1.0, 0.0),
    ("up to 48 hours", 0.0, 2.0),
    ("1 to 2 weeks", 2.0, 14.0),
    ("3 to 5 weeks", 14.0, 35.0),
    ("6 weeks or more", 35.0, float("inf")),
)


def time_window(days: Any) -> str:
    """The time window of a time point in days ('' when the time point is not known in days)."""
    if not _filled(days):
        return ""
    d = float(days)
    for label, low, high in TIME_WINDOWS:
        if low < d <= high:
            return label
    return ""


PLACEBO_ARMS = ("placebo", "saline", "control")
ACTIVE_PLACEBO_ARMS = ("midazolam",)


def arm_role(arm: str) -> str:
    """What an arm is: 'ketamine' (any ketamine or esketamine arm), 'placebo', 'active_placebo' or 'active_drug'."""
    a = str(arm).lower()
    if a.startswith("ketamine") or a.startswith("esketamine") or a.startswith("s_ketamine"):
        return "ketamine"
    if a in PLACEBO_ARMS:
        return "placebo"
    if a in ACTIVE_PLACEBO_ARMS:
        return "active_placebo"
    return "active_drug"


def arm_label(arm: str) -> str:
    """An arm's name in words: 'ketamine_0_5mg_kg' -> 'ketamine 0.5 mg/kg', 'ketamine_magnesium' -> 'ketamine magnesium'."""
    import re

    text = re.sub(r"(?<=[0-9])_(?=[0-9])", ".", str(arm)).replace("_", " ")
    text = re.sub(r"(?<=[0-9.])(mg|g|mcg|micrograms)\b", r" \1", text)
    return re.sub(r"\bmg kg\b", "mg/kg", text)


def read_unlabelled_spread(value: float, n: float, scale_range: float | None, conservative: bool = True) -> tuple[float, str]:
    """The SD to use for a '±' value the report does not label (Cochrane Handbook 6.5.2).

    The primary analysis (``conservative=True``) reads it as an SE, which gives the larger SD,
    SD = value x sqrt(n), unless that SD is implausible for the scale (more than the scale's range),
    when it is read as an SD; the sensitivity analysis reads it the other way. Returns (SD, reading).
    """
    as_se = value * (n ** 0.5)
    plausible = scale_range is None or as_se <= scale_range
    if conservative == plausible:
        return as_se, "read as an SE"
    return value, "read as an SD"


def one_per_study(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per study: the row with the largest denominator ``n`` (the first such row on a tie)."""
    if rows.empty:
        return rows
    order = rows.assign(_n=rows["n"].astype("Float64").fillna(-1), _i=range(len(rows)))
    chosen = order.sort_values(["_n", "_i"], ascending=[False, True]).drop_duplicates("study_id")
    return rows.loc[chosen.sort_values("_i").index]

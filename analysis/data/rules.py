"""The review's rules, each stated once: which conditions form a chapter, and what may be pooled.

Every page and tool that groups studies by condition or decides what enters a pooled
estimate calls these functions; none restates a rule.

* :data:`CONDITION_LABELS` -- each value of ``studies.condition`` in words;
* :data:`CONDITION_GROUPS` -- the evidence chapters and the conditions each covers
  (PRISMA 2020 item 5); :data:`GROUP_TITLES` their titles;
* :func:`comparison_conditions` -- the rows of the grade comparison: each chapter group,
  with the "other conditions" group split into its conditions;
* :func:`may_pool` / :func:`poolable` -- a value enters a pooled analysis only if it belongs to
  an included study and was read, and confirmed, in the study's own report (primary);
  second-hand or conflicting values are shown, labelled, and enter only sensitivity analyses;
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
    "neuropathic_mixed": "Neuropathic pain (mixed causes)",
    "chronic_pain_mixed": "Chronic pain (mixed causes)",
    "spinal_cord_injury": "Spinal cord injury",
    "fibromyalgia": "Fibromyalgia",
    "headache": "Headache",
    "phantom_limb": "Phantom limb pain",
    "postherpetic_neuralgia": "Postherpetic neuralgia",
    "ischaemic_pain": "Ischaemic pain",
    "low_back_pain": "Low back pain",
    "other": "Other conditions",
}

# The evidence chapters (values of studies.condition in each).
CONDITION_GROUPS: dict[str, tuple[str, ...]] = {
    "crps": ("crps",),
    "pelvic": ("pelvic_pain", "pudendal_neuralgia"),
    "cancer": ("cancer_pain",),
    "mixed": ("neuropathic_mixed", "chronic_pain_mixed"),
    "other": ("spinal_cord_injury", "fibromyalgia", "headache", "phantom_limb", "postherpetic_neuralgia", "ischaemic_pain", "low_back_pain", "other"),
}

GROUP_TITLES: dict[str, str] = {
    "crps": "CRPS",
    "pelvic": "Pelvic pain and pudendal neuralgia",
    "cancer": "Cancer pain",
    "mixed": "Mixed neuropathic and refractory pain",
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


def may_pool(source_kind: Any, status: Any, role: Any = "included") -> bool:
    """The rule for one value: an included study's value, read and confirmed in its own report."""
    return str(role or "included") in POOLED_ROLES and str(source_kind) == "primary" and str(status) == "confirmed"


def poolable(rows: pd.DataFrame, studies: pd.DataFrame | None = None) -> pd.Series:
    """:func:`may_pool` for every row of an outcome table (True where the row may be pooled).

    ``studies`` (optional) supplies each row's study role; without it every study counts as included.
    """
    roles = rows["study_id"].map(studies.set_index("study_id")["role"]) if studies is not None else pd.Series("included", index=rows.index)
    return pd.Series(
        [may_pool(k, s, r) for k, s, r in zip(rows["source_kind"], rows["status"], roles)], index=rows.index, dtype=bool
    )


def one_per_study(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per study: the row with the largest denominator ``n`` (the first such row on a tie)."""
    if rows.empty:
        return rows
    order = rows.assign(_n=rows["n"].astype("Float64").fillna(-1), _i=range(len(rows)))
    chosen = order.sort_values(["_n", "_i"], ascending=[False, True]).drop_duplicates("study_id")
    return rows.loc[chosen.sort_values("_i").index]

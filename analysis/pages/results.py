"""Every synthesis in the book as data: one record per pooled estimate, sign test or descriptive pooled proportion.

``python -m analysis results [--json]`` prints them, and the build serves the same list as
``data/results.json`` beside the data files, so that others can reuse and check the book's results.
Each record has: ``id, kind, condition, outcome, time_window, comparison, method, k, study_ids,
estimate, ci_low, ci_high, pi_low, pi_high, i2, tau2, certainty, sensitivity`` (a list of records of
the same form, for the analyses that vary the primary one). Ratios are on their natural scale
(risk ratio 2.0, not its log); proportions are fractions.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from analysis.data import load_table
from analysis.data.rules import CONDITION_GROUPS, GROUP_TITLES
from analysis.pages import synthesis as S
from analysis.stats.numeric import expit

FIELDS = ("id", "kind", "condition", "outcome", "time_window", "comparison", "method", "k", "study_ids", "estimate", "ci_low", "ci_high",
          "pi_low", "pi_high", "i2", "tau2", "certainty", "sensitivity")


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return round(x, 6) if math.isfinite(x) else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _binary(meta: S.BinaryMeta, rid: str, condition: str, outcome: str, window: str, certainty: str | None = None) -> dict[str, Any]:
    rr, rd, re_ = meta.mh_rr, meta.mh_rd, meta.re_rr
    rec: dict[str, Any] = {
        "id": rid, "kind": "meta-analysis", "condition": condition, "outcome": outcome, "time_window": window,
        "comparison": "ketamine vs placebo or active placebo", "method": "Mantel-Haenszel risk ratio", "k": meta.k,
        "study_ids": sorted(meta.used["study_id"].astype(str)), "estimate": None, "ci_low": None, "ci_high": None,
        "pi_low": None, "pi_high": None, "i2": None, "tau2": None, "certainty": certainty, "sensitivity": [],
    }
    if rr is not None:
        rec.update(estimate=_num(np.exp(rr.estimate)), ci_low=_num(np.exp(rr.ci_low)), ci_high=_num(np.exp(rr.ci_high)), i2=_num(rr.i2))
        rec["risk_difference"] = {"estimate": _num(rd.estimate), "ci_low": _num(rd.ci_low), "ci_high": _num(rd.ci_high)} if rd is not None else None
    if re_ is not None:
        rec["tau2"] = _num(re_.tau2)
        rec["random_effects"] = {"method": "REML, Hartung-Knapp-Sidik-Jonkman", "estimate": _num(np.exp(re_.estimate)),
                                 "ci_low": _num(np.exp(re_.ci_low)), "ci_high": _num(np.exp(re_.ci_high))}
        if re_.pi_low is not None and re_.pi_high is not None:
            rec.update(pi_low=_num(np.exp(re_.pi_low)), pi_high=_num(np.exp(re_.pi_high)))
    return rec


def results(data_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Every synthesis of the book, computed from the data (see the module docstring for the fields)."""
    from analysis.pages.evidence import ConditionEvidence
    from analysis.pages.grading import rate

    studies, outcomes = load_table("studies", data_dir), load_table("outcomes", data_dir)
    adverse, rob = load_table("adverse_events", data_dir), load_table("risk_of_bias", data_dir)
    stated = load_table("trial_results", data_dir)
    rated = rate(load_table("certainty_ratings", data_dir)).set_index("rating_id")
    certainty = rated["certainty"].to_dict()
    out: list[dict[str, Any]] = []
    metas, sens = S.responder_analyses(outcomes, studies, rob)
    for i, meta in enumerate(metas):
        window = meta.title.removeprefix("Responders, ")
        rec = _binary(meta, f"responders50_{_slug(window)}", "all conditions", "at least 50% pain relief", window,
                      certainty.get("all_rct_responders_infusion") if i == 0 else None)
        if i == 0:
            rec["sensitivity"] = [_binary(m, f"responders50_sensitivity_{_slug(name)}", "all conditions", "at least 50% pain relief", window)
                                  | {"analysis": name} for name, m in sens[1:]]
        out.append(rec)
    used = metas[0].used
    for group, g in used.groupby("group"):
        if len(g) >= 2:
            meta = S.pool_binary(g, str(group))
            window = metas[0].title.removeprefix("Responders, ")
            out.append(_binary(meta, f"responders50_{_slug(window)}_{group}", GROUP_TITLES[str(group)], "at least 50% pain relief", window))
    harms = S.harm_pairs(adverse, studies)
    harms = harms[harms["control_role"].isin(S.PLACEBO_LIKE)]
    for harm in sorted(harms["harm"].dropna().unique()):
        meta = S.pool_binary(harms[harms["harm"] == harm], str(harm))
        rec = _binary(meta, f"harm_{_slug(str(harm))}", "all conditions", str(harm).replace("_", " "), "whole study")
        out.append(rec)
    directions = S.direction_table(stated, outcomes, adverse, studies, rob)
    for domain in S.DOMAINS:
        t = S.sign_test(directions, domain)
        ids = sorted(directions.loc[directions["domain"] == domain, "study_id"].astype(str))
        out.append({"id": f"direction_{domain}", "kind": "sign test", "condition": "all conditions", "outcome": f"{domain}: direction of effect",
                    "time_window": "first time point reported", "comparison": "ketamine vs placebo or active placebo (else an active drug)",
                    "method": "exact binomial sign test, Clopper-Pearson interval", "k": t.favour + t.against, "study_ids": ids,
                    "estimate": _num(t.share), "ci_low": _num(t.low), "ci_high": _num(t.high), "pi_low": None, "pi_high": None,
                    "i2": None, "tau2": None, "p": _num(t.p), "favour_ketamine": t.favour, "favour_control": t.against,
                    "no_direction": t.no_direction, "certainty": certainty.get(f"all_rct_{domain}_direction"), "sensitivity": []})
    for group in CONDITION_GROUPS:
        chapter = ConditionEvidence.load(group, str(data_dir) if data_dir else None)
        for p in chapter.pooled():
            if p.result is None:
                continue
            r = p.result
            out.append({"id": f"proportion_{group}_{_slug(p.outcome_id)}_{_slug(p.timepoint)}", "kind": "descriptive pooled proportion",
                        "condition": GROUP_TITLES[group], "outcome": p.outcome_id.replace("_", " "), "time_window": p.timepoint,
                        "comparison": "none (uncontrolled studies)", "method": "logit, REML, Hartung-Knapp-Sidik-Jonkman", "k": r.k,
                        "study_ids": sorted(p.included["study_id"].astype(str)), "estimate": _num(expit(r.estimate)),
                        "ci_low": _num(expit(r.ci_low)), "ci_high": _num(expit(r.ci_high)),
                        "pi_low": _num(expit(r.pi_low)) if r.pi_low is not None else None,
                        "pi_high": _num(expit(r.pi_high)) if r.pi_high is not None else None,
                        "i2": _num(r.i2), "tau2": _num(r.tau2), "certainty": None, "sensitivity": []})
    return out


def text(records: list[dict[str, Any]]) -> str:
    """One line per synthesis, readable in a terminal."""
    lines = []
    for r in records:
        est = "not pooled" if r["estimate"] is None else f"{r['estimate']:.3g} ({r['ci_low']:.3g} to {r['ci_high']:.3g})"
        lines.append(f"{r['id']}: {r['outcome']}, {r['time_window']}; {r['method']}; k = {r['k']}; {est}"
                     + (f"; certainty {r['certainty']}" if r.get("certainty") else ""))
    return "\n".join(lines)

"""Effect sizes and pooling against metafor (reference JSON, no R needed).

The JSON files in tests/reference/metafor/ are written by
tests/reference/metafor/make_reference.R (metafor 3.8-1, R 4.2.2; the
versions are recorded in each file).  Tolerances: relative 1e-6 on
estimates, SEs and intervals; 1e-5 on tau^2 and its interval (iterative
estimators).  See make_reference.R for what each reference field is.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.stats import effects as E
from analysis.stats.pooling import egger_test, leave_one_out, pool, subgroup_analysis

REF = Path(__file__).resolve().parents[1] / "reference" / "metafor"
JSONS = sorted(REF.glob("*.json"))

RTOL = 1e-6
RTOL_TAU2 = 1e-5
ATOL = 1e-10  # for quantities that are (close to) zero


def _load(name: str) -> dict:
    return json.loads((REF / name).read_text(encoding="utf-8"))


def _effects(ref: dict) -> E.Effect:
    """Recompute the effect sizes from the CSV with analysis.stats.effects."""
    d = pd.read_csv(REF / ref["input"])
    return E.escalc(ref["measure"], **{c: d[c].to_numpy(float) for c in d.select_dtypes("number").columns})


def test_reference_files_present_and_versioned():
    names = {p.name for p in JSONS}
    for expected in [
        "plo_100pct_PLO.json", "binary_zero_RR.json", "binary_zero_OR.json", "bcg_RR.json",
        "bcg_OR.json", "normand1999_MD.json", "normand1999_SMD.json", "homogeneous_GEN.json",
        "two_studies_GEN.json",
    ]:
        assert expected in names
    for p in JSONS:
        ref = json.loads(p.read_text(encoding="utf-8"))
        assert ref["metafor_version"].startswith("3.8")
        assert ref["r_version"].startswith("R version")


@pytest.mark.parametrize("path", JSONS, ids=lambda p: p.stem)
def test_escalc(path):
    ref = _load(path.name)
    es = _effects(ref)
    np.testing.assert_allclose(es.yi, ref["escalc"]["yi"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(es.vi, ref["escalc"]["vi"], rtol=RTOL, atol=ATOL)


def test_escalc_pr():
    ref = _load("plo_100pct_PLO.json")
    d = pd.read_csv(REF / ref["input"])
    es = E.prop_raw(d["events"], d["n"])
    np.testing.assert_allclose(es.yi, ref["escalc_pr"]["yi"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(es.vi, ref["escalc_pr"]["vi"], rtol=RTOL, atol=ATOL)


def _cases():
    for p in JSONS:
        ref = json.loads(p.read_text(encoding="utf-8"))
        for i, f in enumerate(ref["fits"]):
            yield pytest.param(p.name, i, id=f"{p.stem}-{f['method']}-{f['ci']}")


@pytest.mark.parametrize("name, idx", list(_cases()))
def test_pool_against_metafor(name, idx):
    ref = _load(name)
    f = ref["fits"][idx]
    es = _effects(ref)
    r = pool(es.yi, es.vi, method=f["method"], ci=f["ci"])
    assert r.k == f["k"]

    def close(got, want, rtol=RTOL, label=""):
        assert want is not None, label
        assert np.isclose(got, want, rtol=rtol, atol=ATOL), (label, got, want)

    close(r.tau2, f["tau2"], RTOL_TAU2, "tau2")
    if f["tau2"] == 0:
        assert r.tau2 == 0.0
    for key in ["estimate", "se", "se_wald", "ci_low", "ci_high", "stat", "q"]:
        close(getattr(r, key), f[key], label=key)
    close(r.p, f["p"], 1e-5, "p")
    close(r.q_p, f["q_p"], 1e-5, "q_p")
    close(r.i2, f["i2"], label="i2 (Q-based)")
    close(r.h2, f["h2"], label="h2 (Q-based)")
    close(r.i2_metafor, f["i2_metafor"], RTOL_TAU2, "i2 (metafor, tau2-based)")
    close(r.h2_metafor, f["h2_metafor"], RTOL_TAU2, "h2 (metafor, tau2-based)")
    close(r.tau2_ci_low, f["tau2_ci_low"], RTOL_TAU2, "tau2_ci_low")
    close(r.tau2_ci_high, f["tau2_ci_high"], RTOL_TAU2, "tau2_ci_high")
    if f["k"] >= 3:
        close(r.pi_low, f["pi_low"], label="pi_low (HTS)")
        close(r.pi_high, f["pi_high"], label="pi_high (HTS)")
        # the hand-computed HTS interval equals metafor's predict(pi.type="riley") on the z fit
        if f["method"] != "EE":  # metafor has no PI for EE models
            close(f["pi_low"], f["pi_low_riley"], 1e-9, "riley")
            close(f["pi_high"], f["pi_high_riley"], 1e-9, "riley")
    else:
        assert r.pi_low is None and r.pi_high is None
        assert f["pi_low"] is None


def test_hts_pi_differs_from_metafor_default_for_hk():
    # metafor's default predict() after test="knha" uses t(k-1) and the HK SE,
    # which is not the HTS interval we define; make sure the test above can tell.
    f = next(x for x in _load("bcg_RR.json")["fits"] if x["method"] == "REML" and x["ci"] == "hk")
    assert not np.isclose(f["pi_low"], f["pi_low_metafor_default"], rtol=1e-4)


def test_homogeneous_tau2_is_zero_and_untruncated_dl_would_fail():
    ref = _load("homogeneous_GEN.json")
    es = _effects(ref)
    for f in ref["fits"]:
        assert f["tau2"] == 0
    # untruncated DL (Q - df)/C is negative here ...
    w = 1 / es.vi
    mu = np.sum(w * es.yi) / w.sum()
    q = np.sum(w * (es.yi - mu) ** 2)
    dl_raw = (q - (len(w) - 1)) / (w.sum() - np.sum(w**2) / w.sum())
    assert dl_raw < -1e-3
    # ... and so is statsmodels' combine_effects DL (not truncated at 0), which
    # would fail the metafor comparison; ours is truncated.
    from statsmodels.stats.meta_analysis import combine_effects

    sm = combine_effects(es.yi, es.vi, method_re="dl")
    assert sm.tau2 < 0
    assert pool(es.yi, es.vi, method="DL").tau2 == 0.0


def test_statsmodels_cross_check_dl_pm():
    # independent implementation: statsmodels combine_effects (DL, PM) where tau2 > 0
    from statsmodels.stats.meta_analysis import combine_effects

    ref = _load("bcg_RR.json")
    es = _effects(ref)
    sm = combine_effects(es.yi, es.vi, method_re="dl")
    r = pool(es.yi, es.vi, method="DL", ci="wald")
    assert np.isclose(sm.tau2, r.tau2, rtol=1e-10)
    assert np.isclose(sm.mean_effect_re, r.estimate, rtol=1e-10)
    sm = combine_effects(es.yi, es.vi, method_re="pm")
    r = pool(es.yi, es.vi, method="PM", ci="wald")
    assert np.isclose(sm.tau2, r.tau2, rtol=1e-3)  # statsmodels iterates only to atol 1e-5


def test_zero_cell_rules():
    d = pd.read_csv(REF / "binary_zero.csv")
    # trial 6 has zero events in both arms: kept (drop00=FALSE), 0.5 added to all cells
    rr = E.log_risk_ratio(d["e1"], d["n1"], d["e2"], d["n2"])
    assert len(rr.yi) == len(d)
    assert np.isclose(rr.yi[5], np.log(0.5 / 13) - np.log(0.5 / 14))
    # 100 % study in PLO: 0.5 added to events and non-events
    p = E.prop_logit([30], [30])
    assert np.isclose(p.yi[0], np.log(30.5 / 0.5))
    assert np.isclose(p.vi[0], 1 / 30.5 + 1 / 0.5)


def test_leave_one_out_against_metafor():
    ref = _load("bcg_RR.json")
    es = _effects(ref)
    loo = leave_one_out(es.yi, es.vi, method="REML", ci="hk")
    want = ref["leave1out_reml_hk"]
    for col in ["estimate", "se", "ci_low", "ci_high", "q"]:
        np.testing.assert_allclose(loo[col], want[col], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(loo["tau2"], want["tau2"], rtol=RTOL_TAU2, atol=ATOL)


def test_subgroups_against_metafor():
    ref = _load("bcg_RR.json")
    es = _effects(ref)
    d = pd.read_csv(REF / "bcg.csv")
    sg = subgroup_analysis(es.yi, es.vi, d["group"], method="REML", ci="wald")
    want = ref["subgroup_reml_wald"]
    assert list(sg.groups) == want["groups"]
    np.testing.assert_allclose([g.estimate for g in sg.groups.values()], want["estimate"], rtol=RTOL)
    np.testing.assert_allclose([g.se_wald for g in sg.groups.values()], want["se"], rtol=RTOL)
    np.testing.assert_allclose([g.tau2 for g in sg.groups.values()], want["tau2"], rtol=RTOL_TAU2, atol=ATOL)
    assert np.isclose(sg.q_between, want["q_between"], rtol=RTOL)
    assert sg.df == want["df"]
    assert np.isclose(sg.p, want["p"], rtol=1e-5)


def test_egger_against_metafor_and_small_k():
    ref = _load("bcg_RR.json")
    es = _effects(ref)
    eg = egger_test(es.yi, es.vi)
    want = ref["egger"]
    assert np.isclose(eg.t, want["stat"], rtol=RTOL)
    assert np.isclose(eg.p, want["p"], rtol=1e-5)
    assert eg.df == want["df"]
    with pytest.raises(ValueError, match="at least 10 studies"):
        egger_test(es.yi[:9], es.vi[:9])


# --------------------------------------------------------------------------
# properties that do not need a reference
# --------------------------------------------------------------------------
def _reml_loglik(y, v, tau2):
    # restricted log-likelihood up to a constant (Viechtbauer 2005, eq. 9)
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / w.sum()
    return -0.5 * (np.sum(np.log(v + tau2)) + np.log(w.sum()) + np.sum(w * (y - mu) ** 2))


@pytest.mark.parametrize("seed", range(5))
def test_reml_maximises_restricted_likelihood(seed):
    # independent check: bounded scalar optimisation of the REML log-likelihood
    from scipy.optimize import minimize_scalar

    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 40))
    v = rng.uniform(0.01, 0.5, k)
    y = rng.normal(0, np.sqrt(v + rng.uniform(0, 0.3)))
    from analysis.stats.pooling import tau2_reml

    t = tau2_reml(y, v)
    opt = minimize_scalar(lambda x: -_reml_loglik(y, v, x), bounds=(0, 10), method="bounded", options={"xatol": 1e-12})
    assert _reml_loglik(y, v, t) >= -opt.fun - 1e-9
    assert t >= 0


def test_adhoc_se_never_below_wald_and_hk_can_be():
    es = _effects(_load("homogeneous_GEN.json"))
    hk = pool(es.yi, es.vi, method="REML", ci="hk")
    adhoc = pool(es.yi, es.vi, method="REML", ci="hk-adhoc")
    wald = pool(es.yi, es.vi, method="REML", ci="wald")
    assert hk.se < wald.se  # homogeneous data: HK shrinks the SE ...
    assert adhoc.se == pytest.approx(wald.se)  # ... the ad hoc rule floors it at the Wald SE


def test_single_study_and_bad_arguments():
    r = pool([0.3], [0.04], method="REML", ci="hk")
    assert r.k == 1 and r.estimate == 0.3 and r.tau2 == 0
    assert np.isclose(r.se, 0.2) and r.df is None  # k = 1: Wald interval (HK has 0 df)
    assert r.pi_low is None
    with pytest.raises(ValueError):
        pool([0.1, 0.2], [0.1, 0.0])
    with pytest.raises(ValueError):
        pool([0.1, 0.2], [0.1, 0.1], method="ML")
    with pytest.raises(ValueError):
        pool([0.1, 0.2], [0.1, 0.1], ci="t")
    with pytest.raises(ValueError):
        pool([], [])

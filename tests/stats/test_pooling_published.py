"""Pooling pinned against published values (4 decimals as published).

Data sets are typed from metafor's bundled data (dat.bcg, dat.normand1999)
as printed in the metafor README / ``print(dat.normand1999)`` (metafor 3.8-1)
and from metafor's test file tests/testthat/test_analysis_example_dersimonian2007.r
(CLASP data).  Each assertion names the publication (and table/page) the
expected number comes from.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.stats.effects import log_odds_ratio, log_risk_ratio, mean_difference
from analysis.stats.pooling import pool


def close4(x: float, published: float) -> None:
    """Agreement to the published 4 decimals (|x - published| <= 0.5e-4)."""
    assert abs(x - published) <= 0.5e-4 + 1e-12, (x, published)


# --------------------------------------------------------------------------
# BCG vaccine trials (Colditz et al. 1994, JAMA 271:698-702), metafor dat.bcg
# --------------------------------------------------------------------------
TPOS = [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27]
TNEG = [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886]
CPOS = [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29]
CNEG = [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825]


@pytest.fixture(scope="module")
def bcg():
    n1 = np.add(TPOS, TNEG)
    n2 = np.add(CPOS, CNEG)
    return log_risk_ratio(TPOS, n1, CPOS, n2)


def test_bcg_escalc_values(bcg):
    # metafor README (dat.bcg printed after escalc(measure="RR")): yi, vi of trials 1 and 13
    close4(bcg.yi[0], -0.8893)
    close4(bcg.vi[0], 0.3256)
    close4(bcg.yi[12], -0.0173)
    close4(bcg.vi[12], 0.0714)


def test_bcg_dl(bcg):
    r = pool(bcg.yi, bcg.vi, method="DL", ci="wald")
    # Stata metan (Harris et al. 2008, Stata J 8:3-28), "metan tpos tneg cpos cneg,
    # randomi nograph rr log", as recorded in metafor
    # tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r
    close4(r.estimate, -0.7141)
    close4(r.ci_low, -1.0644)
    close4(r.ci_high, -0.3638)
    close4(r.tau2, 0.3088)
    assert abs(r.i2 - 92.12) <= 0.005  # same source: I^2 = 92.1173 %
    close4(r.i2, 92.1173)
    close4(r.q, 152.2330)
    # Q-profile CI for tau^2 (Viechtbauer 2007): metafor confint() output pinned in
    # metafor tests/testthat/test_misc_confint.r: tau^2 0.3088 [0.1197, 1.1115]
    close4(r.tau2_ci_low, 0.1197)
    close4(r.tau2_ci_high, 1.1115)
    # same source: H^2 = 12.6861 (for DL the Q-based H^2 equals metafor's tau^2-based one)
    close4(r.h2, 12.6861)
    close4(r.h2_metafor, 12.6861)
    # back-transformed: same metan file, "randomi nograph rr": RR 0.4896 [0.3449, 0.6950]
    close4(np.exp(r.estimate), 0.4896)
    close4(np.exp(r.ci_low), 0.3449)
    close4(np.exp(r.ci_high), 0.6950)


def test_bcg_equal_effects(bcg):
    r = pool(bcg.yi, bcg.vi, method="EE", ci="wald")
    # Stata metan "fixedi nograph rr log", metafor test_misc_metan_vs_rma.uni_with_dat.bcg.r
    close4(r.estimate, -0.4303)
    close4(r.ci_low, -0.5097)
    close4(r.ci_high, -0.3509)
    close4(r.stat, -10.6247)
    close4(r.q, 152.2330)
    assert r.tau2 == 0.0


def test_bcg_reml(bcg):
    r = pool(bcg.yi, bcg.vi, method="REML", ci="wald")
    # metafor rma.uni() help page example (docs/reference/rma.uni.html; also
    # Viechtbauer 2010, J Stat Softw 36(3)): tau^2 0.3132, estimate -0.7145,
    # se 0.1798, CI [-1.0669, -0.3622], I^2 92.22 %, H^2 12.86, Q 152.2330
    close4(r.estimate, -0.7145)
    close4(r.tau2, 0.3132)
    close4(r.se, 0.1798)
    close4(r.ci_low, -1.0669)
    close4(r.ci_high, -0.3622)
    assert abs(r.i2_metafor - 92.22) <= 0.005  # metafor's tau^2-based I^2
    assert abs(r.h2_metafor - 12.86) <= 0.005
    close4(r.q, 152.2330)


def test_bcg_reml_knha(bcg):
    r = pool(bcg.yi, bcg.vi, method="REML", ci="hk")
    # metafor README: rma(yi, vi, data=dat, test="knha"):
    # estimate -0.7145, se 0.1808, tval -3.9522, df 12, CI [-1.1084, -0.3206]
    close4(r.estimate, -0.7145)
    close4(r.se, 0.1808)
    close4(r.stat, -3.9522)
    assert r.df == 12
    close4(r.ci_low, -1.1084)
    close4(r.ci_high, -0.3206)


# --------------------------------------------------------------------------
# Normand (1999, Stat Med 18:321-359), length of hospital stay, dat.normand1999
# --------------------------------------------------------------------------
N1 = [155, 31, 75, 18, 8, 57, 34, 110, 60]
M1 = [55, 27, 64, 66, 14, 19, 52, 21, 30]
SD1 = [47, 7, 17, 20, 8, 7, 45, 16, 27]
N2 = [156, 32, 71, 18, 13, 52, 33, 183, 52]
M2 = [75, 29, 119, 137, 18, 18, 41, 31, 23]
SD2 = [64, 4, 29, 48, 11, 4, 34, 27, 20]


@pytest.fixture(scope="module")
def normand():
    n1, n2, s1, s2 = map(np.asarray, (N1, N2, SD1, SD2))
    # Normand (1999) uses the pooled SD in both groups (metafor analysis example normand1999)
    sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    return mean_difference(M1, sp, n1, M2, sp, n2)


def test_normand_md_values(normand):
    # Normand (1999), Table VIII, p. 351 (as in metafor test_analysis_example_normand1999.r)
    np.testing.assert_allclose(normand.yi, [-20, -2, -55, -71, -4, 1, 11, -10, 7])
    for got, pub in zip(normand.vi, [40.5863, 2.0468, 15.2809, 150.2222, 20.1923, 1.2235, 95.3756, 8.0321, 20.6936]):
        close4(got, pub)


def test_normand_ee(normand):
    r = pool(normand.yi, normand.vi, method="EE", ci="wald")
    # Normand (1999), Table IX, p. 352: fixed effect -3.4939 [-5.0265, -1.9613]
    close4(r.estimate, -3.4939)
    close4(r.ci_low, -5.0265)
    close4(r.ci_high, -1.9613)


def test_normand_dl(normand):
    r = pool(normand.yi, normand.vi, method="DL", ci="wald")
    # Normand (1999), Table IX, p. 352: DL -14.0972 [-24.4454, -3.7490], tau^2 218.7216
    close4(r.estimate, -14.0972)
    close4(r.ci_low, -24.4454)
    close4(r.ci_high, -3.7490)
    close4(r.tau2, 218.7216)


def test_normand_reml(normand):
    r = pool(normand.yi, normand.vi, method="REML", ci="wald")
    # Normand (1999), Table IX, p. 352: REML -15.1217 [-32.6716, 2.4282], tau^2 685.1965
    close4(r.estimate, -15.1217)
    close4(r.ci_low, -32.6716)
    close4(r.ci_high, 2.4282)
    close4(r.tau2, 685.1965)


# --------------------------------------------------------------------------
# CLASP (DerSimonian & Kacker 2007, Contemp Clin Trials 28:105-114), log OR;
# data as in metafor tests/testthat/test_analysis_example_dersimonian2007.r
# --------------------------------------------------------------------------
CL_N1 = [156, 303, 565, 1570, 103, 4659]
CL_N2 = [74, 303, 477, 1565, 105, 4650]
CL_A = [5, 5, 12, 69, 9, 313]
CL_C = [8, 17, 9, 94, 11, 352]


@pytest.fixture(scope="module")
def clasp():
    return log_odds_ratio(CL_A, CL_N1, CL_C, CL_N2)


@pytest.mark.parametrize(
    "method, tau, mu, se",
    [
        # DerSimonian & Kacker (2007), Tables 3 and 4, pp. 111-112, column PM
        ("PM", 0.3681, -0.3811, 0.2060),
        # same tables, column DL
        ("DL", 0.2323, -0.3240, 0.1540),
        # same tables, column REML
        ("REML", 0.1843, -0.2980, 0.1343),
    ],
)
def test_clasp(clasp, method, tau, mu, se):
    r = pool(clasp.yi, clasp.vi, method=method, ci="wald")
    close4(r.tau, tau)
    close4(r.estimate, mu)
    close4(r.se, se)


# --------------------------------------------------------------------------
# tests that the tests can fail
# --------------------------------------------------------------------------
def test_published_values_discriminate(bcg, normand):
    # the estimators differ enough that swapping them would fail the checks above
    dl = pool(normand.yi, normand.vi, method="DL", ci="wald")
    reml = pool(normand.yi, normand.vi, method="REML", ci="wald")
    assert abs(dl.tau2 - 685.1965) > 1
    assert abs(reml.tau2 - 218.7216) > 1
    # HK interval is not the Wald interval
    hk = pool(bcg.yi, bcg.vi, method="REML", ci="hk")
    assert abs(hk.ci_low - (-1.0669)) > 1e-3

"""Unit tests of analysis.stats.effects (metafor agreement is in test_pooling_metafor.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint

from analysis.stats import effects as E


# --------------------------------------------------------------------------
# single proportions
# --------------------------------------------------------------------------
def test_wilson_and_clopper_pearson_25_of_33():
    # values given in the issue text ("25/33 gives Wilson 59.0-87.2%,
    # Clopper-Pearson 57.7-88.9%"), to the stated 1 decimal in percent
    lo, hi = E.wilson_ci(25, 33)
    assert round(100 * lo[0], 1) == 59.0 and round(100 * hi[0], 1) == 87.2
    lo, hi = E.clopper_pearson_ci(25, 33)
    assert round(100 * lo[0], 1) == 57.7 and round(100 * hi[0], 1) == 88.9
    # ... and not Wald (p +/- 1.96 sqrt(p(1-p)/n)), which would fail the above
    p = 25 / 33
    wald_lo = p - stats.norm.ppf(0.975) * math.sqrt(p * (1 - p) / 33)
    assert round(100 * wald_lo, 1) != 59.0


@pytest.mark.parametrize("x, n", [(0, 10), (1, 10), (5, 10), (10, 10), (25, 33), (3, 250)])
def test_proportion_intervals_match_statsmodels(x, n):
    # independent implementations: statsmodels proportion_confint wilson / beta
    lo, hi = E.wilson_ci(x, n)
    slo, shi = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert np.isclose(lo[0], slo, atol=1e-12) and np.isclose(hi[0], shi, atol=1e-12)
    lo, hi = E.clopper_pearson_ci(x, n)
    slo, shi = proportion_confint(x, n, alpha=0.05, method="beta")
    assert np.isclose(lo[0], slo, atol=1e-10) and np.isclose(hi[0], shi, atol=1e-10)


def test_clopper_pearson_edges():
    lo, hi = E.clopper_pearson_ci([0, 10], [10, 10])
    assert lo[0] == 0.0 and hi[1] == 1.0
    # x = 0: upper = 1 - (alpha/2)^(1/n)
    assert np.isclose(hi[0], 1 - 0.025 ** (1 / 10))


def test_plo_only0():
    # no correction when no cell is zero
    es = E.prop_logit([3, 0, 5], [10, 4, 5])
    assert np.isclose(es.yi[0], math.log(3 / 7)) and np.isclose(es.vi[0], 1 / 3 + 1 / 7)
    assert np.isclose(es.yi[1], math.log(0.5 / 4.5)) and np.isclose(es.vi[1], 1 / 0.5 + 1 / 4.5)
    assert np.isclose(es.yi[2], math.log(5.5 / 0.5))


def test_pr():
    es = E.prop_raw([3], [10])
    assert np.isclose(es.yi[0], 0.3) and np.isclose(es.vi[0], 0.3 * 0.7 / 10)
    es = E.prop_raw([10], [10], add=0)
    assert es.yi[0] == 1.0 and es.vi[0] == 0.0


@pytest.mark.parametrize("x, n", [(-1, 10), (11, 10), (1, 0)])
def test_proportion_bad_input(x, n):
    with pytest.raises(ValueError):
        E.prop_logit(x, n)


# --------------------------------------------------------------------------
# continuous outcomes
# --------------------------------------------------------------------------
def test_hedges_j_exact():
    m = np.array([2.0, 5.0, 10.0, 38.0, 200.0])
    # definition via the gamma function (Hedges 1981, eq. 6e), computed independently
    want = special.gamma(m / 2) / (np.sqrt(m / 2) * special.gamma((m - 1) / 2))
    np.testing.assert_allclose(E.hedges_j(m), want, rtol=1e-12)
    # the usual approximation 1 - 3/(4m - 1) is close but NOT equal for small m
    approx = 1 - 3 / (4 * m - 1)
    assert abs(E.hedges_j(5.0)[0] - approx[1]) > 1e-4
    assert np.isnan(E.hedges_j(1.0)[0])


def test_smd_formula():
    es = E.smd(10, 2, 20, 8, 3, 25)
    m = 43
    sp = math.sqrt((19 * 4 + 24 * 9) / m)
    # Hedges' exact correction J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)), from scipy, not the code under test
    j = special.gamma(m / 2) / (math.sqrt(m / 2) * special.gamma((m - 1) / 2))
    g = j * 2 / sp
    assert np.isclose(es.yi[0], g)
    assert np.isclose(es.vi[0], 45 / (20 * 25) + g**2 / (2 * 45))


def test_md_formula():
    es = E.mean_difference(10, 2, 20, 8, 3, 25)
    assert es.yi[0] == 2 and np.isclose(es.vi[0], 4 / 20 + 9 / 25)


@pytest.mark.parametrize("bad", [dict(sd1=0), dict(sd2=-1), dict(n1=0)])
def test_continuous_bad_input(bad):
    kw = dict(m1=1, sd1=1, n1=10, m2=0, sd2=1, n2=10) | bad
    with pytest.raises(ValueError):
        E.mean_difference(**kw)
    with pytest.raises(ValueError):
        E.smd(**kw)


def test_sd_change():
    # r = 0.5 with equal SDs gives SD_change = SD (Cochrane Handbook 6.5.2.8 formula)
    assert np.isclose(E.sd_change(10, 10, 0.5)[0], 10)
    assert np.isclose(E.sd_change(3, 4, 0)[0], 5)
    assert np.isclose(E.sd_change(3, 4, 1)[0], 1)
    with pytest.raises(ValueError):
        E.sd_change(3, 4, 1.5)


# --------------------------------------------------------------------------
# binary outcomes
# --------------------------------------------------------------------------
def test_rr_or_no_zero():
    rr = E.log_risk_ratio(10, 100, 20, 100)
    assert np.isclose(rr.yi[0], math.log(0.5))
    assert np.isclose(rr.vi[0], 1 / 10 - 1 / 100 + 1 / 20 - 1 / 100)
    orr = E.log_odds_ratio(10, 100, 20, 100)
    assert np.isclose(orr.yi[0], math.log(10 * 80 / (90 * 20)))
    assert np.isclose(orr.vi[0], 1 / 10 + 1 / 90 + 1 / 20 + 1 / 80)


def test_rr_or_zero_cell_adds_half_to_all_cells_of_that_study_only():
    rr = E.log_risk_ratio([0, 10], [10, 100], [5, 20], [10, 100])
    assert np.isclose(rr.yi[0], math.log(0.5 / 11) - math.log(5.5 / 11))
    assert np.isclose(rr.yi[1], math.log(0.5))
    orr = E.log_odds_ratio([0, 0], [10, 10], [5, 0], [10, 10])
    assert np.isclose(orr.yi[0], math.log(0.5 * 5.5 / (10.5 * 5.5)))
    # double zero: kept (drop00 = FALSE), log OR 0
    assert np.isclose(orr.yi[1], 0.0) and np.isclose(orr.vi[1], 2 / 0.5 + 2 / 10.5)


def test_binary_bad_input():
    with pytest.raises(ValueError):
        E.log_risk_ratio(11, 10, 1, 10)
    with pytest.raises(ValueError):
        E.log_odds_ratio(1, 10, 1, 0)


# --------------------------------------------------------------------------
# conversions
# --------------------------------------------------------------------------
def test_se_to_sd():
    assert np.isclose(E.se_to_sd(2, 25)[0], 10)


def test_ci_to_sd_uses_t_for_small_n():
    n = 25
    lo, hi = 3.0, 5.0
    sd_t = E.ci_to_sd(lo, hi, n)[0]
    assert np.isclose(sd_t, math.sqrt(n) * (hi - lo) / (2 * stats.t.ppf(0.975, n - 1)))
    sd_z = E.ci_to_sd(lo, hi, n, dist="z")[0]
    assert np.isclose(sd_z, math.sqrt(n) * (hi - lo) / (2 * stats.norm.ppf(0.975)))
    assert sd_t < sd_z  # t quantile is larger than z


def test_median_iqr_wan_2014():
    mean, sd = E.median_iqr_to_mean_sd(10, 14, 20, 50)
    assert np.isclose(mean[0], (10 + 14 + 20) / 3)
    want = (20 - 10) / (2 * stats.norm.ppf((0.75 * 50 - 0.125) / (50 + 0.25)))
    assert np.isclose(sd[0], want)
    # large n: the denominator tends to the IQR of N(0, 1), 2 Phi^-1(0.75)
    _, sd_big = E.median_iqr_to_mean_sd(0, 0, 2 * stats.norm.ppf(0.75), 10**7)
    assert np.isclose(sd_big[0], 1.0, rtol=1e-6)

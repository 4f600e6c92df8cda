"""Univariate meta-analysis: equal-effects and random-effects pooling.

The model is the normal-normal hierarchical model
``y_i ~ N(mu + u_i, v_i)``, ``u_i ~ N(0, tau^2)``, with known within-study
sampling variances ``v_i``.  Everything is on the *analysis scale* (e.g. log
risk ratio); back-transformation is the caller's job.

Conventions follow metafor's ``rma.uni()`` (Viechtbauer 2010, J Stat Softw
36(3)) unless noted:

* ``method``: ``"EE"`` (equal effects, tau^2 = 0), ``"DL"`` (DerSimonian &
  Laird 1986, truncated at 0), ``"PM"`` (Paule & Mandel 1982), ``"REML"``
  (restricted maximum likelihood, Fisher scoring; Viechtbauer 2005).
* ``ci``: ``"wald"`` (z, metafor ``test="z"``), ``"hk"`` (Hartung-Knapp /
  Sidik-Jonkman, t(k-1); metafor ``test="knha"``), ``"hk-adhoc"`` (HK with the
  variance never below the Wald variance; metafor ``test="adhoc"``).
* The prediction interval is the one of Higgins, Thompson & Spiegelhalter
  (2009, J R Stat Soc A 172:137-159, eq. 8): ``mu +/- t(k-2) sqrt(tau^2 +
  SE_wald^2)`` for k >= 3, whatever ``ci`` is.  NB metafor 3.8 ``predict()``
  by default uses the model's critical value (z for ``test="z"``, t(k-1) for
  ``test="knha"``) and the model's SE (the HK SE for ``test="knha"``); its
  ``pi.type="riley"`` with ``test="z"`` gives exactly the HTS interval.

The estimators are implemented here with numpy/scipy (statsmodels is used
only for the OLS of Egger's test).  statsmodels'
``statsmodels.stats.meta_analysis.combine_effects`` serves as an independent
cross-check in the tests but is not used for the results: in statsmodels
0.15 its DL tau^2 is not truncated at 0 (it returns negative values for
homogeneous data), its PM iteration stops at an absolute tolerance of 1e-5
(too loose for agreement with metafor to 1e-6), and it has no REML, no
prediction interval and no tau^2 confidence interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from analysis._lazy import LazyModule
from analysis.stats.numeric import chi2_quantile, chi2_sf, normal_sf, t_quantile, t_sf, z_for_level

if TYPE_CHECKING:
    import pandas as pd

optimize = LazyModule("scipy.optimize")

__all__ = [
    "PoolResult",
    "SubgroupResult",
    "EggerResult",
    "pool",
    "tau2_dl",
    "tau2_pm",
    "tau2_reml",
    "tau2_qprofile_ci",
    "leave_one_out",
    "subgroup_analysis",
    "egger_test",
    "METHODS",
    "CI_METHODS",
]

METHODS = ("EE", "DL", "PM", "REML")
CI_METHODS = ("wald", "hk", "hk-adhoc")

_REML_TOL = 1e-12
_REML_MAXITER = 1000


# --------------------------------------------------------------------------
# input checking
# --------------------------------------------------------------------------
def _as_arrays(yi: ArrayLike, vi: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(yi, dtype=float).ravel()
    v = np.asarray(vi, dtype=float).ravel()
    if y.shape != v.shape:
        raise ValueError(f"yi and vi have different lengths ({y.size} vs {v.size})")
    if y.size < 1:
        raise ValueError("at least one study is needed")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v))):
        raise ValueError("yi and vi must be finite")
    if np.any(v <= 0):
        raise ValueError("sampling variances vi must be > 0")
    return y, v


def study_labels(labels: Sequence[object] | None, k: int) -> list[str]:
    """Study labels as text ('1', '2', ... when none are given); one per study or a ValueError."""
    if labels is None:
        return [str(i + 1) for i in range(k)]
    labs = [str(x) for x in labels]
    if len(labs) != k:
        raise ValueError("labels must have one entry per study")
    return labs


# --------------------------------------------------------------------------
# heterogeneity estimators
# --------------------------------------------------------------------------
def _q_at(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Generalised Q statistic at a given tau^2.

    ``Q(tau2) = sum_i w_i (y_i - mu_w)^2`` with ``w_i = 1/(v_i + tau2)`` and
    ``mu_w = sum w_i y_i / sum w_i``.  With ``tau2 = 0`` this is Cochran's Q.
    Source: Viechtbauer (2007, Stat Med 26:37-52, eq. 6); metafor
    ``.QE.func`` used by ``rma.uni(method="PM")`` and ``confint()``.
    """
    w = 1.0 / (v + tau2)
    mu = np.dot(w, y) / w.sum()
    return float(np.dot(w, (y - mu) ** 2))


def tau2_dl(yi: ArrayLike, vi: ArrayLike) -> float:
    """DerSimonian-Laird method-of-moments tau^2, truncated at 0.

    ``tau2 = max(0, (Q - (k-1)) / (sum w - sum w^2 / sum w))`` with
    ``w_i = 1/v_i`` and Cochran's Q.  Source: DerSimonian & Laird (1986,
    Control Clin Trials 7:177-188); metafor ``rma.uni(method="DL")``.
    For k = 1 returns 0.
    """
    y, v = _as_arrays(yi, vi)
    k = y.size
    if k < 2:
        return 0.0
    w = 1.0 / v
    sw = w.sum()
    q = _q_at(y, v, 0.0)
    c = sw - np.dot(w, w) / sw
    return float(max(0.0, (q - (k - 1)) / c))


def tau2_pm(yi: ArrayLike, vi: ArrayLike) -> float:
    """Paule-Mandel tau^2: the root of ``Q(tau2) = k - 1``, with tau^2 >= 0.

    ``Q(tau2)`` is the generalised Q (see :func:`_q_at`), strictly
    decreasing in tau^2.  If ``Q(0) <= k - 1`` the estimate is 0.
    Source: Paule & Mandel (1982, J Res Natl Bur Stand 87:377-385);
    DerSimonian & Kacker (2007, Contemp Clin Trials 28:105-114, eq. 9);
    metafor ``rma.uni(method="PM")``.  For k = 1 returns 0.
    """
    y, v = _as_arrays(yi, vi)
    k = y.size
    if k < 2:
        return 0.0
    target = k - 1.0
    if _q_at(y, v, 0.0) <= target:
        return 0.0
    f = lambda t: _q_at(y, v, t) - target  # noqa: E731
    hi = max(1.0, float(np.var(y)) * 10.0)
    while f(hi) > 0:
        hi *= 10.0
        if hi > 1e300:  # pragma: no cover - pathological
            raise RuntimeError("Paule-Mandel: could not bracket the root")
    return float(optimize.brentq(f, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500))


def _reml_score_info(y: np.ndarray, v: np.ndarray, tau2: float) -> tuple[float, float]:
    w = 1.0 / (v + tau2)
    sw = w.sum()
    sw2 = np.dot(w, w)
    sw3 = np.sum(w ** 3)
    mu = np.dot(w, y) / sw
    r = y - mu
    tr_p = sw - sw2 / sw
    tr_pp = sw2 - 2.0 * sw3 / sw + (sw2 / sw) ** 2
    score = 0.5 * (np.dot(w * w, r * r) - tr_p)
    info = 0.5 * tr_pp
    return float(score), float(info)


def tau2_reml(yi: ArrayLike, vi: ArrayLike, tau2_init: float | None = None) -> float:
    """Restricted maximum-likelihood tau^2 (tau^2 >= 0), by Fisher scoring.

    Maximises ``l_R(tau2) = -1/2 [sum log(v_i+tau2) + log sum w_i + sum w_i
    (y_i - mu_w)^2]``, ``w_i = 1/(v_i + tau2)``.  Score
    ``1/2 [y'PPy - tr P]``, Fisher information ``1/2 tr(PP)`` with
    ``P = W - W11'W / 1'W1`` (closed forms in sums of w, w^2, w^3, O(k)).
    Iterates ``tau2 <- max(0, tau2 + score/info)`` until the change is
    < 1e-12 (relative); falls back to a bounded root search of the score
    if Fisher scoring does not converge.
    Source: Viechtbauer (2005, J Educ Behav Stat 30:261-293, eqs. 10-12);
    metafor ``rma.uni(method="REML")`` (which stops at a change < 1e-5 by
    default).  For k = 1 returns 0.
    """
    y, v = _as_arrays(yi, vi)
    k = y.size
    if k < 2:
        return 0.0
    # starting value: DL estimate (any non-negative value works)
    tau2 = tau2_dl(y, v) if tau2_init is None else max(0.0, float(tau2_init))
    converged = False
    for _ in range(_REML_MAXITER):
        score, info = _reml_score_info(y, v, tau2)
        if info <= 0 or not math.isfinite(info):
            break
        new = max(0.0, tau2 + score / info)
        if abs(new - tau2) <= _REML_TOL * max(1.0, tau2):
            tau2 = new
            converged = True
            break
        tau2 = new
    if converged:
        return float(tau2)
    # fallback: root of the score on [0, hi] (score is positive below the max)
    s0, _ = _reml_score_info(y, v, 0.0)
    if s0 <= 0:
        return 0.0
    hi = max(1.0, float(np.var(y)) * 10.0)
    while _reml_score_info(y, v, hi)[0] > 0:
        hi *= 10.0
    return float(optimize.brentq(lambda t: _reml_score_info(y, v, t)[0], 0.0, hi, xtol=1e-15, maxiter=1000))


def tau2_qprofile_ci(
    yi: ArrayLike, vi: ArrayLike, level: float = 0.95
) -> tuple[float, float]:
    """Q-profile confidence interval for tau^2.

    Lower bound solves ``Q(tau2) = chi2_{k-1; 1-alpha/2}``, upper bound solves
    ``Q(tau2) = chi2_{k-1; alpha/2}`` (generalised Q, decreasing in tau^2).
    A bound whose equation has no non-negative root is set to 0 (so if
    ``Q(0) < chi2_{k-1; alpha/2}`` the interval is [0, 0]).
    Source: Viechtbauer (2007, Stat Med 26:37-52, eq. 7);
    metafor ``confint.rma.uni()`` (type "QP", bounds truncated at 0).
    Returns ``(nan, nan)`` for k < 2.
    """
    y, v = _as_arrays(yi, vi)
    k = y.size
    if k < 2:
        return (math.nan, math.nan)
    alpha = 1.0 - level
    crit_hi = chi2_quantile(1.0 - alpha / 2.0, k - 1)  # gives the lower bound
    crit_lo = chi2_quantile(alpha / 2.0, k - 1)  # gives the upper bound
    q0 = _q_at(y, v, 0.0)

    def solve(crit: float) -> float:
        if q0 <= crit:
            return 0.0
        f = lambda t: _q_at(y, v, t) - crit  # noqa: E731
        hi = max(1.0, float(np.var(y)) * 10.0)
        while f(hi) > 0:
            hi *= 10.0
            if hi > 1e300:  # pragma: no cover
                return math.inf
        return float(optimize.brentq(f, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500))

    return (solve(crit_hi), solve(crit_lo))


# --------------------------------------------------------------------------
# main pooling function
# --------------------------------------------------------------------------
@dataclass
class PoolResult:
    """Result of :func:`pool`.  All effects are on the analysis scale.

    ``i2`` is the Q-based I^2 = max(0, (Q - df)/Q) * 100 (Higgins & Thompson
    2002, Stat Med 21:1539-1558); ``h2 = Q/df`` (same paper).
    ``i2_metafor``/``h2_metafor`` are what metafor ``rma.uni`` reports: for
    random-effects models ``100 tau2 / (tau2 + s2)`` and ``(tau2 + s2)/s2``
    with the "typical" within-study variance
    ``s2 = (k-1) sum w / ((sum w)^2 - sum w^2)``, ``w = 1/v`` (Higgins &
    Thompson 2002, section 3.3); for EE models the Q-based values.  The two
    I^2 agree for DL whenever Q > df.
    """

    method: str
    ci_method: str
    level: float
    k: int
    estimate: float
    se: float
    se_wald: float
    ci_low: float
    ci_high: float
    stat: float
    p: float
    df: int | None  # degrees of freedom of the t reference distribution (None for z)
    tau2: float
    tau: float
    tau2_ci_low: float
    tau2_ci_high: float
    q: float
    q_df: int
    q_p: float
    i2: float
    i2_metafor: float
    h2: float
    h2_metafor: float
    pi_low: float | None
    pi_high: float | None
    weights: np.ndarray = field(repr=False)  # percent, sum to 100
    yi: np.ndarray = field(repr=False)
    vi: np.ndarray = field(repr=False)
    labels: list[str] = field(repr=False, default_factory=list)

    def as_dict(self) -> dict:
        """The scalar fields as a dict (no formula: a plain copy of the fields above)."""
        keys = [
            "method", "ci_method", "level", "k", "estimate", "se", "se_wald", "ci_low",
            "ci_high", "stat", "p", "df", "tau2", "tau", "tau2_ci_low", "tau2_ci_high",
            "q", "q_df", "q_p", "i2", "i2_metafor", "h2", "h2_metafor", "pi_low", "pi_high",
        ]
        return {k: getattr(self, k) for k in keys}


def pool(
    yi: ArrayLike,
    vi: ArrayLike,
    method: str = "REML",
    ci: str = "hk",
    labels: Sequence[str] | None = None,
    level: float = 0.95,
) -> PoolResult:
    """Pool effect sizes by inverse-variance weighting (metafor ``rma.uni`` style).

    * tau^2 by ``method`` (``EE`` -> 0; ``DL`` :func:`tau2_dl`; ``PM``
      :func:`tau2_pm`; ``REML`` :func:`tau2_reml`).
    * ``w_i = 1/(v_i + tau2)``, ``mu = sum w_i y_i / sum w_i``,
      ``SE_wald = 1/sqrt(sum w_i)``.
    * ``ci="wald"``: ``mu +/- z_{1-a/2} SE_wald``, z test.
    * ``ci="hk"``: ``SE_hk^2 = sum w_i (y_i - mu)^2 / ((k-1) sum w_i)``,
      ``mu +/- t_{k-1;1-a/2} SE_hk`` (Hartung & Knapp 2001, Stat Med
      20:3875-3889; Sidik & Jonkman 2002, Stat Med 21:3153-3159; metafor
      ``test="knha"``).
    * ``ci="hk-adhoc"``: as ``hk`` with ``SE = max(SE_hk, SE_wald)``
      (Knapp & Hartung 2003 ad hoc variant; Jackson et al. 2017, Stat Med
      36:3923-3934; metafor ``test="adhoc"``).
    * Cochran's ``Q = sum (y_i - mu_EE)^2 / v_i``, df = k-1, p from chi^2.
    * ``I2 = max(0, (Q-df)/Q)`` in percent; ``H2 = Q/df``.
    * tau^2 interval by Q-profile (:func:`tau2_qprofile_ci`).
    * prediction interval (Higgins, Thompson & Spiegelhalter 2009, eq. 8):
      ``mu +/- t_{k-2;1-a/2} sqrt(tau2 + SE_wald^2)`` for k >= 3, else None.

    For k = 1 the estimate is y_1 with its Wald interval (HK is undefined
    with 0 df and falls back to Wald); heterogeneity fields are NaN.
    """
    y, v = _as_arrays(yi, vi)
    method = method.upper()
    if method == "FE":
        method = "EE"
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    ci = ci.lower()
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {CI_METHODS}, got {ci!r}")
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    k = y.size
    labs = study_labels(labels, k)

    if method == "EE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = tau2_dl(y, v)
    elif method == "PM":
        tau2 = tau2_pm(y, v)
    else:
        tau2 = tau2_reml(y, v)

    w = 1.0 / (v + tau2)
    sw = w.sum()
    mu = float(np.dot(w, y) / sw)
    se_wald = float(math.sqrt(1.0 / sw))
    alpha = 1.0 - level

    if ci == "wald" or k < 2:
        se = se_wald
        crit = z_for_level(level)
        stat = mu / se
        p = 2 * normal_sf(abs(stat))
        df: int | None = None
    else:
        qgen = float(np.dot(w, (y - mu) ** 2))
        s2 = qgen / (k - 1)
        if ci == "hk-adhoc":
            s2 = max(s2, 1.0)
        se = float(math.sqrt(s2 / sw))
        df = k - 1
        crit = float(t_quantile(1 - alpha / 2, df))
        if se > 0:
            stat = mu / se
            p = float(2 * t_sf(abs(stat), df))
        else:  # all y_i identical under HK: degenerate
            stat = math.copysign(math.inf, mu) if mu != 0 else math.nan
            p = 0.0 if mu != 0 else math.nan
    ci_low, ci_high = mu - crit * se, mu + crit * se

    # heterogeneity
    if k >= 2:
        w0 = 1.0 / v
        sw0 = w0.sum()
        q = _q_at(y, v, 0.0)
        q_df = k - 1
        q_p = float(chi2_sf(q, q_df))
        i2 = 100.0 * max(0.0, (q - q_df) / q) if q > 0 else 0.0
        h2 = q / q_df
        s2_typ = (k - 1) * sw0 / (sw0 ** 2 - np.dot(w0, w0))
        if method == "EE":  # metafor reports the Q-based values for EE models
            i2_metafor, h2_metafor = float(i2), float(h2)
        else:
            i2_metafor = float(100.0 * tau2 / (tau2 + s2_typ))
            h2_metafor = float((tau2 + s2_typ) / s2_typ)
        t_lo, t_hi = tau2_qprofile_ci(y, v, level)
    else:
        q, q_df, q_p, i2, h2, i2_metafor, h2_metafor = 0.0, 0, math.nan, math.nan, math.nan, math.nan, math.nan
        t_lo, t_hi = math.nan, math.nan

    pi_low: float | None
    pi_high: float | None
    if k >= 3:
        tcrit = float(t_quantile(1 - alpha / 2, k - 2))
        half = tcrit * math.sqrt(tau2 + se_wald ** 2)
        pi_low, pi_high = mu - half, mu + half
    else:
        pi_low = pi_high = None

    return PoolResult(
        method=method, ci_method=ci, level=level, k=k, estimate=mu, se=se, se_wald=se_wald,
        ci_low=float(ci_low), ci_high=float(ci_high), stat=float(stat), p=p, df=df,
        tau2=float(tau2), tau=float(math.sqrt(tau2)), tau2_ci_low=float(t_lo),
        tau2_ci_high=float(t_hi), q=float(q), q_df=int(q_df), q_p=q_p, i2=float(i2),
        i2_metafor=float(i2_metafor), h2=float(h2), h2_metafor=float(h2_metafor), pi_low=pi_low,
        pi_high=pi_high, weights=100.0 * w / sw, yi=y, vi=v, labels=labs,
    )


# --------------------------------------------------------------------------
# sensitivity / subgroup / small-study analyses
# --------------------------------------------------------------------------
def leave_one_out(
    yi: ArrayLike,
    vi: ArrayLike,
    method: str = "REML",
    ci: str = "hk",
    labels: Sequence[str] | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Leave-one-out analysis: :func:`pool` refitted k times, omitting study i.

    Returns one row per omitted study with columns ``omitted, k, estimate,
    se, ci_low, ci_high, tau2, i2, q, q_p``.  Source: metafor
    ``leave1out.rma.uni()`` (same quantities; I^2 here is the Q-based one).
    Requires k >= 2.
    """
    y, v = _as_arrays(yi, vi)
    k = y.size
    if k < 2:
        raise ValueError("leave-one-out needs at least 2 studies")
    import pandas as pd  # only here: pooling itself never needs pandas (the pool command starts without it)
    labs = [str(i + 1) for i in range(k)] if labels is None else [str(x) for x in labels]
    rows = []
    for i in range(k):
        keep = np.arange(k) != i
        r = pool(y[keep], v[keep], method=method, ci=ci, level=level)
        rows.append(
            {
                "omitted": labs[i], "k": r.k, "estimate": r.estimate, "se": r.se,
                "ci_low": r.ci_low, "ci_high": r.ci_high, "tau2": r.tau2, "i2": r.i2,
                "q": r.q, "q_p": r.q_p,
            }
        )
    return pd.DataFrame(rows)


@dataclass
class SubgroupResult:
    """Result of :func:`subgroup_analysis`."""

    groups: dict[str, PoolResult]
    q_between: float
    df: int
    p: float


def subgroup_analysis(
    yi: ArrayLike,
    vi: ArrayLike,
    groups: Sequence[object],
    method: str = "REML",
    ci: str = "hk",
    level: float = 0.95,
) -> SubgroupResult:
    """Subgroup analysis with separate tau^2 per subgroup and a test for
    subgroup differences.

    Each subgroup g is pooled with :func:`pool` (own tau^2).  The test is
    ``Q_between = sum_g (mu_g - mu_bar)^2 / SE_g^2`` with ``mu_bar`` the
    inverse-variance (equal-effects) mean of the ``mu_g``, ``SE_g`` the
    *Wald* SE of subgroup g (whatever ``ci`` is), referred to chi^2 with
    df = G - 1.  Source: Borenstein et al. (2009, Introduction to
    Meta-Analysis, ch. 19, "separate estimates of tau^2"); this is what
    R ``meta`` reports as "Test for subgroup differences (random effects
    model)" with ``tau.common=FALSE`` and what the metafor tutorial obtains
    by ``rma(estimates, sei=se, method="FE")`` on the subgroup fits.
    Needs at least 2 groups.
    """
    y, v = _as_arrays(yi, vi)
    g = np.asarray([str(x) for x in groups], dtype=object)
    if g.size != y.size:
        raise ValueError("groups must have one entry per study")
    names = list(dict.fromkeys(g.tolist()))
    if len(names) < 2:
        raise ValueError("subgroup analysis needs at least 2 groups")
    res = {n: pool(y[g == n], v[g == n], method=method, ci=ci, level=level) for n in names}
    mus = np.array([r.estimate for r in res.values()])
    ses = np.array([r.se_wald for r in res.values()])
    qb = _q_at(mus, ses ** 2, 0.0)
    df = len(names) - 1
    return SubgroupResult(groups=res, q_between=float(qb), df=df, p=float(chi2_sf(qb, df)))


@dataclass
class EggerResult:
    """Result of :func:`egger_test`."""

    k: int
    intercept: float
    se: float
    t: float
    df: int
    p: float
    slope: float


def egger_test(yi: ArrayLike, vi: ArrayLike, min_k: int = 10) -> EggerResult:
    """Egger's regression test for funnel-plot asymmetry.

    OLS of the standard normal deviate ``y_i / sqrt(v_i)`` on the precision
    ``1 / sqrt(v_i)``; the intercept measures asymmetry, tested with t(k-2).
    Source: Egger, Davey Smith, Schneider & Minder (1997, BMJ 315:629-634);
    identical test statistic to metafor ``regtest(model="lm",
    predictor="sei")``.  Raises ``ValueError`` for k < ``min_k`` (10, as
    recommended in the Cochrane Handbook 13.3.5.4 / Sterne et al. 2011, BMJ
    343:d4002).
    """
    import statsmodels.api as sm

    y, v = _as_arrays(yi, vi)
    k = y.size
    if k < min_k:
        raise ValueError(
            f"Egger's test needs at least {min_k} studies (got k={k}); "
            "tests for funnel-plot asymmetry have too little power with fewer studies"
        )
    se = np.sqrt(v)
    X = sm.add_constant(1.0 / se)
    fit = sm.OLS(y / se, X).fit()
    return EggerResult(
        k=k, intercept=float(fit.params[0]), se=float(fit.bse[0]), t=float(fit.tvalues[0]),
        df=int(fit.df_resid), p=float(fit.pvalues[0]), slope=float(fit.params[1]),
    )


def pool_proportions(events: ArrayLike, n: ArrayLike, labels: Sequence[str] | None = None, level: float = 0.95) -> PoolResult:
    """The book's one pooled proportion: single-arm proportions on the logit scale (metafor's
    ``escalc("PLO")``), REML between-study variance, Hartung–Knapp–Sidik–Jonkman interval
    (``rma(measure="PLO", method="REML", test="knha")``). Back-transform with
    :func:`analysis.stats.numeric.expit`. Descriptive: the share of treated patients meeting a criterion.
    """
    from analysis.stats.effects import prop_logit

    es = prop_logit(np.asarray(events, dtype=float), np.asarray(n, dtype=float))
    return pool(es.yi, es.vi, method="REML", ci="hk", labels=None if labels is None else list(labels), level=level)

"""Effect sizes and their sampling variances, plus data conversions.

:func:`escalc` is the one entry point by measure name (as metafor's ``escalc(measure=...)``);
:func:`back_transform` the matching transformation to the reporting scale.

Every function is vectorised (accepts scalars or array-likes) and returns
numpy arrays (``Effect(yi, vi)`` for effect sizes).  Formulas follow metafor
3.8 ``escalc()`` defaults (Viechtbauer 2010, J Stat Softw 36(3)) unless noted:
``add = 1/2``, ``to = "only0"``, ``drop00 = FALSE``, ``vtype = "LS"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from analysis._lazy import LazyModule
from analysis.stats.numeric import expit, normal_quantile, t_quantile, z_for_level

special = LazyModule("scipy.special")

__all__ = [
    "Effect",
    "prop_raw",
    "prop_logit",
    "wilson_ci",
    "clopper_pearson_ci",
    "mean_difference",
    "hedges_j",
    "smd",
    "sd_change",
    "log_risk_ratio",
    "log_odds_ratio",
    "se_to_sd",
    "ci_to_sd",
    "median_iqr_to_mean_sd",
]



class Effect(NamedTuple):
    """An effect size ``yi`` and its sampling variance ``vi`` (arrays)."""

    yi: np.ndarray
    vi: np.ndarray


def _f(x) -> np.ndarray:
    return np.atleast_1d(np.asarray(x, dtype=float))


# --------------------------------------------------------------------------
# single proportions
# --------------------------------------------------------------------------
def _check_prop(events: np.ndarray, n: np.ndarray) -> None:
    if np.any(n <= 0):
        raise ValueError("n must be > 0")
    if np.any(events < 0) or np.any(events > n):
        raise ValueError("events must be between 0 and n")


def _events_and_non_events(events: ArrayLike, n: ArrayLike, add: float) -> tuple[np.ndarray, np.ndarray]:
    """Checked counts x and n - x, with ``add`` added to both only in studies where one of them is zero (``to="only0"``)."""
    x, n = _f(events), _f(n)
    _check_prop(x, n)
    m = n - x
    zero = (x == 0) | (m == 0)
    return np.where(zero, x + add, x), np.where(zero, m + add, m)


def prop_raw(events: ArrayLike, n: ArrayLike, add: float = 0.5) -> Effect:
    """Raw proportion ("PR").

    ``p = x/n``, ``v = p(1-p)/n``.  As metafor's ``escalc(measure="PR")``
    default (``add=1/2, to="only0"``, vtype "LS"), ``add`` is added to x
    and to n - x (so n grows by 2*add) only in studies where x = 0 or x = n,
    which keeps v > 0; pass ``add=0`` for the uncorrected proportion.
    Source: metafor 3.8 ``escalc(measure="PR")``.
    """
    x, m = _events_and_non_events(events, n, add)
    p = x / (x + m)
    return Effect(p, p * (1 - p) / (x + m))


def prop_logit(events: ArrayLike, n: ArrayLike, add: float = 0.5) -> Effect:
    """Logit-transformed proportion ("PLO").

    ``y = log(x / (n - x))``, ``v = 1/x + 1/(n - x)``, where ``add`` (0.5)
    is added to both x and n - x *only* for studies in which one of them is
    zero.  Source: metafor ``escalc(measure="PLO", add=1/2, to="only0")``;
    Sweeting, Sutton & Lambert (2004, Stat Med 23:1351-1375) for the
    continuity correction.
    """
    x, m = _events_and_non_events(events, n, add)
    return Effect(np.log(x / m), 1.0 / x + 1.0 / m)


def wilson_ci(events: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a single proportion.

    ``(p + z^2/(2n) +/- z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n)``,
    ``z = Phi^-1(1 - alpha/2)``.  Source: Wilson (1927, J Am Stat Assoc
    22:209-212); Newcombe (1998, Stat Med 17:857-872, method 3).
    """
    x, n = _f(events), _f(n)
    _check_prop(x, n)
    # The standard normal quantile from the standard library (Wichura's AS 241, agreeing
    # with scipy.stats.norm.ppf to 1e-15), so that a page showing proportions does not
    # import scipy.stats.
    z = z_for_level(level)
    p = x / n
    den = 1 + z ** 2 / n
    centre = p + z ** 2 / (2 * n)
    half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2))
    return (centre - half) / den, (centre + half) / den


def clopper_pearson_ci(events: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson ("exact") interval for a single proportion.

    Lower = ``Beta^-1(alpha/2; x, n-x+1)`` (0 if x = 0), upper =
    ``Beta^-1(1-alpha/2; x+1, n-x)`` (1 if x = n).  Source: Clopper &
    Pearson (1934, Biometrika 26:404-413); Newcombe (1998, method 5).
    """
    x, n = _f(events), _f(n)
    _check_prop(x, n)
    a = 1 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(x == 0, 0.0, special.betaincinv(np.maximum(x, 1e-300), n - x + 1, a / 2))
        hi = np.where(x == n, 1.0, special.betaincinv(x + 1, np.maximum(n - x, 1e-300), 1 - a / 2))
    return lo, hi


# --------------------------------------------------------------------------
# continuous outcomes
# --------------------------------------------------------------------------
def _check_cont(sd1, n1, sd2, n2) -> None:
    if np.any(n1 <= 0) or np.any(n2 <= 0):
        raise ValueError("n must be > 0")
    if np.any(sd1 <= 0) or np.any(sd2 <= 0):
        raise ValueError("SD must be > 0")


def mean_difference(m1: ArrayLike, sd1: ArrayLike, n1: ArrayLike, m2: ArrayLike, sd2: ArrayLike, n2: ArrayLike) -> Effect:
    """Raw mean difference ("MD"), group 1 minus group 2.

    ``y = m1 - m2``, ``v = sd1^2/n1 + sd2^2/n2`` (heteroscedastic).
    Source: metafor ``escalc(measure="MD", vtype="LS")`` (the default);
    Borenstein et al. (2009, Introduction to Meta-Analysis, eq. 4.5).
    """
    m1, sd1, n1, m2, sd2, n2 = map(_f, (m1, sd1, n1, m2, sd2, n2))
    _check_cont(sd1, n1, sd2, n2)
    return Effect(m1 - m2, sd1 ** 2 / n1 + sd2 ** 2 / n2)


def hedges_j(m: ArrayLike) -> np.ndarray:
    """Exact small-sample correction factor of Hedges' g.

    ``J(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2))``, computed as
    ``exp(lgamma(m/2) - 0.5 log(m/2) - lgamma((m-1)/2))``; NaN for m <= 1.
    Source: Hedges (1981, J Educ Stat 6:107-128, eq. 6e); metafor
    ``.cmicalc()`` used by ``escalc(measure="SMD")``.
    """
    m = _f(m)
    out = np.full(m.shape, np.nan)
    ok = m > 1
    mm = m[ok]
    out[ok] = np.exp(special.gammaln(mm / 2) - 0.5 * np.log(mm / 2) - special.gammaln((mm - 1) / 2))
    return out


def smd(m1: ArrayLike, sd1: ArrayLike, n1: ArrayLike, m2: ArrayLike, sd2: ArrayLike, n2: ArrayLike) -> Effect:
    """Standardized mean difference, bias-corrected (Hedges' g, "SMD").

    ``d = (m1 - m2) / s_p``, ``s_p^2 = ((n1-1) sd1^2 + (n2-1) sd2^2)/(n1+n2-2)``,
    ``g = J(m) d`` with the exact ``J`` (:func:`hedges_j`), ``m = n1+n2-2``;
    ``v = (n1+n2)/(n1 n2) + g^2 / (2 (n1+n2))``.
    Source: Hedges (1981); this is metafor 3.8 ``escalc(measure="SMD")``
    with its default ``vtype="LS"`` (``1/n1 + 1/n2 + yi^2/(2 (n1+n2))``,
    note: g, not d, and n1+n2, not n1+n2-2, in the second term).
    Requires n1 + n2 > 3.
    """
    m1, sd1, n1, m2, sd2, n2 = map(_f, (m1, sd1, n1, m2, sd2, n2))
    _check_cont(sd1, n1, sd2, n2)
    m = n1 + n2 - 2
    if np.any(m <= 1):
        raise ValueError("SMD needs n1 + n2 > 3")
    sp = np.sqrt(((n1 - 1) * sd1 ** 2 + (n2 - 1) * sd2 ** 2) / m)
    g = hedges_j(m) * (m1 - m2) / sp
    return Effect(g, (n1 + n2) / (n1 * n2) + g ** 2 / (2 * (n1 + n2)))


def sd_change(sd_pre: ArrayLike, sd_post: ArrayLike, r: ArrayLike) -> np.ndarray:
    """SD of within-person change scores from pre and post SDs.

    ``SD_change = sqrt(sd_pre^2 + sd_post^2 - 2 r sd_pre sd_post)`` with an
    assumed pre-post correlation ``r`` (-1 <= r <= 1).  Source: Cochrane
    Handbook for Systematic Reviews of Interventions v6.4, section 6.5.2.8
    (imputing a change-from-baseline SD using a correlation coefficient).
    """
    a, b, r = _f(sd_pre), _f(sd_post), _f(r)
    if np.any((r < -1) | (r > 1)):
        raise ValueError("r must be in [-1, 1]")
    if np.any(a < 0) or np.any(b < 0):
        raise ValueError("SD must be >= 0")
    return np.sqrt(a ** 2 + b ** 2 - 2 * r * a * b)


# --------------------------------------------------------------------------
# binary outcomes (2x2 tables)
# --------------------------------------------------------------------------
def two_by_two_counts(e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The four cells (a, b, c, d) of each study's 2x2 table from events and totals, checked (no correction)."""
    a, m1, c, m2 = (np.asarray(x, dtype=float).ravel() for x in (e1, n1, e2, n2))
    if not (a.shape == m1.shape == c.shape == m2.shape):
        raise ValueError("e1, n1, e2 and n2 must have the same length")
    if a.size < 1:
        raise ValueError("at least one study is needed")
    if not all(np.all(np.isfinite(x)) for x in (a, m1, c, m2)):
        raise ValueError("counts must be finite")
    if np.any(m1 <= 0) or np.any(m2 <= 0):
        raise ValueError("n must be > 0")
    if np.any(a < 0) or np.any(c < 0) or np.any(a > m1) or np.any(c > m2):
        raise ValueError("events must be between 0 and n")
    return a, m1 - a, c, m2 - c


def _two_by_two(e1, n1, e2, n2, add: float):
    a, b, c, d = two_by_two_counts(e1, n1, e2, n2)
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (np.where(zero, x + add, x) for x in (a, b, c, d))
    return a, b, c, d


def risk_difference(e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike, add: float = 0.5) -> Effect:
    """Risk difference ("RD"), group 1 minus group 2, with its large-sample variance.

    ``add`` (0.5) is added to all four cells of a study with any zero cell (as
    :func:`log_risk_ratio`); then with ``p1 = a/(a+b)``, ``p2 = c/(c+d)``: ``y = p1 - p2``,
    ``v = p1 (1-p1)/(a+b) + p2 (1-p2)/(c+d)``. Source: metafor ``escalc(measure="RD",
    add=1/2, to="only0", vtype="LS")``; Borenstein et al. (2009, Introduction to
    Meta-Analysis, ch. 5).
    """
    a, b, c, d = _two_by_two(e1, n1, e2, n2, add)
    p1, p2 = a / (a + b), c / (c + d)
    return Effect(p1 - p2, p1 * (1 - p1) / (a + b) + p2 * (1 - p2) / (c + d))


def log_risk_ratio(e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike, add: float = 0.5) -> Effect:
    """Log risk ratio ("RR"), group 1 vs group 2.

    Cells a = e1, b = n1-e1, c = e2, d = n2-e2; ``add`` (0.5) is added to
    all four cells of a study with any zero cell (also when both arms have
    zero events: such studies are kept, as metafor's ``drop00=FALSE``).
    ``y = log(a/(a+b)) - log(c/(c+d))``, ``v = 1/a - 1/(a+b) + 1/c - 1/(c+d)``.
    Source: metafor ``escalc(measure="RR", add=1/2, to="only0",
    drop00=FALSE)``; Borenstein et al. (2009, eqs. 5.1-5.3).
    """
    a, b, c, d = _two_by_two(e1, n1, e2, n2, add)
    return Effect(np.log(a / (a + b)) - np.log(c / (c + d)), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))


def log_odds_ratio(e1: ArrayLike, n1: ArrayLike, e2: ArrayLike, n2: ArrayLike, add: float = 0.5) -> Effect:
    """Log odds ratio ("OR"), group 1 vs group 2.

    Cells as in :func:`log_risk_ratio` with the same zero-cell rule;
    ``y = log(a d / (b c))``, ``v = 1/a + 1/b + 1/c + 1/d`` (Woolf).
    Source: metafor ``escalc(measure="OR", add=1/2, to="only0",
    drop00=FALSE)``; Borenstein et al. (2009, eqs. 5.8-5.10).
    """
    a, b, c, d = _two_by_two(e1, n1, e2, n2, add)
    return Effect(np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d)


# --------------------------------------------------------------------------
# conversions of reported statistics
# --------------------------------------------------------------------------
def se_to_sd(se: ArrayLike, n: ArrayLike) -> np.ndarray:
    """SD from the standard error of a mean: ``SD = SE sqrt(n)``.

    Source: Cochrane Handbook v6.4, section 6.5.2.2.
    """
    se, n = _f(se), _f(n)
    if np.any(n <= 0):
        raise ValueError("n must be > 0")
    return se * np.sqrt(n)


def ci_to_sd(lower: ArrayLike, upper: ArrayLike, n: ArrayLike, level: float = 0.95, dist: str = "t") -> np.ndarray:
    """SD from a confidence interval of a single group mean.

    ``SD = sqrt(n) (upper - lower) / (2 c)`` with ``c`` the t quantile
    ``t_{n-1; 1-alpha/2}`` (``dist="t"``, default; the Handbook's advice for
    small samples, e.g. n < 60) or the normal quantile (``dist="z"``, 3.92/2
    for 95%).  Source: Cochrane Handbook v6.4, section 6.5.2.2
    ("Obtaining standard deviations from standard errors and confidence
    intervals for group means").
    """
    lo, hi, n = _f(lower), _f(upper), _f(n)
    if np.any(n <= 1) and dist == "t":
        raise ValueError("n must be > 1 for the t-based conversion")
    if dist == "t":
        c = t_quantile(1 - (1 - level) / 2, n - 1)
    elif dist == "z":
        c = z_for_level(level) * np.ones_like(n)
    else:
        raise ValueError("dist must be 't' or 'z'")
    return np.sqrt(n) * (hi - lo) / (2 * c)


def median_iqr_to_mean_sd(q1: ArrayLike, median: ArrayLike, q3: ArrayLike, n: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Mean and SD from median and interquartile range (Wan et al. 2014, scenario C3).

    ``mean ~= (q1 + m + q3) / 3`` (Wan et al. 2014, eq. 14);
    ``SD ~= (q3 - q1) / (2 Phi^-1((0.75 n - 0.125) / (n + 0.25)))``
    (Wan et al. 2014, eq. 16).  Source: Wan X, Wang W, Liu J, Tong T (2014),
    "Estimating the sample mean and standard deviation from the sample size,
    median, range and/or interquartile range", BMC Med Res Methodol 14:135.
    """
    q1, m, q3, n = map(_f, (q1, median, q3, n))
    if np.any(n <= 0):
        raise ValueError("n must be > 0")
    if np.any(q3 < q1):
        raise ValueError("q3 must be >= q1")
    mean = (q1 + m + q3) / 3
    sd = (q3 - q1) / (2 * np.vectorize(normal_quantile)((0.75 * n - 0.125) / (n + 0.25)))
    return mean, sd


MEASURES = ("GEN", "PLO", "PR", "MD", "SMD", "RR", "OR", "RD")


def escalc(measure: str, **columns: ArrayLike) -> Effect:
    """Effect sizes for ``measure`` from named columns, as metafor's ``escalc(measure=...)``.

    Columns by measure: GEN ``yi, vi``; PLO and PR ``events, n``; MD and SMD
    ``m1, sd1, n1, m2, sd2, n2``; RR, OR and RD ``e1, n1, e2, n2`` (group 1 = ketamine).
    """
    m = measure.upper()
    c = columns
    if m == "GEN":
        return Effect(_f(c["yi"]), _f(c["vi"]))
    if m == "PLO":
        return prop_logit(c["events"], c["n"])
    if m == "PR":
        return prop_raw(c["events"], c["n"])
    if m == "MD":
        return mean_difference(c["m1"], c["sd1"], c["n1"], c["m2"], c["sd2"], c["n2"])
    if m == "SMD":
        return smd(c["m1"], c["sd1"], c["n1"], c["m2"], c["sd2"], c["n2"])
    if m == "RR":
        return log_risk_ratio(c["e1"], c["n1"], c["e2"], c["n2"])
    if m == "OR":
        return log_odds_ratio(c["e1"], c["n1"], c["e2"], c["n2"])
    if m == "RD":
        return risk_difference(c["e1"], c["n1"], c["e2"], c["n2"])
    raise ValueError(f"unknown measure {measure!r}; one of {', '.join(MEASURES)}")


def back_transform(measure: str) -> Callable[[float], float] | None:
    """The transformation from the analysis scale to the reporting scale, or None (identity).

    RR, OR: ``exp`` (log ratio to ratio, metafor ``transf.exp``); PLO: the inverse logit
    (metafor ``transf.ilogit``); other measures are reported on their analysis scale.
    """
    m = measure.upper()
    if m in ("RR", "OR"):
        return math.exp
    if m == "PLO":
        return expit
    return None

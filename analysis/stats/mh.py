"""Mantel-Haenszel pooling of 2x2 tables (risk ratio, odds ratio, risk difference).

An equal-effects (common-effect) method that works on the cell counts rather
than on study-level effect sizes, so it needs no continuity correction for
studies with a zero cell.  Per study ``i`` the table is

==========  ======  ==========
            event   no event
==========  ======  ==========
group 1     a_i     b_i         (n1_i = a_i + b_i)
group 2     c_i     d_i         (n2_i = c_i + d_i)
==========  ======  ==========

with ``N_i = n1_i + n2_i``.

Estimators (sums over all studies in the fit):

* **OR** (Mantel & Haenszel 1959, J Natl Cancer Inst 22:719-748):
  ``OR_MH = sum R_i / sum S_i`` with ``R_i = a_i d_i / N_i`` and
  ``S_i = b_i c_i / N_i``.  Variance of ``log OR_MH`` (Robins, Breslow &
  Greenland 1986, Biometrics 42:311-323; the "RBG" variance), with
  ``R = sum R_i``, ``S = sum S_i``, ``P_i = (a_i + d_i)/N_i``,
  ``Q_i = (b_i + c_i)/N_i``::

      var = sum P_i R_i / (2 R^2) + sum (P_i S_i + Q_i R_i) / (2 R S) + sum Q_i S_i / (2 S^2)

* **RR** (the Mantel-Haenszel-type risk ratio; Greenland & Robins 1985,
  Biometrics 41:55-68):
  ``RR_MH = sum (a_i n2_i / N_i) / sum (c_i n1_i / N_i)``.  Variance of
  ``log RR_MH`` (Greenland & Robins 1985), with ``R`` and ``S`` the
  numerator and denominator sums::

      var = sum (n1_i n2_i (a_i + c_i) / N_i^2 - a_i c_i / N_i) / (R S)

* **RD** (Greenland & Robins 1985): ``RD_MH = sum (a_i n2_i - c_i n1_i)/N_i
  / W`` with ``W = sum n1_i n2_i / N_i``.  Variance from Sato, Greenland &
  Robins (1989, Biometrics 45:1323-1324), consistent both for many sparse
  tables and for few large ones::

      var = (RD_MH * sum (n1_i^2 c_i - n2_i^2 a_i + n1_i n2_i (n2_i - n1_i)/2) / N_i^2
             + sum (a_i (n2_i - c_i) + c_i (n1_i - a_i)) / (2 N_i)) / W^2

  (Greenland & Robins' 1985 RD variance, used by Stata's ``metan``, is
  consistent only for few large tables, not for many sparse ones, as Sato et
  al. point out; metafor and this module use Sato et al.)

Intervals and test: Wald, ``estimate +/- z_{1-alpha/2} SE`` and
``z = estimate / SE`` (on the log scale for RR and OR).

Heterogeneity (Cochran 1954, Biometrics 10:101-129): ``Q = sum w_i (y_i -
beta_MH)^2`` with ``w_i = 1/v_i``, where ``y_i, v_i`` are the usual
inverse-variance study estimates (log RR, log OR, or RD with its
large-sample variance) and ``beta_MH`` is the MH estimate on the same scale;
``df = k_yi - 1`` with ``k_yi`` the number of studies that have a ``y_i``;
``I^2 = max(0, 100 (Q - df) / Q)`` (Higgins & Thompson 2002, Stat Med
21:1539-1558).

Zero cells follow the defaults of metafor's ``rma.mh()`` (Viechtbauer 2010,
J Stat Softw 36(3); arguments ``add = c(1/2, 0)``, ``to = c("only0",
"none")``, ``drop00 = c(TRUE, FALSE)``, the first element applying to the
study estimates ``y_i, v_i``, the second to the MH estimate):

* the MH estimate and its SE use the counts as they are: no continuity
  correction, and every study is kept (a study with no events in both arms
  adds nothing to the RR and OR sums, one with only events in both arms
  nothing to the OR sums; both keep their RD weight ``n1_i n2_i / N_i``, and
  the latter also enters the RR sums, as an RR of 1);
* ``y_i, v_i`` (for Q and a forest plot) add 1/2 to all four cells of a
  study with any zero cell (:func:`analysis.stats.effects.log_risk_ratio`,
  :func:`~analysis.stats.effects.log_odds_ratio`, :func:`risk_difference`)
  and are missing (NaN) for studies with no events in both arms or all
  events in both arms; those studies are listed in ``dropped`` and do not
  count in ``k_yi``;
* if the MH estimate is undefined (RR: no events in group 1 or in group 2
  over all studies; OR: ``sum R_i = 0`` or ``sum S_i = 0``), the estimate,
  its interval, test and Q are NaN and ``reason`` says why.

As metafor, Q is 0 with p = 1 and I^2 = 0 when fewer than two studies have a
``y_i``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from analysis.stats.effects import Effect, log_odds_ratio, log_risk_ratio, risk_difference, two_by_two_counts
from analysis.stats.numeric import chi2_sf, normal_sf, z_for_level
from analysis.stats.pooling import study_labels

__all__ = ["MHResult", "MH_MEASURES", "pool_mh", "risk_difference"]

MH_MEASURES = ("RR", "OR", "RD")


@dataclass(frozen=True, eq=False)
class MHResult:
    """Result of :func:`pool_mh`.

    ``estimate``, ``ci_low``, ``ci_high`` are on the analysis scale: log RR,
    log OR, or the raw RD.  ``k`` counts the studies in the MH estimate (all
    studies given), ``k_yi`` those with a study estimate ``y_i`` (used for
    Q; ``q_df = max(k_yi - 1, 0)``).  ``yi``, ``vi`` and ``weights`` have one
    entry per study, in input order; ``yi``/``vi`` are NaN for the studies
    in ``dropped``.  ``weights`` are the normalised MH weights in percent
    (RR: ``c_i n1_i / N_i``; OR: ``b_i c_i / N_i``; RD: ``n1_i n2_i / N_i``),
    i.e. the weights with which the MH estimate is a weighted average of the
    study RR/OR/RD (a study with ``c_i = 0`` has RR weight 0 although its
    ``a_i n2_i / N_i`` enters the numerator).  ``reason`` is None unless some
    of the results are undefined, and then says why.
    """

    measure: str
    level: float
    k: int
    k_yi: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    q: float
    q_df: int
    q_p: float
    i2: float
    reason: str | None
    labels: list[str] = field(repr=False)
    yi: np.ndarray = field(repr=False)
    vi: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    dropped: list[str] = field(default_factory=list)

    @property
    def is_ratio(self) -> bool:
        """True for RR and OR (estimated on the log scale)."""
        return self.measure in ("RR", "OR")

    def back_transformed(self) -> tuple[float, float, float]:
        """``(estimate, ci_low, ci_high)`` on the reporting scale: exp for RR and OR, as is for RD."""
        if self.is_ratio:
            return (math.exp(self.estimate), math.exp(self.ci_low), math.exp(self.ci_high))
        return (self.estimate, self.ci_low, self.ci_high)

    @property
    def estimate_exp(self) -> float:
        """The pooled RR or OR (``exp(estimate)``); for RD the RD itself."""
        return self.back_transformed()[0]

    def as_dict(self) -> dict:
        """The scalar fields as a dict (a plain copy of the fields above)."""
        keys = ["measure", "level", "k", "k_yi", "estimate", "se", "ci_low", "ci_high", "z", "p", "q", "q_df", "q_p", "i2", "reason"]
        out = {key: getattr(self, key) for key in keys}
        out["dropped"] = list(self.dropped)
        return out


# --------------------------------------------------------------------------
# input and study-level estimates
# --------------------------------------------------------------------------


def _study_effects(measure: str, e1: np.ndarray, n1: np.ndarray, e2: np.ndarray, n2: np.ndarray) -> Effect:
    if measure == "RR":
        return log_risk_ratio(e1, n1, e2, n2, add=0.5)
    if measure == "OR":
        return log_odds_ratio(e1, n1, e2, n2, add=0.5)
    return risk_difference(e1, n1, e2, n2, add=0.5)


# --------------------------------------------------------------------------
# the Mantel-Haenszel estimators (formulas in the module docstring)
# --------------------------------------------------------------------------
def _mh_or(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> tuple[float, float, np.ndarray, str | None]:
    n = a + b + c + d
    r_i = a * d / n
    s_i = b * c / n
    r, s = float(r_i.sum()), float(s_i.sum())
    if r == 0 or s == 0:
        which = "sum of a*d/N" if r == 0 else "sum of b*c/N"
        return math.nan, math.nan, s_i, (
            f"the Mantel-Haenszel odds ratio is undefined: the {which} over all studies is 0 "
            "(no events, or no non-events, in one group across all studies)"
        )
    p_i = (a + d) / n
    q_i = (b + c) / n
    var = (
        float(np.sum(p_i * r_i)) / (2 * r**2)
        + float(np.sum(p_i * s_i + q_i * r_i)) / (2 * r * s)
        + float(np.sum(q_i * s_i)) / (2 * s**2)
    )
    return math.log(r / s), math.sqrt(var), s_i, None


def _mh_rr(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> tuple[float, float, np.ndarray, str | None]:
    n1, n2 = a + b, c + d
    n = n1 + n2
    w = c * n1 / n
    if a.sum() == 0 or c.sum() == 0:
        group = "group 1" if a.sum() == 0 else "group 2"
        return math.nan, math.nan, w, f"the Mantel-Haenszel risk ratio is undefined: no events in {group} in any study"
    r = float(np.sum(a * n2 / n))
    s = float(w.sum())
    var = float(np.sum(n1 * n2 * (a + c) / n**2 - a * c / n)) / (r * s)
    return math.log(r / s), math.sqrt(max(var, 0.0)), w, None


def _mh_rd(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> tuple[float, float, np.ndarray, str | None]:
    n1, n2 = a + b, c + d
    n = n1 + n2
    w = n1 * n2 / n
    sw = float(w.sum())
    rd = float(np.sum((a * n2 - c * n1) / n)) / sw
    p_sgr = float(np.sum((n1**2 * c - n2**2 * a + n1 * n2 * (n2 - n1) / 2) / n**2))
    q_sgr = float(np.sum((a * (n2 - c) + c * (n1 - a)) / (2 * n)))
    var = (rd * p_sgr + q_sgr) / sw**2
    return rd, math.sqrt(max(var, 0.0)), w, None


_ESTIMATORS = {"OR": _mh_or, "RR": _mh_rr, "RD": _mh_rd}


# --------------------------------------------------------------------------
# main function
# --------------------------------------------------------------------------
def pool_mh(
    e1: ArrayLike,
    n1: ArrayLike,
    e2: ArrayLike,
    n2: ArrayLike,
    measure: str = "RR",
    level: float = 0.95,
    labels: Sequence[str] | None = None,
) -> MHResult:
    """Mantel-Haenszel equal-effects meta-analysis of 2x2 tables (metafor ``rma.mh`` defaults).

    ``e1``/``n1`` are the events and totals of group 1 (e.g. treatment),
    ``e2``/``n2`` those of group 2 (control).  ``measure`` is ``"RR"``,
    ``"OR"`` (both estimated on the log scale) or ``"RD"``; ``level`` is the
    confidence level as a fraction (metafor ``level=95`` is ``0.95`` here).
    See the module docstring for the formulas, their sources and the
    treatment of zero cells.  Raises ``ValueError`` for invalid counts; an
    undefined estimate is returned as NaN with ``reason`` set.
    """
    m = measure.upper()
    if m not in MH_MEASURES:
        raise ValueError(f"measure must be one of {MH_MEASURES}, got {measure!r}")
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    a, b, c, d = two_by_two_counts(e1, n1, e2, n2)
    k = a.size
    labs = study_labels(labels, k)

    # MH estimate: the counts as they are, every study kept
    est, se, w, reason = _ESTIMATORS[m](a, b, c, d)
    sw = float(w.sum())
    weights = 100.0 * w / sw if sw > 0 else np.full(k, math.nan)

    if math.isnan(est):
        z = p = ci_low = ci_high = math.nan
    else:
        crit = z_for_level(level)
        ci_low, ci_high = est - crit * se, est + crit * se
        if se > 0:
            z = est / se
            p = 2.0 * normal_sf(abs(z))
        else:
            # e.g. RD with no events in any study: estimate 0 with SE 0 (metafor: z = 0/0 = NaN)
            z = math.copysign(math.inf, est) if est != 0 else math.nan
            p = 0.0 if est != 0 else math.nan
            reason = "the standard error is 0 (no variation in the tables), so z and p are undefined" if est == 0 else "the standard error is 0"

    # study estimates for Q and forest plots: +1/2 in zero-cell studies, double-zero (or double-all) studies dropped
    es = _study_effects(m, a + 0.0, a + b, c + 0.0, c + d)
    drop = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
    yi = np.where(drop, math.nan, es.yi)
    vi = np.where(drop, math.nan, es.vi)
    keep = ~drop
    k_yi = int(keep.sum())
    q_df = max(k_yi - 1, 0)
    if k_yi < 2:
        q, q_p, i2 = 0.0, 1.0, 0.0
    elif math.isnan(est):
        q = q_p = i2 = math.nan
    else:
        q = max(0.0, float(np.sum((yi[keep] - est) ** 2 / vi[keep])))
        q_p = float(chi2_sf(q, q_df))
        i2 = max(0.0, 100.0 * (q - q_df) / q) if q > 0 else 0.0

    for arr in (yi, vi, weights):
        arr.setflags(write=False)
    return MHResult(
        measure=m, level=level, k=k, k_yi=k_yi, estimate=float(est), se=float(se),
        ci_low=float(ci_low), ci_high=float(ci_high), z=float(z), p=float(p),
        q=q, q_df=q_df, q_p=q_p, i2=i2, reason=reason, labels=labs,
        yi=yi, vi=vi, weights=weights, dropped=[labs[i] for i in np.flatnonzero(drop)],
    )

"""Forest plot of a :class:`analysis.stats.pooling.PoolResult` (matplotlib).

Layout (three axes sharing the y axis, one row per study, top to bottom):

* left axes ``ax_left``: study labels and the data columns as given
  (``n/N`` or ``mean (SD), n``);
* middle axes ``ax_plot``: per-study squares (area proportional to the
  weight) with 95% CI lines, the pooled diamond, the prediction-interval bar
  and a reference line at no effect; ratio measures (RR, OR) are plotted
  back-transformed on a log axis, PLO back-transformed to proportions;
* right axes ``ax_right``: ``effect [95% CI]`` and ``weight %``;
* a footer naming the tau^2 estimator, the CI method, I^2, tau^2 and Q.

Artists carry ``gid`` values (``study-squares``, ``study-ci-<i>``,
``pooled-diamond``, ``prediction-interval``, ``null-line``) so that tests
and SVG consumers can find them.  Colours are from the Okabe-Ito
colour-blind-safe palette (Okabe & Ito 2008, "Color Universal Design").
Per-study intervals are Wald intervals on the analysis scale,
``y_i +/- z_{0.975} sqrt(v_i)``, back-transformed where applicable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

from analysis.figures.style import OKABE_ITO, plain_label, plain_log_axis  # noqa: F401 - also selects the headless backend
from analysis.stats.effects import back_transform
from analysis.stats.numeric import z_for_level
from analysis.stats.pooling import PoolResult  # noqa: E402
from analysis.text import p_text

__all__ = ["OKABE_ITO", "forest_plot", "save_figure", "transform_for"]


_MEASURE_NAMES = {
    "GEN": "Effect",
    "PLO": "Proportion",
    "MD": "Mean difference",
    "SMD": "SMD (Hedges' g)",
    "RR": "Risk ratio",
    "OR": "Odds ratio",
}
_METHOD_NAMES = {"EE": "equal effects (no tau^2)", "DL": "DerSimonian-Laird", "PM": "Paule-Mandel", "REML": "REML"}
_CI_NAMES = {"wald": "Wald (z)", "hk": "Hartung-Knapp-Sidik-Jonkman (t, k-1 df)", "hk-adhoc": "HKSJ ad hoc (SE >= Wald SE)"}


def transform_for(measure: str) -> tuple[Callable[[float], float], bool, float | None]:
    """(back-transform, log x axis?, null value on the plotted scale) for a measure.

    RR/OR: ``exp``, log axis, null 1.  PLO: inverse logit ``1/(1+exp(-x))``,
    linear axis, no null line.  Others: identity, linear, null 0.
    """
    f = back_transform(measure)
    m = measure.upper()
    if m in ("RR", "OR"):
        return math.exp, True, 1.0
    if f is not None:
        return f, False, None
    return (lambda x: x), False, 0.0


def _fmt(x: float) -> str:
    if x == 0 or 0.01 <= abs(x) < 1e4:
        return f"{x:.2f}"
    return f"{x:.2g}"


def forest_plot(
    result: PoolResult,
    measure: str = "GEN",
    data_columns: Mapping[str, Sequence[str]] | None = None,
    labels: Sequence[str] | None = None,
    title: str | None = None,
) -> tuple[Figure, str]:
    """Draw a forest plot; returns ``(figure, alt_text)``.

    Squares: marker area proportional to the study weight
    ``w_i / sum w`` with ``w_i = 1/(v_i + tau^2)`` (as in metafor
    ``forest.rma``); diamond from ``ci_low`` to ``ci_high`` centred at the
    estimate; prediction interval (Higgins, Thompson & Spiegelhalter 2009)
    drawn as a bar below the diamond when k >= 3.
    """
    measure = measure.upper()
    f, logx, null = transform_for(measure)
    k = result.k
    labs = [plain_label(x) for x in (labels if labels is not None else result.labels)]
    cols = {plain_label(n): [plain_label(x) for x in v] for n, v in (data_columns or {}).items()}
    for name, v in cols.items():
        if len(v) != k:
            raise ValueError(f"data column {name!r} has {len(v)} entries, expected {k}")
    z = z_for_level(result.level)

    est = [f(y) for y in result.yi]
    lo = [f(y - z * math.sqrt(v)) for y, v in zip(result.yi, result.vi)]
    hi = [f(y + z * math.sqrt(v)) for y, v in zip(result.yi, result.vi)]
    mu, mlo, mhi = f(result.estimate), f(result.ci_low), f(result.ci_high)
    has_pi = result.pi_low is not None and result.pi_high is not None
    plo_ = f(result.pi_low) if result.pi_low is not None else math.nan
    phi_ = f(result.pi_high) if result.pi_high is not None else math.nan

    rows = list(range(k, 0, -1))  # study i at y = k - i
    y_header = k + 1.2
    y_pool = -0.6
    y_pi = -1.6
    char_w = 0.08  # inches per character at the default 10 pt font (approximate)
    widths = [max(1.2, char_w * max([len(x) for x in labs] + [len("Random-effects model")]) + 0.25)]
    widths += [max(1.0, char_w * max([len(x) for x in v] + [len(n)]) + 0.25) for n, v in cols.items()]
    left_w = sum(widths)
    fig_h = 0.32 * (k + 5) + 0.9
    fig = plt.figure(figsize=(left_w + 4.2 + 2.6, fig_h))
    gs = fig.add_gridspec(1, 3, width_ratios=[left_w, 4.2, 2.6], wspace=0.02,
                          left=0.02, right=0.98, top=1 - 0.35 / fig_h - (0.35 / fig_h if title else 0),
                          bottom=0.9 / fig_h)
    ax_left = fig.add_subplot(gs[0, 0])
    ax_plot = fig.add_subplot(gs[0, 1], sharey=ax_left)
    ax_right = fig.add_subplot(gs[0, 2], sharey=ax_left)
    for ax in (ax_left, ax_right):
        ax.set_xlim(0, 1)
        ax.axis("off")
    ax_left.set_ylim(y_pi - 0.8 if has_pi else y_pool - 0.8, y_header + 0.6)

    # --- left text columns
    xs = [sum(widths[:j]) / left_w for j in range(len(widths))]
    ax_left.text(xs[0], y_header, "Study", weight="bold", va="center", ha="left", gid="header-study")
    for j, name in enumerate(cols):
        ax_left.text(xs[j + 1], y_header, name, weight="bold", va="center", ha="left")
    for i, y in enumerate(rows):
        ax_left.text(xs[0], y, labs[i], va="center", ha="left", gid=f"label-{i}")
        for j, v in enumerate(cols.values()):
            ax_left.text(xs[j + 1], y, v[i], va="center", ha="left")
    model = "Equal-effects model" if result.method == "EE" else "Random-effects model"
    ax_left.text(xs[0], y_pool, model, va="center", ha="left", weight="bold")
    if has_pi:
        ax_left.text(xs[0], y_pi, "Prediction interval", va="center", ha="left")

    # --- plot: CI lines, squares, diamond, PI, null line
    for i, y in enumerate(rows):
        ax_plot.plot([lo[i], hi[i]], [y, y], color=OKABE_ITO["black"], lw=1.0, gid=f"study-ci-{i}",
                     solid_capstyle="butt")
    wmax = float(max(result.weights)) if k else 1.0
    sizes = [12 + 180 * float(w) / wmax for w in result.weights]
    ax_plot.scatter(est, rows, s=sizes, marker="s", color=OKABE_ITO["blue"], zorder=3, gid="study-squares",
                    linewidths=0)
    diamond = Polygon(
        [(mlo, y_pool), (mu, y_pool + 0.35), (mhi, y_pool), (mu, y_pool - 0.35)],
        closed=True, facecolor=OKABE_ITO["vermillion"], edgecolor=OKABE_ITO["vermillion"], zorder=3,
        gid="pooled-diamond",
    )
    ax_plot.add_patch(diamond)
    if has_pi:
        ax_plot.plot([plo_, phi_], [y_pi, y_pi], color=OKABE_ITO["bluish_green"], lw=3.0,
                     solid_capstyle="butt", gid="prediction-interval")
    if logx:
        plain_log_axis(ax_plot)
    xmin = min(lo + [mlo] + ([plo_] if has_pi else []))
    xmax = max(hi + [mhi] + ([phi_] if has_pi else []))
    if null is not None:
        xmin, xmax = min(xmin, null), max(xmax, null)
        ax_plot.axvline(null, color="#777777", lw=0.8, ls="--", zorder=1, gid="null-line")
    if logx:
        pad = (xmax / xmin) ** 0.05
        ax_plot.set_xlim(xmin / pad, xmax * pad)
    else:
        pad = 0.05 * (xmax - xmin if xmax > xmin else 1.0)
        ax_plot.set_xlim(xmin - pad, xmax + pad)
    ax_plot.set_xlabel(_MEASURE_NAMES.get(measure, measure) + (" (log scale)" if logx else ""))
    ax_plot.tick_params(axis="y", left=False, labelleft=False)
    for side in ("left", "right", "top"):
        ax_plot.spines[side].set_visible(False)

    # --- right text columns
    ci_pct = f"{round(100 * result.level)}%"
    ax_right.text(0.02, y_header, f"{_MEASURE_NAMES.get(measure, measure)} [{ci_pct} CI]", weight="bold",
                  va="center", ha="left")
    ax_right.text(0.98, y_header, "Weight", weight="bold", va="center", ha="right")
    for i, y in enumerate(rows):
        ax_right.text(0.02, y, f"{_fmt(est[i])} [{_fmt(lo[i])}, {_fmt(hi[i])}]", va="center", ha="left",
                      gid=f"effect-{i}")
        ax_right.text(0.98, y, f"{float(result.weights[i]):.1f}%", va="center", ha="right", gid=f"weight-{i}")
    ax_right.text(0.02, y_pool, f"{_fmt(mu)} [{_fmt(mlo)}, {_fmt(mhi)}]", va="center", ha="left",
                  weight="bold", gid="effect-pooled")
    ax_right.text(0.98, y_pool, "100.0%", va="center", ha="right", weight="bold")
    if has_pi:
        ax_right.text(0.02, y_pi, f"[{_fmt(plo_)}, {_fmt(phi_)}]", va="center", ha="left", gid="effect-pi")

    # --- footer
    het = (
        f"I\u00b2 = {result.i2:.1f}%, \u03c4\u00b2 = {result.tau2:.4g}, Q = {result.q:.2f} "
        f"(df = {result.q_df}, {p_text(result.q_p)})" if k >= 2 else "heterogeneity not estimable (k = 1)"
    )
    footer = (
        f"\u03c4\u00b2 estimator: {_METHOD_NAMES[result.method]}; CI: {_CI_NAMES[result.ci_method]}; "
        f"{het}"
    )
    if has_pi:
        footer += "\nPrediction interval: Higgins, Thompson & Spiegelhalter (2009), t(k\u22122)"
    fig.text(0.02, 0.15 / fig_h, footer, ha="left", va="bottom", fontsize=8, gid="footer")
    if title:
        fig.suptitle(plain_label(title), x=0.02, ha="left", y=1 - 0.1 / fig_h, va="top", weight="bold")

    alt = (
        f"Forest plot of {k} {'study' if k == 1 else 'studies'} ({_MEASURE_NAMES.get(measure, measure)}"
        f"{', log scale' if logx else ''}). {model} ({_METHOD_NAMES[result.method]}, "
        f"{_CI_NAMES[result.ci_method]} CI): pooled estimate {_fmt(mu)} ({ci_pct} CI {_fmt(mlo)} to {_fmt(mhi)})"
        + (f"; prediction interval {_fmt(plo_)} to {_fmt(phi_)}" if has_pi else "")
        + (f". Study estimates range from {_fmt(min(est))} to {_fmt(max(est))}" if k >= 1 else "")
        + (f". {het}." if k >= 2 else ".")
    )
    return fig, alt


def save_figure(fig: Figure, path: str | Path) -> None:
    """Save deterministically (no timestamps): format from the file suffix.

    SVG: ``metadata={"Date": None}`` and a fixed ``svg.hashsalt``;
    PDF: no CreationDate/ModDate; PNG: no Software tag.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") or "svg"
    meta: dict[str, object] = {}
    if fmt == "svg":
        meta = {"Date": None}
    elif fmt == "pdf":
        meta = {"CreationDate": None, "ModDate": None}
    elif fmt == "png":
        meta = {"Software": None}
    with plt.rc_context({"svg.hashsalt": "ketamine-review-forest", "svg.fonttype": "path"}):
        fig.savefig(path, format=fmt, metadata=meta)

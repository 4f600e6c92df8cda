"""Forest plot: what is drawn (artists, positions, texts), not image hashes."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from scipy import stats

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from analysis.figures.forest import OKABE_ITO, forest_plot, save_figure  # noqa: E402
from analysis.stats.effects import log_risk_ratio, mean_difference  # noqa: E402
from analysis.stats.pooling import pool  # noqa: E402
from analysis.tools import cli_pool  # noqa: E402

REF = Path(__file__).resolve().parents[1] / "reference" / "metafor"


def by_gid(fig, gid):
    return [a for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == gid]


def texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.fixture(scope="module")
def bcg():
    t = pd.read_csv(REF / "bcg.csv")
    es = log_risk_ratio(t.e1, t.n1, t.e2, t.n2)
    res = pool(es.yi, es.vi, method="REML", ci="hk", labels=t.study)
    cols = {"Vaccinated n/N": [f"{a}/{b}" for a, b in zip(t.e1, t.n1)], "Control n/N": [f"{a}/{b}" for a, b in zip(t.e2, t.n2)]}
    fig, alt = forest_plot(res, measure="RR", data_columns=cols)
    yield t, es, res, fig, alt
    plt.close(fig)


def test_squares_one_per_study_sized_by_weight(bcg):
    t, es, res, fig, _ = bcg
    (sq,) = by_gid(fig, "study-squares")
    assert isinstance(sq, PathCollection)
    offsets = sq.get_offsets()
    assert len(offsets) == res.k == 13
    # x positions: back-transformed study estimates (RR)
    np.testing.assert_allclose(offsets[:, 0], np.exp(es.yi))
    # areas increase with weight (same order)
    sizes = sq.get_sizes()
    assert np.all(np.diff(sizes[np.argsort(res.weights)]) >= 0)
    assert np.argmax(sizes) == np.argmax(res.weights)
    # first study at the top
    assert offsets[0, 1] > offsets[-1, 1]


def test_study_ci_lines(bcg):
    _, es, res, fig, _ = bcg
    for i in range(res.k):
        (ln,) = by_gid(fig, f"study-ci-{i}")
        x = ln.get_xdata()
        half = stats.norm.ppf(0.975) * math.sqrt(es.vi[i])
        np.testing.assert_allclose(x, [math.exp(es.yi[i] - half), math.exp(es.yi[i] + half)], rtol=1e-9)


def test_diamond_and_prediction_interval(bcg):
    _, _, res, fig, _ = bcg
    (d,) = by_gid(fig, "pooled-diamond")
    assert isinstance(d, Polygon)
    xy = d.get_xy()
    xs = xy[:, 0]
    assert math.isclose(xs.min(), math.exp(res.ci_low)) and math.isclose(xs.max(), math.exp(res.ci_high))
    assert np.any(np.isclose(xs, math.exp(res.estimate)))
    (pi,) = by_gid(fig, "prediction-interval")
    assert isinstance(pi, Line2D)
    np.testing.assert_allclose(pi.get_xdata(), [math.exp(res.pi_low), math.exp(res.pi_high)])
    # the diamond is below the studies and the PI below the diamond
    (sq,) = by_gid(fig, "study-squares")
    assert xy[:, 1].max() < sq.get_offsets()[:, 1].min()
    assert pi.get_ydata()[0] < xy[:, 1].min()


def test_log_axis_and_null_line_for_ratios(bcg):
    _, _, _, fig, _ = bcg
    ax = by_gid(fig, "study-squares")[0].axes
    assert ax.get_xscale() == "log"
    (null,) = by_gid(fig, "null-line")
    assert list(null.get_xdata()) == [1.0, 1.0]


def test_text_columns(bcg):
    t, es, res, fig, _ = bcg
    tx = texts(fig)
    for lab in t.study:
        assert lab in tx
    assert "4/123" in tx and "11/139" in tx  # Aronson 1948 as given
    assert "Vaccinated n/N" in tx and "Weight" in tx
    w0 = f"{res.weights[0]:.1f}%"
    assert w0 in tx
    assert f"{math.exp(es.yi[0]):.2f} [" in " ".join(tx)
    assert f"{math.exp(res.estimate):.2f} [{math.exp(res.ci_low):.2f}, {math.exp(res.ci_high):.2f}]" in tx
    assert sum(float(s.rstrip("%")) for s in tx if s.endswith("%") and s != "100.0%" and not s.startswith("I")) == pytest.approx(100, abs=0.1)


def test_footer_names_methods_and_heterogeneity(bcg):
    _, _, res, fig, _ = bcg
    (footer,) = by_gid(fig, "footer")
    s = footer.get_text()
    assert "REML" in s and "Hartung-Knapp" in s
    assert f"I\u00b2 = {res.i2:.1f}%" in s
    assert "\u03c4\u00b2 = 0.3132" in s
    assert "Q = 152.23" in s


def test_okabe_ito_colours(bcg):
    _, _, _, fig, _ = bcg
    (sq,) = by_gid(fig, "study-squares")
    (d,) = by_gid(fig, "pooled-diamond")
    (pi,) = by_gid(fig, "prediction-interval")
    palette = {matplotlib.colors.to_hex(c).lower() for c in OKABE_ITO.values()}
    assert matplotlib.colors.to_hex(sq.get_facecolor()[0]).lower() in palette
    assert matplotlib.colors.to_hex(d.get_facecolor()).lower() in palette
    assert matplotlib.colors.to_hex(pi.get_color()).lower() in palette


def test_alt_text(bcg):
    _, _, res, _, alt = bcg
    assert alt.startswith("Forest plot of 13 studies (Risk ratio, log scale)")
    assert f"{math.exp(res.estimate):.2f}" in alt and "prediction interval" in alt


def test_md_linear_axis_and_mean_sd_columns_no_pi_for_two_studies():
    t = pd.read_csv(REF / "normand1999.csv").iloc[:2]
    es = mean_difference(t.m1, t.sd1, t.n1, t.m2, t.sd2, t.n2)
    res = pool(es.yi, es.vi, method="DL", ci="wald", labels=t.study)
    table = cli_pool.StudyTable(path="x", measure="MD", columns={}, raw={c: [str(x) for x in t[c]] for c in ["m1", "sd1", "n1", "m2", "sd2", "n2"]}, labels=list(t.study), lines=[2, 3])
    fig, alt = forest_plot(res, measure="MD", data_columns=cli_pool.display_columns(table))
    try:
        ax = by_gid(fig, "study-squares")[0].axes
        assert ax.get_xscale() == "linear"
        assert by_gid(fig, "prediction-interval") == []
        assert "55 (47), 155" in texts(fig)  # Edinburgh group 1: mean (SD), n as given
        (null,) = by_gid(fig, "null-line")
        assert list(null.get_xdata()) == [0.0, 0.0]
        assert len(by_gid(fig, "study-squares")[0].get_offsets()) == 2
        assert "prediction interval" not in alt
    finally:
        plt.close(fig)


def test_svg_is_deterministic_and_has_no_date(tmp_path):
    paths = []
    for i in range(2):
        code = cli_pool.main([str(REF / "bcg.csv"), "--measure", "RR", "--plot", str(tmp_path / f"f{i}.svg")])
        assert code == 0
        paths.append(tmp_path / f"f{i}.svg")
    a, b = (p.read_bytes() for p in paths)
    assert a == b
    assert b"<dc:date>" not in a
    assert a.lstrip().startswith(b"<?xml")


def test_save_png_and_pdf(tmp_path):
    t = pd.read_csv(REF / "two_studies.csv")
    res = pool(t.yi, t.vi)
    fig, _ = forest_plot(res)
    try:
        for ext in ("png", "pdf"):
            save_figure(fig, tmp_path / f"x.{ext}")
            assert (tmp_path / f"x.{ext}").stat().st_size > 0
        pdf = (tmp_path / "x.pdf").read_bytes()
        assert b"/CreationDate" not in pdf
    finally:
        plt.close(fig)

"""A page that only shows proportions does not pay for importing scipy.stats (about 0.5 s
per kernel, twenty kernels a build); the statistics still come from scipy when needed."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_proportions_and_tables_do_not_import_scipy_stats():
    code = (
        "import sys; import analysis.pages.report, analysis.pages.evidence, analysis.pages.grading, analysis.figures.forest;"
        "from analysis.pages.report import proportion; print(proportion(25, 33));"
        "print('scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "25 of 33 (76%; 95% CI 59–87%, Wilson)"
    assert out[1] == "False"


def test_lazy_module_imports_on_first_use():
    from analysis._lazy import LazyModule

    stats = LazyModule("scipy.stats")
    assert "not yet imported" in repr(stats)
    # Student's t quantile, 2 df, 0.975: 4.303 in printed t tables (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2)
    assert round(float(stats.t.ppf(0.975, 2)), 3) == 4.303
    assert "(imported)" in repr(stats)


def test_the_whole_synthesis_runs_without_importing_scipy_stats():
    """Pooling, Mantel-Haenszel and the results list use the t and chi-squared distributions from
    scipy.special (analysis.stats.numeric), so no page pays about 1.5 s for scipy.stats."""
    code = (
        "import sys; from analysis.pages.results import results; records = results(); "
        "print(len(records) > 0, 'scipy.stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False"]


def test_the_distributions_are_scipy_stats_own_values():
    """Each helper calls the scipy.special function that scipy.stats calls: equal to the last bit."""
    import numpy as np
    from scipy import stats

    from analysis.stats import numeric

    dfs = np.array([1, 2, 3, 5, 9.5, 30, 300])
    for p in (0.005, 0.025, 0.1, 0.5, 0.9, 0.975, 0.995):
        assert np.array_equal(numeric.t_quantile(p, dfs), stats.t.ppf(p, dfs))
        assert np.array_equal(numeric.chi2_quantile(p, dfs), stats.chi2.ppf(p, dfs))
    for x in (0.0, 0.3, 1.96, 4.303, 12.0, 80.0):
        assert np.array_equal(numeric.t_sf(x, dfs), stats.t.sf(x, dfs))
        assert np.array_equal(numeric.chi2_sf(x, dfs), stats.chi2.sf(x, dfs))
    # qt(0.975, 2) = 4.302653 and qchisq(0.95, 1) = 3.841459 (printed t and chi-squared tables)
    assert round(float(numeric.t_quantile(0.975, 2)), 6) == 4.302653
    assert round(float(numeric.chi2_quantile(0.95, 1)), 6) == 3.841459

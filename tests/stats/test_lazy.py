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

"""Risk-of-bias traffic-light figure and the methods page's computed facts."""

import pandas as pd

from analysis.data import load_table
from analysis.figures import robplot
from analysis.pages import methods


def test_one_panel_per_tool_and_one_marker_per_judgement():
    rob = pd.DataFrame(
        {
            "study_id": ["a2001"] * 3 + ["b2002"] * 2,
            "result": ["all"] * 5,
            "tool": ["rob2"] * 3 + ["jbi_case_series"] * 2,
            "domain": ["D1 randomization process", "D2 deviations", "overall", "Q1 clear inclusion criteria", "overall"],
            "judgement": ["low", "high", "high", "unclear", "high"],
        }
    )
    studies = pd.DataFrame({"study_id": ["a2001", "b2002"], "label": ["A 2001", "B 2002"], "year": [2001, 2002]})
    fig, alt = robplot.traffic_light(rob, studies)
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["D1", "D2", "Overall"]
    assert sum(len(c.get_offsets()) for c in fig.axes[0].collections) == 3
    assert "RoB 2 (randomised trials): 1 study by 3 domains; overall: A 2001 high risk" in alt
    assert "JBI checklist" in alt and "unclear 1" in alt


def test_shipped_data_plot_every_judgement():
    rob = load_table("risk_of_bias")
    fig, alt = robplot.traffic_light(rob, load_table("studies"))
    markers = sum(len(c.get_offsets()) for ax in fig.axes for c in ax.collections)
    assert markers == len(rob)
    assert set(rob["judgement"]) <= set(robplot.STYLE)


def test_software_versions_are_read_from_the_environment():
    versions = methods.software_versions().set_index("Software")["Version"]
    import numpy

    assert versions["numpy"] == numpy.__version__
    assert {"Python", "scipy", "pandas", "statsmodels", "matplotlib", "jupyter-book", "myst-nb", "sphinx"} <= set(versions.index)


def test_extraction_summary_counts_verified_rows():
    frame = pd.DataFrame({"extractor": ["x", "y", "x"], "verifier": ["z", pd.NA, ""]})
    summary = methods.extraction_summary({"studies": frame})
    assert summary.iloc[0].to_dict() == {"Table": "studies.csv", "Rows": 3, "Extractors": 2, "Rows verified": 1}

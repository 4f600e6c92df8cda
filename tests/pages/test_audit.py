"""Verdict counts: a claim without a verdict is 'not yet audited', never supported."""

import pandas as pd

from analysis.pages.audit import VERDICTS, verdict_counts, verdict_figure


def claims():
    return pd.DataFrame(
        {
            "claim_id": ["src001_01", "src001_02", "src002_01"],
            "source_report": ["src001", "src001", "src002"],
            "verdict": pd.array(["supported", pd.NA, "contradicted"], dtype="string"),
        }
    )


def test_missing_verdicts_are_counted_as_not_yet_audited():
    counts = verdict_counts(claims())
    assert counts.loc["src001", "supported"] == 1
    assert counts.loc["src001", "not_yet_audited"] == 1
    assert counts.loc["src002", "contradicted"] == 1
    assert list(counts.columns) == VERDICTS + ["total"]


def test_figure_bars_add_up_to_the_claims_of_each_text():
    fig, alt = verdict_figure(verdict_counts(claims()), {"src001": "Text 1", "src002": "Text 2"})
    widths = {}
    for bar in fig.axes[0].patches:
        widths[round(bar.get_y() + bar.get_height() / 2)] = widths.get(round(bar.get_y() + bar.get_height() / 2), 0) + bar.get_width()
    assert sorted(widths.values()) == [1, 2]
    assert "Text 1: 2 claims (1 supported, 1 not yet audited)" in alt


def test_reasons_and_citations_name_studies_not_ids():
    from analysis.pages import audit

    labels = {"patil2012": "Patil 2012", "kannan2002": "Kannan 2002"}
    assert audit.readable("Relief in 7 of 9 [outcomes: kannan2002 pain_decrease_gt3; confirmed].", labels) == "Relief in 7 of 9 (Kannan 2002)."
    assert audit.readable("No source [fact bioavail_oral_x] says so.", labels) == "No source says so."
    assert audit.claim_number("src002_04") == "4"

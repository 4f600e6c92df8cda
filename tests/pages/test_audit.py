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


def test_claims_table_shows_topics_as_words_and_marks_the_filter_cells():
    from analysis.pages import audit

    rows = claims().assign(
        source_location="para 1", source_quote="<b>quoted</b>", numbers=pd.NA, cites=pd.NA, verdict_reason=pd.NA,
        topic=["efficacy", "adverse_events", pd.NA], verdict=pd.array(["partly_supported", pd.NA, "contradicted"], dtype="string"),
    )
    table = audit.claims_table(rows)
    assert list(table["Topic"]) == ["efficacy", "adverse events", ""]
    assert list(table["Verdict"]) == ["partly supported", "not yet audited", "contradicted"]
    with pd.option_context("styler.format.escape", "html"):  # as the book's kernels run (tools/kernel_startup.py)
        html = audit.filterable(table).to_html()
    assert "data-claim-table" in html
    assert html.count("claim-verdict") == 3 and html.count("claim-topic") == 3
    assert "partly_supported" not in html and "adverse_events" not in html
    assert "<b>quoted</b>" not in html and "&lt;b&gt;quoted&lt;/b&gt;" in html


def test_public_texts_in_page_order():
    from analysis.pages import audit

    assert audit.public_texts(claims()) == ["src001", "src002"]
    assert audit.section_key(1) == "audit_text_1"


def test_audit_page_has_one_glued_heading_per_public_text():
    """book/audit.md heads each public text's section with its name, glued from the data: one
    heading per text with claims, in order, so a text added or removed fails here, never goes unshown."""
    import re
    from pathlib import Path

    from analysis.data import load_table
    from analysis.pages import audit

    page = (Path(__file__).resolve().parents[2] / "book" / "audit.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### (.*)$", page, flags=re.M)
    n = len(audit.public_texts(load_table("claims")))
    assert headings == [f"{{glue:text}}`{audit.section_key(i)}`" for i in range(1, n + 1)]
    calls = re.findall(r"^show_text\((\d+)\)$", page, flags=re.M)
    assert calls == [str(i) for i in range(1, n + 1)]

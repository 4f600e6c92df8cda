"""The retrospective-series page degrades to 'not in the data' instead of asserting on a hard-coded study (issue 14)."""

from __future__ import annotations

from pathlib import Path

from analysis.data import load_table
from analysis.pages.report import NOT_IN_DATA, proportions_table, series_values

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def tables():
    return load_table("studies", DATA), load_table("outcomes", DATA), load_table("reports", DATA), load_table("outcome_definitions", DATA)


def test_the_series_values_from_todays_data():
    studies, outcomes, _, _ = tables()
    values = series_values("correll2004", studies, outcomes)
    assert values["n_patients"] == "33"
    assert values["complete"].startswith("25 of 33 (76%")
    assert values["partial"].startswith("6 of 33 (18%")
    assert NOT_IN_DATA not in values.values()


def test_an_outcomes_file_with_only_its_header_gives_not_in_the_data(tmp_path: Path):
    studies, outcomes, _, definitions = tables()
    empty = outcomes.iloc[0:0]
    values = series_values("correll2004", studies, empty)
    assert values["label"] == studies.set_index("study_id").loc["correll2004", "label"]
    for name in ("complete", "complete_pct", "partial", "second", "second_ci_exact", "provenance", "source_name", "source_quote"):
        assert values[name] == NOT_IN_DATA, name
    table = proportions_table(empty, definitions)
    assert table.empty and "n/N (%)" in table.columns
    assert "<table" in table.style.hide(axis="index").to_html()


def test_a_study_missing_from_the_data_gives_not_in_the_data():
    studies, outcomes, _, _ = tables()
    values = series_values("correll2004", studies.iloc[0:0], outcomes.iloc[0:0])
    assert set(values.values()) == {NOT_IN_DATA}


def test_no_page_asserts_on_a_hard_coded_study():
    page = (ROOT / "book" / "crps-retrospective.md").read_text(encoding="utf-8")
    assert "assert " not in page

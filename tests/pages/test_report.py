"""How the book writes proportions: numerator, denominator, and a named interval (never Wald)."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from analysis.pages.report import proportion, round_half_up


def test_correll_complete_relief_sentence():
    # 25/33: Wilson 59.0-87.2%, Clopper-Pearson 57.7-88.9% (worked examples in
    # shared/reference/review-standards.md, section 6; Brown, Cai & DasGupta 2001).
    assert str(proportion(25, 33)) == "25 of 33 (76%; 95% CI 59–87%, Wilson)"
    assert proportion(25, 33, "clopper-pearson").ci_text() == "95% CI 58–89%, Clopper–Pearson"


@pytest.mark.parametrize("events,n", [(25, 33), (3, 4), (30, 40), (75, 100), (0, 10), (12, 12)])
@pytest.mark.parametrize("ours,theirs", [("wilson", "wilson"), ("clopper-pearson", "beta")])
def test_intervals_agree_with_statsmodels_when_named_explicitly(events, n, ours, theirs):
    low, high = proportion_confint(events, n, alpha=0.05, method=theirs)
    result = proportion(events, n, ours)
    assert result.low == pytest.approx(low, abs=1e-9)
    assert result.high == pytest.approx(high, abs=1e-9)


def test_wald_is_refused():
    with pytest.raises(ValueError, match="never Wald"):
        proportion(3, 4, "wald")


def test_zero_events_keep_their_denominator():
    # 0/10: Wilson upper bound 27.8% (review-standards.md, section 6 table).
    assert str(proportion(0, 10)) == "0 of 10 (0%; 95% CI 0–28%, Wilson)"


@pytest.mark.parametrize("x,expected", [(75.5, 76), (75.49, 75), (0.5, 1), (-2.5, -3)])
def test_round_half_up(x, expected):
    assert round_half_up(x) == expected


@pytest.mark.parametrize("n,expected", [(1, "1 study"), (0, "0 studies"), (3, "3 studies")])
def test_counted(n, expected):
    from analysis.pages.report import counted

    assert counted(n, "study", "studies") == expected


def test_data_date_is_the_packages_created_date():
    import json
    from pathlib import Path

    from analysis.data import data_date

    root = Path(__file__).resolve().parents[2]
    created = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))["created"]
    assert data_date(root / "data") == created[:10]


def test_reference_link_links_a_bibliography_key_and_escapes_the_name():
    from analysis.pages.report import reference_link

    keys = {"correll2004", "smith_2010"}
    assert reference_link("Correll <2004> & co", "correll2004", keys) == '<a href="references.html#cite-correll2004">Correll &lt;2004&gt; &amp; co</a>'
    assert reference_link("Smith", "smith_2010", keys) == '<a href="references.html#cite-smith-2010">Smith</a>'  # the id as docutils makes it
    # a key not in the bibliography, or none: plain escaped text, never a link
    assert reference_link("<b>Jones</b>", "jones2001", keys) == "&lt;b&gt;Jones&lt;/b&gt;"
    assert reference_link("Jones", float("nan"), keys) == "Jones"


def test_the_links_use_the_bibliography_ids_the_config_sets():
    """The pages link to ``CITE_ID`` (executed once, cached), the references page gets its ids from
    ``bibtex_cite_id`` of _config.yml (Sphinx): the two must agree, or every such link dangles."""
    from pathlib import Path

    import yaml

    from analysis.pages.report import CITE_ID

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["bibtex_cite_id"] == CITE_ID, "_config.yml's bibtex_cite_id and report.CITE_ID differ"


def test_bibliography_keys_are_read_from_the_bib_file(tmp_path):
    from analysis.pages.report import bibliography_keys

    bib = tmp_path / "r.bib"
    bib.write_text("@article{alpha2001,\n title={A}}\n @misc{ beta_x ,\n title={B}}\n", encoding="utf-8")
    assert bibliography_keys(bib) == {"alpha2001", "beta_x"}


def test_html_columns_leave_other_cells_escaped():
    from analysis.pages.report import with_html_columns

    table = pd.DataFrame({"Trial": ['<a href="references.html#cite-a">A</a>'], "Note": ["<i>x</i>"]})
    out = with_html_columns(table.style, ["Trial"]).to_html()
    assert '<a href="references.html#cite-a">A</a>' in out and "&lt;i&gt;x&lt;/i&gt;" in out and "<i>x</i>" not in out

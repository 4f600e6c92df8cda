"""Reader names for what the data call by id (analysis/pages/names.py), and the safety page's missing counts."""

from __future__ import annotations

import pandas as pd

from analysis.pages import names, safety
from analysis.pages.leaks import leaks

KNOWN = {"src002": "ASRA Pain Medicine News article (2022)", "hardy2012": "Hardy 2012", "hardy2012_r2": "Hardy 2012",
         "src002_04": "claim 4 of ASRA Pain Medicine News article (2022)", "kannan2002": "Kannan 2002"}


def test_ids_in_free_text_become_names_and_enum_values_words():
    text = ("Same sentence as src002_04 [risk_of_bias: kannan2002]; status secondary_only; see kaya2013 "
            "and data/claims.csv; hardy2012_r2 abstract; pointer to nothing [outcomes: zz_unknown].")
    out = names.reader_text(text, KNOWN)
    assert out == ("Same sentence as claim 4 of ASRA Pain Medicine News article (2022) (Kannan 2002); status second-hand only; "
                   "see Kaya 2013 and the claims table; Hardy 2012 abstract; pointer to nothing.")
    assert leaks(out) == []


def test_a_bracketed_id_after_its_own_name_goes():
    assert names.reader_text("as quoted by ASRA Pain Medicine News 2022 (src002)", KNOWN) == "as quoted by ASRA Pain Medicine News 2022"
    assert names.reader_text("as quoted by a newsletter (src002)", KNOWN) == "as quoted by a newsletter (ASRA Pain Medicine News article (2022))"


def test_source_names_the_report_and_where():
    assert names.source("hardy2012_r2", "abstract, Results", KNOWN) == "Hardy 2012 (abstract, Results)"
    assert names.source("hardy2012_r2", None, KNOWN) == "Hardy 2012"


def test_report_names_from_the_data_name_no_id():
    reports = pd.DataFrame([
        {"report_id": "src002", "study_id": None, "kind": "public_text", "citation": "Goordeen A. Ketamine infusion therapy."},
        {"report_id": "phar2669_2022", "study_id": None, "kind": "journal_article",
         "citation": "Authors not seen. Ketamine and norketamine pharmacokinetics after intravenous and intranasal ketamine (Table 6)."},
        {"report_id": "hardy2012_r2", "study_id": "hardy2012", "kind": "trial_register", "citation": "NCT0000"},
    ])
    studies = pd.DataFrame([{"study_id": "hardy2012", "label": "Hardy 2012"}])
    got = names.report_names(reports, studies)
    assert got == {"src002": names.PUBLIC_TEXTS["src002"],
                   "phar2669_2022": "Ketamine and norketamine pharmacokinetics after intravenous…",
                   "hardy2012_r2": "Hardy 2012 (register record)"}
    assert all(leaks(n) == [] for n in got.values())


def test_every_id_of_the_book_data_has_a_name_without_leaks():
    known = names.names()
    assert len(known) > 100
    bad = {k: v for k, v in known.items() if leaks(v)}
    assert not bad, bad


def test_an_adverse_event_without_count_or_percentage_is_never_shown_as_na():
    row = pd.Series({"events": pd.NA, "n": pd.NA, "percent": pd.NA})
    assert safety.reported_share(row) == "reported, without a count or percentage"
    assert safety.reported_share(pd.Series({"events": pd.NA, "n": pd.NA, "percent": 12.5})) == "12.5% (count not reported)"
    assert safety.reported_share(pd.Series({"events": 3, "n": pd.NA, "percent": pd.NA})) == "3 patients (number at risk not reported)"


def test_the_public_texts_are_cited_by_title_and_publisher_not_by_the_data_s_number():
    """The audit page shows each public text's citation, and the reference list the notes of the
    entries found through one: neither says "public text 004" (the data's numbering)."""
    import re

    from analysis.data import load_table
    from analysis.data.load import find_data_dir

    reports = load_table("reports")
    citations = reports.loc[reports["kind"] == "public_text", "citation"].astype(str)
    assert len(citations) == len(names.PUBLIC_TEXTS)
    bad = [c for c in citations if leaks(c)]
    bib = (find_data_dir() / "references.bib").read_text(encoding="utf-8")
    bad += [note for note in re.findall(r"note\s*=\s*\{(.*)\}", bib) if any(k.startswith("internal id: public text") for k in map(str.lower, leaks(note)))]
    assert not bad, bad
    assert any("Ketamine Blog" in c for c in citations) and any("ASRA Pain Medicine News" in c for c in citations)

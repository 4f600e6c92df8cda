"""The leak finder the browser suite runs over every built page (analysis/pages/leaks.py)."""

from __future__ import annotations

import pytest

from analysis.pages.leaks import leaks


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Pooled from phar2669_2022 and two other trials", "internal id: phar2669_2022"),
        ("Cost (kan_cost)", "internal id: kan_cost"),
        ("src000 (000_a49f3fb89a95fdb1.txt)", "internal id: src000"),
        ("src000 (000_a49f3fb89a95fdb1.txt)", "file name: 000_a49f3fb89a95fdb1.txt"),
        ("see studies.csv", "file name: studies.csv"),
        ("hash a49f3fb89a95fdb1 here", "hash: a49f3fb89a95fdb1"),
        ("Dose: not_stated; ketamine in anesthetic dosage", "internal id: not_stated"),
        ("3 value(s) excluded", "'(s)' grammar: value(s)"),
        ("12 row(s)", "'(s)' grammar: row(s)"),
        ("<NA>% (count not reported)", "missing value shown: <NA>"),
        ("Risk ratio nan", "missing value shown: nan"),
        ("NaN", "missing value shown: NaN"),
        ("None", "missing value shown: None"),
        ("Comparator: None, open label", "missing value shown: None"),
        ("7 routes routes", "doubled word: routes routes"),
        ("The The trial", "doubled word: The The"),
        ("Ketamine Blog, with readers' comments. Public text 000 audited by this book.", "internal id: Public text 000"),
        ("DOI as printed in public text 004", "internal id: public text 004"),
    ],
)
def test_each_kind_of_leak_is_found(text: str, kind: str):
    assert kind in leaks(text), leaks(text)


@pytest.mark.parametrize(
    "text",
    [
        "25 of 33 (76%; 95% CI 59–87%, Wilson)",
        "None of the trials reported withdrawals.",
        "None reported",
        "Schwartzman 2009 and Sigtermans 2009",
        "Ketamine 0.35 mg/kg/h for 4 hours, 10 10 mg doses",
        "Grade: Low ⊕⊕◯◯",
        "https://doi.org/10.1016/j.pain_2020.01.001 and https://example.org/a_b/c.csv",
        "doi:10.1097/ALN.0000000000003160",
        "Methods (Cochrane Handbook, version 6.4)",
        "CYP2B6 and CYP3A4 metabolise ketamine; NMDA receptor",
        "Data version 0.2.0 of 2026-12-04",
        "Nan Chen 2021",
        "the five public texts audited by this book; public text, 2022",
    ],
)
def test_reader_words_pass(text: str):
    assert leaks(text) == []

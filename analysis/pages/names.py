"""The names readers see for what the data call by id: reports, studies, facts and claims.

The data key every row by an id (``phar2669_2022``, ``src002``, ``src002_04``,
``nmda_channel_block_ars2013``); pages show names instead:

* a study, or a report of one: the study's label ("Sigtermans 2009");
* a public text audited by the book: what it is and who published it (:data:`PUBLIC_TEXTS`);
* any other report (a guideline, a web page): the first words of its citation;
* a fact: the name of the report it was read in;
* a claim: "claim 4 of" the public text's name.

:func:`reader_text` replaces every known id in a free-text note (a verdict's reason, a
fact's note) with its name, and writes the data's enum values as words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.data import load_table
from analysis.data.load import find_data_dir


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)  # type: ignore[arg-type]


def short_citation(citation: str, limit: int = 60) -> str:
    """The first words of a citation, cut at a word boundary (with '…') when longer than ``limit``."""
    citation = " ".join(citation.split())
    if len(citation) <= limit:
        return citation.rstrip(".")
    return citation[:limit].rsplit(" ", 1)[0].rstrip(".,;:") + "…"


# The five public texts audited by the book, named by what they are and who published them
# (their citations in data/reports.csv give the full details).
PUBLIC_TEXTS = {
    "src000": "Clinic physician's blog post (Ketamine Blog)",
    "src001": "Web article on chronic pain ('Ketamine: Advancing the Treatment')",
    "src002": "ASRA Pain Medicine News article (2022)",
    "src003": "Promotional web page ('Ketamine for Pain')",
    "src004": "Clinic web page (Revitalize Medical Center)",
}


def report_names(reports: pd.DataFrame, studies: pd.DataFrame) -> dict[str, str]:
    """A reader's name for each report: its study's label (with 'register record' where it is one),
    or the first words of its citation for a report of no study (a public text, a guideline)."""
    labels = dict(zip(studies["study_id"].astype(str), studies["label"].astype(str)))
    names = {}
    for _, r in reports.iterrows():
        study = _text(r["study_id"])
        if str(r["report_id"]) in PUBLIC_TEXTS:
            names[str(r["report_id"])] = PUBLIC_TEXTS[str(r["report_id"])]
        elif study in labels:
            names[str(r["report_id"])] = labels[study] + (" (register record)" if _text(r["kind"]) == "trial_register" else "")
        else:
            names[str(r["report_id"])] = short_citation(re.sub(r"^Authors not seen\.\s*", "", _text(r["citation"])))
    return names


def claim_name(claim_id: str, text_name: str) -> str:
    """'claim 4 of Goordeen A, …': a claim by its number within its public text."""
    tail = str(claim_id).rsplit("_", 1)[-1]
    number = str(int(tail)) if tail.isdigit() else str(claim_id)
    return f"claim {number} of {text_name}"


def names_from(reports: pd.DataFrame, studies: pd.DataFrame, facts: pd.DataFrame | None = None,
               claims: pd.DataFrame | None = None) -> dict[str, str]:
    """Every id of the data a page might mention, mapped to its reader name."""
    names = dict(zip(studies["study_id"].astype(str), studies["label"].astype(str)))
    names.update(report_names(reports, studies))
    if facts is not None:
        for _, f in facts.iterrows():
            names.setdefault(str(f["fact_id"]), names.get(_text(f["source_report"]), _text(f["source_report"])))
    if claims is not None:
        for _, c in claims.iterrows():
            text = _text(c["source_report"])
            names.setdefault(str(c["claim_id"]), claim_name(str(c["claim_id"]), names.get(text, text)))
    return names


@lru_cache(maxsize=4)
def _names_for(data_dir: str) -> dict[str, str]:
    return names_from(load_table("reports", data_dir), load_table("studies", data_dir), load_table("facts", data_dir),
                      load_table("claims", data_dir))


def names(data_dir: str | Path | None = None) -> dict[str, str]:
    """:func:`names_from` for the data in ``data_dir`` (the book's data by default), loaded once."""
    return _names_for(str(find_data_dir() if data_dir is None else Path(data_dir)))


def name(identifier: object, known: Mapping[str, str] | None = None) -> str:
    """The reader's name for one id (the id itself when the data hold no such id)."""
    key = _text(identifier).strip()
    return (names() if known is None else known).get(key, key)


def brief(identifier: object, limit: int = 46, known: Mapping[str, str] | None = None) -> str:
    """A name short enough for a chart label (cut at a word boundary, with '…')."""
    return short_citation(name(identifier, known).rstrip("…"), limit) if len(name(identifier, known)) > limit else name(identifier, known)


def source(report_id: object, location: object = None, known: Mapping[str, str] | None = None) -> str:
    """'Hardy 2012 (abstract, Results)': a report's name with where in it, for a table's Source column."""
    where = _text(location).strip()
    return f"{name(report_id, known)} ({where})" if where else name(report_id, known)


# Enum values of the data that reach notes and reasons, and how they read.
ENUM_WORDS = {
    "secondary_only": "second-hand only", "not_stated": "not stated", "not_applicable": "not applicable",
    "some_concerns": "some concerns", "no_information": "no information", "case_report": "case report",
    "not_ketamine": "not ketamine", "acute_or_perioperative": "acute or perioperative pain",
    "clinic_claim": "clinic claim", "patient_comment": "patient comment", "expert_opinion": "expert opinion",
    "measured_in_study": "measured in a study", "risk_of_bias": "risk of bias", "rob2_crossover": "RoB 2 for crossover trials",
    "value_low": "the lower value", "value_high": "the upper value", "study_id": "study", "value_type": "value type",
}
_TOKEN = re.compile(r"(?<![\w./-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?![\w/-])")


def reader_text(text: object, known: Mapping[str, str] | None = None) -> str:
    """Free text from the data with every known id replaced by its name and enum values in words.

    A bracketed pointer into the data (``[risk_of_bias: kannan2002]``) becomes the names it
    points to in parentheses, or goes when it names nothing known."""
    lookup = names() if known is None else known

    def pointer(match: re.Match[str]) -> str:
        found = [lookup[t] for t in _TOKEN.findall(match.group(1)) if t in lookup]
        return f" ({'; '.join(dict.fromkeys(found))})" if found else ""

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in lookup and (any(ch.isdigit() for ch in token) or "_" in token):
            return lookup[token]
        author_year = re.fullmatch(r"([a-z]+)(\d{4})[a-z]?", token)
        if author_year:  # a study the data do not hold, cited by its key: 'kaya2013' -> 'Kaya 2013'
            return f"{author_year.group(1).capitalize()} {author_year.group(2)}"
        if token in ENUM_WORDS:
            return ENUM_WORDS[token]
        # any other name from the data or the code (a column, a field, an enum value): its words
        return token.replace("_", " ") if "_" in token and token.islower() else token

    def aside(match: re.Match[str]) -> str:
        # '(src002)' right after the text's own name ('as quoted by ASRA Pain Medicine News 2022 (src002)') says nothing more
        before = match.string[max(0, match.start() - 80):match.start()].lower()
        first = lookup[match.group(1)].split(" ")[0].strip("'(").lower()
        return "" if first and first in before else f" ({lookup[match.group(1)]})"

    out = re.sub(r"\s*\[([^\]]*)\]", pointer, _text(text))
    out = re.sub(r"\s*\(([a-z][a-z0-9_]*\d[a-z0-9_]*)\)", lambda m: aside(m) if m.group(1) in lookup else m.group(0), out)
    # a data file or the code named in a note: 'data/claims.csv' -> 'the claims table'
    out = re.sub(r"(?:\b[Tt]he\s+)?(?:data/)?\b([a-z_]+)\.csv\b", lambda m: f"the {m.group(1).replace('_', ' ')} table", out)
    out = re.sub(r"(?:\b[Tt]he\s+)?\banalysis/[\w/]+\.py\b", "the book's code", out)
    out = re.sub(r"\(?\bresearch/[\w/.-]+\.md\b\)?", "(the project's research notes)", out)
    return _TOKEN.sub(word, out).strip()

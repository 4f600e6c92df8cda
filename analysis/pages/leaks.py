"""Words a reader should never meet on a page: what the data and the code call things.

:func:`leaks` finds them in a piece of page text (a paragraph, a list item, a table
cell, a caption): internal ids (``phar2669_2022``, ``kan_cost``, ``src000``), file
names and hashes (``000_a49f3fb89a95fdb1.txt``, ``studies.csv``; not the repository's
own documents such as ``CONTRIBUTING.md``), enum values
(``not_stated``), template grammar (``value(s)``), missing values printed as such
(``<NA>``, ``nan``, ``None``) and doubled words (``routes routes``). The browser suite
runs it over the article text of every built page (tests/site/test_site.py).
"""

from __future__ import annotations

import re

# Web addresses (with or without http), DOIs and e-mail addresses may carry underscores, digits and file names
# legitimately (the reference list): they are removed before the text is scanned.
_ADDRESS = re.compile(r"(?:https?://|www\.|doi:\s*|10\.\d{4,}/)\S+|\S+@\S+\.\w+|(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|eu|uk|de|nl|io|info|life)(?:/\S*)?(?![\w-])",
                      re.IGNORECASE)

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("internal id", re.compile(r"(?<![\w.-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w-])(?!\.[A-Za-z])")),
    ("internal id", re.compile(r"(?<![\w.-])(?:src|rev|study|fact|claim|ae|out)\d{2,}(?![\w-])", re.IGNORECASE)),
    ("internal id", re.compile(r"(?<![\w.-])[a-z]{3,}\d{3,}(?:[a-z]\w*)?(?![\w-])")),
    # the data's numbering of the public texts ("public text 004"): readers know them by title and publisher
    ("internal id", re.compile(r"(?<![\w-])public text \d{2,}(?![\w-])", re.IGNORECASE)),
    ("file name", re.compile(r"(?<![\w-])[\w-]+\.(?:csv|txt|json|bib|py|ipynb|yml|yaml|tsv|xlsx)(?![\w-])", re.IGNORECASE)),
    ("hash", re.compile(r"(?<![\w-])[0-9a-f]{12,}(?![\w-])")),
    ("'(s)' grammar", re.compile(r"[A-Za-z]+\((?:s|es|ies)\)")),
    ("missing value shown", re.compile(r"<NA>|<NaT>|(?<![\w-])(?:nan|NaN|NaT|null)(?![\w-])")),
    # "None" as a value (alone, or before punctuation), not the English "None of the trials ..."
    ("missing value shown", re.compile(r"(?<![\w-])None(?=\s*(?:$|[,;:)\]%/=|]))")),
    # (not the grammatical "how common the use is is ...", "that that", "had had")
    ("doubled word", re.compile(r"(?<![\w-])(?!(?:is|that|had)\s)([A-Za-z]{2,})\s+\1(?![\w-])", re.IGNORECASE)),
]


def leaks(text: str) -> list[str]:
    """Every leak in ``text``, as 'kind: the words found' (empty when the text reads as words)."""
    text = _ADDRESS.sub(" ", str(text))
    found: list[str] = []
    for kind, pattern in _RULES:
        for match in pattern.finditer(text):
            item = f"{kind}: {match.group(0)}"
            if item not in found:
                found.append(item)
    return found

"""The audit of the public texts' claims: verdicts by text, as a table and a figure.

A claim without a verdict is counted as "not yet audited", never as supported.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from pandas.io.formats.style import Styler  # noqa: E402

from analysis.figures.style import OKABE_ITO, plain_label  # noqa: F401 - also selects the headless backend
from analysis.pages.names import reader_text

VERDICTS = ["supported", "partly_supported", "unsupported", "contradicted", "not_checkable", "not_yet_audited"]
VERDICT_LABELS = {v: v.replace("_", " ") for v in VERDICTS}
# Okabe–Ito colours, ordered from agreement to contradiction; grey for not audited.
VERDICT_COLOURS = {
    "supported": OKABE_ITO["bluish_green"],
    "partly_supported": OKABE_ITO["sky_blue"],
    "unsupported": OKABE_ITO["orange"],
    "contradicted": OKABE_ITO["vermillion"],
    "not_checkable": OKABE_ITO["reddish_purple"],
    "not_yet_audited": "#BBBBBB",
}


def verdicts(claims: pd.DataFrame) -> pd.Series:
    """Each claim's verdict, 'not_yet_audited' where none is recorded."""
    return claims["verdict"].astype("string").fillna("not_yet_audited")


def verdict_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims per source text (rows) and verdict (columns, in VERDICTS order), with totals."""
    table = pd.crosstab(claims["source_report"], verdicts(claims)).reindex(columns=VERDICTS, fill_value=0)
    table["total"] = table.sum(axis=1)
    return table


def verdict_figure(counts: pd.DataFrame, names: dict[str, str]) -> tuple[Figure, str]:
    """Horizontal stacked bars of verdicts per source text; returns (figure, alt text)."""
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(counts) + 1.6))
    y = list(range(len(counts)))[::-1]
    left = [0] * len(counts)
    for verdict in VERDICTS:
        values = list(counts[verdict])
        ax.barh(y, values, left=left, color=VERDICT_COLOURS[verdict], label=VERDICT_LABELS[verdict], edgecolor="white", linewidth=0.5)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(y, [plain_label(names.get(s, s)) for s in counts.index])
    ax.set_xlabel("Claims")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    parts = []
    for source, row in counts.iterrows():
        present = ", ".join(f"{row[v]} {VERDICT_LABELS[v]}" for v in VERDICTS if row[v])
        parts.append(f"{names.get(source, source)}: {row['total']} claims ({present})")
    return fig, "Stacked bar chart of the audit verdicts for the claims in each public text. " + "; ".join(parts) + "."


def readable(text: str, labels: dict[str, str]) -> str:
    """A verdict's reason for readers: each bracketed pointer into the data (``[outcomes: patil2012 …]``)
    becomes the names of the studies it points to, or goes when it names none."""
    import re

    def names(match: re.Match[str]) -> str:
        found = [labels[t] for t in re.findall(r"[a-z][a-z0-9_]*", match.group(1)) if t in labels]
        return f" ({'; '.join(dict.fromkeys(found))})" if found else ""

    return re.sub(r"\s*\[([^\]]*)\]", names, text).strip()


def claim_number(claim_id: str) -> str:
    """'src002_04' -> '4': the claim's number within its text."""
    tail = str(claim_id).rsplit("_", 1)[-1]
    return str(int(tail)) if tail.isdigit() else str(claim_id)


def claims_table(claims: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One display row per claim: its number and place in the text, quote, numbers and cited studies (by name),
    topic, verdict and reason.

    ``labels`` maps study ids to the names readers see (``studies.label``). Six columns, not eight: the
    claim's number goes with its place in the text, the numbers it states with the studies it cites, so
    that every column shows beside the quote and the reason at a desktop width (issue 13)."""
    labels = labels or {}
    out = claims.assign(_verdict=verdicts(claims))

    def cited(c: object) -> str:
        return "; ".join(labels.get(x.strip(), reader_text(x.strip())) for x in str(c).split(";") if x.strip())

    def numbers_and_cites(numbers: object, cites: object) -> str:
        parts = [str(numbers).strip() if pd.notna(numbers) else "", cited(cites) if pd.notna(cites) else ""]
        if parts[1]:
            parts[1] = f"cites {parts[1]}"
        return "; ".join(p for p in parts if p)

    return pd.DataFrame(
        {
            "Claim (where)": [f"{claim_number(c)} ({w})" if pd.notna(w) and str(w).strip() else claim_number(c)
                              for c, w in zip(out["claim_id"], out["source_location"])],
            "The text says (quoted)": out["source_quote"],
            "Numbers, citations": [numbers_and_cites(n, c) for n, c in zip(out["numbers"], out["cites"])],
            "Topic": (out["topic"] if "topic" in out else pd.Series("", index=out.index)).fillna("").map(topic_label),
            "Verdict": out["_verdict"].map(VERDICT_LABELS),
            "Why": out["verdict_reason"].fillna("").map(lambda t: reader_text(readable(str(t), labels))),
        },
        index=out.index,
    )


def topic_label(topic: object) -> str:
    """A claim's topic as a word for readers: 'dosing', 'mechanism' (underscores become spaces)."""
    return str(topic).replace("_", " ").strip()


# The columns a reader can filter the claim tables by (theme/static/claim-filter.js reads the
# cells marked with these classes; the table carries ``data-claim-table``).
FILTER_CLASSES = {"Verdict": "claim-verdict", "Topic": "claim-topic"}


def filterable(table: pd.DataFrame) -> Styler:
    """A claims table (:func:`claims_table`) as a Styler whose verdict and topic cells are marked for the
    page's filter: the table gets ``data-claim-table`` and those cells the classes in :data:`FILTER_CLASSES`."""
    classes = pd.DataFrame("", index=table.index, columns=table.columns)
    for column, css in FILTER_CLASSES.items():
        if column in classes:
            classes[column] = css
    return table.style.set_td_classes(classes).set_table_attributes("data-claim-table")


def public_texts(claims: pd.DataFrame) -> list[str]:
    """The public texts with claims, in the order the page shows them (their sections, one each)."""
    return sorted(str(r) for r in claims["source_report"].dropna().unique())


def section_key(position: int) -> str:
    """The glue key of the name in the heading of the ``position``-th (from 1) public text's section."""
    return f"audit_text_{position}"

"""The published systematic reviews side by side: their scope, their pooled results, and how much they overlap.

Their results are overlapping evidence, not independent evidence: the same trials are pooled
again and again, so agreement between reviews is not confirmation. The overlap of their
included trials is measured by the corrected covered area (Pieper, Antoine, Mathes, Neugebauer
and Eikermann, J Clin Epidemiol 2014;67:368-375):

    CCA = (N - r) / (r c - r)

with N the number of inclusions (ticks in the citation matrix, counting a trial once per review
that includes it), r the number of distinct trials (rows) and c the number of reviews (columns).
Pieper and colleagues read 0-5% as slight, 6-10% moderate, 11-15% high and over 15% very high overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.figures.style import OKABE_ITO, plain_label, plain_log_axis
from analysis.text import counted

MEASURE_PANELS = (
    ("MD", "Mean difference in pain, points on a 0–10 scale (below 0 favours ketamine)", 0.0, False),
    ("MD_other", "Mean difference, other or unstated scale (below 0 favours ketamine; not comparable with the panel above)", 0.0, False),
    ("SMD", "Standardised mean difference (below 0 favours ketamine)", 0.0, False),
    ("RR", "Risk ratio (above 1: more often with ketamine; harms and responders alike)", 1.0, True),
    ("proportion", "Proportion of treated patients with relief (%), no control group", None, False),
)


def panel_of(measure: str, scale: object) -> str:
    """The figure panel of a result: mean differences split by whether their scale is 0-10."""
    if measure == "MD" and not re.search(r"\b0\s*[-–]\s*10(?![0-9])", _text(scale)):
        return "MD_other"
    return measure


def _text(x: object) -> str:
    return "" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


def search_date(notes: str) -> str:
    m = re.search(r"search date: ([^;]+)", notes)
    return m.group(1).strip() if m else ""


def scope_table(studies: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """One row per systematic review: scope, search date, trials and participants as stated, results held here."""
    reviews = studies[studies["design"] == "systematic_review"].sort_values(["year", "label"])
    k_stated = reviews["notes"].astype("string").fillna("").str.extract(r"k = ([0-9]+)")[0]
    n_results = results.groupby("study_id").size()
    return pd.DataFrame({
        "Review": reviews["label"].astype(str),
        "Scope": reviews["population"].astype(str),
        "Searched to": [search_date(_text(n)) or "not stated in what was read" for n in reviews["notes"]],
        "Studies": [k if isinstance(k, str) else "not read" for k in k_stated],
        "Participants": [f"{int(n)}" if pd.notna(n) else "not read" for n in reviews["n_enrolled"]],
        "Pooled results held here": [int(n_results.get(s, 0)) for s in reviews["study_id"]],
        "How it was read": np.where(reviews["source_kind"] == "primary", "its own abstract", "second-hand only"),
    })


def results_figure(results: pd.DataFrame, studies: pd.DataFrame, ours: list[dict[str, object]] | None = None) -> tuple[Figure, str]:
    """Every pooled result on one figure: one panel per measure, one line per result, labelled by review, outcome and time."""
    import matplotlib.pyplot as plt

    labels = studies.set_index("study_id")["label"].astype(str)
    rows = results.copy()
    rows["review"] = rows["study_id"].map(labels)
    rows["panel"] = [panel_of(m, s) for m, s in zip(rows["measure"], rows["scale"])]
    extra = pd.DataFrame(ours or [])
    if len(extra):
        extra["panel"] = extra["measure"]
    panels = [p for p in MEASURE_PANELS if (rows["panel"] == p[0]).any() or (len(extra) and (extra["panel"] == p[0]).any())]
    heights = [max(1, int((rows["panel"] == p[0]).sum()) + (int((extra["panel"] == p[0]).sum()) if len(extra) else 0)) for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.2, 0.32 * sum(heights) + 1.1 * len(panels)), gridspec_kw={"height_ratios": heights}, squeeze=False)
    parts = []
    for ax, (measure, title, null, logx), _h in zip(axes[:, 0], panels, heights):
        sub = rows[rows["panel"] == measure].sort_values(["review", "time_window"])
        lines = [(f"{r['review']}: {r['outcome']}" + (f" ({r['time_window']})" if _text(r["time_window"]) else ""), float(r["estimate"]),
                  r["ci_low"], r["ci_high"], OKABE_ITO["blue"] if r["source_kind"] == "primary" else OKABE_ITO["orange"]) for _, r in sub.iterrows()]
        if len(extra):
            for _, r in extra[extra["panel"] == measure].iterrows():
                lines.append((f"This book: {r['outcome']}", float(r["estimate"]), r["ci_low"], r["ci_high"], OKABE_ITO["vermillion"]))
        for i, (lab, est, lo, hi, colour) in enumerate(lines):
            y = len(lines) - i
            if pd.notna(lo) and pd.notna(hi):
                ax.plot([float(lo), float(hi)], [y, y], color=colour, lw=1.4)
            ax.plot([est], [y], marker="D" if lab.startswith("This book") else "s", color=colour, markersize=5)
            parts.append(f"{lab}: {est:g}" + (f" ({float(lo):g} to {float(hi):g})" if pd.notna(lo) and pd.notna(hi) else ""))
        ax.set_yticks([len(lines) - i for i in range(len(lines))], [plain_label(("\n".join(re.findall(".{1,70}(?:\\s|$)", lab)) or lab).strip()) for lab, *_ in lines], fontsize=6.5)
        if null is not None:
            ax.axvline(null, color="#777777", lw=0.8, ls="--")
        if logx:
            plain_log_axis(ax)
        ax.set_title(plain_label(title), fontsize=8.5, loc="left")
        ax.set_ylim(0.4, len(lines) + 0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.tight_layout()
    alt = ("Pooled results of the published reviews, one panel per measure, each with its 95% confidence interval. "
           "Blue: read in the review's own abstract; orange: read only second-hand; red diamonds: this book. " + "; ".join(parts) + ".")
    return fig, alt


@dataclass(frozen=True)
class Overlap:
    """The citation matrix of reviews by trials and its corrected covered area."""

    matrix: pd.DataFrame
    cca: float

    @property
    def reviews(self) -> int:
        return self.matrix.shape[1]

    @property
    def trials(self) -> int:
        return self.matrix.shape[0]

    def sentence(self) -> str:
        if self.reviews < 2:
            return (f"the list of included trials could be read for {counted(self.reviews, 'review')} only "
                    f"({counted(self.trials, 'trial')}), so no overlap can be measured")
        level = "slight" if self.cca <= 5 else "moderate" if self.cca <= 10 else "high" if self.cca <= 15 else "very high"
        return f"corrected covered area {self.cca:.1f}% ({level} overlap; {counted(self.trials, 'trial')} in {counted(self.reviews, 'review')})"


def corrected_covered_area(matrix: pd.DataFrame) -> float:
    """Pieper 2014: CCA = (N - r) / (r c - r), in percent; NaN with fewer than two reviews."""
    r, c = matrix.shape
    if c < 2 or r == 0:
        return float("nan")
    n = int(matrix.to_numpy().sum())
    return 100.0 * (n - r) / (r * c - r)


def overlap(review_trials: pd.DataFrame, studies: pd.DataFrame) -> Overlap:
    """The citation matrix (trials x reviews, 1 = included) built from the readable lists."""
    labels = studies.set_index("study_id")["label"].astype(str)
    rows = review_trials.assign(review=review_trials["review_id"].map(labels), trial=review_trials["trial_label"].astype(str))
    matrix = pd.crosstab(rows["trial"], rows["review"]).clip(upper=1) if len(rows) else pd.DataFrame()
    return Overlap(matrix, corrected_covered_area(matrix))

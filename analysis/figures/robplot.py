"""Risk-of-bias traffic-light figure from ``data/risk_of_bias.csv``: studies × domains, one panel per tool.

Rules:

* one panel per tool family present in the data, in the order RoB 2 (randomised trials,
  including the crossover variant), ROBINS-I (non-randomised comparisons), JBI checklist
  for case series; tools are never mixed in one panel, because their judgements differ
  (RoB 2: low / some concerns / high; ROBINS-I: low / moderate / serious / critical / no
  information; JBI items: yes / no / unclear / not applicable, with the book's overall
  risk-of-bias judgement in the 'overall' column);
* columns are the domains in the order they first appear in the data, with 'overall' last,
  labelled by their code (D1, Q1 …) with a key below the panel;
* rows are studies (a study assessed for several results has one row per result);
* colours are from the Okabe–Ito colour-blind-safe palette, and each cell also carries a
  symbol, so no judgement is told by colour alone.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from analysis.figures.style import OKABE_ITO, plain_label  # noqa: F401 - also selects the headless backend
from analysis.text import counted

# (panel title, tools in the panel)
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("RoB 2 (randomised trials)", ("rob2", "rob2_crossover")),
    ("ROBINS-I (non-randomised comparisons)", ("robins_i",)),
    ("JBI checklist for case series (uncontrolled studies)", ("jbi_case_series",)),
)

# judgement -> (colour, symbol, legend label); Okabe–Ito colours.
STYLE: dict[str, tuple[str, str, str]] = {
    "low": (OKABE_ITO["bluish_green"], "+", "Low risk"),
    "some_concerns": (OKABE_ITO["yellow"], "−", "Some concerns"),
    "moderate": (OKABE_ITO["yellow"], "−", "Moderate risk"),
    "high": (OKABE_ITO["vermillion"], "×", "High risk"),
    "serious": (OKABE_ITO["vermillion"], "×", "Serious risk"),
    "critical": (OKABE_ITO["reddish_purple"], "!", "Critical risk"),
    "no_information": ("#BBBBBB", "?", "No information"),
    "yes": (OKABE_ITO["sky_blue"], "Y", "Yes (item met)"),
    "no": (OKABE_ITO["orange"], "N", "No (item not met)"),
    "unclear": ("#DDDDDD", "?", "Unclear"),
    "not_applicable": ("#FFFFFF", "–", "Not applicable"),
}
JUDGEMENT_ORDER = list(STYLE)


def domain_code(domain: str) -> str:
    """'D1 randomization process' -> 'D1'; 'overall' -> 'Overall'."""
    return "Overall" if domain.strip().lower() == "overall" else domain.split()[0]


def _domains(rows: pd.DataFrame) -> list[str]:
    seen = list(dict.fromkeys(rows["domain"].astype(str)))
    return [d for d in seen if d.lower() != "overall"] + [d for d in seen if d.lower() == "overall"]


def _row_labels(rows: pd.DataFrame, labels: dict[str, str]) -> list[tuple[str, str, str]]:
    keys = list(dict.fromkeys(zip(rows["study_id"].astype(str), rows["result"].astype(str))))
    return [(s, r, labels.get(s, s) + ("" if r == "all" else f" ({r})")) for s, r in keys]


def traffic_light(rob: pd.DataFrame, studies: pd.DataFrame) -> tuple[Figure, str]:
    """The traffic-light figure and its alt text (every study's overall judgement and the judgement counts)."""
    labels = dict(zip(studies["study_id"].astype(str), studies["label"].astype(str)))
    years = dict(zip(studies["study_id"].astype(str), studies["year"]))
    panels = []
    for title, tools in PANELS:
        rows = rob[rob["tool"].isin(tools)]
        if len(rows):
            rows = rows.assign(_y=rows["study_id"].astype(str).map(years)).sort_values(["_y", "study_id"], kind="stable")
            panels.append((title, rows))
    if not panels:
        raise ValueError("risk_of_bias.csv has no judgement to plot")
    heights = [len(_row_labels(rows, labels)) + 2.6 for _, rows in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(10.5, 0.42 * sum(heights) + 0.6), gridspec_kw={"height_ratios": heights}, squeeze=False)
    alt_parts = []
    for ax, (title, rows) in zip(axes[:, 0], panels):
        domains = _domains(rows)
        keys = _row_labels(rows, labels)
        cells = {(str(r["study_id"]), str(r["result"]), str(r["domain"])): str(r["judgement"]) for _, r in rows.iterrows()}
        used: list[str] = []
        dots: dict[str, list[tuple[int, int]]] = {}  # colour -> its cells: one scatter per colour (one per cell took a second a figure)
        for yi, (study, result, _) in enumerate(keys):
            for xi, domain in enumerate(domains):
                judgement = cells.get((study, result, domain))
                if judgement is None:
                    continue
                colour, symbol, _ = STYLE.get(judgement, ("#FFFFFF", "?", judgement))
                dots.setdefault(colour, []).append((xi, yi))
                ax.text(xi, yi, symbol, ha="center", va="center", fontsize=10, weight="bold", color="#111111", zorder=3)
                used.append(judgement)
        for colour, where in dots.items():
            ax.scatter([x for x, _ in where], [y for _, y in where], s=330, color=colour, edgecolors="#333333", linewidths=0.8, zorder=2)
        ax.set_xticks(range(len(domains)), [plain_label(domain_code(d)) for d in domains], fontsize=9)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(keys)), [plain_label(k[2]) for k in keys], fontsize=9)
        ax.set_xlim(-0.6, len(domains) - 0.4)
        ax.set_ylim(len(keys) - 0.5, -0.5)
        ax.axvline(len(domains) - 1.5, color="#888888", lw=0.8)
        ax.set_title(plain_label(title), loc="left", fontsize=10, weight="bold", pad=22)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.tick_params(length=0)
        key = "; ".join(f"{domain_code(d)} {d.split(' ', 1)[1] if ' ' in d else d}" for d in domains if d.lower() != "overall")
        ax.text(0, -0.02, plain_label("\n".join(textwrap.wrap(key, 150))), transform=ax.transAxes, ha="left", va="top", fontsize=7.5, color="#333333")
        present = [j for j in JUDGEMENT_ORDER if j in used]
        handles = [
            Line2D([0], [0], marker="o", ls="", markersize=11, markerfacecolor=STYLE[j][0], markeredgecolor="#333333", label=f"{STYLE[j][1]}  {STYLE[j][2]}")
            for j in present
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, title="Judgement", title_fontsize=8)
        overall = [d for d in domains if d.lower() == "overall"]
        per_study = ", ".join(
            f"{label} {STYLE.get(cells.get((s, r, overall[0]), ''), ('', '', 'not judged'))[2].lower()}" for s, r, label in keys
        ) if overall else ""  # fmt: skip
        counts = pd.Series(used).value_counts()
        alt_parts.append(
            f"{title}: {counted(len(keys), 'study')} by {counted(len(domains), 'domain')}"
            + (f"; overall: {per_study}" if per_study else "")
            + "; judgements: " + ", ".join(f"{STYLE[j][2].lower()} {int(counts[j])}" for j in present)
        )
    fig.tight_layout()
    return fig, "Traffic-light chart of risk-of-bias judgements. " + ". ".join(alt_parts) + "."

"""The PRISMA 2020 flow diagram, computed from the data and checked so that it adds up.

Design (PRISMA 2020 item 16a). ``data/prisma_flow.csv`` has one row per data field of
the PRISMA 2020 flow diagram, named as in the PRISMA2020 R package
(``inst/extdata/PRISMA.csv``; Haddaway et al., *Campbell Syst Rev* 2022;18:e1230).
Each row is either

* ``declared``: a count that no other table records, stated with its basis (here:
  the zeros of the database-and-register column, because no bibliographic database
  or trial register has been searched);
* ``computed``: a count this module computes from ``searches.csv``, ``claims.csv``,
  ``reports.csv`` and ``studies.csv`` by the rule in :data:`COMPUTED_RULES`, so the
  diagram follows the data when a study or a search is added; or
* ``not_applicable``: a box that does not apply (the "previous version" column of a
  first version).

:func:`check_flow` then asserts the arithmetic of review-standards §1.2 and raises
:class:`PrismaError`, naming every count that does not add up, so the book's build
fails rather than show a diagram whose boxes disagree. It also refuses a declared
``database_results`` of 0 when ``searches.csv`` logs a search of a bibliographic
database or register (:data:`DATABASE_SOURCE`): the zero would then be untrue.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from pandas.io.formats.style import Styler  # noqa: E402

from analysis.figures.style import OKABE_ITO, plain_label  # noqa: F401 - also selects the headless backend
from analysis.pages.names import reader_text, report_names  # noqa: E402,F401 - the search log names reports as every page does

# The data fields of the PRISMA2020 package's flow diagram, in its order.
PRISMA2020_FIELDS: tuple[str, ...] = (
    "previous_studies", "previous_reports",
    "database_results", "register_results", "website_results", "organisation_results", "citations_results",
    "duplicates", "excluded_automatic", "excluded_other", "records_screened", "records_excluded",
    "dbr_sought_reports", "dbr_notretrieved_reports", "dbr_assessed", "dbr_excluded",
    "other_sought_reports", "other_notretrieved_reports", "other_assessed", "other_excluded",
    "new_studies", "new_reports", "total_studies", "total_reports",
)  # fmt: skip

# What each box says (PRISMA 2020 flow diagram wording).
BOX_LABELS: dict[str, str] = {
    "previous_studies": "Studies included in previous version of review",
    "previous_reports": "Reports of studies included in previous version of review",
    "database_results": "Records identified from databases",
    "register_results": "Records identified from registers",
    "website_results": "Records identified from websites",
    "organisation_results": "Records identified from organisations",
    "citations_results": "Records identified by citation searching",
    "duplicates": "Duplicate records removed",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "excluded_other": "Records removed for other reasons",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded",
    "dbr_sought_reports": "Reports sought for retrieval (databases and registers)",
    "dbr_notretrieved_reports": "Reports not retrieved (databases and registers)",
    "dbr_assessed": "Reports assessed for eligibility (databases and registers)",
    "dbr_excluded": "Reports excluded (databases and registers)",
    "other_sought_reports": "Reports sought for retrieval (other methods)",
    "other_notretrieved_reports": "Reports not retrieved (other methods)",
    "other_assessed": "Reports assessed for eligibility (other methods)",
    "other_excluded": "Reports excluded (other methods)",
    "new_studies": "New studies included in review",
    "new_reports": "Reports of new included studies",
    "total_studies": "Total studies included in review",
    "total_reports": "Reports of total included studies",
}

# The fields this module can compute, and the rule in words (shown in the book).
METHOD_WORDS = {"computed": "computed", "declared": "declared", "not_applicable": "not applicable"}
COMPUTED_RULES: dict[str, str] = {
    "website_results": "the records returned by every logged search, summed",
    "citations_results": "the distinct studies that the public texts' claims cite or rely on",
    "other_sought_reports": "the reports in the data that belong to a study",
    "other_notretrieved_reports": "the primary reports of studies read only second-hand",
    "other_assessed": "reports sought minus reports not retrieved",
    "other_excluded": "assessed reports of studies whose role is context or excluded",
    "new_studies": "studies whose role is included",
    "new_reports": "assessed reports of included studies",
}

# A search whose source names one of these is a search of a bibliographic database or
# trial register, and belongs in the diagram's database-and-register column.
DATABASE_SOURCE = re.compile(
    r"medline|pubmed|embase|cochrane|central\b|web of science|scopus|psycinfo|cinahl|lilacs|"
    r"clinicaltrials\.gov|ictrp|trial register|euctr",
    re.IGNORECASE,
)

DESIGN_REASONS = {
    "systematic_review": "Systematic review: described as context, its studies sought",
    "narrative_review": "Narrative review: described as context",
    "guideline": "Guideline: described as context",
}
EXCLUDED_REASON = "Study assessed and excluded (reason in studies.csv notes)"


class PrismaError(ValueError):
    """The flow diagram's counts do not add up, or prisma_flow.csv is incomplete."""


@dataclass
class Flow:
    """The resolved counts of every box (None: not applicable), reasons for exclusion, and notes."""

    values: dict[str, int | None]
    methods: dict[str, str]
    reasons: dict[str, dict[str, int]] = field(default_factory=lambda: {"dbr_excluded": {}, "other_excluded": {}})
    secondhand_studies: list[str] = field(default_factory=list)
    database_searches: int = 0
    database_records: int = 0
    searches: int = 0
    relevant: int = 0

    def __getitem__(self, name: str) -> int:
        value = self.values[name]
        return 0 if value is None else int(value)


def _ids(cell: object) -> list[str]:
    if cell is None or pd.isna(cell):
        return []
    return [item.strip() for item in str(cell).split(";") if item.strip()]


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def corpus_of(source: str) -> str:
    """A short name for where a search ran, from the free-text ``source`` of searches.csv."""
    text = source.lower()
    if "corpus pages" in text:
        return "stored public web pages"
    if "corpus docs" in text:
        return "stored documentation pages"
    if "find_string" in text or "find_files" in text or "find_repos" in text:
        return "stored public source and documentation files"
    return source


def search_summary(searches: pd.DataFrame) -> pd.DataFrame:
    """One row per corpus searched: searches, first and last date, records returned, records relevant."""
    frame = searches.assign(corpus=searches["source"].astype(str).map(corpus_of))
    grouped = frame.groupby("corpus", sort=True)
    table = pd.DataFrame(
        {
            "Searches": grouped.size(),
            "First searched": grouped["date"].min(),
            "Last searched": grouped["date"].max(),
            "Records returned": grouped["records"].sum(min_count=1).fillna(0).astype(int),
            "Relevant and read": grouped["relevant"].sum(min_count=1).fillna(0).astype(int),
        }
    )
    return table.reset_index().rename(columns={"corpus": "Where searched"}).sort_values("Searches", ascending=False, kind="stable")


def compute_flow(
    flow_table: pd.DataFrame, searches: pd.DataFrame, claims: pd.DataFrame, reports: pd.DataFrame, studies: pd.DataFrame
) -> Flow:
    """Resolve every box of the diagram: declared values as stated, computed ones from the tables.

    Raises :class:`PrismaError` if a PRISMA2020 field is missing, a declared field has no
    value, a computed field states one, or a field marked computed has no rule here.
    """
    problems: list[str] = []
    rows = {str(r["field"]): r for _, r in flow_table.iterrows()}
    missing = [f for f in PRISMA2020_FIELDS if f not in rows]
    if missing:
        problems.append(f"prisma_flow.csv lacks the field(s) {', '.join(missing)}; add one row per PRISMA2020 field")
    values: dict[str, int | None] = {}
    methods: dict[str, str] = {}
    for name, row in rows.items():
        method, value = str(row["method"]), row["value"]
        methods[name] = method
        if method == "declared":
            if pd.isna(value):
                problems.append(f"{name} is declared but has no value")
            values[name] = None if pd.isna(value) else int(value)
        elif method == "computed":
            if not pd.isna(value):
                problems.append(f"{name} is computed from the data; leave its value empty (it states {value})")
            if name not in COMPUTED_RULES:
                problems.append(f"{name} is marked computed but analysis/prisma.py has no rule for it; declare it instead")
            values[name] = None
        else:
            values[name] = None
    if problems:
        raise PrismaError("the PRISMA flow data are incomplete:\n- " + "\n- ".join(problems))

    flow = Flow(values=values, methods=methods)
    records = searches["records"].fillna(0).astype(int)
    relevant = searches["relevant"].fillna(0).astype(int)
    is_database = searches["source"].astype(str).str.contains(DATABASE_SOURCE)
    flow.searches, flow.relevant = len(searches), int(relevant.sum())
    flow.database_searches = int(is_database.sum())

    study_rows = studies.set_index("study_id")
    cited = {i for col in ("cites", "relies_on") for cell in claims[col] for i in _ids(cell)}
    sought = reports[reports["study_id"].notna() & reports["study_id"].isin(study_rows.index)]
    secondhand = study_rows[study_rows["status"] == "secondary_only"]
    not_retrieved = sought[sought["report_id"].isin(set(secondhand["primary_report"].dropna()))]
    assessed = sought[~sought["report_id"].isin(set(not_retrieved["report_id"]))]
    role = assessed["study_id"].map(study_rows["role"])
    included_reports = assessed[role == "included"]
    reasons: dict[str, int] = {}
    for _, report in assessed[role != "included"].iterrows():
        study = study_rows.loc[report["study_id"]]
        reason = EXCLUDED_REASON if study["role"] == "excluded" else DESIGN_REASONS.get(study["design"], f"{study['design']}: described as context")
        reasons[reason] = reasons.get(reason, 0) + 1
    included = study_rows[study_rows["role"] == "included"]
    flow.secondhand_studies = sorted(str(included.loc[s, "label"]) for s in included.index if s not in set(included_reports["study_id"]))

    computed = {
        "website_results": int(records[~is_database].sum()),
        "citations_results": len(cited),
        "other_sought_reports": len(sought),
        "other_notretrieved_reports": len(not_retrieved),
        "other_assessed": len(assessed),
        "other_excluded": sum(reasons.values()),
        "new_studies": len(included),
        "new_reports": len(included_reports),
    }
    for name, value in computed.items():
        if methods.get(name) == "computed":
            flow.values[name] = value
    flow.reasons["other_excluded"] = reasons
    if flow.values.get("dbr_excluded"):
        flow.reasons["dbr_excluded"] = {"Reasons not recorded in the data": int(flow.values["dbr_excluded"] or 0)}
    flow.database_records = int(records[is_database].sum())
    return flow


def check_flow(flow: Flow) -> None:
    """Assert that the boxes add up (review-standards §1.2); raise :class:`PrismaError` naming each failure.

    Rules (B: databases and registers; C: other methods):

    * records screened = database + register records − duplicates − automation − other removals;
    * B reports sought = records screened − records excluded;
    * B reports assessed = B sought − B not retrieved; C assessed = C sought − C not retrieved;
    * reports excluded = the sum of the counts per reason, in each column;
    * new reports = (B assessed − B excluded) + (C assessed − C excluded);
    * new studies ≤ new reports, except for studies included on second-hand accounts only
      (their own report was not retrieved), which are counted and shown in the diagram;
    * totals = previous + new, when a previous version exists;
    * database and register records = the records of the database searches logged in searches.csv;
    * no count is negative.
    """
    f = flow
    failures: list[str] = []

    def equal(name: str, expected: int, how: str) -> None:
        if f[name] != expected:
            failures.append(f"{name} is {f[name]} but {how} gives {expected}")

    for name, value in f.values.items():
        if value is not None and value < 0:
            failures.append(f"{name} is negative ({value})")
    equal(
        "records_screened",
        f["database_results"] + f["register_results"] - f["duplicates"] - f["excluded_automatic"] - f["excluded_other"],
        "database_results + register_results − duplicates − excluded_automatic − excluded_other",
    )
    equal("dbr_sought_reports", f["records_screened"] - f["records_excluded"], "records_screened − records_excluded")
    equal("dbr_assessed", f["dbr_sought_reports"] - f["dbr_notretrieved_reports"], "dbr_sought_reports − dbr_notretrieved_reports")
    equal("other_assessed", f["other_sought_reports"] - f["other_notretrieved_reports"], "other_sought_reports − other_notretrieved_reports")
    for column in ("dbr_excluded", "other_excluded"):
        equal(column, sum(f.reasons.get(column, {}).values()), f"the sum of its counts per reason ({f.reasons.get(column, {})})")
    equal(
        "new_reports",
        f["dbr_assessed"] - f["dbr_excluded"] + f["other_assessed"] - f["other_excluded"],
        "(dbr_assessed − dbr_excluded) + (other_assessed − other_excluded)",
    )
    if f["new_studies"] - len(f.secondhand_studies) > f["new_reports"]:
        failures.append(
            f"new_studies ({f['new_studies']}, of which {len(f.secondhand_studies)} on second-hand accounts only) exceeds new_reports ({f['new_reports']})"
        )
    for total, previous, new in (("total_studies", "previous_studies", "new_studies"), ("total_reports", "previous_reports", "new_reports")):
        if f.values.get(total) is not None:
            equal(total, f[previous] + f[new], f"{previous} + {new}")
    logged = f.database_records
    if f["database_results"] + f["register_results"] != logged or (f.database_searches and not f["database_results"] + f["register_results"]):
        failures.append(
            f"database_results + register_results is {f['database_results'] + f['register_results']} but searches.csv logs "
            f"{f.database_searches} search(es) of a bibliographic database or register returning {logged} records; update prisma_flow.csv"
        )
    if failures:
        raise PrismaError("the PRISMA flow diagram does not add up:\n- " + "\n- ".join(failures))


def flow_table(flow: Flow, flow_rows: pd.DataFrame) -> pd.DataFrame:
    """One display row per box: the PRISMA2020 field, what the box says, n, and how the count was obtained."""
    rows = []
    for _, r in flow_rows.iterrows():
        name = str(r["field"])
        value = flow.values.get(name)
        rows.append(
            {
                "Box": BOX_LABELS.get(name, name),
                "n": "not applicable" if value is None else str(value),
                "How obtained": f"{METHOD_WORDS.get(str(r['method']), str(r['method']))}: "
                                f"{COMPUTED_RULES.get(name, r['basis']) if r['method'] == 'computed' else r['basis']}",
                "Note": reader_text(_text(r["note"])),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Drawing

PHASE_COLOUR = "#9ecae1"  # light blue of the PRISMA template; text carries the meaning
EDGE = "#222222"
NOT_DONE = "#eeeeee"


def _box(ax: plt.Axes, x: float, y: float, w: float, h: float, text: str, done: bool = True, width: int = 38) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0.2,rounding_size=0.6", linewidth=1.0,
            edgecolor=EDGE, facecolor="white" if done else NOT_DONE, linestyle="-" if done else (0, (4, 2)),
        )
    )  # fmt: skip
    lines = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width) or [""])
    ax.text(x + 1.0, y + h - 1.0, plain_label("\n".join(lines)), ha="left", va="top", fontsize=7.6, color="#111111" if done else "#444444")


def _arrow(ax: plt.Axes, x0: float, y0: float, x1: float, y1: float) -> None:
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "-|>", "color": EDGE, "lw": 1.0, "shrinkA": 0, "shrinkB": 0})


def flow_figure(flow: Flow) -> tuple[Figure, str]:
    """The PRISMA 2020 flow diagram (new reviews, databases/registers and other methods); returns (figure, alt text).

    Boxes of the database-and-register column are drawn grey and dashed when no record
    went through them (nothing was searched there), so the gap is visible.
    """
    f = flow
    fig, ax = plt.subplots(figsize=(12.5, 9.6))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.axis("off")
    dbr_done = f["database_results"] + f["register_results"] > 0
    xb, xbs, xc, xcs, w = 8.0, 31.0, 54.0, 77.0, 21.0

    ax.text(xb + (xbs + w - xb) / 2, 99.5, "Identification of new studies via databases and registers", ha="center", va="top", fontsize=9, weight="bold")
    ax.text(xc + (xcs + w - xc) / 2, 99.5, "Identification of new studies via other methods", ha="center", va="top", fontsize=9, weight="bold")
    for (y0, y1), phase in (((78, 96), "Identification"), ((27, 76), "Screening"), ((2, 25), "Included")):
        ax.add_patch(FancyBboxPatch((0.5, y0), 5.0, y1 - y0, boxstyle="round,pad=0.2", facecolor=PHASE_COLOUR, edgecolor=EDGE, linewidth=0.8))
        ax.text(3.0, (y0 + y1) / 2, phase, rotation=90, ha="center", va="center", fontsize=9, weight="bold")

    # Column B: databases and registers.
    _box(ax, xb, 80, w, 16, f"Records identified from:\nDatabases (n = {f['database_results']})\nRegisters (n = {f['register_results']})"
         + ("" if dbr_done else "\nNo bibliographic database or trial register has been searched"), dbr_done, 34)  # fmt: skip
    _box(ax, xbs, 80, w, 16, "Records removed before screening:\n"
         f"Duplicate records (n = {f['duplicates']})\nMarked as ineligible by automation tools (n = {f['excluded_automatic']})\n"
         f"Removed for other reasons (n = {f['excluded_other']})", dbr_done, 34)  # fmt: skip
    _box(ax, xb, 64, w, 9, f"Records screened\n(n = {f['records_screened']})", dbr_done, 34)
    _box(ax, xbs, 64, w, 9, f"Records excluded\n(n = {f['records_excluded']})", dbr_done, 34)
    _box(ax, xb, 50, w, 9, f"Reports sought for retrieval\n(n = {f['dbr_sought_reports']})", dbr_done, 34)
    _box(ax, xbs, 50, w, 9, f"Reports not retrieved\n(n = {f['dbr_notretrieved_reports']})", dbr_done, 34)
    _box(ax, xb, 29, w, 16, f"Reports assessed for eligibility\n(n = {f['dbr_assessed']})", dbr_done, 34)
    dbr_reasons = "".join(f"\n{r} (n = {n})" for r, n in f.reasons.get("dbr_excluded", {}).items())
    _box(ax, xbs, 29, w, 16, f"Reports excluded (n = {f['dbr_excluded']}){dbr_reasons}", dbr_done, 34)
    for y_from, y_to in ((80, 73), (64, 59), (50, 45)):
        _arrow(ax, xb + w / 2, y_from, xb + w / 2, y_to)
    for y in (88, 68.5, 54.5, 37):
        _arrow(ax, xb + w, y, xbs, y)

    # Column C: other methods.
    _box(ax, xc, 80, w, 16, f"Records identified from:\nWebsites (n = {f['website_results']})\nOrganisations (n = {f['organisation_results']})\n"
         f"Citation searching (n = {f['citations_results']})", True, 34)  # fmt: skip
    _box(ax, xcs, 80, w, 16, f"Website records from {f.searches} targeted searches of stored copies of public pages; "
         f"{f.relevant} relevant and read. Not de-duplicated; no record-level screening log.", True, 36)  # fmt: skip
    _box(ax, xc, 50, w, 9, f"Reports sought for retrieval\n(n = {f['other_sought_reports']})", True, 34)
    _box(ax, xcs, 50, w, 9, f"Reports not retrieved\n(n = {f['other_notretrieved_reports']})", True, 34)
    _box(ax, xc, 29, w, 16, f"Reports assessed for eligibility\n(n = {f['other_assessed']})", True, 34)
    other_reasons = "".join(f"\n{r} (n = {n})" for r, n in f.reasons.get("other_excluded", {}).items())
    _box(ax, xcs, 29, w, 19, f"Reports excluded (n = {f['other_excluded']}):{other_reasons}", True, 36)
    _arrow(ax, xc + w / 2, 80, xc + w / 2, 59)
    _arrow(ax, xc + w / 2, 50, xc + w / 2, 45)
    _arrow(ax, xc + w, 54.5, xcs, 54.5)
    _arrow(ax, xc + w, 37, xcs, 37)

    # Included.
    secondhand = (
        f"\nof which {len(f.secondhand_studies)} included on second-hand accounts only, its own report not retrieved: "
        + ", ".join(f.secondhand_studies)
        if f.secondhand_studies
        else ""
    )
    _box(ax, xb + 12, 8, xc + w - xb - 12, 12,
         f"Studies included in review (n = {f['new_studies']}){secondhand}\nReports of included studies (n = {f['new_reports']})", True, 80)  # fmt: skip
    _arrow(ax, xb + w / 2, 29, xb + w / 2 + 6, 20)
    _arrow(ax, xc + w / 2, 29, xc + w / 2 - 6, 20)
    fig.tight_layout()

    reasons = "; ".join(f"{r}: {n}" for r, n in f.reasons.get("other_excluded", {}).items())
    alt = (
        "PRISMA 2020 flow diagram. Databases and registers: "
        f"{f['database_results']} database records and {f['register_results']} register records (none searched); "
        f"{f['records_screened']} records screened. Other methods: {f['website_results']} website records from {f.searches} searches, "
        f"{f['organisation_results']} from organisations, {f['citations_results']} by citation searching; "
        f"{f['other_sought_reports']} reports sought, {f['other_notretrieved_reports']} not retrieved, {f['other_assessed']} assessed, "
        f"{f['other_excluded']} excluded ({reasons}). Included: {f['new_studies']} studies"
        + (f" ({len(f.secondhand_studies)} on second-hand accounts only)" if f.secondhand_studies else "")
        + f" with {f['new_reports']} reports."
    )
    return fig, alt


# --------------------------------------------------------------------------
# The PRISMA 2020 checklist

PRISMA_2020_ITEMS: tuple[str, ...] = (
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10a", "10b", "11", "12",
    "13a", "13b", "13c", "13d", "13e", "13f", "14", "15", "16a", "16b", "17", "18", "19",
    "20a", "20b", "20c", "20d", "21", "22", "23a", "23b", "23c", "23d", "24a", "24b", "24c", "25", "26", "27",
)  # fmt: skip

STATUS_TEXT = {"met": "met", "partly": "partly met", "not_yet": "not yet met"}


def page_titles(book_dir: str | Path = ".") -> dict[str, str]:
    """The first heading of every page of the book, by file stem; each file read is recorded as an input
    of the page that asks (so a renamed page re-executes the checklist on the next build)."""
    from analysis.data import record_read

    titles = {}
    for path in sorted(Path(book_dir).glob("*.md")):
        record_read(path)
        heading = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# ")), path.stem)
        titles[path.stem] = heading
    return titles


# A page name that can stand in a link as it is: the stem of a book/*.md file.
PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def built_pages(root: str | Path = "..") -> set[str]:
    """The stems of the book's pages that the build makes: the ``book/`` files listed in ``_toc.yml``
    (only those are built). The table of contents is recorded as an input of the page that asks."""
    from analysis.data import record_read
    from analysis.tools.colab import toc_pages

    root = Path(root)
    record_read(root / "_toc.yml")
    return {page.split("/", 1)[1] for page in toc_pages(root) if page.startswith("book/") and "/" not in page.split("/", 1)[1]}


def page_link(page: str, titles: dict[str, str], built: set[str]) -> str:
    """HTML for one page named in the checklist: a relative link showing the page's title, its text escaped.

    Only a page that has a title and is built (listed in the table of contents), under a plain file
    name, becomes a link; any other name is shown as escaped plain text, so the table never holds a
    link that does not resolve nor markup that came from the data.
    """
    text = html.escape(titles.get(page, page))
    if page in titles and page in built and PAGE_NAME.fullmatch(page):
        return f'<a href="{page}.html">{text}</a>'
    return text


def checklist_table(
    checklist: pd.DataFrame, page_titles: dict[str, str] | None = None, built: set[str] | None = None
) -> pd.DataFrame:
    """One display row per checklist item, in PRISMA order; page names shown as their titles when given.

    With ``built`` (the pages of the table of contents, :func:`built_pages`), the column
    "Where in the book" holds HTML: links from :func:`page_link`, already escaped; show it with
    :func:`checklist_styler`, which leaves only that column unescaped.
    """
    order = {item: i for i, item in enumerate(PRISMA_2020_ITEMS)}
    titles = page_titles or {}
    rows = []
    for _, r in checklist.assign(_o=checklist["item"].map(order)).sort_values("_o").iterrows():
        if built is None:
            pages = [titles.get(p, p) for p in _ids(r["where"])]
        else:
            pages = [page_link(p, titles, built) for p in _ids(r["where"])]
        rows.append(
            {
                "Item": r["item"],
                "Section": r["section"],
                "Topic": r["topic"],
                "Where in the book": "; ".join(pages) if pages else "—",
                "Status": STATUS_TEXT[str(r["status"])],
                "Note": reader_text(_text(r["note"])),
            }
        )
    return pd.DataFrame(rows)


def checklist_styler(table: pd.DataFrame) -> Styler:
    """The checklist table for the page: every cell escaped (as the build's setting does, and here
    whatever the setting) except the links of "Where in the book", which :func:`page_link` built and escaped."""
    return table.style.hide(axis="index").format(escape="html").format(escape=None, subset=["Where in the book"])


def missing_items(checklist: pd.DataFrame) -> list[str]:
    """PRISMA 2020 items and sub-items that have no row in the checklist."""
    present = set(checklist["item"].astype(str))
    return [item for item in PRISMA_2020_ITEMS if item not in present]


def search_log(searches: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Every search exactly as run: id, date and collection, query, purpose, records (relevant) and reports found, notes.

    ``names`` (from :func:`report_names`) shows the reports found by name instead of their ids."""
    names = names or {}

    def found(cell: object) -> str:
        return "; ".join(dict.fromkeys(names.get(i, i) for i in _ids(cell)))

    def counts(records: object, relevant: object) -> str:
        shown = "" if pd.isna(records) else str(records)
        return f"{shown} ({relevant})" if pd.notna(relevant) and str(relevant) != "" else shown

    def result(records: object, relevant: object, reports: object) -> str:
        named = found(reports)
        return "; ".join(x for x in (counts(records, relevant), f"found {named}" if named else "") if x)

    # the search's id, date and collection in one cell, the records returned (relevant) with the reports
    # found in another: five columns, which show whole at a desktop width (nine did not, issue 13)
    return pd.DataFrame({
        "Search: id, date, where": [f"{i}, {d}, {corpus_of(str(w))}" for i, d, w in zip(searches["search_id"], searches["date"], searches["source"])],
        "Query (exactly as run)": searches["query"], "Looking for": searches["purpose"].map(lambda t: reader_text(_text(t), names)),
        "Records (relevant); reports found": [result(a, b, r) for a, b, r in zip(searches["records"], searches["relevant"], searches["reports_found"])],
        "Notes": searches["notes"].map(lambda t: reader_text(_text(t), names)),
    }, index=searches.index)

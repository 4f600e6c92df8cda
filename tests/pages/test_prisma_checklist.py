"""The PRISMA 2020 checklist: every item and sub-item present, every page named exists."""

from pathlib import Path

import pandas as pd

from analysis.data import load_table
from analysis.pages import prisma

BOOK = Path(__file__).resolve().parents[2] / "book"


def test_all_27_items_and_their_sub_items_are_present():
    checklist = load_table("prisma_checklist")
    assert prisma.missing_items(checklist) == []
    items = set(checklist["item"])
    assert {str(i) for i in range(1, 28)} - {"10", "13", "16", "20", "23", "24"} <= items
    for item, letters in {"10": "ab", "13": "abcdef", "16": "ab", "20": "abcd", "23": "abcd", "24": "abc"}.items():
        assert {item + letter for letter in letters} <= items
        assert item not in items  # an item with sub-items is assessed by its sub-items
    assert len(prisma.PRISMA_2020_ITEMS) == 42 and len(checklist) == 42


def test_every_page_named_exists_and_met_items_name_one():
    checklist = load_table("prisma_checklist")
    for _, row in checklist.iterrows():
        where = "" if pd.isna(row["where"]) else str(row["where"])
        pages = [p.strip() for p in where.split(";") if p.strip()]
        for page in pages:
            assert (BOOK / f"{page}.md").is_file(), f"item {row['item']}: no page book/{page}.md"
        if row["status"] == "met":
            assert pages, f"item {row['item']} is met but names no page"


def test_missing_items_are_reported():
    checklist = load_table("prisma_checklist")
    assert prisma.missing_items(checklist[checklist["item"] != "13d"]) == ["13d"]


def test_table_is_in_prisma_order():
    table = prisma.checklist_table(load_table("prisma_checklist"))
    assert list(table["Item"]) == list(prisma.PRISMA_2020_ITEMS)


def test_page_titles_are_recorded_as_inputs_of_the_checklist_page(tmp_path, monkeypatch):
    """A renamed page must re-execute the checklist: every page whose title is read is logged as an input."""
    from analysis.data import READS_LOG_ENV
    from analysis.pages import prisma

    (tmp_path / "a.md").write_text("# First page\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("text\n# Second page\n", encoding="utf-8")
    log = tmp_path / "reads.log"
    monkeypatch.setenv(READS_LOG_ENV, str(log))
    assert prisma.page_titles(tmp_path) == {"a": "First page", "b": "Second page"}
    assert {line.rsplit("/", 1)[-1] for line in log.read_text(encoding="utf-8").split()} == {"a.md", "b.md"}


def test_page_link_links_a_built_page_by_its_escaped_title():
    titles = {"trials": "Trials <b>&</b> \"quotes\"", "orphan": "Not in the contents", "Bad Name": "Odd"}
    built = {"trials", "Bad Name", "missing"}
    assert prisma.page_link("trials", titles, built) == '<a href="trials.html">Trials &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot;</a>'
    # not in the table of contents, no title, or a name that is not a plain file stem: plain text, never a link
    assert prisma.page_link("orphan", titles, built) == "Not in the contents"
    assert prisma.page_link("missing", titles, built) == "missing"
    assert prisma.page_link("Bad Name", titles, built) == "Odd"
    assert prisma.page_link("<script>x</script>", titles, built) == "&lt;script&gt;x&lt;/script&gt;"


def test_every_page_named_in_the_checklist_is_linked_and_built():
    """Each page the data name becomes a link to a page the build makes (no broken link)."""
    import re

    checklist = load_table("prisma_checklist")
    built = prisma.built_pages(BOOK.parent)
    titles = prisma.page_titles(BOOK)
    table = prisma.checklist_table(checklist, titles, built)
    named = {p.strip() for cell in checklist["where"].dropna() for p in str(cell).split(";") if p.strip()}
    assert named and named <= built
    linked = {m for cell in table["Where in the book"] for m in re.findall(r'href="([^"]+)\.html"', cell)}
    assert linked == named
    html_out = prisma.checklist_styler(table).to_html()
    assert '<a href="trials.html">' in html_out


def test_only_the_page_column_is_left_unescaped():
    table = pd.DataFrame({"Where in the book": ['<a href="trials.html">Trials</a>'], "Note": ["<b>bold</b>"]})
    html_out = prisma.checklist_styler(table).set_uuid("x").to_html()
    assert '<a href="trials.html">Trials</a>' in html_out
    assert "&lt;b&gt;bold&lt;/b&gt;" in html_out and "<b>bold</b>" not in html_out

"""The reader's experience, in a real browser (Debian's headless chromium driven by playwright).

Once per test session the book is built into a temporary copy of the repository (so
the HTML under test is never stale), with these changes to the copy:

* ``tests/fixtures/browser-fixture.md`` is added to its table of contents, so that the
  tests always meet a PNG and an SVG figure, mathematics, wide tables, internal
  anchors and text from the data, whatever the chapters hold;
* the first study's title in ``data/studies.csv`` gets an HTML ``<script>`` element,
  which every page must show as text and never run (and other fields an ``<img onerror>``);
* ten FICTITIOUS placebo-controlled trials are added to the data (tests/build_helpers.py),
  so that every page is built, checked for accessibility and read with a larger evidence
  base than today's, as the review will have;
* ``repository.url`` of ``_config.yml`` is set to :data:`PUBLISHED_REPOSITORY`, so that the
  launch buttons, the repository button and the links of the footer and the About page are
  tested as they will be once the repository is public (while the book's own address is a
  placeholder, none of them is shown: tests/tools/test_repository_address.py).

The built site is served on 127.0.0.1 (a free port) by a small http.server thread.
Any request to another host is blocked and counted as a failure: the book must read
offline. A second clean build of the same copy checks that builds are deterministic.

Chromium is installed by ``make test`` (Makefile); if it is missing these tests fail
with a message saying how to install it. They never skip.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from build_helpers import ROOT, add_fictitious_trials, copy_repository, limit_toc, rewrite_csv, run_analysis

CHROMIUM = os.environ.get("KETAMINE_REVIEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FIXTURE = ROOT / "tests" / "fixtures" / "browser-fixture.md"
FIXTURE_DOC = "book/zz-browser-fixture"
INJECTED = "<script>alert(1)</script>"
HOSTILE = "<img src=x onerror=alert(2)>"
HOSTILE_FIELDS = {  # where issue 14 found script running in the published site
    "reports": ("citation",),
    "sof_questions": ("title", "population"),
    "certainty_ratings": ("risk_of_bias_reason", "comments"),
}
PUBLISHED_REPOSITORY = "https://github.com/example-org/example-review"
GLUED_TEXT = "25 of 33 (76%; 95% CI 59–87%, Wilson)"
PHONE = {"width": 375, "height": 740}
# alt texts that say nothing about a figure
GENERIC_ALT = {"", "image", "figure", "plot", "chart", "graph", "png", "svg", "img", "picture", "untitled"}


# --------------------------------------------------------------------------
# Building and serving the book


def prepare_copy(target: Path) -> Path:
    """A copy of the repository with the fixture page and an HTML title in the data."""
    copy_repository(target)
    shutil.copyfile(FIXTURE, target / f"{FIXTURE_DOC}.md")
    toc = target / "_toc.yml"
    toc.write_text(
        toc.read_text(encoding="utf-8").rstrip("\n")
        + f"\n  - caption: Browser test fixture\n    chapters:\n      - file: {FIXTURE_DOC}\n",
        encoding="utf-8",
    )
    config = target / "_config.yml"
    text = config.read_text(encoding="utf-8")
    placeholder = "  url: https://github.com/OWNER/REPOSITORY\n"
    assert placeholder in text, "repository.url of _config.yml is no longer the placeholder: test the published address itself"
    config.write_text(text.replace(placeholder, f"  url: {PUBLISHED_REPOSITORY}\n"), encoding="utf-8")
    def inject_script(rows: list[list[str]]) -> None:  # the first study's title
        assert "title" in rows[0], "data/studies.csv has no title column"
        column = rows[0].index("title")
        rows[1][column] = f"{INJECTED} {rows[1][column]}"

    rewrite_csv(target / "data" / "studies.csv", inject_script)
    # The other places where a page once rendered data as Markdown or HTML (issue 14): an element that
    # runs script when shown, in the first row of each (the page must show it as text).
    for table, fields in HOSTILE_FIELDS.items():
        def inject_element(rows: list[list[str]], fields: tuple[str, ...] = fields) -> None:
            for field in fields:
                column = rows[0].index(field)
                rows[1][column] = f"{rows[1][column]} {HOSTILE}".strip()

        rewrite_csv(target / "data" / f"{table}.csv", inject_element)
    import json

    descriptor_path = target / "data" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["description"] = f"{descriptor['resources'][0].get('description', '')} {HOSTILE}".strip()
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    add_fictitious_trials(target / "data")
    return target


def build(root: Path, pdf: bool = False) -> None:
    """``python -m analysis build`` of ``root``; ``pdf``: with the whole-book PDF (``--pdf``, as ``make book``)."""
    result = run_analysis(root, "build", "--root", str(root), *(["--pdf"] if pdf else []), timeout=1800, KETAMINE_REVIEW_CHROMIUM=CHROMIUM)
    assert result.returncode == 0, f"the book does not build:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built HTML of a fresh copy of the repository, with the whole-book PDF (built once per test session)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run 'make test' (it installs chromium) or set KETAMINE_REVIEW_CHROMIUM.")
    root = prepare_copy(tmp_path_factory.mktemp("site") / "book")
    build(root, pdf=True)
    return root / "_build" / "html"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server(site: Path):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"{CHROMIUM} is missing. The browser tests need Debian's chromium: run 'make test' (it installs it), "
            "or as root 'apt-get update && apt-get install -y chromium', or set KETAMINE_REVIEW_CHROMIUM."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pages(site: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to its root."""
    found = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_"))
    assert "index.html" in found and f"{FIXTURE_DOC}.html" in found, found
    return found


class Visit:
    """A page opened in the browser, with everything that went wrong while loading it."""

    def __init__(self, browser, server: str, path: str, viewport: dict[str, int] | None = None, settle: bool = True, wait: bool = True,
                 context=None):
        """``settle=False`` waits for the load event and typesetting only, not for the network to fall idle
        (enough to measure the layout; the desktop visits settle fully to catch late errors).
        ``wait=False`` only starts loading the page; :meth:`finish` waits for it.
        ``context``: open the page in this browser context (shared by the caller, who closes it), not a new one of its own."""
        self.own_context = context is None
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}) if context is None else context
        self.page = self.context.new_page()
        if context is not None and viewport is not None:
            self.page.set_viewport_size(viewport)
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        origin = server.rstrip("/")

        def route(route):
            url = route.request.url
            if url.startswith(origin + "/") or url.startswith(("data:", "blob:", "about:")):
                route.continue_()
            else:
                self.problems.append(f"request leaves localhost: {url}")
                route.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.settle = settle
        if wait:
            self.page.goto(server + path, wait_until="load")
            self.finish()
        else:  # the caller opens several pages at once, then calls finish() on each
            self.page.goto(server + path, wait_until="commit")

    def finish(self) -> None:
        """Wait until the page has loaded (and, if settling, the network has fallen idle) and is typeset."""
        settle = self.settle
        self.page.wait_for_load_state("load")
        if settle:
            self.page.wait_for_load_state("networkidle")
        # Pages with mathematics: wait until MathJax has typeset them.
        self.page.wait_for_function(
            "() => !window.MathJax || !window.MathJax.startup || !window.MathJax.startup.promise"
            " || window.__mjDone === true || (window.MathJax.startup.promise.then(() => { window.__mjDone = true; }), false)",
            timeout=30000, polling=100,
        )
        if settle:
            self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        if self.own_context:
            self.context.close()
        else:
            self.page.close()


@pytest.fixture(scope="module")
def visits(browser, server: str, site: Path):
    """Every page opened once at desktop size; the Visit objects stay open for the tests."""
    # Pages load side by side: waiting for each page's network to fall idle in turn would leave the
    # machine idle for about half a second per page. They share one browser context (its cache holds the
    # theme's scripts and styles once): a context of each page's own took about 0.8 s a page to open.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = {path: Visit(browser, server, path, wait=False, context=context) for path in pages(site)}
    for visit in opened.values():
        visit.finish()
    yield opened
    context.close()


# --------------------------------------------------------------------------
# Tests


def test_every_page_loads_without_errors_and_stays_on_localhost(visits):
    problems = {path: v.problems for path, v in visits.items() if v.problems}
    assert not problems, "pages with console errors, failed or outside requests:\n" + "\n".join(
        f"{path}: {p}" for path, ps in problems.items() for p in ps
    )


def test_mathematics_is_typeset_from_the_local_copy_of_mathjax(visits, site: Path):
    visit = visits[f"{FIXTURE_DOC}.html"]
    scripts = visit.page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert any("/_static/mathjax/tex-chtml.js" in s for s in scripts), scripts
    assert visit.page.locator("mjx-container").count() >= 1, "MathJax did not typeset the equation"
    html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


def test_every_figure_loads_and_has_meaningful_alt_text(visits):
    images = []
    for path, visit in visits.items():
        for img in visit.page.eval_on_selector_all(
            "img",
            "els => els.map(e => ({src: e.getAttribute('src'), alt: e.getAttribute('alt'), w: e.naturalWidth,"
            " complete: e.complete, content: !!e.closest('article')}))",
        ):
            images.append((path, img))
    figures = [(path, img) for path, img in images if img["content"]]
    assert len(figures) >= 2, "no figure found in any article: the fixture page's two figures should be there"
    bad = []
    for path, img in images:
        alt = (img["alt"] or "").strip()
        src = (img["src"] or "")[:80]
        stem = Path(urlsplit(img["src"] or "").path).stem
        if not img["complete"] or img["w"] <= 0:
            bad.append(f"{path}: {src} did not load")
        if not img["content"]:  # the theme's icons (launch buttons): a short label will do
            if not alt:
                bad.append(f"{path}: {src} has no alt text")
        elif alt.lower() in GENERIC_ALT or alt == stem or len(alt.split()) < 3 or re.fullmatch(r"[\w./-]+\.(png|svg|jpe?g|gif)", alt):
            bad.append(f"{path}: figure {src} has no meaningful alt text ({alt!r})")
    assert not bad, "\n".join(bad)


def _ids(site: Path, page: str, cache: dict[str, set[str]]) -> set[str]:
    if page not in cache:
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        cache[page] = {t["id"] for t in soup.find_all(id=True)} | {t["name"] for t in soup.find_all("a", attrs={"name": True})}
    return cache[page]


def test_every_internal_link_and_anchor_resolves(site: Path):
    ids: dict[str, set[str]] = {}
    broken, checked = [], 0
    for page in pages(site):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"].strip()
            if not href or href.startswith(("javascript:", "mailto:")) or urlsplit(href).scheme in ("http", "https"):
                continue
            target = urlsplit(urljoin(f"http://site/{page}", href))
            path = unquote(target.path).lstrip("/") or "index.html"
            if path.endswith("/"):
                path += "index.html"
            checked += 1
            if not (site / path).is_file():
                broken.append(f"{page}: {href} -> {path} does not exist")
            elif target.fragment and path.endswith(".html") and unquote(target.fragment) not in _ids(site, path, ids):
                broken.append(f"{page}: {href} -> no element with id {target.fragment!r} in {path}")
    assert checked > 20, f"only {checked} internal links found"
    assert not broken, "\n".join(broken)


def test_the_data_files_are_served_and_linked(site: Path, server: str):
    for name in ("datapackage.json", "studies.csv", "outcomes.csv", "index.html"):
        assert (site / "data" / name).is_file(), name
    assert (site / "data" / "studies.csv").read_bytes() != b""
    html = (site / "book" / "intro.html").read_text(encoding="utf-8")
    assert 'href="../data/index.html"' in html, "no link to the data files in the download menu"
    assert 'href="../_sources/book/intro.ipynb"' in html or 'href="../_sources/book/intro.md"' in html, "no download button"


def test_launch_buttons_are_links_to_binder_and_colab(site: Path):
    html = (site / "book" / "crps-retrospective.html").read_text(encoding="utf-8")
    assert "https://mybinder.org/v2/gh/example-org/example-review/main" in html
    # Colab opens .ipynb only: the generated notebook on the 'colab' branch (analysis/colab.py)
    assert "https://colab.research.google.com/github/example-org/example-review/blob/colab/book/crps-retrospective.ipynb" in html
    assert "colab.research.google.com/github/example-org/example-review/blob/main/book/crps-retrospective.md" not in html
    soup = BeautifulSoup(html, "html.parser")
    remote_scripts = [s["src"] for s in soup.find_all("script", src=True) if urlsplit(s["src"]).scheme]
    assert not remote_scripts, remote_scripts


@pytest.mark.parametrize("query", ["CRPS", "Correll"])
def test_search_finds(browser, server: str, query: str):
    visit = Visit(browser, server, f"search.html?q={query}")
    try:
        visit.page.wait_for_selector("#search-results ul.search li", timeout=30000)
        results = visit.page.locator("#search-results ul.search li").all_inner_texts()
        assert results, f"no search result for {query}"
        assert any(query.lower() in r.lower() for r in results) or len(results) >= 1
        assert not visit.problems, visit.problems
    finally:
        visit.close()


def test_glued_numbers_are_in_the_page(visits):
    text = visits["book/crps-retrospective.html"].page.inner_text("main")
    assert GLUED_TEXT in text
    # and no unresolved glue placeholder anywhere
    for path, visit in visits.items():
        assert "glue:text" not in visit.page.inner_text("body"), path


# Every table of a page in the article, as the reader meets it: the box it scrolls in (the nearest ancestor
# whose overflow-x is auto or scroll), whether it is wider than that box, the columns whose right edge lies
# beyond the visible part of the box or of the article, and the cue that says it scrolls sideways
# (theme/static/table-scroll.js): a visible line of text before the box that describes it, and a shadow.
TABLES_JS = """() => {
    const article = document.querySelector('article');
    if (!article) return [];
    const articleRight = article.getBoundingClientRect().right;
    return Array.from(article.querySelectorAll('table')).map(t => {
        let box = t.parentElement;
        while (box && box !== article) {
            const o = getComputedStyle(box).overflowX;
            if (o === 'auto' || o === 'scroll') break;
            box = box.parentElement;
        }
        const scroller = (box && box !== article) ? box : null;
        const right = Math.min(articleRight, scroller ? scroller.getBoundingClientRect().right : articleRight);
        const cells = Array.from(t.rows).flatMap(r => Array.from(r.cells));
        const hidden = cells.filter(c => c.getBoundingClientRect().right > right + 1).map(c => c.innerText.trim().slice(0, 30));
        const cue = scroller && scroller.previousElementSibling && scroller.previousElementSibling.classList.contains('table-scroll-cue')
            ? scroller.previousElementSibling : null;
        const cueBox = cue ? cue.getBoundingClientRect() : null;
        return {
            text: (t.caption ? t.caption.innerText : t.innerText).trim().slice(0, 70),
            wide: t.getBoundingClientRect().width > (scroller || t.parentElement).clientWidth + 1,
            scroller: !!scroller,
            boxRight: scroller ? scroller.getBoundingClientRect().right : null,
            hidden: Array.from(new Set(hidden)),
            scrolls: !!scroller && scroller.scrollWidth > scroller.clientWidth + 1,
            cue: !!cue && !cue.hidden && cue.offsetParent !== null && cueBox.width > 0 && cueBox.right <= window.innerWidth + 1
                 && /scroll sideways/i.test(cue.innerText) && scroller.getAttribute('aria-describedby') === cue.id,
            shadow: !!scroller && scroller.classList.contains('table-scrolls') && getComputedStyle(scroller).backgroundImage.includes('gradient'),
        };
    });
}"""
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def show_at(page, size: dict[str, int]) -> None:
    """``page`` in front, at the viewport ``size`` (resized only if it is not at that size already). The pages open
    side by side share one window, where only the page in front draws frames (a frame elsewhere waits about 2 s)."""
    page.bring_to_front()
    if page.viewport_size != size:
        page.set_viewport_size(size)
        page.wait_for_function(f"() => window.innerWidth === {size['width']}", polling=100)


def tables_at(visit: Visit, viewport: dict[str, int]) -> list[dict]:
    """The page's tables measured at ``viewport`` (the page is resized; the caller restores it)."""
    show_at(visit.page, viewport)
    visit.page.evaluate(NEXT_FRAME)  # the resize and ResizeObserver handlers of table-scroll.js have run
    return visit.page.evaluate(TABLES_JS)


def test_every_table_shows_every_column_at_1400_px(visits):
    """Issue 13: at a desktop width no table of the book needs sideways scrolling, and no column lies beyond the
    article's or the table box's right edge. The fixture page's table of 24 columns is the check that the
    measurement finds such a table: it must be found wide, with columns cut, and say that it scrolls."""
    desktop = {"width": 1400, "height": 900}
    cut, fixture, tables = [], [], 0
    for path, visit in visits.items():
        size = visit.page.viewport_size
        try:
            found = tables_at(visit, desktop)
        finally:
            visit.page.set_viewport_size(size)
        if path == f"{FIXTURE_DOC}.html":
            fixture = found
            continue
        tables += len(found)
        cut += [f"{path}: {t['text']!r} is wider than its box; columns cut: {t['hidden'][:6]}" for t in found if t["wide"] or t["hidden"]]
    assert tables > 100, f"only {tables} tables measured in the book"
    wide = [t for t in fixture if t["wide"]]
    assert wide and all(t["hidden"] for t in wide), f"the fixture's table of 24 columns was not found wide: {fixture}"
    assert all(t["cue"] and t["shadow"] for t in wide), f"a wide fixture table at 1400 px does not say it scrolls: {wide}"
    assert not cut, f"{len(cut)} tables with hidden columns at 1400 px:\n" + "\n".join(cut)


def test_no_page_overflows_a_phone_screen_and_wide_tables_say_they_scroll(visits):
    """Each page already open at desktop size is narrowed to a phone's width (the layout follows the
    viewport through CSS media queries, as on a phone), measured, and widened again. The page itself never
    scrolls sideways; a table either fits or scrolls in its own box, which ends within the screen and shows
    the cue: the line "Scroll sideways ..." before it (describing the box for a screen reader) and a shadow."""
    overflowing, unscrollable, no_cue, tables, cued = [], [], [], 0, []
    for path, visit in visits.items():
        desktop = visit.page.viewport_size
        try:
            found = tables_at(visit, PHONE)
            width = visit.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        finally:
            visit.page.set_viewport_size(desktop)
        if width[0] > width[1] + 1:
            overflowing.append(f"{path}: {width[0]} px wide in a {width[1]} px viewport")
        for table in found:
            tables += 1
            if table["wide"] and not table["scroller"]:
                unscrollable.append(f"{path}: a wide table is not in a scrolling box ({table['text']!r})")
            if table["scroller"] and table["boxRight"] > PHONE["width"] + 1:
                unscrollable.append(f"{path}: the scrolling box of a table ends at {table['boxRight']} px ({table['text']!r})")
            if (table["wide"] or table["hidden"] or table["scrolls"]) and not (table["cue"] and table["shadow"]):
                no_cue.append(f"{path}: {table['text']!r} scrolls sideways without saying so (cue {table['cue']}, shadow {table['shadow']})")
            if table["cue"]:
                cued.append(path)
    assert tables >= 2, "no tables found: the fixture page has two wide ones"
    assert cued.count(f"{FIXTURE_DOC}.html") >= 2, "the fixture page's two wide tables do not both show the cue"
    assert not overflowing and not unscrollable and not no_cue, "\n".join(overflowing + unscrollable + no_cue)


def test_html_in_the_data_is_shown_as_text_and_never_run(visits):
    shown_on = [path for path, v in visits.items() if INJECTED in v.page.inner_text("body")]
    assert f"{FIXTURE_DOC}.html" in shown_on, "the title with HTML is not shown literally on the fixture page"
    dialogs = {path: v.dialogs for path, v in visits.items() if v.dialogs}
    assert not dialogs, f"a script from the data ran: {dialogs}"
    shown_hostile = {path for path, v in visits.items() if HOSTILE in v.page.inner_text("body")}
    assert {"book/grades.html", "book/data-dictionary.html"} <= shown_hostile, f"the element with a script is not shown as text: {sorted(shown_hostile)}"
    for path, visit in visits.items():
        images = visit.page.evaluate("() => Array.from(document.images).filter(i => (i.getAttribute('onerror') || '').includes('alert(2)')).length")
        assert images == 0, f"{path}: an element from the data became an image with a script"
    for path, visit in visits.items():
        injected = visit.page.evaluate("() => Array.from(document.scripts).filter(s => s.textContent.includes('alert(1)')).length")
        assert injected == 0, f"{path}: a <script> element from the data is in the page"


# --------------------------------------------------------------------------
# Determinism


def article_html(html: str) -> str:
    """The page's article (its own content, without the navigation that differs with the table of contents).

    Tables and figures are numbered through the whole book in the order of the table of contents,
    so their numbers (and only those, also in the name a figure is downloaded as) depend on which pages a build
    holds: they are left out."""
    article = BeautifulSoup(html, "html.parser").find("article")
    assert article is not None, "no <article> in the page"
    numbered = re.sub(r"\b(Table|Figure|Fig\.)(\s|&nbsp;|\xa0)+\d+", r"\1 #", str(article))
    return re.sub(r'download="ketamine-review-figure-\d+\.', 'download="ketamine-review-figure-#.', numbered)  # the name to save a figure as


# The pages built a second time: the heaviest, with Styler tables, inline and file figures
# (forest plot, evidence map, heatmap, PRISMA diagram, risk-of-bias plot) and the fixture page.
SECOND_BUILD_PAGES = ("trials", "grades", "methods", "crps-retrospective", FIXTURE_DOC.split("/")[-1])


def test_two_clean_builds_are_identical(site: Path, tmp_path: Path):
    """A second clean build, of a fresh copy, makes the same bytes: article HTML, figures and executed notebooks.

    Building the whole book twice would double the suite's slowest step, so the second build
    holds the pages that carry every kind of generated output (Styler tables and their ids,
    inline PNG and SVG figures, figure files, glued numbers) and is compared with the same pages
    of the session's full build: the article of each page (the navigation around it differs
    with the table of contents), every figure file, and every executed notebook under _sources.
    """
    other = prepare_copy(tmp_path / "book")
    (other / "book" / "intro.md").write_text("# Pages under test\n\nThe root page of a second build.\n", encoding="utf-8")
    chosen = limit_toc(other, SECOND_BUILD_PAGES, follow_intro=False)
    build(other)
    other_site = other / "_build" / "html"
    compared = 0
    for page in chosen:
        first_html = (site / "book" / f"{page}.html").read_text(encoding="utf-8")
        second_html = (other_site / "book" / f"{page}.html").read_text(encoding="utf-8")
        assert article_html(first_html) == article_html(second_html), f"book/{page}.html: the article differs between two clean builds"
        compared += len(image_sources(article_html(first_html)))
    assert compared >= 5, f"only {compared} figures compared: the pages chosen should carry the book's figures"
    images = sorted(p.name for p in (other_site / "_images").iterdir() if p.suffix in (".png", ".svg"))
    assert any(p.endswith(".png") for p in images) and any(p.endswith(".svg") for p in images), images
    differ = [p for p in images if (site / "_images" / p).read_bytes() != (other_site / "_images" / p).read_bytes()]
    assert not differ, f"figure files differ between two clean builds: {differ}"
    for image in images:
        data = (site / "_images" / image).read_bytes()
        assert b"<dc:date>" not in data and b"Creation Time" not in data, f"{image} carries a timestamp"
    for page in chosen:
        notebook = Path("_sources") / "book" / f"{page}.ipynb"
        if (site / notebook).is_file():
            assert (site / notebook).read_bytes() == (other_site / notebook).read_bytes(), f"{notebook}: the executed notebook differs"


def image_sources(html: str) -> list[str]:
    return [img.get("src", "") for img in BeautifulSoup(html, "html.parser").find_all("img")]


@pytest.mark.parametrize("width, opens", [(390, "dialog"), (900, "dialog"), (1400, "collapse")])
def test_the_menu_button_a_reader_sees_opens_or_collapses_the_navigation(browser, server: str, width: int, opens: str):
    """Both themes bind the first .primary-toggle, a hidden one; the visible button must work too (theme/static/navigation.js)."""
    visit = Visit(browser, server, "book/trials.html", viewport={"width": width, "height": 844})
    try:
        page = visit.page
        buttons = [b for b in page.query_selector_all(".primary-toggle") if b.is_visible()]
        assert len(buttons) == 1, f"{len(buttons)} visible menu buttons at {width} px"
        buttons[0].click()
        page.wait_for_timeout(300)
        dialog_open = page.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open")
        collapsed = page.evaluate("() => document.getElementById('pst-primary-sidebar').classList.contains('pst-sidebar-hidden')")
        assert (dialog_open, collapsed) == ((True, False) if opens == "dialog" else (False, True)), (width, dialog_open, collapsed)
    finally:
        visit.close()


# --------------------------------------------------------------------------
# Accessibility: axe-core (WCAG 2.1 A and AA) on every page, in four modes

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Dark mode changes colours only: its runs check the rules about colour.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# The colour rules are by far the slowest part of axe (about 25 ms per text element: a long table's rows took a
# minute on the search log's page). Two pieces of text have the same contrast when their own colours and fonts
# are the same and so are the colours and backgrounds of every element around them, up to the page: the same
# colour over the same stack of backgrounds. Text whose own style and whose ancestors' (tag, colour, background
# colour and image, opacity, filter, blending, positioning; for a link, whether text surrounds it) match text met
# earlier in the page is marked, whole subtrees at a time, and left out of the colour rules only (every other rule
# sees everything); the first of each kind is always checked. Hidden text (never checked by axe) marks nothing as
# met. What this cannot see is text lying over a box that is not its ancestor (an element positioned over it):
# the book's pages place none, apart from the scrolling tables' shadows, which FLATTEN_SCROLL_SHADOWS paints on
# their own box. Tests: test_axe_still_finds_a_low_contrast_cell_deep_in_a_long_table and
# test_axe_still_finds_a_faint_link_or_paragraph_among_many.
MARK_REPEATED_TEXT = """() => {
    const AROUND = ['color', 'background-color', 'background-image', 'opacity', 'filter', 'mix-blend-mode', 'backdrop-filter',
                    'position', 'z-index'];
    const OWN = ['font-size', 'font-weight', 'font-family', 'font-style', 'text-shadow', 'visibility', 'text-decoration-line',
                 'text-decoration-color', 'text-decoration-style', 'text-decoration-thickness', 'clip', 'clip-path',
                 'overflow-x', 'overflow-y', 'display', '-webkit-text-stroke-width', '-webkit-text-stroke-color'];
    const ids = new Map();
    const intern = text => { let id = ids.get(text); if (id === undefined) { id = ids.size; ids.set(text, id); } return id; };
    const ownText = e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const met = new Set();
    document.querySelectorAll('[data-axe-repeat]').forEach(e => e.removeAttribute('data-axe-repeat'));
    // Returns whether the element and everything in it has been met before (so axe need not check it).
    const visit = (e, around) => {
        const style = getComputedStyle(e);
        if (style.display === 'none') return true;
        const inText = e.tagName === 'A' && e.parentElement && ownText(e.parentElement) ? 'in-text' : '';
        const here = intern(around + '>' + e.tagName + inText + AROUND.map(p => style.getPropertyValue(p)).join('|'));
        let repeat = true;
        if (ownText(e) && style.visibility === 'visible' && e.getClientRects().length > 0) {
            const box = e.getBoundingClientRect();
            const key = here + '#' + OWN.map(p => style.getPropertyValue(p)).join('|') + (box.width > 1 && box.height > 1 ? '' : 'tiny');
            if (!met.has(key)) { met.add(key); repeat = false; }
        }
        const children = Array.from(e.children).map(child => [child, visit(child, here)]);
        if (children.some(([, seen]) => !seen)) repeat = false;
        if (!repeat) {
            for (const [child, seen] of children) if (seen && child.textContent.trim()) child.setAttribute('data-axe-repeat', '');
        }
        return repeat;
    };
    visit(document.body, '');
}"""
# A table wider than its box has shadows on its scrolling edges (theme/static/table-scroll.js): gradients,
# under which axe cannot tell a colour and reports nothing. For the colour rules each such box is painted
# flat in the darkest colour its shadow gives (the shadow's colour over the page's, at its full opacity),
# so every cell of a scrolling table is checked as if it lay under the shadow; the box is restored after.
FLATTEN_SCROLL_SHADOWS = """() => {
    const rgba = text => (text.match(/[\\d.]+/g) || []).map(Number);
    return Array.from(document.querySelectorAll('.table-scrolls')).map(box => {
        const style = getComputedStyle(box);
        const [r, g, b] = rgba(style.backgroundColor);
        const [sr, sg, sb, sa = 1] = rgba(style.getPropertyValue('--table-shadow'));
        const mix = (page, shadow) => Math.round(shadow * sa + page * (1 - sa));
        const before = box.getAttribute('style') || '';
        box.style.setProperty('background', `rgb(${mix(r, sr)}, ${mix(g, sg)}, ${mix(b, sb)})`, 'important');
        return [box, before];
    });
}"""
# Started on every open page, then awaited on each (the pages are checked side by side): the function
# returns at once and leaves its result in window.__axeResult.
START_AXE = """([source, tags, colourRules, colourOnly]) => {
    if (!window.axe) { (0, eval)(source); }
    window.__axeResult = null;
    const report = r => r.violations.map(v => ({id: v.id, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' -- ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200))}));
    (async () => { try {
        (""" + MARK_REPEATED_TEXT + """)();
        const flattened = (""" + FLATTEN_SCROLL_SHADOWS + """)();
        let found;
        try {
            found = report(await axe.run({exclude: [['[data-axe-repeat]']]},
                                         {runOnly: {type: 'rule', values: colourRules}, resultTypes: ['violations']}));
        } finally {
            flattened.forEach(([box, style]) => box.setAttribute('style', style));
        }
        if (!colourOnly) {
            const rules = Object.fromEntries(colourRules.map(id => [id, {enabled: false}]));
            found.push(...report(await axe.run(document, {runOnly: {type: 'tag', values: tags}, rules, resultTypes: ['violations']})));
        }
        window.__axeResult = found;
    } catch (e) {
        window.__axeResult = [{id: 'axe-error', help: String(e), nodes: []}];
    } })();
}"""


SETTLED = """() => {
    if (!document.getElementById('test-no-transitions')) {  // colours are measured at once, not mid-transition
        const style = document.createElement('style');
        style.id = 'test-no-transitions';
        style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
        document.head.appendChild(style);
    }
    return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));  // the page's resize handlers have run
}"""


def start_axe(page, source: str, colour_only: bool) -> None:
    """Start axe on ``page`` (the colour rules, then, unless ``colour_only``, every other WCAG rule); :func:`axe_result` waits."""
    page.evaluate(START_AXE, [source, WCAG_TAGS, COLOUR_RULES, colour_only])


def axe_result(page) -> list[dict]:
    """The violations axe found on ``page``, once the run :func:`start_axe` began there has finished."""
    page.wait_for_function("() => window.__axeResult !== null", timeout=180000, polling=100)
    return page.evaluate("() => window.__axeResult")


def set_mode(page, width: int, scheme: str) -> None:
    """``page`` at ``width`` px in the light or dark ``scheme``, in front, laid out and painted (:func:`show_at`)."""
    show_at(page, {"width": width, "height": 844 if width < 1000 else 900})
    page.evaluate(f"() => {{ document.documentElement.dataset.theme = '{scheme}'; document.documentElement.dataset.mode = '{scheme}'; }}")
    page.evaluate(SETTLED)


def test_no_accessibility_violation_on_any_page_in_four_modes(visits):
    """axe-core on every page: desktop (1400 px) and phone (390 px), light and dark. The open pages are
    switched from mode to mode and checked side by side; dark mode is checked for the rules about colour."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run 'make test' (it runs 'npm ci --prefix tests/browser'), or that command yourself")
    source = AXE.read_text(encoding="utf-8")
    found, width_before = [], None
    try:
        for width, scheme in ((1400, "light"), (1400, "dark"), (390, "light"), (390, "dark")):
            colour_only = scheme == "dark"
            for visit in visits.values():
                set_mode(visit.page, width, scheme)
            if width != width_before:
                # The theme makes a box that scrolls sideways reachable by keyboard (tabindex 0) in a resize
                # handler that waits 300 ms; a reader never meets the page before that, nor should axe.
                next(iter(visits.values())).page.wait_for_timeout(400)
                width_before = width
            for visit in visits.values():
                start_axe(visit.page, source, colour_only)
            for path, visit in visits.items():
                for violation in axe_result(visit.page):
                    found.append(f"{path} at {width} px, {scheme}: {violation['id']} ({violation['help']}): " + "; ".join(violation["nodes"]))
    finally:
        for visit in visits.values():
            set_mode(visit.page, 1280, "light")
    assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found)


def test_axe_still_finds_a_low_contrast_cell_deep_in_a_long_table(visits):
    """Rows like an earlier row are left out of the colour rules (MARK_REPEATED_TEXT): a cell deep in the
    longest table that differs from its neighbours only in a faint colour must still be found, at phone
    width, where the table scrolls in its box under edge shadows (FLATTEN_SCROLL_SHADOWS)."""
    page = visits["book/search-log.html"].page
    rows = page.evaluate("() => Math.max(...Array.from(document.querySelectorAll('main tbody')).map(b => b.rows.length))")
    assert rows >= 100, f"the search log's longest table has {rows} rows; choose a page with a longer one"
    mark = """(colour) => {
        const body = Array.from(document.querySelectorAll('main tbody')).sort((a, b) => b.rows.length - a.rows.length)[0];
        const cell = body.rows[body.rows.length - 2].cells[0];
        cell.style.color = colour;
        cell.id = 'faint-cell';
    }"""
    set_mode(page, PHONE["width"], "light")  # the table scrolls sideways in its box, under its edge shadows
    page.evaluate(mark, "#cfcfcf")
    try:
        start_axe(page, AXE.read_text(encoding="utf-8"), colour_only=True)
        found = axe_result(page)
        repeated = page.evaluate("() => document.querySelectorAll('[data-axe-repeat]').length")
    finally:
        page.evaluate(mark, "")
        set_mode(page, 1280, "light")
    assert any(v["id"] == "color-contrast" and any("faint-cell" in n for n in v["nodes"]) for v in found), found
    assert repeated > 50, "no repeated rows were left out: the colour check is as slow as before"


def test_axe_still_finds_a_faint_link_or_paragraph_among_many(visits):
    """Text like text met earlier in the page is left out of the colour rules (MARK_REPEATED_TEXT): a paragraph in
    the middle of the page with the most paragraphs, and a link in another, each differing from their neighbours
    only in a faint colour, must still be found, in dark mode."""
    page = visits["book/methods.html"].page
    mark = """(colour) => {
        const paragraphs = Array.from(document.querySelectorAll('article p')).filter(p => p.querySelector('a') && p.textContent.length > 80);
        const middle = Math.floor(paragraphs.length / 2);
        const paragraph = paragraphs[middle], link = paragraphs[middle + 1].querySelector('a');
        paragraph.style.color = colour;
        link.style.color = colour;
        if (colour) { paragraph.id = 'faint-paragraph'; link.id = 'faint-link'; }
        else { paragraph.removeAttribute('id'); link.removeAttribute('id'); }
        return paragraphs.length;
    }"""
    set_mode(page, 1400, "dark")
    paragraphs = page.evaluate(mark, "#4a4a4a")
    assert paragraphs >= 10, f"the methods page has {paragraphs} paragraphs with links; choose a page with more"
    try:
        start_axe(page, AXE.read_text(encoding="utf-8"), colour_only=True)
        found = axe_result(page)
    finally:
        page.evaluate(mark, "")
        set_mode(page, 1280, "light")
    nodes = [n for v in found if v["id"] == "color-contrast" for n in v["nodes"]]
    assert any("faint-paragraph" in n for n in nodes) and any("faint-link" in n for n in nodes), found


# --------------------------------------------------------------------------
# Reader-facing words

# What a reader should never meet (analysis/pages/leaks.py): ids, file names and hashes, enum values,
# "value(s)", <NA>/nan/None, doubled words. Pages whose subject is the data's own files and columns
# may name them; each exemption says which kinds of leak it allows and why.
READER_WORDS_EXEMPT = {
    "book/data-dictionary.html": ({"file name", "internal id"}, "documents every file and column of the data by name"),
    "book/methods.html": ({"file name"}, "the protocol says which data file holds what"),
    "book/what-changed.html": ({"file name", "internal id"}, "the data's row-by-row change list names file, line and row key"),
    "book/changelog.html": ({"file name"}, "the data's release history names the files each release changed"),
    "data/index.html": ({"file name", "internal id"}, "the download page lists the data files by name, with the schema's descriptions"),
    f"{FIXTURE_DOC}.html": ({"file name", "internal id", "hash", "'(s)' grammar", "missing value shown", "doubled word"},
                            "the browser-test fixture, not a page of the book"),
}
# Cells of these columns are the sources' or the searches' own words, shown verbatim.
VERBATIM_COLUMNS = re.compile(r"quoted|exactly as", re.IGNORECASE)
TEXT_BLOCKS = ["p", "li", "td", "th", "figcaption", "caption", "h1", "h2", "h3", "h4", "dt", "dd", "pre", "summary"]


def article_texts(html: str, code_is_named: bool = False) -> list[str]:
    """The article's text, block by block (a paragraph, a list item, a table cell, a caption, an alt text),
    without verbatim quotations, and without inline code where a page names data columns on purpose."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article") or soup.find("main")
    if article is None:
        return []
    for tag in article(["script", "style", "noscript", "template", "blockquote", "q"]):
        tag.decompose()
    # a line-break opportunity in a long word of a table (analysis/tools/numbering.py) is no space: the word reads whole
    for tag in article("wbr"):
        tag.decompose()
    article.smooth()
    if code_is_named:
        for tag in article("code"):
            tag.replace_with("⋯")
    for table in article.find_all("table"):
        headers = [th.get_text(" ", strip=True) for th in table.select("thead tr:last-child th")]
        for row in table.select("tbody tr"):
            for header, cell in zip(headers, row.find_all(["td", "th"], recursive=False)):
                if VERBATIM_COLUMNS.search(header):
                    cell.clear()
    texts = []
    for block in article.find_all(TEXT_BLOCKS):
        if block.find(TEXT_BLOCKS):  # only the text that is this block's own
            texts.append(" ".join(block.find_all(string=True, recursive=False)))
        else:
            texts.append(block.get_text(" "))
    texts += [img.get("alt", "") for img in article.find_all("img")]
    return [" ".join(t.split()) for t in texts if t.strip()]


def test_pages_speak_to_readers_not_in_the_data_s_own_terms(site: Path):
    from analysis.pages.leaks import leaks

    found = []
    for page in pages(site):
        allowed, _why = READER_WORDS_EXEMPT.get(page, (set(), ""))
        seen: set[str] = set()
        for text in article_texts((site / page).read_text(encoding="utf-8"), code_is_named=page in READER_WORDS_EXEMPT):
            for leak in leaks(text):
                if leak.split(":", 1)[0] not in allowed and leak not in seen:
                    seen.add(leak)
                    found.append(f"{page}: {leak}   in: {text[:120]}")
    assert not found, f"{len(found)} words from the data's own vocabulary on the pages:\n" + "\n".join(found)


def test_every_table_and_figure_of_the_notebooks_is_numbered_and_captioned(site: Path):
    """analysis/tools/numbering.py: 'Table 12.' / 'Figure 3.' before each caption, figures (SVG) linked full size and for download."""
    problems, tables, figures, svgs = [], 0, 0, 0
    for page in pages(site):
        if page == f"{FIXTURE_DOC}.html":
            continue
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        for table in soup.select("div.cell_output table"):
            tables += 1
            caption = table.find("caption")
            if caption is None or not caption.select_one(".caption-number") or not caption.get_text(strip=True):
                problems.append(f"{page}: a table without a numbered caption ({table.get_text(' ', strip=True)[:60]!r})")
        for figure in soup.select("figure.review-figure"):
            figures += 1
            caption = figure.find("figcaption")
            if caption is None or not caption.select_one(".caption-number"):
                problems.append(f"{page}: a figure without a numbered caption")
            img = figure.find("img")
            link = figure.select_one("a.review-figure-full")
            if img is None or str(img.get("src", "")).startswith("data:") or link is None:
                problems.append(f"{page}: a figure embedded inline, not linked full size")
            elif not (site / page).parent.joinpath(link["href"]).resolve().is_file():
                problems.append(f"{page}: the full-size figure {link['href']} is missing")
            else:
                svgs += link["href"].endswith(".svg") and img["src"] == link["href"]
                download = figure.select_one("a.review-figure-download[download]")
                if download is None or download["href"] != link["href"] or not download["download"].endswith(Path(link["href"]).suffix):
                    problems.append(f"{page}: the figure {link['href']} has no download link")
    assert tables > 20 and figures > 5, (tables, figures)
    assert svgs == figures, f"only {svgs} of {figures} figures are SVG (analysis/figures/style.py: figure_image)"
    assert not problems, "\n".join(problems)


def test_site_conventions_favicon_description_footer_404_and_about(site: Path):
    """Favicon, meta description, the data version and repository at every page's foot, a 404 page, an About page."""
    repository = PUBLISHED_REPOSITORY  # (the copy's address: prepare_copy)
    for page in ("book/intro.html", "book/trials.html", "book/about.html"):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        icon = soup.find("link", rel="icon")
        assert icon is not None and (site / page).parent.joinpath(icon["href"]).resolve().is_file(), f"{page}: no favicon"
        description = soup.find("meta", attrs={"name": "description"})
        assert description is not None and len(description["content"].split()) > 10, f"{page}: no meta description"
        footer = soup.select_one(".review-footer")
        assert footer is not None and "data version" in footer.get_text() and repository in str(footer), f"{page}: no footer line"
    about_soup = BeautifulSoup((site / "book" / "about.html").read_text(encoding="utf-8"), "html.parser")
    assert about_soup.select_one(f'article a[href="{repository}"]') is not None, "the About page does not link the repository"
    about = about_soup.get_text(" ")
    for heading in ("Who wrote it", "Funding", "Competing interests"):
        assert heading in about
    missing = (site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in missing and "objects.inv" in missing


def test_focus_ring_and_dark_mode_contrast_of_captions_and_links(browser, server: str):
    """A visible focus ring on the header and sidebar buttons (WCAG 2.4.7); captions, table text and links of the
    notebooks' outputs at 4.5:1 or more in light and dark mode (theme/static/ketamine-review.css)."""
    contrast_js = """sel => {
      const parse = c => { const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
      const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                         return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
      const bg = el => { while (el) { const c = parse(getComputedStyle(el).backgroundColor); if (c.a > 0.5) return c; el = el.parentElement; }
                         return {r: 255, g: 255, b: 255, a: 1}; };
      return Array.from(document.querySelectorAll(sel)).map(el => {
        const a = lum(parse(getComputedStyle(el).color)), b = lum(bg(el));
        return [(Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), el.textContent.trim().slice(0, 50)];
      }); }"""
    low = []
    for mode in ("light", "dark"):
        visit = Visit(browser, server, "book/trials.html", viewport={"width": 1400, "height": 900}, settle=False)
        try:
            page = visit.page
            page.evaluate(f"() => {{ document.documentElement.dataset.theme = '{mode}'; document.documentElement.dataset.mode = '{mode}'; }}")
            for selector in ("figure.review-figure figcaption", "figure.review-figure figcaption a", "div.cell_output table caption",
                             "div.cell_output table td", ".review-footer", ".review-footer a"):
                found = page.evaluate(contrast_js, selector)
                assert found, f"nothing matches {selector}"
                low += [f"{mode}: {selector} {ratio:.2f}:1 ({text!r})" for ratio, text in found if ratio < 4.5]
            if mode == "light":
                page.keyboard.press("Tab")  # keyboard use: focus is then shown (:focus-visible)
                for selector in (".bd-header-article .dropdown-launch-buttons button", ".bd-header-article .dropdown-download-buttons button",
                                 ".bd-header-article .primary-toggle", ".bd-header-article .theme-switch-button",
                                 ".bd-sidebar-primary a.reference"):
                    element = page.locator(selector).first
                    element.focus()
                    ring = element.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
                    assert ring[0] != "none" and ring[1] >= 2, f"{selector}: no visible focus ring ({ring})"
        finally:
            visit.close()
    assert not low, "text below 4.5:1:\n" + "\n".join(low)


# What paper would cut, in a page laid out for print: an element of the article that reaches past the text column's
# right edge (on a landscape sheet of the whole-book PDF, past that sheet's wider text), or whose content is clipped
# (wider than its box, not shown overflowing). Argument: how much wider a landscape sheet's text is (px).
CUT_JS = """(landscape) => {
  const art = document.querySelector('article'); if (!art) return null;
  const right = art.getBoundingClientRect().right;
  const cut = [];
  for (const e of art.querySelectorAll('*')) {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    if (box.width === 0 || style.visibility === 'hidden') continue;
    const edge = right + (e.closest('.print-landscape') ? landscape : 0);
    const clipped = style.overflowX !== 'visible' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 2;
    if (box.right > edge + 2 || clipped) cut.push(`${e.tagName.toLowerCase()} ${clipped ? 'clipped' : 'past the edge'}: ${e.textContent.trim().slice(0, 50)}`);
  }
  return cut; }"""


def test_printed_pages_cut_no_table_and_carry_the_data_version(visits):
    """In print (the 'print page' menu item is the browser's print): nothing wider than the text column or clipped (no
    column of a table cut, no line of a text output), no word broken in a table of seven columns or fewer, no heading
    forced onto a new sheet, no table kept whole, and the footer line with the data version printed
    (theme/static/ketamine-review.css). Each open page is narrowed to 720 px and laid out for print, then restored."""
    problems = []
    for path, visit in visits.items():
        if path == f"{FIXTURE_DOC}.html":
            continue
        size = visit.page.viewport_size
        try:
            show_at(visit.page, {"width": 720, "height": 1000})
            visit.page.emulate_media(media="print")
            visit.page.evaluate(NEXT_FRAME)  # the resize handlers have run
            found = visit.page.evaluate("""() => {
              const art = document.querySelector('article'); if (!art) return null;
              const right = art.getBoundingClientRect().right;
              const tables = Array.from(art.querySelectorAll('table'));
              const footer = document.querySelector('.review-footer');
              return {wide: tables.filter(t => t.getBoundingClientRect().right > right + 2 || t.scrollWidth > t.clientWidth + 2)
                                  .map(t => t.innerText.slice(0, 50)),
                      whole: tables.filter(t => getComputedStyle(t).breakInside === 'avoid').length,
                      broken: tables.filter(t => Math.max(...Array.from(t.rows, r => r.cells.length)) <= 7 && t.querySelector('td, th')
                                                 && getComputedStyle(t.querySelector('td, th')).overflowWrap === 'anywhere').length,
                      forced: Array.from(art.querySelectorAll('h2, h3')).filter(h => ['page', 'always'].includes(getComputedStyle(h).breakBefore)).length,
                      footer: !!footer && footer.offsetParent !== null && /data version/.test(footer.textContent)}; }""")
            cut = visit.page.evaluate(CUT_JS, 0)
        finally:
            visit.page.emulate_media(media="screen")
            visit.page.set_viewport_size(size)
        if found is None:
            continue
        problems += [f"{path}: a table is cut in print ({text!r})" for text in found["wide"]]
        problems += [f"{path}: cut in print: {text}" for text in cut[:5]]
        if found["whole"]:
            problems.append(f"{path}: {found['whole']} tables kept whole in print (pushed onto the next sheet)")
        if found["broken"]:
            problems.append(f"{path}: {found['broken']} tables of seven columns or fewer break their words in print (they fit whole)")
        if found["forced"]:
            problems.append(f"{path}: {found['forced']} headings start a new sheet")
        if not found["footer"]:
            problems.append(f"{path}: the data version is not printed")
    assert not problems, "\n".join(problems)


def _words(text: str) -> str:
    """Text without its whitespace (a PDF breaks lines, and a link is a run of its own, where the page has a space or none)
    and icons (drawn with a font's private-use characters)."""
    return re.sub(r"[\s\ue000-\uf8ff]+", "", text)


def test_the_whole_book_is_one_pdf_with_every_chapter_its_version_and_date(site: Path, server: str):
    """make book (python -m analysis build --pdf) prints the whole book to one PDF served with the site
    (analysis/tools/book_pdf.py): a sheet or more per chapter, the data version and the build date on the title
    page and at the foot of every sheet with its number, the first and the last chapter's text, every chapter's
    title; no link to a file on the building machine. Every page's download menu and the data page link it."""
    from pdf_text import pages_text

    from analysis.tools.book_pdf import PDF_NAME, toc_entries
    from analysis.tools.buildtools import data_label

    root = site.parent.parent
    pdf = site / PDF_NAME
    assert pdf.is_file(), f"no {PDF_NAME} in the built site"
    assert [p.name for p in site.glob("*.pdf")] == [PDF_NAME] and not list(site.glob("_book-print*")), "one PDF, no leftovers"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and b"file://" not in data and b"127.0.0.1" not in data, "the PDF links the building machine's files"
    sheets = pages_text(pdf)
    foot = re.compile(r"Ketamine for Chronic Pain · data version (.*) · built (\S+)\s*page\s*(\d+)\s*of\s*(\d+)\s*$")
    chapters = [doc for _caption, doc in toc_entries(root)]
    assert len(sheets) >= len(chapters), f"{len(sheets)} sheets for {len(chapters)} chapters"
    version, _date = data_label(root)
    built = dt.datetime.fromtimestamp(pdf.stat().st_mtime, dt.UTC).date().isoformat()
    assert _words(f"Data version {version}") in _words(sheets[0]) and _words(f"Built on {built}") in _words(sheets[0]), sheets[0][:500]
    feet = [foot.search(text) for text in sheets]
    unfooted = [n for n, found in enumerate(feet, 1) if not found or found.groups() != (version, built, str(n), str(len(sheets)))]
    assert not unfooted, f"sheets without the data version, build date and page number at their foot: {unfooted[:10]}"
    book = _words("".join(text[: found.start()] for text, found in zip(sheets, feet) if found))  # the text without the feet
    for doc in (chapters[0], chapters[-1]):
        article = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser").find("article")
        paragraph = next(p.get_text() for p in article.find_all("p") if len(p.get_text().split()) >= 12)
        assert _words(paragraph) in book, f"{doc}: its text is not in the PDF ({paragraph[:80]!r})"
    missing, pngs = [], set()
    for doc in chapters:
        article = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser").find("article")
        heading = article.find("h1")
        if heading is None or _words(heading.get_text().rstrip("#")) not in book:
            missing.append(doc)
        # every numbered table and figure (its number and caption), and every PNG figure as an image
        for link in article.select("a.review-figure-full, a.headerlink"):  # not printed
            link.decompose()
        missing += [f"{doc}: {c.parent.get_text()[:60]!r}" for c in article.select(".caption-number") if _words(c.parent.get_text()) not in book]
        pngs |= {img["src"] for img in article.find_all("img", src=True) if img["src"].endswith(".png")}
    assert not missing, "missing from the PDF:\n" + "\n".join(missing)
    assert pngs and len(re.findall(rb"/Subtype\s*/Image\b", data)) >= len(pngs), f"fewer images in the PDF than the {len(pngs)} PNG figures"
    # linked from every page's download menu and from the data page; served over HTTP
    for path in pages(site):
        if path.startswith("book/"):
            menu = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser").select_one(".dropdown-download-buttons")
            assert menu is not None and menu.find("a", href=f"../{PDF_NAME}") is not None, f"{path}: the download menu does not link the PDF"
            assert "print page" in menu.get_text(), f"{path}: no 'print page' item in the download menu"
    assert f'href="../{PDF_NAME}"' in (site / "data" / "index.html").read_text(encoding="utf-8"), "the data page does not link the PDF"
    from urllib.request import urlopen

    with urlopen(server + PDF_NAME) as response:
        assert response.status == 200 and response.read() == data


def test_the_whole_book_pdf_cuts_nothing(browser, server: str, site: Path):
    """The print HTML of the whole-book PDF (analysis/tools/book_pdf.py), laid out for print as wide as an A4 sheet's text,
    with its tables sorted as the PDF step sorts them: nothing cut or clipped; a table too wide for the sheet is on a
    landscape sheet and fits its text; each chapter, and only a chapter, starts a new sheet."""
    from analysis.tools import book_pdf

    name = "_book-print-test.html"
    (site / name).write_text(book_pdf.print_html(site.parent.parent, site, "test", "2026-01-01"), encoding="utf-8")
    visit = Visit(browser, server, name, viewport={"width": book_pdf.PORTRAIT_TEXT_PX, "height": 1000}, settle=False)
    try:
        visit.page.emulate_media(media="print")
        tables = visit.page.evaluate(book_pdf.TABLES_JS, book_pdf.LANDSCAPE_EXTRA_PX)
        cut = visit.page.evaluate(CUT_JS, book_pdf.LANDSCAPE_EXTRA_PX)
        sheets = visit.page.evaluate("""() => Array.from(document.querySelectorAll('article *'))
            .filter(e => ['page', 'always'].includes(getComputedStyle(e).breakBefore))
            .map(e => e.classList.contains('book-chapter') ? 'chapter' : e.tagName)""")
        chapters = visit.page.locator("section.book-chapter").count()
    finally:
        visit.close()
        (site / name).unlink()
    assert not visit.problems, visit.problems
    assert sum(tables.values()) > 20, tables
    assert not cut, "cut in the whole-book PDF:\n" + "\n".join(cut[:20])
    assert sheets == ["chapter"] * chapters and chapters == len(book_pdf.toc_entries(site.parent.parent)), sheets


def test_audit_filter_shows_only_the_claims_with_the_chosen_verdict(visits):
    """The audit page's verdict list (theme/static/claim-filter.js) hides every claim with another verdict;
    'All verdicts' shows them all again. Each public text has its own section, headed by its name."""
    page = visits["book/audit.html"].page
    headings = page.eval_on_selector_all("article section section section > h3", "hs => hs.map(h => h.textContent)")
    toc = page.eval_on_selector_all(".bd-sidebar-secondary nav a", "as => as.map(a => a.textContent.trim())")
    assert headings and all(h.rstrip("#").strip() in toc for h in headings), (headings, toc)
    assert not any("glue" in h or "audit_text" in h for h in headings), headings
    rows = "table[data-claim-table] tbody tr"
    verdicts = page.eval_on_selector_all(f"{rows} td.claim-verdict", "cs => cs.map(c => c.textContent.trim())")
    assert len(verdicts) >= 2 and all("_" not in v for v in verdicts), verdicts
    options = page.eval_on_selector_all("#claim-filter-verdict option", "os => os.map(o => o.value).filter(Boolean)")
    assert sorted(options) == sorted(set(verdicts))
    assert page.locator("label[for=claim-filter-verdict]").count() == 1 and page.locator("label[for=claim-filter-topic]").count() == 1
    chosen = min(set(verdicts), key=verdicts.count)  # the rarest: most rows hidden
    page.locator("#claim-filter-verdict").focus()
    page.select_option("#claim-filter-verdict", chosen)
    shown = page.eval_on_selector_all(rows, "rs => rs.filter(r => r.offsetParent !== null).map(r => r.querySelector('td.claim-verdict').textContent.trim())")
    assert shown == [chosen] * verdicts.count(chosen), shown
    assert f"Showing {len(shown)} of {len(verdicts)} claims" in page.locator(".claim-filter-status").inner_text()
    page.select_option("#claim-filter-verdict", "")
    assert page.eval_on_selector_all(rows, "rs => rs.filter(r => r.offsetParent !== null).length") == len(verdicts)


def test_a_larger_constructed_evidence_base_reaches_every_page(site: Path):
    """The session's copy of the data has ten FICTITIOUS trials added to today's (prepare_copy); every
    page of the table of contents is built with them, and they reach the synthesis and the chapters."""
    import json

    pages = {p.stem for p in (site / "book").glob("*.html")}
    assert {"trials", "reviews", "conclusions", "evidence-headache", "evidence-pelvic"} <= pages
    results = {r["id"]: r for r in json.loads((site / "data" / "results.json").read_text(encoding="utf-8"))}
    primary = results["responders50_during_or_just_after_the_infusion"]
    assert primary["k"] == 14 and primary["pi_low"] is not None  # 4 real trials + 10 constructed; a prediction interval for k >= 3
    assert results["responders50_3_to_5_weeks"]["k"] == 10
    pelvic = re.sub(r"<[^>]+>", " ", (site / "book" / "evidence-pelvic.html").read_text(encoding="utf-8"))
    assert "Fictitious Trial 2004" in pelvic


# --------------------------------------------------------------------------
# Page weight and the theme's icons

# The scripts, style sheets and fonts a page may load (bytes), besides its own HTML and figures, the search
# index (it grows with the book) and MathJax (only where a page has mathematics). Font Awesome's
# fontawesome.js alone was 1.5 MB, and its web fonts 156 kB and 118 kB (analysis/tools/html_fixes.py).
ASSET_BUDGET = 850_000
ASSETS = re.compile(r"\.(?:js|css|woff2?|ttf|otf)$")
HEADER_BUTTONS = ".bd-header-article button, .bd-header-article a.btn, .bd-header button, .bd-header a.btn"
HEADER_ICONS_JS = """sel => Array.from(document.querySelectorAll(sel)).filter(b => b.offsetParent !== null && !b.closest('.dropdown-menu'))
  .map(b => { const icons = Array.from(b.querySelectorAll('svg, img')).filter(i => { const r = i.getBoundingClientRect();
                return r.width > 0 && r.height > 0 && (i.tagName !== 'svg' || !!i.querySelector('path[d]')); });
              return {name: (b.getAttribute('aria-label') || b.getAttribute('title') || b.innerText || '').trim(),
                      html: b.outerHTML.slice(0, 120), icons: icons.length}; })"""


def test_pages_load_no_icon_font_and_stay_under_a_weight_budget(visits):
    problems, totals = [], []
    for path, visit in visits.items():
        loaded = visit.page.evaluate(
            "() => performance.getEntriesByType('resource').map(r => [new URL(r.name).pathname, r.encodedBodySize || r.transferSize || 0])"
        )
        assets = [(name, size) for name, size in loaded if ASSETS.search(name)
                  and not name.endswith("/searchindex.js") and "/_static/mathjax/" not in name]
        problems += [f"{path}: loads {name}" for name, _size in assets if "fontawesome" in name or "fa-solid" in name or "fa-brands" in name]
        total = sum(size for _name, size in assets)
        totals.append(total)
        if total > ASSET_BUDGET:
            problems.append(f"{path}: {total} bytes of scripts, styles and fonts (budget {ASSET_BUDGET}): "
                            + ", ".join(f"{n.rsplit('/', 1)[-1]} {s}" for n, s in sorted(assets, key=lambda a: -a[1])[:6]))
        html = visit.page.content()
        if "fontawesome.js" in html:
            problems.append(f"{path}: the page names fontawesome.js")
    assert max(totals) > 100_000, "the sizes of the pages' resources were not measured"  # (404 and data pages load none)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 390])
def test_every_header_button_has_a_name_and_shows_its_icon(visits, width: int):
    """The theme's icons are inline SVG (analysis/tools/html_fixes.py): each visible button of the header keeps its
    accessible name and shows an icon of non-zero size, in light and dark mode."""
    pages_checked = list(visits) if width == 1280 else ["book/trials.html", "book/audit.html", "index.html"]
    problems, buttons = [], 0
    try:
        for path in pages_checked:
            page = visits[path].page
            for scheme in ("light", "dark"):
                set_mode(page, width, scheme)
                for button in page.evaluate(HEADER_ICONS_JS, HEADER_BUTTONS):
                    buttons += 1
                    if not button["name"]:
                        problems.append(f"{path} at {width} px, {scheme}: a header button without a name: {button['html']}")
                    if button["icons"] < 1:
                        problems.append(f"{path} at {width} px, {scheme}: the button {button['name']!r} shows no icon: {button['html']}")
    finally:
        for path in pages_checked:
            set_mode(visits[path].page, 1280, "light")
    assert buttons >= 8 * len(pages_checked), f"only {buttons} header buttons found"
    assert not problems, "\n".join(problems)


def test_on_a_phone_figures_keep_their_labels_readable_and_scroll_in_their_own_box(visits):
    """At 390 px a figure is shown no narrower than its smallest text needs (10 px; analysis/figures/style.py) and scrolls
    sideways inside its figure box, whose caption links make it reachable by keyboard."""
    problems, figures = [], 0
    try:
        for path, visit in visits.items():
            if path == f"{FIXTURE_DOC}.html" or not visit.page.locator("figure.review-figure img").count():
                continue
            set_mode(visit.page, 390, "light")
            for figure in visit.page.evaluate("""() => Array.from(document.querySelectorAll('figure.review-figure')).map(f => {
                const img = f.querySelector('img');
                return {minimum: parseFloat(getComputedStyle(img).getPropertyValue('--review-figure-min-width')) || 0,
                        natural: img.naturalWidth, width: img.getBoundingClientRect().width, box: f.clientWidth,
                        scrolls: getComputedStyle(f).overflowX === 'auto', focusable: !!f.querySelector('a[href]')}; })"""):
                figures += 1
                if figure["minimum"] <= 0 or figure["minimum"] > figure["natural"] + 1:
                    problems.append(f"{path}: a figure without a readable minimum width ({figure})")
                elif figure["width"] < min(figure["minimum"], figure["natural"]) - 1:
                    problems.append(f"{path}: a figure shrunk below the width its labels need ({figure})")
                if figure["width"] > figure["box"] + 1 and not (figure["scrolls"] and figure["focusable"]):
                    problems.append(f"{path}: a wide figure does not scroll in its own box ({figure})")
    finally:
        for visit in visits.values():
            set_mode(visit.page, 1280, "light")
    assert figures > 5, figures
    assert not problems, "\n".join(problems)

"""The build's bookkeeping, without building: what a page's code inputs are, and results.json made
again only when something it is computed from changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.tools import buildtools
from analysis.tools.notebooks import code_files

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A book root holding a copy of the data and the lock (the results read the data given to them)."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copyfile(ROOT / "requirements.lock", tmp_path / "requirements.lock")
    return tmp_path


def test_results_json_is_computed_again_only_when_an_input_changed(root: Path, monkeypatch: pytest.MonkeyPatch):
    import analysis.pages.results as results_module

    calls: list[Path] = []
    real = results_module.results

    def counting(data_dir: Path) -> list[dict]:
        calls.append(data_dir)
        return real(data_dir)

    monkeypatch.setattr(results_module, "results", counting)
    work = root / "_build" / buildtools.EXEC_DIR
    first = buildtools.results_json(root, work)
    records = json.loads(first.read_text(encoding="utf-8"))
    assert records and calls == [root / "data"]
    assert any(r["id"].startswith("responders50") for r in records)

    assert buildtools.results_json(root, work).read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    assert len(calls) == 1, "nothing changed, yet the results were computed again"

    # one responder count fewer in the data: computed again, and different
    outcomes = root / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    hit = [i for i, line in enumerate(lines) if line.startswith("kvarnstrom2004,ketamine,responders_50,")]
    assert len(hit) == 1 and ",5,10," in lines[hit[0]]
    lines[hit[0]] = lines[hit[0]].replace(",5,10,", ",4,10,", 1)
    outcomes.write_text("".join(lines), encoding="utf-8")
    again = buildtools.results_json(root, work)
    assert len(calls) == 2
    assert again.read_text(encoding="utf-8") != json.dumps(records, indent=1, ensure_ascii=False)

    # a file of the code the results import counts as an input too
    assert any(p.name == "synthesis.py" for p in code_files(buildtools.RESULTS_CODE))


def test_pages_say_when_the_data_differ_from_their_release():
    """{{ data_version }} holds the released version (a configuration value: changing it would make Sphinx read every
    page again); the words for unreleased changes are added as each page is written."""
    from types import SimpleNamespace

    body = f"<p>This build uses data version {buildtools.version_span('0.2.1')}.</p>"
    app = SimpleNamespace(config=SimpleNamespace(html_theme_options={}, review_description=""),
                          ketamine_review_data_version=("0.2.1 with changes not yet released", "0.2.1"))
    context = {"body": body}
    buildtools._on_html_page_context(app, "book/intro", "page.html", context, None)
    assert context["body"] == f"<p>This build uses data version {buildtools.version_span('0.2.1 with changes not yet released')}.</p>"
    app.ketamine_review_data_version = ("0.2.1", "0.2.1")
    context = {"body": body}
    buildtools._on_html_page_context(app, "book/intro", "page.html", context, None)
    assert context["body"] == body

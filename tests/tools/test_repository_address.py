"""The repository's address: one setting (``repository.url`` of ``_config.yml``), and no dead link while it is the
placeholder (analysis/tools/buildtools.py: public_repository, the footer, the About page, the header's buttons)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import yaml

from analysis.tools import buildtools

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = "https://github.com/example-org/example-review"


def test_the_placeholder_and_an_empty_address_are_not_a_public_repository():
    assert buildtools.public_repository(buildtools.PLACEHOLDER_REPOSITORY) == ""
    assert buildtools.public_repository(buildtools.PLACEHOLDER_REPOSITORY + "/") == ""
    assert buildtools.public_repository(None) == "" and buildtools.public_repository("  ") == ""
    assert buildtools.public_repository(PUBLISHED + "/") == PUBLISHED


def test_the_book_s_address_is_the_placeholder_until_the_repository_is_published():
    """If this fails, the address in _config.yml was changed: the pages now link to it (that is intended once the
    repository is public; then delete this test)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["url"] == buildtools.PLACEHOLDER_REPOSITORY
    # the one place: no other file of the book names an address of the repository
    for path in [ROOT / "book" / "about.md", *(ROOT / "analysis").rglob("*.py")]:
        assert "github.com/ketamine-review" not in path.read_text(encoding="utf-8"), path


def _configured(url: str):
    app = SimpleNamespace(srcdir=str(ROOT))
    config = SimpleNamespace(html_theme_options={"repository_url": url}, myst_substitutions={})
    buildtools._on_config_inited(app, config)
    return config


def test_footer_and_about_page_say_there_is_no_public_address_yet_and_link_nothing():
    config = _configured(buildtools.PLACEHOLDER_REPOSITORY)
    footer = config.html_theme_options["extra_footer"]
    assert buildtools.UNPUBLISHED_REPOSITORY in footer and "<a " not in footer and "OWNER" not in footer
    assert config.myst_substitutions["repository"] == "the book's repository, which has no public address yet"
    assert "OWNER" not in config.myst_substitutions["repository_url"]


def test_footer_and_about_page_link_a_published_address():
    config = _configured(PUBLISHED)
    assert f'Source and data: <a href="{PUBLISHED}">{PUBLISHED}</a>.' in config.html_theme_options["extra_footer"]
    assert config.myst_substitutions["repository"] == f"the repository at [{PUBLISHED}]({PUBLISHED})"


def _header(url: str) -> list[str]:
    buttons = [
        {"type": "group", "label": "launch-buttons", "buttons": [{"type": "link", "url": "https://mybinder.org/v2/gh/o/r/main"}]},
        {"type": "link", "label": "source-repository-button", "url": url},
        {"type": "group", "label": "download-buttons", "buttons": []},
        {"type": "javascript", "label": "fullscreen-button"},
    ]
    app = SimpleNamespace(config=SimpleNamespace(html_theme_options={"repository_url": url}, review_description=""))
    context = {"header_buttons": buttons, "pathto": lambda name, kind=0: f"../{name}"}
    buildtools._on_html_page_context(app, "book/trials", "page.html", context, None)
    return [b["label"] for b in context["header_buttons"]]


def test_no_launch_or_repository_button_while_the_address_is_the_placeholder():
    assert _header(buildtools.PLACEHOLDER_REPOSITORY) == ["download-buttons", "fullscreen-button"]
    assert _header(PUBLISHED) == ["launch-buttons", "source-repository-button", "download-buttons", "fullscreen-button"]

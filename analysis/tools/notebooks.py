"""What the build knows about a page's source: is it a notebook, and which library code does it use.

* :func:`is_text_notebook` -- a MyST Markdown page is a text notebook when its front matter names a kernel;
* :func:`code_files` -- the files of the ``analysis`` package that a page's code can run: the
  modules it imports, and everything those import in turn (found by reading the source, not by
  running it, so an import inside a function counts too). The build hashes these, and only
  these, as the page's code inputs: editing the command line or the Colab exporter, which no
  page imports, re-executes no page.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PACKAGE = PACKAGE_DIR.name  # "analysis"

# In a page, imports may sit in any code cell; reading the whole text over-approximates safely.
_PAGE_IMPORT = re.compile(rf"^[ \t]*(?:from[ \t]+({PACKAGE}(?:\.\w+)*)[ \t]+import[ \t]+([^\n#]+)|import[ \t]+({PACKAGE}(?:\.\w+)*))", re.M)


def is_text_notebook(source: str) -> bool:
    """Whether a MyST Markdown source is a text notebook (its front matter names a kernel)."""
    return "kernelspec:" in source[:2000]


def module_file(name: str) -> Path | None:
    """The file of a dotted module name of the package (``analysis.stats`` -> its ``__init__.py``), or None."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(module: str, names: list[str]) -> list[str]:
    """``from module import a, b``: the module, and each name that is itself a submodule."""
    return [module] + [f"{module}.{n}" for n in names if module_file(f"{module}.{n}") is not None]


def _imports_of_module(path: Path) -> list[str]:
    """The package's modules that the module at ``path`` imports (its file parsed once per version of it)."""
    stat = path.stat()
    return list(_parsed_imports(path, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=512)
def _parsed_imports(path: Path, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    # A build asks for every page's code (25 pages, each importing most of the package): parsing each module's
    # source once, not once per page, took the start of the notebooks' execution from 2.5 s to 0.1 s. The file's
    # modification time and size are part of the key, so an edited module is parsed again.
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found += _targets(module, [a.name for a in node.names])
    return tuple(m for m in found if m.split(".")[0] == PACKAGE)


def _imports_of_page(source: str) -> list[str]:
    found: list[str] = []
    for m in _PAGE_IMPORT.finditer(source):
        if m.group(3):
            found.append(m.group(3))
        else:
            names = [n.strip().split(" as ")[0].strip("() ") for n in m.group(2).split(",")]
            found += _targets(m.group(1), [n for n in names if n])
    return found


def code_files(page_source: str) -> list[Path]:
    """Every file of the package a page's code can run (imports followed to the end), sorted."""
    todo = _imports_of_page(page_source)
    files: set[Path] = set()
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__, a/b/__init__ too
            path = module_file(".".join(parts[:i]))
            if path is not None and path not in files:
                files.add(path)
                todo += _imports_of_module(path)
    return sorted(files)

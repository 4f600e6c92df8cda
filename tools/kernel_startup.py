"""Run by every kernel of the book build (PYTHONSTARTUP, set by analysis/buildtools.py).

Two settings: tables escape HTML, and figures carry no date.

Text from the data must reach a page as text, never as markup: a study title such as
``<script>alert(1)</script>`` is shown literally. pandas escapes ``DataFrame`` HTML
but not ``Styler`` HTML by default, and the chapters display their tables through
``Styler``, so escaping is switched on for it here. A chapter that means to put
markup in a table cell says so with ``.format(escape=None)`` on that Styler.
"""

try:
    import pandas as _pd

    _pd.set_option("styler.format.escape", "html")
    del _pd
except ImportError:  # pragma: no cover - pandas is in the lock
    pass

# Figures shown by the notebooks carry no date: matplotlib writes the build date into
# SVG (<dc:date>) and PDF files unless told not to (SOURCE_DATE_EPOCH, set for the
# kernels too, covers files the chapters save themselves).
try:
    from matplotlib_inline.config import InlineBackend as _InlineBackend

    _InlineBackend.instance().print_figure_kwargs.update({"metadata": {"Date": None}})
    del _InlineBackend
except ImportError:  # pragma: no cover - matplotlib-inline comes with ipykernel
    pass

# Tables carry the same ids in every build, and their labels are escaped: pandas gives each Styler a random id (``T_f23fe``, and
# every cell id after it), so two builds of the same commit differed in every page with a table.
# Here each Styler of a kernel gets the next id of a counter (T_t1, T_t2, ...), unique within a page.
try:
    import itertools as _itertools

    from pandas.io.formats.style import Styler as _Styler

    _next_id = _itertools.count(1)
    _styler_init = _Styler.__init__

    def _deterministic_init(self, *args, uuid=None, **kwargs):  # type: ignore[no-untyped-def]
        _styler_init(self, *args, uuid=uuid or f"t{next(_next_id)}", **kwargs)
        # Index and column labels come from the data too: escape them as the cells are escaped.
        self.format_index(escape="html", axis=0)
        self.format_index(escape="html", axis=1)

    _Styler.__init__ = _deterministic_init  # type: ignore[method-assign]
    del _itertools
except ImportError:  # pragma: no cover - pandas is in the lock
    pass

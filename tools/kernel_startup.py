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

"""Tools outside what the book's pages import: the build, the Colab export and the command line.

No page imports these modules, so editing them re-executes no page (the build hashes, as
inputs of a page, only the modules that page imports; see :mod:`analysis.tools.buildtools`).
"""

"""Page helpers, one module per chapter (or group of chapters) of the book.

Each turns loaded tables into what a page shows: display tables, sentences with their
numbers, figures. The rules they apply live in :mod:`analysis.data.rules`; the
statistics in :mod:`analysis.stats`; the drawing style in :mod:`analysis.figures.style`.
"""

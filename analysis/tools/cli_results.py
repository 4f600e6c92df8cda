"""The ``results`` command: every synthesis of the book, as text or JSON (:mod:`analysis.pages.results`)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_parser(commands: Any) -> argparse.ArgumentParser:
    p = commands.add_parser("results", help="list every synthesis in the book (pooled estimates, sign tests, pooled proportions)",
                            description="Every synthesis of the book, computed from the data: the same list the site serves as data/results.json.")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.add_argument("--data", default=None, help="the data folder (default: the repository's data/)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from analysis.data import DataError
    from analysis.pages.results import results, text

    try:
        records = results(args.data)
    except DataError as e:
        print(e)
        return 1
    print(json.dumps(records, indent=1, ensure_ascii=False, allow_nan=False) if args.json else text(records))
    return 0

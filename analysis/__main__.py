"""Command line: ``python -m analysis {validate,build,pool,colab-notebooks,new-study,changes,release-snapshot,schema-diff,serve,pdf} ...``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Tools of the review 'Ketamine for Chronic Pain'.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a data folder against its datapackage.json; never writes")
    validate.add_argument("data_dir", nargs="?", default="data", help="the data folder (default: data)")
    validate.set_defaults(func=lambda a: __import__("analysis.data.validate", fromlist=["main"]).main(a.data_dir))

    build = commands.add_parser("build", help="build the book into _build/html, strictly, re-executing pages whose inputs changed")
    build.add_argument("--root", default=".", help="the book's root folder (default: .)")
    build.add_argument("--pdf", action="store_true",
                       help="then print the whole book to one PDF, linked from every page (needs chromium; make book does this)")
    build.set_defaults(func=lambda a: __import__("analysis.tools.buildtools", fromlist=["main"]).main(a.root, a.pdf))

    colab = commands.add_parser(
        "colab-notebooks", help="write a Colab notebook (.ipynb with a set-up cell) for every notebook page, for the 'colab' branch"
    )
    colab.add_argument("out_dir", help="the folder to write book/PAGE.ipynb into")
    colab.add_argument("--root", default=".", help="the book's root folder (default: .)")
    colab.set_defaults(func=lambda a: __import__("analysis.tools.colab", fromlist=["main"]).main(a.out_dir, a.root))

    from analysis.tools import book_pdf, cli_pool, cli_results, schema_diff, serve

    cli_pool.add_parser(commands)
    cli_results.add_parser(commands)
    schema_diff.add_parser(commands)
    serve.add_parser(commands)
    book_pdf.add_parser(commands)

    from analysis.tools import cli_living  # new-study, changes, release-snapshot: the contributor workflow and living review

    cli_living.add_parsers(commands)

    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

"""The ``pool`` sub-command: meta-analyse one CSV file.

    python -m analysis pool FILE.csv --measure {GEN,PLO,MD,SMD,RR,OR}
        --method {REML,DL,PM} --ci {wald,hk,hk-adhoc} [--json] [--plot OUT.svg]

Columns read (header names, case-sensitive; other columns are ignored):

====== =====================================
GEN    ``yi, vi``
PLO    ``events, n``
MD/SMD ``m1, sd1, n1, m2, sd2, n2``
RR/OR  ``e1, n1, e2, n2``
====== =====================================

plus an optional ``study`` label (labels need not be unique).  Bad input is
reported as ONE line on stderr, ``FILE:LINE: COLUMN: problem``
(header = line 1), and the exit status is 2.

The other engineer wires :func:`add_parser` into ``python -m analysis``;
``python -m analysis.tools.cli_pool FILE.csv ...`` also works.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.stats import effects as E
from analysis.stats.pooling import CI_METHODS, PoolResult, pool

MEASURES: dict[str, list[str]] = {
    "GEN": ["yi", "vi"],
    "PLO": ["events", "n"],
    "MD": ["m1", "sd1", "n1", "m2", "sd2", "n2"],
    "SMD": ["m1", "sd1", "n1", "m2", "sd2", "n2"],
    "RR": ["e1", "n1", "e2", "n2"],
    "OR": ["e1", "n1", "e2", "n2"],
}
RE_METHODS = ("REML", "DL", "PM")
SCALE = {"GEN": "as given", "PLO": "logit", "MD": "raw", "SMD": "Hedges' g", "RR": "log", "OR": "log"}
_COUNT_COLUMNS = {"events", "n", "e1", "e2"}  # whole numbers; n1/n2 too for RR/OR


class InputError(Exception):
    """Bad input: carries the file, the CSV line (header = 1) and the column."""

    def __init__(self, path: str, message: str, line: int | None = None, column: str | None = None):
        self.path, self.message, self.line, self.column = path, message, line, column
        super().__init__(str(self))

    def __str__(self) -> str:
        # The validator's form, FILE:LINE: COLUMN: message, so every tool of the
        # project points at bad input the same way (whole-file problems have no line).
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.column is not None:
            where += f": {self.column}"
        return f"{where}: {self.message}"


@dataclass
class StudyTable:
    """Parsed input: numeric columns, labels and the CSV line of each study."""

    path: str
    measure: str
    columns: dict[str, np.ndarray]
    raw: dict[str, list[str]]  # cells as written, for the forest plot text columns
    labels: list[str]
    lines: list[int]


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------
def _decode(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        start = e.start
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        prefix = data[line_start:start].decode("utf-8", errors="replace")
        column = None
        try:
            header_end = data.find(b"\n")
            header = next(csv.reader([data[: header_end if header_end >= 0 else len(data)].decode("utf-8", errors="replace")]))
            idx = len(next(csv.reader([prefix]))) - 1 if prefix else 0
            if 0 <= idx < len(header):
                column = header[idx].strip()
        except (StopIteration, csv.Error):  # pragma: no cover - best effort
            pass
        raise InputError(
            path, f"the file is not valid UTF-8 (byte 0x{data[start]:02x} at offset {start})", line, column
        ) from None


def read_table(path: str, measure: str) -> StudyTable:
    """Read and validate the CSV for ``measure``; raise :class:`InputError`.

    Checks: file readable, UTF-8, required columns present, every required
    cell a finite number, counts whole numbers, n > 0, 0 <= events <= n,
    SD > 0, vi > 0, n1 + n2 > 3 for SMD, and at least one study.
    """
    measure = measure.upper()
    required = MEASURES[measure]
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a CSV file") from None
    except OSError as e:
        raise InputError(path, f"cannot read file ({e.strerror or e})") from None
    text = _decode(path, data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise InputError(path, "the file is empty (no header row)", 1)
        header = [h.strip() for h in header]
        for col in required:
            if col not in header:
                raise InputError(path, f"missing column (needed for --measure {measure}: {', '.join(required)})", 1, col)
        idx = {c: header.index(c) for c in required}
        study_idx = header.index("study") if "study" in header else None

        values: dict[str, list[float]] = {c: [] for c in required}
        raw: dict[str, list[str]] = {c: [] for c in required}
        labels: list[str] = []
        lines: list[int] = []
        line_no = 1
        for row in reader:
            line_no = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue  # blank line
            parsed: dict[str, float] = {}
            for col in required:
                j = idx[col]
                cell = row[j].strip() if j < len(row) else ""
                if cell == "":
                    raise InputError(path, "empty cell (a number is needed)", line_no, col)
                try:
                    x = float(cell)
                except ValueError:
                    raise InputError(path, f"not a number: {cell!r}", line_no, col) from None
                if not math.isfinite(x):
                    raise InputError(path, f"not a finite number: {cell!r}", line_no, col)
                parsed[col] = x
                raw[col].append(cell)
            _check_row(path, measure, parsed, line_no)
            for col in required:
                values[col].append(parsed[col])
            label = row[study_idx].strip() if study_idx is not None and study_idx < len(row) else ""
            labels.append(label or f"Study {len(labels) + 1}")
            lines.append(line_no)
    except csv.Error as e:
        raise InputError(path, f"malformed CSV ({e})", reader.line_num) from None
    if not lines:
        raise InputError(path, "no studies: at least one data row is needed", 2, required[0])
    return StudyTable(
        path=path, measure=measure, columns={c: np.asarray(v, float) for c, v in values.items()},
        raw=raw, labels=labels, lines=lines,
    )


def _check_row(path: str, measure: str, v: dict[str, float], line: int) -> None:
    def bad(col: str, msg: str) -> None:
        raise InputError(path, msg, line, col)

    counts = set(_COUNT_COLUMNS) | ({"n1", "n2"} if measure in ("RR", "OR") else set())
    for col, x in v.items():
        if col in counts and x != int(x):
            bad(col, f"must be a whole number, got {x:g}")
    if measure == "GEN":
        if v["vi"] <= 0:
            bad("vi", f"sampling variance must be > 0, got {v['vi']:g}")
    elif measure == "PLO":
        if v["n"] <= 0:
            bad("n", f"n must be > 0, got {v['n']:g}")
        if v["events"] < 0:
            bad("events", f"events must be >= 0, got {v['events']:g}")
        if v["events"] > v["n"]:
            bad("events", f"events ({v['events']:g}) > n ({v['n']:g})")
    elif measure in ("MD", "SMD"):
        for g in ("1", "2"):
            if v["n" + g] <= 0:
                bad("n" + g, f"n{g} must be > 0, got {v['n' + g]:g}")
            if v["sd" + g] <= 0:
                bad("sd" + g, f"SD must be > 0, got {v['sd' + g]:g}")
        if measure == "SMD" and v["n1"] + v["n2"] <= 3:
            bad("n2", "SMD needs n1 + n2 > 3")
    else:  # RR, OR
        for g in ("1", "2"):
            if v["n" + g] <= 0:
                bad("n" + g, f"n{g} must be > 0, got {v['n' + g]:g}")
            if v["e" + g] < 0:
                bad("e" + g, f"e{g} must be >= 0, got {v['e' + g]:g}")
            if v["e" + g] > v["n" + g]:
                bad("e" + g, f"e{g} ({v['e' + g]:g}) > n{g} ({v['n' + g]:g})")


def compute_effects(t: StudyTable) -> E.Effect:
    """Effect sizes (analysis scale) for a validated table (metafor escalc defaults)."""
    return E.escalc(t.measure, **t.columns)


def _num(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def result_dict(res: PoolResult, measure: str) -> dict[str, Any]:
    """The ``--json`` object (analysis scale, plus ``back_transformed`` or null)."""
    out: dict[str, Any] = {
        "measure": measure,
        "scale": SCALE[measure],
        "method": res.method,
        "ci_method": res.ci_method,
        "k": res.k,
    }
    for key in ["estimate", "se", "ci_low", "ci_high", "tau2", "tau2_ci_low", "tau2_ci_high", "q", "q_p", "i2", "pi_low", "pi_high"]:
        out[key] = _num(getattr(res, key))
    f = E.back_transform(measure)
    if f is None:
        out["back_transformed"] = None
    else:
        out["back_transformed"] = {
            key: (None if getattr(res, key) is None else _num(f(getattr(res, key))))
            for key in ["estimate", "ci_low", "ci_high", "pi_low", "pi_high"]
        }
    return out


def summary_text(res: PoolResult, measure: str, path: str) -> str:
    """Readable multi-line summary."""
    f = E.back_transform(measure)
    ci_name = {"wald": "Wald (z)", "hk": "Hartung-Knapp-Sidik-Jonkman (t, df=k-1)", "hk-adhoc": "HKSJ ad hoc (SE >= Wald SE)"}[res.ci_method]
    lines = [
        f"Meta-analysis of {path}: measure {measure} ({SCALE[measure]} scale), k = {res.k}",
        f"tau^2 estimator: {res.method}; confidence interval: {ci_name}",
        f"Pooled estimate: {res.estimate:.4f} (SE {res.se:.4f}), 95% CI {res.ci_low:.4f} to {res.ci_high:.4f}, p = {res.p:.4g}",
    ]
    if f is not None:
        lines.append(
            f"  back-transformed: {f(res.estimate):.4f}, 95% CI {f(res.ci_low):.4f} to {f(res.ci_high):.4f}"
        )
    if res.pi_low is not None and res.pi_high is not None:
        pi = f"95% prediction interval: {res.pi_low:.4f} to {res.pi_high:.4f}"
        if f is not None:
            pi += f" (back-transformed {f(res.pi_low):.4f} to {f(res.pi_high):.4f})"
        lines.append(pi)
    else:
        lines.append("95% prediction interval: not computed (needs k >= 3)")
    if res.k >= 2:
        lines.append(
            f"Heterogeneity: tau^2 = {res.tau2:.4f} (95% CI {res.tau2_ci_low:.4f} to {res.tau2_ci_high:.4f}), "
            f"I^2 = {res.i2:.1f}%, Q = {res.q:.4f} (df = {res.q_df}, p = {res.q_p:.4g})"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------
# argparse wiring
# --------------------------------------------------------------------------
def _configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("file", metavar="FILE.csv", help="CSV file, one row per study")
    p.add_argument("--measure", type=str.upper, choices=list(MEASURES), default="GEN",
                   help="effect measure (default: GEN, columns yi and vi)")
    p.add_argument("--method", type=str.upper, choices=list(RE_METHODS), default="REML",
                   help="tau^2 estimator (default: REML)")
    p.add_argument("--ci", type=str.lower, choices=list(CI_METHODS), default="hk",
                   help="confidence interval method (default: hk)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--plot", metavar="OUT.svg", help="write a forest plot (format from the suffix: svg, png, pdf)")
    p.set_defaults(func=run)
    return p


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``pool`` sub-command on an argparse subparsers object (sets ``func=run``)."""
    p = subparsers.add_parser(
        "pool", help="meta-analyse one CSV file",
        description="Pool the studies of one CSV file (random-effects meta-analysis).",
    )
    return _configure(p)


def run(args: argparse.Namespace) -> int:
    """Run the ``pool`` sub-command; returns the exit code (0 ok, 2 bad input)."""
    try:
        table = read_table(args.file, args.measure)
        es = compute_effects(table)
        res = pool(es.yi, es.vi, method=args.method, ci=args.ci, labels=table.labels)
        if getattr(args, "plot", None):
            _write_plot(table, res, args.plot)
    except InputError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result_dict(res, table.measure), indent=2, allow_nan=False))
    else:
        print(summary_text(res, table.measure, args.file))
    return 0


def _write_plot(table: StudyTable, res: PoolResult, out: str) -> None:
    from analysis.figures.forest import forest_plot, save_figure

    fig, alt = forest_plot(res, measure=table.measure, data_columns=display_columns(table))
    try:
        save_figure(fig, out)
    except (OSError, ValueError) as e:
        raise InputError(out, f"cannot write plot ({e})") from None
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def display_columns(table: StudyTable) -> dict[str, list[str]]:
    """Text columns for the forest plot, from the cells as written in the CSV."""
    r = table.raw
    m = table.measure
    if m == "PLO":
        return {"n/N": [f"{a}/{b}" for a, b in zip(r["events"], r["n"])]}
    if m in ("RR", "OR"):
        return {
            "Group 1 n/N": [f"{a}/{b}" for a, b in zip(r["e1"], r["n1"])],
            "Group 2 n/N": [f"{a}/{b}" for a, b in zip(r["e2"], r["n2"])],
        }
    if m in ("MD", "SMD"):
        return {
            "Group 1 mean (SD), n": [f"{a} ({b}), {c}" for a, b, c in zip(r["m1"], r["sd1"], r["n1"])],
            "Group 2 mean (SD), n": [f"{a} ({b}), {c}" for a, b, c in zip(r["m2"], r["sd2"], r["n2"])],
        }
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m analysis.tools.cli_pool FILE.csv ...``."""
    p = _configure(argparse.ArgumentParser(prog="python -m analysis.tools.cli_pool", description="Pool the studies of one CSV file."))
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""The ``pool`` sub-command: meta-analyse one CSV file.

    python -m analysis pool FILE.csv --measure {GEN,PLO,MD,SMD,RR,OR,RD}
        --method {REML,DL,PM,MH} --ci {wald,hk,hk-adhoc} [--level 0.95] [--json] [--plot OUT.svg]

``--method MH`` pools counts (``--measure RR``, ``OR`` or ``RD``) by Mantel–Haenszel, as
metafor's ``rma.mh`` (:func:`analysis.stats.mh.pool_mh`): a common-effect estimate with no
continuity correction, and Cochran's Q from the study estimates (1/2 added to the cells of
studies with a zero cell; double-zero studies left out of Q); ``--ci`` does not apply.

Columns read (header names, case-sensitive; other columns are ignored):

====== =====================================
GEN    ``yi, vi``
PLO    ``events, n``
MD/SMD ``m1, sd1, n1, m2, sd2, n2``
RR/OR/RD ``e1, n1, e2, n2``
====== =====================================

plus an optional ``study`` label (labels need not be unique).

The file is read as a stream, one CSV record at a time, with the :mod:`csv` module
(no pandas, and never the whole file at once): of each row only the cells of the
columns above are kept, as C doubles in one :class:`array.array` (8 bytes a cell),
so memory does not depend on the size of the file's text or its other columns.
The study labels and the cells as written are kept only for ``--plot``.  Reading
stops at the first bad line.

Bad input is reported as ONE line on stderr, ``FILE:LINE: COLUMN: problem``
(header = line 1; a cell beyond the header's columns is named ``column N``), and
the exit status is 2.  Checked: the file is readable UTF-8; the header is not
empty, names no column twice and has the columns the measure needs; no row has
more cells than the header; every needed cell is a finite number; counts are whole
numbers, n > 0, 0 <= events <= n, SD > 0, vi > 0, n1 + n2 > 3 for SMD; at least
one study.

``--json`` prints one object: ``measure, scale, method, ci_method, level, k``;
the pooled effect ``estimate, se, ci_low, ci_high`` and its test ``test`` ("z" or
"t"), ``stat``, ``df`` (null for z) and ``p``; ``tau2, tau2_ci_low, tau2_ci_high,
q, q_df, q_p``; two I^2: ``i2_q``, the Q-based ``max(0, (Q - df)/Q)`` (Higgins &
Thompson 2002), and ``i2_metafor``, ``100 tau2 / (tau2 + s2)`` with the "typical"
within-study variance ``s2`` (what metafor's ``rma.uni`` prints for the chosen
estimator); ``pi_low, pi_high``; and ``back_transformed`` (or null).  All in percent
(I^2) or on the analysis scale.

The other engineer wires :func:`add_parser` into ``python -m analysis``;
``python -m analysis.tools.cli_pool FILE.csv ...`` also works.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import operator
import re
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO, overload

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
    "RD": ["e1", "n1", "e2", "n2"],
}
RE_METHODS = ("REML", "DL", "PM")
MH_METHOD = "MH"
SCALE = {"GEN": "as given", "PLO": "logit", "MD": "raw", "SMD": "Hedges' g", "RR": "log", "OR": "log", "RD": "raw"}
_COUNT_COLUMNS = {"events", "n", "e1", "e2"}  # whole numbers; n1/n2 too for RR/OR
_CHUNK = 1 << 16  # studies per escalc call in compute_effects (bounds its temporaries)
# A byte that is not UTF-8 is decoded (errors="surrogateescape") to one of these lone surrogates.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


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
    """Parsed input: the numeric columns, and (for the forest plot only) the text.

    ``columns`` holds one float array per column the measure needs (views of one
    buffer of doubles).  ``raw`` (cells as written, for the forest plot's text
    columns), ``labels`` and ``lines`` (the CSV line of each study) are filled
    only by ``read_table(..., keep_text=True)``: they cost a string per cell.
    """

    path: str
    measure: str
    columns: dict[str, np.ndarray]
    raw: dict[str, list[str]]
    labels: list[str]
    lines: list[int]


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------
def _show(cell: str) -> str:
    """A cell for an error message: quoted, on one line, at most ~40 characters."""
    return repr(cell if len(cell) <= 40 else cell[:37] + "...")


def _printable(name: str) -> str:
    """A name that may hold undecodable bytes (as surrogates), with U+FFFD for them."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _encoding_error(path: str, line_no: int, line: str, at: int, header: list[str]) -> InputError:
    byte = ord(line[at]) - 0xDC00
    column: str | None = None
    try:  # best effort: count the cells before the bad byte (exact unless a quoted cell spans lines)
        idx = len(next(csv.reader([line[:at]]))) - 1 if line[:at] else 0
        names = header or [h.strip() for h in next(csv.reader([line]))]
        column = _printable(names[idx]) if idx < len(names) else f"column {idx + 1}"
    except (StopIteration, csv.Error):  # pragma: no cover - best effort
        pass
    return InputError(
        path, f"the file is not valid UTF-8 (byte 0x{byte:02x} at character {at + 1} of the line); save it as UTF-8",
        line_no, column,
    )


def _utf8_lines(path: str, f: TextIO, header: list[str]) -> Iterator[str]:
    """The file's lines, stopping with :class:`InputError` at the first one that is not UTF-8.

    ``f`` is opened with ``errors="surrogateescape"``, so a bad byte does not stop the
    decoder some kilobytes ahead of the line being parsed: it is found, here, when the
    line that holds it is reached (``header`` is filled in by the caller once read).
    """
    for line_no, line in enumerate(f, 1):
        if not line.isascii():
            m = _UNDECODABLE.search(line)
            if m:
                raise _encoding_error(path, line_no, line, m.start(), header)
        yield line


def _blank(row: list[str]) -> bool:
    return all(not c.strip() for c in row)


def read_table(path: str, measure: str, keep_text: bool = False) -> StudyTable:
    """Read and validate the CSV for ``measure`` as a stream; raise :class:`InputError`.

    Raises at the first bad line, without reading the rest of the file.  Checks: file
    readable, UTF-8, header not empty and without a duplicated column name, required
    columns present, no row with more cells than the header, every required cell a
    finite number, counts whole numbers, n > 0, 0 <= events <= n, SD > 0, vi > 0,
    n1 + n2 > 3 for SMD, and at least one study.  Blank lines are skipped.  With
    ``keep_text`` the labels and the cells as written are kept too (for ``--plot``).
    """
    measure = measure.upper()
    try:
        f = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a CSV file") from None
    except OSError as e:
        raise InputError(path, f"cannot read file ({e.strerror or e})") from None
    with f:
        try:
            return _read(path, measure, f, keep_text)
        except OSError as e:
            raise InputError(path, f"cannot read file ({e.strerror or e})") from None


def _read(path: str, measure: str, f: TextIO, keep_text: bool) -> StudyTable:
    required = MEASURES[measure]
    header: list[str] = []
    reader = csv.reader(_utf8_lines(path, f, header))
    buf = array("d")  # the required cells of all rows, row after row
    raw: dict[str, list[str]] = {c: [] for c in required}
    labels: list[str] = []
    lines: list[int] = []
    try:
        first = next(reader, None)
        if first is None or not any(h.strip() for h in first):
            raise InputError(path, "the file is empty (no header row)", 1)
        header.extend(h.strip() for h in first)
        _check_header(path, header, measure, required)
        ncols = len(header)
        idx = [header.index(c) for c in required]
        study_idx = header.index("study") if "study" in header else None
        cells_of = operator.itemgetter(*idx)  # every measure needs >= 2 columns: returns a tuple
        row_ok = _ROW_OK[measure]
        extend = buf.extend
        for row in reader:
            if len(row) > ncols and not _blank(row):
                raise _extra_cell_error(path, reader.line_num, row, header)
            try:
                cells = cells_of(row)
                vals = list(map(float, cells))
            except (IndexError, ValueError):
                if _blank(row):
                    continue
                raise _cell_error(path, reader.line_num, row, required, idx, ncols) from None
            # fast test of the whole row; on failure the checker names the column (or passes it)
            if not (math.isfinite(sum(vals)) and row_ok(*vals)):
                _check_values(path, measure, required, cells, vals, reader.line_num)
            extend(vals)
            if keep_text:
                for c, cell in zip(required, cells):
                    raw[c].append(cell.strip())
                label = row[study_idx].strip() if study_idx is not None and study_idx < len(row) else ""
                labels.append(label or f"Study {len(labels) + 1}")
                lines.append(reader.line_num)
    except csv.Error as e:
        raise InputError(path, f"malformed CSV ({e})", reader.line_num) from None
    if not buf:
        raise InputError(path, "no studies: at least one data row is needed", 2, required[0])
    matrix = np.frombuffer(buf, dtype=float).reshape(-1, len(required))  # no copy
    return StudyTable(
        path=path, measure=measure, columns={c: matrix[:, j] for j, c in enumerate(required)},
        raw=raw if keep_text else {}, labels=labels, lines=lines,
    )


def _check_header(path: str, header: list[str], measure: str, required: list[str]) -> None:
    seen: dict[str, int] = {}
    for j, name in enumerate(header, 1):
        if not name:
            continue  # an unnamed column is ignored; it is not a duplicate of another
        if name in seen:
            raise InputError(path, f"duplicated column name (columns {seen[name]} and {j} of the header)", 1, name)
        seen[name] = j
    for col in required:
        if col not in seen:
            raise InputError(path, f"missing column (needed for --measure {measure}: {', '.join(required)})", 1, col)


def _extra_cell_error(path: str, line: int, row: list[str], header: list[str]) -> InputError:
    n = len(header)
    extra = next((j for j in range(n, len(row)) if row[j].strip()), n)
    what = f"extra cell {_show(row[extra].strip())}" if row[extra].strip() else "extra (empty) cell"
    return InputError(
        path,
        f"{what}: the row has {len(row)} cells, the header names {n} columns "
        f"(a comma inside a value needs the value in double quotes)",
        line, f"column {extra + 1}",
    )


def _cell_error(path: str, line: int, row: list[str], required: list[str], idx: list[int], ncols: int) -> InputError:
    """The first required cell of ``row`` that is missing or not a finite number."""
    for col, j in zip(required, idx):
        if j >= len(row):
            cells = f"{len(row)} cell" + ("s" if len(row) != 1 else "")
            return InputError(path, f"missing cell: the row has {cells}, the header {ncols} (a number is needed)", line, col)
        cell = row[j].strip()
        if cell == "":
            return InputError(path, "empty cell (a number is needed)", line, col)
        try:
            x = float(cell)
        except ValueError:
            return InputError(path, f"not a number: {_show(cell)}", line, col)
        if not math.isfinite(x):
            return InputError(path, f"not a finite number: {_show(cell)}", line, col)
    raise AssertionError("_cell_error called for a row without a bad cell")  # pragma: no cover


def _check_values(path: str, measure: str, required: list[str], cells: Sequence[str], vals: list[float], line: int) -> None:
    """Raise :class:`InputError` for the first bad value of a row; return if there is none."""
    for col, cell, x in zip(required, cells, vals):
        if not math.isfinite(x):
            raise InputError(path, f"not a finite number: {_show(cell.strip())}", line, col)
    _check_row(path, measure, dict(zip(required, vals)), line)


def _check_row(path: str, measure: str, v: dict[str, float], line: int) -> None:
    def bad(col: str, msg: str) -> None:
        raise InputError(path, msg, line, col)

    counts = set(_COUNT_COLUMNS) | ({"n1", "n2"} if measure in ("RR", "OR", "RD") else set())
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


# Fast per-row tests, arguments in MEASURES order, for finite values: True only if
# _check_row accepts the row (it is the authority; tests/test_cli_pool.py checks they agree).
def _ok_gen(yi: float, vi: float) -> bool:
    return vi > 0


def _ok_plo(events: float, n: float) -> bool:
    return n > 0 and 0 <= events <= n and events.is_integer() and n.is_integer()


def _ok_md(m1: float, sd1: float, n1: float, m2: float, sd2: float, n2: float) -> bool:
    return n1 > 0 and n2 > 0 and sd1 > 0 and sd2 > 0


def _ok_smd(m1: float, sd1: float, n1: float, m2: float, sd2: float, n2: float) -> bool:
    return n1 > 0 and n2 > 0 and sd1 > 0 and sd2 > 0 and n1 + n2 > 3


def _ok_2x2(e1: float, n1: float, e2: float, n2: float) -> bool:
    return (
        n1 > 0 and n2 > 0 and 0 <= e1 <= n1 and 0 <= e2 <= n2
        and e1.is_integer() and n1.is_integer() and e2.is_integer() and n2.is_integer()
    )


_ROW_OK: dict[str, Callable[..., bool]] = {
    "GEN": _ok_gen, "PLO": _ok_plo, "MD": _ok_md, "SMD": _ok_smd, "RR": _ok_2x2, "OR": _ok_2x2, "RD": _ok_2x2,
}


def compute_effects(t: StudyTable) -> E.Effect:
    """Effect sizes (analysis scale) for a validated table (metafor escalc defaults).

    Computed in chunks of 65,536 studies, so that escalc's temporary arrays do not
    grow with the number of studies; only ``yi`` and ``vi`` are allocated in full.
    """
    k = len(next(iter(t.columns.values())))
    yi, vi = np.empty(k), np.empty(k)
    for s in range(0, k, _CHUNK):
        part = E.escalc(t.measure, **{c: v[s:s + _CHUNK] for c, v in t.columns.items()})
        yi[s:s + _CHUNK], vi[s:s + _CHUNK] = part.yi, part.vi
    return E.Effect(yi, vi)


class _BlankLabels(Sequence[str]):
    """``k`` empty study labels, all one string object.

    :func:`~analysis.stats.pooling.pool` keeps a list of labels and, given none,
    makes one string per study ("1", "2", ...; about 60 bytes each).  The text and
    JSON output show no labels, so without ``--plot`` the command passes this: pool's
    list then holds k references to the single ``""`` (8 bytes a study).
    """

    def __init__(self, k: int) -> None:
        self._k = k

    def __len__(self) -> int:
        return self._k

    def __iter__(self) -> Iterator[str]:
        return itertools.repeat("", self._k)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...

    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        positions = range(self._k)[i]  # IndexError / TypeError as for a list
        return _BlankLabels(len(positions)) if isinstance(positions, range) else ""


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------
def _num(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _pct(level: float) -> str:
    return f"{100 * level:.10g}%"


def result_dict(res: PoolResult, measure: str) -> dict[str, Any]:
    """The ``--json`` object (analysis scale, plus ``back_transformed`` or null)."""
    out: dict[str, Any] = {
        "measure": measure,
        "scale": SCALE[measure],
        "method": res.method,
        "ci_method": res.ci_method,
        "level": res.level,
        "k": res.k,
    }
    for key in ["estimate", "se", "ci_low", "ci_high"]:
        out[key] = _num(getattr(res, key))
    out["test"] = "z" if res.df is None else "t"
    out["stat"] = _num(res.stat)
    out["df"] = res.df  # None (JSON null) for a z test
    out["p"] = _num(res.p)
    for key in ["tau2", "tau2_ci_low", "tau2_ci_high", "q"]:
        out[key] = _num(getattr(res, key))
    out["q_df"] = res.q_df
    out["q_p"] = _num(res.q_p)
    out["i2_q"] = _num(res.i2)  # Q-based: 100 max(0, (Q - df)/Q)
    out["i2_metafor"] = _num(res.i2_metafor)  # 100 tau2/(tau2 + s2), metafor rma.uni's I^2
    for key in ["pi_low", "pi_high"]:
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
    pct = _pct(res.level)
    test = f"z = {res.stat:.4f}" if res.df is None else f"t = {res.stat:.4f} (df = {res.df})"
    lines = [
        f"Meta-analysis of {path}: measure {measure} ({SCALE[measure]} scale), k = {res.k}",
        f"tau^2 estimator: {res.method}; confidence interval: {ci_name}, level {pct}",
        f"Pooled estimate: {res.estimate:.4f} (SE {res.se:.4f}), {pct} CI {res.ci_low:.4f} to {res.ci_high:.4f}, {test}, p = {res.p:.4g}",
    ]
    if f is not None:
        lines.append(
            f"  back-transformed: {f(res.estimate):.4f}, {pct} CI {f(res.ci_low):.4f} to {f(res.ci_high):.4f}"
        )
    if res.pi_low is not None and res.pi_high is not None:
        pi = f"{pct} prediction interval: {res.pi_low:.4f} to {res.pi_high:.4f}"
        if f is not None:
            pi += f" (back-transformed {f(res.pi_low):.4f} to {f(res.pi_high):.4f})"
        lines.append(pi)
    else:
        lines.append(f"{pct} prediction interval: not computed (needs k >= 3)")
    if res.k >= 2:
        lines.append(
            f"Heterogeneity: tau^2 = {res.tau2:.4f} ({pct} CI {res.tau2_ci_low:.4f} to {res.tau2_ci_high:.4f}), "
            f"Q = {res.q:.4f} (df = {res.q_df}, p = {res.q_p:.4g})"
        )
        lines.append(
            f"  I^2 (Q-based, (Q - df)/Q) = {res.i2:.1f}%; "
            f"I^2 (metafor, tau^2/(tau^2 + typical s^2)) = {res.i2_metafor:.1f}%"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------
# argparse wiring
# --------------------------------------------------------------------------
def _level(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < x < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (0.95 for 95%), got {text}")
    return x


def _configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("file", metavar="FILE.csv", help="CSV file, one row per study")
    p.add_argument("--measure", type=str.upper, choices=list(MEASURES), default="GEN",
                   help="effect measure (default: GEN, columns yi and vi)")
    p.add_argument("--method", type=str.upper, choices=[*RE_METHODS, MH_METHOD], default="REML",
                   help="tau^2 estimator (default: REML), or MH for Mantel-Haenszel pooling of counts (RR, OR, RD)")
    p.add_argument("--ci", type=str.lower, choices=list(CI_METHODS), default="hk",
                   help="confidence interval method (default: hk)")
    p.add_argument("--level", type=_level, default=0.95,
                   help="level of the confidence and prediction intervals, between 0 and 1 (default: 0.95)")
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
    plot = getattr(args, "plot", None)
    if args.method == MH_METHOD or args.measure == "RD":
        return run_mh(args)
    try:
        table = read_table(args.file, args.measure, keep_text=bool(plot))
        es = compute_effects(table)
        table.columns.clear()  # the input columns are no longer needed: free them before pooling
        labels: Sequence[str] = table.labels if plot else _BlankLabels(len(es.yi))
        res = pool(es.yi, es.vi, method=args.method, ci=args.ci, labels=labels, level=getattr(args, "level", 0.95))
        if plot:
            _write_plot(table, res, plot)
    except InputError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result_dict(res, table.measure), indent=2, allow_nan=False))
    else:
        print(summary_text(res, table.measure, args.file))
    return 0


def run_mh(args: argparse.Namespace) -> int:
    """``--method MH``: Mantel–Haenszel pooling of counts (RR, OR or RD)."""
    from analysis.stats.mh import pool_mh

    if args.method != MH_METHOD or args.measure not in ("RR", "OR", "RD"):
        print(f"{args.file}: --method MH pools counts: use --measure RR, OR or RD with it (RD is pooled by MH only)", file=sys.stderr)
        return 2
    if getattr(args, "plot", None):
        print(f"{args.file}: --plot is not available with --method MH", file=sys.stderr)
        return 2
    try:
        table = read_table(args.file, args.measure, keep_text=False)
    except InputError as e:
        print(str(e), file=sys.stderr)
        return 2
    c = table.columns
    res = pool_mh(c["e1"], c["n1"], c["e2"], c["n2"], measure=args.measure, level=getattr(args, "level", 0.95))
    out = {"measure": args.measure, "scale": SCALE[args.measure], "method": "MH", "level": res.level, "k": res.k, "k_q": res.k_yi,
           "estimate": _num(res.estimate), "se": _num(res.se), "ci_low": _num(res.ci_low), "ci_high": _num(res.ci_high),
           "test": "z", "stat": _num(res.z), "df": None, "p": _num(res.p), "q": _num(res.q), "q_df": res.q_df, "q_p": _num(res.q_p),
           "i2_q": _num(res.i2), "reason": res.reason}
    if args.measure in ("RR", "OR"):
        est, lo, hi = res.back_transformed()
        out["back_transformed"] = {"estimate": _num(est), "ci_low": _num(lo), "ci_high": _num(hi)}
    else:
        out["back_transformed"] = None
    if args.json:
        print(json.dumps(out, indent=2, allow_nan=False))
        return 0
    pct = _pct(res.level)
    lines = [f"{args.file}: {res.k} studies, measure {args.measure} ({SCALE[args.measure]} scale), Mantel-Haenszel (common effect)"]
    if res.reason:
        lines.append(f"  no estimate: {res.reason}")
    else:
        lines.append(f"  estimate {res.estimate:.4f} (SE {res.se:.4f}), {pct} CI {res.ci_low:.4f} to {res.ci_high:.4f}; z = {res.z:.4f}, p = {res.p:.4g}")
        if out["back_transformed"]:
            bt = out["back_transformed"]
            lines.append(f"  back-transformed: {bt['estimate']:.4f}, {pct} CI {bt['ci_low']:.4f} to {bt['ci_high']:.4f}")
    lines.append(f"  heterogeneity (studies with an estimate: {res.k_yi}): Q = {res.q:.4f} (df = {res.q_df}), p = {res.q_p:.4g}; I^2 (Q-based) = {res.i2:.1f}%")
    print("\n".join(lines))
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

"""The ``pool`` command: output and bad-input handling."""

from __future__ import annotations

import argparse
import csv
import errno
import json
import math
import os
import random
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from analysis.stats.effects import log_risk_ratio
from analysis.stats.pooling import pool
from analysis.tools import cli_pool

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "tests" / "reference" / "metafor"


def run_cli(*argv: str, capsys) -> tuple[int, str, str]:
    code = cli_pool.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------
# good input
# --------------------------------------------------------------------------
def test_json_bcg_matches_metafor_reference(capsys):
    code, out, err = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--method", "REML", "--ci", "hk", "--json", capsys=capsys)
    assert code == 0 and err == ""
    d = json.loads(out)
    ref = json.loads((REF / "bcg_RR.json").read_text(encoding="utf-8"))
    f = next(x for x in ref["fits"] if x["method"] == "REML" and x["ci"] == "hk")
    for key in ["estimate", "se", "ci_low", "ci_high", "stat", "q", "q_p", "pi_low", "pi_high"]:
        assert math.isclose(d[key], f[key], rel_tol=1e-6), key
    assert math.isclose(d["p"], f["p"], rel_tol=1e-5)
    assert math.isclose(d["i2_q"], f["i2"], rel_tol=1e-6)  # reference "i2": Q-based, by hand in make_reference.R
    for key in ["tau2", "tau2_ci_low", "tau2_ci_high", "i2_metafor"]:  # reference "i2_metafor": metafor's res$I2
        assert math.isclose(d[key], f[key], rel_tol=1e-5), key
    assert d["k"] == 13 and d["test"] == "t" and d["df"] == 12 and d["q_df"] == 12 and d["level"] == 0.95
    assert "i2" not in d  # replaced by the two named I^2
    bt = d["back_transformed"]
    for key in ["estimate", "ci_low", "ci_high", "pi_low", "pi_high"]:
        assert math.isclose(bt[key], math.exp(d[key]), rel_tol=1e-12)
    required = {
        "k", "level", "estimate", "se", "ci_low", "ci_high", "test", "stat", "df", "p", "tau2", "tau2_ci_low", "tau2_ci_high",
        "q", "q_df", "q_p", "i2_q", "i2_metafor", "pi_low", "pi_high", "back_transformed",
    }
    assert required <= set(d)


def test_defaults_are_reml_hk(capsys):
    _, out, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--json", capsys=capsys)
    d = json.loads(out)
    assert d["method"] == "REML" and d["ci_method"] == "hk"
    import pandas as pd

    t = pd.read_csv(REF / "bcg.csv")
    es = log_risk_ratio(t.e1, t.n1, t.e2, t.n2)
    r = pool(es.yi, es.vi, method="REML", ci="hk")
    assert d["ci_low"] == r.ci_low


def test_two_studies_pi_null_and_no_back_transform(capsys):
    code, out, _ = run_cli(str(REF / "two_studies.csv"), "--json", capsys=capsys)
    d = json.loads(out)
    assert code == 0 and d["k"] == 2
    assert d["pi_low"] is None and d["pi_high"] is None
    assert d["back_transformed"] is None


def test_plo_back_transform_is_inverse_logit(capsys):
    _, out, _ = run_cli(str(REF / "plo_100pct.csv"), "--measure", "PLO", "--method", "DL", "--ci", "wald", "--json", capsys=capsys)
    d = json.loads(out)
    assert math.isclose(d["back_transformed"]["estimate"], 1 / (1 + math.exp(-d["estimate"])))
    ref = json.loads((REF / "plo_100pct_PLO.json").read_text(encoding="utf-8"))
    f = next(x for x in ref["fits"] if x["method"] == "DL" and x["ci"] == "wald")
    assert math.isclose(d["estimate"], f["estimate"], rel_tol=1e-6)


@pytest.mark.parametrize("measure, file", [("MD", "normand1999.csv"), ("SMD", "normand1999.csv"), ("OR", "binary_zero.csv"), ("GEN", "homogeneous.csv")])
def test_text_summary(measure, file, capsys):
    code, out, err = run_cli(str(REF / file), "--measure", measure, "--method", "PM", "--ci", "hk-adhoc", capsys=capsys)
    assert code == 0 and err == ""
    assert "Paule" in out or "PM" in out
    assert "95% CI" in out and "I^2" in out


def test_single_study_and_duplicate_labels(tmp_path, capsys):
    p = write(tmp_path, "one.csv", "study,yi,vi\nA,0.2,0.04\n")
    code, out, _ = run_cli(str(p), "--json", capsys=capsys)
    d = json.loads(out)
    assert code == 0 and d["k"] == 1 and math.isclose(d["estimate"], 0.2)
    p = write(tmp_path, "dup.csv", "study,yi,vi\nA,0.2,0.04\nA,0.3,0.05\n\n")  # blank line ignored
    code, out, _ = run_cli(str(p), "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["k"] == 2


def test_add_parser_registers_pool():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli_pool.add_parser(sub)
    args = parser.parse_args(["pool", "x.csv", "--measure", "rr"])
    assert args.func is cli_pool.run
    assert (args.measure, args.method, args.ci, args.level, args.json, args.plot) == ("RR", "REML", "hk", 0.95, False, None)


def test_module_entry_points():
    for cmd in ([sys.executable, "-m", "analysis.tools.cli_pool"], [sys.executable, "-m", "analysis", "pool"]):
        if cmd[-1] == "pool" and not (ROOT / "analysis" / "__main__.py").exists():
            continue
        r = subprocess.run(cmd + [str(REF / "bcg.csv"), "--measure", "OR", "--json"], cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["k"] == 13


# --------------------------------------------------------------------------
# bad input: one line on stderr naming file, line and column; exit 2
# --------------------------------------------------------------------------
BAD = [
    # (name, measure, content, line, column, words in the message)
    ("missing_col.csv", "RR", "study,e1,n1,e2\nA,1,10,2\n", 1, "n2", "missing column"),
    ("non_numeric.csv", "PLO", "study,events,n\nA,3,10\nB,three,10\n", 3, "events", "not a number"),
    ("empty_cell.csv", "MD", "m1,sd1,n1,m2,sd2,n2\n1,1,10,2,,10\n", 2, "sd2", "empty cell"),
    ("nan_cell.csv", "GEN", "yi,vi\n0.1,nan\n", 2, "vi", "not a finite number"),
    ("n_zero.csv", "PLO", "events,n\n0,0\n", 2, "n", "n must be > 0"),
    ("n1_negative.csv", "SMD", "m1,sd1,n1,m2,sd2,n2\n1,1,10,2,1,10\n1,1,-3,2,1,10\n", 3, "n1", "n1 must be > 0"),
    ("events_gt_n.csv", "PLO", "events,n\n11,10\n", 2, "events", "events (11) > n (10)"),
    ("e2_gt_n2.csv", "OR", "e1,n1,e2,n2\n1,10,2,10\n1,10,12,10\n", 3, "e2", "e2 (12) > n2 (10)"),
    ("sd_zero.csv", "MD", "m1,sd1,n1,m2,sd2,n2\n1,0,10,2,1,10\n", 2, "sd1", "SD must be > 0"),
    ("sd_negative.csv", "SMD", "m1,sd1,n1,m2,sd2,n2\n1,1,10,2,-1,10\n", 2, "sd2", "SD must be > 0"),
    ("vi_zero.csv", "GEN", "yi,vi\n0.1,0\n", 2, "vi", "must be > 0"),
    ("fractional_events.csv", "RR", "e1,n1,e2,n2\n1.5,10,2,10\n", 2, "e1", "whole number"),
    ("no_studies.csv", "GEN", "study,yi,vi\n", 2, "yi", "no studies"),
    ("no_studies_blank.csv", "GEN", "study,yi,vi\n\n\n", 2, "yi", "no studies"),
    ("inf_cell.csv", "GEN", "yi,vi\n-inf,0.1\n", 2, "yi", "not a finite number: '-inf'"),
    ("short_row.csv", "GEN", "study,yi,vi\nA,0.1,0.02\nB,0.1\n", 3, "vi", "missing cell: the row has 2 cells, the header 3"),
    ("multiline_label.csv", "GEN", 'study,yi,vi\n"A\nB",0.1,0.02\nC,x,0.1\n', 4, "yi", "not a number: 'x'"),
    # a row with more cells than the header (here: an unquoted comma in a label)
    ("extra_cell.csv", "GEN", "study,yi,vi\nA,0.1,0.02\nSmith, 2001,0.2,0.03\n", 3, "column 4", "extra cell '0.03': the row has 4 cells, the header names 3"),
    ("extra_empty_cell.csv", "GEN", "yi,vi\n0.1,0.02,\n", 2, "column 3", "extra (empty) cell"),
    ("extra_cell_unnamed_columns.csv", "GEN", "yi,vi,\n0.1,0.02,,x\n", 2, "column 4", "extra cell 'x'"),
    # a header naming a column twice (needed or not; names are stripped)
    ("duplicate_needed.csv", "GEN", "study,yi,vi,yi\nA,0.1,0.02,0.3\n", 1, "yi", "duplicated column name (columns 2 and 4 of the header)"),
    ("duplicate_other.csv", "GEN", "study,yi,vi,study\nA,0.1,0.02,B\n", 1, "study", "duplicated column name (columns 1 and 4"),
    ("duplicate_after_strip.csv", "RR", "e1,n1, e2,n2,e2 \n1,10,2,10,3\n", 1, "e2", "duplicated column name"),
]


def _check_one_line_error(err: str, path: Path, line: int | None, column: str | None, words: str) -> None:
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    msg = lines[0]
    assert "Traceback" not in err
    assert msg.startswith(str(path)), msg
    if line is not None:
        assert msg.startswith(f"{path}:{line}: "), msg
    if column is not None:
        assert f": {column}: " in msg, msg
    assert words in msg, msg


@pytest.mark.parametrize("name, measure, content, line, column, words", BAD, ids=[b[0] for b in BAD])
def test_bad_input(tmp_path, capsys, name, measure, content, line, column, words):
    p = write(tmp_path, name, content)
    code, out, err = run_cli(str(p), "--measure", measure, capsys=capsys)
    assert code == 2 and out == ""
    _check_one_line_error(err, p, line, column, words)


def test_non_utf8(tmp_path, capsys):
    p = write(tmp_path, "latin1.csv", b"study,yi,vi\nA,0.1,0.02\n" + "Sj\u00f6berg,0.2,0.03\n".encode("latin-1"))
    code, out, err = run_cli(str(p), capsys=capsys)
    assert code == 2 and out == ""
    _check_one_line_error(err, p, 3, "study", "not valid UTF-8")


def test_non_utf8_in_numeric_column(tmp_path, capsys):
    p = write(tmp_path, "latin1b.csv", b"study,yi,vi\nA,0.1,0.02\nB,0.2,0.0\xb53\n")
    code, _, err = run_cli(str(p), capsys=capsys)
    assert code == 2
    _check_one_line_error(err, p, 3, "vi", "not valid UTF-8")


def test_missing_file(tmp_path, capsys):
    p = tmp_path / "nope.csv"
    code, out, err = run_cli(str(p), capsys=capsys)
    assert code == 2 and out == ""
    _check_one_line_error(err, p, None, None, "no such file")


def test_directory_instead_of_file(tmp_path, capsys):
    code, out, err = run_cli(str(tmp_path), capsys=capsys)
    assert code == 2
    _check_one_line_error(err, tmp_path, None, None, "directory")


def test_empty_file(tmp_path, capsys):
    p = write(tmp_path, "empty.csv", "")
    code, _, err = run_cli(str(p), capsys=capsys)
    assert code == 2
    _check_one_line_error(err, p, 1, None, "empty")


def test_bad_input_via_subprocess_has_no_traceback(tmp_path):
    p = write(tmp_path, "bad.csv", "events,n\n3,x\n")
    r = subprocess.run([sys.executable, "-m", "analysis.tools.cli_pool", str(p), "--measure", "PLO"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    _check_one_line_error(r.stderr, p, 2, "n", "not a number")


def test_unwritable_plot_path(tmp_path, capsys):
    out = tmp_path / "no_such_dir" / "plot.svg"
    code, _, err = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--plot", str(out), capsys=capsys)
    assert code == 2
    assert len(err.strip().split("\n")) == 1 and "cannot write plot" in err


def test_unnamed_header_columns_are_not_duplicates(tmp_path, capsys):
    p = write(tmp_path, "blank_names.csv", "yi,vi,,\n0.1,0.02,,\n0.3,0.05,a,b\n")
    code, out, _ = run_cli(str(p), "--json", capsys=capsys)
    assert code == 0 and json.loads(out)["k"] == 2


def test_quoted_comma_is_one_cell(tmp_path, capsys):
    p = write(tmp_path, "quoted.csv", 'study,yi,vi\n"Smith, 2001",0.2,0.03\n')
    code, out, err = run_cli(str(p), "--json", capsys=capsys)
    assert code == 0 and err == "" and json.loads(out)["estimate"] == 0.2


def test_extra_cell_is_reported_before_the_shifted_values(tmp_path, capsys):
    # The old reader took " 2001" as yi and 0.2 as vi and pooled them.
    p = write(tmp_path, "shifted.csv", "study,yi,vi\nA,0.1,0.02\nSmith, 2001,0.2,0.03\nB,0.3,0.04\n")
    code, out, err = run_cli(str(p), "--json", capsys=capsys)
    assert code == 2 and out == ""
    _check_one_line_error(err, p, 3, "column 4", "extra cell")


def test_non_utf8_in_header(tmp_path, capsys):
    p = write(tmp_path, "latin1_header.csv", b"study,y\xefi,vi\nA,0.1,0.02\n")
    code, _, err = run_cli(str(p), capsys=capsys)
    assert code == 2
    _check_one_line_error(err, p, 1, "y\ufffdi", "not valid UTF-8 (byte 0xef")


def test_non_utf8_far_into_the_file_names_its_line(tmp_path, capsys):
    rows = "".join(f"S{i},0.{i % 9},0.0{i % 9 + 1}\n" for i in range(20_000))  # ~ 300 KB: many read chunks
    p = write(tmp_path, "late_latin1.csv", b"study,yi,vi\n" + rows.encode() + "Sj\u00f6berg,0.2,0.03\n".encode("latin-1"))
    code, _, err = run_cli(str(p), capsys=capsys)
    assert code == 2
    _check_one_line_error(err, p, 20_002, "study", "not valid UTF-8 (byte 0xf6 at character 3 of the line)")


# --------------------------------------------------------------------------
# streaming: the first bad line stops the reading; only the numbers are kept
# --------------------------------------------------------------------------
def test_first_bad_line_is_reported_not_a_later_one(tmp_path, capsys):
    # line 2 is bad; much later come an extra cell and a byte that is not UTF-8.  A reader
    # that decodes (or checks) the whole file before the rows reports one of those instead.
    good = "".join(f"S{i},0.{i % 9},0.0{i % 9 + 1}\n" for i in range(20_000))
    data = b"study,yi,vi\nA,0.1,oops\n" + good.encode() + b"B,0.1,0.02,9\n" + "Sj\u00f6berg,0.2,0.03\n".encode("latin-1")
    p = write(tmp_path, "big.csv", data)
    code, out, err = run_cli(str(p), capsys=capsys)
    assert code == 2 and out == ""
    _check_one_line_error(err, p, 2, "vi", "not a number: 'oops'")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe (POSIX)")
def test_first_bad_line_is_reported_before_the_file_ends(tmp_path):
    """Feed the command through a named pipe that is never closed: it must report the bad
    line 3 and exit while the rest of the "file" has not arrived (no end of file yet)."""
    fifo = tmp_path / "stream.csv"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis.tools.cli_pool", str(fifo), "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    fd = None
    try:
        deadline = time.monotonic() + 60
        while fd is None:  # wait until the command opens the pipe (ENXIO until then)
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                if e.errno != errno.ENXIO or proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        os.write(fd, b"study,yi,vi\nA,0.1,0.02\nB,0.2,-0.5\nC,0.1,0.02\n")
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the command waited for the end of the file instead of reporting line 3")
    finally:
        if fd is not None:
            os.close(fd)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 2 and out == ""
    _check_one_line_error(err, fifo, 3, "vi", "sampling variance must be > 0")


def test_reading_keeps_only_the_needed_numbers(tmp_path):
    # 20,000 rows of ~230 bytes (a long text column); the reader may keep the two doubles
    # of a row (16 bytes), not its text: allow 40 bytes a row plus 200 kB of buffers.
    k = 20_000
    notes = "n" * 200
    p = write(tmp_path, "wide.csv", "study,yi,vi,notes\n" + "".join(f"Study {i},0.{i % 97},0.0{i % 9 + 1},{notes}\n" for i in range(k)))
    assert p.stat().st_size > 200 * k
    tracemalloc.start()
    try:
        table = cli_pool.read_table(str(p), "GEN")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * k + 200_000, peak
    assert len(table.columns["yi"]) == k and table.columns["vi"][k - 1] == float(f"0.0{(k - 1) % 9 + 1}")
    assert table.labels == [] and table.raw == {}  # text only with keep_text (for --plot)


def test_keep_text_keeps_labels_and_cells(tmp_path):
    p = write(tmp_path, "t.csv", "study,events,n\nA, 3 ,10\n,4,12\n")
    t = cli_pool.read_table(str(p), "plo", keep_text=True)
    assert t.labels == ["A", "Study 2"] and t.raw == {"events": ["3", "4"], "n": ["10", "12"]} and t.lines == [2, 3]
    assert list(t.columns["events"]) == [3.0, 4.0] and list(t.columns["n"]) == [10.0, 12.0]


def test_large_finite_values_are_not_rejected(tmp_path):
    # the fast row test sums the values (overflow to inf); the full check must then accept the row
    p = write(tmp_path, "big_values.csv", "yi,vi\n1e308,1e308\n")
    t = cli_pool.read_table(str(p), "GEN")
    assert list(t.columns["yi"]) == [1e308]


@pytest.mark.parametrize("measure", list(cli_pool.MEASURES))
def test_fast_row_test_agrees_with_check_row(measure):
    cols = cli_pool.MEASURES[measure]
    values = [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 10.0, 10.5, 11.0, 1e300]
    rng = random.Random(measure)
    for _ in range(20_000):
        vals = [rng.choice(values) for _ in cols]
        try:
            cli_pool._check_row("f.csv", measure, dict(zip(cols, vals)), 2)
            accepted = True
        except cli_pool.InputError:
            accepted = False
        assert cli_pool._ROW_OK[measure](*vals) == accepted, (measure, vals)


def test_input_error_names_file_line_and_column():
    assert str(cli_pool.InputError("a.csv", "bad", 7, "vi")) == "a.csv:7: vi: bad"
    assert str(cli_pool.InputError("a.csv", "no such file")) == "a.csv: no such file"


# --------------------------------------------------------------------------
# start-up without pandas
# --------------------------------------------------------------------------
def _python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)


def test_importing_the_command_does_not_import_pandas():
    r = _python("-c", "import sys, analysis.tools.cli_pool; print('pandas' in sys.modules)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_pooling_a_file_does_not_import_pandas():
    code = (
        "import sys\n"
        "from analysis.tools import cli_pool\n"
        f"rc = cli_pool.main([{str(REF / 'bcg.csv')!r}, '--measure', 'RR', '--json'])\n"
        "print(rc, 'pandas' in sys.modules)\n"
    )
    r = _python("-c", code)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout[: r.stdout.rindex("}") + 1])["k"] == 13  # it did pool
    assert r.stdout.strip().splitlines()[-1] == "0 False"


def test_pool_help_does_not_import_pandas():
    r = _python("-X", "importtime", "-m", "analysis", "pool", "--help")
    assert r.returncode == 0, r.stderr
    assert "--level" in r.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    assert "analysis.tools.cli_pool" in imported  # the import log was read
    assert not [m for m in imported if m == "pandas" or m.startswith("pandas.")]


# --------------------------------------------------------------------------
# the labels pool() would make
# --------------------------------------------------------------------------
def _spy_on_pool(monkeypatch) -> list:
    results: list = []
    real = cli_pool.pool

    def spy(*args, **kwargs):
        results.append(real(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(cli_pool, "pool", spy)
    return results


def test_without_plot_no_label_string_per_study(monkeypatch, capsys):
    results = _spy_on_pool(monkeypatch)
    code, _, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--json", capsys=capsys)
    (res,) = results
    assert code == 0 and len(res.labels) == 13
    assert len({id(label) for label in res.labels}) == 1  # one shared string, not 13


def test_with_plot_labels_are_the_studies(monkeypatch, capsys, tmp_path):
    results = _spy_on_pool(monkeypatch)
    code, _, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--plot", str(tmp_path / "f.svg"), capsys=capsys)
    (res,) = results
    assert code == 0 and res.labels[0] == "Aronson 1948" and len(set(res.labels)) == 13


def test_blank_labels_is_a_sequence():
    b = cli_pool._BlankLabels(3)
    assert len(b) == 3 and list(b) == ["", "", ""] and b[0] == "" and b[-1] == ""
    assert list(b[1:]) == ["", ""] and len(b[5:]) == 0
    with pytest.raises(IndexError):
        b[3]


# --------------------------------------------------------------------------
# I^2 (both), the test of the pooled effect, --level
# --------------------------------------------------------------------------
def _cli_fits():
    for p in sorted(REF.glob("*.json")):
        ref = json.loads(p.read_text(encoding="utf-8"))
        for f in ref["fits"]:
            if f["method"] in cli_pool.RE_METHODS:  # the command has no EE
                yield pytest.param(p.name, f["method"], f["ci"], id=f"{p.stem}-{f['method']}-{f['ci']}")


@pytest.mark.parametrize("name, method, ci", list(_cli_fits()))
def test_json_i2_and_test_against_metafor(name, method, ci, capsys):
    ref = json.loads((REF / name).read_text(encoding="utf-8"))
    f = next(x for x in ref["fits"] if x["method"] == method and x["ci"] == ci)
    code, out, err = run_cli(str(REF / ref["input"]), "--measure", ref["measure"], "--method", method, "--ci", ci, "--json", capsys=capsys)
    assert code == 0, err
    d = json.loads(out)
    # i2_metafor: the reference "i2_metafor" is metafor 3.8-1's own res$I2 of rma(yi, vi, method=...)
    # (tests/reference/metafor/make_reference.R, fit_record)
    assert math.isclose(d["i2_metafor"], f["i2_metafor"], rel_tol=1e-5, abs_tol=1e-8)
    # ... which is 100 tau2 / (tau2 + s2), s2 = (k-1) sum w / ((sum w)^2 - sum w^2), w = 1/vi:
    # computed here from metafor's tau2 and escalc vi (Higgins & Thompson 2002)
    w = 1 / np.asarray(ref["escalc"]["vi"])
    s2 = (w.size - 1) * w.sum() / (w.sum() ** 2 - np.sum(w ** 2))
    assert math.isclose(100 * f["tau2"] / (f["tau2"] + s2), f["i2_metafor"], rel_tol=1e-9, abs_tol=1e-9)
    # i2_q: the reference "i2" is max(0, (QE - df)/QE) * 100 from metafor's QE
    assert math.isclose(d["i2_q"], f["i2"], rel_tol=1e-6, abs_tol=1e-8)
    # the test of the pooled effect: metafor's zval (a t value for test="knha"/"adhoc") and pval
    assert math.isclose(d["stat"], f["stat"], rel_tol=1e-6)
    assert math.isclose(d["p"], f["p"], rel_tol=1e-5)
    assert (d["test"], d["df"]) == (("z", None) if ci == "wald" else ("t", f["k"] - 1))


def test_the_two_i2_differ_and_are_named_in_the_text(capsys):
    _, out, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--json", capsys=capsys)
    d = json.loads(out)
    assert abs(d["i2_q"] - d["i2_metafor"]) > 0.05  # 92.12 vs 92.22: the tests above can tell them apart
    _, text, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", capsys=capsys)
    assert f"I^2 (Q-based, (Q - df)/Q) = {d['i2_q']:.1f}%" in text
    assert f"I^2 (metafor, tau^2/(tau^2 + typical s^2)) = {d['i2_metafor']:.1f}%" in text
    assert f"t = {d['stat']:.4f} (df = 12), p = {d['p']:.4g}" in text


def test_wald_json_has_z_test_and_null_df(capsys):
    _, out, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--ci", "wald", "--json", capsys=capsys)
    assert '"df": null' in out
    d = json.loads(out)
    assert d["test"] == "z" and d["df"] is None
    assert math.isclose(d["stat"], d["estimate"] / d["se"], rel_tol=1e-12)
    assert math.isclose(d["p"], math.erfc(abs(d["stat"]) / math.sqrt(2)), rel_tol=1e-9)


def _bcg_effects():
    with open(REF / "bcg.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return log_risk_ratio(*([float(r[c]) for r in rows] for c in ["e1", "n1", "e2", "n2"]))


def test_level_option(capsys):
    _, out, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--level", "0.9", "--json", capsys=capsys)
    d = json.loads(out)
    _, out95, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--json", capsys=capsys)
    d95 = json.loads(out95)
    es = _bcg_effects()
    r = pool(es.yi, es.vi, method="REML", ci="hk", level=0.9)
    assert d["level"] == 0.9 and d95["level"] == 0.95
    for key in ["ci_low", "ci_high", "pi_low", "pi_high", "tau2_ci_low", "tau2_ci_high"]:
        assert math.isclose(d[key], getattr(r, key), rel_tol=1e-12), key
    assert d95["ci_low"] < d["ci_low"] < d["ci_high"] < d95["ci_high"]
    assert d["estimate"] == d95["estimate"] and d["p"] == d95["p"]
    _, text, _ = run_cli(str(REF / "bcg.csv"), "--measure", "RR", "--level", "0.9", capsys=capsys)
    assert "level 90%" in text and f"90% CI {r.ci_low:.4f} to {r.ci_high:.4f}" in text
    assert f"90% prediction interval: {r.pi_low:.4f}" in text and "95%" not in text


@pytest.mark.parametrize("bad", ["95", "0", "1", "-0.5", "nan", "x"])
def test_level_must_be_between_0_and_1(bad, capsys):
    with pytest.raises(SystemExit) as e:
        cli_pool.main([str(REF / "bcg.csv"), "--level", bad])
    assert e.value.code == 2
    assert "--level" in capsys.readouterr().err


# --------------------------------------------------------------------------- --method MH

@pytest.mark.parametrize(
    "measure, estimate, ci_low, ci_high, z, q",
    [
        # metafor tests/testthat/test_misc_metan_vs_rma.mh_with_dat.bcg.r (checked there against Stata's metan)
        ("RR", -0.4537, -0.5308, -0.3766, -11.5338, 152.5676),
        ("OR", -0.4734, -0.5538, -0.3930, -11.5444, 163.9426),
        ("RD", -0.0033, -0.0039, -0.0027, -11.4708, 386.7759),
    ],
)
def test_mantel_haenszel_from_the_command_line_matches_metafor(capsys, measure, estimate, ci_low, ci_high, z, q):
    code, out, err = run_cli(str(REF / "bcg.csv"), "--measure", measure, "--method", "MH", "--json", capsys=capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["method"] == "MH" and d["k"] == 13
    for key, want in (("estimate", estimate), ("ci_low", ci_low), ("ci_high", ci_high), ("stat", z), ("q", q)):
        assert d[key] == pytest.approx(want, abs=5e-5), key


def test_mantel_haenszel_refuses_measures_without_counts(capsys):
    code, out, err = run_cli(str(REF / "bcg.csv"), "--measure", "MD", "--method", "MH", capsys=capsys)
    assert code == 2 and "--method MH pools counts" in err


def test_mantel_haenszel_rejects_bad_input_with_file_line_and_column(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("study,e1,n1,e2,n2\nA,3,10,2,10\nB,12,10,2,10\n", encoding="utf-8")
    code, out, err = run_cli(str(bad), "--measure", "RR", "--method", "MH", capsys=capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:3: e1:"), err

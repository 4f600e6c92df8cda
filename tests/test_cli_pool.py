"""The ``pool`` command: output and bad-input handling."""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.stats.effects import log_risk_ratio
from analysis.stats.pooling import pool
from analysis.tools import cli_pool

ROOT = Path(__file__).resolve().parents[1]
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
    for key in ["estimate", "se", "ci_low", "ci_high", "q", "q_p", "i2", "pi_low", "pi_high"]:
        assert math.isclose(d[key], f[key], rel_tol=1e-6), key
    for key in ["tau2", "tau2_ci_low", "tau2_ci_high"]:
        assert math.isclose(d[key], f[key], rel_tol=1e-5), key
    assert d["k"] == 13
    bt = d["back_transformed"]
    for key in ["estimate", "ci_low", "ci_high", "pi_low", "pi_high"]:
        assert math.isclose(bt[key], math.exp(d[key]), rel_tol=1e-12)
    required = {"k", "estimate", "se", "ci_low", "ci_high", "tau2", "tau2_ci_low", "tau2_ci_high", "q", "q_p", "i2", "pi_low", "pi_high", "back_transformed"}
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
    assert (args.measure, args.method, args.ci, args.json, args.plot) == ("RR", "REML", "hk", False, None)


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

"""Time the book build against a plain serial jupyter-book build: paired, repeated measurements.

Run from the repository root with the project's environment:

    .venv/bin/python benchmarks/build.py [--pairs N | --quick] [--files NAME ...]

Every build runs on a temporary copy of the repository (your own _build/ is untouched; all
copies come from one snapshot taken at the start), with the environment already installed.
The measurements are made in pairs; in each pair:

1. baseline: a plain ``jupyter-book build`` that force-executes every notebook, one after
   the other (``execute_notebooks: force``, the ``analysis.tools.buildtools`` extension
   removed from ``_config.yml`` -- checked, the script stops if it is still listed), on a
   fresh copy with no _build;
2. clean build: ``python -m analysis build`` (what ``make book`` runs) on a fresh copy with
   no _build: notebooks run in parallel, one per core. The built copy is then kept as the
   pair's "warm" tree;
3. rebuild, nothing changed;
4. rebuild after appending a comment line to ``analysis/tools/cli_pool.py`` (a command-line
   module no page imports: no notebook should run again);
5. for each data file in data/ (.csv, .json, .bib): a rebuild after a change of its bytes that
   keeps its values (CSV and BibTeX: CRLF line endings, leaving line breaks inside quoted
   cells alone; datapackage.json: a trailing newline).

Steps 3-5 each start from a fresh copy of the pair's warm tree, restored at the same path
(Sphinx's saved environment and jupyter-cache record absolute paths), so every measurement
is independent of the others. The conditions alternate A, B, A, B ... across pairs:
baseline, clean, baseline, clean, ... for comparison (1), clean, no-change, clean, ... for
(2), and each rebuild is compared with the clean build of its own pair. Each comparison
reports the median ratio over the pairs, its min-max, and the median seconds of each
condition.

The notebooks a rebuild re-executed are read from the build's ``[execute] N notebook(s), ...``
line (printed by analysis.tools.buildtools). The proportional floor of a rebuild is the
no-change rebuild plus the re-executed notebooks' share of the clean build's notebook
execution (their seconds in the clean build's manifests, _build/.ketamine-exec/*.json, over
all notebooks' seconds, times the clean build's ``[execute] done in X s``): what the rebuild
would cost if running fewer notebooks saved exactly their share.

The data-file rebuilds of a pair run minutes after its clean build, so a change in the
machine's load in between shows in their ratios: read the min-max and the load averages.
With the defaults (3 pairs, 20 data files) it takes about 25 minutes on 2 cores; --quick
(one pair) or --files NAME ... shortens it.

Figures, not a pass/fail test: the aims are printed next to them, and the script exits 0.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".venv", ".lock-venv", "_build", ".git", ".pytest_cache", "__pycache__", "research")
EXTENSION = "analysis.tools.buildtools"
CLI_MODULE = "analysis/tools/cli_pool.py"
DATA_SUFFIXES = (".csv", ".json", ".bib")
EXEC_DIR = ".ketamine-exec"
AIM_CLEAN = 0.35  # clean build / serial baseline
AIM_LEAST_READ = 0.30  # rebuild after changing the least-read data file / clean build
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXECUTE_LINE = re.compile(r"\[execute\] (\d+) notebook\(s\), \d+ at a time: ([^\n]*)")
EXECUTE_DONE = re.compile(r"\[execute\] done in ([\d.]+) s")


def progress(message: str) -> None:
    print(f"  ... {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Builds


@dataclass
class Build:
    seconds: float
    log: str
    ok: bool = True

    @property
    def executed(self) -> list[str]:
        """The notebooks the project's extension executed (its ``[execute] N notebook(s)`` lines)."""
        names: list[str] = []
        for count, listed in EXECUTE_LINE.findall(self.log):
            batch = [n.strip() for n in listed.split(",") if n.strip()]
            if len(batch) != int(count):
                sys.exit(f"cannot parse the build's execute line: {count} notebook(s) but {len(batch)} names: {listed}")
            names += batch
        return sorted(set(names))

    @property
    def mystnb_executed(self) -> int:
        """Notebooks myst-nb executed itself ("Executed notebook in X seconds")."""
        return len(re.findall(r"Executed notebook in [\d.]+ seconds", self.log))

    @property
    def execute_seconds(self) -> float | None:
        """Wall time of the parallel notebook execution (``[execute] done in X s``)."""
        found = EXECUTE_DONE.findall(self.log)
        return sum(float(s) for s in found) if found else None


def run(cmd: list[str], root: Path, *, must_pass: bool = True) -> Build:
    env = {**os.environ, "PYTHONPATH": str(root)}
    for key in ("KETAMINE_REVIEW_DATA", "KETAMINE_REVIEW_READS", "KETAMINE_REVIEW_NO_INPUT_TRACKING"):
        env.pop(key, None)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    log = ANSI.sub("", result.stdout + result.stderr)
    if result.returncode != 0 and must_pass:
        sys.exit(f"build failed: {' '.join(cmd)}\n{log[-6000:]}")
    return Build(elapsed, log, result.returncode == 0)


def project_build(root: Path, *, must_pass: bool = True) -> Build:
    return run([sys.executable, "-m", "analysis", "build", "--root", str(root)], root, must_pass=must_pass)


def baseline_build(root: Path) -> Build:
    exe = Path(sys.executable).parent / "jupyter-book"
    build = run([str(exe), "build", str(root), "--path-output", str(root)], root)
    if "[execute]" in build.log or "[inputs]" in build.log:
        sys.exit(f"the baseline build ran the project's extension ({EXTENSION}): its [execute]/[inputs] lines are in the log")
    return build


def make_baseline_config(root: Path) -> None:
    """Plain jupyter-book: force-execute every notebook, without the project's extension."""
    import yaml

    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(\s*execute_notebooks:).*$", r"\1 force", text)
    if n != 1:
        sys.exit("no execute_notebooks in _config.yml")
    text = re.sub(rf"(?m)^\s*-\s*{re.escape(EXTENSION)}\s*\n", "", text)
    text = re.sub(r"(?m)^(\s*extra_extensions:)\s*\n(?=\s*\S+:)", r"\1 []\n", text)
    config.write_text(text, encoding="utf-8")
    # Check the result, as jupyter-book will read it: the extension must be gone.
    parsed = yaml.safe_load(text)
    extensions = ((parsed.get("sphinx") or {}).get("extra_extensions")) or []
    mode = (parsed.get("execute") or {}).get("execute_notebooks")
    if EXTENSION in text or any("buildtools" in str(e) for e in extensions) or mode != "force":
        sys.exit(
            f"the baseline _config.yml still lists the project's extension or does not force execution "
            f"(extra_extensions: {extensions}, execute_notebooks: {mode}); update make_baseline_config"
        )


# --------------------------------------------------------------------------
# Copies of the repository


def fresh_copy(src: Path, dest: Path) -> Path:
    """A fresh copy of ``src`` at ``dest``, as it is (copy2 keeps the modification times
    that Sphinx compares with its saved environment)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, symlinks=True)
    return dest


# --------------------------------------------------------------------------
# Valid changes: new bytes, same values


def csv_with_crlf(raw: bytes) -> bytes:
    """CRLF record endings; line breaks inside quoted cells are part of the values and kept."""
    out = bytearray()
    quoted = False
    prev = 0
    for byte in raw:
        if byte == 0x22:  # '"': a doubled quote inside a cell toggles twice
            quoted = not quoted
        elif byte == 0x0A and not quoted and prev != 0x0D:
            out += b"\r"
        out.append(byte)
        prev = byte
    return bytes(out)


def change_data_file(path: Path) -> str:
    """Change a data file's bytes but not its values; return what was done."""
    raw = path.read_bytes()
    if path.suffix == ".json":
        new, how = raw + b"\n", "trailing newline"
        same = json.loads(new) == json.loads(raw)
    elif path.suffix == ".csv":
        new, how = csv_with_crlf(raw), "CRLF line endings"

        def rows(data: bytes) -> list[list[str]]:
            return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))

        same = rows(new) == rows(raw)
    else:  # .bib: whitespace between and inside entries is not part of the values
        new, how = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), "CRLF line endings"
        same = new.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    if new == raw or not same:
        sys.exit(f"cannot make a value-preserving change to {path.name} ({how})")
    path.write_bytes(new)
    return how


def append_comment(path: Path) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("# benchmark: a comment line, no change of behaviour\n")


# --------------------------------------------------------------------------
# Manifests of a clean build


def manifests(root: Path) -> dict[str, dict]:
    """{docname: manifest} of the notebooks the build executed."""
    out = {}
    for path in sorted((root / "_build" / EXEC_DIR).glob("*.json")):
        found = json.loads(path.read_text(encoding="utf-8"))
        # the folder also keeps results.json and its inputs: only a page's manifest has "inputs" and "seconds"
        if isinstance(found, dict) and "inputs" in found and "seconds" in found:
            out[path.stem.replace("__", "/")] = found
    return out


def readers(found: dict[str, dict], data_file: str) -> list[str]:
    return sorted(doc for doc, m in found.items() if data_file in m["inputs"])


# --------------------------------------------------------------------------
# Measurement


@dataclass
class Pair:
    baseline: Build
    clean: Build
    nochange: Build
    cli: Build
    manifests: dict[str, dict]
    files: dict[str, Build] = field(default_factory=dict)

    def floor(self, executed: list[str]) -> float:
        """No-change rebuild + the executed notebooks' share of the clean build's notebook execution (seconds)."""
        total = sum(m["seconds"] for m in self.manifests.values()) or 1.0
        share = sum(self.manifests[d]["seconds"] for d in executed if d in self.manifests) / total
        execution = self.clean.execute_seconds
        if execution is None:  # no "done in" line: the manifests' seconds spread over the workers
            execution = total / int(os.environ.get("KETAMINE_REVIEW_JOBS") or (os.cpu_count() or 1) + 1)
        return self.nochange.seconds + share * execution


def measure_pair(tmp: Path, number: int, pairs: int, data_files: list[str]) -> Pair:
    tag = f"pair {number}/{pairs}"
    source = tmp / "source"  # the repository as it was when the benchmark started
    progress(f"{tag}: baseline (serial jupyter-book, force)")
    root = fresh_copy(source, tmp / "baseline")
    make_baseline_config(root)
    baseline = baseline_build(root)
    shutil.rmtree(root)
    progress(f"{tag}: baseline {baseline.seconds:.1f} s; clean build")
    work = tmp / "book"  # every project build runs at this path
    warm = tmp / "warm"
    clean = project_build(fresh_copy(source, work))
    found = manifests(work)
    fresh_copy(work, warm)
    progress(f"{tag}: clean {clean.seconds:.1f} s ({len(clean.executed)} notebooks); rebuild, nothing changed")
    nochange = project_build(fresh_copy(warm, work))
    progress(f"{tag}: no change {nochange.seconds:.1f} s; rebuild after editing {CLI_MODULE}")
    fresh_copy(warm, work)
    append_comment(work / CLI_MODULE)
    cli = project_build(work)
    pair = Pair(baseline, clean, nochange, cli, found)
    for name in data_files:
        fresh_copy(warm, work)
        change_data_file(work / name)
        build = project_build(work, must_pass=False)
        pair.files[name] = build
        state = "" if build.ok else " BUILD FAILED"
        progress(f"{tag}: {name} changed: {build.seconds:.1f} s, {len(build.executed)} notebook(s) re-executed{state}")
    shutil.rmtree(work)
    shutil.rmtree(warm)
    return pair


# --------------------------------------------------------------------------
# Report


def spread(values: list[float], fmt: str = ".2f") -> str:
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def counts(values: list[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "/".join(str(v) for v in values)


def report(pairs: list[Pair], data_files: list[str]) -> None:
    n = len(pairs)
    med = statistics.median
    clean_s = [p.clean.seconds for p in pairs]
    print(f"\nComparisons ({n} pair(s); ratio: median of the pairs' ratios (min-max); seconds: median of each condition)\n")
    head = f"{'comparison':<48}{'ratio (min-max)':<20}{'A s':>8}{'B s':>8}   aim"
    print(head)
    print("-" * len(head))
    rows = [
        ("(1) clean build / serial baseline", [p.clean.seconds / p.baseline.seconds for p in pairs],
         [p.baseline.seconds for p in pairs], clean_s, f"<= {AIM_CLEAN:.2f}"),
        ("(2) no-change rebuild / clean build", [p.nochange.seconds / p.clean.seconds for p in pairs],
         clean_s, [p.nochange.seconds for p in pairs], ""),
        (f"(3) rebuild after editing {Path(CLI_MODULE).name} / clean", [p.cli.seconds / p.clean.seconds for p in pairs],
         clean_s, [p.cli.seconds for p in pairs], "no notebook re-executed"),
    ]
    for name, ratios, a, b, aim in rows:
        print(f"{name:<48}{spread(ratios):<20}{med(a):>8.1f}{med(b):>8.1f}   {aim}")
    print("    A/B: (1) baseline / clean; (2) clean / no-change; (3) clean / rebuild")

    total = len(pairs[0].manifests)
    print(f"\nnotebooks in a clean build: {total}; executed by the clean builds: {counts([len(p.clean.executed) for p in pairs])}; "
          f"by the baselines (myst-nb): {counts([p.baseline.mystnb_executed for p in pairs])}")
    by_mystnb = [b.mystnb_executed for p in pairs for b in (p.clean, p.nochange, p.cli, *p.files.values())]
    if any(by_mystnb):
        print(f"    FLAG: myst-nb itself executed {sum(by_mystnb)} notebook(s) in the project builds (a worker failed?)")
    nochange_ran = sorted({d for p in pairs for d in p.nochange.executed})
    print(f"(2) notebooks re-executed by the no-change rebuild: {', '.join(nochange_ran) or 'none'}"
          + ("   <-- FLAG: expected none" if nochange_ran else ""))
    cli_ran = sorted({d for p in pairs for d in p.cli.executed})
    print(f"(3) notebooks re-executed after editing {CLI_MODULE}: {', '.join(cli_ran) or 'none'}"
          + ("   <-- FLAG: expected none (no page imports it)" if cli_ran else ""))

    if not data_files:
        return
    print(f"\n(4) rebuild after a value-preserving change to one data file, as a ratio of the same pair's clean build"
          f"\n    (median (min-max) over {n} pair(s); floor: no-change rebuild + the re-executed notebooks' share of the"
          f"\n    clean build's notebook execution; readers: notebooks whose clean-build manifest lists the file)\n")
    head = f"{'data file':<32}{'change':<19}{'readers':>7}{'re-exec':>8}{'rebuild s':>10}  {'x clean (min-max)':<19}{'floor x clean':>13}"
    print(head)
    print("-" * len(head))
    table = []
    for name in data_files:
        builds = [p.files[name] for p in pairs]
        failed = [b for b in builds if not b.ok]
        ran = [len(b.executed) for b in builds]
        reader_count = [len(readers(p.manifests, name)) for p in pairs]
        ratios = [b.seconds / p.clean.seconds for b, p in zip(builds, pairs)]
        floors = [p.floor(b.executed) / p.clean.seconds for b, p in zip(builds, pairs)]
        table.append((med(ratios), name, builds, failed, ran, reader_count, ratios, floors))
    how = {".csv": "CRLF line endings", ".json": "trailing newline", ".bib": "CRLF line endings"}
    for _, name, builds, failed, ran, reader_count, ratios, floors in sorted(table, key=lambda r: (r[0], r[1])):
        note = "  BUILD FAILED" if failed else ""
        if ran != reader_count:
            note += "  <-- re-executed != readers"
        print(f"{name:<32}{how[Path(name).suffix]:<19}{counts(reader_count):>7}{counts(ran):>8}"
              f"{med([b.seconds for b in builds]):>10.1f}  {spread(ratios):<19}{med(floors):>13.2f}{note}")
    for _, name, _builds, failed, *_ in table:
        for b in failed:
            print(f"\n{name}: the rebuild failed; end of its log:\n{b.log[-3000:]}")

    # The aim is set for the data file the fewest notebooks read.
    by_readers = sorted(table, key=lambda r: (med(r[5]), med(r[7]), r[1]))
    _, name, builds, failed, ran, reader_count, ratios, floors = by_readers[0]
    status = "within" if med(ratios) <= AIM_LEAST_READ else "ABOVE"
    print(f"\nleast-read data file: {name} ({counts(reader_count)} of {total} notebooks read it; "
          f"{counts(ran)} re-executed: {', '.join(sorted({d for b in builds for d in b.executed})) or 'none'})")
    print(f"    rebuild {spread(ratios)} x clean, aim <= {AIM_LEAST_READ:.2f} x clean: {status} the aim "
          f"(floor {med(floors):.2f} x clean)")
    surprises = [(r[1], r[4], r[5]) for r in table if r[4] != r[5]]
    for name, ran, reader_count in surprises:
        print(f"    note: {name}: {counts(ran)} notebook(s) re-executed, but {counts(reader_count)} read it")


def machine_line(label: str, load: tuple[float, ...]) -> str:
    return f"{label}: load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="number of pairs (default 3)")
    parser.add_argument("--quick", action="store_true", help="one pair (same as --pairs 1)")
    parser.add_argument(
        "--files", nargs="*", metavar="NAME",
        help="data files to change, e.g. outcomes.csv references.bib (default: every .csv, .json and .bib in data/; "
        "--files with no name: none)",
    )
    args = parser.parse_args()
    pairs = 1 if args.quick else args.pairs
    if pairs < 1:
        parser.error("--pairs must be at least 1")
    available = sorted(p.name for p in (ROOT / "data").iterdir() if p.is_file() and p.suffix in DATA_SUFFIXES)
    if args.files is None:
        chosen = available
    else:
        chosen = [Path(f).name for f in args.files]
        unknown = sorted(set(chosen) - set(available))
        if unknown:
            parser.error(f"not a data file: {', '.join(unknown)} (have: {', '.join(available)})")
    data_files = [f"data/{name}" for name in sorted(set(chosen))]

    jobs = os.environ.get("KETAMINE_REVIEW_JOBS") or (os.cpu_count() or 1) + 1
    load_start = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {jobs} notebooks at a time (project build)")
    print(machine_line("at start", load_start))
    print(f"pairs: {pairs}; data files changed: {len(data_files)}", flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp_name:
        # One snapshot of the repository (without _build, .venv, .git, research): every pair
        # copies it, so all pairs measure the same files even if the repository changes meanwhile.
        shutil.copytree(ROOT, Path(tmp_name) / "source", ignore=IGNORE, symlinks=True)
        results = [measure_pair(Path(tmp_name), i + 1, pairs, data_files) for i in range(pairs)]
    report(results, data_files)
    print(f"\n{machine_line('at end', os.getloadavg())}; benchmark took {(time.perf_counter() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()

"""What changed between two versions of the data: studies, rows, corrected values, pooled results.

``python -m analysis changes [OLD [NEW]]`` compares two versions of the data package.
Each of OLD and NEW is a data folder (one holding ``datapackage.json``, or a folder
with ``data/`` in it, e.g. a release snapshot ``releases/data-v0.1.0``) or a git
revision (a tag such as ``data-v0.1.0``, a branch, a commit). A revision is read with
``git show REV:data/FILE`` into a temporary folder: the work tree is never touched.
By default OLD is the last release (:func:`last_release`) and NEW is ``data/``.

What is compared, all of it derived from the two ``datapackage.json`` files:

* **every table, by primary key** (:func:`diff_table`): rows added, rows removed,
  and rows corrected with each changed field, old -> new. A table without a primary
  key is compared by whole rows. A new table (e.g. a certainty-of-evidence table
  ``grade``) is diffed the same way as every other table: nothing here names it.
  Columns added or removed are listed once per table, not once per row.
* **studies added and removed** (the ``studies`` table, listed first, with their labels);
* **pooled estimates** (:func:`pooled_estimates`): the proportion outcomes, per
  outcome × timepoint × arm across studies. With two or more studies, random
  effects on the logit scale (:func:`analysis.stats.pooling.pool`, REML, Hartung–Knapp
  with the ad hoc variance floor, so the interval is never narrower than Wald's);
  with one study, its proportion with a Wilson interval. Eligible rows follow the
  book's rule: included studies only, and values read in the primary report
  (``source_kind`` primary, ``status`` confirmed); second-hand values are kept out.
  A study with several rows for one outcome, timepoint and arm (different analysis
  populations) contributes the row with the largest denominator, once.

**The last release** is the newest snapshot folder ``releases/data-vX.Y.Z/`` in the
repository (a copy of ``data/`` as released, made by ``python -m analysis
release-snapshot``). Each release is also tagged ``data-vX.Y.Z`` in git, but the
book never needs git: a fresh clone, a shallow clone or a tarball has the snapshot.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.data import record_read
from analysis.data.rules import may_pool
from analysis.data.validate import DESCRIPTOR, Report, Row, Table, read_descriptor, validate_package
from analysis.stats.numeric import expit, round_half_up
from analysis.text import counted

RELEASES_DIR = "releases"
RELEASE_PREFIX = "data-v"
_RELEASE = re.compile(r"^data-v([0-9]+)\.([0-9]+)\.([0-9]+)$")


class ChangesError(ValueError):
    """A version to compare cannot be found or read."""


# --------------------------------------------------------------------------
# Versions of the data


@dataclass
class Version:
    """One version of the data package, read (and checked) from a folder."""

    label: str
    data_dir: Path
    report: Report
    descriptor: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version") or "unversioned")

    @property
    def date(self) -> str:
        return str(self.descriptor.get("created") or "undated")[:10]

    @property
    def tables(self) -> dict[str, Table]:
        return self.report.tables

    def title(self) -> str:
        return f"data version {self.version} ({self.date}; {self.label})"


def read_version(data_dir: Path, label: str, log_reads: bool = True) -> Version:
    """Read a data folder (validating it, never writing to it)."""
    if not (data_dir / DESCRIPTOR).is_file():
        raise ChangesError(f"{data_dir} has no {DESCRIPTOR}")
    if log_reads:  # so the book re-executes a page when any of these files changes
        for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
            record_read(path)
    report = validate_package(data_dir)
    return Version(label, data_dir, report, report.descriptor or read_descriptor(data_dir)[0] or {})


def release_versions(root: Path) -> list[tuple[tuple[int, int, int], Path]]:
    """The release snapshots ``releases/data-vX.Y.Z/`` of a repository, oldest first."""
    folder = root / RELEASES_DIR
    found = []
    if folder.is_dir():
        for child in folder.iterdir():
            match = _RELEASE.match(child.name)
            if match and (child / DESCRIPTOR).is_file():
                found.append(((int(match.group(1)), int(match.group(2)), int(match.group(3))), child))
    return sorted(found)


def last_release(root: Path) -> Path:
    """The newest release snapshot folder; the 'last release' the book compares against."""
    found = release_versions(root)
    if not found:
        raise ChangesError(f"no release snapshot in {root / RELEASES_DIR} (folders named {RELEASE_PREFIX}X.Y.Z holding {DESCRIPTOR})")
    return found[-1][1]


def find_release_root(data_dir: Path) -> Path:
    """The repository holding ``releases/``: the data folder's parent, else the working folder or one above it."""
    for folder in (data_dir.resolve().parent, Path.cwd().resolve(), *Path.cwd().resolve().parents):
        if release_versions(folder):
            return folder
    raise ChangesError(f"no {RELEASES_DIR}/{RELEASE_PREFIX}X.Y.Z snapshot next to {data_dir} or above {Path.cwd()}")


UNRELEASED = "with changes not yet released"


def _published_files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def is_release(data_dir: Path) -> bool:
    """Whether ``data_dir`` holds, byte for byte, the release its ``datapackage.json`` version names
    (``releases/data-vVERSION/``): the same files with the same contents."""
    data_dir = Path(data_dir)
    version = (read_descriptor(data_dir)[0] or {}).get("version")
    try:
        root = find_release_root(data_dir)
    except ChangesError:
        return False
    snapshot = root / RELEASES_DIR / f"{RELEASE_PREFIX}{version}"
    ours, theirs = _published_files(data_dir), _published_files(snapshot) if snapshot.is_dir() else {}
    for path in [*ours.values(), *theirs.values()]:
        record_read(path)  # the label changes when any of them does
    return bool(theirs) and ours.keys() == theirs.keys() and all(ours[k].read_bytes() == theirs[k].read_bytes() for k in ours)


def version_label(data_dir: Path) -> str:
    """The data version as readers should cite it: ``0.2.0`` when the data are that release, else
    ``0.2.0 with changes not yet released`` (the version they build on, and that they differ from it)."""
    version = str((read_descriptor(Path(data_dir))[0] or {}).get("version") or "unversioned")
    return version if is_release(Path(data_dir)) else f"{version} {UNRELEASED}"


def since_last_release(data_dir: Path) -> Changes:
    """What changed in ``data_dir`` since the last release (the book's 'What changed' page)."""
    release = last_release(find_release_root(data_dir))
    return compare(read_version(release, f"{RELEASES_DIR}/{release.name}"), read_version(data_dir, "data/"))


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True)


def export_revision(root: Path, revision: str, data_path: str, target: Path) -> Path:
    """Write ``data_path`` as it is at ``revision`` into ``target`` (``git show``; the work tree is untouched)."""
    check = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if check.returncode != 0:
        raise ChangesError(f"'{revision}' is neither a folder nor a git revision of {root}")
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", revision, "--", f"{data_path}/")
    names = [n for n in listing.stdout.decode("utf-8").split("\0") if n]
    if listing.returncode != 0 or not names:
        raise ChangesError(f"revision '{revision}' has no {data_path}/ folder")
    for name in names:
        blob = _git(root, "show", f"{revision}:{name}")
        if blob.returncode != 0:
            raise ChangesError(f"cannot read {name} at {revision}: {blob.stderr.decode(errors='replace').strip()}")
        out = target / Path(name).relative_to(data_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(blob.stdout)
    return target


def resolve(spec: str, root: Path, workdir: Path, data_path: str = "data") -> Version:
    """A version from a folder, or from a git revision exported into ``workdir``."""
    path = Path(spec)
    if not path.is_absolute() and not path.exists():
        path = root / spec if (root / spec).exists() else path
    if path.is_dir():
        for candidate in (path, path / data_path):
            if (candidate / DESCRIPTOR).is_file():
                return read_version(candidate, spec)
        raise ChangesError(f"{path} holds no {DESCRIPTOR} (nor {data_path}/{DESCRIPTOR})")
    target = workdir / re.sub(r"[^A-Za-z0-9._-]", "_", spec)
    return read_version(export_revision(root, spec, data_path, target), f"git {spec}")


# --------------------------------------------------------------------------
# Table differences


@dataclass
class Correction:
    """A row whose key is in both versions but whose values differ."""

    key: tuple[str, ...]
    line_old: int
    line_new: int
    fields: list[tuple[str, str, str]]  # (field, old, new)


@dataclass
class TableDiff:
    """The difference of one table between two versions."""

    name: str
    path: str
    key_fields: list[str]
    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    corrected: list[Correction] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    table_added: bool = False
    table_removed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.corrected or self.columns_added or self.columns_removed or self.table_added or self.table_removed)


def _key_fields(table: Table | None, other: Table | None) -> list[str]:
    for t in (table, other):
        if t is not None and t.schema.get("primaryKey"):
            pk = t.schema["primaryKey"]
            return [pk] if isinstance(pk, str) else list(pk)
    return []


def row_key(row: Row, key_fields: list[str], columns: list[str]) -> tuple[str, ...]:
    """The primary key of a row (the whole row, in ``columns`` order, when there is no key)."""
    return tuple(row.raw.get(f, "").strip() for f in (key_fields or columns))


def diff_table(name: str, old: Table | None, new: Table | None) -> TableDiff:
    """Rows added, removed and corrected (by primary key), and columns added or removed."""
    key_fields = _key_fields(new, old)
    path = Path((new or old).path).name  # type: ignore[union-attr]
    diff = TableDiff(name, path, key_fields, table_added=old is None, table_removed=new is None)
    old_cols = list(old.header) if old else []
    new_cols = list(new.header) if new else []
    if old and new:
        diff.columns_added = [c for c in new_cols if c not in old_cols]
        diff.columns_removed = [c for c in old_cols if c not in new_cols]
    common = [c for c in new_cols if c in old_cols]
    columns = common or new_cols or old_cols
    old_rows = {row_key(r, key_fields, columns): r for r in reversed(old.rows)} if old else {}
    new_rows = {row_key(r, key_fields, columns): r for r in reversed(new.rows)} if new else {}
    for key, row in sorted(new_rows.items(), key=lambda kv: kv[1].line):
        if key not in old_rows:
            diff.added.append(row)
        else:
            before = old_rows[key]
            changed = [(c, before.raw.get(c, ""), row.raw.get(c, "")) for c in common if before.raw.get(c, "") != row.raw.get(c, "")]
            if changed:
                diff.corrected.append(Correction(key, before.line, row.line, changed))
    diff.removed = sorted((r for k, r in old_rows.items() if k not in new_rows), key=lambda r: r.line)
    return diff


# --------------------------------------------------------------------------
# Pooled estimates


@dataclass(frozen=True)
class Estimate:
    """A pooled (k >= 2) or single-study (k = 1) proportion for one outcome, timepoint and arm."""

    outcome: str
    timepoint: str
    arm: str
    studies: tuple[str, ...]
    events: int
    n: int
    estimate: float
    low: float
    high: float
    method: str

    @property
    def k(self) -> int:
        return len(self.studies)

    def text(self) -> str:
        pct = lambda x: f"{round_half_up(100 * x)}%"  # noqa: E731
        ci = f"95% CI {round_half_up(100 * self.low)}–{pct(self.high)}"
        if self.k == 1:
            return f"{self.events} of {self.n} ({pct(self.estimate)}; {ci}, {self.method}); 1 study ({self.studies[0]})"
        return (
            f"{pct(self.estimate)} ({ci}); {self.k} studies ({', '.join(self.studies)}), "
            f"{self.events} of {self.n} patients; {self.method}"
        )


def eligible_for_pooling(row: Row, study: Row | None) -> bool:
    """The book's rule (:func:`analysis.data.rules.may_pool`) applied to a validator row."""
    role = study.raw.get("role", "included") if study is not None else "included"
    return may_pool(row.raw.get("source_kind"), row.raw.get("status"), role)


def pooled_estimates(version: Version) -> dict[tuple[str, str, str], Estimate]:
    """Proportion outcomes pooled per (outcome_id, timepoint, arm) across studies."""
    from analysis.pages.report import proportion
    from analysis.stats.pooling import pool_proportions

    tables = version.tables
    outcomes, definitions = tables.get("outcomes"), tables.get("outcome_definitions")
    if outcomes is None or definitions is None:
        return {}
    kinds = {r.raw.get("outcome_id", ""): r.raw.get("kind", "") for r in definitions.rows}
    labels = {r.raw.get("outcome_id", ""): r.raw.get("label", "") or r.raw.get("outcome_id", "") for r in definitions.rows}
    studies = {r.raw.get("study_id", ""): r for r in tables["studies"].rows} if "studies" in tables else {}
    groups: dict[tuple[str, str, str], dict[str, Row]] = {}
    for row in outcomes.rows:
        events, n = row.value.get("events"), row.value.get("n")
        if kinds.get(row.raw.get("outcome_id", "")) != "proportion" or events is None or n is None or not 0 <= events <= n or n < 1:
            continue
        if not eligible_for_pooling(row, studies.get(row.raw.get("study_id", ""))):
            continue
        key = (row.raw.get("outcome_id", ""), row.raw.get("timepoint", ""), row.raw.get("arm", ""))
        chosen = groups.setdefault(key, {})
        study = row.raw.get("study_id", "")
        if study not in chosen or n > chosen[study].value["n"]:  # one row per study: the largest denominator
            chosen[study] = row
    out = {}
    for key, by_study in sorted(groups.items()):
        ids = tuple(sorted(by_study))
        rows = [by_study[s] for s in ids]
        events = [r.value["events"] for r in rows]
        ns = [r.value["n"] for r in rows]
        name = labels.get(key[0], key[0])
        if len(rows) == 1:
            p = proportion(events[0], ns[0])
            out[key] = Estimate(name, key[1], key[2], ids, events[0], ns[0], p.share, p.low, p.high, "Wilson")
            continue
        result = pool_proportions(events, ns, labels=list(ids))
        out[key] = Estimate(
            name, key[1], key[2], ids, sum(events), sum(ns), expit(result.estimate), expit(result.ci_low), expit(result.ci_high),
            "random effects on the logit scale (REML, Hartung–Knapp–Sidik–Jonkman)",
        )
    return out


# --------------------------------------------------------------------------
# The whole comparison


@dataclass
class Changes:
    """Everything that changed from ``old`` to ``new``."""

    old: Version
    new: Version
    tables: list[TableDiff]
    pooled_old: dict[tuple[str, str, str], Estimate]
    pooled_new: dict[tuple[str, str, str], Estimate]

    def table(self, name: str) -> TableDiff | None:
        return next((t for t in self.tables if t.name == name), None)

    @property
    def pooled_changes(self) -> list[tuple[tuple[str, str, str], Estimate | None, Estimate | None]]:
        keys = sorted(set(self.pooled_old) | set(self.pooled_new))
        out = []
        for key in keys:
            before, after = self.pooled_old.get(key), self.pooled_new.get(key)
            if before is None or after is None or before.text() != after.text():
                out.append((key, before, after))
        return out

    @property
    def any(self) -> bool:
        return any(t.changed for t in self.tables) or bool(self.pooled_changes)


def compare(old: Version, new: Version) -> Changes:
    """Compare two versions: every table by primary key, then the pooled estimates."""
    names = [n for n in new.tables] + [n for n in old.tables if n not in new.tables]
    order = {n: i for i, n in enumerate(names)}
    names = sorted(names, key=lambda n: (n != "studies", order[n]))  # studies first, then the descriptor's order
    diffs = [diff_table(n, old.tables.get(n), new.tables.get(n)) for n in names]
    return Changes(old, new, diffs, pooled_estimates(old), pooled_estimates(new))


def compare_specs(old: str | None, new: str | None, root: str | Path = ".", data_path: str = "data") -> Changes:
    """Compare two versions named as folders or git revisions (defaults: last release -> data/)."""
    root = Path(root).resolve()
    with tempfile.TemporaryDirectory(prefix="ketamine-changes-") as tmp:
        workdir = Path(tmp)
        old_version = resolve(old, root, workdir, data_path) if old else read_version(last_release(root), f"{RELEASES_DIR}/{last_release(root).name}")
        new_version = resolve(new, root, workdir, data_path) if new else read_version(root / data_path, f"{data_path}/")
        changes = compare(old_version, new_version)
        # The reports were read; the exported files are no longer needed.
        shutil.rmtree(workdir, ignore_errors=True)
    return changes


# --------------------------------------------------------------------------
# Presentation: sections of plain sentences, rendered as text, Markdown or HTML


def _study_label(version: Version, study_id: str) -> str:
    studies = version.tables.get("studies")
    for row in studies.rows if studies else []:
        if row.raw.get("study_id") == study_id:
            label = row.raw.get("label", "")
            return f"{label} ({study_id})" if label and not label.startswith("TODO") else study_id
    return study_id


def _rows_by_study(diff: TableDiff, rows: list[Row]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        study = row.raw.get("study_id", "")
        if study:
            counts[study] = counts.get(study, 0) + 1
    return counts


def _short(value: str, limit: int = 80) -> str:
    value = value if value != "" else "(empty)"
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _key_text(key: tuple[str, ...]) -> str:
    return ", ".join(_short(part, 40) for part in key)


def _files_changed(changes: Changes) -> list[str]:
    """Resources without a table schema (e.g. a BibTeX file): changed or not, by their bytes."""
    items = []
    for resource in changes.new.descriptor.get("resources", []):
        path = resource.get("path")
        if isinstance(resource.get("schema"), dict) or not isinstance(path, str):
            continue
        before, after = changes.old.data_dir / path, changes.new.data_dir / path
        if not before.is_file():
            items.append(f"New file {path}.")
        elif after.is_file() and before.read_bytes() != after.read_bytes():
            items.append(f"{path} changed.")
    return items


def sections(changes: Changes) -> list[tuple[str, list[str]]]:
    """The report as (section title, sentences); each renderer formats the same content."""
    old, new = changes.old, changes.new
    out: list[tuple[str, list[str]]] = []
    studies = changes.table("studies")
    added = [r.raw.get("study_id", "") for r in studies.added] if studies else []
    removed = [r.raw.get("study_id", "") for r in studies.removed] if studies else []
    items = []
    for study in added:
        counts = {d.name: n for d in changes.tables if d.name != "studies" for s, n in _rows_by_study(d, d.added).items() if s == study}
        detail = "; ".join(f"{counted(n, 'row')} in {name}" for name, n in counts.items())
        items.append(f"Added: {_study_label(new, study)}" + (f", with {detail}" if detail else ""))
    items += [f"Removed: {_study_label(old, s)}" for s in removed]
    out.append(("Studies added and removed", items or ["No study was added or removed."]))

    items = []
    for diff in changes.tables:
        if diff.table_added:
            items.append(f"New table {diff.name} ({diff.path}), with {counted(len(diff.added), 'row')}.")
            continue
        if diff.table_removed:
            items.append(f"Table {diff.name} ({diff.path}) removed; it had {counted(len(diff.removed), 'row')}.")
            continue
        if diff.columns_added:
            items.append(f"{diff.path}: new {'column' if len(diff.columns_added) == 1 else 'columns'} {', '.join(diff.columns_added)}.")
        if diff.columns_removed:
            items.append(f"{diff.path}: {'column' if len(diff.columns_removed) == 1 else 'columns'} removed: {', '.join(diff.columns_removed)}.")
        for row in diff.added:
            items.append(f"{diff.path} line {row.line}: added ({_key_text(row_key(row, diff.key_fields, list(row.raw)))}).")
        for row in diff.removed:
            items.append(f"{diff.path}: removed ({_key_text(row_key(row, diff.key_fields, list(row.raw)))}), was line {row.line}.")
    items += _files_changed(changes)
    out.append(("Rows added and removed", items or ["No row was added or removed."]))

    items = []
    for diff in changes.tables:
        for c in diff.corrected:
            what = "; ".join(f"{f}: {_short(a)} → {_short(b)}" for f, a, b in c.fields)
            items.append(f"{diff.path} line {c.line_new} ({_key_text(c.key)}): {what}.")
    out.append(("Corrections", items or ["No value was corrected."]))

    items = []
    for key, before, after in changes.pooled_changes:
        outcome, timepoint, arm = (after or before).outcome, key[1], key[2]  # type: ignore[union-attr]
        where = f"{outcome}, {timepoint}, {arm}"
        if before is None:
            items.append(f"{where}: new: {after.text()}.")  # type: ignore[union-attr]
        elif after is None:
            items.append(f"{where}: no longer estimated (was {before.text()}).")
        else:
            items.append(f"{where}: {before.text()} → {after.text()}.")
    if not items:
        count = len(changes.pooled_new)
        items = [
            f"No pooled or single-study estimate changed ({counted(count, 'estimate')} in {new.title()}; only values read in "
            "the primary reports of included studies are pooled)."
        ]
    out.append(("Changed results", items))
    return out


def header(changes: Changes) -> str:
    return f"Changes from {changes.old.title()} to {changes.new.title()}."


def validity_notes(changes: Changes) -> list[str]:
    notes = []
    for v in (changes.old, changes.new):
        if not v.report.ok:
            notes.append(f"Warning: {v.title()} does not pass the validator ({counted(len(v.report.problems), 'problem')}); run python -m analysis validate on it.")
    return notes


def render_text(changes: Changes) -> str:
    lines = [header(changes), *validity_notes(changes)]
    for title, items in sections(changes):
        lines += ["", f"{title}:"] + [f"  - {item}" for item in items]
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    """Escape Markdown (GitHub-flavoured) so data values print as written."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(changes: Changes, level: int = 2) -> str:
    hashes = "#" * level
    lines = [md_escape(header(changes))] + [f"> {md_escape(n)}" for n in validity_notes(changes)]
    for title, items in sections(changes):
        lines += ["", f"{hashes} {title}", ""] + [f"- {md_escape(item)}" for item in items]
    return "\n".join(lines) + "\n"


def render_html_section(changes: Changes, title: str) -> str:
    """One section as an HTML list, for a book page (headings stay in the page itself)."""
    for name, items in sections(changes):
        if name == title:
            return "<ul class=\"what-changed\">\n" + "\n".join(f"<li>{html.escape(i)}</li>" for i in items) + "\n</ul>"
    raise KeyError(title)


# --------------------------------------------------------------------------
# Command line


def main(old: str | None = None, new: str | None = None, root: str = ".", fmt: str = "text", data_path: str = "data") -> int:
    """``python -m analysis changes``: print what changed (exit 0), or why the versions cannot be read (exit 2)."""
    try:
        changes = compare_specs(old, new, root, data_path)
    except ChangesError as exc:
        print(f"changes: {exc}")
        return 2
    print(render_markdown(changes) if fmt == "markdown" else render_text(changes), end="")
    return 0


def release_snapshot(root: str | Path = ".", data_path: str = "data") -> int:
    """``python -m analysis release-snapshot``: copy valid data/ to releases/data-vVERSION/ (never overwrites)."""
    root = Path(root).resolve()
    data_dir = root / data_path
    report = validate_package(data_dir)
    if not report.ok:
        for problem in report.problems:
            print(problem)
        print(f"release-snapshot: {data_dir} is not valid; nothing was written.")
        return 1
    target = root / RELEASES_DIR / f"{RELEASE_PREFIX}{report.version}"
    if target.exists():
        print(f"release-snapshot: {target} already exists; bump 'version' (and 'created') in {data_path}/{DESCRIPTOR} first.")
        return 2
    shutil.copytree(data_dir, target, ignore=shutil.ignore_patterns(".*"))
    print(f"Wrote {target}. Add a CHANGELOG.md entry, commit, and tag the commit {RELEASE_PREFIX}{report.version}.")
    return 0

"""`changes`: what changed between two versions of the data, from folders or git revisions.

Each test changes a private copy of the shipped data (adding only obviously fictitious
test studies) and checks what the comparison reports.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from contrib_helpers import fill_study, read_lines

from analysis.data.validate import validate_package
from analysis.pages import changes as ch
from analysis.tools.contribute import new_study

ROOT = Path(__file__).resolve().parents[2]
A, B = "zz_fictitious2001", "zz_fictitious2002"


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "data", old)
    shutil.copytree(ROOT / "data", new)
    return old, new


def add_study(data: Path, study: str, year: int, events: dict[str, tuple[int, int]]) -> None:
    fill_study(data, new_study(study, data), year, events)
    assert validate_package(data).ok, [str(p) for p in validate_package(data).problems]


def compare(old: Path, new: Path) -> ch.Changes:
    return ch.compare(ch.read_version(old, "old"), ch.read_version(new, "new"))


def set_cell(path: Path, key_prefix: str, column: str, value: str) -> None:
    import csv
    import io

    lines = read_lines(path)
    header = next(csv.reader([lines[0]]))
    for i, line in enumerate(lines):
        if line.startswith(key_prefix):
            record = next(csv.reader([line]))
            record[header.index(column)] = value
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerow(record)
            lines[i] = out.getvalue()
    path.write_text("".join(lines), encoding="utf-8")


def test_no_change_between_identical_versions(versions):
    old, new = versions
    diff = compare(old, new)
    assert not diff.any
    assert "No study was added or removed." in ch.render_text(diff)


def test_added_study_its_rows_and_its_single_study_proportion(versions):
    old, new = versions
    add_study(new, A, 2001, {"complete_relief": (10, 20)})
    diff = compare(old, new)
    assert [r.raw["study_id"] for r in diff.table("studies").added] == [A]
    assert [r.raw["outcome_id"] for r in diff.table("outcomes").added] == ["complete_relief"]
    assert diff.table("reports").added[0].raw["report_id"] == A
    text = ch.render_text(diff)
    assert f"Added: Fictitious Test 2001 ({A}), with 1 row in reports; 1 row in outcomes" in text
    # one study: its own proportion with a Wilson interval (10/20: 50%, 95% CI 30-70%)
    (key, before, after), = diff.pooled_changes
    assert key == ("complete_relief", "after first course", "ketamine") and before is None
    assert after.text().startswith("10 of 20 (50%; 95% CI 30–70%, Wilson); 1 study")


def test_pooled_estimate_of_two_studies_on_the_logit_scale(versions):
    old, new = versions
    add_study(old, A, 2001, {"complete_relief": (9, 20)})
    add_study(new, A, 2001, {"complete_relief": (9, 20)})
    add_study(new, B, 2002, {"complete_relief": (11, 20)})
    diff = compare(old, new)
    (key, before, after), = diff.pooled_changes
    assert before.k == 1 and after.k == 2 and after.studies == (A, B)
    # Worked by hand: logits -y and +y with y = ln(11/9), each with variance v = 1/9 + 1/11.
    # Equal variances, so REML tau^2 = max(0, s^2 - v) = max(0, 2y^2 - v) = 0 and the pooled logit
    # is 0 (a proportion of 0.5). HKSJ: q = sum w y^2 / (k - 1) = 2y^2/v, SE = sqrt(q / sum w) = y,
    # so the 95% interval is 0 +/- t(0.975, df 1) y, with t(0.975, 1) = 12.7062047. (The ad hoc
    # variant would use the larger Wald SE sqrt(v/2): the test tells the two apart.)
    y = math.log(11 / 9)
    assert after.estimate == pytest.approx(0.5)
    assert after.low == pytest.approx(1 / (1 + math.exp(12.7062047 * y)))
    assert after.high == pytest.approx(1 / (1 + math.exp(-12.7062047 * y)))
    assert "2 studies" in ch.render_text(diff) and "→" in ch.render_text(diff)


def test_second_hand_values_are_not_pooled(versions):
    old, new = versions
    add_study(new, A, 2001, {"complete_relief": (10, 20)})
    set_cell(new / "outcomes.csv", f"{A},", "status", "secondary_only")
    set_cell(new / "outcomes.csv", f"{A},", "source_kind", "secondary")
    assert not compare(old, new).pooled_changes


def test_a_correction_is_shown_field_by_field_old_to_new(versions):
    old, new = versions
    row = "correll2004,ketamine,complete_relief,after first course,"
    before = {r.raw["outcome_id"] + r.raw["timepoint"]: r.raw for r in validate_package(old).tables["outcomes"].rows}
    old_verifier = before["complete_reliefafter first course"]["verifier"]
    set_cell(new / "outcomes.csv", row, "verifier", "test-second-extractor")
    set_cell(new / "studies.csv", "correll2004,", "label", "Correll 2004 (test relabel)")
    diff = compare(old, new)
    assert not diff.table("outcomes").added and not diff.table("outcomes").removed
    (outcome,) = diff.table("outcomes").corrected
    assert outcome.key == ("correll2004", "ketamine", "complete_relief", "after first course", "all patients treated")
    assert outcome.fields == [("verifier", old_verifier, "test-second-extractor")]
    (study,) = diff.table("studies").corrected
    assert study.fields == [("label", "Correll 2004", "Correll 2004 (test relabel)")]
    text = ch.render_text(diff)
    assert "label: Correll 2004 → Correll 2004 (test relabel)" in text
    assert f"verifier: {old_verifier or '(empty)'} → test-second-extractor" in text


def test_removed_row(versions):
    old, new = versions
    path = new / "outcomes.csv"
    lines = read_lines(path)
    path.write_text("".join(l for l in lines if ",after second course," not in l), encoding="utf-8")
    diff = compare(old, new)
    (removed,) = diff.table("outcomes").removed
    assert removed.raw["timepoint"] == "after second course"
    assert "removed (correll2004, ketamine, complete_relief, after second course" in ch.render_text(diff)


def test_any_new_table_is_diffed_by_its_primary_key(versions):
    """A certainty-of-evidence table (here called 'grade') needs no code of its own."""
    old, new = versions
    for folder, rating in ((old, "low"), (new, "very_low")):
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        descriptor["resources"].append({
            "name": "grade", "path": "grade.csv", "profile": "tabular-data-resource",
            "schema": {"fields": [{"name": "outcome_id", "type": "string"}, {"name": "certainty", "type": "string"}], "primaryKey": ["outcome_id"]},
        })
        (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        (folder / "grade.csv").write_text(f"outcome_id,certainty\ncomplete_relief,{rating}\n", encoding="utf-8")
    diff = compare(old, new)
    (rating,) = diff.table("grade").corrected
    assert rating.fields == [("certainty", "low", "very_low")]
    assert "grade.csv line 2 (complete_relief): certainty: low → very_low" in ch.render_text(diff)


def test_git_revisions_are_read_without_touching_the_work_tree(tmp_path: Path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    git = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True, capture_output=True, env=env)  # noqa: E731
    git("init", "-q")
    git("add", "data")
    git("commit", "-q", "-m", "first")
    git("tag", "data-v0.1.0")
    add_study(repo / "data", A, 2001, {"complete_relief": (10, 20)})
    git("add", "data")
    git("commit", "-q", "-m", "add a fictitious study")
    (repo / "data" / "studies.csv").write_text(read_lines(repo / "data" / "studies.csv")[0], encoding="utf-8")  # an uncommitted edit
    work_tree = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (repo / "data").iterdir()}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "changes", "data-v0.1.0", "HEAD", "--root", str(repo)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Added: Fictitious Test 2001 ({A})" in result.stdout
    assert "git data-v0.1.0" in result.stdout and "git HEAD" in result.stdout
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (repo / "data").iterdir()} == work_tree
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True).stdout
    assert status.strip() == "M data/studies.csv"  # only the edit made above; nothing written by `changes`
    bad = subprocess.run([sys.executable, "-m", "analysis", "changes", "no-such-rev", "HEAD", "--root", str(repo)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "neither a folder nor a git revision" in bad.stdout


def test_last_release_is_the_newest_snapshot_folder(tmp_path: Path):
    for name in ("data-v0.1.0", "data-v0.10.0", "data-v0.9.1", "not-a-release"):
        shutil.copytree(ROOT / "data", tmp_path / "releases" / name)
    assert ch.last_release(tmp_path).name == "data-v0.10.0"
    with pytest.raises(ch.ChangesError):
        ch.last_release(tmp_path / "nowhere")


def test_the_shipped_release_snapshots_are_valid_and_named_by_their_version():
    found = ch.release_versions(ROOT)
    assert found, "releases/ must hold at least one data-vX.Y.Z snapshot: the What-changed page compares with it"
    for version, folder in found:
        report = validate_package(folder)
        assert report.ok, [str(p) for p in report.problems]
        assert report.version == ".".join(map(str, version))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("version", "0.1", "is not a data version"), ("version", 2, "is not a data version"), ("created", "21/11/2026", "is not the date of the data version")],
)
def test_the_validator_checks_the_data_version_and_date(versions, key, value, message):
    _, data = versions
    path = data / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor[key] = value
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    line = next(i for i, l in enumerate(read_lines(path), 1) if l.strip().startswith(f'"{key}"'))
    problems = [p for p in validate_package(data).problems if p.field == key]
    assert len(problems) == 1 and problems[0].line == line and message in problems[0].message


def test_markdown_report_escapes_data_values(versions):
    old, new = versions
    add_study(new, A, 2001, {"complete_relief": (10, 20)})
    markdown = ch.render_markdown(compare(old, new))
    assert "## Studies added and removed" in markdown
    assert r"zz\_fictitious2001" in markdown  # an underscore in an id is not emphasis


def test_the_version_label_says_when_the_data_are_not_the_release_they_name(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    version = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))["version"]
    shutil.copytree(data, tmp_path / "releases" / f"data-v{version}")
    assert ch.version_label(data) == version and ch.is_release(data)
    (data / ".editor-notes").write_text("hidden files are never published", encoding="utf-8")
    assert ch.version_label(data) == version
    outcomes = data / "outcomes.csv"
    outcomes.write_text(outcomes.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one byte more
    assert ch.version_label(data) == f"{version} with changes not yet released"
    shutil.copyfile(ROOT / "data" / "outcomes.csv", outcomes)
    (tmp_path / "releases" / f"data-v{version}" / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    assert not ch.is_release(data)  # a file more in the release
    shutil.rmtree(tmp_path / "releases" / f"data-v{version}")
    shutil.copytree(ROOT / "data", tmp_path / "releases" / "data-v0.0.1")
    assert ch.version_label(data).endswith("with changes not yet released")  # no snapshot of the version named


def test_the_shipped_data_name_a_released_version_and_any_difference_is_in_the_changelog():
    """The version in datapackage.json was released (its snapshot exists); data that differ from it are
    labelled so on the pages (version_label) and their changes are described under 'Unreleased' in
    CHANGELOG.md; data equal to it have no such row. CITATION.cff names the newest release."""
    version = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert (ROOT / "releases" / f"data-v{version}").is_dir(), f"data/datapackage.json names version {version}, which has no release snapshot"
    rows = [line for line in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines() if line.startswith("| Unreleased |")]
    if ch.is_release(ROOT / "data"):
        assert not rows, "the data are the release they name, but CHANGELOG.md still has an Unreleased row"
    else:
        assert rows and "None yet | None yet" not in rows[0], "the data differ from release " + version + ": describe the changes under Unreleased in CHANGELOG.md"
    newest = ch.release_versions(ROOT)[-1][1].name.removeprefix("data-v")
    assert re.search(rf'^version: "{re.escape(newest)}"$', (ROOT / "CITATION.cff").read_text(encoding="utf-8"), re.M), "CITATION.cff does not name the newest release"

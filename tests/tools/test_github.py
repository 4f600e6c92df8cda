"""The repository's GitHub files keep their safety and duty properties (parsed with PyYAML).

Workflows cannot be run here, so they are checked statically: read-only permissions
on pull requests, no ``pull_request_target``, every action pinned to a full commit
SHA with its version in a comment, the pull-request workflow validating, testing,
building from clean and uploading the HTML, the companion running on ``workflow_run``,
and the scheduled jobs. Also the issue forms, the pull-request template, CITATION.cff
(against the CFF 1.2.0 JSON schema, vendored from citation-file-format/citation-file-format
at tag 1.2.0, licensed CC BY 4.0) and the licences.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as True
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return on


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def run_text(workflow: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def by_trigger(name: str) -> list[tuple[Path, dict]]:
    return [(p, w) for p, w in ((p, load(p)) for p in WORKFLOWS) if name in triggers(w)]


def writes(permissions) -> bool:
    if permissions in ("write-all",):
        return True
    return isinstance(permissions, dict) and any(v == "write" for v in permissions.values())


def test_workflows_parse_and_have_jobs():
    assert len(WORKFLOWS) >= 4
    for path in WORKFLOWS:
        workflow = load(path)
        assert workflow.get("name"), path
        assert triggers(workflow), path
        assert workflow.get("jobs"), path


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target(path: Path):
    assert "pull_request_target" not in triggers(load(path))
    # Outside comments too: a line's text before any '#' (a comment may name the trigger to warn against it).
    code = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
    assert "pull_request_target" not in code


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(path: Path):
    workflow = load(path)
    uses = [s["uses"] for s in steps(workflow) if "uses" in s]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    for ref in uses:
        if ref.startswith("./"):
            continue  # a local action is part of the repository
        assert SHA_PIN.match(ref), f"{path.name}: {ref} is not pinned to a 40-hex commit SHA"
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\s*(-\s*)?uses:\s*[^.]", line):
            assert re.search(r"#\s*v[0-9]+(\.[0-9]+)*\s*$", line), f"{path.name}: no '# vX.Y.Z' comment on: {line.strip()}"


def test_pull_request_workflow_is_read_only_and_does_its_duties():
    found = by_trigger("pull_request")
    assert len(found) == 1, "one workflow runs on pull requests"
    path, workflow = found[0]
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert not writes(job.get("permissions", {})), f"{path.name}: a job asks for write permissions"
    run = run_text(workflow)
    assert re.search(r"python -m analysis validate data", run)
    assert "GITHUB_STEP_SUMMARY" in run
    assert "make test" in run
    assert re.search(r"make clean\s*\n\s*make book", run), "the book is built from clean"
    uploads = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert any(str(s.get("with", {}).get("path", "")).rstrip("/") == "_build/html" for s in uploads), "the HTML is uploaded"
    assert any(s.get("with", {}).get("name") == "pr-report" for s in uploads), "the report is uploaded for the comment workflow"
    checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout.get("with", {}).get("persist-credentials") is False


def test_comment_workflow_is_fork_safe():
    pr_name = load(by_trigger("pull_request")[0][0])["name"]
    found = by_trigger("workflow_run")
    assert len(found) == 1
    path, workflow = found[0]
    assert triggers(workflow)["workflow_run"]["workflows"] == [pr_name]
    assert workflow["permissions"] == {}
    uses = [s.get("uses", "") for s in steps(workflow)]
    assert not any(u.startswith("actions/checkout@") for u in uses), "the companion never checks out the pull request's code"
    assert not run_text(workflow).strip(), "the companion runs no shell step on the downloaded data"
    download = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    script = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/github-script@"))["with"]["script"]
    assert "/^[0-9]{1,10}$/" in script and "head_sha" in script, "the PR number from the artifact is checked"
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}


def test_pages_workflow_deploys_main_and_rebuilds_weekly():
    path = GITHUB / "workflows" / "pages.yml"
    workflow = load(path)
    on = triggers(workflow)
    assert on["push"]["branches"] == ["main"]
    assert on["schedule"] and all("cron" in s for s in on["schedule"])
    assert workflow["permissions"] == {"contents": "read"}
    assert "make clean" in run_text(workflow) and "make book" in run_text(workflow)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in workflow["jobs"]["build"]["steps"])


def test_link_check_is_weekly_into_an_issue_never_on_pull_requests():
    workflow = load(GITHUB / "workflows" / "links.yml")
    on = triggers(workflow)
    assert "schedule" in on and "pull_request" not in on and "push" not in on
    lychee = next(s for s in steps(workflow) if s.get("uses", "").startswith("lycheeverse/lychee-action@"))
    assert lychee["with"]["fail"] is False
    issue = next(s for s in steps(workflow) if s.get("uses", "").startswith("peter-evans/create-issue-from-file@"))
    assert lychee["id"] in issue["if"]


@pytest.mark.parametrize("name", ["propose-study.yml", "report-error.yml"])
def test_issue_forms(name: str):
    form = load(GITHUB / "ISSUE_TEMPLATE" / name)
    assert form["name"] and form["description"] and isinstance(form["body"], list)
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    allowed = {"markdown", "input", "textarea", "dropdown", "checkboxes"}
    for item in form["body"]:
        assert item["type"] in allowed
        assert item["attributes"].get("label") or item["type"] == "markdown"
        if item["type"] == "dropdown":
            assert item["attributes"]["options"]
    labels = " ".join(str(i["attributes"].get("label", "")) for i in form["body"]).lower()
    assert "conflicts of interest" in labels


def test_pull_request_template_asks_what_a_data_submission_needs():
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8").lower()
    for needed in ("source", "table", "second extractor", "conflicts of interest", "doi"):
        assert needed in text, needed


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((ROOT / "tests" / "reference" / "cff-1.2.0-schema.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(citation), key=str)
    assert not errors, [e.message for e in errors]
    assert citation["cff-version"] == "1.2.0"
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    # and the check can fail
    assert list(validator.iter_errors({**citation, "date-released": "21/11/2026"}))


def test_citation_names_the_last_released_data_version():
    from analysis.pages.changes import release_versions

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    version, folder = release_versions(ROOT)[-1]
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert citation["version"] == ".".join(map(str, version))
    assert citation["date-released"] == descriptor["created"][:10]


def test_licences_are_present_and_stated():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    content = (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International Public License" in content
    for doc in ("README.md", "book/intro.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert "CC BY 4.0" in text and "MIT" in text, doc


def test_colab_notebooks_are_published_from_main_only_by_their_own_job():
    """The 'colab' branch the Colab buttons open is written by one job, with contents: write
    and nothing more, in a workflow that never runs on pull requests."""
    workflow = load(GITHUB / "workflows" / "pages.yml")
    assert set(triggers(workflow)) <= {"push", "schedule", "workflow_dispatch"}
    job = workflow["jobs"]["colab-notebooks"]
    assert job["permissions"] == {"contents": "write"}
    assert job["needs"] == "build"
    text = "\n".join(step.get("run", "") for step in job["steps"])
    assert "python -m analysis colab-notebooks" in text
    assert "colab:colab" in text and "--force" in text
    others = [name for name, j in workflow["jobs"].items() if name != "colab-notebooks" and "contents" in (j.get("permissions") or {})]
    assert not others, f"only the colab job may write contents: {others}"

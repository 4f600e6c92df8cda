"""Changes to the rules of datapackage.json are listed for the pull-request summary (issue 14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analysis.tools.schema_diff import schema_diff

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "data" / "datapackage.json").read_text(encoding="utf-8")


def edited(change) -> str:
    descriptor = json.loads(TEXT)
    change({r["name"]: r for r in descriptor["resources"]})
    return json.dumps(descriptor)


def field(resources, resource, name):
    return next(f for f in resources[resource]["schema"]["fields"] if f["name"] == name)


def test_the_same_descriptor_has_no_changes():
    assert schema_diff(TEXT, TEXT) == []


def test_a_dropped_minimum_is_listed():
    new = edited(lambda r: field(r, "outcomes", "n")["constraints"].pop("minimum"))
    assert schema_diff(TEXT, new) == ["outcomes.csv: field n: constraint minimum 1 removed"]


def test_a_changed_maximum_an_added_pattern_and_a_required_dropped():
    def change(r):
        field(r, "outcomes", "percent")["constraints"]["maximum"] = 1000
        field(r, "studies", "label")["constraints"]["pattern"] = "^.+$"
        field(r, "studies", "title")["constraints"].pop("required")
    assert schema_diff(TEXT, edited(change)) == [
        "outcomes.csv: field percent: constraint maximum changed from 100 to 1000",
        'studies.csv: field label: constraint pattern "^.+$" added',
        "studies.csv: field title: constraint required true removed",
    ]


def test_allowed_values_a_type_a_field_and_a_cross_field_check():
    def change(r):
        enum = field(r, "outcomes", "status")["constraints"]["enum"]
        enum.append("made_up")
        field(r, "outcomes", "mean")["type"] = "string"
        r["outcomes"]["schema"]["fields"] = [f for f in r["outcomes"]["schema"]["fields"] if f["name"] != "notes"]
        r["outcomes"]["schema"]["x-checks"].pop(0)
    lines = schema_diff(TEXT, edited(change))
    assert "outcomes.csv: field status: allowed value(s) added: made_up" in lines
    assert "outcomes.csv: field mean: type changed from number to string" in lines
    assert "outcomes.csv: field notes removed" in lines
    assert any(line.startswith("outcomes.csv: cross-field check removed: {") for line in lines)
    assert len(lines) == 4


def test_a_resource_and_a_primary_key():
    def change(r):
        r["outcomes"]["schema"]["primaryKey"] = ["study_id"]
        r["facts"]["name"] = "facts_renamed"
    assert schema_diff(TEXT, edited(change)) == [
        "facts.csv: resource facts removed",
        "facts.csv: resource facts_renamed added",
        'outcomes.csv: primary key changed from ["study_id", "arm", "outcome_id", "timepoint", "population"] to ["study_id"]',
    ]


def test_the_command_line(tmp_path: Path):
    (tmp_path / "new.json").write_text(edited(lambda r: field(r, "outcomes", "n")["constraints"].pop("minimum")), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "analysis", "schema-diff", str(ROOT / "data" / "datapackage.json"), str(tmp_path / "new.json")],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out == "outcomes.csv: field n: constraint minimum 1 removed\n"


def test_the_pull_request_check_puts_the_schema_changes_in_its_summary():
    workflow = (ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8")
    assert 'git show "origin/$BASE_REF:data/datapackage.json"' in workflow
    assert "python -m analysis schema-diff" in workflow
    assert "cat pr-report/schema.txt" in workflow

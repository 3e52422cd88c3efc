"""CI security: the workflow's lint (zizmor) and rules, and known vulnerabilities in the pins.

The rules are the README's ("CI and its security"): no job gets a permission it does not
use, no checkout leaves the token on disk, every action is pinned to a commit SHA with its
release in a comment, and the self-hosted GPU runner only runs this repository's own code,
with a read-only token and no secrets."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import audit_dependencies
import content
import pytest
import yaml
from test_quality import _run, _tool

WORKFLOWS = content.ROOT / ".github" / "workflows"
CI = WORKFLOWS / "ci.yml"
# The only writes any job may have, and why (the deploy job publishes to GitHub Pages).
ALLOWED_WRITES = {"deploy": {"pages", "id-token"}}
# Events whose code is the repository's own. pull_request_target, workflow_run and the
# comment events run with the base repository's token on a fork's behalf: never here.
TRUSTED_EVENTS = {"push", "pull_request", "workflow_dispatch", "schedule"}
FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"


def _workflow(path=CI) -> dict:
    workflow = yaml.safe_load(path.read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on` as true
    return workflow


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def test_workflows_pass_zizmor():
    """zizmor at its default settings (regular persona, no configuration file). Offline: the
    GitHub workflow also runs its online audits (impostor commits) with a read-only token."""
    proc = _run(
        _tool("zizmor"),
        *("--offline", "--no-config", "--strict-collection", "--no-progress", "--color", "never"),
        ".",
    )
    assert proc.returncode == 0, (
        "zizmor found problems in .github/workflows (fix them; accept one only with an inline "
        f"`# zizmor: ignore[audit] <why>`):\n{proc.stdout}\n{proc.stderr[-2000:]}"
    )


def test_zizmor_exceptions_say_why():
    unjustified = []
    for path in sorted(WORKFLOWS.glob("*.y*ml")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.search(r"#\s*zizmor:\s*ignore\[[^\]]*\](?P<reason>.*)$", line)
            if match and len(match["reason"].strip(" -—:")) < 8:
                unjustified.append(f"{path.name}:{number}: {line.strip()}")
    assert not unjustified, "zizmor finding ignored without a reason:\n" + "\n".join(unjustified)


def test_checkouts_do_not_keep_the_token():
    """A checkout that keeps the token in .git/config hands it to every later step (and to
    anything uploaded with the working tree). No step here pushes, so none keeps it."""
    keeping = [
        f"{path.name}: job {job_id}"
        for path in sorted(WORKFLOWS.glob("*.y*ml"))
        for job_id, step in _steps(_workflow(path))
        if str(step.get("uses", "")).startswith("actions/checkout@")
        and (step.get("with") or {}).get("persist-credentials") is not False
    ]
    assert not keeping, "set `persist-credentials: false` on these checkouts:\n" + "\n".join(
        keeping
    )


def test_jobs_get_only_the_permissions_they_use():
    for path in sorted(WORKFLOWS.glob("*.y*ml")):
        workflow = _workflow(path)
        assert workflow.get("permissions") == {}, (
            f"{path.name}: set `permissions: {{}}` at the top; each job names what it uses"
        )
        for job_id, job in workflow["jobs"].items():
            permissions = job.get("permissions")
            assert isinstance(permissions, dict), (
                f"{path.name}: job {job_id} must list its permissions (a mapping, not "
                f"read-all/write-all): {permissions!r}"
            )
            writes = {scope for scope, level in permissions.items() if level == "write"}
            assert writes <= ALLOWED_WRITES.get(job_id, set()), (
                f"{path.name}: job {job_id} asks to write {sorted(writes)}"
            )


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<version>\S+))?")


def test_actions_are_pinned_to_a_commit_with_its_release():
    """A tag can be moved to other code; a commit SHA cannot. The comment says which release
    the SHA is, for people and for Dependabot/Renovate."""
    unpinned = []
    for path in sorted(WORKFLOWS.glob("*.y*ml")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = USES.match(line)
            if not match or match["ref"].startswith(("./", "docker://")):
                continue
            pinned = re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", match["ref"])
            release = re.fullmatch(r"v\d+(\.\d+)*", match["version"] or "")
            if not (pinned and release):
                unpinned.append(f"{path.name}:{number}: {line.strip()}")
    assert not unpinned, (
        "pin each action to a full commit SHA with its release as a comment "
        "(`uses: owner/repo@<40 hex> # v1.2.3`):\n" + "\n".join(unpinned)
    )


def test_gpu_job_runs_only_this_repositorys_code():
    """The self-hosted GPU machine persists between jobs: a fork's pull request must never
    reach it, and it gets neither secrets nor a token that can write."""
    workflow = _workflow()
    events = set(workflow["on"])
    assert events <= TRUSTED_EVENTS, (
        f"ci.yml triggers on {sorted(events - TRUSTED_EVENTS)}: these run other people's code "
        "with this repository's token"
    )
    gpu = [job_id for job_id, job in workflow["jobs"].items() if "self-hosted" in job["runs-on"]]
    assert gpu == ["test-gpu"], f"self-hosted jobs: {gpu}"
    job = workflow["jobs"]["test-gpu"]
    assert "gpu" in job["runs-on"]
    condition = " ".join(str(job.get("if", "")).split())
    assert condition == f"github.event_name != 'pull_request' || {FORK_GUARD}", (
        f"test-gpu must skip pull requests from forks; its condition is {condition!r}"
    )
    assert job["permissions"] == {"contents": "read"}, job["permissions"]
    text = yaml.safe_dump(job)
    assert "secrets." not in text and "github.token" not in text, (
        "test-gpu must not see secrets or the token"
    )
    for step in job["steps"]:
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            extra = set(step.get("with") or {}) - {"persist-credentials"}
            assert not extra, f"test-gpu checks out the pushed commit only; drop {extra}"


def test_accepted_vulnerabilities_are_explained_and_current():
    _, problems = audit_dependencies.load_accepted()
    assert not problems, "scripts/data/accepted_vulnerabilities.yml:\n" + "\n".join(problems)


def test_audit_fails_on_new_or_unaudited_packages_and_stale_acceptances():
    """The decision logic on a made-up pip-audit report (no network)."""
    pinned = {"jinja2": ("Jinja2", "3.1.6"), "tornado": ("tornado", "6.6.1"), "zz": ("zz", "1")}
    report = {
        "dependencies": [
            {
                "name": "jinja2",
                "version": "3.1.6",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["9"], "aliases": ["CVE-1"]}],
            },
            {"name": "tornado", "version": "6.6.1", "vulns": [{"id": "GHSA-new", "aliases": []}]},
            {"name": "zz", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    accepted = [
        {"id": "CVE-1", "package": "Jinja2", "reason": "r" * 20, "review_by": dt.date.max},
        {"id": "GHSA-old", "package": "tornado", "reason": "r" * 20, "review_by": dt.date.max},
    ]
    lines, failures = audit_dependencies.audit(report, pinned, accepted)
    assert any(line.startswith("accepted  jinja2==3.1.6") for line in lines)
    assert [failure.split()[0] for failure in failures] == ["NEW", "zz:", "accepted"]
    assert "GHSA-new" in failures[0] and "GHSA-old" in failures[2]


def test_pinned_dependencies_have_no_new_known_vulnerabilities():
    """pip-audit on constraints.txt against PyPI's advisory data. Skipped where that data
    cannot be reached (no network, or an index mirror), except on GitHub Actions."""
    proc = subprocess.run(
        [sys.executable, str(content.ROOT / "scripts" / "audit_dependencies.py")],
        cwd=content.ROOT,
        capture_output=True,
        text=True,
    )
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode == audit_dependencies.UNREACHABLE:
        if os.environ.get("GITHUB_ACTIONS") == "true":
            pytest.fail(f"the vulnerability check must run on GitHub:\n{output}")
        pytest.skip(output)
    assert proc.returncode == 0, output

#!/usr/bin/env python3
"""Known vulnerabilities in the pinned packages (constraints.txt), from PyPI's advisory data.

    python scripts/audit_dependencies.py

pip-audit asks PyPI's JSON API about every pin in constraints.txt, one release at a time
(https://pypi.org/pypi/<name>/<version>/json, which lists the advisories PyPI knows for that
release: the Python advisory database, GitHub's and OSV's ids as aliases). Nothing is
resolved or installed (--no-deps --disable-pip): the pins are audited exactly as written.

A vulnerability listed in scripts/data/accepted_vulnerabilities.yml (id, package, reason,
review_by) is shown but does not fail the check. Everything else fails it: a vulnerability
not on that list, a package PyPI could not answer for, an accepted entry past its review
date or one that no longer matches a finding.

Exit status: 0 nothing new; 1 a new vulnerability or another failure; 2 PyPI's per-release
data cannot be reached from here (no network, or an index mirror that serves only project
pages), so nothing was checked. tests/test_ci_security.py skips on 2, except on GitHub
Actions, where the check must run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
ACCEPTED = ROOT / "scripts" / "data" / "accepted_vulnerabilities.yml"
PYPI_JSON = "https://pypi.org/pypi"  # what pip-audit's default service ("pypi") queries
PROBE_TIMEOUT_S = 5
UNREACHABLE = 2
ENTRY_KEYS = {"id", "package", "reason", "review_by"}


def normalize(name: str) -> str:
    """PEP 503: `PyYAML`, `pyyaml` and `py_yaml` are the same project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path = CONSTRAINTS) -> dict[str, tuple[str, str]]:
    """normalized name -> (name as written, version) for every `name==version` line."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = (part.strip() for part in line.split("==", 1))
            found[normalize(name)] = (name, version)
    return found


def load_accepted(
    path: Path = ACCEPTED, pinned: dict | None = None, today: dt.date | None = None
) -> tuple[list[dict], list[str]]:
    """The accepted vulnerabilities, and what is wrong with the list (empty when nothing)."""
    pinned = pins() if pinned is None else pinned
    today = dt.date.today() if today is None else today
    data = yaml.safe_load(path.read_text()) or {}
    entries = data.get("accepted") or []
    problems = []
    for number, entry in enumerate(entries, 1):
        where = f"{path.relative_to(ROOT)} entry {number}"
        if not isinstance(entry, dict) or set(entry) != ENTRY_KEYS:
            problems.append(f"{where}: needs exactly the keys {sorted(ENTRY_KEYS)}")
            continue
        if len(str(entry["reason"]).strip()) < 20:
            problems.append(f"{where} ({entry['id']}): say why it is accepted")
        review_by = entry["review_by"]
        if not isinstance(review_by, dt.date):
            problems.append(f"{where} ({entry['id']}): review_by must be a date (YYYY-MM-DD)")
        elif review_by < today:
            problems.append(
                f"{where} ({entry['id']}): its review date {review_by} has passed; upgrade "
                "the package, or review the reason and set a new date"
            )
        if normalize(str(entry["package"])) not in pinned:
            problems.append(f"{where} ({entry['id']}): {entry['package']} is not pinned any more")
    return entries, problems


def probe(name: str, version: str) -> str | None:
    """None when PyPI answers for one pinned release; otherwise why it cannot be reached."""
    url = f"{PYPI_JSON}/{name}/{version}/json"
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S) as response:  # noqa: S310 - a fixed https URL on pypi.org
            data = json.load(response)
    except urllib.error.HTTPError as error:
        return f"{url} answered HTTP {error.code} (an index mirror without per-release data?)"
    except (OSError, ValueError) as error:
        return f"{url} could not be read: {error}"
    if "vulnerabilities" not in data:
        return f"{url} carries no vulnerability data"
    return None


def run_pip_audit() -> dict:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(CONSTRAINTS),
        "--no-deps",
        "--disable-pip",
        "--vulnerability-service",
        "pypi",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    # pip-audit exits 1 when it finds something; the JSON report is on stdout either way.
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(
            f"pip-audit failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
        ) from None


def audit(report: dict, pinned: dict, accepted: list[dict]) -> tuple[list[str], list[str]]:
    """(lines to print, failures) for pip-audit's JSON report."""
    lines, failures = [], []
    used = set()
    audited = 0
    for dependency in report.get("dependencies", []):
        name = dependency["name"]
        if "skip_reason" in dependency:
            failures.append(f"{name}: not audited: {dependency['skip_reason']}")
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
            found = f"{name}=={dependency['version']}  {' / '.join(sorted(ids))}  fixed in: {fixed}"
            match = next(
                (
                    entry
                    for entry in accepted
                    if entry["id"] in ids and normalize(entry["package"]) == normalize(name)
                ),
                None,
            )
            if match is None:
                failures.append(f"NEW       {found}")
            else:
                used.add(id(match))
                lines.append(f"accepted  {found}")
                lines.append(f"          {match['reason']} (review by {match['review_by']})")
    for entry in accepted:
        if id(entry) not in used:
            failures.append(
                f"accepted {entry['id']} ({entry['package']}) is no longer reported: "
                "remove it from scripts/data/accepted_vulnerabilities.yml"
            )
    missing = set(pinned) - {normalize(d["name"]) for d in report.get("dependencies", [])}
    failures += [f"{pinned[name][0]}: pinned but not in pip-audit's report" for name in missing]
    lines.insert(
        0,
        f"pip-audit against PyPI: {audited} of {len(pinned)} pinned packages "
        f"({CONSTRAINTS.name}) audited, {len(accepted)} accepted vulnerabilities listed",
    )
    return lines, failures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.parse_args()
    pinned = pins()
    accepted, problems = load_accepted(pinned=pinned)
    if problems:
        print("the list of accepted vulnerabilities needs attention:", *problems, sep="\n  ")
        return 1
    name, version = next(iter(pinned.values()))
    why = probe(name, version)
    if why is not None:
        print(f"PyPI's vulnerability data cannot be reached from here, nothing audited: {why}")
        return UNREACHABLE
    lines, failures = audit(run_pip_audit(), pinned, accepted)
    print(*lines, sep="\n")
    if failures:
        print(
            "\nfailed: upgrade the pin (python3 scripts/dev.py lock), or accept the "
            "vulnerability in scripts/data/accepted_vulnerabilities.yml with a reason "
            "and a review date:",
            *failures,
            sep="\n  ",
        )
        return 1
    print("no known vulnerabilities beyond the accepted ones")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every snippet runs, asserts what it shows, and prints exactly its recorded output.

Each snippet is checked in three configurations (scripts/verify.py, "The checks"):
    script    `python FILE.py`: its output must equal FILE.out, which the page shows
    threads   the same with 4 CPU threads, as on a reader's machine: the output must not change
    notebook  its cells of the downloadable notebooks, in an IPython shell: they must run

All of them run at once, in one `scripts/verify.py` process that imports torch once and
forks a child per snippet and check; each test then reports one result. A result whose
inputs have not changed comes from the runner's cache and is still compared with the page.
The failure message names the snippet, the pages that show it, and what to do.

    pytest tests/test_snippets.py                       # CPU: every snippet, CUDA hidden
    pytest tests/test_snippets.py -k overfitting        # the checks of matching snippets
    pytest -m cuda --device cuda tests/test_snippets.py # GPU job: the '# verify: cuda' ones
"""

from __future__ import annotations

import json
import subprocess
import sys

import content
import pytest
import verify

SNIPPETS = [verify.Snippet.load(path) for path in content.snippet_files()]
CUDA_SNIPPETS = [s for s in SNIPPETS if s.cuda]
# test function -> the runner's check it reports
CPU_CHECKS = {
    "test_snippet": "script",
    "test_snippet_output_does_not_depend_on_threads": "threads",
    "test_snippet_runs_as_notebook_cells": "notebook",
}


def _params(snippets):
    return [pytest.param(s, id=s.rel.removeprefix("snippets/")) for s in snippets]


def _run(device: str, snippets: list[verify.Snippet], report, checks: list[str]) -> dict:
    command = [sys.executable, str(verify.ROOT / "scripts" / "verify.py"), "--device", device]
    command += ["--checks", ",".join(checks), "--report", str(report)]
    command += [str(s.path) for s in snippets]
    proc = subprocess.run(command, capture_output=True, text=True)
    if not report.exists():
        pytest.fail(
            f"scripts/verify.py wrote no report:\n{proc.stdout}\n{proc.stderr}", pytrace=False
        )
    return json.loads(report.read_text())


def _selected(session, function_names) -> list[verify.Snippet]:
    chosen = {
        item.callspec.params["snippet"].rel: item.callspec.params["snippet"]
        for item in session.items
        if getattr(item, "originalname", None) in function_names
    }
    return list(chosen.values())


@pytest.fixture(scope="session")
def cpu_results(request, tmp_path_factory) -> dict:
    """(snippet, check) -> result, for every snippet and check this session selected."""
    names = {item.originalname for item in request.session.items if hasattr(item, "originalname")}
    checks = [check for function, check in CPU_CHECKS.items() if function in names]
    selected = _selected(request.session, set(CPU_CHECKS))
    report = _run("cpu", selected, tmp_path_factory.mktemp("verify") / "cpu.json", checks)
    return {(r["snippet"], r["check"]): r for r in report["results"]}


@pytest.fixture(scope="session")
def cuda_report(request, tmp_path_factory) -> dict:
    selected = _selected(request.session, {"test_snippet_on_cuda"})
    return _run("cuda", selected, tmp_path_factory.mktemp("verify") / "cuda.json", ["script"])


def _check(result: dict, advice: str = "") -> None:
    if result["status"] != "passed":
        pytest.fail(verify.Result(**result).report() + advice, pytrace=False)


@pytest.mark.parametrize("snippet", _params(SNIPPETS))
def test_snippet(snippet, device, cpu_results):
    if device != "cpu":
        pytest.skip("--device cuda runs only the CUDA-marked snippets (test_snippet_on_cuda)")
    _check(cpu_results[snippet.rel, "script"])


@pytest.mark.parametrize("snippet", _params(SNIPPETS))
def test_snippet_output_does_not_depend_on_threads(snippet, device, cpu_results):
    if device != "cpu":
        pytest.skip("a CPU check: the GPU job runs only the CUDA-marked snippets")
    _check(
        cpu_results[snippet.rel, "threads"],
        "\nIf only the output differs, it depends on the thread count: compute in "
        "float64, break exact ties, or print fewer digits.",
    )


@pytest.mark.parametrize("snippet", _params(SNIPPETS))
def test_snippet_runs_as_notebook_cells(snippet, device, cpu_results):
    if device != "cpu":
        pytest.skip("a CPU check: the GPU job runs only the CUDA-marked snippets")
    _check(
        cpu_results[snippet.rel, "notebook"],
        "\nThe notebooks readers download hold these cells (scripts/notebooks.py); run the "
        "snippet on its own first, then `python scripts/verify.py --checks notebook FILE`.",
    )


@pytest.mark.cuda
@pytest.mark.parametrize("snippet", _params(CUDA_SNIPPETS))
def test_snippet_on_cuda(snippet, device, request):
    if device != "cuda":
        pytest.skip("needs a CUDA GPU: the GPU job runs `pytest -m cuda --device cuda`")
    cuda_report = request.getfixturevalue("cuda_report")
    device_name = cuda_report["environment"]["device_name"]
    if device_name == "no CUDA device":
        pytest.fail("--device cuda, but torch sees no CUDA device on this machine", pytrace=False)
    _check({r["snippet"]: r for r in cuda_report["results"]}[snippet.rel])

"""Every snippet runs, asserts what it shows, and prints exactly its recorded output.

All snippets this session selected run at once, in parallel, through scripts/verify.py
(one process that imports torch once and forks a child per snippet); each test then
reports its own snippet's result. The failure message names the snippet, the pages
that show it, and what to do.

    pytest tests/test_snippets.py                       # CPU: every snippet, CUDA hidden
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


def _params(snippets):
    return [pytest.param(s, id=s.rel.removeprefix("snippets/")) for s in snippets]


def _run(device: str, snippets: list[verify.Snippet], report, *options: str) -> dict:
    command = [sys.executable, str(verify.ROOT / "scripts" / "verify.py"), "--device", device]
    command += ["--report", str(report), *options, *[str(s.path) for s in snippets]]
    proc = subprocess.run(command, capture_output=True, text=True)
    if not report.exists():
        pytest.fail(
            f"scripts/verify.py wrote no report:\n{proc.stdout}\n{proc.stderr}", pytrace=False
        )
    return json.loads(report.read_text())


def _selected(session, function_name: str) -> list[verify.Snippet]:
    return [
        item.callspec.params["snippet"]
        for item in session.items
        if getattr(item, "originalname", None) == function_name
    ]


@pytest.fixture(scope="session")
def cpu_results(request, tmp_path_factory) -> dict:
    selected = _selected(request.session, "test_snippet")
    report = _run("cpu", selected, tmp_path_factory.mktemp("verify") / "cpu.json")
    return {r["snippet"]: r for r in report["results"]}


# A reader's machine has more cores than the build machine. torch, BLAS and OpenMP split
# sums and searches by thread, so a float32 accuracy or a tied nearest neighbour can
# change with the thread count. Every snippet runs once more with this many threads.
READER_THREADS = 4


@pytest.fixture(scope="session")
def more_threads_results(request, tmp_path_factory) -> dict:
    selected = _selected(request.session, "test_snippet_output_does_not_depend_on_threads")
    folder = tmp_path_factory.mktemp("threads")
    options = ("--jobs", "1", "--threads", str(READER_THREADS), "--build-dir", str(folder))
    report = _run("cpu", selected, folder / "report.json", *options)
    return {r["snippet"]: r for r in report["results"]}


@pytest.fixture(scope="session")
def cuda_report(request, tmp_path_factory) -> dict:
    selected = _selected(request.session, "test_snippet_on_cuda")
    return _run("cuda", selected, tmp_path_factory.mktemp("verify") / "cuda.json")


def _check(result: dict) -> None:
    if result["status"] != "passed":
        pytest.fail(verify.Result(**result).report(), pytrace=False)


@pytest.mark.parametrize("snippet", _params(SNIPPETS))
def test_snippet(snippet, device, cpu_results):
    if device != "cpu":
        pytest.skip("--device cuda runs only the CUDA-marked snippets (test_snippet_on_cuda)")
    _check(cpu_results[snippet.rel])


@pytest.mark.parametrize("snippet", _params(SNIPPETS))
def test_snippet_output_does_not_depend_on_threads(snippet, device, more_threads_results):
    if device != "cpu":
        pytest.skip("a CPU check: the GPU job runs only the CUDA-marked snippets")
    result = more_threads_results[snippet.rel]
    if result["status"] != "passed":
        pytest.fail(
            f"with {READER_THREADS} CPU threads per snippet (as on a reader's machine):\n"
            + verify.Result(**result).report()
            + "\nIf only the output differs, it depends on the thread count: compute in "
            "float64, break exact ties, or print fewer digits.",
            pytrace=False,
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

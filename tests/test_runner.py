"""The snippet runner itself: isolation, fidelity to `python file.py`, and loud failures.

Each case is a small snippet written to a temporary folder; all of them run in one
scripts/verify.py invocation (as the real suite does), and each test checks one result.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import verify

CASES = {
    # Leaves every kind of state behind: module state, a file, an env var, the cwd.
    "a_polluter": """
        import os, torch
        from threadpoolctl import threadpool_limits
        torch.set_default_dtype(torch.float64)
        torch.manual_seed(123)
        torch.set_num_threads(1)
        threadpool_limits(1)
        os.environ["LEAKED"] = "yes"
        open("leftover.txt", "w").write("x")
        os.chdir("/")
        print("polluted")
    """,
    # Runs after the polluter (jobs=1, alphabetical) and must see none of it.
    "b_clean_room": """
        import os, sys, torch
        from threadpoolctl import threadpool_info
        assert torch.get_default_dtype() == torch.float32, "default dtype leaked"
        assert torch.initial_seed() != 123, "random seed leaked"
        # --jobs 1: the one snippet running gets every core, in torch and in BLAS/OpenMP pools
        assert torch.get_num_threads() == os.cpu_count(), "thread count leaked"
        assert all(p["num_threads"] == os.cpu_count() for p in threadpool_info()), "pool leaked"
        assert "LEAKED" not in os.environ, "environment leaked"
        assert not os.path.exists("leftover.txt"), "working directory shared"
        assert os.getcwd() != "/", "cwd leaked"
        assert __name__ == "__main__"
        assert os.path.basename(sys.argv[0]) == "b_clean_room.py"
        assert os.path.basename(__file__) == "b_clean_room.py"
        print("clean")
    """,
    "fails": """
        raise ValueError("the snippet is broken")
    """,
    "hangs": """
        # verify: timeout=2
        import time
        time.sleep(60)
    """,
    "network": """
        import socket
        try:
            socket.socket().connect(("93.184.215.14", 80))
        except PermissionError:
            pass  # swallowing the error must not hide the violation
        print("done")
    """,
    "name_lookup": """
        import urllib.request
        urllib.request.urlopen("https://pypi.org/simple/", timeout=5)
    """,
    "writes_outside": """
        import os, tempfile
        target = os.environ["OUTSIDE_TARGET"]
        open(target, "w").write("should not exist")
    """,
    "warns": """
        import warnings
        warnings.warn("old API", DeprecationWarning)
    """,
    "unseeded_1": """
        import random
        print(random.random())
    """,
    "unseeded_2": """
        import random
        print(random.random())
    """,
    "syntax_error": """
        print("unclosed"
    """,
    "bad_option": """
        # verify: gpu
        print("hello")
    """,
    "misplaced_option": """
        \"\"\"An option below the docstring would be silently ignored.\"\"\"
        # verify: timeout=5
        print("hello")
    """,
    "stale_output": """
        print("new output")
    """,
    "no_output_recorded": """
        print("hello")
    """,
}
RECORDED = {"stale_output": "old output\n", "a_polluter": "polluted\n", "b_clean_room": "clean\n"}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cases")
    outside = tmp_path_factory.mktemp("outside") / "outside.txt"
    for name, code in CASES.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(code).lstrip())
    for name, text in RECORDED.items():
        (folder / f"{name}.out").write_text(text)
    report = folder / "report.json"
    command = [sys.executable, str(verify.ROOT / "scripts" / "verify.py"), "--jobs", "1"]
    command += ["--report", str(report), "--build-dir", str(folder / "build"), str(folder)]
    env = dict(__import__("os").environ, OUTSIDE_TARGET=str(outside))
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert report.exists(), f"verify.py crashed:\n{proc.stdout}\n{proc.stderr}"
    by_name = {
        r["snippet"].rsplit("/", 1)[-1][:-3]: r for r in json.loads(report.read_text())["results"]
    }
    by_name["__outside_file_exists"] = outside.exists()
    by_name["__exit_code"] = proc.returncode
    by_name["__stdout"] = proc.stdout
    return by_name


def problems(result) -> str:
    return "\n".join(result["problems"])


def test_state_does_not_leak_between_snippets(results):
    assert results["a_polluter"]["status"] == "passed", problems(results["a_polluter"])
    assert results["b_clean_room"]["status"] == "passed", problems(results["b_clean_room"])


def test_a_raising_snippet_fails_with_its_error(results):
    assert results["fails"]["status"] == "failed"
    assert "exited with status 1" in problems(results["fails"])
    assert "ValueError: the snippet is broken" in problems(results["fails"])


def test_a_hanging_snippet_is_killed_and_the_run_goes_on(results):
    assert results["hangs"]["status"] == "failed"
    assert "killed after 2 s (timeout)" in problems(results["hangs"])
    assert results["hangs"]["seconds"] < 10
    assert results["unseeded_1"]["exit_code"] == 0  # later snippets still ran


def test_network_access_is_blocked_and_reported(results):
    text = problems(results["network"])
    assert results["network"]["status"] == "failed"
    assert "network access blocked: connect to 93.184.215.14:80" in text
    assert "network access blocked: name lookup of 'pypi.org'" in problems(results["name_lookup"])


def test_writing_outside_the_working_directory_is_blocked(results):
    assert results["writes_outside"]["status"] == "failed"
    assert "write outside the working directory blocked" in problems(results["writes_outside"])
    assert not results["__outside_file_exists"]


def test_a_syntax_error_fails_that_snippet_only(results):
    assert results["syntax_error"]["status"] == "failed"
    assert "SyntaxError" in problems(results["syntax_error"])
    assert results["b_clean_room"]["status"] == "passed"


def test_an_unknown_verify_option_is_named(results):
    assert results["bad_option"]["status"] == "failed"
    assert "unknown '# verify:' option 'gpu'" in problems(results["bad_option"])


def test_a_verify_option_below_the_docstring_is_an_error(results):
    assert results["misplaced_option"]["status"] == "failed"
    text = problems(results["misplaced_option"])
    assert "misplaced_option.py:2: '# verify:' options only count" in text
    assert "move it above the docstring" in text


def test_warnings_fail_the_snippet(results):
    assert results["warns"]["status"] == "failed"
    assert "DeprecationWarning: old API" in problems(results["warns"])


def test_unseeded_randomness_differs_between_runs(results):
    """Children are reseeded: a snippet that forgets its seed cannot look deterministic."""
    assert results["unseeded_1"]["stdout"] != results["unseeded_2"]["stdout"]


def test_stale_recorded_output_fails_with_a_diff_and_the_fix(results):
    text = problems(results["stale_output"])
    assert "output differs from the recorded" in text and "stale_output.out" in text
    assert "-old output" in text and "+new output" in text
    assert "verify.py --record" in text


def test_missing_recorded_output_says_how_to_record_it(results):
    assert "no recorded output" in problems(results["no_output_recorded"])
    assert "verify.py --record" in problems(results["no_output_recorded"])


def test_failures_make_the_command_fail_and_are_listed(results):
    assert results["__exit_code"] == 1
    assert "FAILED" in results["__stdout"] and "hangs.py" in results["__stdout"]


def test_forked_run_prints_what_a_fresh_interpreter_prints(tmp_path):
    """The runner's output for a snippet equals `python snippet.py` in a clean folder."""
    snippet = verify.ROOT / "snippets" / "evaluation" / "classification_metrics.py"
    fresh = subprocess.run(
        [sys.executable, str(snippet)], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    recorded = verify.content.read_text(verify.Snippet.load(snippet).recorded)
    assert verify.normalise(fresh.stdout) == verify.normalise(recorded)


def test_a_snippet_declaring_two_cores_has_the_machine_to_itself(tmp_path):
    """`# verify: cores=2` takes two of the --jobs slots: nothing runs beside it, while two
    ordinary snippets do run side by side. Each notes when it ran on stderr."""
    body = "import sys, time\nstart = time.time()\ntime.sleep(0.5)\n"
    body += "print(start, time.time(), file=sys.stderr)\nprint('done')\n"
    for name, header in (("ddp_like", "# verify: cores=2\n"), ("one_a", ""), ("one_b", "")):
        (tmp_path / f"{name}.py").write_text(header + body)
        (tmp_path / f"{name}.out").write_text("done\n")
    report = tmp_path / "report.json"
    command = [sys.executable, str(verify.ROOT / "scripts" / "verify.py"), "--jobs", "2"]
    command += ["--no-cache", "--report", str(report), "--build-dir", str(tmp_path / "build")]
    proc = subprocess.run([*command, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
    spans = {
        r["snippet"].rsplit("/", 1)[-1][:-3]: tuple(map(float, r["stderr"].split()))
        for r in json.loads(report.read_text())["results"]
    }

    def overlap(a, b):
        return spans[a][0] < spans[b][1] and spans[b][0] < spans[a][1]

    assert overlap("one_a", "one_b"), f"two one-core snippets should run at once: {spans}"
    assert not overlap("ddp_like", "one_a") and not overlap("ddp_like", "one_b"), spans


# --- the cache -------------------------------------------------------------------------
CACHE_CASES = {
    "plain": 'print("plain")\n',
    "reads_data": 'import os\nprint(open(os.environ["CACHE_TEST_DATA"]).read().strip())\n',
    "figure": 'open("figure.png", "wb").write(b"not really a png")\nprint("saved")\n',
}


@pytest.fixture(scope="module")
def cache_runs(tmp_path_factory):
    """Four runs over one build folder: cold, unchanged, a data file changed, an .out changed."""
    folder = tmp_path_factory.mktemp("cache")
    build = folder / "build"
    # The sandbox notes files read inside the repository; put the data file there.
    data = verify.ROOT / "build" / "test-cache" / f"{folder.name}.txt"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("first\n")
    for name, code in CACHE_CASES.items():
        (folder / f"{name}.py").write_text(code)
    (folder / "plain.out").write_text("plain\n")
    (folder / "reads_data.out").write_text("first\n")
    (folder / "figure.out").write_text("saved\n")
    env = dict(__import__("os").environ, CACHE_TEST_DATA=str(data))

    def run(label):
        report = folder / f"{label}.json"
        command = [sys.executable, str(verify.ROOT / "scripts" / "verify.py"), "--jobs", "1"]
        command += ["--report", str(report), "--build-dir", str(build), str(folder)]
        subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        assert report.exists(), f"verify.py crashed in the {label} run"
        results = json.loads(report.read_text())["results"]
        return {r["snippet"].rsplit("/", 1)[-1][:-3]: r for r in results}

    try:
        runs = {"cold": run("cold"), "unchanged": run("unchanged")}
        data.write_text("second\n")
        runs["data_changed"] = run("data_changed")
        (folder / "plain.out").write_text("something else\n")
        runs["out_changed"] = run("out_changed")
    finally:
        data.unlink()
    runs["build"] = build
    return runs


def test_an_unchanged_snippet_comes_from_the_cache(cache_runs):
    assert not any(r["cached"] for r in cache_runs["cold"].values())
    unchanged = cache_runs["unchanged"]
    assert all(r["cached"] and r["status"] == "passed" for r in unchanged.values()), unchanged
    assert unchanged["plain"]["date"] == cache_runs["cold"]["plain"]["date"]  # the real run's


def test_a_changed_input_file_runs_the_snippet_again(cache_runs):
    result = cache_runs["data_changed"]["reads_data"]
    assert not result["cached"], "stale: the file it reads changed, yet the cache answered"
    assert result["status"] == "failed" and "+second" in problems(result)
    assert cache_runs["data_changed"]["plain"]["cached"]


def test_a_cached_result_is_still_checked_against_the_page(cache_runs):
    result = cache_runs["out_changed"]["plain"]
    assert result["cached"] and result["status"] == "failed"
    assert "output differs from the recorded" in problems(result)


def test_a_saved_figure_is_published_and_survives_the_cache(cache_runs):
    figure = cache_runs["build"] / "figures" / "figure.png"
    assert figure.read_bytes() == b"not really a png"
    for run in ("cold", "unchanged"):
        assert cache_runs[run]["figure"]["figure"].endswith("figures/figure.png")


def test_shards_split_the_bank_and_their_manifests_merge(tmp_path):
    """The scale-out path: N runners each take a shard; their manifests merge into one."""
    snippets = [verify.Snippet.load(p) for p in verify.content.snippet_files()]
    durations = {s.rel: 1.0 + (i * 7) % 5 for i, s in enumerate(snippets)}
    shards = [verify.shard(snippets, k, 3, durations) for k in (1, 2, 3)]
    names = [s.rel for part in shards for s in part]
    assert sorted(names) == sorted(s.rel for s in snippets), "shards overlap or miss snippets"
    loads = [sum(durations[s.rel] for s in part) for part in shards]
    assert max(loads) - min(loads) <= max(durations.values()), f"unbalanced shards: {loads}"

    environment = {"device": "cpu", "python": "3.11.7", "torch": "2.13.0"}
    paths = []
    for k, part in enumerate(shards, 1):
        entries = {s.rel: {"status": "passed", "seconds": durations[s.rel]} for s in part}
        manifest = environment | {"wall_seconds": float(k), "jobs": 2, "results": entries}
        paths.append(tmp_path / f"shard-{k}.json")
        paths[-1].write_text(json.dumps(manifest))
    verify.merge(paths, tmp_path / "merged.json")
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert sorted(merged["results"]) == sorted(names)
    assert (merged["runners"], merged["jobs"], merged["wall_seconds"]) == (3, 6, 3.0)

    paths[1].write_text(json.dumps(json.loads(paths[1].read_text()) | {"torch": "2.12.0"}))
    with pytest.raises(SystemExit, match="differs from .* in \\['torch'\\]"):
        verify.merge(paths, tmp_path / "merged.json")


CHECK_CASES = {
    # Prints the thread count it was given: the threads check must give it 4.
    "thread_count": ("import torch\nprint(torch.get_num_threads())\n", "1\n"),
    # Runs as a script, but a notebook cell has no __file__.
    "needs_its_file": ("import os\nprint(os.path.basename(__file__))\n", "needs_its_file.py\n"),
}


@pytest.fixture(scope="module")
def check_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checks")
    for name, (code, recorded) in CHECK_CASES.items():
        (folder / f"{name}.py").write_text(code)
        (folder / f"{name}.out").write_text(recorded)
    report = folder / "report.json"
    command = [sys.executable, str(verify.ROOT / "scripts" / "verify.py"), "--threads", "1"]
    command += ["--checks", "script,threads,notebook", "--report", str(report)]
    command += ["--build-dir", str(folder / "build"), str(folder)]
    subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert report.exists(), "verify.py crashed"
    return {
        (r["snippet"].rsplit("/", 1)[-1][:-3], r["check"]): r
        for r in json.loads(report.read_text())["results"]
    }


def test_the_threads_check_runs_with_a_readers_thread_count(check_results):
    assert check_results["thread_count", "script"]["status"] == "passed"
    threads = check_results["thread_count", "threads"]
    assert threads["status"] == "failed" and "+4" in problems(threads), problems(threads)
    assert "4 CPU threads" in verify.Result(**threads).report()


def test_the_notebook_check_runs_the_cells_without_a_file(check_results):
    assert check_results["needs_its_file", "script"]["status"] == "passed"
    notebook = check_results["needs_its_file", "notebook"]
    assert notebook["status"] == "failed", "a cell using __file__ passed as a notebook cell"
    assert "NameError" in notebook["stderr"], notebook["stderr"][-2000:]
    assert "as notebook cells" in verify.Result(**notebook).report()

#!/usr/bin/env python3
"""How long the bank takes to verify, build and test, measured against its compute floor.

    python scripts/benchmark.py                  # runner, site, suite, browser, doubled bank
    python scripts/benchmark.py --fresh-clone    # also .ci/run in a fresh clone (installs too)

Prints, in seconds and as a ratio to the floor:
  (a) naive     each snippet in a fresh `python` process, --jobs at a time
  (b) cold      scripts/verify.py with an empty cache (the script check: what the site shows)
      ... all   the same with the three checks the test suite runs (script, threads, notebook)
  (c) unchanged scripts/verify.py again, nothing changed (every result from the cache)
  (d) one edit  scripts/verify.py after one snippet changed (a comment appended, then removed)
  (e) site      mkdocs build of both languages: first with no rendered notebook cached
                (a fresh checkout, as in CI), then again (an author's rebuild), then
                scripts/site_build.py with nothing changed (the build the tests reuse)
  (f) suite     the README's test command (`python3 scripts/dev.py test`) with nothing
                changed since the last run, then after one snippet changed
  (g) browser   the browser tests alone (pytest -m browser), the site already built
  (h) doubled   a synthetic bank twice this size (every topic's pages and snippets copied
                under a new name, each copied snippet with a comment added): the runner
                cold, then cold with all three checks, and the site build; as a ratio to
                the doubled floor (twice the compute, one interpreter start)
  (i) clone     `bash .ci/run` in a fresh clone of HEAD, installation included (--fresh-clone)
  floor         the snippets' own run times inside a warm interpreter (everything they
                import already imported, one thread each, one at a time), divided by the
                cores used, plus one interpreter start that imports those modules. A
                snippet that starts processes (DDP) counts its wall time, as if it used
                one core, so the floor is, if anything, too low.

The runner's runs use a temporary build folder, and so does the doubled bank. Of build/,
only the cache of rendered notebooks (build/notebook-html/) is touched: it is emptied to
time a first site build. (f) uses the repository's own build/ as a developer's run does.
This is a measurement, not a test; README.md ("Performance") records the numbers and the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402

PYTHON = os.path.abspath(sys.executable)  # absolute: the runs change directory
VERIFY = str(content.ROOT / "scripts" / "verify.py")
SITE_BUILD = str(content.ROOT / "scripts" / "site_build.py")


def timed(command: list[str], **kwargs) -> float:
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, **kwargs)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        output = (proc.stdout[-3000:] + "\n" + proc.stderr[-3000:]).strip()
        sys.exit(f"benchmark: {' '.join(command[:3])} ... failed:\n{output}")
    return elapsed


def naive(snippets: list[Path], jobs: int) -> float:
    """Each snippet in a fresh interpreter, in its own temporary folder, `jobs` at a time."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", MPLBACKEND="Agg")
    env["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // jobs))
    pending, running = list(snippets), []
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        while pending or running:
            while pending and len(running) < jobs:
                snippet = pending.pop(0)
                cwd = tempfile.mkdtemp(dir=scratch)
                running.append(
                    subprocess.Popen(
                        [PYTHON, str(snippet)],
                        cwd=cwd,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            for proc in list(running):
                if proc.poll() is not None:
                    running.remove(proc)
            time.sleep(0.01)
    return time.monotonic() - started


FLOOR_CHILD = """
import importlib, os, runpy, sys, tempfile, time
sys.path.insert(0, {scripts!r})
import verify
snippets = {snippets!r}
modules = set().union(*(verify.modules_imported_by(verify.Path(s)) for s in snippets))
started = time.monotonic()
os.environ["MPLBACKEND"] = "Agg"
for name in sorted(modules):
    try:
        importlib.import_module(name)
    except Exception:
        pass
print("imports", time.monotonic() - started, flush=True)
import gc, torch
torch.set_num_threads(1)
gc.freeze()  # as the runner does: a child's collections skip the imported modules' objects
for path in snippets:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.chdir(tempfile.mkdtemp())
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.argv = [path]
        t = time.monotonic()
        runpy.run_path(path, run_name="__main__")
        os.write(write, str(time.monotonic() - t).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as f:
        print("run", f.read() or "nan", path, flush=True)
"""


def floor(snippets: list[Path], cores: int) -> tuple[float, float, float]:
    """(floor, summed compute, interpreter start with imports)."""
    code = FLOOR_CHILD.format(
        scripts=str(content.ROOT / "scripts"), snippets=[str(s) for s in snippets]
    )
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1")
    out = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    compute = 0.0
    imports = 0.0
    for line in out.splitlines():
        kind, value, *_ = line.split(" ")
        if kind == "imports":
            imports = float(value)
        elif kind == "run":
            compute += float(value)
    start = timed([PYTHON, "-c", "pass"]) + imports
    return compute / cores + start, compute, start


EDITED = content.SNIPPETS / "training" / "overfitting.py"  # a typical torch snippet
ALL_CHECKS = ["--checks", "script,threads,notebook"]
MKDOCS_ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


@contextlib.contextmanager
def one_snippet_changed():
    original = EDITED.read_bytes()
    try:
        EDITED.write_bytes(original + b"# benchmark: one snippet changed\n")
        yield
    finally:
        EDITED.write_bytes(original)


def runner_rows(jobs: int) -> list[tuple[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as build:
        command = [PYTHON, VERIFY, "--jobs", str(jobs), "--build-dir", build]
        rows.append(("(b) runner, cold (empty cache)", timed(command)))
        rows.append(("(c) runner, nothing changed", timed(command)))
        with one_snippet_changed():
            rows.append((f"(d) runner, {EDITED.name} changed", timed(command)))
    with tempfile.TemporaryDirectory() as build:
        command = [PYTHON, VERIFY, "--jobs", str(jobs), "--build-dir", build, *ALL_CHECKS]
        rows.append(("    cold, all three checks", timed(command)))
        with one_snippet_changed():
            rows.append(("    one changed, all three checks", timed(command)))
    return rows


def site_rows(root: Path = content.ROOT, bank: str = "") -> list[tuple[str, float]]:
    """`mkdocs build` cold and again; `bank` names a bank other than the repository's."""
    first, again = (f"    {bank}: ", f"    {bank}: ") if bank else ("(e) ", "    ")
    with tempfile.TemporaryDirectory() as site:
        mkdocs = [PYTHON, "-m", "mkdocs", "build", "--quiet", "--site-dir", site]
        shutil.rmtree(root / "build" / "notebook-html", ignore_errors=True)
        cold = timed(mkdocs, cwd=root, env=MKDOCS_ENV)
        cached = timed(mkdocs, cwd=root, env=MKDOCS_ENV)
    return [
        (f"{first}mkdocs build, both languages", cold),
        (f"{again}again, notebooks cached", cached),
    ]


def suite_rows() -> list[tuple[str, float]]:
    test = [sys.executable, str(content.ROOT / "scripts" / "dev.py"), "test", "-q"]
    timed(test, cwd=content.ROOT)  # brings every cache up to date
    rows = [("(e) site_build.py, nothing changed", timed([PYTHON, SITE_BUILD], cwd=content.ROOT))]
    rows.append(("(f) test suite, nothing changed", timed(test, cwd=content.ROOT)))
    with one_snippet_changed():
        rows.append((f"    test suite, {EDITED.name} changed", timed(test, cwd=content.ROOT)))
    timed(test, cwd=content.ROOT)  # back to the committed snippet
    browser = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "browser"]
    rows.append(("(g) browser tests", timed(browser, cwd=content.ROOT)))
    return rows


def doubled_bank(target: Path) -> int:
    """A copy of the repository in which every topic appears twice (<topic>_copy), with
    its own snippets and recorded outputs: a bank twice the size, for the runner and the
    site build. Returns the number of snippets."""
    for name in ("docs", "snippets", "scripts", "mkdocs.yml", "constraints.txt"):
        source = content.ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, target / name)
    build = target / "build"
    shutil.copytree(
        content.BUILD / "verify", build / "verify", ignore=shutil.ignore_patterns("cache")
    )
    if (content.BUILD / "figures").exists():
        shutil.copytree(content.BUILD / "figures", build / "figures")
    config = (target / "mkdocs.yml").read_text(encoding="utf-8")
    topics = target / "scripts" / "data" / "topics.yml"
    for topic, titles in content.topics().items():
        with topics.open("a", encoding="utf-8") as data:
            copied = {"zh": f"{titles['zh']}（副本）", "en": f"{titles['en']} (copy)"}
            data.write(f"{topic}_copy: {json.dumps(copied, ensure_ascii=False)}\n")
        copy = f"{topic}_copy"
        shutil.copytree(target / "snippets" / topic, target / "snippets" / copy)
        for snippet in (target / "snippets" / copy).glob("*.py"):
            # Not byte-identical to the original: nothing content-keyed (the runner's
            # cache, the site build's highlighting) may treat a copy as already done.
            with snippet.open("a", encoding="utf-8") as code:
                code.write("# (a copy, for the benchmark's doubled bank)\n")
        shutil.copytree(target / "docs" / topic, target / "docs" / copy)
        for page in (target / "docs" / copy).glob("*.md"):
            text = page.read_text(encoding="utf-8").replace(
                f"snippets/{topic}/", f"snippets/{copy}/"
            )
            page.write_text(text, encoding="utf-8")
        index = f"      - {topic}/index.md\n"
        config = config.replace(index, f"{index}      - {copy}/index.md\n")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    return len(list((target / "snippets").rglob("*.py")))


def doubled_rows(jobs: int) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as build:
        root = Path(scratch)
        count = doubled_bank(root)
        verify = [PYTHON, str(root / "scripts" / "verify.py"), "--jobs", str(jobs)]
        cold = timed([*verify, "--build-dir", build], cwd=root)  # its own, empty cache
        rows = [(f"(h) doubled ({count} snippets): runner, cold", cold)]
        checks = timed([*verify, *ALL_CHECKS], cwd=root)  # records what the site shows
        rows.append(("    doubled: runner, cold, all three checks", checks))
        rows += site_rows(root, "doubled")
    return rows


def fresh_clone_row() -> tuple[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "bank"
        subprocess.run(["git", "clone", "--quiet", str(content.ROOT), str(clone)], check=True)
        shared = content.ROOT.parent / "shared"
        if shared.exists() and not (clone.parent / "shared").exists():
            (clone.parent / "shared").symlink_to(shared)
        return ("(i) fresh clone: bash .ci/run", timed(["bash", ".ci/run"], cwd=clone))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-naive", action="store_true", help="(a) takes longest")
    parser.add_argument("--skip-suite", action="store_true", help="skip (f) and (g)")
    parser.add_argument("--skip-doubled", action="store_true", help="skip (h)")
    parser.add_argument("--fresh-clone", action="store_true", help="also (i): about 10 minutes")
    args = parser.parse_args()
    snippets = content.snippet_files()
    questions = len(content.question_pages(content.DEFAULT_LANG))
    print(f"{questions} questions, {len(snippets)} snippets, {args.jobs} cores\n", flush=True)

    the_floor, compute, start = floor(snippets, args.jobs)
    rows = []
    if not args.skip_naive:
        rows.append(("(a) naive: fresh python per snippet", naive(snippets, args.jobs)))
    rows += runner_rows(args.jobs)
    rows += site_rows()
    if not args.skip_suite:
        rows += suite_rows()
    if not args.skip_doubled:
        rows += doubled_rows(args.jobs)
    if args.fresh_clone:
        rows.append(fresh_clone_row())

    print(
        f"floor: {compute:.1f} s of snippet compute / {args.jobs} cores "
        f"+ {start:.1f} s interpreter start with imports = {the_floor:.1f} s"
    )
    if not args.skip_doubled:
        print(
            f"doubled floor: 2 x {compute:.1f} s / {args.jobs} cores + {start:.1f} s "
            f"= {2 * compute / args.jobs + start:.1f} s"
        )
    print()
    # The doubled bank runs every snippet twice: twice the compute, one interpreter start.
    doubled_floor = 2 * compute / args.jobs + start
    for label, seconds in rows:
        if "doubled" in label:
            print(f"{label:48s} {seconds:7.1f} s   {seconds / doubled_floor:5.2f}x doubled floor")
        else:
            print(f"{label:48s} {seconds:7.1f} s   {seconds / the_floor:5.2f}x floor")
    naive_row = next((s for label, s in rows if label.startswith("(a)")), None)
    cold = next(s for label, s in rows if label.startswith("(b)"))
    if naive_row:
        print(f"\nrunner cold vs naive: {naive_row / cold:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())

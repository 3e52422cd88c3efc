#!/usr/bin/env python3
"""How long verifying the bank takes, measured against its compute-only floor.

    python scripts/benchmark.py            # about as long as verifying the bank three times

Prints, in seconds and as a ratio to the floor:
  (a) naive     each snippet in a fresh `python` process, --jobs at a time
  (b) cold      scripts/verify.py with an empty cache
  (c) unchanged scripts/verify.py again, nothing changed (every result from the cache)
  (d) one edit  scripts/verify.py after one snippet changed (a comment appended, then removed)
  (e) site      mkdocs build of both languages: first with no rendered notebook cached
                (a fresh checkout, as in CI), then again (an author's rebuild)
  floor         the snippets' own run times inside a warm interpreter (everything they
                import already imported, one thread each, one at a time), divided by the
                cores used, plus one interpreter start that imports those modules. A
                snippet that starts processes (DDP) counts its wall time, as if it used
                one core, so the floor is, if anything, too low.

The runner's runs use a temporary build folder. Of build/, only the cache of rendered
notebooks (build/notebook-html/) is touched: it is emptied to time a first site build.
This is a measurement, not a test; README.md ("Performance") records the numbers and the targets.
"""

from __future__ import annotations

import argparse
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


def timed(command: list[str], **kwargs) -> float:
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, **kwargs)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"benchmark: {' '.join(command[:3])} ... failed:\n{proc.stdout[-3000:]}")
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-naive", action="store_true", help="(a) takes longest")
    args = parser.parse_args()
    snippets = content.snippet_files()
    print(f"{len(snippets)} snippets, {args.jobs} cores\n", flush=True)

    the_floor, compute, start = floor(snippets, args.jobs)
    rows = []
    if not args.skip_naive:
        rows.append(("(a) naive: fresh python per snippet", naive(snippets, args.jobs)))
    with tempfile.TemporaryDirectory() as build:
        command = [PYTHON, VERIFY, "--jobs", str(args.jobs), "--build-dir", build]
        rows.append(("(b) runner, cold (empty cache)", timed(command)))
        rows.append(("(c) runner, nothing changed", timed(command)))
        edited = content.SNIPPETS / "training" / "overfitting.py"  # a typical torch snippet
        original = edited.read_bytes()
        try:
            edited.write_bytes(original + b"# benchmark: one snippet changed\n")
            rows.append((f"(d) runner, {edited.name} changed", timed(command)))
        finally:
            edited.write_bytes(original)
    with tempfile.TemporaryDirectory() as site:
        mkdocs = [PYTHON, "-m", "mkdocs", "build", "--quiet", "--site-dir", site]
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        shutil.rmtree(content.RENDERED_NOTEBOOKS, ignore_errors=True)
        rows.append(("(e) mkdocs build, both languages", timed(mkdocs, cwd=content.ROOT, env=env)))
        rows.append(("    again, notebooks cached", timed(mkdocs, cwd=content.ROOT, env=env)))

    print(
        f"floor: {compute:.1f} s of snippet compute / {args.jobs} cores "
        f"+ {start:.1f} s interpreter start with imports = {the_floor:.1f} s\n"
    )
    for label, seconds in rows:
        print(f"{label:42s} {seconds:7.1f} s   {seconds / the_floor:5.2f}x floor")
    naive_row = next((s for label, s in rows if label.startswith("(a)")), None)
    cold = next(s for label, s in rows if label.startswith("(b)"))
    if naive_row:
        print(f"\nrunner cold vs naive: {naive_row / cold:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())

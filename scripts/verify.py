#!/usr/bin/env python3
"""Run every snippet as a reader would run it, compare its output with what the page shows.

    python scripts/verify.py                       # every snippet, CPU, all cores
    python scripts/verify.py snippets/training     # a folder or some files
    python scripts/verify.py --record FILE.py      # accept FILE's new output (rewrites FILE.out)
    python scripts/verify.py --device cuda         # the CUDA-marked snippets, on the GPU
    python scripts/verify.py --checks script,threads,notebook   # all three checks (the tests)

The checks (each a configuration the snippet runs in; results are cached per check):
    script    `python FILE.py`, as a reader runs it: the output must equal FILE.out
    threads   the same with --reader-threads (4) CPU threads, as on a reader's bigger machine:
              torch, BLAS and OpenMP split sums by thread, so the output must still equal FILE.out
    notebook  the snippet's cells of the downloadable notebooks (scripts/notebooks.py), run in
              an IPython shell as a Jupyter kernel runs them: they must run without an error

How it stays fast: this process imports the heavy libraries the snippets use (torch,
scikit-learn, ...) once, then forks one child per snippet, `--jobs` at a time. A child
starts with those modules loaded but shares nothing else with its siblings.

How it stays faithful to `python snippet.py`: each child gets a fresh temporary working
directory, `__name__ == "__main__"`, its own argv and sys.path[0], freshly seeded random
generators (a snippet that forgets to seed is caught by the output comparison), warnings
turned into errors, a timeout, and the sandbox in scripts/sandbox (no network beyond
loopback, no writes outside its directory). On `--device cpu` CUDA is hidden, so the
recorded output is the CPU path's.

A snippet declares options in comment lines at its top:
    # verify: cuda          it has a CUDA path; the GPU job runs it with --device cuda
    # verify: timeout=120   seconds before it is killed (default 60)
    # verify: cores=2       it keeps 2 processes busy at once (DDP ranks): it takes 2 of the
                            --jobs slots, so its processes never wait for a busy core

A snippet that saves `<stem>.png` in its working directory has made a figure: the runner
copies it to build/figures/<topic>/<stem>.png, and the page that shows it marks where it
goes with `<!-- figure: <stem>.png | alt text -->`.

Results go to build/verify/manifest-<device>.json (versions, device, per-snippet status,
duration, date and content hash); the site build turns that record into "verified on"
lines and the execution report. A snippet that has not changed since it last passed (same
bytes, runner, packages and files read: scripts/verify_cache.py) is not run again; its
cached output is still compared with the page. `--no-cache` runs everything.
"""

from __future__ import annotations

import argparse
import ast
import atexit
import contextlib
import datetime as dt
import difflib
import gc
import hashlib
import importlib
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402
import notebooks  # noqa: E402
import verify_cache  # noqa: E402

ROOT = content.ROOT
SANDBOX_DIR = ROOT / "scripts" / "sandbox"
DEFAULT_TIMEOUT = 60.0
DEVICES = ("cpu", "cuda")
# Packages worth importing once in the parent. Only libraries known to be fork-safe
# when merely imported (they start no threads at import time) belong here.
# (onnxruntime is not: it starts a thread when imported.)
PRELOADABLE = {
    "torch", "numpy", "scipy", "sklearn", "imblearn", "pandas", "matplotlib", "optuna",
    "shap", "captum", "opacus", "cryptography", "onnx", "onnxscript", "torchao", "yaml",
    "transformers", "peft", "tokenizers", "safetensors",
}  # fmt: skip
VERSIONED = ("torch", "scikit-learn", "numpy")  # distributions named in the manifest
CHECKS = ("script", "threads", "notebook")
READER_THREADS = 4  # the `threads` check: a reader's machine has more cores than ours


@dataclass(frozen=True)
class Check:
    """One configuration a snippet runs in (see CHECKS in the module docstring)."""

    name: str
    threads: int  # CPU threads the snippet gets

    @property
    def form(self) -> str:
        return "notebook" if self.name == "notebook" else "script"

    @property
    def compares_output(self) -> bool:
        return self.form == "script"

    def describe(self) -> str:
        if self.name == "notebook":
            return "as notebook cells"
        return f"{self.threads} CPU thread{'s' if self.threads > 1 else ''}"


@dataclass
class Snippet:
    path: Path
    cuda: bool = False
    timeout: float = DEFAULT_TIMEOUT
    cores: int = 1
    error: str = ""  # set when the file cannot be read as a snippet; it then fails unrun

    @property
    def rel(self) -> str:
        """Repository-relative path (absolute for a file outside the repository)."""
        return rel_path(self.path)

    @property
    def recorded(self) -> Path:
        return content.recorded_output_path(self.path)

    @classmethod
    def load(cls, path: Path) -> Snippet:
        snippet = cls(path=path.resolve())
        try:
            snippet._read_options()
        except content.ContentError as exc:
            snippet.error = str(exc)
        return snippet

    def _read_options(self) -> None:
        lines = content.read_text(self.path).splitlines()
        header = 0
        while header < len(lines) and lines[header].startswith("#"):
            header += 1
        misplaced = [n + 1 for n, line in enumerate(lines[header:], header) if "# verify:" in line]
        if misplaced:
            raise content.ContentError(
                f"{self.rel}:{misplaced[0]}: '# verify:' options only count in the comment lines "
                "at the very top of the file; move it above the docstring."
            )
        for line in lines[:header]:
            if line.startswith("# verify:"):
                for option in line.split(":", 1)[1].split(","):
                    key, _, value = option.strip().partition("=")
                    if key == "cuda":
                        self.cuda = True
                    elif key == "timeout" and value.replace(".", "", 1).isdigit():
                        self.timeout = float(value)
                    elif key == "cores" and value.isdigit() and int(value) >= 1:
                        self.cores = int(value)
                    else:
                        raise content.ContentError(
                            f"{self.rel}: unknown '# verify:' option {option.strip()!r} "
                            "(known: cuda, timeout=SECONDS, cores=N)."
                        )


@dataclass
class Result:
    snippet: str
    device: str
    status: str  # passed | failed
    seconds: float
    exit_code: int | None
    stdout: str
    stderr: str
    problems: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    sha256: str = ""
    date: str = ""  # when it actually ran (for a cached result: the run it came from)
    cached: bool = False
    figure: str = ""  # repo-relative path of the figure it saved, if any
    check: str = "script"
    check_label: str = ""

    def report(self) -> str:
        """The failure message: names the snippet, the pages showing it, and what to do."""
        shown_on = (
            ", ".join(self.pages)
            if self.pages
            else "no page (every snippet must be included by one)"
        )
        label = ", ".join(filter(None, [self.device, self.check_label]))
        lines = [f"{self.snippet} [{label}] (shown on {shown_on}):"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def rel_path(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def sha256_of(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def normalise(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def modules_imported_by(path: Path) -> set[str]:
    names: set[str] = set()
    try:
        tree = ast.parse(content.read_text(path))
    except (SyntaxError, content.ContentError):
        return names  # the snippet's own run reports the error
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def expected_seconds(snippet: Snippet, durations: dict[str, float]) -> float:
    """Its last recorded duration; without one, a guess from what it imports."""
    if snippet.rel in durations:
        return durations[snippet.rel]
    modules = modules_imported_by(snippet.path)
    roots = {name.split(".")[0] for name in modules}
    if {"torch.distributed", "torch.multiprocessing", "multiprocessing"} & modules:
        return 3.0  # starts processes
    return 1.0 if "torch" in roots else 0.3


def preload(snippets: list[Snippet]) -> None:
    """Import, once, the heavy modules the snippets import, before forking any child.

    Even a module only one snippet uses is worth it: the heavy ones share most of their
    cost (torch's compiler stack, sympy, ...), which the parent then pays once."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    wanted = set().union(*(modules_imported_by(s.path) for s in snippets)) if snippets else set()
    for name in sorted(wanted):
        if name.split(".")[0] in PRELOADABLE:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001, S112 - the snippet itself will report it
                continue
    if any(name.split(".")[0] == "transformers" for name in wanted):
        # transformers imports lazily: the root module is cheap, the modeling code is not
        for name in ("transformers.modeling_utils", "transformers.generation.utils"):
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    if "torch" in sys.modules:
        # torch imports its compiler stack (torch._dynamo, about 1 s) lazily, the first
        # time an optimizer is built; nearly every torch snippet builds one.
        importlib.import_module("torch._dynamo")


def _notebook_shell():
    """An IPython shell such as a Jupyter kernel runs cells in (no history database)."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    return InteractiveShell(config=config)


def _run_notebook_cells(snippet: Snippet, shell) -> None:
    """Run the snippet's cells of the downloadable notebooks, one after the other."""
    for cell in notebooks.code_cells(snippet.rel, content.DEFAULT_LANG):
        if cell["cell_type"] != "code":
            continue
        result = shell.run_cell("".join(cell["source"]), store_history=False)
        if not result.success:
            error = result.error_in_exec or result.error_before_exec
            raise RuntimeError(f"a notebook cell of {snippet.rel} failed") from error


def _child(snippet: Snippet, workdir: Path, device: str, check: Check) -> None:
    """Runs in the forked process; never returns."""
    threads = check.threads
    code = 1
    try:
        os.setsid()  # own process group: a timeout kills the snippet and its children
        os.chdir(workdir)
        for fd, name in ((0, os.devnull), (1, "stdout.txt"), (2, "stderr.txt")):
            flags = os.O_RDONLY if fd == 0 else os.O_WRONLY | os.O_CREAT | os.O_TRUNC
            os.dup2(os.open(name, flags, 0o600), fd)
        tmp = workdir / "tmp"
        tmp.mkdir()
        env = {
            "HOME": str(workdir),
            "TMPDIR": str(tmp),
            "XDG_CACHE_HOME": str(workdir / ".cache"),
            # torch.compile / inductor caches, should a library import them
            "TORCHINDUCTOR_CACHE_DIR": str(workdir / ".cache" / "torchinductor"),
            "TRITON_CACHE_DIR": str(workdir / ".cache" / "triton"),
            "MPLCONFIGDIR": str(workdir / ".matplotlib"),
            "OMP_NUM_THREADS": str(threads),
            "MKL_NUM_THREADS": str(threads),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(SANDBOX_DIR), os.environ.get("PYTHONPATH")])
            ),
            "SNIPPET_SANDBOX_WORKDIR": str(workdir),
            "SNIPPET_SANDBOX_REPORT": str(workdir / "sandbox-violations.txt"),
            "SNIPPET_SANDBOX_READS": str(workdir / "sandbox-reads.txt"),
            "SNIPPET_SANDBOX_WATCH": str(ROOT),
        }
        if device == "cpu":
            env["CUDA_VISIBLE_DEVICES"] = ""  # the recorded output is the CPU path's
        os.environ.update(env)
        tempfile.tempdir = None

        import random
        import warnings

        random.seed()
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        if "torch" in sys.modules:
            torch = sys.modules["torch"]
            torch.seed()
            torch.set_num_threads(threads)
        shell = _notebook_shell() if check.form == "notebook" else None
        warnings.resetwarnings()
        warnings.simplefilter("error")  # a snippet must not emit warnings (deprecated APIs ...)

        sys.path.insert(0, str(SANDBOX_DIR))
        import sitecustomize as sandbox  # scripts/sandbox/sitecustomize.py

        sys.path.remove(str(SANDBOX_DIR))
        sandbox.install(str(workdir), env["SNIPPET_SANDBOX_REPORT"])

        # Handlers the parent registered (torch's teardown: ~0.1 s) are not the snippet's;
        # at its end the child runs only those the snippet itself registers.
        atexit._clear()
        import runpy

        try:
            if shell is not None:
                sys.argv = [""]
                sys.path[0] = str(workdir)
                _run_notebook_cells(snippet, shell)
            else:
                sys.argv = [str(snippet.path)]
                sys.path[0] = str(snippet.path.parent)
                runpy.run_path(str(snippet.path), run_name="__main__")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001 - report anything the snippet raised
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class Runner:
    def __init__(
        self,
        device: str = "cpu",
        jobs: int | None = None,
        record: bool = False,
        durations: dict[str, float] | None = None,
        use_cache: bool = True,
        build: Path = content.BUILD,
        threads: int | None = None,
        checks: tuple[str, ...] = ("script",),
        reader_threads: int = READER_THREADS,
    ):
        self.device = device
        self.build = build
        self.pages = content.pages_by_include()  # snippet -> the pages that show it
        self.use_cache = use_cache
        self.durations = durations or {}
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        # CPU threads per snippet (torch, BLAS, OpenMP): by default the cores, shared out
        self.threads = threads or max(1, (os.cpu_count() or 1) // self.jobs)
        self.record = record
        unknown = sorted(set(checks) - set(CHECKS))
        if unknown:
            raise SystemExit(f"verify: unknown checks {unknown}; known: {', '.join(CHECKS)}.")
        if device != "cpu" and set(checks) != {"script"}:
            raise SystemExit("verify: the threads and notebook checks run on --device cpu only.")
        threads_of = {"script": self.threads, "threads": reader_threads, "notebook": self.threads}
        self.checks = [Check(name, threads_of[name]) for name in CHECKS if name in checks]

    def run(self, snippets: list[Snippet]) -> list[Result]:
        results = [self._unreadable(s, c) for s in snippets if s.error for c in self.checks]
        to_run: list[tuple[Snippet, Check]] = []
        for snippet in (s for s in snippets if not s.error):
            for check in self.checks:
                entry = self._cache_entry(snippet, check) if self.use_cache else None
                if entry is None:
                    to_run.append((snippet, check))
                else:
                    results.append(self._from_cache(snippet, check, entry))
        preload([s for s, _ in to_run])
        if any(c.form == "notebook" for _, c in to_run):
            importlib.import_module("IPython.core.interactiveshell")
        # BLAS/OpenMP pools that the preloaded libraries created get the same cap as in a
        # fresh process (OMP_NUM_THREADS, set in each child, covers pools created later).
        # Set here once, it is inherited by every fork: ~0.08 s less per snippet.
        pools = threadpool_limits(self.threads)
        # The parent's objects (every preloaded module) go to a generation the garbage
        # collector never scans: a child's collections then touch only the snippet's own
        # objects, instead of walking (and copying, page by page) the parent's half million.
        gc.freeze()
        queue = deque(sorted(to_run, key=self._order))
        running: dict[int, tuple[Snippet, Check, float, Path]] = {}
        scratch = Path(tempfile.mkdtemp(prefix="verify-"))
        try:
            while queue or running:
                while queue and self._slots(queue[0][0]) <= self.jobs - sum(
                    self._slots(s) for s, _, _, _ in running.values()
                ):
                    snippet, check = queue.popleft()
                    workdir = Path(tempfile.mkdtemp(prefix=snippet.path.stem + "-", dir=scratch))
                    sys.stdout.flush()
                    sys.stderr.flush()
                    pid = os.fork()
                    if pid == 0:
                        _child(snippet, workdir, self.device, check)
                    running[pid] = (snippet, check, time.monotonic(), workdir)
                for pid, (snippet, check, started, workdir) in list(running.items()):
                    elapsed = time.monotonic() - started
                    done, status = os.waitpid(pid, os.WNOHANG)
                    timed_out = not done and elapsed > snippet.timeout
                    if timed_out:
                        _kill_group(pid)
                        _, status = os.waitpid(pid, 0)
                    if done or timed_out:
                        _kill_group(pid)  # stragglers the snippet left behind
                        del running[pid]
                        results.append(
                            self._finish(snippet, check, workdir, status, elapsed, timed_out)
                        )
                time.sleep(0.005)
        finally:
            for pid in running:
                _kill_group(pid)
            shutil.rmtree(scratch, ignore_errors=True)
            pools.restore_original_limits()
            gc.unfreeze()
        return sorted(results, key=lambda r: (r.snippet, CHECKS.index(r.check)))

    def _slots(self, snippet: Snippet) -> int:
        """Cores it keeps busy: one per process it runs at once (DDP ranks).

        A child of the threads check gets more threads than its share of the cores, but
        is not given the machine to itself: most snippets are single-threaded Python for
        most of their run, and running them one at a time made the check take twice as
        long (137 s instead of 62 s for 150 snippets on 2 cores). Its output does not
        depend on whether the threads get a core each, only on how many there are."""
        return min(self.jobs, snippet.cores)

    def _order(self, item: tuple[Snippet, Check]) -> tuple[int, float]:
        """Snippets that need several slots first, while every slot is free; then the
        longest first (last recorded duration), which keeps all cores busy to the end."""
        snippet, _ = item
        return (-self._slots(snippet), -expected_seconds(snippet, self.durations))

    def _cache_entry(self, snippet: Snippet, check: Check) -> dict | None:
        return verify_cache.lookup(
            self.build, snippet.rel, snippet.path, self.device, check.threads, check.name
        )

    def _result(self, snippet: Snippet, check: Check, **fields) -> Result:
        return Result(
            snippet=snippet.rel,
            device=self.device,
            pages=self.pages.get(snippet.rel, []),
            sha256=sha256_of(snippet.path, snippet.recorded),
            check=check.name,
            check_label=check.describe(),
            **fields,
        )

    def _unreadable(self, snippet: Snippet, check: Check) -> Result:
        return self._result(
            snippet,
            check,
            status="failed",
            seconds=0.0,
            exit_code=None,
            stdout="",
            stderr="",
            problems=[snippet.error],
        )

    def _compares_output(self, check: Check) -> bool:
        return self.device == "cpu" and check.compares_output

    def _from_cache(self, snippet: Snippet, check: Check, entry: dict) -> Result:
        figure = ""
        if entry["figure"] is not None and check.name == "script":
            figure = self._publish_figure(snippet, entry["figure"])
        compare = self._compares_output(check)
        problems = self._check_output(snippet, check, entry["stdout"]) if compare else []
        return self._result(
            snippet,
            check,
            status="failed" if problems else "passed",
            seconds=entry["seconds"],
            exit_code=0,
            stdout=entry["stdout"],
            stderr="",
            problems=problems,
            date=entry["date"],
            cached=True,
            figure=figure,
        )

    def _publish_figure(self, snippet: Snippet, source: Path) -> str:
        target = content.figure_path(snippet.rel, self.build)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return rel_path(target)

    def _finish(
        self,
        snippet: Snippet,
        check: Check,
        workdir: Path,
        status: int,
        seconds: float,
        timed_out: bool,
    ) -> Result:
        stdout = (workdir / "stdout.txt").read_text(encoding="utf-8", errors="replace")
        stderr = (workdir / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        exit_code = None if timed_out else os.waitstatus_to_exitcode(status)
        problems = []
        if timed_out:
            problems.append(
                f"killed after {snippet.timeout:.0f} s (timeout): make it faster "
                "(snippets should take a few seconds) or declare '# verify: timeout=SECONDS'."
            )
        elif exit_code != 0:
            tail = "\n".join(stderr.strip().splitlines()[-15:])
            problems.append(
                f"exited with status {exit_code}; fix the error it raised:\n{_indent(tail)}"
            )
        violations = workdir / "sandbox-violations.txt"
        if violations.exists() and violations.read_text().strip():
            for line in sorted(set(violations.read_text().strip().splitlines())):
                problems.append(f"sandbox: {line}")
        if not problems and self._compares_output(check):
            problems += self._check_output(snippet, check, stdout)
        result = self._result(
            snippet,
            check,
            status="failed" if problems else "passed",
            seconds=round(seconds, 3),
            exit_code=exit_code,
            stdout=stdout,
            stderr=stderr,
            problems=problems,
            date=now(),
        )
        if result.status == "passed":
            figure = workdir / f"{snippet.path.stem}.png"
            figure = figure if figure.is_file() and check.name == "script" else None
            if figure is not None:
                result.figure = self._publish_figure(snippet, figure)
            reads_file = workdir / "sandbox-reads.txt"
            reads = reads_file.read_text().split() if reads_file.exists() else []
            run = {"stdout": stdout, "seconds": result.seconds, "date": result.date}
            verify_cache.store(
                self.build,
                snippet.rel,
                snippet.path,
                self.device,
                check.threads,
                check.name,
                run,
                reads,
                figure,
            )
        return result

    def _check_output(self, snippet: Snippet, check: Check, stdout: str) -> list[str]:
        recorded = snippet.recorded
        rel_out = rel_path(recorded)
        if self.record and check.name == "script":
            recorded.write_text(normalise(stdout), encoding="utf-8")
            return []
        if not recorded.exists():
            return [
                f"no recorded output {rel_out}: check the output is what the page should show, "
                f"then run: python scripts/verify.py --record {snippet.rel}"
            ]
        expected = normalise(content.read_text(recorded))
        actual = normalise(stdout)
        if actual == expected:
            return []
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{rel_out} (shown on the page)",
                tofile="printed now",
            )
        )
        return [
            f"output differs from the recorded {rel_out}. If the new output is right, run "
            f"`python scripts/verify.py --record {snippet.rel}` and review the page text; "
            f"otherwise fix the snippet.\n{_indent(diff)}"
        ]


def write_atomically(path: Path, text: str) -> None:
    """Readers (the site build, a parallel run) never see a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as f:
        f.write(text)
    os.replace(f.name, path)


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _indent(text: str) -> str:
    return "\n".join("      " + line for line in text.splitlines())


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def environment(device: str) -> dict:
    """Versions and device name, for the manifest."""
    info = {"device": device, "platform": platform.platform(), "python": platform.python_version()}
    for name in VERSIONED:
        try:
            info[name] = importlib.metadata.version(name).split("+")[0]
        except importlib.metadata.PackageNotFoundError:
            info[name] = None
    info["device_name"] = _cuda_device_name() if device == "cuda" else _cpu_name()
    return info


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ({os.cpu_count()} cores)"
    except OSError:
        pass
    return f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores)"


def _cuda_device_name() -> str:
    """Ask in a forked child, so that this process never initialises CUDA (which breaks fork)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            import torch

            name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA device"
        except Exception as exc:  # noqa: BLE001
            name = f"unknown ({exc})"
        os.write(write, name.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        name = pipe.read()
    os.waitpid(pid, 0)
    return name


def manifest_path(device: str, build: Path = content.BUILD) -> Path:
    return build / "verify" / f"manifest-{device}.json"


def load_manifest(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def write_manifest(path: Path, env: dict, results: list[Result], wall_seconds: float) -> None:
    """Update a manifest with these results (entries for other snippets are kept).

    A run in which every result came from the cache, unchanged, leaves the manifest as it
    is: it still describes the run that produced those results (and the site built from
    it need not be built again)."""
    entries = load_manifest(path).get("results", {})
    if results and all(
        r.cached and entries.get(r.snippet, {}).get("sha256") == r.sha256 for r in results
    ):
        return
    date = now()
    for r in results:
        entries[r.snippet] = {
            "status": r.status,
            "seconds": r.seconds,
            "sha256": r.sha256,
            "date": r.date or date,
            "cached": r.cached,
            "figure": r.figure,
        }
    existing = {rel_path(p) for p in content.snippet_files()}
    manifest = env | {
        "date": date,
        "wall_seconds": round(wall_seconds, 2),
        "results": {k: v for k, v in sorted(entries.items()) if k in existing},
    }
    write_atomically(path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def select(paths: list[str], device: str) -> list[Snippet]:
    files: list[Path] = []
    for raw in paths or [str(content.SNIPPETS)]:
        path = (Path.cwd() / raw).resolve()
        if path.is_dir():
            files += sorted(path.rglob("*.py"))
        elif path.suffix == ".py" and path.exists():
            files.append(path)
        else:
            raise SystemExit(f"verify: {raw} is neither a snippet file nor a folder of snippets.")
    snippets = [Snippet.load(f) for f in files]
    return [s for s in snippets if s.cuda] if device == "cuda" else snippets


def shard(snippets: list[Snippet], index: int, count: int, durations: dict) -> list[Snippet]:
    """Shard `index` (1-based) of `count`: longest first, each to the least loaded shard.

    Every runner of a split job computes the same assignment from the same inputs (the
    snippet list and the durations of a previous run; without them, a guess)."""

    def cost(s: Snippet) -> float:
        return expected_seconds(s, durations)

    loads = [0.0] * count
    chosen = []
    for snippet in sorted(snippets, key=lambda s: (-cost(s), s.rel)):
        target = loads.index(min(loads))
        loads[target] += cost(snippet)
        if target == index - 1:
            chosen.append(snippet)
    return chosen


def merge(paths: list[Path], out: Path) -> None:
    """Merge the manifests of several runners of one device into one."""
    manifests = [load_manifest(p) for p in paths]
    keys = ("device", "python", *VERSIONED)
    for other, path in zip(manifests[1:], paths[1:], strict=True):
        differs = [k for k in keys if other.get(k) != manifests[0].get(k)]
        if differs:
            raise SystemExit(
                f"verify --merge: {path} differs from {paths[0]} in {differs}; only runs of "
                "one device with the same versions can be merged."
            )
    results = {}
    for manifest in manifests:
        results.update(manifest.get("results", {}))
    merged = manifests[0] | {
        "date": max(m.get("date", "") for m in manifests),
        "wall_seconds": max(m.get("wall_seconds", 0.0) for m in manifests),  # they ran at once
        "jobs": sum(m.get("jobs", 0) for m in manifests),
        "runners": len(manifests),
        "results": dict(sorted(results.items())),
    }
    write_atomically(out, json.dumps(merged, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", help="snippet files or folders (default: snippets/)")
    parser.add_argument("--device", choices=DEVICES, default="cpu")
    parser.add_argument(
        "--jobs", type=int, default=None, help="snippets run at once (default: cores)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="CPU threads per snippet (default: cores / jobs); another count shows whether "
        "an output depends on it, as it would on a reader's machine",
    )
    parser.add_argument(
        "--checks",
        default="script",
        help="comma-separated checks to run: script (default), threads, notebook",
    )
    parser.add_argument(
        "--reader-threads",
        type=int,
        default=READER_THREADS,
        help=f"CPU threads per snippet in the threads check (default {READER_THREADS})",
    )
    parser.add_argument(
        "--record", action="store_true", help="write each snippet's output to its .out file"
    )
    parser.add_argument(
        "--report", type=Path, help="also write every result, with outputs, as JSON"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="run every snippet, even those whose cached result is still valid",
    )
    parser.add_argument(
        "--build-dir",
        type=Path,
        default=content.BUILD,
        help="where the manifest (verify/manifest-DEVICE.json), the cache (verify/cache/) and "
        "the figures (figures/) go (default: build/)",
    )
    parser.add_argument(
        "--shard",
        metavar="K/N",
        help="run only shard K of N (split by the durations in the manifest, longest first)",
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="MANIFEST",
        help="merge these manifests (one per shard) into the build folder's manifest; run nothing",
    )
    args = parser.parse_args(argv)

    if args.merge:
        merge(args.merge, manifest_path(args.device, args.build_dir.resolve()))
        return 0

    if args.device == "cuda" and _cuda_device_name() == "no CUDA device":
        print("verify: --device cuda, but torch sees no CUDA device here; nothing was run.")
        return 2
    if args.threads is not None and args.threads < 1:
        raise SystemExit("verify: --threads must be at least 1.")
    build = args.build_dir.resolve()
    manifest = manifest_path(args.device, build)
    durations = {k: v["seconds"] for k, v in load_manifest(manifest).get("results", {}).items()}
    snippets = select(args.paths, args.device)
    if args.shard:
        index, _, count = args.shard.partition("/")
        if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            raise SystemExit(f"verify: --shard {args.shard}: expected K/N with 1 <= K <= N.")
        snippets = shard(snippets, int(index), int(count), durations)
    started = time.monotonic()
    runner = Runner(
        args.device,
        args.jobs,
        args.record,
        durations,
        use_cache=not args.no_cache,
        build=build,
        threads=args.threads,
        checks=tuple(c.strip() for c in args.checks.split(",") if c.strip()),
        reader_threads=args.reader_threads,
    )
    results = runner.run(snippets)
    wall = time.monotonic() - started
    env = environment(args.device) | {"jobs": runner.jobs, "threads": runner.threads}
    # The site shows the run a reader's `python FILE.py` corresponds to: the script check.
    script_results = [r for r in results if r.check == "script"]
    if script_results:
        write_manifest(manifest, env, script_results, wall)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        report = {"environment": env, "results": [asdict(r) for r in results]}
        args.report.write_text(json.dumps(report, indent=1, ensure_ascii=False))

    failed = [r for r in results if r.status != "passed"]
    several = len(runner.checks) > 1
    for r in results:
        how = "(cached)" if r.cached else ""
        check = f"{r.check:9}" if several else ""
        print(f"{r.status.upper():6} {r.seconds:6.2f}s {how:8} {check}{r.snippet}")
    for r in failed:
        print("\n" + r.report())
    cached = sum(r.cached for r in results)
    checks = "+".join(c.name for c in runner.checks)
    print(
        f"\n{len(results) - len(failed)} passed, {len(failed)} failed, {len(results)} runs "
        f"({cached} from the cache; checks: {checks}) on {args.device} in {wall:.1f} s; "
        f"manifest: {rel_path(manifest.resolve())}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

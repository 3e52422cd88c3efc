"""The site build's topic notebooks, rendered in background processes.

mkdocs-jupyter renders one notebook after another, in the page loop: on a fresh checkout
that was half of the site build. scripts/site_hooks/notebooks.py starts these workers with
the first language's build, for the notebooks of every language that are not in
mkdocs-jupyter's cache, so that they render while the main process builds the Markdown
pages. Each worker stores what it renders where mkdocs-jupyter's cache lookup finds it.

Each notebook is claimed once, by whichever process gets to it first: a worker taking the
next one, or the main process reaching the notebook's page (`wait_for`), which then lets
mkdocs-jupyter render it there instead of waiting; no core idles while notebooks are left.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

import jinja2

# The options mkdocs-jupyter passes to its converter (mkdocs_jupyter/plugin.py, on_pre_page).
RENDER_OPTIONS = (
    "kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt",
    "remove_tag_config", "highlight_extra_classes", "include_requirejs", "custom_mathjax_url",
)  # fmt: skip


# The workers of this build, and the cache entry each notebook's page will read.
_workers: list = []
_awaited: dict[str, Path] = {}
# One file per claim, in a folder per build: `mkdocs serve` keeps this module between
# rebuilds, and a claim of an earlier build must not keep a notebook from being rendered.
_claims = tempfile.TemporaryDirectory(prefix="notebook-claims-")
_claims_dir = Path(_claims.name)


def _claim_file(cache_path: Path) -> Path:
    return _claims_dir / hashlib.sha256(str(cache_path).encode()).hexdigest()


def claim(cache_path: Path) -> bool:
    """Take the rendering of one notebook; False when another process has it. The claim
    file holds the claimant's process id."""
    try:
        with _claim_file(cache_path).open("x", encoding="utf-8") as file:
            file.write(str(os.getpid()))
    except FileExistsError:
        return False
    return True


def _claimant_alive(cache_path: Path) -> bool:
    """Whether the worker that claimed this notebook is still running."""
    pid = _claim_file(cache_path).read_text(encoding="utf-8")
    if not pid:
        return True  # claimed this instant, its id not written yet
    return any(worker.pid == int(pid) and worker.is_alive() for worker in _workers)


class _CompiledTemplates(jinja2.BytecodeCache):
    """nbconvert's templates compiled once per worker, not once per notebook."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def render_into_cache(jobs: list[tuple[str, str, dict]]) -> None:
    """Render notebooks exactly as mkdocs-jupyter does on a cache miss, and store each
    where its cache lookup will find it (runs in a forked worker process): every job,
    in order, that no other process has claimed."""
    # mkdocs-jupyter makes a new exporter, so a new Jinja environment, for every
    # notebook; compiling nbconvert's templates again was a tenth of each render. In this
    # worker only, their environments share one cache of compiled templates, keyed by each
    # template's name and source. Compiled code also depends on the environment that
    # compiled it (its options, the kind of each filter); that is the same here because
    # every environment in a worker is made by the same exporter classes with the same
    # configuration (mkdocs_jupyter/nbconvert2.py). tests/test_build_shortcuts.py
    # compares the result with nbconvert's own.
    from nbconvert.exporters import templateexporter

    templateexporter.Environment = functools.partial(
        jinja2.Environment, bytecode_cache=_CompiledTemplates()
    )
    for job in jobs:
        if claim(Path(job[1])):
            _render_one(*job)


def _render_one(path: str, cache_path: str, options: dict) -> None:
    from mkdocs_jupyter import convert
    from mkdocs_jupyter.plugin import _get_nb_toc_tokens

    body = convert.nb2html(
        path, execute=options["execute"], **{k: options[k] for k in RENDER_OPTIONS}
    )
    toc_tokens, title = _get_nb_toc_tokens(path, options["toc_depth"])
    target = Path(cache_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    entry = {"content": body, "toc_tokens": toc_tokens, "title": title}
    target.with_suffix(".tmp").write_text(json.dumps(entry), encoding="utf-8")
    target.with_suffix(".tmp").replace(target)


def new_build() -> None:
    """Forget the claims, workers and awaited notebooks of an earlier build."""
    global _claims_dir
    _claims_dir = Path(tempfile.mkdtemp(dir=_claims.name))
    _workers.clear()
    _awaited.clear()


def _jobs(paths: list[Path], cache_dir: Path, plugin_config) -> list[tuple[str, str, dict]]:
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    options = {k: plugin_config[k] for k in (*RENDER_OPTIONS, "execute", "toc_depth")}
    jobs = []
    for path in paths:
        key = _compute_cache_key(str(path), plugin_config, plugin_config["execute"])
        cache_path = _get_cache_path(str(cache_dir), key)
        if not cache_path.exists() and cache_path not in _awaited.values():
            jobs.append((str(path), str(cache_path), options))
    return jobs


def start(written: dict[str, list[Path]], cache_dirs: dict[str, Path], plugin_config) -> None:
    """Start rendering, in the background, the notebooks `written` per language (in that
    order) that are not in mkdocs-jupyter's cache (`cache_dirs`, per language) yet."""
    jobs = [
        job
        for lang, paths in written.items()
        for job in _jobs(paths, cache_dirs[lang], plugin_config)
    ]
    if len(jobs) < 2:  # one notebook: mkdocs-jupyter renders it itself
        return
    # Forked, so the hook's function needs no pickling. A worker that fails leaves the
    # notebook it claimed uncached; mkdocs-jupyter then renders it and reports the error.
    fork = multiprocessing.get_context("fork")
    for _ in range(min(len(jobs), os.cpu_count() or 1)):
        worker = fork.Process(target=render_into_cache, args=(jobs,), daemon=True)
        worker.start()
        _workers.append(worker)
    _awaited.update({path: Path(cache_path) for path, cache_path, _ in jobs})


def wait_for(notebook: str) -> None:
    """Before a notebook's page is built: wait for its background render if a worker has
    it; if none does yet, claim it (mkdocs-jupyter then renders it, finding no cache
    entry); stop waiting if the worker that claimed it is gone (mkdocs-jupyter then
    renders it and reports the error)."""
    cache_path = _awaited.get(notebook)
    if cache_path is None or claim(cache_path):
        return
    while not cache_path.exists() and _claimant_alive(cache_path):
        time.sleep(0.02)

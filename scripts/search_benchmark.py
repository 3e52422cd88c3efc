#!/usr/bin/env python3
"""Search benchmark: realistic queries typed into the built site's search box, in Chromium.

    python scripts/search_benchmark.py                    # builds the site into a temp folder
    python scripts/search_benchmark.py --site site/       # an already built site
    python scripts/search_benchmark.py --lang zh --show-misses

The queries are scripts/data/search_queries.yml (written the way people type them, each
with the page or pages that answer it), plus the bullets of every question page's
"other phrasings" section, which are reported apart: they appear verbatim on the pages
they point to, so they are easier than what a reader types.

For each query the script fills Material's search box, presses End (Material searches on
key-up) and reads the result list that the search worker sends back. It prints, per
language and per query set: top-1 and top-3 hit rates (a hit is any expected page),
MRR@10, the queries that returned nothing, and the latency from the key-up event to the
result list in the page's DOM (median and p95; "+frame" adds the wait for the next
animation frame, i.e. until the browser can paint it). It also prints the size of the
index each language downloads, raw and gzip-compressed.

This is a measurement, not a test: tests/test_search.py runs a fixed subset in the test
suite. README.md ("Search") records the numbers and the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import content  # noqa: E402

QUERIES = content.DATA / "search_queries.yml"
CHROMIUM = Path("/usr/bin/chromium")
PHRASINGS = {
    lang: content.SECTIONS[lang][-1] for lang in content.LANGS
}  # 其他问法 / Other phrasings

READY_MS: dict[str, float] = {}  # per language: page load until the worker's first answer
TARGETS = {"top3": 0.95, "mrr": 0.85, "median_ms": 50.0, "p95_ms": 150.0}


@dataclass
class Query:
    lang: str
    text: str
    pages: list[str]  # <topic>/<stem>; any of them counts as a hit
    kind: str = "typed"  # "typed" (search_queries.yml) or "phrasing" (a page's other phrasings)


@dataclass
class Outcome:
    query: Query
    results: list[str]  # <topic>/<stem> of the result pages, in order
    ms: float  # key-up to the result list in the DOM
    frame_ms: float  # ... and to the next animation frame

    @property
    def rank(self) -> int | None:
        for i, page in enumerate(self.results[:10], 1):
            if page in self.query.pages:
                return i
        return None


def load_queries(lang: str | None = None) -> list[Query]:
    data = content._parse_yaml(QUERIES.read_text(encoding="utf-8"))
    return [
        Query(code, str(row[0]), [str(p) for p in row[1:]])
        for code, rows in data.items()
        if lang in (None, code)
        for row in rows
    ]


def phrasing_queries(lang: str | None = None) -> list[Query]:
    """Every bullet of every question page's "other phrasings" section, pointing at its page."""
    queries = []
    for page in content.question_pages(lang):
        for line in page.section(PHRASINGS[page.lang]).splitlines():
            text = re.sub(r"^\s*[-*]\s+", "", line).strip()
            if line.lstrip().startswith(("-", "*")) and text:
                queries.append(Query(page.lang, text, [f"{page.topic}/{page.stem}"], "phrasing"))
    return queries


# --- the site --------------------------------------------------------------------------


def build_site(dest: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(dest)],
        cwd=content.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.exit("search_benchmark: mkdocs build failed:\n" + proc.stderr[-4000:])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def index_sizes(site: Path) -> dict[str, tuple[int, int]]:
    """Per language: (raw bytes, gzip -9 bytes) of the search index it downloads."""
    sizes = {}
    for lang in content.LANGS:
        data = (site / content.site_prefix(lang) / "search" / "search_index.json").read_bytes()
        sizes[lang] = (len(data), len(gzip.compress(data, 9)))
    return sizes


# --- the browser -----------------------------------------------------------------------

# Installed in the page: the time of the key-up on the search box, and of the first change
# of the result list (or of its "n results" line) after it.
_INSTRUMENT = """() => {
  const input = document.querySelector("input.md-search__input");
  const meta = document.querySelector(".md-search-result__meta");
  const list = document.querySelector(".md-search-result__list");
  const bench = window.__bench = {t0: 0, t1: 0, t2: 0, seq: 0};
  input.addEventListener("keyup", () => {
    bench.t0 = performance.now(); bench.t1 = 0; bench.t2 = 0;
  }, true);
  const seen = () => {
    if (!bench.t0 || bench.t1) return;
    bench.t1 = performance.now();
    requestAnimationFrame(() => { bench.t2 = performance.now(); bench.seq++; });
  };
  const observer = new MutationObserver(seen);
  observer.observe(meta, {childList: true, characterData: true, subtree: true});
  observer.observe(list, {childList: true});
}"""

_READ = """() => {
  const links = document.querySelectorAll(
    ".md-search-result__item > a.md-search-result__link:first-child");
  return {
    hrefs: [...links].map(a => new URL(a.href).pathname),
    ms: window.__bench.t1 - window.__bench.t0,
    frame_ms: window.__bench.t2 - window.__bench.t0,
  };
}"""


def page_key(path: str, lang: str) -> str:
    """/en/training/overfitting/ -> training/overfitting"""
    prefix = "/" + content.site_prefix(lang)
    return path.removeprefix(prefix).strip("/")


def open_search(page, site_url: str, lang: str) -> None:
    """Open the language's home page and wait until its search index is loaded."""
    page.goto(f"{site_url}/{content.site_prefix(lang)}")
    page.click("input.md-search__input")
    page.evaluate(_INSTRUMENT)
    # The worker answers a query only once it has loaded the index: the first answer
    # tells us it is ready.
    search(page, "__warmup__")


def search(page, text: str, timeout_ms: float = 30_000) -> dict:
    """Type a query as a reader does (fill, then a key-up) and return what is shown."""
    box = "input.md-search__input"
    if page.input_value(box) == text:  # Material searches only when the text changed
        search(page, "", timeout_ms)
    seq = page.evaluate("() => window.__bench.seq")
    page.fill(box, text)
    page.press(box, "End")
    page.wait_for_function(f"() => window.__bench.seq > {seq}", timeout=timeout_ms)
    return page.evaluate(_READ)


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


def _record_host(hosts: set[str], request) -> None:
    hosts.add(urlparse(request.url).hostname)


def run(site_url: str, queries: list[Query], browser) -> list[Outcome]:
    outcomes = []
    for lang in sorted({q.lang for q in queries}):
        context = browser.new_context()
        page = context.new_page()
        hosts: set[str] = set()
        page.on("request", functools.partial(_record_host, hosts))
        started = time.monotonic()
        open_search(page, site_url, lang)
        READY_MS[lang] = (time.monotonic() - started) * 1000
        for query in (q for q in queries if q.lang == lang):
            shown = search(page, query.text)
            results = [page_key(h, lang) for h in shown["hrefs"]]
            outcomes.append(Outcome(query, results, shown["ms"], shown["frame_ms"]))
        context.close()
        if hosts - {"127.0.0.1"}:
            sys.exit(f"search_benchmark: requests left the site: {hosts}")
    return outcomes


# --- the report ------------------------------------------------------------------------


@dataclass
class Summary:
    n: int = 0
    top1: float = 0.0
    top3: float = 0.0
    mrr: float = 0.0
    empty: list[str] = field(default_factory=list)
    median_ms: float = 0.0
    p95_ms: float = 0.0
    median_frame_ms: float = 0.0
    p95_frame_ms: float = 0.0


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def summarize(outcomes: list[Outcome]) -> Summary:
    if not outcomes:
        return Summary()
    ranks = [o.rank for o in outcomes]
    n = len(outcomes)
    return Summary(
        n=n,
        top1=sum(r == 1 for r in ranks) / n,
        top3=sum(r is not None and r <= 3 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r) / n,
        empty=[o.query.text for o in outcomes if not o.results],
        median_ms=statistics.median(o.ms for o in outcomes),
        p95_ms=_p95([o.ms for o in outcomes]),
        median_frame_ms=statistics.median(o.frame_ms for o in outcomes),
        p95_frame_ms=_p95([o.frame_ms for o in outcomes]),
    )


def report(outcomes: list[Outcome], sizes: dict, show_misses: bool) -> dict:
    table = {}
    print(
        f"{'set':<16}{'n':>5}{'top-1':>8}{'top-3':>8}{'MRR@10':>8}{'empty':>7}"
        f"{'median':>9}{'p95':>8}{'median+frame':>14}{'p95+frame':>11}"
    )
    for kind in ("typed", "phrasing"):
        for lang in content.LANGS + ("all",):
            chosen = [o for o in outcomes if o.query.kind == kind and lang in ("all", o.query.lang)]
            if not chosen:
                continue
            s = summarize(chosen)
            table[f"{kind}:{lang}"] = s.__dict__
            print(
                f"{kind + ' ' + lang:<16}{s.n:>5}{s.top1:>8.1%}{s.top3:>8.1%}{s.mrr:>8.3f}"
                f"{len(s.empty):>7}{s.median_ms:>7.1f}ms{s.p95_ms:>6.1f}ms"
                f"{s.median_frame_ms:>12.1f}ms{s.p95_frame_ms:>9.1f}ms"
            )
    print()
    for lang, (raw, gz) in sizes.items():
        ready = (
            f"; search ready {READY_MS[lang]:.0f} ms after the page load"
            if lang in READY_MS
            else ""
        )
        print(f"index {lang}: {raw / 1024:.0f} KiB raw, {gz / 1024:.0f} KiB gzip{ready}")
    misses = [o for o in outcomes if o.rank is None or o.rank > 3]
    if show_misses and misses:
        print("\nqueries whose page is not in the top 3:")
        for o in misses:
            print(
                f"  [{o.query.lang} {o.query.kind}] {o.query.text!r}: expected "
                f"{o.query.pages[0]}, rank {o.rank}; got {o.results[:4]}"
            )
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--lang", choices=content.LANGS, help="one language only")
    parser.add_argument("--no-phrasings", action="store_true", help="skip the pages' phrasings")
    parser.add_argument("--show-misses", action="store_true", help="list the queries missed")
    parser.add_argument("--json", type=Path, help="write the summary and every outcome here")
    args = parser.parse_args()

    queries = load_queries(args.lang)
    if not args.no_phrasings:
        queries += phrasing_queries(args.lang)
    with contextlib.ExitStack() as stack:
        site = args.site
        if site is None:
            site = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "site"
            print("building the site ...", file=sys.stderr)
            build_site(site)
        site_url = stack.enter_context(serve(site))
        browser = stack.enter_context(chromium())
        outcomes = run(site_url, queries, browser)
        sizes = index_sizes(site)
    table = report(outcomes, sizes, args.show_misses)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "summary": table,
                    "index_bytes": sizes,
                    "outcomes": [
                        {**o.query.__dict__, "results": o.results[:10], "rank": o.rank, "ms": o.ms}
                        for o in outcomes
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    typed = [o for o in outcomes if o.query.kind == "typed"]
    ok = all(
        summarize([o for o in typed if o.query.lang == lang]).top3 >= TARGETS["top3"]
        for lang in {o.query.lang for o in typed}
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Shared fixtures: the project's scripts on sys.path, the --device option, a built site."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
sys.path.insert(0, str(ROOT / "scripts"))
import site_build  # noqa: E402


def pytest_addoption(parser):
    parser.addoption(
        "--device",
        choices=["cpu", "cuda"],
        default="cpu",
        help="cpu: run every snippet with CUDA hidden (the recorded outputs are the CPU path's). "
        "cuda: run the '# verify: cuda' snippets on the GPU (the GPU job).",
    )


@pytest.fixture(scope="session")
def device(request) -> str:
    return request.config.getoption("--device")


@pytest.fixture(scope="session")
def built_site() -> Path:
    """`mkdocs build --strict` of the repository (scripts/site_build.py: reused while its
    inputs are unchanged). Never write into it.

    The build shows what the runner recorded (verified-on lines, figures), so the snippets
    run first; scripts/verify.py's cache makes that free when they ran already."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "verify.py")], cwd=ROOT, capture_output=True
    )  # its failures are reported by tests/test_snippets.py
    try:
        return site_build.build()
    except site_build.BuildError as exc:
        pytest.fail(str(exc), pytrace=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def send_error(self, code, message=None, explain=None):
        """A missing page gets the site's 404.html, with status 404, as on GitHub Pages."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served over HTTP on 127.0.0.1 (a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright; one per test session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `python3 scripts/dev.py test` (installs it) or "
            "`sudo apt-get install -y chromium`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records the host of every request it makes."""
    context = browser.new_context()
    tab = context.new_page()
    tab.requested_hosts = set()
    tab.on("request", lambda request: tab.requested_hosts.add(urlparse(request.url).hostname))
    yield tab
    context.close()

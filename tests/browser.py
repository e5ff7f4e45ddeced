"""Helpers of the browser tests: Debian's chromium driven by Playwright for Python.

Playwright's own browser download is never used: the tests launch ``/usr/bin/chromium`` (installed
by ``tools/setup_system.sh`` where apt is available) and skip, saying why, where it is missing.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = ("file:", "data:", "blob:", "about:", "chrome-error:")


def chromium() -> str:
    """Path of Debian's chromium, or skip the test with the reason."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser test: the Python package playwright is not installed (pip install -e '.[dev]')")
    path = os.environ.get("CRMLAB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("browser test: Debian's chromium is not installed; run `sudo tools/setup_system.sh` "
                    "(apt-get install chromium fonts-noto-cjk). Playwright's own browser is not used.")
    return path


@contextlib.contextmanager
def browser(viewport=(1280, 900)):
    """A fresh headless chromium (own --user-data-dir) and a list recording every request URL."""
    from playwright.sync_api import sync_playwright

    path = chromium()
    with tempfile.TemporaryDirectory(prefix="crmlab-chromium-") as profile, sync_playwright() as p:
        # launch_persistent_context passes --user-data-dir=<profile>: a new, empty profile each time
        context = p.chromium.launch_persistent_context(
            profile, executable_path=path, headless=True, args=FLAGS,
            viewport={"width": viewport[0], "height": viewport[1]})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        try:
            yield context, requests
        finally:
            context.close()


def refuse_network(context, allowed: tuple[str, ...] = LOCAL) -> list[str]:
    """Abort every request whose URL does not start with one of ``allowed``; returns the refused URLs."""
    refused: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(allowed):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", handle)
    return refused


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target))
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(command: list[str], url: str, env: dict | None = None, cwd: Path | None = None,
           timeout: float = 120, log: Path | None = None):
    """Start a server process, wait until ``url`` answers, stop it (by its own process id) at the end."""
    log_file = open(log, "w") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:4]} exited with {process.returncode}"
                                   + (f"; log: {log.read_text()[-2000:]}" if log else ""))
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} did not answer within {timeout} s")
                time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            log_file.close()


PYTHON = sys.executable

"""Real Chromium (Debian's, no download) driving the app as `flyte-launch serve` runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """The newcomer's command, `flyte-launch serve`, on a fresh data dir; answers its base URL."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("data")
    process = subprocess.Popen([sys.executable, "-m", "webapp.cli", "serve", "--port", str(port),
                                "--data-dir", str(data_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.terminate()
        pytest.fail("flyte-launch serve did not answer /healthz within 30 s")
    yield base
    process.terminate()
    process.wait(timeout=10)

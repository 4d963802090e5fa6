"""Real Chromium (Debian's, no download) driving the app as `flyte-launch serve` runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager

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
def served_admin(served_process):
    """The address of the sandbox admin `flyte-launch serve` started."""
    return served_process[1]


@pytest.fixture(scope="session")
def served(served_process):
    return served_process[0]


@pytest.fixture(scope="session")
def served_process(tmp_path_factory):
    """The newcomer's command, `flyte-launch serve`, on a fresh data dir; answers its URL and its admin's."""
    port = free_port()
    data_dir = tmp_path_factory.mktemp("data")
    process = subprocess.Popen([sys.executable, "-m", "webapp.cli", "serve", "--port", str(port),
                                "--data-dir", str(data_dir)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    admin_address = process.stdout.readline().rsplit(" ", 1)[1].strip()  # "Embedded sandbox FlyteAdmin at H:P"
    # keep draining its output (the access log): a full pipe would stall the server
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    with serving(process, port) as base:
        yield base, admin_address


@contextmanager
def serving(process: subprocess.Popen, port: int):
    """Waits for `flyte-launch serve` to answer /healthz, answers its base URL, and stops it afterwards."""
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
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            raise

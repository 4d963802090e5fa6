"""Time from `flyte-launch serve` to the first 200 on /healthz, and resident memory, beside a baseline.

The baseline is a one-route Flask app under the same gunicorn settings: what any Flask service pays.
Run: .venv/bin/python benchmarks/startup.py [runs]
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASELINE_APP = """
from flask import Flask
app = Flask(__name__)
@app.get("/healthz")
def healthz():
    return {"status": "ok"}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(command: list[str], port: int, cwd: str | None = None) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.01)
        elapsed = time.perf_counter() - started
        time.sleep(0.5)  # let every worker finish booting
        kids = children(process.pid)
        workers = [k for k in kids if "sandbox" not in Path(f"/proc/{k}/cmdline").read_text()]
        sandbox = [k for k in kids if k not in workers]
        memory = {"master": rss_mib(process.pid), "per worker": statistics.mean(rss_mib(w) for w in workers)}
        if sandbox:
            memory["sandbox"] = rss_mib(sandbox[0])
        return elapsed, memory
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(runs: int = 3) -> None:
    ours, base = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data:
            port = free_port()
            ours.append(measure([sys.executable, "-m", "webapp.cli", "serve", "--port", str(port),
                                 "--data-dir", data], port))
        with tempfile.TemporaryDirectory() as app_dir:
            Path(app_dir, "hello.py").write_text(BASELINE_APP)
            port = free_port()
            base.append(measure([sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2",
                                 "-k", "gthread", "--threads", "8", "hello:app"], port, cwd=app_dir))
    print(f"{'':34}{'flyte-launch serve':>20}{'baseline Flask':>18}")
    print(f"{'first 200 on /healthz (median s)':34}{statistics.median(t for t, _ in ours):>20.2f}"
          f"{statistics.median(t for t, _ in base):>18.2f}")
    for key in ("master", "per worker", "sandbox"):
        ours_mib = statistics.median(m[key] for _, m in ours if key in m) if key in ours[0][1] else None
        base_mib = statistics.median(m[key] for _, m in base) if key in base[0][1] else None
        def fmt(v):
            return f"{v:.0f} MiB" if v is not None else "-"
        print(f"{'RSS ' + key:34}{fmt(ours_mib):>20}{fmt(base_mib):>18}")
    print(f"({runs} runs, fresh data dir each time: the sandbox database is created and seeded)")


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)

"""`exodus app` in a child process on a free loopback port, for the tests that need a real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(args: list[str], cwd: Path, log_path: Path) -> Iterator[str]:
    """`exodus app ARGS --port N` run from `cwd`, in its own process group; yields its URL once it
    answers 200, and stops it (and its solara child) afterwards. The log goes to a file, not a pipe:
    a full pipe would stall the server."""
    port = free_port()
    exodus = Path(sys.executable).with_name("exodus")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(exodus), "app", *args, "--port", str(port)],
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            while True:
                if process.poll() is not None:
                    output = log_path.read_text(errors="replace")
                    pytest.fail(f"exodus app exited with {process.returncode}:\n{output}")
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"exodus app did not answer on {url} within {START_TIMEOUT_S} s")
                time.sleep(0.5)
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

"""`exodus app [SCENARIO] [--port N]`: serve the classroom page on this computer.

The scenario is checked before the server starts, so a typo is one line and exit code 2, not a page
that fails to load. The page runs in a `solara run` child process, which learns its scenario and
scale from environment variables (see `exodus.app.catalogue`). SIGTERM or SIGINT to `exodus app`
stops that child too, so the port is free again; without the `app` extra the command says how to
install it, in one line.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from exodus.app.catalogue import (
    CLASSROOM_SCALE,
    DEFAULT_SCENARIO,
    ENV_SCALE,
    ENV_SCENARIO,
    build_catalogue,
)
from exodus.cliargs import EXIT_INTERRUPTED, EXIT_USER_ERROR, scale, whole_number
from exodus.scenario.loader import ScenarioError

DEFAULT_PORT = 8765
STOP_GRACE_S = 3.0
"""How long the server may take to shut down on SIGTERM before it is killed."""
QUIET_WARNINGS = "ignore:Cookies with samesite=none require https:UserWarning"
"""Solara warns, in twelve lines on every page load, that a page served over plain http on an
address other than `localhost` gets a samesite=lax session cookie: that is what a page opened
directly (not embedded in another site) needs, so the warning says nothing a teacher can act on."""
MISSING_EXTRA = (
    "the classroom page needs the app extra: pip install 'exodus[app]' "
    "(in a clone of the repository, make setup installs it)"
)
_port = whole_number(1, 65535)
_scale = scale


def add_parser(subparsers: Any) -> None:
    """Add the `app` sub-command to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "app",
        help="serve the classroom page (a Solara page around the Mesa model) on this computer",
        description="Serve the classroom page on http://HOST:PORT/: pick a scenario, move the "
        "sliders, press reset, step and play, and watch rents and tension per town, with the "
        "previous run faded behind for comparison. The picker offers SCENARIO and every scenario "
        "file beside it; all run at --scale. SIGTERM or Ctrl-C stops the server.",
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        default=DEFAULT_SCENARIO,
        metavar="SCENARIO",
        help="scenario file, or the name of a shipped scenario, to open first "
        f"(default: {DEFAULT_SCENARIO}, the shipped classroom scenario)",
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only)",
    )
    parser.add_argument(
        "--scale",
        type=_scale,
        default=CLASSROOM_SCALE,
        help=f"agents per real household for every scenario (default: {CLASSROOM_SCALE:g}, "
        "the classroom scale)",
    )
    parser.set_defaults(func=command)


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, or None if it can."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is in use; choose another with --port N"
            return f"cannot listen on {host}:{port} ({exc.strerror or exc})"
    return None


def server_command(host: str, port: int) -> list[str]:
    """The `solara run` child that serves the page."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "exodus.app.page",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # solara would ask PyPI for a newer release, and wait for it
        "--log-level",
        "warning",
    ]


def page_installed() -> bool:
    """Whether the `app` extra (solara, which serves the page) is importable."""
    try:
        return importlib.util.find_spec("solara") is not None
    except (ImportError, ValueError):
        return False


def serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server until it exits or this process gets SIGTERM or SIGINT; on either signal the
    server is stopped (killed if it does not stop within STOP_GRACE_S) before returning."""
    server = subprocess.Popen(command, env=env)
    received: list[tuple[int, float]] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        received.append((signum, time.monotonic()))
        if server.poll() is None:
            server.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while (code := server.poll()) is None:
            if received and time.monotonic() - received[0][1] > STOP_GRACE_S:
                server.kill()
            time.sleep(0.1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        signum = received[0][0]
        return EXIT_INTERRUPTED if signum == signal.SIGINT else 128 + signum
    return code


def command(args: argparse.Namespace) -> int:
    """Check the page's packages, the scenario and the port, then serve the page until Ctrl-C or
    SIGTERM."""
    if not page_installed():
        print(f"exodus: error: {MISSING_EXTRA}", file=sys.stderr)
        return EXIT_USER_ERROR
    try:
        pages = build_catalogue(args.scenario, args.scale)
    except ScenarioError as exc:
        print(f"exodus: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"exodus: error: {problem}", file=sys.stderr)
        return EXIT_USER_ERROR
    env = {
        **os.environ,
        ENV_SCENARIO: str(pages.files[pages.first].resolve()),
        ENV_SCALE: repr(args.scale),
        "SOLARA_THEME_SHOW_BANNER": "False",  # its corner badge covers the charts' corner
        "PYTHONWARNINGS": ",".join(
            filter(None, [os.environ.get("PYTHONWARNINGS"), QUIET_WARNINGS])
        ),
    }
    print(
        f"exodus app: {len(pages.files)} scenarios ({', '.join(pages.files)}); "
        f"open http://{args.host}:{args.port}/ (Ctrl-C to stop)",
        flush=True,
    )
    return serve(server_command(args.host, args.port), env)

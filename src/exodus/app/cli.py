"""`exodus app [SCENARIO] [--port N]`: serve the classroom page on this computer.

The scenario is checked before the server starts, so a typo is one line and exit code 2, not a page
that fails to load. The page runs in a `solara run` child process, which learns its scenario and
scale from environment variables (see `exodus.app.catalogue`).
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
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
_port = whole_number(1, 65535)
_scale = scale


def add_parser(subparsers: Any) -> None:
    """Add the `app` sub-command to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "app",
        help="serve the classroom page (Mesa's SolaraViz) on this computer",
        description="Serve the classroom page on http://HOST:PORT/: pick a scenario, move the "
        "sliders, press reset, step and play, and watch rents and tension per town. The picker "
        "offers SCENARIO and every scenario file beside it; all run at --scale.",
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


def command(args: argparse.Namespace) -> int:
    """Check the scenario and the port, then serve the page until Ctrl-C."""
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
    }
    print(
        f"exodus app: {len(pages.files)} scenarios ({', '.join(pages.files)}); "
        f"open http://{args.host}:{args.port}/ (Ctrl-C to stop)",
        flush=True,
    )
    try:
        return subprocess.call(server_command(args.host, args.port), env=env)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED

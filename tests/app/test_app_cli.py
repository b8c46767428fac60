"""`exodus app`: a user's mistake is one line and exit code 2, before any server starts; a signal
stops the server and frees its port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from exodus.app.cli import port_problem, server_command
from exodus.cli import main
from tests.app.server import START_TIMEOUT_S, free_port
from tests.conftest import SCENARIOS


def test_help_names_scenario_and_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app", "--help"]) == 0
    out = capsys.readouterr().out
    assert "SCENARIO" in out and "--port" in out and "default: classroom" in out


def test_missing_scenario_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app", "no/such.yaml"]) == 2
    err = capsys.readouterr().err
    assert err == "exodus: error: no/such.yaml: no such file\n"


def test_broken_scenario_names_key_and_line(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {SCENARIOS / 'classroom.yaml'}\nattitudes:\n  compassion_mean: 3\n")
    assert main(["app", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "attitudes.compassion_mean" in err and "line 3" in err


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_bad_port_is_a_usage_error(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["app", "--port", port]) == 2
    err = capsys.readouterr().err
    assert err.startswith("exodus: error: argument --port:") and err.count("\n") == 1


def test_port_in_use_is_reported_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert port_problem("127.0.0.1", port) is not None
        assert main(["app", str(SCENARIOS / "classroom.yaml"), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"exodus: error: port {port} on 127.0.0.1 is in use; choose another with --port N\n"
    )


def test_server_serves_the_page_module_on_the_given_address() -> None:
    command = server_command("127.0.0.1", 8123)
    assert command[1:5] == ["-m", "solara", "run", "exodus.app.page"]
    assert command[command.index("--port") + 1] == "8123"
    assert command[command.index("--host") + 1] == "127.0.0.1"


def test_without_the_app_extra_one_line_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "solara", None)  # what an install without [app] looks like
    assert main(["app"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no "open http://..." for a page that cannot be served
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("exodus: error: the classroom page needs the app extra")
    assert "pip install 'exodus[app]'" in captured.err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_and_frees_the_port(tmp_path, signum: int) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("exodus")), "app", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a signal to this process only, as `kill PID` sends it
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                assert process.poll() is None, log.read_text()
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        assert response.status == 200
                        break
                except OSError:
                    assert time.monotonic() < deadline, "exodus app did not start"
                    time.sleep(0.5)
            process.send_signal(signum)
            sent = time.monotonic()
            while port_problem("127.0.0.1", port) is not None:
                assert time.monotonic() - sent < 5, "the port is still bound 5 s after the signal"
                time.sleep(0.1)
            assert process.wait(timeout=5) == (130 if signum == signal.SIGINT else 128 + signum)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    text = log.read_text()
    assert "Cookies with samesite" not in text and "Traceback" not in text, text

"""`exodus app`: a user's mistake is one line and exit code 2, before any server starts."""

from __future__ import annotations

import socket

import pytest

from exodus.app.cli import port_problem, server_command
from exodus.cli import main
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

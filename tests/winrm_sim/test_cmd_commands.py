"""cmd.exe command lines run through pywinrm's run_cmd and Protocol."""

from __future__ import annotations

import pytest


def test_echo_prints_line(session):
    response = session.run_cmd("echo", ["hello", "world"])

    assert response.std_out == b"hello world\r\n"
    assert response.std_err == b""
    assert response.status_code == 0


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("exit /b 3", 3),
        ("exit 5", 5),
        ("exit", 0),
        ('cmd /c "exit /b 4"', 4),
        ("echo hi && exit /b 2", 2),
        ("exit /b 1 || exit /b 6", 1),
        ("nosuchtool || exit /b 6", 6),
    ],
)
def test_exit_codes(session, command, expected):
    response = session.run_cmd(command)

    assert response.status_code == expected


def test_whoami_and_hostname(session, winrm_host):
    user, _ = winrm_host.credentials

    whoami = session.run_cmd("whoami")
    hostname = session.run_cmd("hostname")

    assert whoami.std_out == f"win01\\{user}\r\n".encode()
    assert hostname.std_out == b"WIN01\r\n"


def test_unknown_program_fails(session):
    response = session.run_cmd("nosuchtool", ["/all"])

    assert response.std_err == (
        b"'nosuchtool' is not recognized as an internal or external command,\r\n"
        b"operable program or batch file.\r\n"
    )
    assert response.std_out == b""
    assert response.status_code == 1


def test_command_line_too_long(session):
    response = session.run_cmd("echo " + "x" * 8200)

    assert response.std_err == b"The command line is too long.\r\n"
    assert response.std_out == b""
    assert response.status_code == 1


def test_command_line_at_limit_runs(session):
    response = session.run_cmd("echo " + "x" * (8191 - 5))

    assert response.status_code == 0
    assert response.std_out == b"x" * 8186 + b"\r\n"


def test_shell_environment_expands(protocol):
    shell_id = protocol.open_shell(env_vars={"APP_MODE": "blue"})
    command_id = protocol.run_command(shell_id, "echo %APP_MODE% %UNSET_NAME%")
    stdout, stderr, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"blue %UNSET_NAME%\r\n"
    assert code == 0


def test_working_directory_is_reported(protocol):
    shell_id = protocol.open_shell(working_directory="C:\\jobs")
    command_id = protocol.run_command(shell_id, "cd")
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert stdout == b"C:\\jobs\r\n"
    assert code == 0


def test_shell_runs_several_commands(protocol, winrm_host):
    shell_id = protocol.open_shell()
    outputs = []
    for text in ("one", "two", "three"):
        command_id = protocol.run_command(shell_id, "echo", [text])
        outputs.append(protocol.get_command_output(shell_id, command_id)[0])
        protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert outputs == [b"one\r\n", b"two\r\n", b"three\r\n"]
    assert winrm_host.state.counters["shells_created"] == 1
    assert winrm_host.state.counters["commands_started"] == 3
    assert winrm_host.state.shells == {}

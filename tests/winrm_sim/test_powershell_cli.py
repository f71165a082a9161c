"""powershell.exe command lines other than -EncodedCommand, and host processes."""

from __future__ import annotations

import time

from winrm_sim.testing import encode_ps_command


def run_in_shell(protocol, command: str, stdin: bytes | None = None):
    shell_id = protocol.open_shell()
    try:
        command_id = protocol.run_command(shell_id, command)
        if stdin is not None:
            protocol.send_command_input(shell_id, command_id, stdin, end=True)
        result = protocol.get_command_output(shell_id, command_id)
        protocol.cleanup_command(shell_id, command_id)
    finally:
        protocol.close_shell(shell_id)
    return result


def test_command_dash_reads_script_from_stdin(protocol):
    script = b"$a = 20\r\n$b = 22\r\nWrite-Output ($a + $b)\r\nexit 6\r\n"

    stdout, stderr, code = run_in_shell(
        protocol, "powershell -NoProfile -Command -", stdin=script
    )

    assert stdout == b"42\r\n"
    assert stderr == b""
    assert code == 6


def test_command_text_writes_errors_as_text(protocol):
    stdout, stderr, code = run_in_shell(
        protocol, 'powershell -Command "Write-Output hi; Get-Item C:\\nope"'
    )

    assert stdout == b"hi\r\n"
    assert stderr.startswith(
        b"Get-Item : Cannot find path 'C:\\nope' because it does not exist.\r\n"
    )
    assert not stderr.startswith(b"#< CLIXML")
    assert code == 1


def test_file_runs_a_script_from_disk(protocol, winrm_host):
    filesystem = winrm_host.state.filesystem
    filesystem.make_directory("C:\\scripts")
    filesystem.write_bytes("C:\\scripts\\hello.ps1", b"'hello from file'\r\nexit 3\r\n")

    stdout, _, code = run_in_shell(protocol, "powershell -File C:\\scripts\\hello.ps1")

    assert stdout == b"hello from file\r\n"
    assert code == 3


def test_missing_file_argument(protocol):
    _, stderr, code = run_in_shell(protocol, "powershell -File C:\\nope.ps1")

    assert (
        b"The argument 'C:\\nope.ps1' to the -File parameter does not exist." in stderr
    )
    assert code == 1


def test_stdin_lines_through_input(protocol):
    stdout, _, code = run_in_shell(
        protocol,
        encode_ps_command("$input | ForEach-Object { $_.ToUpper() }"),
        stdin=b"one\r\ntwo\r\n",
    )

    assert stdout == b"ONE\r\nTWO\r\n"
    assert code == 0


def test_get_process_lists_the_running_shell(session):
    response = session.run_ps("Get-Process -Name powershell, cmd | ForEach-Object Name")

    assert response.std_out == b"cmd\r\npowershell\r\n"


def test_stop_process_ends_another_command(protocol, session, winrm_host):
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(
        shell_id, encode_ps_command("Start-Sleep -Seconds 60; 'finished'")
    )
    process = winrm_host.state.shells[shell_id].commands[command_id].process
    time.sleep(0.3)

    response = session.run_ps(
        "Get-Process -Name powershell | Where-Object { $_.Id -ne $PID } | Stop-Process"
    )
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert response.status_code == 0
    assert process.finished
    assert stdout == b""
    assert code != 0

"""PowerShell scripts run through pywinrm's run_ps and powershell -encodedcommand."""

from __future__ import annotations

import pytest

from winrm_sim.testing import encode_ps_command as encode_ps


def run_in_shell(protocol, command: str, **shell_options) -> tuple[bytes, bytes, int]:
    shell_id = protocol.open_shell(**shell_options)
    command_id = protocol.run_command(shell_id, command)
    result = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)
    return result


def test_write_output_lines(session):
    response = session.run_ps("Write-Output 'first'\n'second'; 1 + 2")

    assert response.std_out == b"first\r\nsecond\r\n3\r\n"
    assert response.std_err == b""
    assert response.status_code == 0


def test_write_error_cleaned_by_pywinrm(session):
    response = session.run_ps("Write-Output 'before'; Write-Error 'disk full'")

    assert response.std_out == b"before\r\n"
    assert response.std_err.startswith(b"Write-Error 'disk full' : disk full\n")
    assert (
        b"+ CategoryInfo          : NotSpecified: (:) [Write-Error]" in response.std_err
    )
    assert response.status_code == 1


def test_raw_stderr_is_complete_clixml(protocol):
    _, stderr, code = run_in_shell(protocol, encode_ps("Write-Error 'x'"))

    assert stderr.startswith(b'#< CLIXML\r\n<Objs Version="1.1.0.1"')
    assert stderr.endswith(b'<S S="Error"> _x000D__x000A_</S></Objs>')
    assert code == 1


def test_warning_goes_to_stderr(session):
    response = session.run_ps("Write-Warning 'low memory'; 'done'")

    assert response.std_err == b"low memory"
    assert response.std_out == b"done\r\n"
    assert response.status_code == 0


def test_unknown_cmdlet_error_record(session):
    response = session.run_ps("Get-Nothing -Now")

    assert b"The term 'Get-Nothing' is not recognized as the name of a cmdlet" in (
        response.std_err
    )
    assert b"CommandNotFoundException" in response.std_err
    assert response.status_code == 1


def test_exit_code_from_script(session):
    response = session.run_ps("Write-Output 'bye'\nexit 4\nWrite-Output 'never'")

    assert response.std_out == b"bye\r\n"
    assert response.status_code == 4


def test_env_vars_reach_script(protocol):
    script = (
        "$env:APP_MODE; \"host=$env:COMPUTERNAME\"; $env:APP_MODE = 'x'; $env:APP_MODE"
    )
    stdout, stderr, code = run_in_shell(
        protocol, encode_ps(script), env_vars={"APP_MODE": "blue"}
    )

    assert stdout == b"blue\r\nhost=WIN01\r\nx\r\n"
    assert stderr == b""
    assert code == 0


def test_utf8_codepage_round_trip(protocol):
    stdout, _, code = run_in_shell(
        protocol, encode_ps("Write-Output 'Grüße ✓'"), codepage=65001
    )

    assert stdout.decode("utf-8") == "Grüße ✓\r\n"
    assert code == 0


def test_default_codepage_replaces_unmappable(protocol):
    stdout, _, _ = run_in_shell(protocol, encode_ps("Write-Output 'Grüße ✓'"))

    assert stdout == "Grüße ?\r\n".encode("cp437")


@pytest.mark.parametrize(
    "flags",
    [
        "-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand",
        "-nop -noni -ep Unrestricted -e",
        "-enc",
        "-EC",
    ],
)
def test_powershell_flags_accepted(session, flags):
    command = encode_ps("'ok'").replace("-encodedcommand", flags)

    response = session.run_cmd(command)

    assert response.std_out == b"ok\r\n"
    assert response.status_code == 0


def test_powershell_without_command_fails(session):
    response = session.run_cmd("powershell -NoProfile")

    assert b"not supported by the simulator" in response.std_err
    assert response.status_code == 1


def test_foreach_and_if(session):
    script = """
    foreach ($n in 1..4) {
        if ($n % 2 -eq 0) { "even $n" } else { "odd $n" }
    }
    1..2 | ForEach-Object { "item $($_ * 10)" }
    """

    response = session.run_ps(script)

    assert response.std_out == (
        b"odd 1\r\neven 2\r\nodd 3\r\neven 4\r\nitem 10\r\nitem 20\r\n"
    )
    assert response.status_code == 0


def test_write_host_ends_lines_with_lf(session):
    response = session.run_ps("Write-Host 'to host'")

    assert response.std_out == b"to host\n"

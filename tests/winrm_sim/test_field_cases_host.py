"""What the simulated Windows host sends for the failure cases seen in the field.

Each test drives the host through pywinrm and checks the bytes, records and
exit codes a Windows host sends, so the product can be tested against them.
"""

from __future__ import annotations

import base64
import time

import pytest
import winrm
from clixml_records import parse_records

from winrm_sim.server import SimServer
from winrm_sim.settings import SimSettings
from winrm_sim.testing import CLIENT_OPTIONS, encode_ps_command, make_protocol


def run_in_shell(protocol, command: str, **shell_options) -> tuple[bytes, bytes, int]:
    shell_id = protocol.open_shell(**shell_options)
    try:
        command_id = protocol.run_command(shell_id, command)
        result = protocol.get_command_output(shell_id, command_id)
        protocol.cleanup_command(shell_id, command_id)
    finally:
        protocol.close_shell(shell_id)
    return result


def start(protocol, command: str, **shell_options) -> tuple[str, str]:
    shell_id = protocol.open_shell(**shell_options)
    return shell_id, protocol.run_command(shell_id, command)


# F01: progress records on stderr of a successful command


def test_first_use_progress_only_stderr(protocol, winrm_host):
    winrm_host.state.machine.first_use_progress = True

    stdout, stderr, code = run_in_shell(
        protocol, encode_ps_command("Get-ChildItem C:\\")
    )
    records = parse_records(stderr, "cp437")
    again = run_in_shell(protocol, encode_ps_command("Get-ChildItem C:\\"))

    assert code == 0
    assert b"Windows" in stdout
    assert [r.stream for r in records] == ["progress", "progress"]
    assert records[0].text == "Preparing modules for first use. |   | -1"
    assert stderr.endswith(b"</Objs>")
    assert again[1] == b""


def test_progress_only_stderr_left_raw_by_pywinrm(session):
    response = session.run_ps(
        "Write-Progress -Activity 'Copying' -Status 'step'; 'done'"
    )

    assert response.status_code == 0
    assert response.std_out == b"done\r\n"
    assert response.std_err.startswith(b"#< CLIXML\r\n")
    assert b'<Obj S="progress" RefId="0">' in response.std_err


# F02: warning, verbose and information records in one document


def test_warning_verbose_output_in_one_document(protocol):
    script = (
        "Write-Warning 'disk almost full'; "
        'Write-Verbose "detail`r`nsecond" -Verbose; '
        "Write-Output 'ok'"
    )

    stdout, stderr, code = run_in_shell(protocol, encode_ps_command(script))
    records = parse_records(stderr, "cp437")

    assert stdout == b"ok\r\n"
    assert code == 0
    assert stderr.count(b"<Objs") == 1
    assert [(r.stream, r.text) for r in records] == [
        ("warning", "disk almost full"),
        ("verbose", "detail\r\nsecond"),
    ]
    assert b"detail_x000D__x000A_second" in stderr


def test_pywinrm_joins_warning_and_verbose(session):
    response = session.run_ps(
        "Write-Warning 'careful'; Write-Verbose 'more' -Verbose; Write-Output 'ok'"
    )

    # Windows PowerShell 5.1 writes these records without a line break, and
    # pywinrm joins the texts of all records.
    assert response.std_err == b"carefulmore"
    assert response.std_out == b"ok\r\n"


# F03: non-ASCII text inside CLIXML arrives in the shell code page


def test_progress_text_in_code_page_437(protocol):
    script = "Write-Progress -Activity 'Vorbereitung für die erste Verwendung'"

    _, stderr, code = run_in_shell(protocol, encode_ps_command(script), codepage=437)

    assert b"Vorbereitung f\x81r die erste Verwendung" in stderr
    assert parse_records(stderr, "cp437")[0].text.startswith("Vorbereitung für")
    assert code == 0


def test_progress_text_in_utf8(protocol):
    script = "Write-Progress -Activity 'Vorbereitung für die erste Verwendung'"

    _, stderr, _ = run_in_shell(protocol, encode_ps_command(script), codepage=65001)

    assert "für".encode() in stderr


# F04: the code page decides what survives


@pytest.mark.parametrize(
    ("codepage", "expected"),
    [(65001, "数据".encode()), (936, "数据".encode("gbk")), (437, b"??")],
)
def test_cmd_dir_of_chinese_folder(protocol, winrm_host, codepage, expected):
    winrm_host.state.filesystem.make_directory("C:\\data\\数据")

    stdout, _, code = run_in_shell(protocol, "cmd /c dir C:\\data", codepage=codepage)

    assert code == 0
    assert b" Directory of C:\\data\r\n" in stdout
    assert b"<DIR>          " + expected + b"\r\n" in stdout


@pytest.fixture
def french_host(make_winrm_host) -> SimServer:
    return make_winrm_host(
        settings=SimSettings(ui_language="fr-FR", allow_unencrypted=True)
    )


@pytest.mark.parametrize(
    ("codepage", "codec"), [(850, "cp850"), (65001, "utf-8"), (437, "cp437")]
)
def test_french_ipconfig_bytes(french_host, codepage, codec):
    protocol = make_protocol(french_host)

    stdout, _, code = run_in_shell(protocol, "ipconfig", codepage=codepage)

    assert code == 0
    assert "Passerelle par défaut".encode(codec) in stdout
    assert stdout.decode(codec).startswith("\r\nConfiguration IP de Windows\r\n")


def test_french_ipconfig_cp850_is_not_utf8(french_host):
    protocol = make_protocol(french_host)

    stdout, _, _ = run_in_shell(protocol, "ipconfig", codepage=850)

    assert b"d\x82faut" in stdout
    with pytest.raises(UnicodeDecodeError):
        stdout.decode("utf-8")


# F05: bytes that are not valid in the expected encoding


@pytest.mark.parametrize("byte", [0x82, 0xA0])
def test_lone_byte_from_console_stream(protocol, byte):
    script = (
        "$out = [Console]::OpenStandardOutput(); "
        f"$out.Write([byte[]]@(0x41, {byte}, 0x42), 0, 3); $out.Flush()"
    )

    stdout, _, code = run_in_shell(protocol, encode_ps_command(script), codepage=65001)

    assert stdout == bytes([0x41, byte, 0x42])
    assert code == 0


def test_lone_byte_from_type_of_a_file(protocol, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\bin")
    winrm_host.state.filesystem.write_bytes("C:\\bin\\raw.dat", b"caf\x82\r\n")

    stdout, _, code = run_in_shell(protocol, "type C:\\bin\\raw.dat", codepage=65001)

    assert stdout == b"caf\x82\r\n"
    assert code == 0


def test_lone_byte_from_native_program_in_powershell(protocol, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\bin")
    winrm_host.state.filesystem.write_bytes("C:\\bin\\nbsp.dat", b"a\xa0b\r\n")

    stdout, _, code = run_in_shell(
        protocol, encode_ps_command("cmd /c type C:\\bin\\nbsp.dat"), codepage=65001
    )

    assert stdout == b"a\xa0b\r\n"
    assert code == 0


# F06: script text with non-ASCII characters


def test_non_ascii_script_round_trip(protocol):
    stdout, _, code = run_in_shell(
        protocol, encode_ps_command("Write-Output 'Grüße ✓'"), codepage=65001
    )

    assert stdout.decode("utf-8") == "Grüße ✓\r\n"
    assert code == 0


def test_script_encoded_as_utf8_fails_with_an_error(protocol):
    encoded = base64.b64encode("Write-Output 'Grüße ✓'".encode()).decode()

    stdout, stderr, code = run_in_shell(
        protocol, f"powershell -encodedcommand {encoded}"
    )
    records = parse_records(stderr, "cp437")

    assert stdout == b""
    assert code == 1
    assert records[0].stream == "error"
    assert records[0].error_id == "CommandNotFoundException"


def test_truncated_utf16_script_gives_parse_error(protocol):
    data = "Write-Output 'ok'".encode("utf-16-le")[:-1]
    encoded = base64.b64encode(data).decode()

    stdout, stderr, code = run_in_shell(
        protocol, f"powershell -encodedcommand {encoded}"
    )
    records = parse_records(stderr, "cp437")

    assert stdout == b""
    assert code == 1
    assert records[0].error_id == "TerminatorExpectedAtEndOfString"
    assert "The string is missing the terminator: '." in records[0].lines


# F07: output arrives in bursts


def test_burst_lines_arrive_before_exit(protocol):
    script = '1..3 | ForEach-Object { "line $_"; Start-Sleep -Milliseconds 300 }'
    shell_id, command_id = start(protocol, encode_ps_command(script))
    received = []

    while True:
        stdout, _, code, done = protocol.get_command_output_raw(shell_id, command_id)
        received.append(stdout)
        if done:
            break
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert received[0] == b"line 1\r\n"
    assert b"".join(received) == b"line 1\r\nline 2\r\nline 3\r\n"
    assert code == 0


def test_two_hundred_thousand_rows(protocol):
    started = time.monotonic()

    stdout, _, code = run_in_shell(
        protocol,
        encode_ps_command('1..200000 | ForEach-Object { "row $_ äöü" }'),
        codepage=65001,
    )
    elapsed = time.monotonic() - started

    lines = stdout.decode("utf-8").split("\r\n")
    assert code == 0
    assert len(lines) == 200001
    assert lines[0] == "row 1 äöü"
    assert lines[199999] == "row 200000 äöü"
    assert elapsed < 20


# F08: scripts longer than the command line allows


def test_long_script_through_run_ps_is_too_long(session):
    script = "# " + "x" * 3100 + "\nWrite-Output 'end'"

    response = session.run_ps(script)

    assert response.status_code == 1
    assert response.std_err == b"The command line is too long.\r\n"
    assert response.std_out == b""


def test_script_under_the_limit_runs(session):
    script = "# " + "x" * 3000 + "\nWrite-Output 'end'"

    response = session.run_ps(script)

    assert response.std_out == b"end\r\n"


# F10 and F11: commands that never end, and cancelling them


def test_endless_sleep_stopped_leaves_no_process(protocol, winrm_host):
    shell_id, command_id = start(
        protocol, encode_ps_command("Start-Sleep -Seconds 86400")
    )
    process = winrm_host.state.shells[shell_id].commands[command_id].process
    deadline = time.monotonic() + 5
    while not any(p.name == "powershell" for p in winrm_host.state.machine.processes()):
        assert time.monotonic() < deadline
        time.sleep(0.02)

    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)
    process.join(timeout=5)

    names = [p.name for p in winrm_host.state.machine.processes()]
    assert process.finished
    assert "powershell" not in names
    assert "cmd" not in names
    assert winrm_host.state.processes() == []


def test_cancelled_command_never_creates_marker(protocol, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\temp")
    script = "Start-Sleep 600; New-Item C:\\temp\\marker.txt"
    shell_id, command_id = start(protocol, encode_ps_command(script))
    process = winrm_host.state.shells[shell_id].commands[command_id].process
    time.sleep(0.3)

    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)
    process.join(timeout=5)
    time.sleep(0.2)

    assert process.finished
    assert not winrm_host.state.filesystem.exists("C:\\temp\\marker.txt")


def test_marker_created_when_not_cancelled(session, winrm_host):
    winrm_host.state.filesystem.make_directory("C:\\temp")

    response = session.run_ps(
        "Start-Sleep -Milliseconds 10; New-Item C:\\temp\\marker.txt"
    )

    assert response.status_code == 0
    assert winrm_host.state.filesystem.exists("C:\\TEMP\\Marker.txt")


# F12: errors with exit code 0


def test_error_between_outputs_exits_zero(session):
    response = session.run_ps(
        "Write-Output 'step1'; Get-Item C:\\does-not-exist; Write-Output 'step2'"
    )

    assert response.std_out == b"step1\r\nstep2\r\n"
    assert response.status_code == 0
    assert response.std_err.startswith(
        b"Get-Item : Cannot find path 'C:\\does-not-exist' because it does not exist."
    )


def test_unknown_command_in_function_exits_zero(session):
    response = session.run_ps("function f { NoSuchCommand }; f")

    assert response.status_code == 0
    assert b"The term 'NoSuchCommand' is not recognized" in response.std_err


# F13: stderr text alone is not failure


def test_warning_then_exit_zero(session):
    response = session.run_ps("Write-Warning 'deprecated'; exit 0")

    assert response.status_code == 0
    assert response.std_err == b"deprecated"


def test_native_program_stderr_with_exit_zero(session):
    response = session.run_cmd("echo deprecated option 1>&2")

    assert response.status_code == 0
    assert response.std_err == b"deprecated option \r\n"
    assert response.std_out == b""


def test_native_stderr_inside_powershell_is_an_error_record(protocol):
    script = "cmd /c \"echo careful 1>&2\"; Write-Output 'done'"

    stdout, stderr, code = run_in_shell(protocol, encode_ps_command(script))
    records = parse_records(stderr, "cp437")

    assert stdout == b"done\r\n"
    assert code == 0
    assert records[0].text == "cmd : careful "
    assert records[0].error_id == "NativeCommandError"


# F14: Windows exit codes are 32-bit and sent unsigned


@pytest.mark.parametrize(
    ("script", "code"),
    [
        ("exit -1", 4294967295),
        ("[Environment]::Exit(-1073741819)", 3221225477),
        ("exit -2147024887", 2147942409),
        ("exit 2147483647", 2147483647),
    ],
)
def test_exit_codes_are_unsigned_on_the_wire(session, script, code):
    response = session.run_ps(script)

    assert response.status_code == code


def test_cmd_exit_minus_one_is_unsigned(session):
    response = session.run_cmd("exit /b -1")

    assert response.status_code == 4294967295


# F17: memory limit of a remote shell


def test_allocation_over_memory_limit_fails(session):
    response = session.run_ps("'start'; $buffer = [byte[]]::new(1.5GB); 'never'")

    assert response.status_code == 1
    assert response.std_out == b"start\r\n"
    assert response.std_err.startswith(
        b"Exception of type 'System.OutOfMemoryException' was thrown."
    )


def test_memory_limit_follows_setting(make_winrm_host):
    host = make_winrm_host(
        settings=SimSettings(max_memory_per_shell_mb=16, allow_unencrypted=True)
    )
    client = winrm.Session(
        host.url, auth=host.credentials, transport="basic", **CLIENT_OPTIONS
    )

    small = client.run_ps("([byte[]]::new(8MB)).Length")
    large = client.run_ps("New-Object byte[] 32MB")

    assert small.std_out == b"8388608\r\n"
    assert large.status_code == 1
    assert b"System.OutOfMemoryException" in large.std_err


def test_process_limit_per_shell(make_winrm_host):
    host = make_winrm_host(
        settings=SimSettings(max_processes_per_shell=2, allow_unencrypted=True)
    )
    client = winrm.Session(
        host.url, auth=host.credentials, transport="basic", **CLIENT_OPTIONS
    )

    response = client.run_ps("whoami; 'after'")

    assert response.std_out == b"after\r\n"
    assert b"Not enough quota is available to process this command." in (
        response.std_err
    )

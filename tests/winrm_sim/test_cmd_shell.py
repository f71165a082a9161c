"""The cmd.exe interpreter and powershell.exe flag parsing, run in-process."""

from __future__ import annotations

import pytest

from winrm_sim.cmd_shell import MAX_COMMAND_LINE, run_cmd_c
from winrm_sim.environment import base_environment
from winrm_sim.powershell_cli import UsageError, parse_arguments, split_arguments
from winrm_sim.process import ProcessContext, SimProcess, TextWriter


def run(command_line: str) -> tuple[str, str, int]:
    process = SimProcess(command_line)
    context = ProcessContext(
        stdout=TextWriter(process, "stdout", "cp437"),
        stderr=TextWriter(process, "stderr", "cp437"),
        stdin=process.stdin,
        stop_event=process.stop_event,
        env=base_environment("WIN01", "demo"),
        hostname="WIN01",
        username="demo",
        working_directory="C:\\Users\\demo",
        codec="cp437",
    )
    code = run_cmd_c(command_line, context)
    return (
        process.history["stdout"].decode("cp437"),
        process.history["stderr"].decode("cp437"),
        code,
    )


@pytest.mark.parametrize(
    ("command_line", "expected"),
    [
        ("echo hi", "hi\r\n"),
        ("echo   spaced  ", "  spaced  \r\n"),
        ("echo.", "\r\n"),
        ("echo", "ECHO is on.\r\n"),
        ('echo "quoted"', '"quoted"\r\n'),
        ("echo %USERNAME% on %COMPUTERNAME%", "demo on WIN01\r\n"),
        ("echo a & echo b", "a \r\nb\r\n"),
        ("echo a && echo b", "a \r\nb\r\n"),
        ('"echo" x', "x\r\n"),
        ('cmd /c "echo nested"', "nested\r\n"),
        ("set COMPUTER", "COMPUTERNAME=WIN01\r\n"),
        ("C:\\Windows\\System32\\hostname.exe", "WIN01\r\n"),
    ],
)
def test_stdout(command_line, expected):
    stdout, stderr, code = run(command_line)

    assert stdout == expected
    assert stderr == ""
    assert code == 0


def test_unknown_program_message():
    stdout, stderr, code = run("mytool.exe /x")

    assert stderr == (
        "'mytool.exe' is not recognized as an internal or external command,\r\n"
        "operable program or batch file.\r\n"
    )
    assert stdout == ""
    assert code == 1


def test_outer_quotes_stripped():
    _, stderr, _ = run('"my tool.exe" /x')

    assert stderr.startswith("'my' is not recognized")


def test_exit_stops_chain():
    stdout, _, code = run("exit /b 3 & echo never")

    assert stdout == ""
    assert code == 3


def test_too_long_line():
    _, stderr, code = run("echo " + "y" * MAX_COMMAND_LINE)

    assert stderr == "The command line is too long.\r\n"
    assert code == 1


def test_pipes_fail_clearly():
    _, stderr, code = run("echo a | findstr a")

    assert "pipes and input redirection" in stderr
    assert code == 1


def test_whoami_rejects_options():
    _, stderr, code = run("whoami /all")

    assert stderr.startswith("ERROR: Invalid argument/option - '/all'.")
    assert code == 1


def test_powershell_bad_base64():
    _, stderr, code = run("powershell -EncodedCommand not-base64!")

    assert "not properly encoded" in stderr
    assert code == 1


def test_split_arguments_keeps_quoted():
    assert split_arguments('-a "b c" d') == ["-a", "b c", "d"]


def test_parse_arguments_prefixes():
    options = parse_arguments(["-NoP", "-NonI", "-Exec", "Bypass", "-enc", "QQA="])

    assert options == {
        "noprofile": "",
        "noninteractive": "",
        "executionpolicy": "Bypass",
        "encodedcommand": "QQA=",
    }


@pytest.mark.parametrize("words", [["-No"], ["-Foo"], ["-EncodedCommand"]])
def test_parse_arguments_rejects(words):
    with pytest.raises(UsageError):
        parse_arguments(words)

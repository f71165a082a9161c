"""PowerShell conformance: each snippet of cases.txt through pywinrm against winrm_sim.

Every case runs as pywinrm's Session.run_ps sends it (`powershell
-encodedcommand`); cases marked `wrapper` also run inside the product's
generated PowerShell wrapper.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from clixml_records import parse_records
from conformance_cases import Case, load_cases
from winrm.protocol import Protocol

from app.execution.scripts import powershell_wrapper
from winrm_sim.codepages import codec_for
from winrm_sim.pytest_plugin import WINRM_HOST_PASSWORD, WINRM_HOST_USER
from winrm_sim.server import SimServer
from winrm_sim.testing import encode_ps_command, make_protocol

CASES = load_cases()


@pytest.fixture(scope="module")
def host() -> Iterator[SimServer]:
    """One host for all cases; each case uses a new shell."""
    server = SimServer(
        "127.0.0.1", 0, {WINRM_HOST_USER: WINRM_HOST_PASSWORD}, allow_unencrypted=True
    )
    with server:
        yield server


@pytest.fixture(scope="module")
def client(host: SimServer) -> Iterator[Protocol]:
    protocol = make_protocol(host)
    yield protocol
    protocol.transport.close_session()


def run_script(
    client: Protocol, script: str, codepage: int
) -> tuple[bytes, bytes, int]:
    shell_id = client.open_shell(codepage=codepage)
    try:
        command_id = client.run_command(shell_id, encode_ps_command(script))
        result = client.get_command_output(shell_id, command_id)
        client.cleanup_command(shell_id, command_id)
    finally:
        client.close_shell(shell_id)
    return result


def check(case: Case, stdout: bytes, stderr: bytes, code: int) -> None:
    codec = codec_for(case.codepage)
    records = parse_records(stderr, codec)

    assert stdout.decode(codec) == case.stdout
    assert code == case.exit_code
    expected = [record for record in case.records if record[0] != "error-id"]
    assert [(r.stream, r.text) for r in records] == expected
    ids = [text for stream, text in case.records if stream == "error-id"]
    errors = [r for r in records if r.stream == "error"]
    assert [r.error_id for r in errors][: len(ids)] == ids


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_through_run_ps(client: Protocol, case: Case) -> None:
    stdout, stderr, code = run_script(client, case.script, case.codepage)

    check(case, stdout, stderr, code)


WRAPPED = [case for case in CASES if case.wrapper]


@pytest.mark.parametrize("case", WRAPPED, ids=[case.name for case in WRAPPED])
def test_case_inside_product_wrapper(client: Protocol, case: Case) -> None:
    wrapper = powershell_wrapper(case.script, {}, stop_on_error=False)

    stdout, stderr, code = run_script(client, wrapper, case.codepage)

    check(case, stdout, stderr, code)


def test_case_file_has_enough_cases() -> None:
    assert len(CASES) >= 80

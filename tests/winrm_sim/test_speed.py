"""Throughput of the PowerShell interpreter and of output streaming.

The time limits are generous bounds that catch accidental slowdowns. On a
2-core virtual machine the two large tests took about 1 s and 9 s.
"""

from __future__ import annotations

import time

from winrm_sim.process import MAX_PENDING_BYTES
from winrm_sim.testing import encode_ps_command


def test_two_hundred_thousand_rows_within_seconds(session):
    started = time.monotonic()

    response = session.run_ps('1..200000 | ForEach-Object { "row $_ äöü" }')
    elapsed = time.monotonic() - started

    assert response.status_code == 0
    assert response.std_out.count(b"\r\n") == 200_000
    assert response.std_out.endswith("row 200000 äöü\r\n".encode("cp437"))
    assert elapsed < 15


def test_hundred_megabytes_stream_with_bounded_buffer(protocol, winrm_host):
    script = "$line = 'x' * 98; 1..1000000 | ForEach-Object { $line }"
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command(script))
    process = winrm_host.state.shells[shell_id].commands[command_id].process
    total, peak, done = 0, 0, False

    while not done:
        stdout, _, code, done = protocol.get_command_output_raw(shell_id, command_id)
        total += len(stdout)
        with process.condition:
            waiting = sum(len(chunk.data) for chunk in process.pending)
        peak = max(peak, waiting)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert total == 100_000_000
    assert code == 0
    assert peak <= MAX_PENDING_BYTES + 64 * 1024
    assert len(process.history["stdout"]) < total


def test_writer_blocks_until_receive_drains(protocol, winrm_host):
    script = "$line = 'y' * 1000; 1..20000 | ForEach-Object { $line }; 'end'"
    shell_id = protocol.open_shell()
    command_id = protocol.run_command(shell_id, encode_ps_command(script))
    process = winrm_host.state.shells[shell_id].commands[command_id].process
    time.sleep(1)

    with process.condition:
        waiting = sum(len(chunk.data) for chunk in process.pending)
    finished_early = process.finished
    stdout, _, code = protocol.get_command_output(shell_id, command_id)
    protocol.cleanup_command(shell_id, command_id)
    protocol.close_shell(shell_id)

    assert not finished_early
    assert waiting <= MAX_PENDING_BYTES + 64 * 1024
    assert stdout.endswith(b"end\r\n")
    assert code == 0

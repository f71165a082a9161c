"""The Receive operation: wait for output, then reply within MaxEnvelopeSize."""

from __future__ import annotations

import base64
import time
from xml.sax.saxutils import quoteattr

from winrm_sim import faults
from winrm_sim import namespaces as ns
from winrm_sim.context import OperationContext
from winrm_sim.envelope import envelope_overhead
from winrm_sim.namespaces import qname
from winrm_sim.process import OutputChunk, SimProcess
from winrm_sim.soap import WsmanRequest
from winrm_sim.state import Shell

RESPONSE_ACTION = f"{ns.SHELL}/ReceiveResponse"
# Windows rejects a MaxEnvelopeSize below 8192 bytes. Smaller values are raised to it.
MIN_ENVELOPE_SIZE = 8192
_WIDEST_EXIT_CODE = "-2147483648"


def receive_output(
    request: WsmanRequest, context: OperationContext, shell: Shell
) -> str:
    """Return the output written since the last Receive, waiting for some first.

    Raise the TimedOut fault when nothing happens within the request's
    OperationTimeout, capped by the host's MaxTimeoutms.
    """
    state = context.state
    desired = request.body_child(ns.SHELL, "Receive").find(
        qname(ns.SHELL, "DesiredStream")
    )
    if desired is None:
        raise faults.invalid_parameter()
    command = state.command(shell, desired.get("CommandId"))
    streams = (desired.text or "stdout stderr").split()

    budget = _body_budget(request, context, command.command_id, streams)
    deadline = time.monotonic() + _timeout_s(request, context)
    chunks, finished = _wait_and_take(command.process, streams, budget, deadline)

    if finished:
        command.done_reported = True
    return _body(command.command_id, streams, chunks, command.process, finished)


def _timeout_s(request: WsmanRequest, context: OperationContext) -> float:
    limit = context.state.settings.max_timeout_ms / 1000
    if request.operation_timeout_s is None:
        return limit
    return min(request.operation_timeout_s, limit)


def _body_budget(
    request: WsmanRequest,
    context: OperationContext,
    command_id: str,
    streams: list[str],
) -> int:
    limit = context.state.settings.max_envelope_size_kb * 1024
    if request.max_envelope_size is not None:
        limit = min(limit, request.max_envelope_size)
    limit = max(limit, MIN_ENVELOPE_SIZE)

    closing = _closing(command_id, streams, _WIDEST_EXIT_CODE)
    wrapper = len("<rsp:ReceiveResponse></rsp:ReceiveResponse>")
    overhead = envelope_overhead(RESPONSE_ACTION, request.message_id)
    return limit - overhead - wrapper - len(closing.encode())


def _wait_and_take(
    process: SimProcess, streams: list[str], budget: int, deadline: float
) -> tuple[list[OutputChunk], bool]:
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not process.wait_for_output(remaining):
            raise faults.operation_timed_out()

        with process.condition:
            chunks = _take_chunks(process, streams, budget)
            finished = process.finished and not process.pending
        if chunks or finished:
            return chunks, finished


def _take_chunks(
    process: SimProcess, streams: list[str], budget: int
) -> list[OutputChunk]:
    """Pop the chunks that fit into `budget` bytes, splitting the last one."""
    taken: list[OutputChunk] = []
    while process.pending and budget > 0:
        chunk = process.pending[0]
        if chunk.stream not in streams:
            # Clients fail on stream names they did not request, so drop them.
            process.pending.popleft()
            continue

        room = budget - _stream_overhead(chunk.stream)
        fitting = (room // 4) * 3
        if fitting <= 0:
            break
        if len(chunk.data) > fitting:
            process.pending[0] = OutputChunk(chunk.stream, chunk.data[fitting:])
            chunk = OutputChunk(chunk.stream, chunk.data[:fitting])
        else:
            process.pending.popleft()

        taken.append(chunk)
        budget -= _stream_overhead(chunk.stream) + _base64_length(len(chunk.data))
    return taken


def _stream_overhead(stream: str) -> int:
    return len(_stream_element(stream, "X" * 36, ""))


def _base64_length(size: int) -> int:
    return 4 * ((size + 2) // 3)


def _stream_element(
    stream: str, command_id: str, payload: str, end: bool = False
) -> str:
    end_attribute = ' End="true"' if end else ""
    return (
        f'<rsp:Stream Name={quoteattr(stream)} CommandId="{command_id}"{end_attribute}>'
        f"{payload}</rsp:Stream>"
    )


def _closing(command_id: str, streams: list[str], exit_code: str) -> str:
    ends = "".join(_stream_element(name, command_id, "", end=True) for name in streams)
    return (
        f'{ends}<rsp:CommandState CommandId="{command_id}" '
        f'State="{ns.COMMAND_STATE_DONE}"><rsp:ExitCode>{exit_code}</rsp:ExitCode>'
        "</rsp:CommandState>"
    )


def _body(
    command_id: str,
    streams: list[str],
    chunks: list[OutputChunk],
    process: SimProcess,
    finished: bool,
) -> str:
    parts = [
        _stream_element(chunk.stream, command_id, base64.b64encode(chunk.data).decode())
        for chunk in chunks
    ]
    if finished:
        parts.append(_closing(command_id, streams, str(process.exit_code)))
    else:
        parts.append(
            f'<rsp:CommandState CommandId="{command_id}" '
            f'State="{ns.COMMAND_STATE_RUNNING}"></rsp:CommandState>'
        )
    return f"<rsp:ReceiveResponse>{''.join(parts)}</rsp:ReceiveResponse>"

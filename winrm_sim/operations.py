"""The WinRS shell operations: Create, Command, Send, Signal and Delete.

Receive lives in `receive.py` because it waits for output and sizes replies.
The quotas and IdleTimeout rules live in `quotas.py`.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import time
import xml.etree.ElementTree as ET  # noqa: S405 - only walks parsed trees
from collections.abc import Callable
from xml.sax.saxutils import escape

from winrm_sim import config_resource, faults, programs, quotas, receive
from winrm_sim import namespaces as ns
from winrm_sim.codepages import DEFAULT_CODEPAGE, codec_for
from winrm_sim.context import OperationContext, shell_for
from winrm_sim.envelope import build_envelope
from winrm_sim.environment import Environment, base_environment
from winrm_sim.namespaces import qname
from winrm_sim.process import ProcessContext, SimProcess, TextWriter
from winrm_sim.soap import WsmanRequest
from winrm_sim.state import Command, Shell, new_guid

logger = logging.getLogger(__name__)

_GUID = re.compile(r"^[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$")

SIGNAL_TERMINATE = "terminate"
SIGNAL_CTRL_C = "ctrl_c"
SIGNAL_CTRL_BREAK = "ctrl_break"


Handler = Callable[[WsmanRequest, OperationContext, Shell], str]


def handle(request: WsmanRequest, context: OperationContext) -> bytes:
    """Run the operation a request names and return the response envelope."""
    if request.action == ns.ACTION_GET and request.resource_uri == ns.CONFIG:
        context.state.count("Get")
        body = config_resource.config_body(context.state.settings)
        return build_envelope(config_resource.RESPONSE_ACTION, request.message_id, body)

    if request.action == ns.ACTION_CREATE:
        context.state.count("Create")
        body = create_shell(request, context)
        return build_envelope(_CREATE_RESPONSE, request.message_id, body)

    entry = _HANDLERS.get(request.action)
    if entry is None:
        raise faults.action_not_supported(request.action)
    handler, response_action = entry
    context.state.count(request.action.rsplit("/", 1)[-1])
    shell = shell_for(request, context)
    with quotas.shell_activity(context.state, shell):
        body = handler(request, context, shell)
    return build_envelope(response_action, request.message_id, body)


def create_shell(request: WsmanRequest, context: OperationContext) -> str:
    """Create a shell from the rsp:Shell body and the WINRS_* options."""
    time.sleep(context.state.settings.latency.shell_create_ms / 1000)
    shell = _new_shell(request, context)
    with context.state.lock:
        quotas.check_shell_quota(context.state, shell.owner)
        context.state.add_shell(shell)
    logger.info("shell created shell_id=%s user=%s", shell.shell_id, shell.owner)
    return _shell_created_body(shell, context.endpoint)


def _new_shell(request: WsmanRequest, context: OperationContext) -> Shell:
    body = request.body_child(ns.SHELL, "Shell")
    try:
        codepage = int(request.options.get("WINRS_CODEPAGE", DEFAULT_CODEPAGE))
        codec = codec_for(codepage)
    except ValueError:
        raise faults.invalid_parameter() from None

    env = _account_environment(context.state.settings.hostname, context.username)
    for variable in body.iterfind(f"{qname(ns.SHELL, 'Environment')}/*"):
        name = variable.get("Name")
        if name:
            env[name] = variable.text or ""

    working_directory = _child_text(body, "WorkingDirectory")
    return Shell(
        shell_id=_client_id(body.get("ShellId")),
        owner=context.username,
        client_ip=context.client_ip,
        codepage=codepage,
        codec=codec,
        env=env,
        working_directory=working_directory or env["USERPROFILE"],
        no_profile=request.option_flag("WINRS_NOPROFILE", False),
        idle_timeout=_child_text(body, "IdleTimeOut"),
        idle_timeout_s=quotas.idle_timeout_s(
            context.state, _child_text(body, "IdleTimeOut")
        ),
        input_streams=_child_text(body, "InputStreams") or "stdin",
        output_streams=_child_text(body, "OutputStreams") or "stdout stderr",
    )


def _account_environment(hostname: str, account: str) -> Environment:
    """Return a shell's variables: USERNAME without, USERDOMAIN with the domain."""
    domain, _, user = account.rpartition("\\")
    env = base_environment(hostname, user)
    if domain:
        env["USERDOMAIN"] = domain
    return env


def _shell_created_body(shell: Shell, endpoint: str) -> str:
    # The selector comes first: pywinrm takes the first element with Name="ShellId".
    return (
        f"<x:ResourceCreated><a:Address>{escape(endpoint)}</a:Address>"
        f"<a:ReferenceParameters><w:ResourceURI>{ns.CMD_RESOURCE_URI}</w:ResourceURI>"
        f'<w:SelectorSet><w:Selector Name="ShellId">{shell.shell_id}</w:Selector>'
        "</w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>"
        f'<rsp:Shell xmlns:rsp="{ns.SHELL}"><rsp:ShellId>{shell.shell_id}</rsp:ShellId>'
        f"<rsp:ResourceUri>{ns.CMD_RESOURCE_URI}</rsp:ResourceUri>"
        f"<rsp:Owner>{escape(shell.owner)}</rsp:Owner>"
        f"<rsp:ClientIP>{escape(shell.client_ip)}</rsp:ClientIP>"
        f"<rsp:IdleTimeOut>{quotas.format_duration(shell.idle_timeout_s)}"
        "</rsp:IdleTimeOut>"
        f"<rsp:InputStreams>{escape(shell.input_streams)}</rsp:InputStreams>"
        f"<rsp:OutputStreams>{escape(shell.output_streams)}</rsp:OutputStreams>"
        "<rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime>"
        "<rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell>"
    )


def run_command(request: WsmanRequest, context: OperationContext, shell: Shell) -> str:
    """Start a process for rsp:CommandLine and return its CommandId."""
    element = request.body_child(ns.SHELL, "CommandLine")
    command_line = _command_line(element)
    skip_cmd_shell = request.option_flag("WINRS_SKIP_CMD_SHELL", False)
    program = programs.program_for(command_line, skip_cmd_shell)
    quotas.count_operation(context.state, shell)

    command_id = _client_id(element.get("CommandId"))
    process = SimProcess(command_line)
    command = Command(command_id, command_line, process)
    with context.state.lock:
        shell.commands[command_id] = command
        context.state.counters["commands_started"] += 1

    process.start(program, _process_context(shell, process, context))
    logger.info("command started shell_id=%s command_id=%s", shell.shell_id, command_id)
    return (
        f"<rsp:CommandResponse><rsp:CommandId>{command_id}</rsp:CommandId>"
        "</rsp:CommandResponse>"
    )


def _command_line(element: ET.Element) -> str:
    command = _child_text(element, "Command", strip=False)
    if command is None:
        raise faults.schema_validation()
    arguments = [
        argument.text or ""
        for argument in element.findall(qname(ns.SHELL, "Arguments"))
    ]
    return " ".join([command, *arguments])


def _process_context(
    shell: Shell, process: SimProcess, context: OperationContext
) -> ProcessContext:
    settings = context.state.settings
    return ProcessContext(
        stdout=TextWriter(process, "stdout", shell.codec),
        stderr=TextWriter(process, "stderr", shell.codec),
        stdin=process.stdin,
        stop_event=process.stop_event,
        env=shell.env.copy(),
        hostname=settings.hostname,
        username=shell.owner,
        working_directory=shell.working_directory,
        codec=shell.codec,
        latency=settings.latency,
        error_view_width=settings.error_view_width,
    )


def send_input(request: WsmanRequest, context: OperationContext, shell: Shell) -> str:
    """Feed rsp:Send streams to a command's stdin. End="true" closes it."""
    send = request.body_child(ns.SHELL, "Send")
    for stream in send.findall(qname(ns.SHELL, "Stream")):
        command = context.state.command(shell, stream.get("CommandId"))
        try:
            data = base64.b64decode(stream.text or "", validate=True)
        except binascii.Error:
            raise faults.invalid_parameter() from None

        if command.process.stdin.closed:
            # NOTE: the fault Windows returns for input after End="true" is not
            # known here, so the data is dropped.
            logger.warning("stdin already closed command_id=%s", command.command_id)
            continue
        command.process.stdin.feed(data)
        if (stream.get("End") or "").lower() == "true":
            command.process.stdin.close()
    return "<rsp:SendResponse/>"


def signal_command(
    request: WsmanRequest, context: OperationContext, shell: Shell
) -> str:
    """Handle terminate, ctrl_c and ctrl_break for a command, in any letter case."""
    signal = request.body_child(ns.SHELL, "Signal")
    command = context.state.command(shell, signal.get("CommandId"))
    code = (_child_text(signal, "Code") or "").lower()
    name = code.removeprefix(ns.SIGNAL_PREFIX.lower())

    if name == SIGNAL_TERMINATE or command.process.finished:
        command.process.stop("terminate signal")
        context.state.release_command(shell, command)
    elif name in (SIGNAL_CTRL_C, SIGNAL_CTRL_BREAK):
        # The command stays so that a Receive can collect its last output.
        command.process.stop(f"{name} signal")
    else:
        raise faults.invalid_parameter()
    return "<rsp:SignalResponse/>"


def delete_shell(request: WsmanRequest, context: OperationContext, shell: Shell) -> str:
    """Delete a shell. Commands still running stay behind as orphan processes."""
    context.state.remove_shell(shell.shell_id)
    logger.info("shell deleted shell_id=%s", shell.shell_id)
    return ""


def _client_id(value: str | None) -> str:
    """Return a client-chosen shell or command id, or a new one when none is given."""
    if value is None:
        return new_guid()
    if not _GUID.match(value):
        raise faults.invalid_parameter()
    return value.upper()


def _child_text(element: ET.Element, local: str, strip: bool = True) -> str | None:
    child = element.find(qname(ns.SHELL, local))
    if child is None:
        return None
    text = child.text or ""
    return text.strip() if strip else text


_CREATE_RESPONSE = f"{ns.TRANSFER}/CreateResponse"
_HANDLERS: dict[str, tuple[Handler, str]] = {
    ns.ACTION_COMMAND: (run_command, f"{ns.SHELL}/CommandResponse"),
    ns.ACTION_RECEIVE: (receive.receive_output, f"{ns.SHELL}/ReceiveResponse"),
    ns.ACTION_SEND: (send_input, f"{ns.SHELL}/SendResponse"),
    ns.ACTION_SIGNAL: (signal_command, f"{ns.SHELL}/SignalResponse"),
    ns.ACTION_DELETE: (delete_shell, f"{ns.TRANSFER}/DeleteResponse"),
}

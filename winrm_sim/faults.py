"""WS-Management faults with the codes and texts of a Windows host.

Each fault becomes an HTTP 500 response whose body is a SOAP fault with an
`f:WSManFault` detail. The texts keep the trailing space that Windows writes.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from winrm_sim import namespaces as ns
from winrm_sim.envelope import build_envelope

ERROR_OPERATION_TIMED_OUT = 2150858793
ERROR_INVALID_SELECTORS = 2150858843
ERROR_SCHEMA_VALIDATION = 2150858817
ERROR_INVALID_PARAMETER = 87
ERROR_FILE_NOT_FOUND = 2147942402
ERROR_QUOTA_MAX_SHELLS = 2150859173
ERROR_QUOTA_MAX_OPERATIONS = 2150859174


class WsmanFault(Exception):
    """A SOAP fault to send back instead of a normal response."""

    def __init__(
        self,
        *,
        code: str,
        subcode: str | None,
        reason: str,
        message: str | None = None,
        wsman_code: int | None = None,
        fault_detail: str | None = None,
        provider_fault: bool = False,
        action: str = ns.ACTION_WSMAN_FAULT,
        detail: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.code = code
        self.subcode = subcode
        self.reason = reason
        self.message = message if message is not None else reason
        self.wsman_code = wsman_code
        self.fault_detail = fault_detail
        self.provider_fault = provider_fault
        self.action = action
        # XML that replaces the f:WSManFault element in s:Detail. The
        # `wsman_code` of such a fault is only used for logs and inspection.
        self.detail = detail

    def to_envelope(self, relates_to: str | None, machine: str) -> bytes:
        """Render the fault as a response envelope."""
        return build_envelope(self.action, relates_to, self._body(machine))

    def _body(self, machine: str) -> str:
        subcode = ""
        if self.subcode:
            subcode = f"<s:Subcode><s:Value>{self.subcode}</s:Value></s:Subcode>"

        detail = ""
        if self.fault_detail:
            detail = f"<w:FaultDetail>{self.fault_detail}</w:FaultDetail>"
        detail += self.detail if self.detail is not None else self._wsman_fault(machine)

        return (
            f"<s:Fault><s:Code><s:Value>{self.code}</s:Value>{subcode}</s:Code>"
            f'<s:Reason><s:Text xml:lang="en-US">{escape(self.reason)}</s:Text>'
            f"</s:Reason><s:Detail>{detail}</s:Detail></s:Fault>"
        )

    def _wsman_fault(self, machine: str) -> str:
        code = "" if self.wsman_code is None else f' Code="{self.wsman_code}"'
        text = escape(self.message)
        if self.provider_fault:
            text = (
                '<f:ProviderFault provider="Shell cmd plugin" '
                'path="%systemroot%\\system32\\winrscmd.dll">'
                f"{text}</f:ProviderFault>"
            )
        return (
            f'<f:WSManFault xmlns:f="{ns.WSMAN_FAULT}"{code} '
            f"Machine={quoteattr(machine)}><f:Message>{text}</f:Message>"
            "</f:WSManFault>"
        )


def operation_timed_out() -> WsmanFault:
    """Return the fault for a Receive that got no output within OperationTimeout."""
    text = (
        "The WS-Management service cannot complete the operation within the "
        "time specified in OperationTimeout.  "
    )
    return WsmanFault(
        code="s:Receiver",
        subcode="w:TimedOut",
        reason=text,
        wsman_code=ERROR_OPERATION_TIMED_OUT,
    )


def _invalid_selectors(message: str) -> WsmanFault:
    return WsmanFault(
        code="s:Sender",
        subcode="w:InvalidSelectors",
        reason=(
            "The WS-Management service cannot process the request because the "
            "request contained invalid selectors for the resource. "
        ),
        message=message,
        wsman_code=ERROR_INVALID_SELECTORS,
        fault_detail=f"{ns.FAULT_DETAIL}/UnexpectedSelectors",
    )


def unknown_shell(shell_id: str) -> WsmanFault:
    """Return the fault for a ShellId that does not exist (or no longer exists)."""
    return _invalid_selectors(
        f"The request for the Windows Remote Shell with ShellId {shell_id} failed "
        "because the shell was not found on the server. Possible causes are: the "
        "specified ShellId is incorrect or the shell no longer exists on the "
        "server. Provide the correct ShellId or create a new shell and retry the "
        "operation. "
    )


def unknown_command() -> WsmanFault:
    """Return the fault for a CommandId that does not exist (or was released)."""
    return _invalid_selectors(
        "The Windows Remote Shell received a request to perform an operation on a "
        "command identifier that does not exist. Either the command has completed "
        "execution or the client specified an invalid command identifier. "
    )


def missing_shell_selector() -> WsmanFault:
    """Return the fault for a shell operation sent without a ShellId selector."""
    fault = _invalid_selectors(
        "The Windows Remote Shell cannot process the request because it requires "
        "the following selector: ShellId. Retry with the correct selector."
    )
    fault.wsman_code = None
    return fault


def invalid_parameter() -> WsmanFault:
    """Return the shell plugin's ERROR_INVALID_PARAMETER fault."""
    return WsmanFault(
        code="s:Sender",
        subcode="w:InvalidParameter",
        reason="The parameter is incorrect. ",
        wsman_code=ERROR_INVALID_PARAMETER,
        fault_detail=f"{ns.FAULT_DETAIL}/InvalidValue",
        provider_fault=True,
    )


def schema_validation() -> WsmanFault:
    """Return the fault for a body that is not well-formed or lacks an element."""
    return WsmanFault(
        code="s:Sender",
        subcode="w:SchemaValidationError",
        reason=(
            "The SOAP XML in the message does not match the corresponding XML "
            "schema definition. Change the XML and retry. "
        ),
        wsman_code=ERROR_SCHEMA_VALIDATION,
    )


def file_not_found() -> WsmanFault:
    """Return the fault for WINRS_SKIP_CMD_SHELL with an executable not found."""
    return WsmanFault(
        code="s:Receiver",
        subcode="w:InternalError",
        reason="The system cannot find the file specified. ",
        wsman_code=ERROR_FILE_NOT_FOUND,
        provider_fault=True,
    )


def action_not_supported(action: str) -> WsmanFault:
    """Return the WS-Addressing fault for an action this simulator does not serve."""
    # NOTE: the WSManFault code Windows adds to this fault is not known here,
    # so the detail carries only the message.
    return WsmanFault(
        code="s:Sender",
        subcode="a:ActionNotSupported",
        reason=f"The action {action} is not supported by the service. ",
        action=ns.ACTION_ADDRESSING_FAULT,
    )


def internal_error() -> WsmanFault:
    """Return the fault for a failure inside the simulator itself."""
    return WsmanFault(
        code="s:Receiver",
        subcode="w:InternalError",
        reason="The WS-Management service failed to process the request. ",
    )


def shell_quota_exceeded(limit: int) -> WsmanFault:
    """Return the fault for a Create beyond MaxShellsPerUser."""
    return WsmanFault(
        code="s:Sender",
        subcode="w:QuotaLimit",
        reason=(
            "The WS-Management service cannot process the request. The maximum "
            "number of concurrent shells for this user has been exceeded. Close "
            "existing shells or raise the quota for this user."
        ),
        message=(
            "The WS-Management service cannot process the request. This user is "
            f"allowed a maximum number of {limit} concurrent shells, which has been "
            "exceeded. Close existing shells or raise the quota for this user. "
        ),
        wsman_code=ERROR_QUOTA_MAX_SHELLS,
    )


def operation_quota_exceeded(limit: int) -> WsmanFault:
    """Return the fault for a Command beyond MaxConcurrentOperationsPerUser.

    Windows reports this one with an MSFT_WmiError detail, not an f:WSManFault.
    """
    text = (
        "The WS-Management service cannot process the request. This user is "
        f"allowed a maximum number of {limit} concurrent operations, which has "
        "been exceeded. Close existing operations for this user, or raise the "
        "quota for this user. "
    )
    return WsmanFault(
        code="s:Receiver",
        subcode="w:InternalError",
        reason=text,
        wsman_code=ERROR_QUOTA_MAX_OPERATIONS,
        detail=wmi_error(ERROR_QUOTA_MAX_OPERATIONS, text, cim_status=27, category=30),
    )


def wmi_error(code: int, message: str, *, cim_status: int, category: int) -> str:
    """Return a p:MSFT_WmiError detail element for an HRESULT."""
    typed = 'xsi:type="cim:{0}"'
    fields = [
        ("CIMStatusCode", "cimUnsignedInt", str(cim_status)),
        ("Message", "cimString", escape(message)),
        ("MessageID", "cimString", f"HRESULT 0x{code:x}"),
        ("error_Category", "cimUnsignedInt", str(category)),
        ("error_Code", "cimUnsignedInt", str(code)),
        ("error_Type", "cimString", "HRESULT"),
        ("error_WindowsErrorMessage", "cimString", escape(message)),
    ]
    body = "".join(
        f"<p:{name} {typed.format(kind)}>{value}</p:{name}>"
        for name, kind, value in fields
    )
    return (
        f'<p:MSFT_WmiError b:IsCIM_Error="true" xmlns:p="{ns.WMI_ERROR}" '
        f'xmlns:b="{ns.CIM_BINDING}" xmlns:cim="{ns.CIM_COMMON}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:type="p:MSFT_WmiError_Type">{body}</p:MSFT_WmiError>'
    )

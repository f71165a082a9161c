"""XML namespace URIs and URIs of WS-Management actions used by the WinRS shell."""

SOAP = "http://www.w3.org/2003/05/soap-envelope"
ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
TRANSFER = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
WSMAN_MS = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
SHELL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
WSMAN_FAULT = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
EVENTING = "http://schemas.xmlsoap.org/ws/2004/08/eventing"
ENUMERATION = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
WMI_ERROR = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError"
CIM_BINDING = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd"
CIM_COMMON = "http://schemas.dmtf.org/wbem/wscim/1/common"
CONFIG = "http://schemas.microsoft.com/wbem/wsman/1/config"

ANONYMOUS = f"{ADDRESSING}/role/anonymous"
CMD_RESOURCE_URI = f"{SHELL}/cmd"

ACTION_CREATE = f"{TRANSFER}/Create"
ACTION_DELETE = f"{TRANSFER}/Delete"
ACTION_GET = f"{TRANSFER}/Get"
ACTION_COMMAND = f"{SHELL}/Command"
ACTION_RECEIVE = f"{SHELL}/Receive"
ACTION_SEND = f"{SHELL}/Send"
ACTION_SIGNAL = f"{SHELL}/Signal"
ACTION_WSMAN_FAULT = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
ACTION_ADDRESSING_FAULT = f"{ADDRESSING}/fault"

FAULT_DETAIL = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail"

COMMAND_STATE_DONE = f"{SHELL}/CommandState/Done"
COMMAND_STATE_RUNNING = f"{SHELL}/CommandState/Running"

SIGNAL_PREFIX = f"{SHELL}/signal/"


def qname(namespace: str, local: str) -> str:
    """Return the ElementTree name `{namespace}local`."""
    return f"{{{namespace}}}{local}"

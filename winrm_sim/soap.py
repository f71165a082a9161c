"""Parse WS-Management request envelopes by namespace URI."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - DTDs are rejected before parsing
from dataclasses import dataclass, field

from winrm_sim import faults
from winrm_sim import namespaces as ns
from winrm_sim.namespaces import qname

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass
class WsmanRequest:
    """The parts of a request envelope that the shell operations use."""

    action: str
    message_id: str | None
    resource_uri: str | None
    body: ET.Element
    selectors: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    max_envelope_size: int | None = None
    operation_timeout_s: float | None = None

    def option_flag(self, name: str, default: bool) -> bool:
        """Return a boolean option, which clients send as TRUE, true or True."""
        value = self.options.get(name)
        if value is None:
            return default
        return value.strip().lower() == "true"

    def body_child(self, namespace: str, local: str) -> ET.Element:
        """Return the body element with the given name or raise a schema fault."""
        element = self.body.find(qname(namespace, local))
        if element is None:
            raise faults.schema_validation()
        return element


def parse_duration(text: str) -> float:
    """Convert an xs:duration such as `PT20S` or `PT1M30.5S` to seconds."""
    match = _DURATION.match(text.strip())
    if match is None or text.strip() in ("P", "PT"):
        raise ValueError(f"invalid xs:duration {text!r}")

    parts = {key: float(value or 0) for key, value in match.groupdict().items()}
    return (
        parts["days"] * 86400
        + parts["hours"] * 3600
        + parts["minutes"] * 60
        + parts["seconds"]
    )


def parse_request(data: bytes) -> WsmanRequest:
    """Parse a request body, raising WsmanFault for XML the service would reject."""
    # Rejecting DTDs rules out entity expansion attacks on the parser.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise faults.schema_validation()
    try:
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError:
        raise faults.schema_validation() from None

    header = root.find(qname(ns.SOAP, "Header"))
    body = root.find(qname(ns.SOAP, "Body"))
    if root.tag != qname(ns.SOAP, "Envelope") or header is None or body is None:
        raise faults.schema_validation()

    return _request_from_header(header, body)


def _request_from_header(header: ET.Element, body: ET.Element) -> WsmanRequest:
    action = _text(header, ns.ADDRESSING, "Action")
    if not action:
        raise faults.schema_validation()

    request = WsmanRequest(
        action=action,
        message_id=_text(header, ns.ADDRESSING, "MessageID"),
        resource_uri=_text(header, ns.WSMAN, "ResourceURI"),
        body=body,
        selectors=_named_values(header, "SelectorSet", "Selector"),
        options=_named_values(header, "OptionSet", "Option"),
    )

    size = _text(header, ns.WSMAN, "MaxEnvelopeSize")
    if size and size.strip().isdigit():
        request.max_envelope_size = int(size)

    timeout = _text(header, ns.WSMAN, "OperationTimeout")
    if timeout:
        try:
            request.operation_timeout_s = parse_duration(timeout)
        except ValueError:
            raise faults.schema_validation() from None
    return request


def _text(parent: ET.Element, namespace: str, local: str) -> str | None:
    element = parent.find(qname(namespace, local))
    if element is None:
        return None
    return (element.text or "").strip()


def _named_values(header: ET.Element, container: str, item: str) -> dict[str, str]:
    values: dict[str, str] = {}
    element = header.find(qname(ns.WSMAN, container))
    if element is None:
        return values
    for child in element.findall(qname(ns.WSMAN, item)):
        name = child.get("Name")
        if name:
            values[name] = (child.text or "").strip()
    return values

"""WinRM sessions to a target through pywinrm, with errors classified."""

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from winrm.exceptions import (
    InvalidCredentialsError,
    WinRMError,
    WinRMOperationTimeoutError,
    WinRMTransportError,
    WSManFaultError,
)
from winrm.protocol import Protocol

from app.execution.errors import Category, ExecutionError
from app.targets.models import Target

logger = logging.getLogger(__name__)

FAULT_SHELL_QUOTA = 2150859173
FAULT_OPERATIONS_QUOTA = 2150859174
FAULT_UNKNOWN_SELECTOR = 2150858843


@contextmanager
def protocol_for(target: Target) -> Iterator[Protocol]:
    """Yield a pywinrm Protocol for ``target``, logged on with its credential."""
    if target.credential is None:
        raise ExecutionError(
            Category.CONFIGURATION,
            f"target {target.name} has no credential: choose one on its edit page",
        )

    with _ca_bundle_file(target) as ca_path:
        try:
            protocol = Protocol(
                endpoint=target.endpoint,
                transport=target.auth,
                username=target.credential.username,
                password=target.credential.get_password(),
                server_cert_validation="validate"
                if target.validate_certificate
                else "ignore",
                # Explicit CA and proxy settings: the worker's environment
                # (REQUESTS_CA_BUNDLE, HTTPS_PROXY) must not change how a
                # target is reached.
                ca_trust_path=ca_path,
                proxy=None,
                operation_timeout_sec=target.operation_timeout_sec,
                read_timeout_sec=target.read_timeout_sec,
            )
        except (WinRMError, ImportError, ValueError) as exc:
            raise ExecutionError(
                Category.CONFIGURATION,
                f"cannot use {target.auth} authentication for {target.name}: {exc}",
            ) from exc
        yield protocol


@contextmanager
def _ca_bundle_file(target: Target) -> Iterator[str | None]:
    if not target.ca_bundle:
        yield None
        return
    handle = tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False)  # noqa: SIM115
    try:
        with handle:
            handle.write(target.ca_bundle)
        yield handle.name
    finally:
        os.unlink(handle.name)


def classify(exc: BaseException, target: Target) -> ExecutionError:
    """Turn a pywinrm or requests exception into an ExecutionError with guidance."""
    if isinstance(exc, ExecutionError):
        return exc
    where = f"{target.host}:{target.port}"
    if isinstance(exc, InvalidCredentialsError):
        return ExecutionError(
            Category.AUTHENTICATION,
            f"{target.auth} login to {where} as {target.credential.username} failed: "
            "the host rejected the user name or password; check the credential "
            "and that the host allows this authentication method",
        )
    if isinstance(exc, requests.exceptions.SSLError):
        return ExecutionError(
            Category.TLS,
            f"TLS handshake with {where} failed ({_reason(exc)}): add the host's CA "
            "bundle to the target or fix its certificate",
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        return ExecutionError(
            Category.NETWORK,
            f"cannot connect to {target.endpoint} ({_reason(exc)}): check the host "
            "name, the port and that the WinRM listener is running",
            retryable=True,
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return ExecutionError(
            Category.NETWORK,
            f"{where} did not answer within {target.read_timeout_sec} s",
            retryable=True,
        )
    if isinstance(exc, WSManFaultError):
        return _classify_fault(exc, where)
    if isinstance(exc, WinRMOperationTimeoutError):
        return ExecutionError(
            Category.TIMEOUT, f"{where} timed out an operation", retryable=True
        )
    if isinstance(exc, WinRMTransportError):
        return _classify_transport(exc, target, where)
    return ExecutionError(
        Category.PROTOCOL, f"{type(exc).__name__} while talking to {where}: {exc}"
    )


def _classify_fault(exc: WSManFaultError, where: str) -> ExecutionError:
    code = exc.wsman_fault_code or exc.wmierror_code
    if code in (FAULT_SHELL_QUOTA, FAULT_OPERATIONS_QUOTA):
        return ExecutionError(
            Category.HOST_BUSY,
            f"{where} refused a new shell or operation: the user's WinRM quota is "
            "used up; wait for other runs to finish or raise MaxShellsPerUser",
            retryable=True,
        )
    reason = (exc.reason or "").strip()
    return ExecutionError(
        Category.PROTOCOL, f"WS-Management fault {code} from {where}: {reason}"
    )


def _classify_transport(
    exc: WinRMTransportError, target: Target, where: str
) -> ExecutionError:
    if exc.code == 413:
        return ExecutionError(
            Category.CONFIGURATION,
            f"{where} rejected a request as too large (HTTP 413): raise "
            "MaxEnvelopeSizekb on the host",
        )
    if exc.code == 500 and target.transport == "http" and target.auth == "basic":
        return ExecutionError(
            Category.CONFIGURATION,
            f"{where} answered HTTP 500 to an unencrypted request: the host's "
            "AllowUnencrypted policy is probably false; use HTTPS, or NTLM or "
            "Kerberos with message encryption",
        )
    # Any other 5xx without a SOAP fault is the service failing for a moment
    # (e.g. an empty 500 or a 503 while it restarts): worth another attempt.
    return ExecutionError(
        Category.PROTOCOL,
        f"{where} answered HTTP {exc.code}: {str(exc)[:200]}",
        retryable=exc.code in (500, 502, 503),
    )


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out"):
        if marker in text:
            return marker.lower()
    return text[:160]

"""The WinRM service configuration that pypsrp reads with a WS-Transfer Get."""

from __future__ import annotations

from winrm_sim import namespaces as ns
from winrm_sim.settings import SimSettings

RESPONSE_ACTION = f"{ns.TRANSFER}/GetResponse"


def config_body(settings: SimSettings) -> str:
    """Return a cfg:Config element with the limits of `winrm get winrm/config`."""
    unencrypted = "true" if settings.allow_unencrypted else "false"
    basic = "true" if "basic" in settings.auth_methods else "false"
    negotiate = "true" if "negotiate" in settings.auth_methods else "false"
    service = (
        "<cfg:Service>"
        "<cfg:MaxConcurrentOperations>4294967295</cfg:MaxConcurrentOperations>"
        "<cfg:MaxConcurrentOperationsPerUser>"
        f"{settings.max_concurrent_operations_per_user}"
        "</cfg:MaxConcurrentOperationsPerUser>"
        "<cfg:EnumerationTimeoutms>240000</cfg:EnumerationTimeoutms>"
        "<cfg:MaxConnections>300</cfg:MaxConnections>"
        "<cfg:MaxPacketRetrievalTimeSeconds>120</cfg:MaxPacketRetrievalTimeSeconds>"
        f"<cfg:AllowUnencrypted>{unencrypted}</cfg:AllowUnencrypted>"
        f"<cfg:Auth><cfg:Basic>{basic}</cfg:Basic><cfg:Kerberos>{negotiate}"
        f"</cfg:Kerberos><cfg:Negotiate>{negotiate}</cfg:Negotiate>"
        "<cfg:Certificate>false</cfg:Certificate><cfg:CredSSP>false</cfg:CredSSP>"
        "<cfg:CbtHardeningLevel>Relaxed</cfg:CbtHardeningLevel></cfg:Auth>"
        "<cfg:DefaultPorts><cfg:HTTP>5985</cfg:HTTP><cfg:HTTPS>5986</cfg:HTTPS>"
        "</cfg:DefaultPorts></cfg:Service>"
    )
    winrs = (
        "<cfg:Winrs><cfg:AllowRemoteShellAccess>true</cfg:AllowRemoteShellAccess>"
        f"<cfg:IdleTimeout>{settings.idle_timeout_ms}</cfg:IdleTimeout>"
        "<cfg:MaxConcurrentUsers>2147483647</cfg:MaxConcurrentUsers>"
        "<cfg:MaxShellRunTime>2147483647</cfg:MaxShellRunTime>"
        f"<cfg:MaxProcessesPerShell>{settings.max_processes_per_shell}"
        "</cfg:MaxProcessesPerShell>"
        f"<cfg:MaxMemoryPerShellMB>{settings.max_memory_per_shell_mb}"
        "</cfg:MaxMemoryPerShellMB>"
        f"<cfg:MaxShellsPerUser>{settings.max_shells_per_user}</cfg:MaxShellsPerUser>"
        "</cfg:Winrs>"
    )
    return (
        f'<cfg:Config xmlns:cfg="{ns.CONFIG}">'
        f"<cfg:MaxEnvelopeSizekb>{settings.max_envelope_size_kb}</cfg:MaxEnvelopeSizekb>"
        f"<cfg:MaxTimeoutms>{settings.max_timeout_ms}</cfg:MaxTimeoutms>"
        "<cfg:MaxBatchItems>32000</cfg:MaxBatchItems>"
        "<cfg:MaxProviderRequests>4294967295</cfg:MaxProviderRequests>"
        f"{service}{winrs}</cfg:Config>"
    )

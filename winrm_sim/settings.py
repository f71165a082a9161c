"""Settings of a simulated host: limits, authentication switches and latency."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LatencyProfile:
    """Delays added to mimic a real Windows host, in milliseconds."""

    request_ms: int = 0
    shell_create_ms: int = 0
    powershell_start_ms: int = 0
    cmd_start_ms: int = 0


LATENCY_PROFILES: dict[str, LatencyProfile] = {
    "zero": LatencyProfile(),
    "realistic": LatencyProfile(
        request_ms=5,
        shell_create_ms=50,
        powershell_start_ms=300,
        cmd_start_ms=20,
    ),
}


def latency_profile(name: str) -> LatencyProfile:
    """Return the named latency profile or raise ValueError listing the known names."""
    try:
        return LATENCY_PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(LATENCY_PROFILES))
        raise ValueError(
            f"unknown latency profile {name!r}: use one of {known}"
        ) from None


@dataclass(frozen=True)
class SimSettings:
    """Behaviour of one simulated host.

    The limits default to the WinRM service defaults of Windows Server 2016:
    MaxEnvelopeSizekb 500 and MaxTimeoutms 60000.
    """

    hostname: str = "WIN01"
    latency: LatencyProfile = field(default_factory=LatencyProfile)
    # AllowUnencrypted: plain SOAP bodies, and so Basic, over HTTP. Windows: False.
    allow_unencrypted: bool = False
    max_envelope_size_kb: int = 500
    max_timeout_ms: int = 60000
    # Quotas as `winrm get winrm/config` lists them on Windows Server 2016.
    max_shells_per_user: int = 2147483647
    max_concurrent_operations_per_user: int = 1500
    idle_timeout_ms: int = 7200000
    # HTTP authentication schemes offered: "basic" and "negotiate" (NTLM, Kerberos).
    auth_methods: frozenset[str] = frozenset({"basic", "negotiate"})
    # Failed logins that lock an account (0 never locks), and for how long.
    lockout_threshold: int = 0
    lockout_duration_s: float = 600.0
    # Console width that PowerShell error views are wrapped at.
    error_view_width: int = 120
    # WinRS limits of a shell (Windows Server 2012 R2 defaults).
    max_memory_per_shell_mb: int = 1024
    max_processes_per_shell: int = 25
    # Display language of programs such as ipconfig: "en-US" or "fr-FR".
    ui_language: str = "en-US"

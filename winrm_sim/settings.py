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
    # Basic over plain HTTP; a real host defaults to False (AllowUnencrypted).
    allow_unencrypted: bool = True
    max_envelope_size_kb: int = 500
    max_timeout_ms: int = 60000
    # Console width that PowerShell error views are wrapped at.
    error_view_width: int = 120

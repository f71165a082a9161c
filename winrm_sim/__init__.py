"""winrm_sim: a stand-in Windows host that WinRM clients such as pywinrm drive.

It serves WS-Management shell operations (Create, Command, Receive, Send,
Signal, Delete) on `POST /wsman` and runs command lines with small cmd.exe and
PowerShell interpreters. Start one with `SimServer` or `python -m winrm_sim`.
"""

from winrm_sim.server import SimServer
from winrm_sim.settings import LATENCY_PROFILES, LatencyProfile, SimSettings
from winrm_sim.state import Command, HostState, Shell

__all__ = [
    "LATENCY_PROFILES",
    "Command",
    "HostState",
    "LatencyProfile",
    "Shell",
    "SimServer",
    "SimSettings",
]

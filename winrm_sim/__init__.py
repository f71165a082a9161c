"""winrm_sim: a stand-in Windows host that WinRM clients such as pywinrm drive.

It serves WS-Management shell operations (Create, Command, Receive, Send,
Signal, Delete) on `POST /wsman` over HTTP or HTTPS, with Basic, NTLM and
Kerberos logons, and runs command lines with small cmd.exe and PowerShell
interpreters. Start one with `SimServer`, many with `SimFleet`, or run
`python -m winrm_sim`.
"""

from winrm_sim.fault_injection import FaultPlan
from winrm_sim.fleet import SimFleet
from winrm_sim.server import SimServer
from winrm_sim.settings import LATENCY_PROFILES, LatencyProfile, SimSettings
from winrm_sim.state import Command, HostState, Shell

__all__ = [
    "LATENCY_PROFILES",
    "Command",
    "FaultPlan",
    "HostState",
    "LatencyProfile",
    "Shell",
    "SimFleet",
    "SimServer",
    "SimSettings",
]

"""Native programs of a simulated host: whoami, hostname, ipconfig, icacls, chcp.

cmd.exe and powershell.exe live in `cmd_shell` and `powershell_cli`. Every
program takes the argument text and a ProcessContext and returns its exit code.
"""

from __future__ import annotations

from collections.abc import Callable

from winrm_sim.icacls import run_icacls
from winrm_sim.machine import machine_of
from winrm_sim.process import ProcessContext

NativeProgram = Callable[[str, ProcessContext], int]

_IPCONFIG = {
    "en-US": (
        "\r\nWindows IP Configuration\r\n\r\n\r\nEthernet adapter Ethernet:\r\n\r\n"
        "   Connection-specific DNS Suffix  . : \r\n"
        "   Link-local IPv6 Address . . . . . : fe80::5d2e:9a41:7c3b:1f0e%4\r\n"
        "   IPv4 Address. . . . . . . . . . . : 10.0.0.5\r\n"
        "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n"
        "   Default Gateway . . . . . . . . . : 10.0.0.1\r\n"
    ),
    # NOTE: the French labels follow the layout of French Windows Server output
    # as commonly reported; the exact dot padding may differ by build.
    "fr-FR": (
        "\r\nConfiguration IP de Windows\r\n\r\n\r\nCarte Ethernet Ethernet :\r\n\r\n"
        "   Suffixe DNS propre à la connexion. . . : \r\n"
        "   Adresse IPv6 de liaison locale. . . . .: fe80::5d2e:9a41:7c3b:1f0e%4\r\n"
        "   Adresse IPv4. . . . . . . . . . . . . .: 10.0.0.5\r\n"
        "   Masque de sous-réseau. . . . . . . . . : 255.255.255.0\r\n"
        "   Passerelle par défaut. . . . . . . . . : 10.0.0.1\r\n"
    ),
}


def whoami(arguments: str, context: ProcessContext) -> int:
    """Print `computer\\user` in lower case."""
    if arguments.strip():
        context.stderr.write(
            f"ERROR: Invalid argument/option - '{arguments.split()[0]}'.\r\n"
            'Type "WHOAMI /?" for usage.\r\n'
        )
        return 1
    context.stdout.write(f"{context.hostname.lower()}\\{context.username.lower()}\r\n")
    return 0


def hostname(arguments: str, context: ProcessContext) -> int:
    """Print the computer name."""
    if arguments.strip():
        context.stderr.write(
            "sethostname: Use the Network Control Panel Applet to set hostname.\r\n"
        )
        return 1
    context.stdout.write(context.hostname + "\r\n")
    return 0


def ipconfig(arguments: str, context: ProcessContext) -> int:
    """Print the IP configuration in the host's display language."""
    language = machine_of(context.env, context.hostname).ui_language
    context.stdout.write(_IPCONFIG.get(language, _IPCONFIG["en-US"]))
    return 0


def chcp(arguments: str, context: ProcessContext) -> int:
    """Print the active console code page (changing it is not supported)."""
    page = {"utf-8": 65001, "gbk": 936}.get(context.codec, None)
    if page is None:
        page = int(context.codec.removeprefix("cp"))
    context.stdout.write(f"Active code page: {page}\r\n")
    return 0


def icacls(arguments: str, context: ProcessContext) -> int:
    """Show or change access rules of files."""
    machine = machine_of(context.env, context.hostname)
    return run_icacls(arguments, context, machine.filesystem)


PROGRAMS: dict[str, NativeProgram] = {
    "whoami": whoami,
    "hostname": hostname,
    "ipconfig": ipconfig,
    "chcp": chcp,
    "icacls": icacls,
}

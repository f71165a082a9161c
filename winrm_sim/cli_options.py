"""The options of `python -m winrm_sim`."""

from __future__ import annotations

import argparse

from winrm_sim.fleet import LAYOUTS
from winrm_sim.settings import LATENCY_PROFILES, SimSettings

_DEFAULTS = SimSettings()


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add every option of the command line to `parser`."""
    _add_listener_options(parser)
    _add_auth_options(parser)
    _add_limit_options(parser)
    _add_fleet_options(parser)
    parser.add_argument(
        "--latency-profile",
        choices=sorted(LATENCY_PROFILES),
        default="zero",
        help="added delays: zero, or realistic (5 ms per request, 50 ms per "
        "shell, 300 ms per powershell.exe start, 20 ms per cmd.exe start)",
    )
    parser.add_argument(
        "--log-level", default="WARNING", help="logging level, such as INFO or DEBUG"
    )


def _add_listener_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument(
        "--port",
        type=int,
        help="TCP port to bind: default 5985, or 5986 with HTTPS; 0 picks a free port",
    )
    parser.add_argument(
        "--hostname",
        help="computer name to report (default WIN01); with --hosts N, the "
        "prefix of the names, which end in 001, 002, ... (default WIN)",
    )
    parser.add_argument(
        "--https",
        action="store_true",
        help="serve HTTPS; without --cert, with a new test CA and a host certificate "
        "for localhost and the bound addresses, and print the CA path",
    )
    parser.add_argument("--cert", help="PEM certificate (chain) for HTTPS")
    parser.add_argument("--key", help="PEM private key of --cert")
    parser.add_argument(
        "--inspection-token",
        help="bearer token of the /_sim/ inspection endpoint (default: random, "
        "printed at start)",
    )


def _add_auth_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:PASSWORD",
        help="account; NAME is local, DOMAIN\\NAME a domain account (repeat for more)",
    )
    parser.add_argument(
        "--auth",
        default="basic,negotiate",
        help="comma-separated schemes to offer: basic, negotiate (NTLM and "
        "Kerberos); default: basic,negotiate",
    )
    parser.add_argument(
        "--allow-unencrypted",
        action="store_true",
        help="accept plain SOAP bodies, and so Basic, over HTTP "
        "(AllowUnencrypted=true); off by default as on Windows",
    )
    parser.add_argument(
        "--lockout-threshold",
        type=int,
        default=_DEFAULTS.lockout_threshold,
        help="failed logins that lock an account (0 never locks)",
    )
    parser.add_argument(
        "--lockout-duration",
        type=float,
        default=_DEFAULTS.lockout_duration_s,
        help="seconds an account stays locked out",
    )


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-envelope-size-kb",
        type=int,
        default=_DEFAULTS.max_envelope_size_kb,
        help="MaxEnvelopeSizekb: larger requests get HTTP 413 (KiB)",
    )
    parser.add_argument(
        "--max-timeout-ms",
        type=int,
        default=_DEFAULTS.max_timeout_ms,
        help="MaxTimeoutms: cap of a request's OperationTimeout (ms)",
    )
    parser.add_argument(
        "--max-shells-per-user",
        type=int,
        default=_DEFAULTS.max_shells_per_user,
        help="MaxShellsPerUser: open shells per user",
    )
    parser.add_argument(
        "--max-operations-per-user",
        type=int,
        default=_DEFAULTS.max_concurrent_operations_per_user,
        help="MaxConcurrentOperationsPerUser: Commands per user in open shells",
    )
    parser.add_argument(
        "--idle-timeout-ms",
        type=int,
        default=_DEFAULTS.idle_timeout_ms,
        help="IdleTimeout: a shell without requests for this long is deleted (ms)",
    )


def _add_fleet_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hosts", type=int, default=1, help="number of hosts to serve (default 1)"
    )
    parser.add_argument(
        "--base-address", help="address of the first host (default: --host)"
    )
    parser.add_argument(
        "--base-port", type=int, help="port of the first host (default: --port)"
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="ports",
        help="ports: one address, consecutive ports; addresses: 127.0.0.X "
        "addresses counting up from --base-address, all on one port",
    )

"""Command line: `python -m winrm_sim --user NAME:PASSWORD [options]`."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
import threading

from winrm_sim.certificates import DEFAULT_HOSTNAMES, make_certificate_set
from winrm_sim.cli_options import add_options
from winrm_sim.fleet import SimFleet, host_addresses
from winrm_sim.settings import SimSettings, latency_profile

logger = logging.getLogger("winrm_sim")

HTTP_PORT = 5985
HTTPS_PORT = 5986


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m winrm_sim",
        description="Serve simulated Windows WinRM hosts until SIGTERM or SIGINT.",
    )
    add_options(parser)
    return parser


def parse_users(values: list[str]) -> dict[str, str]:
    """Parse NAME:PASSWORD strings into a mapping.

    Raise ValueError for a value without a colon or without a name.
    """
    users: dict[str, str] = {}
    for value in values:
        name, separator, password = value.partition(":")
        if not name or not separator:
            raise ValueError(
                f"invalid --user value {name or value!r}: use NAME:PASSWORD"
            )
        users[name] = password
    return users


def settings_from(args: argparse.Namespace) -> SimSettings:
    """Return the host settings the options ask for."""
    methods = frozenset(item.strip().lower() for item in args.auth.split(",") if item)
    return dataclasses.replace(
        SimSettings(),
        latency=latency_profile(args.latency_profile),
        allow_unencrypted=args.allow_unencrypted,
        max_envelope_size_kb=args.max_envelope_size_kb,
        max_timeout_ms=args.max_timeout_ms,
        max_shells_per_user=args.max_shells_per_user,
        max_concurrent_operations_per_user=args.max_operations_per_user,
        idle_timeout_ms=args.idle_timeout_ms,
        auth_methods=methods,
        lockout_threshold=args.lockout_threshold,
        lockout_duration_s=args.lockout_duration,
    )


def build_fleet(args: argparse.Namespace, users: dict[str, str]) -> SimFleet:
    """Return the hosts the options describe, not started yet."""
    https = args.https or args.cert is not None
    base_address = args.base_address or args.host
    base_port = args.base_port if args.base_port is not None else args.port
    if base_port is None:
        base_port = HTTPS_PORT if https else HTTP_PORT
    addresses = host_addresses(args.hosts, base_address, base_port, args.layout)

    certfile, keyfile = args.cert, args.key
    if https and certfile is None:
        names = [*DEFAULT_HOSTNAMES, *sorted({address for address, _ in addresses})]
        certificates = make_certificate_set(hostnames=dict.fromkeys(names))
        certfile, keyfile = certificates.host.cert, certificates.host.key
        print(f"winrm_sim CA certificate: {certificates.ca.cert}", flush=True)

    return SimFleet(
        args.hosts,
        users,
        base_address=base_address,
        base_port=base_port,
        layout=args.layout,
        hostname_prefix=args.hostname or "WIN",
        hostnames=[args.hostname or "WIN01"] if args.hosts == 1 else None,
        settings=settings_from(args),
        certfile=certfile,
        keyfile=keyfile,
        inspection_token=args.inspection_token,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the hosts until SIGTERM or SIGINT and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    try:
        users = parse_users(args.user)
        fleet = build_fleet(args, users)
    except ValueError as error:
        parser.error(str(error))
    if not users:
        parser.error("at least one --user NAME:PASSWORD is required")

    return serve(fleet)


def serve(fleet: SimFleet) -> int:
    """Start the hosts, print their URLs and serve until SIGTERM or SIGINT."""
    stop_requested = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop_requested.set())

    try:
        fleet.start()
    except OSError as error:
        print(f"winrm_sim: cannot listen: {error}", file=sys.stderr)
        return 1
    for host in fleet:
        print(f"winrm_sim listening on {host.url}", flush=True)
    print(f"winrm_sim inspection token: {fleet.inspection_token}", flush=True)

    while not stop_requested.wait(0.2):
        pass
    fleet.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: `python -m winrm_sim --user NAME:PASSWORD [options]`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from winrm_sim.server import SimServer
from winrm_sim.settings import LATENCY_PROFILES

logger = logging.getLogger("winrm_sim")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m winrm_sim",
        description="Serve a simulated Windows WinRM host until SIGTERM or SIGINT.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument(
        "--port", type=int, default=5985, help="TCP port to bind (0 picks a free port)"
    )
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:PASSWORD",
        help="local account accepted by Basic authentication (repeat for more)",
    )
    parser.add_argument(
        "--latency-profile",
        choices=sorted(LATENCY_PROFILES),
        default="zero",
        help="added delays: zero, or realistic (5 ms per request, 50 ms per "
        "shell, 300 ms per powershell.exe start, 20 ms per cmd.exe start)",
    )
    parser.add_argument("--hostname", default="WIN01", help="computer name to report")
    parser.add_argument(
        "--log-level", default="WARNING", help="logging level, such as INFO or DEBUG"
    )
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


def main(argv: list[str] | None = None) -> int:
    """Run the server until SIGTERM or SIGINT and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    try:
        users = parse_users(args.user)
    except ValueError as error:
        parser.error(str(error))
    if not users:
        parser.error("at least one --user NAME:PASSWORD is required")

    stop_requested = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop_requested.set())

    server = SimServer(
        args.host,
        args.port,
        users,
        hostname=args.hostname,
        latency=args.latency_profile,
    )
    try:
        server.start()
    except OSError as error:
        print(
            f"winrm_sim: cannot listen on {args.host}:{args.port}: {error}",
            file=sys.stderr,
        )
        return 1
    print(f"winrm_sim listening on {server.url}", flush=True)

    while not stop_requested.wait(0.2):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

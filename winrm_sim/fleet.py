"""Many simulated hosts in one process, each with its own state and faults.

Hosts differ either by port (`layout="ports"`: base address, ports from the
base port on) or by loopback address (`layout="addresses"`: 127.0.0.1,
127.0.0.2, ... all on the base port). One accept thread serves every
listening socket; each connection still gets its own thread.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from winrm_sim.listener import AcceptLoop
from winrm_sim.server import SimServer

logger = logging.getLogger(__name__)

LAYOUTS = ("ports", "addresses")


class SimFleet:
    """`count` SimServers named `<hostname_prefix>001`, `...002` and so on.

    `hostnames` gives every host's name instead.

    Extra keyword arguments go to every `SimServer`, such as `settings`,
    `allow_unencrypted`, `certfile` and `keyfile`. With `base_port=0` and the
    ports layout each host gets a free port. All hosts share one inspection
    token, `inspection_token`, generated unless given.
    """

    def __init__(
        self,
        count: int,
        users: Mapping[str, str],
        *,
        base_address: str = "127.0.0.1",
        base_port: int = 0,
        layout: str = "ports",
        hostname_prefix: str = "WIN",
        hostnames: Sequence[str] | None = None,
        **server_options: Any,
    ) -> None:
        if count < 1:
            raise ValueError(f"a fleet needs at least one host, not {count}")
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}: use ports or addresses")
        if layout == "addresses" and base_port == 0:
            raise ValueError("the addresses layout needs a base port other than 0")
        addresses = host_addresses(count, base_address, base_port, layout)
        names = list(hostnames or [])
        if names and len(names) != count:
            raise ValueError(f"{len(names)} host names given for {count} hosts")
        names = names or [
            f"{hostname_prefix}{index:03d}" for index in range(1, count + 1)
        ]
        server_options.setdefault("inspection_token", secrets.token_urlsafe(24))
        self.inspection_token: str = server_options["inspection_token"]
        self.hosts = [
            SimServer(address, port, users, hostname=name, **server_options)
            for name, (address, port) in zip(names, addresses, strict=True)
        ]
        self._loop: AcceptLoop | None = None

    def start(self) -> SimFleet:
        """Start every host; on a failure stop the ones already started."""
        self._loop = AcceptLoop(name="winrm-sim-fleet-accept")
        started: list[SimServer] = []
        try:
            for host in self.hosts:
                host.start(accept_loop=self._loop)
                started.append(host)
        except OSError:
            for host in started:
                host.stop()
            self._loop.close()
            self._loop = None
            raise
        logger.info("fleet started hosts=%d", len(self.hosts))
        return self

    def stop(self) -> None:
        """Stop every host and the accept thread."""
        for host in self.hosts:
            host.stop()
        if self._loop is not None:
            self._loop.close()
            self._loop = None
        logger.info("fleet stopped hosts=%d", len(self.hosts))

    @property
    def urls(self) -> list[str]:
        """Return the endpoint URL of every host, in host order."""
        return [host.url for host in self.hosts]

    def __iter__(self) -> Iterator[SimServer]:
        return iter(self.hosts)

    def __len__(self) -> int:
        return len(self.hosts)

    def __enter__(self) -> SimFleet:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def host_addresses(
    count: int, base_address: str, base_port: int, layout: str
) -> list[tuple[str, int]]:
    """Return the (address, port) of each host of a fleet.

    Raise ValueError when an address would leave the loopback range or a
    port would pass 65535.
    """
    if layout == "ports":
        last = base_port + count - 1
        if base_port and last > 65535:
            raise ValueError(f"ports {base_port}-{last} pass 65535")
        ports = [base_port + index if base_port else 0 for index in range(count)]
        return [(base_address, port) for port in ports]

    first = ipaddress.ip_address(base_address)
    addresses = [first + index for index in range(count)]
    outside = [str(item) for item in addresses if not item.is_loopback]
    if outside:
        raise ValueError(f"address {outside[0]} is not a loopback address")
    return [(str(address), base_port) for address in addresses]

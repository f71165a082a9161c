"""One thread that accepts connections for any number of listening sockets.

A fleet of hundreds of simulated hosts would otherwise need one accept thread
per host. Each accepted connection is still served on its own thread.
"""

from __future__ import annotations

import logging
import queue
import selectors
import socket
import threading
from socketserver import BaseServer

logger = logging.getLogger(__name__)


class AcceptLoop:
    """Waits on listening servers and calls `handle_request` on the ready ones.

    Servers are added and removed through a queue that the loop thread
    drains, so the selector is only touched by that thread.
    """

    def __init__(self, name: str = "winrm-sim-accept") -> None:
        self._selector = selectors.DefaultSelector()
        self._changes: queue.Queue[tuple[str, BaseServer, threading.Event]] = (
            queue.Queue()
        )
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._selector.register(self._wake_reader, selectors.EVENT_READ, None)
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def add(self, server: BaseServer) -> None:
        """Start accepting connections for a bound and listening server."""
        self._change("add", server)

    def remove(self, server: BaseServer) -> None:
        """Stop accepting for a server; return once the loop no longer uses it."""
        self._change("remove", server)

    def close(self) -> None:
        """End the loop thread and release its selector."""
        if self._closed:
            return
        self._closed = True
        self._wake_writer.send(b"x")
        self._thread.join()
        self._selector.close()
        self._wake_reader.close()
        self._wake_writer.close()

    def _change(self, action: str, server: BaseServer) -> None:
        if self._closed:
            raise RuntimeError("the accept loop is closed")
        done = threading.Event()
        self._changes.put((action, server, done))
        self._wake_writer.send(b"x")
        done.wait()

    def _run(self) -> None:
        while not self._closed:
            for key, _ in self._selector.select():
                if key.data is None:
                    self._drain_wakeups()
                else:
                    self._accept(key.data)
            self._apply_changes()

    def _drain_wakeups(self) -> None:
        try:
            while self._wake_reader.recv(4096):
                pass
        except BlockingIOError:
            pass

    def _accept(self, server: BaseServer) -> None:
        try:
            server.handle_request()
        except OSError as error:
            logger.warning("accept failed server=%s error=%s", server, error)

    def _apply_changes(self) -> None:
        while True:
            try:
                action, server, done = self._changes.get_nowait()
            except queue.Empty:
                return
            if action == "add":
                self._selector.register(server.socket, selectors.EVENT_READ, server)
            else:
                self._selector.unregister(server.socket)
            done.set()

"""PostgreSQL, Redis and an RQ worker process set up for one benchmark run.

With DATABASE_URL set, the benchmark creates its own database on that server and
drops it at the end. Otherwise an embedded PostgreSQL starts under a temporary
folder. Redis works the same way with REDIS_URL, and the benchmark uses only
its own db index (BENCH_REDIS_DB, default 14), which it empties when it ends.
"""

import atexit
import ipaddress
import logging
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg2
from cryptography.fernet import Fernet
from redis import Redis
from rq import Worker

ROOT = Path(__file__).resolve().parent.parent
BENCH_REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "14"))
WORKER_START_TIMEOUT_SECONDS = 60.0

logger = logging.getLogger(__name__)


class BenchSetupError(RuntimeError):
    """A service the benchmark needs is missing, unsafe to use or failed to start."""


def require_loopback(url: str) -> None:
    """Raise BenchSetupError unless ``url`` names a Unix socket or a loopback host."""
    host = urlsplit(url).hostname
    if not host or host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise BenchSetupError(
        f"{url.split('@')[-1]} is not on this machine. The benchmark talks only "
        "to loopback addresses and Unix sockets: unset the variable to use "
        "embedded services"
    )


def bench_services(stack: ExitStack) -> dict[str, str]:
    """Prepare a fresh database and Redis index and return the app's settings.

    Everything started here is stopped or dropped when ``stack`` closes.
    """
    database_server = os.environ.get("DATABASE_URL")
    redis_server = os.environ.get("REDIS_URL")
    for url in (database_server, redis_server):
        if url:
            require_loopback(url)
    if not (database_server and redis_server):
        from app.embedded import start_embedded

        folder = Path(tempfile.mkdtemp(prefix="opsc-bench-"))
        # pgserver's own exit handler recreates a lock file in this folder, so
        # the folder is removed at exit, after that handler (atexit is LIFO).
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        embedded = start_embedded(folder)
        stack.callback(embedded.stop)
        database_server = database_server or embedded.database_url
        redis_server = redis_server or embedded.redis_url

    redis_url = _redis_index_url(redis_server, BENCH_REDIS_DB)
    _require_empty_index(redis_url)
    stack.callback(_flush_index, redis_url)
    return {
        "DATABASE_URL": _create_database(database_server, stack),
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "CREDENTIAL_KEY": Fernet.generate_key().decode(),
    }


def _create_database(server_url: str, stack: ExitStack) -> str:
    name = f"opsc_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    stack.callback(drop)
    return urlunsplit(urlsplit(server_url)._replace(path="/" + name))


def _redis_index_url(server_url: str, index: int) -> str:
    parts = urlsplit(server_url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(index)
        # Built by hand: urlunsplit drops the "//" of a unix:// URL, which
        # redis-py then rejects.
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{index}"))


def _require_empty_index(redis_url: str) -> None:
    keys = Redis.from_url(redis_url).dbsize()
    if keys:
        raise BenchSetupError(
            f"Redis db {BENCH_REDIS_DB} already contains {keys} keys, so another "
            "program may be using it: set BENCH_REDIS_DB to a free index"
        )


def _flush_index(redis_url: str) -> None:
    Redis.from_url(redis_url).flushdb()


def commit_round_trip_ms(database_url: str, count: int = 50) -> float:
    """Return the median time in ms of a one-row INSERT and its COMMIT."""
    connection = psycopg2.connect(database_url)
    times = []
    try:
        with connection.cursor() as cursor:
            # A regular table: a transaction that writes only to a temporary
            # table commits without waiting for the WAL flush.
            cursor.execute("CREATE TABLE bench_commit_probe (id serial PRIMARY KEY)")
            connection.commit()
            for _ in range(count):
                started = time.perf_counter()
                cursor.execute("INSERT INTO bench_commit_probe DEFAULT VALUES")
                connection.commit()
                times.append((time.perf_counter() - started) * 1000)
            cursor.execute("DROP TABLE bench_commit_probe")
            connection.commit()
    finally:
        connection.close()
    return statistics.median(times)


def start_worker(env: dict[str, str], log_path: Path, stack: ExitStack) -> str:
    """Start one `python worker.py` process and wait until RQ lists it as idle.

    Returns the worker name. The process is stopped when ``stack`` closes.
    """
    name = f"bench-{os.getpid()}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "worker.py", "--name", name],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack.callback(stop_process_group, process)
    _wait_until_idle(Redis.from_url(env["REDIS_URL"]), name, process, log_path)
    return name


def _wait_until_idle(redis, name, process, log_path: Path) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchSetupError(
                f"worker.py exited with code {process.returncode}:\n" + _tail(log_path)
            )
        workers = Worker.all(connection=redis)
        if any(w.name == name and w.get_state() == "idle" for w in workers):
            return
        time.sleep(0.1)
    raise BenchSetupError(
        f"worker {name} was not idle after {WORKER_START_TIMEOUT_SECONDS:.0f} s:\n"
        + _tail(log_path)
    )


def _tail(log_path: Path, lines: int = 20) -> str:
    # The log lives in a temporary folder that is removed on exit.
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a process started with its own session, and its children, by id."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        logger.warning(
            "process %s did not exit within 10 s of SIGTERM, sending SIGKILL",
            process.pid,
        )
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

"""Factories, logged-in clients, a real RQ worker process and a live web server."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.auth.models import User
from app.credentials.models import Credential
from app.extensions import db
from app.jobs.models import Job, JobParameter, JobStep
from app.runs.models import Run
from app.targets.models import Target

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def csrf_token(client, url: str) -> str:
    """Read the CSRF token from the form on ``url``."""
    page = client.get(url)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


@pytest.fixture
def make_user(app_context):
    def make(username: str = "alice", role: str = "operator") -> User:
        user = User(username=username, role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client, make_user):
    """Log the test client in as a new user with ``role``; return the user."""

    def log_in(role: str = "operator", username: str | None = None) -> User:
        user = make_user(username or role, role)
        response = client.post(
            "/login",
            data={
                "username": user.username,
                "password": PASSWORD,
                "csrf_token": csrf_token(client, "/login"),
            },
        )
        assert response.status_code == 302, response.text
        return user

    return log_in


@pytest.fixture
def make_target(app_context):
    def make(
        sim=None,
        name: str = "win01",
        username: str | None = None,
        password: str | None = None,
        **fields,
    ) -> Target:
        """Add a target; with ``sim`` it points at that winrm_sim server."""
        sim_user, sim_password = sim.credentials if sim else ("demo", "demo-pw")
        credential = Credential(name=f"{name}-login", username=username or sim_user)
        credential.set_password(password or sim_password)
        if sim is not None:
            fields.setdefault("port", sim.port)
        fields.setdefault("host", "127.0.0.1")
        fields.setdefault("port", 5985)
        fields.setdefault("transport", "http")
        fields.setdefault("auth", "basic")
        target = Target(name=name, credential=credential, **fields)
        db.session.add(target)
        db.session.commit()
        return target

    return make


@pytest.fixture
def make_job(app_context):
    def make(
        scripts: list[str],
        name: str = "job",
        kind: str = "powershell",
        parameters: list[dict] | None = None,
        timeout_sec: int = 60,
    ) -> Job:
        job = Job(name=name)
        for position, script in enumerate(scripts, start=1):
            job.steps.append(
                JobStep(
                    position=position,
                    name=f"step {position}",
                    kind=kind,
                    script=script,
                    timeout_sec=timeout_sec,
                )
            )
        for position, spec in enumerate(parameters or [], start=1):
            job.parameters.append(JobParameter(position=position, **spec))
        db.session.add(job)
        db.session.commit()
        return job

    return make


def wait_for_run(run_id: int, timeout: float = 30.0) -> Run:
    """Poll the database until the run ends; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        run = db.session.get(Run, run_id)
        if not run.is_active:
            return run
        time.sleep(0.1)
    pytest.fail(f"run {run_id} still {run.status} after {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return children


class WorkerProcess:
    """A `python worker.py` process, started again when a test killed it."""

    def __init__(self, env: dict[str, str], log: Path, name: str) -> None:
        self.env = env
        self.log = log
        self.name = name
        self.process: subprocess.Popen | None = None

    def ensure_running(self) -> "WorkerProcess":
        if self.process is None or self.process.poll() is not None:
            with open(self.log, "ab") as output:
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        "worker.py",
                        "--name",
                        f"{self.name}-{time.time_ns()}",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its work horses, as a machine crash would.

        RQ starts each work horse in a session of its own, so the horses are
        found by their parent process id.
        """
        horses = _children(self.process.pid)
        os.killpg(self.process.pid, signal.SIGKILL)
        for pid in horses:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


@pytest.fixture(scope="session")
def worker_pool(app, settings_env, tmp_path_factory):
    """Real worker processes on the test database and Redis index, by name."""
    folder = tmp_path_factory.mktemp("workers")
    env = {**os.environ, **settings_env, "PYTHONUNBUFFERED": "1"}
    workers: dict[str, WorkerProcess] = {}

    def get(name: str = "main") -> WorkerProcess:
        if name not in workers:
            workers[name] = WorkerProcess(env, folder / f"{name}.log", name)
        return workers[name].ensure_running()

    get.workers = workers
    yield get
    for process in workers.values():
        process.stop()


@pytest.fixture
def worker(worker_pool) -> WorkerProcess:
    """The main worker process, running."""
    return worker_pool("main")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the app over HTTP on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()

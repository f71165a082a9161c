"""Start the whole system on one machine: `python -m app.demo`.

With DATABASE_URL and REDIS_URL unset, an embedded PostgreSQL and Redis start
under instance/. Then a winrm_sim host, an RQ worker and the web server start,
and a demo admin, target and job are seeded.
"""

import argparse
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet

from app.demo_seed import seed

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger("demo")


def main() -> None:
    args = _parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    instance = Path(args.instance).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    state = _demo_state(instance)

    embedded = None
    env = dict(os.environ)
    if not (env.get("DATABASE_URL") and env.get("REDIS_URL")):
        from app.embedded import start_embedded

        embedded = start_embedded(instance)
        env.setdefault("DATABASE_URL", embedded.database_url)
        env.setdefault("REDIS_URL", embedded.redis_url)
    env.setdefault("SECRET_KEY", state["secret_key"])
    env.setdefault("CREDENTIAL_KEY", state["credential_key"])
    env["PYTHONUNBUFFERED"] = "1"

    children: list[subprocess.Popen] = []
    try:
        sim_url = _start_sim(children, env, args.sim_port, state)
        _migrate_and_seed(env, state, args.sim_port)
        for index in range(args.workers):
            children.append(
                _spawn([sys.executable, "worker.py", "--name", f"demo-{index}"], env)
            )
        children.append(_spawn(_web_command(args), env))
        _print_banner(args, state, sim_url)
        _wait(children)
    finally:
        _stop_all(children)
        if embedded is not None:
            embedded.stop()


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run OpsConductor with a demo host.")
    parser.add_argument("--port", type=int, default=5000, help="web server port")
    parser.add_argument("--sim-port", type=int, default=55985, help="winrm_sim port")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes")
    parser.add_argument(
        "--instance", default=str(ROOT / "instance"), help="folder for demo data"
    )
    return parser.parse_args()


def _demo_state(instance: Path) -> dict:
    """Load or create the demo's generated keys and passwords (demo use only)."""
    path = instance / "demo.json"
    if path.exists():
        return json.loads(path.read_text())
    state = {
        "secret_key": secrets.token_hex(32),
        "credential_key": Fernet.generate_key().decode(),
        "admin_password": secrets.token_urlsafe(9),
        "host_password": secrets.token_urlsafe(12),
    }
    path.write_text(json.dumps(state, indent=2))
    path.chmod(0o600)
    return state


def _spawn(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def _start_sim(children, env, port: int, state: dict) -> str:
    command = [
        sys.executable,
        "-m",
        "winrm_sim",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--hostname",
        "WIN-DEMO01",
        "--user",
        f"demo:{state['host_password']}",
        "--auth",
        "negotiate",
    ]
    children.append(_spawn(command, env))
    _wait_for_port(port)
    return f"http://127.0.0.1:{port}/wsman"


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"winrm_sim did not start listening on port {port}")


def _migrate_and_seed(env: dict, state: dict, sim_port: int) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.config import load_settings

    app = create_app(load_settings(env))
    with app.app_context():
        upgrade()
        seed(state["admin_password"], state["host_password"], sim_port)


def _web_command(args: argparse.Namespace) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "wsgi:app",
    ]


def _print_banner(args, state: dict, sim_url: str) -> None:
    print(
        "\n"
        f"  OpsConductor demo: http://127.0.0.1:{args.port}/\n"
        f"  Log in as admin with password {state['admin_password']}\n"
        f"  Demo Windows host (winrm_sim): {sim_url}\n"
        "  Open Jobs, pick 'Demo: system report' and press Run.\n"
        "  Stop with Ctrl-C.\n",
        flush=True,
    )


def _wait(children: list[subprocess.Popen]) -> None:
    stop = {"now": False}

    def request_stop(signum, frame) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stop["now"]:
            for child in children:
                if child.poll() is not None:
                    logger.error(
                        "process %s exited with %s", child.args, child.returncode
                    )
                    return
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass


def _stop_all(children: list[subprocess.Popen]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()

"""Time a 10-step PowerShell job through OpsConductor and through plain pywinrm.

Run from the repository root with the project's virtualenv:

    python -m bench.run_job_vs_pywinrm [--repeat N] [--profile zero|realistic|both]
                                       [--output results.json]

For each latency profile of one winrm_sim host, every round runs the same ten
scripts three ways, starting with a different one each round. The product
variant calls start_run and polls the run row until it is finished, with one
idle `python worker.py` process taking the job from RQ. The run_ps variant calls
`winrm.Session.run_ps` per script, which opens a shell each time, and the floor
runs every script in one pywinrm shell. Every script's output is checked. The
output is a Markdown table of median, min and max times and of the product's
phases.

Services: a new database on DATABASE_URL's server, or an embedded PostgreSQL;
Redis db BENCH_REDIS_DB (default 14) on REDIS_URL, or an embedded Redis. Only
loopback addresses and Unix sockets are accepted.
"""

import argparse
import json
import logging
import os
import platform
import secrets
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from flask_migrate import upgrade

import app.models  # noqa: F401 - loads the models before any feature package
from app import create_app
from app.auth.models import User
from app.config import load_settings
from app.credentials.models import Credential
from app.extensions import db
from app.jobs.models import Job, JobStep
from app.targets.models import Target
from bench import report, variants
from bench.services import bench_services, commit_round_trip_ms, start_worker
from bench.sim_host import HOST, SimHost

HOST_USER = "bench"
PROFILES = ("zero", "realistic")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed rounds per profile (default 5)"
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="untimed rounds first (default 1)"
    )
    parser.add_argument(
        "--profile",
        choices=[*PROFILES, "both"],
        default="both",
        help="winrm_sim latency profile to measure (default both)",
    )
    parser.add_argument("--output", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    profiles = PROFILES if args.profile == "both" else (args.profile,)
    began = time.monotonic()
    load = {"before": os.getloadavg()}
    commit_ms = {}

    with ExitStack() as stack:
        setup = _start_product(stack)
        commit_ms["before"] = commit_round_trip_ms(setup["database_url"])
        samples = {
            profile: measure_profile(profile, args, setup) for profile in profiles
        }
        commit_ms["after"] = commit_round_trip_ms(setup["database_url"])
    load["after"] = os.getloadavg()

    conditions = {"load_average": load, "commit_round_trip_ms": commit_ms}
    summaries = {p: report.summarize(p, samples[p]) for p in profiles}
    _print_results(summaries, conditions)
    if args.output:
        results = _results(args, summaries, samples, conditions)
        args.output.write_text(json.dumps(results, indent=2))
    print(f"total time {time.monotonic() - began:.0f} s", file=sys.stderr)
    return 0


def _print_results(summaries: dict, conditions: dict) -> None:
    commit_ms = conditions["commit_round_trip_ms"]
    load = conditions["load_average"]
    for table in (report.markdown_table, report.ratio_table, report.phase_table):
        print(table(summaries))
        print()
    print(
        "A one-row INSERT and its COMMIT on the benchmark database took "
        f"{commit_ms['before']:.1f} ms before the rounds and "
        f"{commit_ms['after']:.1f} ms after them (median of 50 each). The "
        f"1-minute load average was {load['before'][0]:.2f} before and "
        f"{load['after'][0]:.2f} after."
    )


def _start_product(stack: ExitStack) -> dict:
    """Start services, migrate a fresh database, seed rows and start a worker."""
    env = bench_services(stack)
    app = create_app(load_settings(env))
    stack.enter_context(app.app_context())
    stack.callback(db.engine.dispose)
    upgrade()
    setup = _seed_rows()
    setup["database_url"] = env["DATABASE_URL"]
    log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    start_worker(env, log_dir / "worker.log", stack)
    return setup


def _seed_rows() -> dict:
    password = secrets.token_urlsafe(12)
    user = User(username="bench", role="operator")
    user.set_password(secrets.token_urlsafe(12))
    credential = Credential(name="bench-login", username=HOST_USER)
    credential.set_password(password)
    job = Job(name="bench: ten steps")
    for position, script in enumerate(variants.SCRIPTS, start=1):
        job.steps.append(
            JobStep(
                position=position,
                name=f"step {position}",
                kind="powershell",
                script=script,
                timeout_sec=60,
            )
        )
    db.session.add_all([user, credential, job])
    db.session.commit()
    return {"user": user, "job": job, "credential": credential, "password": password}


def measure_profile(profile: str, args: argparse.Namespace, setup: dict) -> dict:
    """Run the warm-up and timed rounds on a new host and return the samples."""
    host = SimHost(profile, {HOST_USER: setup["password"]})
    try:
        target = _add_target(profile, host.port, setup["credential"])
        runners = {
            "product": lambda: variants.run_product(
                setup["job"], target, setup["user"]
            ),
            "run_ps": lambda: variants.run_session_ps(
                host.url, HOST_USER, setup["password"]
            ),
            "floor": lambda: variants.run_floor(host.url, HOST_USER, setup["password"]),
        }
        samples = {name: [] for name in runners}
        for index in range(args.warmup + args.repeat):
            round_samples = _run_round(host, runners, index)
            timed = index >= args.warmup
            if timed:
                for name, sample in round_samples.items():
                    samples[name].append(sample)
            _log_round(profile, index - args.warmup, timed, round_samples)
    finally:
        host.stop()
    return samples


def _run_round(host: SimHost, runners: dict, index: int) -> dict:
    """Run each variant once, starting with a different one every round."""
    names = list(runners)
    shift = index % len(names)
    results = {}
    for name in names[shift:] + names[:shift]:
        host.take_activity()
        sample = runners[name]()
        activity = host.take_activity()
        variants.check_host_activity(name, activity.counters)
        first = activity.command_times[0]
        sample.marks[variants.FIRST_COMMAND] = (first - sample.started) * 1000
        sample.host_counters = activity.counters
        results[name] = sample
    return results


def _add_target(profile: str, port: int, credential):
    target = Target(
        name=f"bench-{profile}",
        host=HOST,
        port=port,
        transport="http",
        auth="basic",
        credential=credential,
    )
    db.session.add(target)
    db.session.commit()
    return target


def _log_round(profile: str, number: int, timed: bool, samples: dict) -> None:
    label = f"round {number + 1}" if timed else "warm-up"
    times = ", ".join(f"{name} {s.elapsed_ms:.0f} ms" for name, s in samples.items())
    print(f"{profile} {label}: {times}", file=sys.stderr, flush=True)


def _results(args, summaries: dict, samples: dict, conditions: dict) -> dict:
    return {
        "benchmark": "run_job_vs_pywinrm",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {"repeat": args.repeat, "warmup": args.warmup},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            **conditions,
        },
        "summaries": summaries,
        "samples": {p: report.samples_as_json(s) for p, s in samples.items()},
    }


if __name__ == "__main__":
    sys.exit(main())

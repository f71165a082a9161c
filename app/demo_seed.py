"""Demo data: an admin, a credential and target for winrm_sim, and a job."""

from sqlalchemy import select

from app.auth.models import User
from app.credentials.models import Credential
from app.extensions import db
from app.jobs.models import Job, JobParameter, JobStep
from app.targets.models import Target

DEMO_JOB = "Demo: system report"

DEMO_STEPS = [
    (
        "Greet",
        "powershell",
        'Write-Output "Hello $greeting from $env:COMPUTERNAME"\n'
        'Write-Output "Run started at $(Get-Date)"',
    ),
    (
        "Count slowly",
        "powershell",
        "1..5 | ForEach-Object {\n"
        '    Write-Output "working on item $_ of 5"\n'
        "    Start-Sleep -Seconds 1\n"
        "}\n"
        "Write-Output 'all items done'",
    ),
    ("Who am I", "command", "whoami"),
]


def seed(admin_password: str, host_password: str, sim_port: int) -> None:
    """Create the demo rows unless they exist; point the target at ``sim_port``."""
    admin = db.session.scalar(select(User).filter_by(username="admin"))
    if admin is None:
        admin = User(username="admin", role="admin")
        db.session.add(admin)
    admin.set_password(admin_password)

    credential = db.session.scalar(select(Credential).filter_by(name="demo-host"))
    if credential is None:
        credential = Credential(name="demo-host", username="demo")
        db.session.add(credential)
    credential.set_password(host_password)

    target = db.session.scalar(select(Target).filter_by(name="win-demo01"))
    if target is None:
        target = Target(name="win-demo01", group="demo")
        db.session.add(target)
    target.host, target.port = "127.0.0.1", sim_port
    # NTLM over HTTP encrypts every message, as a Windows host with its
    # default AllowUnencrypted=false requires.
    target.transport, target.auth = "http", "ntlm"
    target.credential = credential

    if db.session.scalar(select(Job).filter_by(name=DEMO_JOB)) is None:
        db.session.add(_demo_job(admin))
    db.session.commit()


def _demo_job(admin: User) -> Job:
    job = Job(
        name=DEMO_JOB,
        description="Greets, streams five lines a second apart, and runs whoami.",
        created_by=admin,
    )
    for position, (name, kind, script) in enumerate(DEMO_STEPS, start=1):
        job.steps.append(
            JobStep(position=position, name=name, kind=kind, script=script)
        )
    job.parameters.append(
        JobParameter(
            position=1,
            name="greeting",
            type="string",
            label="Greeting",
            required=True,
            default="world",
        )
    )
    return job

"""Parameter values of a run as the worker delivers them to the host."""

import json

from app.credentials.crypto import decrypt
from app.jobs.parameters import env_name
from app.runs.models import Run
from app.targets.models import Target


def stored_values(run: Run) -> dict[str, str]:
    """Return every value of the run as a string, secrets decrypted."""
    values = dict(run.parameters or {})
    if run.secret_parameters:
        values.update(json.loads(decrypt(run.secret_parameters)))
    return values


def script_values(run: Run) -> dict:
    """Values typed for PowerShell: integers as numbers, booleans as booleans."""
    types = {p.name: p.type for p in run.job.parameters}
    typed = {}
    for name, value in stored_values(run).items():
        if types.get(name) == "integer":
            typed[name] = int(value)
        elif types.get(name) == "boolean":
            typed[name] = value == "true"
        else:
            typed[name] = value
    return typed


def parameter_env(run: Run) -> dict[str, str]:
    """Shell environment variables OPSC_PARAM_<NAME>, for command steps."""
    return {env_name(name): value for name, value in stored_values(run).items()}


def secret_values(run: Run, target: Target) -> list[str]:
    """Values to mask in output: secret parameters and the login password."""
    names = {p.name for p in run.job.parameters if p.type == "secret"}
    secrets = [v for k, v in stored_values(run).items() if k in names and v]
    if target.credential is not None:
        secrets.append(target.credential.get_password())
    return [s for s in secrets if s]

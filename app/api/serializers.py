"""JSON shapes of runs and steps."""

from datetime import datetime

from app.runs.models import Run, RunStep


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def run_json(run: Run, with_contexts: bool = False) -> dict:
    data = {
        "id": run.id,
        "job": {"id": run.job_id, "name": run.job.name},
        "status": run.status,
        "priority": run.priority,
        "targets": [{"id": t.id, "name": t.name} for t in run.targets],
        "parameters": run.parameters,
        "requested_by": run.requested_by.username if run.requested_by else None,
        "error": run.error,
        "created_at": _iso(run.created_at),
        "queued_at": _iso(run.queued_at),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "execution_time_ms": run.execution_time_ms,
        "total_steps": run.total_steps,
        "completed_steps": run.completed_steps,
        "failed_steps": run.failed_steps,
    }
    if with_contexts:
        data["contexts"] = [
            {
                "target": c.target.name,
                "status": c.status,
                "shell_id": c.shell_id,
                "codepage": c.codepage,
                "connection_established_at": _iso(c.connection_established_at),
                "connection_closed_at": _iso(c.connection_closed_at),
                "commands_executed": c.commands_executed,
                "total_execution_time_ms": c.total_execution_time_ms,
                "error": c.error,
            }
            for c in run.contexts
        ]
    return data


def step_json(step: RunStep) -> dict:
    exit_code = step.exit_code
    return {
        "id": step.id,
        "target": step.target.name,
        "position": step.position,
        "name": step.name,
        "status": step.status,
        "exit_code": exit_code,
        "exit_code_hex": None
        if exit_code is None
        else f"0x{exit_code & 0xFFFFFFFF:08X}",
        "stdout": step.stdout
        if not step.is_active
        else "".join(c.text for c in step.chunks if c.stream == "stdout"),
        "stderr": step.stderr,
        "error": step.error,
        "started_at": _iso(step.started_at),
        "finished_at": _iso(step.finished_at),
        "execution_time_ms": step.execution_time_ms,
    }

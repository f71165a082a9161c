"""JSON shapes of runs and steps."""

from datetime import datetime

from app.execution.errors import guidance_for
from app.runs.models import Run, RunEvent, RunStep


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
        "warning_steps": run.warning_steps,
        "cancel_requested_at": _iso(run.cancel_requested_at),
        "parent_run_id": run.parent_run_id,
        "origin": run.origin,
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
                "shells_opened": c.shells_opened,
                "error": c.error,
                "error_category": c.error_category,
                "guidance": guidance_for(c.error_category),
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
        "stdout": step.stdout,
        "stdout_truncated": step.output_truncated,
        "output_lossy": step.output_lossy,
        "stderr": step.stderr,
        "records": [
            {"stream": r.stream, "text": r.text}
            for r in step.records
            if r.stream != "progress"
        ],
        "error": step.error,
        "error_category": step.error_category,
        "guidance": guidance_for(step.error_category),
        "attempts": step.attempts,
        "started_at": _iso(step.started_at),
        "finished_at": _iso(step.finished_at),
        "execution_time_ms": step.execution_time_ms,
    }


def event_json(event: RunEvent) -> dict:
    return {
        "kind": event.kind,
        "message": event.message,
        "target_id": event.target_id,
        "run_step_id": event.run_step_id,
        "created_at": _iso(event.created_at),
    }

"""Checks and conversions of the step and parameter rows of the job form."""

from wtforms import Field, FieldList, Form

from app.jobs.models import Job, JobParameter
from app.jobs.parameters import NAME_PATTERN, validate_values

MAX_STEP_NAME = 120
MAX_LABEL = 120
# A PowerShell step receives each parameter as a variable of the same name, so
# a name of one of PowerShell's automatic variables fails to be set (Host, true)
# or is replaced while the script runs (input, args, Matches).
# The step wrapper names its own variables with this prefix.
RESERVED_PREFIX = "opsc"
POWERSHELL_AUTOMATIC_VARIABLES = frozenset(
    name.lower()
    for name in (
        "_ args ConsoleFileName Error Event EventArgs EventSubscriber "
        "ExecutionContext false foreach HOME Host input IsCoreCLR IsLinux IsMacOS "
        "IsWindows LASTEXITCODE Matches MyInvocation NestedPromptLevel null PID "
        "PROFILE PSBoundParameters PSCmdlet PSCommandPath PSCulture PSDebugContext "
        "PSEdition PSHOME PSItem PSScriptRoot PSSenderInfo PSUICulture "
        "PSVersionTable PWD Sender ShellId StackTrace switch this true"
    ).split()
)


def job_data(job: Job) -> dict:
    """Return the form data that shows ``job`` with one row per step and parameter."""
    steps = [
        {
            "step_id": str(step.id),
            "position": step.position,
            "name": step.name,
            "kind": step.kind,
            "script": step.script,
            "timeout_sec": step.timeout_sec,
        }
        for step in job.steps
    ]
    parameters = [
        {
            "position": parameter.position,
            "name": parameter.name,
            "type": parameter.type,
            "label": parameter.label,
            "required": parameter.required,
            "default": parameter.default or "",
            "choices": "\n".join(parameter.choices or []),
        }
        for parameter in job.parameters
    ]
    return {
        "name": job.name,
        "description": job.description,
        "steps": steps,
        "parameters": parameters,
    }


def rows_to_save(field_list: FieldList, content: tuple[str, ...]) -> list[Form]:
    """Return the rows that are neither removed nor empty, in position order.

    A row counts as empty when every field named in ``content`` is blank.
    """
    candidates = []
    for index, entry in enumerate(field_list.entries):
        row = entry.form
        blank = all(not (row[name].data or "").strip() for name in content)
        if not row.remove.data and not blank:
            candidates.append((_position_key(row.position.data), index, row))
    candidates.sort(key=lambda item: item[:2])
    return [row for _, _, row in candidates]


def _position_key(position: int | None) -> float:
    return float("inf") if position is None else position


def check_step(step: Form) -> bool:
    """Add a message to each invalid field of a step row and return its validity."""
    errors = [
        (step.name, _required_text(step.name, "Enter a step name.", MAX_STEP_NAME)),
        (step.script, None if (step.script.data or "").strip() else "Enter a script."),
    ]
    # An IntegerField that could not parse its input already contains a message.
    if not step.timeout_sec.errors:
        errors.append((step.timeout_sec, _timeout_error(step.timeout_sec.data)))
    return _attach(errors)


def check_parameters(parameters: list[Form]) -> bool:
    """Add messages to invalid parameter rows and return whether all are valid."""
    valid = True
    seen: set[str] = set()
    for row in parameters:
        name = row.name.data or ""
        errors = [
            (row.name, _name_error(name, seen)),
            (row.label, _length_error(row.label.data, MAX_LABEL)),
            (row.choices, _choices_error(row)),
        ]
        row_valid = _attach(errors)
        if row_valid:
            row_valid = _attach([(row.default, _default_error(row))])
        seen.add(name.lower())
        valid = valid and row_valid
    return valid


def step_values(row: Form) -> dict:
    """Return the JobStep column values of a valid step row, with its id if any."""
    step_id = row.step_id.data or ""
    return {
        "id": int(step_id) if step_id.isdigit() else None,
        "name": row.name.data,
        "kind": row.kind.data,
        "script": row.script.data,
        "timeout_sec": row.timeout_sec.data,
    }


def parameter_values(row: Form) -> dict:
    """Return the JobParameter column values of a valid parameter row."""
    is_choice = row.type.data == "choice"
    return {
        "name": row.name.data,
        "type": row.type.data,
        "label": row.label.data or "",
        "required": row.required.data,
        "default": _normalised_default(row),
        "choices": choice_list(row.choices.data) if is_choice else [],
    }


def choice_list(text: str | None) -> list[str]:
    """Split the choices text into one stripped choice per non-empty line."""
    lines = (line.strip() for line in (text or "").splitlines())
    return [line for line in lines if line]


def _attach(errors: list[tuple[Field, str | None]]) -> bool:
    for field, message in errors:
        if message:
            field.errors.append(message)
    return not any(message for _, message in errors)


def _required_text(field: Field, missing: str, max_length: int) -> str | None:
    if not field.data:
        return missing
    return _length_error(field.data, max_length)


def _length_error(text: str | None, max_length: int) -> str | None:
    if text and len(text) > max_length:
        return f"Enter at most {max_length} characters."
    return None


def _timeout_error(timeout: int | None) -> str | None:
    if timeout is None or timeout < 1:
        return "Enter the timeout as a whole number of seconds above 0."
    return None


def _name_error(name: str, seen: set[str]) -> str | None:
    if not name:
        return "Enter a parameter name."
    if not NAME_PATTERN.match(name):
        return (
            f"{name!r} is not a valid parameter name: start with a letter or _, "
            "then use letters, digits and _, at most 64 characters."
        )
    if name.lower().startswith(RESERVED_PREFIX):
        return (
            f"{name} starts with Opsc, which is reserved for the variables that "
            "run a step: choose another name."
        )
    if name.lower() in POWERSHELL_AUTOMATIC_VARIABLES:
        return (
            f"{name} is a PowerShell automatic variable, so a step cannot use it "
            "as a parameter: choose another name."
        )
    if name.lower() in seen:
        return (
            f"Parameter {name} is defined twice: names must be unique, ignoring "
            "case, because PowerShell variable names ignore case."
        )
    return None


def _choices_error(row: Form) -> str | None:
    if row.type.data != "choice":
        return None
    choices = choice_list(row.choices.data)
    if not choices:
        return "A choice parameter needs at least one choice, one per line."
    if len(set(choices)) != len(choices):
        return "Each choice must appear only once."
    return None


def _default_error(row: Form) -> str | None:
    default = row.default.data or ""
    if not default:
        return None
    if row.type.data == "secret":
        return (
            "A secret parameter cannot have a default, because job definitions "
            "are stored unencrypted."
        )
    _, errors = validate_values(_draft_job(row), {row.name.data: default})
    if errors:
        return f"Invalid default: {next(iter(errors.values()))}."
    return None


def _normalised_default(row: Form) -> str | None:
    default = row.default.data or ""
    if not default:
        return None
    values, _ = validate_values(_draft_job(row), {row.name.data: default})
    return values.get(row.name.data, default)


def _draft_job(row: Form) -> Job:
    # An unsaved job with this one parameter, so that a default is checked by
    # the same rules as a value sent for a run.
    parameter = JobParameter(
        position=1,
        name=row.name.data,
        type=row.type.data,
        required=False,
        default=None,
        choices=choice_list(row.choices.data),
    )
    return Job(name="draft", parameters=[parameter])

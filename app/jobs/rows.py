"""Checks and conversions of the step and parameter rows of the job form."""

import re

from wtforms import Field, FieldList, Form

from app.execution.policy import SuccessCodes
from app.jobs.models import Job, JobParameter
from app.jobs.parameters import NAME_PATTERN, validate_values

MAX_STEP_NAME = 120
MAX_LABEL = 120
MAX_SUCCESS_CODES = 200
MAX_PATTERN = 500
# Largest values of PostgreSQL's integer and bigint columns.
MAX_INTEGER_COLUMN = 2**31 - 1
MAX_BIGINT_COLUMN = 2**63 - 1
# Parameter types whose minimum and maximum bound the length and which take a
# pattern. Integer parameters take a minimum and maximum of the value.
TEXT_TYPES = ("string", "text", "secret")
BOUNDED_TYPES = (*TEXT_TYPES, "integer")
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


# Members PowerShell adds to every object: `$values.PSObject` would return the
# member, not a parameter of that name.
POWERSHELL_INTRINSIC_MEMBERS = frozenset(
    ("psobject", "psbase", "psadapted", "psextended", "pstypenames")
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
            "success_codes": step.success_codes,
            "stop_on_error": step.stop_on_error,
            "on_failure": step.on_failure,
            "always_run": step.always_run,
            "safe_to_retry": step.safe_to_retry,
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
            "pattern": parameter.pattern or "",
            "minimum": parameter.minimum,
            "maximum": parameter.maximum,
        }
        for parameter in job.parameters
    ]
    return {
        "name": job.name,
        "description": job.description,
        "run_timeout_sec": job.run_timeout_sec,
        "max_concurrent_runs": job.max_concurrent_runs,
        "allow_parallel_on_target": job.allow_parallel_on_target,
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
        blank = all(_is_blank(row[name]) for name in content)
        if not row.remove.data and not blank:
            candidates.append((_position_key(row.position.data), index, row))
    candidates.sort(key=lambda item: item[:2])
    return [row for _, _, row in candidates]


def _is_blank(field: Field) -> bool:
    if isinstance(field.data, str):
        return not field.data.strip()
    # A number field that could not parse its input has no data, but the input
    # still makes the row non-empty, so the row gets checked and shows errors.
    raw = field.raw_data or []
    return field.data is None and not any(str(value).strip() for value in raw)


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
    errors.append((step.success_codes, _success_codes_error(step.success_codes.data)))
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
            (row.pattern, _pattern_error(row)),
            (row.minimum, _minimum_error(row)),
            (row.maximum, _maximum_error(row)),
        ]
        row_valid = _attach(errors) and not (row.minimum.errors or row.maximum.errors)
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
        "success_codes": row.success_codes.data,
        "stop_on_error": row.stop_on_error.data,
        "on_failure": row.on_failure.data,
        "always_run": row.always_run.data,
        "safe_to_retry": row.safe_to_retry.data,
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
        "pattern": row.pattern.data or None,
        "minimum": row.minimum.data,
        "maximum": row.maximum.data,
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
    if timeout > MAX_INTEGER_COLUMN:
        return f"Enter a timeout of at most {MAX_INTEGER_COLUMN} seconds."
    return None


def _success_codes_error(spec: str | None) -> str | None:
    if spec and len(spec) > MAX_SUCCESS_CODES:
        return f"Enter at most {MAX_SUCCESS_CODES} characters."
    try:
        SuccessCodes(spec or "")
    except ValueError as exc:
        return f"Invalid success codes: {exc}."
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
    if name.lower() in POWERSHELL_INTRINSIC_MEMBERS:
        return (
            f"{name} is a member every PowerShell object has, so the step could "
            "not read the value by that name: choose another name."
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


def _pattern_error(row: Form) -> str | None:
    pattern = row.pattern.data or ""
    if not pattern:
        return None
    if row.type.data not in TEXT_TYPES:
        return (
            "A pattern applies to string, text and secret parameters only, not to "
            f"type {row.type.data}: clear the pattern or change the type."
        )
    if len(pattern) > MAX_PATTERN:
        return f"Enter a pattern of at most {MAX_PATTERN} characters."
    # NOTE: run values are matched by Python's backtracking re without a time
    # limit, so a pattern such as (a+)+b can take very long on a long value.
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"Invalid regular expression: {exc}."
    return None


def _minimum_error(row: Form) -> str | None:
    minimum, maximum = row.minimum.data, row.maximum.data
    if minimum is None:
        return None
    error = _bound_error(row.type.data, minimum, "minimum")
    if error is None and maximum is not None and minimum > maximum:
        error = (
            f"The minimum ({minimum}) is above the maximum ({maximum}): lower the "
            "minimum or raise the maximum."
        )
    return error


def _maximum_error(row: Form) -> str | None:
    maximum = row.maximum.data
    if maximum is None:
        return None
    return _bound_error(row.type.data, maximum, "maximum")


def _bound_error(kind: str, bound: int, noun: str) -> str | None:
    if kind not in BOUNDED_TYPES:
        return (
            f"A {noun} applies to integer, string, text and secret parameters "
            f"only, not to type {kind}: clear the {noun} or change the type."
        )
    if kind in TEXT_TYPES and bound < 0:
        return f"The {noun} of a {kind} parameter is a length: enter 0 or more."
    if abs(bound) > MAX_BIGINT_COLUMN:
        return f"Enter a {noun} between -{MAX_BIGINT_COLUMN} and {MAX_BIGINT_COLUMN}."
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
        pattern=row.pattern.data or None,
        minimum=row.minimum.data,
        maximum=row.maximum.data,
    )
    return Job(name="draft", parameters=[parameter])

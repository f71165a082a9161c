"""Validation of parameter values against a job's definitions.

The run form and the JSON API both call ``validate_values``, so a value is
accepted or rejected with the same message wherever it comes from. For
integers, minimum and maximum bound the value; for text types they bound the
length, and a pattern must match the whole value.
"""

import re

from app.jobs.models import Job, JobParameter

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_VALUE_LENGTH = 65536
# Characters XML 1.0 cannot carry (WS-Management is XML): C0 controls other
# than tab, line feed and carriage return, and the non-characters U+FFFE/FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}


def env_name(parameter_name: str) -> str:
    """Return the shell environment variable that carries a parameter."""
    return "OPSC_PARAM_" + parameter_name.upper()


def validate_values(job: Job, raw: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Check raw values (strings, or JSON scalars from the API) for a run of ``job``.

    Returns ``(values, errors)``: values as strings keyed by parameter name, and
    one message per invalid field. Unknown names are errors too.
    """
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    known = {p.name for p in job.parameters}
    for name in raw:
        if name not in known:
            errors[name] = f"unknown parameter {name!r}; this job takes: " + (
                ", ".join(sorted(known)) or "no parameters"
            )

    for parameter in job.parameters:
        value = raw.get(parameter.name)
        try:
            normalised = _normalise(parameter, value)
        except ValueError as exc:
            errors[parameter.name] = str(exc)
            continue
        if normalised is not None:
            values[parameter.name] = normalised
    return values, errors


def _normalise(parameter: JobParameter, value) -> str | None:
    if value is None or (isinstance(value, str) and value == ""):
        if parameter.type == "boolean":
            return "false" if parameter.default is None else parameter.default
        if parameter.default not in (None, ""):
            return parameter.default
        if parameter.required:
            raise ValueError(f"{parameter.name} is required")
        return None

    text = value if isinstance(value, str) else _json_scalar(value)
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueError(f"{parameter.name} is longer than {MAX_VALUE_LENGTH} chars")
    if bad := _CONTROL.search(text):
        raise ValueError(
            f"{parameter.name} contains the control character "
            f"U+{ord(bad.group()):04X}, which cannot be sent to the host; remove it"
        )
    return _CHECKS[parameter.type](parameter, text)


def _json_scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise ValueError("a parameter value must be a string, a number or a boolean")


def _check_integer(parameter: JobParameter, text: str) -> str:
    try:
        number = int(text.strip())
    except ValueError:
        raise ValueError(
            f"{parameter.name} must be a whole number, got {text!r}"
        ) from None
    if parameter.minimum is not None and number < parameter.minimum:
        raise ValueError(f"{parameter.name} must be at least {parameter.minimum}")
    if parameter.maximum is not None and number > parameter.maximum:
        raise ValueError(f"{parameter.name} must be at most {parameter.maximum}")
    return str(number)


def _check_boolean(parameter: JobParameter, text: str) -> str:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return "true"
    if word in FALSE_WORDS:
        return "false"
    raise ValueError(f"{parameter.name} must be true or false, got {text!r}")


def _check_choice(parameter: JobParameter, text: str) -> str:
    if text not in parameter.choices:
        allowed = ", ".join(parameter.choices)
        raise ValueError(f"{parameter.name} must be one of: {allowed}")
    return text


def _check_line(parameter: JobParameter, text: str) -> str:
    if "\n" in text or "\r" in text:
        raise ValueError(
            f"{parameter.name} is a single line; use a multi-line text parameter"
        )
    return _check_text(parameter, text)


def _check_text(parameter: JobParameter, text: str) -> str:
    if parameter.minimum is not None and len(text) < parameter.minimum:
        raise ValueError(
            f"{parameter.name} must be at least {parameter.minimum} characters"
        )
    if parameter.maximum is not None and len(text) > parameter.maximum:
        raise ValueError(
            f"{parameter.name} must be at most {parameter.maximum} characters"
        )
    if parameter.pattern and not re.fullmatch(parameter.pattern, text):
        raise ValueError(
            f"{parameter.name} does not match the pattern {parameter.pattern}"
        )
    return text


_CHECKS = {
    "string": _check_line,
    "secret": _check_line,
    "integer": _check_integer,
    "boolean": _check_boolean,
    "choice": _check_choice,
    "text": _check_text,
}

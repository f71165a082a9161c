import pytest

import app.models  # noqa: F401 - configures every mapper
from app.jobs.models import Job, JobParameter
from app.jobs.parameters import validate_values


def job_with(**spec) -> Job:
    job = Job(name="j")
    job.parameters = [JobParameter(position=1, name="p", **spec)]
    return job


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        ({"type": "integer"}, " 42 ", "42"),
        ({"type": "integer", "minimum": -5, "maximum": 5}, -5, "-5"),
        ({"type": "boolean"}, True, "true"),
        ({"type": "boolean"}, "no", "false"),
        ({"type": "boolean"}, None, "false"),
        ({"type": "choice", "choices": ["a", "b"]}, "b", "b"),
        ({"type": "text"}, "line 1\nline 2", "line 1\nline 2"),
        ({"type": "string", "pattern": r"[a-z]+\d"}, "abc1", "abc1"),
        ({"type": "string", "default": "d"}, "", "d"),
        ({"type": "secret"}, "p@ss'\"`$()", "p@ss'\"`$()"),
    ],
)
def test_valid_values_normalised(spec, raw, expected):
    values, errors = validate_values(job_with(**spec), {"p": raw})

    assert errors == {}
    assert values == {"p": expected}


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        ({"type": "integer"}, "ten", "p must be a whole number, got 'ten'"),
        ({"type": "integer", "maximum": 5}, 6, "p must be at most 5"),
        ({"type": "integer", "minimum": 1}, "0", "p must be at least 1"),
        ({"type": "boolean"}, "maybe", "p must be true or false, got 'maybe'"),
        ({"type": "choice", "choices": ["a", "b"]}, "c", "p must be one of: a, b"),
        ({"type": "string"}, "two\nlines", "p is a single line"),
        ({"type": "string", "pattern": r"\d+"}, "12a", "does not match the pattern"),
        ({"type": "string", "maximum": 3}, "abcd", "at most 3 characters"),
        ({"type": "string", "required": True}, "", "p is required"),
        ({"type": "string"}, ["list"], "must be a string, a number or a boolean"),
    ],
)
def test_invalid_values_explained(spec, raw, message):
    values, errors = validate_values(job_with(**spec), {"p": raw})

    assert message in errors["p"]
    assert "p" not in values


def test_unknown_parameter_named():
    _, errors = validate_values(job_with(type="string"), {"q": "x"})

    assert "unknown parameter 'q'" in errors["q"]


def test_control_characters_rejected():
    _, errors = validate_values(job_with(type="string"), {"p": "a\x00b"})
    _, escape = validate_values(job_with(type="text"), {"p": "\x1b[31mred"})
    values, ok = validate_values(job_with(type="text"), {"p": "tab\there\r\nnext"})

    assert "control character U+0000" in errors["p"]
    assert "U+001B" in escape["p"]
    assert ok == {}
    assert values == {"p": "tab\there\r\nnext"}

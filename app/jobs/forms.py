"""The job form: name, description, run limits and editable rows of steps and
parameters.

A row whose fields are all empty, or whose "remove" box is ticked, is dropped
on save. Rows are saved in the order of their position numbers.
"""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.validators import Optional as OptionalValue

from app.extensions import db
from app.jobs import rows
from app.jobs.models import PARAMETER_TYPES, STEP_KINDS, Job

MAX_STEPS = 100
MAX_PARAMETERS = 50
ON_FAILURE_CHOICES = [
    SelectChoice("stop", "Stop"),
    SelectChoice("continue", "Continue"),
]


def strip_text(value: str | None) -> str | None:
    """Remove surrounding white space from a submitted text value."""
    return value.strip() if isinstance(value, str) else value


class StepForm(Form):
    step_id = HiddenField()
    position = IntegerField("Position", validators=[OptionalValue()])
    name = StringField("Step name", filters=[strip_text])
    kind = SelectField("Kind", choices=[SelectChoice(k) for k in STEP_KINDS])
    script = TextAreaField("Script")
    timeout_sec = IntegerField("Timeout (s)", default=300, validators=[OptionalValue()])
    success_codes = StringField(
        "Success codes",
        default="0",
        filters=[strip_text],
        description="Exit codes that count as success, e.g. 0,3010 or 0..3 or -1.",
    )
    stop_on_error = BooleanField(
        "Stop on error",
        default=True,
        description="run with $ErrorActionPreference = 'Stop' so an error record "
        "fails the step",
    )
    on_failure = SelectField(
        "On failure",
        choices=ON_FAILURE_CHOICES,
        default="stop",
        description="Stop skips the target's remaining steps, continue goes on "
        "with the next step.",
    )
    always_run = BooleanField(
        "Always run", description="clean-up step: runs even after a failure"
    )
    safe_to_retry = BooleanField(
        "Safe to retry",
        description="may run again if the connection breaks mid-command",
    )
    remove = BooleanField("Remove")


class ParameterForm(Form):
    position = IntegerField("Position", validators=[OptionalValue()])
    name = StringField("Name", filters=[strip_text])
    type = SelectField("Type", choices=[SelectChoice(t) for t in PARAMETER_TYPES])
    label = StringField("Label", filters=[strip_text])
    required = BooleanField("Required")
    default = StringField("Default")
    choices = TextAreaField("Choices", description="One per line, for type choice.")
    pattern = StringField(
        "Pattern",
        description="A Python regular expression that the whole value must match, "
        "for string, text and secret.",
    )
    minimum = IntegerField(
        "Minimum",
        validators=[OptionalValue()],
        description="The minimum value of an integer, or the minimum length of a "
        "string, text or secret.",
    )
    maximum = IntegerField(
        "Maximum",
        validators=[OptionalValue()],
        description="The maximum value of an integer, or the maximum length of a "
        "string, text or secret.",
    )
    remove = BooleanField("Remove")


class JobForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip_text], validators=[DataRequired(), Length(max=120)]
    )
    description = TextAreaField("Description", filters=[strip_text])
    run_timeout_sec = IntegerField(
        "Run timeout (s)",
        default=3600,
        validators=[
            InputRequired(),
            NumberRange(
                1,
                rows.MAX_INTEGER_COLUMN,
                message="Enter the run timeout as a whole number of seconds "
                f"from 1 to {rows.MAX_INTEGER_COLUMN}.",
            ),
        ],
        description="The maximum time that all steps together may run on one target.",
    )
    max_concurrent_runs = IntegerField(
        "Concurrent runs",
        validators=[
            OptionalValue(),
            NumberRange(
                1,
                rows.MAX_INTEGER_COLUMN,
                message="Enter a whole number of 1 or more, or leave it empty "
                "for no limit.",
            ),
        ],
        description="Runs of this job that may execute at once. Leave empty for "
        "no limit.",
    )
    allow_parallel_on_target = BooleanField(
        "Allow parallel runs on a target",
        description="Run even while other runs use the target, ignoring the "
        "target's concurrent runs limit.",
    )
    steps = FieldList(FormField(StepForm), min_entries=1, max_entries=MAX_STEPS)
    parameters = FieldList(FormField(ParameterForm), max_entries=MAX_PARAMETERS)
    add_step = SubmitField("Add step")
    add_parameter = SubmitField("Add parameter")
    save = SubmitField("Save job")

    def __init__(self, *args, job: Job | None = None, **kwargs) -> None:
        data = rows.job_data(job) if job is not None else None
        super().__init__(*args, data=data, **kwargs)
        self.job = job
        self.form_errors: list[str] = []
        self.row_added = False

    def add_requested_row(self) -> bool:
        """Append an empty row when an "add" button sent the form.

        Returns whether the form was sent to add a row rather than to be saved.
        """
        if self.add_step.data:
            self._append_row(self.steps, MAX_STEPS, "steps")
        elif self.add_parameter.data:
            self._append_row(self.parameters, MAX_PARAMETERS, "parameters")
        self.row_added = bool(self.add_step.data or self.add_parameter.data)
        return self.row_added

    def validate_name(self, field: Field) -> None:
        query = select(Job.id).where(Job.name == field.data)
        if self.job is not None:
            query = query.where(Job.id != self.job.id)
        if db.session.scalar(query) is not None:
            raise ValidationError(
                f"A job named {field.data} already exists: choose another name."
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        steps_valid = self._validate_steps()
        parameters_valid = rows.check_parameters(self.parameters_to_save())
        return valid and steps_valid and parameters_valid

    def job_fields(self) -> dict:
        """Return the Job column values of the validated form."""
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "run_timeout_sec": self.run_timeout_sec.data,
            "max_concurrent_runs": self.max_concurrent_runs.data,
            "allow_parallel_on_target": self.allow_parallel_on_target.data,
        }

    def steps_to_save(self) -> list[StepForm]:
        """Return the step rows to save, in position order."""
        return rows.rows_to_save(self.steps, ("name", "script"))

    def parameters_to_save(self) -> list[ParameterForm]:
        """Return the parameter rows to save, in position order."""
        return rows.rows_to_save(
            self.parameters,
            ("name", "label", "default", "choices", "pattern", "minimum", "maximum"),
        )

    def _validate_steps(self) -> bool:
        steps = self.steps_to_save()
        if not steps:
            self.form_errors.append(
                "A job needs at least one step: fill in a step name and script."
            )
            return False
        valid = True
        for step in steps:
            valid = rows.check_step(step) and valid
        return valid

    def _append_row(self, field_list: FieldList, limit: int, noun: str) -> None:
        if len(field_list.entries) >= limit:
            self.form_errors.append(f"A job can have at most {limit} {noun}.")
            return
        entry = field_list.append_entry()
        entry.form.position.data = len(field_list.entries)

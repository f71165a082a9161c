"""The run form: targets, priority and one field per job parameter."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.jobs.models import Job, JobParameter


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RunForm(FlaskForm):
    targets = MultiCheckboxField("Targets", coerce=int)
    priority = SelectField(
        "Priority",
        choices=[
            SelectChoice("high", "High"),
            SelectChoice("default", "Default"),
            SelectChoice("low", "Low"),
        ],
        default="default",
    )


FIELD_PREFIX = "param_"


def build_run_form(job: Job, targets: list, formdata=None) -> RunForm:
    """Return a RunForm with a field for each of ``job``'s parameters."""

    class JobRunForm(RunForm):
        pass

    for parameter in job.parameters:
        setattr(JobRunForm, FIELD_PREFIX + parameter.name, _field_for(parameter))
    form = JobRunForm(formdata=formdata) if formdata is not None else JobRunForm()
    form.targets.choices = [SelectChoice(t.id, f"{t.name} ({t.host})") for t in targets]
    return form


def parameter_fields(form: RunForm, job: Job) -> list[Field]:
    return [form[FIELD_PREFIX + p.name] for p in job.parameters]


def raw_parameter_values(form: RunForm, job: Job) -> dict:
    values = {}
    for parameter in job.parameters:
        data = form[FIELD_PREFIX + parameter.name].data
        if parameter.type == "boolean":
            data = "true" if data else "false"
        values[parameter.name] = "" if data is None else str(data)
    return values


def _field_for(parameter: JobParameter) -> Field:
    label = parameter.label or parameter.name
    default = parameter.default
    if parameter.type == "boolean":
        return BooleanField(label, default=(default or "").lower() == "true")
    if parameter.type == "integer":
        return IntegerField(label, default=default, validators=[Optional()])
    if parameter.type == "choice":
        choices = [SelectChoice("", "-")] + [SelectChoice(c) for c in parameter.choices]
        return SelectField(label, choices=choices, default=default)
    if parameter.type == "text":
        return TextAreaField(label, default=default)
    if parameter.type == "secret":
        return PasswordField(label)
    return StringField(label, default=default)

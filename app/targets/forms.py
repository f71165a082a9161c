"""The target form: connection settings checked field by field."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.validators import Optional as OptionalValue

from app.credentials.models import Credential
from app.extensions import db
from app.targets import checks
from app.targets.models import Target

NO_CREDENTIAL = 0
CODEPAGES = {
    65001: "65001 UTF-8",
    437: "437 OEM United States",
    850: "850 OEM Multilingual Latin 1",
    1252: "1252 Windows Western European",
    936: "936 Simplified Chinese (GBK)",
}
TIMEOUT_RANGE = NumberRange(min=1, message="Enter a whole number of seconds above 0.")
# Largest value of PostgreSQL's integer column.
MAX_INTEGER_COLUMN = 2**31 - 1


def _codepage_choices() -> list[SelectChoice]:
    return [SelectChoice(number, label) for number, label in CODEPAGES.items()]


def strip_text(value: str | None) -> str | None:
    """Remove surrounding white space from a submitted text value."""
    return value.strip() if isinstance(value, str) else value


class TargetForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip_text], validators=[DataRequired(), Length(max=120)]
    )
    host = StringField(
        "Host", filters=[strip_text], validators=[DataRequired(), Length(max=255)]
    )
    port = IntegerField(
        "Port",
        validators=[
            OptionalValue(),
            NumberRange(1, 65535, message="Port must be between 1 and 65535."),
        ],
        description="Leave empty for 5985 with http or 5986 with https.",
    )
    transport = SelectField(
        "Transport",
        choices=[SelectChoice("https", "HTTPS"), SelectChoice("http", "HTTP")],
        default="https",
    )
    auth = SelectField(
        "Authentication",
        choices=[
            SelectChoice("ntlm", "NTLM"),
            SelectChoice("kerberos", "Kerberos"),
            SelectChoice("credssp", "CredSSP"),
            SelectChoice("basic", "Basic"),
        ],
        default="ntlm",
    )
    validate_certificate = BooleanField("Validate the server certificate", default=True)
    ca_bundle = TextAreaField(
        "CA bundle",
        filters=[strip_text],
        validators=[OptionalValue()],
        description="PEM certificates to trust for https, in place of the system "
        "CA store. Leave empty to use the system store.",
    )
    codepage = SelectField(
        "Code page", coerce=int, choices=_codepage_choices(), default=65001
    )
    operation_timeout_sec = IntegerField(
        "Operation timeout (s)",
        default=20,
        validators=[InputRequired(), TIMEOUT_RANGE],
        description="How long the host may hold one WS-Management operation.",
    )
    read_timeout_sec = IntegerField(
        "Read timeout (s)",
        default=30,
        validators=[InputRequired(), TIMEOUT_RANGE],
        description="How long to wait for any HTTP reply. It must exceed the "
        "operation timeout.",
    )
    group = StringField(
        "Group",
        default="default",
        filters=[strip_text],
        validators=[DataRequired(), Length(max=80)],
    )
    max_concurrent_runs = IntegerField(
        "Concurrent runs",
        default=1,
        validators=[
            InputRequired(),
            NumberRange(
                1,
                MAX_INTEGER_COLUMN,
                message="Enter the number of concurrent runs as a whole number "
                "of 1 or more.",
            ),
        ],
        description="runs that may execute on this target at once; Windows allows "
        "a limited number of shells per user",
    )
    credential_id = SelectField("Credential", coerce=int, default=NO_CREDENTIAL)

    def __init__(self, *args, target: Target | None = None, **kwargs) -> None:
        super().__init__(*args, obj=target, **kwargs)
        self.target = target
        self.credential_id.choices = _credential_choices()
        if target is not None:
            _offer_codepage(self.codepage, target.codepage)

    def validate_name(self, field: Field) -> None:
        query = select(Target.id).where(Target.name == field.data)
        if self.target is not None:
            query = query.where(Target.id != self.target.id)
        if db.session.scalar(query) is not None:
            raise ValidationError(
                f"A target named {field.data} already exists: choose another name."
            )

    def validate_host(self, field: Field) -> None:
        _raise_if(checks.host_error(field.data))

    def validate_ca_bundle(self, field: Field) -> None:
        _raise_if(checks.ca_bundle_error(field.data))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._validate_combination() and valid

    @property
    def security_warning(self) -> str | None:
        return checks.security_warning(self.transport.data, self.auth.data)

    def target_fields(self) -> dict:
        """Return the model's column values from the validated form."""
        return {
            "name": self.name.data,
            "host": self.host.data,
            "port": self.port.data or checks.DEFAULT_PORTS[self.transport.data],
            "transport": self.transport.data,
            "auth": self.auth.data,
            "validate_certificate": self.validate_certificate.data,
            "ca_bundle": _pem_text(self.ca_bundle.data),
            "codepage": self.codepage.data,
            "operation_timeout_sec": self.operation_timeout_sec.data,
            "read_timeout_sec": self.read_timeout_sec.data,
            "group": self.group.data,
            "max_concurrent_runs": self.max_concurrent_runs.data,
            "credential_id": self.credential_id.data or None,
        }

    def _validate_combination(self) -> bool:
        errors = [
            (self.read_timeout_sec, self._timeout_error()),
            (self.host, self._kerberos_host_error()),
            (self.credential_id, self._kerberos_credential_error()),
            (
                self.auth,
                checks.basic_over_http_error(self.transport.data, self.auth.data),
            ),
        ]
        for field, message in errors:
            if message:
                field.errors.append(message)
        return not any(message for _, message in errors)

    def _timeout_error(self) -> str | None:
        operation = self.operation_timeout_sec.data
        read = self.read_timeout_sec.data
        if operation is None or read is None or read > operation:
            return None
        return (
            f"The read timeout ({read} s) must be longer than the operation "
            f"timeout ({operation} s), so the host can answer before the client "
            "gives up waiting."
        )

    def _kerberos_host_error(self) -> str | None:
        if self.auth.data != "kerberos" or not self.host.data:
            return None
        return checks.kerberos_host_error(self.host.data)

    def _kerberos_credential_error(self) -> str | None:
        if self.auth.data != "kerberos":
            return None
        credential = db.session.get(Credential, self.credential_id.data or 0)
        if credential is None:
            return "Kerberos needs a credential: choose one with a user@REALM name."
        return checks.kerberos_user_error(credential.name, credential.username)


def _raise_if(message: str | None) -> None:
    if message:
        raise ValidationError(message)


def _pem_text(value: str | None) -> str | None:
    return value.strip() + "\n" if value else None


def _credential_choices() -> list[SelectChoice]:
    credentials = db.session.scalars(select(Credential).order_by(Credential.name))
    choices = [SelectChoice(c.id, f"{c.name} ({c.username})") for c in credentials]
    return [SelectChoice(NO_CREDENTIAL, "(none)"), *choices]


def _offer_codepage(field: SelectField, codepage: int) -> None:
    # A target saved through another channel may use a code page that this
    # form does not offer. Offering it too keeps the form valid on edit.
    if codepage not in CODEPAGES:
        field.choices = [*_codepage_choices(), SelectChoice(codepage, str(codepage))]

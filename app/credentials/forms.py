"""Credential forms. The password field is write-only."""

from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from app.credentials.models import Credential
from app.credentials.services import name_taken, targets_using
from app.targets.checks import kerberos_user_error

MAX_PASSWORD_LENGTH = 1024


def strip_text(value: str | None) -> str | None:
    """Remove surrounding white space from a submitted text value."""
    return value.strip() if isinstance(value, str) else value


class CredentialForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip_text], validators=[DataRequired(), Length(max=120)]
    )
    username = StringField(
        "User name",
        filters=[strip_text],
        validators=[DataRequired(), Length(max=255)],
        description="DOMAIN\\user or user@REALM for a domain account, or user "
        "for a local account. Kerberos needs user@REALM.",
    )
    # PasswordField renders no value attribute, even after a failed post.
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )

    def __init__(self, *args, credential: Credential | None = None, **kwargs) -> None:
        super().__init__(*args, obj=credential, **kwargs)
        self.credential = credential

    def validate_name(self, field: Field) -> None:
        if name_taken(field.data, self.credential):
            raise ValidationError(
                f"A credential named {field.data} already exists: choose another name."
            )

    def validate_username(self, field: Field) -> None:
        if self.credential is None:
            return
        kerberos_targets = targets_using(self.credential, auth="kerberos")
        message = kerberos_user_error(self.credential.name, field.data)
        if kerberos_targets and message:
            raise ValidationError(
                f"{', '.join(kerberos_targets)} use Kerberos with this credential. "
                + message
            )


class EditCredentialForm(CredentialForm):
    password = PasswordField(
        "New password",
        validators=[Optional(), Length(max=MAX_PASSWORD_LENGTH)],
        description="Leave empty to keep the stored password.",
    )

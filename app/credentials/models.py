"""Credentials used to log on to targets; passwords are encrypted at rest."""

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.credentials.crypto import decrypt, encrypt
from app.extensions import UTC_NOW, db


class Credential(db.Model):
    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    username: Mapped[str] = mapped_column(String(255))
    password_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(server_default=UTC_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=UTC_NOW, onupdate=utcnow
    )

    def set_password(self, password: str) -> None:
        self.password_encrypted = encrypt(password)

    def get_password(self) -> str:
        return decrypt(self.password_encrypted)

"""Windows hosts reached over WinRM."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.credentials.models import Credential
from app.extensions import UTC_NOW, db

TRANSPORTS = ("http", "https")
AUTH_METHODS = ("basic", "ntlm", "kerberos", "credssp")


class Target(db.Model):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(default=5986)
    transport: Mapped[str] = mapped_column(String(8), default="https")
    auth: Mapped[str] = mapped_column(String(16), default="ntlm")
    validate_certificate: Mapped[bool] = mapped_column(default=True)
    ca_bundle: Mapped[str | None] = mapped_column(Text)
    codepage: Mapped[int] = mapped_column(default=65001)
    operation_timeout_sec: Mapped[int] = mapped_column(default=20)
    read_timeout_sec: Mapped[int] = mapped_column(default=30)
    group: Mapped[str] = mapped_column(String(80), default="default")
    # Runs that may execute on this target at once; 1 keeps runs from
    # interfering with each other and from exhausting the host's shell quota.
    max_concurrent_runs: Mapped[int] = mapped_column(default=1)
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("credentials.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=UTC_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=UTC_NOW, onupdate=utcnow
    )

    credential: Mapped[Credential | None] = relationship()

    @property
    def endpoint(self) -> str:
        """The WS-Management URL, e.g. https://web01.example.test:5986/wsman."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.transport}://{host}:{self.port}/wsman"

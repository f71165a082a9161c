"""Store a step's output in the database while the command runs."""

from app.execution import clixml
from app.execution.codepages import StreamDecoder
from app.extensions import db
from app.runs.models import OutputChunk, RunStatus, RunStep
from app.runs.services import utcnow

MASK = "********"


class StepRecorder:
    """Decode, mask and append each output chunk of one step as it arrives."""

    def __init__(self, step: RunStep, codepage: int, secrets: list[str]) -> None:
        self.step = step
        self.secrets = sorted(set(secrets), key=len, reverse=True)
        self.decoders = {
            "stdout": StreamDecoder(codepage),
            "stderr": StreamDecoder(codepage),
        }
        self.texts: dict[str, list[str]] = {"stdout": [], "stderr": []}
        self.seq = 0

    def start(self) -> None:
        self.step.status = RunStatus.RUNNING.value
        self.step.started_at = utcnow()
        db.session.commit()

    def write(self, stream: str, data: bytes) -> None:
        self._append(stream, self.decoders[stream].decode(data))

    def finish(self, duration_ms: int) -> None:
        for stream, decoder in self.decoders.items():
            self._append(stream, decoder.decode(b"", final=True))
        self.step.stdout = "".join(self.texts["stdout"])
        self.step.stderr = clixml.to_text("".join(self.texts["stderr"]))
        self.step.finished_at = utcnow()
        self.step.execution_time_ms = duration_ms
        db.session.commit()

    def _append(self, stream: str, text: str) -> None:
        if not text:
            return
        # TODO: a secret split across two chunks is not masked; keep a tail of
        # the previous chunk to catch it.
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        self.texts[stream].append(text)
        self.seq += 1
        db.session.add(
            OutputChunk(
                run_step_id=self.step.id, seq=self.seq, stream=stream, text=text
            )
        )
        db.session.commit()

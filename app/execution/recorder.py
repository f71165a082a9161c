"""Store a step's output in the database while the command runs."""

from sqlalchemy import update

from app.clock import utcnow
from app.execution import clixml
from app.execution.codepages import StreamDecoder
from app.execution.masking import Masker
from app.extensions import db
from app.runs.models import OutputChunk, RunStatus, RunStep, StepRecord

TRUNCATED_MARK = "\n[output truncated: download the full output from the run page]\n"


class StepRecorder:
    """Decode, mask and append each output chunk of one step as it arrives.

    Every chunk is stored in ``output_chunks``. The step's ``stdout`` column
    keeps the first ``limit`` characters for display and is marked truncated
    beyond that, so memory and row size stay bounded whatever the output size.
    """

    def __init__(
        self, step: RunStep, codepage: int, secrets: list[str], limit: int
    ) -> None:
        self.step = step
        self.limit = limit
        self.decoders = {s: StreamDecoder(codepage) for s in ("stdout", "stderr")}
        self.maskers = {s: Masker(secrets) for s in ("stdout", "stderr")}
        self.stored = {"stdout": 0, "stderr": 0}
        self.stderr_parts: list[str] = []
        self.seq = db.session.query(OutputChunk).filter_by(run_step_id=step.id).count()

    def start(self) -> None:
        self.step.status = RunStatus.RUNNING.value
        self.step.started_at = self.step.started_at or utcnow()
        self.step.attempts += 1
        db.session.commit()

    def write(self, stream: str, data: bytes) -> None:
        decoded = self.decoders[stream].decode(data)
        raw = data if "\ufffd" in decoded else None
        self._append(stream, self.maskers[stream].feed(decoded), raw)

    def finish(self, duration_ms: int | None) -> list[clixml.Record]:
        """Flush the decoders, store the stream records and return them."""
        for stream, decoder in self.decoders.items():
            text = self.maskers[stream].feed(decoder.decode(b"", final=True))
            self._append(stream, text + self.maskers[stream].flush(), None)

        records = _parse_records("".join(self.stderr_parts))
        for seq, record in enumerate(records, start=1):
            db.session.add(
                StepRecord(
                    run_step_id=self.step.id,
                    seq=seq,
                    stream=record.stream,
                    text=self.maskers["stderr"].mask(record.text),
                )
            )
        self.step.stderr = self.maskers["stderr"].mask(
            clixml.to_text("".join(self.stderr_parts))
        )
        self.step.output_lossy = any(d.lossy for d in self.decoders.values())
        self.step.finished_at = utcnow()
        self.step.execution_time_ms = duration_ms
        db.session.commit()
        return records

    def _append(self, stream: str, text: str, raw: bytes | None) -> None:
        if not text:
            return
        self.seq += 1
        db.session.add(
            OutputChunk(
                run_step_id=self.step.id,
                seq=self.seq,
                stream=stream,
                text=text,
                raw=raw,
            )
        )
        if stream == "stderr":
            self._keep_stderr(text)
        else:
            self._extend_stdout(text)
        db.session.commit()

    def _keep_stderr(self, text: str) -> None:
        if self.stored["stderr"] < self.limit:
            self.stderr_parts.append(text)
        self.stored["stderr"] += len(text)

    def _extend_stdout(self, text: str) -> None:
        room = self.limit - self.stored["stdout"]
        self.stored["stdout"] += len(text)
        if room <= 0:
            return
        piece = text[:room]
        truncated = len(text) > room
        if truncated:
            piece += TRUNCATED_MARK
        # Appending in SQL keeps the row current for the live page without
        # reloading the text already stored.
        db.session.execute(
            update(RunStep)
            .where(RunStep.id == self.step.id)
            .values(
                stdout=RunStep.stdout + piece,
                output_truncated=RunStep.output_truncated | truncated,
            )
        )


def _parse_records(stderr: str) -> list[clixml.Record]:
    if not clixml.is_clixml(stderr):
        return []
    try:
        return clixml.parse(stderr)
    except ValueError:
        return []

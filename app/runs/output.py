"""Full output of a step, read back from its stored chunks."""

from collections.abc import Iterator

from sqlalchemy import select

from app.extensions import db
from app.runs.models import OutputChunk

BATCH = 200


def iter_output(run_step_id: int, stream: str | None = None) -> Iterator[str]:
    """Yield the step's output chunk by chunk, in order, a batch per query."""
    last_seq = 0
    while True:
        query = (
            select(OutputChunk.seq, OutputChunk.stream, OutputChunk.text)
            .where(OutputChunk.run_step_id == run_step_id, OutputChunk.seq > last_seq)
            .order_by(OutputChunk.seq)
            .limit(BATCH)
        )
        rows = db.session.execute(query).all()
        if not rows:
            return
        for seq, chunk_stream, text in rows:
            last_seq = seq
            if stream is None or chunk_stream == stream:
                yield text

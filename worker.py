"""Start an RQ worker on the high, default and low queues, in that order.

Run as many as the load needs, on any machine that reaches the same
PostgreSQL and Redis: `python worker.py`.
"""

import argparse
import logging

from rq import Worker

import app.execution.tasks  # noqa: F401 - loaded once here, not in every work horse
from app import create_app
from app.execution.queues import QUEUE_NAMES, get_queue
from app.execution.reaper import start_reaper_thread

logger = logging.getLogger("worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", help="worker name shown in RQ (default: random)")
    parser.add_argument(
        "--burst", action="store_true", help="exit when the queues are empty"
    )
    parser.add_argument(
        "--no-reaper",
        action="store_true",
        help="do not run the recovery pass in this worker (another one does)",
    )
    args = parser.parse_args()

    app = create_app()
    if not args.no_reaper:
        start_reaper_thread(app)
    with app.app_context():
        queues = [get_queue(name) for name in QUEUE_NAMES]
        worker = Worker(queues, connection=app.extensions["redis"], name=args.name)
        logger.info("worker starting queues=%s", ",".join(QUEUE_NAMES))
        worker.work(burst=args.burst, with_scheduler=False)


if __name__ == "__main__":
    main()

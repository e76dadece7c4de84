"""Run the task-queue worker: `python -m survey.worker`."""

from huey.consumer import Consumer

from app import create_app
from survey import tasks  # noqa: F401  (registers the tasks)
from survey.queue import huey


def main() -> None:
    create_app()
    # Months whose report was due while no worker ran are built now; the task is safe to
    # run in several workers at once (each month is stored and e-mailed once).
    tasks.catch_up_reports()
    tasks.create_partitions()  # PostgreSQL: next months' partitions, if the nightly run was missed
    consumer = Consumer(huey, workers=2, periodic=True, check_worker_health=True)
    consumer.run()


if __name__ == "__main__":
    main()

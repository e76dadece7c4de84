"""Run the task-queue worker: `python -m survey.worker`."""

from huey.consumer import Consumer

from app import create_app
from survey import tasks  # noqa: F401  (registers the tasks)
from survey.queue import huey


def main() -> None:
    create_app()
    consumer = Consumer(huey, workers=2, periodic=True, check_worker_health=True)
    consumer.run()


if __name__ == "__main__":
    main()

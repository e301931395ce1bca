"""The Celery broker's `gates` queue, read directly: what a page or API call enqueued there
is what a gates worker would run."""

import pytest


class GatesQueue:
    name = "gates"

    def __init__(self, app):
        self.app = app

    def _queue(self, connection):
        return connection.SimpleQueue(self.name, accept=["json"])

    def clear(self) -> None:
        with self.app.connection_for_write() as connection:
            self._queue(connection).clear()

    def take(self) -> list[tuple[str, list]]:
        """Every task waiting in the queue as (task name, args), removing them."""
        taken = []
        with self.app.connection_for_read() as connection:
            queue = self._queue(connection)
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    return taken
                args, _kwargs, _embed = message.decode()
                taken.append((message.headers["task"], args))
                message.ack()


@pytest.fixture
def gates_queue():
    from portal.celery import app

    queue = GatesQueue(app)
    queue.clear()
    yield queue
    queue.clear()
